// Long runs: work-done progress (client token or server-initiated),
// cancellation, the maxSteps limit, and other requests answered meanwhile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import type { SessionSnapshot, StepInfo } from '../../shared/protocol';
import { LspClient, freshUri } from './client';

let client: LspClient;
before(async () => {
  client = await LspClient.start({ workDoneProgress: true, settings: {} });
});
after(async () => {
  await client.shutdown();
});

/** 2 + 2·n steps of page-sized swapout and fault; about 20 µs a step. */
function longScenario(n: number): string {
  return [
    'config check_invariants=no',
    'swapon /dev/vda2 size=64M',
    'task t',
    'mmap t heap 1M populate',
    `repeat ${n} {`,
    '  pageout t heap pages=0..0',
    '  touch t heap pages=0..0',
    '}',
  ].join('\n');
}

async function open(text: string): Promise<string> {
  const uri = freshUri('long');
  await client.open(uri, text);
  await client.diagnosticsFor(uri);
  return uri;
}

function kinds(token: string | number): string[] {
  return client.progress.filter((p) => p.token === token).map((p) => p.value.kind);
}

test('a run with a client token reports begin, reports and end on that token', async () => {
  const uri = await open(longScenario(15_000));
  const snap = await client.request<SessionSnapshot>('swapsim/run', { uri, workDoneToken: 'run-token' }, 60_000);
  assert.equal(snap.status, 'finished');
  assert.equal(snap.step.index, 30_003);
  const seen = kinds('run-token');
  assert.equal(seen[0], 'begin');
  assert.equal(seen[seen.length - 1], 'end');
  assert.ok(seen.filter((k) => k === 'report').length >= 1, `progress: ${seen.join(' ')}`);
  // Long runs go in slices, each pushing its delta.
  assert.ok(client.deltas.filter((d) => d.uri === uri).length >= 2);
});

test('without a token, a long step creates its own progress (window/workDoneProgress/create)', async () => {
  const uri = await open(longScenario(15_000));
  const created = client.createdProgressTokens.length;
  const step = await client.request<StepInfo>('swapsim/step', { uri, direction: 'forward', count: 25_000 }, 60_000);
  assert.equal(step.index, 25_000);
  assert.equal(client.createdProgressTokens.length, created + 1);
  const token = client.createdProgressTokens[created] as string | number;
  await client.waitFor('the end of the server-created progress', () => kinds(token).includes('end'));
  assert.equal(kinds(token)[0], 'begin');
  // A short step stays quiet.
  await client.request('swapsim/step', { uri, direction: 'forward', count: 2 });
  assert.equal(client.createdProgressTokens.length, created + 1);
});

test('a cancelled run answers RequestCancelled, keeps the steps done, and the server keeps serving', async () => {
  const uri = await open(longScenario(100_000));
  const source = new CancellationTokenSource();
  const run = client.connection.sendRequest('swapsim/run', { uri }, source.token);
  // Requests for other documents are answered while the run is in progress.
  let runSettled = false;
  void run.then(
    () => (runSettled = true),
    () => (runSettled = true),
  );
  const other = await open('swapon /dev/vda2 size=1M');
  const otherSnap = await client.request<SessionSnapshot>('swapsim/snapshot', { uri: other });
  assert.equal(otherSnap.step.index, 0);
  assert.equal(runSettled, false, 'another document waited for the run to end');
  source.cancel();
  await assert.rejects(run, (e: { code: number }) => e.code === -32800);
  const snap = await client.request<SessionSnapshot>('swapsim/snapshot', { uri });
  assert.ok(snap.step.index > 0 && snap.step.index < 200_003, `stopped at ${snap.step.index}`);
  assert.equal(snap.status, 'ready');
});

test('settings: maxSteps stops a run with ResourceLimit; design and inlay hints follow the settings', async () => {
  client.settings = { design: 'p3', limits: { maxSteps: 1000 }, inlayHints: { enabled: false } };
  const pulls = client.configurationRequests.length;
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await client.waitFor('the server to pull the settings', () => client.configurationRequests.length > pulls);
  const uri = await open(longScenario(2_000));
  await assert.rejects(
    client.request('swapsim/run', { uri }),
    (e: { code: number; message: string }) => e.code === -32004 && /maxSteps/.test(e.message),
  );
  const snap = await client.request<SessionSnapshot>('swapsim/snapshot', { uri });
  assert.equal(snap.step.index, 1000);
  assert.equal(snap.design, 'p3');
  const hints = await client.request<unknown[]>('textDocument/inlayHint', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } },
  });
  assert.deepEqual(hints, []);
  // Changing a setting sessions depend on rebuilds them (rewound delta, back at step 0, new design).
  const seqBefore = snap.seq;
  client.settings = { design: 'legacy', inlayHints: { enabled: true } };
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await client.waitFor('a rebuild delta', () =>
    client.deltas.some((d) => d.uri === uri && d.seq > seqBefore && d.rewound && d.design === 'legacy'),
  );
  const after = await client.request<SessionSnapshot>('swapsim/snapshot', { uri });
  assert.equal(after.step.index, 0);
  await client.request('swapsim/step', { uri, direction: 'forward', count: 3 });
  const shown = await client.request<unknown[]>('textDocument/inlayHint', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } },
  });
  assert.ok(shown.length >= 2);
  client.settings = {};
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
});
