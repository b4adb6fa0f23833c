// A ServerClient that exists before the real one: activate() wires every
// view, command and subscription to it at once, and dist/client-lsp.js
// (the language client) is loaded afterwards (issue #8). Calls made before
// the real client arrives wait for it; subscriptions made before are
// attached to it when it does.
import type * as vscode from 'vscode';
import type { NotificationMethod, NotificationTypes } from '../../shared/protocol';
import type { CancelToken } from '../protocolClient';
import type { ClientPhaseChange, ServerClient } from './serverClient';

type Attach = (real: ServerClient) => void;

export class LateClient implements ServerClient {
  private real: ServerClient | undefined;
  private settled = false;
  private readonly pending = new Set<Attach>();
  private resolveArrival!: (real: ServerClient) => void;
  private rejectArrival!: (error: unknown) => void;
  private readonly arrival = new Promise<ServerClient>((resolve, reject) => {
    this.resolveArrival = resolve;
    this.rejectArrival = reject;
  });

  constructor() {
    // A failed load is reported by whoever waits; with nobody waiting it is not an unhandled rejection.
    this.arrival.catch(() => undefined);
  }

  /** Whether the real client has arrived. */
  get attached(): boolean {
    return this.real !== undefined;
  }

  /** Hand over the real client: early subscriptions are attached, waiting calls go ahead. */
  attach(real: ServerClient): void {
    if (this.settled) throw new Error('LateClient: the client was already attached (or failed to load)');
    this.settled = true;
    this.real = real;
    for (const attach of this.pending) attach(real);
    this.pending.clear();
    this.resolveArrival(real);
  }

  /** The real client could not be created: every waiting and later call rejects with `error`. */
  fail(error: unknown): void {
    if (this.settled) throw new Error('LateClient: the client was already attached (or failed to load)');
    this.settled = true;
    this.pending.clear();
    this.rejectArrival(error);
  }

  sendRequest<R>(method: string, params: unknown, token?: CancelToken): Promise<R> {
    if (this.real !== undefined) return this.real.sendRequest<R>(method, params, token);
    return this.arrival.then((real) => real.sendRequest<R>(method, params, token));
  }

  onNotification<M extends NotificationMethod>(
    method: M,
    handler: (params: NotificationTypes[M]) => void,
  ): vscode.Disposable {
    return this.subscribe((real) => real.onNotification(method, handler));
  }

  onDidChangePhase(listener: (change: ClientPhaseChange) => void): vscode.Disposable {
    return this.subscribe((real) => real.onDidChangePhase(listener));
  }

  start(): Promise<void> {
    return this.arrival.then((real) => real.start());
  }

  restart(): Promise<void> {
    return this.arrival.then((real) => real.restart());
  }

  stop(): Promise<void> {
    return this.arrival.then((real) => real.stop());
  }

  isRunning(): boolean {
    return this.real?.isRunning() ?? false;
  }

  private subscribe(subscribeTo: (real: ServerClient) => vscode.Disposable): vscode.Disposable {
    if (this.real !== undefined) return subscribeTo(this.real);
    let subscription: vscode.Disposable | undefined;
    const attach: Attach = (real) => {
      subscription = subscribeTo(real);
    };
    this.pending.add(attach);
    return {
      dispose: () => {
        this.pending.delete(attach);
        subscription?.dispose();
        subscription = undefined;
      },
    };
  }
}
