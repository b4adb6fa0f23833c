/**
 * Swap metadata held in the simulated machine's RAM. Every structure the
 * kernel's design allocates for swap (designs/overhead.ts: swap_map,
 * swap_cgroup, zeromap, cluster_info, swap tables, memcg_table, the ghost
 * XArray, vswap descriptors, zswap entries, …) takes pages from the page
 * allocator in the pool the kernel allocates it from, so it shows in
 * MemFree, MemAvailable, Slab or VmallocUsed, and creates memory pressure
 * like any allocation.
 *
 * After every operation (kernel.ts) the per-structure bytes of the overhead
 * table, computed from the counts the swap code keeps
 * (swap_usage.ts overheadInputFromCounters), are brought into the pools.
 * invariants.ts checks those bytes equal the overhead table of a full walk.
 *
 * Where each structure comes from in the kernel:
 *  - swap_map: vzalloc() in the swapon path (legacy, P1/P2);
 *  - swap_cgroup: vzalloc() in swap_cgroup_swapon() (before P4);
 *  - zeromap: kvmalloc_array() in the swapon path; cluster_info:
 *    kvcalloc() in setup_clusters(); the vswap bitmaps likewise: kmalloc
 *    when small, vmalloc above KMALLOC_MAX_SIZE (kvmalloc_node());
 *  - swap_table: a whole page when a table is PAGE_SIZE
 *    (SWP_TABLE_USE_PAGE), else its kmem_cache (swap_table_alloc());
 *    the rmap share of ghost and vswap-STE tables lives in those pages;
 *  - memcg_table, extend_table, zero_bitmap, virtual_table, ci_dyn, the
 *    vswap v3 rmap: kmalloc/kzalloc objects;
 *  - XArray nodes (legacy swap cache, dynamic cluster XArray, zswap's
 *    tree): the radix_tree_node cache, SLAB_RECLAIM_ACCOUNT (SReclaimable);
 *  - continuation pages: alloc_page() in add_swap_count_continuation();
 *  - swp_desc, zswap_entry: their own kmem_caches.
 */
import { computeOverhead, type OverheadLine, type Structure } from './designs/overhead';
import type { Kernel } from './kernel';
import { kvmallocKind, type KmemKind } from './kmem';
import type { SwapInfo } from './swapfile';
import { overheadInput, overheadInputFromCounters } from './swap_usage';

/** How a structure is allocated, by design (the rmap share of a table sits in the table's pages). */
type Allocator = 'vzalloc' | 'kvmalloc' | 'table' | 'kmalloc' | 'xa_node' | 'pages' | 'cache';

function allocatorOf(structure: Structure, design: Kernel['design']): Allocator {
  switch (structure) {
    case 'swap_map':
    case 'swap_cgroup':
      return 'vzalloc';
    case 'zeromap':
    case 'vswap_bitmaps':
      return 'kvmalloc';
    case 'cluster_info':
      return 'kvmalloc';
    case 'swap_table':
      return 'table';
    case 'rmap':
      return design === 'vswap' ? 'kmalloc' : 'table';
    case 'memcg_table':
    case 'extend_table':
    case 'zero_bitmap':
    case 'virtual_table':
      return 'kmalloc';
    case 'xarray_nodes':
    case 'swapcache_xarray':
    case 'zswap_tree':
      return 'xa_node';
    case 'continuation_pages':
      return 'pages';
    case 'swp_desc':
    case 'zswap_entry':
      return 'cache';
  }
}

/** The pool a line's bytes go to: shared caches by name, large arrays one pool each. */
function poolOf(
  line: OverheadLine,
  design: Kernel['design'],
  pageSize: number,
  clusterSlots: number,
): { name: string; kind: KmemKind } {
  const where = line.device ?? '';
  switch (allocatorOf(line.structure, design)) {
    case 'vzalloc':
      return { name: `vmalloc: ${line.structure} ${where}`, kind: 'vmalloc' };
    case 'kvmalloc': {
      // a dynamic cluster_info (ci_dyn) is one small kmalloc per cluster
      if (line.kind === 'dynamic') return { name: 'kmalloc', kind: 'slab' };
      const kind = kvmallocKind(line.bytes, pageSize);
      return kind === 'slab' ? { name: 'kmalloc', kind } : { name: `${kind}: ${line.structure} ${where}`, kind };
    }
    case 'table':
      // SWP_TABLE_USE_PAGE: a table of PAGE_SIZE bytes is a page of its own
      return 8 * clusterSlots === pageSize
        ? { name: 'swap_table pages', kind: 'pages' }
        : { name: 'swap_table', kind: 'slab' };
    case 'kmalloc':
      return { name: 'kmalloc', kind: 'slab' };
    case 'xa_node':
      return { name: 'radix_tree_node', kind: 'slab-reclaimable' };
    case 'pages':
      return { name: 'swap continuation pages', kind: 'pages' };
    case 'cache':
      return { name: line.structure, kind: 'slab' };
  }
}

/** Do two overhead tables have the same lines (structure and device), in the same order? */
function sameShape(a: readonly OverheadLine[], b: readonly OverheadLine[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i]!.structure !== b[i]!.structure || a[i]!.device !== b[i]!.device) return false;
  return true;
}

/** Do two overhead tables have the same lines with the same bytes, in the same order? */
function sameLines(a: readonly OverheadLine[], b: readonly OverheadLine[] | null): boolean {
  if (b === null || !sameShape(a, b)) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.bytes !== b[i]!.bytes) return false;
  return true;
}

/** Key of one overhead line: structure and device. */
const lineKey = (l: { structure: Structure; device: string | null }): string => `${l.structure}\t${l.device ?? ''}`;

export class SwapMetaRam {
  /** Bytes of each overhead line as held now (structure, device). */
  readonly lines = new Map<string, number>();
  /** Pool of each line. */
  private readonly linePool = new Map<string, string>();
  /** Devices and zswap entries as of the last pass; a change of either needs a new pass. */
  private syncedDevices: readonly SwapInfo[] = [];
  private syncedZswapEntries = 0;
  /**
   * The overhead table's lines as of the last pass that changed the pools
   * (written through the journal, so it always describes `lines`): a pass
   * whose table has the same lines, in the same order with the same bytes,
   * changes nothing. Most passes are such: a step that frees one slot and
   * allocates another, or loads one zswap entry and stores another, marks
   * the device dirty but leaves every line's bytes as they were.
   */
  private readonly held: { table: readonly OverheadLine[] | null } = { table: null };

  constructor(private readonly k: Kernel) {}

  /** Bring the pools in line with the design's metadata now (O(devices), skipped when nothing changed). */
  flush(): void {
    const k = this.k;
    const devices = k.swap.devices;
    const changed =
      devices.length !== this.syncedDevices.length ||
      devices.some((si, i) => si !== this.syncedDevices[i] || si.meta.dirty) ||
      k.zswap.entries.size !== this.syncedZswapEntries;
    if (!changed) return;
    const table = computeOverhead(overheadInputFromCounters(k, k.design), { formulas: false });
    if (!sameLines(table.lines, this.held.table)) this.bringPoolsInLine(table.lines);
    for (const si of devices) if (si.meta.dirty) k.j.set(si.meta, 'dirty', false);
    this.setSynced(devices, k.zswap.entries.size);
  }

  /**
   * Make `lines` (and the pools' bytes) those of the table. Against a held
   * table of the same shape (the same structures and devices, in order)
   * only the lines whose bytes changed are looked at, and a line that stays
   * in its pool only has its bytes rewritten (one journal record, where
   * leaving and joining the maps takes four); otherwise every line. Either
   * way the pools are paid in name order, so their bytes do not depend on
   * the path taken (only the maps' iteration order does, which nothing
   * reads: the fingerprint sorts them).
   */
  private bringPoolsInLine(tableLines: readonly OverheadLine[]): void {
    const k = this.k;
    // what each pool gains or loses: old lines leave their pool, new ones join theirs
    const delta = new Map<string, { bytes: number; kind: KmemKind }>();
    const add = (pool: string, kind: KmemKind, bytes: number): void => {
      const d = delta.get(pool) ?? { bytes: 0, kind };
      d.bytes += bytes;
      delta.set(pool, d);
    };
    const leave = (key: string, bytes: number): void => {
      const pool = this.linePool.get(key)!;
      add(pool, k.kmem.pools.get(pool)!.kind, -bytes);
      k.j.mapDelete(this.lines, key);
      k.j.mapDelete(this.linePool, key);
    };
    const join = (key: string, bytes: number, pool: { name: string; kind: KmemKind }): void => {
      add(pool.name, pool.kind, bytes);
      k.j.mapSet(this.lines, key, bytes);
      k.j.mapSet(this.linePool, key, pool.name);
    };
    const poolOfLine = (l: OverheadLine): { name: string; kind: KmemKind } =>
      poolOf(l, k.design, k.geom.pageSize, k.geom.clusterSlots);
    const held = this.held.table;
    if (held !== null && sameShape(held, tableLines)) {
      for (let i = 0; i < tableLines.length; i++) {
        const l = tableLines[i]!;
        if (l.bytes === held[i]!.bytes) continue;
        const key = lineKey(l);
        const old = this.lines.get(key);
        const pool = l.bytes > 0 ? poolOfLine(l) : null;
        if (old !== undefined && pool !== null && pool.name === this.linePool.get(key)) {
          add(pool.name, pool.kind, l.bytes - old);
          k.j.mapSet(this.lines, key, l.bytes);
          continue;
        }
        if (old !== undefined) leave(key, old);
        if (pool) join(key, l.bytes, pool);
      }
    } else {
      const want = new Map<string, { bytes: number; pool: { name: string; kind: KmemKind } }>();
      for (const l of tableLines) if (l.bytes > 0) want.set(lineKey(l), { bytes: l.bytes, pool: poolOfLine(l) });
      for (const [key, bytes] of this.lines) {
        const w = want.get(key);
        if (w && w.bytes === bytes && w.pool.name === this.linePool.get(key)) continue;
        leave(key, bytes);
      }
      for (const [key, w] of want) if (!this.lines.has(key)) join(key, w.bytes, w.pool);
    }
    // in name order: pools are created and paid in an order that does not depend on the maps' history
    for (const [name, d] of [...delta].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (d.bytes === 0) continue;
      const pool = k.kmem.pool(name, d.kind);
      k.kmem.setBytes(pool, pool.bytes + d.bytes);
    }
    k.j.set(this.held, 'table', tableLines);
  }

  private setSynced(devices: readonly SwapInfo[], zswapEntries: number): void {
    const old = this.syncedDevices;
    const oldZ = this.syncedZswapEntries;
    this.syncedDevices = devices;
    this.syncedZswapEntries = zswapEntries;
    this.k.j.custom(() => {
      this.syncedDevices = old;
      this.syncedZswapEntries = oldZ;
    });
  }

  /** Bytes held per structure (summed over devices). */
  bytesByStructure(): Map<Structure, number> {
    const out = new Map<Structure, number>();
    for (const [key, bytes] of this.lines) {
      const s = key.slice(0, key.indexOf('\t')) as Structure;
      out.set(s, (out.get(s) ?? 0) + bytes);
    }
    return out;
  }

  /** Bytes of swap metadata held in RAM now. */
  get totalBytes(): number {
    let n = 0;
    for (const b of this.lines.values()) n += b;
    return n;
  }
}

/**
 * The metadata held in RAM against a walk of the slots (run by
 * invariants.ts): the kept counts give the same usage summary as the walk,
 * and every line of the design's overhead table is held with its bytes.
 */
export function swapMetaInvariants(k: Kernel): string[] {
  const out: string[] = [];
  const scanned = overheadInput(k, k.design);
  const counted = overheadInputFromCounters(k, k.design);
  const fields = [
    'clustersAllocated',
    'clustersWithTable',
    'clustersWithExtendTable',
    'usedSlots',
    'swapCacheGroups64',
    'overflowSlots',
    'continuationPages',
    'rmapSlots',
    'zswapEntries',
  ] as const;
  for (let i = 0; i < scanned.devices.length; i++) {
    const a = scanned.devices[i]!;
    const b = counted.devices[i]!;
    for (const f of fields)
      if (a[f] !== b[f]) out.push(`${a.name}: ${f} is ${a[f]} by the slots but ${b[f]} by the kept counts`);
  }
  if (scanned.vswapDescriptors !== counted.vswapDescriptors)
    out.push(`vswap descriptors ${scanned.vswapDescriptors} by the slots but ${counted.vswapDescriptors} counted`);
  const table = computeOverhead(scanned, { formulas: false });
  const expected = new Map<string, number>();
  for (const l of table.lines) if (l.bytes > 0) expected.set(lineKey(l), l.bytes);
  for (const [key, bytes] of expected) {
    const held = k.swapMeta.lines.get(key) ?? 0;
    if (held !== bytes)
      out.push(`swap metadata ${key.replace('\t', ' ')}: the overhead table says ${bytes} B, RAM holds ${held} B`);
  }
  for (const [key, bytes] of k.swapMeta.lines)
    if (!expected.has(key))
      out.push(`swap metadata ${key.replace('\t', ' ')}: ${bytes} B held for a line the overhead table does not have`);
  const zs = k.kmem.pools.get('zsmalloc: zswap');
  if ((zs?.bytes ?? 0) !== k.zswap.poolBytes)
    out.push(`zswap pool ${k.zswap.poolBytes} B but its zsmalloc pages hold ${zs?.bytes ?? 0} B`);
  return out;
}
