import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeSwpDesc,
  describeSwpDesc,
  encodeSwpDesc,
  SWP_DESC_BYTES,
  SWP_DESC_LAYOUT,
  swpDescWords,
  type SwpDesc,
} from '../../server/sim/designs/vswap_desc';
import { folioAddress, pfnOfFolioAddress, zswapEntryAddress } from '../../server/sim/designs/pointers';

const samples: SwpDesc[] = [
  { backend: { type: 'swapfile', swapType: 1, offset: 4242 }, cache: { kind: 'none' }, swapCount: 1, memcgId: 7 },
  {
    backend: { type: 'swapfile', swapType: 23, offset: 2 ** 32 - 1 },
    cache: { kind: 'shadow', cookie: 0xdeadbeef },
    swapCount: 0xffffffff,
    memcgId: 0xffff,
  },
  { backend: { type: 'zero' }, cache: { kind: 'none' }, swapCount: 2, memcgId: 1 },
  { backend: { type: 'zero' }, cache: { kind: 'folio', address: folioAddress(77) }, swapCount: 0, memcgId: 1 },
  {
    backend: { type: 'zswap', entryAddress: zswapEntryAddress(5) },
    cache: { kind: 'shadow', cookie: 3 },
    swapCount: 4,
    memcgId: 12,
  },
  { backend: { type: 'folio' }, cache: { kind: 'folio', address: folioAddress(123_456) }, swapCount: 1, memcgId: 3 },
];

describe('vswap v3 swp_desc', () => {
  it('is 24 bytes and the layout covers all 192 bits once', () => {
    assert.equal(SWP_DESC_BYTES, 24);
    const covered = new Set<number>();
    for (const f of SWP_DESC_LAYOUT) {
      for (let b = f.bits[1]; b <= f.bits[0]; b++) {
        assert.equal(covered.has(b), false, `bit ${b} twice`);
        covered.add(b);
      }
    }
    assert.equal(covered.size, 192);
  });
  it('round-trips every backend type and cache state', () => {
    for (const d of samples) {
      const bytes = encodeSwpDesc(d);
      assert.equal(bytes.length, 24);
      assert.deepEqual(decodeSwpDesc(bytes), { ...d, inSwapcache: d.cache.kind === 'folio' });
    }
  });
  it('places fields at the assumed byte offsets (little-endian)', () => {
    const bytes = encodeSwpDesc({
      backend: { type: 'zswap', entryAddress: 0xffff888100000040n },
      cache: { kind: 'folio', address: folioAddress(1) },
      swapCount: 0x01020304,
      memcgId: 0xabcd,
    });
    assert.deepEqual([...bytes.slice(0, 8)], [0x40, 0x00, 0x00, 0x00, 0x81, 0x88, 0xff, 0xff]);
    assert.deepEqual([...bytes.slice(16, 20)], [0x04, 0x03, 0x02, 0x01]);
    assert.deepEqual([...bytes.slice(20, 22)], [0xcd, 0xab]);
    // in_swapcache (bit 0) | VSWAP_ZSWAP (2) << 1
    assert.equal(bytes[22], 0b101);
    assert.equal(bytes[23], 0);
    assert.equal(pfnOfFolioAddress(swpDescWords(decodeSwpDesc(bytes))[1]), 1);
  });
  it('encodes a physical slot like swp_entry_t and a shadow as an XArray value', () => {
    const [w0, w1] = swpDescWords(samples[1] as SwpDesc);
    assert.equal(w0, (23n << 58n) | 0xffffffffn);
    assert.equal(w1, (0xdeadbeefn << 1n) | 1n);
  });
  it('rejects impossible descriptors', () => {
    assert.throws(
      () => encodeSwpDesc({ backend: { type: 'folio' }, cache: { kind: 'none' }, swapCount: 1, memcgId: 0 }),
      /VSWAP_FOLIO/,
    );
    assert.throws(
      () => encodeSwpDesc({ backend: { type: 'zero' }, cache: { kind: 'none' }, swapCount: 1, memcgId: 0x10000 }),
      /u16/,
    );
    assert.throws(
      () =>
        encodeSwpDesc({
          backend: { type: 'zswap', entryAddress: 0x1001n },
          cache: { kind: 'none' },
          swapCount: 1,
          memcgId: 0,
        }),
      /aligned/,
    );
    const bad = encodeSwpDesc(samples[2] as SwpDesc);
    bad[0] = 1; // a ZERO descriptor with a slot word
    assert.throws(() => decodeSwpDesc(bad), /non-zero slot word/);
    assert.throws(() => decodeSwpDesc(new Uint8Array(16)), /24 bytes/);
    const pad = encodeSwpDesc(samples[0] as SwpDesc);
    pad[23] = 0x80;
    assert.throws(() => decodeSwpDesc(pad), /padding/);
  });
  it('labels the fields over a 48-digit raw value', () => {
    const v = describeSwpDesc(encodeSwpDesc(samples[0] as SwpDesc));
    assert.equal(v.raw, '0x' + '0000000700000001' + '0000000000000000' + '0400000000001092');
    assert.deepEqual(
      v.fields.map((f) => [f.name, f.bits, f.value]),
      [
        ['padding', [191, 179], '0x0000'],
        ['type', [178, 177], '0 (VSWAP_SWAPFILE)'],
        ['in_swapcache', [176, 176], '0'],
        ['memcgid', [175, 160], '7'],
        ['swap_count', [159, 128], '1'],
        ['shadow', [127, 64], '0 (no shadow)'],
        ['slot', [63, 0], 'swp_slot type 1, offset 4,242'],
      ],
    );
    const f = describeSwpDesc(encodeSwpDesc(samples[5] as SwpDesc));
    assert.equal(f.fields[1]?.value, '3 (VSWAP_FOLIO)');
    assert.match(f.fields[5]?.value ?? '', /^folio 0xffffea/);
  });
});
