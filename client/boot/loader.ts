// dist/client.js, what VS Code loads: a small file that loads the
// extension itself (dist/client-main.js, built from client/extension.ts)
// through a V8 code cache kept in the extension's global storage, then
// activate it. The first activation after an install or update compiles from
// source and, once the extension has settled, writes the cache for the next
// one. `activation` in the returned API says how long each part took.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { ActivationTiming, SwapsimApi } from '../extension';
import { codeCacheDir, loadBundle, saveCacheWhenSettled } from './codeCache';

interface ExtensionModule {
  activate(context: vscode.ExtensionContext): SwapsimApi;
  deactivate(): Promise<void>;
}

/** The extension bundle, next to this one. */
export const MAIN_BUNDLE = 'client-main.js';
let extension: ExtensionModule | undefined;

export function activate(context: vscode.ExtensionContext): SwapsimApi {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const bundle = loadBundle<ExtensionModule>(path.join(__dirname, MAIN_BUNDLE), codeCacheDir(context.globalStorageUri));
  const loaded = performance.now();
  extension = bundle.exports;
  const api = extension.activate(context);
  const activateMs = performance.now() - loaded;
  const used = process.cpuUsage(cpu);
  const activation: ActivationTiming = {
    loadMs: loaded - started,
    compileMs: bundle.compileMs,
    activateMs,
    cpuMs: (used.user + used.system) / 1000,
    codeCache: bundle.cache,
  };
  const ms = (n: number): string => `${Math.round(n)} ms`;
  api.log.info(
    `activated in ${ms(activation.loadMs + activation.activateMs)}: loading the bundle ${ms(activation.loadMs)} ` +
      `(compiling ${ms(activation.compileMs)}, V8 code cache: ${activation.codeCache}), activate() ${ms(activation.activateMs)}; CPU ${ms(activation.cpuMs)}`,
  );
  saveCacheWhenSettled(bundle, api.ready);
  return { ...api, activation };
}

export async function deactivate(): Promise<void> {
  await extension?.deactivate();
}
