import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runVerifyCli, VerifyCancelled } from '../../client/verify/cliRunner';
import { CLI, scenario } from '../cli/helpers';
import { ALL_OPTIONS, fakeKernel, fakeQemu, running } from './fake_kernel';

test('cancelling a verification stops the CLI and its qemu: no process is left behind', async () => {
  const q = fakeQemu('hang');
  const k = fakeKernel(ALL_OPTIONS.map((o) => `${o}=y`));
  const saved = { PATH: process.env['PATH'], XDG_CACHE_HOME: process.env['XDG_CACHE_HOME'] };
  process.env['PATH'] = `${q.bin}:${saved.PATH ?? ''}`;
  process.env['XDG_CACHE_HOME'] = mkdtempSync(path.join(tmpdir(), 'swapsim-cache-'));
  try {
    const abort = new AbortController();
    const progress: string[] = [];
    const result = runVerifyCli({
      cli: CLI,
      node: process.execPath,
      file: scenario('s.swapsim', 'config ram=256M cpus=1\nswapon /dev/vdb size=8M\n'),
      kernel: k.bzImage,
      runs: 1,
      fromFixture: false,
      signal: abort.signal,
      // the guest has started the scenario: cancel now
      onProgress: (m) => {
        progress.push(m);
        if (/booted in/.test(m)) abort.abort();
      },
    });
    await assert.rejects(result, VerifyCancelled);
    assert.ok(
      progress.some((m) => /booted in/.test(m)),
      progress.join('\n'),
    );
    assert.ok(existsSync(q.pidFile));
    const pid = Number(readFileSync(q.pidFile, 'utf8'));
    assert.equal(running(pid), false, 'qemu was stopped with the CLI');
  } finally {
    process.env['PATH'] = saved.PATH;
    if (saved.XDG_CACHE_HOME === undefined) delete process.env['XDG_CACHE_HOME'];
    else process.env['XDG_CACHE_HOME'] = saved.XDG_CACHE_HOME;
  }
});
