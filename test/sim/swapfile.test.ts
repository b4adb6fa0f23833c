/**
 * The swap layer alone (mm/swapfile.c): devices, the cluster allocator and
 * slot counts, checked against docs/kernel-model.md §11.1–§11.3, §11.5–§11.8, §11.10, §11.25.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiB, listOf, swapOnly, throwsErrno } from './util';
import { SlotKind, tbInlineCount, tbKind } from '../../server/sim/swap_table';
import { swpOffset, swpType } from '../../server/sim/swap_entry';
import { SWP_TB_COUNT_MAX } from '../../server/sim/swap_table';
import type { Swap } from '../../server/sim/swapfile';

const PAGE = 4096;
let pfn = 1;
/** Allocate an order-N folio's slots with a fresh fake PFN; returns the first offset. */
function alloc(sw: Swap, order = 0, cpu = 0): { type: number; offset: number } {
  const e = sw.allocSlots(pfn, order, cpu);
  pfn += 1 << order;
  assert.notEqual(e, null, `allocation of order ${order} failed`);
  return { type: swpType(e!), offset: swpOffset(e!) };
}
function allocMapped(sw: Swap, order = 0): { type: number; offset: number } {
  const r = alloc(sw, order);
  sw.dupEntries(r.type * 2 ** 32 + r.offset, 1 << order);
  return r;
}

test('§11.1 header and bad slots: slot 0, listed bad pages and the tail are BAD; Size = (N-1-B) pages', () => {
  const { sw } = swapOnly();
  const max = (64 * MiB) / PAGE + 100; // last cluster only partly inside the device
  // setup_swap_clusters_info(): a bad page past last_page refuses the whole swapon
  assert.throws(
    () => sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: max * PAGE, badPages: [5, 99999] }),
    /EINVAL: bad page 99999 is outside/,
  );
  const si = sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: max * PAGE, badPages: [5, 9, 10, 11, 12] });
  assert.equal(si.max, max);
  assert.equal(si.pages, max - 1 - 5);
  for (const off of [0, 5, 9, 10, 11, 12, max, 33 * 512 - 1])
    assert.equal(tbKind(si.slotMeta(off)), SlotKind.BAD, `slot ${off}`);
  for (const off of [1, 4, 6, 8, 13, max - 1]) assert.equal(tbKind(si.slotMeta(off)), SlotKind.NULL, `slot ${off}`);
  assert.ok(si.cluster(0)?.table, 'the header cluster has its table from swapon');
  assert.ok(si.cluster(32)?.table, 'the tail cluster has its table from swapon');
  assert.equal(si.cluster(1), undefined, 'an untouched cluster has no cluster object or table');
  assert.equal(si.cluster(0)!.count, 6);
  assert.equal(si.cluster(32)!.count, 33 * 512 - max);
  assert.equal(listOf(si, 0), 'nonfull');
  assert.equal(sw.counters.totalSwapPages, si.pages);
  assert.equal(si.pages * 4, (max - 6) * 4, '/proc/swaps Size in KiB');
});

test('§11.2 cluster order is sticky: the first allocation fixes ci->order', () => {
  const { sw } = swapOnly();
  const si = sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: 64 * MiB });
  const a = alloc(sw, 4);
  assert.equal(a.offset, 512, 'a large folio takes a free cluster (cluster 0 holds the header)');
  assert.equal(si.cluster(1)!.order, 4);
  assert.equal(listOf(si, 1), 'frag');
  const b = alloc(sw, 2);
  assert.equal(Math.floor(b.offset / 512), 2, 'order 2 does not use the order-4 cluster');
  assert.equal(si.cluster(2)!.order, 2);
  const c = alloc(sw, 4);
  assert.equal(c.offset, 528, 'order 4 continues in its own cluster');
  assert.equal(si.cluster(1)!.order, 4);
});

test('§11.3 order-0 stealing: with no order-0 room, a hole in an order-4 cluster is used and its order kept', () => {
  const { sw } = swapOnly();
  const si = sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: 3 * 512 * PAGE });
  for (let i = 0; i < 32; i++) allocMapped(sw, 4); // cluster 1 full
  allocMapped(sw, 4);
  allocMapped(sw, 4); // cluster 2: 32 slots of order 4
  for (let i = 0; i < 511; i++) allocMapped(sw, 0); // cluster 0 full
  assert.equal(listOf(si, 0), 'full');
  assert.equal(si.freeClusterCount, 0);
  const s = allocMapped(sw, 0);
  assert.equal(Math.floor(s.offset / 512), 2, 'stolen from the order-4 frag cluster');
  assert.equal(si.cluster(2)!.order, 4, 'stealing does not change the order');
});

test('§11.4 (swap layer) large entries only on block devices: an order>0 request on a swap file fails at once', () => {
  const { sw } = swapOnly();
  sw.swapon({ path: '/swapfile', kind: 'file', sizeBytes: 64 * MiB });
  assert.equal(sw.allocSlots(1, 4, 0), null);
  assert.notEqual(sw.allocSlots(1, 0, 0), null);
});

test('§11.5 list transitions: frag after alloc, full at 512, nonfull after a free, free (table released) when empty', () => {
  const { sw } = swapOnly();
  const si = sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: 64 * MiB });
  for (let i = 0; i < 511; i++) alloc(sw, 0);
  assert.equal(listOf(si, 0), 'full');
  const first = alloc(sw, 0);
  assert.equal(first.offset, 512);
  assert.equal(listOf(si, 1), 'frag');
  for (let i = 1; i < 512; i++) alloc(sw, 0);
  assert.equal(listOf(si, 1), 'full');
  sw.freeEntriesAt(si.type * 2 ** 32 + 600, 1);
  assert.equal(listOf(si, 1), 'nonfull');
  sw.freeEntriesAt(si.type * 2 ** 32 + 512, 88);
  sw.freeEntriesAt(si.type * 2 ** 32 + 601, 423);
  assert.equal(listOf(si, 1), 'free');
  assert.equal(si.cluster(1)!.table, null, 'table freed with the cluster');
  assert.equal(si.cluster(1)!.memcgTable, null, 'memcg_table freed with the cluster');
});

test('§11.5 with page discard a freed cluster waits on the discard list until discard_work runs', () => {
  const { sw } = swapOnly();
  const si = sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: 64 * MiB, discard: 'pages' });
  const a = alloc(sw, 4);
  sw.freeEntriesAt(si.type * 2 ** 32 + a.offset, 16);
  assert.equal(listOf(si, 1), 'discard');
  sw.runPendingWork();
  assert.equal(listOf(si, 1), 'free');
});

test('§11.6 equal-priority round robin; a higher priority always first; a full device leaves and rejoins', () => {
  const { sw } = swapOnly();
  const a = sw.swapon({ path: '/dev/sda2', kind: 'partition', sizeBytes: 8 * MiB, rotational: true, prio: 5 });
  const b = sw.swapon({ path: '/dev/sdb2', kind: 'partition', sizeBytes: 8 * MiB, rotational: true, prio: 5 });
  const seq = Array.from({ length: 6 }, () => alloc(sw).type);
  assert.deepEqual(seq, [a.type, b.type, a.type, b.type, a.type, b.type]);
  const c = sw.swapon({ path: '/dev/nvme0n1p3', kind: 'partition', sizeBytes: 2 * 512 * PAGE, prio: 10 });
  const onC: number[] = [];
  for (let i = 0; i < c.pages; i++) onC.push(alloc(sw).type);
  assert.ok(
    onC.every((t) => t === c.type),
    'the prio-10 device serves everything while it has room',
  );
  assert.equal(sw.avail.includes(c), false, 'a full device leaves the avail list');
  assert.equal(alloc(sw).type === c.type, false);
  sw.freeEntriesAt(c.type * 2 ** 32 + 1, 1);
  assert.equal(sw.avail[0], c, 'and rejoins, at the head, once a slot is freed');
});

test('§11.7 cache-only slots are reclaimed only once more than half of swap is in use', () => {
  const { sw, reclaimCalls } = swapOnly();
  const si = sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: 4 * 512 * PAGE });
  for (let i = 0; i < Math.floor(si.pages / 2); i++) alloc(sw);
  assert.equal(sw.vmSwapFull(), false);
  assert.deepEqual(reclaimCalls, []);
  for (let i = Math.floor(si.pages / 2); i < si.pages; i++) alloc(sw);
  assert.equal(si.inusePages, si.pages);
  assert.ok(sw.pendingReclaim.has(si.type), 'a device that fills up while swap is full queues reclaim_work');
  sw.runPendingWork();
  assert.ok(reclaimCalls.length > 0);
  assert.ok(si.inusePages < si.pages, 'cache-only slots were reclaimed');
});

test('§11.8 new slots start at count 0 as PFN entries, already counted in inuse_pages; each mapping adds 1', () => {
  const { sw } = swapOnly();
  const si = sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: 64 * MiB });
  const a = alloc(sw, 2);
  for (let i = 0; i < 4; i++) {
    assert.equal(tbKind(si.slotMeta(a.offset + i)), SlotKind.PFN);
    assert.equal(si.slotCount(a.offset + i), 0);
  }
  assert.equal(si.inusePages, 4);
  const e = si.type * 2 ** 32 + a.offset;
  sw.dupEntries(e, 4);
  sw.dupEntries(e, 4);
  assert.equal(si.slotCount(a.offset), 2);
});

test('§11.10 count overflow: above 14 the inline field reads 15 and extend_table holds the count; freed when unused', () => {
  const { sw } = swapOnly();
  const si = sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: 64 * MiB });
  const a = alloc(sw);
  const e = si.type * 2 ** 32 + a.offset;
  for (let i = 0; i < 14; i++) sw.dupEntries(e, 1);
  const ci = si.clusterOf(a.offset)!;
  assert.equal(tbInlineCount(si.slotMeta(a.offset)), 14);
  assert.equal(ci.extendTable, null);
  for (let i = 14; i < 21; i++) sw.dupEntries(e, 1);
  assert.equal(tbInlineCount(si.slotMeta(a.offset)), SWP_TB_COUNT_MAX);
  assert.ok(ci.extendTable);
  assert.equal(si.slotCount(a.offset), 21);
  for (let i = 21; i > 14; i--) sw.putEntries(e, 1, false);
  assert.equal(si.slotCount(a.offset), 14);
  assert.equal(ci.extendTable, null, 'extend_table released once no slot needs it');
});

test('§11.25 table lifetime: the last free releases the 4 KiB table and 1 KiB memcg_table; uncharge batched by id', () => {
  const { sw, uncharged } = swapOnly();
  const si = sw.swapon({ path: '/dev/vdb', kind: 'partition', sizeBytes: 64 * MiB });
  const a = alloc(sw, 3);
  const ci = si.clusterOf(a.offset)!;
  ci.memcgTable!.fill(7, a.offset % 512, (a.offset % 512) + 4);
  ci.memcgTable!.fill(9, (a.offset % 512) + 4, (a.offset % 512) + 8);
  sw.freeEntriesAt(si.type * 2 ** 32 + a.offset, 8);
  assert.deepEqual(uncharged, [
    [7, 4],
    [9, 4],
  ]);
  assert.equal(ci.table, null);
  assert.equal(ci.memcgTable, null);
  assert.equal(listOf(si, 1), 'free');
});

test('swapon errors: EBUSY, EINVAL (size, priority, bad pages), EPERM past MAX_SWAPFILES', () => {
  const { sw } = swapOnly({ maxSwapfiles: 2 });
  sw.swapon({ path: '/dev/a', kind: 'partition', sizeBytes: 8 * MiB });
  throwsErrno(() => sw.swapon({ path: '/dev/a', kind: 'partition', sizeBytes: 8 * MiB }), 'EBUSY');
  throwsErrno(() => sw.swapon({ path: '/dev/b', kind: 'partition', sizeBytes: PAGE }), 'EINVAL');
  throwsErrno(() => sw.swapon({ path: '/dev/b', kind: 'partition', sizeBytes: 8 * MiB, prio: 40000 }), 'EINVAL');
  throwsErrno(() => sw.swapon({ path: '/dev/b', kind: 'partition', sizeBytes: 8 * MiB, prio: -2 }), 'EINVAL');
  throwsErrno(() => sw.swapon({ path: '/dev/b', kind: 'partition', sizeBytes: 8 * MiB, badPages: [3, 3] }), 'EINVAL');
  throwsErrno(() => sw.swapon({ path: '/dev/b', kind: 'partition', sizeBytes: 8 * MiB, badPages: [0] }), 'EINVAL');
  throwsErrno(() => sw.swapon({ path: '/dev/b', kind: 'partition', sizeBytes: 2 * PAGE, badPages: [1] }), 'EINVAL');
  throwsErrno(
    () =>
      sw.swapon({
        path: '/dev/b',
        kind: 'partition',
        sizeBytes: 8 * MiB,
        badPages: Array.from({ length: 700 }, (_, i) => i + 1),
      }),
    'EINVAL',
  );
  sw.swapon({ path: '/dev/c', kind: 'partition', sizeBytes: 8 * MiB });
  throwsErrno(() => sw.swapon({ path: '/dev/d', kind: 'partition', sizeBytes: 8 * MiB }), 'EPERM');
});

test('an idle terabyte device materialises only its header and tail clusters', () => {
  const { sw } = swapOnly();
  const si = sw.swapon({ path: '/dev/big', kind: 'partition', sizeBytes: 2 ** 40 });
  assert.equal(si.max, 268435456);
  assert.equal(si.nrClusters, 524288);
  assert.equal([...si.clusters()].length, 1);
  assert.equal(si.freeClusterCount, 524287);
});
