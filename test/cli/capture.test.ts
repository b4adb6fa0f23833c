import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scenario, swapsim } from './helpers';

/** A fake / with procfs, zswap parameters and a cgroup v2 tree. */
function fakeRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'swapsim-capture-'));
  const put = (p: string, text: string): void => {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), text);
  };
  put('proc/meminfo', 'MemTotal:        2097152 kB\nMemFree:          100000 kB\n');
  put(
    'proc/swaps',
    'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n' +
      '/dev/vda2                               partition\t1048572\t\t0\t\t5\n' +
      '/swap\\040file                            file\t\t262140\t\t0\t\t-2\n',
  );
  put('sys/module/zswap/parameters/enabled', 'Y\n');
  put('sys/module/zswap/parameters/compressor', 'zstd\n');
  put('sys/module/zswap/parameters/max_pool_percent', '25\n');
  put('sys/fs/cgroup/cgroup.controllers', 'cpu memory\n');
  put('sys/fs/cgroup/app/memory.max', '67108864\n');
  put('sys/fs/cgroup/app/memory.swap.max', 'max\n');
  put('sys/fs/cgroup/app/memory.zswap.max', '1048576\n');
  put('sys/fs/cgroup/app/memory.zswap.writeback', '0\n');
  put('sys/fs/cgroup/app/inner/memory.max', 'max\n');
  put('sys/fs/cgroup/app/inner/memory.swap.max', '0\n');
  put('sys/fs/cgroup/app/inner/memory.zswap.max', 'max\n');
  put('sys/fs/cgroup/app/inner/memory.zswap.writeback', '1\n');
  return root;
}

test('capture reproduces RAM, swap areas, zswap and the cgroup tree', () => {
  const r = swapsim('capture', '--root', fakeRoot());
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.ok(lines.includes('config ram=2097152K'), r.stdout);
  // /proc/swaps Size excludes the header page; swapon size= includes it.
  assert.ok(lines.includes('swapon /dev/vda2 size=1048576K type=partition -p 5'), r.stdout);
  // \040 is a blank; the kernel's own negative priority is not replayed.
  assert.ok(lines.includes('swapon "/swap file" size=262144K type=file'), r.stdout);
  assert.ok(lines.includes('echo Y > /sys/module/zswap/parameters/enabled'));
  assert.ok(lines.includes('echo zstd > /sys/module/zswap/parameters/compressor'));
  assert.ok(lines.includes('echo 25 > /sys/module/zswap/parameters/max_pool_percent'));
  assert.ok(lines.includes('# could not read /sys/module/zswap/parameters/shrinker_enabled (ENOENT)'));
  const mkdirApp = lines.indexOf('mkdir app');
  const mkdirInner = lines.indexOf('mkdir app/inner');
  assert.ok(mkdirApp >= 0 && mkdirInner > mkdirApp, 'parents before children');
  assert.ok(lines.includes('echo 67108864 > /sys/fs/cgroup/app/memory.max'));
  assert.ok(lines.includes('echo 1048576 > /sys/fs/cgroup/app/memory.zswap.max'));
  assert.ok(lines.includes('echo 0 > /sys/fs/cgroup/app/memory.zswap.writeback'));
  assert.ok(lines.includes('echo 0 > /sys/fs/cgroup/app/inner/memory.swap.max'));
  // Defaults are left out.
  assert.ok(!lines.includes('echo max > /sys/fs/cgroup/app/memory.swap.max'));
});

test('the captured header is a scenario that runs', () => {
  const header = swapsim('capture', '--root', fakeRoot()).stdout;
  const file = scenario(
    'captured.swapsim',
    header + 'expect /proc/swaps /dev/vda2 Size == 1048572 kB\nexpect /sys/fs/cgroup/app/memory.max == 64M\n',
  );
  const r = swapsim('test', file);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /2 passed, 0 failed/);
});

test('capture of an empty root only writes could-not-read comments', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'swapsim-empty-'));
  const r = swapsim('capture', '--root', root);
  assert.equal(r.code, 0);
  for (const line of r.stdout.trimEnd().split('\n')) assert.match(line, /^#/);
  assert.match(r.stdout, /^# could not read \/proc\/swaps \(ENOENT\)$/m);
  assert.match(r.stdout, /^# could not read \/proc\/meminfo \(ENOENT\)$/m);
  assert.equal(swapsim('capture', '--root').code, 2);
  assert.equal(swapsim('capture', 'extra').code, 2);
});
