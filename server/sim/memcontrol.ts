/**
 * Memory cgroups, cgroup v2 (mm/memcontrol.c, mm/page_counter.c;
 * Documentation/admin-guide/cgroup-v2.rst; kernel-swap.md §7).
 *
 * Page counters are hierarchical: a charge walks from the cgroup to the
 * root and fails at the first ancestor whose limit it would exceed. The
 * root is never limited. Usage is counted in pages.
 */
import { fail } from './errno';
import type { EventLog } from './events';
import type { Journal } from './journal';

export const MEMCG_MAX = Number.POSITIVE_INFINITY;
export const ROOT_MEMCG_ID = 1;

/** struct page_counter */
export class PageCounter {
  usage = 0;
  max = MEMCG_MAX;
  high = MEMCG_MAX;
  /** Lifetime high-water mark (memory.peak as read without an fd-local reset). */
  watermark = 0;
  /** Watermark since the last write to the peak file (the fd-local reset, modelled as one reader). */
  localWatermark = 0;
  /** Charges that exceeded `high` (for memory.events high / memory.swap.events high). */
  constructor(readonly parent: PageCounter | null) {}
}

export const MEMCG_EVENTS = ['low', 'high', 'max', 'oom', 'oom_kill', 'oom_group_kill'] as const;
export type MemcgEventName = (typeof MEMCG_EVENTS)[number];
export const SWAP_EVENTS = ['high', 'max', 'fail'] as const;
export type SwapEventName = (typeof SWAP_EVENTS)[number];

/** memory.stat keys kept as local event counters and summed over the subtree when read. */
export const MEMCG_STAT_EVENTS = [
  'pswpin',
  'pswpout',
  'swpin_zero',
  'swpout_zero',
  'zswpin',
  'zswpout',
  'zswpwb',
  'thp_swpout',
  'thp_swpout_fallback',
  'pgfault',
  'pgmajfault',
  'pgscan',
  'pgsteal',
  'pgactivate',
  'pgdeactivate',
] as const;
export type MemcgStatEvent = (typeof MEMCG_STAT_EVENTS)[number];

/** One LRU list of folios (head PFNs), doubly linked through the folio table. */
export interface LruList {
  head: number;
  tail: number;
  nrPages: number;
}

export class Memcg {
  online = true;
  readonly children: Memcg[] = [];
  readonly memory: PageCounter;
  readonly swap: PageCounter;
  /** memory.zswap.max in bytes; MEMCG_MAX = "max". */
  zswapMax = MEMCG_MAX;
  /** memory.zswap.writeback as written to this cgroup (effective value also needs every ancestor). */
  zswapWriteback = true;
  /** Compressed bytes charged for zswap entries of this cgroup (obj_cgroup). */
  zswapBytes = 0;
  /** Pages stored in zswap for this cgroup (memory.stat zswapped / 4K). */
  zswappedPages = 0;
  zswapIncompPages = 0;
  /** Pages of this cgroup's folios in the swap cache (memory.stat swapcached). */
  swapcachedPages = 0;
  /** Local event counts (memory.events.local); hierarchical ones are summed on read. */
  readonly eventsLocal: Record<MemcgEventName, number> = { low: 0, high: 0, max: 0, oom: 0, oom_kill: 0, oom_group_kill: 0 };
  readonly swapEventsLocal: Record<SwapEventName, number> = { high: 0, max: 0, fail: 0 };
  readonly statLocal: Record<MemcgStatEvent, number>;
  readonly inactiveAnon: LruList = { head: -1, tail: -1, nrPages: 0 };
  readonly activeAnon: LruList = { head: -1, tail: -1, nrPages: 0 };
  /** Private id references held by swap entries (mem_cgroup_private_id_get): keep a zombie alive. */
  swapIdRefs = 0;

  constructor(
    readonly id: number,
    /** Path below the cgroup root ('' for the root). */
    readonly path: string,
    readonly parent: Memcg | null,
  ) {
    this.memory = new PageCounter(parent?.memory ?? null);
    this.swap = new PageCounter(parent?.swap ?? null);
    this.statLocal = Object.fromEntries(MEMCG_STAT_EVENTS.map((k) => [k, 0])) as Record<MemcgStatEvent, number>;
  }

  get isRoot(): boolean {
    return this.parent === null;
  }

  get name(): string {
    return this.path === '' ? '/' : this.path;
  }

  *ancestorsAndSelf(): Iterable<Memcg> {
    yield this;
    for (let m = this.parent; m; m = m.parent) yield m;
  }

  *subtree(): Iterable<Memcg> {
    yield this;
    for (const c of this.children) yield* c.subtree();
  }
}

export type ChargeResult = { ok: true } | { ok: false; limitedBy: Memcg };

/** The cgroup hierarchy and the charge/uncharge primitives. */
export class MemcgTree {
  readonly root: Memcg;
  readonly byId = new Map<number, Memcg>();
  readonly byPath = new Map<string, Memcg>();
  nextId = ROOT_MEMCG_ID + 1;

  constructor(
    private readonly j: Journal,
    private readonly log: EventLog,
  ) {
    this.root = new Memcg(ROOT_MEMCG_ID, '', null);
    this.byId.set(ROOT_MEMCG_ID, this.root);
    this.byPath.set('', this.root);
  }

  get(id: number): Memcg | undefined {
    return this.byId.get(id);
  }

  /** Look up an online cgroup by path below the root ('' or '/' is the root). */
  lookup(path: string): Memcg | undefined {
    const m = this.byPath.get(normalizeCgroupPath(path));
    return m?.online ? m : undefined;
  }

  /** mkdir in cgroupfs: mem_cgroup_css_alloc + online. */
  mkdir(path: string): Memcg {
    const p = normalizeCgroupPath(path);
    if (p === '') fail('EEXIST', 'the root cgroup already exists');
    if (this.lookup(p)) fail('EEXIST', `cgroup ${p} exists`);
    const parentPath = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    const parent = this.lookup(parentPath);
    if (!parent) fail('ENOENT', `parent cgroup ${parentPath || '/'} does not exist`);
    if (this.nextId > 0xffff) fail('ENOSPC', 'memcg ids (MEM_CGROUP_ID_MAX) exhausted');
    const m = new Memcg(this.nextId, p, parent);
    this.j.set(this, 'nextId', this.nextId + 1);
    this.j.mapSet(this.byId, m.id, m);
    this.j.mapSet(this.byPath, p, m);
    this.j.push(parent.children, m);
    return m;
  }

  /**
   * rmdir: the cgroup goes offline. Its remaining swap charges stay on its
   * page counter (and therefore in its ancestors) until the entries are
   * freed; it is a zombie while swap entries hold its id (§7.5).
   */
  rmdir(path: string, hasTasks: (m: Memcg) => boolean): Memcg {
    const m = this.lookup(path);
    if (!m) fail('ENOENT', `cgroup ${normalizeCgroupPath(path) || '/'} does not exist`);
    if (m.isRoot) fail('EBUSY', 'cannot remove the root cgroup');
    if (m.children.some((c) => c.online)) fail('EBUSY', `cgroup ${m.path} has child cgroups`);
    if (hasTasks(m)) fail('EBUSY', `cgroup ${m.path} has tasks`);
    this.j.set(m, 'online', false);
    // the path may be re-created; the zombie keeps its id
    this.j.mapDelete(this.byPath, m.path);
    return m;
  }

  /** The nearest online ancestor (mem_cgroup_private_id_get_online's fallback). */
  onlineAncestor(m: Memcg): Memcg {
    let c: Memcg = m;
    while (!c.online && c.parent) c = c.parent;
    return c;
  }

  /**
   * page_counter_try_charge(): charge every level or none. Returns the
   * cgroup whose limit refused the charge.
   */
  tryCharge(m: Memcg, which: 'memory' | 'swap', nr: number): ChargeResult {
    for (const c of m.ancestorsAndSelf()) {
      if (c.isRoot) continue;
      if (c[which].usage + nr > c[which].max) return { ok: false, limitedBy: c };
    }
    this.forceCharge(m, which, nr);
    return { ok: true };
  }

  /** page_counter_charge(): charge unconditionally (swapin of already-swapped data, zombies). */
  forceCharge(m: Memcg, which: 'memory' | 'swap', nr: number): void {
    for (const c of m.ancestorsAndSelf()) {
      const pc = c[which];
      const usage = pc.usage + nr;
      this.j.set(pc, 'usage', usage);
      if (usage > pc.watermark) this.j.set(pc, 'watermark', usage);
      if (usage > pc.localWatermark) this.j.set(pc, 'localWatermark', usage);
    }
  }

  /** page_counter_uncharge() */
  uncharge(m: Memcg, which: 'memory' | 'swap', nr: number): void {
    for (const c of m.ancestorsAndSelf()) {
      const pc = c[which];
      if (pc.usage < nr) fail('EINVAL', `page counter underflow in ${c.name} ${which}: ${pc.usage} - ${nr}`);
      this.j.set(pc, 'usage', pc.usage - nr);
    }
  }

  /** memcg_memory_event(): local on `m`, hierarchical view summed on read. */
  memoryEvent(m: Memcg, ev: MemcgEventName): void {
    this.j.set(m.eventsLocal, ev, m.eventsLocal[ev] + 1);
    this.log.emit({ kind: 'memcg-event', memcg: m.name, event: ev });
  }

  swapEvent(m: Memcg, ev: SwapEventName): void {
    this.j.set(m.swapEventsLocal, ev, m.swapEventsLocal[ev] + 1);
    this.log.emit({ kind: 'memcg-event', memcg: m.name, event: `swap.${ev}` });
  }

  /** count_memcg_events(): a memory.stat event counter. */
  statEvent(m: Memcg, key: MemcgStatEvent, nr: number): void {
    if (nr) this.j.set(m.statLocal, key, m.statLocal[key] + nr);
  }

  /** memory.events (hierarchical): the sum over the subtree. */
  eventsHierarchical(m: Memcg): Record<MemcgEventName, number> {
    const out = { ...m.eventsLocal };
    for (const d of m.subtree()) if (d !== m) for (const k of MEMCG_EVENTS) out[k] += d.eventsLocal[k];
    return out;
  }

  swapEventsHierarchical(m: Memcg): Record<SwapEventName, number> {
    const out = { ...m.swapEventsLocal };
    for (const d of m.subtree()) if (d !== m) for (const k of SWAP_EVENTS) out[k] += d.swapEventsLocal[k];
    return out;
  }

  statHierarchical(m: Memcg, key: MemcgStatEvent): number {
    let n = 0;
    for (const d of m.subtree()) n += d.statLocal[key];
    return n;
  }

  /** memory.zswap.writeback as it applies: every ancestor must allow it (§5.4). */
  zswapWritebackEffective(m: Memcg): boolean {
    for (const c of m.ancestorsAndSelf()) if (!c.zswapWriteback) return false;
    return true;
  }

  /**
   * mem_cgroup_get_nr_swap_pages(): the smallest swap.max - usage over the
   * ancestors, capped by the free swap of the system.
   */
  nrSwapPagesFor(m: Memcg, systemFree: number): number {
    let n = systemFree;
    for (const c of m.ancestorsAndSelf()) {
      if (c.isRoot) continue;
      n = Math.min(n, c.swap.max - c.swap.usage);
    }
    return Math.max(0, n);
  }

  /** mem_cgroup_swap_full(): some ancestor's swap usage × 2 ≥ its swap.high or swap.max. */
  swapFull(m: Memcg): boolean {
    for (const c of m.ancestorsAndSelf()) {
      if (c.isRoot) continue;
      if (c.swap.usage * 2 >= c.swap.high || c.swap.usage * 2 >= c.swap.max) return true;
    }
    return false;
  }
}

/** Canonical cgroup path: no /sys/fs/cgroup prefix, no leading/trailing slashes. */
export function normalizeCgroupPath(path: string): string {
  let p = path.trim();
  if (p.startsWith('/sys/fs/cgroup')) p = p.slice('/sys/fs/cgroup'.length);
  return p.replace(/^\/+|\/+$/g, '').replace(/\/+/g, '/');
}
