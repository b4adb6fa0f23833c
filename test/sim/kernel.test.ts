/**
 * The swap paths through the whole model (reclaim, faults, swap cache),
 * checked against docs/kernel-model.md §4.5, §11.4, §11.9, §11.20–§11.22, §11.24, and
 * the all-or-nothing rule for failing operations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiB, assertClean, kernel, throwsErrno } from './util';
import { fingerprint } from '../../server/sim/snapshot';
import { meminfo, procSwaps } from '../../server/sim/procfs';
import { SlotKind, tbKind } from '../../server/sim/swap_table';
import { PTE_NONE, pteEntry, pteIsPresent, pteIsSwap } from '../../server/sim/mm';
import { swpOffset } from '../../server/sim/swap_entry';
import type { Kernel } from '../../server/sim/kernel';
import { readValue, writeFile } from '../../server/sim/vfs';

const incompressible = [{ content: { kind: 'incompressible' as const }, percent: 100 }];

function slotOf(k: Kernel, task: string, region: string, idx: number): number {
  const p = k.vma(task, region).pte[idx]!;
  assert.ok(pteIsSwap(p), `${task}:${region}[${idx}] is not a swap PTE`);
  return swpOffset(pteEntry(p));
}

test('§4.5 counts: swapped-out page count 1; after fork 2; both fault back: 1 then 0, freed with the cache', () => {
  const k = kernel({ swapWriteback: 'sync' });
  const si = k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB });
  k.createTask('p');
  k.mmap('p', 'a', 1, { populate: true, content: incompressible });
  k.pageout('p', 'a');
  const off = slotOf(k, 'p', 'a', 0);
  assert.equal(si.slotCount(off), 1);
  assert.equal(tbKind(si.slotMeta(off)), SlotKind.SHADOW);
  k.fork('p', 'c');
  assert.equal(si.slotCount(off), 2);
  k.touch('p', 'a');
  assert.equal(si.slotCount(off), 1);
  assert.equal(tbKind(si.slotMeta(off)), SlotKind.PFN, 'folio shared and cached');
  k.touch('c', 'a');
  assert.equal(si.slotCount(off), 0);
  assert.equal(tbKind(si.slotMeta(off)), SlotKind.PFN, 'count 0 but still cached (CACHE_ONLY)');
  k.exit('p');
  k.exit('c');
  assert.equal(tbKind(si.slotMeta(off)), SlotKind.NULL, 'freed when the folio left the cache');
  assertClean(k);
});

test('§11.4 a swap file cannot take large folios: reclaim splits them and counts the fallbacks', () => {
  const k = kernel();
  k.swaponDevice({ path: '/swapfile', kind: 'file', sizeBytes: 32 * MiB });
  k.createTask('t');
  k.mmap('t', 'thp', 1024, { order: 9, populate: true, content: incompressible });
  k.mmap('t', 'm64', 64, { order: 4, populate: true, content: incompressible });
  k.pageout('t', 'thp');
  k.pageout('t', 'm64');
  assert.equal(k.vmstat.events.thp_swpout_fallback, 2);
  assert.equal(k.vmstat.events.thp_swpout, 0);
  assert.equal(k.vmstat.mthp[9]!.swpout_fallback, 2);
  assert.equal(k.vmstat.mthp[4]!.swpout_fallback, 4);
  assert.equal(k.vmstat.events.pswpout, 1088, 'every page still went out, one by one');
  assertClean(k);
});

test('§11.4 on a block device a PMD folio goes out whole: thp_swpout', () => {
  const k = kernel();
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 32 * MiB });
  k.createTask('t');
  k.mmap('t', 'thp', 512, { order: 9, populate: true, content: incompressible });
  k.pageout('t', 'thp');
  assert.equal(k.vmstat.events.thp_swpout, 1);
  assert.equal(k.vmstat.mthp[9]!.swpout, 1);
  assert.equal(k.vmstat.events.pswpout, 512);
});

test('§11.9 deferred free: the last PTE reference going away leaves a cached slot in use until the folio leaves the cache', () => {
  const k = kernel();
  const si = k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB });
  k.createTask('t');
  k.mmap('t', 'a', 4, { populate: true, content: incompressible });
  k.pageout('t', 'a');
  const off = slotOf(k, 't', 'a', 0);
  k.fork('t', 'c');
  k.touch('t', 'a', 0, 1); // cached, count 1 (the child's PTE)
  const usedBefore = si.inusePages;
  k.munmap('c', 'a');
  assert.equal(si.slotCount(off), 0);
  assert.equal(si.inusePages, usedBefore, 'still in use: the swap cache holds it');
  assert.equal(procSwaps(k)[0]!.Used, usedBefore * 4);
  const freeBefore = meminfo(k).SwapFree;
  k.munmap('t', 'a');
  assert.equal(tbKind(si.slotMeta(off)), SlotKind.NULL);
  assert.ok(meminfo(k).SwapFree > freeBefore, 'SwapFree goes up once the slot is NULL');
  assertClean(k);
});

test('§11.9 __try_to_reclaim_swap(): either condition frees a cached slot at its last put; an unmapped readahead folio goes although swap is far from full', () => {
  const k = kernel();
  const si = k.swaponDevice({ path: '/dev/sda2', kind: 'partition', sizeBytes: 16 * MiB, rotational: true });
  k.createTask('t');
  k.mmap('t', 'a', 64, { populate: true, content: incompressible });
  k.pageout('t', 'a');
  k.touch('t', 'a', 0, 1);
  k.touch('t', 'a', 1, 2); // a sequential hit: the cluster readahead window opens
  const cached = meminfo(k).SwapCached / 4;
  assert.ok(cached > 2, `readahead left unmapped folios in the swap cache (${cached} cached)`);
  assert.equal(k.swap.vmSwapFull(), false);
  k.munmap('t', 'a');
  // TTRS_UNMAPPED | TTRS_FULL: unmapped is enough, swap need not be full
  assert.equal(si.inusePages, 0, 'no slot left behind by the readahead folios');
  assert.equal(meminfo(k).SwapCached, 0);
  assertClean(k);
});

test("asynchronous writeback: after MADV_PAGEOUT a block device's folios stay in the swap cache, clean and charged, until a fault, reclaim or unmap takes them", () => {
  const k = kernel();
  const si = k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB });
  k.mkdir('app');
  k.createTask('t', 'app');
  k.mmap('t', 'a', 64, { populate: true, content: incompressible });
  assert.equal(k.pageout('t', 'a'), 0, 'shrink_folio_list() keeps folios under writeback: none freed');
  assert.equal(k.vmstat.events.pswpout, 64);
  assert.equal(meminfo(k).SwapCached, 64 * 4);
  assert.equal(k.memcgs.lookup('app')!.memory.usage, 64, 'still charged');
  assert.equal(si.inusePages, 64);
  const off = slotOf(k, 't', 'a', 0);
  assert.equal(tbKind(si.slotMeta(off)), SlotKind.PFN);
  // a fault finds the folio in the swap cache: mapped again without a read
  k.touch('t', 'a', 0, 8);
  assert.equal(k.vmstat.events.pswpin, 0);
  // reclaim finds the rest clean at the tail of the inactive list and frees them without writing again
  k.proactiveReclaim('app', 56);
  assert.equal(k.vmstat.events.pswpout, 64, 'nothing written twice');
  assert.equal(tbKind(si.slotMeta(slotOf(k, 't', 'a', 8))), SlotKind.SHADOW);
  // the last swap reference of a cached, unmapped folio frees it (__try_to_reclaim_swap(TTRS_UNMAPPED))
  k.munmap('t', 'a');
  assert.equal(si.inusePages, 0);
  assert.equal(meminfo(k).SwapCached, 0);
  assertClean(k);
});

test('writes that complete at once free the folio in the same pageout: zram (SWP_SYNCHRONOUS_IO), zswap, zero pages, and swap_writeback=sync', () => {
  for (const [name, make] of [
    ['zram', (k: Kernel) => k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 16 * MiB })],
    ['sync', (k: Kernel) => k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB })],
  ] as const) {
    const k = kernel(name === 'sync' ? { swapWriteback: 'sync' } : {});
    make(k);
    k.createTask('t');
    k.mmap('t', 'a', 16, { populate: true, content: incompressible });
    assert.equal(k.pageout('t', 'a'), 16, name);
    assert.equal(meminfo(k).SwapCached, 0, name);
    assertClean(k);
  }
  const k = kernel();
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB });
  k.createTask('t');
  k.mmap('t', 'z', 16, { populate: true, content: [{ content: { kind: 'zero' }, percent: 100 }] });
  assert.equal(k.pageout('t', 'z'), 16, 'zero pages only set Z');
  assert.equal(meminfo(k).SwapCached, 0);
  assertClean(k);
});

test('§11.20 synchronous device swapin: no readahead, an mTHP folio swapped in whole, dropped from the cache at once', () => {
  const k = kernel();
  const si = k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 32 * MiB });
  k.createTask('t');
  k.mmap('t', 'a', 64, { order: 4, populate: true, content: incompressible });
  k.pageout('t', 'a');
  assert.equal(si.inusePages, 64);
  k.touch('t', 'a', 0, 1);
  assert.equal(k.vmstat.events.swap_ra, 0);
  assert.equal(k.vmstat.mthp[4]!.swpin, 1);
  assert.equal(k.vmstat.events.pswpin, 16, 'the whole 16-page folio was read');
  assert.equal(si.inusePages, 48, 'its slots were freed right after mapping');
  assert.equal(k.stat.nrSwapcache, 0);
  assertClean(k);
});

test('§11.21 readahead: cluster readahead on a rotational device grows with hits up to 2^page-cluster = 8 slots', () => {
  const k = kernel({ swapWriteback: 'sync' });
  k.swaponDevice({ path: '/dev/sda2', kind: 'partition', sizeBytes: 16 * MiB, rotational: true });
  assert.equal(k.vmaRaActive(), false, 'a rotational device disables VMA readahead');
  k.createTask('t');
  k.mmap('t', 'a', 256, { populate: true, content: incompressible });
  k.pageout('t', 'a');
  const before = k.vmstat.events.pswpin;
  k.touch('t', 'a', 0, 1);
  k.touch('t', 'a', 1, 2);
  for (let i = 2; i < 64; i++) k.touch('t', 'a', i, i + 1);
  const reads = k.vmstat.events.pswpin - before;
  assert.equal(reads, 64 + k.vmstat.events.swap_ra - k.vmstat.events.swap_ra_hit - (64 - 64));
  assert.ok(k.vmstat.events.swap_ra > 0 && k.vmstat.events.swap_ra_hit > 0);
  // the window never exceeds 8 slots: at most 7 readahead pages per major fault
  assert.equal(k.ra.lastPages, 8, 'sequential hits grow the window to its maximum');
  assertClean(k);
});

test('§11.21 readahead: with only non-rotational swap the VMA-based readahead is used', () => {
  const k = kernel({ swapWriteback: 'sync' });
  k.swaponDevice({ path: '/dev/nvme0n1p2', kind: 'partition', sizeBytes: 16 * MiB });
  assert.equal(k.vmaRaActive(), true);
  k.createTask('t');
  k.mmap('t', 'a', 128, { populate: true, content: incompressible });
  k.pageout('t', 'a');
  for (let i = 0; i < 32; i++) k.touch('t', 'a', i, i + 1);
  assert.ok(k.vmstat.events.swap_ra > 0);
  assert.ok(k.vmstat.events.swap_ra_hit > 0);
  assertClean(k);
});

test('§11.22 swap full: a swapped-in folio leaves the swap cache at fault time and its slot is freed', () => {
  const k = kernel();
  const si = k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 4 * MiB });
  k.createTask('t');
  k.mmap('t', 'a', 800, { populate: true, content: incompressible });
  k.pageout('t', 'a');
  assert.ok(k.swap.vmSwapFull(), `${si.inusePages} of ${si.pages} in use`);
  const off = slotOf(k, 't', 'a', 100);
  k.touch('t', 'a', 100, 101);
  assert.equal(tbKind(si.slotMeta(off)), SlotKind.NULL);
  assertClean(k);
});

test('§11.24 swapoff accounting: free slots vanish from SwapTotal/SwapFree at once, used ones count until read back', () => {
  const k = kernel({ swapWriteback: 'sync' });
  const si = k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB });
  k.createTask('t');
  k.mmap('t', 'a', 100, { populate: true, content: incompressible });
  k.pageout('t', 'a');
  const mark = k.mark();
  k.swap.beginSwapoff(si);
  const mid = meminfo(k);
  assert.equal(mid.SwapTotal, 100 * 4, 'only the in-use pages are left in SwapTotal');
  assert.equal(mid.SwapFree, 0);
  k.rollback(mark);
  k.swapoffDevice('/dev/vdb');
  assert.equal(meminfo(k).SwapTotal, 0);
  assert.equal(procSwaps(k).length, 0);
  assert.equal(k.vmstat.events.pswpin, 100);
  assertClean(k);
});

test('§11.24 swapoff interrupted by a signal: EINTR, device back at its priority, pages read so far stay in', () => {
  const k = kernel();
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB, prio: 7 });
  k.createTask('t');
  k.mmap('t', 'a', 100, { populate: true, content: incompressible });
  k.pageout('t', 'a');
  throwsErrno(() => k.swapoffDevice('/dev/vdb', { signalAfterPages: 10 }), 'EINTR');
  const row = procSwaps(k)[0]!;
  assert.equal(row.Priority, 7);
  assert.ok(row.Used < 400, 'some pages were brought back before the signal');
  assert.equal(meminfo(k).SwapTotal, row.Size);
  assertClean(k);
});

test('§11.24 swapoff without commit headroom fails with ENOMEM before anything happens', () => {
  const k = kernel({ ramBytes: 16 * MiB });
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 64 * MiB });
  k.createTask('t');
  k.mmap('t', 'a', 8000, { content: incompressible });
  k.setSysctl('overcommit_memory', 2);
  const before = fingerprint(k);
  throwsErrno(() => k.swapoffDevice('/dev/vdb'), 'ENOMEM');
  assert.equal(fingerprint(k).split(':')[0], before.split(':')[0], 'nothing changed');
});

test('errors leave no trace: a failing operation restores the exact prior state', () => {
  const k = kernel({ maxSwapfiles: 1 });
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB });
  k.createTask('t');
  k.mmap('t', 'a', 100, { populate: true });
  const before = fingerprint(k).split(':')[0];
  throwsErrno(() => k.swaponDevice({ path: '/dev/vdc', kind: 'partition', sizeBytes: 16 * MiB }), 'EPERM');
  throwsErrno(() => k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB }), 'EBUSY');
  throwsErrno(() => k.swaponDevice({ path: '/dev/ghostswap', kind: 'ghost', sizeBytes: 0 }), 'ENOENT');
  throwsErrno(() => k.swapoffDevice('/dev/nope'), 'EINVAL');
  throwsErrno(() => k.touch('t', 'a', 50, 500), 'EINVAL');
  throwsErrno(() => k.mmap('t', 'a', 1), 'EEXIST');
  throwsErrno(() => k.mmap('nobody', 'a', 1), 'ESRCH');
  assert.equal(fingerprint(k).split(':')[0], before);
  assertClean(k);
});

test('undo: rolling back a step restores the exact state, and redoing it reproduces the same state', () => {
  const k = kernel();
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB });
  k.createTask('t');
  k.mmap('t', 'a', 300, { populate: true, order: 2 });
  const s0 = fingerprint(k);
  const m = k.mark();
  const step = (): void => {
    k.pageout('t', 'a', 0, 200);
    k.fork('t', 'c');
    k.touch('c', 'a', 0, 50, true);
    k.exit('t');
  };
  step();
  const s1 = fingerprint(k);
  k.rollback(m);
  assert.equal(fingerprint(k), s0);
  step();
  assert.equal(fingerprint(k), s1);
  assertClean(k);
});

test('alloc_anon_folio(): an mTHP fault whose charge fails counts anon_fault_fallback(_charge) and takes a base page', () => {
  const k = kernel();
  k.mkdir('app');
  k.createTask('t', 'app');
  const before = k.memcgs.lookup('app')!.memory.usage;
  // room for 16 folios of 64 KiB and one of 32 KiB, and no swap to make more
  writeFile(k, '/sys/fs/cgroup/app/memory.max', String((before + 264) * 4096));
  k.mmap('t', 'm', 272, { order: 4 });
  k.touch('t', 'm', 0, 264, true);
  const stat = (kb: number, name: string): number =>
    Number(readValue(k, `/sys/kernel/mm/transparent_hugepage/hugepages-${kb}kB/stats/${name}`));
  assert.equal(stat(64, 'anon_fault_alloc'), 16);
  assert.equal(stat(64, 'anon_fault_fallback'), 1);
  assert.equal(stat(64, 'anon_fault_fallback_charge'), 1);
  assert.equal(stat(32, 'anon_fault_alloc'), 0, 'only the enabled size is tried: then a base page');
  assert.equal(stat(32, 'anon_fault_fallback'), 0);
  const pte = k.vma('t', 'm').pte;
  assert.equal(pte.slice(256, 264).filter((p) => pteIsPresent(p)).length, 8, 'base pages for the rest');
  assert.equal(pte[264], PTE_NONE);
  assertClean(k);
});
