// Runs `swapsim verify FILE --json` as a child process for the extension and
// hands back its report. The CLI runs in its own process group, so Cancel
// stops the CLI and every qemu it started at once: nothing outlives the
// request. No `vscode` import, so node tests drive it directly.
import { spawn } from 'node:child_process';
import type { VerifyReport, VerifyScenarioReport } from '../../shared/protocol';

export interface VerifyCliRequest {
  /** dist/cli.js of the extension. */
  readonly cli: string;
  /** A Node binary; inside VS Code the extension host's own, run as Node. */
  readonly node: string;
  readonly file: string;
  readonly kernel: string;
  readonly runs: number;
  /** Take the kernel's values from the fixture next to the scenario instead of booting. */
  readonly fromFixture: boolean;
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
}

export class VerifyCliError extends Error {}
export class VerifyCancelled extends Error {}

/** How long a cancelled CLI gets to stop its VMs before the whole group is killed. */
const GRACE_MS = 3000;

export function runVerifyCli(r: VerifyCliRequest): Promise<VerifyScenarioReport> {
  return new Promise((resolve, reject) => {
    if (r.signal?.aborted) {
      reject(new VerifyCancelled('cancelled'));
      return;
    }
    const args = [
      r.cli,
      'verify',
      r.file,
      '--kernel',
      r.kernel,
      '--runs',
      String(r.runs),
      '--json',
      ...(r.fromFixture ? ['--from-fixture'] : []),
    ];
    const child = spawn(r.node, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const group = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    const onAbort = (): void => {
      cancelled = true;
      group('SIGTERM');
      killTimer = setTimeout(() => group('SIGKILL'), GRACE_MS);
    };
    r.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) r.onProgress?.(line.replace(/^\[[^\]]+\] /, ''));
    });
    child.on('error', (e) => {
      r.signal?.removeEventListener('abort', onAbort);
      reject(new VerifyCliError(`could not start ${r.node}: ${e.message}`));
    });
    child.on('close', (code) => {
      r.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // whatever the CLI left in its group goes with it
      group('SIGKILL');
      if (cancelled) {
        reject(new VerifyCancelled('cancelled: qemu was stopped'));
        return;
      }
      if (code === 0 || code === 1) {
        try {
          const report = JSON.parse(stdout) as VerifyReport;
          const first = report.scenarios[0];
          if (first) {
            resolve(first);
            return;
          }
        } catch {
          // fall through to the error below
        }
      }
      reject(
        new VerifyCliError(
          stderr.trim().split('\n').slice(-6).join('\n') || `swapsim verify exited with ${String(code)}`,
        ),
      );
    });
  });
}
