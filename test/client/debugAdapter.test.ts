// The scenario debugger (client/debug/scenarioDebugSession.ts) driven with
// Debug Adapter Protocol messages against the real language server: the
// adapter's requester is a JSON-RPC connection to dist/server.js, and
// "opening the program" reads the scenario file from disk and sends didOpen,
// as VS Code does when the extension opens the document. The second half
// covers the breakpoints and views of issue #20: conditions, hit counts,
// logpoints, exception filters, data breakpoints, goto targets, evaluate and
// completion, readMemory, the repeat pass in the frame.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ScenarioDebugSession, THREAD_ID, type ScenarioDocument } from '../../client/debug/scenarioDebugSession';
import { requesterOver } from '../../client/protocolClient';
import { type DebugOutput, type SessionSnapshot } from '../../shared/protocol';
import { LspClient, withTimeout } from '../lsp/client';

type DapMessage = DebugProtocol.Response | DebugProtocol.Event;
const isResponse = (m: DapMessage): m is DebugProtocol.Response => m.type === 'response';
const isEvent = (m: DapMessage, event?: string): m is DebugProtocol.Event =>
  m.type === 'event' && (event === undefined || (m as DebugProtocol.Event).event === event);

let client: LspClient;
let folder: string;
/** swapsim/debugOutput listeners, as register.ts routes them. */
const outputListeners = new Set<(output: DebugOutput) => void>();
before(async () => {
  client = await LspClient.start();
  client.onNotification('swapsim/debugOutput', (output) => {
    for (const l of outputListeners) l(output);
  });
  folder = await mkdtemp(path.join(tmpdir(), 'swapsim-dap-'));
});
after(async () => {
  await client.shutdown();
  await rm(folder, { recursive: true, force: true });
});

// 1-based line numbers, as the debugger shows them, on the right.
const SCENARIO = [
  '# Debugged by debugAdapter.test.ts.', // 1
  'config check_invariants=no swap_writeback=sync', // 2: each touch reads its pages back from the device
  'swapon /dev/vda2 size=64M -p 5   # the device', // 3: step 1
  'mkdir app', // 4: step 2
  'task t cgroup=app', // 5: step 3
  'mmap t heap 1M populate', // 6: step 4
  'repeat 2 {', // 7
  '  pageout t heap pages=0..3', // 8: steps 5, 7
  '  touch t heap pages=0..3', // 9: steps 6, 8
  '}', // 10
  'pageout t heap', // 11: step 9
  '',
].join('\n');
const TOTAL = 9;

let files = 0;
async function scenarioFile(text: string): Promise<string> {
  const file = path.join(folder, `scenario-${++files}.swapsim`);
  await writeFile(file, text);
  return file;
}

/** Opens the program as the extension would: the server gets a didOpen of the file's text. */
async function openScenario(program: string): Promise<ScenarioDocument> {
  const text = await readFile(program, 'utf8');
  const uri = pathToFileURL(program).href;
  await client.open(uri, text);
  return { uri, text: () => text };
}

/** Sends DAP requests to an adapter and collects what it sends back. */
class DapDriver {
  readonly adapter = new ScenarioDebugSession({
    server: requesterOver(client.connection),
    openScenario,
    onSessionStep: (uri, listener) => client.onDelta((delta) => delta.uri === uri && listener(delta.step)),
    onDebugOutput: (uri, listener) => {
      const l = (output: DebugOutput): void => {
        if (output.uri === uri) listener(output.lines);
      };
      outputListeners.add(l);
      return { dispose: () => outputListeners.delete(l) };
    },
  });
  readonly messages: DapMessage[] = [];
  private seq = 1;
  private waiters: (() => void)[] = [];

  constructor() {
    this.adapter.onDidSendMessage((message) => {
      this.messages.push(message as DapMessage);
      for (const wake of this.waiters) wake();
    });
  }

  get events(): DebugProtocol.Event[] {
    return this.messages.filter((m): m is DebugProtocol.Event => m.type === 'event');
  }

  private waitUntil<T>(what: string, find: () => T | undefined): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return withTimeout(
      new Promise<T>((resolve) => {
        const wake = (): void => {
          const hit = find();
          if (hit === undefined) return;
          this.waiters = this.waiters.filter((w) => w !== wake);
          resolve(hit);
        };
        this.waiters.push(wake);
      }),
      20_000,
      what,
    );
  }

  request(command: string, args?: Record<string, unknown>): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    this.adapter.handleMessage({ seq, type: 'request', command, arguments: args } as DebugProtocol.Request);
    return this.waitUntil(`the response to ${command}`, () =>
      this.messages.find((m): m is DebugProtocol.Response => isResponse(m) && m.request_seq === seq),
    );
  }

  async ok<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    const response = await this.request(command, args);
    assert.equal(response.success, true, `${command} failed: ${response.message}`);
    return response.body as T;
  }

  /** The first `event` sent after message number `from`. */
  eventAfter(from: number, event: string): Promise<DebugProtocol.Event> {
    return this.waitUntil(`a ${event} event`, () =>
      this.messages.slice(from).find((m): m is DebugProtocol.Event => isEvent(m, event)),
    );
  }

  /** Send a request and wait for the stop it leads to. */
  async stopAfter(
    command: string,
    args: Record<string, unknown> = { threadId: THREAD_ID },
  ): Promise<DebugProtocol.StoppedEvent['body']> {
    const mark = this.messages.length;
    await this.ok(command, args);
    const stopped = await this.eventAfter(mark, 'stopped');
    return stopped.body as DebugProtocol.StoppedEvent['body'];
  }

  async frames(): Promise<DebugProtocol.StackFrame[]> {
    return (await this.ok<DebugProtocol.StackTraceResponse['body']>('stackTrace', { threadId: THREAD_ID })).stackFrames;
  }

  async topFrame(): Promise<DebugProtocol.StackFrame & { source: { path: string } }> {
    const top = (await this.frames())[0];
    assert.ok(top?.source?.path !== undefined, 'a top frame with a source');
    return top as DebugProtocol.StackFrame & { source: { path: string } };
  }

  /** Output events sent after message number `from`. */
  outputAfter(from: number): DebugProtocol.OutputEvent['body'][] {
    return this.messages
      .slice(from)
      .flatMap((m) => (isEvent(m, 'output') ? [(m as DebugProtocol.OutputEvent).body] : []));
  }

  async variables(ref: number): Promise<{ name: string; value: string; variablesReference: number }[]> {
    return (
      await this.ok<{ variables: { name: string; value: string; variablesReference: number }[] }>('variables', {
        variablesReference: ref,
      })
    ).variables;
  }

  async scope(prefix: string): Promise<{ name: string; value: string; variablesReference: number }[]> {
    const { scopes } = await this.ok<{ scopes: { name: string; variablesReference: number }[] }>('scopes', {
      frameId: 1,
    });
    const scope = scopes.find((s) => s.name.startsWith(prefix));
    assert.ok(scope, `no scope ${prefix} in ${scopes.map((s) => s.name).join(', ')}`);
    return this.variables(scope.variablesReference);
  }
}

async function snapshotOf(program: string): Promise<SessionSnapshot> {
  return client.request<SessionSnapshot>('swapsim/snapshot', { uri: pathToFileURL(program).href });
}

/** initialize, launch, setBreakpoints and configurationDone, as VS Code sends them; returns the first stop. */
const INITIALIZE = { adapterID: 'swapsim', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' };

async function launch(
  d: DapDriver,
  program: string,
  lines: number[],
  stopOnEntry = true,
): Promise<{ reason: string; breakpoints: { verified: boolean; line: number; message?: string }[] }> {
  await d.ok('initialize', INITIALIZE);
  await d.ok('launch', { program, stopOnEntry });
  const { breakpoints } = await d.ok<{ breakpoints: { verified: boolean; line: number; message?: string }[] }>(
    'setBreakpoints',
    { source: { path: program }, breakpoints: lines.map((line) => ({ line })) },
  );
  const stop = await d.stopAfter('configurationDone', {});
  return { reason: stop.reason, breakpoints };
}

test('a debugging session: entry, breakpoints, next, step back, reverse continue, variables, the end, restart, disconnect', async () => {
  const program = await scenarioFile(SCENARIO);
  const d = new DapDriver();

  const capabilities = await d.ok<DebugProtocol.Capabilities>('initialize', INITIALIZE);
  for (const c of [
    'supportsConfigurationDoneRequest',
    'supportsStepBack',
    'supportsTerminateRequest',
    'supportsRestartRequest',
  ] as const)
    assert.equal(capabilities[c], true, c);
  assert.ok(d.events.some((e) => e.event === 'initialized'));

  await d.ok('launch', { program, stopOnEntry: true });
  const { breakpoints } = await d.ok<{ breakpoints: { verified: boolean; line: number; message?: string }[] }>(
    'setBreakpoints',
    {
      source: { path: program },
      breakpoints: [{ line: 8 }, { line: 7 }, { line: 1 }, { line: 2 }, { line: 10 }, { line: 11 }],
    },
  );
  assert.deepEqual(
    breakpoints.map((b) => [b.line, b.verified]),
    [
      [8, true],
      [7, false],
      [1, false],
      [2, false],
      [10, false],
      [11, true],
    ],
  );
  assert.ok(breakpoints.filter((b) => !b.verified).every((b) => (b.message ?? '').includes('no statement')));

  // Entry: before the first statement, nothing run.
  const entry = await d.stopAfter('configurationDone', {});
  assert.equal(entry.reason, 'entry');
  let frame = await d.topFrame();
  assert.equal(frame.line, 3);
  assert.equal(frame.source.path, program);
  // The same position as the status bar's `step 0 / 9` (issue #22: not `step 1 / 9`).
  assert.equal(frame.name, 'swapon /dev/vda2 size=64M -p 5 · step 0 / 9');
  assert.deepEqual((await d.ok<{ threads: { id: number; name: string }[] }>('threads')).threads, [
    { id: THREAD_ID, name: 'scenario' },
  ]);
  assert.equal((await d.scope('Swap devices')).length, 0);
  assert.equal((await snapshotOf(program)).step.index, 0);

  // Continue to the breakpoint in the repeat body: the swapon has run, so the device shows.
  assert.equal((await d.stopAfter('continue')).reason, 'breakpoint');
  frame = await d.topFrame();
  assert.equal(frame.line, 8);
  assert.equal(frame.name, 'pageout t heap pages=0..3 · step 4 / 9 · pass 1 / 2');
  assert.equal((await snapshotOf(program)).step.index, 4);
  const devices = await d.scope('Swap devices');
  assert.equal(devices.length, 1);
  assert.equal(devices[0]!.name, '/dev/vda2');
  const columns = await d.variables(devices[0]!.variablesReference);
  const column = (name: string): string | undefined => columns.find((v) => v.name === name)?.value;
  assert.equal(column('Filename'), '/dev/vda2');
  assert.equal(column('Type'), 'partition');
  assert.equal(column('Size'), `${64 * 1024 - 4} kB`);
  assert.equal(column('Priority'), '5');
  const cgroups = await d.scope('Memory cgroups');
  const app = cgroups.find((c) => c.name === '/app');
  assert.ok(app, `cgroups: ${cgroups.map((c) => c.name).join(', ')}`);
  const appFiles = await d.variables(app.variablesReference);
  assert.match(appFiles.find((v) => v.name === 'memory.current')?.value ?? '', /^1048576 \(1 MiB\)$/);

  // Next, then Step Back.
  assert.equal((await d.stopAfter('next')).reason, 'step');
  assert.equal((await d.topFrame()).line, 9);
  assert.equal((await snapshotOf(program)).step.index, 5);
  const vmstat = await d.ok<{ result: string }>('evaluate', { expression: '/proc/vmstat pswpout', context: 'repl' });
  assert.equal(vmstat.result, '4 pages (16 KiB)');
  const unknown = await d.request('evaluate', { expression: 'swap_info[0].flags', context: 'repl' });
  assert.equal(unknown.success, false);
  assert.match(unknown.message ?? '', /is not an observable: use a file path/);

  assert.equal((await d.stopAfter('stepBack')).reason, 'step');
  assert.equal((await d.topFrame()).line, 8);
  assert.equal((await snapshotOf(program)).step.index, 4);

  // Continue: the same line in the second iteration.
  assert.equal((await d.stopAfter('continue')).reason, 'breakpoint');
  assert.equal((await d.topFrame()).line, 8);
  assert.equal((await snapshotOf(program)).step.index, 6);

  // Reverse Continue: the first iteration's stop, then step 0.
  assert.equal((await d.stopAfter('reverseContinue')).reason, 'breakpoint');
  assert.equal((await snapshotOf(program)).step.index, 4);
  assert.equal((await d.stopAfter('reverseContinue')).reason, 'entry');
  assert.equal((await d.topFrame()).line, 3);
  assert.equal((await snapshotOf(program)).step.index, 0);

  // Without breakpoints, Continue reaches the end and stops there, still steppable.
  await d.ok('setBreakpoints', { source: { path: program }, breakpoints: [] });
  const end = await d.stopAfter('continue');
  assert.equal(end.description, 'end of scenario');
  frame = await d.topFrame();
  assert.equal(frame.line, 11);
  assert.equal(frame.name, 'pageout t heap · step 9 / 9, ended');
  assert.equal((await snapshotOf(program)).step.index, TOTAL);
  assert.equal((await d.stopAfter('stepBack')).reason, 'step');
  assert.equal((await snapshotOf(program)).step.index, TOTAL - 1);
  assert.ok(!d.events.some((e) => e.event === 'terminated'), 'the session ended by itself');

  // Restart: back to step 0, stopped on entry.
  assert.equal((await d.stopAfter('restart', {})).reason, 'entry');
  assert.equal((await snapshotOf(program)).step.index, 0);

  const mark = d.messages.length;
  await d.ok('disconnect', { restart: false });
  await d.eventAfter(mark, 'terminated');
});

test('stopOnEntry false runs to the first breakpoint; breakpoints on another file are not verified', async () => {
  const program = await scenarioFile(SCENARIO);
  const d = new DapDriver();
  const { reason } = await launch(d, program, [9], false);
  assert.equal(reason, 'breakpoint');
  assert.equal((await d.topFrame()).line, 9);
  assert.equal((await snapshotOf(program)).step.index, 5);
  const other = await d.ok<{ breakpoints: { verified: boolean }[] }>('setBreakpoints', {
    source: { path: path.join(folder, 'other.swapsim') },
    breakpoints: [{ line: 3 }],
  });
  assert.equal(other.breakpoints[0]?.verified, false);
  await d.ok('terminate', {});
});

test('Pause stops a long Continue where it got to; the steps done stay done', async () => {
  const long = [
    'config check_invariants=no',
    'swapon /dev/vda2 size=64M',
    'task t',
    'mmap t heap 1M populate',
    'repeat 100000 {',
    '  pageout t heap pages=0..0',
    '  touch t heap pages=0..0',
    '}',
    '',
  ].join('\n');
  const program = await scenarioFile(long);
  const d = new DapDriver();
  await launch(d, program, []);
  const mark = d.messages.length;
  await d.ok('continue', { threadId: THREAD_ID });
  // Let the run get going (the server pushes a delta per slice), then pause it.
  const uri = pathToFileURL(program).href;
  await client.waitFor(
    'a slice of the run',
    () => client.deltas.some((x) => x.uri === uri && x.step.index > 3),
    20_000,
  );
  await d.ok('pause', { threadId: THREAD_ID });
  const stopped = await d.eventAfter(mark, 'stopped');
  assert.equal((stopped.body as { reason: string }).reason, 'pause');
  const index = (await snapshotOf(program)).step.index;
  assert.ok(index > 3 && index < 200_003, `paused at ${index}`);
  assert.match((await d.topFrame()).name, new RegExp(` · step ${index} / 200003 · pass \\d+ / 100000$`));
  await d.ok('disconnect', {});
});

test('launch errors: checker errors, a missing file, not a scenario, no program — an error response and terminated, never a hang', async () => {
  const broken = await scenarioFile('# broken\nswapon /dev/vda2 size=16M\nswapon /dev/vdx size=12Q\n');
  const text = path.join(folder, 'notes.txt');
  await writeFile(text, 'not a scenario');
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { program: broken },
      /cannot debug .*scenario-\d+\.swapsim: the scenario has errors and cannot run \(line 3: .*\)/,
    ],
    [{ program: path.join(folder, 'missing.swapsim') }, /cannot debug .*missing\.swapsim: .*ENOENT/],
    [{ program: text }, /only \.swapsim scenarios can be debugged/],
    [{}, /needs 'program'/],
  ];
  for (const [args, message] of cases) {
    const d = new DapDriver();
    await d.ok('initialize', INITIALIZE);
    const mark = d.messages.length;
    const response = await d.request('launch', args);
    assert.equal(response.success, false, JSON.stringify(args));
    assert.match(response.message ?? '', message);
    await d.eventAfter(mark, 'terminated');
    // Requests after a failed launch answer too.
    const setBps = await d.ok<{ breakpoints: { verified: boolean }[] }>('setBreakpoints', {
      source: { path: String(args.program) },
      breakpoints: [{ line: 2 }],
    });
    assert.equal(setBps.breakpoints[0]?.verified, false);
    assert.equal((await d.request('next', { threadId: THREAD_ID })).success, false);
  }
});

test('the frame follows the session when something else moves it (a stepping command); a move of the debugger itself stops once', async () => {
  const program = await scenarioFile(SCENARIO);
  const uri = pathToFileURL(program).href;
  const d = new DapDriver();
  assert.equal((await launch(d, program, [])).reason, 'entry');

  // The Step command of the extension: the same request, sent by someone else.
  let mark = d.messages.length;
  await client.request('swapsim/step', { uri, direction: 'forward', count: 2 });
  const moved = await d.eventAfter(mark, 'stopped');
  assert.equal((moved.body as { description?: string }).description, 'the session moved outside the debugger');
  assert.equal((await d.topFrame()).line, 5);

  // The debugger's own Next: one stop, not a second one for its delta.
  mark = d.messages.length;
  assert.equal((await d.stopAfter('next')).reason, 'step');
  assert.equal((await d.topFrame()).line, 6);
  await client.request('swapsim/snapshot', { uri });
  assert.equal(d.messages.slice(mark).filter((m) => isEvent(m, 'stopped')).length, 1);
  await d.ok('disconnect', {});

  // After the session ended, moves elsewhere are not reported.
  mark = d.messages.length;
  await client.request('swapsim/step', { uri, direction: 'back' });
  await client.request('swapsim/snapshot', { uri });
  assert.equal(d.messages.slice(mark).filter((m) => isEvent(m, 'stopped')).length, 0);
});

// ----------------------------------------------------------------- issue #20

/** The variables of a scope's child, by names down the tree (`['/dev/vda2', 'clusters in use']`). */
async function variablesAt(d: DapDriver, scope: string, names: string[]): Promise<DebugProtocol.Variable[]> {
  let list = (await d.scope(scope)) as DebugProtocol.Variable[];
  for (const name of names) {
    const v = list.find((x) => x.name === name);
    assert.ok(
      v !== undefined && v.variablesReference > 0,
      `no expandable ${name} in ${list.map((x) => x.name).join(', ')}`,
    );
    list = await d.variables(v.variablesReference);
  }
  return list;
}

test('capabilities: conditions, hit counts, logpoints, exception filters, data breakpoints, goto targets, completion, readMemory', async () => {
  const d = new DapDriver();
  const c = await d.ok<DebugProtocol.Capabilities>('initialize', INITIALIZE);
  for (const key of [
    'supportsConditionalBreakpoints',
    'supportsHitConditionalBreakpoints',
    'supportsLogPoints',
    'supportsExceptionFilterOptions',
    'supportsExceptionInfoRequest',
    'supportsDataBreakpoints',
    'supportsGotoTargetsRequest',
    'supportsCompletionsRequest',
    'supportsReadMemoryRequest',
  ] as const) {
    assert.equal(c[key], true, key);
  }
  assert.deepEqual(
    c.exceptionBreakpointFilters?.map((f) => f.filter),
    ['error', 'caughtError', 'expect', 'invariant', 'oom', 'swapFull'],
  );
  assert.equal(c.exceptionBreakpointFilters?.find((f) => f.filter === 'error')?.supportsCondition, true);
});

test('conditional, hit-count and log breakpoints: the server decides per step; a condition that does not check is unverified with the checker’s message', async () => {
  const program = await scenarioFile(SCENARIO);
  const d = new DapDriver();
  await d.ok('initialize', INITIALIZE);
  await d.ok('launch', { program, stopOnEntry: false });
  const { breakpoints } = await d.ok<DebugProtocol.SetBreakpointsResponse['body']>('setBreakpoints', {
    source: { path: program },
    breakpoints: [
      { line: 9, condition: '/proc/vmstat pswpin >= 4' },
      { line: 8, hitCondition: '2' },
      { line: 11, logMessage: 'before the last pageout: pswpin={/proc/vmstat pswpin}, {memory.swap.current}' },
      { line: 4, condition: 'slot /dev/vda2 1 cnt == 1' },
      { line: 5, hitCondition: 'often' },
    ],
  });
  assert.deepEqual(
    breakpoints.map((b) => b.verified),
    [true, true, true, false, false],
  );
  assert.match(breakpoints[3]!.message ?? '', /^condition: unknown slot field 'cnt'/);
  assert.match(breakpoints[4]!.message ?? '', /^hit count: 'often' is not a hit count/);
  const mark = d.messages.length;
  const first = await d.stopAfter('configurationDone', {});
  // Line 8 is next at steps 4 and 6: the second time.
  assert.deepEqual([first.reason, first.hitBreakpointIds], ['breakpoint', [breakpoints[1]!.id]]);
  assert.equal((await snapshotOf(program)).step.index, 6);
  // Line 9 is next at steps 5 and 7; pswpin reaches 4 with the first touch.
  const second = await d.stopAfter('continue');
  assert.deepEqual([second.reason, second.hitBreakpointIds], ['breakpoint', [breakpoints[0]!.id]]);
  assert.equal((await snapshotOf(program)).step.index, 7);
  const end = await d.stopAfter('continue');
  assert.equal(end.description, 'end of scenario');
  const logs = d.outputAfter(mark).filter((o) => o.category === 'console');
  assert.equal(logs.length, 1, 'a logpoint prints and does not stop');
  assert.equal(logs[0]!.output, 'before the last pageout: pswpin=8 pages (32 KiB), { /app: 16 KiB (16384 B) }\n');
  assert.equal(logs[0]!.line, 11);
  assert.equal(logs[0]!.source?.path, program);
  await d.ok('disconnect', {});
});

test('exception filters: an errno filter, failed expects, a mistyped errno unverified; exceptionInfo names the statement', async () => {
  const text = [
    'config ram=64M', // 1
    'swapon /dev/vda2 size=1M', // 2
    'mkdir app', // 3
    'task t cgroup=app', // 4
    'mmap t heap 2M populate', // 5
    'swapon /dev/vda2 size=1M', // 6: EBUSY, accepted below
    'expect error EBUSY', // 7
    'expect /proc/vmstat pswpout == 99', // 8: fails
    'pageout t heap', // 9: fills the device
    'echo 1M > /sys/fs/cgroup/app/memory.reclaim', // 10: EAGAIN
    'expect ok', // 11: fails (EAGAIN)
    '',
  ].join('\n');
  const program = await scenarioFile(text);
  const d = new DapDriver();
  await d.ok('initialize', INITIALIZE);
  await d.ok('launch', { program, stopOnEntry: true });
  const { breakpoints } = await d.ok<DebugProtocol.SetExceptionBreakpointsResponse['body'] & object>(
    'setExceptionBreakpoints',
    {
      filters: ['expect'],
      filterOptions: [
        { filterId: 'error', condition: 'EAGAIN' },
        { filterId: 'caughtError', condition: 'ENOMEN' },
      ],
    },
  );
  assert.deepEqual(
    breakpoints?.map((b) => b.verified),
    [true, true, false],
  );
  assert.equal(
    breakpoints?.[2]?.message,
    "unknown errno 'ENOMEN' (did you mean 'ENOMEM'?): list errno names such as ENOMEM EAGAIN",
  );
  await d.stopAfter('configurationDone', {});
  let stop = await d.stopAfter('continue');
  assert.deepEqual([stop.reason, stop.text], ['exception', 'expect-failed']);
  assert.match(stop.description ?? '', /^expect failed: .*pswpout == 99.* \(line 8, step 7\)$/);
  const info = await d.ok<DebugProtocol.ExceptionInfoResponse['body']>('exceptionInfo', { threadId: THREAD_ID });
  assert.equal(info.exceptionId, 'expect-failed');
  assert.equal(info.breakMode, 'always');
  assert.equal(info.details?.typeName, 'Failed expects');
  stop = await d.stopAfter('continue');
  assert.deepEqual([stop.reason, stop.text], ['exception', 'EAGAIN']);
  assert.equal((await snapshotOf(program)).step.index, 9, 'the stop is right after the failing step');
  stop = await d.stopAfter('continue');
  assert.deepEqual([stop.reason, stop.text], ['exception', 'expect-failed'], 'the expect ok after it');
  // Back: right before the failing step, which is next again.
  stop = await d.stopAfter('reverseContinue');
  assert.deepEqual([stop.reason, stop.text], ['exception', 'expect-failed']);
  assert.equal((await snapshotOf(program)).step.index, 9);
  assert.equal((await d.topFrame()).line, 11);
  await d.ok('disconnect', {});
});

test('data breakpoints from the Variables view and from an expression: the step that changes the value, forward and back', async () => {
  const program = await scenarioFile(SCENARIO);
  const d = new DapDriver();
  await launch(d, program, []);
  for (let i = 0; i < 4; i++) await d.stopAfter('next');
  const counters = await d.scope('Counters');
  const vmstat = counters.find((v) => v.name === '/proc/vmstat');
  assert.ok(vmstat);
  const vmstatKeys = await d.variables(vmstat.variablesReference);
  assert.equal(
    (vmstatKeys.find((v) => v.name === 'pswpout') as DebugProtocol.Variable | undefined)?.evaluateName,
    '/proc/vmstat pswpout',
  );
  const info = await d.ok<DebugProtocol.DataBreakpointInfoResponse['body']>('dataBreakpointInfo', {
    variablesReference: vmstat.variablesReference,
    name: 'pswpout',
  });
  assert.equal(info.dataId, '/proc/vmstat pswpout');
  assert.deepEqual(info.accessTypes, ['write']);
  const byExpression = await d.ok<DebugProtocol.DataBreakpointInfoResponse['body']>('dataBreakpointInfo', {
    name: 'slot  /dev/vda2 1',
  });
  assert.equal(byExpression.dataId, 'slot /dev/vda2 1');
  const device = (await d.scope('Swap devices'))[0]!;
  const deviceFields = await d.variables(device.variablesReference);
  const none = await d.ok<DebugProtocol.DataBreakpointInfoResponse['body']>('dataBreakpointInfo', {
    variablesReference: device.variablesReference,
    name: 'swap type',
  });
  assert.ok(deviceFields.some((v) => v.name === 'swap type'));
  assert.equal(none.dataId, null);
  const bad = await d.ok<DebugProtocol.DataBreakpointInfoResponse['body']>('dataBreakpointInfo', {
    name: 'slot /dev/vdb 1',
  });
  assert.equal(bad.dataId, null);
  assert.match(bad.description, /not an active swap area/);

  const set = await d.ok<DebugProtocol.SetDataBreakpointsResponse['body']>('setDataBreakpoints', {
    breakpoints: [{ dataId: '/proc/vmstat pswpout' }, { dataId: 'slot /dev/vda2 1', hitCondition: '2' }],
  });
  assert.deepEqual(
    set.breakpoints.map((b) => b.verified),
    [true, false],
  );
  assert.match(set.breakpoints[1]!.message ?? '', /hit counts are not supported/);
  let stop = await d.stopAfter('continue');
  assert.deepEqual([stop.reason, stop.hitBreakpointIds], ['data breakpoint', [set.breakpoints[0]!.id]]);
  assert.match(stop.description ?? '', /\/proc\/vmstat pswpout changed/);
  assert.equal((await snapshotOf(program)).step.index, 5, 'right after the pageout that wrote the pages');
  stop = await d.stopAfter('reverseContinue');
  assert.equal(stop.reason, 'data breakpoint');
  assert.equal((await snapshotOf(program)).step.index, 4, 'back: right before it, the pageout next again');
  assert.equal((await d.topFrame()).line, 8);
  await d.ok('disconnect', {});
});

test('goto targets, Run to Cursor back and forth, Step Out of a repeat; the frame shows the repeat pass', async () => {
  const program = await scenarioFile(SCENARIO);
  const d = new DapDriver();
  const { breakpoints } = await launch(d, program, [9], false);
  assert.ok(breakpoints[0]?.verified);
  assert.equal((await snapshotOf(program)).step.index, 5);
  const frames = await d.frames();
  assert.deepEqual(
    frames.map((f) => [f.name, f.line]),
    [
      ['touch t heap pages=0..3 · step 5 / 9 · pass 1 / 2', 9],
      ['repeat 2 · pass 1 / 2', 7],
    ],
  );
  // Scopes work from any frame.
  assert.ok((await d.ok<DebugProtocol.ScopesResponse['body']>('scopes', { frameId: frames[1]!.id })).scopes.length > 0);

  let targets = (
    await d.ok<DebugProtocol.GotoTargetsResponse['body']>('gotoTargets', { source: { path: program }, line: 3 })
  ).targets;
  assert.deepEqual(
    targets.map((t) => t.label),
    ['back to step 0 / 9'],
  );
  assert.equal((await d.stopAfter('goto', { threadId: THREAD_ID, targetId: targets[0]!.id })).reason, 'goto');
  assert.equal((await snapshotOf(program)).step.index, 0);
  targets = (
    await d.ok<DebugProtocol.GotoTargetsResponse['body']>('gotoTargets', { source: { path: program }, line: 10 })
  ).targets;
  assert.deepEqual(
    targets.map((t) => [t.label, t.line]),
    [['forward to step 8 / 9', 11]],
    'a closing brace: the next statement after it',
  );
  await d.stopAfter('goto', { threadId: THREAD_ID, targetId: targets[0]!.id });
  assert.equal((await snapshotOf(program)).step.index, 8);

  // Run to Cursor (the extension sends runToLine) on an earlier line goes back; the breakpoint on line 9 is passed going back.
  await d.ok('setBreakpoints', { source: { path: program }, breakpoints: [] });
  let stop = await d.stopAfter('runToLine', { line: 8 });
  assert.equal(stop.reason, 'goto');
  assert.equal((await snapshotOf(program)).step.index, 6, 'the last time line 8 was next');
  await d.stopAfter('runToLine', { line: 3 });
  assert.equal((await snapshotOf(program)).step.index, 0);
  await d.stopAfter('runToLine', { line: 9 });
  assert.equal((await snapshotOf(program)).step.index, 5);

  // Step Out of the repeat (both passes): the statement after it.
  stop = await d.stopAfter('stepOut');
  assert.equal(stop.reason, 'step');
  assert.equal((await snapshotOf(program)).step.index, 8);
  assert.equal((await d.topFrame()).line, 11);
  assert.equal((await d.frames()).length, 1);
  await d.ok('disconnect', {});
});

test('evaluate and completion speak the expect grammar, errors come without a toast; readMemory shows a cluster’s raw swap table', async () => {
  const program = await scenarioFile(SCENARIO);
  const d = new DapDriver();
  await launch(d, program, [9], false);

  const swap = await d.ok<DebugProtocol.EvaluateResponse['body']>('evaluate', {
    expression: 'memory.swap.current',
    context: 'repl',
  });
  assert.equal(swap.result, '{ /app: 16 KiB (16384 B) }');
  const perCgroup = await d.variables(swap.variablesReference);
  assert.deepEqual(
    perCgroup.map((v) => [v.name, v.value, (v as DebugProtocol.Variable).evaluateName]),
    [['/app', '16 KiB (16384 B)', 'app/memory.swap.current']],
  );
  assert.equal(
    (
      await d.ok<DebugProtocol.EvaluateResponse['body']>('evaluate', {
        expression: 'memory.swap.current > 8K',
        context: 'watch',
      })
    ).result,
    'true  (app/memory.swap.current = 16 KiB (16384 B))',
  );
  const slot = await d.ok<DebugProtocol.EvaluateResponse['body']>('evaluate', {
    expression: 'slot /dev/vda2 1',
    context: 'repl',
  });
  const fields = await d.variables(slot.variablesReference);
  assert.equal(fields.find((v) => v.name === 'count')?.value, '1');
  assert.equal(fields.find((v) => v.name === 'memcg')?.value, '/app');

  const failed = await d.request('evaluate', { expression: 'slot /dev/sdb1 1', context: 'repl' });
  assert.equal(failed.success, false);
  assert.match(failed.message ?? '', /\/dev\/sdb1 is not an active swap area \(did you mean '\/dev\/vda2'\?\)/);
  assert.notEqual(
    (failed.body as { error?: { showUser?: boolean } } | undefined)?.error?.showUser,
    true,
    'an evaluate error is shown in the console, not as a notification',
  );

  // Completion: columns are 1-based (columnsStartAt1).
  const typed = '/proc/vmstat psw';
  const keys = await d.ok<DebugProtocol.CompletionsResponse['body']>('completions', {
    text: typed,
    column: typed.length + 1,
  });
  const pswpout = keys.targets.find((t) => t.label === 'pswpout');
  assert.ok(pswpout, keys.targets.map((t) => t.label).join(', '));
  assert.deepEqual([pswpout.start, pswpout.length], [typed.indexOf('psw') + 1, 3]);
  const devices = await d.ok<DebugProtocol.CompletionsResponse['body']>('completions', { text: 'slot ', column: 6 });
  assert.ok(devices.targets.some((t) => t.label === '/dev/vda2'));
  const forms = await d.ok<DebugProtocol.CompletionsResponse['body']>('completions', { text: '', column: 1 });
  assert.ok(['slot', 'cluster', 'free'].every((f) => forms.targets.some((t) => t.label === f)));

  // The cluster's raw table: 512 little-endian 64-bit entries; slot 1's entry is a shadow (not 0).
  const cluster = await d.ok<DebugProtocol.EvaluateResponse['body']>('evaluate', {
    expression: 'cluster /dev/vda2 0',
    context: 'repl',
  });
  assert.equal(cluster.memoryReference, 'swapsim-cluster:0:0');
  const memory = await d.ok<DebugProtocol.ReadMemoryResponse['body'] & object>('readMemory', {
    memoryReference: cluster.memoryReference,
    offset: 0,
    count: 4096,
  });
  const bytes = Buffer.from(memory.data ?? '', 'base64');
  assert.equal(bytes.length, 4096);
  assert.equal(memory.address, '0x0');
  assert.notEqual(bytes.readBigUInt64LE(8), 0n);
  const tail = await d.ok<DebugProtocol.ReadMemoryResponse['body'] & object>('readMemory', {
    memoryReference: cluster.memoryReference,
    offset: 4090,
    count: 16,
  });
  assert.deepEqual(
    [Buffer.from(tail.data ?? '', 'base64').length, tail.unreadableBytes],
    [6, 10],
    'past the table: unreadable',
  );
  // The Variables view: device → clusters in use → cluster 0 carries the same memory reference.
  const inUse = await variablesAt(d, 'Swap devices', ['/dev/vda2', 'clusters in use']);
  const c0 = inUse.find((v) => v.name === 'cluster 0') as DebugProtocol.Variable | undefined;
  assert.equal(c0?.memoryReference, 'swapsim-cluster:0:0');
  assert.equal(c0?.evaluateName, 'cluster /dev/vda2 0');
  await d.ok('disconnect', {});
});
