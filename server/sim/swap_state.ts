/**
 * The swap cache and swapin (mm/swap_state.c; docs/kernel-model.md §4).
 *
 * A folio is in the swap cache when its slots hold PFN entries. Adding keeps
 * each slot's count and Z flag; deleting turns PFN into a shadow, and frees
 * slots whose count is already 0.
 */
import { PG_dirty, PG_readahead, PG_swapcache, PG_writeback, NO_SWAP } from './folio';
import type { Kernel } from './kernel';
import { SWP_SYNCHRONOUS_IO, TTRS_ANYWAY, TTRS_FULL, TTRS_UNMAPPED, type SwapInfo } from './swapfile';
import { swpEntry, swpOffset, swpType, type SwpEntry } from './swap_entry';
import { SlotKind, packShadow, tbKind, tbZero, withKind } from './swap_table';
import { mustExist, vmBugOn } from './debug_vm';

/** The folio (head PFN) cached at a slot, or -1 (swap_cache_get_folio's table lookup). */
export function swapCacheLookup(k: Kernel, entry: SwpEntry): number {
  const si = k.swap.swapInfo[swpType(entry)];
  if (!si) return -1;
  const off = swpOffset(entry);
  const meta = si.slotMeta(off);
  if (tbKind(meta) !== SlotKind.PFN) return -1;
  return k.folios.head[si.slotVal(off)]!;
}

/** __swap_cache_add_folio(): PFN entries over existing slots, counts and Z kept. */
export function swapCacheAddFolio(k: Kernel, pfn: number, entry: SwpEntry): void {
  const { j, folios: f } = k;
  vmBugOn(
    f.test(pfn, PG_swapcache),
    '__swap_cache_add_folio(): the folio is already in the swap cache',
    () => `pfn ${pfn}`,
  );
  const nr = f.nr(pfn);
  const si = mustExist(k.swap.swapInfo[swpType(entry)], '__swap_cache_add_folio(): no swap device of that type');
  const base = swpOffset(entry);
  for (let i = 0; i < nr; i++) {
    const ci = mustExist(si.clusterOf(base + i), '__swap_cache_add_folio(): the slot has no cluster');
    const off = (base + i) & (k.geom.clusterSlots - 1);
    const t = mustExist(ci.table, '__swap_cache_add_folio(): the cluster has no swap table');
    j.a(t.meta, off, withKind(t.meta[off]!, SlotKind.PFN));
    j.a(t.val, off, pfn + i);
  }
  cacheAccount(k, pfn, entry, nr);
  k.log.emit({ kind: 'cache-add', type: si.type, offset: base, nr, pfn });
}

/** Folio-side bookkeeping shared by both ways into the swap cache. */
export function cacheAccount(k: Kernel, pfn: number, entry: SwpEntry, nr: number): void {
  const f = k.folios;
  f.setFlag(pfn, PG_swapcache);
  k.j.a(f.swap, pfn, entry);
  k.j.set(k.stat, 'nrSwapcache', k.stat.nrSwapcache + nr);
  const m = k.memcgs.get(f.memcg[pfn]!);
  if (m) k.j.set(m, 'swapcachedPages', m.swapcachedPages + nr);
}

/**
 * __swap_cache_del_folio(): PFN -> shadow (count and Z kept), slots whose
 * count is 0 are freed now; the folio leaves the swap cache.
 */
export function swapCacheDelFolio(k: Kernel, pfn: number): void {
  const { j, folios: f } = k;
  vmBugOn(
    !f.test(pfn, PG_swapcache),
    '__swap_cache_del_folio(): the folio is not in the swap cache',
    () => `pfn ${pfn}`,
  );
  const entry = f.swap[pfn]!;
  const nr = f.nr(pfn);
  const si = mustExist(k.swap.swapInfo[swpType(entry)], '__swap_cache_del_folio(): no swap device of that type');
  const base = swpOffset(entry);
  const memcgId = f.memcg[pfn]!;
  const shadow = packShadow(k.stat.evictionClock, memcgId, false);
  let freeStart = -1;
  for (let i = 0; i <= nr; i++) {
    const off = base + i;
    let zeroCount = false;
    if (i < nr) {
      const ci = mustExist(si.clusterOf(off), '__swap_cache_del_folio(): the slot has no cluster');
      const co = off & (k.geom.clusterSlots - 1);
      const t = mustExist(ci.table, '__swap_cache_del_folio(): the cluster has no swap table');
      zeroCount = si.slotCount(off) === 0;
      j.a(t.meta, co, withKind(t.meta[co]!, SlotKind.SHADOW));
      j.a(t.val, co, shadow);
    }
    if (zeroCount) {
      if (freeStart < 0) freeStart = off;
    } else if (freeStart >= 0) {
      k.swap.freeEntriesAt(swpEntry(si.type, freeStart), off - freeStart);
      freeStart = -1;
    }
  }
  j.set(k.stat, 'evictionClock', k.stat.evictionClock + 1);
  f.clearFlag(pfn, PG_swapcache | PG_readahead);
  j.a(f.swap, pfn, NO_SWAP);
  j.set(k.stat, 'nrSwapcache', k.stat.nrSwapcache - nr);
  const m = k.memcgs.get(memcgId);
  if (m) j.set(m, 'swapcachedPages', m.swapcachedPages - nr);
  k.log.emit({ kind: 'cache-del', type: si.type, offset: base, nr, pfn });
}

/**
 * folio_free_swap(): drop a swapcache folio's slots if no slot has a count
 * left and no writeback is in flight. The folio stays, dirty, without swap.
 */
export function folioFreeSwap(k: Kernel, pfn: number): boolean {
  const f = k.folios;
  if (!f.test(pfn, PG_swapcache) || f.test(pfn, PG_writeback)) return false;
  const entry = f.swap[pfn]!;
  const si = k.swap.swapInfo[swpType(entry)]!;
  const base = swpOffset(entry);
  for (let i = 0; i < f.nr(pfn); i++) if (si.slotCount(base + i) > 0) return false;
  swapCacheDelFolio(k, pfn);
  f.setFlag(pfn, PG_dirty);
  return true;
}

/**
 * __try_to_reclaim_swap(): the swap layer wants the slot back. Frees the
 * folio's slots if it qualifies; an unmapped folio is freed altogether.
 * Returns the number of slots freed (0 if none), negative if a folio was
 * found but kept.
 */
export function tryToReclaimSwap(k: Kernel, si: SwapInfo, offset: number, flags: number): number {
  const pfn = swapCacheLookup(k, swpEntry(si.type, offset));
  if (pfn < 0) return 0;
  const f = k.folios;
  const nr = f.nr(pfn);
  // need_reclaim: any one of the requested conditions is enough
  const needReclaim =
    (flags & TTRS_ANYWAY) !== 0 ||
    ((flags & TTRS_UNMAPPED) !== 0 && f.mapcount[pfn]! === 0) ||
    ((flags & TTRS_FULL) !== 0 && memCgroupSwapFull(k, pfn));
  if (!needReclaim || !folioFreeSwap(k, pfn)) return -nr;
  if (f.mapcount[pfn]! === 0) k.mem.freeFolio(pfn);
  return nr;
}

/** swap_update_readahead(): a hit on a readahead folio feeds the window. */
function noteCacheHit(k: Kernel, pfn: number): void {
  if (!k.folios.test(pfn, PG_readahead)) return;
  k.folios.clearFlag(pfn, PG_readahead);
  k.vmstat.count('swap_ra_hit');
  k.j.set(k.ra, 'hits', k.ra.hits + 1);
}

/** __swapin_nr_pages(): the adaptive readahead window (mm/swap_state.c). */
export function swapinNrPages(
  prevOffset: number,
  offset: number,
  hits: number,
  maxPages: number,
  prevWin: number,
): number {
  let pages = hits + 2;
  if (pages === 2) {
    if (offset !== prevOffset + 1 && offset !== prevOffset - 1) pages = 1;
  } else {
    let roundup = 4;
    while (roundup < pages) roundup <<= 1;
    pages = roundup;
  }
  if (pages > maxPages) pages = maxPages;
  const lastRa = Math.floor(prevWin / 2);
  if (pages < lastRa) pages = lastRa;
  return pages;
}

/** swapin_nr_pages() for cluster readahead (global prev_offset and hit counter). */
function clusterRaPages(k: Kernel, offset: number): number {
  const maxPages = 1 << k.sysctl.page_cluster;
  if (maxPages <= 1) return 1;
  const hits = k.ra.hits;
  k.j.set(k.ra, 'hits', 0);
  const pages = swapinNrPages(k.ra.prevOffset, offset, hits, maxPages, k.ra.lastPages);
  if (!hits) k.j.set(k.ra, 'prevOffset', offset);
  k.j.set(k.ra, 'lastPages', pages);
  return pages;
}

/** Does this slot hold swapped-out data that readahead could bring in? */
function readableSlot(si: SwapInfo, offset: number): boolean {
  if (offset === 0 || offset >= si.max) return false;
  const m = si.slotMeta(offset);
  return tbKind(m) === SlotKind.SHADOW && si.slotCount(offset) > 0;
}

/**
 * swap_cluster_readahead(): read the aligned block of up to 2^page_cluster
 * slots around `offset` (header and empty slots skipped) into the swap
 * cache; the neighbours are marked PG_readahead and counted as swap_ra.
 */
export function swapClusterReadahead(k: Kernel, entry: SwpEntry, faultMemcg: number): void {
  const si = k.swap.swapInfo[swpType(entry)]!;
  const offset = swpOffset(entry);
  const mask = clusterRaPages(k, offset) - 1;
  if (!mask) return;
  const start = offset & ~mask;
  const end = offset | mask;
  for (let off = start; off <= end; off++) {
    if (off === offset || !readableSlot(si, off)) continue;
    if (!readaheadOne(k, swpEntry(si.type, off), faultMemcg)) break;
  }
}

/**
 * swap_vma_readahead(): read swap PTEs around the faulting address in the
 * VMA, with the window placed by the direction of the last fault
 * (swap_ra_info). Used when vma_ra_enabled and no rotational device is on.
 */
export function swapVmaReadahead(k: Kernel, vmaId: number, ptes: Float64Array, idx: number, faultMemcg: number): void {
  const maxPages = 1 << k.sysctl.page_cluster;
  if (maxPages <= 1) return;
  const st = k.vmaRa(vmaId);
  const prev = st.prevIdx;
  const hits = k.ra.hits;
  k.j.set(k.ra, 'hits', 0);
  const win = swapinNrPages(prev, idx, hits, maxPages, st.win);
  k.j.set(st, 'win', win);
  k.j.set(st, 'prevIdx', idx);
  if (win <= 1) return;
  const [lo, hi] = vmaRaWindow(prev, idx, win, ptes.length);
  for (let i = lo; i < hi; i++) {
    if (i === idx) continue;
    const e = readaheadEntry(k, ptes[i]!);
    if (e >= 0 && !readaheadOne(k, e, faultMemcg)) break;
  }
}

/**
 * The PTEs [lo, hi) swap_vma_readahead() reads around `idx` (swap_ra_info()):
 * after it when the faults go up, before it when they go down, centred
 * otherwise; clipped to the VMA's `nrPages`.
 */
function vmaRaWindow(prev: number, idx: number, win: number, nrPages: number): [number, number] {
  let lo: number;
  let hi: number;
  if (idx === prev + 1) {
    lo = idx;
    hi = idx + win;
  } else if (prev === idx + 1) {
    lo = idx - win + 1;
    hi = idx + 1;
  } else {
    const left = Math.floor((win - 1) / 2);
    lo = idx - left;
    hi = idx + win - left;
  }
  return [Math.max(0, lo), Math.min(nrPages, hi)];
}

/** The swap entry readahead would bring in for PTE value `v`, or -1 (not a swap PTE, or no data to read). */
function readaheadEntry(k: Kernel, v: number): SwpEntry {
  if (v >= 0) return -1;
  const e = -v - 1;
  const si = k.swap.swapInfo[swpType(e)];
  return si && readableSlot(si, swpOffset(e)) ? e : -1;
}

/** One step of a bulk swapin run (SwapinPlan.ops): the run index shifted left by 2, or-ed with the kind. */
export const SWAPIN_READAHEAD = 0;
export const SWAPIN_MISS = 1;
export const SWAPIN_HIT = 2;

/**
 * What do_swap_page() would do, fault after fault, over PTEs [from, end) of
 * one VMA in ascending order, where every PTE holds a swap entry whose slot
 * is swapped out and uncached, on a device that is not SWP_SYNCHRONOUS_IO,
 * and every allocation succeeds: which faults
 * find their folio in the swap cache (a readahead hit,
 * swap_update_readahead()), which miss and read it, and which pages each miss
 * reads ahead (swap_vma_readahead() with the window of __swapin_nr_pages()).
 * Nothing is changed: the caller replays `ops`. The plan stops before the
 * first fault whose readahead window would read a slot outside the run.
 */
export interface SwapinPlan {
  /** `ops[0, nOps)`: SWAPIN_READAHEAD (a folio read ahead into the cache), SWAPIN_MISS (read and mapped), SWAPIN_HIT (a cached folio mapped), in order. */
  ops: Int32Array;
  nOps: number;
  /** Faults planned: PTEs [from, from + faults) end up mapped. */
  faults: number;
  /** Folios allocated (read ahead or missed). */
  allocs: number;
  readahead: number;
  hits: number;
  /** The readahead state after the run: the global hit count and the VMA's window (unchanged when `raUpdated` is false). */
  raHits: number;
  raUpdated: boolean;
  win: number;
  prevIdx: number;
}

export function planSwapinRun(k: Kernel, vmaId: number, ptes: Float64Array, from: number, end: number): SwapinPlan {
  const n = end - from;
  const cached = new Uint8Array(n);
  const ops = new Int32Array(2 * n);
  const maxPages = 1 << k.sysctl.page_cluster;
  // swap_vma_readahead() with a window of one page reads nothing and keeps no state
  const readsAhead = maxPages > 1;
  const st = k.vmaRaPeek(vmaId);
  const plan: SwapinPlan = {
    ops,
    nOps: 0,
    faults: 0,
    allocs: 0,
    readahead: 0,
    hits: 0,
    raHits: k.ra.hits,
    raUpdated: false,
    win: st?.win ?? 0,
    prevIdx: st?.prevIdx ?? 0,
  };
  for (let idx = from; idx < end; idx++) {
    const r = idx - from;
    if (cached[r]) {
      // swap_cache_get_folio() hit on a readahead folio: swap_update_readahead()
      ops[plan.nOps++] = (r << 2) | SWAPIN_HIT;
      plan.hits++;
      plan.raHits++;
      plan.faults++;
      continue;
    }
    if (readsAhead) {
      const win = swapinNrPages(plan.prevIdx, idx, plan.raHits, maxPages, plan.win);
      if (win > 1) {
        const [lo, hi] = vmaRaWindow(plan.prevIdx, idx, win, ptes.length);
        for (let i = lo; i < hi; i++) if ((i < from || i >= end) && readaheadEntry(k, ptes[i]!) >= 0) return plan;
        // below idx the run is mapped already; above it, what is not yet cached is read ahead
        for (let i = Math.max(lo, idx + 1); i < hi; i++) {
          if (i >= end || cached[i - from]) continue;
          cached[i - from] = 1;
          ops[plan.nOps++] = ((i - from) << 2) | SWAPIN_READAHEAD;
          plan.readahead++;
          plan.allocs++;
        }
      }
      plan.raHits = 0;
      plan.raUpdated = true;
      plan.win = win;
      plan.prevIdx = idx;
    }
    ops[plan.nOps++] = (r << 2) | SWAPIN_MISS;
    plan.allocs++;
    plan.faults++;
  }
  return plan;
}

/**
 * __swap_cache_add_check(): after the folio allocation (which may have
 * reclaimed or OOM-killed), every slot must still be swapped out and
 * uncached, or the entry was freed under us (-ENOENT) or raced (-EEXIST).
 */
function stillSwappedOut(k: Kernel, entry: SwpEntry, nr: number): boolean {
  const si = k.swap.swapInfo[swpType(entry)];
  if (!si) return false;
  for (let i = 0; i < nr; i++) {
    const off = swpOffset(entry) + i;
    if (tbKind(si.slotMeta(off)) !== SlotKind.SHADOW || si.slotCount(off) < 1) return false;
  }
  return true;
}

/** No memory for the folio. */
const NOMEM = -1;
/** The slot was freed or cached meanwhile. */
const CHANGED = -2;

/** Allocate a folio for `entry` and add it to the swap cache, unless the slot changed meanwhile. */
function allocAndAdd(k: Kernel, entry: SwpEntry, order: number, faultMemcg: number, mayOom: boolean): number {
  const pfn = k.mem.allocSwapinFolio(entry, order, faultMemcg, mayOom);
  if (pfn < 0) return NOMEM;
  if (!stillSwappedOut(k, entry, 1 << order)) {
    k.mem.freeFolio(pfn);
    return CHANGED;
  }
  swapCacheAddFolio(k, pfn, entry);
  return pfn;
}

/** Bring one slot into the swap cache as a readahead folio; false when memory ran out. */
function readaheadOne(k: Kernel, entry: SwpEntry, faultMemcg: number): boolean {
  const pfn = allocAndAdd(k, entry, 0, faultMemcg, false);
  if (pfn < 0) return pfn === CHANGED;
  k.io.swapReadFolio(pfn, entry, 1);
  k.folios.setFlag(pfn, PG_readahead);
  k.vmstat.count('swap_ra');
  return true;
}

/** Every slot of an aligned range can be brought in as one large folio (__swap_cache_add_check). */
export function largeSwapinOk(k: Kernel, ptes: Float64Array, idx: number, entry: SwpEntry, order: number): boolean {
  const nr = 1 << order;
  const si = k.swap.swapInfo[swpType(entry)]!;
  const off = swpOffset(entry);
  if (off % nr !== 0 || idx % nr !== 0 || idx + nr > ptes.length) return false;
  const z = tbZero(si.slotMeta(off));
  const memcg = k.swapMemcgId(si, off);
  for (let i = 0; i < nr; i++) {
    if (ptes[idx + i] !== -(entry + i) - 1) return false;
    const m = si.slotMeta(off + i);
    if (tbKind(m) !== SlotKind.SHADOW || si.slotCount(off + i) < 1) return false;
    if (tbZero(m) !== z || k.swapMemcgId(si, off + i) !== memcg) return false;
  }
  return !k.zswap.anyPresent(entry, nr);
}

export interface SwapinResult {
  pfn: number;
  /** The PTE's page in the folio. */
  sub: number;
  major: boolean;
}

/**
 * The swap-cache half of do_swap_page(): find the folio in the cache or
 * allocate one (large on synchronous devices when every slot agrees,
 * otherwise order 0 with readahead), charge it and read it.
 */
export function swapinFolio(
  k: Kernel,
  ptes: Float64Array,
  idx: number,
  vmaId: number,
  vmaOrder: number,
  taskMemcg: number,
  opts: { vmaReadahead?: boolean; mayOom?: boolean } = {},
): SwapinResult | null {
  const mayOom = opts.mayOom ?? true;
  const entry = -ptes[idx]! - 1;
  const si = k.swap.swapInfo[swpType(entry)];
  if (!si) return null;
  const cached = swapCacheLookup(k, entry);
  if (cached >= 0) {
    noteCacheHit(k, cached);
    return { pfn: cached, sub: swpOffset(entry) - swpOffset(k.folios.swap[cached]!), major: false };
  }
  if (si.flags & SWP_SYNCHRONOUS_IO) {
    // swapin_sync: no readahead, try the mapping's mTHP order first
    for (let order = Math.min(vmaOrder, k.geom.nrOrders - 1); order > 0; order--) {
      const nr = 1 << order;
      const aIdx = idx - (idx % nr);
      const aEntry = -ptes[aIdx]! - 1;
      if (ptes[aIdx]! >= 0 || !largeSwapinOk(k, ptes, aIdx, aEntry, order)) {
        k.vmstat.mthpCount(order, 'swpin_fallback');
        continue;
      }
      const pfn = allocAndAdd(k, aEntry, order, taskMemcg, mayOom);
      if (pfn < 0) {
        k.vmstat.mthpCount(order, 'swpin_fallback_charge');
        continue;
      }
      k.io.swapReadFolio(pfn, aEntry, nr);
      k.vmstat.mthpCount(order, 'swpin');
      return { pfn, sub: idx - aIdx, major: true };
    }
  } else if (opts.vmaReadahead !== false && k.vmaRaActive()) {
    swapVmaReadahead(k, vmaId, ptes, idx, taskMemcg);
  } else {
    swapClusterReadahead(k, entry, taskMemcg);
  }
  const again = swapCacheLookup(k, entry);
  if (again >= 0) return { pfn: again, sub: 0, major: true };
  const pfn = allocAndAdd(k, entry, 0, taskMemcg, mayOom);
  if (pfn < 0) {
    // raced with a swapin that cached it meanwhile? then use that folio
    const raced = swapCacheLookup(k, entry);
    return raced >= 0 ? { pfn: raced, sub: swpOffset(entry) - swpOffset(k.folios.swap[raced]!), major: true } : null;
  }
  k.io.swapReadFolio(pfn, entry, 1);
  return { pfn, sub: 0, major: true };
}

/** mem_cgroup_swap_full(): all swap is half used, or the folio's memcg (or an ancestor) is at half its swap limit. */
export function memCgroupSwapFull(k: Kernel, pfn: number): boolean {
  if (k.swap.vmSwapFull()) return true;
  const m = k.memcgs.get(k.folios.memcg[pfn]!);
  return m !== undefined && k.memcgs.swapFull(m);
}

/** should_try_to_free_swap(): drop the folio from the swap cache right after the fault maps it. */
export function shouldFreeSwapAfterFault(k: Kernel, pfn: number, write: boolean, vmaLocked: boolean): boolean {
  const entry = k.folios.swap[pfn]!;
  const si = k.swap.swapInfo[swpType(entry)];
  if (!si) return false;
  if (si.flags & SWP_SYNCHRONOUS_IO) return true;
  if (memCgroupSwapFull(k, pfn)) return true;
  if (vmaLocked) return true;
  return write;
}
