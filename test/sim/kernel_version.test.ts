/**
 * Kernel releases as a profile axis (issue #17): each modelled difference
 * between 6.12 and 7.2 (server/sim/kernel_version.ts, docs/kernels.md), run
 * as a scenario under both releases with the values the recorded fixtures
 * show on the real kernels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../server/session/session';
import { parseAndCheck } from '../../server/lang';
import { configUnderKernel } from '../../server/lang/check/config';
import { Kernel } from '../../server/sim/kernel';
import { KernelError, NoSuchKey } from '../../server/sim/errno';
import { readValue } from '../../server/sim/vfs';
import { KERNEL_DIFFERENCES, KERNEL_VERSIONS, kernelBehaviour, maxSwapfiles } from '../../server/sim/kernel_version';

/** Run a scenario; every expect must pass and no kernel error may be unexpected. */
function runClean(text: string, kernel?: '6.12' | '7.2' | '7.3'): Session {
  const s = new Session('file:///k.swapsim', text, kernel === undefined ? {} : { kernel });
  assert.deepEqual(
    s.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  s.run();
  assert.deepEqual(
    s.expects.filter((e) => !e.passed).map((e) => `${e.text}: ${e.actual}`),
    [],
  );
  assert.deepEqual(
    s.errors.filter((e) => !e.expected).map((e) => `${e.errno}: ${e.message}`),
    [],
  );
  return s;
}

test('config kernel= picks the release and, without a design, its design; the default is 7.2 with p4', () => {
  assert.deepEqual([parseAndCheck('').checked.config.kernel, parseAndCheck('').checked.config.design], ['7.2', 'p4']);
  const old = parseAndCheck('config kernel=6.12\n').checked.config;
  assert.deepEqual([old.kernel, old.design, old.devicePrivate, old.maxSwapfiles], ['6.12', 'legacy', false, 27]);
  const mixed = parseAndCheck('config kernel=6.12 design=p4\n').checked.config;
  assert.deepEqual([mixed.kernel, mixed.design], ['6.12', 'p4']);
  const bad = parseAndCheck('config kernel=6.1\n');
  assert.ok(
    bad.diagnostics.some((d) => d.severity === 'error' && /6\.1/.test(d.message)),
    JSON.stringify(bad.diagnostics),
  );
});

test('MAX_SWAPFILES follows the release and CONFIG_DEVICE_PRIVATE: 27 and 23 on 6.12, 29 and 26 on 7.2', () => {
  assert.deepEqual(
    [maxSwapfiles(kernelBehaviour('6.12'), false), maxSwapfiles(kernelBehaviour('6.12'), true)],
    [27, 23],
  );
  assert.deepEqual([maxSwapfiles(kernelBehaviour('7.2'), false), maxSwapfiles(kernelBehaviour('7.2'), true)], [27, 24]);
  assert.equal(parseAndCheck('config kernel=6.12 device_private=on\n').checked.config.maxSwapfiles, 23);
  assert.equal(parseAndCheck('config kernel=7.2 device_private=off\n').checked.config.maxSwapfiles, 27);
  assert.equal(parseAndCheck('config kernel=6.12 max_swapfiles=8\n').checked.config.maxSwapfiles, 8);
});

test('a config moved to another kernel takes that kernel’s defaults and keeps what the scenario set', () => {
  const plain = parseAndCheck('').checked.config;
  const moved = configUnderKernel(plain, '6.12');
  assert.deepEqual(
    [moved.kernel, moved.design, moved.devicePrivate, moved.maxSwapfiles],
    ['6.12', 'legacy', false, 27],
  );
  const pinned = configUnderKernel(parseAndCheck('config design=p1 max_swapfiles=5\n').checked.config, '6.12');
  assert.deepEqual([pinned.design, pinned.maxSwapfiles], ['p1', 5]);
});

const THREE_DEFAULT = `config ram=256M
swapon /dev/vdb size=8M
swapon /dev/vdc size=8M
swapon /dev/vdd size=8M
`;

test('6.12 numbers swapons without -p down from -2 and moves the later ones up on swapoff; 7.2 gives each -1', () => {
  // fixture: test/verify/scenarios/priorities-default-negative.verify.6.12.json (-2, -3, -4)
  runClean(
    `config kernel=6.12\n${THREE_DEFAULT}expect device /dev/vdb prio == -2\nexpect device /dev/vdc prio == -3\nexpect device /dev/vdd prio == -4\nswapoff /dev/vdc\nexpect device /dev/vdd prio == -3\nswapon /dev/vdc size=8M\nexpect device /dev/vdc prio == -4\n`,
  );
  runClean(`config kernel=7.2\n${THREE_DEFAULT}expect device /dev/vdb prio == -1\nexpect device /dev/vdd prio == -1\n`);
});

test('6.12 zswap rejects a page that does not compress below PAGE_SIZE; 7.2 stores it as is', () => {
  const scenario = (kernel: string, rest: string): string =>
    `config kernel=${kernel} ram=256M\necho Y > /sys/module/zswap/parameters/enabled\nswapon /dev/vdb size=16M\ntask t\nmmap t r 1M content=incompressible populate\npageout t r\n${rest}`;
  // fixture: test/verify/scenarios/zswap-incompressible-wb.verify.6.12.json
  runClean(
    scenario(
      '6.12',
      'expect /proc/vmstat pswpout == 256\nexpect /proc/vmstat zswpout == 0\nexpect /sys/kernel/debug/zswap/reject_compress_poor == 256\n',
    ),
  );
  runClean(
    scenario(
      '7.2',
      'expect /proc/vmstat pswpout == 0\nexpect /proc/vmstat zswpout == 256\nexpect /sys/kernel/debug/zswap/stored_incompressible_pages == 256\n',
    ),
  );
});

test('6.12 zswap does not take large folios: an mTHP goes to the device whole', () => {
  const scenario = (kernel: string, rest: string): string =>
    `config kernel=${kernel} ram=256M\necho Y > /sys/module/zswap/parameters/enabled\necho always > /sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled\nswapon /dev/vdb size=16M\ntask t\nmmap t r 1M order=4 content=compressible:0.4 populate\npageout t r\n${rest}`;
  runClean(scenario('6.12', 'expect /proc/vmstat zswpout == 0\nexpect /proc/vmstat pswpout == 256\n'));
  runClean(scenario('7.2', 'expect /proc/vmstat zswpout == 256\nexpect /proc/vmstat pswpout == 0\n'));
});

test('counters 6.12 does not have are missing there: memory.stat pswpin/pswpout/zswap_incomp, stored_incompressible_pages', () => {
  // fixtures: examples/zswap-incompressible.verify.6.12.json (absent, ENOENT)
  const read = (kernel: '6.12' | '7.2', path: string, key: string | null): string => {
    const k = new Kernel({ kernel, ramBytes: 64 * 2 ** 20 });
    k.mkdir('/app');
    try {
      return String(readValue(k, path, key));
    } catch (e) {
      if (e instanceof NoSuchKey) return 'absent';
      if (e instanceof KernelError) return e.errno;
      throw e;
    }
  };
  for (const key of ['pswpin', 'pswpout', 'zswap_incomp']) {
    assert.equal(read('6.12', '/sys/fs/cgroup/app/memory.stat', key), 'absent', key);
    assert.equal(read('7.2', '/sys/fs/cgroup/app/memory.stat', key), '0', key);
  }
  assert.equal(read('6.12', '/sys/kernel/debug/zswap/stored_incompressible_pages', null), 'ENOENT');
  assert.equal(read('7.2', '/sys/kernel/debug/zswap/stored_incompressible_pages', null), '0');
});

test('the kernel table: every release has every behaviour, and each difference names its source', () => {
  for (const v of KERNEL_VERSIONS) for (const d of KERNEL_DIFFERENCES) assert.ok(d.show(kernelBehaviour(v)).length > 0);
  for (const d of KERNEL_DIFFERENCES) assert.match(d.source, /\w/);
  // each listed difference differs between 6.12 and 7.2
  for (const d of KERNEL_DIFFERENCES)
    assert.notEqual(d.show(kernelBehaviour('6.12')), d.show(kernelBehaviour('7.2')), d.behaviour);
});

test('a session run under a kernel override takes that kernel’s defaults and reports it in its snapshot', () => {
  const s = new Session('file:///k.swapsim', THREE_DEFAULT, { kernel: '6.12' });
  s.run();
  const snap = s.snapshot();
  assert.deepEqual([snap.kernel, snap.design], ['6.12', 'legacy']);
  assert.deepEqual(
    snap.devices.map((d) => d.prio),
    [-2, -3, -4],
  );
});
