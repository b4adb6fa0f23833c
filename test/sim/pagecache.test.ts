/**
 * The page cache and shmem (server/sim/filemap.ts, shmem.ts, file_ops.ts):
 * file pages charged and counted, written back and dropped; reclaim
 * balancing anon against file by swappiness (get_scan_count()); tmpfs and
 * shared anonymous pages swapping with their entries in the file
 * (shmem_writeout(), shmem_swapin_folio()), swapoff bringing them back,
 * shmem mTHP sizes. Every machine checks its invariants after each
 * operation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DESIGN_PROFILES } from '../../server/sim/designs/profiles';
import { xaIsSwap } from '../../server/sim/filemap';
import { writeFile } from '../../server/sim/vfs';
import { SWAPPINESS_ANON_ONLY } from '../../server/sim/vmscan';
import { MiB, PAGE, assertClean, compressible, machine, num, throwsErrno } from '../memcg/helpers';

const pages = (bytes: number): number => bytes / PAGE;

/** Swap entries held in a file's page table (shmem's "swap entries in the mapping"). */
function swapEntriesOf(k: ReturnType<typeof machine>, path: string): number {
  const as = k.pagecache.lookup(path);
  assert.ok(as, `${path} exists`);
  let n = 0;
  for (const v of as.xa) if (xaIsSwap(v)) n++;
  return n;
}

describe('page cache', () => {
  it('a write brings pages in dirty and charged; sync cleans them; drop_caches drops clean unmapped pages', () => {
    const k = machine();
    k.mkdir('app');
    k.createTask('t', 'app');
    k.fileWrite('/data/log', 0, 4 * MiB, { task: 't' });
    assert.equal(num(k, '/sys/fs/cgroup/app/memory.stat', 'file'), 4 * MiB);
    assert.equal(num(k, '/sys/fs/cgroup/app/memory.stat', 'file_dirty'), 4 * MiB);
    assert.equal(num(k, '/sys/fs/cgroup/app/memory.current'), 4 * MiB);
    assert.equal(num(k, '/proc/meminfo', 'Cached'), 4096);
    assert.equal(num(k, '/proc/meminfo', 'Dirty'), 4096);
    assert.equal(num(k, '/proc/vmstat', 'nr_file_pages'), pages(4 * MiB));
    assert.equal(k.sync(), pages(4 * MiB));
    assert.equal(num(k, '/proc/meminfo', 'Dirty'), 0);
    assert.equal(num(k, '/proc/vmstat', 'nr_written'), pages(4 * MiB));
    // a mapped page stays through drop_caches
    k.mmap('t', 'm', 1, { file: '/data/log', shared: true, populate: true });
    assert.equal(num(k, '/proc/meminfo', 'Mapped'), 4);
    writeFile(k, '/proc/sys/vm/drop_caches', '1');
    assert.equal(num(k, '/proc/meminfo', 'Cached'), 4);
    assert.equal(num(k, '/sys/fs/cgroup/app/memory.current'), PAGE);
    // reading the file brings the rest back from disk
    const before = num(k, '/proc/vmstat', 'pgpgin');
    k.fileRead('/data/log', 0, Number.POSITIVE_INFINITY, { task: 't' });
    assert.equal(num(k, '/proc/vmstat', 'pgpgin') - before, (4 * MiB - PAGE) / 1024);
    assert.equal(num(k, '/proc/meminfo', 'Cached'), 4096);
    k.munmap('t', 'm');
    k.unlink('/data/log');
    assert.equal(num(k, '/proc/meminfo', 'Cached'), 0);
    assert.equal(num(k, '/sys/fs/cgroup/app/memory.current'), 0);
    throwsErrno(() => k.fileRead('/data/log', 0, 1), 'ENOENT');
    assertClean(k);
  });

  it('a write to a shared file mapping dirties the page; a private mapping gets an anon copy', () => {
    const k = machine();
    k.createTask('t');
    k.fileWrite('/data/f', 0, 16 * PAGE);
    k.sync();
    k.mmap('t', 'sh', 8, { file: '/data/f', shared: true });
    k.mmap('t', 'pr', 8, { file: '/data/f', offsetPages: 8 });
    k.touch('t', 'sh', 0, 8, true);
    assert.equal(num(k, '/proc/meminfo', 'Dirty'), 8 * 4);
    k.touch('t', 'pr', 0, 8, true);
    assert.equal(num(k, '/proc/meminfo', 'Dirty'), 8 * 4, 'copy-on-write leaves the file clean');
    assert.equal(num(k, '/proc/meminfo', 'AnonPages'), 8 * 4);
    assert.equal(num(k, '/proc/meminfo', 'Cached'), 16 * 4);
    assertClean(k);
  });

  it('the dirty background threshold makes the flusher write back at once', () => {
    const k = machine();
    writeFile(k, '/proc/sys/vm/dirty_background_ratio', '5');
    k.fileWrite('/data/big', 0, 16 * MiB);
    // 5% of free + file LRU on a 64 MiB machine: about 3 MiB stay dirty
    const dirtyKb = num(k, '/proc/meminfo', 'Dirty');
    assert.ok(dirtyKb > 0 && dirtyKb <= 0.05 * 64 * 1024, `Dirty ${dirtyKb} kB`);
    assert.ok(num(k, '/proc/vmstat', 'nr_written') > 0);
    assertClean(k);
  });
});

describe('reclaim balance (get_scan_count())', () => {
  /** A cgroup holding `anonMiB` of anon and `fileMiB` of clean page cache, with swap. */
  function mixed(anonMiB: number, fileMiB: number) {
    const k = machine({ ramBytes: 256 * MiB });
    k.swaponDevice({ path: '/dev/vda2', kind: 'partition', sizeBytes: 256 * MiB });
    k.mkdir('app');
    k.createTask('t', 'app');
    k.mmap('t', 'heap', pages(anonMiB * MiB), { populate: true, content: compressible(0.4) });
    k.fileWrite('/data/f', 0, fileMiB * MiB, { task: 't' });
    k.sync();
    return k;
  }

  it('memory.reclaim swappiness=0 takes only file pages, swappiness=max only anon', () => {
    const k = mixed(16, 16);
    k.proactiveReclaim('app', pages(8 * MiB), 0);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 0);
    assert.ok(num(k, '/proc/vmstat', 'pgsteal_file') >= pages(8 * MiB));
    const fileBefore = num(k, '/sys/fs/cgroup/app/memory.stat', 'file');
    k.proactiveReclaim('app', pages(4 * MiB), SWAPPINESS_ANON_ONLY);
    assert.equal(
      num(k, '/sys/fs/cgroup/app/memory.stat', 'file'),
      fileBefore,
      'swappiness=max leaves the page cache alone',
    );
    assert.ok(num(k, '/proc/vmstat', 'pswpout') >= pages(4 * MiB));
    assertClean(k);
  });

  it('with no swap, reclaim takes file pages and never anon', () => {
    const k = machine({ ramBytes: 256 * MiB });
    k.mkdir('app');
    k.createTask('t', 'app');
    k.mmap('t', 'heap', pages(8 * MiB), { populate: true });
    k.fileWrite('/data/f', 0, 8 * MiB, { task: 't' });
    k.sync();
    k.proactiveReclaim('app', pages(4 * MiB), 200);
    assert.equal(num(k, '/proc/vmstat', 'pgscan_anon'), 0);
    assert.ok(num(k, '/proc/vmstat', 'pgsteal_file') >= pages(4 * MiB));
    assertClean(k);
  });

  it('higher swappiness swaps more anon for the same reclaim', () => {
    const swapped = (swappiness: number): number => {
      const k = mixed(24, 24);
      // a second access activates the file pages: no cache trim mode while the inactive file list is short
      k.fileRead('/data/f', 0, Number.POSITIVE_INFINITY, { task: 't' });
      k.proactiveReclaim('app', pages(20 * MiB), swappiness);
      assertClean(k);
      return num(k, '/proc/vmstat', 'pswpout');
    };
    const low = swapped(10);
    const high = swapped(190);
    assert.ok(high > low, `pswpout at swappiness 190 (${high}) > at 10 (${low})`);
  });

  it('a memcg limit reclaims dirty file pages through the flusher, then frees them', () => {
    const k = machine({ ramBytes: 256 * MiB });
    k.mkdir('app');
    k.setLimit('app', 'memory.max', pages(8 * MiB));
    k.createTask('t', 'app');
    k.fileWrite('/data/f', 0, 16 * MiB, { task: 't' });
    assert.ok(num(k, '/sys/fs/cgroup/app/memory.current') <= 8 * MiB);
    assert.ok(
      num(k, '/proc/vmstat', 'nr_written') > 0,
      'the flusher wrote dirty pages back so reclaim could free them',
    );
    assert.equal(num(k, '/sys/fs/cgroup/app/memory.events', 'oom_kill'), 0);
    assertClean(k);
  });
});

describe('shmem', () => {
  it('tmpfs pages swap out with their entries in the file and come back on read, under every design', () => {
    for (const design of DESIGN_PROFILES) {
      if (design === 'ghost') continue;
      const k = machine({ swapWriteback: 'sync', design, ramBytes: 128 * MiB });
      k.swaponDevice({ path: '/dev/vda2', kind: 'partition', sizeBytes: 64 * MiB });
      k.mkdir('app');
      k.createTask('t', 'app');
      k.fileWrite('/dev/shm/seg', 0, 4 * MiB, { task: 't', content: compressible(0.5) });
      assert.equal(num(k, '/proc/meminfo', 'Shmem'), 4096, design);
      assert.equal(num(k, '/sys/fs/cgroup/app/memory.stat', 'shmem'), 4 * MiB, design);
      assert.equal(num(k, '/proc/meminfo', 'Dirty'), 0, `${design}: shmem is never counted dirty`);
      k.proactiveReclaim('app', pages(4 * MiB), SWAPPINESS_ANON_ONLY);
      assert.equal(num(k, '/proc/meminfo', 'Shmem'), 0, design);
      assert.equal(swapEntriesOf(k, '/dev/shm/seg'), pages(4 * MiB), design);
      assert.equal(
        num(k, '/sys/fs/cgroup/app/memory.swap.current'),
        4 * MiB,
        `${design}: shmem swap is charged to the cgroup`,
      );
      k.fileRead('/dev/shm/seg', 0, 2 * MiB, { task: 't' });
      assert.equal(num(k, '/proc/meminfo', 'Shmem'), 2048, design);
      assert.equal(swapEntriesOf(k, '/dev/shm/seg'), pages(2 * MiB), design);
      k.unlink('/dev/shm/seg');
      // free_swap_and_cache_nr() drops a slot's swap cache only when swap is full: readahead pages stay cached until reclaim takes them
      const cachedKb = num(k, '/proc/meminfo', 'SwapCached');
      assert.equal(
        num(k, '/proc/swaps', '/dev/vda2 Used'),
        cachedKb,
        `${design}: unlink frees the file's slots, all but the cached ones`,
      );
      assert.equal(num(k, '/sys/fs/cgroup/app/memory.current'), cachedKb * 1024, design);
      // reclaim takes those last cached pages (only they are left to take: EAGAIN after)
      throwsErrno(() => k.proactiveReclaim('app', pages(1 * MiB), SWAPPINESS_ANON_ONLY), 'EAGAIN');
      assert.equal(num(k, '/proc/swaps', '/dev/vda2 Used'), 0, design);
      assertClean(k);
    }
  });

  it('a shared anonymous mapping is shmem: pageout swaps it, a fault brings it back, exit frees it', () => {
    const k = machine({ ramBytes: 128 * MiB });
    k.swaponDevice({ path: '/dev/vda2', kind: 'partition', sizeBytes: 64 * MiB });
    k.createTask('t');
    k.mmap('t', 'sh', 256, { shared: true, populate: true });
    k.touch('t', 'sh', 0, 256, true);
    assert.equal(num(k, '/proc/meminfo', 'Shmem'), 1024);
    assert.equal(num(k, '/proc/meminfo', 'AnonPages'), 0, 'shmem is not anon');
    k.pageout('t', 'sh');
    assert.equal(num(k, '/proc/meminfo', 'Shmem'), 0);
    assert.equal(num(k, '/proc/swaps', '/dev/vda2 Used'), 1024);
    k.touch('t', 'sh', 0, 16);
    assert.equal(num(k, '/proc/meminfo', 'Shmem'), 64);
    k.exit('t');
    assert.equal(num(k, '/proc/meminfo', 'Shmem'), 0);
    assert.equal(
      num(k, '/proc/swaps', '/dev/vda2 Used'),
      num(k, '/proc/meminfo', 'SwapCached'),
      'only readahead pages left in the swap cache',
    );
    assertClean(k);
  });

  it('swapoff brings every shmem page back into the page cache', () => {
    const k = machine({ swapWriteback: 'sync', ramBytes: 128 * MiB });
    k.swaponDevice({ path: '/dev/vda2', kind: 'partition', sizeBytes: 64 * MiB });
    k.fileWrite('/tmp/a', 0, 2 * MiB);
    k.proactiveReclaim('/', pages(2 * MiB), SWAPPINESS_ANON_ONLY);
    assert.equal(swapEntriesOf(k, '/tmp/a'), pages(2 * MiB));
    k.swapoffDevice('/dev/vda2');
    assert.equal(swapEntriesOf(k, '/tmp/a'), 0);
    assert.equal(num(k, '/proc/meminfo', 'Shmem'), 2048);
    assertClean(k);
  });

  it('shmem mTHP: hugepages-64kB/shmem_enabled always gives order-4 folios, swapped out and counted whole', () => {
    const k = machine({ ramBytes: 128 * MiB });
    k.swaponDevice({ path: '/dev/vda2', kind: 'partition', sizeBytes: 64 * MiB });
    writeFile(k, '/sys/kernel/mm/transparent_hugepage/hugepages-64kB/shmem_enabled', 'always');
    k.fileWrite('/dev/shm/m', 0, 1 * MiB);
    assert.equal(num(k, '/sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats/shmem_alloc'), 16);
    writeFile(k, '/sys/kernel/mm/transparent_hugepage/shmem_enabled', 'always');
    k.fileWrite('/dev/shm/h', 0, 2 * MiB);
    assert.equal(num(k, '/proc/meminfo', 'ShmemHugePages'), 2048);
    writeFile(k, '/sys/kernel/mm/transparent_hugepage/shmem_enabled', 'deny');
    k.fileWrite('/dev/shm/s', 0, 64 * 1024);
    assert.equal(
      num(k, '/sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats/shmem_alloc'),
      16,
      'deny turns every size off',
    );
    throwsErrno(() => writeFile(k, '/sys/kernel/mm/transparent_hugepage/shmem_enabled', 'inherit'), 'EINVAL');
    k.proactiveReclaim('/', pages(1 * MiB), SWAPPINESS_ANON_ONLY);
    assertClean(k);
  });
});
