// A node --test reporter that lists the test files that took longest, to
// show where the suite's wall time goes. Each file runs in its own process;
// the runner reports that process as a test named by the file's path, whose
// `test:complete` event carries the file's wall time (hooks included).
// Used by scripts/test.mjs beside the `spec` reporter. Every file's time
// goes to test-results/test-times.tsv as well, slowest first.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SHOWN = 10;

export default async function* slowestFiles(source) {
  const rows = [];
  for await (const event of source) {
    if (event.type !== 'test:complete' || event.data.nesting !== 0) continue;
    const { name, file, details } = event.data;
    if (file !== undefined && name === file) rows.push([path.relative(process.cwd(), file), details.duration_ms]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  mkdirSync('test-results', { recursive: true });
  writeFileSync(
    path.join('test-results', 'test-times.tsv'),
    rows.map(([file, ms]) => `${(ms / 1000).toFixed(1)}\t${file}\n`).join(''),
  );
  yield `\nthe ${Math.min(SHOWN, rows.length)} slowest of ${rows.length} test files (wall time of each file's process):\n`;
  for (const [file, ms] of rows.slice(0, SHOWN)) yield `  ${(ms / 1000).toFixed(1).padStart(7)} s  ${file}\n`;
}
