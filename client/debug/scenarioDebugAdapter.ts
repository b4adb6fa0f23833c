// The scenario debugger: a Debug Adapter Protocol server, run inline in the
// extension host, whose program is a scenario document and whose state is
// that document's one session in the language server. Every movement is a
// swapsim/* request, so the editor decorations, trees and dashboard follow
// the debugger through the deltas as they follow the stepping commands.
//
// No runtime `vscode` import: node tests drive this class with the real
// server; register.ts wraps it for VS Code.
import type { SessionSnapshot, StepInfo } from '../../shared/protocol';
import { ErrorCodes } from '../../shared/protocol';
import { describeRequestError, errorCode, errorMessage, isCancellation, type CancelToken, type SwapsimRequester } from '../protocolClient';
import { asRequest, booleanArg, numberArg, objectArg, requestedLines, stringArg, type DapBreakpoint, type DapMessage, type DapRequest, type DapStackFrame, type StopReason } from './dap';
import { statementLines, statementText } from './statementLines';
import { lookupCounter, snapshotScopes, VariableHandles } from './variables';

/** The scenario being debugged, as an open document the language server knows. */
export interface ScenarioDocument {
  readonly uri: string;
  /** Its current text (the user may edit it while debugging). */
  text(): string;
}

export interface DebugHost {
  readonly server: SwapsimRequester;
  /** Open `program` as a document; rejects with a sentence for the user when it cannot. */
  openScenario(program: string): Promise<ScenarioDocument>;
  /**
   * Calls `listener` with the session's position whenever the session of
   * `uri` moves, whoever moved it (a stepping command, a Run code lens, a
   * rebuild after an edit), so the debugger's frame follows.
   */
  onSessionStep?(uri: string, listener: (step: StepInfo) => void): Disposable;
}

export const THREAD_ID = 1;
const FRAME_ID = 1;
/** How long launch waits for the server to have the freshly opened document. */
const OPEN_WAIT_MS = 10_000;

interface Disposable {
  dispose(): void;
}

/** A cancellation token of our own for the in-flight run (Pause). */
class CancelSource implements CancelToken {
  private listeners: (() => void)[] = [];
  isCancellationRequested = false;

  onCancellationRequested(listener: () => void): Disposable {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  cancel(): void {
    if (this.isCancellationRequested) return;
    this.isCancellationRequested = true;
    for (const l of this.listeners) l();
  }
}

class Deferred<T> {
  resolve!: (value: T) => void;
  readonly promise = new Promise<T>((resolve) => (this.resolve = resolve));
}

/** What a movement did: where it stopped and why. */
interface Stop {
  reason: StopReason;
  description?: string;
}

export class ScenarioDebugAdapter {
  private seq = 1;
  private readonly listeners = new Set<(message: DapMessage) => void>();
  private linesStartAt1 = true;
  private columnsStartAt1 = true;
  private program = '';
  private stopOnEntry = true;
  /** Resolves with the document once launch opened it (undefined if launch failed). */
  private readonly launched = new Deferred<ScenarioDocument | undefined>();
  private readonly configured = new Deferred<void>();
  private document: ScenarioDocument | undefined;
  /** Verified breakpoint lines, 0-based. */
  private breakpoints = new Set<number>();
  private step: StepInfo | undefined;
  private snapshot: Promise<SessionSnapshot> | undefined;
  private readonly handles = new VariableHandles();
  /** The movement in progress (a continue can be long), and how to pause it. */
  private moving: Promise<void> | undefined;
  private running: CancelSource | undefined;
  private ended = false;
  private sessionWatch: Disposable | undefined;

  constructor(private readonly host: DebugHost) {}

  /** VS Code's `DebugAdapter.onDidSendMessage` shape. */
  readonly onDidSendMessage = (listener: (message: DapMessage) => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  handleMessage(message: unknown): void {
    const request = asRequest(message);
    if (request === undefined) return;
    this.dispatch(request).catch((error: unknown) => this.fail(request, errorMessage(error)));
  }

  dispose(): void {
    this.running?.cancel();
    this.sessionWatch?.dispose();
    this.listeners.clear();
  }

  /**
   * The session moved without us (our own moves set `moving`, and their
   * deltas land before their answers): take its position and report a stop,
   * so VS Code asks for the frame again.
   */
  private followSession(step: StepInfo): void {
    if (this.ended || this.moving !== undefined || this.document === undefined) return;
    if (this.step !== undefined && this.step.index === step.index && this.step.total === step.total) return;
    this.step = step;
    this.stopped({ reason: 'step', description: 'the session moved outside the debugger' });
  }

  // ------------------------------------------------------------ plumbing

  private send(message: DapMessage): void {
    for (const l of this.listeners) l(message);
  }

  private respond(request: DapRequest, body?: unknown): void {
    this.send({ seq: this.seq++, type: 'response', request_seq: request.seq, command: request.command, success: true, ...(body === undefined ? {} : { body }) });
  }

  private fail(request: DapRequest, message: string): void {
    // `body.error` makes VS Code show the message as is (no "Error:" prefix of its own).
    this.send({ seq: this.seq++, type: 'response', request_seq: request.seq, command: request.command, success: false, message, body: { error: { id: 1, format: message, showUser: true } } });
  }

  private event(event: string, body?: unknown): void {
    this.send({ seq: this.seq++, type: 'event', event, ...(body === undefined ? {} : { body }) });
  }

  private line(zeroBased: number): number {
    return this.linesStartAt1 ? zeroBased + 1 : zeroBased;
  }

  private column(zeroBased: number): number {
    return this.columnsStartAt1 ? zeroBased + 1 : zeroBased;
  }

  private fromClientLine(line: number): number {
    return this.linesStartAt1 ? line - 1 : line;
  }

  private async dispatch(request: DapRequest): Promise<void> {
    const args = request.arguments;
    switch (request.command) {
      case 'initialize':
        this.linesStartAt1 = booleanArg(args, 'linesStartAt1') ?? true;
        this.columnsStartAt1 = booleanArg(args, 'columnsStartAt1') ?? true;
        this.respond(request, {
          supportsConfigurationDoneRequest: true,
          supportsStepBack: true,
          supportsTerminateRequest: true,
          supportsRestartRequest: true,
          supportsEvaluateForHovers: false,
        });
        this.event('initialized');
        return;
      case 'launch':
        return this.launch(request);
      case 'setBreakpoints':
        return this.setBreakpoints(request);
      case 'setExceptionBreakpoints':
        this.respond(request, { breakpoints: [] });
        return;
      case 'configurationDone':
        this.respond(request);
        this.configured.resolve();
        if ((await this.launched.promise) !== undefined) this.move(() => this.start());
        return;
      case 'threads':
        this.respond(request, { threads: [{ id: THREAD_ID, name: 'scenario' }] });
        return;
      case 'stackTrace':
        this.respond(request, this.stackTrace());
        return;
      case 'scopes':
        return this.scopes(request);
      case 'variables':
        return this.variables(request);
      case 'evaluate':
        return this.evaluate(request);
      case 'next':
      case 'stepIn':
      case 'stepOut':
        return this.movement(request, () => this.stepOnce('forward'));
      case 'stepBack':
        return this.movement(request, () => this.stepOnce('back'));
      case 'continue':
        return this.movement(request, () => this.runToBreakpoint('forward'), { allThreadsContinued: true });
      case 'reverseContinue':
        return this.movement(request, () => this.runToBreakpoint('back'), { allThreadsContinued: true });
      case 'pause':
        this.respond(request);
        // A continue in flight stops where it got to; otherwise just report a stop here.
        if (this.running !== undefined) this.running.cancel();
        else this.stopped({ reason: 'pause' });
        return;
      case 'restart':
        await this.halt();
        if (this.document === undefined) return this.fail(request, 'nothing to restart: the scenario was not launched');
        this.respond(request);
        this.move(() => this.start());
        return;
      case 'terminate':
      case 'disconnect':
        await this.halt();
        this.respond(request);
        this.end();
        return;
      default:
        this.fail(request, `the swapsim debugger does not support '${request.command}'`);
    }
  }

  // -------------------------------------------------------------- launch

  private async launch(request: DapRequest): Promise<void> {
    const program = stringArg(request.arguments, 'program');
    this.stopOnEntry = booleanArg(request.arguments, 'stopOnEntry') ?? true;
    try {
      if (program === undefined || program === '') throw new Error("the launch configuration needs 'program': the path of a .swapsim scenario");
      if (!program.endsWith('.swapsim')) throw new Error('only .swapsim scenarios can be debugged');
      this.program = program;
      const document = await this.host.openScenario(program);
      await this.checkRunnable(document.uri);
      this.document = document;
      this.sessionWatch = this.host.onSessionStep?.(document.uri, (step) => this.followSession(step));
      this.launched.resolve(document);
      this.respond(request);
    } catch (error) {
      this.launched.resolve(undefined);
      this.fail(request, launchFailure(program, error));
      this.end();
    }
  }

  /** Back to step 0, and refuse a scenario the server cannot run (its message names the first error). */
  private async checkRunnable(uri: string): Promise<void> {
    const started = Date.now();
    // The server learns of a document just opened by a notification; wait for it to have the session.
    for (;;) {
      try {
        this.step = await this.host.server.request('swapsim/reset', { uri });
        break;
      } catch (error) {
        if (errorCode(error) !== ErrorCodes.NoSession || Date.now() - started > OPEN_WAIT_MS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // A run that stops before line 0 runs nothing, but the server refuses it with ScenarioErrors when the scenario cannot run.
    const snapshot = await this.host.server.request('swapsim/run', { uri, toLine: 0 });
    this.step = snapshot.step;
  }

  /** Step 0, then stop on entry or go on to the first breakpoint. */
  private async start(): Promise<Stop> {
    const uri = this.uriOrThrow();
    this.step = await this.host.server.request('swapsim/reset', { uri });
    if (this.stopOnEntry) return { reason: 'entry' };
    return this.runToBreakpoint('forward');
  }

  // --------------------------------------------------------- breakpoints

  private async setBreakpoints(request: DapRequest): Promise<void> {
    const source = objectArg(request.arguments, 'source');
    const path = typeof source?.path === 'string' ? source.path : undefined;
    const requested = requestedLines(request.arguments);
    const document = await this.launched.promise;
    const ours = document !== undefined && path !== undefined && samePath(path, this.program, document.uri);
    if (!ours) {
      const message = document === undefined ? 'the scenario did not launch' : 'not the scenario being debugged';
      this.respond(request, { breakpoints: requested.map((line): DapBreakpoint => ({ verified: false, line, message })) });
      return;
    }
    const statements = statementLines(document.text());
    const verified = new Set<number>();
    const breakpoints = requested.map((line): DapBreakpoint => {
      const zeroBased = this.fromClientLine(line);
      if (statements.has(zeroBased)) {
        verified.add(zeroBased);
        return { verified: true, line };
      }
      return { verified: false, line, message: 'no statement starts on this line (comments, blank lines, config, repeat headers and closing braces do not run as steps)' };
    });
    this.breakpoints = verified;
    this.respond(request, { breakpoints });
  }

  // ------------------------------------------------------------ movement

  /** Answer at once, then move; the stop (or a failure) is reported by events. */
  private async movement(request: DapRequest, action: () => Promise<Stop>, body?: unknown): Promise<void> {
    if (this.document === undefined) return this.fail(request, 'the scenario was not launched');
    if (this.moving !== undefined) return this.fail(request, 'the scenario is running: pause it first');
    this.respond(request, body);
    this.move(action);
  }

  private move(action: () => Promise<Stop>): void {
    const done = action().then(
      (stop) => this.stopped(stop),
      async (error: unknown) => {
        if (isCancellation(error)) {
          await this.refreshStep().catch(() => undefined);
          this.stopped({ reason: 'pause', description: 'paused' });
          return;
        }
        const message = describeRequestError('the swapsim debugger', error);
        this.event('output', { category: 'stderr', output: `${message}\n` });
        await this.refreshStep().catch(() => undefined);
        this.stopped({ reason: 'exception', description: message });
      },
    );
    this.moving = done.finally(() => {
      this.moving = undefined;
    });
  }

  /** Stop whatever is moving, and wait until it has. */
  private async halt(): Promise<void> {
    this.running?.cancel();
    await this.moving;
  }

  private async stepOnce(direction: 'forward' | 'back'): Promise<Stop> {
    this.step = await this.host.server.request('swapsim/step', { uri: this.uriOrThrow(), direction, count: 1 });
    return { reason: 'step' };
  }

  private async runToBreakpoint(direction: 'forward' | 'back'): Promise<Stop> {
    const uri = this.uriOrThrow();
    const breakpoints = [...this.breakpoints];
    if (direction === 'back') {
      const snapshot = await this.host.server.request('swapsim/run', { uri, breakpoints, direction: 'back' });
      this.step = snapshot.step;
      this.snapshot = Promise.resolve(snapshot);
      return { reason: this.atBreakpoint() ? 'breakpoint' : 'entry' };
    }
    const running = new CancelSource();
    this.running = running;
    try {
      const snapshot = await this.host.server.request('swapsim/run', { uri, breakpoints }, running);
      this.step = snapshot.step;
      this.snapshot = Promise.resolve(snapshot);
      if (snapshot.status === 'stopped') return { reason: 'exception', description: 'stopped on error (stop_on_error)' };
      return this.step.next === null ? { reason: 'step' } : { reason: 'breakpoint' };
    } finally {
      this.running = undefined;
    }
  }

  private atBreakpoint(): boolean {
    const next = this.step?.next;
    return next !== null && next !== undefined && this.step !== undefined && this.step.index > 0 && this.breakpoints.has(next.start.line);
  }

  private async refreshStep(): Promise<void> {
    const snapshot = await this.host.server.request('swapsim/snapshot', { uri: this.uriOrThrow() });
    this.step = snapshot.step;
  }

  private stopped(stop: Stop): void {
    if (this.ended) return;
    this.snapshot = undefined;
    this.handles.clear();
    const atEnd = this.step !== undefined && this.step.next === null;
    const description = stop.description ?? (atEnd ? 'end of scenario' : undefined);
    this.event('stopped', { reason: stop.reason, threadId: THREAD_ID, allThreadsStopped: true, ...(description === undefined ? {} : { description }) });
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sessionWatch?.dispose();
    this.event('terminated');
  }

  private uriOrThrow(): string {
    if (this.document === undefined) throw new Error('the scenario was not launched');
    return this.document.uri;
  }

  // ---------------------------------------------------------- inspection

  private stackTrace(): { stackFrames: DapStackFrame[]; totalFrames: number } {
    const document = this.document;
    const step = this.step;
    if (document === undefined || step === undefined) return { stackFrames: [], totalFrames: 0 };
    const range = step.next ?? step.range;
    const text = document.text();
    const source = { name: baseName(this.program), path: this.program };
    if (range === null) {
      return { stackFrames: [{ id: FRAME_ID, name: 'empty scenario', source, line: this.line(0), column: this.column(0) }], totalFrames: 1 };
    }
    const statement = statementText(text, range.start.line);
    const name = step.next === null ? `${statement}  (scenario ended after step ${step.index} / ${step.total})` : `${statement}  (step ${step.index + 1} / ${step.total})`;
    const frame: DapStackFrame = {
      id: FRAME_ID,
      name,
      source,
      line: this.line(range.start.line),
      column: this.column(range.start.character),
      endLine: this.line(range.end.line),
      endColumn: this.column(range.end.character),
    };
    return { stackFrames: [frame], totalFrames: 1 };
  }

  private currentSnapshot(): Promise<SessionSnapshot> {
    this.snapshot ??= this.host.server.request('swapsim/snapshot', { uri: this.uriOrThrow() });
    return this.snapshot;
  }

  private async scopes(request: DapRequest): Promise<void> {
    if (this.document === undefined) return this.respond(request, { scopes: [] });
    this.respond(request, { scopes: snapshotScopes(await this.currentSnapshot(), this.handles) });
  }

  private variables(request: DapRequest): void {
    const ref = numberArg(request.arguments, 'variablesReference') ?? 0;
    const variables = this.handles.variables(ref);
    if (variables === undefined) return this.fail(request, 'these variables are from an earlier stop');
    this.respond(request, { variables });
  }

  private async evaluate(request: DapRequest): Promise<void> {
    const expression = stringArg(request.arguments, 'expression') ?? '';
    if (this.document === undefined) return this.fail(request, 'the scenario was not launched');
    const value = lookupCounter(await this.currentSnapshot(), expression);
    if (value === undefined) {
      return this.fail(request, `'${expression.trim()}' is not a counter here. The Debug Console looks up counters only: vmstat.pswpout, meminfo.SwapFree, zswap.stored_pages, free.used, or a bare name such as pswpin.`);
    }
    this.respond(request, { result: String(value), variablesReference: 0 });
  }
}

function launchFailure(program: string | undefined, error: unknown): string {
  const what = program === undefined || program === '' ? 'the scenario' : program;
  switch (errorCode(error)) {
    case ErrorCodes.ScenarioErrors:
      return `cannot debug ${what}: ${errorMessage(error)}; fix the errors in the Problems view first`;
    case undefined:
      return `cannot debug ${what}: ${errorMessage(error)}`;
    default:
      return `cannot debug ${what}: ${describeRequestError('swapsim/reset', error)}`;
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Whether a breakpoint's source path names the launched program (by path, or by its document URI's path). */
function samePath(path: string, program: string, uri: string): boolean {
  const norm = (p: string): string => p.replace(/\\/g, '/').replace(/\/+$/, '');
  if (norm(path) === norm(program)) return true;
  try {
    return norm(decodeURIComponent(new URL(uri).pathname)) === norm(path);
  } catch {
    return false;
  }
}
