// The debugger's requests over real JSON-RPC (server/lsp/debug_requests.ts):
// parameter checks, log lines before the answer, line targets, and Run to
// Cursor on a line already passed (issue #22: it did nothing; it goes back).
// What the stops are is covered in test/session/debugger.test.ts and, through
// the debug adapter, in test/client/debugAdapter.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Notifications, type DebugOutput, type DebugStopResult, type LineTargets, type SessionSnapshot } from '../../shared/protocol';
import { LspClient, freshUri } from './client';

let client: LspClient;
const outputs: DebugOutput[] = [];
before(async () => {
  client = await LspClient.start();
  client.connection.onNotification(Notifications.debugOutput, (o: DebugOutput) => {
    outputs.push(o);
  });
});
after(async () => {
  await client.shutdown();
});

const SCENARIO = [
  '# debugger requests', // 0
  'config check_invariants=no', // 1
  'swapon /dev/vda2 size=64M', // 2: step 1
  'task t', // 3: step 2
  'mmap t heap 1M populate', // 4: step 3
  'repeat 3 {', // 5
  '  pageout t heap pages=0..0', // 6: steps 4, 6, 8
  '  touch t heap pages=0..0 write', // 7: steps 5, 7, 9
  '}', // 8
  'pageout t heap', // 9: step 10
].join('\n');

async function open(text = SCENARIO): Promise<string> {
  const uri = freshUri('dbg');
  await client.open(uri, text);
  await client.diagnosticsFor(uri);
  return uri;
}

function where(s: SessionSnapshot): [number, number | null] {
  return [s.step.index, s.step.next?.start.line ?? null];
}

const run = (params: Record<string, unknown>): Promise<SessionSnapshot> => client.request<SessionSnapshot>('swapsim/run', params);
const EMPTY = { breakpoints: [], exceptions: [], data: [] };

test('Run to Cursor on a line already passed goes back to where its statement ran last; on a line ahead it runs forward', async () => {
  const uri = await open();
  assert.deepEqual(where(await run({ uri, toLine: 9 })), [9, 9]);
  assert.deepEqual(where(await run({ uri, toLine: 6 })), [7, 6], 'the last pass of the repeat');
  assert.deepEqual(where(await run({ uri, toLine: 3 })), [1, 3]);
  assert.deepEqual(where(await run({ uri, toLine: 0 })), [0, 2], 'a comment line: the first statement after it');
  assert.deepEqual(where(await run({ uri, toLine: 7 })), [4, 7], 'ahead: forward, as before');
  // The end: the statement on the cursor's line ran last at step 9.
  await run({ uri });
  assert.deepEqual(where(await run({ uri, toLine: 9 })), [9, 9]);
});

test('lineTargets: the previous and next position where a line’s statement is next; debugFrame: the repeat passes', async () => {
  const uri = await open();
  await run({ uri, toLine: 7 });
  const targets = await client.request<LineTargets>('swapsim/lineTargets', { uri, line: 6 });
  assert.deepEqual(targets, { line: 6, previous: 3, next: 5 });
  assert.deepEqual(await client.request<LineTargets>('swapsim/lineTargets', { uri, line: 8 }), { line: 9, previous: null, next: 9 });
  const frame = await client.request<{ repeats: { range: { start: { line: number } }; count: number; pass: number }[] }>('swapsim/debugFrame', { uri });
  assert.deepEqual(
    frame.repeats.map((r) => [r.range.start.line, r.count, r.pass]),
    [[5, 3, 0]],
  );
});

test('debugRun: log lines arrive before the answer; a checked spec stops where the session says', async () => {
  const uri = await open();
  outputs.length = 0;
  const spec = { ...EMPTY, breakpoints: [{ id: 1, line: 7, logMessage: 'pswpout {/proc/vmstat pswpout}' }, { id: 2, line: 9, condition: '/proc/vmstat pswpout >= 3' }] };
  const stop = await client.request<DebugStopResult>('swapsim/debugRun', { uri, direction: 'forward', spec });
  assert.deepEqual([stop.reason, stop.hitBreakpointIds, stop.step.index], ['breakpoint', [2], 9]);
  assert.deepEqual(
    outputs.flatMap((o) => o.lines.map((l) => [l.line, l.step, l.text])),
    [
      [7, 4, 'pswpout 1 pages (4K)'],
      [7, 6, 'pswpout 2 pages (8K)'],
      [7, 8, 'pswpout 3 pages (12K)'],
    ],
  );
});

test('debugRun and debugCheck answer InvalidParams for malformed params, ScenarioErrors forward on a scenario with errors', async () => {
  const uri = await open();
  const bad: Record<string, unknown>[] = [
    { direction: 'sideways', spec: EMPTY },
    { direction: 'forward' },
    { direction: 'forward', spec: { breakpoints: [{ id: 1, line: -1 }], exceptions: [], data: [] } },
    { direction: 'forward', spec: { breakpoints: [], exceptions: [{ filter: 'segfault' }], data: [] } },
    { direction: 'forward', spec: { ...EMPTY, data: [{ id: 1, expression: 'x'.repeat(2001) }] } },
    { direction: 'forward', spec: EMPTY, steps: 0 },
  ];
  for (const params of bad) {
    await assert.rejects(client.request('swapsim/debugRun', { uri, ...params }), (e: { code: number }) => e.code === -32602, JSON.stringify(params).slice(0, 80));
  }
  await assert.rejects(client.request('swapsim/debugCheck', { uri, spec: 'all' }), (e: { code: number }) => e.code === -32602);
  const broken = await open('swapon /dev/vda2 size=12Q\n');
  await assert.rejects(client.request('swapsim/debugRun', { uri: broken, direction: 'forward', spec: EMPTY }), (e: { code: number }) => e.code === -32003);
  assert.equal((await client.request<SessionSnapshot>('swapsim/snapshot', { uri })).step.index, 0);
});
