import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenario, swapsim } from './helpers';

// A 1 TiB device, nothing swapped: only the static arrays differ (docs/designs.md).
const TB = 'config ram=1G\nswapon /dev/vdb size=1T\n';

test('compare prints structures by designs with human units and totals', () => {
  const r = swapsim('compare', scenario('tb.swapsim', TB));
  assert.equal(r.code, 0, r.stderr);
  const header = r.stdout.split('\n').find((l) => l.startsWith('structure'));
  assert.ok(header, r.stdout);
  assert.deepEqual(header.split(/\s+/), [
    'structure',
    'kind',
    'legacy',
    'p1',
    'p3',
    'p4',
    'ghost',
    'vswap',
    'vswap-ste',
  ]);
  // swap_cgroup: 2 bytes per slot for 2^28 slots, in every design up to phase III.
  assert.match(r.stdout, /^swap_cgroup +static +512 MiB +512 MiB +512 MiB +- +- +- +-$/m);
  assert.match(r.stdout, /^swap_map +static +256 MiB +256 MiB +- +- +- +- +-$/m);
  assert.match(r.stdout, /^total +\d/m);
  assert.doesNotMatch(r.stdout, /^failed:/m);
});

test('the virtual-layer designs are measured: vswap keeps two bitmaps per physical slot, vswap-ste only cluster_info', () => {
  const r = swapsim('compare', scenario('tb.swapsim', TB), '--designs', 'p4,vswap,vswap-ste');
  assert.equal(r.code, 0, r.stderr);
  // 2 bitmaps x 1 bit x 2^28 slots = 64 MiB (docs/kernel-model.md §9, vswap v3)
  assert.match(r.stdout, /^vswap_bitmaps +static +- +64 MiB +-$/m);
  // 2^28 / 512 clusters x 48 B = 24 MiB, the P4 figure, on the physical device of vswap-ste
  assert.match(r.stdout, /^cluster_info +static +24 MiB +16 MiB +24 MiB$/m);
  assert.doesNotMatch(r.stdout, /^failed:/m);
});

test('compare --json has one table per design and the failures', () => {
  const r = swapsim('compare', scenario('tb.swapsim', TB), '--designs=legacy,p4,vswap', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as {
    step: number;
    tables: { design: string; totals: { static: number } }[];
    failures: { design: string }[];
  };
  assert.deepEqual(
    json.tables.map((t) => t.design),
    ['legacy', 'p4', 'vswap'],
  );
  assert.deepEqual(json.failures, []);
  assert.equal(json.step, 1);
  assert.ok(json.tables[0]!.totals.static > 512 * 2 ** 20);
  assert.ok(json.tables[1]!.totals.static < 32 * 2 ** 20);
});

test('compare usage errors exit 2', () => {
  const file = scenario('tb.swapsim', TB);
  assert.equal(swapsim('compare', file, '--designs', 'p4,p7').code, 2);
  assert.equal(swapsim('compare', file, '--designs').code, 2);
  assert.equal(swapsim('compare').code, 2);
  const missing = swapsim('compare', '/nonexistent/z.swapsim');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^swapsim: \/nonexistent\/z\.swapsim: ENOENT/);
});

test('compare of a scenario with errors exits 1 with its diagnostics', () => {
  const r = swapsim('compare', scenario('bad.swapsim', 'swapon /dev/vdb size=1X\n'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.swapsim:1:\d+: error SS3\d\d: /);
});

test('a design under which the run hits kernel errors is flagged', () => {
  const ghost = 'config design=ghost ram=1G\necho Y > /sys/module/zswap/parameters/enabled\nswapon /dev/ghostswap\n';
  const r = swapsim('compare', scenario('ghost.swapsim', ghost), '--designs', 'ghost,p4');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^warning: p4: 1 unexpected kernel error\(s\), first at line 3: ENOENT: /m);
  assert.doesNotMatch(r.stdout, /^warning: ghost:/m);
});

const EXAMPLE = 'examples/design-compare.swapsim';

test('compare shows behaviour per design and where the designs first part (issue #22)', () => {
  const r = swapsim('compare', EXAMPLE, '--designs', 'p4,vswap');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# behaviour at step 13$/m);
  for (const row of [
    'expects passed',
    'expects failed',
    'unexpected kernel errors',
    'pswpout',
    'pswpin',
    'zswpout',
    'swap cache pages',
    'slots used',
    '/app memory.swap.current',
  ]) {
    assert.match(r.stdout, new RegExp(`^${row} +[\\d,]+ +[\\d,]+$`, 'm'), row);
  }
  // vswap keeps zswap's pages off the disk: /proc/swaps Used differs, and the expect on it fails there.
  assert.match(r.stdout, /^expects failed +0 +[1-9]/m);
  assert.match(r.stdout, /^first divergence at step \d+ \(line \d+\): p4 and vswap differ in .*slots used/m);
});

test('compare --step N compares there; markdown and csv carry the same figures', () => {
  const text = swapsim('compare', EXAMPLE, '--designs', 'legacy,p4', '--step', '7');
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^# swap metadata overhead at step 7$/m);
  assert.match(text.stdout, /^every design behaved alike$/m);
  const json = JSON.parse(
    swapsim('compare', EXAMPLE, '--designs', 'legacy,p4', '--step', '7', '--format', 'json').stdout,
  ) as { step: number; behaviour: { pswpout: number }[] };
  assert.equal(json.step, 7);
  const md = swapsim('compare', EXAMPLE, '--designs', 'legacy,p4', '--step', '7', '--format', 'markdown').stdout;
  assert.match(md, /^\| pswpout \| [\d,]+ \| [\d,]+ \|$/m);
  const csv = swapsim('compare', EXAMPLE, '--designs', 'legacy,p4', '--step', '7', '--format', 'csv')
    .stdout.trim()
    .split('\n');
  assert.equal(csv[0], 'section,figure,kind,unit,legacy,p4');
  assert.ok(
    csv.includes(`behaviour,pswpout,,pages,${json.behaviour[0]!.pswpout},${json.behaviour[1]!.pswpout}`),
    csv.join('\n'),
  );
  assert.equal(swapsim('compare', EXAMPLE, '--step', '999').code, 2);
  assert.equal(swapsim('compare', EXAMPLE, '--step', 'x').code, 2);
  assert.equal(swapsim('compare', EXAMPLE, '--format', 'xml').code, 2);
});

test('compare --kernels prints the counters that differ between releases, each under its own design', () => {
  const text =
    'config ram=256M\necho Y > /sys/module/zswap/parameters/enabled\nswapon /dev/vdb size=16M\ntask t\nmmap t r 1M content=incompressible populate\npageout t r\n';
  const r = swapsim('compare', scenario('incomp.swapsim', text), '--kernels', '6.12,7.2');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^counter +6\.12 legacy +7\.2 p4$/m);
  assert.match(r.stdout, /^swaps\.\/dev\/vdb\.Priority +-2 +-1$/m);
  assert.match(r.stdout, /^vmstat\.pswpout +256 +0$/m);
  const json = JSON.parse(
    swapsim('compare', scenario('incomp.swapsim', text), '--kernels=7.2,7.3', '--designs', 'p4', '--json').stdout,
  ) as { columns: { kernel: string; design: string }[]; differing: unknown[] };
  assert.deepEqual(
    json.columns.map((c) => `${c.kernel} ${c.design}`),
    ['7.2 p4', '7.3 p4'],
  );
  assert.deepEqual(json.differing, []);
  assert.equal(swapsim('compare', scenario('incomp.swapsim', text), '--kernels', '6.1').code, 2);
});

test('compare lists the mTHP fallbacks per size and design (anon_fault_fallback, _charge)', () => {
  // room in the cgroup for 16 folios of 64 KiB and one of 32 KiB: the 17th 64 KiB fault falls back
  const text = [
    'config ram=256M',
    'mkdir app',
    'echo 1056K > /sys/fs/cgroup/app/memory.max',
    'task t cgroup=app',
    'mmap t m 1088K thp=64K',
    'touch t m pages=0..263 write',
  ].join('\n');
  const r = swapsim('compare', scenario('fallback.swapsim', text), '--designs', 'p3,p4');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^mTHP 64kB anon_fault_fallback +1 +1$/m);
  assert.match(r.stdout, /^mTHP 64kB anon_fault_fallback_charge +1 +1$/m);
  assert.doesNotMatch(r.stdout, /^mTHP 32kB/m, 'the 32 KiB fault that took the rest did not fall back');
  const csv = swapsim('compare', scenario('fallback.swapsim', text), '--designs', 'p3,p4', '--format', 'csv');
  assert.match(csv.stdout, /^behaviour,mTHP 64kB anon_fault_fallback,,count,1,1$/m);
});
