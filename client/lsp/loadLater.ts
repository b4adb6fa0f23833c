// Loading dist/client-lsp.js (the language client) once activate() has
// returned: compiling vscode-languageclient is most of a cold activation
// (issue #8), and nothing a user sees at activation needs it yet. Like
// dist/client-main.js it compiles through a code cache in global storage.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { codeCacheDir, loadBundle, saveCacheWhenSettled } from '../boot/codeCache';
import type { LateClient } from './lateClient';
import { LSP_BUNDLE, type LspBundle, type ServerClient } from './serverClient';

export interface LoadOptions {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly restartServer: () => void;
  /** Settles once the client has started (or failed to): the bundle's code cache is written after. */
  readonly ready: Promise<void>;
}

/**
 * On the next turn of the event loop, load the bundle next to this one and
 * attach its client to `late` (or fail it). Disposing before then cancels.
 */
export function loadLanguageClientLater(
  late: LateClient,
  { context, log, restartServer, ready }: LoadOptions,
): vscode.Disposable {
  const timer = setTimeout(() => {
    const started = performance.now();
    let client: ServerClient;
    try {
      // Through a V8 code cache, as the loader does for dist/client-main.js: compiling the library is most of the wait.
      const bundle = loadBundle<LspBundle>(path.join(__dirname, LSP_BUNDLE), codeCacheDir(context.globalStorageUri));
      client = bundle.exports.createServerClient(context, log, restartServer);
      saveCacheWhenSettled(bundle, ready);
    } catch (error) {
      log.error(
        `could not load the language client (${LSP_BUNDLE}): ${error instanceof Error ? error.message : String(error)}`,
      );
      late.fail(error);
      return;
    }
    late.attach(client);
    log.info(`loaded the language client in ${Math.round(performance.now() - started)} ms`);
  }, 0);
  return { dispose: () => clearTimeout(timer) };
}
