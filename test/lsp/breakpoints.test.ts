// swapsim/run with breakpoints (forward: stop before a statement on a
// breakpoint line, after at least one step) and direction 'back' (reverse
// continue), plus their parameter checks; toLine keeps its meaning
// alongside, and goes back on a line already run (issue #22: Run to Cursor
// did nothing there). Then the debugger's own requests
// (server/lsp/debug_requests.ts): parameter checks, log lines before the
// answer, line targets, the frame's repeat passes. What the debugger's stops
// are is covered in test/session/debugger.test.ts and, through the debug
// adapter, in test/client/debugAdapter.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type DebugOutput, type DebugStopResult, type LineTargets, type SessionSnapshot } from '../../shared/protocol';
import { LspClient, freshUri } from './client';

let client: LspClient;
const outputs: DebugOutput[] = [];
before(async () => {
  client = await LspClient.start();
  client.onNotification('swapsim/debugOutput', (o) => {
    outputs.push(o);
  });
});
after(async () => {
  await client.shutdown();
});

const SCENARIO = [
  '# breakpoints', // 0
  'config check_invariants=no swap_writeback=sync', // 1: each touch reads its page back from the device
  'swapon /dev/vda2 size=64M', // 2: step 1
  'task t', // 3: step 2
  'mmap t heap 1M populate', // 4: step 3
  'repeat 3 {', // 5
  '  pageout t heap pages=0..0', // 6: steps 4, 6, 8
  '  touch t heap pages=0..0', // 7: steps 5, 7, 9
  '}', // 8
  'pageout t heap', // 9: step 10
].join('\n');

async function open(text = SCENARIO): Promise<string> {
  const uri = freshUri('bp');
  await client.open(uri, text);
  await client.diagnosticsFor(uri);
  return uri;
}

function run(params: Record<string, unknown>): Promise<SessionSnapshot> {
  return client.request<SessionSnapshot>('swapsim/run', params);
}

/** Steps done and the line of the next statement (null at the end). */
function where(s: SessionSnapshot): [number, number | null] {
  return [s.step.index, s.step.next?.start.line ?? null];
}

test('forward: stops before each iteration of a breakpointed repeat body line, then runs to the end', async () => {
  const uri = await open();
  assert.deepEqual(where(await run({ uri, breakpoints: [6] })), [3, 6]);
  // Standing on the breakpoint line does not stop at once: the next hit is the next iteration.
  assert.deepEqual(where(await run({ uri, breakpoints: [6] })), [5, 6]);
  assert.deepEqual(where(await run({ uri, breakpoints: [6] })), [7, 6]);
  const end = await run({ uri, breakpoints: [6] });
  assert.deepEqual(where(end), [10, null]);
  assert.equal(end.status, 'finished');
});

test('forward: the first of several breakpoints wins; lines without a statement never stop; toLine still applies', async () => {
  const uri = await open();
  assert.deepEqual(where(await run({ uri, breakpoints: [9, 0, 5, 8, 3] })), [1, 3]);
  assert.deepEqual(where(await run({ uri, breakpoints: [9, 0, 5, 8, 3] })), [9, 9]);
  await client.request('swapsim/reset', { uri });
  // Whichever comes first: line 4 (toLine) before the breakpoint on 9.
  assert.deepEqual(where(await run({ uri, breakpoints: [9], toLine: 4 })), [2, 4]);
  // An empty list runs to the end, as no list does.
  assert.deepEqual(where(await run({ uri, breakpoints: [] })), [10, null]);
});

test('back: to the latest earlier step whose next statement is on a breakpoint line, else step 0', async () => {
  const uri = await open();
  await run({ uri });
  assert.deepEqual(where(await run({ uri, breakpoints: [6], direction: 'back' })), [7, 6]);
  assert.deepEqual(where(await run({ uri, breakpoints: [6], direction: 'back' })), [5, 6]);
  assert.deepEqual(where(await run({ uri, breakpoints: [6, 9], direction: 'back' })), [3, 6]);
  const start = await run({ uri, breakpoints: [6], direction: 'back' });
  assert.deepEqual(where(start), [0, 2]);
  assert.equal(start.status, 'ready');
  // The back movement pushed rewinding deltas for the views.
  const last = client.deltas.filter((d) => d.uri === uri).at(-1);
  assert.equal(last?.rewound, true);
  assert.equal(last?.step.index, 0);
  await run({ uri, toLine: 9 });
  assert.deepEqual(where(await run({ uri, direction: 'back' })), [0, 2]);
});

test('a long run to a breakpoint after the loop goes in slices and stops exactly there', async () => {
  const n = 20_000;
  const text = [
    'config check_invariants=no',
    'swapon /dev/vda2 size=64M',
    'task t',
    'mmap t heap 1M populate',
    `repeat ${n} {`,
    '  pageout t heap pages=0..0',
    '  touch t heap pages=0..0',
    '}',
    'pageout t heap',
  ].join('\n');
  const uri = await open(text);
  const before = client.deltas.filter((d) => d.uri === uri).length;
  const snap = await client.request<SessionSnapshot>('swapsim/run', { uri, breakpoints: [8] }, 60_000);
  assert.deepEqual(where(snap), [3 + 2 * n, 8]);
  assert.ok(client.deltas.filter((d) => d.uri === uri).length - before >= 2, 'the run was not sliced');
  // Back from there with a breakpoint inside the loop: the start of its last iteration.
  assert.deepEqual(where(await run({ uri, breakpoints: [5], direction: 'back' })), [3 + 2 * (n - 1), 5]);
});

test('bad breakpoint params answer InvalidParams and leave the session alone', async () => {
  const uri = await open();
  const bad: Record<string, unknown>[] = [
    { breakpoints: 3 },
    { breakpoints: [-1] },
    { breakpoints: [1.5] },
    { breakpoints: ['6'] },
    { breakpoints: Array.from({ length: 10_001 }, (_, i) => i) },
    { direction: 'sideways' },
    { direction: 'back', toLine: 3 },
  ];
  for (const params of bad) {
    await assert.rejects(
      run({ uri, ...params }),
      (e: { code: number; message: string }) => e.code === -32602 && e.message.length > 0,
      JSON.stringify(params).slice(0, 60),
    );
  }
  const snap = await client.request<SessionSnapshot>('swapsim/snapshot', { uri });
  assert.equal(snap.step.index, 0);
});

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
  assert.deepEqual(await client.request<LineTargets>('swapsim/lineTargets', { uri, line: 8 }), {
    line: 9,
    previous: null,
    next: 9,
  });
  const frame = await client.request<{
    repeats: { range: { start: { line: number } }; count: number; pass: number }[];
  }>('swapsim/debugFrame', { uri });
  assert.deepEqual(
    frame.repeats.map((r) => [r.range.start.line, r.count, r.pass]),
    [[5, 3, 0]],
  );
});

test('debugRun: log lines arrive before the answer; a checked spec stops where the session says', async () => {
  const uri = await open();
  outputs.length = 0;
  // Each touch reads page 0 back from the disk: pswpin is 0, 1, 2 when the touch is next.
  const spec = {
    ...EMPTY,
    breakpoints: [
      { id: 1, line: 7, logMessage: 'pswpin {/proc/vmstat pswpin}' },
      { id: 2, line: 9, condition: '/proc/vmstat pswpin >= 3' },
    ],
  };
  const stop = await client.request<DebugStopResult>('swapsim/debugRun', { uri, direction: 'forward', spec });
  assert.deepEqual([stop.reason, stop.hitBreakpointIds, stop.step.index], ['breakpoint', [2], 9]);
  assert.deepEqual(
    outputs.flatMap((o) => o.lines.map((l) => [l.line, l.step, l.text])),
    [
      [7, 4, 'pswpin 0 pages'],
      [7, 6, 'pswpin 1 pages (4 KiB)'],
      [7, 8, 'pswpin 2 pages (8 KiB)'],
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
    await assert.rejects(
      client.request('swapsim/debugRun', { uri, ...params }),
      (e: { code: number }) => e.code === -32602,
      JSON.stringify(params).slice(0, 80),
    );
  }
  await assert.rejects(
    client.request('swapsim/debugCheck', { uri, spec: 'all' }),
    (e: { code: number }) => e.code === -32602,
  );
  const broken = await open('swapon /dev/vda2 size=12Q\n');
  await assert.rejects(
    client.request('swapsim/debugRun', { uri: broken, direction: 'forward', spec: EMPTY }),
    (e: { code: number }) => e.code === -32003,
  );
  assert.equal((await client.request<SessionSnapshot>('swapsim/snapshot', { uri })).step.index, 0);
});
