/**
 * Memory actions (server/sim/madvise.ts): MADV_COLD, MADV_FREE and
 * MADV_DONTNEED on sub-ranges, process_madvise's advice and credentials,
 * mlock/munlock against reclaim and MADV_PAGEOUT, and mremap keeping swap
 * entries where they are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PG_active, PG_mlocked } from '../../server/sim/folio';
import { readValue } from '../../server/sim/vfs';
import { ptePfn, pteIsPresent } from '../../server/sim/mm';
import type { Kernel } from '../../server/sim/kernel';
import { lruMove } from '../../server/sim/lru';
import { MiB, assertClean, kernel, throwsErrno } from './util';

function withSwap(): Kernel {
  const k = kernel();
  k.swaponDevice({ path: '/dev/vda2', kind: 'partition', sizeBytes: 64 * MiB });
  k.createTask('t');
  return k;
}

const swapents = (k: Kernel, t = 't'): number => k.taskFootprint(k.task(t)).swapents;
const rss = (k: Kernel, t = 't'): number => k.taskFootprint(k.task(t)).rss;
const vmstat = (k: Kernel, key: string): number => readValue(k, '/proc/vmstat', key) as number;

test('MADV_DONTNEED on a sub-range drops present pages and swap entries; the pages fault back fresh', () => {
  const k = withSwap();
  k.mmap('t', 'heap', 64, { populate: true });
  k.pageout('t', 'heap', 0, 16);
  assert.equal(swapents(k), 16);
  k.madvise('t', 'heap', 'dontneed', 8, 40);
  assert.equal(swapents(k), 8);
  assert.equal(rss(k), 24 + 8 - 8);
  assert.equal(k.swap.byPath('/dev/vda2')!.inusePages, 8);
  const majBefore = vmstat(k, 'pgmajfault');
  k.touch('t', 'heap', 8, 16);
  // a dropped page is a fresh anonymous fault, not a swapin
  assert.equal(vmstat(k, 'pgmajfault'), majBefore);
  assertClean(k);
});

test('MADV_COLD moves active folios of the range to the inactive list and leaves the rest', () => {
  const k = withSwap();
  k.mmap('t', 'heap', 32, { populate: true });
  const v = k.vma('t', 'heap');
  const head = (i: number): number => k.folios.head[ptePfn(v.pte[i]!)]!;
  // make the first 24 pages' folios active, as reclaim does with referenced ones
  k.atomically(() => {
    for (let i = 0; i < 24; i++) lruMove(k.j, k.folios, k.memcgs.root, head(i), true);
  });
  const activeBefore = [...Array(32).keys()].filter(
    (i) => pteIsPresent(v.pte[i]!) && k.folios.test(head(i), PG_active),
  );
  assert.equal(activeBefore.length, 24);
  const deact = vmstat(k, 'pgdeactivate');
  k.madvise('t', 'heap', 'cold', 0, 32);
  const activeAfter = [...Array(32).keys()].filter((i) => pteIsPresent(v.pte[i]!) && k.folios.test(head(i), PG_active));
  assert.deepEqual(activeAfter, []);
  assert.equal(vmstat(k, 'pgdeactivate') - deact, activeBefore.length);
  assertClean(k);
});

test('MADV_FREE frees swap entries at once; reclaim drops clean lazy pages without swapping and keeps written ones', () => {
  const k = withSwap();
  k.mmap('t', 'heap', 64, { populate: true });
  k.pageout('t', 'heap', 0, 8);
  k.madvise('t', 'heap', 'free', 0, 32);
  assert.equal(swapents(k), 0);
  assert.equal(k.swap.byPath('/dev/vda2')!.inusePages, 0);
  assert.equal(vmstat(k, 'pglazyfree'), 24);
  // pages 16..23 are written again before reclaim
  k.touch('t', 'heap', 16, 24, true);
  const pswpout = vmstat(k, 'pswpout');
  k.pageout('t', 'heap', 0, 32);
  assert.equal(vmstat(k, 'pglazyfreed'), 16);
  assert.equal(vmstat(k, 'pswpout'), pswpout, 'nothing lazy was swapped');
  // the written pages are swap-backed again and stay; the clean ones are gone (pte_none)
  const v = k.vma('t', 'heap');
  assert.equal(
    [...v.pte.subarray(0, 16)].every((p) => p === 0),
    true,
  );
  assert.equal(
    [...v.pte.subarray(16, 24)].every((p) => pteIsPresent(p)),
    true,
  );
  // a second pageout now swaps the redirtied pages normally
  k.pageout('t', 'heap', 16, 24);
  assert.equal(swapents(k), 8);
  assertClean(k);
});

test('process_madvise takes only MADV_COLD and MADV_PAGEOUT, and needs privilege', () => {
  const k = withSwap();
  k.mmap('t', 'heap', 16, { populate: true });
  throwsErrno(() => k.processMadvise('t', 'heap', 'dontneed'), 'EINVAL');
  k.setCred(65534, false);
  throwsErrno(() => k.processMadvise('t', 'heap', 'pageout'), 'EACCES');
  k.setCred(0, true);
  k.processMadvise('t', 'heap', 'pageout', 0, 8);
  assert.equal(swapents(k), 8);
  assertClean(k);
});

test('mlock faults every page in, swapped ones too, and keeps them from MADV_PAGEOUT and reclaim until munlock', () => {
  const k = withSwap();
  k.mmap('t', 'heap', 32, { populate: true });
  k.pageout('t', 'heap', 0, 8);
  k.mlock('t', 'heap', true);
  assert.equal(swapents(k), 0);
  assert.equal(rss(k), 32);
  const v = k.vma('t', 'heap');
  assert.ok([...v.pte].every((p) => k.folios.test(k.folios.head[ptePfn(p)]!, PG_mlocked)));
  k.pageout('t', 'heap');
  throwsErrno(() => k.proactiveReclaim('/', 32, 200), 'EAGAIN');
  assert.equal(swapents(k), 0);
  k.mlock('t', 'heap', false);
  k.pageout('t', 'heap');
  assert.equal(swapents(k), 32);
  assertClean(k);
});

test('mremap keeps swap entries in place when growing and drops the tail when shrinking', () => {
  const k = withSwap();
  k.mmap('t', 'heap', 32, { populate: true });
  k.pageout('t', 'heap', 16, 32);
  k.mremap('t', 'heap', 64);
  assert.equal(k.vma('t', 'heap').nrPages, 64);
  assert.equal(swapents(k), 16);
  k.touch('t', 'heap', 16, 20);
  assert.equal(swapents(k), 12);
  k.mremap('t', 'heap', 18);
  assert.equal(swapents(k), 0);
  assert.equal(rss(k), 18);
  throwsErrno(() => k.mremap('t', 'heap', 0), 'EINVAL');
  assertClean(k);
});

test('fork may reuse the name of a task that has exited, as task does', () => {
  const k = withSwap();
  k.mmap('t', 'heap', 8, { populate: true });
  k.fork('t', 'c');
  throwsErrno(() => k.fork('t', 'c'), 'EEXIST');
  k.exit('c');
  k.fork('t', 'c');
  assert.equal(k.task('c').state, 'alive');
  assertClean(k);
});
