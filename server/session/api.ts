/**
 * What a simulation session offers the language server, the CLI and tests.
 * `Session` (session.ts) implements it; views only ever see these shapes.
 */
import type * as proto from '../../shared/protocol';
import type { ConfigDefaults } from '../lang/check/config';
import type { KernelVersion } from '../sim/kernel_version';
import type { Diagnostic } from '../lang/diagnostics';
import type { Range } from '../lang/index';

/** Something that can ask a long run to stop (vscode-languageserver's CancellationToken fits). */
export interface CancelSignal {
  readonly isCancellationRequested: boolean;
}

/** Progress of a long run: steps done out of total. */
export type ProgressSink = (done: number, total: number) => void;

/**
 * How invariants are checked after each step: `incremental` checks what
 * the step wrote (server/sim/invariants_local.ts) and runs the full sweep
 * sampled within a small share of the run's time; `full` runs the full
 * sweep (server/sim/invariants.ts) after every step.
 */
export type InvariantMode = 'off' | 'incremental' | 'full';

export interface SessionOptions {
  /** Overrides the scenario's `config design=`. */
  design?: proto.DesignName;
  /** Overrides the scenario's `config kernel=` (its defaults follow: configUnderKernel()). */
  kernel?: KernelVersion;
  /** Fill in what the scenario's `config` leaves unset (the editor's swapsim.design and swapsim.geometry.* settings). */
  configDefaults?: ConfigDefaults;
  /** Overrides the scenario's `config task_memory=` (swapsim verify compares with `kernel`). */
  taskMemory?: 'none' | 'kernel';
  /** False turns invariant checks off (whatever the scenario's `config check_invariants` says). */
  checkInvariants?: boolean;
  /** How invariants are checked when they are on; default incremental. */
  invariants?: InvariantMode;
  /** Incremental mode: share of run time the sampled full sweep may take (0: never); default 0.05. */
  fullCheckShare?: number;
  /** Stop at the first kernel error even without `config stop_on_error=yes`. */
  stopOnError?: boolean;
  /** Undo memory of the whole history, in MiB (undo_history.ts); default 256. */
  undoMemoryMB?: number;
  /** Longest a single run may take, in steps (guards `repeat` bombs beyond the checker's caps). */
  maxSteps?: number;
}

export interface SessionApi {
  readonly uri: string;
  /** Parser + checker diagnostics of the text the session was built from. */
  readonly diagnostics: readonly Diagnostic[];
  /** Increases with every change of state; deltas carry it. */
  readonly seq: number;
  readonly design: proto.DesignName;
  readonly step: proto.StepInfo;
  snapshot(): proto.SessionSnapshot;
  stepForward(count?: number, cancel?: CancelSignal, progress?: ProgressSink): proto.SessionDelta;
  stepBack(count?: number): proto.SessionDelta;
  /** Run until the next statement starts at or after `toLine` (0-based), or to the end. */
  run(toLine?: number, cancel?: CancelSignal, progress?: ProgressSink): proto.SessionDelta;
  /**
   * Run until the next statement starts on a line of `breakpoints` (0-based;
   * only once the session is past step `from`, where the whole run began) or
   * at or after `toLine`, or to the end.
   */
  runToBreakpoint(
    breakpoints: ReadonlySet<number>,
    from: number,
    toLine?: number,
    cancel?: CancelSignal,
    progress?: ProgressSink,
  ): proto.SessionDelta;
  /** Go back to the latest earlier step whose next statement starts on a line of `breakpoints`, else to step 0. */
  backToBreakpoint(breakpoints: ReadonlySet<number>): proto.SessionDelta;
  gotoStep(step: number, cancel?: CancelSignal): proto.SessionDelta;
  reset(): proto.SessionDelta;
  /** Expect results and kernel errors so far, for diagnostics and the Testing view. */
  readonly expects: readonly proto.ExpectResult[];
  readonly errors: readonly proto.StepError[];
  /** The full invariant sweep of the current state now ("Check All Invariants"); violations are recorded too. */
  checkAllInvariants(): { step: number; problems: string[] };
  /** Invariant violations so far: message, step, and the statement whose step broke the invariant. */
  readonly violations: readonly { message: string; step: number; range: Range }[];
  /** What the last execution of the statement on this line changed, for inlay hints (null if never run). */
  lineEffect(line: number): string | null;
  device(path: string): proto.DeviceSummary | null;
  memcg(path: string): proto.MemcgSummary | null;
  task(name: string): { name: string; state: string; cgroup: string; rss: number; swapents: number } | null;
  /** A variable's value at the current step: a `let` variable, or the loop counter of the statement run last; undefined when unset. */
  variable(name: string): number | string | undefined;
  slot(type: number, offset: number): proto.SlotRecord;
  cluster(type: number, cluster: number): proto.ClusterDetail;
  clusterMap(type: number, bins: number, from?: number, to?: number): proto.ClusterMap;
  clusters(type: number, start: number, limit: number, includeFree: boolean): proto.ClusterList;
  swapCache(start: number, limit: number): { total: number; entries: proto.SwapCacheEntry[] };
  events(start: number, count: number, fromEnd?: boolean): proto.EventPage;
  overhead(): proto.WireOverheadTable;
  exportState(format: 'state-json' | 'counters-csv'): { mime: string; text: string };
}
