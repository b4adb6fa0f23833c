// Paths shared by the foundation tests. Tests are bundled to out/test/**, so
// the repository root is found by walking up to package.json, not by a fixed
// number of `..`.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'scripts', 'build.mjs'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no swapsim checkout above ${start}`);
    dir = parent;
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);

/** Absolute path of a built artefact; fails loudly when `npm run build` has not run. */
export function distFile(name: string): string {
  const file = path.join(REPO_ROOT, 'dist', name);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` (npm test does it for you)`);
  return file;
}

export function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string')
    return pkg.version;
  throw new Error('package.json has no string "version"');
}
