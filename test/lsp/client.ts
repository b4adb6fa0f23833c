// A test client for the bundled language server: spawns dist/server.js with
// --stdio, speaks LSP through vscode-languageserver-protocol, answers the
// server's own requests (workspace/configuration, work-done progress,
// registrations, refreshes) and records what the server pushes
// (diagnostics, swapsim/delta, swapsim/serverStatus, $/progress).
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
  onNotification<M extends NotificationMethod>(method: M, handler: (params: NotificationTypes[M]) => void): { dispose(): void } {
    return this.connection.onNotification(method, handler);
  }

  static async start(options: ClientOptions = {}): Promise<LspClient> {
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
    connection.listen();
    const capabilities: ClientCapabilities = {
      workspace: {
        configuration: options.settings !== undefined,
        didChangeConfiguration: { dynamicRegistration: options.settings !== undefined },
        inlayHint: { refreshSupport: options.inlayHintRefresh === true },
      },
      window: { workDoneProgress: options.workDoneProgress === true },
      textDocument: { publishDiagnostics: { versionSupport: true } },
    };
    client.initializeResult = await withTimeout(connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities }), 10_000, 'initialize');
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
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
    return withTimeout(
      new Promise<void>((resolve) => this.waiters.push({ check, resolve })),
      ms,
      what,
    );
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'swapsim', version: 1, text } });
  }

  /** Send edits; returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  async closeDocument(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** The diagnostics published for the document's current version (waits for them). */
  async diagnosticsFor(uri: string, accept: (d: Diagnostic[]) => boolean = () => true, ms = 10_000): Promise<Diagnostic[]> {
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
      this.connection.dispose();
      if (this.child.exitCode === null) this.child.kill();
    }
  }
}

/** A diagnostic's message as text (LSP 3.18 allows markup). */
export function messageText(message: string | { value: string } | undefined): string {
  return message === undefined ? '' : typeof message === 'string' ? message : message.value;
}

export { withTimeout } from '../hang_guard';

// ─── fixtures with markers ───────────────────────────────────────────────────

export interface Pos {
  line: number;
  character: number;
}

export interface Rng {
  start: Pos;
  end: Pos;
}

export interface Fixture {
  readonly text: string;
  /** `<|>` markers, in order. */
  readonly cursors: Pos[];
  /** `<|…|>` markers, in order. */
  readonly ranges: Rng[];
}

function positionAt(text: string, offset: number): Pos {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/**
 * Strip Langium-style markers: `<|>` is a cursor, `<|text|>` marks the range
 * of `text`. Positions refer to the text without markers.
 */
export function fixture(marked: string): Fixture {
  let out = '';
  const cursorOffsets: number[] = [];
  const rangeOffsets: [number, number][] = [];
  let openAt: number | null = null;
  let i = 0;
  while (i < marked.length) {
    if (marked.startsWith('<|>', i)) {
      cursorOffsets.push(out.length);
      i += 3;
    } else if (marked.startsWith('<|', i)) {
      if (openAt !== null) throw new Error('nested <| in fixture');
      openAt = out.length;
      i += 2;
    } else if (marked.startsWith('|>', i)) {
      if (openAt === null) throw new Error('|> without <| in fixture');
      rangeOffsets.push([openAt, out.length]);
      openAt = null;
      i += 2;
    } else {
      out += marked[i];
      i++;
    }
  }
  if (openAt !== null) throw new Error('unclosed <| in fixture');
  return {
    text: out,
    cursors: cursorOffsets.map((o) => positionAt(out, o)),
    ranges: rangeOffsets.map(([a, b]) => ({ start: positionAt(out, a), end: positionAt(out, b) })),
  };
}

let uriCounter = 0;
/** A fresh document URI per test, so one server can hold many fixtures. */
export function freshUri(name = 'doc'): string {
  return `file:///test/${name}-${++uriCounter}.swapsim`;
}
