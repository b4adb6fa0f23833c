/**
 * Per-slot decodes of each profile, from a real simulated state
 * (server/session/encodings.ts over the simulator): the swap table entry,
 * the legacy swap_map byte, the vswap v3 swp_desc fields and physical
 * bitmaps, the vswap-STE vtable tag and Pointer entry, the ghost
 * virtual_table. Round trips go through the encoders in designs/.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SlotEncoding } from '../../shared/protocol';
import { decodeVtable } from '../../server/sim/designs/vtable';
import { slotEncodings } from '../../server/session/encodings';
import type { Kernel } from '../../server/sim/kernel';
import type { SwapInfo } from '../../server/sim/swapfile';
import { COMPRESSIBLE, INCOMPRESSIBLE, ZERO, backing, machine, pteSlot } from '../sim/vswap_util';

function enc(list: SlotEncoding[], structure: RegExp): SlotEncoding {
  const e = list.find((x) => structure.test(x.structure));
  assert.ok(e, `no ${structure} in ${list.map((x) => x.structure).join(', ')}`);
  return e;
}

function field(e: SlotEncoding, name: string): string {
  const f = e.fields.find((x) => x.name === name);
  assert.ok(f, `no field ${name} in ${e.structure}: ${e.fields.map((x) => x.name).join(', ')}`);
  return f.value;
}

/** Three pages: zswap-held (c[0]), zero (z[0]) and disk-backed (i[0], written with zswap off). */
function threeBackends(design: 'p4' | 'legacy' | 'ghost' | 'vswap' | 'vswap-ste', ghostWriteback = false): Kernel {
  const k = machine({ design, ghostWriteback });
  k.mmap('t', 'i', 1, { populate: true, content: INCOMPRESSIBLE });
  k.pageout('t', 'i');
  k.setZswapParam('enabled', true);
  k.mmap('t', 'c', 1, { populate: true, content: COMPRESSIBLE });
  k.mmap('t', 'z', 1, { populate: true, content: ZERO });
  k.pageout('t', 'c');
  k.pageout('t', 'z');
  return k;
}

function decode(k: Kernel, region: string): { list: SlotEncoding[]; si: SwapInfo; offset: number } {
  const { si, offset } = pteSlot(k, 't', region, 0);
  return { list: slotEncodings(k, si, offset, k.design), si, offset };
}

describe('per-slot decodes from the simulated state', () => {
  it('p4: the table entry carries COUNT, Z and the shadow; memcg_table names the cgroup', () => {
    const k = threeBackends('p4');
    const z = decode(k, 'z').list;
    const t = enc(z, /swap table entry \(P4\)/);
    assert.equal(field(t, 'COUNT'), '1');
    assert.equal(field(t, 'Z'), '1');
    assert.equal(BigInt(t.raw) >> 60n, 1n);
    assert.equal((BigInt(t.raw) >> 59n) & 1n, 1n);
    assert.equal(field(enc(z, /memcg_table/), 'memcg id'), String(k.cgroup('g').id));
  });

  it('legacy: the swap_map byte holds the count, the zeromap bit the zero flag', () => {
    const k = threeBackends('legacy');
    const z = decode(k, 'z').list;
    assert.equal(enc(z, /swap_map byte/).raw, '0x01');
    assert.equal(enc(z, /zeromap bit/).raw, '0x1');
    assert.equal(enc(decode(k, 'c').list, /zeromap bit/).raw, '0x0');
  });

  it('vswap v3: swp_desc type ZSWAP / ZERO / SWAPFILE with count and memcg id; the backing slot shows its bitmaps and rmap', () => {
    const k = threeBackends('vswap');
    const id = String(k.cgroup('g').id);
    const c = enc(decode(k, 'c').list, /swp_desc/);
    assert.equal(field(c, 'type'), '2 (VSWAP_ZSWAP)');
    assert.equal(field(c, 'swap_count'), '1');
    assert.equal(field(c, 'memcgid'), id);
    assert.equal(field(c, 'in_swapcache'), '0');
    assert.equal(c.bits, 192);
    assert.equal(field(enc(decode(k, 'z').list, /swp_desc/), 'type'), '1 (VSWAP_ZERO)');
    const d = decode(k, 'i');
    const di = enc(d.list, /swp_desc/);
    assert.equal(field(di, 'type'), '0 (VSWAP_SWAPFILE)');
    const phys = backing(d.si, d.offset).physical!;
    const vdb = k.swap.swapInfo[phys.type]!;
    assert.match(field(di, 'slot'), new RegExp(`swp_slot type ${phys.type}, offset ${phys.offset}$`));
    const p = slotEncodings(k, vdb, phys.offset, 'vswap');
    assert.equal(enc(p, /allocated bitmap/).raw, '0x1');
    assert.equal(enc(p, /bad bitmap/).raw, '0x0');
    assert.equal(field(enc(p, /rmap entry/), 'virtual entry'), `${d.si.path}:${d.offset}`);
    assert.equal(
      p.some((e) => /swap table/.test(e.structure)),
      false,
      'v3 physical devices have no swap table',
    );
  });

  it('vswap v3: a folio kept after a refused writeout is VSWAP_FOLIO, in the swap cache', () => {
    const k = machine({ design: 'vswap', zswap: true });
    k.setZswapWriteback('g', false);
    k.mmap('t', 'i', 1, { populate: true, content: INCOMPRESSIBLE });
    k.pageout('t', 'i');
    const v = k.swap.vswap!;
    const desc = enc(slotEncodings(k, v, 1, 'vswap'), /swp_desc/);
    assert.equal(field(desc, 'type'), '3 (VSWAP_FOLIO)');
    assert.equal(field(desc, 'in_swapcache'), '1');
    assert.equal(field(desc, 'swap_count'), '1');
  });

  it('vswap-ste: vtable tags ZSWAP / NONE+Z / SWAPFILE round-trip; the physical slot holds a Pointer (…100) to the virtual offset', () => {
    const k = threeBackends('vswap-ste');
    const c = enc(decode(k, 'c').list, /virtual_table/);
    assert.equal(decodeVtable(BigInt(c.raw)).tag, 'zswap');
    assert.match(field(c, 'tag'), /^1 \(ZSWAP\)/);
    const z = decode(k, 'z').list;
    assert.equal(decodeVtable(BigInt(enc(z, /virtual_table/).raw)).tag, 'none');
    assert.equal(field(enc(z, /swap table entry/), 'Z'), '1', 'zero is the table flag, not a tag');
    const d = decode(k, 'i');
    const vt = decodeVtable(BigInt(enc(d.list, /virtual_table/).raw));
    const phys = backing(d.si, d.offset).physical!;
    assert.deepEqual(vt, { tag: 'swapfile', swapType: phys.type, offset: phys.offset });
    assert.match(enc(d.list, /memcg_table/).structure, /owner, no swap charge/);
    const vdb = k.swap.swapInfo[phys.type]!;
    const pointer = enc(slotEncodings(k, vdb, phys.offset, 'vswap-ste'), /swap table entry/);
    assert.equal(BigInt(pointer.raw) & 7n, 4n);
    assert.equal(field(pointer, 'virtual offset'), String(d.offset));
    assert.equal(field(pointer, 'C'), '0');
    assert.equal((BigInt(pointer.raw) >> 3n) & 0xffffffffn, BigInt(d.offset));
    assert.equal(
      field(enc(slotEncodings(k, vdb, phys.offset, 'vswap-ste'), /memcg_table/), 'memcg id'),
      String(k.cgroup('g').id),
      'the backing carries the charge',
    );
    // swap it in: count 0 and cached, so the Pointer's C bit is set
    k.touch('t', 'i');
    const cached = enc(slotEncodings(k, vdb, phys.offset, 'vswap-ste'), /swap table entry/);
    assert.equal(field(cached, 'C'), '1');
    assert.equal(BigInt(cached.raw) >> 63n, 1n);
  });

  it('ghost: a zswap-held ghost slot has a non-empty virtual_table word; with the rmap, the physical slot holds a Pointer', () => {
    const k = threeBackends('ghost', true);
    const c = decode(k, 'c');
    assert.equal(c.si.kind, 'ghost');
    const vt = enc(c.list, /virtual_table \(ghost RFC placeholder\)/);
    assert.equal(BigInt(vt.raw) & 7n, 1n);
    const d = decode(k, 'i');
    const phys = backing(d.si, d.offset).physical!;
    const pointer = enc(slotEncodings(k, k.swap.swapInfo[phys.type]!, phys.offset, 'ghost'), /swap table entry/);
    assert.equal(field(pointer, 'virtual offset'), String(d.offset));
  });
});
