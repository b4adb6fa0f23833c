/**
 * One debugger movement on a session: Continue and Reverse Continue, Next
 * and Step Back, Run to Cursor, Step Out. The server decides every stop,
 * step by step, where the state is (the debug adapter never sees the steps
 * in between):
 *
 * - line breakpoints, with a condition (an expression, debug_expr.ts), a hit
 *   condition, or a log message (a logpoint prints and never stops);
 * - exception filters: a kernel error (with an errno filter), an OOM kill, a
 *   failed `expect`, an invariant violation, swap full;
 * - data breakpoints: an observable whose value a step changes.
 *
 * Positions follow the stepping convention: position p means p steps done,
 * the statement of step p next. Forward, a step that raises something or
 * changes a watched value stops right after it (p + 1); going back it stops
 * right before it (p), so the step is next again. A line breakpoint stops
 * where its statement is next, and its hit count is the number of times
 * that statement has been next so far, steps back included: going back and
 * forth gives the same stops.
 *
 * Work is resumable: the language server runs it in slices (long_run.ts),
 * each ended by the slice's CancelSignal, and flushes the log lines between
 * slices.
 */
import type {
  DebugStopReason,
  DesignName,
  DebugLogLine,
  ExceptionFilterId,
  DebugException,
} from '../../shared/protocol';
import type { Kernel } from '../sim/kernel';
import type { CancelSignal } from './api';
import { holds, read, type Compiled, type ConditionExpr, type Expr, type ReadContext } from './debug_expr';
import type { StepPlan } from './steps';

/** `N`/`>= N`: from the N-th time on; `== N`: only then; `> N`, `< N`, `<= N`; `% N`: every N-th time. */
export interface HitCondition {
  readonly op: '>=' | '==' | '>' | '<' | '<=' | '%';
  readonly n: number;
}

export interface LineBreakpoint {
  readonly id: number;
  readonly condition: ConditionExpr | null;
  readonly hit: HitCondition | null;
  /** Text and expressions; non-null: a logpoint. */
  readonly log: readonly (string | Expr)[] | null;
}

export interface DataWatch {
  readonly id: number;
  readonly expr: Expr;
  /** Stops only when this holds after the change. */
  readonly condition: ConditionExpr | null;
}

/** An exception filter: error filters may be limited to some errnos (null: any). */
export type ExceptionFilters = ReadonlyMap<ExceptionFilterId, ReadonlySet<string> | null>;

export interface DebugSpec {
  /** 0-based line → its breakpoint. */
  readonly lines: ReadonlyMap<number, LineBreakpoint>;
  readonly exceptions: ExceptionFilters;
  readonly data: readonly DataWatch[];
}

export interface DebugMove {
  readonly direction: 'forward' | 'back';
  /** At most this many steps (Next and Step Back: 1). */
  readonly maxSteps?: number;
  /** Stop where the statement on this line is next (Run to Cursor). */
  readonly toLine?: number;
  /** Stop at this position (Step Out: the end of the repeat block). */
  readonly toStep?: number;
}

export interface DebugStop {
  readonly reason: DebugStopReason;
  readonly description: string;
  readonly hitBreakpointIds: number[];
  readonly exception: DebugException | null;
}

/** What a debugger movement needs of a session. */
export interface DebugCursor {
  readonly index: number;
  readonly plan: StepPlan;
  readonly kernel: Kernel;
  readonly design: DesignName;
  /** Run one step; false when none can run (the end, or a scenario with errors). */
  forward(): boolean;
  /** `stop_on_error` stopped the session at the last step. */
  readonly stoppedOnError: boolean;
  /** Back to position `target` (a rollback, or a rollback to a checkpoint and re-execution: undo_history.ts). */
  rewindTo(target: number): void;
  /** What step `step` (1-based) raised, read from the session's records; only for steps done. */
  problems(step: number): StepProblems;
  /** Where the events of step `step` (1-based, done) start in the event log. */
  eventsBefore(step: number): number;
  /** Compiler for the parts of records, against the machine as it is. */
  compile(text: string): Compiled;
  /** Variables and the next statement's loop counters, for `$` substitutions. */
  lookup(name: string): number | string | undefined;
}

export interface StepProblems {
  readonly error: { errno: string; message: string; expected: boolean } | null;
  readonly failedExpect: { text: string; actual: string; expected: string } | null;
  readonly violations: readonly string[];
}

/** The most log lines one movement keeps; the rest are counted. */
const MAX_LOG_LINES = 10_000;

/** Swap allocation failures for want of a slot, and free slots: what "swap full" is judged by. */
interface SwapMeasure {
  readonly failures: number;
  readonly free: number;
  readonly total: number;
}

function swapMeasure(k: Kernel): SwapMeasure {
  // memory.swap.events `fail` counts every failed swap allocation; `max` the ones refused by swap.max (mem_cgroup_try_charge_swap()).
  const events = k.memcgs.swapEventsHierarchical(k.memcgs.root);
  const v = k.swap.vswap;
  return {
    failures: events.fail - events.max,
    free: k.swap.counters.nrSwapPages - (v ? v.pages - v.inusePages : 0),
    total: k.swap.visibleTotalPages(),
  };
}

function swapFullNote(before: SwapMeasure, after: SwapMeasure): string | null {
  if (after.failures > before.failures) return 'a swap-out found no free swap slot (memory.swap.events fail)';
  const full = (m: SwapMeasure): boolean => m.total > 0 && m.free === 0;
  if (full(after) && !full(before)) return 'every swap slot is in use (SwapFree 0)';
  return null;
}

export function hitConditionHolds(hit: HitCondition, count: number): boolean {
  switch (hit.op) {
    case '>=':
      return count >= hit.n;
    case '==':
      return count === hit.n;
    case '>':
      return count > hit.n;
    case '<':
      return count < hit.n;
    case '<=':
      return count <= hit.n;
    case '%':
      return count % hit.n === 0;
  }
}

/** A hit condition as typed in VS Code's breakpoint widget, or an error message. */
export function parseHitCondition(text: string): HitCondition | string {
  const m = /^\s*(>=|==|=|>|<=|<|%)?\s*(\d+)\s*$/.exec(text);
  if (m === null)
    return `'${text.trim()}' is not a hit count: write N (from the N-th time on), == N, > N, < N, <= N or % N (every N-th time)`;
  const n = Number(m[2]);
  const op = m[1] === undefined ? '>=' : m[1] === '=' ? '==' : (m[1] as HitCondition['op']);
  if (op === '%' && n === 0) return '% 0 never holds: every N-th time needs N ≥ 1';
  return { op, n };
}

export class DebugRun {
  stop: DebugStop | null = null;
  /** Log lines not yet handed out (`takeLogs`). */
  private logs: DebugLogLine[] = [];
  private logged = 0;
  private dropped = 0;
  private started = false;
  private steps = 0;
  /** Data watch readings at the current position. */
  private values: string[] = [];
  private events = 0;
  private swap: SwapMeasure | null = null;
  /** Breakpoints whose condition could not be read, already told (once per movement). */
  private readonly unreadable = new Set<number>();
  private readonly watchSwapFull: boolean;

  constructor(
    readonly spec: DebugSpec,
    readonly move: DebugMove,
  ) {
    this.watchSwapFull = spec.exceptions.has('swapFull');
  }

  /** Steps moved so far (the budget of `swapsim.limits.maxSteps`). */
  get stepsTaken(): number {
    return this.steps;
  }

  get rewinds(): boolean {
    return this.move.direction === 'back';
  }

  /** Log lines since the last call, and whether lines were dropped past the cap. */
  takeLogs(): DebugLogLine[] {
    const out = this.logs;
    this.logs = [];
    return out;
  }

  /** Work until a stop, or until `signal` ends the slice (call again to go on). */
  advance(c: DebugCursor, signal: CancelSignal | undefined): void {
    if (!this.started) {
      this.started = true;
      this.baseline(c);
    }
    while (this.stop === null) {
      if (this.move.maxSteps !== undefined && this.steps >= this.move.maxSteps) {
        this.stop = { reason: 'step', description: '', hitBreakpointIds: [], exception: null };
        break;
      }
      if (signal?.isCancellationRequested) return;
      if (this.move.direction === 'forward') this.forwardOne(c);
      else this.backOne(c);
    }
    // Next and Step Back onto a breakpoint's line are still steps (an exception or a data change says more, and stays).
    if (this.stop.reason === 'breakpoint' && this.move.maxSteps !== undefined && this.steps >= this.move.maxSteps)
      this.stop = { ...this.stop, reason: 'step' };
    this.flushDropped();
  }

  private baseline(c: DebugCursor): void {
    this.values = this.readWatches(c);
    this.events = c.kernel.log.length;
    this.swap = this.watchSwapFull ? swapMeasure(c.kernel) : null;
  }

  private readContext(c: DebugCursor): ReadContext {
    return { kernel: c.kernel, design: c.design, compile: (text) => c.compile(text), lookup: (name) => c.lookup(name) };
  }

  private readWatches(c: DebugCursor): string[] {
    if (this.spec.data.length === 0) return [];
    const rc = this.readContext(c);
    return this.spec.data.map((w) => read(w.expr, rc).raw);
  }

  // ------------------------------------------------------------ forward

  private forwardOne(c: DebugCursor): void {
    if (!c.forward()) {
      this.stop = { reason: 'end', description: 'end of scenario', hitBreakpointIds: [], exception: null };
      return;
    }
    this.steps++;
    const p = c.index;
    const exception = this.exceptionOf(c, p, this.events, c.kernel.log.length);
    this.events = c.kernel.log.length;
    const before = this.values;
    this.values = this.readWatches(c);
    if (exception !== null) {
      this.stop = exception;
      return;
    }
    const data = this.changedWatches(c, before, this.values);
    if (data !== null) {
      this.stop = data;
      return;
    }
    if (c.stoppedOnError) {
      this.stop = {
        reason: 'exception',
        description: 'stopped on error (stop_on_error)',
        hitBreakpointIds: [],
        exception: null,
      };
      return;
    }
    if (p >= c.plan.total) {
      this.stop = { reason: 'end', description: 'end of scenario', hitBreakpointIds: [], exception: null };
      return;
    }
    this.stop = this.positionStop(c, p, true);
  }

  // --------------------------------------------------------------- back

  private backOne(c: DebugCursor): void {
    const i = c.index;
    if (i === 0) {
      this.stop = { reason: 'entry', description: 'start of scenario', hitBreakpointIds: [], exception: null };
      return;
    }
    // What step i raised, read before its records are rolled back.
    const exception = this.exceptionOf(c, i, c.eventsBefore(i), c.kernel.log.length, true);
    const after = this.values;
    const swapAfter = this.swap;
    c.rewindTo(i - 1);
    this.steps++;
    this.values = this.readWatches(c);
    this.events = c.kernel.log.length;
    this.swap = this.watchSwapFull ? swapMeasure(c.kernel) : null;
    const p = i - 1;
    this.stop = this.backStop(c, p, exception, after, swapAfter);
    if (this.stop === null && p === 0)
      this.stop = { reason: 'entry', description: 'start of scenario', hitBreakpointIds: [], exception: null };
  }

  /** The stop going back at position p, whose next step raised `exception` and took the watches to `after`. */
  private backStop(
    c: DebugCursor,
    p: number,
    exception: DebugStop | null,
    after: readonly string[],
    swapAfter: SwapMeasure | null,
  ): DebugStop | null {
    const full = swapAfter !== null && this.swap !== null ? swapFullNote(this.swap, swapAfter) : null;
    if (exception !== null) return exception;
    if (full !== null) return this.swapFullStop(c, p + 1, full);
    const data = this.changedWatches(c, this.values, after);
    if (data !== null) return data;
    return this.positionStop(c, p, false);
  }

  // ------------------------------------------------------------- checks

  /** A stop for what step `step` (1-based) raised, if a filter asks for it. */
  private exceptionOf(
    c: DebugCursor,
    step: number,
    eventsFrom: number,
    eventsTo: number,
    back = false,
  ): DebugStop | null {
    const filters = this.spec.exceptions;
    if (filters.size === 0) return null;
    const line = c.plan.lineAt(step - 1);
    const where = `line ${line + 1}, step ${step}`;
    const problems = c.problems(step);
    const exception = (filter: ExceptionFilterId, id: string, description: string): DebugStop => ({
      reason: 'exception',
      description: `${description} (${where})`,
      hitBreakpointIds: [],
      exception: { filter, id, description, line, step },
    });
    const e = problems.error;
    if (e !== null) {
      const filter: ExceptionFilterId = e.expected ? 'caughtError' : 'error';
      const errnos = filters.get(filter);
      if (filters.has(filter) && (errnos === null || errnos === undefined || errnos.has(e.errno)))
        return exception(filter, e.errno, `${e.errno}: ${e.message}`);
    }
    if (problems.failedExpect !== null && filters.has('expect')) {
      const x = problems.failedExpect;
      return exception('expect', 'expect-failed', `expect failed: ${x.text}: got ${x.actual}, expected ${x.expected}`);
    }
    if (problems.violations.length > 0 && filters.has('invariant'))
      return exception('invariant', 'invariant', `invariant violated: ${problems.violations[0]}`);
    if (filters.has('oom')) {
      const log = c.kernel.log.events;
      for (let i = eventsFrom; i < eventsTo && i < log.length; i++) {
        const ev = log[i]!;
        if (ev.kind === 'oom-kill') return exception('oom', 'oom-kill', `OOM kill of ${ev.task} in ${ev.memcg}`);
      }
    }
    if (this.watchSwapFull && !back) {
      const before = this.swap;
      this.swap = swapMeasure(c.kernel);
      const full = before === null ? null : swapFullNote(before, this.swap);
      if (full !== null) return exception('swapFull', 'swap-full', `swap full: ${full}`);
    }
    return null;
  }

  private swapFullStop(c: DebugCursor, step: number, note: string): DebugStop {
    const line = c.plan.lineAt(step - 1);
    const description = `swap full: ${note}`;
    return {
      reason: 'exception',
      description: `${description} (line ${line + 1}, step ${step})`,
      hitBreakpointIds: [],
      exception: { filter: 'swapFull', id: 'swap-full', description, line, step },
    };
  }

  /** Data breakpoints whose value differs between `a` and `b` (and whose condition holds now). */
  private changedWatches(c: DebugCursor, a: readonly string[], b: readonly string[]): DebugStop | null {
    const ids: number[] = [];
    const names: string[] = [];
    this.spec.data.forEach((w, i) => {
      if (a[i] === b[i]) return;
      if (w.condition !== null && !holds(w.condition, this.readContext(c)).holds) return;
      ids.push(w.id);
      names.push(w.expr.text);
    });
    if (ids.length === 0) return null;
    return {
      reason: 'data breakpoint',
      description: `${names.join(', ')} changed`,
      hitBreakpointIds: ids,
      exception: null,
    };
  }

  /** Breakpoints, Run to Cursor and Step Out targets at position p (the statement of step p next). */
  private positionStop(c: DebugCursor, p: number, forward: boolean): DebugStop | null {
    if (this.move.toStep === p) return { reason: 'step', description: '', hitBreakpointIds: [], exception: null };
    const line = c.plan.lineAt(p);
    const bp = this.spec.lines.get(line);
    if (bp !== undefined && this.breakpointHolds(c, bp, line, p)) {
      if (bp.log === null) return { reason: 'breakpoint', description: '', hitBreakpointIds: [bp.id], exception: null };
      if (forward) this.log(c, bp, line, p);
    }
    if (this.move.toLine === line)
      return { reason: 'goto', description: `line ${line + 1}`, hitBreakpointIds: [], exception: null };
    return null;
  }

  private breakpointHolds(c: DebugCursor, bp: LineBreakpoint, line: number, p: number): boolean {
    if (bp.hit !== null && !hitConditionHolds(bp.hit, c.plan.timesReached(line, p))) return false;
    if (bp.condition === null) return true;
    const verdict = holds(bp.condition, this.readContext(c));
    if (verdict.error === true && !this.unreadable.has(bp.id)) {
      this.unreadable.add(bp.id);
      this.pushLog({
        step: p,
        line,
        category: 'stderr',
        text: `condition on line ${line + 1} could not be read (${verdict.detail}): taken as false`,
      });
    }
    return verdict.holds;
  }

  private log(c: DebugCursor, bp: LineBreakpoint, line: number, p: number): void {
    const rc = this.readContext(c);
    const text = (bp.log ?? []).map((part) => (typeof part === 'string' ? part : read(part, rc).display)).join('');
    this.pushLog({ step: p, line, category: 'console', text });
  }

  private pushLog(entry: DebugLogLine): void {
    if (this.logged >= MAX_LOG_LINES) {
      this.dropped++;
      return;
    }
    this.logged++;
    this.logs.push(entry);
  }

  private flushDropped(): void {
    if (this.dropped === 0) return;
    this.logs.push({
      step: -1,
      line: -1,
      category: 'stderr',
      text: `… ${this.dropped} more log line(s) not shown (at most ${MAX_LOG_LINES} per movement)`,
    });
    this.dropped = 0;
  }
}
