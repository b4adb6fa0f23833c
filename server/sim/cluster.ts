/**
 * struct swap_cluster_info and the cluster lists (mm/swap.h, mm/swapfile.c;
 * docs/kernel-model.md §2.2-§2.3). A cluster object exists only once a cluster has
 * been touched, so an idle terabyte device costs almost nothing.
 */
import type { Journal } from './journal';
import { ownedBy } from './owners';
import { SwapTable } from './swap_table';

/** enum swap_cluster_flags */
export const enum ClusterFlag {
  NONE = 0,
  FREE = 1,
  NONFULL = 2,
  FRAG = 3,
  FULL = 4,
  DISCARD = 5,
  /** Ghost RFC: a freed dynamic cluster. */
  DEAD = 6,
}
/** CLUSTER_FLAG_USABLE: any flag up to FRAG can be allocated from. */
export const CLUSTER_FLAG_USABLE = ClusterFlag.FRAG;

export { CLUSTER_LIST_NAMES, type ClusterListName } from '../../shared/protocol';

export class SwapClusterInfo {
  count = 0;
  flags: ClusterFlag = ClusterFlag.NONE;
  order = 0;
  table: SwapTable | null = null;
  /** ci->extend_table: real counts of slots whose inline count overflowed. */
  extendTable: Uint32Array | null = null;
  /** ci->memcg_table (P4): the swap-charged memcg id per slot. */
  memcgTable: Uint16Array | null = null;
  /** ci_dyn->virtual_table of a dynamic cluster (ghost RFC placeholder, vswap-STE vtable). */
  vtable: VirtualTable | null = null;
  /**
   * vswap-STE only: the memcg_table of a vswap cluster. It names the owner
   * (swapin charging, refault) but carries no swap charge, which sits on the
   * physical backing slot instead (RFC v1: only the backing is charged).
   */
  ownerTable: Uint16Array | null = null;
  /**
   * Not kernel state: the swap type a POINTER (rmap) entry points into. The
   * kernel's Pointer kind implies the single vswap device; the ghost RFC's
   * planned rmap would need the type too when several ghost devices exist.
   */
  rmapType: Uint8Array | null = null;
  /**
   * Not kernel state: the content code of the page written to each slot, so
   * that swapin restores what swapout saw (the kernel reads real bytes).
   */
  simContent: Uint8Array | null = null;
  /** Simulator sidecar: the page data each slot's page held when written out (FolioTable.data). */
  simData: Float64Array | null = null;
  /**
   * Not kernel state: PFN and shadow entries per 64-slot group, allocated
   * with the table, so the legacy swap cache's XArray leaf nodes can be
   * counted as slots change (swap_meta_counters.ts).
   */
  groupFill: Uint16Array | null = null;
  prev: SwapClusterInfo | null = null;
  next: SwapClusterInfo | null = null;
  list: ClusterList | null = null;

  constructor(
    /** Swap type of the owning device. */
    readonly type: number,
    readonly idx: number,
  ) {}
}

/** virtual_table tags (mm/vswap.h [LMM-vswap]); zero and in-memory are not tags (docs/kernel-model.md §8.3). */
export const enum VtTag {
  NONE = 0,
  ZSWAP = 1,
  SWAPFILE = 2,
}

/**
 * One virtual_table per dynamic cluster: the backend of each virtual slot
 * besides the table's Z flag and PFN. Kept as a tag plus a number instead of
 * the kernel's packed word (designs/vtable.ts builds that for display):
 * SWAPFILE holds the physical swap entry, ZSWAP the zswap entry's id.
 */
export class VirtualTable {
  readonly tag: Uint8Array;
  readonly val: Float64Array;
  constructor(slots: number) {
    this.tag = new Uint8Array(slots);
    this.val = new Float64Array(slots);
  }
}

/** A kernel list_head of clusters; list_add_tail / list_del / list_first_entry. */
export class ClusterList {
  head: SwapClusterInfo | null = null;
  tail: SwapClusterInfo | null = null;
  length = 0;
  constructor(
    readonly flag: ClusterFlag,
    readonly order: number,
  ) {}

  addTail(j: Journal, ci: SwapClusterInfo): void {
    j.set(ci, 'list', this);
    j.set(ci, 'prev', this.tail);
    j.set(ci, 'next', null);
    if (this.tail) j.set(this.tail, 'next', ci);
    else j.set(this, 'head', ci);
    j.set(this, 'tail', ci);
    j.set(this, 'length', this.length + 1);
  }

  remove(j: Journal, ci: SwapClusterInfo): void {
    if (ci.prev) j.set(ci.prev, 'next', ci.next);
    else j.set(this, 'head', ci.next);
    if (ci.next) j.set(ci.next, 'prev', ci.prev);
    else j.set(this, 'tail', ci.prev);
    j.set(ci, 'prev', null);
    j.set(ci, 'next', null);
    j.set(ci, 'list', null);
    j.set(this, 'length', this.length - 1);
  }

  *[Symbol.iterator](): Iterator<SwapClusterInfo> {
    for (let ci = this.head; ci; ci = ci.next) yield ci;
  }
}

/** What a cluster gets besides its table and memcg_table. */
export interface ClusterExtras {
  /** A virtual_table (dynamic clusters of a ghost or vswap device). */
  vtable?: boolean;
  /** An owner-only memcg_table (vswap-STE clusters). */
  ownerTable?: boolean;
}

/** swap_cluster_alloc_table(): table, memcg_table allocated together (P4); ci_dyn adds the virtual_table. */
export function clusterAllocTable(j: Journal, ci: SwapClusterInfo, slots: number, extras?: ClusterExtras): void {
  const table = new SwapTable(slots);
  j.set(ci, 'table', table);
  j.set(ci, 'memcgTable', clusterArray(j, ci, new Uint16Array(slots)));
  j.set(ci, 'simContent', clusterArray(j, ci, new Uint8Array(slots)));
  j.set(ci, 'simData', clusterArray(j, ci, new Float64Array(slots)));
  clusterArray(j, ci, table.meta);
  clusterArray(j, ci, table.val);
  j.set(ci, 'groupFill', clusterArray(j, ci, new Uint16Array(Math.ceil(slots / 64))));
  if (extras?.vtable) {
    const vt = new VirtualTable(slots);
    clusterArray(j, ci, vt.tag);
    clusterArray(j, ci, vt.val);
    j.set(ci, 'vtable', vt);
  }
  if (extras?.ownerTable) j.set(ci, 'ownerTable', clusterArray(j, ci, new Uint16Array(slots)));
}

/**
 * A per-cluster array just allocated: writes to it count as writes to the
 * cluster (owners.ts), and its old contents need no undo (journal birth).
 */
export function clusterArray<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(
  j: Journal,
  ci: SwapClusterInfo,
  arr: T,
): T {
  j.born(arr);
  return ownedBy(arr, ci);
}

/** swap_cluster_free_table(): freed only when the cluster returns to the free list. */
export function clusterFreeTable(j: Journal, ci: SwapClusterInfo): void {
  j.set(ci, 'table', null);
  j.set(ci, 'memcgTable', null);
  j.set(ci, 'extendTable', null);
  j.set(ci, 'simContent', null);
  j.set(ci, 'simData', null);
  j.set(ci, 'groupFill', null);
  if (ci.vtable) j.set(ci, 'vtable', null);
  if (ci.ownerTable) j.set(ci, 'ownerTable', null);
  if (ci.rmapType) j.set(ci, 'rmapType', null);
}
