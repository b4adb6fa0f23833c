// The real language server (dist/server.js --stdio) behind a plain JSON-RPC
// connection, as the client's code sees it: a SwapsimRequester plus the
// swapsim/delta notifications feeding a SessionStore.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { requesterOver, type SwapsimRequester } from '../../client/protocolClient';
import { SessionStore } from '../../client/session/sessionStore';
import type { SessionDelta } from '../../shared/protocol';
import { distFile } from '../foundation/repo';

export class TestServer {
  readonly store = new SessionStore();
  readonly deltas: SessionDelta[] = [];
  readonly requester: SwapsimRequester;
  private stderrText = '';
  private versions = new Map<string, number>();

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly connection: ProtocolConnection,
    private readonly exited: Promise<unknown>,
  ) {
    this.requester = requesterOver(connection);
    connection.onNotification('swapsim/delta', (delta: SessionDelta) => {
      this.deltas.push(delta);
      this.store.applyDelta(delta);
    });
    // The server may ask for settings; answer with nothing so it keeps its defaults.
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => null));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.onRequest('workspace/codeLens/refresh', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText += chunk));
  }

  static async start(): Promise<TestServer> {
    const child = spawn(process.execPath, [distFile('server.js'), '--stdio'], { stdio: 'pipe' });
    const exited = once(child, 'exit');
    const connection = createProtocolConnection(child.stdout, child.stdin);
    const server = new TestServer(child, connection, exited);
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, clientInfo: { name: 'swapsim-client-test' } });
    await connection.sendNotification(InitializedNotification.type, {});
    return server;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Open a scenario as the editor would, fetch its first snapshot into the store and focus it. */
  async open(name: string, text: string): Promise<string> {
    const uri = `file:///client-test/${name}`;
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'swapsim', version: 1, text } });
    this.store.applySnapshot(await this.requester.request('swapsim/snapshot', { uri }));
    this.store.focus(uri);
    return uri;
  }

  async replaceText(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Run to the end (or `toLine`) and take the answer into the store, as the Run command does. */
  async run(uri: string, toLine?: number): Promise<void> {
    this.store.applySnapshot(await this.requester.request('swapsim/run', toLine === undefined ? { uri } : { uri, toLine }));
  }

  async step(uri: string, direction: 'forward' | 'back' = 'forward', count = 1): Promise<void> {
    await this.requester.request('swapsim/step', { uri, direction, count });
  }

  async stop(): Promise<void> {
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
    } finally {
      this.connection.dispose();
      if (this.child.exitCode === null) this.child.kill();
    }
  }
}
