// Cost of the extension's activation, what `npm run package` ships: each
// sample is a fresh Node process that loads dist/client.js against a stub of
// the `vscode` module and calls activate(). The language server is not
// started (child_process.fork is stubbed to fail): its start-up is measured
// by startup.bench.ts, and activate() does not wait for it anyway.
//
// Budgets (issue 8): dist/client.js ≤ 500 KiB, activation ≤ 50 ms — the
// activate() call, what VS Code reports as activateCallTime. Loading the
// bundle is reported apart: it is mostly vscode-languageclient (427 KiB of
// the 493), which a bare language client pays as well.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import * as path from 'node:path';
import { report } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const CLIENT = path.join(ROOT, 'dist', 'client.js');
const SIZE_BUDGET_KIB = 500;
const ACTIVATION_BUDGET_MS = 50;
const SAMPLES = 9;

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

/** Anything: every property, call and construction gives another stub; not a thenable, iterates as empty. */
function stub(): unknown {
  const members = new Map<PropertyKey, unknown>();
  return new Proxy(function stubFunction() {}, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => 0;
      if (prop === Symbol.iterator) return function* empty() {};
      if (!members.has(prop)) members.set(prop, stub());
      return members.get(prop);
    },
    set(_target, prop, value) {
      members.set(prop, value);
      return true;
    },
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

/**
 * The `vscode` module as a plain object with every name @types/vscode
 * exports, each a stub: the bundle's ESM interop copies own properties, so
 * a bare Proxy would look empty.
 */
function vscodeStub(): Record<string, unknown> {
  const types = readFileSync(path.join(ROOT, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const names = new Set([...types.matchAll(/^\s{1,4}export (?:namespace|class|enum|function|const|let) (\w+)/gm)].map((m) => m[1]));
  // LanguageClient checks the editor version it runs in.
  return { ...Object.fromEntries([...names].map((name) => [name, stub()])), version: '1.100.3' };
}

/** One sample, in this (child) process: ms to load the bundle and ms for activate() to return. */
function sample(): void {
  const loader = nodeModule.Module as unknown as { _load: Loader };
  const original = loader._load;
  const vscode = vscodeStub();
  loader._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
    if (request === 'vscode') return vscode;
    const loaded = original.call(this, request, parent, isMain);
    if (request === 'child_process' || request === 'node:child_process') {
      const cp = loaded as Record<string, unknown>;
      return { ...cp, fork: () => { throw new Error('bench: no language server'); }, spawn: () => { throw new Error('bench: no language server'); } };
    }
    return loaded;
  };
  const subscriptions: { dispose(): unknown }[] = [];
  const context = new Proxy(
    { subscriptions, extensionPath: ROOT, asAbsolutePath: (p: string) => path.join(ROOT, p) },
    { get: (target, prop) => (prop in target ? target[prop as keyof typeof target] : (stub() as Record<PropertyKey, unknown>)[prop]) },
  );
  const t0 = performance.now();
  const extension = nodeModule.createRequire(__filename)(CLIENT) as { activate(context: unknown): unknown };
  const t1 = performance.now();
  extension.activate(context);
  const t2 = performance.now();
  process.stdout.write(`${JSON.stringify({ load: t1 - t0, activate: t2 - t1 })}\n`);
  process.exit(0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function main(): void {
  if (!existsSync(CLIENT)) throw new Error(`${CLIENT} missing: bench/run.mjs builds dist/ first`);
  const sizeKiB = statSync(CLIENT).size / 1024;
  const loads: number[] = [];
  const activations: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const child = spawnSync(process.execPath, [__filename, '--sample'], { encoding: 'utf8', timeout: 30_000 });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`sample ${i} failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
    const { load, activate } = JSON.parse(line) as { load: number; activate: number };
    loads.push(load);
    activations.push(activate);
  }
  const activate = median(activations);
  report('client.bundle_size', sizeKiB, 'KiB');
  report('client.load_bundle', median(loads), 'ms');
  report('client.activate_call', activate, 'ms');
  report('client.load_and_activate', median(loads.map((l, i) => l + activations[i])), 'ms');
  if (activate > ACTIVATION_BUDGET_MS) console.error(`client.bench: activate() took ${activate.toFixed(1)} ms, over the ${ACTIVATION_BUDGET_MS} ms budget`);
  if (sizeKiB > SIZE_BUDGET_KIB) {
    console.error(`client.bench: dist/client.js is ${sizeKiB.toFixed(0)} KiB, over the ${SIZE_BUDGET_KIB} KiB budget`);
    process.exitCode = 1;
  }
}

if (process.argv[2] === '--sample') sample();
else main();
