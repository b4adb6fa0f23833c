// The scenario debugger (client/debug/scenarioDebugAdapter.ts) driven with
// Debug Adapter Protocol messages against the real language server: the
// adapter's requester is a JSON-RPC connection to dist/server.js, and
// "opening the program" reads the scenario file from disk and sends didOpen,
// as VS Code does when the extension opens the document.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DapEvent, DapMessage, DapResponse } from '../../client/debug/dap';
import { ScenarioDebugAdapter, THREAD_ID, type ScenarioDocument } from '../../client/debug/scenarioDebugAdapter';
import { requesterOver } from '../../client/protocolClient';
import type { SessionSnapshot } from '../../shared/protocol';
import { LspClient, withTimeout } from '../lsp/client';

let client: LspClient;
let folder: string;
before(async () => {
  client = await LspClient.start();
  folder = await mkdtemp(path.join(tmpdir(), 'swapsim-dap-'));
});
after(async () => {
  await client.shutdown();
  await rm(folder, { recursive: true, force: true });
});

// 1-based line numbers, as the debugger shows them, on the right.
const SCENARIO = [
  '# Debugged by debugAdapter.test.ts.', // 1
  'config check_invariants=no', // 2
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
  readonly adapter = new ScenarioDebugAdapter({
    server: requesterOver(client.connection),
    openScenario,
    onSessionStep: (uri, listener) => client.onDelta((delta) => delta.uri === uri && listener(delta.step)),
  });
  readonly messages: DapMessage[] = [];
  private seq = 1;
  private waiters: (() => void)[] = [];

  constructor() {
    this.adapter.onDidSendMessage((message) => {
      this.messages.push(message);
      for (const wake of this.waiters) wake();
    });
  }

  get events(): DapEvent[] {
    return this.messages.filter((m): m is DapEvent => m.type === 'event');
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

  request(command: string, args?: Record<string, unknown>): Promise<DapResponse> {
    const seq = this.seq++;
    this.adapter.handleMessage({ seq, type: 'request', command, arguments: args });
    return this.waitUntil(`the response to ${command}`, () => this.messages.find((m): m is DapResponse => m.type === 'response' && m.request_seq === seq));
  }

  async ok<T>(command: string, args?: Record<string, unknown>): Promise<T> {
    const response = await this.request(command, args);
    assert.equal(response.success, true, `${command} failed: ${response.message}`);
    return response.body as T;
  }

  /** The first `event` sent after message number `from`. */
  eventAfter(from: number, event: string): Promise<DapEvent> {
    return this.waitUntil(`a ${event} event`, () => this.messages.slice(from).find((m): m is DapEvent => m.type === 'event' && m.event === event));
  }

  /** Send a request and wait for the stop it leads to. */
  async stopAfter(command: string, args: Record<string, unknown> = { threadId: THREAD_ID }): Promise<{ reason: string; description?: string }> {
    const mark = this.messages.length;
    await this.ok(command, args);
    const stopped = await this.eventAfter(mark, 'stopped');
    return stopped.body as { reason: string; description?: string };
  }

  async topFrame(): Promise<{ name: string; line: number; source: { path: string } }> {
    const body = await this.ok<{ stackFrames: { name: string; line: number; source: { path: string } }[] }>('stackTrace', { threadId: THREAD_ID });
    assert.equal(body.stackFrames.length, 1);
    return body.stackFrames[0]!;
  }

  async variables(ref: number): Promise<{ name: string; value: string; variablesReference: number }[]> {
    return (await this.ok<{ variables: { name: string; value: string; variablesReference: number }[] }>('variables', { variablesReference: ref })).variables;
  }

  async scope(prefix: string): Promise<{ name: string; value: string; variablesReference: number }[]> {
    const { scopes } = await this.ok<{ scopes: { name: string; variablesReference: number }[] }>('scopes', { frameId: 1 });
    const scope = scopes.find((s) => s.name.startsWith(prefix));
    assert.ok(scope, `no scope ${prefix} in ${scopes.map((s) => s.name).join(', ')}`);
    return this.variables(scope.variablesReference);
  }
}

async function snapshotOf(program: string): Promise<SessionSnapshot> {
  return client.request<SessionSnapshot>('swapsim/snapshot', { uri: pathToFileURL(program).href });
}

/** initialize, launch, setBreakpoints and configurationDone, as VS Code sends them; returns the first stop. */
async function launch(d: DapDriver, program: string, lines: number[], stopOnEntry = true): Promise<{ reason: string; breakpoints: { verified: boolean; line: number; message?: string }[] }> {
  await d.ok('initialize', { adapterID: 'swapsim', linesStartAt1: true, columnsStartAt1: true });
  await d.ok('launch', { program, stopOnEntry });
  const { breakpoints } = await d.ok<{ breakpoints: { verified: boolean; line: number; message?: string }[] }>('setBreakpoints', { source: { path: program }, breakpoints: lines.map((line) => ({ line })) });
  const stop = await d.stopAfter('configurationDone', {});
  return { reason: stop.reason, breakpoints };
}

test('a debugging session: entry, breakpoints, next, step back, reverse continue, variables, the end, restart, disconnect', async () => {
  const program = await scenarioFile(SCENARIO);
  const d = new DapDriver();

  const capabilities = await d.ok<Record<string, boolean>>('initialize', { adapterID: 'swapsim', linesStartAt1: true });
  for (const c of ['supportsConfigurationDoneRequest', 'supportsStepBack', 'supportsTerminateRequest', 'supportsRestartRequest']) assert.equal(capabilities[c], true, c);
  assert.ok(d.events.some((e) => e.event === 'initialized'));

  await d.ok('launch', { program, stopOnEntry: true });
  const { breakpoints } = await d.ok<{ breakpoints: { verified: boolean; line: number; message?: string }[] }>('setBreakpoints', {
    source: { path: program },
    breakpoints: [{ line: 8 }, { line: 7 }, { line: 1 }, { line: 2 }, { line: 10 }, { line: 11 }],
  });
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
  assert.match(frame.name, /^swapon \/dev\/vda2 size=64M -p 5 {2}\(step 1 \/ 9\)$/);
  assert.deepEqual((await d.ok<{ threads: { id: number; name: string }[] }>('threads')).threads, [{ id: THREAD_ID, name: 'scenario' }]);
  assert.equal((await d.scope('Swap devices')).length, 0);
  assert.equal((await snapshotOf(program)).step.index, 0);

  // Continue to the breakpoint in the repeat body: the swapon has run, so the device shows.
  assert.equal((await d.stopAfter('continue')).reason, 'breakpoint');
  frame = await d.topFrame();
  assert.equal(frame.line, 8);
  assert.match(frame.name, /^pageout t heap pages=0\.\.3 {2}\(step 5 \/ 9\)$/);
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
  assert.match(appFiles.find((v) => v.name === 'memory.current')?.value ?? '', /^1048576 \(1M\)$/);

  // Next, then Step Back.
  assert.equal((await d.stopAfter('next')).reason, 'step');
  assert.equal((await d.topFrame()).line, 9);
  assert.equal((await snapshotOf(program)).step.index, 5);
  const vmstat = await d.ok<{ result: string }>('evaluate', { expression: 'vmstat.pswpout', context: 'repl' });
  assert.equal(vmstat.result, '4');
  assert.equal((await d.ok<{ result: string }>('evaluate', { expression: 'pswpout', context: 'repl' })).result, '4');
  const unknown = await d.request('evaluate', { expression: 'si->flags & SWP_WRITEOK', context: 'repl' });
  assert.equal(unknown.success, false);
  assert.match(unknown.message ?? '', /is not a counter/);

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
  assert.match(frame.name, /scenario ended after step 9 \/ 9/);
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
  const other = await d.ok<{ breakpoints: { verified: boolean }[] }>('setBreakpoints', { source: { path: path.join(folder, 'other.swapsim') }, breakpoints: [{ line: 3 }] });
  assert.equal(other.breakpoints[0]?.verified, false);
  await d.ok('terminate', {});
});

test('Pause stops a long Continue where it got to; the steps done stay done', async () => {
  const long = ['config check_invariants=no', 'swapon /dev/vda2 size=64M', 'task t', 'mmap t heap 1M populate', 'repeat 100000 {', '  pageout t heap pages=0..0', '  touch t heap pages=0..0', '}', ''].join('\n');
  const program = await scenarioFile(long);
  const d = new DapDriver();
  await launch(d, program, []);
  const mark = d.messages.length;
  await d.ok('continue', { threadId: THREAD_ID });
  // Let the run get going (the server pushes a delta per slice), then pause it.
  const uri = pathToFileURL(program).href;
  await client.waitFor('a slice of the run', () => client.deltas.some((x) => x.uri === uri && x.step.index > 3), 20_000);
  await d.ok('pause', { threadId: THREAD_ID });
  const stopped = await d.eventAfter(mark, 'stopped');
  assert.equal((stopped.body as { reason: string }).reason, 'pause');
  const index = (await snapshotOf(program)).step.index;
  assert.ok(index > 3 && index < 200_003, `paused at ${index}`);
  assert.match((await d.topFrame()).name, new RegExp(`\\(step ${index + 1} / 200003\\)$`));
  await d.ok('disconnect', {});
});

test('launch errors: checker errors, a missing file, not a scenario, no program — an error response and terminated, never a hang', async () => {
  const broken = await scenarioFile('# broken\nswapon /dev/vda2 size=16M\nswapon /dev/vdx size=12Q\n');
  const text = path.join(folder, 'notes.txt');
  await writeFile(text, 'not a scenario');
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ program: broken }, /cannot debug .*scenario-\d+\.swapsim: the scenario has errors and cannot run \(line 3: .*\)/],
    [{ program: path.join(folder, 'missing.swapsim') }, /cannot debug .*missing\.swapsim: .*ENOENT/],
    [{ program: text }, /only \.swapsim scenarios can be debugged/],
    [{}, /needs 'program'/],
  ];
  for (const [args, message] of cases) {
    const d = new DapDriver();
    await d.ok('initialize', { adapterID: 'swapsim' });
    const mark = d.messages.length;
    const response = await d.request('launch', args);
    assert.equal(response.success, false, JSON.stringify(args));
    assert.match(response.message ?? '', message);
    await d.eventAfter(mark, 'terminated');
    // Requests after a failed launch answer too.
    const setBps = await d.ok<{ breakpoints: { verified: boolean }[] }>('setBreakpoints', { source: { path: String(args.program) }, breakpoints: [{ line: 2 }] });
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
  assert.equal(d.messages.slice(mark).filter((m) => m.type === 'event' && m.event === 'stopped').length, 1);
  await d.ok('disconnect', {});

  // After the session ended, moves elsewhere are not reported.
  mark = d.messages.length;
  await client.request('swapsim/step', { uri, direction: 'back' });
  await client.request('swapsim/snapshot', { uri });
  assert.equal(d.messages.slice(mark).filter((m) => m.type === 'event' && m.event === 'stopped').length, 0);
});
