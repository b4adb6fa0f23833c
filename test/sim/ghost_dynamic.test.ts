/**
 * The ghost profile (P4 RFC v1 patches 13-15, docs/kernel-model.md §8.1,
 * §11.26): /dev/ghostswap with dynamic clusters
 * (allocated at the lowest free index, freed when empty except cluster 0),
 * writes to it activate the folio, zswap never writes back with only ghost
 * devices, and the zswap entry is the slot's virtual_table backend. With
 * the proposed folio_realloc_swap()/rmap (`ghostWriteback`), a ghost slot
 * gets a physical slot with a POINTER rmap entry, as in vswap-ste.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VtTag } from '../../server/sim/cluster';
import { computeOverhead, structureBytes } from '../../server/sim/designs/overhead';
import { procSwaps } from '../../server/sim/procfs';
import { swapCacheLookup } from '../../server/sim/swap_state';
import { SlotKind, tbKind } from '../../server/sim/swap_table';
import { rmapTarget } from '../../server/sim/virtual_layer';
import { overheadInput } from '../../server/session/overhead_input';
import { MiB, assertClean, kernel } from './util';
import {
  COMPRESSIBLE,
  INCOMPRESSIBLE,
  ZERO,
  backing,
  machine,
  physicalInUse,
  pteSlot,
  virtualFingerprint,
} from './vswap_util';

function ghostOnly(cfg: { zswap?: boolean } = {}): ReturnType<typeof kernel> {
  const k = kernel({ design: 'ghost' });
  k.swaponDevice({ path: '/dev/ghostswap', kind: 'ghost', sizeBytes: 0 });
  k.createTask('t');
  if (cfg.zswap) k.setZswapParam('enabled', true);
  return k;
}

const clusterIdx = (k: ReturnType<typeof kernel>): number[] =>
  k.swap
    .byPath('/dev/ghostswap')!
    .clusters()
    .map((c) => c.idx);

describe('ghost: /dev/ghostswap with dynamic clusters (patch 15)', () => {
  it('shows as type ghost with 8 × RAM; only cluster 0 (the header) exists after swapon', () => {
    const k = ghostOnly();
    const row = procSwaps(k).find((r) => r.Filename === '/dev/ghostswap')!;
    assert.equal(row.Type, 'ghost');
    assert.equal(row.Size, (8 * k.geom.ramPages - 1) * 4);
    assert.deepEqual(clusterIdx(k), [0]);
    assertClean(k);
  });

  it('allocates clusters at the lowest free index; frees an empty one (DEAD) but never cluster 0; undo restores it', () => {
    const k = ghostOnly();
    const g = k.swap.byPath('/dev/ghostswap')!;
    const slots = k.geom.clusterSlots;
    k.mmap('t', 'a', 2 * slots - 1, { populate: true, content: ZERO }); // fills clusters 0 and 1
    k.mmap('t', 'b', 100, { populate: true, content: ZERO });
    k.pageout('t', 'a');
    k.pageout('t', 'b');
    assert.deepEqual(clusterIdx(k), [0, 1, 2]);
    const allocatedBefore = overheadInput(k, 'ghost').devices.find((d) => d.role === 'ghost')!.clustersAllocated;
    const fp = virtualFingerprint(k);
    const mark = k.mark();
    const events = k.log.length;
    k.munmap('t', 'a');
    assert.deepEqual(clusterIdx(k), [0, 2], 'cluster 1 emptied and died; cluster 0 keeps its header');
    assert.equal(g.cluster(0)!.count, 1, 'only the BAD header slot left');
    const dead = k.log.since(events).filter((e) => e.kind === 'cluster-move' && e.to === 'dead');
    assert.deepEqual(
      dead.map((e) => (e.kind === 'cluster-move' ? e.cluster : -1)),
      [1],
    );
    assert.equal(
      overheadInput(k, 'ghost').devices.find((d) => d.role === 'ghost')!.clustersAllocated,
      allocatedBefore - 1,
    );
    // the next new cluster reuses index 1 (xa_alloc hands out the lowest free index)
    k.mmap('t', 'c', 3 * slots, { populate: true, content: ZERO });
    k.pageout('t', 'c');
    assert.deepEqual(clusterIdx(k).slice(0, 4), [0, 1, 2, 3]);
    assert.equal(g.cluster(4), undefined);
    k.rollback(mark);
    assert.deepEqual(clusterIdx(k), [0, 1, 2]);
    assert.equal(virtualFingerprint(k), fp, 'undo restores the clusters, tables and virtual_tables');
    assertClean(k);
  });

  it('a write to the ghost device activates the folio instead of doing I/O', () => {
    const k = ghostOnly();
    k.mmap('t', 'i', 2, { populate: true, content: INCOMPRESSIBLE });
    const mark = k.log.length;
    assert.equal(k.pageout('t', 'i'), 0);
    assert.ok(k.log.since(mark).some((e) => e.kind === 'swapout' && e.backend === 'ghost-activate'));
    assert.equal(k.vmstat.events.pswpout, 0);
    assertClean(k);
  });

  it('a zswap-held ghost slot has the ZSWAP tag; the exclusive load clears it and a miss would be an I/O error', () => {
    const k = ghostOnly({ zswap: true });
    k.mmap('t', 'c', 2, { populate: true, content: COMPRESSIBLE });
    k.pageout('t', 'c');
    const { si, offset } = pteSlot(k, 't', 'c', 0);
    assert.equal(backing(si, offset).tag, VtTag.ZSWAP);
    k.touch('t', 'c', 0, 1);
    assert.equal(backing(si, offset).tag, VtTag.NONE, 'the load is exclusive');
    assert.equal(tbKind(si.slotMeta(offset)), SlotKind.PFN);
    assertClean(k);
  });

  it('with only ghost devices zswap never writes back', () => {
    const k = ghostOnly({ zswap: true });
    k.mmap('t', 'c', 4, { populate: true, content: COMPRESSIBLE });
    k.pageout('t', 'c');
    assert.equal(k.zswapShrink(4), 0);
    assert.equal(k.vmstat.events.zswpwb, 0);
    assert.equal(k.zswap.entries.size, 4);
    assertClean(k);
  });

  it('as posted (no rmap) a ghost slot cannot be written back even when a physical device exists', () => {
    const k = machine({ design: 'ghost', zswap: true });
    k.mmap('t', 'c', 4, { populate: true, content: COMPRESSIBLE });
    k.pageout('t', 'c');
    assert.equal(k.zswapShrink(4), 0);
    assert.ok(k.zswap.stats.reject_reclaim_fail > 0);
    assert.equal(physicalInUse(k), 0);
    assertClean(k);
  });
});

describe('ghost with the proposed rmap (ghostWriteback)', () => {
  it('zswap writeback moves a ghost slot to a physical slot with a POINTER back; PTEs untouched; 8 B rmap per slot', () => {
    const k = machine({ design: 'ghost', ghostWriteback: true, zswap: true });
    k.mmap('t', 'c', 4, { populate: true, content: COMPRESSIBLE });
    k.pageout('t', 'c');
    const before = Array.from(k.vma('t', 'c').pte);
    assert.equal(k.zswapShrink(4), 4);
    assert.deepEqual(Array.from(k.vma('t', 'c').pte), before);
    const vdb = k.swap.byPath('/dev/vdb')!;
    for (let i = 0; i < 4; i++) {
      const { si, offset, entry } = pteSlot(k, 't', 'c', i);
      assert.equal(si.kind, 'ghost');
      const b = backing(si, offset);
      assert.equal(b.tag, VtTag.SWAPFILE);
      assert.equal(rmapTarget(vdb, b.physical!.offset), entry);
      assert.equal(k.swapMemcgId(vdb, b.physical!.offset), 0, 'the ghost slot keeps the charge');
    }
    const input = overheadInput(k, 'ghost');
    assert.equal(input.devices.find((d) => d.name === '/dev/vdb')!.rmapSlots, 4);
    assert.equal(structureBytes(computeOverhead(input), 'rmap'), 4 * 8);
    k.touch('t', 'c');
    assert.equal(k.vmstat.events.pswpin, 4);
    k.munmap('t', 'c');
    assert.equal(physicalInUse(k), 0, 'freeing the ghost slot frees its backing');
    assertClean(k);
  });

  it('a page zswap rejects goes to a physical slot instead of being activated', () => {
    const k = machine({ swapWriteback: 'sync', design: 'ghost', ghostWriteback: true });
    k.mmap('t', 'i', 2, { populate: true, content: INCOMPRESSIBLE });
    assert.equal(k.pageout('t', 'i'), 2);
    const { si, offset } = pteSlot(k, 't', 'i', 0);
    assert.equal(si.kind, 'ghost', 'the PTE still holds the ghost entry');
    assert.equal(backing(si, offset).tag, VtTag.SWAPFILE);
    assert.equal(k.vmstat.events.pswpout, 2);
    assertClean(k);
  });

  it('swapoff of the physical device reads the pages into the ghost slots’ swap cache by the rmap', () => {
    const k = machine({ design: 'ghost', ghostWriteback: true });
    k.mmap('t', 'i', 4, { populate: true, content: INCOMPRESSIBLE });
    k.pageout('t', 'i');
    const before = Array.from(k.vma('t', 'i').pte);
    k.swapoffDevice('/dev/vdb');
    assert.deepEqual(Array.from(k.vma('t', 'i').pte), before);
    for (let i = 0; i < 4; i++) {
      const { si, offset, entry } = pteSlot(k, 't', 'i', i);
      assert.equal(backing(si, offset).tag, VtTag.NONE);
      assert.ok(swapCacheLookup(k, entry) >= 0);
    }
    assertClean(k);
  });

  it('swapoff of the ghost device brings every page in, disk-backed ones included, and frees their backing', () => {
    const k = machine({ design: 'ghost', ghostWriteback: true, zswap: true });
    k.mmap('t', 'c', 4, { populate: true, content: COMPRESSIBLE });
    k.pageout('t', 'c');
    k.zswapShrink(2);
    assert.equal(physicalInUse(k), 2);
    k.swapoffDevice('/dev/ghostswap');
    assert.equal(physicalInUse(k), 0);
    assert.equal(k.zswap.entries.size, 0);
    assert.equal(k.vmstat.events.pswpin, 2);
    assert.equal(k.vmstat.events.zswpin, 2);
    assertClean(k);
  });

  it('is off by default and ignored outside the ghost profile', () => {
    assert.equal(kernel({ design: 'ghost' }).ghostWriteback, false);
    assert.equal(kernel({ design: 'p4', ghostWriteback: true }).ghostWriteback, false);
    assert.equal(kernel({ design: 'ghost', ghostWriteback: true, ramBytes: 8 * MiB }).ghostWriteback, true);
  });
});
