import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noStack, scenario, swapsim } from './helpers';

const BASIC = `config ram=256M
echo N > /sys/module/zswap/parameters/enabled
swapon /dev/vda2 size=64M -p 5
mkdir app
task t cgroup=app
mmap t heap 1M populate
pageout t heap
`;

test('run prints /proc/swaps, free, counters, cgroups and overhead', () => {
  const file = scenario('basic.swapsim', BASIC);
  const r = swapsim('run', file);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, /^Filename\t+Type\t+Size\t+Used\t+Priority$/m);
  // 64 MiB minus the header page, 1 MiB used, priority 5.
  assert.match(r.stdout, /^\/dev\/vda2 +partition\t65532 +\t1024 +\t5$/m);
  assert.match(r.stdout, /^Swap: +65532 +1024 +64508$/m);
  assert.match(r.stdout, /^pswpout 256$/m);
  assert.match(r.stdout, /^thp_swpout_fallback 0$/m);
  // the writes to the device are asynchronous: the 256 folios are still in the swap cache (docs/kernels.md)
  assert.match(r.stdout, /^SwapCached: +1024 kB$/m);
  assert.match(r.stdout, /^\/app +\d+ 1048576 0$/m);
  assert.match(r.stdout, /^# overhead \(p4\): total .*(KiB|B)/m);
});

test('run --design switches the design and --json gives snapshot plus overhead', () => {
  const file = scenario('basic.swapsim', BASIC);
  const r = swapsim('run', file, '--design', 'legacy', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json: unknown = JSON.parse(r.stdout);
  assert.ok(typeof json === 'object' && json !== null);
  const o = json as {
    design: string;
    counters: { vmstat: Record<string, number> };
    overhead: { design: string; lines: { structure: string; bytes: number }[] };
  };
  assert.equal(o.design, 'legacy');
  assert.equal(o.counters.vmstat['pswpout'], 256);
  assert.equal(o.overhead.design, 'legacy');
  // legacy swap_cgroup: 2 bytes for each of the 16384 slots.
  assert.equal(o.overhead.lines.find((l) => l.structure === 'swap_cgroup')?.bytes, 32768);
});

test('run reports diagnostics as FILE:LINE:COL: error CODE and exits 1', () => {
  const file = scenario('bad.swapsim', 'swapon /dev/vda2 size=64M\nmmap nobody heap 1M\n');
  const r = swapsim('run', file);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:6: error SS201: `, 'm'));
  assert.equal(r.stdout, '');
});

test('run prints unexpected kernel errors but still exits 0', () => {
  // memory.reclaim of an empty cgroup: the kernel answers EAGAIN at run time.
  const file = scenario('eagain.swapsim', 'config ram=256M\nmkdir app\nreclaim app 8M\n');
  const r = swapsim('run', file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /eagain\.swapsim:3:1: error EAGAIN: /);
  assert.match(r.stdout, /^Filename/m);
});

test('usage errors exit 2 without a stack trace', () => {
  const missing = swapsim('run', '/nonexistent/x.swapsim');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^swapsim: \/nonexistent\/x\.swapsim: ENOENT/);
  assert.ok(noStack(missing.stderr));

  const unknown = swapsim('run', '--frobnicate', 'x.swapsim');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option '--frobnicate'/);

  const design = swapsim('run', scenario('a.swapsim', BASIC), '--design', 'p9');
  assert.equal(design.code, 2);
  assert.match(design.stderr, /unknown design 'p9'/);

  assert.equal(swapsim('run').code, 2);
  const cmd = swapsim('frob');
  assert.equal(cmd.code, 2);
});

test('every subcommand has --help', () => {
  for (const sub of ['run', 'test', 'compare', 'capture']) {
    const r = swapsim(sub, '--help');
    assert.equal(r.code, 0, sub);
    assert.match(r.stdout, new RegExp(`^Usage: swapsim ${sub}`), sub);
  }
  const top = swapsim('--help');
  for (const sub of ['run', 'test', 'compare', 'capture', 'serve'])
    assert.match(top.stdout, new RegExp(`^  ${sub} `, 'm'));
});
