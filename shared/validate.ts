/**
 * Runtime checks for the messages between the dashboard page and its host
 * (the VS Code extension or `swapsim serve`). Both ends run them on every
 * message they receive: a webview is a web page, and a page on a socket can
 * be any program, so nothing from the other side is trusted by its type
 * alone. No runtime dependencies, so the page bundle stays small.
 *
 * Each validator returns null when the value fits, else a message naming the
 * path of the first mismatch (`request.params.type: expected an integer`).
 * The shapes are typed against shared/protocol.ts, so a protocol change that
 * these checks do not follow fails to compile.
 */
import {
  CLUSTER_LIST_NAMES,
  DESIGN_NAMES,
  EXCEPTION_FILTER_IDS,
  KERNEL_VERSIONS,
  SLOT_BACKINGS,
  SLOT_KIND_NAMES,
  WEBVIEW_REQUESTS,
  type ClusterListParams,
  type DebugBreakpointSpec,
  type DebugCheckParams,
  type DebugCompletionsParams,
  type DebugDataSpec,
  type DebugExceptionSpec,
  type DebugRunParams,
  type DebugSpec,
  type EvaluateParams,
  type LineTargetsParams,
  type RunParams,
  type SetDesignParams,
  type SwapCacheParams,
  type TestRunParams,
  type WebviewRequestMethod,
  type ClusterChange,
  type ClusterDetail,
  type ClusterListName,
  type ClusterMap,
  type CompareParams,
  type CompareDivergence,
  type CompareResult,
  type CompareViewToHost,
  type HostToCompareView,
  type DesignBehaviour,
  type CounterSet,
  type DesignName,
  type KernelVersion,
  type DeviceSummary,
  type EventPage,
  type EventPageParams,
  type ExpectResult,
  type ExportParams,
  type GotoStepParams,
  type HostToWebview,
  type MemcgSummary,
  type WireOverheadTable,
  type Range,
  type RequestMethod,
  type RequestTypes,
  type SessionDelta,
  type SessionParams,
  type SessionSnapshot,
  type SessionStatus,
  type SlotBacking,
  type SlotEncoding,
  type SlotKindName,
  type SlotRecord,
  type ZramSlot,
  type ZramSlotState,
  type StepError,
  type StepInfo,
  type StepParams,
  type WebviewToHost,
  type WireEvent,
  type ClusterMapParams,
  type ClusterParams,
  type SlotParams,
} from './protocol';

/** A check of an unknown value; the phantom `__type` ties it to the TypeScript type it accepts. */
export interface Validator<T> {
  (value: unknown, path: string): string | null;
  readonly __type?: T;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Upper bounds that keep one message from eating the other side's memory. */
export const LIMITS = {
  /** Longest string field other than saveFile data. */
  maxString: 1 << 20,
  /** Largest saveFile payload, base64 characters (48 MiB of data). */
  maxSaveBase64: 64 << 20,
  /** Largest persisted UI state, in JSON characters. */
  maxStateJson: 1 << 20,
  /** Longest array in any message (a cluster map has at most 65,536 bins). */
  maxArray: 1 << 20,
} as const;

// ------------------------------------------------------------- primitives

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object'
    ? 'an object'
    : `${typeof value} ${JSON.stringify(value)?.slice(0, 40) ?? ''}`.trim();
}

const fail = (path: string, what: string, value: unknown): string =>
  `${path}: expected ${what}, got ${describe(value)}`;

function make<T>(check: (value: unknown, path: string) => string | null): Validator<T> {
  return check as Validator<T>;
}

export const str: Validator<string> = make((v, p) =>
  typeof v !== 'string'
    ? fail(p, 'a string', v)
    : v.length > LIMITS.maxString
      ? `${p}: string longer than ${LIMITS.maxString}`
      : null,
);

export const num: Validator<number> = make((v, p) =>
  typeof v === 'number' && Number.isFinite(v) ? null : fail(p, 'a finite number', v),
);

export const int: Validator<number> = make((v, p) =>
  typeof v === 'number' && Number.isSafeInteger(v) ? null : fail(p, 'an integer', v),
);

export const nat: Validator<number> = make((v, p) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? null : fail(p, 'a non-negative integer', v),
);

export const bool: Validator<boolean> = make((v, p) => (typeof v === 'boolean' ? null : fail(p, 'a boolean', v)));

/** Anything at all (the protocol's `unknown` fields). */
export const anyValue: Validator<unknown> = make(() => null);

export function literal<const L extends string | number | boolean>(...allowed: readonly L[]): Validator<L> {
  return make((v, p) =>
    allowed.includes(v as L) ? null : fail(p, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, v),
  );
}

export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return make((v, p) => (v === null ? null : inner(v, p)));
}

export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return make((v, p) => (v === undefined ? null : inner(v, p)));
}

export function arrayOf<T>(inner: Validator<T>, max: number = LIMITS.maxArray): Validator<T[]> {
  return make((v, p) => {
    if (!Array.isArray(v)) return fail(p, 'an array', v);
    if (v.length > max) return `${p}: array longer than ${max}`;
    for (let i = 0; i < v.length; i++) {
      const err = inner(v[i], `${p}[${i}]`);
      if (err !== null) return err;
    }
    return null;
  });
}

/** A fixed-length tuple of two. */
export function pair<A, B>(a: Validator<A>, b: Validator<B>): Validator<[A, B]> {
  return make((v, p) => {
    if (!Array.isArray(v) || v.length !== 2) return fail(p, 'a pair', v);
    return a(v[0], `${p}[0]`) ?? b(v[1], `${p}[1]`);
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A string-keyed map; `keyPattern` restricts the keys (e.g. digits for device types). */
export function recordOf<T>(inner: Validator<T>, keyPattern?: RegExp): Validator<Record<string, T>> {
  return make((v, p) => {
    if (!isPlainObject(v)) return fail(p, 'an object', v);
    const keys = Object.keys(v);
    if (keys.length > LIMITS.maxArray) return `${p}: too many keys`;
    for (const key of keys) {
      if (keyPattern !== undefined && !keyPattern.test(key)) return `${p}: unexpected key ${JSON.stringify(key)}`;
      const err = inner(v[key], `${p}.${key}`);
      if (err !== null) return err;
    }
    return null;
  });
}

type Shape<T> = { [K in keyof T]-?: Validator<T[K]> };

/** An object with exactly these fields checked; extra fields are allowed (newer peers may add some). */
export function object<T>(shape: Shape<T>): Validator<T> {
  const entries = Object.entries(shape) as [string, Validator<unknown>][];
  return make((v, p) => {
    if (!isPlainObject(v)) return fail(p, 'an object', v);
    for (const [key, check] of entries) {
      const err = check(v[key], `${p}.${key}`);
      if (err !== null) return err;
    }
    return null;
  });
}

/** A union discriminated by its `type` field. */
function tagged<T extends { type: string }>(variants: {
  [K in T['type']]: Validator<Extract<T, { type: K }>>;
}): Validator<T> {
  const table = variants as Record<string, Validator<unknown>>;
  return make((v, p) => {
    if (!isPlainObject(v)) return fail(p, 'an object', v);
    const kind = v.type;
    if (typeof kind !== 'string' || !Object.hasOwn(table, kind))
      return fail(`${p}.type`, `one of ${Object.keys(table).join(', ')}`, kind);
    return table[kind]!(v, p);
  });
}

/**
 * `value` when it passes `check`, else `fallback`: lenient reading (settings,
 * launch configurations) on the same checks as everything else.
 */
export function withDefault<T, F>(check: Validator<T>, value: unknown, fallback: F): T | F {
  return check(value, 'value') === null ? (value as T) : fallback;
}

/** `base`, and then `test` on the value: `what` says what a value that fails it should have been. */
export function refine<T>(base: Validator<T>, test: (value: T) => boolean, what: string): Validator<T> {
  return make((v, p) => base(v, p) ?? (test(v as T) ? null : `${p}: ${what}`));
}

// ---------------------------------------------------------- protocol shapes

export const designName: Validator<DesignName> = literal(...DESIGN_NAMES);
export const kernelVersion: Validator<KernelVersion> = literal(...KERNEL_VERSIONS);
const clusterListName: Validator<ClusterListName> = literal(...CLUSTER_LIST_NAMES);
const slotKind: Validator<SlotKindName> = literal(...SLOT_KIND_NAMES);
const slotBacking: Validator<SlotBacking> = literal(...SLOT_BACKINGS);
const sessionStatus: Validator<SessionStatus> = literal('ready', 'running', 'finished', 'invalid', 'stopped');
const hex: Validator<string> = refine(str, (s) => /^0x[0-9a-f]+$/i.test(s), 'expected 0x-prefixed hex');

const position = object<{ line: number; character: number }>({ line: nat, character: nat });
const range: Validator<Range> = object<Range>({ start: position, end: position });

const stepInfo: Validator<StepInfo> = object<StepInfo>({
  index: nat,
  total: nat,
  range: nullable(range),
  next: nullable(range),
});

const deviceSummary: Validator<DeviceSummary> = object<DeviceSummary>({
  type: nat,
  path: str,
  typeName: str,
  kind: literal('partition', 'file', 'zram', 'ghost', 'vswap'),
  prio: int,
  maxSlots: nat,
  pages: nat,
  inuse: nat,
  clusters: nat,
  clusterSlots: nat,
  lists: object<DeviceSummary['lists']>({ free: nat, nonfull: nat, frag: nat, full: nat, discard: nat }),
  solidState: bool,
  synchronousIo: bool,
  onAvailList: bool,
  swapoffInProgress: bool,
  tier: nullable(str),
});

const counts = recordOf(num);

const memcgSummary: Validator<MemcgSummary> = object<MemcgSummary>({
  id: nat,
  path: str,
  parentId: nullable(nat),
  online: bool,
  current: num,
  max: nullable(num),
  high: nullable(num),
  peak: num,
  swapCurrent: num,
  swapMax: nullable(num),
  swapHigh: nullable(num),
  swapPeak: num,
  zswapCurrent: num,
  zswapMax: nullable(num),
  zswapWriteback: bool,
  events: counts,
  swapEvents: counts,
  tasks: arrayOf(str),
});

const counterSet: Validator<CounterSet> = object<CounterSet>({
  swaps: arrayOf(
    object<CounterSet['swaps'][number]>({ Filename: str, Type: str, Size: num, Used: num, Priority: int }),
  ),
  free: object<CounterSet['free']>({ total: num, used: num, free: num }),
  freeMem: object<CounterSet['freeMem']>({
    total: num,
    used: num,
    free: num,
    shared: num,
    buffCache: num,
    available: num,
  }),
  meminfo: counts,
  vmstat: counts,
  mthp: recordOf(counts),
  zswap: counts,
});

const expectResult: Validator<ExpectResult> = object<ExpectResult>({
  range,
  text: str,
  passed: bool,
  actual: str,
  expected: str,
  step: nat,
});

const stepError: Validator<StepError> = object<StepError>({
  range,
  errno: str,
  message: str,
  step: nat,
  expected: bool,
});

const wireEvent: Validator<WireEvent> = object<WireEvent>({
  id: nat,
  step: nat,
  kind: str,
  type: optional(nat),
  offset: optional(nat),
  nr: optional(nat),
  text: str,
});

export const sessionSnapshot: Validator<SessionSnapshot> = object<SessionSnapshot>({
  uri: str,
  seq: nat,
  status: sessionStatus,
  design: designName,
  kernel: kernelVersion,
  pageSize: nat,
  clusterSlots: nat,
  step: stepInfo,
  devices: arrayOf(deviceSummary),
  memcgs: arrayOf(memcgSummary),
  counters: counterSet,
  expects: arrayOf(expectResult),
  errors: arrayOf(stepError),
});

const clusterChangeFields = {
  type: nat,
  cluster: nat,
  list: clusterListName,
  order: int,
  count: nat,
  hasTable: bool,
};
const clusterChange: Validator<ClusterChange> = object<ClusterChange>(clusterChangeFields);

export const sessionDelta: Validator<SessionDelta> = object<SessionDelta>({
  uri: str,
  seq: nat,
  status: sessionStatus,
  design: designName,
  kernel: kernelVersion,
  step: stepInfo,
  devices: arrayOf(deviceSummary),
  removedDevices: arrayOf(nat),
  clusters: arrayOf(clusterChange),
  clustersOverflow: arrayOf(nat),
  changedSlots: recordOf(nat, /^\d+$/),
  memcgs: arrayOf(memcgSummary),
  removedMemcgs: arrayOf(nat),
  counters: counts,
  events: arrayOf(wireEvent),
  eventsTotal: nat,
  expects: arrayOf(expectResult),
  errors: arrayOf(stepError),
  rewound: bool,
  pageSize: optional(nat),
  clusterSlots: optional(nat),
});

const slotEncoding: Validator<SlotEncoding> = object<SlotEncoding>({
  structure: str,
  raw: hex,
  bits: nat,
  fields: arrayOf(
    object<SlotEncoding['fields'][number]>({ name: str, bits: pair(nat, nat), value: str, meaning: optional(str) }),
  ),
});

const zramSlotState: Validator<ZramSlotState> = literal('empty', 'compressed', 'same', 'huge', 'written-back');

const slotRecord: Validator<SlotRecord> = object<SlotRecord>({
  type: nat,
  offset: nat,
  cluster: nat,
  kind: slotKind,
  backing: slotBacking,
  count: nat,
  zero: bool,
  memcg: nullable(object<NonNullable<SlotRecord['memcg']>>({ id: nat, path: str, online: bool })),
  pfn: nullable(nat),
  zswap: nullable(object<NonNullable<SlotRecord['zswap']>>({ length: nat, incompressible: bool, referenced: bool })),
  zram: nullable(object<ZramSlot>({ state: zramSlotState, size: nat, idle: bool })),
  shmem: nullable(object<NonNullable<SlotRecord['shmem']>>({ path: str, index: nat })),
  entryRaw: hex,
  encodings: arrayOf(slotEncoding),
  history: arrayOf(wireEvent),
});

const clusterDetail: Validator<ClusterDetail> = object<ClusterDetail>({
  ...clusterChangeFields,
  hasExtendTable: bool,
  backing: arrayOf(slotBacking),
  counts: arrayOf(nat),
  raw: arrayOf(str),
  memcgIds: arrayOf(int),
  zram: optional(object<NonNullable<ClusterDetail['zram']>>({ state: arrayOf(zramSlotState), size: arrayOf(nat) })),
  shmem: arrayOf(nat),
});

const clusterMap: Validator<ClusterMap> = refine(
  object<ClusterMap>({
    type: nat,
    seq: nat,
    from: nat,
    to: nat,
    clustersPerBin: num,
    list: arrayOf(nat),
    lists: arrayOf(clusterListName),
    fill: arrayOf(num),
    order: arrayOf(int),
    shmem: arrayOf(num),
  }),
  (m) =>
    m.list.length === m.fill.length &&
    m.list.length === m.order.length &&
    m.list.length === m.shmem.length &&
    m.list.every((i) => i < m.lists.length),
  'list, fill, order and shmem must be parallel arrays indexing lists',
);

const overheadTable: Validator<WireOverheadTable> = object<WireOverheadTable>({
  design: designName,
  lines: arrayOf(
    object<WireOverheadTable['lines'][number]>({
      device: nullable(str),
      structure: str,
      kind: literal('static', 'dynamic'),
      bytes: num,
      formula: str,
      source: str,
    }),
  ),
  totals: object<WireOverheadTable['totals']>({ static: num, dynamic: num, total: num, perUsedSlot: nullable(num) }),
});

const compareResult: Validator<CompareResult> = object<CompareResult>({
  step: nat,
  tables: arrayOf(overheadTable),
  failures: arrayOf(object<CompareResult['failures'][number]>({ design: designName, message: str })),
  series: arrayOf(
    object<CompareResult['series'][number]>({ design: designName, steps: arrayOf(nat), total: arrayOf(num) }),
  ),
  behaviour: arrayOf(
    object<DesignBehaviour>({
      design: designName,
      step: nat,
      status: sessionStatus,
      expectsPassed: nat,
      expectsFailed: nat,
      unexpectedErrors: nat,
      firstError: nullable(
        object<NonNullable<DesignBehaviour['firstError']>>({ line: nat, step: nat, errno: str, message: str }),
      ),
      pswpout: nat,
      pswpin: nat,
      zswpout: nat,
      swapCache: nat,
      slotsUsed: nat,
      memcgSwap: arrayOf(object<DesignBehaviour['memcgSwap'][number]>({ path: str, pages: nat })),
      mthpFallbacks: arrayOf(object<DesignBehaviour['mthpFallbacks'][number]>({ size: str, stat: str, count: nat })),
    }),
  ),
  divergence: nullable(
    object<CompareDivergence>({
      step: nat,
      line: nullable(nat),
      first: designName,
      second: designName,
      differences: arrayOf(object<CompareDivergence['differences'][number]>({ what: str, first: num, second: num })),
    }),
  ),
});

const eventPage: Validator<EventPage> = object<EventPage>({ total: nat, events: arrayOf(wireEvent) });

// ------------------------------------------------------- request parameters
// One set of checks for every swapsim/* request, wherever it arrives: the
// language server (server/lsp/custom_requests.ts, debug_requests.ts) and
// both dashboard hosts (shared/dashboard/relay.ts) call parseRequestParams.

/** An integer field's bounds; `max` absent: up to Number.MAX_SAFE_INTEGER. */
export interface IntBounds {
  readonly min: number;
  readonly max?: number;
}

/**
 * The bounds of every bounded integer field of a request, per method: set
 * here once. docs/language-server.md states each one in its request tables
 * (test/docs/request_table.test.ts keeps the two in step).
 */
export const REQUEST_BOUNDS = {
  'swapsim/step': { count: { min: 1 } },
  'swapsim/gotoStep': { step: { min: 0 } },
  'swapsim/clusterMap': { bins: { min: 1, max: 65536 } },
  'swapsim/clusters': { limit: { min: 1, max: 4096 } },
  'swapsim/swapCache': { limit: { min: 0, max: 10_000 } },
  'swapsim/events': { count: { min: 0, max: 1000 } },
  'swapsim/debugRun': { steps: { min: 1 } },
  'swapsim/debugCompletions': { column: { min: 0, max: 2000 } },
} as const satisfies { readonly [M in RequestMethod]?: Readonly<Record<string, IntBounds>> };

/** Most breakpoint lines one request may carry (far more than anyone sets by hand). */
export const MAX_LINE_LIST = 10_000;
/** Longest expression, condition, log message or Debug Console text a debugger request may carry. */
export const MAX_DEBUG_TEXT = 2000;
/** Most data breakpoints one movement may carry. */
export const MAX_DATA_BREAKPOINTS = 1000;

/** Integers within `bounds`. */
export function intIn(bounds: IntBounds): Validator<number> {
  const { min, max = Number.MAX_SAFE_INTEGER } = bounds;
  const what = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in ${min}..${max}`;
  return make((v, p) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? null : fail(p, what, v),
  );
}

export const nonEmpty: Validator<string> = refine(str, (s) => s !== '', 'expected a non-empty string');
/** A scenario's text: as long as a document may be (the handler refuses one past MAX_DOCUMENT_BYTES). */
const scenarioText: Validator<string> = make((v, p) =>
  typeof v === 'string' && v !== '' ? null : fail(p, 'a non-empty string', v),
);
const debugText: Validator<string> = refine(
  str,
  (s) => s.length <= MAX_DEBUG_TEXT,
  `expected at most ${MAX_DEBUG_TEXT} characters`,
);
const direction = literal('forward', 'back');

const progressToken: Validator<number | string> = make((v, p) =>
  typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v))
    ? null
    : fail(p, 'a progress token (a string or an integer)', v),
);
/** The fields every session request may carry (SessionParams). */
const sessionFields = { uri: nonEmpty, seq: optional(nat), workDoneToken: optional(progressToken) };
const sessionParams = object<SessionParams>(sessionFields);
const clusterParams = object<ClusterParams>({ ...sessionFields, type: nat, cluster: nat });

const debugSpec: Validator<DebugSpec> = object<DebugSpec>({
  breakpoints: arrayOf(
    object<DebugBreakpointSpec>({
      id: int,
      line: nat,
      condition: optional(debugText),
      hitCondition: optional(debugText),
      logMessage: optional(debugText),
    }),
    MAX_LINE_LIST,
  ),
  exceptions: arrayOf(
    object<DebugExceptionSpec>({ filter: literal(...EXCEPTION_FILTER_IDS), condition: optional(debugText) }),
    EXCEPTION_FILTER_IDS.length,
  ),
  data: arrayOf(
    object<DebugDataSpec>({ id: int, expression: debugText, condition: optional(debugText) }),
    MAX_DATA_BREAKPOINTS,
  ),
});

const bounds = REQUEST_BOUNDS;

/** Parameters of every request, checked by whichever end answers it. */
const paramValidators: { [M in RequestMethod]: Validator<RequestTypes[M]['params']> } = {
  'swapsim/snapshot': sessionParams,
  'swapsim/run': object<RunParams>({
    ...sessionFields,
    toLine: optional(nat),
    breakpoints: optional(arrayOf(nat, MAX_LINE_LIST)),
    direction: optional(direction),
  }),
  'swapsim/step': object<StepParams>({
    ...sessionFields,
    direction,
    count: optional(intIn(bounds['swapsim/step'].count)),
  }),
  'swapsim/gotoStep': object<GotoStepParams>({ ...sessionFields, step: intIn(bounds['swapsim/gotoStep'].step) }),
  'swapsim/reset': sessionParams,
  'swapsim/setDesign': object<SetDesignParams>({ ...sessionFields, design: designName }),
  'swapsim/compare': object<CompareParams>({
    ...sessionFields,
    designs: refine(arrayOf(designName, DESIGN_NAMES.length * 2), (d) => d.length > 0, 'expected at least one design'),
    step: optional(nat),
  }),
  'swapsim/slot': object<SlotParams>({ ...sessionFields, type: nat, offset: nat }),
  'swapsim/cluster': clusterParams,
  'swapsim/clusterMap': refine(
    object<ClusterMapParams>({
      ...sessionFields,
      type: nat,
      bins: intIn(bounds['swapsim/clusterMap'].bins),
      from: optional(nat),
      to: optional(nat),
    }),
    (p) => p.from === undefined || p.to === undefined || p.from < p.to,
    'from must be below to',
  ),
  'swapsim/clusters': object<ClusterListParams>({
    ...sessionFields,
    type: nat,
    start: nat,
    limit: intIn(bounds['swapsim/clusters'].limit),
    includeFree: bool,
  }),
  'swapsim/swapCache': object<SwapCacheParams>({
    ...sessionFields,
    start: nat,
    limit: intIn(bounds['swapsim/swapCache'].limit),
  }),
  'swapsim/events': object<EventPageParams>({
    ...sessionFields,
    start: nat,
    count: intIn(bounds['swapsim/events'].count),
    fromEnd: optional(bool),
  }),
  'swapsim/overhead': sessionParams,
  'swapsim/export': object<ExportParams>({ ...sessionFields, format: literal('state-json', 'counters-csv') }),
  'swapsim/test': object<TestRunParams>({ ...sessionFields, text: optional(scenarioText) }),
  'swapsim/debugRun': object<DebugRunParams>({
    ...sessionFields,
    direction,
    spec: debugSpec,
    steps: optional(intIn(bounds['swapsim/debugRun'].steps)),
    toLine: optional(nat),
    stepOut: optional(bool),
  }),
  'swapsim/debugCheck': object<DebugCheckParams>({ ...sessionFields, spec: debugSpec }),
  'swapsim/evaluate': object<EvaluateParams>({ ...sessionFields, expression: debugText }),
  'swapsim/debugCompletions': object<DebugCompletionsParams>({
    ...sessionFields,
    text: debugText,
    column: intIn(bounds['swapsim/debugCompletions'].column),
  }),
  'swapsim/debugFrame': sessionParams,
  'swapsim/lineTargets': object<LineTargetsParams>({ ...sessionFields, line: nat }),
  'swapsim/clusterMemory': clusterParams,
  'swapsim/checkInvariants': sessionParams,
};

/** Every request method, from the validator table (which the compiler keeps complete). */
export const REQUEST_METHODS = Object.keys(paramValidators) as RequestMethod[];

const resultValidators: { [M in WebviewRequestMethod]: Validator<RequestTypes[M]['result']> } = {
  'swapsim/snapshot': sessionSnapshot,
  'swapsim/step': stepInfo,
  'swapsim/gotoStep': stepInfo,
  'swapsim/compare': compareResult,
  'swapsim/slot': slotRecord,
  'swapsim/cluster': clusterDetail,
  'swapsim/clusterMap': clusterMap,
  'swapsim/events': eventPage,
  'swapsim/overhead': overheadTable,
  'swapsim/export': object<{ mime: string; text: string }>({ mime: str, text: str }),
};

/** True when the dashboard may make this request (the host relays nothing else). */
export function isWebviewRequest(method: unknown): method is WebviewRequestMethod {
  return (
    typeof method === 'string' &&
    (WEBVIEW_REQUESTS as readonly string[]).includes(method) &&
    Object.hasOwn(paramValidators, method)
  );
}

// ---------------------------------------------------------------- messages

const safeFileName = refine(
  str,
  (s) => s.length > 0 && s.length <= 200 && !/[\\/\0]/.test(s) && s !== '.' && s !== '..',
  'expected a plain file name',
);

const webviewToHost: Validator<WebviewToHost> = tagged<WebviewToHost>({
  ready: object<{ type: 'ready' }>({ type: literal('ready') }),
  request: object<Extract<WebviewToHost, { type: 'request' }>>({
    type: literal('request'),
    id: nat,
    method: refine(
      make<RequestMethod>((v, p) => (typeof v === 'string' ? null : fail(p, 'a method name', v))),
      isWebviewRequest,
      `expected one of ${WEBVIEW_REQUESTS.join(', ')}`,
    ),
    params: recordOf(anyValue),
  }),
  select: object<Extract<WebviewToHost, { type: 'select' }>>({
    type: literal('select'),
    deviceType: nat,
    cluster: nat,
    offset: optional(nat),
  }),
  state: object<Extract<WebviewToHost, { type: 'state' }>>({
    type: literal('state'),
    state: refine(
      recordOf(anyValue),
      (s) => JSON.stringify(s).length <= LIMITS.maxStateJson,
      `state larger than ${LIMITS.maxStateJson} characters`,
    ),
  }),
  shown: object<Extract<WebviewToHost, { type: 'shown' }>>({ type: literal('shown'), seq: nat, step: nat }),
  saveFile: object<Extract<WebviewToHost, { type: 'saveFile' }>>({
    type: literal('saveFile'),
    name: safeFileName,
    mime: refine(str, (s) => /^[\w.+-]+\/[\w.+-]+$/.test(s), 'expected a MIME type'),
    dataBase64: make<string>((v, p) =>
      typeof v !== 'string'
        ? fail(p, 'a string', v)
        : v.length > LIMITS.maxSaveBase64
          ? `${p}: file larger than ${LIMITS.maxSaveBase64} base64 characters`
          : /^[A-Za-z0-9+/]*={0,2}$/.test(v)
            ? null
            : `${p}: expected base64`,
    ),
  }),
});

const hostToWebview: Validator<HostToWebview> = tagged<HostToWebview>({
  init: object<Extract<HostToWebview, { type: 'init' }>>({
    type: literal('init'),
    uri: str,
    snapshot: sessionSnapshot,
  }),
  response: refine(
    object<Extract<HostToWebview, { type: 'response' }>>({
      type: literal('response'),
      id: int,
      result: anyValue,
      error: optional(object<{ code: number; message: string }>({ code: int, message: str })),
    }),
    (r) => r.error !== undefined || 'result' in r,
    'a response needs a result or an error',
  ),
  delta: object<Extract<HostToWebview, { type: 'delta' }>>({ type: literal('delta'), delta: sessionDelta }),
  select: object<Extract<HostToWebview, { type: 'select' }>>({
    type: literal('select'),
    deviceType: nat,
    cluster: nat,
    offset: optional(nat),
  }),
  noSession: object<Extract<HostToWebview, { type: 'noSession' }>>({ type: literal('noSession'), message: str }),
});

const compareAt = literal('current', 'end');

const compareViewToHost: Validator<CompareViewToHost> = tagged<CompareViewToHost>({
  ready: object<{ type: 'ready' }>({ type: literal('ready') }),
  compareAt: object<Extract<CompareViewToHost, { type: 'compareAt' }>>({ type: literal('compareAt'), at: compareAt }),
  export: object<Extract<CompareViewToHost, { type: 'export' }>>({
    type: literal('export'),
    format: literal('markdown', 'csv'),
  }),
});

const hostToCompareView: Validator<HostToCompareView> = tagged<HostToCompareView>({
  busy: object<Extract<HostToCompareView, { type: 'busy' }>>({
    type: literal('busy'),
    scenario: str,
    at: compareAt,
    step: nat,
  }),
  report: object<Extract<HostToCompareView, { type: 'report' }>>({
    type: literal('report'),
    scenario: str,
    at: compareAt,
    result: compareResult,
    command: str,
  }),
  stale: object<Extract<HostToCompareView, { type: 'stale' }>>({ type: literal('stale'), step: nat }),
  failed: object<Extract<HostToCompareView, { type: 'failed' }>>({ type: literal('failed'), message: str }),
});

function run<T>(check: Validator<T>, value: unknown, root: string): Parsed<T> {
  const error = check(value, root);
  return error === null ? { ok: true, value: value as T } : { ok: false, error };
}

/** Check a message the page sent; hosts drop (and answer with an error) anything that fails. */
export function parseWebviewToHost(value: unknown): Parsed<WebviewToHost> {
  return run(webviewToHost, value, 'message');
}

/** Check a message the host sent; the page ignores anything that fails. */
export function parseHostToWebview(value: unknown): Parsed<HostToWebview> {
  return run(hostToWebview, value, 'message');
}

/**
 * Check the parameters of a request before it reaches a session. A field set
 * to null counts as left out (JSON clients often write null for "none"); the
 * value returned is the params without such fields.
 */
export function parseRequestParams<M extends RequestMethod>(
  method: M,
  params: unknown,
): Parsed<RequestTypes[M]['params']> {
  return run(paramValidators[method] as Validator<RequestTypes[M]['params']>, withoutNulls(params), 'params');
}

/** A copy of a JSON value with every object field whose value is null left out. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== null) out[key] = withoutNulls(field);
  return out;
}

/** Check a request's result before the page uses it. */
export function parseRequestResult<M extends WebviewRequestMethod>(
  method: M,
  result: unknown,
): Parsed<RequestTypes[M]['result']> {
  return run(resultValidators[method] as Validator<RequestTypes[M]['result']>, result, 'result');
}

/** Check a message from the Compare Designs page. */
export function parseCompareViewToHost(value: unknown): Parsed<CompareViewToHost> {
  return run(compareViewToHost, value, 'message');
}

/** Check a message from the Compare Designs host. */
export function parseHostToCompareView(value: unknown): Parsed<HostToCompareView> {
  return run(hostToCompareView, value, 'message');
}
