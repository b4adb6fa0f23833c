/**
 * The file interface (server/sim/vfs.ts): what each file prints, how writes
 * are parsed and applied, and the errno of every rejected write.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprint } from '../../server/sim/snapshot';
import { pageCounterMemparse, readFile, readValue, writeFile } from '../../server/sim/vfs';
import { MiB, PAGE, assertClean, compressible, machine, num, throwsErrno } from './helpers';

describe('cgroup limit files', () => {
  it('memory.max reads "max" until written; sizes take K/M/G/T suffixes and round down to pages', () => {
    const k = machine();
    k.mkdir('a');
    assert.equal(readFile(k, '/sys/fs/cgroup/a/memory.max'), 'max\n');
    assert.equal(readValue(k, 'a/memory.max'), 'max');
    writeFile(k, 'a/memory.max', '1G');
    assert.equal(readFile(k, 'a/memory.max'), `${2 ** 30}\n`);
    writeFile(k, 'a/memory.max', '4097');
    assert.equal(num(k, 'a/memory.max'), PAGE, 'page_counter_memparse() rounds down to whole pages');
    writeFile(k, 'a/memory.max', '0x2000');
    assert.equal(num(k, 'a/memory.max'), 2 * PAGE, 'simple_strtoull() base 0: hex');
    writeFile(k, 'a/memory.max', ' 3m\n');
    assert.equal(num(k, 'a/memory.max'), 3 * MiB, 'surrounding blanks are stripped, suffixes are case-insensitive');
    writeFile(k, 'a/memory.max', 'max');
    assert.equal(readValue(k, 'a/memory.max'), 'max');
    writeFile(k, 'a/memory.max', '9223372036854775807');
    assert.equal(readValue(k, 'a/memory.max'), 'max', 'PAGE_COUNTER_MAX reads back as max');
    for (const f of ['memory.high', 'memory.swap.max', 'memory.swap.high', 'memory.zswap.max']) {
      writeFile(k, `a/${f}`, '64K');
      assert.equal(num(k, `a/${f}`), 64 * 1024, f);
      writeFile(k, `a/${f}`, 'max');
      assert.equal(readValue(k, `a/${f}`), 'max', f);
    }
    assertClean(k);
  });

  it('bad sizes are EINVAL and leave no trace; an empty string is 0 as memparse() makes it', () => {
    const k = machine();
    k.mkdir('a');
    writeFile(k, 'a/memory.max', '8M');
    const before = fingerprint(k).split(':')[0];
    for (const bad of ['1.5G', '-1', '1KiB', '10 M', 'unlimited', 'maxx']) {
      throwsErrno(() => writeFile(k, 'a/memory.max', bad), 'EINVAL');
    }
    assert.equal(fingerprint(k).split(':')[0], before, 'failed writes change nothing');
    assert.equal(num(k, 'a/memory.max'), 8 * MiB);
    assert.equal(pageCounterMemparse('', PAGE), 0);
    assert.equal(pageCounterMemparse('1E', PAGE), 2 ** 60 / PAGE);
    assertClean(k);
  });

  it('read-only files are EACCES to write, memory.reclaim is EACCES to read, /proc files EIO', () => {
    const k = machine();
    k.mkdir('a');
    for (const f of [
      'memory.current',
      'memory.stat',
      'memory.events',
      'memory.events.local',
      'memory.swap.current',
      'memory.swap.events',
      'memory.zswap.current',
    ]) {
      throwsErrno(() => writeFile(k, `a/${f}`, '0'), 'EACCES');
    }
    throwsErrno(() => readFile(k, 'a/memory.reclaim'), 'EACCES');
    throwsErrno(() => writeFile(k, '/sys/kernel/debug/zswap/stored_pages', '0'), 'EACCES');
    throwsErrno(() => writeFile(k, '/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/stats/swpout', '0'), 'EACCES');
    for (const f of ['/proc/meminfo', '/proc/vmstat', '/proc/swaps']) throwsErrno(() => writeFile(k, f, '1'), 'EIO');
    assertClean(k);
  });

  it('missing cgroups and files are ENOENT, a cgroup directory EISDIR; the root has only stat, reclaim and procs', () => {
    const k = machine();
    k.mkdir('a');
    throwsErrno(() => readFile(k, 'nope/memory.current'), 'ENOENT');
    throwsErrno(() => writeFile(k, 'nope/memory.max', '1M'), 'ENOENT');
    throwsErrno(() => readFile(k, 'a/memory.bogus'), 'ENOENT');
    throwsErrno(() => readFile(k, 'a/memory.swap.events.local'), 'ENOENT');
    throwsErrno(() => readFile(k, '/sys/fs/cgroup/a'), 'EISDIR');
    throwsErrno(() => readFile(k, '/etc/passwd'), 'ENOENT');
    for (const f of [
      'memory.current',
      'memory.max',
      'memory.events',
      'memory.swap.current',
      'memory.peak',
      'memory.zswap.writeback',
    ]) {
      throwsErrno(() => readFile(k, `/sys/fs/cgroup/${f}`), 'ENOENT');
    }
    assert.match(readFile(k, '/sys/fs/cgroup/memory.stat'), /^anon \d+\n/);
    assert.equal(readFile(k, '/sys/fs/cgroup/cgroup.procs'), '');
    writeFile(k, '/sys/fs/cgroup/memory.reclaim', '0');
    assertClean(k);
  });
});

describe('memory.peak and memory.swap.peak', () => {
  it('a write through an fd resets the peak that fd reports; a read by path (a fresh fd) shows the lifetime peak', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    k.createTask('t', 'a');
    const a = k.openFile('a', '/sys/fs/cgroup/a/memory.peak');
    k.mmap('t', 'big', 1024, { populate: true });
    assert.equal(num(k, 'a/memory.peak'), 4 * MiB);
    assert.equal(readValue(k, 'a/memory.peak', null, a), 4 * MiB, 'an fd never written shows the lifetime watermark');
    k.munmap('t', 'big');
    writeFile(k, 'a/memory.peak', 'reset', a);
    assert.equal(readValue(k, 'a/memory.peak', null, a), 0, 'after the write: the peak since the write');
    assert.equal(num(k, 'a/memory.peak'), 4 * MiB, 'by path: a fresh fd, the lifetime watermark');
    k.mmap('t', 'small', 256, { populate: true });
    k.munmap('t', 'small', 0, 128);
    assert.equal(readValue(k, 'a/memory.peak', null, a), MiB, 'the local peak follows new charges');
    writeFile(k, 'a/memory.peak', '', a);
    assert.equal(readValue(k, 'a/memory.peak', null, a), 512 * 1024, 'an empty write resets too');
    assert.equal(readFile(k, 'a/memory.peak', a), `${512 * 1024}\n`);
    // the mapped half: MADV_PAGEOUT over the unmapped half would fail with ENOMEM
    k.pageout('t', 'small', 128, 256);
    const s = k.openFile('s', 'a/memory.swap.peak');
    k.munmap('t', 'small');
    writeFile(k, 'a/memory.swap.peak', 'x', s);
    assert.equal(readValue(k, 'a/memory.swap.peak', null, s), 0);
    assert.equal(num(k, 'a/memory.swap.peak'), 512 * 1024);
    assertClean(k);
  });

  it('two fds: each keeps its own reset; a later reset raises the other watchers to the usage then (peak_write())', () => {
    const k = machine();
    k.mkdir('a');
    k.createTask('t', 'a');
    const one = k.openFile('one', 'a/memory.peak');
    const two = k.openFile('two', 'a/memory.peak');
    k.mmap('t', 'm', 512, { populate: true });
    writeFile(k, 'a/memory.peak', 'reset', one);
    k.munmap('t', 'm', 0, 256);
    assert.equal(readValue(k, 'a/memory.peak', null, one), 2 * MiB, 'one: the usage at its write');
    assert.equal(readValue(k, 'a/memory.peak', null, two), 2 * MiB, 'two was never written: the lifetime watermark');
    writeFile(k, 'a/memory.peak', 'reset', two);
    assert.equal(readValue(k, 'a/memory.peak', null, two), MiB, 'two: the usage at its own write');
    assert.equal(readValue(k, 'a/memory.peak', null, one), 2 * MiB, 'one keeps its larger value');
    k.munmap('t', 'm');
    writeFile(k, 'a/memory.peak', 'reset');
    assert.equal(
      readValue(k, 'a/memory.peak', null, two),
      MiB,
      'a write by path resets the local watermark but raises no watcher above its value',
    );
    k.mmap('t', 'n', 768, { populate: true });
    assert.equal(
      readValue(k, 'a/memory.peak', null, one),
      3 * MiB,
      'new charges above every value show through every written fd',
    );
    k.closeFile('one');
    throwsErrno(() => k.closeFile('one'), 'EBADF');
    assert.deepEqual(k.files.watchers(k.memcgs.lookup('a')!, 'memory'), [two]);
    assertClean(k);
  });

  it('an fd of a removed cgroup answers ENODEV; a rejected open leaves no fd', () => {
    const k = machine();
    k.mkdir('a');
    const fd = k.openFile('p', 'a/memory.peak');
    k.rmdir('a');
    throwsErrno(() => readValue(k, 'a/memory.peak', null, k.files.use('p')), 'ENODEV');
    k.mkdir('a');
    throwsErrno(() => k.files.use('p'), 'ENODEV');
    assert.ok(!fd.memcg?.online);
    throwsErrno(() => k.openFile('q', 'b/memory.peak'), 'ENOENT');
    assert.equal(k.files.byName.has('q'), false);
    assertClean(k);
  });
});

describe('cgroup core files', () => {
  it('cgroup.subtree_control: +memory/-memory, the no-internal-process rule, and mkdir turning memory on', () => {
    const k = machine();
    assert.equal(readValue(k, '/sys/fs/cgroup/cgroup.subtree_control'), 'memory');
    k.mkdir('a');
    assert.equal(readValue(k, 'a/cgroup.subtree_control'), '');
    assert.equal(readValue(k, 'a/cgroup.controllers'), 'memory');
    k.createTask('t', 'a');
    throwsErrno(() => writeFile(k, 'a/cgroup.subtree_control', '+memory'), 'EBUSY');
    throwsErrno(() => k.mkdir('a/b'), 'EBUSY');
    throwsErrno(() => writeFile(k, 'a/cgroup.subtree_control', '+cpu'), 'EINVAL');
    throwsErrno(() => writeFile(k, 'a/cgroup.subtree_control', 'memory'), 'EINVAL');
    k.moveTask('t', '');
    k.mkdir('a/b');
    assert.equal(readValue(k, 'a/cgroup.subtree_control'), 'memory');
    throwsErrno(() => k.moveTask('t', 'a'), 'EBUSY');
    throwsErrno(() => writeFile(k, 'a/cgroup.procs', 't'), 'EBUSY');
    throwsErrno(() => k.createTask('u', 'a'), 'EBUSY');
    throwsErrno(() => writeFile(k, 'a/cgroup.subtree_control', '-memory'), 'EBUSY');
    k.rmdir('a/b');
    writeFile(k, 'a/cgroup.subtree_control', ' -memory ');
    assert.equal(readValue(k, 'a/cgroup.subtree_control'), '');
    k.moveTask('t', 'a');
    writeFile(k, 'a/cgroup.subtree_control', '-memory');
    assertClean(k);
  });

  it('cgroup.kill kills the subtree; cgroup.events populated follows live tasks; only 1 is accepted', () => {
    const k = machine();
    k.mkdir('a');
    k.mkdir('a/b');
    k.createTask('t', 'a/b');
    k.mmap('t', 'm', 16, { populate: true });
    k.createTask('u', '');
    assert.deepEqual(readFile(k, 'a/cgroup.events'), 'populated 1\nfrozen 0\n');
    throwsErrno(() => writeFile(k, 'a/cgroup.kill', '2'), 'ERANGE');
    throwsErrno(() => writeFile(k, 'a/cgroup.kill', 'yes'), 'EINVAL');
    throwsErrno(() => writeFile(k, '/sys/fs/cgroup/cgroup.kill', '1'), 'ENOENT');
    writeFile(k, 'a/cgroup.kill', '1');
    assert.equal(k.mm.tasks.get('t')?.state, 'killed');
    assert.equal(k.mm.tasks.get('u')?.state, 'alive');
    assert.equal(readValue(k, 'a/cgroup.events', 'populated'), 0);
    assert.equal(num(k, 'a/memory.current'), 0, 'the killed task freed its memory');
    assertClean(k);
  });

  it('memory.oom.group: an OOM kill takes every task of the highest group cgroup, once each', () => {
    const k = machine();
    k.mkdir('g');
    k.mkdir('g/x');
    k.mkdir('g/y');
    writeFile(k, 'g/memory.max', '1M');
    writeFile(k, 'g/memory.oom.group', '1');
    throwsErrno(() => writeFile(k, 'g/memory.oom.group', '2'), 'EINVAL');
    assert.equal(readValue(k, 'g/memory.oom.group'), 1);
    k.createTask('a', 'g/x');
    k.createTask('b', 'g/y');
    k.createTask('c', '');
    k.mmap('a', 'm', 128, { populate: true });
    k.mmap('b', 'm', 64, { populate: true });
    // no swap: b's next fault cannot be charged, the memcg OOM picks a (the biggest) and takes the whole group
    try {
      k.touch('b', 'm');
      k.mmap('b', 'more', 256, { populate: true });
    } catch {
      // b itself may be the one that cannot fault
    }
    assert.equal(k.mm.tasks.get('a')?.state, 'oom_killed');
    assert.equal(k.mm.tasks.get('b')?.state, 'oom_killed');
    assert.equal(k.mm.tasks.get('c')?.state, 'alive', 'outside the group');
    assert.equal(readValue(k, 'g/memory.events', 'oom_group_kill'), 1);
    assert.equal(readValue(k, 'g/memory.events', 'oom_kill'), 2);
    assertClean(k);
  });
});

describe('memory.events and memory.events.local', () => {
  it('a child hitting its memory.max counts max in its local file; the parent sees it only hierarchically', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('p');
    k.mkdir('p/c');
    writeFile(k, 'p/c/memory.max', '1M');
    k.createTask('t', 'p/c');
    k.mmap('t', 'r', 512, { populate: true, content: compressible(0.4) });
    const local = num(k, 'p/c/memory.events.local', 'max');
    assert.ok(local > 0);
    assert.equal(num(k, 'p/c/memory.events', 'max'), local);
    assert.equal(num(k, 'p/memory.events', 'max'), local, 'memory.events of the parent includes the child');
    assert.equal(num(k, 'p/memory.events.local', 'max'), 0, 'nothing happened in the parent itself');
    assert.equal(num(k, 'p/memory.events', 'oom'), 0);
    assert.match(readFile(k, 'p/memory.events'), /^low 0\nhigh 0\nmax \d+\noom 0\noom_kill 0\noom_group_kill 0\n$/);
    assert.match(readFile(k, 'p/memory.swap.events'), /^high 0\nmax 0\nfail 0\n$/);
    throwsErrno(() => readValue(k, 'p/memory.events'), 'EINVAL');
    throwsErrno(() => readValue(k, 'p/memory.events', 'nope'), 'EINVAL');
    assertClean(k);
  });
});

describe('memory.stat', () => {
  it('sizes are bytes, events are counts, sums over the subtree', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('p');
    k.mkdir('p/c');
    k.createTask('t', 'p/c');
    k.mmap('t', 'r', 64, { populate: true });
    assert.equal(num(k, 'p/memory.stat', 'anon'), 64 * PAGE);
    assert.equal(num(k, 'p/memory.stat', 'inactive_anon') + num(k, 'p/memory.stat', 'active_anon'), 64 * PAGE);
    assert.equal(num(k, 'p/memory.stat', 'pgfault'), 64);
    k.pageout('t', 'r', 0, 16);
    assert.equal(num(k, 'p/memory.stat', 'pswpout'), 16, 'pages, not bytes');
    assert.equal(num(k, 'p/memory.stat', 'anon'), 48 * PAGE);
    k.touch('t', 'r', 0, 4);
    assert.equal(
      num(k, 'p/c/memory.stat', 'pswpin') + num(k, 'p/c/memory.stat', 'swpin_zero'),
      num(k, '/proc/vmstat', 'pswpin'),
    );
    assert.equal(
      num(k, 'p/memory.stat', 'swapcached'),
      k.stat.nrSwapcache * PAGE,
      'the read-faulted folios stay in the swap cache',
    );
    assert.ok(num(k, 'p/memory.stat', 'pgmajfault') >= 1);
    const text = readFile(k, 'p/memory.stat');
    const keys = text
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]);
    for (const key of [
      'anon',
      'zswap',
      'zswapped',
      'zswap_incomp',
      'swapcached',
      'pswpin',
      'pswpout',
      'swpin_zero',
      'swpout_zero',
      'zswpin',
      'zswpout',
      'zswpwb',
      'thp_swpout',
      'thp_swpout_fallback',
    ]) {
      assert.ok(keys.includes(key), key);
    }
    assert.ok(
      keys.indexOf('zswap') < keys.indexOf('swapcached') && keys.indexOf('pswpin') < keys.indexOf('zswpout'),
      'memory_stat_format() order',
    );
    assertClean(k);
  });
});

describe('cgroup.procs', () => {
  it('lists pids of the cgroup itself; writing a pid or a task name moves the task and its charges stay', () => {
    const k = machine();
    k.mkdir('a');
    k.mkdir('b');
    const t = k.createTask('t', 'a');
    k.createTask('u', 'a');
    assert.equal(readFile(k, 'a/cgroup.procs'), `${t.pid}\n${t.pid + 1}\n`);
    assert.equal(readValue(k, 'a/cgroup.procs'), 't u');
    k.mmap('t', 'r', 256, { populate: true });
    writeFile(k, 'b/cgroup.procs', String(t.pid));
    assert.equal(readValue(k, 'b/cgroup.procs'), 't');
    assert.equal(num(k, 'a/memory.current'), MiB, 'the charge stays with the old cgroup');
    assert.equal(num(k, 'b/memory.current'), 0);
    k.mmap('t', 's', 256, { populate: true });
    assert.equal(num(k, 'b/memory.current'), MiB, 'new memory is charged to the new cgroup');
    writeFile(k, 'a/cgroup.procs', 'u\n');
    throwsErrno(() => writeFile(k, 'a/cgroup.procs', 'nobody'), 'ESRCH');
    throwsErrno(() => writeFile(k, 'a/cgroup.procs', '99999'), 'ESRCH');
    assert.equal(readFile(k, '/sys/fs/cgroup/cgroup.procs'), '', 'the root lists only its own tasks');
    assertClean(k);
  });
});

describe('rmdir', () => {
  it('EBUSY with tasks or an online child; afterwards the files are gone (ENOENT) and the path can be reused', () => {
    const k = machine();
    k.mkdir('p');
    k.mkdir('p/c');
    k.createTask('t', 'p/c');
    throwsErrno(() => k.rmdir('p'), 'EBUSY');
    throwsErrno(() => k.rmdir('p/c'), 'EBUSY');
    writeFile(k, '/sys/fs/cgroup/cgroup.procs', 't');
    k.rmdir('p/c');
    throwsErrno(() => readFile(k, 'p/c/memory.current'), 'ENOENT');
    k.rmdir('p');
    k.mkdir('p');
    assert.equal(num(k, 'p/memory.current'), 0);
    assertClean(k);
  });
});

describe('zswap, sysctl and sysfs knobs', () => {
  it('zswap parameters: Y/N booleans, the compressor by name (ENOENT if unknown), unsigned percentages', () => {
    const k = machine();
    assert.equal(readFile(k, '/sys/module/zswap/parameters/enabled'), 'N\n');
    assert.equal(readFile(k, '/sys/module/zswap/parameters/max_pool_percent'), '20\n');
    assert.equal(readFile(k, '/sys/module/zswap/parameters/accept_threshold_percent'), '90\n');
    assert.equal(readFile(k, '/sys/module/zswap/parameters/compressor'), 'lzo\n');
    assert.equal(readFile(k, '/sys/module/zswap/parameters/shrinker_enabled'), 'N\n');
    for (const [text, on] of [
      ['Y', 1],
      ['0', 0],
      ['yes', 1],
      ['off', 0],
      ['on\n', 1],
      ['N', 0],
      ['1', 1],
    ] as const) {
      writeFile(k, '/sys/module/zswap/parameters/enabled', text);
      assert.equal(readValue(k, '/sys/module/zswap/parameters/enabled'), on, text);
    }
    throwsErrno(() => writeFile(k, '/sys/module/zswap/parameters/enabled', 'maybe'), 'EINVAL');
    throwsErrno(() => writeFile(k, '/sys/module/zswap/parameters/enabled', ''), 'EINVAL');
    writeFile(k, '/sys/module/zswap/parameters/compressor', 'zstd\n');
    assert.equal(readValue(k, '/sys/module/zswap/parameters/compressor'), 'zstd');
    throwsErrno(() => writeFile(k, '/sys/module/zswap/parameters/compressor', 'gzip'), 'ENOENT');
    writeFile(k, '/sys/module/zswap/parameters/max_pool_percent', '30');
    assert.equal(num(k, '/sys/module/zswap/parameters/max_pool_percent'), 30);
    throwsErrno(() => writeFile(k, '/sys/module/zswap/parameters/max_pool_percent', '-1'), 'EINVAL');
    throwsErrno(() => writeFile(k, '/sys/module/zswap/parameters/accept_threshold_percent', '9x'), 'EINVAL');
    writeFile(k, '/sys/module/zswap/parameters/shrinker_enabled', 'Y');
    assert.equal(k.zswap.params.shrinker_enabled, true);
    throwsErrno(() => readFile(k, '/sys/module/zswap/parameters/zpool'), 'ENOENT');
    assertClean(k);
  });

  it('vm sysctls are range-checked integers; vma_ra_enabled prints true/false', () => {
    const k = machine();
    assert.equal(readFile(k, '/proc/sys/vm/swappiness'), '60\n');
    writeFile(k, '/proc/sys/vm/swappiness', '200\n');
    assert.equal(k.sysctl.swappiness, 200);
    throwsErrno(() => writeFile(k, '/proc/sys/vm/swappiness', '201'), 'EINVAL');
    throwsErrno(() => writeFile(k, '/proc/sys/vm/swappiness', '6o'), 'EINVAL');
    writeFile(k, '/proc/sys/vm/page-cluster', '0');
    assert.equal(num(k, '/proc/sys/vm/page-cluster'), 0);
    throwsErrno(() => writeFile(k, '/proc/sys/vm/page-cluster', '32'), 'EINVAL');
    assert.equal(readFile(k, '/sys/kernel/mm/swap/vma_ra_enabled'), 'true\n');
    writeFile(k, '/sys/kernel/mm/swap/vma_ra_enabled', 'false');
    assert.equal(readFile(k, '/sys/kernel/mm/swap/vma_ra_enabled'), 'false\n');
    assert.equal(readValue(k, '/sys/kernel/mm/swap/vma_ra_enabled'), 0);
    writeFile(k, '/sys/kernel/mm/swap/vma_ra_enabled', '1');
    assert.equal(k.sysctl.vma_ra_enabled, true);
    throwsErrno(() => writeFile(k, '/sys/kernel/mm/swap/vma_ra_enabled', 'perhaps'), 'EINVAL');
    assertClean(k);
  });

  it('THP enabled files print every choice with the current one bracketed; only the PMD size inherits by default', () => {
    const k = machine();
    const THP = '/sys/kernel/mm/transparent_hugepage';
    assert.equal(readFile(k, `${THP}/enabled`), '[always] madvise never\n');
    writeFile(k, `${THP}/enabled`, 'never\n');
    assert.equal(readFile(k, `${THP}/enabled`), 'always madvise [never]\n');
    assert.equal(readValue(k, `${THP}/enabled`), 'never');
    assert.equal(readFile(k, `${THP}/hugepages-2048kB/enabled`), 'always [inherit] madvise never\n');
    assert.equal(readFile(k, `${THP}/hugepages-64kB/enabled`), 'always inherit madvise [never]\n');
    writeFile(k, `${THP}/hugepages-64kB/enabled`, 'always');
    assert.equal(readValue(k, `${THP}/hugepages-64kB/enabled`), 'always');
    throwsErrno(() => writeFile(k, `${THP}/hugepages-64kB/enabled`, 'sometimes'), 'EINVAL');
    throwsErrno(() => writeFile(k, `${THP}/enabled`, 'inherit'), 'EINVAL');
    throwsErrno(() => readFile(k, `${THP}/hugepages-8kB/enabled`), 'ENOENT');
    throwsErrno(() => readFile(k, `${THP}/hugepages-3kB/enabled`), 'ENOENT');
    assert.equal(readFile(k, `${THP}/hugepages-64kB/stats/swpout`), '0\n');
    assertClean(k);
  });
});

describe('/proc files', () => {
  it('meminfo in kB with the kernel’s padding; vmstat in pages and counts; /proc/swaps cells', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 16 * MiB });
    k.createTask('t');
    k.mmap('t', 'r', 64, { populate: true });
    k.pageout('t', 'r', 0, 8);
    const meminfo = readFile(k, '/proc/meminfo');
    assert.match(meminfo, /^MemTotal: {10}65536 kB\nMemFree: +\d+ kB\n/);
    for (const line of meminfo.trimEnd().split('\n'))
      assert.equal(line.indexOf(' kB'), 24, `name padded to 16, value to 8: ${line}`);
    assert.equal(num(k, '/proc/meminfo', 'MemTotal'), 65536);
    assert.equal(num(k, '/proc/meminfo', 'AnonPages'), 56 * 4);
    assert.equal(num(k, '/proc/meminfo', 'SwapTotal'), 4095 * 4);
    assert.equal(num(k, '/proc/meminfo', 'SwapFree'), (4095 - 8) * 4);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 8);
    assert.equal(num(k, '/proc/vmstat', 'nr_anon_pages'), 56);
    assert.match(readFile(k, '/proc/vmstat'), /^nr_free_pages \d+\n/);
    assert.equal(readValue(k, '/proc/swaps', '/dev/sda Type'), 'partition');
    assert.equal(num(k, '/proc/swaps', '/dev/sda Used'), 32);
    assert.equal(num(k, '/proc/swaps', '/dev/sda Size'), 4095 * 4);
    throwsErrno(() => readValue(k, '/proc/swaps', '/dev/sdb Used'), 'EINVAL');
    throwsErrno(() => readValue(k, '/proc/meminfo', 'Bogus'), 'EINVAL');
    assertClean(k);
  });
});
