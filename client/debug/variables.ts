// What the Variables view shows at a stop, built from the session's
// snapshot: swap devices as /proc/swaps rows, the counters, memory cgroups
// and the problems so far. Children are computed when expanded; handles
// (DAP `variablesReference`) are only valid until the next stop.
import type { ExpectResult, MemcgSummary, SessionSnapshot, StepError } from '../../shared/protocol';
import { formatBytes, formatLimit } from '../ui/format';
import type { DapScope, DapVariable } from './dap';

export interface VariableNode {
  readonly name: string;
  readonly value: string;
  readonly children?: () => readonly VariableNode[];
}

/** Hands out `variablesReference` numbers for nodes with children. */
export class VariableHandles {
  private readonly parents = new Map<number, () => readonly VariableNode[]>();
  private next = 1;

  clear(): void {
    this.parents.clear();
    this.next = 1;
  }

  add(children: () => readonly VariableNode[]): number {
    const ref = this.next++;
    this.parents.set(ref, children);
    return ref;
  }

  /** The variables under a reference, or undefined when it is unknown (or from an earlier stop). */
  variables(ref: number): DapVariable[] | undefined {
    const children = this.parents.get(ref);
    if (children === undefined) return undefined;
    return children().map((node) => ({ name: node.name, value: node.value, variablesReference: node.children === undefined ? 0 : this.add(node.children) }));
  }
}

const leaf = (name: string, value: string | number | boolean): VariableNode => ({ name, value: String(value) });

const bytes = (name: string, value: number): VariableNode => leaf(name, `${value} (${formatBytes(value)})`);

const limit = (name: string, value: number | null): VariableNode => leaf(name, value === null ? 'max' : `${value} (${formatLimit(value)})`);

function group(name: string, value: string, children: () => readonly VariableNode[]): VariableNode {
  return { name, value, children };
}

function record(name: string, values: Readonly<Record<string, number>>, unit = ''): VariableNode {
  const keys = Object.keys(values);
  return group(name, `${keys.length} entries`, () => keys.map((k) => leaf(k, `${values[k]}${unit}`)));
}

function devices(s: SessionSnapshot): VariableNode[] {
  return s.devices.map((d) => {
    const row = s.counters.swaps.find((r) => r.Filename === d.path);
    const columns = row === undefined ? [] : [leaf('Filename', row.Filename), leaf('Type', row.Type), leaf('Size', `${row.Size} kB`), leaf('Used', `${row.Used} kB`), leaf('Priority', row.Priority)];
    const summary = row === undefined ? `${d.typeName}, prio ${d.prio}` : `${row.Type}  Size ${row.Size} kB  Used ${row.Used} kB  Priority ${row.Priority}`;
    return group(d.path, summary, () => [
      ...columns,
      leaf('swap type', d.type),
      leaf('kind', d.kind),
      leaf('si->max', d.maxSlots),
      leaf('si->pages', d.pages),
      leaf('si->inuse_pages', d.inuse),
      leaf('clusters', `${d.clusters} × ${d.clusterSlots} slots`),
      record('cluster lists', d.lists),
      leaf('SWP_SOLIDSTATE', d.solidState),
      leaf('SWP_SYNCHRONOUS_IO', d.synchronousIo),
      leaf('on swap_avail_head', d.onAvailList),
      leaf('swapoff in progress', d.swapoffInProgress),
      ...(d.tier === null ? [] : [leaf('swap tier', d.tier)]),
    ]);
  });
}

function counters(s: SessionSnapshot): VariableNode[] {
  const c = s.counters;
  const mthpSizes = Object.keys(c.mthp);
  return [
    group('free (Swap, kB)', `total ${c.free.total}  used ${c.free.used}  free ${c.free.free}`, () => [leaf('total', c.free.total), leaf('used', c.free.used), leaf('free', c.free.free)]),
    record('/proc/meminfo', c.meminfo, ' kB'),
    record('/proc/vmstat', c.vmstat),
    record('zswap (debugfs)', c.zswap),
    group('mTHP stats', `${mthpSizes.length} sizes`, () => mthpSizes.map((size) => record(size, c.mthp[size] ?? {}))),
  ];
}

function memcg(m: MemcgSummary): VariableNode {
  return group(m.path, `current ${formatBytes(m.current)}, swap ${formatBytes(m.swapCurrent)}${m.online ? '' : ' (offline)'}`, () => [
    bytes('memory.current', m.current),
    limit('memory.max', m.max),
    limit('memory.high', m.high),
    bytes('memory.peak', m.peak),
    bytes('memory.swap.current', m.swapCurrent),
    limit('memory.swap.max', m.swapMax),
    limit('memory.swap.high', m.swapHigh),
    bytes('memory.swap.peak', m.swapPeak),
    bytes('memory.zswap.current', m.zswapCurrent),
    limit('memory.zswap.max', m.zswapMax),
    leaf('memory.zswap.writeback', m.zswapWriteback ? 1 : 0),
    record('memory.events', m.events),
    record('memory.swap.events', m.swapEvents),
    leaf('cgroup.procs', m.tasks.length === 0 ? '(none)' : m.tasks.join(' ')),
    leaf('online', m.online),
  ]);
}

function errorNode(e: StepError): VariableNode {
  return leaf(`line ${e.range.start.line + 1}, step ${e.step}`, `${e.errno}: ${e.message}${e.expected ? ' (expected)' : ''}`);
}

function expectNode(e: ExpectResult): VariableNode {
  return leaf(`line ${e.range.start.line + 1}, step ${e.step}`, `${e.text}: got ${e.actual}, expected ${e.expected}`);
}

function problems(s: SessionSnapshot): VariableNode[] {
  const failed = s.expects.filter((e) => !e.passed);
  const last = s.step.index;
  const lastStep = [...s.errors.filter((e) => e.step === last).map(errorNode), ...failed.filter((e) => e.step === last).map(expectNode)];
  return [
    group('last step', lastStep.length === 0 ? 'no errors' : `${lastStep.length} problem(s)`, () => lastStep),
    group('kernel errors', `${s.errors.length}`, () => s.errors.map(errorNode)),
    group('failed expects', `${failed.length} of ${s.expects.length} expects`, () => failed.map(expectNode)),
  ];
}

/** The scopes of the one frame, each a fresh handle into `handles`. */
export function snapshotScopes(s: SessionSnapshot, handles: VariableHandles): DapScope[] {
  const scope = (name: string, nodes: () => readonly VariableNode[], hint?: DapScope['presentationHint']): DapScope => ({
    name,
    variablesReference: handles.add(nodes),
    expensive: false,
    ...(hint === undefined ? {} : { presentationHint: hint }),
  });
  return [
    scope(`Swap devices (${s.devices.length})`, () => devices(s), 'locals'),
    scope('Counters', () => counters(s)),
    scope(`Memory cgroups (${s.memcgs.length})`, () => s.memcgs.map(memcg)),
    scope(`Problems (${s.errors.filter((e) => !e.expected).length} errors, ${s.expects.filter((e) => !e.passed).length} failed expects)`, () => problems(s)),
  ];
}

/**
 * A counter by name, for the Debug Console: `vmstat.pswpout`,
 * `meminfo.SwapFree`, `zswap.stored_pages`, `free.used`, or a bare name
 * looked up in meminfo, vmstat and zswap in that order.
 */
export function lookupCounter(s: SessionSnapshot, expression: string): number | undefined {
  const name = expression.trim();
  const c = s.counters;
  const tables: Record<string, Readonly<Record<string, number>>> = { meminfo: c.meminfo, vmstat: c.vmstat, zswap: c.zswap, free: c.free };
  const dot = name.indexOf('.');
  if (dot > 0) {
    const table = tables[name.slice(0, dot)];
    const key = name.slice(dot + 1);
    if (table !== undefined && Object.hasOwn(table, key)) return table[key];
  }
  for (const table of [c.meminfo, c.vmstat, c.zswap]) {
    if (Object.hasOwn(table, name)) return table[name];
  }
  return undefined;
}
