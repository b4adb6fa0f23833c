// The real language server as the client's code sees it: a SwapsimRequester
// plus the swapsim/delta notifications feeding a SessionStore. Spawned and
// spoken to through the one stdio harness, test/lsp/client.ts.
import { requesterOver, type SwapsimRequester } from '../../client/protocolClient';
import { SessionStore } from '../../client/session/sessionStore';
import type { SessionDelta } from '../../shared/protocol';
import { LspClient } from '../lsp/client';

export class TestServer {
  readonly store = new SessionStore();
  readonly deltas: SessionDelta[] = [];
  readonly requester: SwapsimRequester;

  private constructor(private readonly client: LspClient) {
    this.requester = requesterOver(client.connection);
    client.onDelta((delta) => {
      this.deltas.push(delta);
      this.store.applyDelta(delta);
    });
  }

  static async start(): Promise<TestServer> {
    return new TestServer(await LspClient.start());
  }

  get stderr(): string {
    return this.client.stderr;
  }

  /** Open a scenario as the editor would, fetch its first snapshot into the store and focus it. */
  async open(name: string, text: string): Promise<string> {
    const uri = `file:///client-test/${name}`;
    await this.client.open(uri, text);
    this.store.applySnapshot(await this.requester.request('swapsim/snapshot', { uri }));
    this.store.focus(uri);
    return uri;
  }

  async replaceText(uri: string, text: string): Promise<void> {
    await this.client.change(uri, [{ text }]);
  }

  /** Run to the end (or `toLine`) and take the answer into the store, as the Run command does. */
  async run(uri: string, toLine?: number): Promise<void> {
    this.store.applySnapshot(
      await this.requester.request('swapsim/run', toLine === undefined ? { uri } : { uri, toLine }),
    );
  }

  async step(uri: string, direction: 'forward' | 'back' = 'forward', count = 1): Promise<void> {
    await this.requester.request('swapsim/step', { uri, direction, count });
  }

  async stop(): Promise<void> {
    await this.client.shutdown();
  }
}
