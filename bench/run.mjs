#!/usr/bin/env node
// `npm run bench [-- name-filter]`: build dist/, bundle every bench/*.bench.ts
// to out/bench/, run each in a fresh `node --expose-gc` process, echo its
// `name value unit` lines and collect them in out/bench/results.json.
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, listFiles, ROOT } from '../scripts/build.mjs';

const FIGURE = /^(\S+) (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?) (\S+)$/i;
const filter = process.argv[2];

// Production build: the figures describe what `npm run package` ships.
await build({ app: true, production: true });

const outDir = path.join(ROOT, 'out', 'bench');
await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

const sources = (await listFiles('bench', (name) => name.endsWith('.bench.ts')))
  .filter((file) => path.dirname(file) === 'bench')
  .filter((file) => filter === undefined || path.basename(file).includes(filter));
if (sources.length === 0) {
  console.error(`no bench/*.bench.ts${filter ? ` matching '${filter}'` : ''}`);
  process.exit(1);
}

await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: sources,
  outdir: 'out/bench',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});

/**
 * Node flags a bench runs with, to measure code under the runtime settings it
 * ships with: the language server is started with a 32 MiB young generation
 * (client/lsp/startServer.ts), so the in-process LSP figures use the same.
 */
const BENCH_NODE_FLAGS = { lsp: ['--max-semi-space-size=32'] };

/** Run one bench; resolve with its figures, echoing every line as it arrives. */
function runBench(file, bench) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--enable-source-maps', ...(BENCH_NODE_FLAGS[bench] ?? []), file],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const figures = [];
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = FIGURE.exec(line.trim());
        if (match) figures.push({ name: match[1], value: Number(match[2]), unit: match[3], bench });
        console.log(`  ${line}`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(figures) : reject(new Error(`${bench} exited with ${code}`))));
  });
}

const results = [];
let failed = 0;
for (const source of sources) {
  const bench = path.basename(source, '.bench.ts');
  console.log(`▶ ${bench}`);
  try {
    results.push(...(await runBench(path.join(outDir, `${bench}.bench.js`), bench)));
  } catch (err) {
    failed++;
    console.error(`✖ ${err instanceof Error ? err.message : String(err)}`);
  }
}

const resultsFile = path.join(outDir, 'results.json');
await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `${results.length} figure(s) from ${sources.length - failed}/${sources.length} bench(es) → ${path.relative(ROOT, resultsFile)}`,
);
process.exit(failed > 0 ? 1 : 0);
