// One test per checker diagnostic code (SS2xx–SS5xx), each with the exact
// range it must cover. Syntax codes (SS1xx) are in parser.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectClean, expectOnly, run } from './helpers';

const SWAP = 'swapon /dev/vda size=1M\n';
const TASK = 'task t\nmmap t r 1M\n';

// ─── SS2xx names and state ───────────────────────────────────────────────────

test('SS201 unknown task, with a suggestion', () => {
  const d = expectOnly('task web\ntouch «wbe» heap', 'SS201');
  assert.deepEqual(d.data?.suggestions, ['web']);
  assert.equal(d.data?.errno, undefined);
});

test('SS202 unknown region', () => {
  const d = expectOnly('task t\nmmap t heap 1M\ntouch t «haep»', 'SS202');
  assert.deepEqual(d.data?.suggestions, ['heap']);
});

test('SS203 cgroup does not exist: static for task, errno ENOENT for a write', () => {
  expectOnly('task t cgroup=«nope»', 'SS203');
  const d = expectOnly('echo 1M > «nope/memory.max»', 'SS203');
  assert.equal(d.data?.errno, 'ENOENT');
  expectOnly('mkdir «a/b»', 'SS203');
});

test('SS204 device not active: static in an expect, EINVAL for swapoff', () => {
  expectOnly('expect slot «/dev/vda» 0 kind == null', 'SS204');
  const d = expectOnly('swapoff «/dev/vda»', 'SS204');
  assert.equal(d.data?.errno, 'EINVAL');
  expectClean('swapoff /dev/vda\nexpect error EINVAL');
});

test('SS205 unknown file, with the nearest path', () => {
  const d = expectOnly('cat «/proc/swapz»', 'SS205');
  assert.equal(d.data?.suggestions?.[0], '/proc/swaps');
  const e = expectOnly('mkdir a\ncat «a/memory.swap.curent»', 'SS205');
  assert.equal(e.data?.suggestions?.[0], 'a/memory.swap.current');
  expectOnly('sysctl «vm.swapiness»=1', 'SS205');
  expectOnly('mkdir a\ncat «/sys/fs/cgroup/a»', 'SS205');
});

test('SS206 unknown key of a keyed file', () => {
  const d = expectOnly('expect /proc/vmstat «pswpot» == 0', 'SS206');
  assert.deepEqual(d.data?.suggestions?.[0], 'pswpout');
  expectOnly('mkdir a\nexpect a/memory.swap.events «oom» == 0', 'SS206');
});

test('SS207 task used after exit', () => {
  const d = expectOnly('task t\nmmap t r 1M\nexit t\ntouch «t» r', 'SS207');
  assert.match(d.message, /exited on line 3/);
});

test('SS208 region used after munmap', () => {
  expectOnly(`${TASK}munmap t r\npageout t «r»`, 'SS208');
  // A partial munmap leaves the region mapped.
  expectClean(`${TASK}munmap t r pages=0..9\npageout t r`);
  // munmap of every page by range removes it too.
  expectOnly(`${TASK}munmap t r pages=0..255\ntouch t «r»`, 'SS208');
});

test('SS209 cgroup used after rmdir', () => {
  expectOnly('mkdir a\nrmdir a\ntask t cgroup=«a»', 'SS209');
  const d = expectOnly('mkdir a\nrmdir a\necho 1M > «a/memory.max»', 'SS209');
  assert.equal(d.data?.errno, 'ENOENT');
});

test('SS210 device used after swapoff', () => {
  expectOnly(`${SWAP}swapoff /dev/vda\nexpect device «/dev/vda» prio == 1`, 'SS210');
  expectOnly(`${SWAP}swapoff -a\nswapoff «/dev/vda»`, 'SS210');
});

test('SS211 task or region name already in use', () => {
  expectOnly('task t\ntask «t»', 'SS211');
  expectOnly(`${TASK}mmap t «r» 1M`, 'SS211');
  expectOnly('task t\ntask u\nfork t «u»', 'SS211');
  // A name can be reused after exit, a region after munmap.
  expectClean('task t\nexit t\ntask t');
  expectClean(`${TASK}munmap t r\nmmap t r 2M`);
});

test('SS212 mkdir of an existing cgroup is EEXIST; -p accepts it', () => {
  const d = expectOnly('mkdir a\nmkdir «a»', 'SS212');
  assert.equal(d.data?.errno, 'EEXIST');
  expectClean('mkdir a\nmkdir -p a');
});

test('SS213 swapon of an active area is EBUSY', () => {
  const d = expectOnly(`${SWAP}swapon «/dev/vda» size=1M`, 'SS213');
  assert.equal(d.data?.errno, 'EBUSY');
});

test('SS214 rmdir of a busy cgroup is EBUSY', () => {
  expectOnly('mkdir a\nmkdir a/b\nrmdir «a»', 'SS214');
  const d = expectOnly('mkdir a\ntask t cgroup=a\nrmdir «a»', 'SS214');
  assert.match(d.message, /task 't'/);
  expectOnly('rmdir «/sys/fs/cgroup»', 'SS214');
  // Once the task has left, the cgroup can go.
  expectClean('mkdir a\ntask t cgroup=a\nmove t /\nrmdir a');
  expectClean('mkdir a\ntask t cgroup=a\nexit t\nrmdir a');
});

test('SS215 write to a read-only file', () => {
  expectOnly('echo 1 > «/proc/vmstat»', 'SS215');
  expectOnly('mkdir a\necho 0 > «a/memory.swap.current»', 'SS215');
});

test('SS216 read of a write-only file', () => {
  expectOnly('mkdir a\ncat «a/memory.reclaim»', 'SS216');
  expectOnly('mkdir a\nexpect «a/memory.reclaim» == 0', 'SS216');
});

test('SS217 files that the root cgroup does not have', () => {
  expectOnly('cat «/sys/fs/cgroup/memory.current»', 'SS217');
  expectOnly('echo 1G > «memory.max»', 'SS217');
  expectClean('cat /sys/fs/cgroup/memory.stat\necho 1M > /sys/fs/cgroup/memory.reclaim\nexpect error EAGAIN');
});

test('SS218 invalid names', () => {
  expectOnly('task «1bad»', 'SS218');
  expectOnly('task t\nmmap t «a/b» 1M', 'SS218');
  expectOnly('swapon «dev/vda» size=1M', 'SS218');
});

test('SS219 not a cgroup path', () => {
  expectOnly('mkdir «/tmp/x»', 'SS219');
  expectOnly('mkdir «../x»', 'SS219');
  expectOnly('mkdir «a/memory.max»', 'SS219');
});

test('SS220 unknown errno', () => {
  const d = expectOnly('mkdir a\nexpect error «EBUZY»', 'SS220');
  assert.deepEqual(d.data?.suggestions, ['EBUSY']);
});

test('SS221 unknown observable field', () => {
  expectOnly('task t\nexpect task t «stat» == alive', 'SS221');
  expectOnly(`${SWAP}expect slot /dev/vda 1 «kidn» == null`, 'SS221');
  expectOnly(`${SWAP}expect /proc/swaps /dev/vda «used» == 0`, 'SS221');
  expectOnly('expect overhead «swap_tabel» == 0', 'SS221');
});

test('SS222 unknown config key', () => {
  const d = expectOnly('config «desing»=p4', 'SS222');
  assert.deepEqual(d.data?.suggestions, ['design']);
});

test('SS223 expect ok / error must follow a command', () => {
  expectOnly('expect «ok»', 'SS223');
  expectOnly('config seed=3\nexpect «error» EINVAL', 'SS223');
  expectOnly('mkdir a\nexpect ok\nexpect «ok»', 'SS223');
  expectOnly('repeat 2 {\n  discard\n}\nexpect «ok»', 'SS223');
  expectOnly('repeat 2 {\n  expect «ok»\n}', 'SS223');
});

test('SS224 expected errno differs from the predicted one', () => {
  const d = expectOnly('mkdir a\nmkdir a\nexpect error «EBUSY»', 'SS224');
  assert.equal(d.severity, 'warning');
  assert.deepEqual(d.data?.suggestions, ['EEXIST']);
});

test('SS225 not an observable', () => {
  const d = expectOnly('expect «slto» /dev/vda 1 kind == null', 'SS225');
  assert.deepEqual(d.data?.suggestions, ['slot']);
  expectOnly('task t\nexpect «nonsense» == t', 'SS225');
});

// ─── SS3xx values and units ──────────────────────────────────────────────────

test('SS301 missing unit is a warning with add-unit fixes', () => {
  const d = expectOnly('task t\nmmap t r «512»', 'SS301');
  assert.equal(d.severity, 'warning');
  assert.deepEqual(
    d.data?.fixes?.map((f) => f.edits[0]?.newText),
    ['K', 'M', 'G', 'p'],
  );
  assert.deepEqual(d.data?.fixes?.[0]?.edits[0]?.range, {
    start: { line: 1, character: 12 },
    end: { line: 1, character: 12 },
  });
  expectOnly('swapon /dev/vda size=«1048576»', 'SS301');
  // Plain numbers are native units in files and expects: no warning.
  expectClean('mkdir a\necho 1048576 > a/memory.max\nexpect a/memory.max == 1048576');
});

test('SS302 unknown unit, on the unit only', () => {
  expectOnly('task t\nmmap t r 10«Q»', 'SS302');
  expectOnly('expect /proc/meminfo SwapFree == «4X»', 'SS302');
});

test('SS303 not a number', () => {
  expectOnly('task t\nmmap t r «abc»', 'SS303');
  expectOnly('repeat «x» {\n}', 'SS303');
  expectOnly('expect /proc/vmstat pswpout == «lots»', 'SS303');
});

test('SS304 inexact sizes', () => {
  expectOnly('task t\nmmap t r «1.3K»', 'SS304');
  expectOnly('expect /proc/vmstat pswpout == «1.5»', 'SS304');
});

test('SS305 zero sizes', () => {
  expectOnly('task t\nmmap t r «0»', 'SS305');
  expectOnly(`${TASK}touch t r len=«0K»`, 'SS305');
});

test('SS306 page alignment: RAM, and the start of pageout/munmap (EINVAL)', () => {
  expectOnly('config ram=«1000001K»', 'SS306');
  const d = expectOnly(`${TASK}pageout t r offset=«6K»`, 'SS306');
  assert.equal(d.data?.errno, 'EINVAL');
  expectOnly(`${TASK}munmap t r offset=«6K» len=4K`, 'SS306');
  expectClean(`${TASK}pageout t r offset=6K\nexpect error EINVAL`);
  // A plain access does not care about alignment.
  expectClean(`${TASK}touch t r offset=6K len=1K`);
});

test('SS307 values out of range', () => {
  expectOnly(`swapon /dev/vda size=1M -p «40000»`, 'SS307');
  expectOnly('config cpus=«0»', 'SS307');
  const d = expectOnly('sysctl vm.swappiness=«201»', 'SS307');
  assert.equal(d.data?.errno, 'EINVAL');
  expectOnly('echo «101» > /sys/module/zswap/parameters/max_pool_percent', 'SS307');
  expectOnly('echo «-1» > /proc/sys/vm/page-cluster', 'SS307');
  expectOnly('swapon /dev/vda size=«4K»', 'SS307');
  expectOnly('mkdir a\nreclaim a 1M swappiness=«300»', 'SS307');
});

test('SS308 invalid choices', () => {
  const d = expectOnly('config design=«p5»', 'SS308');
  assert.ok(d.data?.suggestions?.includes('p4'));
  expectOnly('config page_size=«8K»', 'SS308');
  expectOnly('config swap_writeback=«later»', 'SS308');
  expectOnly('swapon /dev/vda size=1M type=«disk»', 'SS308');
  expectOnly('swapon /dev/vda size=1M -d«sometimes»', 'SS308');
  const e = expectOnly('echo «lz5» > /sys/module/zswap/parameters/compressor', 'SS308');
  assert.equal(e.data?.errno, 'ENOENT');
  expectOnly('echo «inherit» > /sys/kernel/mm/transparent_hugepage/enabled', 'SS308');
  expectOnly('task t\nexpect task t state == «dead»', 'SS308');
  expectOnly('zswap «grow»', 'SS308');
});

test('SS309 sizes where a count is needed', () => {
  expectOnly('expect /proc/vmstat thp_swpout == «4K»', 'SS309');
});

test('SS310 page ranges', () => {
  expectOnly(`${TASK}touch t r pages=«0..300»`, 'SS310');
  expectOnly(`${TASK}touch t r pages=«9..3»`, 'SS310');
  expectOnly(`${TASK}touch t r pages=«a..b»`, 'SS310');
  expectOnly(`${TASK}touch t r offset=«2M»`, 'SS310');
  expectOnly(`${TASK}touch t r offset=512K len=«768K»`, 'SS310');
});

test('SS311 content specs, with ranges inside mix(…)', () => {
  expectOnly('task t\nmmap t r 1M content=mix(zero=50%, «bogus=50%»)', 'SS311');
  expectOnly('task t\nmmap t r 1M content=«mix(zero=50%, incompressible=40%)»', 'SS311');
  expectOnly('task t\nmmap t r 1M content=«compressible:1.5»', 'SS311');
  expectOnly('task t\nmmap t r 1M content=«zeros»', 'SS311');
  expectOnly('task t\nmmap t r 1M content=mix(«zero»)', 'SS311');
});

test('SS312 tolerance rules', () => {
  const d = expectOnly('expect /proc/vmstat pswpout «≈» 5', 'SS312');
  assert.equal(d.data?.fixes?.[0]?.edits[0]?.newText, ' ±5%');
  expectOnly('expect /proc/vmstat pswpout < 5 «±1»', 'SS312');
  expectClean('expect /proc/vmstat pswpout == 5 ±1');
  expectOnly('expect /proc/vmstat pswpout ≈ 5 ±«200%»', 'SS312');
});

test('SS313 ordering operators on words', () => {
  expectOnly('task t\nexpect task t state «<» alive', 'SS313');
  expectOnly('mkdir a\nexpect a/memory.max «>» max', 'SS313');
  expectOnly(`${SWAP}expect slot /dev/vda 1 zero «>=» yes`, 'SS313');
});

test('SS314 inexact conversion into the observable unit', () => {
  expectOnly('expect /proc/meminfo SwapFree == «1000B»', 'SS314');
  expectOnly('expect /proc/vmstat pswpout == «6K»', 'SS314');
});

test('SS315 bad-page lists: syntax, and the header rules (EINVAL)', () => {
  expectOnly('swapon /dev/vda size=1M bad=5,«x»', 'SS315');
  expectOnly('swapon /dev/vda size=1M bad=«7-3»', 'SS315');
  const d = expectOnly('swapon /dev/vda size=1M bad=«0,5»', 'SS315');
  assert.equal(d.data?.errno, 'EINVAL');
  expectOnly('swapon /dev/vda size=1M bad=«300»', 'SS315');
  expectOnly('swapon /dev/vda size=1G bad=«1-1000»', 'SS315');
  expectClean('swapon /dev/vda size=1M bad=0\nexpect error EINVAL');
});

test('SS316 region not a whole number of folios', () => {
  expectOnly('task t\nmmap t r «12K» order=2', 'SS316');
});

test('SS317 conflicting options', () => {
  expectOnly('task t\nmmap t r 64K «order=4 thp=64K»', 'SS317');
  expectOnly('swapon /dev/vda size=1M «rotational ssd»', 'SS317');
  expectOnly('swapon /dev/zram0 size=1M «rotational»', 'SS317');
  expectOnly(`${TASK}touch t r «pages=1» offset=0K`, 'SS317');
  expectOnly('swapoff -a «/dev/vda»', 'SS317');
  expectOnly('«free -m -g»', 'SS317');
  expectOnly('«swapon --show /dev/vda»', 'SS317');
});

test('SS318 values the kernel parser rejects', () => {
  const d = expectOnly('mkdir a\necho «1.5G» > a/memory.max', 'SS318');
  assert.equal(d.data?.errno, 'EINVAL');
  expectOnly('mkdir a\necho «4KiB» > a/memory.swap.max', 'SS318');
  expectOnly('mkdir a\necho «8M swappiness=x» > a/memory.reclaim', 'SS318');
  expectOnly('echo «maybe» > /sys/module/zswap/parameters/enabled', 'SS318');
  expectClean('mkdir a\necho 1.5G > a/memory.max\nexpect error EINVAL');
});

test('SS319 slot offset or cluster index outside the device', () => {
  expectOnly(`${SWAP}expect slot /dev/vda «256» kind == null`, 'SS319');
  expectOnly(`${SWAP}expect cluster /dev/vda «1» list == free`, 'SS319');
});

// ─── SS4xx design and geometry ───────────────────────────────────────────────

test('SS401 /dev/ghostswap needs design=ghost', () => {
  expectOnly('swapon «/dev/ghostswap»', 'SS401');
  expectClean('config design=ghost\nswapon /dev/ghostswap');
});

test('SS402 config after a statement', () => {
  expectOnly('discard\n«config» seed=2', 'SS402');
  expectOnly('repeat 2 {\n  «config» seed=2\n}', 'SS402');
});

test('SS403 cluster size versus page size and THP swap', () => {
  expectOnly('config page_size=16K cluster_slots=«512»', 'SS403');
  expectOnly('config thp_swap=on cluster_slots=«256»', 'SS403');
  expectOnly('config thp_swap=off cluster_slots=«512»', 'SS403');
  expectClean('config page_size=64K cluster_slots=8192');
});

test('SS404 folio order invalid for the geometry', () => {
  expectOnly('task t\nmmap t r 1M order=«1»', 'SS404');
  expectOnly('task t\nmmap t r 4M order=«10»', 'SS404');
  expectClean('config page_size=16K\ntask t\nmmap t r 32M order=11');
});

test('SS405 mTHP sizes', () => {
  expectOnly('cat «/sys/kernel/mm/transparent_hugepage/hugepages-8kB/enabled»', 'SS405');
  expectOnly('task t\nmmap t r 1M thp=«8K»', 'SS405');
  expectOnly('task t\nmmap t r 4M thp=«4M»', 'SS405');
  expectClean('config page_size=64K\ncat /sys/kernel/mm/transparent_hugepage/hugepages-256kB/enabled');
});

test('SS406 overhead structure missing from the design', () => {
  const d = expectOnly('expect overhead p4 «swap_map» == 0', 'SS406');
  assert.match(d.message, /legacy, p1/);
});

test('SS407 values that only exist in another design', () => {
  const d = expectOnly(`${SWAP}expect slot /dev/vda 1 kind == «pointer»`, 'SS407');
  assert.equal(d.severity, 'warning');
  expectOnly(`${SWAP}expect cluster /dev/vda 0 list != «dead»`, 'SS407');
  expectClean(`config design=vswap-ste\n${SWAP}expect slot /dev/vda 1 kind != pointer`);
});

test('SS408 config key set twice', () => {
  const d = expectOnly('config seed=1 «seed=2»', 'SS408');
  assert.equal(d.severity, 'warning');
  const r = run('config seed=1\nconfig seed=2');
  assert.equal(r.checked.config.seed, 2);
});

test('SS409 cpu outside the configured CPUs', () => {
  expectOnly('task t cpu=«4»', 'SS409');
  expectClean('config cpus=8\ntask t cpu=7');
});

test('SS410 more active areas than max_swapfiles (EPERM)', () => {
  const d = expectOnly('config max_swapfiles=1\nswapon /dev/a size=1M\nswapon «/dev/b» size=1M', 'SS410');
  assert.equal(d.data?.errno, 'EPERM');
});

test('SS411 options without effect', () => {
  expectOnly('config design=ghost\nswapon /dev/ghostswap «size=1G»', 'SS411');
  expectOnly('config design=p4 ghost_writeback=«on»', 'SS411');
});

// ─── SS5xx limits ────────────────────────────────────────────────────────────

test('SS501 repeat count above the limit', () => {
  expectOnly('repeat «100001» {\n}', 'SS501');
  expectOnly('repeat «11» {\n}', 'SS501', { maxRepeatCount: 10 });
});

test('SS502 too many expanded steps', () => {
  expectOnly('discard\n«repeat 6 {»\n  discard\n  discard\n}', 'SS502', { maxExpandedSteps: 12 });
  expectClean('discard\nrepeat 5 {\n  discard\n  discard\n}', { maxExpandedSteps: 12 });
  // Nested counts multiply.
  expectOnly('«repeat 1000 {»\n  repeat 1000 {\n    repeat 1000 {\n      discard\n    }\n  }\n}', 'SS502');
});

test('SS503 nesting too deep', () => {
  expectOnly('repeat 2 {\n  «repeat» 2 {\n  }\n}', 'SS503', { maxRepeatDepth: 1 });
});

test('deep nesting is reported once and checked in linear time', () => {
  const depth = 60;
  const source = `${'repeat 2 {\n'.repeat(depth)}discard\n${'}\n'.repeat(depth)}`;
  // 2^60 expanded iterations if the checker walked them: a hang guard tells linear from that.
  const started = performance.now();
  const { diagnostics } = run(source);
  assert.ok(performance.now() - started < 30_000);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.range.start.line]),
    [
      ['SS502', 0],
      ['SS503', 8],
    ],
  );
});

test('SS504 region too large', () => {
  expectOnly('task t\nmmap t r «1M»', 'SS504', { maxRegionPages: 10 });
});

test('SS505 swap area too large', () => {
  expectOnly('swapon /dev/vda size=«1M»', 'SS505', { maxDevicePages: 10 });
});

test('SS506 RAM outside the simulator range', () => {
  expectOnly('config ram=«1M»', 'SS506');
  expectOnly('config ram=«1T»', 'SS506');
});

test('SS507 too many tasks or cgroups', () => {
  expectOnly('task a\ntask «b»', 'SS507', { maxTasks: 1 });
  expectOnly('mkdir a\nmkdir «b»', 'SS507', { maxCgroups: 1 });
  // Statements are counted once, not per repeat iteration.
  expectClean('repeat 5 {\n  mkdir a\n  rmdir a\n}', { maxCgroups: 1 });
});

// ─── Behaviour across statements ─────────────────────────────────────────────

test('expect error silences the errno-carrying diagnostic of the line before', () => {
  expectClean('mkdir a\nmkdir a\nexpect error EEXIST');
  expectClean(`${SWAP}swapon /dev/vda size=1M\nexpect error EBUSY`);
  // expect ok does not.
  expectOnly('mkdir a\nmkdir «a»\nexpect ok', 'SS212');
  // Static errors are never silenced.
  expectOnly('touch «nobody» r\nexpect error EINVAL', 'SS201');
});

test('repeat bodies are checked for their later iterations too', () => {
  const d = expectOnly('repeat 2 {\n  task «t»\n}', 'SS211');
  assert.match(d.message, /later iteration/);
  expectClean('repeat 1 {\n  task t\n}');
  expectClean('repeat 3 {\n  task t\n  exit t\n}');
  const unmapped = run(`${TASK}repeat 3 {\n  touch t r\n  munmap t r\n}`).diagnostics;
  assert.deepEqual(
    unmapped.map((x) => [x.code, x.range.start.line, /later iteration/.test(x.message)]),
    [
      ['SS208', 3, true],
      ['SS208', 4, true],
    ],
  );
  expectClean(`${TASK}repeat 3 {\n  touch t r\n  munmap t r\n  mmap t r 1M\n}`);
  // A swapon in a loop without swapoff is EBUSY from the second time on: deliberate when expected.
  expectClean('repeat 3 {\n  swapon /dev/vda size=1M\n  expect ok\n  swapoff /dev/vda\n}');
});

test('errno predictions survive repeats of an error path', () => {
  expectClean('repeat 3 {\n  mkdir a\n  mkdir a\n  expect error EEXIST\n  rmdir a\n}');
});

test('SS412 the virtual swap device exists only under the vswap designs', () => {
  expectOnly('swapon /dev/vdb size=1G\nexpect slot «vswap» 1 backend == zero', 'SS412');
  expectOnly('config design=ghost\nexpect cluster «vswap» 0 count == 1', 'SS412');
});
