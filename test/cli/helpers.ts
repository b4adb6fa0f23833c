/** Runs the built CLI (dist/cli.js) as a child process, as a user would. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hangGuard } from '../hang_guard';

/** The repository root: the nearest folder above this file with a package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

export const ROOT = repoRoot();
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function swapsim(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: hangGuard(60_000) });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Write a scenario into a fresh temporary folder and return its path. */
export function scenario(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'swapsim-cli-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** No JavaScript stack frame leaked into user-facing output. */
export function noStack(text: string): boolean {
  return !/\n\s+at .+:\d+:\d+\)?/.test(text);
}
