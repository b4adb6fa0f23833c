/**
 * config task_memory=kernel (docs/kernels.md, "The task's own process"): a
 * task charges its own process when it starts, and charges go through the
 * per-CPU stock of MEMCG_CHARGE_BATCH pages, so memory.current runs ahead of
 * what folios use, as the recorded kernels show.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelError } from '../../server/sim/errno';
import { Kernel } from '../../server/sim/kernel';
import { MEMCG_CHARGE_BATCH } from '../../server/sim/memcontrol';
import { MiB } from './util';

const current = (k: Kernel, path: string): number => k.memcgs.lookup(path)!.memory.usage;

for (const [kernel, start, withRegion, afterExit] of [
  ['7.2', 64, 1088, 24],
  ['6.12', 60, 1084, 20],
] as const) {
  test(`${kernel}: the task's own process and the charge stock, as the kernel's memory.current shows them`, () => {
    const k = new Kernel({ kernel, taskMemory: 'kernel', cpus: 2, ramBytes: 64 * MiB, checkInvariants: true });
    k.mkdir('app');
    k.createTask('t', 'app');
    // 40 pages of its own, charged one batch at a time (6.12 frees 4 of them straight back)
    assert.equal(current(k, 'app'), start);
    k.mmap('t', 'r', 1024, { populate: true });
    assert.equal(current(k, 'app'), withRegion);
    // what the stock holds stays charged after the exit
    k.exit('t');
    assert.equal(current(k, 'app'), afterExit);
    assert.equal(k.memcgs.lookup('app')!.stockPages, afterExit);
    // memory_max_write() drains the stock before it reclaims
    k.setLimit('app', 'memory.max', 0);
    assert.equal(current(k, 'app'), 0);
  });
}

test('near memory.max the batch falls back to the charge itself: the cgroup fills to the limit exactly', () => {
  const k = new Kernel({ kernel: '7.2', taskMemory: 'kernel', cpus: 2, ramBytes: 64 * MiB, checkInvariants: true });
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB, prio: 0 });
  k.mkdir('app');
  k.setLimit('app', 'memory.max', 500);
  k.createTask('t', 'app');
  k.mmap('t', 'r', 1024, { populate: true });
  assert.ok(current(k, 'app') <= 500);
  assert.ok(current(k, 'app') > 500 - MEMCG_CHARGE_BATCH);
});

test('task_memory=none (the default): a task charges only its mappings, page by page', () => {
  const k = new Kernel({ kernel: '7.2', cpus: 2, ramBytes: 64 * MiB, checkInvariants: true });
  k.mkdir('app');
  k.createTask('t', 'app');
  assert.equal(current(k, 'app'), 0);
  k.mmap('t', 'r', 100, { populate: true });
  assert.equal(current(k, 'app'), 100);
});

test('madvise over a range a partial munmap left a hole in: the mapped parts get the advice, then ENOMEM', () => {
  const k = new Kernel({ kernel: '7.2', cpus: 2, ramBytes: 64 * MiB, checkInvariants: true });
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB, prio: 0 });
  k.createTask('t');
  k.mmap('t', 'r', 64, { populate: true });
  k.munmap('t', 'r', 0, 16);
  assert.throws(
    () => k.pageout('t', 'r'),
    (e: unknown) => e instanceof KernelError && e.errno === 'ENOMEM',
  );
  // the 48 mapped pages went out all the same (madvise_walk_vmas() goes on past the hole)
  assert.equal(k.taskFootprint(k.task('t')).swapents, 48);
  // a range inside the mapped part is fine; a touch skips the hole instead of mapping it again
  k.pageout('t', 'r', 16, 64);
  k.touch('t', 'r');
  assert.equal(k.taskFootprint(k.task('t')).rss, 48);
});
