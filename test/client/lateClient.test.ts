// client/lsp/lateClient.ts: the stand-in activate() wires everything to
// before dist/client-lsp.js is loaded. Calls made early wait for the real
// client, subscriptions made early are attached to it when it arrives, and a
// failed load rejects what waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LateClient } from '../../client/lsp/lateClient';
import type { ClientPhaseChange, ServerClient } from '../../client/lsp/serverClient';

/** A ServerClient that records what it is asked and lets the test fire notifications and phase changes. */
class RecordingClient implements ServerClient {
  readonly calls: string[] = [];
  readonly notificationHandlers = new Map<string, Set<(params: unknown) => void>>();
  readonly phaseListeners = new Set<(change: ClientPhaseChange) => void>();
  running = false;

  sendRequest<R>(method: string, params: unknown, token?: unknown): Promise<R> {
    this.calls.push(`request ${method} ${JSON.stringify(params)}${token === undefined ? '' : ' +token'}`);
    return Promise.resolve({ answered: method } as R);
  }
  onNotification<P>(method: string, handler: (params: P) => void): { dispose(): void } {
    const handlers = this.notificationHandlers.get(method) ?? new Set();
    this.notificationHandlers.set(method, handlers);
    const wrapped = (params: unknown): void => handler(params as P);
    handlers.add(wrapped);
    return { dispose: () => handlers.delete(wrapped) };
  }
  onDidChangePhase(listener: (change: ClientPhaseChange) => void): { dispose(): void } {
    this.phaseListeners.add(listener);
    return { dispose: () => this.phaseListeners.delete(listener) };
  }
  notify(method: string, params: unknown): void {
    for (const handler of this.notificationHandlers.get(method) ?? []) handler(params);
  }
  changePhase(change: ClientPhaseChange): void {
    for (const listener of this.phaseListeners) listener(change);
  }
  start(): Promise<void> {
    this.calls.push('start');
    this.running = true;
    return Promise.resolve();
  }
  restart(): Promise<void> {
    this.calls.push('restart');
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.calls.push('stop');
    this.running = false;
    return Promise.resolve();
  }
  isRunning(): boolean {
    return this.running;
  }
}

/** Lets pending promise callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('calls made before the client arrives wait for it, then go through in order', async () => {
  const late = new LateClient();
  const started = late.start();
  const answer = late.sendRequest<{ answered: string }>('swapsim/snapshot', { uri: 'file:///a.swapsim' });
  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };
  const withToken = late.sendRequest('swapsim/step', { n: 1 }, token);
  assert.equal(late.isRunning(), false, 'nothing runs before the client exists');
  assert.equal(late.attached, false);
  await settle();
  const real = new RecordingClient();
  late.attach(real);
  await started;
  assert.deepEqual(await answer, { answered: 'swapsim/snapshot' });
  await withToken;
  assert.deepEqual(real.calls, [
    'start',
    'request swapsim/snapshot {"uri":"file:///a.swapsim"}',
    'request swapsim/step {"n":1} +token',
  ]);
  assert.equal(late.isRunning(), true);
  assert.equal(late.attached, true);
  await late.restart();
  await late.stop();
  assert.deepEqual(real.calls.slice(3), ['restart', 'stop']);
  assert.equal(late.isRunning(), false);
});

test('early subscriptions are attached on arrival; one disposed before then never is', () => {
  const late = new LateClient();
  const statuses: unknown[] = [];
  const phases: ClientPhaseChange[] = [];
  late.onNotification('swapsim/serverStatus', (status) => statuses.push(status));
  late.onDidChangePhase((change) => phases.push(change));
  const dropped: unknown[] = [];
  late.onNotification('swapsim/serverStatus', (status) => dropped.push(status)).dispose();

  const real = new RecordingClient();
  late.attach(real);
  assert.equal(real.notificationHandlers.get('swapsim/serverStatus')?.size, 1);
  real.notify('swapsim/serverStatus', { busy: true });
  real.changePhase({ oldPhase: 'starting', newPhase: 'running' });
  assert.deepEqual(statuses, [{ busy: true }]);
  assert.deepEqual(dropped, []);
  assert.deepEqual(phases, [{ oldPhase: 'starting', newPhase: 'running' }]);
});

test('disposing an early subscription after arrival detaches it from the real client', () => {
  const late = new LateClient();
  const seen: unknown[] = [];
  const subscription = late.onNotification('swapsim/delta', (delta) => seen.push(delta));
  const real = new RecordingClient();
  late.attach(real);
  real.notify('swapsim/delta', 1);
  subscription.dispose();
  real.notify('swapsim/delta', 2);
  assert.deepEqual(seen, [1]);
  assert.equal(real.notificationHandlers.get('swapsim/delta')?.size, 0);
});

test('subscriptions and calls after arrival go straight to the real client', async () => {
  const late = new LateClient();
  const real = new RecordingClient();
  late.attach(real);
  const seen: ClientPhaseChange[] = [];
  late.onDidChangePhase((change) => seen.push(change));
  assert.equal(real.phaseListeners.size, 1);
  real.changePhase({ oldPhase: 'running', newPhase: 'stopped' });
  assert.deepEqual(seen, [{ oldPhase: 'running', newPhase: 'stopped' }]);
  assert.deepEqual(await late.sendRequest('swapsim/views', {}), { answered: 'swapsim/views' });
});

test('a failed load rejects waiting and later calls; the client can arrive only once', async () => {
  const late = new LateClient();
  const waiting = late.start();
  const request = late.sendRequest('swapsim/snapshot', {});
  const failure = new Error('client-lsp.js: cannot find module');
  late.fail(failure);
  await assert.rejects(waiting, failure);
  await assert.rejects(request, failure);
  await assert.rejects(late.restart(), failure);
  assert.equal(late.isRunning(), false);
  assert.throws(() => late.attach(new RecordingClient()), /already attached/);

  const twice = new LateClient();
  twice.attach(new RecordingClient());
  assert.throws(() => twice.attach(new RecordingClient()), /already attached/);
  assert.throws(() => twice.fail(new Error('late')), /already attached/);
});
