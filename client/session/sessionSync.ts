// Keeps the SessionStore in step with the server: takes swapsim/delta
// notifications, fetches a snapshot when a scenario editor becomes active (or
// when a delta cannot be applied), and follows which scenario has focus.
// Edits need nothing here: the server rebuilds the session and pushes a
// rewound delta (server/lsp/sessions.ts).
import * as vscode from 'vscode';
import { ErrorCodes, type SessionDelta } from '../../shared/protocol';
import { describeRequestError, errorCode, type NotificationSource, type SwapsimRequester } from '../protocolClient';
import type { SessionStore } from './sessionStore';

export function isScenario(document: vscode.TextDocument): boolean {
  return document.languageId === 'swapsim';
}

export class SessionSync implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly inflight = new Map<string, Promise<void>>();
  private warnedMissing = false;

  constructor(
    private readonly notifications: NotificationSource<vscode.Disposable>,
    private readonly server: SwapsimRequester,
    private readonly store: SessionStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      notifications.onNotification('swapsim/delta', (delta) => this.onDelta(delta)),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.follow(editor)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (isScenario(document)) this.store.close(document.uri.toString());
      }),
    );
    this.follow(vscode.window.activeTextEditor);
  }

  /** Make sure the store has a state for `uri`; `force` refetches even if it does. */
  refresh(uri: string, force = false): Promise<void> {
    if (!force && this.store.get(uri) !== undefined) return Promise.resolve();
    const running = this.inflight.get(uri);
    if (running !== undefined) return running;
    const fetch = this.fetchSnapshot(uri, force).finally(() => this.inflight.delete(uri));
    this.inflight.set(uri, fetch);
    return fetch;
  }

  /** Every open scenario refetched (after a server restart sessions start over). */
  async refreshAll(): Promise<void> {
    const uris = vscode.workspace.textDocuments.filter(isScenario).map((d) => d.uri.toString());
    await Promise.all(uris.map((uri) => this.refresh(uri, true)));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private follow(editor: vscode.TextEditor | undefined): void {
    // Another kind of editor (output, a webview's neighbour) keeps the last scenario in view.
    if (editor === undefined || !isScenario(editor.document)) return;
    const uri = editor.document.uri.toString();
    this.store.focus(uri);
    void this.refresh(uri);
  }

  private onDelta(delta: SessionDelta): void {
    const state = this.store.get(delta.uri);
    if (state !== undefined && delta.seq < state.seq) {
      // Sequence numbers went backwards: a new server (restart) numbers from 0 again; rebuilds keep counting up. Start from a snapshot.
      void this.refresh(delta.uri, true);
      return;
    }
    const applied = this.store.applyDelta(delta);
    if (applied === 'pending') void this.refresh(delta.uri);
    // A missed delta: the store keeps the last consistent state until the snapshot replaces it.
    else if (applied === 'gap') void this.refresh(delta.uri, true);
  }

  private async fetchSnapshot(uri: string, force: boolean): Promise<void> {
    try {
      const snapshot = await this.server.request('swapsim/snapshot', { uri });
      this.store.applySnapshot(snapshot, force);
    } catch (error) {
      if (errorCode(error) === ErrorCodes.MethodNotFound && this.warnedMissing) return;
      if (errorCode(error) === ErrorCodes.MethodNotFound) this.warnedMissing = true;
      this.log.warn(`snapshot of ${uri}: ${describeRequestError('swapsim/snapshot', error)}`);
    }
  }
}
