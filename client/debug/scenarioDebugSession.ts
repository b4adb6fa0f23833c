// The scenario debugger: a Debug Adapter Protocol server on
// @vscode/debugadapter's DebugSession, run inline in the extension host
// (vscode.DebugAdapterInlineImplementation, as mock-debug does), whose
// program is a scenario document and whose state is that document's one
// session in the language server. Every movement is one swapsim/debugRun
// request: the server evaluates conditions, hit counts, logpoints, exception
// filters and data breakpoints per step and answers with the stop, so the
// editor decorations, trees and dashboard follow through the deltas as they
// follow the stepping commands. See docs/debugger.md.
//
// No runtime `vscode` import: node tests drive this class with the real
// server; register.ts loads it (dist/client-debug.js) when a debug session starts.
import {
  DebugSession,
  InitializedEvent,
  OutputEvent,
  StoppedEvent,
  TerminatedEvent,
} from '@vscode/debugadapter/lib/debugSession';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type {
  DebugCheckResult,
  DebugDataSpec,
  DebugException,
  DebugExceptionSpec,
  DebugLogLine,
  DebugSpec,
  DebugStopResult,
  ExceptionFilterId,
  SessionSnapshot,
  StepInfo,
} from '../../shared/protocol';
import { ErrorCodes } from '../../shared/protocol';
import { stepPosition } from '../../shared/position';
import {
  describeRequestError,
  errorCode,
  errorMessage,
  isCancellation,
  type CancelToken,
  type SwapsimRequester,
} from '../protocolClient';
import { bool, num, object, str, withDefault } from '../../shared/validate';
import { statementText } from './statementLines';
import {
  memoryReference,
  parseMemoryReference,
  partNodes,
  snapshotScopes,
  VariableHandles,
  type VariableSource,
} from './variables';

/** The scenario being debugged, as an open document the language server knows. */
export interface ScenarioDocument {
  readonly uri: string;
  /** Its current text (the user may edit it while debugging). */
  text(): string;
}

interface Disposable {
  dispose(): void;
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
  /** Log lines the server sends for `uri` while a movement runs (swapsim/debugOutput). */
  onDebugOutput?(uri: string, listener: (lines: DebugLogLine[]) => void): Disposable;
  /** The session started or ended (register.ts tells the editor decorations which documents are being debugged). */
  onLifecycle?(uri: string, running: boolean): void;
}

export const THREAD_ID = 1;
/** Frame ids: the statement is 1, the `repeat` blocks around it 2, 3, … (innermost first). */
const TOP_FRAME = 1;
/** How long launch waits for the server to have the freshly opened document. */
const OPEN_WAIT_MS = 10_000;

/** The exception filters VS Code lists in the Breakpoints view. */
export const EXCEPTION_FILTERS: readonly (DebugProtocol.ExceptionBreakpointsFilter & { filter: ExceptionFilterId })[] =
  [
    {
      filter: 'error',
      label: 'Kernel errors',
      description: 'A statement failed with an errno that no `expect error` on the next line accepts.',
      default: true,
      supportsCondition: true,
      conditionDescription: 'Errnos to stop on, e.g. ENOMEM EAGAIN (empty: any)',
    },
    {
      filter: 'caughtError',
      label: 'Kernel errors an expect error accepts',
      description: 'A statement failed as the next line’s `expect error` says it should.',
      default: false,
      supportsCondition: true,
      conditionDescription: 'Errnos to stop on, e.g. EBUSY (empty: any)',
    },
    { filter: 'expect', label: 'Failed expects', description: 'An `expect` did not hold.', default: true },
    {
      filter: 'invariant',
      label: 'Invariant violations',
      description: 'The simulator’s consistency checks failed after a step (with check_invariants on).',
      default: true,
    },
    {
      filter: 'oom',
      label: 'OOM kills',
      description: 'A step ended with the OOM killer killing a task.',
      default: false,
    },
    {
      filter: 'swapFull',
      label: 'Swap full',
      description: 'A swap-out found no free slot (memory.swap.events fail), or a step used the last free slot.',
      default: false,
    },
  ];

/** A cancellation token of our own for the movement in flight (Pause). */
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

/** What a movement asks of debugRun besides its spec. */
interface Movement {
  direction: 'forward' | 'back';
  steps?: number;
  toLine?: number;
  stepOut?: boolean;
}

/** A stop to report: the stopped event's fields. */
interface Stop {
  reason: string;
  description?: string;
  text?: string;
  hitBreakpointIds?: number[];
}

const STOP_REASONS: Readonly<Record<DebugStopResult['reason'], string>> = {
  entry: 'entry',
  step: 'step',
  breakpoint: 'breakpoint',
  'data breakpoint': 'data breakpoint',
  exception: 'exception',
  goto: 'goto',
  end: 'step',
};

export class ScenarioDebugSession extends DebugSession {
  private program = '';
  private stopOnEntry = true;
  /** Resolves with the document once launch opened it (undefined if launch failed). */
  private readonly launched = new Deferred<ScenarioDocument | undefined>();
  private document: ScenarioDocument | undefined;
  private readonly spec: DebugSpec = { breakpoints: [], exceptions: [], data: [] };
  private nextBreakpointId = 1;
  private step: StepInfo | undefined;
  private snapshot: Promise<SessionSnapshot> | undefined;
  private lastException: DebugException | null = null;
  private readonly handles = new VariableHandles();
  /** The movement in progress (a continue can be long), and how to pause it. */
  private moving: Promise<void> | undefined;
  private running: CancelSource | undefined;
  private ended = false;
  private readonly subscriptions: Disposable[] = [];

  constructor(private readonly host: DebugHost) {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
  }

  /** Inline only: never exit the extension host (the base class exits a stand-alone adapter's process). */
  override shutdown(): void {}

  override dispose(): void {
    this.running?.cancel();
    this.endSubscriptions();
    super.dispose();
  }

  /** Run an async handler; a failure answers the request (toasts only when `showUser`). */
  private handle(response: DebugProtocol.Response, work: () => Promise<void>, showUser = true): void {
    work().catch((error: unknown) => this.failWith(response, errorMessage(error), showUser));
  }

  private failWith(response: DebugProtocol.Response, message: string, showUser: boolean): void {
    // `format` is shown as is, without an "Error:" prefix of VS Code's own.
    this.sendErrorResponse(response, { id: 1, format: message, showUser });
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

  private printLogs(lines: readonly DebugLogLine[]): void {
    for (const line of lines) {
      const event = new OutputEvent(`${line.text}\n`, line.category) as DebugProtocol.OutputEvent;
      if (line.line >= 0) {
        event.body.source = { name: baseName(this.program), path: this.program };
        event.body.line = this.convertDebuggerLineToClient(line.line);
      }
      this.sendEvent(event);
    }
  }

  // -------------------------------------------------------------- setup

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsTerminateRequest: true,
      supportsRestartRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      exceptionBreakpointFilters: [...EXCEPTION_FILTERS],
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      supportsDataBreakpoints: true,
      supportsGotoTargetsRequest: true,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: [' ', '/', '.'],
      supportsReadMemoryRequest: true,
      supportsEvaluateForHovers: false,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override launchRequest(
    response: DebugProtocol.LaunchResponse,
    args: DebugProtocol.LaunchRequestArguments & { program?: unknown; stopOnEntry?: unknown },
  ): void {
    this.handle(response, async () => {
      const program = withDefault(str, args.program, undefined);
      this.stopOnEntry = withDefault(bool, args.stopOnEntry, true);
      try {
        if (program === undefined || program === '')
          throw new Error("the launch configuration needs 'program': the path of a .swapsim scenario");
        if (!program.endsWith('.swapsim')) throw new Error('only .swapsim scenarios can be debugged');
        this.program = program;
        const document = await this.host.openScenario(program);
        await this.checkRunnable(document.uri);
        this.document = document;
        const watch = this.host.onSessionStep?.(document.uri, (step) => this.followSession(step));
        const output = this.host.onDebugOutput?.(document.uri, (lines) => this.printLogs(lines));
        for (const d of [watch, output]) if (d !== undefined) this.subscriptions.push(d);
        this.host.onLifecycle?.(document.uri, true);
        this.launched.resolve(document);
        this.sendResponse(response);
      } catch (error) {
        this.launched.resolve(undefined);
        this.failWith(response, launchFailure(program, error), true);
        this.end();
      }
    });
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

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    void this.launched.promise.then((document) => {
      if (document !== undefined) this.move(() => this.startOver());
    });
  }

  /** Step 0, then stop on entry or go on to the first breakpoint. */
  private async startOver(): Promise<Stop> {
    this.step = await this.host.server.request('swapsim/reset', { uri: this.uriOrThrow() });
    if (this.stopOnEntry) return { reason: 'entry' };
    return this.debugRun({ direction: 'forward' });
  }

  // --------------------------------------------------------- breakpoints

  protected override setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const requested: DebugProtocol.SourceBreakpoint[] =
        args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
      const document = await this.launched.promise;
      const ours =
        document !== undefined &&
        args.source.path !== undefined &&
        samePath(args.source.path, this.program, document.uri);
      if (!ours) {
        const message = document === undefined ? 'the scenario did not launch' : 'not the scenario being debugged';
        response.body = {
          breakpoints: requested.map((b): DebugProtocol.Breakpoint => ({ verified: false, line: b.line, message })),
        };
        this.sendResponse(response);
        return;
      }
      const wanted = requested.map((b) => ({
        id: this.nextBreakpointId++,
        line: this.convertClientLineToDebugger(b.line),
        ...given('condition', b.condition),
        ...given('hitCondition', b.hitCondition),
        ...given('logMessage', b.logMessage),
      }));
      const check = await this.checkSpec(document, { breakpoints: wanted });
      this.spec.breakpoints = wanted.filter((b) => check.breakpoints.find((c) => c.id === b.id)?.message === null);
      response.body = {
        breakpoints: wanted.map((b): DebugProtocol.Breakpoint => {
          const message = check.breakpoints.find((c) => c.id === b.id)?.message ?? null;
          return {
            id: b.id,
            verified: message === null,
            line: this.convertDebuggerLineToClient(b.line),
            ...(message === null ? {} : { message }),
          };
        }),
      };
      this.sendResponse(response);
    });
  }

  /** Have the server check one kind of breakpoint (the other kinds empty); null when the scenario did not launch. */
  private checkSpec(document: ScenarioDocument, part: Partial<DebugSpec>): Promise<DebugCheckResult>;
  private checkSpec(document: ScenarioDocument | undefined, part: Partial<DebugSpec>): Promise<DebugCheckResult | null>;
  private async checkSpec(
    document: ScenarioDocument | undefined,
    part: Partial<DebugSpec>,
  ): Promise<DebugCheckResult | null> {
    if (document === undefined) return null;
    const spec: DebugSpec = { breakpoints: [], exceptions: [], data: [], ...part };
    return this.host.server.request('swapsim/debugCheck', { uri: document.uri, spec });
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const known = new Set<string>(EXCEPTION_FILTERS.map((f) => f.filter));
      const wanted = [
        ...args.filters.map((filter) => ({ filter })),
        ...(args.filterOptions ?? []).map((o) => ({ filter: o.filterId, condition: o.condition })),
      ];
      const document = await this.launched.promise;
      const exceptions = wanted.filter((w): w is { filter: ExceptionFilterId; condition?: string } =>
        known.has(w.filter),
      );
      const specOf = (e: (typeof exceptions)[number]): DebugExceptionSpec => ({
        filter: e.filter,
        ...given('condition', e.condition),
      });
      const check = await this.checkSpec(document, { exceptions: exceptions.map(specOf) });
      let at = 0;
      response.body = {
        breakpoints: wanted.map((w): DebugProtocol.Breakpoint => {
          if (!known.has(w.filter)) return { verified: false, message: `no exception filter '${w.filter}'` };
          const message = check === null ? 'the scenario did not launch' : (check.exceptions[at++]?.message ?? null);
          return { verified: message === null, ...(message === null ? {} : { message }) };
        }),
      };
      this.spec.exceptions =
        check === null ? [] : exceptions.filter((_, i) => check.exceptions[i]?.message === null).map(specOf);
      this.sendResponse(response);
    });
  }

  protected override dataBreakpointInfoRequest(
    response: DebugProtocol.DataBreakpointInfoResponse,
    args: DebugProtocol.DataBreakpointInfoArguments,
  ): void {
    this.handle(
      response,
      async () => {
        const named =
          args.variablesReference === undefined
            ? args.name
            : this.handles.child(args.variablesReference, args.name)?.expression;
        const none = (description: string): void => {
          response.body = { dataId: null, description };
          this.sendResponse(response);
        };
        if (named === undefined || this.document === undefined)
          return none(`${args.name} has no name in the scenario language, so no step can be watched for it`);
        const result = await this.host.server.request('swapsim/evaluate', {
          uri: this.document.uri,
          expression: named,
        });
        if (!result.ok) return none(result.message);
        response.body = {
          dataId: result.expression,
          description: `${result.expression} (a step changes it)`,
          accessTypes: ['write'],
          canPersist: true,
        };
        this.sendResponse(response);
      },
      false,
    );
  }

  protected override setDataBreakpointsRequest(
    response: DebugProtocol.SetDataBreakpointsResponse,
    args: DebugProtocol.SetDataBreakpointsArguments,
  ): void {
    this.handle(response, async () => {
      const document = await this.launched.promise;
      const wanted = args.breakpoints.map((b) => ({
        id: this.nextBreakpointId++,
        expression: b.dataId,
        hit: b.hitCondition,
        ...given('condition', b.condition),
      }));
      const specOf = ({ id, expression, condition }: (typeof wanted)[number]): DebugDataSpec => ({
        id,
        expression,
        ...given('condition', condition),
      });
      const check = await this.checkSpec(document, { data: wanted.map(specOf) });
      const messageOf = (b: (typeof wanted)[number]): string | null => {
        if (check === null) return 'the scenario did not launch';
        if (b.hit !== undefined && b.hit !== '')
          return 'hit counts are not supported on data breakpoints (a condition is)';
        return check.data.find((c) => c.id === b.id)?.message ?? null;
      };
      this.spec.data = wanted.filter((b) => messageOf(b) === null).map(specOf);
      response.body = {
        breakpoints: wanted.map((b): DebugProtocol.Breakpoint => {
          const message = messageOf(b);
          return { id: b.id, verified: message === null, ...(message === null ? {} : { message }) };
        }),
      };
      this.sendResponse(response);
    });
  }

  // ------------------------------------------------------------ movement

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.movement(response, () => this.debugRun({ direction: 'forward' }));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.movement(response, () => this.debugRun({ direction: 'back' }));
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.movement(response, () => this.debugRun({ direction: 'forward', steps: 1 }));
  }

  /** A statement has nothing to step into: Step Into is one step, like Next. */
  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.movement(response, () => this.debugRun({ direction: 'forward', steps: 1 }));
  }

  /** Out of the innermost `repeat` block (all its passes); at the top level, one step. */
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.movement(response, () => this.debugRun({ direction: 'forward', stepOut: true }));
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.movement(response, () => this.debugRun({ direction: 'back', steps: 1 }));
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    // A movement in flight stops where it got to; otherwise just report a stop here.
    if (this.running !== undefined) this.running.cancel();
    else this.stopped({ reason: 'pause' });
  }

  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    this.handle(response, async () => {
      await this.halt();
      if (this.document === undefined) throw new Error('nothing to restart: the scenario was not launched');
      this.sendResponse(response);
      this.move(() => this.startOver());
    });
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.handle(response, async () => {
      await this.halt();
      this.sendResponse(response);
      this.end();
    });
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.handle(response, async () => {
      await this.halt();
      this.sendResponse(response);
      this.end();
    });
  }

  protected override gotoTargetsRequest(
    response: DebugProtocol.GotoTargetsResponse,
    args: DebugProtocol.GotoTargetsArguments,
  ): void {
    this.handle(
      response,
      async () => {
        const uri = this.uriOrThrow();
        const line = this.convertClientLineToDebugger(args.line);
        const targets = await this.host.server.request('swapsim/lineTargets', { uri, line });
        const total = this.step?.total ?? 0;
        const out: DebugProtocol.GotoTarget[] = [];
        if (targets.line !== null) {
          const at = this.convertDebuggerLineToClient(targets.line);
          const back =
            targets.previous === null
              ? null
              : {
                  id: targets.previous,
                  label: `back to ${stepPosition({ index: targets.previous, total })}`,
                  line: at,
                };
          const ahead =
            targets.next === null
              ? null
              : { id: targets.next, label: `forward to ${stepPosition({ index: targets.next, total })}`, line: at };
          // The line above the next statement is behind us: going back is what the user means first.
          const next = this.step?.next?.start.line ?? Number.POSITIVE_INFINITY;
          for (const t of targets.line < next ? [back, ahead] : [ahead, back]) if (t !== null) out.push(t);
        }
        response.body = { targets: out };
        this.sendResponse(response);
      },
      false,
    );
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    this.movement(response, async () => {
      this.step = await this.host.server.request('swapsim/gotoStep', { uri: this.uriOrThrow(), step: args.targetId });
      return { reason: 'goto' };
    });
  }

  /** `runToLine` (swapsim: Run to Cursor while debugging): forward, or back to a line already passed; breakpoints on the way stop it. */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    if (command !== 'runToLine') {
      this.failWith(response, `the swapsim debugger does not support '${command}'`, false);
      return;
    }
    const asked = withDefault(object<{ line: number }>({ line: num }), args, undefined);
    const line = asked === undefined ? undefined : this.convertClientLineToDebugger(asked.line);
    if (line === undefined) {
      this.failWith(response, "runToLine needs a 'line'", false);
      return;
    }
    this.movement(response, async () => {
      const targets = await this.host.server.request('swapsim/lineTargets', { uri: this.uriOrThrow(), line });
      const next = this.step?.next?.start.line ?? Number.POSITIVE_INFINITY;
      const direction = targets.line !== null && targets.line < next && targets.previous !== null ? 'back' : 'forward';
      return this.debugRun({ direction, toLine: line });
    });
  }

  /** Answer at once, then move; the stop (or a failure) is reported by events. */
  private movement(response: DebugProtocol.Response, action: () => Promise<Stop>): void {
    if (this.document === undefined) return this.failWith(response, 'the scenario was not launched', true);
    if (this.moving !== undefined) return this.failWith(response, 'the scenario is running: pause it first', true);
    this.sendResponse(response);
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
        this.sendEvent(new OutputEvent(`${message}\n`, 'stderr'));
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

  private async debugRun(movement: Movement): Promise<Stop> {
    const running = new CancelSource();
    this.running = running;
    try {
      const result = await this.host.server.request(
        'swapsim/debugRun',
        { uri: this.uriOrThrow(), spec: this.spec, ...movement },
        running,
      );
      this.step = result.step;
      this.lastException = result.exception;
      return {
        reason: STOP_REASONS[result.reason],
        ...(result.description === '' ? {} : { description: result.description }),
        ...(result.exception === null ? {} : { text: result.exception.id }),
        ...(result.hitBreakpointIds.length === 0 ? {} : { hitBreakpointIds: result.hitBreakpointIds }),
      };
    } finally {
      this.running = undefined;
    }
  }

  private async refreshStep(): Promise<void> {
    const snapshot = await this.host.server.request('swapsim/snapshot', { uri: this.uriOrThrow() });
    this.step = snapshot.step;
  }

  private stopped(stop: Stop): void {
    if (this.ended) return;
    this.snapshot = undefined;
    this.handles.clear();
    if (stop.reason !== 'exception') this.lastException = null;
    const atEnd = this.step !== undefined && this.step.next === null;
    const description = stop.description ?? (atEnd ? 'end of scenario' : undefined);
    const event = new StoppedEvent(stop.reason, THREAD_ID, stop.text) as DebugProtocol.StoppedEvent;
    event.body.allThreadsStopped = true;
    if (description !== undefined) event.body.description = description;
    if (stop.hitBreakpointIds !== undefined) event.body.hitBreakpointIds = stop.hitBreakpointIds;
    this.sendEvent(event);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.endSubscriptions();
    this.sendEvent(new TerminatedEvent());
  }

  private endSubscriptions(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
    if (this.document !== undefined) this.host.onLifecycle?.(this.document.uri, false);
  }

  private uriOrThrow(): string {
    if (this.document === undefined) throw new Error('the scenario was not launched');
    return this.document.uri;
  }

  // ---------------------------------------------------------- inspection

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [{ id: THREAD_ID, name: 'scenario' }] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    this.handle(response, async () => {
      const document = this.document;
      if (document === undefined || this.step === undefined) {
        response.body = { stackFrames: [], totalFrames: 0 };
        this.sendResponse(response);
        return;
      }
      const frame = await this.host.server.request('swapsim/debugFrame', { uri: document.uri });
      this.step = frame.step;
      const step = frame.step;
      const source = { name: baseName(this.program), path: this.program };
      const range = step.next ?? step.range;
      if (range === null) {
        response.body = {
          stackFrames: [
            {
              id: TOP_FRAME,
              name: `empty scenario · ${stepPosition(step)}`,
              source,
              line: this.convertDebuggerLineToClient(0),
              column: this.convertDebuggerColumnToClient(0),
            },
          ],
          totalFrames: 1,
        };
        this.sendResponse(response);
        return;
      }
      const text = document.text();
      const innermost = frame.repeats[frame.repeats.length - 1];
      const pass = innermost === undefined ? '' : ` · pass ${innermost.pass + 1} / ${innermost.count}`;
      const where = step.next === null ? `${stepPosition(step)}, ended` : stepPosition(step);
      const top: DebugProtocol.StackFrame = {
        id: TOP_FRAME,
        name: `${statementText(text, range.start.line)} · ${where}${pass}`,
        source,
        line: this.convertDebuggerLineToClient(range.start.line),
        column: this.convertDebuggerColumnToClient(range.start.character),
        endLine: this.convertDebuggerLineToClient(range.end.line),
        endColumn: this.convertDebuggerColumnToClient(range.end.character),
      };
      // The `repeat` blocks around it, innermost first, as callers are under a callee.
      const outer = [...frame.repeats].reverse().map((r, i): DebugProtocol.StackFrame => ({
        id: TOP_FRAME + 1 + i,
        name: `${statementText(text, r.range.start.line).replace(/\s*\{$/, '')} · pass ${r.pass + 1} / ${r.count}`,
        source,
        line: this.convertDebuggerLineToClient(r.range.start.line),
        column: this.convertDebuggerColumnToClient(r.range.start.character),
        presentationHint: 'label',
      }));
      response.body = { stackFrames: [top, ...outer], totalFrames: 1 + outer.length };
      this.sendResponse(response);
    });
  }

  private currentSnapshot(): Promise<SessionSnapshot> {
    this.snapshot ??= this.host.server.request('swapsim/snapshot', { uri: this.uriOrThrow() });
    return this.snapshot;
  }

  private readonly source: VariableSource = {
    clusters: async (type) =>
      (
        await this.host.server.request('swapsim/clusters', {
          uri: this.uriOrThrow(),
          type,
          start: 0,
          limit: 256,
          includeFree: false,
        })
      ).clusters,
    slotsInUse: async (type, cluster) => {
      const detail = await this.host.server.request('swapsim/cluster', { uri: this.uriOrThrow(), type, cluster });
      return detail.backing.flatMap((backing, i) =>
        backing === 'free' || backing === 'bad'
          ? []
          : [{ offset: cluster * detail.backing.length + i, backing, count: detail.counts[i] ?? 0 }],
      );
    },
    parts: async (expression) => {
      const result = await this.host.server.request('swapsim/evaluate', { uri: this.uriOrThrow(), expression });
      return result.ok ? (result.parts ?? []) : [];
    },
  };

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    this.handle(response, async () => {
      response.body = {
        scopes:
          this.document === undefined ? [] : snapshotScopes(await this.currentSnapshot(), this.handles, this.source),
      };
      this.sendResponse(response);
    });
  }

  protected override variablesRequest(
    response: DebugProtocol.VariablesResponse,
    args: DebugProtocol.VariablesArguments,
  ): void {
    this.handle(response, async () => {
      const variables = await this.handles.variables(args.variablesReference);
      if (variables === undefined) throw new Error('these variables are from an earlier stop');
      response.body = { variables };
      this.sendResponse(response);
    });
  }

  /** Debug Console, Watch and the Variables view's copy: the scenario language's observables, errors without a toast. */
  protected override evaluateRequest(
    response: DebugProtocol.EvaluateResponse,
    args: DebugProtocol.EvaluateArguments,
  ): void {
    this.handle(
      response,
      async () => {
        const result = await this.host.server.request('swapsim/evaluate', {
          uri: this.uriOrThrow(),
          expression: args.expression,
        });
        if (!result.ok) return this.failWith(response, result.message, false);
        const parts = result.parts;
        response.body = {
          result: result.value,
          variablesReference: parts === null ? 0 : this.handles.add(() => partNodes(this.source, parts)),
          ...(result.memory === null ? {} : { memoryReference: memoryReference(result.memory) }),
        };
        this.sendResponse(response);
      },
      false,
    );
  }

  protected override completionsRequest(
    response: DebugProtocol.CompletionsResponse,
    args: DebugProtocol.CompletionsArguments,
  ): void {
    this.handle(
      response,
      async () => {
        const column = this.convertClientColumnToDebugger(args.column);
        const { items } = await this.host.server.request('swapsim/debugCompletions', {
          uri: this.uriOrThrow(),
          text: args.text,
          column,
        });
        response.body = {
          targets: items.map((item): DebugProtocol.CompletionItem => ({
            label: item.label,
            text: item.text,
            start: this.convertDebuggerColumnToClient(item.start),
            length: item.length,
            ...(item.detail === undefined ? {} : { detail: item.detail }),
          })),
        };
        this.sendResponse(response);
      },
      false,
    );
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const e = this.lastException;
    if (e === null) return this.failWith(response, 'the last stop was not an exception', false);
    const filter = EXCEPTION_FILTERS.find((f) => f.filter === e.filter);
    response.body = {
      exceptionId: e.id,
      description: `${e.description} (line ${e.line + 1}, step ${e.step})`,
      breakMode: 'always',
      details: { message: e.description, typeName: filter?.label ?? e.filter },
    };
    this.sendResponse(response);
  }

  /** A cluster's swap table (or swap_map) bytes as the kernel stores them; a cluster without a table reads as unreadable. */
  protected override readMemoryRequest(
    response: DebugProtocol.ReadMemoryResponse,
    args: DebugProtocol.ReadMemoryArguments,
  ): void {
    this.handle(
      response,
      async () => {
        const ref = parseMemoryReference(args.memoryReference);
        if (ref === undefined) throw new Error(`unknown memory reference '${args.memoryReference}'`);
        const memory = await this.host.server.request('swapsim/clusterMemory', {
          uri: this.uriOrThrow(),
          type: ref.type,
          cluster: ref.cluster,
        });
        const size = memory.entries * memory.entryBytes;
        const start = Math.max(0, Math.min(size, args.offset ?? 0));
        const end = Math.max(start, Math.min(size, start + args.count));
        const address = `0x${start.toString(16)}`;
        if (memory.data === null) {
          response.body = { address, unreadableBytes: args.count };
        } else {
          const bytes = Buffer.from(memory.data, 'base64').subarray(start, end);
          response.body = {
            address,
            data: bytes.toString('base64'),
            ...(end - start < args.count ? { unreadableBytes: args.count - (end - start) } : {}),
          };
        }
        this.sendResponse(response);
      },
      false,
    );
  }
}

/** `{ [key]: value }` when the client gave a non-empty value, else nothing (DAP sends '' for "none"). */
function given<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined || value === '' ? {} : ({ [key]: value } as { [P in K]?: string });
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
