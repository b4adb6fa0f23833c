import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeVtable,
  describeGhostVirtualTable,
  describeVtable,
  encodeVtable,
  VTABLE_OFFSET_BITS,
  type VtableEntry,
} from '../../server/sim/designs/vtable';
import { idOfZswapEntryAddress, zswapEntryAddress } from '../../server/sim/designs/pointers';

describe('vswap-STE virtual_table entry', () => {
  it('has a 3-bit tag, 5 type bits and a 56-bit offset', () => {
    assert.equal(VTABLE_OFFSET_BITS, 56);
    assert.equal(encodeVtable({ tag: 'none' }), 0n);
    assert.equal(encodeVtable({ tag: 'swapfile', swapType: 3, offset: 12345 }), (3n << 59n) | (12345n << 3n) | 2n);
    assert.equal(encodeVtable({ tag: 'swapfile', swapType: 31, offset: 0 }), 0xf800000000000002n);
    assert.equal(encodeVtable({ tag: 'zswap', entryAddress: 0xffff888100000040n }), 0xffff888100000041n);
  });
  it('round-trips every kind', () => {
    const entries: VtableEntry[] = [
      { tag: 'none' },
      { tag: 'zswap', entryAddress: zswapEntryAddress(0) },
      { tag: 'zswap', entryAddress: zswapEntryAddress(987_654) },
      { tag: 'swapfile', swapType: 0, offset: 1 },
      { tag: 'swapfile', swapType: 23, offset: 2 ** 32 - 1 },
      { tag: 'swapfile', swapType: 31, offset: Number.MAX_SAFE_INTEGER },
    ];
    for (const e of entries) assert.deepEqual(decodeVtable(encodeVtable(e)), e);
    const z = decodeVtable(encodeVtable({ tag: 'zswap', entryAddress: zswapEntryAddress(42) }));
    assert.equal(z.tag === 'zswap' ? idOfZswapEntryAddress(z.entryAddress) : null, 42);
  });
  it('rejects what the format cannot hold', () => {
    assert.throws(() => encodeVtable({ tag: 'zswap', entryAddress: 0x1004n }), /aligned/);
    assert.throws(() => encodeVtable({ tag: 'swapfile', swapType: 32, offset: 0 }), /outside 0..31/);
    assert.throws(() => decodeVtable(5n), /reserved tag 5/);
    assert.throws(() => decodeVtable(8n), /NONE with payload/);
    assert.throws(() => decodeVtable(1n), /null pointer/);
    assert.throws(() => decodeVtable(1n << 64n), RangeError);
  });
  it('labels the fields of a SWAPFILE entry', () => {
    const v = describeVtable(encodeVtable({ tag: 'swapfile', swapType: 2, offset: 513 }));
    assert.equal(v.raw, '0x100000000000100a');
    assert.deepEqual(v.fields, [
      { name: 'swap type', bits: [63, 59], value: '2' },
      { name: 'offset', bits: [58, 3], value: '513' },
      { name: 'tag', bits: [2, 0], value: '2 (SWAPFILE)' },
    ]);
  });
  it('labels ZSWAP, NONE and reserved tags without throwing', () => {
    const z = describeVtable(0xffff888100000041n);
    assert.deepEqual(z.fields[0], { name: 'zswap_entry pointer', bits: [63, 3], value: '0xffff888100000040' });
    assert.equal(z.fields[1]?.value, '1 (ZSWAP)');
    assert.equal(describeVtable(0n).fields.at(-1)?.value, '0 (NONE)');
    assert.equal(describeVtable(7n).fields.at(-1)?.value, '7 (reserved)');
    assert.equal(describeVtable(0n).raw.length, 18);
  });
  it('shows the ghost RFC virtual_table as one opaque word', () => {
    const v = describeGhostVirtualTable(0x1234n);
    assert.equal(v.raw, '0x0000000000001234');
    assert.equal(v.fields.length, 1);
    assert.deepEqual(v.fields[0]?.bits, [63, 0]);
    assert.match(v.fields[0]?.name ?? '', /opaque/);
  });
});
