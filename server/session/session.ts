/**
 * One simulation per scenario document: the simulated machine, the
 * position in the scenario, the results so far, and the views of them.
 * Stepping forward runs statements; stepping back rolls the journal back,
 * or, inside the compacted part of the history, rolls back to a checkpoint
 * and re-executes (undo_history.ts; the run is deterministic). Every state
 * change yields a small `SessionDelta`.
 */
import type {
  ClusterDetail,
  ClusterList,
  ClusterMap,
  DesignName,
  DeviceSummary,
  EventPage,
  ExpectResult,
  MemcgSummary,
  WireOverheadTable,
  SessionDelta,
  SessionSnapshot,
  SessionStatus,
  SlotRecord,
  StepError,
  StepInfo,
  SwapCacheEntry,
} from '../../shared/protocol';
import { parseAndCheck, type FrontEndResult, type Range } from '../lang';
import type { CheckedStatement, Limits, ScenarioConfig } from '../lang/check/checked';
import { configUnderKernel } from '../lang/check/config';
import type { KernelVersion } from '../sim/kernel_version';
import type { Diagnostic } from '../lang/diagnostics';
import type { ErrnoName } from '../sim/errno';
import { computeOverhead } from '../sim/designs/overhead';
import { Kernel } from '../sim/kernel';
import { checkInvariants } from '../sim/invariants';
import { checkWrittenSince } from '../sim/invariants_local';
import type { CancelSignal, InvariantMode, ProgressSink, SessionApi, SessionOptions } from './api';
import { CHECKPOINT_MS, DEFAULT_UNDO_MB, ForwardClock, UndoHistory, type UndoStats } from './undo_history';
import type { Compiled } from './debug_expr';
import type { DebugCursor, DebugRun, StepProblems } from './debug_run';
import { execute, type StepOutcome } from './interpreter';
import { recheck, type RunScope } from './dynamic';
import { KernelError } from '../sim/errno';
import { DEFAULT_LIMITS } from '../lang/check/checked';
import { counterSet, deviceSummary, memcgSummaries, memcgSummary } from './observe';
import { overheadInput } from './overhead_input';
import { overheadToWire } from './overhead_wire';
import { expectHint } from './hint_text';
import { StepPlan } from './steps';
import { DeltaTracker } from './deltas';
import {
  clusterDetail,
  clusterMapOf,
  clusterPage,
  eventPage,
  exportState,
  slotRecord,
  swapCacheRows,
  wireEvents,
  type QueryContext,
} from './queries';

/** Share of a run's time the sampled full invariant sweep may take in incremental mode. */
const DEFAULT_FULL_CHECK_SHARE = 0.05;
/**
 * Units of full-sweep work (a slot, a folio, a PTE, a zswap entry) that
 * cost about as much as one journal record of a step. Measured: at 50 the
 * sweep took 16% of scale.touch_loop_64k's CPU profile instead of 5%
 * (zswap entries, kept in a Map, cost several units each), hence 15.
 */
const SWEEP_UNITS_PER_RECORD = 15;

/**
 * SessionOptions plus the checker's limits: a caller running untrusted or
 * generated scenarios (the fuzz test) bounds each one's work by making
 * oversized programs diagnostics instead of long runs.
 */
export interface SessionBuildOptions extends SessionOptions {
  limits?: Partial<Limits>;
  /** Forward work between undo checkpoints, in ms (undo_history.ts CHECKPOINT_MS); tests set it to 0. */
  undoCheckpointMs?: number;
  /**
   * The text's parse and check, when the caller already has it (the language
   * server's analysis): it must come from the same text, limits and config
   * defaults, and saves parsing a long scenario twice.
   */
  frontEnd?: FrontEndResult;
}

/** `run` without breakpoints: only `toLine` or the end stops it. */
const NO_BREAKPOINTS: ReadonlySet<number> = new Set();

export class Session implements SessionApi {
  readonly uri: string;
  readonly frontEnd: FrontEndResult;
  private readonly plan: StepPlan;
  private readonly opts: SessionBuildOptions;
  /** The simulated machine once booted (see `kernel`). */
  private machineValue: Kernel | null = null;
  /** Have the views of the boot-time machine been taken (the base the first delta diffs against)? */
  private viewsTaken = false;
  designName!: DesignName;
  /** The kernel release simulated: the scenario's, or the override the session was built with. */
  kernelVersion!: KernelVersion;
  private index = 0;
  private history!: UndoHistory;
  /** Times forward steps for the undo checkpoints (CPU time, estimated cheaply). */
  private readonly clock = new ForwardClock();
  /** Incremental mode: journal records written since the last sampled full sweep. */
  private workSinceSweep = 0;
  private seqNo = 0;
  private statusValue: SessionStatus = 'ready';
  private readonly expectList: ExpectResult[] = [];
  private readonly errorList: StepError[] = [];
  private readonly violationList: { message: string; step: number; range: Range }[] = [];
  private lastErrno: StepOutcome['error'] | null = null;
  /** `let` variables; written through the machine's journal, so stepping back restores them. */
  private vars = new Map<string, number | string>();
  /** The checker's limits, also for statements checked at run time. */
  private readonly limits: Limits;
  /** Per line, what its last run did and at which step (a step back drops what ran after the new position). */
  private readonly lineEffects = new Map<number, { step: number; text: string }>();
  /** The line of each step run (index step - 1): a step back visits only the lines of the steps it undoes. */
  private readonly stepLines: number[] = [];
  /** What the views last saw, for diffing. */
  private readonly deltas = new DeltaTracker();

  constructor(
    uri: string,
    /** The scenario text (kept to re-run it under other designs). */
    readonly text: string,
    opts: SessionBuildOptions = {},
  ) {
    this.uri = uri;
    this.opts = opts;
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.frontEnd = opts.frontEnd ?? parseAndCheck(text, opts.limits, { defaults: opts.configDefaults });
    this.plan = new StepPlan(this.frontEnd.checked.statements);
    this.statusValue = this.frontEnd.checked.hasErrors ? 'invalid' : 'ready';
    this.boot(opts.design);
  }

  /** Back to step 0 on a machine not booted yet (the `kernel` getter boots it). */
  private boot(design?: DesignName): void {
    this.kernelVersion = this.opts.kernel ?? this.frontEnd.checked.config.kernel;
    this.designName = design ?? this.opts.design ?? this.config.design;
    this.machineValue = null;
    this.index = 0;
    this.workSinceSweep = 0;
    this.history = new UndoHistory(
      {
        totalBytes: (this.opts.undoMemoryMB ?? DEFAULT_UNDO_MB) * 2 ** 20,
        checkpointMs: this.opts.undoCheckpointMs ?? CHECKPOINT_MS,
      },
      (from, to, removed) => this.journalCompacted(from, to, removed),
    );
    this.expectList.length = 0;
    this.errorList.length = 0;
    this.violationList.length = 0;
    this.lastErrno = null;
    this.vars = new Map();
    this.lineEffects.clear();
  }

  /**
   * The simulated machine, booted on first use: a program the checker
   * refused never runs, so it never pays for one. Nothing happens to a
   * machine before its first use, so booting late is the same as booting
   * in the constructor.
   */
  private get kernel(): Kernel {
    if (this.machineValue) return this.machineValue;
    const cfg = this.config;
    const k = new Kernel({
      pageSize: cfg.pageSize,
      clusterSlots: cfg.clusterSlots,
      thpSwap: cfg.thpSwap,
      cpus: cfg.cpus,
      ramBytes: cfg.ramBytes,
      maxSwapfiles: cfg.maxSwapfiles,
      seed: cfg.seed,
      design: this.designName,
      kernel: this.kernelVersion,
      checkInvariants: false,
      ghostWriteback: cfg.ghostWriteback,
      swapWriteback: cfg.swapWriteback,
      taskMemory: this.opts.taskMemory ?? cfg.taskMemory,
      swapTiers: cfg.swapTiers,
    });
    this.machineValue = k;
    this.deltas.attach(k);
    if (!this.viewsTaken) {
      this.viewsTaken = true;
      this.deltas.remember(k);
    }
    return k;
  }

  // ------------------------------------------------------------ accessors

  get diagnostics(): readonly Diagnostic[] {
    return this.frontEnd.diagnostics;
  }
  get seq(): number {
    return this.seqNo;
  }
  get design(): DesignName {
    return this.designName;
  }
  /** The scenario's config under the simulated kernel (a kernel override brings that kernel's defaults). */
  get config(): ScenarioConfig {
    return configUnderKernel(this.frontEnd.checked.config, this.opts.kernel ?? this.frontEnd.checked.config.kernel);
  }
  get status(): SessionStatus {
    return this.statusValue;
  }
  get expects(): readonly ExpectResult[] {
    return this.expectList;
  }
  get errors(): readonly StepError[] {
    return this.errorList;
  }
  get violations(): readonly { message: string; step: number; range: Range }[] {
    return this.violationList;
  }
  /** The simulated machine (tests and the CLI read it directly). */
  get machine(): Kernel {
    return this.kernel;
  }

  get step(): StepInfo {
    return {
      index: this.index,
      total: this.plan.total,
      range: this.index > 0 ? this.plan.at(this.index - 1).stmt.range : null,
      next: this.index < this.plan.total ? this.plan.at(this.index).stmt.range : null,
    };
  }

  /** The step order: hit counts, `repeat` passes and line targets for the debugger. */
  get steps(): StepPlan {
    return this.plan;
  }

  /** The machine debugger expressions are checked against: the scenario's config under the session's design. */
  get exprConfig(): ScenarioConfig {
    return { ...this.frontEnd.checked.config, design: this.designName };
  }

  private pathOf = (type: number): string => this.kernel.swap.swapInfo[type]?.path ?? `type${type}`;

  // -------------------------------------------------------------- stepping

  private canRun(): boolean {
    return this.statusValue !== 'invalid' && this.index < this.plan.total;
  }

  /** Execute the step at `index` and advance. */
  private runOne(): void {
    const started = this.clock.start();
    const { stmt, iterations, variables } = this.plan.at(this.index);
    const k = this.kernel;
    const mark = k.mark();
    this.history.push({
      mark,
      expects: this.expectList.length,
      errors: this.errorList.length,
      violations: this.violationList.length,
      sweepWork: this.workSinceSweep,
    });
    const eventsBefore = k.log.length;
    const scope = this.scope(iterations, variables);
    let out: StepOutcome;
    try {
      out = execute(k, stmt, { lastErrno: this.lastErrno?.errno ?? null, design: this.designName, scope });
    } catch (e) {
      // a SimulatorBug: leave the machine as it was before the step, so the
      // session stays usable and the bug can be reproduced by stepping again
      k.rollback(mark);
      this.history.pop();
      throw e;
    }
    const stepNo = this.index + 1;
    if (out.error) {
      this.errorList.push({
        range: stmt.range,
        errno: out.error.errno,
        message: out.error.message,
        step: stepNo,
        expected: this.nextIsExpectError(out.error.errno),
      });
    }
    if (out.expect) {
      this.expectList.push({
        range: stmt.range,
        text: out.expect.text,
        passed: out.expect.passed,
        actual: out.expect.actual,
        expected: out.expect.expected,
        step: stepNo,
      });
    }
    if (stmt.op !== 'expect' && stmt.op !== 'expect-ok' && stmt.op !== 'expect-error')
      this.lastErrno = out.error ?? null;
    this.checkStep(mark.journal, stepNo, stmt.range);
    this.lineEffects.set(stmt.range.start.line, { step: stepNo, text: this.summarizeEffect(stmt, out, eventsBefore) });
    this.stepLines[stepNo - 1] = stmt.range.start.line;
    this.index++;
    this.history.afterStep(k.j, this.clock.since(started));
  }

  /** The invariant mode in force: the settings, then the scenario's `config check_invariants`. */
  get invariantMode(): InvariantMode {
    if (this.opts.checkInvariants === false || !this.frontEnd.checked.config.checkInvariants) return 'off';
    return this.opts.invariants ?? 'incremental';
  }

  /**
   * The invariant check after a step: the incremental check of what the
   * step wrote, plus the full sweep sampled so that it costs about
   * `fullCheckShare` of the run (see `sweepDue`); or the full sweep after
   * every step in full mode. Violations are recorded on the step's statement.
   */
  private checkStep(from: number, stepNo: number, range: Range): void {
    const mode = this.invariantMode;
    if (mode === 'off') return;
    const k = this.kernel;
    const found = new Set<string>();
    if (mode === 'full' || this.sweepDue(k, from)) {
      for (const m of checkInvariants(k)) found.add(m);
    }
    if (mode === 'incremental') for (const m of checkWrittenSince(k, from)) found.add(m);
    for (const message of found) this.violationList.push({ message, step: stepNo, range });
  }

  /**
   * Incremental mode: is a sampled full sweep due? A step costs about its
   * journal records, the sweep about the state it walks (the slots of
   * materialised clusters, folios, PTEs, zswap entries); a record of a step
   * costs about SWEEP_UNITS_PER_RECORD units of sweep. The sweep runs once
   * the work since the last one, at that rate and share, pays for it. The
   * rule counts work, not time, so the same run samples the same steps.
   */
  private sweepDue(k: Kernel, from: number): boolean {
    const share = this.opts.fullCheckShare ?? DEFAULT_FULL_CHECK_SHARE;
    if (share <= 0) return false;
    this.workSinceSweep += Math.max(1, k.j.size - from);
    let state = k.folios.nrFolios + k.zswap.entries.size;
    for (const si of k.swap.devices) state += (si.nrClusters - si.virginLeft) * k.geom.clusterSlots;
    for (const t of k.mm.tasks.values()) for (const v of t.vmas.values()) state += v.nrPages;
    if (this.workSinceSweep * SWEEP_UNITS_PER_RECORD * share < state) return false;
    this.workSinceSweep = 0;
    return true;
  }

  /**
   * "Check All Invariants": the full sweep of the current state, now.
   * Violations are recorded on the statement of the last step run (or the
   * first line before any step) and returned.
   */
  checkAllInvariants(): { step: number; problems: string[] } {
    const problems = checkInvariants(this.kernel);
    const range =
      this.index > 0
        ? this.plan.at(this.index - 1).stmt.range
        : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const known = new Set(this.violationList.filter((v) => v.step === this.index).map((v) => v.message));
    for (const message of problems)
      if (!known.has(message)) this.violationList.push({ message, step: this.index, range });
    return { step: this.index, problems };
  }

  /** Undo memory and the shape of the history (benches and tests). */
  undoStats(): UndoStats {
    return this.history.stats(this.kernel.j);
  }

  /** The journal compacted [from, to) (undo_history.ts): the delta's mark moves with it. */
  private journalCompacted(from: number, to: number, removed: number): void {
    this.deltas.journalCompacted(from, to, removed);
  }

  /**
   * The statement the next step runs, with its `$` substitutions expanded
   * against the machine as it is now (`swapsim verify` translates it for a
   * real kernel); null at the end, or when it does not expand (the step
   * then fails when it runs).
   */
  nextStatement(): CheckedStatement | null {
    if (this.index >= this.plan.total) return null;
    const { stmt, iterations, variables } = this.plan.at(this.index);
    if (stmt.op !== 'dynamic') return stmt;
    try {
      return { ...recheck(this.kernel, stmt.statement, this.scope(iterations, variables)), range: stmt.range };
    } catch (e) {
      if (e instanceof KernelError || e instanceof RangeError) return null;
      throw e;
    }
  }

  /** Variables and loop counters for the step at `index`. */
  private scope(iterations: readonly number[], variables: readonly (string | null)[]): RunScope {
    const loops = new Map<string, number>();
    variables.forEach((v, i) => {
      if (v !== null) loops.set(v, iterations[i] ?? 0);
    });
    const vars = this.vars;
    const k = this.kernel;
    return {
      vars,
      setVar: (name, value) => k.j.mapSet(vars, name, value),
      loops,
      step: this.index + 1,
      config: this.frontEnd.checked.config,
      limits: this.limits,
    };
  }

  variable(name: string): number | string | undefined {
    const v = this.vars.get(name);
    if (v !== undefined || this.index === 0) return v;
    // a loop counter: its pass in the statement run last
    const { iterations, variables } = this.plan.at(this.index - 1);
    const i = variables.indexOf(name);
    return i < 0 ? undefined : iterations[i];
  }

  /** Is the statement after the current one an `expect error ERRNO` accepting this errno? */
  private nextIsExpectError(errno: string): boolean {
    if (this.index + 1 >= this.plan.total) return false;
    const next = this.plan.at(this.index + 1).stmt;
    return next.op === 'expect-error' && next.errno === errno;
  }

  private summarizeEffect(stmt: CheckedStatement, out: StepOutcome, eventsBefore: number): string {
    if (out.error) return `${out.error.errno}: ${out.error.message}`;
    if (out.expect) return expectHint(out.expect.passed, out.expect.actual, out.expect.text, this.kernel.geom.pageSize);
    const k = this.kernel;
    const parts: string[] = [];
    const ev = k.log.events;
    let swapouts = 0;
    let swapins = 0;
    for (let i = eventsBefore; i < ev.length; i++) {
      const e = ev[i]!;
      if (e.kind === 'swapout') swapouts += e.nr;
      else if (e.kind === 'swapin') swapins += e.nr;
      else if (e.kind === 'oom-kill') parts.push(`OOM kill ${e.task}`);
    }
    if (swapouts) parts.push(`swapout ${swapouts}`);
    if (swapins) parts.push(`swapin ${swapins}`);
    const kib = k.geom.pageSize / 1024;
    const used = k.swap.devices.reduce((n, d) => n + d.inusePages, 0) * kib;
    parts.push(`Used ${used} KiB`);
    if ('task' in stmt && typeof stmt.task === 'string') {
      const t = k.mm.tasks.get(stmt.task);
      const m = t ? k.memcgs.get(t.memcg) : undefined;
      if (m && !m.isRoot) parts.push(`${m.name} swap.current ${(m.swap.usage * k.geom.pageSize) / 1024} KiB`);
    }
    return parts.join(' · ');
  }

  stepForward(count = 1, cancel?: CancelSignal, progress?: ProgressSink): SessionDelta {
    this.runSteps((done) => done >= count, cancel, progress, count);
    return this.delta(false);
  }

  run(toLine?: number, cancel?: CancelSignal, progress?: ProgressSink): SessionDelta {
    return this.runToBreakpoint(NO_BREAKPOINTS, this.index, toLine, cancel, progress);
  }

  runToBreakpoint(
    breakpoints: ReadonlySet<number>,
    from: number,
    toLine?: number,
    cancel?: CancelSignal,
    progress?: ProgressSink,
  ): SessionDelta {
    this.runSteps(
      () => {
        if (this.index >= this.plan.total) return false;
        const line = this.plan.at(this.index).stmt.range.start.line;
        // A breakpoint on the statement we start from would stop at once: it counts after one step.
        return (this.index > from && breakpoints.has(line)) || (toLine !== undefined && line >= toLine);
      },
      cancel,
      progress,
      this.plan.total - this.index,
    );
    return this.delta(false);
  }

  backToBreakpoint(breakpoints: ReadonlySet<number>): SessionDelta {
    let target = 0;
    if (breakpoints.size > 0) {
      for (let i = this.index - 1; i > 0; i--) {
        if (breakpoints.has(this.plan.at(i).stmt.range.start.line)) {
          target = i;
          break;
        }
      }
    }
    this.rewindTo(target);
    return this.delta(true);
  }

  private runSteps(
    stop: (done: number) => boolean,
    cancel: CancelSignal | undefined,
    progress: ProgressSink | undefined,
    expected: number,
  ): void {
    const cfg = this.frontEnd.checked.config;
    const maxSteps = this.opts.maxSteps ?? Number.POSITIVE_INFINITY;
    let done = 0;
    this.statusValue = this.statusValue === 'invalid' ? 'invalid' : 'running';
    while (this.canRun() && !stop(done)) {
      if (cancel?.isCancellationRequested) break;
      if (done >= maxSteps) break;
      const errorsBefore = this.errorList.length;
      const expectsBefore = this.expectList.length;
      this.runOne();
      done++;
      if (progress && (done & 255) === 0) progress(done, expected);
      const newErr = this.errorList.length > errorsBefore ? this.errorList[this.errorList.length - 1]! : null;
      const newExpect = this.expectList.length > expectsBefore ? this.expectList[this.expectList.length - 1]! : null;
      // config stop_on_error=yes: stop at the first failed expectation or unexpected errno
      const failed = (newErr && !newErr.expected) || (newExpect && !newExpect.passed);
      if (failed && (cfg.stopOnError || this.opts.stopOnError)) {
        this.statusValue = 'stopped';
        return;
      }
    }
    if (this.statusValue !== 'invalid') this.statusValue = this.index >= this.plan.total ? 'finished' : 'ready';
  }

  /**
   * Run forward to `target` steps done without building a delta (throwaway
   * sessions, e.g. comparing designs), calling `beforeStep` before each step
   * and at the target.
   */
  advanceTo(target: number, cancel?: CancelSignal, beforeStep?: () => void): void {
    this.runSteps(
      () => {
        beforeStep?.();
        return this.index >= target;
      },
      cancel,
      undefined,
      target - this.index,
    );
  }

  /** The options this session was built with (to build others like it). */
  get buildOptions(): SessionBuildOptions {
    return this.opts;
  }

  stepBack(count = 1): SessionDelta {
    const target = Math.max(0, this.index - count);
    this.rewindTo(target);
    return this.delta(true);
  }

  gotoStep(step: number, cancel?: CancelSignal): SessionDelta {
    const target = Math.max(0, Math.min(this.plan.total, Math.floor(step)));
    if (target >= this.index) {
      this.runSteps(() => this.index >= target, cancel, undefined, target - this.index);
      return this.delta(false);
    }
    this.rewindTo(target);
    return this.delta(true);
  }

  reset(): SessionDelta {
    this.rewindTo(0);
    return this.delta(true);
  }

  /**
   * A variable as the debugger reads it: a `let` variable, else a loop
   * counter of the statement that runs next (of the last one, at the end).
   */
  lookupVariable(name: string): number | string | undefined {
    const v = this.vars.get(name);
    if (v !== undefined || this.plan.total === 0) return v;
    const { iterations, variables } = this.plan.at(Math.min(this.index, this.plan.total - 1));
    const i = variables.indexOf(name);
    return i < 0 ? undefined : iterations[i];
  }

  /** The next slice of a debugger movement (debug_run.ts); the delta of what it did. */
  debugSlice(run: DebugRun, compile: (text: string) => Compiled, cancel?: CancelSignal): SessionDelta {
    run.advance(this.debugCursor(compile), cancel);
    return this.delta(run.rewinds);
  }

  private debugCursor(compile: (text: string) => Compiled): DebugCursor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below read the session's live fields
    const session = this;
    return {
      get index() {
        return session.index;
      },
      plan: this.plan,
      get kernel() {
        return session.kernel;
      },
      design: this.designName,
      get stoppedOnError() {
        return session.statusValue === 'stopped';
      },
      forward: () => {
        if (!this.canRun()) return false;
        this.runSteps((done) => done >= 1, undefined, undefined, 1);
        return true;
      },
      rewindTo: (target) => this.rewindTo(target),
      problems: (step) => this.problemsOf(step),
      eventsBefore: (step) =>
        step - 1 < this.history.length ? this.history.at(step - 1).mark.events : this.kernel.log.length,
      compile,
      lookup: (name) => this.lookupVariable(name),
    };
  }

  /** What step `step` (1-based, done) raised, from the records (newest last, so read from the end). */
  private problemsOf(step: number): StepProblems {
    let error: StepProblems['error'] = null;
    for (let i = this.errorList.length - 1; i >= 0 && this.errorList[i]!.step >= step; i--) {
      const e = this.errorList[i]!;
      if (e.step === step) error = { errno: e.errno, message: e.message, expected: e.expected };
    }
    let failedExpect: StepProblems['failedExpect'] = null;
    for (let i = this.expectList.length - 1; i >= 0 && this.expectList[i]!.step >= step; i--) {
      const x = this.expectList[i]!;
      if (x.step === step && !x.passed) failedExpect = { text: x.text, actual: x.actual, expected: x.expected };
    }
    const violations: string[] = [];
    for (let i = this.violationList.length - 1; i >= 0 && this.violationList[i]!.step >= step; i--) {
      if (this.violationList[i]!.step === step) violations.unshift(this.violationList[i]!.message);
    }
    return { error, failedExpect, violations };
  }

  /**
   * Run to Cursor on a line before the next statement: the position where
   * that line's statement (or the first after it) ran last, or null when
   * the target is ahead (or never ran).
   */
  backTargetForLine(toLine: number): number | null {
    const line = this.statementLineFrom(toLine);
    if (line === null) return null;
    const next = this.index < this.plan.total ? this.plan.lineAt(this.index) : Number.POSITIVE_INFINITY;
    return line < next ? this.plan.previousOccurrence(line, this.index) : null;
  }

  /** The first line at or after `line` that starts a statement run as a step, or null. */
  statementLineFrom(line: number): number | null {
    let best: number | null = null;
    for (const l of this.plan.stepLines()) if (l >= line && (best === null || l < best)) best = l;
    return best;
  }

  /**
   * Go back to `target` steps done: a journal rollback to the step's mark,
   * or, when the step lies inside a compacted interval, to the checkpoint
   * below it followed by re-executing the steps up to `target`.
   */
  private rewindTo(target: number): void {
    if (target >= this.index) return;
    const undone = this.index;
    const from = this.history.restorePoint(target);
    const rec = this.history.at(from);
    this.kernel.rollback(rec.mark);
    this.history.truncate(from);
    this.expectList.length = rec.expects;
    this.errorList.length = rec.errors;
    this.violationList.length = rec.violations;
    this.workSinceSweep = rec.sweepWork;
    this.index = from;
    this.lastErrno = this.lastErrorBefore(from);
    if (from < target) this.runSteps(() => this.index >= target, undefined, undefined, target - from);
    this.lastErrno = this.lastErrorBefore(target);
    // A line whose last run is undone shows no effect (in a repeat, its earlier runs' effects are not kept).
    for (let s = target; s < undone; s++) {
      const line = this.stepLines[s]!;
      if ((this.lineEffects.get(line)?.step ?? 0) > target) this.lineEffects.delete(line);
    }
    this.deltas.rewound({ expects: this.expectList, errors: this.errorList });
    this.statusValue =
      this.statusValue === 'invalid' ? 'invalid' : this.index >= this.plan.total ? 'finished' : 'ready';
  }

  /** The error of the last step run, if it failed (what `expect error` looks at next). */
  private lastErrorBefore(stepsDone: number): StepOutcome['error'] | null {
    const last = this.errorList[this.errorList.length - 1];
    return last && last.step === stepsDone ? { errno: last.errno as ErrnoName, message: last.message } : null;
  }

  // ------------------------------------------------------------- deltas

  /** What changed since the last delta (or since the rewind): deltas.ts. */
  private delta(rewound: boolean): SessionDelta {
    this.seqNo++;
    const changes = this.deltas.changes(
      this.kernel,
      rewound,
      { expects: this.expectList, errors: this.errorList },
      (from, to) => wireEvents(this.queries, from, to),
    );
    return { ...this.header(), ...changes, rewound };
  }

  /** The fields a delta and a snapshot both start with. */
  private header(): Pick<SessionSnapshot, 'uri' | 'seq' | 'status' | 'design' | 'kernel' | 'step'> {
    return {
      uri: this.uri,
      seq: this.seqNo,
      status: this.statusValue,
      design: this.designName,
      kernel: this.kernelVersion,
      step: this.step,
    };
  }

  /** The step (1-based) during which event `i` was emitted. */
  private stepOfEvent(i: number): number {
    let lo = 0;
    let hi = this.history.length - 1;
    let ans = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history.at(mid).mark.events <= i) {
        ans = mid + 1;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  // --------------------------------------------------------------- views

  snapshot(): SessionSnapshot {
    const k = this.kernel;
    return {
      ...this.header(),
      pageSize: k.geom.pageSize,
      clusterSlots: k.geom.clusterSlots,
      devices: k.swap.devices.map((d) => deviceSummary(k, d)),
      memcgs: memcgSummaries(k),
      counters: counterSet(k),
      expects: this.expectList.slice(),
      errors: this.errorList.slice(),
    };
  }

  lineEffect(line: number): string | null {
    return this.lineEffects.get(line)?.text ?? null;
  }

  device(path: string): DeviceSummary | null {
    const si = this.kernel.swap.byPath(path);
    return si ? deviceSummary(this.kernel, si) : null;
  }

  memcg(path: string): MemcgSummary | null {
    const m = this.kernel.memcgs.lookup(path);
    return m ? memcgSummary(this.kernel, m) : null;
  }

  task(name: string): { name: string; state: string; cgroup: string; rss: number; swapents: number } | null {
    const k = this.kernel;
    const t = k.mm.tasks.get(name);
    if (!t) return null;
    const m = k.memcgs.get(t.memcg);
    return { name, state: t.state, cgroup: m ? memcgSummary(k, m).path : '/', ...k.taskFootprint(t) };
  }

  /** What the on-demand views (queries.ts) read besides the machine. */
  private get queries(): QueryContext {
    return {
      k: this.kernel,
      design: this.designName,
      seq: this.seqNo,
      stepOfEvent: (i) => this.stepOfEvent(i),
      pathOf: this.pathOf,
    };
  }

  slot(type: number, offset: number): SlotRecord {
    return slotRecord(this.queries, type, offset);
  }

  cluster(type: number, cluster: number): ClusterDetail {
    return clusterDetail(this.queries, type, cluster);
  }

  clusterMap(type: number, bins: number, from?: number, to?: number): ClusterMap {
    return clusterMapOf(this.queries, type, bins, from, to);
  }

  clusters(type: number, start: number, limit: number, includeFree: boolean): ClusterList {
    return clusterPage(this.kernel, type, start, limit, includeFree);
  }

  swapCache(start: number, limit: number): { total: number; entries: SwapCacheEntry[] } {
    return swapCacheRows(this.kernel, start, limit);
  }

  events(start: number, count: number, fromEnd = false): EventPage {
    return eventPage(this.queries, start, count, fromEnd);
  }

  overhead(): WireOverheadTable {
    return overheadToWire(this.designName, computeOverhead(overheadInput(this.kernel, this.designName)));
  }

  exportState(format: 'state-json' | 'counters-csv'): { mime: string; text: string } {
    return exportState(this.kernel, this.snapshot(), format);
  }
}
