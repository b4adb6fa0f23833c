/**
 * Memory cgroups, cgroup v2 (mm/memcontrol.c, mm/page_counter.c;
 * Documentation/admin-guide/cgroup-v2.rst; docs/kernel-model.md §7).
 *
 * Page counters are hierarchical: a charge walks from the cgroup to the
 * root and fails at the first ancestor whose limit it would exceed. The
 * root is never limited. Usage is counted in pages.
 *
 * The second half of the file holds the memcg operations that need the
 * whole kernel (reclaim, OOM): the charge loop, memory.high throttling,
 * the limit and reclaim files, OOM victim selection and memory.stat.
 * docs/memcg-zswap.md lists every rule and what is simplified.
 */
import { KernelError, fail } from './errno';
import type { EventLog } from './events';
import { PG_swapbacked, PG_swapcache } from './folio';
import type { Journal } from './journal';
import type { Kernel } from './kernel';
import type { Task } from './mm';
import { ownedBy } from './owners';
import { TIER_ALL_MASK, swapTiersMemcgInheritMask } from './swap_tier';
import { MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from './vmscan';
import { emptyFileStat, type FileStat } from './filemap';

export const MEMCG_MAX = Number.POSITIVE_INFINITY;
export const ROOT_MEMCG_ID = 1;
/** PAGE_ALLOC_COSTLY_ORDER: bigger charges neither retry on progress nor OOM. */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
/** The peak file has not been written through the scenario's fd yet (OFP_PEAK_UNSET). */
export const PEAK_UNSET = -1;

/** struct page_counter */
export class PageCounter {
  usage = 0;
  max = MEMCG_MAX;
  high = MEMCG_MAX;
  /** Lifetime high-water mark: what a fresh open of memory.peak shows. */
  watermark = 0;
  /** Reset to the usage by every write to the peak file, through any fd (page_counter.local_watermark). */
  localWatermark = 0;
  constructor(readonly parent: PageCounter | null) {}
}

/** What one open file of memory.peak or memory.swap.peak remembers (struct cgroup_of_peak). */
export interface PeakFd {
  /** The usage at this fd's last write (raised by later writes through other fds), or PEAK_UNSET. */
  peak: number;
}

/**
 * peak_show() in mm/memcontrol.c: an fd never written shows the lifetime
 * watermark; one that was written shows the peak since its last write
 * (its value, or the local watermark if that rose above it). A read by
 * path opens a fresh fd, so it always shows the lifetime watermark.
 */
export function peakRead(pc: PageCounter, fd: PeakFd | null): number {
  return fd === null || fd.peak === PEAK_UNSET ? pc.watermark : Math.max(fd.peak, pc.localWatermark);
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
  /** The part of pgscan and pgsteal that memory.reclaim did (user_proactive_reclaim()). */
  'pgscan_proactive',
  'pgsteal_proactive',
  'pgactivate',
  'pgdeactivate',
  'pglazyfree',
  'pglazyfreed',
] as const;
export type MemcgStatEvent = (typeof MEMCG_STAT_EVENTS)[number];

/** One LRU list of folios (head PFNs), doubly linked through the folio table. */
export interface LruList {
  head: number;
  tail: number;
  nrPages: number;
}

/** MEMCG_CHARGE_BATCH (include/linux/memcontrol.h): what one charge takes from the page counter at least. */
export const MEMCG_CHARGE_BATCH = 64;

/** One CPU's memcg_stock_pcp (mm/memcontrol.c): pages charged to a memcg's counter that no folio uses yet. */
export interface ChargeStock {
  /** The memcg id the pages belong to, or -1. */
  memcg: number;
  pages: number;
}

export class Memcg {
  online = true;
  /** Pages of this cgroup's page counter held in the CPUs' charge stocks (config task_memory=kernel). */
  stockPages = 0;
  /** Pages its tasks' own processes charged here (KernelBehaviour.taskImage; config task_memory=kernel). */
  taskPages = 0;
  readonly children: Memcg[] = [];
  readonly memory: PageCounter;
  readonly swap: PageCounter;
  /** memory.zswap.max in pages (page_counter_memparse rounds down); MEMCG_MAX = "max". */
  zswapMax = MEMCG_MAX;
  /** memory.zswap.writeback as written to this cgroup (the effective value also needs every ancestor). */
  zswapWriteback = true;
  /** Compressed bytes of the zswap entries charged to this cgroup (MEMCG_ZSWAP_B, local). */
  zswapBytes = 0;
  /** Pages stored in zswap for this cgroup (MEMCG_ZSWAPPED, local). */
  zswappedPages = 0;
  /** Of those, pages stored uncompressed (MEMCG_ZSWAP_INCOMP, local). */
  zswapIncompPages = 0;
  /** Pages of this cgroup's folios in the swap cache (memory.stat swapcached, local). */
  swapcachedPages = 0;
  /** zswap_lruvec_state.nr_disk_swapins: recent device swapins that shield zswap from the shrinker. */
  zswapDiskSwapins = 0;
  /** Local event counts (memory.events.local); hierarchical ones are summed on read. */
  readonly eventsLocal: Record<MemcgEventName, number> = {
    low: 0,
    high: 0,
    max: 0,
    oom: 0,
    oom_kill: 0,
    oom_group_kill: 0,
  };
  /** memory_events_local[] of the swap events (the kernel has no file showing them). */
  readonly swapEventsLocal: Record<SwapEventName, number> = { high: 0, max: 0, fail: 0 };
  readonly statLocal: Record<MemcgStatEvent, number>;
  readonly inactiveAnon: LruList = { head: -1, tail: -1, nrPages: 0 };
  readonly activeAnon: LruList = { head: -1, tail: -1, nrPages: 0 };
  /** The file LRU of the cgroup's lruvec: page cache folios (shmem is swap-backed, on the anon lists). */
  readonly inactiveFile: LruList = { head: -1, tail: -1, nrPages: 0 };
  readonly activeFile: LruList = { head: -1, tail: -1, nrPages: 0 };
  /** lruvec->anon_cost and file_cost: the recent cost of reclaiming each type (lru_note_cost()). */
  anonCost = 0;
  fileCost = 0;
  /** Page cache counters of the cgroup's own folios (memcg_page_state_local; filemap.ts). */
  readonly fileStat: FileStat = emptyFileStat();
  /** Private id references held by swap entries (mem_cgroup_private_id_get): keep a zombie alive. */
  swapIdRefs = 0;
  /** Swap tiers: memory.swap.tiers.max as written here, one bit per tier (swap_tier.ts). */
  tierMask = TIER_ALL_MASK;
  /** Swap tiers: the parent's effective mask AND tierMask; what allocation tests. */
  tierEffectiveMask = TIER_ALL_MASK;
  /**
   * `memory` in cgroup.subtree_control: the children of this cgroup have the
   * memory controller (every child the simulator creates does: mkdir turns
   * it on first, see MemcgTree.mkdir). The root starts with it, as a system
   * booted for these tests has it.
   */
  subtreeControl = false;
  /** memory.oom.group: an OOM kill takes every task of this subtree (mem_cgroup_get_oom_group()). */
  oomGroup = false;
  /** ancestorsAndSelf(), once built: derived from `parent`, which never changes, so it is not state. */
  private chain: readonly Memcg[] | null = null;

  constructor(
    readonly id: number,
    /** Path below the cgroup root ('' for the root). */
    readonly path: string,
    readonly parent: Memcg | null,
  ) {
    this.memory = new PageCounter(parent?.memory ?? null);
    this.swap = new PageCounter(parent?.swap ?? null);
    this.statLocal = Object.fromEntries(MEMCG_STAT_EVENTS.map((k) => [k, 0])) as Record<MemcgStatEvent, number>;
    // writes to these count as writes to the memcg (deltas, incremental invariant checks)
    for (const part of [
      this.memory,
      this.swap,
      this.statLocal,
      this.eventsLocal,
      this.swapEventsLocal,
      this.inactiveAnon,
      this.activeAnon,
    ])
      ownedBy(part, this);
  }

  get isRoot(): boolean {
    return this.parent === null;
  }

  get name(): string {
    return this.path === '' ? '/' : this.path;
  }

  /** This memcg and its ancestors up to the root (the parent never changes: built once, it allocates nothing per charge). */
  ancestorsAndSelf(): readonly Memcg[] {
    if (this.chain === null) {
      const chain: Memcg[] = [this];
      for (let m = this.parent; m; m = m.parent) chain.push(m);
      this.chain = chain;
    }
    return this.chain;
  }

  /** Pre-order walk (mem_cgroup_iter order), zombies included. */
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
  /** Per CPU: the charge stock, empty unless charges are batched (`enableChargeStock`). */
  readonly stock: ChargeStock[] = [];

  constructor(
    private readonly j: Journal,
    private readonly log: EventLog,
  ) {
    this.root = new Memcg(ROOT_MEMCG_ID, '', null);
    this.root.subtreeControl = true;
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

  /** mkdir in cgroupfs: mem_cgroup_css_alloc + online. memory.zswap.writeback starts at 1 (inheritance is by walking up). */
  mkdir(path: string): Memcg {
    const p = normalizeCgroupPath(path);
    if (p === '') fail('EEXIST', 'the root cgroup already exists');
    if (this.lookup(p)) fail('EEXIST', `cgroup ${p} exists`);
    const parentPath = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    const parent = this.lookup(parentPath);
    if (!parent) fail('ENOENT', `parent cgroup ${parentPath || '/'} does not exist`);
    if (this.nextId > 0xffff) fail('ENOSPC', 'memcg ids (MEM_CGROUP_ID_MAX) exhausted');
    const m = new Memcg(this.nextId, p, parent);
    swapTiersMemcgInheritMask(m);
    // every cgroup has the memory controller: its parent gives it (Kernel.mkdir checks the parent may)
    this.j.set(parent, 'subtreeControl', true);
    this.j.set(this, 'nextId', this.nextId + 1);
    this.j.mapSet(this.byId, m.id, m);
    this.j.mapSet(this.byPath, p, m);
    this.j.push(parent.children, m);
    return m;
  }

  /**
   * rmdir: the cgroup goes offline. Its remaining swap charges stay on its
   * page counter (and therefore in its ancestors) until the entries are
   * freed; it is a zombie while swap entries or folios reference it (§7.5).
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

  /** Batch charges through a per-CPU stock, as the kernel does (config task_memory=kernel). At boot only. */
  enableChargeStock(cpus: number): void {
    for (let cpu = 0; cpu < cpus; cpu++) this.stock.push({ memcg: -1, pages: 0 });
  }

  get batching(): boolean {
    return this.stock.length > 0;
  }

  /** consume_stock(): take `nr` precharged pages of `m` from this CPU's stock, if it holds that many. */
  consumeStock(m: Memcg, cpu: number, nr: number): boolean {
    const s = this.stock[cpu];
    if (!s || s.memcg !== m.id || s.pages < nr) return false;
    this.j.set(s, 'pages', s.pages - nr);
    this.j.set(m, 'stockPages', m.stockPages - nr);
    return true;
  }

  /** refill_stock(): keep `nr` charged pages of `m` on this CPU; a stock of another memcg, or one grown past the batch, is drained. */
  refillStock(m: Memcg, cpu: number, nr: number): void {
    const s = this.stock[cpu];
    if (!s) {
      this.uncharge(m, 'memory', nr);
      return;
    }
    if (s.memcg !== m.id) {
      this.drainStock(cpu);
      this.j.set(s, 'memcg', m.id);
    }
    this.j.set(s, 'pages', s.pages + nr);
    this.j.set(m, 'stockPages', m.stockPages + nr);
    if (s.pages > MEMCG_CHARGE_BATCH) this.drainStock(cpu);
  }

  /** drain_stock(): give a CPU's stocked pages back to their memcg's page counter. */
  drainStock(cpu: number): void {
    const s = this.stock[cpu];
    if (!s || s.memcg < 0) return;
    const m = this.byId.get(s.memcg);
    if (m && s.pages > 0) {
      this.uncharge(m, 'memory', s.pages);
      this.j.set(m, 'stockPages', m.stockPages - s.pages);
    }
    this.j.set(s, 'pages', 0);
    this.j.set(s, 'memcg', -1);
  }

  /** drain_all_stock(): drain every CPU whose stock belongs to `root` or a cgroup below it. */
  drainAllStock(root: Memcg): void {
    this.stock.forEach((s, cpu) => {
      const m = s.memcg >= 0 ? this.byId.get(s.memcg) : undefined;
      if (m && [...m.ancestorsAndSelf()].includes(root)) this.drainStock(cpu);
    });
  }

  /**
   * `nr` charges of one page each that all fit under every limit, as
   * try_charge_memcg() makes them one by one: from this CPU's stock while it
   * lasts, then MEMCG_CHARGE_BATCH pages at a time with the rest stocked.
   * The caller made sure `nr + MEMCG_CHARGE_BATCH` fits (memory.ts bulk faults).
   */
  chargePagesThroughStock(m: Memcg, cpu: number, nr: number): void {
    const s = this.stock[cpu];
    if (!s || m.isRoot) {
      this.forceCharge(m, 'memory', nr);
      return;
    }
    const have = s.memcg === m.id ? s.pages : 0;
    if (nr <= have) {
      this.consumeStock(m, cpu, nr);
      return;
    }
    if (have > 0) this.consumeStock(m, cpu, have);
    const batches = Math.ceil((nr - have) / MEMCG_CHARGE_BATCH);
    this.forceCharge(m, 'memory', batches * MEMCG_CHARGE_BATCH);
    this.refillStock(m, cpu, batches * MEMCG_CHARGE_BATCH - (nr - have));
  }

  /** The nearest online ancestor (mem_cgroup_private_id_get_online's fallback, objcg reparenting). */
  onlineAncestor(m: Memcg): Memcg {
    let c: Memcg = m;
    while (!c.online && c.parent) c = c.parent;
    return c;
  }

  /**
   * page_counter_try_charge(): charge every level or none. Returns the
   * lowest cgroup whose limit refused the charge.
   */
  tryCharge(m: Memcg, which: 'memory' | 'swap', nr: number): ChargeResult {
    for (const c of m.ancestorsAndSelf()) {
      if (c.isRoot) continue;
      if (c[which].usage + nr > c[which].max) return { ok: false, limitedBy: c };
    }
    this.forceCharge(m, which, nr);
    return { ok: true };
  }

  /** page_counter_charge(): charge unconditionally, raising both watermarks. */
  forceCharge(m: Memcg, which: 'memory' | 'swap', nr: number): void {
    for (const c of m.ancestorsAndSelf()) {
      const pc = c[which];
      const usage = pc.usage + nr;
      this.j.set(pc, 'usage', usage);
      if (usage > pc.localWatermark) {
        this.j.set(pc, 'localWatermark', usage);
        if (usage > pc.watermark) this.j.set(pc, 'watermark', usage);
      }
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

  /**
   * memcg_memory_event(): counted locally; the kernel also bumps every
   * non-root ancestor's hierarchical count, which the readers below get by
   * summing the subtree.
   */
  memoryEvent(m: Memcg, ev: MemcgEventName): void {
    this.j.set(m.eventsLocal, ev, m.eventsLocal[ev] + 1);
    this.log.emit({ kind: 'memcg-event', memcg: m.name, event: ev });
  }

  /** memcg_memory_event() for MEMCG_SWAP_HIGH / _MAX / _FAIL. */
  swapEvent(m: Memcg, ev: SwapEventName): void {
    this.j.set(m.swapEventsLocal, ev, m.swapEventsLocal[ev] + 1);
    this.log.emit({ kind: 'memcg-event', memcg: m.name, event: `swap.${ev}` });
  }

  /** count_memcg_events(): a memory.stat event counter. */
  statEvent(m: Memcg, key: MemcgStatEvent, nr: number): void {
    if (nr) this.j.set(m.statLocal, key, m.statLocal[key] + nr);
  }

  /** memory.events (hierarchical): the sum over the subtree, zombies included. */
  eventsHierarchical(m: Memcg): Record<MemcgEventName, number> {
    const out = { ...m.eventsLocal };
    for (const d of m.subtree()) if (d !== m) for (const k of MEMCG_EVENTS) out[k] += d.eventsLocal[k];
    return out;
  }

  /** memory.swap.events: hierarchical like memory.events. */
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

  /** memory.zswap.writeback as it applies: this cgroup and every ancestor allow it (§5.4). */
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

// ===================================================================
// Operations that need the whole kernel
// ===================================================================

/**
 * The memcg an object charge (zswap, zero-page events) goes to:
 * get_obj_cgroup_from_folio() skips offline cgroups (their objcg is
 * reparented) and has no objcg for the root, so root-charged folios are
 * neither charged nor counted.
 */
export function objcgMemcg(k: Kernel, folioMemcgId: number): Memcg | null {
  const m = k.memcgs.get(folioMemcgId);
  if (!m) return null;
  const online = k.memcgs.onlineAncestor(m);
  return online.isRoot ? null : online;
}

/** mem_cgroup_zswap_writeback_enabled(): with zswap disabled nothing blocks device writes. */
export function zswapWritebackEnabled(k: Kernel, m: Memcg | null): boolean {
  if (!k.zswap.params.enabled) return true;
  return !m || k.memcgs.zswapWritebackEffective(m);
}

/**
 * try_charge_memcg(): charge `nr` pages to `m`. When a limit refuses the
 * charge: a `max` event on the limiting cgroup, reclaim from it, retry
 * (once more after the no-op stock drain, again while reclaim makes
 * progress on small charges, then MAX_RECLAIM_RETRIES times), then the
 * memcg OOM killer. Large (mTHP) charges use the non-blocking THP gfp mask
 * and fail at once without reclaim or events. On success, memory.high and
 * swap.high are handled as on the return to user space.
 */
export function tryChargeMemcg(k: Kernel, m: Memcg, nr: number, mayOom: boolean): boolean {
  let retries = MAX_RECLAIM_RETRIES;
  let drained = false;
  let stuck: Memcg | null = null;
  const stocked = k.memcgs.batching && !m.isRoot;
  // consume_stock(): pages charged earlier on this CPU serve the charge, with no limit check
  if (stocked && k.memcgs.consumeStock(m, k.cpu, nr)) return true;
  let batch = stocked ? Math.max(MEMCG_CHARGE_BATCH, nr) : nr;
  // every pass either frees memory, kills a task or counts a retry down; bound it anyway
  for (let guard = 0; guard < 100_000; guard++) {
    const r = k.memcgs.tryCharge(m, 'memory', batch);
    if (r.ok) {
      // done_restock: what the batch took beyond this charge waits in the stock
      if (batch > nr) k.memcgs.refillStock(m, k.cpu, batch - nr);
      handleOverHigh(k, m, nr);
      return true;
    }
    // near the limit the batch falls back to the charge itself, before any reclaim or event
    if (batch > nr) {
      batch = nr;
      continue;
    }
    // vma_thp_gfp_mask() without __GFP_DIRECT_RECLAIM: !gfpflags_allow_blocking() -> nomem
    if (nr > 1) return false;
    const over = r.limitedBy;
    k.memcgs.memoryEvent(over, 'max');
    const got: number = stuck === over ? 0 : reclaimOnce(k, over, Math.max(nr, SWAP_CLUSTER_MAX));
    // nothing else runs between retries: a reclaim that freed nothing frees nothing again
    stuck = got === 0 ? over : null;
    // mem_cgroup_margin()
    if (over.memory.max - over.memory.usage >= nr) continue;
    if (!drained) {
      drained = true;
      k.memcgs.drainAllStock(over);
      continue;
    }
    if (got > 0 && nr <= 1 << PAGE_ALLOC_COSTLY_ORDER) continue;
    if (retries-- > 0) continue;
    if (!mayOom) return false;
    // mem_cgroup_oom()
    k.memcgs.memoryEvent(over, 'oom');
    if (!k.oomKill(over)) return false;
    retries = MAX_RECLAIM_RETRIES;
    stuck = null;
  }
  return false;
}

/** try_to_free_mem_cgroup_pages() for a charge or a limit write. */
function reclaimOnce(k: Kernel, m: Memcg, nr: number, swappiness?: number): number {
  return k.vmscan.reclaim(m, nr, { memcgTargeted: true, swappiness });
}

/**
 * mem_cgroup_handle_over_high(), run right after the charge instead of on
 * the return to user space, when the charge left the cgroup or an
 * ancestor above memory.high or memory.swap.high. Every ancestor above
 * memory.high counts a `high` event and is reclaimed (reclaim_high());
 * every ancestor above swap.high counts a swap `high` event
 * (swap_find_max_overage()). The kernel reclaims in batches while the
 * throttling penalty stays above 10 ms and reclaim progresses, and then
 * sleeps; here each ancestor is asked for its whole overage in one pass
 * (the same end state when that much is reclaimable) and nothing sleeps.
 */
export function handleOverHigh(k: Kernel, m: Memcg, _nr: number): void {
  let over = false;
  for (const c of m.ancestorsAndSelf()) {
    if (c.memory.usage > c.memory.high || c.swap.usage > c.swap.high) over = true;
  }
  if (!over) return;
  for (const c of m.ancestorsAndSelf()) {
    if (c.isRoot) break;
    if (c.memory.usage <= c.memory.high) continue;
    k.memcgs.memoryEvent(c, 'high');
    reclaimOnce(k, c, c.memory.usage - c.memory.high);
  }
  for (const c of m.ancestorsAndSelf()) {
    if (c.isRoot) break;
    if (c.swap.usage > c.swap.high) k.memcgs.swapEvent(c, 'high');
  }
}

/**
 * memory_max_write(): set the limit, then reclaim down to it, then OOM-kill
 * inside the cgroup until it fits or no victim is left. The write succeeds
 * even if the usage stays above the new limit. (The kernel retries a
 * reclaim that freed nothing MAX_RECLAIM_RETRIES times; nothing changes
 * between those passes here, so the first one stands for all of them.)
 */
export function memoryMaxWrite(k: Kernel, m: Memcg, pages: number): void {
  k.j.set(m.memory, 'max', pages);
  let reclaiming = true;
  let drained = false;
  // every pass frees memory, ends reclaim or kills a task; bound it anyway
  for (let guard = 0; guard < 100_000 && m.memory.usage > pages; guard++) {
    if (!drained && m.memory.usage > pages) {
      drained = true;
      k.memcgs.drainAllStock(m);
      continue;
    }
    if (reclaiming) {
      if (!reclaimOnce(k, m, m.memory.usage - pages)) reclaiming = false;
      continue;
    }
    k.memcgs.memoryEvent(m, 'oom');
    if (!k.oomKill(m)) return;
  }
}

/** memory_high_write(): set the limit and reclaim down to it while that progresses; no OOM, no events. */
export function memoryHighWrite(k: Kernel, m: Memcg, pages: number): void {
  k.j.set(m.memory, 'high', pages);
  let drained = false;
  for (let guard = 0; guard < 100_000 && m.memory.usage > pages; guard++) {
    if (!drained) {
      drained = true;
      k.memcgs.drainAllStock(m);
      continue;
    }
    if (!reclaimOnce(k, m, m.memory.usage - pages)) return;
  }
}

/**
 * peak_write() (of_peak_reset() since 6.15): the local watermark drops to
 * the usage; every other fd that was written before and holds less takes
 * the usage as its value; this fd becomes a watcher with the usage as its
 * value. `fd` null is a write by path: an fd opened for the write and
 * closed right after (peak_release() drops it from the watchers).
 */
export function peakWrite(
  k: Kernel,
  m: Memcg,
  which: 'memory' | 'swap',
  fd: PeakFd | null,
  watchers: readonly PeakFd[],
): void {
  const pc = m[which];
  const usage = pc.usage;
  k.j.set(pc, 'localWatermark', usage);
  for (const w of watchers) if (w !== fd && usage > w.peak) k.j.set(w, 'peak', usage);
  if (fd !== null) k.j.set(fd, 'peak', usage);
}

/**
 * user_proactive_reclaim() for memory.reclaim: reclaim in batches of a
 * quarter of what is left (at least SWAP_CLUSTER_MAX); a batch that frees
 * nothing uses up a retry, and with none left the write fails with EAGAIN.
 * What was reclaimed stays reclaimed. `swappiness` undefined means the
 * sysctl; 0 keeps reclaim off anon memory.
 */
export function userProactiveReclaim(k: Kernel, m: Memcg, pages: number, swappiness?: number): number {
  // sc->proactive: what this reclaim scans and steals is also counted as *_proactive (reclaimer_offset())
  const before = [...m.subtree()].map((d) => [d, d.statLocal.pgscan, d.statLocal.pgsteal] as const);
  let reclaimed = 0;
  try {
    while (reclaimed < pages) {
      const batch = Math.floor((pages - reclaimed) / 4);
      const got = reclaimOnce(k, m, Math.max(batch, SWAP_CLUSTER_MAX), swappiness);
      // MAX_RECLAIM_RETRIES more batches would free nothing either
      if (!got)
        throw new KernelError('EAGAIN', `memory.reclaim of ${m.name}: reclaimed ${reclaimed} of ${pages} pages`, true);
      reclaimed += got;
    }
  } finally {
    for (const [d, scan, steal] of before) {
      k.memcgs.statEvent(d, 'pgscan_proactive', d.statLocal.pgscan - scan);
      k.memcgs.statEvent(d, 'pgsteal_proactive', d.statLocal.pgsteal - steal);
    }
  }
  return reclaimed;
}

/** oom_badness() without page tables or oom_score_adj: resident pages plus swap entries. */
export function oomBadness(k: Kernel, t: Task): number {
  const fp = k.taskFootprint(t);
  return fp.rss + fp.swapents;
}

/**
 * select_bad_process(): the task with the highest badness. A memcg OOM
 * walks the cgroup's subtree in pre-order (mem_cgroup_scan_tasks), a
 * global one every process; on a tie the later task wins, as
 * oom_evaluate_task() only skips strictly smaller scores.
 */
export function selectOomVictim(k: Kernel, scope: Memcg | null): Task | null {
  const tasks = [...k.mm.tasks.values()].filter((t) => t.state === 'alive').sort((a, b) => a.pid - b.pid);
  const order: Task[] = [];
  if (scope) {
    for (const m of scope.subtree()) for (const t of tasks) if (t.memcg === m.id) order.push(t);
  } else {
    order.push(...tasks);
  }
  let victim: Task | null = null;
  let best = -1;
  for (const t of order) {
    const points = oomBadness(k, t);
    if (points < best) continue;
    best = points;
    victim = t;
  }
  return victim;
}

/**
 * mem_cgroup_get_oom_group(): the highest cgroup with memory.oom.group set
 * between the victim's cgroup and the OOM domain (the cgroup under OOM, or
 * the root), or null; a victim in the root cgroup has no group.
 */
export function oomGroupOf(k: Kernel, victim: Task, domain: Memcg | null): Memcg | null {
  const m = k.memcgs.get(victim.memcg);
  if (!m || m.isRoot) return null;
  const top = domain ?? k.memcgs.root;
  let group: Memcg | null = null;
  for (let c: Memcg | null = m; c; c = c.parent) {
    if (c.oomGroup) group = c;
    if (c === top) break;
  }
  return group;
}

/** Memory held by the folios charged to a cgroup's subtree, from its LRU lists (all charged folios are on one). */
export interface MemcgResident {
  /** Anon pages mapped by page tables (NR_ANON_MAPPED); shmem is on the anon lists but not anon. */
  anon: number;
  /** Pages of fully mapped PMD-sized anon folios (NR_ANON_THPS). */
  anonThp: number;
  /** The anon LRU lists (shmem included), and the file ones. */
  inactive: number;
  active: number;
  inactiveFile: number;
  activeFile: number;
}

export function memcgResident(k: Kernel, m: Memcg): MemcgResident {
  const f = k.folios;
  const out: MemcgResident = { anon: 0, anonThp: 0, inactive: 0, active: 0, inactiveFile: 0, activeFile: 0 };
  for (const d of m.subtree()) {
    out.inactive += d.inactiveAnon.nrPages;
    out.active += d.activeAnon.nrPages;
    out.inactiveFile += d.inactiveFile.nrPages;
    out.activeFile += d.activeFile.nrPages;
    for (const list of [d.inactiveAnon, d.activeAnon]) {
      for (let pfn = list.head; pfn >= 0; pfn = f.lruNext[pfn]!) {
        if (f.mapping[pfn] !== 0) continue; // shmem
        const nr = f.nr(pfn);
        const mapped = Math.min(nr, f.mapcount[pfn]!);
        out.anon += mapped;
        if (f.order[pfn] === k.geom.pmdOrder && mapped === nr && nr > 1) out.anonThp += nr;
      }
    }
  }
  return out;
}

/**
 * memory.stat as memory_stat_format() prints it: every key the release
 * prints (k.kv.memcgStatKeys), in its order. Sizes are bytes, events are
 * counts. Keys of what the model does not have read 0; docs/scenario-language.md
 * lists them with the reason.
 */
export function memcgStat(k: Kernel, m: Memcg): [string, number][] {
  const ps = k.geom.pageSize;
  const res = memcgResident(k, m);
  let zswap = 0;
  let zswapped = 0;
  let incomp = 0;
  let swapcached = 0;
  const file = emptyFileStat();
  for (const d of m.subtree()) {
    zswap += d.zswapBytes;
    zswapped += d.zswappedPages;
    incomp += d.zswapIncompPages;
    swapcached += d.swapcachedPages;
    for (const key of Object.keys(file) as (keyof FileStat)[]) file[key] += d.fileStat[key];
  }
  const ev = (key: MemcgStatEvent): number => k.memcgs.statHierarchical(m, key);
  // no kswapd or khugepaged: reclaim is direct (a limit) or proactive (memory.reclaim),
  // and releases without the *_proactive keys count memory.reclaim as direct
  const split = k.kv.memcgStatKeys.includes('pgscan_proactive');
  const modelled: Readonly<Record<string, number>> = {
    anon: res.anon * ps,
    // NR_FILE_PAGES of the memcg: page cache and shmem (the swap cache counts only node-wide)
    file: file.file * ps,
    shmem: file.shmem * ps,
    zswap,
    zswapped: zswapped * ps,
    zswap_incomp: incomp * ps,
    file_mapped: file.mapped * ps,
    file_dirty: file.dirty * ps,
    swapcached: swapcached * ps,
    anon_thp: res.anonThp * ps,
    shmem_thp: file.shmemThp * ps,
    inactive_anon: res.inactive * ps,
    active_anon: res.active * ps,
    inactive_file: res.inactiveFile * ps,
    active_file: res.activeFile * ps,
    pgscan: ev('pgscan'),
    pgsteal: ev('pgsteal'),
    pgscan_direct: ev('pgscan') - (split ? ev('pgscan_proactive') : 0),
    pgsteal_direct: ev('pgsteal') - (split ? ev('pgsteal_proactive') : 0),
    pgscan_proactive: ev('pgscan_proactive'),
    pgsteal_proactive: ev('pgsteal_proactive'),
    pswpin: ev('pswpin'),
    pswpout: ev('pswpout'),
    pgfault: ev('pgfault'),
    pgmajfault: ev('pgmajfault'),
    pgactivate: ev('pgactivate'),
    pgdeactivate: ev('pgdeactivate'),
    pglazyfree: ev('pglazyfree'),
    pglazyfreed: ev('pglazyfreed'),
    swpin_zero: ev('swpin_zero'),
    swpout_zero: ev('swpout_zero'),
    zswpin: ev('zswpin'),
    zswpout: ev('zswpout'),
    zswpwb: ev('zswpwb'),
    thp_swpout: ev('thp_swpout'),
    thp_swpout_fallback: ev('thp_swpout_fallback'),
  };
  return k.kv.memcgStatKeys.map((key) => [key, modelled[key] ?? 0]);
}

/** Both page counters of a memcg: peaks not below the usage, the local peak not above the lifetime one. */
export function pageCounterInvariants(m: Memcg, out: string[]): void {
  for (const [which, pc] of [
    ['memory', m.memory],
    ['swap', m.swap],
  ] as const) {
    if (pc.usage < 0) out.push(`memcg ${m.name}: ${which} usage ${pc.usage} is negative`);
    if (pc.watermark < pc.usage || pc.localWatermark < pc.usage)
      out.push(`memcg ${m.name}: ${which} peak below usage ${pc.usage}`);
    if (pc.localWatermark > pc.watermark)
      out.push(`memcg ${m.name}: ${which} local peak ${pc.localWatermark} above the lifetime peak ${pc.watermark}`);
  }
}

/** Live tasks whose cgroup is exactly `m` (cgroup.procs), in pid order. */
export function cgroupProcs(k: Kernel, m: Memcg): Task[] {
  return [...k.mm.tasks.values()].filter((t) => t.state === 'alive' && t.memcg === m.id).sort((a, b) => a.pid - b.pid);
}

/**
 * Consistency of the memcg page counters (run by invariants.ts): every
 * charged folio sits on its cgroup's LRU, memory.current is the cgroup's
 * own folios plus its zswap pages plus its children's usage, swapcached
 * matches the swap cache, the watermarks are not below the usage, and an
 * offline cgroup is charged only for what still references it.
 */
export function memcgInvariants(k: Kernel): string[] {
  const out: string[] = [];
  const f = k.folios;
  const ps = k.geom.pageSize;
  let folios = 0;
  const subtreeMemory = new Map<number, number>();
  const all = [...k.memcgs.root.subtree()].reverse(); // children before parents
  for (const m of all) {
    let own = 0;
    let cached = 0;
    for (const list of [m.inactiveAnon, m.activeAnon, m.inactiveFile, m.activeFile]) {
      const fileList = list === m.inactiveFile || list === m.activeFile;
      let n = 0;
      for (let pfn = list.head; pfn >= 0; pfn = f.lruNext[pfn]!) {
        if (f.memcg[pfn] !== m.id) out.push(`memcg ${m.name}: folio ${pfn} of memcg ${f.memcg[pfn]} on its LRU`);
        if (fileList === f.test(pfn, PG_swapbacked))
          out.push(
            `memcg ${m.name}: folio ${pfn} on the ${fileList ? 'file' : 'anon'} LRU but ${fileList ? '' : 'not '}swap-backed`,
          );
        n += f.nr(pfn);
        folios++;
        if (f.test(pfn, PG_swapcache)) cached += f.nr(pfn);
      }
      if (n !== list.nrPages) out.push(`memcg ${m.name}: LRU holds ${n} pages but counts ${list.nrPages}`);
      own += n;
    }
    if (cached !== m.swapcachedPages)
      out.push(
        `memcg ${m.name}: swapcached ${m.swapcachedPages} pages but ${cached} of its pages are in the swap cache`,
      );
    const zswapPages = m.isRoot ? 0 : Math.ceil(m.zswapBytes / ps);
    let children = 0;
    for (const c of m.children) children += subtreeMemory.get(c.id) ?? 0;
    // config task_memory=kernel: the tasks' own processes and the pages stocked per CPU count too
    const other = m.stockPages + m.taskPages;
    const expect = own + zswapPages + children + other;
    subtreeMemory.set(m.id, m.memory.usage);
    if (m.memory.usage !== expect) {
      out.push(
        `memcg ${m.name}: memory.current ${m.memory.usage} pages but ${own} in folios + ${zswapPages} zswap + ${children} in children + ${other} stocked or the tasks' own`,
      );
    }
    const stocked = k.memcgs.stock.reduce((n, s) => n + (s.memcg === m.id ? s.pages : 0), 0);
    if (stocked !== m.stockPages)
      out.push(`memcg ${m.name}: ${m.stockPages} stocked pages counted but the CPUs' stocks hold ${stocked}`);
    pageCounterInvariants(m, out);
    if (!m.online && (m.memory.usage > 0 || m.swap.usage > 0)) {
      let refs = 0;
      for (const d of m.subtree()) refs += d.swapIdRefs;
      if (own === 0 && zswapPages === 0 && children === 0 && refs === 0 && m.taskPages === 0) {
        out.push(
          `offline memcg ${m.name} still charged (memory ${m.memory.usage}, swap ${m.swap.usage}) with no folio, zswap entry or swap slot`,
        );
      }
    }
  }
  if (folios !== f.nrFolios) out.push(`${f.nrFolios} folios allocated but ${folios} on memcg LRUs`);
  // cgroup.subtree_control: every online child's parent gives it the controller, and no non-root cgroup that does hosts tasks
  for (const m of k.memcgs.byId.values()) {
    if (m.online && m.parent && !m.parent.subtreeControl)
      out.push(`memcg ${m.name} has the memory controller but its parent's subtree_control lacks memory`);
    if (m.online && !m.isRoot && m.subtreeControl && cgroupProcs(k, m).length > 0)
      out.push(`memcg ${m.name} gives memory to its children and hosts tasks`);
  }
  // open peak fds: a written fd's value is a usage seen at some time, so never above the lifetime peak
  for (const fd of k.files.list()) {
    const which = fd.peakOf;
    if (which !== null && fd.memcg !== null && fd.peak !== PEAK_UNSET && fd.peak > fd.memcg[which].watermark) {
      out.push(`open file ${fd.name}: peak ${fd.peak} above the lifetime ${which} peak ${fd.memcg[which].watermark}`);
    }
  }
  return out;
}
