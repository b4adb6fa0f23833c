// Interactive sessions stay the user's (issue #22): Testing-view runs go to
// the test worker in sessions of their own, reads are answered between the
// slices of a long run, and wire numbering never goes back after an
// eviction, so a view that missed a change notices the gap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import type { EventPage, SessionSnapshot, StepInfo, TestRunResult } from '../../shared/protocol';
import { LspClient, freshUri } from './client';

let client: LspClient;
before(async () => {
  client = await LspClient.start({ workDoneProgress: true, settings: {} });
});
after(async () => {
  await client.shutdown();
});

const SHORT = [
  'swapon /dev/vda2 size=64M', // 0
  'task t', // 1
  'mmap t heap 1M populate', // 2
  'pageout t heap', // 3
  'expect /proc/vmstat pswpout == 256', // 4
  'expect /proc/vmstat pswpin == 1', // 5: fails
].join('\n');

/** 4 + 2·outer·inner steps of page-sized swapout and fault. */
function longScenario(outer: number, inner = 1): string {
  return [
    'config check_invariants=no',
    'swapon /dev/vda2 size=64M',
    'task t',
    'mmap t heap 1M populate',
    `repeat ${outer} {`,
    `  repeat ${inner} {`,
    '    pageout t heap pages=0..0',
    '    touch t heap pages=0..0',
    '  }',
    '}',
    'expect /proc/vmstat pswpout >= 1',
  ].join('\n');
}

async function open(text: string, name = 'iso'): Promise<string> {
  const uri = freshUri(name);
  await client.open(uri, text);
  await client.diagnosticsFor(uri);
  return uri;
}

test('swapsim/test runs in a session of its own: the open document stays where the user left it', async () => {
  const uri = await open(SHORT);
  await client.request<StepInfo>('swapsim/step', { uri, direction: 'forward', count: 3 });
  const before = await client.request<SessionSnapshot>('swapsim/snapshot', { uri });
  const deltasBefore = client.deltas.filter((d) => d.uri === uri).length;
  const result = await client.request<TestRunResult>('swapsim/test', { uri });
  assert.equal(result.status, 'finished');
  assert.equal(result.step.index, 6);
  assert.deepEqual(
    result.expects.map((e) => e.passed),
    [true, false],
  );
  assert.equal(result.design, 'p4');
  // The interactive session did not move, and no view was told anything.
  const after = await client.request<SessionSnapshot>('swapsim/snapshot', { uri });
  assert.equal(after.step.index, 3);
  assert.equal(after.seq, before.seq);
  assert.equal(client.deltas.filter((d) => d.uri === uri).length, deltasBefore);
});

test('swapsim/test takes the text it is given (a file not open in the editor) and refuses a broken one', async () => {
  const uri = freshUri('unopened');
  const result = await client.request<TestRunResult>('swapsim/test', { uri, text: SHORT });
  assert.equal(result.expects.length, 2);
  await assert.rejects(
    client.request('swapsim/test', { uri, text: 'swapon' }),
    (e: { code: number; message: string }) => e.code === -32003 && /line 1/.test(e.message),
  );
  await assert.rejects(
    client.request('swapsim/test', { uri: freshUri('nothing') }),
    (e: { code: number }) => e.code === -32001,
  );
});

test('a long test run reports progress, other documents step meanwhile, and a cancel stops it', async () => {
  const other = await open(SHORT, 'other');
  const source = new CancellationTokenSource();
  let settled = false;
  const run = client.connection.sendRequest(
    'swapsim/test',
    { uri: freshUri('long-test'), text: longScenario(1000, 400), workDoneToken: 'test-token' },
    source.token,
  );
  void run.then(
    () => (settled = true),
    () => (settled = true),
  );
  await client.waitFor(
    'the test run to report progress',
    () => client.progress.some((p) => p.token === 'test-token' && p.value.kind === 'report'),
    30_000,
  );
  for (let i = 0; i < 5; i++) {
    const info = await client.request<StepInfo>('swapsim/step', {
      uri: other,
      direction: i % 2 === 0 ? 'forward' : 'back',
    });
    assert.equal(info.index, i % 2 === 0 ? 1 : 0);
  }
  assert.equal(settled, false, 'stepping waited for the test run');
  const report = client.progress.find((p) => p.token === 'test-token' && p.value.kind === 'report');
  assert.match(JSON.stringify(report?.value), /"percentage":\d+/);
  source.cancel();
  await assert.rejects(
    run,
    (e: { code: number; message: string }) => e.code === -32800 && /cancelled at step \d+/.test(e.message),
  );
  // The worker is free again for the next run.
  assert.equal((await client.request<TestRunResult>('swapsim/test', { uri: other })).status, 'finished');
});

test('reads are answered between the slices of a long run: the views stay live', async () => {
  const uri = await open(longScenario(75_000), 'live');
  let settled = false;
  const run = client.request<SessionSnapshot>('swapsim/run', { uri }, 120_000).finally(() => (settled = true));
  // Wait for the run to be under way (its first slice's delta), then ask what the views ask.
  await client.waitFor('a first slice', () => client.deltas.some((d) => d.uri === uri && d.step.index > 100));
  const events = await client.request<EventPage>('swapsim/events', { uri, start: 0, count: 10, fromEnd: true });
  const cache = await client.request<{ total: number }>('swapsim/swapCache', { uri, start: 0, limit: 10 });
  const snap = await client.request<SessionSnapshot>('swapsim/snapshot', { uri });
  assert.equal(settled, false, 'the reads waited for the whole run');
  assert.ok(events.total > 0, 'events of the steps run so far');
  assert.ok(cache.total >= 0);
  assert.ok(snap.step.index > 0 && snap.step.index < snap.step.total, `snapshot mid-run at ${snap.step.index}`);
  // The snapshot is at the step of the last delta sent: a view can continue from it.
  const last = client.deltas.filter((d) => d.uri === uri && d.seq <= snap.seq).pop();
  assert.equal(last?.step.index, snap.step.index);
  const done = await run;
  assert.equal(done.status, 'finished');
});

test('after an eviction the numbering goes on with a gap, so views resync instead of ignoring the new session', async () => {
  const first = await open(SHORT, 'evicted');
  await client.request('swapsim/step', { uri: first, direction: 'forward', count: 4 });
  const before = (await client.request<SessionSnapshot>('swapsim/snapshot', { uri: first })).seq;
  const others: string[] = [];
  for (let i = 0; i < 9; i++) {
    const uri = await open('swapon /dev/vda2 size=1M', `filler${i}`);
    await client.request('swapsim/snapshot', { uri });
    others.push(uri);
  }
  // `first` was the least recently used: gone. Using it again rebuilds it at step 0.
  const snap = await client.request<SessionSnapshot>('swapsim/snapshot', { uri: first });
  assert.equal(snap.step.index, 0);
  assert.ok(snap.seq > before + 1, `seq ${snap.seq} after ${before}: a view at ${before} must see a gap`);
  const rebuilt = client.deltas.find((d) => d.uri === first && d.seq === snap.seq);
  assert.equal(rebuilt?.rewound, true, 'the rebuilt session announced itself');
  for (const uri of [first, ...others]) await client.closeDocument(uri);
});
