import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, noStack, scenario, swapsim } from './helpers';

const PASSING = `config ram=256M
echo N > /sys/module/zswap/parameters/enabled
swapon /dev/vda2 size=64M
task t
mmap t heap 1M populate
pageout t heap
expect /proc/vmstat pswpout == 256
expect /proc/swaps /dev/vda2 Used == 1M
`;

test('test reports ok per expect and a passed/failed summary', () => {
  const r = swapsim('test', scenario('pass.swapsim', PASSING));
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^ok .*pass\.swapsim:7:1 expect \/proc\/vmstat pswpout == 256$/m);
  assert.match(r.stdout, /^2 passed, 0 failed\n$/m);
});

test('a failing expect shows expected and actual and exits 1', () => {
  const r = swapsim('test', scenario('fail.swapsim', PASSING.replace('pswpout == 256', 'pswpout == 100')));
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^not ok .*fail\.swapsim:7:1 expect \/proc\/vmstat pswpout == 100$/m);
  assert.match(r.stdout, /^ {4}expected: == 100/m);
  assert.match(r.stdout, /^ {4}actual: 256/m);
  assert.match(r.stdout, /1 passed, 1 failed\n$/);
});

test('--tap prints TAP 13 with a plan and YAML diagnostics', () => {
  const r = swapsim('test', '--tap', scenario('fail.swapsim', PASSING.replace('Used == 1M', 'Used == 2M')));
  assert.equal(r.code, 1);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'TAP version 13');
  assert.match(r.stdout, /^ok 1 - .*pswpout == 256$/m);
  assert.match(r.stdout, /^not ok 2 - .*Used == 2M$/m);
  assert.match(r.stdout, /^ {2}---\n {2}expected: ".*"\n {2}actual: ".*"\n {2}\.\.\.$/m);
  assert.match(r.stdout, /^1\.\.2$/m);
  assert.match(r.stdout, /^# 1 passed, 1 failed$/m);
});

test('an unexpected kernel error fails; one accepted by expect error passes', () => {
  const bad = swapsim('test', scenario('eagain.swapsim', 'config ram=256M\nmkdir app\nreclaim app 8M\n'));
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^not ok .*eagain\.swapsim:3:1 unexpected kernel error EAGAIN$/m);
  assert.match(bad.stdout, /0 passed, 1 failed/);

  const good = swapsim(
    'test',
    scenario('eagain.swapsim', 'config ram=256M\nmkdir app\nreclaim app 8M\nexpect error EAGAIN\n'),
  );
  assert.equal(good.code, 0, good.stdout);
  assert.match(good.stdout, /^ok .*:4:1 expect error EAGAIN$/m);
});

test('a file with error diagnostics fails without running', () => {
  const r = swapsim(
    'test',
    scenario('typo.swapsim', 'swapn /dev/vda2 size=64M\nexpect /proc/meminfo SwapTotal == 0\n'),
  );
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^not ok .*typo\.swapsim:1:1: error SS101: /m);
  assert.doesNotMatch(r.stdout, /SwapTotal/);
});

test('a missing file is a usage error (exit 2) with no stack', () => {
  const r = swapsim('test', scenario('ok.swapsim', PASSING), '/nonexistent/y.swapsim');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^swapsim: \/nonexistent\/y\.swapsim: ENOENT/);
  assert.ok(noStack(r.stderr));
  assert.equal(swapsim('test').code, 2);
  assert.equal(swapsim('test', '--taps', 'x').code, 2);
});

test('every example scenario passes swapsim test', () => {
  const dir = path.join(ROOT, 'examples');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.swapsim'))
    .sort()
    .map((f) => path.join('examples', f));
  assert.ok(files.length >= 8, `only ${files.length} examples`);
  const r = swapsim('test', ...files);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, / passed, 0 failed\n$/);
  // Each example asserts something: a file with no expect would pass vacuously.
  for (const f of files) assert.match(r.stdout, new RegExp(`^ok ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`, 'm'), f);
});
