// Reveal Slot's input (issue #22): DEVICE:OFFSET and DEVICE OFFSET both work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSlotAddress } from '../../client/commands/slotAddress';

const DEVICES = [
  { type: 0, path: '/dev/vda2', maxSlots: 16384 },
  { type: 1, path: '/swap file', maxSlots: 512 },
];

test('a device and an offset, separated by a colon or by spaces', () => {
  assert.deepEqual(parseSlotAddress('/dev/vda2:1234', DEVICES), { type: 0, offset: 1234 });
  assert.deepEqual(parseSlotAddress('/dev/vda2 1234', DEVICES), { type: 0, offset: 1234 });
  assert.deepEqual(parseSlotAddress('  /dev/vda2   0x4d2 ', DEVICES), { type: 0, offset: 1234 });
  assert.deepEqual(parseSlotAddress('1 7', DEVICES), { type: 1, offset: 7 });
  assert.deepEqual(
    parseSlotAddress('/swap file:7', DEVICES),
    { type: 1, offset: 7 },
    'a path with a space, colon form',
  );
  assert.deepEqual(
    parseSlotAddress('/swap file 7', DEVICES),
    { type: 1, offset: 7 },
    'a path with a space, space form',
  );
});

test('what is wrong, in words', () => {
  assert.match(String(parseSlotAddress('/dev/vda2', DEVICES)), /^write DEVICE:OFFSET or DEVICE OFFSET/);
  assert.match(String(parseSlotAddress('/dev/vda2 x1', DEVICES)), /^not an offset: x1$/);
  assert.match(
    String(parseSlotAddress('/dev/vdz 1', DEVICES)),
    /^no active swap device \/dev\/vdz \(active: \/dev\/vda2, \/swap file\)$/,
  );
  assert.match(String(parseSlotAddress('/swap file 600', DEVICES)), /^\/swap file has slots 0\.\.511$/);
});
