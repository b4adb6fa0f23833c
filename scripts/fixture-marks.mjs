#!/usr/bin/env node
// Upkeep of the verify fixtures' `known` marks (server/verify/fixture_marks.ts):
//   node scripts/fixture-marks.mjs            print the per-kernel summary npm test prints
//   node scripts/fixture-marks.mjs --unmark   drop the marks of lines the simulator now agrees with
//   node scripts/fixture-marks.mjs --docs     write docs/verify-differences.md
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'swapsim-fixture-marks-'));
const entry = `
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkFixture, findFixtures } from './server/verify/fixtures';
import { differencesMarkdown, summaryLines, unmarkAgreeing } from './server/verify/fixture_marks';
export function main(root: string, args: string[]): void {
  const files = findFixtures([path.join(root, 'examples'), path.join(root, 'test', 'verify', 'scenarios')]);
  if (args.includes('--unmark')) {
    for (const f of files) {
      const n = unmarkAgreeing(f);
      if (n > 0) console.log(\`\${path.relative(root, f)}: \${n} mark(s) removed\`);
    }
  }
  const checks = files.map((f) => checkFixture(f));
  if (args.includes('--docs')) writeFileSync(path.join(root, 'docs', 'verify-differences.md'), differencesMarkdown(checks, root));
  for (const line of summaryLines(checks)) console.log(line);
}
`;
try {
  const out = path.join(dir, 'marks.cjs');
  await esbuild.build({
    stdin: { contents: entry, loader: 'ts', resolveDir: root },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: out,
    logLevel: 'error',
  });
  const mod = await import(pathToFileURL(out).href);
  mod.default.main(root, process.argv.slice(2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
