/**
 * The overhead model fed from simulated state (server/session/overhead_input.ts)
 * reproduces docs/kernel-model.md §9's per-slot figures for the virtual designs:
 * vswap v3 24 B per swp_desc plus 8 B of rmap when disk-backed; vswap-STE
 * 8 + 2 + 8 = 18 B per slot of a vswap cluster plus 8 B of rmap; ghost
 * 16 B per slot (table + virtual_table), 24 B with the reverse map.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bitmapBytes, computeOverhead, structureBytes, type OverheadTable } from '../../server/sim/designs/overhead';
import { overheadInput } from '../../server/session/overhead_input';
import type { Kernel } from '../../server/sim/kernel';
import { COMPRESSIBLE, INCOMPRESSIBLE, ZERO, machine } from '../sim/vswap_util';

const table = (k: Kernel): OverheadTable => computeOverhead(overheadInput(k, k.design));

/** Bytes per slot of the per-cluster tables of one device, over the slots of its table-holding clusters. */
function perSlot(
  t: OverheadTable,
  device: string,
  structures: ('swap_table' | 'memcg_table' | 'virtual_table')[],
  clusters: number,
): number {
  return structures.reduce((s, name) => s + structureBytes(t, name, device), 0) / (clusters * 512);
}

describe('§9 figures from the simulated state', () => {
  it('vswap v3: 24 B of swp_desc per live virtual entry; disk-backed entries add 8 B of rmap; the physical device keeps two bitmaps', () => {
    const k = machine({ design: 'vswap', zswap: true });
    k.mmap('t', 'c', 16, { populate: true, content: COMPRESSIBLE });
    k.pageout('t', 'c');
    let t = table(k);
    assert.equal(structureBytes(t, 'swp_desc'), 24 * 16);
    assert.equal(structureBytes(t, 'rmap'), 0);
    assert.equal(structureBytes(t, 'zswap_tree'), 0, 'zswap entries are found through swp_desc');
    assert.equal(
      t.lines.some((l) => l.device === '[vswap]'),
      false,
      'v3 has no vswap device, only descriptors',
    );
    const vdbMax = k.swap.byPath('/dev/vdb')!.max;
    assert.equal(structureBytes(t, 'vswap_bitmaps', '/dev/vdb'), 2 * bitmapBytes(vdbMax));
    assert.equal(k.zswapShrink(16), 16);
    t = table(k);
    assert.equal(structureBytes(t, 'swp_desc'), 24 * 16);
    assert.equal(structureBytes(t, 'rmap', '/dev/vdb'), 8 * 16);
    assert.equal(
      (structureBytes(t, 'swp_desc') + structureBytes(t, 'rmap')) / 16,
      32,
      '24 + 8 B per disk-backed entry (the 100% disk column)',
    );
    assert.equal(t.totals.usedEntries, 16, 'backing slots are not entries of their own');
    k.munmap('t', 'c');
    t = table(k);
    assert.equal(structureBytes(t, 'swp_desc') + structureBytes(t, 'rmap'), 0);
  });

  it('vswap-ste: 18 B per slot of a vswap cluster (table 8 + memcg 2 + vtable 8); a disk-backed slot adds 8 B of rmap on the physical table', () => {
    const k = machine({ design: 'vswap-ste' });
    k.mmap('t', 'z', 2 * 512 - 1, { populate: true, content: ZERO }); // clusters 0 (after the header) and 1, full
    k.pageout('t', 'z');
    let t = table(k);
    assert.equal(perSlot(t, '[vswap]', ['swap_table', 'memcg_table', 'virtual_table'], 2), 18);
    assert.equal(structureBytes(t, 'virtual_table', '[vswap]'), 2 * 4096);
    k.mmap('t', 'i', 8, { populate: true, content: INCOMPRESSIBLE });
    k.pageout('t', 'i');
    t = table(k);
    assert.equal(structureBytes(t, 'rmap', '/dev/vdb'), 8 * 8);
    assert.equal(
      structureBytes(t, 'memcg_table', '/dev/vdb'),
      0,
      'RFC v2 defers the memcg_table of a physical cluster that only backs vswap',
    );
    assert.ok(structureBytes(t, 'cluster_info', '[vswap]') > 0, 'ci_dyn per allocated cluster');
  });

  it('ghost: 16 B per ghost slot (table + virtual_table); with the reverse map a disk-backed slot costs 8 B more', () => {
    const k = machine({ design: 'ghost', ghostWriteback: true, zswap: true });
    k.mmap('t', 'z', 2 * 512 - 1, { populate: true, content: ZERO });
    k.pageout('t', 'z');
    let t = table(k);
    assert.equal(perSlot(t, '/dev/ghostswap', ['swap_table', 'virtual_table'], 2), 16);
    assert.equal(structureBytes(t, 'memcg_table', '/dev/ghostswap'), 0, 'the RFC records the id in the shadow');
    k.mmap('t', 'c', 4, { populate: true, content: COMPRESSIBLE });
    k.pageout('t', 'c');
    assert.equal(structureBytes(table(k), 'zswap_tree'), 0, 'zswap entries of ghost slots sit in the virtual_table');
    k.zswapShrink(4);
    t = table(k);
    assert.equal(structureBytes(t, 'rmap', '/dev/vdb'), 4 * 8);
    assert.equal(16 + structureBytes(t, 'rmap', '/dev/vdb') / 4, 24, '"24 B with reverse mapping"');
  });
});
