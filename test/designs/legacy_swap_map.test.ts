import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  COUNT_CONTINUED,
  decodeSwapMap,
  describeContinuationByte,
  describeSwapMapByte,
  digitWeight,
  encodeSwapMap,
  SWAP_HAS_CACHE,
  SWAP_MAP_BAD,
  SWAP_MAP_MAX,
  SWAP_MAP_SHMEM,
  swapMapDigits,
} from '../../server/sim/designs/legacy_swap_map';

describe('legacy swap_map byte', () => {
  it('uses the historical constants', () => {
    assert.deepEqual(
      [SWAP_MAP_MAX, SWAP_MAP_BAD, SWAP_HAS_CACHE, COUNT_CONTINUED, SWAP_MAP_SHMEM],
      [0x3e, 0x3f, 0x40, 0x80, 0xbf],
    );
  });
  it('stores counts up to SWAP_MAP_MAX inline', () => {
    assert.deepEqual(encodeSwapMap({ kind: 'normal', count: 0, hasCache: false }), { map: 0x00, continuation: [] });
    assert.deepEqual(encodeSwapMap({ kind: 'normal', count: 0, hasCache: true }), { map: 0x40, continuation: [] });
    assert.deepEqual(encodeSwapMap({ kind: 'normal', count: 3, hasCache: true }), { map: 0x43, continuation: [] });
    assert.deepEqual(encodeSwapMap({ kind: 'normal', count: 62, hasCache: false }), { map: 0x3e, continuation: [] });
  });
  it('carries into continuation pages like adding 1 to 999', () => {
    // 63 = one unit of level 1, swap_map digit back to 0 with COUNT_CONTINUED
    assert.deepEqual(encodeSwapMap({ kind: 'normal', count: 63, hasCache: false }), {
      map: 0x80,
      continuation: [0x01],
    });
    // 62 + 63·127: every digit at its maximum, no level 2 yet
    assert.deepEqual(encodeSwapMap({ kind: 'normal', count: 62 + 63 * 127, hasCache: true }), {
      map: 0xfe,
      continuation: [0x7f],
    });
    // one more rolls both digits over into level 2
    assert.deepEqual(encodeSwapMap({ kind: 'normal', count: 63 * 128, hasCache: false }), {
      map: 0x80,
      continuation: [0x80, 0x01],
    });
    assert.deepEqual(swapMapDigits(63 * 128 + 5), [5, 0, 1]);
    assert.deepEqual([digitWeight(0), digitWeight(1), digitWeight(2)], [1, 63, 8064]);
  });
  it('round-trips every count up to 20,000 with and without the cache bit', () => {
    for (let count = 0; count <= 20_000; count++) {
      for (const hasCache of [false, true]) {
        const enc = encodeSwapMap({ kind: 'normal', count, hasCache });
        assert.deepEqual(decodeSwapMap(enc), { kind: 'normal', count, hasCache });
        assert.notEqual(enc.map & SWAP_MAP_BAD, SWAP_MAP_BAD, `count ${count} collides with SWAP_MAP_BAD`);
      }
    }
  });
  it('round-trips large counts across several levels', () => {
    for (const count of [1_000_000, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      assert.deepEqual(decodeSwapMap(encodeSwapMap({ kind: 'normal', count, hasCache: false })), {
        kind: 'normal',
        count,
        hasCache: false,
      });
    }
  });
  it('round-trips BAD and the historical SHMEM marker', () => {
    assert.deepEqual(encodeSwapMap({ kind: 'bad' }), { map: 0x3f, continuation: [] });
    assert.deepEqual(decodeSwapMap({ map: 0x3f, continuation: [] }), { kind: 'bad' });
    assert.deepEqual(decodeSwapMap(encodeSwapMap({ kind: 'shmem' })), { kind: 'shmem' });
  });
  it('ignores stale continuation digits above the last COUNT_CONTINUED', () => {
    assert.deepEqual(decodeSwapMap({ map: 0x05, continuation: [0x7f, 0x7f] }), {
      kind: 'normal',
      count: 5,
      hasCache: false,
    });
  });
  it('rejects inconsistent encodings', () => {
    assert.throws(() => decodeSwapMap({ map: 0x80, continuation: [] }), /missing/);
    assert.throws(() => decodeSwapMap({ map: 0x7f, continuation: [] }), /bad slot cannot be cached/);
    assert.throws(() => decodeSwapMap({ map: 0x100, continuation: [] }), RangeError);
    assert.throws(() => encodeSwapMap({ kind: 'normal', count: -1, hasCache: false }), RangeError);
  });
  it('labels the bit fields of a swap_map byte', () => {
    const v = describeSwapMapByte(0xc5);
    assert.equal(v.raw, '0xc5');
    assert.deepEqual(
      v.fields.map((f) => [f.name, f.bits]),
      [
        ['COUNT_CONTINUED', [7, 7]],
        ['SWAP_HAS_CACHE', [6, 6]],
        ['count', [5, 0]],
      ],
    );
    assert.match(v.fields[0]?.value ?? '', /^1 /);
    assert.match(v.fields[1]?.value ?? '', /^1 /);
    assert.equal(v.fields[2]?.value, '5');
    assert.equal(describeSwapMapByte(0x3f).fields[2]?.value, '0x3f: SWAP_MAP_BAD');
    assert.equal(describeSwapMapByte(0x3e).fields[2]?.value, '62 (SWAP_MAP_MAX)');
    assert.match(describeSwapMapByte(0xbf).fields[2]?.value ?? '', /SWAP_MAP_SHMEM/);
    assert.equal(describeSwapMapByte(0x00).raw, '0x00');
  });
  it('labels a continuation digit with its weight', () => {
    const v = describeContinuationByte(0x83, 2);
    assert.equal(v.raw, '0x83');
    assert.deepEqual(v.fields[1]?.bits, [6, 0]);
    assert.equal(v.fields[1]?.value, '3 × 8,064 = 24,192');
    assert.match(describeContinuationByte(0x7f, 1).fields[1]?.value ?? '', /SWAP_CONT_MAX/);
  });
});
