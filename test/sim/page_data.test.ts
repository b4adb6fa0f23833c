/**
 * Page data (server/sim/page_data.ts): what `fill` writes comes back
 * unchanged through every way a page leaves memory and returns: device
 * swap, zswap, zswap writeback, swapoff, fork and copy-on-write, the death
 * of the cgroup that charged it; dropped pages read as fresh ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataMismatches, pageDataAt } from '../../server/sim/page_data';
import { DESIGN_PROFILES } from '../../server/sim/designs/profiles';
import type { Kernel } from '../../server/sim/kernel';
import { MiB, assertClean, kernel } from './util';

const lost = (k: Kernel, task: string, region: string, value: number | 'index'): [number, number][] => {
  const v = k.vma(task, region);
  return dataMismatches(k, v, 0, v.nrPages, value);
};

for (const design of DESIGN_PROFILES) {
  test(`${design}: page data survives device swap, zswap, writeback, swapoff and cgroup death`, () => {
    const k = kernel({ design });
    const dev = design === 'ghost' ? '/dev/ghostswap' : '/dev/vda2';
    k.swaponDevice({
      path: dev,
      kind: design === 'ghost' ? 'ghost' : 'partition',
      sizeBytes: design === 'ghost' ? 0 : 64 * MiB,
    });
    // the ghost device is backed by zswap only
    if (design === 'ghost') k.setZswapParam('enabled', true);
    k.mkdir('app');
    k.createTask('t', 'app');
    k.mmap('t', 'heap', 256, { populate: true, order: 2 });
    k.fill('t', 'heap', 'index');
    k.fill('t', 'heap', 0xdeadbeef, 64, 128);
    const expected = (i: number): number => (i >= 64 && i < 128 ? 0xdeadbeef : i);
    const check = (when: string): void => {
      const v = k.vma('t', 'heap');
      const bad = [...Array(256).keys()].filter((i) => pageDataAt(k, v, i) !== expected(i));
      assert.deepEqual(bad, [], `${design}: pages with other data ${when}`);
    };
    k.pageout('t', 'heap');
    check('after swapout to the device');
    k.touch('t', 'heap', 0, 32);
    check('after swapin');
    if (design !== 'ghost') {
      k.setZswapParam('enabled', true);
      k.touch('t', 'heap');
      k.pageout('t', 'heap');
      check('in zswap');
      k.zswapShrink(Number.POSITIVE_INFINITY);
      check('after zswap writeback');
    }
    // the cgroup goes while its pages are swapped out; the task lives on elsewhere
    k.moveTask('t', '');
    k.rmdir('app');
    check('after the cgroup died');
    if (design !== 'ghost') {
      k.swapoffDevice(dev);
      check('after swapoff');
    }
    k.touch('t', 'heap');
    check('after faulting everything back');
    assertClean(k);
  });
}

test('a forked child keeps the parent data; a write in either copies the page', () => {
  const k = kernel();
  k.swaponDevice({ path: '/dev/vda2', kind: 'partition', sizeBytes: 64 * MiB });
  k.createTask('p');
  k.mmap('p', 'heap', 32, { populate: true });
  k.fill('p', 'heap', 7);
  k.pageout('p', 'heap', 0, 16);
  k.fork('p', 'c');
  k.fill('c', 'heap', 9, 8, 24);
  assert.deepEqual(lost(k, 'p', 'heap', 7), []);
  const child = k.vma('c', 'heap');
  assert.deepEqual(
    [...Array(32).keys()].map((i) => pageDataAt(k, child, i)),
    [...Array(32).keys()].map((i) => (i >= 8 && i < 24 ? 9 : 7)),
  );
  assertClean(k);
});

test('dropped pages read as fresh ones: MADV_DONTNEED, a discarded MADV_FREE page, a partial munmap refaulted', () => {
  const k = kernel();
  k.swaponDevice({ path: '/dev/vda2', kind: 'partition', sizeBytes: 64 * MiB });
  k.createTask('t');
  k.mmap('t', 'heap', 32, { populate: true });
  k.fill('t', 'heap', 5);
  k.madvise('t', 'heap', 'dontneed', 0, 8);
  k.madvise('t', 'heap', 'free', 8, 16);
  k.pageout('t', 'heap', 8, 16);
  k.touch('t', 'heap', 0, 16);
  assert.deepEqual(
    lost(k, 't', 'heap', 5).map(([i]) => i),
    [...Array(16).keys()],
  );
  assert.deepEqual(
    lost(k, 't', 'heap', 5).map(([, v]) => v),
    Array(16).fill(0),
  );
  assertClean(k);
});
