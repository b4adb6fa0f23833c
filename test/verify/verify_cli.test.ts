import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, noStack, repoRoot, scenario, swapsim } from '../cli/helpers';
import { ALL_OPTIONS, fakeKernel, fakeQemu, running } from './fake_kernel';
import { VerifyError, writeCacheFile } from '../../server/verify/kernels';

const ROOT = repoRoot();
const SMALL = 'config ram=256M cpus=1\nswapon /dev/vdb size=8M\nexpect /proc/swaps /dev/vdb Used == 0\n';

/** The CLI with PATH starting at `bin` and a private cache. */
function verifyWith(
  bin: string | null,
  args: string[],
  extraEnv: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
  const cache = mkdtempSync(path.join(tmpdir(), 'swapsim-cache-'));
  const PATH = bin === null ? '/nonexistent' : `${bin}:${process.env['PATH'] ?? ''}`;
  const r = spawnSync(process.execPath, [CLI, 'verify', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATH, XDG_CACHE_HOME: cache, ...extraEnv },
    timeout: 120_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('verify without files or with a bad --shard is a usage error', () => {
  const r = swapsim('verify');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expected at least one FILE/);
  const s = swapsim('verify', 'examples/basic.swapsim', '--shard', '3/2');
  assert.equal(s.code, 2);
  assert.match(s.stderr, /--shard 3\/2: expected I\/N/);
});

test('no qemu: the message gives the apt command', () => {
  const r = verifyWith(null, ['examples/basic.swapsim', '--kernel', '7.2']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /qemu-system-x86_64 is not installed; install it with: apt-get install qemu-system-x86/);
  assert.ok(noStack(r.stderr));
});

test('a bzImage without the needed options: the missing ones are named', () => {
  const q = fakeQemu('panic');
  const k = fakeKernel(
    ALL_OPTIONS.filter((o) => o !== 'CONFIG_MEMCG' && o !== 'CONFIG_VIRTIO_BLK')
      .map((o) => `${o}=y`)
      .concat(['CONFIG_VIRTIO_BLK=m']),
  );
  const r = verifyWith(q.bin, [scenario('s.swapsim', SMALL), '--kernel', k.bzImage, '--accel', 'tcg']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /CONFIG_MEMCG \(memory cgroups\)/);
  assert.match(r.stderr, /CONFIG_VIRTIO_BLK=m but module virtio_blk is not in --modules/);
  assert.ok(!existsSync(q.countFile), 'nothing booted');
});

test('a guest that dies before the scenario starts is booted once more, then reported with the console tail', () => {
  const q = fakeQemu('panic');
  const k = fakeKernel(ALL_OPTIONS.map((o) => `${o}=y`));
  const r = verifyWith(q.bin, [scenario('s.swapsim', SMALL), '--kernel', k.bzImage, '--accel', 'tcg', '--runs', '1']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /error: the guest stopped before the scenario started/);
  assert.match(r.stdout, /Kernel panic - not syncing: VFS: Unable to mount root fs/);
  assert.match(r.stderr, /booting again \(once\)/);
  assert.equal(readFileSync(q.countFile, 'utf8').trim().split('\n').length, 2);
});

test('a guest that hangs after the scenario started times out, is killed, and is not retried', () => {
  const q = fakeQemu('hang');
  const k = fakeKernel(ALL_OPTIONS.map((o) => `${o}=y`));
  const r = verifyWith(q.bin, [
    scenario('s.swapsim', SMALL),
    '--kernel',
    k.bzImage,
    '--accel',
    'tcg',
    '--runs',
    '1',
    '--timeout',
    '2',
  ]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stdout,
    /error: the guest timed out after 2 s at step 2\/\d+; console tail:\nLinux version 6.99.1-test\nrunning the scenario/,
  );
  assert.equal(readFileSync(q.countFile, 'utf8').trim().split('\n').length, 1);
  const pid = Number(readFileSync(q.pidFile, 'utf8'));
  assert.equal(running(pid), false, 'the hung qemu was killed');
});

test('a full or unwritable cache gives a clear message, not a stack', () => {
  // /dev/full answers every write with ENOSPC
  assert.throws(
    () => writeCacheFile('/dev/full', 'x'),
    (e: unknown) =>
      e instanceof VerifyError &&
      /no space left in \/dev \(ENOSPC\): free some space there or point XDG_CACHE_HOME elsewhere/.test(e.message),
  );
  const r = verifyWith(
    fakeQemu('panic').bin,
    [scenario('s.swapsim', SMALL), '--kernel', fakeKernel(ALL_OPTIONS.map((o) => `${o}=y`)).bzImage],
    { XDG_CACHE_HOME: '/dev/full/cache' },
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /cannot write \/dev\/full\/cache\/swapsim\S* \(ENOTDIR\): point XDG_CACHE_HOME at a writable folder/,
  );
  assert.ok(noStack(r.stderr), r.stderr);
});

test('--merge joins shard reports; the exit status says whether anything differs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swapsim-merge-'));
  const report = (file: string, verdict: string): string => {
    const f = path.join(dir, `${path.basename(file)}.json`);
    const obs = {
      key: 's1 result',
      step: 1,
      line: 0,
      kind: 'result',
      label: 'result of swapon /dev/vdb',
      unit: 'errno',
      simulator: 'ok',
      kernel: verdict === 'differs' ? ['EBUSY'] : ['ok'],
      verdict,
    };
    const summary = {
      exact: verdict === 'exact' ? 1 : 0,
      'within-spread': 0,
      differs: verdict === 'differs' ? 1 : 0,
      'simulator-only': 0,
    };
    const s = {
      file,
      scenarioHash: 'x',
      kernel: { series: '7.2', release: '7.2.13+deb14-amd64', configHash: 'c', source: 'debian' },
      design: 'p4',
      runs: 1,
      accel: 'tcg',
      runWallMs: [1000],
      bootMs: [900],
      observables: [obs],
      simulatorOnly: [],
      summary,
    };
    writeFileSync(f, JSON.stringify({ version: 1, scenarios: [s], shard: { index: 1, count: 2 } }));
    return f;
  };
  const ok = swapsim('verify', '--merge', report('a.swapsim', 'exact'), report('b.swapsim', 'exact'));
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /a\.swapsim on 7\.2\.13/);
  assert.match(ok.stdout, /# 2 scenarios: 2 exact, 0 within spread, 0 differ/);
  const bad = swapsim('verify', '--merge', report('a.swapsim', 'exact'), report('c.swapsim', 'differs'), '--json');
  assert.equal(bad.code, 1);
  assert.equal((JSON.parse(bad.stdout) as { scenarios: unknown[] }).scenarios.length, 2);
});
