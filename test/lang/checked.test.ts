// The checked program: what the interpreter receives, normalised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONFIG, range } from '../../server/lang/index';
import { expectClean, firstChecked, lastChecked, run } from './helpers';
import { THP_STATS } from '../../server/lang/catalog';
import { MTHP_STATS } from '../../server/sim/vmstat';

test('config defaults follow the kernel geometry', () => {
  assert.deepEqual(expectClean('').checked.config, DEFAULT_CONFIG);
  assert.deepEqual(DEFAULT_CONFIG, {
    design: 'p4',
    kernel: '7.2',
    devicePrivate: true,
    pageSize: 4096,
    clusterSlots: 512,
    thpSwap: true,
    pmdOrder: 9,
    cpus: 4,
    ramBytes: 4 * 2 ** 30,
    maxSwapfiles: 24,
    seed: 1,
    stopOnError: false,
    checkInvariants: true,
    ghostWriteback: false,
    swapTiers: false,
    swapWriteback: 'async',
    taskMemory: 'none',
  });
  assert.equal(expectClean('config swap_writeback=sync').checked.config.swapWriteback, 'sync');
  const c16 = expectClean('config page_size=16K').checked.config;
  assert.deepEqual([c16.pageSize, c16.clusterSlots, c16.pmdOrder, c16.thpSwap], [16384, 2048, 11, true]);
  const c64 = expectClean('config page_size=64K').checked.config;
  assert.deepEqual([c64.clusterSlots, c64.pmdOrder], [8192, 13]);
  const noThp = expectClean('config thp_swap=off').checked.config;
  assert.deepEqual([noThp.clusterSlots, noThp.thpSwap], [256, false]);
  const small = expectClean('config cluster_slots=256').checked.config;
  assert.deepEqual([small.clusterSlots, small.thpSwap], [256, false]);
  const all = expectClean(
    'config design=ghost ram=512M cpus=2 max_swapfiles=8 seed=7 stop_on_error=yes check_invariants=no ghost_writeback=on',
  ).checked.config;
  assert.deepEqual(
    [
      all.design,
      all.ramBytes,
      all.cpus,
      all.maxSwapfiles,
      all.seed,
      all.stopOnError,
      all.checkInvariants,
      all.ghostWriteback,
    ],
    ['ghost', 512 * 2 ** 20, 2, 8, 7, true, false, true],
  );
  assert.equal(expectClean('config page_size=16K ram=65536p').checked.config.ramBytes, 2 ** 30);
});

test('swapon: slots, type, flags and bad pages', () => {
  assert.deepEqual(firstChecked('swapon /dev/vda2 size=1G -p 5 bad=9-11,5 --discard'), {
    op: 'swapon',
    device: '/dev/vda2',
    type: 'partition',
    slots: 262144,
    rotational: false,
    synchronousIo: false,
    badPages: [5, 9, 10, 11],
    priority: 5,
    discard: 'both',
    fromFile: false,
    flags: null,
    range: range(0, 0, 50),
  });
  const zram = firstChecked('swapon /dev/zram0 size=10000B');
  assert.ok(zram.op === 'swapon');
  assert.equal(zram.type, 'zram');
  assert.equal(zram.synchronousIo, true);
  // mkswap rounds the size down to whole pages.
  assert.equal(zram.slots, 2);
  const file = firstChecked('swapon //swap/./file size=64M rotational -donce');
  assert.ok(file.op === 'swapon');
  assert.deepEqual(
    [file.device, file.type, file.rotational, file.discard, file.priority],
    ['/swap/file', 'file', true, 'once', -1],
  );
  const typed = firstChecked('swapon /dev/pmem0 size=1M type=file');
  assert.ok(typed.op === 'swapon' && typed.type === 'file');
});

test('swapon of /dev/ghostswap is 8 × RAM rounded up to clusters', () => {
  const s = lastChecked('config design=ghost ram=1000M\nswapon /dev/ghostswap');
  assert.ok(s.op === 'swapon');
  // 1000M = 256000 pages, rounded up to 500 clusters of 512 = 256000, × 8.
  assert.equal(s.slots, 256000 * 8);
  assert.equal(s.type, 'ghost');
});

test('swapon --show reads /proc/swaps; swapoff -a is one op', () => {
  assert.deepEqual(firstChecked('swapon --show').op, 'read');
  assert.deepEqual(lastChecked('swapon /dev/a size=1M\nswapoff -a'), { op: 'swapoff-all', range: range(1, 0, 10) });
});

test('mmap: bytes, pages, order, content', () => {
  const m = lastChecked(
    'task t\nmmap t heap 1M thp=64K content=mix(zero=25%, compressible:0.4=50%, incompressible=25%) populate',
  );
  assert.deepEqual(m, {
    op: 'mmap',
    task: 't',
    region: 'heap',
    bytes: 2 ** 20,
    pages: 256,
    order: 4,
    content: [
      { kind: 'zero', percent: 25 },
      { kind: 'compressible', ratio: 0.4, percent: 50 },
      { kind: 'incompressible', percent: 25 },
    ],
    populate: true,
    file: null,
    shared: false,
    offsetPages: 0,
    range: range(1, 0, 95),
  });
  const f = lastChecked('file write /data/lib 8K\ntask t\nmmap t text 8K file=/data/lib offset=4K shared');
  assert.ok(f.op === 'mmap');
  assert.deepEqual([f.file, f.offsetPages, f.shared, f.order], ['/data/lib', 1, true, 0]);
  const w = lastChecked('task t\nfile write /dev/shm/x 1M offset=4K task=t content=zero');
  assert.deepEqual(
    { ...w, range: null },
    {
      op: 'file-write',
      path: '/dev/shm/x',
      offset: 4096,
      bytes: 2 ** 20,
      task: 't',
      content: [{ kind: 'zero', percent: 100 }],
      range: null,
    },
  );
  const d = lastChecked('task t\nmmap t r 5000B');
  assert.ok(d.op === 'mmap');
  // The length rounds up to whole pages; default content is compressible at 0.33.
  assert.deepEqual(
    [d.pages, d.order, d.populate, d.content],
    [2, 0, false, [{ kind: 'compressible', ratio: 0.33, percent: 100 }]],
  );
  const pmd = lastChecked('task t\nmmap t r 4M order=9 content=zero');
  assert.ok(pmd.op === 'mmap' && pmd.order === 9 && pmd.pages === 1024);
});

test('page spans: whole, inclusive ranges, byte ranges', () => {
  const base = 'task t\nmmap t r 1M\n';
  const span = (line: string) => {
    const s = lastChecked(base + line);
    assert.ok(s.op === 'touch' || s.op === 'pageout' || s.op === 'munmap');
    return s.pages;
  };
  assert.deepEqual(span('touch t r'), { first: 0, count: 256, whole: true, startAligned: true });
  assert.deepEqual(span('touch t r pages=0..15'), { first: 0, count: 16, whole: false, startAligned: true });
  assert.deepEqual(span('touch t r pages=7'), { first: 7, count: 1, whole: false, startAligned: true });
  assert.deepEqual(span('touch t r pages=250..'), { first: 250, count: 6, whole: false, startAligned: true });
  assert.deepEqual(span('pageout t r offset=64K len=8K'), { first: 16, count: 2, whole: false, startAligned: true });
  assert.deepEqual(span('touch t r offset=6K len=4K'), { first: 1, count: 2, whole: false, startAligned: false });
  assert.deepEqual(span('munmap t r offset=1020K'), { first: 255, count: 1, whole: false, startAligned: true });
  assert.deepEqual(span('touch t r pages=0x10..0x1f'), { first: 16, count: 16, whole: false, startAligned: true });
  const w = lastChecked(`${base}touch t r write`);
  assert.ok(w.op === 'touch' && w.write);
});

test('file writes are parsed with each file’s kernel syntax', () => {
  const w = (line: string) => {
    const s = lastChecked(`mkdir a\n${line}`);
    assert.ok(s.op === 'write');
    return [s.file, s.value];
  };
  assert.deepEqual(w('echo 64M > /sys/fs/cgroup/a/memory.max'), [
    { kind: 'cgroup', path: '/sys/fs/cgroup/a/memory.max', cgroup: '/a', name: 'memory.max' },
    { kind: 'limit', bytes: 64 * 2 ** 20, pages: 16384 },
  ]);
  assert.deepEqual(w('echo max > a/memory.swap.max')[1], { kind: 'limit', bytes: null, pages: null });
  assert.deepEqual(w('echo 5000 > a/memory.high')[1], { kind: 'limit', bytes: 5000, pages: 1 });
  assert.deepEqual(w('echo reset > a/memory.peak')[1], { kind: 'reset' });
  assert.deepEqual(w('echo "8M swappiness=0" > a/memory.reclaim')[1], {
    kind: 'reclaim',
    bytes: 8 * 2 ** 20,
    swappiness: 0,
  });
  assert.deepEqual(w('echo 8M > a/memory.reclaim')[1], { kind: 'reclaim', bytes: 8 * 2 ** 20, swappiness: null });
  assert.deepEqual(w('echo 0 > a/memory.zswap.writeback')[1], { kind: 'int', value: 0 });
  assert.deepEqual(w('echo N > /sys/module/zswap/parameters/enabled'), [
    { kind: 'zswap-param', path: '/sys/module/zswap/parameters/enabled', name: 'enabled' },
    { kind: 'bool', value: false },
  ]);
  assert.deepEqual(w('echo zstd > /sys/module/zswap/parameters/compressor')[1], { kind: 'enum', value: 'zstd' });
  assert.deepEqual(w('echo madvise > /sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled'), [
    {
      kind: 'thp-size',
      path: '/sys/kernel/mm/transparent_hugepage/hugepages-2048kB/enabled',
      name: 'enabled',
      order: 9,
      sizeKb: 2048,
    },
    { kind: 'enum', value: 'madvise' },
  ]);
});

test('a write the kernel rejects stays in the program with its errno', () => {
  const r = run('mkdir a\necho 1.5G > a/memory.max\nexpect error EINVAL');
  assert.deepEqual(r.diagnostics, []);
  const s = r.checked.statements[1];
  assert.ok(s?.op === 'write');
  assert.deepEqual(s.value, { kind: 'invalid', errno: 'EINVAL' });
  assert.deepEqual(r.checked.statements[2], {
    op: 'expect-error',
    errno: 'EINVAL',
    errnoValue: 22,
    range: range(2, 0, 19),
  });
});

test('shorthands are lowered to the writes they stand for', () => {
  const move = lastChecked('mkdir app\ntask t\nmove t app');
  assert.deepEqual(move, {
    op: 'write',
    file: { kind: 'cgroup', path: '/sys/fs/cgroup/app/cgroup.procs', cgroup: '/app', name: 'cgroup.procs' },
    value: { kind: 'task', task: 't' },
    text: 't',
    range: range(2, 0, 10),
  });
  const echoed = lastChecked('mkdir app\ntask t\necho t > /sys/fs/cgroup/app/cgroup.procs');
  assert.ok(echoed.op === 'write' && move.op === 'write');
  assert.deepEqual([echoed.file, echoed.value], [move.file, move.value]);
  const reclaim = lastChecked('mkdir app\nreclaim /sys/fs/cgroup/app 1.5M swappiness=60');
  assert.ok(reclaim.op === 'write');
  assert.deepEqual(
    [reclaim.file.path, reclaim.value],
    ['/sys/fs/cgroup/app/memory.reclaim', { kind: 'reclaim', bytes: 1.5 * 2 ** 20, swappiness: 60 }],
  );
  const rootReclaim = lastChecked('reclaim / 1M');
  assert.ok(rootReclaim.op === 'write' && rootReclaim.file.path === '/sys/fs/cgroup/memory.reclaim');
  const sysctl = firstChecked('sysctl vm.page-cluster=0');
  assert.deepEqual(sysctl, {
    op: 'write',
    file: { kind: 'sysctl', path: '/proc/sys/vm/page-cluster', name: 'page-cluster' },
    value: { kind: 'int', value: 0 },
    text: '0',
    range: range(0, 0, 24),
  });
  assert.deepEqual(firstChecked('sysctl vm.swappiness'), {
    op: 'read',
    file: { kind: 'sysctl', path: '/proc/sys/vm/swappiness', name: 'swappiness' },
    range: range(0, 0, 20),
  });
});

test('cgroup paths are canonical in every spelling', () => {
  const cg = (line: string) => {
    const s = lastChecked(`mkdir -p a/b\n${line}`);
    assert.ok(s.op === 'task');
    return s.cgroup;
  };
  assert.equal(cg('task t cgroup=a/b'), '/a/b');
  assert.equal(cg('task t cgroup=/a/b'), '/a/b');
  assert.equal(cg('task t cgroup=/sys/fs/cgroup/a/b/'), '/a/b');
  assert.equal(cg('task t cgroup=a//b/../b'), '/a/b');
  assert.equal(cg('task t'), '/');
  const mk = lastChecked('mkdir /sys/fs/cgroup/x');
  assert.deepEqual(mk, { op: 'mkdir', cgroup: '/x', parents: false, range: range(0, 0, 22) });
});

test('task, fork, exit, zswap, discard, free', () => {
  assert.deepEqual(firstChecked('task t cpu=3'), {
    op: 'task',
    task: 't',
    cgroup: '/',
    cpu: 3,
    range: range(0, 0, 12),
  });
  assert.deepEqual(lastChecked('task t\nfork t u'), { op: 'fork', task: 't', child: 'u', range: range(1, 0, 8) });
  assert.deepEqual(lastChecked('task t\nexit t'), { op: 'exit', task: 't', range: range(1, 0, 6) });
  assert.deepEqual(firstChecked('zswap shrink'), { op: 'zswap-shrink', entries: null, range: range(0, 0, 12) });
  assert.deepEqual(firstChecked('zswap shrink 0x20'), { op: 'zswap-shrink', entries: 32, range: range(0, 0, 17) });
  assert.deepEqual(firstChecked('discard'), { op: 'discard', device: null, range: range(0, 0, 7) });
  assert.deepEqual(firstChecked('free -h'), { op: 'free', unit: 'human', range: range(0, 0, 7) });
  assert.deepEqual(firstChecked('free'), { op: 'free', unit: 'kibi', range: range(0, 0, 4) });
});

test('a forked child inherits the regions and cgroup of its parent', () => {
  expectClean('mkdir app\ntask p cgroup=app\nmmap p heap 1M\nfork p c\ntouch c heap\nexpect task c cgroup == app');
});

test('expect values are converted into the observable unit', () => {
  const e = (line: string) => {
    const s = lastChecked(`swapon /dev/vda size=64M\nmkdir app\ntask t cgroup=app\n${line}`);
    assert.ok(s.op === 'expect');
    return [s.unit, s.comparison, s.expected, s.tolerance];
  };
  assert.deepEqual(e('expect /proc/meminfo SwapFree == 1G'), ['kB', '==', { kind: 'number', value: 1048576 }, null]);
  assert.deepEqual(e('expect /proc/meminfo SwapFree == 1048572 kB'), [
    'kB',
    '==',
    { kind: 'number', value: 1048572 },
    null,
  ]);
  assert.deepEqual(e('expect /proc/meminfo SwapFree == 12'), ['kB', '==', { kind: 'number', value: 12 }, null]);
  assert.deepEqual(e('expect /proc/vmstat pswpout >= 2M'), ['pages', '>=', { kind: 'number', value: 512 }, null]);
  assert.deepEqual(e('expect /proc/vmstat pswpout < 10p'), ['pages', '<', { kind: 'number', value: 10 }, null]);
  assert.deepEqual(e('expect /sys/fs/cgroup/app/memory.swap.current ~= 4M +-3%'), [
    'bytes',
    '≈',
    { kind: 'number', value: 4 * 2 ** 20 },
    { kind: 'relative', fraction: 0.03 },
  ]);
  assert.deepEqual(e('expect app/memory.swap.current ≈ 4M ±4K'), [
    'bytes',
    '≈',
    { kind: 'number', value: 4 * 2 ** 20 },
    { kind: 'absolute', amount: 4096 },
  ]);
  assert.deepEqual(e('expect /proc/vmstat pswpout ≈ 100 ±2'), [
    'pages',
    '≈',
    { kind: 'number', value: 100 },
    { kind: 'absolute', amount: 2 },
  ]);
  assert.deepEqual(e('expect app/memory.max == max'), ['bytes', '==', { kind: 'word', value: 'max' }, null]);
  assert.deepEqual(e('expect app/memory.zswap.writeback != yes'), ['bool', '!=', { kind: 'number', value: 1 }, null]);
  assert.deepEqual(e('expect slot /dev/vda 3 memcg == /sys/fs/cgroup/app'), [
    'cgroup',
    '==',
    { kind: 'word', value: '/app' },
    null,
  ]);
  assert.deepEqual(e('expect device /dev/vda prio == -1'), ['int', '==', { kind: 'number', value: -1 }, null]);
  assert.deepEqual(e('expect /proc/swaps /dev/vda Type == partition'), [
    'enum',
    '==',
    { kind: 'word', value: 'partition' },
    null,
  ]);
});

test('expect observables resolve to typed references', () => {
  const o = (line: string) => {
    const s = lastChecked(`config design=p3\nswapon /dev/vda size=64M\nmkdir app\ntask t cgroup=app\n${line}`);
    assert.ok(s.op === 'expect');
    return s.observable;
  };
  assert.deepEqual(o('expect app/memory.stat zswpout == 0'), {
    kind: 'file',
    file: { kind: 'cgroup', path: '/sys/fs/cgroup/app/memory.stat', cgroup: '/app', name: 'memory.stat' },
    key: 'zswpout',
    fd: null,
  });
  assert.deepEqual(o('expect /proc/swaps /dev/vda Used == 0'), { kind: 'swaps', device: '/dev/vda', column: 'Used' });
  assert.deepEqual(o('expect free swap free > 0'), { kind: 'free', row: 'swap', column: 'free' });
  assert.deepEqual(o('expect slot /dev/vda 0x10 count == 0'), {
    kind: 'slot',
    device: '/dev/vda',
    offset: 16,
    field: 'count',
  });
  assert.deepEqual(o('expect cluster /dev/vda 31 table == no'), {
    kind: 'cluster',
    device: '/dev/vda',
    index: 31,
    field: 'table',
  });
  assert.deepEqual(o('expect task t rss == 0'), { kind: 'task', task: 't', field: 'rss' });
  assert.deepEqual(o('expect device /dev/vda inuse == 0'), { kind: 'device', device: '/dev/vda', field: 'inuse' });
  assert.deepEqual(o('expect overhead extend_table == 0'), { kind: 'overhead', design: 'p3', item: 'extend_table' });
  assert.deepEqual(o('expect overhead legacy total > 0'), { kind: 'overhead', design: 'legacy', item: 'total' });
  assert.deepEqual(o('expect /sys/kernel/debug/zswap/pool_total_size == 0'), {
    kind: 'file',
    file: { kind: 'zswap-debug', path: '/sys/kernel/debug/zswap/pool_total_size', name: 'pool_total_size' },
    key: null,
    fd: null,
  });
  assert.deepEqual(o('expect /sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats/swpout_fallback == 0'), {
    kind: 'file',
    file: {
      kind: 'thp-stat',
      path: '/sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats/swpout_fallback',
      name: 'swpout_fallback',
      order: 4,
      sizeKb: 64,
    },
    key: null,
    fd: null,
  });
});

test('an exited task can still be asked about', () => {
  expectClean('task t\nexit t\nexpect task t state == exited');
});

test('repeat keeps its body nested and counts expanded steps', () => {
  const r = expectClean('discard\nrepeat 3 {\n  discard\n  repeat 2 {\n    discard\n  }\n}');
  assert.equal(r.checked.expandedSteps, 1 + 3 * (1 + 2));
  const rep = r.checked.statements[1];
  assert.ok(rep?.op === 'repeat');
  assert.equal(rep.count, 3);
  assert.equal(rep.body.length, 2);
  const inner = rep.body[1];
  assert.ok(inner?.op === 'repeat' && inner.count === 2 && inner.body.length === 1);
  assert.deepEqual(rep.range, { start: { line: 1, character: 0 }, end: { line: 6, character: 1 } });
});

test('a statement with an error is left out and hasErrors is set', () => {
  const r = run('discard\ntask 1x\ndiscard');
  assert.equal(r.checked.hasErrors, true);
  assert.deepEqual(
    r.checked.statements.map((s) => s.op),
    ['discard', 'discard'],
  );
  assert.equal(run('task t\nmmap t r 512').checked.hasErrors, false, 'a warning alone is not an error');
});

test('every per-size mTHP stat the simulator counts can be read and expected, and no other', () => {
  assert.deepEqual(
    THP_STATS.map((s) => s.name),
    [...MTHP_STATS],
  );
  for (const name of MTHP_STATS)
    expectClean(`expect /sys/kernel/mm/transparent_hugepage/hugepages-256kB/stats/${name} == 0`);
});
