// What the Variables view shows at a stop, built from the session's
// snapshot: swap devices (their clusters and slots fetched when expanded),
// the counters, memory cgroups and the problems so far. Every value the
// scenario language can name carries that name as its `evaluateName`, so
// Add to Watch and Break on Value Change work on it; a cluster carries a
// memory reference to its raw swap table. Handles (DAP `variablesReference`)
// are only valid until the next stop.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type {
  ClusterRef,
  EvaluatePart,
  ExpectResult,
  MemcgSummary,
  SessionSnapshot,
  StepError,
} from '../../shared/protocol';
import { formatBytes, formatLimit } from '../../shared/format';

export interface VariableNode {
  readonly name: string;
  readonly value: string;
  /** The scenario-language expression for this value (Watch, data breakpoints), when it has one. */
  readonly expression?: string;
  /** A cluster: its raw table for the memory view. */
  readonly memory?: ClusterRef;
  readonly children?: () => readonly VariableNode[] | Promise<readonly VariableNode[]>;
}

/** What the nodes ask the session for when expanded. */
export interface VariableSource {
  /** Touched clusters of a device (by swap type). */
  clusters(type: number): Promise<{ cluster: number; list: string; order: number; count: number; hasTable: boolean }[]>;
  /** Slots of a cluster that are not free. */
  slotsInUse(type: number, cluster: number): Promise<{ offset: number; backing: string; count: number }[]>;
  /** The parts of a form (`slot /dev/vda 1`), read by the server. */
  parts(expression: string): Promise<readonly EvaluatePart[]>;
}

export function memoryReference(ref: ClusterRef): string {
  return `swapsim-cluster:${ref.type}:${ref.cluster}`;
}

export function parseMemoryReference(text: string): ClusterRef | undefined {
  const m = /^swapsim-cluster:(\d+):(\d+)$/.exec(text);
  return m === null ? undefined : { type: Number(m[1]), cluster: Number(m[2]) };
}

/** Hands out `variablesReference` numbers for nodes with children, and remembers what each listed. */
export class VariableHandles {
  private readonly parents = new Map<number, VariableNode['children']>();
  private readonly listed = new Map<number, readonly VariableNode[]>();
  private next = 1;

  clear(): void {
    this.parents.clear();
    this.listed.clear();
    this.next = 1;
  }

  add(children: NonNullable<VariableNode['children']>): number {
    const ref = this.next++;
    this.parents.set(ref, children);
    return ref;
  }

  /** The variables under a reference, or undefined when it is unknown (or from an earlier stop). */
  async variables(ref: number): Promise<DebugProtocol.Variable[] | undefined> {
    const children = this.parents.get(ref);
    if (children === undefined) return undefined;
    const nodes = await children();
    this.listed.set(ref, nodes);
    return nodes.map((node) => this.toVariable(node));
  }

  toVariable(node: VariableNode): DebugProtocol.Variable {
    return {
      name: node.name,
      value: node.value,
      variablesReference: node.children === undefined ? 0 : this.add(node.children),
      ...(node.expression === undefined ? {} : { evaluateName: node.expression }),
      ...(node.memory === undefined ? {} : { memoryReference: memoryReference(node.memory) }),
    };
  }

  /** A variable listed under `ref` (the Variables view's Break on Value Change names it so). */
  child(ref: number, name: string): VariableNode | undefined {
    return this.listed.get(ref)?.find((n) => n.name === name);
  }
}

const leaf = (name: string, value: string | number | boolean, expression?: string): VariableNode => ({
  name,
  value: String(value),
  ...(expression === undefined ? {} : { expression }),
});

const bytes = (name: string, value: number, expression?: string): VariableNode =>
  leaf(name, `${value} (${formatBytes(value)})`, expression);

const limit = (name: string, value: number | null, expression?: string): VariableNode =>
  leaf(name, value === null ? 'max' : `${value} (${formatLimit(value)})`, expression);

function group(
  name: string,
  value: string,
  children: NonNullable<VariableNode['children']>,
  expression?: string,
): VariableNode {
  return { name, value, children, ...(expression === undefined ? {} : { expression }) };
}

/** A keyed table; `prefix` makes each key an expression (`/proc/vmstat` → `/proc/vmstat pswpout`). */
function record(
  name: string,
  values: Readonly<Record<string, number>>,
  unit = '',
  prefix?: (key: string) => string,
  expression?: string,
): VariableNode {
  const keys = Object.keys(values);
  return group(
    name,
    `${keys.length} entries`,
    () => keys.map((k) => leaf(k, `${values[k]}${unit}`, prefix?.(k))),
    expression,
  );
}

/** The parts of a form, each expandable when it is a form itself. */
export function partNodes(source: VariableSource, parts: readonly EvaluatePart[]): VariableNode[] {
  return parts.map((p) => ({
    name: p.name,
    value: p.value,
    expression: p.expression,
    ...(p.memory === null ? {} : { memory: p.memory }),
    ...(p.expandable ? { children: async () => partNodes(source, await source.parts(p.expression)) } : {}),
  }));
}

function slotNode(
  source: VariableSource,
  device: string,
  slot: { offset: number; backing: string; count: number },
): VariableNode {
  const expression = `slot ${device} ${slot.offset}`;
  return {
    name: `slot ${slot.offset}`,
    value: `${slot.backing}, count ${slot.count}`,
    expression,
    children: async () => partNodes(source, await source.parts(expression)),
  };
}

function clusterNodes(source: VariableSource, device: string, type: number): VariableNode {
  return group('clusters in use', 'expand to list', async () =>
    (await source.clusters(type)).map((c) => {
      const expression = `cluster ${device} ${c.cluster}`;
      return {
        name: `cluster ${c.cluster}`,
        value: `${c.list}, order ${c.order}, ${c.count} in use${c.hasTable ? '' : ', no table'}`,
        expression,
        memory: { type, cluster: c.cluster },
        children: async () => [
          ...partNodes(source, await source.parts(expression)),
          group('slots in use', 'expand to list', async () =>
            (await source.slotsInUse(type, c.cluster)).map((slot) => slotNode(source, device, slot)),
          ),
        ],
      };
    }),
  );
}

function devices(s: SessionSnapshot, source: VariableSource): VariableNode[] {
  return s.devices.map((d) => {
    const row = s.counters.swaps.find((r) => r.Filename === d.path);
    const swaps = (column: string): string => `/proc/swaps ${d.path} ${column}`;
    const columns =
      row === undefined
        ? []
        : [
            leaf('Filename', row.Filename),
            leaf('Type', row.Type, swaps('Type')),
            leaf('Size', `${row.Size} kB`, swaps('Size')),
            leaf('Used', `${row.Used} kB`, swaps('Used')),
            leaf('Priority', row.Priority, swaps('Priority')),
          ];
    const summary =
      row === undefined
        ? `${d.typeName}, prio ${d.prio}`
        : `${row.Type}  Size ${row.Size} kB  Used ${row.Used} kB  Priority ${row.Priority}`;
    const field = (name: string): string => `device ${d.path} ${name}`;
    return group(
      d.path,
      summary,
      () => [
        ...columns,
        leaf('swap type', d.type),
        leaf('kind', d.kind),
        leaf('si->max', d.maxSlots, field('max')),
        leaf('si->pages', d.pages, field('pages')),
        leaf('si->inuse_pages', d.inuse, field('inuse')),
        leaf('clusters', `${d.clusters} × ${d.clusterSlots} slots`),
        record('cluster lists', d.lists),
        clusterNodes(source, d.path, d.type),
        leaf('SWP_SOLIDSTATE', d.solidState),
        leaf('SWP_SYNCHRONOUS_IO', d.synchronousIo),
        leaf('on swap_avail_head', d.onAvailList),
        leaf('swapoff in progress', d.swapoffInProgress),
        ...(d.tier === null ? [] : [leaf('swap tier', d.tier)]),
      ],
      `device ${d.path}`,
    );
  });
}

function counters(s: SessionSnapshot): VariableNode[] {
  const c = s.counters;
  const mthpSizes = Object.keys(c.mthp);
  const free = (column: string): string => `free swap ${column}`;
  return [
    group(
      'free (Swap, kB)',
      `total ${c.free.total}  used ${c.free.used}  free ${c.free.free}`,
      () => [
        leaf('total', c.free.total, free('total')),
        leaf('used', c.free.used, free('used')),
        leaf('free', c.free.free, free('free')),
      ],
      'free swap',
    ),
    record('/proc/meminfo', c.meminfo, ' kB', (k) => `/proc/meminfo ${k}`, '/proc/meminfo'),
    record('/proc/vmstat', c.vmstat, '', (k) => `/proc/vmstat ${k}`, '/proc/vmstat'),
    record('zswap (debugfs)', c.zswap, '', (k) => `/sys/kernel/debug/zswap/${k}`),
    group('mTHP stats', `${mthpSizes.length} sizes`, () =>
      mthpSizes.map((size) =>
        record(size, c.mthp[size] ?? {}, '', (k) => `/sys/kernel/mm/transparent_hugepage/${size}/stats/${k}`),
      ),
    ),
  ];
}

function memcg(m: MemcgSummary): VariableNode {
  // The root cgroup has none of these files; a child's are named relative to /sys/fs/cgroup.
  const file = (name: string): string | undefined => (m.path === '/' ? undefined : `${m.path.slice(1)}/${name}`);
  const keyed = (name: string): ((key: string) => string) | undefined =>
    m.path === '/' ? undefined : (key) => `${m.path.slice(1)}/${name} ${key}`;
  return group(
    `${m.path}`,
    `current ${formatBytes(m.current)}, swap ${formatBytes(m.swapCurrent)}${m.online ? '' : ' (offline)'}`,
    () => [
      bytes('memory.current', m.current, file('memory.current')),
      limit('memory.max', m.max, file('memory.max')),
      limit('memory.high', m.high, file('memory.high')),
      bytes('memory.peak', m.peak, file('memory.peak')),
      bytes('memory.swap.current', m.swapCurrent, file('memory.swap.current')),
      limit('memory.swap.max', m.swapMax, file('memory.swap.max')),
      limit('memory.swap.high', m.swapHigh, file('memory.swap.high')),
      bytes('memory.swap.peak', m.swapPeak, file('memory.swap.peak')),
      bytes('memory.zswap.current', m.zswapCurrent, file('memory.zswap.current')),
      limit('memory.zswap.max', m.zswapMax, file('memory.zswap.max')),
      leaf('memory.zswap.writeback', m.zswapWriteback ? 1 : 0, file('memory.zswap.writeback')),
      record('memory.events', m.events, '', keyed('memory.events'), file('memory.events')),
      record('memory.swap.events', m.swapEvents, '', keyed('memory.swap.events'), file('memory.swap.events')),
      leaf('cgroup.procs', m.tasks.length === 0 ? '(none)' : m.tasks.join(' ')),
      leaf('online', m.online),
    ],
  );
}

function errorNode(e: StepError): VariableNode {
  return leaf(
    `line ${e.range.start.line + 1}, step ${e.step}`,
    `${e.errno}: ${e.message}${e.expected ? ' (expected)' : ''}`,
  );
}

function expectNode(e: ExpectResult): VariableNode {
  return leaf(`line ${e.range.start.line + 1}, step ${e.step}`, `${e.text}: got ${e.actual}, expected ${e.expected}`);
}

function problems(s: SessionSnapshot): VariableNode[] {
  const failed = s.expects.filter((e) => !e.passed);
  const last = s.step.index;
  const lastStep = [
    ...s.errors.filter((e) => e.step === last).map(errorNode),
    ...failed.filter((e) => e.step === last).map(expectNode),
  ];
  return [
    group('last step', lastStep.length === 0 ? 'no errors' : `${lastStep.length} problem(s)`, () => lastStep),
    group('kernel errors', `${s.errors.length}`, () => s.errors.map(errorNode)),
    group('failed expects', `${failed.length} of ${s.expects.length} expects`, () => failed.map(expectNode)),
  ];
}

/** The scopes of a frame, each a fresh handle into `handles`. */
export function snapshotScopes(
  s: SessionSnapshot,
  handles: VariableHandles,
  source: VariableSource,
): DebugProtocol.Scope[] {
  const scope = (
    name: string,
    nodes: () => readonly VariableNode[],
    hint?: DebugProtocol.Scope['presentationHint'],
  ): DebugProtocol.Scope => ({
    name,
    variablesReference: handles.add(nodes),
    expensive: false,
    ...(hint === undefined ? {} : { presentationHint: hint }),
  });
  return [
    scope(`Swap devices (${s.devices.length})`, () => devices(s, source), 'locals'),
    scope('Counters', () => counters(s)),
    scope(`Memory cgroups (${s.memcgs.length})`, () => s.memcgs.map(memcg)),
    scope(
      `Problems (${s.errors.filter((e) => !e.expected).length} errors, ${s.expects.filter((e) => !e.passed).length} failed expects)`,
      () => problems(s),
    ),
  ];
}
