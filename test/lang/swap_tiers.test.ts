/**
 * Swap tiers in the language: `config swap_tiers=on|off` gates the two
 * files (SS413 otherwise), writes get a syntax check (SS318), expects name a
 * tier (and a column of the tiers table), and kernel refusals such as EBUSY
 * are runtime errors on the statement's line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../server/session/session';
import { readFile } from '../../server/sim/vfs';
import { expectClean, expectOnly, lastChecked } from './helpers';

const ON = 'config swap_tiers=on\n';

test('swap_tiers defaults to off and takes on or off under every design', () => {
  assert.equal(expectClean('swapon /dev/vdb size=1M').checked.config.swapTiers, false);
  for (const design of ['legacy', 'p1', 'p3', 'p4', 'ghost', 'vswap', 'vswap-ste']) {
    assert.equal(expectClean(`config design=${design} swap_tiers=on`).checked.config.swapTiers, true, design);
  }
  expectOnly('config swap_tiers=«maybe»', 'SS308');
});

test('SS413: the tier files exist only with swap_tiers=on', () => {
  const d = expectOnly('echo +HDD:-1 > «/sys/kernel/mm/swap/tiers»', 'SS413');
  assert.match(d.message, /config swap_tiers=on/);
  expectOnly('config swap_tiers=off\ncat «/sys/kernel/mm/swap/tiers»', 'SS413');
  expectOnly('mkdir a\necho "HDD 0" > «/sys/fs/cgroup/a/memory.swap.tiers.max»', 'SS413');
  expectOnly('mkdir a\nexpect «/sys/fs/cgroup/a/memory.swap.tiers.max» HDD == max', 'SS413');
  expectClean('cat /sys/kernel/mm/swap/tiers\nexpect error ENOENT');
});

test('writes are checked for syntax and kept as text for the kernel', () => {
  const st = lastChecked(`${ON}echo "+HDD:50, +NET:-1" > /sys/kernel/mm/swap/tiers`);
  assert.equal(st.op, 'write');
  assert.ok(st.op === 'write' && st.value.kind === 'text' && st.value.value === '+HDD:50, +NET:-1');
  expectClean(`${ON}echo -HDD > /sys/kernel/mm/swap/tiers\nexpect error EINVAL`);
  for (const bad of ['HDD:50', '+HDD', '+H-D:1', '+HDD:40000', '+ABCDEFGHIJKLMNOP:-1']) {
    expectOnly(`${ON}echo «${bad}» > /sys/kernel/mm/swap/tiers`, 'SS318');
  }
  expectClean(`${ON}mkdir a\necho "HDD 0" > /sys/fs/cgroup/a/memory.swap.tiers.max\nexpect error EINVAL`);
  for (const bad of ['HDD', 'HDD 1', 'HDD max SSD 0'])
    expectOnly(`${ON}mkdir a\necho «"${bad}"» > a/memory.swap.tiers.max`, 'SS318');
  expectOnly(`${ON}echo "HDD 0" > «/sys/fs/cgroup/memory.swap.tiers.max»`, 'SS217');
});

test('expects name a tier, and a column of the tiers table', () => {
  expectClean(
    `${ON}mkdir a\nexpect /sys/kernel/mm/swap/tiers HDD PrioStart == -1\nexpect a/memory.swap.tiers.max HDD == max\nexpect a/memory.swap.tiers.max HDD == 0`,
  );
  expectOnly(`${ON}expect /sys/kernel/mm/swap/tiers HDD «Prio» == 1`, 'SS221');
  expectOnly(`${ON}expect /sys/kernel/mm/swap/tiers «H-D» Idx == 1`, 'SS218');
});

test('a run: tiers steer pageouts, EBUSY is a runtime error on its line, step back undoes a write', () => {
  const text = [
    'config swap_tiers=on',
    'echo N > /sys/module/zswap/parameters/enabled',
    'swapon /dev/ssd size=16M -p 100',
    'swapon /dev/hdd size=16M -p 50',
    'echo "+SSD:100 +HDD:-1" > /sys/kernel/mm/swap/tiers',
    'mkdir slow',
    'echo "SSD 0" > /sys/fs/cgroup/slow/memory.swap.tiers.max',
    'task t cgroup=slow',
    'mmap t heap 256K content=incompressible populate',
    'pageout t heap',
    'expect /proc/swaps /dev/hdd Used == 256',
    'expect /proc/swaps /dev/ssd Used == 0',
    'echo -HDD > /sys/kernel/mm/swap/tiers',
    'expect /sys/kernel/mm/swap/tiers SSD PrioStart == 100',
  ].join('\n');
  const s = new Session('tiers', text, { checkInvariants: true });
  assert.equal(s.status, 'ready', s.diagnostics.map((d) => d.message).join('; '));
  s.run();
  assert.equal(s.status, 'finished');
  assert.deepEqual(
    s.errors.map((e) => [e.range.start.line, e.errno]),
    [[12, 'EBUSY']],
  );
  // views see each device's tier (DeviceSummary.tier)
  assert.deepEqual(
    s.snapshot().devices.map((d) => [d.path, d.tier]),
    [
      ['/dev/ssd', 'SSD'],
      ['/dev/hdd', 'HDD'],
    ],
  );
  assert.equal(s.expects.length, 3);
  assert.deepEqual(
    s.expects.filter((e) => !e.passed),
    [],
  );
  // step back over the SSD 0 write and everything after it: the cgroup may use the SSD again
  s.gotoStep(5);
  const k = s.machine;
  assert.equal(k.tiers?.list.length, 2);
  assert.equal(k.cgroup('slow').tierMask, 0xffffffff);
  s.gotoStep(3);
  assert.equal(k.tiers?.list.length, 0, 'before the tiers write');
  assert.equal(readFile(k, '/sys/kernel/mm/swap/tiers'), 'Name             Idx   PrioStart   PrioEnd\n');
});
