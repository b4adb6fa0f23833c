/**
 * Swap devices, the cluster allocator and slot counts (mm/swapfile.c;
 * docs/kernel-model.md §1, §2, §3.3-§3.5, §4.4, §10.6).
 *
 * One `SwapInfo` per active device (struct swap_info_struct); `Swap` holds
 * the global state: swap_info[], the avail plist, the per-CPU cluster caches,
 * nr_swap_pages and total_swap_pages.
 */
import {
  CLUSTER_FLAG_USABLE,
  CLUSTER_LIST_NAMES,
  ClusterFlag,
  ClusterList,
  SwapClusterInfo,
  clusterAllocTable,
  clusterArray,
  clusterFreeTable,
  type ClusterExtras,
} from './cluster';
import { mustExist, vmBugOn } from './debug_vm';
import { fail } from './errno';
import { mergeKey, type EventLog } from './events';
import { MAX_DEVICE_SLOTS, type Geometry } from './geometry';
import type { Journal } from './journal';
import { ownedBy } from './owners';
import { swpEntry, swpOffset, swpType, type SwpEntry } from './swap_entry';
import { TIER_DEFAULT_MASK, swapTiersMaskTest } from './swap_tier';
import {
  SwapMetaCounters,
  countCachedSlot,
  countExtendTable,
  countMaterialised,
  countOverflow,
  countPointers,
  countTable,
  overflowCrossing,
} from './swap_meta_counters';
import { SWP_TB_COUNT_MAX, SlotKind, mkMeta, tbInlineCount, tbKind, withInlineCount } from './swap_table';

/** si->flags bits (include/linux/swap.h). */
export const SWP_USED = 1 << 0;
export const SWP_WRITEOK = 1 << 1;
export const SWP_DISCARDABLE = 1 << 2;
export const SWP_DISCARDING = 1 << 3;
export const SWP_SOLIDSTATE = 1 << 4;
export const SWP_BLKDEV = 1 << 6;
export const SWP_AREA_DISCARD = 1 << 8;
export const SWP_PAGE_DISCARD = 1 << 9;
export const SWP_SYNCHRONOUS_IO = 1 << 12;
/** Ghost RFC patch 13. */
export const SWP_GHOST = 1 << 13;
/**
 * Sim-named: clusters allocated on demand from an XArray and freed when
 * empty (ghost RFC patch 15 `alloc_swap_scan_dynamic`, keyed on SWP_GHOST
 * there; the vswap-STE device has the same ci_dyn clusters).
 */
export const SWP_DYNAMIC = 1 << 24;
/**
 * Sim-named: the vswap device a vswap kernel creates at boot (docs/kernel-model.md
 * §8.2, §8.3). Hidden from /proc/swaps, free(1) and meminfo; never swapped off.
 */
export const SWP_VSWAP = 1 << 25;

/** DEF_SWAP_PRIO: every device without -p gets -1. */
export const DEF_SWAP_PRIO = -1;
/** SWAP_FLAG_PRIO_MASK */
export const SWAP_PRIO_MAX = 0x7fff;
/** MAX_SWAP_BADPAGES for a 4 KiB header page: (PAGE_SIZE - 1024 - 512 - 10) / 4. */
export const maxSwapBadpages = (pageSize: number): number => Math.floor((pageSize - 1024 - 512 - 10) / 4);

export type DeviceKind = 'partition' | 'file' | 'zram' | 'ghost' | 'vswap';

/** Name of the boot-time vswap device (it has no file; the name only labels views and messages). */
export const VSWAP_PATH = '[vswap]';
export type DiscardPolicy = 'none' | 'once' | 'pages' | 'both';

export interface SwaponParams {
  path: string;
  kind: DeviceKind;
  /** Size of the area in bytes (header page included); ignored for ghost and vswap devices. */
  sizeBytes: number;
  /** swapon -p; undefined means DEF_SWAP_PRIO. */
  prio?: number;
  discard?: DiscardPolicy;
  /** Rotational (HDD) device: no SWP_SOLIDSTATE, allocation through the global cluster cursor. */
  rotational?: boolean;
  /** Bad page numbers from the header's bad-page list. */
  badPages?: readonly number[];
}

/** TTRS_* flags of __try_to_reclaim_swap(). */
export const TTRS_ANYWAY = 1 << 0;
export const TTRS_UNMAPPED = 1 << 1;
export const TTRS_FULL = 1 << 2;

/** What the swap layer needs from the rest of the kernel. */
export interface SwapHooks {
  /** __try_to_reclaim_swap(): drop a cache-only folio at `offset` from the swap cache; returns slots freed. */
  tryToReclaimSwap(si: SwapInfo, offset: number, flags: number): number;
  /** swap_range_free(): zswap_invalidate() and friends for freed slots. */
  rangeFreed(si: SwapInfo, offset: number, nr: number): void;
  /** __swap_cluster_free_entries(): uncharge a batch of slots recorded to one memcg id. */
  unchargeSwap(memcgId: number, nr: number): void;
  /** swap_tiers_assign_dev() from _enable_swap_info(): with swap tiers on, the new device's tier. */
  assignTier?(si: SwapInfo): void;
  /** The priority of a swapon without -p (kernel_version.ts defaultSwapPriority); default `minus-one`. */
  defaultPriority?: 'descending' | 'minus-one';
}

/** Whom a slot allocation serves (sim-named; the kernel has one allocator per layer). */
const enum AllocLayer {
  /** folio_alloc_swap() on the swap devices; the vswap device is not one of them. */
  NORMAL = 0,
  /** A virtual entry on the vswap device (vswap profiles: every swapout starts here). */
  VIRTUAL = 1,
  /** Physical slots backing a virtual entry: POINTER (rmap) entries, never on a dynamic device. */
  BACKING = 2,
}

/**
 * One slot allocation, passed down the allocator explicitly: the folio (first
 * PFN and order, as folio_alloc_swap() gets the folio), the CPU whose cluster
 * cache it uses, and whom it serves.
 */
interface AllocRequest {
  readonly pfn: number;
  readonly order: number;
  readonly cpu: number;
  readonly layer: AllocLayer;
  /** BACKING: the virtual entry the new physical slots back; else 0. */
  readonly backs: SwpEntry;
  /** The allocating memcg's effective tier mask (folio_tier_effective_mask()), or null: no restriction. */
  readonly tiers: number | null;
}

const CLUSTER_CHUNK_SHIFT = 10;
const CLUSTER_CHUNK = 1 << CLUSTER_CHUNK_SHIFT;

export class SwapInfo {
  flags = 0;
  prio: number;
  /** si->max: slots including the header. */
  readonly max: number;
  /** si->pages: usable slots, max - 1 - bad. */
  pages = 0;
  /** si->inuse_pages, without the SWAP_USAGE_OFFLIST_BIT. */
  inusePages = 0;
  /** SWAP_USAGE_OFFLIST_BIT: removed from the avail list (full or swapoff). */
  offList = false;
  readonly nrClusters: number;
  readonly freeClusters: ClusterList;
  readonly fullClusters: ClusterList;
  readonly discardClusters: ClusterList;
  readonly nonfullClusters: ClusterList[];
  readonly fragClusters: ClusterList[];
  /** global_cluster->next[order] for rotational devices (0 = SWAP_ENTRY_INVALID). */
  readonly globalNext: Int32Array;
  /** Being swapped off: si_swapinfo() adds its in-use pages back to SwapTotal/SwapFree. */
  swapoffInProgress = false;
  /**
   * Clusters never touched since swapon sit on the free list implicitly, in index
   * order, ahead of clusters freed later; `virginCursor` is the next of them.
   */
  virginCursor = 0;
  virginLeft = 0;
  /** Materialised cluster_info, in chunks so that an idle device allocates nothing. */
  private readonly chunks: (SwapClusterInfo | undefined)[][] = [];
  /** Clusters materialised at swapon because they hold BAD slots. */
  readonly badClusters = new Set<number>();
  /** vswap-STE: the device's clusters carry an owner-only memcg_table (cluster.ts ownerTable). */
  ownerTables = false;
  /** Swap tiers: the bit of the device's tier, or TIER_DEFAULT_MASK while no tier covers it (swap_tier.ts). */
  tierMask = TIER_DEFAULT_MASK;
  /** Discard requests issued to the device (blkdev_issue_discard() calls): at swapon, then one per discarded cluster. */
  discards = 0;
  /** Pages those requests covered. */
  discardedPages = 0;
  /** What the metadata model needs to know of this device, kept as slots change (swap_meta_counters.ts). */
  readonly meta = new SwapMetaCounters();

  constructor(
    readonly type: number,
    readonly path: string,
    readonly kind: DeviceKind,
    max: number,
    prio: number,
    readonly geom: Geometry,
  ) {
    this.max = max;
    this.prio = prio;
    this.nrClusters = Math.ceil(max / geom.clusterSlots);
    this.freeClusters = new ClusterList(ClusterFlag.FREE, 0);
    this.fullClusters = new ClusterList(ClusterFlag.FULL, 0);
    this.discardClusters = new ClusterList(ClusterFlag.DISCARD, 0);
    this.nonfullClusters = [];
    this.fragClusters = [];
    for (let o = 0; o < geom.nrOrders; o++) {
      this.nonfullClusters.push(new ClusterList(ClusterFlag.NONFULL, o));
      this.fragClusters.push(new ClusterList(ClusterFlag.FRAG, o));
    }
    this.globalNext = new Int32Array(geom.nrOrders);
    // writes to the lists and the cursor count as writes to the device (owners.ts)
    for (const part of [
      this.freeClusters,
      this.fullClusters,
      this.discardClusters,
      ...this.nonfullClusters,
      ...this.fragClusters,
      this.globalNext,
    ])
      ownedBy(part, this);
  }

  get solidState(): boolean {
    return (this.flags & SWP_SOLIDSTATE) !== 0;
  }

  /** Clusters come and go with use (ci_dyn); each carries a virtual_table. */
  get dynamic(): boolean {
    return (this.flags & SWP_DYNAMIC) !== 0;
  }

  /** /proc/swaps Type column. */
  get typeName(): string {
    if (this.flags & SWP_GHOST) return 'ghost';
    if (this.flags & SWP_VSWAP) return 'vswap';
    return this.flags & SWP_BLKDEV ? 'partition' : 'file';
  }

  /** The cluster object, or undefined while the cluster is untouched (free). */
  cluster(idx: number): SwapClusterInfo | undefined {
    return this.chunks[idx >>> CLUSTER_CHUNK_SHIFT]?.[idx & (CLUSTER_CHUNK - 1)];
  }

  /** __swap_offset_to_cluster() */
  clusterOf(offset: number): SwapClusterInfo | undefined {
    return this.cluster(offset >>> this.geom.clusterShift);
  }

  clusterOffset(ci: SwapClusterInfo): number {
    return ci.idx << this.geom.clusterShift;
  }

  /** Create the cluster object for a free, untouched cluster. */
  materialize(j: Journal, idx: number): SwapClusterInfo {
    const c = idx >>> CLUSTER_CHUNK_SHIFT;
    let chunk = this.chunks[c];
    if (!chunk) {
      chunk = new Array<SwapClusterInfo | undefined>(CLUSTER_CHUNK);
      this.chunks[c] = chunk;
      j.custom(() => {
        if (this.chunks[c] === chunk) delete this.chunks[c];
      });
    }
    const ci = new SwapClusterInfo(this.type, idx);
    const slot = idx & (CLUSTER_CHUNK - 1);
    chunk[slot] = ci;
    j.custom(() => {
      chunk[slot] = undefined;
    });
    countMaterialised(j, this.meta, 1);
    return ci;
  }

  /** Drop a dynamic cluster's object (xa_erase): its index reads as unallocated again. */
  dematerialize(j: Journal, idx: number): void {
    const chunk = this.chunks[idx >>> CLUSTER_CHUNK_SHIFT]!;
    const slot = idx & (CLUSTER_CHUNK - 1);
    const ci = chunk[slot];
    chunk[slot] = undefined;
    j.custom(() => {
      chunk[slot] = ci;
    });
    countMaterialised(j, this.meta, -1);
  }

  /** Materialised clusters in index order (for views and invariants). */
  clusters(): SwapClusterInfo[] {
    const out: SwapClusterInfo[] = [];
    for (const chunk of this.chunks) {
      if (!chunk) continue;
      for (const ci of chunk) if (ci) out.push(ci);
    }
    return out;
  }

  /** Number of clusters on the free list, implicit ones included. */
  get freeClusterCount(): number {
    return this.virginLeft + this.freeClusters.length;
  }

  /** Read a slot's entry without touching anything (swap_table_get: NULL when no table). */
  slotMeta(offset: number): number {
    const ci = this.clusterOf(offset);
    const t = ci?.table;
    return t ? t.meta[offset & (this.geom.clusterSlots - 1)]! : 0;
  }

  slotVal(offset: number): number {
    const ci = this.clusterOf(offset);
    const t = ci?.table;
    return t ? t.val[offset & (this.geom.clusterSlots - 1)]! : 0;
  }

  /** The slot's real swap count, following extend_table on overflow (swp_tb_get_count + extend). */
  slotCount(offset: number): number {
    const ci = this.clusterOf(offset);
    if (!ci?.table) return 0;
    const off = offset & (this.geom.clusterSlots - 1);
    const inline = tbInlineCount(ci.table.meta[off]!);
    return inline === SWP_TB_COUNT_MAX && ci.extendTable ? ci.extendTable[off]! : inline;
  }
}

export interface PercpuSwapCluster {
  /** percpu_swap_cluster.si[order] */
  si: (SwapInfo | null)[];
  /** percpu_swap_cluster.offset[order] (0 = invalid) */
  offset: number[];
}

export class Swap {
  /** swap_info[] indexed by type; null when the type is unused. */
  readonly swapInfo: (SwapInfo | null)[] = [];
  /** swap_avail_head in plist order (highest prio first, FIFO among equals). */
  readonly avail: SwapInfo[] = [];
  readonly percpu: PercpuSwapCluster[] = [];
  /** Per-CPU cluster caches of virtual allocation and of backing allocation, kept apart from folio_alloc_swap's. */
  readonly vpercpu: PercpuSwapCluster[] = [];
  readonly bpercpu: PercpuSwapCluster[] = [];
  /** The vswap device of the vswap profiles (created at boot, never removed), else null. */
  vswap: SwapInfo | null = null;
  readonly counters = { nrSwapPages: 0, totalSwapPages: 0 };
  /** least_priority of kernels that number default priorities down (-2, -3, …). */
  leastPriority = DEF_SWAP_PRIO;
  /** Pending work items (discard_work, reclaim_work) by device type. */
  readonly pendingDiscard = new Set<number>();
  readonly pendingReclaim = new Set<number>();

  constructor(
    readonly geom: Geometry,
    readonly j: Journal,
    readonly log: EventLog,
    readonly hooks: SwapHooks,
  ) {
    const cache = (): PercpuSwapCluster => ({
      si: new Array<SwapInfo | null>(geom.nrOrders).fill(null),
      offset: new Array<number>(geom.nrOrders).fill(0),
    });
    for (let c = 0; c < geom.cpus; c++) {
      this.percpu.push(cache());
      this.vpercpu.push(cache());
      this.bpercpu.push(cache());
    }
  }

  /** Active devices in type order (/proc/swaps order). */
  get devices(): SwapInfo[] {
    return this.swapInfo.filter((s): s is SwapInfo => s !== null);
  }

  byPath(path: string): SwapInfo | undefined {
    return this.devices.find((s) => s.path === path);
  }

  /**
   * vm_swap_full(): more than half of all swap in use. The vswap device is
   * left out: "full" is about the devices that hold data.
   */
  vmSwapFull(): boolean {
    const v = this.vswap;
    if (!v) return this.counters.nrSwapPages * 2 < this.counters.totalSwapPages;
    return (this.counters.nrSwapPages - (v.pages - v.inusePages)) * 2 < this.counters.totalSwapPages - v.pages;
  }

  /** total_swap_pages without the hidden vswap device (SwapTotal, the commit limit). */
  visibleTotalPages(): number {
    return this.counters.totalSwapPages - (this.vswap ? this.vswap.pages : 0);
  }

  /**
   * Create the vswap device at boot (vswap v3, vswap-STE): dynamic clusters,
   * sized like /dev/ghostswap (8 × RAM, our assumption: §8.3 gives a 16 TiB
   * clamp for STE v1 and an unconfirmed 3 × RAM for a later version).
   * `ownerTables`: STE keeps an owner-only memcg_table per vswap cluster.
   */
  createVswapDevice(ownerTables: boolean): SwapInfo {
    const si = this.swapon({ path: VSWAP_PATH, kind: 'vswap', sizeBytes: 0, prio: SWAP_PRIO_MAX }, ownerTables);
    this.vswap = si;
    return si;
  }

  // ---------------------------------------------------------------- swapon

  /**
   * SYSCALL swapon(): validate, read the header (read_swap_header), set up
   * clusters and bad slots (setup_clusters, swap_cluster_setup_bad_slot) and
   * enable the device (enable_swap_info). Throws KernelError; the caller
   * rolls the journal back so a failure leaves nothing half-done.
   */
  swapon(p: SwaponParams, ownerTables = false): SwapInfo {
    const g = this.geom;
    const dynamic = p.kind === 'ghost' || p.kind === 'vswap';
    if (this.byPath(p.path)) fail('EBUSY', `${p.path} is already in use as swap`);
    const type = this.allocSwapInfoType();
    if (p.prio !== undefined && (!Number.isInteger(p.prio) || p.prio < DEF_SWAP_PRIO || p.prio > SWAP_PRIO_MAX)) {
      fail('EINVAL', `priority ${p.prio} outside -1..${SWAP_PRIO_MAX}`);
    }
    const discard = p.discard ?? 'none';
    if (discard !== 'none' && dynamic) fail('EINVAL', 'discard flags need a block device or file with discard support');
    let max: number;
    if (dynamic) {
      // Ghost RFC patch 15: round_up(totalram_pages, SWAPFILE_CLUSTER) * 8 slots
      max = Math.ceil(g.ramPages / g.clusterSlots) * g.clusterSlots * 8;
    } else {
      if (!Number.isFinite(p.sizeBytes) || p.sizeBytes <= 0)
        fail('EINVAL', `size ${p.sizeBytes} is not a positive byte count`);
      // read_swap_header(): maxpages = last_page + 1, capped by swapfile_maximum_size
      max = Math.min(Math.floor(p.sizeBytes / g.pageSize), MAX_DEVICE_SLOTS);
      if (max < 2)
        fail('EINVAL', `${p.path}: swap area of ${max} page(s) has no room past the header (Empty swap-file)`);
    }
    const bad = p.badPages ?? [];
    if (bad.length > maxSwapBadpages(g.pageSize)) fail('EINVAL', `${bad.length} bad pages exceed MAX_SWAP_BADPAGES`);

    const si = new SwapInfo(type, p.path, p.kind, max, p.prio ?? this.defaultPriority(), g);
    const prio = si.prio;
    si.ownerTables = ownerTables;
    let flags = SWP_USED;
    if (!dynamic && !p.rotational) flags |= SWP_SOLIDSTATE;
    if (p.kind === 'partition' || p.kind === 'zram') flags |= SWP_BLKDEV;
    if (p.kind === 'zram') flags |= SWP_SYNCHRONOUS_IO;
    if (p.kind === 'ghost') flags |= SWP_GHOST | SWP_SOLIDSTATE | SWP_DYNAMIC;
    if (p.kind === 'vswap') flags |= SWP_VSWAP | SWP_SOLIDSTATE | SWP_DYNAMIC;
    // a rotational disk has no discard (bdev_max_discard_sectors() is 0): the flags then do nothing
    if (discard !== 'none' && !p.rotational) {
      flags |= SWP_DISCARDABLE;
      if (discard === 'once' || discard === 'both') flags |= SWP_AREA_DISCARD;
      if (discard === 'pages' || discard === 'both') flags |= SWP_PAGE_DISCARD;
    }
    si.flags = flags;
    si.pages = max - 1;
    // discard_swap(): the whole area but the header page, one request per extent (one here)
    if (flags & SWP_AREA_DISCARD) {
      si.discards = 1;
      si.discardedPages = max - 1;
    }

    // setup_clusters(): header slot, listed bad pages, and the masked tail are BAD
    this.setupBadSlot(si, 0, false);
    // setup_swap_map_and_extents(): page 0 or past last_page refuses the area, printing nothing
    for (const b of bad) {
      if (!Number.isInteger(b) || b < 0) fail('EINVAL', `bad page ${b} is not a page number`);
      if (b === 0 || b > max - 1) fail('EINVAL', `bad page ${b} is outside 1..${max - 1}`);
    }
    const seen = new Set<number>();
    for (const b of bad) {
      if (seen.has(b)) fail('EINVAL', `duplicated bad slot offset ${b}`);
      seen.add(b);
      this.setupBadSlot(si, b, false);
    }
    const tailEnd = si.nrClusters * g.clusterSlots;
    for (let off = max; off < tailEnd; off++) this.setupBadSlot(si, off, true);
    if (si.pages <= 0) fail('EINVAL', `${p.path}: no usable pages (Empty swap-file)`);

    // clusters with a count go to nonfull[0] (in index order), the rest are free
    const sorted = [...si.badClusters].sort((a, b) => a - b);
    for (const idx of sorted) {
      const ci = si.cluster(idx)!;
      if (ci.count === g.clusterSlots) this.moveCluster(si, ci, si.fullClusters, ClusterFlag.FULL);
      else this.moveCluster(si, ci, si.nonfullClusters[0]!, ClusterFlag.NONFULL);
    }
    si.virginLeft = si.nrClusters - si.badClusters.size;

    // enable_swap_info()
    this.j.set(this.counters, 'nrSwapPages', this.counters.nrSwapPages + si.pages);
    this.j.set(this.counters, 'totalSwapPages', this.counters.totalSwapPages + si.pages);
    si.flags |= SWP_WRITEOK;
    // the vswap device stays outside the tiers (its authors keep it transparent to them)
    if (p.kind !== 'vswap') this.hooks.assignTier?.(si);
    this.installSwapInfo(si);
    this.availAdd(si);
    this.log.emit({ kind: 'swapon', type, path: p.path, pages: si.pages, prio });
    return si;
  }

  /** alloc_swap_info() comes before the file is opened: EPERM once MAX_SWAPFILES are in use. */
  checkFreeType(): void {
    this.allocSwapInfoType();
  }

  /**
   * A swapon without -p: DEF_SWAP_PRIO, or (kernels up to the change that
   * dropped least_priority) the next lower one, -2 first (setup_swap_info()).
   */
  private defaultPriority(): number {
    if (this.hooks.defaultPriority !== 'descending') return DEF_SWAP_PRIO;
    this.j.set(this, 'leastPriority', this.leastPriority - 1);
    return this.leastPriority;
  }

  /** alloc_swap_info(): the lowest free type, or EPERM once MAX_SWAPFILES are in use. */
  private allocSwapInfoType(): number {
    for (let t = 0; t < this.geom.maxSwapfiles; t++) {
      if (!this.swapInfo[t]) return t;
    }
    return fail('EPERM', `all ${this.geom.maxSwapfiles} swap types (MAX_SWAPFILES) are in use`);
  }

  private installSwapInfo(si: SwapInfo): void {
    const t = si.type;
    const old = this.swapInfo[t] ?? null;
    const grew = this.swapInfo.length <= t;
    const oldLen = this.swapInfo.length;
    while (this.swapInfo.length <= t) this.swapInfo.push(null);
    this.swapInfo[t] = si;
    this.j.custom(() => {
      this.swapInfo[t] = old;
      if (grew) this.swapInfo.length = oldLen;
    });
  }

  /** swap_cluster_setup_bad_slot() */
  private setupBadSlot(si: SwapInfo, offset: number, mask: boolean): void {
    if (offset >= si.max && !mask) return; // the kernel ignores bad pages past the end
    if (offset && !mask) si.pages -= 1;
    const idx = offset >>> this.geom.clusterShift;
    let ci = si.cluster(idx);
    if (!ci) {
      ci = si.materialize(this.j, idx);
      clusterAllocTable(this.j, ci, this.geom.clusterSlots, this.extras(si));
      countTable(this.j, si.meta, 1);
      si.badClusters.add(idx);
    }
    const off = offset & (this.geom.clusterSlots - 1);
    if (tbKind(ci.table!.meta[off]!) !== SlotKind.NULL) fail('EINVAL', `duplicated bad slot offset ${offset}`);
    ci.table!.meta[off] = mkMeta(SlotKind.BAD, 0, false);
    ci.count++;
  }

  // ---------------------------------------------------------- avail plist

  /** add_to_avail_list(): plist_add keeps FIFO order among equal priorities; a full device stays off. */
  availAdd(si: SwapInfo): void {
    if (this.avail.includes(si)) return;
    if (si.inusePages >= si.pages) {
      this.j.set(si, 'offList', true);
      return;
    }
    const next = this.avail.slice();
    let i = 0;
    while (i < next.length && next[i]!.prio >= si.prio) i++;
    next.splice(i, 0, si);
    this.j.replaceArray(this.avail, next);
    this.j.set(si, 'offList', false);
    this.log.emit({ kind: 'device-avail', type: si.type, onList: true });
  }

  /** del_from_avail_list() */
  availDel(si: SwapInfo): void {
    const i = this.avail.indexOf(si);
    this.j.set(si, 'offList', true);
    if (i < 0) return;
    const next = this.avail.slice();
    next.splice(i, 1);
    this.j.replaceArray(this.avail, next);
    this.log.emit({ kind: 'device-avail', type: si.type, onList: false });
  }

  /** plist_requeue(): move behind the other devices of equal priority. */
  private availRequeue(si: SwapInfo): void {
    const i = this.avail.indexOf(si);
    if (i < 0) return;
    let k = i + 1;
    while (k < this.avail.length && this.avail[k]!.prio === si.prio) k++;
    if (k === i + 1) return;
    const next = this.avail.slice();
    next.splice(i, 1);
    next.splice(k - 1, 0, si);
    this.j.replaceArray(this.avail, next);
  }

  // ------------------------------------------------------- cluster lists

  /** move_cluster(): list_move_tail and set the flag. */
  moveCluster(si: SwapInfo, ci: SwapClusterInfo, list: ClusterList, flag: ClusterFlag): void {
    vmBugOn(
      ci.flags === flag,
      'move_cluster(): the cluster already has that flag',
      () => `${si.path} cluster ${ci.idx} ${CLUSTER_LIST_NAMES[flag]}`,
    );
    const from = ci.flags;
    if (ci.list) ci.list.remove(this.j, ci);
    list.addTail(this.j, ci);
    this.j.set(ci, 'flags', flag);
    this.logClusterMove(si, ci, from);
  }

  /** Take a cluster off its list with flag NONE (isolate_lock_cluster's list_del). */
  private isolate(si: SwapInfo, ci: SwapClusterInfo): void {
    const from = ci.flags;
    if (ci.list) ci.list.remove(this.j, ci);
    this.j.set(ci, 'flags', ClusterFlag.NONE);
    this.logClusterMove(si, ci, from);
  }

  /** A `cluster-move` event: the cluster went from list `from` to the one its flags name now. */
  private logClusterMove(si: SwapInfo, ci: SwapClusterInfo, from: number): void {
    if (this.log.enabled)
      this.log.emit({
        kind: 'cluster-move',
        type: si.type,
        cluster: ci.idx,
        from: CLUSTER_LIST_NAMES[from],
        to: CLUSTER_LIST_NAMES[ci.flags],
      });
  }

  /** The per-cluster structures a device's clusters carry beyond the table and memcg_table. */
  private extras(si: SwapInfo): ClusterExtras | undefined {
    return si.dynamic ? { vtable: true, ownerTable: si.ownerTables } : undefined;
  }

  /**
   * alloc_swap_scan_dynamic() (ghost RFC patch 15): a new ci_dyn at the
   * lowest free index (xa_alloc; index 0 is the pre-allocated header
   * cluster), with its table and virtual_table. `virginCursor` is a lower
   * bound of the free indices, `virginLeft` the number of them.
   */
  private allocDynamicCluster(si: SwapInfo): SwapClusterInfo | null {
    if (si.virginLeft === 0) return null;
    let idx = si.virginCursor;
    while (si.cluster(idx)) idx++;
    const ci = si.materialize(this.j, idx);
    this.j.set(si, 'virginCursor', idx + 1);
    this.j.set(si, 'virginLeft', si.virginLeft - 1);
    if (this.log.enabled)
      this.log.emit({ kind: 'cluster-move', type: si.type, cluster: idx, from: 'free', to: 'none' });
    clusterAllocTable(this.j, ci, this.geom.clusterSlots, this.extras(si));
    countTable(this.j, si.meta, 1);
    this.log.emit({ kind: 'table-alloc', type: si.type, cluster: ci.idx });
    return ci;
  }

  /**
   * Ghost RFC patch 15: an empty dynamic cluster has its table freed, is
   * erased from the XArray, marked CLUSTER_FLAG_DEAD and freed (kfree_rcu).
   * Cluster 0 never gets here: its header slot stays BAD.
   */
  private freeDynamicCluster(si: SwapInfo, ci: SwapClusterInfo): void {
    this.freeTable(si, ci);
    this.log.emit({ kind: 'table-free', type: si.type, cluster: ci.idx });
    const from = ci.flags;
    if (ci.list) ci.list.remove(this.j, ci);
    this.j.set(ci, 'flags', ClusterFlag.DEAD);
    this.j.set(ci, 'order', 0);
    this.logClusterMove(si, ci, from);
    si.dematerialize(this.j, ci.idx);
    this.j.set(si, 'virginLeft', si.virginLeft + 1);
    if (ci.idx < si.virginCursor) this.j.set(si, 'virginCursor', ci.idx);
  }

  /** isolate_lock_cluster() on the free list, then swap_cluster_populate(): allocate its table. */
  private isolateFreeCluster(si: SwapInfo): SwapClusterInfo | null {
    if (si.dynamic) return this.allocDynamicCluster(si);
    let ci: SwapClusterInfo;
    if (si.virginLeft > 0) {
      let idx = si.virginCursor;
      while (si.cluster(idx)) idx++;
      ci = si.materialize(this.j, idx);
      this.j.set(si, 'virginCursor', idx + 1);
      this.j.set(si, 'virginLeft', si.virginLeft - 1);
      if (this.log.enabled)
        this.log.emit({ kind: 'cluster-move', type: si.type, cluster: idx, from: 'free', to: 'none' });
    } else if (si.freeClusters.head) {
      ci = si.freeClusters.head;
      this.isolate(si, ci);
    } else {
      return null;
    }
    clusterAllocTable(this.j, ci, this.geom.clusterSlots);
    countTable(this.j, si.meta, 1);
    this.log.emit({ kind: 'table-alloc', type: si.type, cluster: ci.idx });
    return ci;
  }

  /** swap_cluster_free_table(), with the metadata counts it changes. */
  private freeTable(si: SwapInfo, ci: SwapClusterInfo): void {
    if (ci.extendTable) countExtendTable(this.j, si.meta, -1);
    clusterFreeTable(this.j, ci);
    countTable(this.j, si.meta, -1);
  }

  /** isolate_lock_cluster() on any other list. */
  private isolateFirst(si: SwapInfo, list: ClusterList): SwapClusterInfo | null {
    const ci = list.head;
    if (!ci) return null;
    this.isolate(si, ci);
    return ci;
  }

  /** __free_cluster(): free the table and put the cluster at the tail of the free list. */
  private freeClusterNow(si: SwapInfo, ci: SwapClusterInfo): void {
    this.freeTable(si, ci);
    this.log.emit({ kind: 'table-free', type: si.type, cluster: ci.idx });
    this.moveCluster(si, ci, si.freeClusters, ClusterFlag.FREE);
    this.j.set(ci, 'order', 0);
  }

  /** free_cluster(): to the discard list when page discard is on, else free now; a dynamic cluster dies. */
  private freeCluster(si: SwapInfo, ci: SwapClusterInfo): void {
    vmBugOn(
      ci.count !== 0,
      'free_cluster(): the cluster still has used slots',
      () => `${si.path} cluster ${ci.idx} count ${ci.count}`,
    );
    if (si.dynamic) return this.freeDynamicCluster(si, ci);
    if ((si.flags & (SWP_WRITEOK | SWP_PAGE_DISCARD)) === (SWP_WRITEOK | SWP_PAGE_DISCARD)) {
      this.moveCluster(si, ci, si.discardClusters, ClusterFlag.DISCARD);
      this.scheduleWork(this.pendingDiscard, si.type);
      return;
    }
    this.freeClusterNow(si, ci);
  }

  /** partial_free_cluster(): a cluster that saw a free goes to nonfull[order]. */
  private partialFreeCluster(si: SwapInfo, ci: SwapClusterInfo): void {
    vmBugOn(
      ci.count === 0 || ci.count === this.geom.clusterSlots,
      'partial_free_cluster(): the cluster is empty or full',
      () => `${si.path} cluster ${ci.idx} count ${ci.count}`,
    );
    if (ci.flags !== ClusterFlag.NONFULL) this.moveCluster(si, ci, si.nonfullClusters[ci.order]!, ClusterFlag.NONFULL);
  }

  /** relocate_cluster(): after an allocation, to frag[order] or full. */
  private relocateCluster(si: SwapInfo, ci: SwapClusterInfo): void {
    if (ci.flags === ClusterFlag.DISCARD || ci.flags === ClusterFlag.DEAD) return;
    if (ci.count === 0) {
      if (ci.flags !== ClusterFlag.FREE) this.freeCluster(si, ci);
    } else if (ci.count !== this.geom.clusterSlots) {
      if (ci.flags !== ClusterFlag.FRAG) this.moveCluster(si, ci, si.fragClusters[ci.order]!, ClusterFlag.FRAG);
    } else if (ci.flags !== ClusterFlag.FULL) {
      this.moveCluster(si, ci, si.fullClusters, ClusterFlag.FULL);
    }
  }

  private scheduleWork(set: Set<number>, type: number): void {
    if (set.has(type)) return;
    set.add(type);
    this.j.custom(() => set.delete(type));
  }

  /** cluster_is_usable(): on a usable list (or isolated) and of this order, or empty, or order 0. */
  private clusterIsUsable(ci: SwapClusterInfo, order: number): boolean {
    if (ci.flags > CLUSTER_FLAG_USABLE) return false;
    if (!order) return true;
    return ci.count === 0 || ci.order === order;
  }

  // ---------------------------------------------------------- allocation

  /**
   * folio_alloc_swap() slot allocation: the per-CPU fast path, then the slow
   * path over the avail plist, then one retry after a synchronous discard.
   * Installs PFN entries with count 0 (the swap cache pins the new slots).
   * Returns the first entry, or null when nothing could be allocated. The
   * virtual and backing allocators below run the same code for their layer.
   */
  allocSlots(pfn: number, order: number, cpu: number, tiers: number | null = null): SwpEntry | null {
    return this.allocate({ pfn, order, cpu, layer: AllocLayer.NORMAL, backs: 0, tiers });
  }

  /** A virtual entry for the folio on the vswap device (PFN entries, count 0), or null when it is full. */
  allocVirtual(pfn: number, order: number, cpu: number): SwpEntry | null {
    if (!this.vswap) return null;
    return this.allocate({ pfn, order, cpu, layer: AllocLayer.VIRTUAL, backs: 0, tiers: null });
  }

  /**
   * Physical slots backing virtual entry `backs` (and the 2^order after it):
   * POINTER entries `vswap offset | 100` on the best device by priority
   * within the memcg's tiers, never on a dynamic device. `pfn` is the folio
   * written, or -1.
   */
  allocBacking(pfn: number, order: number, cpu: number, backs: SwpEntry, tiers: number | null = null): SwpEntry | null {
    return this.allocate({ pfn, order, cpu, layer: AllocLayer.BACKING, backs, tiers });
  }

  private allocate(req: AllocRequest): SwpEntry | null {
    const { order } = req;
    if (order > 0 && (!this.geom.thpSwap || order >= this.geom.nrOrders)) return null;
    for (let attempt = 0; attempt < 2; attempt++) {
      const found = this.allocFast(req) ?? this.allocSlow(req);
      if (found !== null) return found;
      if (order !== 0 || !this.syncDiscard()) break;
    }
    return null;
  }

  /**
   * allocSlots() of order 0 for the folios `pfns[from, from + n)` in turn,
   * for as long as each call would be served by swap_alloc_fast() from the
   * next free slot of this CPU's cached cluster, with nothing else changing:
   * the cluster is in use and on frag[0] and keeps a free slot (so
   * relocate_cluster() leaves it there and the device is not full), no
   * slot on the way is a cache-only one that vm_swap_full() would reclaim,
   * and no vswap device hides part of the swap. Only devices of `tiers` serve it. Each slot is written as
   * __swap_cluster_alloc_entries() writes it (a PFN entry, count 0) and its
   * slot-alloc event emitted; then `visit(i, entry)` runs for folio i, before
   * the next slot is taken (it must not change what the allocator reads).
   * The cluster's count, the device's and the global counters and the CPU's
   * cursor are written once at the end. Returns how many folios got a slot;
   * 0 when the next one needs allocSlots().
   */
  allocFastRun(
    pfns: Int32Array,
    from: number,
    n: number,
    cpu: number,
    tiers: number | null,
    visit: (i: number, entry: SwpEntry) => void,
  ): number {
    if (this.vswap) return 0;
    const req: AllocRequest = { pfn: -1, order: 0, cpu, layer: AllocLayer.NORMAL, backs: 0, tiers };
    const pc = this.percpu[cpu]!;
    const si = pc.si[0];
    const cursor = pc.offset[0]!;
    if (!si || !cursor || this.swapInfo[si.type] !== si || !(si.flags & SWP_WRITEOK) || !this.eligible(si, req))
      return 0;
    const ci = si.clusterOf(cursor);
    const t = ci?.table;
    if (!ci || !t || ci.flags !== ClusterFlag.FRAG || ci.count === 0) return 0;
    const slots = this.geom.clusterSlots;
    const start = si.clusterOffset(ci);
    const freeBefore = this.counters.nrSwapPages;
    const total = this.counters.totalSwapPages;
    let count = ci.count;
    const key = mergeKey({ kind: 'slot-alloc', type: si.type, offset: 0, nr: 1, pfn: 0, cpu })!;
    let got = 0;
    let last = -1;
    for (let off = cursor - start; got < n && count + 1 < slots && off < slots; off++) {
      const m = t.meta[off]!;
      const kind = tbKind(m);
      if (kind !== SlotKind.NULL) {
        // cluster_scan_range(): a cache-only slot while swap is full would be reclaimed: allocSlots() does that
        if (kind === SlotKind.PFN && tbInlineCount(m) === 0 && (freeBefore - got) * 2 < total) break;
        continue;
      }
      if (got === 0) {
        this.j.saveRange(t.meta, off, slots);
        this.j.saveRange(t.val, off, slots);
      }
      const pfn = pfns[from + got]!;
      t.meta[off] = mkMeta(SlotKind.PFN, 0, false);
      t.val[off] = pfn;
      countCachedSlot(this.j, si.meta, ci.groupFill!, off, 1);
      count++;
      const offset = start + off;
      if (!this.log.extendByOne(key, offset, pfn))
        this.log.emit({ kind: 'slot-alloc', type: si.type, offset, nr: 1, pfn, cpu });
      visit(got++, swpEntry(si.type, offset));
      last = off;
    }
    if (got === 0) return 0;
    this.j.set(ci, 'count', count);
    this.swapRangeAlloc(si, got);
    // alloc_swap_scan_cluster(): the next offset, unless the last slot taken was the cluster's last
    this.j.setAt(pc.offset, 0, last + 1 < slots ? start + last + 1 : 0);
    return got;
  }

  /** swap_tiers_mask_test() in folio_alloc_swap()'s device walk; the virtual device is not tiered. */
  private tierAllowed(si: SwapInfo, req: AllocRequest): boolean {
    return req.tiers === null || req.layer === AllocLayer.VIRTUAL || swapTiersMaskTest(si.tierMask, req.tiers);
  }

  /** Can this allocation use the device? */
  private eligible(si: SwapInfo, req: AllocRequest): boolean {
    if (req.layer === AllocLayer.NORMAL) return (si.flags & SWP_VSWAP) === 0 && this.tierAllowed(si, req);
    if (req.layer === AllocLayer.VIRTUAL) return si === this.vswap;
    return (si.flags & SWP_DYNAMIC) === 0 && this.tierAllowed(si, req);
  }

  private percpuOf(req: AllocRequest): PercpuSwapCluster {
    if (req.layer === AllocLayer.NORMAL) return this.percpu[req.cpu]!;
    return (req.layer === AllocLayer.VIRTUAL ? this.vpercpu : this.bpercpu)[req.cpu]!;
  }

  /** swap_alloc_fast(): keep filling this CPU's cached cluster. */
  private allocFast(req: AllocRequest): SwpEntry | null {
    const { order } = req;
    const pc = this.percpuOf(req);
    const si = pc.si[order];
    let offset = pc.offset[order]!;
    if (!si || !offset || this.swapInfo[si.type] !== si || !(si.flags & SWP_WRITEOK)) return null;
    // the cached cluster may sit on a device outside the memcg's tiers: take the slow path then
    if (!this.eligible(si, req)) return null;
    const ci = si.clusterOf(offset);
    if (!ci || !this.clusterIsUsable(ci, order)) return null;
    if (ci.count === 0) offset = si.clusterOffset(ci);
    const found = this.allocScanCluster(si, ci, req, offset);
    return found ? swpEntry(si.type, found) : null;
  }

  /** swap_alloc_slow(): walk the avail plist, requeueing each device tried (round robin). */
  private allocSlow(req: AllocRequest): SwpEntry | null {
    if (req.layer === AllocLayer.VIRTUAL) {
      const v = this.vswap!;
      if (!(v.flags & SWP_WRITEOK) || v.offList) return null;
      const found = this.clusterAllocSwapEntry(v, req);
      return found ? swpEntry(v.type, found) : null;
    }
    const tried = new Set<SwapInfo>();
    for (;;) {
      const si = this.avail.find((s) => !tried.has(s) && this.eligible(s, req));
      if (!si) return null;
      tried.add(si);
      this.availRequeue(si);
      const found = this.clusterAllocSwapEntry(si, req);
      if (found) return swpEntry(si.type, found);
      if (req.order > 0) return null; // a large folio tries one device only
    }
  }

  /** cluster_alloc_swap_entry(): the search order of docs/kernel-model.md §2.4. */
  private clusterAllocSwapEntry(si: SwapInfo, req: AllocRequest): number {
    const g = this.geom;
    const { order } = req;
    // large entries only on block devices (the virtual space has no such limit)
    if (order && !(si.flags & (SWP_BLKDEV | SWP_VSWAP))) return 0;
    let found: number;
    if (!si.solidState) {
      let offset = si.globalNext[order]!;
      if (offset) {
        const ci = si.clusterOf(offset);
        if (ci && this.clusterIsUsable(ci, order)) {
          if (ci.count === 0) offset = si.clusterOffset(ci);
          found = this.allocScanCluster(si, ci, req, offset);
          if (found) return found;
        }
      }
    }
    const discardFirst = (si.flags & SWP_PAGE_DISCARD) !== 0;
    if (discardFirst) {
      found = this.scanFreeList(si, req);
      if (found) return found;
    }
    if (order < g.pmdOrder || !g.thpSwap) {
      found = this.scanList(si, si.nonfullClusters[order]!, req, true);
      if (found) return found;
    }
    if (!discardFirst) {
      found = this.scanFreeList(si, req);
      if (found) return found;
    }
    if (this.vmSwapFull()) this.reclaimFullClusters(si, false);
    if (order < g.pmdOrder || !g.thpSwap) {
      found = this.scanList(si, si.fragClusters[order]!, req, false);
      if (found) return found;
    }
    if (order) return 0;
    // order-0 stealing from higher-order clusters, without changing their order
    for (let o = 1; o < g.nrOrders; o++) {
      found = this.scanList(si, si.fragClusters[o]!, req, true);
      if (found) return found;
      found = this.scanList(si, si.nonfullClusters[o]!, req, true);
      if (found) return found;
    }
    return 0;
  }

  private scanFreeList(si: SwapInfo, req: AllocRequest): number {
    const ci = this.isolateFreeCluster(si);
    if (!ci) return 0;
    return this.allocScanCluster(si, ci, req, si.clusterOffset(ci));
  }

  /** alloc_swap_scan_list() */
  private scanList(si: SwapInfo, list: ClusterList, req: AllocRequest, scanAll: boolean): number {
    // Isolated clusters go to other lists, so bound the walk by the starting length.
    let budget = list.length;
    do {
      if (budget-- <= 0) return 0;
      const ci = this.isolateFirst(si, list);
      if (!ci) return 0;
      const found = this.allocScanCluster(si, ci, req, si.clusterOffset(ci));
      if (found) return found;
    } while (scanAll);
    return 0;
  }

  /**
   * alloc_swap_scan_cluster(): scan aligned runs of 2^order slots from
   * `offset`; a cache-only slot is reclaimable only while vm_swap_full().
   * Relocates the cluster and saves the next offset per CPU (SSD) or in the
   * global cursor (HDD). Returns the offset allocated, or 0.
   */
  private allocScanCluster(si: SwapInfo, ci: SwapClusterInfo, req: AllocRequest, offset: number): number {
    const { order } = req;
    const slots = this.geom.clusterSlots;
    const nr = 1 << order;
    const start = si.clusterOffset(ci);
    let end = start + slots;
    let found = 0;
    let next = 0;
    if (ci.count + nr <= slots && ci.table) {
      for (end -= nr; offset <= end; offset += nr) {
        const scan = this.clusterScanRange(ci, offset - start, nr);
        if (scan === 'busy') continue;
        if (scan === 'reclaim') {
          if (!this.clusterReclaimRange(si, ci, offset, nr)) {
            if (!this.clusterIsUsable(ci, order) || !ci.table) break;
            continue;
          }
          if (ci.count === 0) offset = start;
        }
        if (!(si.flags & SWP_WRITEOK)) break;
        this.clusterAllocEntries(si, ci, req, offset - start);
        found = offset;
        offset += nr;
        if (ci.count < slots && offset <= end) next = offset;
        break;
      }
    }
    this.relocateCluster(si, ci);
    if (si.solidState) {
      const pc = this.percpuOf(req);
      this.j.setAt(pc.offset, order, next);
      this.j.setAt(pc.si, order, si);
    } else {
      this.j.a(si.globalNext, order, next);
    }
    return found;
  }

  /** cluster_scan_range(): 'ok' if all NULL, 'reclaim' if only cache-only slots block it and swap is full. */
  private clusterScanRange(ci: SwapClusterInfo, off: number, nr: number): 'ok' | 'reclaim' | 'busy' {
    const meta = ci.table!.meta;
    let needReclaim = false;
    for (let i = off; i < off + nr; i++) {
      const m = meta[i]!;
      const kind = tbKind(m);
      if (kind === SlotKind.NULL) continue;
      if (kind === SlotKind.PFN && tbInlineCount(m) === 0) {
        if (!this.vmSwapFull()) return 'busy';
        needReclaim = true;
        continue;
      }
      return 'busy';
    }
    return needReclaim ? 'reclaim' : 'ok';
  }

  /** cluster_reclaim_range(): drop cache-only folios in the range, then re-check it is all NULL. */
  private clusterReclaimRange(si: SwapInfo, ci: SwapClusterInfo, offset: number, nr: number): boolean {
    for (let o = offset; o < offset + nr; o++) {
      if (!ci.table) return false;
      const m = ci.table.meta[o - si.clusterOffset(ci)]!;
      if (tbInlineCount(m)) break;
      if (tbKind(m) === SlotKind.PFN && this.hooks.tryToReclaimSwap(si, o, TTRS_ANYWAY) < 0) break;
    }
    if (!ci.table) return false;
    const meta = ci.table.meta;
    const base = si.clusterOffset(ci);
    for (let o = offset; o < offset + nr; o++) if (tbKind(meta[o - base]!) !== SlotKind.NULL) return false;
    return true;
  }

  /**
   * __swap_cluster_alloc_entries() + __swap_cache_add_folio()'s table part:
   * PFN entries, count 0; backing slots get POINTER entries instead.
   */
  private clusterAllocEntries(si: SwapInfo, ci: SwapClusterInfo, req: AllocRequest, off: number): void {
    const { pfn, order, cpu } = req;
    const nr = 1 << order;
    const t = ci.table!;
    if (req.layer === AllocLayer.BACKING) {
      this.installPointers(ci, off, nr, req.backs);
      countPointers(this.j, si.meta, nr);
    } else {
      for (let i = 0; i < nr; i++) {
        this.j.a(t.meta, off + i, mkMeta(SlotKind.PFN, 0, false));
        this.j.a(t.val, off + i, pfn + i);
        countCachedSlot(this.j, si.meta, ci.groupFill!, off + i, 1);
      }
    }
    if (ci.count === 0) this.j.set(ci, 'order', order); // the first allocation fixes the cluster's order
    this.j.set(ci, 'count', ci.count + nr);
    this.swapRangeAlloc(si, nr);
    if (this.log.enabled) {
      const offset = si.clusterOffset(ci) + off;
      if (req.layer === AllocLayer.BACKING) {
        this.log.emit({
          kind: 'slot-alloc',
          type: si.type,
          offset,
          nr,
          pfn,
          cpu,
          backs: { type: swpType(req.backs), offset: swpOffset(req.backs) },
        });
      } else {
        this.log.emit({ kind: 'slot-alloc', type: si.type, offset, nr, pfn, cpu });
      }
    }
  }

  /** vswap-STE rmap: `C | vswap offset | 100` in the physical table (C is derived from the virtual slot). */
  private installPointers(ci: SwapClusterInfo, off: number, nr: number, backs: SwpEntry): void {
    const t = ci.table!;
    if (!ci.rmapType) this.j.set(ci, 'rmapType', clusterArray(this.j, ci, new Uint8Array(this.geom.clusterSlots)));
    const vType = swpType(backs);
    const vOff = swpOffset(backs);
    for (let i = 0; i < nr; i++) {
      this.j.a(t.meta, off + i, mkMeta(SlotKind.POINTER, 0, false));
      this.j.a(t.val, off + i, vOff + i);
      this.j.a(ci.rmapType!, off + i, vType);
    }
  }

  /** swap_range_alloc() + swap_usage_add(): a device that fills up leaves the avail list. */
  private swapRangeAlloc(si: SwapInfo, nr: number): void {
    this.j.set(si, 'inusePages', si.inusePages + nr);
    if (!si.meta.dirty) this.j.set(si.meta, 'dirty', true);
    this.j.set(this.counters, 'nrSwapPages', this.counters.nrSwapPages - nr);
    if (si.inusePages === si.pages && !si.offList) {
      this.availDel(si);
      if (this.vmSwapFull()) this.scheduleWork(this.pendingReclaim, si.type);
    }
  }

  /** swap_range_free() + swap_usage_sub(): invalidate zswap copies, rejoin the avail list. */
  private swapRangeFree(si: SwapInfo, offset: number, nr: number): void {
    this.hooks.rangeFreed(si, offset, nr);
    this.j.set(this.counters, 'nrSwapPages', this.counters.nrSwapPages + nr);
    this.j.set(si, 'inusePages', si.inusePages - nr);
    if (!si.meta.dirty) this.j.set(si.meta, 'dirty', true);
    if (si.offList && si.flags & SWP_WRITEOK) this.availAdd(si);
  }

  // -------------------------------------------------------- counts, free

  /** __swap_cluster_dup_entry(): +1, spilling into extend_table above 14. */
  private dupOne(si: SwapInfo, ci: SwapClusterInfo, off: number): void {
    const t = ci.table!;
    const m = t.meta[off]!;
    const count = tbInlineCount(m);
    if (count < SWP_TB_COUNT_MAX - 1) {
      this.j.a(t.meta, off, withInlineCount(m, count + 1));
      return;
    }
    if (!ci.extendTable) {
      this.j.set(ci, 'extendTable', clusterArray(this.j, ci, new Uint32Array(this.geom.clusterSlots)));
      countExtendTable(this.j, si.meta, 1);
      this.log.emit({ kind: 'extend-table', type: si.type, cluster: ci.idx, allocated: true });
    }
    if (count === SWP_TB_COUNT_MAX - 1) {
      this.j.a(ci.extendTable!, off, SWP_TB_COUNT_MAX);
      this.j.a(t.meta, off, withInlineCount(m, SWP_TB_COUNT_MAX));
    } else {
      const before = ci.extendTable![off]!;
      this.j.a(ci.extendTable!, off, before + 1);
      // legacy swap_map: a count past SWAP_MAP_MAX takes continuation digits
      if (overflowCrossing(before, before + 1) > 0) countOverflow(this.j, si.meta, si.clusterOffset(ci) + off, 1);
    }
  }

  /** __swap_cluster_put_entry(): -1 without freeing; drops extend_table when unused. */
  private putOne(si: SwapInfo, ci: SwapClusterInfo, off: number): void {
    const t = ci.table!;
    const m = t.meta[off]!;
    let count = tbInlineCount(m);
    if (count === SWP_TB_COUNT_MAX) {
      const ext = ci.extendTable!;
      count = ext[off]! - 1;
      if (overflowCrossing(count + 1, count) < 0) countOverflow(this.j, si.meta, si.clusterOffset(ci) + off, -1);
      if (count === SWP_TB_COUNT_MAX - 1) {
        this.j.a(ext, off, 0);
        this.j.a(t.meta, off, withInlineCount(m, count));
      } else {
        this.j.a(ext, off, count);
      }
    } else {
      count--;
      this.j.a(t.meta, off, withInlineCount(m, count));
    }
    if (
      (count === SWP_TB_COUNT_MAX - 2 || count === SWP_TB_COUNT_MAX - 1) &&
      ci.extendTable &&
      ci.extendTable.every((v) => v === 0)
    ) {
      this.j.set(ci, 'extendTable', null);
      countExtendTable(this.j, si.meta, -1);
      this.log.emit({ kind: 'extend-table', type: si.type, cluster: ci.idx, allocated: false });
    }
  }

  private liveCluster(entry: SwpEntry): { si: SwapInfo; ci: SwapClusterInfo; off: number } {
    const si = this.swapInfo[swpType(entry)];
    const offset = swpOffset(entry);
    if (!si || offset >= si.max) return fail('EINVAL', `bad swap entry type ${swpType(entry)} offset ${offset}`);
    const ci = si.clusterOf(offset);
    if (!ci?.table) return fail('EINVAL', `swap entry ${si.path}:${offset} has no table`);
    return { si, ci, off: offset & (this.geom.clusterSlots - 1) };
  }

  /**
   * swap_dup_entry_direct() / folio_dup_swap(): one more PTE (or shmem)
   * reference to each of `nr` slots.
   */
  dupEntries(entry: SwpEntry, nr: number): void {
    const { si, ci, off } = this.liveCluster(entry);
    for (let i = 0; i < nr; i++) {
      const m = ci.table!.meta[off + i]!;
      const kind = tbKind(m);
      if (kind === SlotKind.BAD || kind === SlotKind.NULL || (tbInlineCount(m) === 0 && kind !== SlotKind.PFN)) {
        fail('EINVAL', `dup of a free or bad slot ${si.path}:${swpOffset(entry) + i}`);
      }
      this.dupOne(si, ci, off + i);
    }
    if (this.log.enabled) this.log.emit({ kind: 'slot-count', type: si.type, offset: swpOffset(entry), nr, delta: 1 });
  }

  /**
   * swap_put_entries_direct() / swap_put_entries_cluster(): drop one
   * reference from each of `nr` slots (all in one cluster). Uncached slots
   * reaching 0 are batch-freed now; cached ones wait for the folio to leave
   * the swap cache, or are reclaimed at once when `reclaimCache` and the
   * folio is unmapped or swap is full (TTRS_UNMAPPED | TTRS_FULL: either one).
   */
  putEntries(entry: SwpEntry, nr: number, reclaimCache: boolean): void {
    const { si, ci, off } = this.liveCluster(entry);
    const t = ci.table!;
    const offset = swpOffset(entry);
    let batch = -1;
    let needReclaim = false;
    for (let i = off; i < off + nr; i++) {
      const m = t.meta[i]!;
      if (this.realCount(ci, i) === 1 && tbKind(m) !== SlotKind.PFN) {
        if (batch === -1) batch = i;
        continue;
      }
      if (this.realCount(ci, i) === 1) needReclaim = true;
      if (this.realCount(ci, i) <= 0)
        fail('EINVAL', `put of a slot with count 0 at ${si.path}:${si.clusterOffset(ci) + i}`);
      this.putOne(si, ci, i);
      if (batch !== -1) {
        this.freeEntries(si, ci, batch, i - batch);
        batch = -1;
      }
    }
    if (batch !== -1) this.freeEntries(si, ci, batch, off + nr - batch);
    if (this.log.enabled) this.log.emit({ kind: 'slot-count', type: si.type, offset, nr, delta: -1 });
    if (!needReclaim || !reclaimCache) return;
    for (let o = offset; o < offset + nr; o++) {
      const freed = this.hooks.tryToReclaimSwap(si, o, TTRS_UNMAPPED | TTRS_FULL);
      if (freed > 0) o = Math.ceil((o + 1) / freed) * freed - 1;
    }
  }

  private realCount(ci: SwapClusterInfo, off: number): number {
    const inline = tbInlineCount(ci.table!.meta[off]!);
    return inline === SWP_TB_COUNT_MAX && ci.extendTable ? ci.extendTable[off]! : inline;
  }

  /**
   * __swap_cluster_free_entries(): NULL the entries (count and Z go with
   * them), uncharge memcg ids in batches of equal id, swap_range_free(), and
   * move the cluster to free/discard or nonfull.
   */
  freeEntries(si: SwapInfo, ci: SwapClusterInfo, off: number, nr: number): void {
    const t = mustExist(ci.table, '__swap_cluster_free_entries(): the cluster has no swap table');
    vmBugOn(
      nr > ci.count || off + nr > this.geom.clusterSlots,
      '__swap_cluster_free_entries(): more slots than the cluster holds',
      () => `${si.path} cluster ${ci.idx} count ${ci.count}, freeing ${nr} at ${off}`,
    );
    const mt = ci.memcgTable;
    let batchId = 0;
    let batchN = 0;
    for (let i = off; i < off + nr; i++) {
      const kind = tbKind(t.meta[i]!);
      if (kind === SlotKind.POINTER) countPointers(this.j, si.meta, -1);
      else if (kind === SlotKind.PFN || kind === SlotKind.SHADOW)
        countCachedSlot(this.j, si.meta, ci.groupFill!, i, -1);
      this.j.a(t.meta, i, 0);
      this.j.a(t.val, i, 0);
      if (mt) {
        const id = mt[i]!;
        if (id !== batchId) {
          if (batchN && batchId) this.hooks.unchargeSwap(batchId, batchN);
          batchId = id;
          batchN = 0;
        }
        batchN++;
        if (id) this.j.a(mt, i, 0);
      }
    }
    if (batchN && batchId) this.hooks.unchargeSwap(batchId, batchN);
    const offset = si.clusterOffset(ci) + off;
    if (this.log.enabled) this.log.emit({ kind: 'slot-free', type: si.type, offset, nr });
    this.swapRangeFree(si, offset, nr);
    this.j.set(ci, 'count', ci.count - nr);
    if (ci.count === 0) this.freeCluster(si, ci);
    else this.partialFreeCluster(si, ci);
  }

  /** Free `nr` slots starting at `entry` (all count 0, not cached): used by swap-cache deletion. */
  freeEntriesAt(entry: SwpEntry, nr: number): void {
    const { si, ci, off } = this.liveCluster(entry);
    this.freeEntries(si, ci, off, nr);
  }

  // ----------------------------------------------------- background work

  /** swap_reclaim_full_clusters(): drop cache-only folios from full clusters. */
  reclaimFullClusters(si: SwapInfo, force: boolean): void {
    let toScan = force ? Math.floor(si.inusePages / this.geom.clusterSlots) : 1;
    let budget = si.fullClusters.length;
    while (budget-- > 0) {
      const ci = this.isolateFirst(si, si.fullClusters);
      if (!ci) break;
      toScan--;
      const base = si.clusterOffset(ci);
      const end = Math.min(si.max, base + this.geom.clusterSlots);
      for (let o = base; o < end;) {
        const m = ci.table ? ci.table.meta[o - base]! : 0;
        if (tbKind(m) === SlotKind.PFN && tbInlineCount(m) === 0) {
          const n = this.hooks.tryToReclaimSwap(si, o, TTRS_ANYWAY);
          if (n) {
            o += Math.abs(n);
            continue;
          }
        }
        o++;
      }
      if (ci.flags === ClusterFlag.NONE) this.relocateCluster(si, ci);
      if (toScan <= 0) break;
    }
  }

  /** swap_do_scheduled_discard(): discarded clusters return to the free list. */
  doScheduledDiscard(si: SwapInfo): boolean {
    let any = false;
    while (si.discardClusters.head) {
      const ci = si.discardClusters.head;
      si.discardClusters.remove(this.j, ci);
      this.j.set(ci, 'flags', ClusterFlag.NONE);
      // discard_swap_cluster(): one request for the cluster's slots
      this.j.set(si, 'discards', si.discards + 1);
      this.j.set(si, 'discardedPages', si.discardedPages + this.geom.clusterSlots);
      this.freeClusterNow(si, ci);
      any = true;
    }
    return any;
  }

  /** swap_sync_discard(): flush pending discards when allocation is failing. */
  private syncDiscard(): boolean {
    for (const si of this.devices) {
      if (si.flags & SWP_PAGE_DISCARD && this.doScheduledDiscard(si)) return true;
    }
    return false;
  }

  /** Run queued discard_work and reclaim_work items (the workqueue). */
  runPendingWork(): void {
    for (const type of [...this.pendingDiscard]) {
      const si = this.swapInfo[type];
      if (si) this.doScheduledDiscard(si);
    }
    for (const type of [...this.pendingReclaim]) {
      const si = this.swapInfo[type];
      if (si) this.reclaimFullClusters(si, true);
    }
    if (this.pendingDiscard.size || this.pendingReclaim.size) {
      const d = [...this.pendingDiscard];
      const r = [...this.pendingReclaim];
      this.pendingDiscard.clear();
      this.pendingReclaim.clear();
      this.j.custom(() => {
        for (const t of d) this.pendingDiscard.add(t);
        for (const t of r) this.pendingReclaim.add(t);
      });
    }
  }

  // ------------------------------------------------------------- swapoff

  /**
   * swapoff() first half: take the device off the avail list (no new
   * allocations; SWP_WRITEOK cleared) and out of the totals. Its in-use
   * pages stay visible in SwapTotal/SwapFree until try_to_unuse() is done.
   */
  beginSwapoff(si: SwapInfo): void {
    if (this.hooks.defaultPriority === 'descending' && si.prio < 0) {
      // swapoff of a default-priority device: the later (lower) ones move up one, least_priority too
      for (const d of this.devices) {
        if (d === si || d.prio >= si.prio) continue;
        this.j.set(d, 'prio', d.prio + 1);
        // with swap tiers on, a device moved up to -1 now falls in the lowest tier
        this.hooks.assignTier?.(d);
      }
      this.j.set(this, 'leastPriority', this.leastPriority + 1);
    }
    this.j.set(si, 'flags', si.flags & ~SWP_WRITEOK);
    this.availDel(si);
    // the kernel subtracts every page; slots freed during try_to_unuse() add
    // themselves back through swap_range_free(), and si_swapinfo() adds the
    // remaining in-use pages to both totals
    this.j.set(this.counters, 'nrSwapPages', this.counters.nrSwapPages - si.pages);
    this.j.set(this.counters, 'totalSwapPages', this.counters.totalSwapPages - si.pages);
    this.j.set(si, 'swapoffInProgress', true);
  }

  /** reinsert_swap_info(): swapoff was interrupted; restore totals and the avail list. */
  abortSwapoff(si: SwapInfo): void {
    this.j.set(si, 'swapoffInProgress', false);
    this.j.set(this.counters, 'nrSwapPages', this.counters.nrSwapPages + si.pages);
    this.j.set(this.counters, 'totalSwapPages', this.counters.totalSwapPages + si.pages);
    this.j.set(si, 'flags', si.flags | SWP_WRITEOK);
    this.availAdd(si);
  }

  /** swapoff() second half, after try_to_unuse() emptied the device: release the type. */
  finishSwapoff(si: SwapInfo): void {
    if (si.inusePages !== 0) fail('EBUSY', `${si.path} still has ${si.inusePages} slots in use`);
    for (const pc of [...this.percpu, ...this.bpercpu]) {
      for (let o = 0; o < pc.si.length; o++) {
        if (pc.si[o] === si) {
          this.j.setAt(pc.si, o, null);
          this.j.setAt(pc.offset, o, 0);
        }
      }
    }
    const t = si.type;
    this.swapInfo[t] = null;
    this.j.custom(() => {
      this.swapInfo[t] = si;
    });
    this.j.set(si, 'swapoffInProgress', false);
    this.log.emit({ kind: 'swapoff', type: t, path: si.path });
  }

  /**
   * si_swapinfo(): SwapFree and SwapTotal in pages, counting devices
   * mid-swapoff as used. The vswap device is not counted (vswap v3 keeps
   * virtual sizes out of free(1) and meminfo, objection 9 in §8.1; the STE
   * RFC does not say, and the simulator hides it there too).
   */
  swapinfo(): { free: number; total: number } {
    let free = this.counters.nrSwapPages;
    let total = this.counters.totalSwapPages;
    const v = this.vswap;
    if (v) {
      free -= v.pages - v.inusePages;
      total -= v.pages;
    }
    for (const si of this.devices) {
      if (si.swapoffInProgress) {
        free += si.inusePages;
        total += si.inusePages;
      }
    }
    return { free, total };
  }
}
