/**
 * Every custom message between the language server, the extension and the
 * dashboard webview, in one place (as rust-analyzer's lsp_ext.ts and
 * vscode-hexeditor's shared/protocol.ts do). Imported by server/, client/
 * and media/; no runtime dependencies, so the webview bundle stays small.
 *
 * A session is one simulation per scenario document, keyed by its URI.
 * Views get a `SessionSnapshot` once, then `SessionDelta` notifications with
 * an increasing `seq`, and fetch details (a cluster's slots, a slot's
 * record, a binned cluster map) on demand. A request naming a `seq` older
 * than the session's answers with `ErrorCodes.StaleSequence`.
 */

// ----------------------------------------------------------------- basics

export type DesignName = 'legacy' | 'p1' | 'p3' | 'p4' | 'ghost' | 'vswap' | 'vswap-ste';
export const DESIGN_NAMES: readonly DesignName[] = ['legacy', 'p1', 'p3', 'p4', 'ghost', 'vswap', 'vswap-ste'];
/** Mainline releases whose behaviour the simulator models, orthogonal to the design (docs/kernels.md). */
export type KernelVersion = '6.12' | '7.2' | '7.3';
export const KERNEL_VERSIONS: readonly KernelVersion[] = ['6.12', '7.2', '7.3'];

/** A cluster's list, indexed by the simulator's cluster flag (server/sim/cluster.ts). */
export const CLUSTER_LIST_NAMES = ['none', 'free', 'nonfull', 'frag', 'full', 'discard', 'dead'] as const;
export type ClusterListName = (typeof CLUSTER_LIST_NAMES)[number];
export const SLOT_KIND_NAMES = ['null', 'pfn', 'shadow', 'bad', 'pointer'] as const;
export type SlotKindName = (typeof SLOT_KIND_NAMES)[number];
/**
 * Where a slot's data lives, what the cluster map colours a slot by; `header`
 * is slot 0, the swap header page (marked bad so it is never allocated).
 */
export const SLOT_BACKINGS = [
  'free',
  'cached',
  'cached-dirty',
  'zero',
  'zswap',
  'disk',
  'bad',
  'pointer',
  'header',
] as const;
export type SlotBacking = (typeof SLOT_BACKINGS)[number];

export const ErrorCodes = {
  /** No session for that URI (document closed, or never opened). */
  NoSession: -32001,
  /** The request names a sequence number the session has moved past. */
  StaleSequence: -32002,
  /** Bad parameters (unknown device, offset out of range, …). */
  InvalidParams: -32602,
  /** The scenario has errors and cannot run. */
  ScenarioErrors: -32003,
  /** The run was cancelled. */
  Cancelled: -32800,
  /** The session exceeded its memory or step budget. */
  ResourceLimit: -32004,
  /** The message is not JSON (JSON-RPC's number). */
  ParseError: -32700,
  /** The message is not a request this endpoint knows (JSON-RPC's number). */
  InvalidRequest: -32600,
  /** The server does not implement the method (JSON-RPC's number). */
  MethodNotFound: -32601,
  /** A bug of ours: an internal check fired. The server log has the stack (JSON-RPC's number). */
  InternalError: -32603,
} as const;

export interface SessionParams {
  /** Document URI of the scenario. */
  uri: string;
  /**
   * The last `seq` the asking view has seen: the request is refused with
   * `ErrorCodes.StaleSequence` when the session has moved past it. Optional.
   */
  seq?: number;
  /** LSP's work-done progress token (WorkDoneProgressParams): long requests report their progress on it. */
  workDoneToken?: number | string;
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

// ------------------------------------------------------- session summaries

export type SessionStatus = 'ready' | 'running' | 'finished' | 'invalid' | 'stopped';

export interface StepInfo {
  /** Steps executed so far (0 = nothing run yet). */
  index: number;
  /** Steps in the whole scenario, repeats expanded. */
  total: number;
  /** Source range of the statement executed last, or null before the first step. */
  range: Range | null;
  /** Source range of the next statement to run, or null at the end. */
  next: Range | null;
}

export interface DeviceSummary {
  /** Swap type (index in swap_info[]). */
  type: number;
  path: string;
  /** /proc/swaps Type: partition, file, ghost. */
  typeName: string;
  kind: 'partition' | 'file' | 'zram' | 'ghost' | 'vswap';
  prio: number;
  /** si->max, header included. */
  maxSlots: number;
  /** si->pages, /proc/swaps Size in pages. */
  pages: number;
  /** si->inuse_pages, /proc/swaps Used in pages. */
  inuse: number;
  clusters: number;
  clusterSlots: number;
  /** Clusters per list: free (implicit ones included), nonfull, frag, full, discard. */
  lists: Record<'free' | 'nonfull' | 'frag' | 'full' | 'discard', number>;
  solidState: boolean;
  synchronousIo: boolean;
  onAvailList: boolean;
  swapoffInProgress: boolean;
  /** Swap tiers (`config swap_tiers=on`): the device's tier; null without tiers, or while no tier covers it. */
  tier: string | null;
}

export interface MemcgSummary {
  id: number;
  /** '/' for the root, else the path below /sys/fs/cgroup. */
  path: string;
  parentId: number | null;
  online: boolean;
  /** Bytes; limits are null for "max". */
  current: number;
  max: number | null;
  high: number | null;
  peak: number;
  swapCurrent: number;
  swapMax: number | null;
  swapHigh: number | null;
  swapPeak: number;
  zswapCurrent: number;
  zswapMax: number | null;
  zswapWriteback: boolean;
  /** memory.events (hierarchical). */
  events: Record<string, number>;
  /** memory.swap.events (hierarchical). */
  swapEvents: Record<string, number>;
  tasks: string[];
}

export interface CounterSet {
  /** /proc/swaps rows: Filename, Type, Size (KiB), Used (KiB), Priority. */
  swaps: { Filename: string; Type: string; Size: number; Used: number; Priority: number }[];
  /** free(1) Swap line in KiB. */
  free: { total: number; used: number; free: number };
  /** free(1) Mem line in KiB (procps-ng 4: used = total − available; buffCache is the buff/cache column). */
  freeMem: { total: number; used: number; free: number; shared: number; buffCache: number; available: number };
  /** /proc/meminfo lines the model drives, kB. */
  meminfo: Record<string, number>;
  /** /proc/vmstat events. */
  vmstat: Record<string, number>;
  /** Per mTHP size (`hugepages-64kB` …) stats. */
  mthp: Record<string, Record<string, number>>;
  /** /sys/kernel/debug/zswap/ */
  zswap: Record<string, number>;
}

/** What every view needs to render from scratch; small, whatever the device sizes. */
export interface SessionSnapshot {
  uri: string;
  seq: number;
  status: SessionStatus;
  design: DesignName;
  /** The kernel release simulated (`config kernel=`, the swapsim.kernel setting). */
  kernel: KernelVersion;
  pageSize: number;
  clusterSlots: number;
  step: StepInfo;
  devices: DeviceSummary[];
  memcgs: MemcgSummary[];
  counters: CounterSet;
  /** Expect results so far. */
  expects: ExpectResult[];
  /** Kernel errors so far (errno on a line). */
  errors: StepError[];
}

export interface ExpectResult {
  range: Range;
  text: string;
  passed: boolean;
  actual: string;
  expected: string;
  /** Step index at which it ran. */
  step: number;
}

export interface StepError {
  range: Range;
  errno: string;
  message: string;
  step: number;
  /** An `expect error` on the next line accepted it. */
  expected: boolean;
}

// ------------------------------------------------------------------ deltas

export interface ClusterChange {
  type: number;
  cluster: number;
  list: ClusterListName;
  order: number;
  count: number;
  hasTable: boolean;
}

export interface WireEvent {
  /** Index in the session's event log. */
  id: number;
  step: number;
  kind: string;
  /** Device type and slot range, when the event concerns slots. */
  type?: number;
  offset?: number;
  nr?: number;
  text: string;
}

/** Pushed after every step (forward or back); proportional to what changed. */
export interface SessionDelta {
  uri: string;
  seq: number;
  status: SessionStatus;
  design: DesignName;
  kernel: KernelVersion;
  step: StepInfo;
  /** Devices whose summary changed, added devices included. */
  devices: DeviceSummary[];
  /** Swap types no longer active. */
  removedDevices: number[];
  /** Clusters whose list, order, count or table changed (at most `maxClusterChanges`). */
  clusters: ClusterChange[];
  /** More clusters changed than were listed: refetch maps of these device types. */
  clustersOverflow: number[];
  /** Slots whose entry changed, per device type (counts only; fetch details on demand). */
  changedSlots: Record<number, number>;
  memcgs: MemcgSummary[];
  removedMemcgs: number[];
  /** Counters that changed: dotted keys such as `vmstat.pswpout`, `meminfo.SwapFree`, `swaps./dev/vda2.Used`. */
  counters: Record<string, number>;
  /** Newest events of the step(s) (at most `maxEvents`); `eventsTotal` tells how many exist. */
  events: WireEvent[];
  eventsTotal: number;
  expects: ExpectResult[];
  errors: StepError[];
  /** True when the delta undoes earlier steps (step back, reset): views drop newer history. */
  rewound: boolean;
  /**
   * Only on the delta of a rebuilt session (text edit, settings change, setDesign):
   * its page and cluster size, which a change of the geometry settings alters.
   */
  pageSize?: number;
  clusterSlots?: number;
}

// ------------------------------------------------------------ on-demand data

/** What a zram device holds for a slot: nothing, a compressed object, one repeated word, a whole page, or a copy on its backing device. */
export type ZramSlotState = 'empty' | 'compressed' | 'same' | 'huge' | 'written-back';

export interface ZramSlot {
  state: ZramSlotState;
  /** Bytes of its object in the zsmalloc pool (0 for same-filled and written-back pages). */
  size: number;
  /** Marked idle (zram's idle file) and not read since. */
  idle: boolean;
}

export interface SlotRecord {
  type: number;
  offset: number;
  cluster: number;
  kind: SlotKindName;
  backing: SlotBacking;
  count: number;
  zero: boolean;
  /** Recorded memcg (id and path), or null. */
  memcg: { id: number; path: string; online: boolean } | null;
  /** PFN of the cached folio, when kind is pfn. */
  pfn: number | null;
  /** zswap entry, when the slot's data is in zswap. */
  zswap: { length: number; incompressible: boolean; referenced: boolean } | null;
  /** On a zram device: what zram holds for the slot, with its compressed size. */
  zram: ZramSlot | null;
  /** A shmem page's slot: the tmpfs file (or a shared anonymous mapping's unnamed object) and page index holding it. */
  shmem: { path: string; index: number } | null;
  /** The swp_entry_t value, 0x-prefixed. */
  entryRaw: string;
  /** The design's metadata for this slot, decoded: one or more encodings with labelled bit fields. */
  encodings: SlotEncoding[];
  /** Events that touched this slot, oldest first (bounded). */
  history: WireEvent[];
}

export interface SlotEncoding {
  /** e.g. "swap table entry (P4)", "swap_map byte", "memcg_table", "swp_desc". */
  structure: string;
  /** 0x-prefixed hex of the whole value. */
  raw: string;
  bits: number;
  fields: { name: string; bits: [number, number]; value: string; meaning?: string }[];
}

/** All a cluster map cell shows (ClusterChange) and the cluster's slots. */
export interface ClusterDetail extends ClusterChange {
  hasExtendTable: boolean;
  /** One entry per slot of the cluster. */
  backing: SlotBacking[];
  counts: number[];
  /** Raw table values (design's encoding), 0x-prefixed; empty when the cluster has no table. */
  raw: string[];
  memcgIds: number[];
  /** On a zram device: per slot, what zram holds and its compressed size. */
  zram?: { state: ZramSlotState[]; size: number[] };
  /** Slots (index in the cluster) that belong to shmem: a tmpfs file or shared anonymous memory holds their entry. */
  shmem: number[];
}

export interface ClusterMapParams extends SessionParams {
  type: number;
  /** Number of bins the device's clusters are aggregated into (1..65536). */
  bins: number;
  /** Cluster range to cover, default the whole device. */
  from?: number;
  to?: number;
}

/** Binned cluster map: for each bin, parallel arrays (compact for 524,288 clusters). */
export interface ClusterMap {
  type: number;
  seq: number;
  from: number;
  to: number;
  clustersPerBin: number;
  /** Dominant list per bin, as an index into `lists`. */
  list: number[];
  lists: ClusterListName[];
  /** Used slots / slots in the bin, 0..1. */
  fill: number[];
  /** Most common order of non-free clusters in the bin, -1 if none. */
  order: number[];
  /** Slots that belong to shmem (tmpfs, shared anonymous memory) / slots in the bin, 0..1. */
  shmem: number[];
}

export interface ClusterSummary {
  cluster: number;
  list: ClusterListName;
  order: number;
  count: number;
  hasTable: boolean;
}

export interface ClusterListParams extends SessionParams {
  type: number;
  /** First cluster index to consider, and how many summaries to return at most. */
  start: number;
  limit: number;
  /** Include free (untouched) clusters. */
  includeFree: boolean;
}

export interface ClusterList {
  type: number;
  clusters: ClusterSummary[];
  /** Index to continue from, or null when done. */
  next: number | null;
  /** Non-free clusters on the device. */
  touched: number;
}

export interface SwapCacheEntry {
  pfn: number;
  order: number;
  type: number;
  offset: number;
  dirty: boolean;
  mapped: number;
  memcg: string;
}

export interface SwapCacheParams extends SessionParams {
  /** First folio (in swap-cache order) and how many to return at most. */
  start: number;
  limit: number;
}

export interface SwapCachePage {
  /** Folios in the swap cache. */
  total: number;
  entries: SwapCacheEntry[];
}

export interface WireOverheadLine {
  device: string | null;
  structure: string;
  kind: 'static' | 'dynamic';
  bytes: number;
  formula: string;
  source: string;
}

export interface WireOverheadTable {
  design: DesignName;
  lines: WireOverheadLine[];
  totals: { static: number; dynamic: number; total: number; perUsedSlot: number | null };
}

export interface CompareParams extends SessionParams {
  designs: DesignName[];
  /** Compare at this step index (default: the session's current step). */
  step?: number;
}

export interface CompareResult {
  step: number;
  tables: WireOverheadTable[];
  /** Designs that failed on this scenario, with the first error. */
  failures: { design: DesignName; message: string }[];
  /** Totals per design at every step (for the over-the-run chart), sampled to at most 512 points. */
  series: { design: DesignName; steps: number[]; total: number[] }[];
  /** How the kernel behaved under each design, at the step compared. */
  behaviour: DesignBehaviour[];
  /** The first step at which a design behaved unlike the first one; null when all behaved alike. */
  divergence: CompareDivergence | null;
}

/** One design's run to the compared step: outcomes and the main swap counters (pages). */
export interface DesignBehaviour {
  design: DesignName;
  /** Steps it ran (fewer than asked when `stop_on_error` stopped it). */
  step: number;
  status: SessionStatus;
  expectsPassed: number;
  expectsFailed: number;
  /** Kernel errors no `expect error` accepted. */
  unexpectedErrors: number;
  firstError: { line: number; step: number; errno: string; message: string } | null;
  /** /proc/vmstat */
  pswpout: number;
  pswpin: number;
  zswpout: number;
  /** NR_SWAPCACHE: pages in the swap cache. */
  swapCache: number;
  /** Slots in use over every swap device (/proc/swaps Used, in pages). */
  slotsUsed: number;
  /** memory.swap.current of every cgroup but the root, in pages. */
  memcgSwap: { path: string; pages: number }[];
  /**
   * The per-size mTHP fallback stats that moved (`*_fallback`, `*_fallback_charge`
   * under /sys/kernel/mm/transparent_hugepage/hugepages-<size>/stats/), smallest size first.
   */
  mthpFallbacks: { size: string; stat: string; count: number }[];
}

export interface CompareDifference {
  /** A behaviour field (`pswpout`, `slotsUsed`, …) or `<cgroup> memory.swap.current`. */
  what: string;
  first: number;
  second: number;
}

export interface CompareDivergence {
  /** Steps run when the two designs first differ. */
  step: number;
  /** The statement of that step (0-based line), null at step 0. */
  line: number | null;
  first: DesignName;
  second: DesignName;
  differences: CompareDifference[];
}

export interface EventPageParams extends SessionParams {
  /** Newest first when `fromEnd`; otherwise from `start`. */
  start: number;
  count: number;
  fromEnd?: boolean;
}

export interface EventPage {
  total: number;
  events: WireEvent[];
}

export interface RunParams extends SessionParams {
  /** Stop before the first statement at or after this line (0-based); default: run to the end. */
  toLine?: number;
  /**
   * Lines (0-based) with a breakpoint: forward, stop before the first
   * statement starting on one of them, after at least one step.
   */
  breakpoints?: number[];
  /**
   * 'back' goes to the latest earlier step whose next statement starts on a
   * `breakpoints` line, else to step 0 (reverse continue); `toLine` is then
   * not allowed. Default 'forward'.
   */
  direction?: 'forward' | 'back';
}

export interface StepParams extends SessionParams {
  direction: 'forward' | 'back';
  count?: number;
}

export interface GotoStepParams extends SessionParams {
  step: number;
}

export interface SetDesignParams extends SessionParams {
  design: DesignName;
}

export interface SlotParams extends SessionParams {
  type: number;
  offset: number;
}

export interface ClusterParams extends SessionParams {
  type: number;
  cluster: number;
}

/** "Check All Invariants": the full sweep of the session's current state. */
export interface InvariantCheckResult {
  /** Steps done when the sweep ran (the violations are recorded on that step's statement). */
  step: number;
  /** One message per violated invariant; empty when all hold. */
  problems: string[];
}

export interface ExportParams extends SessionParams {
  format: 'state-json' | 'counters-csv';
}

/**
 * A test run (the Testing view): the scenario runs to the end in a session
 * of its own, on a worker thread, never in the document's interactive
 * session.
 */
export interface TestRunParams extends SessionParams {
  /** The text to run (the file as saved, or an editor's unsaved text); default: the open document's text. */
  text?: string;
}

export interface TestRunResult {
  design: DesignName;
  /** `finished`, `stopped` (stop_on_error), or `ready` when the run hit `swapsim.limits.maxSteps`. */
  status: SessionStatus;
  step: StepInfo;
  expects: ExpectResult[];
  errors: StepError[];
  /** Time the worker spent on the run, in milliseconds. */
  durationMs: number;
}

// ---------------------------------------------------------------- debugger
// The scenario debugger (client/debug/) asks the session for its stops:
// breakpoint conditions, hit counts, logpoints, exception filters and data
// breakpoints are evaluated per step in the server (server/session/debug_run.ts),
// in the scenario language's own `expect` grammar (docs/debugger.md).

/** Exception breakpoint filters: what a step raised. `caughtError` is a kernel error an `expect error` on the next line accepts. */
export type ExceptionFilterId = 'error' | 'caughtError' | 'oom' | 'expect' | 'invariant' | 'swapFull';
export const EXCEPTION_FILTER_IDS: readonly ExceptionFilterId[] = [
  'error',
  'caughtError',
  'oom',
  'expect',
  'invariant',
  'swapFull',
];

export interface DebugBreakpointSpec {
  /** The adapter's id for the breakpoint (echoed in `hitBreakpointIds`). */
  id: number;
  /** 0-based line of a statement. */
  line: number;
  /** A comparison: `memory.swap.current > 16M`. */
  condition?: string;
  /** `N`, `== N`, `> N`, `< N`, `<= N`, `>= N`, `% N`. */
  hitCondition?: string;
  /** Text with `{expression}`s: a logpoint, which prints and does not stop. */
  logMessage?: string;
}

export interface DebugExceptionSpec {
  filter: ExceptionFilterId;
  /** For `error` and `caughtError`: the errnos to stop on (`ENOMEM EAGAIN`); empty or absent: any. */
  condition?: string;
}

export interface DebugDataSpec {
  id: number;
  /** What to watch: an observable, or a form listing several (`slot /dev/vda 1`). */
  expression: string;
  condition?: string;
}

/** Everything that can stop a movement; sent whole with every movement (the server keeps no debugger state). */
export interface DebugSpec {
  breakpoints: DebugBreakpointSpec[];
  exceptions: DebugExceptionSpec[];
  data: DebugDataSpec[];
}

export interface DebugRunParams extends SessionParams {
  direction: 'forward' | 'back';
  spec: DebugSpec;
  /** At most this many steps (Next, Step Back: 1); default: until a stop, the end or step 0. */
  steps?: number;
  /** Stop where the statement on this line (or the first statement after it) is next: Run to Cursor. */
  toLine?: number;
  /** Forward to the end of the innermost `repeat` block around the next statement: Step Out. */
  stepOut?: boolean;
}

export type DebugStopReason = 'entry' | 'step' | 'breakpoint' | 'data breakpoint' | 'exception' | 'goto' | 'end';

export interface DebugException {
  filter: ExceptionFilterId;
  /** The errno, or `oom-kill`, `expect-failed`, `invariant`, `swap-full`. */
  id: string;
  description: string;
  /** 0-based line and 1-based step of the statement that raised it. */
  line: number;
  step: number;
}

export interface DebugStopResult {
  step: StepInfo;
  reason: DebugStopReason;
  /** Empty, or a sentence for the stop (`swap full: …`, `slot /dev/vda 1 count changed`). */
  description: string;
  hitBreakpointIds: number[];
  exception: DebugException | null;
}

export interface DebugCheckParams extends SessionParams {
  spec: DebugSpec;
}

/** Per breakpoint, filter and data breakpoint: null when it checks, else why not. */
export interface DebugCheckResult {
  breakpoints: { id: number; message: string | null }[];
  exceptions: { filter: ExceptionFilterId; message: string | null }[];
  data: { id: number; message: string | null }[];
}

/** A logpoint's line (or a note about a condition) for the Debug Console. */
export interface DebugLogLine {
  /** Position when it was printed (-1 for notes about the whole movement). */
  step: number;
  /** 0-based line of the breakpoint (-1 for notes). */
  line: number;
  category: 'console' | 'stderr';
  text: string;
}

/** Notification `swapsim/debugOutput`: log lines of a movement in progress, sent before its answer. */
export interface DebugOutput {
  uri: string;
  lines: DebugLogLine[];
}

export interface EvaluateParams extends SessionParams {
  expression: string;
}

/** A cluster whose raw table the memory view can read (`swapsim/clusterMemory`). */
export interface ClusterRef {
  type: number;
  cluster: number;
}

export interface EvaluatePart {
  name: string;
  /** The part as an expression of its own (Add to Watch, data breakpoints). */
  expression: string;
  value: string;
  /** The part lists parts of its own. */
  expandable: boolean;
  memory: ClusterRef | null;
}

export type EvaluateResult =
  | { ok: true; expression: string; value: string; parts: EvaluatePart[] | null; memory: ClusterRef | null }
  | { ok: false; message: string };

export interface DebugCompletionsParams extends SessionParams {
  /** What is typed in the Debug Console, and the cursor in it (0-based). */
  text: string;
  column: number;
}

export interface DebugCompletion {
  label: string;
  /** Replaces `length` characters of the text from `start` (0-based). */
  text: string;
  start: number;
  length: number;
  detail?: string;
}

export interface DebugFrameInfo {
  step: StepInfo;
  /** The `repeat` blocks around the next statement, outermost first; `pass` is 0-based. */
  repeats: { range: Range; count: number; pass: number }[];
}

export interface LineTargetsParams extends SessionParams {
  line: number;
}

/** Where the statement on `line` (or the first after it) runs: the last time before now and the next time after. */
export interface LineTargets {
  /** The statement line the targets are for, or null when no statement starts at or after `line`. */
  line: number | null;
  /** Positions (steps done) with that statement next. */
  previous: number | null;
  next: number | null;
}

/** A cluster's per-slot metadata as the kernel stores it. */
export interface ClusterMemory {
  /** `swap_table` (atomic_long_t entries[]) or `swap_map` (one byte per slot). */
  structure: string;
  entryBytes: number;
  entries: number;
  /** Base64 of the bytes, little-endian entries; null when the cluster has no table allocated. */
  data: string | null;
}

// --------------------------------------------------------- LSP method names
// Each method name is spelled once, as a key of RequestTypes or
// NotificationTypes; both ends take its params and result types from there
// (client/protocolClient.ts, ServerContext.onRequest/notify on the server).

export interface ServerStatus {
  health: 'ok' | 'warning' | 'error';
  message?: string;
  sessions: number;
}

/** Notification method (server → client) → its params. */
export interface NotificationTypes {
  'swapsim/delta': SessionDelta;
  'swapsim/serverStatus': ServerStatus;
  'swapsim/debugOutput': DebugOutput;
}

export type NotificationMethod = keyof NotificationTypes;

/** Request method (client → server) → params and result, for typed helpers on both sides. */
export interface RequestTypes {
  'swapsim/snapshot': { params: SessionParams; result: SessionSnapshot };
  'swapsim/run': { params: RunParams; result: SessionSnapshot };
  'swapsim/step': { params: StepParams; result: StepInfo };
  'swapsim/gotoStep': { params: GotoStepParams; result: StepInfo };
  'swapsim/reset': { params: SessionParams; result: StepInfo };
  'swapsim/setDesign': { params: SetDesignParams; result: SessionSnapshot };
  'swapsim/compare': { params: CompareParams; result: CompareResult };
  'swapsim/slot': { params: SlotParams; result: SlotRecord };
  'swapsim/cluster': { params: ClusterParams; result: ClusterDetail };
  'swapsim/clusterMap': { params: ClusterMapParams; result: ClusterMap };
  'swapsim/clusters': { params: ClusterListParams; result: ClusterList };
  'swapsim/swapCache': { params: SwapCacheParams; result: SwapCachePage };
  'swapsim/events': { params: EventPageParams; result: EventPage };
  'swapsim/overhead': { params: SessionParams; result: WireOverheadTable };
  'swapsim/export': { params: ExportParams; result: { mime: string; text: string } };
  'swapsim/test': { params: TestRunParams; result: TestRunResult };
  'swapsim/debugRun': { params: DebugRunParams; result: DebugStopResult };
  'swapsim/debugCheck': { params: DebugCheckParams; result: DebugCheckResult };
  'swapsim/evaluate': { params: EvaluateParams; result: EvaluateResult };
  'swapsim/debugCompletions': { params: DebugCompletionsParams; result: { items: DebugCompletion[] } };
  'swapsim/debugFrame': { params: SessionParams; result: DebugFrameInfo };
  'swapsim/lineTargets': { params: LineTargetsParams; result: LineTargets };
  'swapsim/clusterMemory': { params: ClusterParams; result: ClusterMemory };
  'swapsim/checkInvariants': { params: SessionParams; result: InvariantCheckResult };
}

export type RequestMethod = keyof RequestTypes;

// ------------------------------------------------------- webview messages

/** The dashboard may ask for these (relayed by the host to the server). */
export const WEBVIEW_REQUESTS = [
  'swapsim/snapshot',
  'swapsim/step',
  'swapsim/gotoStep',
  'swapsim/compare',
  'swapsim/slot',
  'swapsim/cluster',
  'swapsim/clusterMap',
  'swapsim/events',
  'swapsim/overhead',
  'swapsim/export',
] as const satisfies readonly RequestMethod[];

export type WebviewRequestMethod = (typeof WEBVIEW_REQUESTS)[number];

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'request'; id: number; method: RequestMethod; params: Record<string, unknown> }
  /** The user selected a slot or cluster: reveal it in the trees too. */
  | { type: 'select'; deviceType: number; cluster: number; offset?: number }
  /** Persisted UI state changed (the host keeps it for the panel serializer). */
  | { type: 'state'; state: Record<string, unknown> }
  | { type: 'saveFile'; name: string; mime: string; dataBase64: string }
  /** The page now shows the session at this `seq` and step (after an `init` or a `delta`): the host's check that the page keeps up. */
  | { type: 'shown'; seq: number; step: number };

export type HostToWebview =
  | { type: 'init'; uri: string; snapshot: SessionSnapshot }
  | { type: 'response'; id: number; result?: unknown; error?: { code: number; message: string } }
  | { type: 'delta'; delta: SessionDelta }
  | { type: 'select'; deviceType: number; cluster: number; offset?: number }
  | { type: 'noSession'; message: string };

// ------------------------------------------------- swapsim verify (real kernel)
//
// `swapsim verify --json` prints a VerifyReport; the extension runs the CLI and
// reads the same shape, and recorded fixtures keep the kernel's side of it.

/** A value read in the guest or the simulator: a number in the observable's unit, or a word (errno names, enum words, `absent`). */
export type VerifyValue = number | string;

/** exact: every run equals the simulator; within-spread: the simulator lies inside the runs' range; differs; simulator-only: not translated. */
export type VerifyVerdict = 'exact' | 'within-spread' | 'differs' | 'simulator-only';

export interface VerifyObservable {
  /** Stable within a scenario: `s<STEP> <label>` (STEP 0 is the end-of-run dump). */
  readonly key: string;
  /** 1-based executed step after which the value is read; the end-of-run dump uses the last step. */
  readonly step: number;
  /** 0-based source line of the statement (a command's result, an expect, or the last line for the dump). */
  readonly line: number;
  /** `result` (a command's errno), `expect` (an expect line's observable) or `dump` (what `swapsim run` prints at the end). */
  readonly kind: 'result' | 'expect' | 'dump';
  /** What is read, e.g. `/proc/vmstat pswpout` or `result of swapon /dev/vda2`. */
  readonly label: string;
  /** The observable's unit (`bytes`, `kB`, `pages`, `count`, `errno`, …). */
  readonly unit: string;
  readonly simulator: VerifyValue | null;
  /** One value per run. */
  readonly kernel: readonly VerifyValue[];
  readonly verdict: VerifyVerdict;
  /** Why it is simulator-only, or a note on the reading (a counter this kernel lacks). */
  readonly note?: string;
  /** From a fixture: the difference is known, with the reason. */
  readonly known?: string;
}

/** A statement or construct that has no real-kernel meaning, listed instead of dropped. */
export interface VerifySimulatorOnly {
  readonly line: number;
  readonly text: string;
  readonly reason: string;
}

export interface VerifyKernelInfo {
  /** The series asked for or found (`7.2`), or the bzImage's release. */
  readonly series: string;
  /** `uname -r` of the guest kernel, e.g. `7.2.13+deb14-amd64`. */
  readonly release: string;
  /** sha256 of the kernel's config, first 16 hex digits (`unknown` without a config). */
  readonly configHash: string;
  /** `debian` (from the archive) or `path` (the user's bzImage). */
  readonly source: 'debian' | 'path';
}

/** What a verify run of one scenario was: the same for a live run and a recorded fixture. */
export interface VerifyRunInfo {
  /** sha256 of the scenario's statements, first 16 hex digits. */
  readonly scenarioHash: string;
  readonly kernel: VerifyKernelInfo;
  /** The simulator profile compared against (the design matching the kernel). */
  readonly design: DesignName;
  readonly runs: number;
  /** `kvm` or `tcg`, or `vng`; `fixture` when the values come from a recorded fixture. */
  readonly accel: string;
  /** Host wall time of each run (boot included), ms. */
  readonly runWallMs: readonly number[];
  /** Time from qemu start to the scenario's first step, per run, ms. */
  readonly bootMs: readonly number[];
  readonly simulatorOnly: readonly VerifySimulatorOnly[];
}

export interface VerifyScenarioReport extends VerifyRunInfo {
  readonly file: string;
  readonly observables: readonly VerifyObservable[];
  /** Counts by verdict. */
  readonly summary: Readonly<Record<VerifyVerdict, number>>;
  /** Set when the scenario could not be verified at all (it did not check, the guest failed twice, …). */
  readonly error?: string;
}

export interface VerifyReport {
  readonly version: 1;
  readonly scenarios: readonly VerifyScenarioReport[];
  /** For `--shard i/n`: which shard produced this report. */
  readonly shard?: { readonly index: number; readonly count: number };
}

// ---------------------------------------------- Compare Designs view messages

/** Compare at the session's current step, or at the end of the run (what `swapsim compare` does by default). */
export type CompareAt = 'current' | 'end';

export type CompareViewToHost =
  | { type: 'ready' }
  /** Compare again, at this choice of step. */
  | { type: 'compareAt'; at: CompareAt }
  | { type: 'export'; format: 'markdown' | 'csv' };

export type HostToCompareView =
  | { type: 'busy'; scenario: string; at: CompareAt; step: number }
  | {
      type: 'report';
      scenario: string;
      at: CompareAt;
      result: CompareResult;
      /** The `swapsim compare` command line that prints the same figures. */
      command: string;
    }
  /** The session moved since a comparison at its current step: the report is of another step now. */
  | { type: 'stale'; step: number }
  | { type: 'failed'; message: string };
