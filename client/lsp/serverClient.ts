// The part of vscode-languageclient's LanguageClient swapsim uses, in
// swapsim's own terms. The extension bundle (dist/client-main.js) only ever
// sees this interface: the library itself lives in dist/client-lsp.js,
// loaded just after activation (issue #8), so nothing here may import it at
// run time.
import type * as vscode from 'vscode';
import type { CancelToken, NotificationSource, RequestSender } from '../protocolClient';

/** LanguageClient's State, named: `Starting` covers the start and restart handshakes. */
export type ClientPhase = 'starting' | 'running' | 'stopped';

export interface ClientPhaseChange {
  readonly oldPhase: ClientPhase;
  readonly newPhase: ClientPhase;
}

export interface ServerClient extends RequestSender, NotificationSource<vscode.Disposable> {
  sendRequest<R>(method: string, params: unknown, token?: CancelToken): Promise<R>;
  onDidChangePhase(listener: (change: ClientPhaseChange) => void): vscode.Disposable;
  start(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  isRunning(): boolean;
}

/** What dist/client-lsp.js (client/lsp/entry.ts) exports. */
export interface LspBundle {
  createServerClient(
    context: vscode.ExtensionContext,
    log: vscode.LogOutputChannel,
    restartServer: () => void,
  ): ServerClient;
}

/** The bundle's file, next to dist/client-main.js. */
export const LSP_BUNDLE = 'client-lsp.js';
