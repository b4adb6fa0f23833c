// Simulation sessions through the custom protocol: run, step, step back,
// run to a line, go to a step, reset — with the pushed deltas checked against
// snapshots — plus runtime diagnostics, live hovers, inlay hints, edits that
// rebuild the session, the views' on-demand requests, and errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, type InlayHint } from 'vscode-languageserver-protocol/node';
import type {
  ClusterMap,
  CompareResult,
  EventPage,
  SessionSnapshot,
  SlotRecord,
  StepInfo,
} from '../../shared/protocol';
import { LspClient, freshUri, messageText } from './client';
import { expectHover } from './expect';
import { View } from './view';

let client: LspClient;
before(async () => {
  client = await LspClient.start({ inlayHintRefresh: true });
});
after(async () => {
  await client.shutdown();
});

const SCENARIO = [
  'config ram=2G check_invariants=yes swap_writeback=sync', // 0: pageout frees the folios at once (slot 1 holds a shadow)
  'swapon /dev/vda2 size=64M', // 1
  'mkdir app', // 2
  'echo 32M > /sys/fs/cgroup/app/memory.swap.max', // 3
  'task t cgroup=app', // 4
  'mmap t heap 8M populate', // 5
  'pageout t heap', // 6
  'expect /sys/fs/cgroup/app/memory.swap.current == 8M', // 7
  'swapoff /dev/nothere', // 8
  'expect error EINVAL', // 9
  'touch t heap pages=0..15', // 10
  'expect /proc/vmstat pswpout == 1', // 11: fails, 2048 pages went out
].join('\n');

async function openScenario(text = SCENARIO): Promise<string> {
  const uri = freshUri('session');
  await client.open(uri, text);
  await client.diagnosticsFor(uri);
  return uri;
}

function snapshot(uri: string): Promise<SessionSnapshot> {
  return client.request<SessionSnapshot>('swapsim/snapshot', { uri });
}

async function errorCode(p: Promise<unknown>): Promise<number | null> {
  try {
    await p;
    return null;
  } catch (e) {
    return (e as { code: number }).code;
  }
}

test('run, step, step back, run to a line, go to a step and reset: deltas keep a view equal to the snapshot', async () => {
  const uri = await openScenario();
  const view = new View(await snapshot(uri));
  assert.equal(view.step.index, 0);
  assert.equal(view.step.total, 11, 'config lines are not steps');
  const check = async (what: string): Promise<SessionSnapshot> => {
    view.catchUp(client.deltas, uri);
    const snap = await snapshot(uri);
    view.assertMatches(snap, what);
    return snap;
  };

  let step = await client.request<StepInfo>('swapsim/step', { uri, direction: 'forward', count: 3 });
  assert.equal(step.index, 3);
  assert.equal(step.range?.start.line, 3);
  assert.equal(step.next?.start.line, 4);
  await check('after 3 steps');

  const snap = await client.request<SessionSnapshot>('swapsim/run', { uri, toLine: 7 });
  assert.equal(snap.step.index, 6);
  assert.equal(snap.step.next?.start.line, 7, 'run to line 7 stops before the statement on line 7');
  assert.equal(snap.devices[0]?.inuse, 2048);
  await check('after run to line 7');

  step = await client.request<StepInfo>('swapsim/step', { uri, direction: 'back', count: 2 });
  assert.equal(step.index, 4);
  const back = await check('after 2 steps back');
  assert.equal(back.devices[0]?.inuse, 0);
  assert.ok(
    client.deltas.some((d) => d.uri === uri && d.rewound),
    'stepping back pushes a rewound delta',
  );

  const end = await client.request<SessionSnapshot>('swapsim/run', { uri });
  assert.equal(end.status, 'finished');
  assert.equal(end.step.index, 11);
  assert.deepEqual(
    end.expects.map((e) => [e.range.start.line, e.passed]),
    [
      [7, true],
      [9, true],
      [11, false],
    ],
  );
  assert.deepEqual(
    end.errors.map((e) => [e.range.start.line, e.errno, e.expected]),
    [[8, 'EINVAL', true]],
  );
  await check('after run to the end');

  step = await client.request<StepInfo>('swapsim/gotoStep', { uri, step: 4 });
  assert.equal(step.index, 4);
  await check('after go to step 4');
  step = await client.request<StepInfo>('swapsim/gotoStep', { uri, step: 9 });
  assert.equal(step.index, 9);
  await check('after go to step 9');

  step = await client.request<StepInfo>('swapsim/reset', { uri });
  assert.equal(step.index, 0);
  const reset = await check('after reset');
  assert.deepEqual(reset.devices, []);
  assert.ok(view.applied >= 7, `view applied ${view.applied} deltas`);
});

test('after a run, runtime diagnostics join the checker’s: kernel errors, failed expects', async () => {
  const uri = await openScenario();
  await client.request('swapsim/run', { uri });
  const ds = await client.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'expect-failed'));
  const failed = ds.find((d) => d.code === 'expect-failed');
  assert.equal(failed?.range.start.line, 11);
  assert.equal(failed?.severity, DiagnosticSeverity.Error);
  assert.match(messageText(failed?.message), /expected == 1 pages, actual 2048 pages/);
  const accepted = ds.find((d) => d.code === 'EINVAL');
  assert.equal(accepted?.range.start.line, 8);
  assert.equal(accepted?.severity, DiagnosticSeverity.Information, 'an errno accepted by expect error is information');
  // Stepping back before the failing expect removes it.
  await client.request('swapsim/gotoStep', { uri, step: 10 });
  const after = await client.diagnosticsFor(uri, (d) => !d.some((x) => x.code === 'expect-failed'));
  assert.ok(after.some((d) => d.code === 'EINVAL'));
});

test('an unexpected kernel error is an Error on its line', async () => {
  const uri = await openScenario('mkdir app\nreclaim app 8M');
  await client.request('swapsim/run', { uri });
  const ds = await client.diagnosticsFor(uri, (d) => d.length > 0);
  assert.equal(ds.length, 1);
  assert.equal(ds[0]?.code, 'EAGAIN');
  assert.equal(ds[0]?.severity, DiagnosticSeverity.Error);
  assert.equal(ds[0]?.range.start.line, 1);
  assert.match(messageText(ds[0]?.message), /^EAGAIN: memory.reclaim of app: reclaimed 0 of 2048 pages \(step 2\)$/);
});

test('a scenario with checker errors has a session (status invalid) but refuses to run', async () => {
  const uri = await openScenario('swapon /dev/vda2 size=64M\nmkdir app\nmkdir app');
  const snap = await snapshot(uri);
  assert.equal(snap.status, 'invalid');
  assert.equal(await errorCode(client.request('swapsim/run', { uri })), -32003);
  assert.equal(await errorCode(client.request('swapsim/step', { uri, direction: 'forward' })), -32003);
});

test('hover shows live values of devices, cgroups and tasks once a session ran', async () => {
  const uri = await openScenario();
  await client.request('swapsim/run', { uri, toLine: 8 });
  await expectHover(
    client,
    SCENARIO.replace('mkdir app', 'mkdir a<|>pp'),
    ['swap.current 8 MiB / swap.max 32 MiB', 'tasks: t'],
    uri,
  );
  await expectHover(
    client,
    SCENARIO.replace('swapon /dev/vda2', 'swapon /dev/v<|>da2'),
    ['2,048 in use', 'Filename\tType\tSize\tUsed\tPriority', '/dev/vda2\tpartition\t65532\t8192\t-1'],
    uri,
  );
  await expectHover(
    client,
    SCENARIO.replace('task t cgroup', 'task <|>t cgroup'),
    ['alive, cgroup /app', 'swapents 2,048'],
    uri,
  );
});

test('inlay hints show what each executed line did; the client is asked to refresh them', async () => {
  const uri = await openScenario();
  const refreshes = client.inlayRefreshes;
  await client.request('swapsim/run', { uri });
  const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 12, character: 0 } },
  });
  const byLine = new Map(hints.map((h) => [h.position.line, String(h.label)]));
  assert.match(byLine.get(6) ?? '', /swapout 2048/);
  assert.equal(hints.find((h) => h.position.line === 6)?.position.character, 'pageout t heap'.length);
  assert.match(byLine.get(11) ?? '', /✗ got 2048 pages/);
  assert.match(byLine.get(8) ?? '', /EINVAL/);
  assert.ok(!byLine.has(0), 'config lines get no hint');
  await client.waitFor('an inlay hint refresh', () => client.inlayRefreshes > refreshes);
});

test('editing the document rebuilds its session and pushes a rewound delta with a higher seq', async () => {
  const uri = await openScenario();
  const ran = await client.request<SessionSnapshot>('swapsim/run', { uri });
  assert.equal(ran.devices.length, 1);
  const view = new View(ran);
  await client.change(uri, [
    { range: { start: { line: 12, character: 0 }, end: { line: 12, character: 0 } }, text: '\n# a comment' },
  ]);
  await client.waitFor('the rebuild delta', () =>
    client.deltas.some((d) => d.uri === uri && d.seq > ran.seq && d.rewound),
  );
  view.catchUp(client.deltas, uri);
  const snap = await snapshot(uri);
  assert.equal(snap.step.index, 0);
  assert.equal(snap.step.total, 11);
  view.assertMatches(snap, 'after the edit');
  // Old requests naming the old seq are stale.
  assert.equal(await errorCode(client.request('swapsim/slot', { uri, type: 0, offset: 1, seq: ran.seq })), -32002);
  // Runtime diagnostics of the old text are gone.
  const ds = await client.diagnosticsFor(uri);
  assert.ok(!ds.some((d) => d.code === 'expect-failed'));
});

test('views fetch slots, clusters, cluster maps, the swap cache, events, overhead and exports', async () => {
  const uri = await openScenario();
  await client.request('swapsim/run', { uri, toLine: 7 });
  const snap = await snapshot(uri);
  const slot = await client.request<SlotRecord>('swapsim/slot', { uri, type: 0, offset: 1, seq: snap.seq });
  assert.equal(slot.kind, 'shadow');
  assert.equal(slot.memcg?.path, '/app');
  const map = await client.request<ClusterMap>('swapsim/clusterMap', { uri, type: 0, bins: 8 });
  assert.equal(map.list.length, 8);
  assert.equal(map.seq, snap.seq);
  const clusters = await client.request<{ clusters: unknown[] }>('swapsim/clusters', {
    uri,
    type: 0,
    start: 0,
    limit: 100,
    includeFree: false,
  });
  assert.ok(clusters.clusters.length >= 4);
  const cluster = await client.request<{ backing: unknown[] }>('swapsim/cluster', { uri, type: 0, cluster: 1 });
  assert.equal(cluster.backing.length, 512);
  const cache = await client.request<{ total: number }>('swapsim/swapCache', { uri, start: 0, limit: 10 });
  assert.equal(typeof cache.total, 'number');
  const events = await client.request<EventPage>('swapsim/events', { uri, start: 0, count: 5, fromEnd: true });
  assert.equal(events.events.length, 5);
  const overhead = await client.request<{ design: string; totals: { total: number } }>('swapsim/overhead', { uri });
  assert.equal(overhead.design, 'p4');
  assert.ok(overhead.totals.total > 0);
  const csv = await client.request<{ mime: string; text: string }>('swapsim/export', { uri, format: 'counters-csv' });
  assert.equal(csv.mime, 'text/csv');
  assert.match(csv.text, /^counter,value\n/);
  const cmp = await client.request<CompareResult>('swapsim/compare', { uri, designs: ['p4', 'legacy', 'vswap'] });
  assert.deepEqual(
    cmp.tables.map((t) => t.design),
    ['p4', 'legacy', 'vswap'],
  );
});

test('setDesign rebuilds under the new design and replays to the same step', async () => {
  const uri = await openScenario();
  await client.request('swapsim/run', { uri, toLine: 7 });
  const snap = await client.request<SessionSnapshot>('swapsim/setDesign', { uri, design: 'legacy' });
  assert.equal(snap.design, 'legacy');
  assert.equal(snap.step.index, 6);
  assert.equal(snap.devices[0]?.inuse, 2048);
  const overhead = await client.request<{ design: string; lines: { structure: string }[] }>('swapsim/overhead', {
    uri,
  });
  assert.ok(overhead.lines.some((l) => l.structure === 'swap_map'));
});

test('bad requests: unknown documents, malformed params, out-of-range slots', async () => {
  const uri = await openScenario();
  assert.equal(await errorCode(client.request('swapsim/snapshot', { uri: 'file:///nope.swapsim' })), -32001);
  assert.equal(await errorCode(client.request('swapsim/snapshot', {})), -32602);
  assert.equal(await errorCode(client.request('swapsim/snapshot', null)), -32602);
  assert.equal(await errorCode(client.request('swapsim/step', { uri, direction: 'sideways' })), -32602);
  assert.equal(await errorCode(client.request('swapsim/step', { uri, direction: 'forward', count: 0 })), -32602);
  assert.equal(await errorCode(client.request('swapsim/clusterMap', { uri, type: '0', bins: 8 })), -32602);
  assert.equal(await errorCode(client.request('swapsim/clusterMap', { uri, type: 0, bins: 0 })), -32602);
  assert.equal(await errorCode(client.request('swapsim/slot', { uri, type: 5, offset: 0 })), -32602);
  assert.equal(await errorCode(client.request('swapsim/setDesign', { uri, design: 'p2' })), -32602);
  assert.equal(await errorCode(client.request('swapsim/export', { uri, format: 'xml' })), -32602);
  await client.request('swapsim/run', { uri, toLine: 7 });
  assert.equal(await errorCode(client.request('swapsim/slot', { uri, type: 0, offset: 1 << 30 })), -32602);
  // Still serving.
  assert.equal((await snapshot(uri)).step.index, 6);
});

test('at most 8 sessions live at once: the least recently used go first and come back on demand', async () => {
  const uris: string[] = [];
  for (let i = 0; i < 10; i++) {
    const uri = await openScenario('swapon /dev/vda2 size=1M');
    await snapshot(uri);
    uris.push(uri);
  }
  await client.waitFor('a status at the cap', () => client.statuses[client.statuses.length - 1]?.sessions === 8);
  // The first one was evicted; it is rebuilt transparently (its document is still open).
  assert.equal((await client.request<StepInfo>('swapsim/step', { uri: uris[0], direction: 'forward' })).index, 1);
  assert.equal(client.statuses[client.statuses.length - 1]?.sessions, 8);
  for (const uri of uris) await client.closeDocument(uri);
});

test('server status counts sessions; closing a document disposes its session', async () => {
  assert.deepEqual(client.statuses[0], { health: 'ok', sessions: 0 });
  const uri = await openScenario();
  await snapshot(uri);
  const withSession = client.statuses[client.statuses.length - 1]?.sessions ?? 0;
  assert.ok(withSession >= 1);
  await client.closeDocument(uri);
  await client.waitFor(
    'a status with one session less',
    () => (client.statuses[client.statuses.length - 1]?.sessions ?? -1) === withSession - 1,
  );
  assert.equal(await errorCode(snapshot(uri)), -32001);
});

test('Check All Invariants runs the full sweep of the current state and answers the step it looked at', async () => {
  const uri = await openScenario();
  await client.request('swapsim/step', { uri, direction: 'forward', count: 6 });
  const result = await client.request<{ step: number; problems: string[] }>('swapsim/checkInvariants', { uri });
  assert.deepEqual(result, { step: 6, problems: [] });
  assert.equal(await errorCode(client.request('swapsim/checkInvariants', { uri: freshUri('none') })), -32001);
});
