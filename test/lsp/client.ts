// The one stdio harness of the test suite: spawns the bundled language
// server (dist/server.js --stdio), speaks LSP through
// vscode-languageserver-protocol, answers the server's own requests
// (workspace/configuration, work-done progress, registrations, refreshes)
// and records what the server pushes (diagnostics, swapsim/delta,
// swapsim/serverStatus, $/progress). The end-to-end tests use it directly;
// test/client/realServer.ts wraps it as the extension's requester and store.
// Features that only need an analysis are tested in process (features.ts).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import type { NotificationMethod, NotificationTypes, ServerStatus, SessionDelta } from '../../shared/protocol';
import { distFile } from '../foundation/repo';
import { withTimeout } from '../hang_guard';

export interface ClientOptions {
  /** What `workspace/configuration` answers for the `swapsim` section (omit: the client does not support it). */
  settings?: Record<string, unknown>;
  /** Declare window.workDoneProgress (server-initiated progress). */
  workDoneProgress?: boolean;
  inlayHintRefresh?: boolean;
}

export interface ProgressEvent {
  token: string | number;
  value: { kind: string; title?: string; percentage?: number; message?: string };
}

type Waiter = { check: () => boolean; resolve: () => void };

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly deltas: SessionDelta[] = [];
  readonly statuses: ServerStatus[] = [];
  readonly progress: ProgressEvent[] = [];
  readonly createdProgressTokens: (string | number)[] = [];
  readonly configurationRequests: unknown[] = [];
  inlayRefreshes = 0;
  settings: Record<string, unknown> | undefined;
  private options: ClientOptions = {};
  initializeResult: InitializeResult | undefined;
  private readonly waiters: Waiter[] = [];
  private readonly deltaListeners = new Set<(delta: SessionDelta) => void>();
  private stderrText = '';
  private versions = new Map<string, number>();

  private constructor(
    readonly child: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    readonly exited: Promise<number | null>,
  ) {}

  /** Calls `listener` with every `swapsim/delta` from now on, as the extension's session store sees them. */
  onDelta(listener: (delta: SessionDelta) => void): { dispose(): void } {
    this.deltaListeners.add(listener);
    return { dispose: () => this.deltaListeners.delete(listener) };
  }

  /** Listen to a swapsim notification, typed by shared/protocol.ts NotificationTypes. */
  onNotification<M extends NotificationMethod>(
    method: M,
    handler: (params: NotificationTypes[M]) => void,
  ): { dispose(): void } {
    return this.connection.onNotification(method, handler);
  }

  /** Spawn, initialize (the capabilities follow `options`) and send initialized. */
  static async start(options: ClientOptions = {}): Promise<LspClient> {
    const client = LspClient.spawn(options);
    await client.initialize();
    return client;
  }

  /** Spawn the server and listen, without the initialize handshake. */
  static spawn(options: ClientOptions = {}): LspClient {
    // SWAPSIM_LSP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under a test.
    const nodeArgs = (process.env.SWAPSIM_LSP_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
    const child = spawn(process.execPath, [...nodeArgs, distFile('server.js'), '--stdio'], { stdio: 'pipe' });
    const exited = once(child, 'exit').then(([code]) => code as number | null);
    const connection = createProtocolConnection(child.stdout, child.stdin);
    const client = new LspClient(child, connection, exited);
    client.settings = options.settings;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (client.stderrText += chunk));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const list = client.diagnostics.get(p.uri) ?? [];
      list.push(p);
      client.diagnostics.set(p.uri, list);
      client.wake();
    });
    client.onNotification('swapsim/delta', (d) => {
      client.deltas.push(d);
      for (const listener of client.deltaListeners) listener(d);
      client.wake();
    });
    client.onNotification('swapsim/serverStatus', (s) => {
      client.statuses.push(s);
      client.wake();
    });
    connection.onNotification('$/progress', (p: ProgressEvent) => {
      client.progress.push(p);
      client.wake();
    });
    connection.onNotification('window/logMessage', () => undefined);
    connection.onRequest('workspace/configuration', (params: unknown) => {
      client.configurationRequests.push(params);
      return [client.settings ?? null];
    });
    connection.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      client.createdProgressTokens.push(p.token);
      return null;
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/inlayHint/refresh', () => {
      client.inlayRefreshes++;
      return null;
    });
    connection.onRequest('workspace/semanticTokens/refresh', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    connection.listen();
    client.options = options;
    return client;
  }

  /** initialize, then initialized; returns the server's answer. */
  async initialize(): Promise<InitializeResult> {
    const { connection, options } = this;
    const capabilities: ClientCapabilities = {
      workspace: {
        configuration: options.settings !== undefined,
        didChangeConfiguration: { dynamicRegistration: options.settings !== undefined },
        inlayHint: { refreshSupport: options.inlayHintRefresh === true },
      },
      window: { workDoneProgress: options.workDoneProgress === true },
      textDocument: { publishDiagnostics: { versionSupport: true } },
    };
    this.initializeResult = await withTimeout(
      connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities }),
      10_000,
      'initialize',
    );
    await connection.sendNotification(InitializedNotification.type, {});
    return this.initializeResult;
  }

  /** Close the connection and kill the server if it still runs (after a test failed half-way). */
  dispose(): void {
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }

  get stderr(): string {
    return this.stderrText;
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i] as Waiter;
      if (w.check()) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Resolve once `check()` holds (checked now and after every notification). */
  waitFor(what: string, check: () => boolean, ms = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return withTimeout(new Promise<void>((resolve) => this.waiters.push({ check, resolve })), ms, what);
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'swapsim', version: 1, text },
    });
  }

  /** Send edits; returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  async closeDocument(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** The diagnostics published for the document's current version (waits for them). */
  async diagnosticsFor(
    uri: string,
    accept: (d: Diagnostic[]) => boolean = () => true,
    ms = 10_000,
  ): Promise<Diagnostic[]> {
    const version = this.version(uri);
    let found: Diagnostic[] | undefined;
    await this.waitFor(
      `diagnostics of ${uri} v${version}`,
      () => {
        const list = this.diagnostics.get(uri) ?? [];
        const last = list[list.length - 1];
        if (last !== undefined && last.version === version && accept(last.diagnostics)) found = last.diagnostics;
        return found !== undefined;
      },
      ms,
    );
    return found ?? [];
  }

  request<R>(method: string, params: unknown, ms = 20_000): Promise<R> {
    return withTimeout(this.connection.sendRequest(method, params) as Promise<R>, ms, method);
  }

  async shutdown(): Promise<number | null> {
    try {
      await withTimeout(this.connection.sendRequest(ShutdownRequest.type), 10_000, 'shutdown');
      await this.connection.sendNotification(ExitNotification.type);
      return await withTimeout(this.exited, 10_000, 'exit');
    } finally {
      this.dispose();
    }
  }
}

/** A diagnostic's message as text (LSP 3.18 allows markup). */
export function messageText(message: string | { value: string } | undefined): string {
  return message === undefined ? '' : typeof message === 'string' ? message : message.value;
}

export { withTimeout } from '../hang_guard';

export { fixture, freshUri, type Fixture, type Pos, type Rng } from './fixture';
