// Cost of the extension's activation, what `npm run package` ships: each
// sample is a fresh Node process that loads dist/client.js against a stub of
// the `vscode` module and calls activate(). The language server is not
// started (child_process.fork is stubbed to fail): its start-up is measured
// by startup.bench.ts, and activate() does not wait for it anyway.
//
// Budgets (issue 8): what activation loads (dist/client.js + client-main.js)
// ≤ 500 KiB, and loading the bundle plus the activate() call — what VS Code
// reports as codeLoadingTime + activateCallTime — ≤ 50 ms. The language
// client (dist/client-lsp.js) is loaded just after activate() returns; its
// cost shows in `until_ready` (activate() returning to `ready` settling, the
// server start failing at once here), not in the activation figures. dist/client.js is
// the loader (client/boot/loader.ts): it compiles client-main.js through a V8
// code cache in the extension's global storage, so two figures matter:
//   cold  the first activation after an install or update (no cache yet);
//   warm  every later one (the cache a previous activation wrote).
// The Node built-ins the bundle needs and the extension host has loaded for
// itself before any extension activates are loaded before timing, as there.
// The real numbers come from the real-VS-Code suite (`npm run test:vscode`,
// exthost.client_*).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { SwapsimApi } from '../client/extension';
import { extensionContext, installVscodeStub } from '../test/client/vscode-stub';
import { report } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const LOADER = path.join(ROOT, 'dist', 'client.js');
const MAIN = path.join(ROOT, 'dist', 'client-main.js');
const LSP = path.join(ROOT, 'dist', 'client-lsp.js');
const SIZE_BUDGET_KIB = 500;
const ACTIVATION_BUDGET_MS = 50;
const SAMPLES = 11;
/** Built-ins the extension host itself runs on (its IPC socket, processes, files, ids). */
const HOST_BUILTINS = ['child_process', 'crypto', 'events', 'fs', 'net', 'os', 'path', 'util'];

interface Sample {
  /** require('dist/client.js'): the loader only. */
  require: number;
  /** activate(): loading client-main.js (through the cache) and the extension's own activate(). */
  activate: number;
  /** The loader's split of activate(). */
  mainLoad: number;
  /** Reading and compiling client-main.js, part of mainLoad. */
  mainCompile: number;
  mainActivate: number;
  codeCache: string;
  /** From activate() returning to `ready` settling: loading dist/client-lsp.js and asking the client to start. */
  untilReady: number;
  /** CPU time of the whole load + activate, all threads (less disturbed by other load on the machine). */
  cpu: number;
}

/** One sample, in this (child) process. `storage` is the global storage folder (the cache goes under it). */
async function sample(storage: string, waitForCache: boolean): Promise<void> {
  for (const name of HOST_BUILTINS) nodeModule.createRequire(__filename)(name);
  installVscodeStub(ROOT);
  const context = extensionContext(ROOT, storage);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const extension = nodeModule.createRequire(__filename)(LOADER) as { activate(context: unknown): SwapsimApi };
  const t1 = performance.now();
  const api = extension.activate(context);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  await api.ready;
  const t3 = performance.now();
  const timing = api.activation;
  if (timing === undefined) throw new Error('dist/client.js did not report its activation timing');
  const result: Sample = {
    require: t1 - t0,
    activate: t2 - t1,
    mainLoad: timing.loadMs,
    mainCompile: timing.compileMs,
    mainActivate: timing.activateMs,
    codeCache: timing.codeCache,
    untilReady: t3 - t2,
    cpu: (cpu.user + cpu.system) / 1000,
  };
  if (waitForCache) {
    // The loader writes the cache a few seconds after the client settles.
    const cacheDir = path.join(storage, 'code-cache');
    const deadline = Date.now() + 30_000;
    while (!(existsSync(cacheDir) && readdirSync(cacheDir).some((f) => f.endsWith('.v8cache')))) {
      if (Date.now() > deadline) throw new Error('the loader wrote no code cache within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function runSample(storage: string, prime = false): Sample {
  const args = [__filename, '--sample', storage, ...(prime ? ['--prime'] : [])];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{'))
    throw new Error(`sample failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
  return JSON.parse(line) as Sample;
}

function reportSeries(prefix: string, samples: Sample[], expectedCache: string): void {
  const wrong = samples.filter((s) => s.codeCache !== expectedCache);
  if (wrong.length > 0)
    throw new Error(
      `${prefix}: expected code cache '${expectedCache}', got ${wrong.map((s) => s.codeCache).join(', ')}`,
    );
  const total = samples.map((s) => s.require + s.activate);
  report(`${prefix}.load_and_activate`, median(total), 'ms');
  report(`${prefix}.load_and_activate_min`, Math.min(...total), 'ms');
  report(`${prefix}.load_bundle`, median(samples.map((s) => s.require + s.mainLoad)), 'ms');
  report(`${prefix}.compile_bundle`, median(samples.map((s) => s.mainCompile)), 'ms');
  report(`${prefix}.activate_call`, median(samples.map((s) => s.mainActivate)), 'ms');
  report(`${prefix}.cpu`, median(samples.map((s) => s.cpu)), 'ms');
  report(`${prefix}.until_ready`, median(samples.map((s) => s.untilReady)), 'ms');
  const ms = median(total);
  if (ms > ACTIVATION_BUDGET_MS)
    console.error(
      `client.bench: ${prefix} load + activate took ${ms.toFixed(1)} ms (median), over the ${ACTIVATION_BUDGET_MS} ms budget`,
    );
}

function main(): void {
  for (const file of [LOADER, MAIN, LSP])
    if (!existsSync(file)) throw new Error(`${file} missing: bench/run.mjs builds dist/ first`);
  const sizeKiB = (statSync(LOADER).size + statSync(MAIN).size) / 1024;
  const scratch = mkdtempSync(path.join(tmpdir(), 'swapsim-client-bench-'));
  try {
    // Cold: an empty global storage folder for every sample.
    const cold: Sample[] = [];
    for (let i = 0; i < SAMPLES; i++) cold.push(runSample(mkdtempSync(path.join(scratch, 'cold-'))));
    // Warm: one activation writes the cache, the samples read it.
    const warmStorage = mkdtempSync(path.join(scratch, 'warm-'));
    runSample(warmStorage, true);
    const warm: Sample[] = [];
    for (let i = 0; i < SAMPLES; i++) warm.push(runSample(warmStorage));

    report('client.bundle_size', sizeKiB, 'KiB');
    report('client.lsp_bundle_size', statSync(LSP).size / 1024, 'KiB');
    reportSeries('client.cold', cold, 'miss');
    reportSeries('client.warm', warm, 'hit');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (sizeKiB > SIZE_BUDGET_KIB) {
    console.error(
      `client.bench: dist/client.js + client-main.js is ${sizeKiB.toFixed(0)} KiB, over the ${SIZE_BUDGET_KIB} KiB budget`,
    );
    process.exitCode = 1;
  }
}

if (process.argv[2] === '--sample') {
  sample(process.argv[3] ?? '', process.argv[4] === '--prime').catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main();
}
