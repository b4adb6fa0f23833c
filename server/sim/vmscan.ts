/**
 * Page reclaim (mm/vmscan.c: shrink_folio_list(), shrink_lruvec(),
 * get_scan_count(), shrink_active_list(), lru_note_cost(),
 * try_to_free_mem_cgroup_pages(), reclaim_pages(); docs/kernel-model.md §4.2,
 * §7.8). Two lists per type (anon and file) per memcg, without MGLRU,
 * watermarks or kswapd; see docs/simulator.md.
 *
 * Reclaim runs in passes over the cgroups of the target's subtree. In each
 * pass a cgroup's lists are scanned for up to SWAP_CLUSTER_MAX pages,
 * split between anon and file the way get_scan_count() balances them
 * (SCAN_FILE without swap or at memcg swappiness 0, SCAN_ANON for
 * swappiness=max or a tiny file LRU, SCAN_FILE while there is plenty of
 * inactive page cache, SCAN_EQUAL at the last priority, else fractions of
 * swappiness weighted by the recent reclaim cost of each type); the pass
 * number stands in for sc->priority, which starts at DEF_PRIORITY and
 * drops by one per pass.
 */
import type { SwapClusterInfo } from './cluster';
import { ZERO_CONTENT_CODE } from './content';
import { designDescriptor } from './designs/profiles';
import {
  NO_SWAP,
  PG_active,
  PG_dirty,
  PG_lru,
  PG_mlocked,
  PG_referenced,
  PG_reclaim,
  PG_sim_lazyfree,
  PG_sim_nobackend,
  PG_swapbacked,
  PG_swapcache,
} from './folio';
import { reclaimLazyfree } from './madvise';
import { isPageCache, removePageCacheFolio, runFlusher } from './filemap';
import { mergeKey } from './events';
import type { Kernel } from './kernel';
import { inactiveIsLow, isFileLru, lruAddTail, lruDel, lruMove } from './lru';
import { objcgMemcg, type LruList, type Memcg } from './memcontrol';
import { BULK_MIN_PAGES, forEachPfnRun, pfnMembership } from './memory';
import { pteSwap, type Vma } from './mm';
import { watermarks } from './procfs';
import { shmemWriteoutStart } from './shmem';
import { swapCacheDelFolio } from './swap_state';
import { swpOffset, swpType, type SwpEntry } from './swap_entry';
import { SlotKind, mkMeta, packShadow } from './swap_table';
import { folioTierEffectiveMask } from './swap_tier';
import { zswapShrinkerScan } from './zswap';

/**
 * 'activated': referenced, second chance; 'failed': could not be reclaimed
 * now (activated, kept); 'deferred': a dirty file folio left to the flusher;
 * 'writeback': written by an asynchronous bio, kept in the swap cache (the
 * caller puts it back with rotateReclaimable()).
 */
export type ShrinkResult = 'reclaimed' | 'kept' | 'activated' | 'failed' | 'deferred' | 'writeback';

/** SWAP_CLUSTER_MAX: reclaim works in batches of 32 pages. */
export const SWAP_CLUSTER_MAX = 32;
/** MAX_RECLAIM_RETRIES before a memcg charge gives up and OOMs. */
export const MAX_RECLAIM_RETRIES = 16;
/** DEF_PRIORITY: the first pass scans lists >> 12. */
export const DEF_PRIORITY = 12;
/** MAX_SWAPPINESS and SWAPPINESS_ANON_ONLY (memory.reclaim swappiness=max). */
export const MAX_SWAPPINESS = 200;
export const SWAPPINESS_ANON_ONLY = MAX_SWAPPINESS + 1;

export interface ReclaimOptions {
  /** cgroup_reclaim(): a limit, memory.high or memory.reclaim, not global memory shortage. */
  memcgTargeted: boolean;
  /** sc->proactive swappiness (memory.reclaim); undefined: vm.swappiness. */
  swappiness?: number;
}

/** What get_scan_count() decided for one lruvec: the share of a pass's scan that goes to anon. */
export interface ScanBalance {
  mode: 'anon' | 'file' | 'equal' | 'fract';
  /** 0..1 */
  anonShare: number;
}

/** The parts of struct scan_control that shrink_node() sets up for the target lruvec once per priority. */
interface ScanControl {
  priority: number;
  swappiness: number;
  memcgTargeted: boolean;
  anonCost: number;
  fileCost: number;
  cacheTrimMode: boolean;
  fileIsTiny: boolean;
}

export class Vmscan {
  constructor(private readonly k: Kernel) {}

  /**
   * shrink_folio_list() for one folio: anon folios are swapped out, shmem
   * folios are written to swap by shmem_writeout(), file folios are dropped
   * when clean and left to the flusher when dirty. Returns what happened.
   */
  shrinkFolio(pfn: number, ignoreReferences: boolean): ShrinkResult {
    const k = this.k;
    const f = k.folios;
    const m = k.memcgs.get(f.memcg[pfn]!) ?? k.memcgs.root;
    if (f.test(pfn, PG_mlocked)) return 'kept';
    if (f.test(pfn, PG_sim_lazyfree)) return reclaimLazyfree(k, pfn);
    if (!ignoreReferences && f.test(pfn, PG_referenced)) {
      const mappedOrAnon = f.mapcount[pfn]! > 0 || !isPageCache(k, pfn);
      f.clearFlag(pfn, PG_referenced);
      // folio_check_references(): referenced through page tables: activate; an unmapped page cache folio referenced
      // only by reads is reclaimed (FOLIOREF_RECLAIM_CLEAN for file, FOLIOREF_RECLAIM for shmem)
      if (mappedOrAnon) {
        lruMove(k.j, f, m, pfn, true);
        k.vmstat.count('pgactivate', f.nr(pfn));
        k.memcgs.statEvent(m, 'pgactivate', f.nr(pfn));
        return 'activated';
      }
    }
    if (isPageCache(k, pfn)) {
      k.mem.tryToUnmap(pfn);
      if (f.mapcount[pfn]! > 0) return 'kept';
      if (isFileLru(f, pfn)) return this.shrinkFileFolio(pfn, m);
      // shmem: into the swap cache, the swap entries into the file (shmem_writeout())
      if (!shmemWriteoutStart(k, pfn)) return this.swapAllocFailed(pfn, m);
      return this.writeOutAndFree(pfn, m);
    }
    if (!f.test(pfn, PG_swapcache)) {
      if (!k.folioAllocSwap(pfn)) return this.swapAllocFailed(pfn, m);
      f.setFlag(pfn, PG_dirty);
    }
    k.mem.tryToUnmap(pfn);
    if (f.mapcount[pfn]! > 0) return 'kept';
    return this.writeOutAndFree(pfn, m);
  }

  /**
   * No swap slots for the folio: an order-0 folio is activated and stays;
   * a large one is split and each page tried on its own
   * (split_folio_to_list()), counting the fallbacks.
   */
  private swapAllocFailed(pfn: number, m: Memcg): ShrinkResult {
    const k = this.k;
    const order = k.folios.order[pfn]!;
    if (order === 0) return this.activate(pfn, m);
    if (order === k.geom.pmdOrder && k.geom.thpSwap) {
      k.vmstat.count('thp_swpout_fallback');
      k.memcgs.statEvent(m, 'thp_swpout_fallback', 1);
    }
    k.vmstat.mthpCount(order, 'swpout_fallback');
    k.log.emit({ kind: 'fallback', what: 'swpout', order, reason: 'no contiguous swap slots' });
    k.mem.splitFolio(pfn);
    let any: ShrinkResult = 'kept';
    for (let i = 0; i < 1 << order; i++) {
      const r = this.shrinkFolio(pfn + i, true);
      if (r === 'reclaimed') any = 'reclaimed';
      if (r === 'writeback') this.rotateReclaimable(pfn + i);
    }
    return any;
  }

  /**
   * pageout() of a swap-cache folio, then __remove_mapping(): a shadow in
   * the slots, the folio freed. A folio whose write went out as an
   * asynchronous bio is still under writeback when pageout() returns, and
   * shrink_folio_list() keeps it (`goto keep`): it stays in the swap cache,
   * charged, on the inactive list, until a later reclaim finds it clean, a
   * fault maps it back without a read, or its last swap reference goes.
   */
  private writeOutAndFree(pfn: number, m: Memcg): ShrinkResult {
    const k = this.k;
    const f = k.folios;
    if (f.test(pfn, PG_dirty)) {
      const w = k.io.swapWriteout(pfn);
      if (w === 'activate') return this.activate(pfn, m);
      // a failed write: the folio stays dirty in the swap cache for a later pass
      if (w === 'error') return 'kept';
      if (w === 'writeback') {
        // references were cleared on the way here (folio_check_references(), or MADV_PAGEOUT's folio_clear_referenced())
        f.clearFlag(pfn, PG_referenced);
        return 'writeback';
      }
    }
    swapCacheDelFolio(k, pfn);
    return this.freeReclaimed(pfn, m, 'pgsteal_anon');
  }

  /** The end of a reclaimed folio once it left its cache: freed, counted in pgsteal of its type. */
  private freeReclaimed(pfn: number, m: Memcg, counter: 'pgsteal_anon' | 'pgsteal_file'): ShrinkResult {
    const k = this.k;
    const nr = k.folios.nr(pfn);
    k.mem.freeFolio(pfn);
    k.vmstat.count(counter, nr);
    k.memcgs.statEvent(m, 'pgsteal', nr);
    return 'reclaimed';
  }

  /**
   * shrink_folio_list() over the folios that PTEs [from, to) of `vma` map,
   * as MADV_PAGEOUT hands them to reclaim_pages(), for a run of folios that
   * all take its plainest path: order 0, mapped once, not mlocked, not yet
   * in the swap cache, on the LRU, of one memcg whose swap charge fits,
   * zero-filled or with zswap off, on a design without a virtual layer and
   * with no zram device swapped on.
   * Each folio goes through what shrinkFolio() does, in the same order and
   * with the same events: the slot from allocSlots() itself, then the unmap
   * (count 1), the writeout (Z or a device write), and then either the
   * swap-cache deletion (a shadow) and the free, or, for an asynchronous
   * device write, the folio kept clean in the swap cache and rotated to the
   * inactive list's tail (folio_rotate_reclaimable()). The folio, PTE and table runs are journaled as
   * ranges and the counters once; the LRU removals, uncharges and buddy
   * frees, which nothing in the loop reads, are done after it.
   * test/sim/bulk.test.ts checks the result against shrinkFolio() page by
   * page. Returns the pages handled from `from` and how many were freed
   * (0 handled: the run does not qualify).
   */
  shrinkOrder0Run(vma: Vma, from: number, to: number): { handled: number; reclaimed: number } {
    const none = { handled: 0, reclaimed: 0 };
    const k = this.k;
    const f = k.folios;
    if (vma.mlocked || designDescriptor(k.design).capabilities.hasDynamicClusters) return none;
    // a zram device stores each page it is written (zram_write_page() in page_io.ts): this run does not write pages
    if (k.swap.devices.some((d) => d.kind === 'zram')) return none;
    const n0 = this.order0RunLength(vma, from, to);
    if (n0 < BULK_MIN_PAGES) return none;
    const memcgId = f.memcg[vma.pte[from]! - 1]!;
    const owner = k.memcgs.get(memcgId) ?? k.memcgs.root;
    const m = k.memcgs.onlineAncestor(owner);
    let n = n0;
    for (const c of m.ancestorsAndSelf()) if (!c.isRoot) n = Math.min(n, c.swap.max - c.swap.usage);
    // with a cache-only folio about, reclaim inside the allocator could free pages mid-run: stay below vm_swap_full()
    if (k.stat.nrSwapcache > 0)
      n = Math.min(n, Math.floor(k.swap.counters.nrSwapPages - k.swap.counters.totalSwapPages / 2));
    if (n < BULK_MIN_PAGES) return none;
    const j = k.j;
    const pfns = new Int32Array(n);
    for (let i = 0; i < n; i++) pfns[i] = vma.pte[from + i]! - 1;
    forEachPfnRun(pfns, n, (start, end) => f.saveRange(start, end));
    j.saveRange(vma.pte, from, from + n);
    const objcg = objcgMemcg(k, memcgId);
    const slots = k.geom.clusterSlots;
    let clock = k.stat.evictionClock;
    let saved: SwapClusterInfo | null = null;
    let zeroPages = 0;
    /** Folios written by an asynchronous bio: kept in the swap cache under writeback, in the order written. */
    const kept = new Int32Array(n);
    let nKept = 0;
    /** Folios freed, in the order handled. */
    const gone = new Int32Array(n);
    let nGone = 0;
    let done = 0;
    let failed = false;
    // the events, one per page as shrinkFolio() emits them, merged into runs without building each (EventLog.extendByOne)
    const log = k.log.enabled ? k.log : null;
    const keyCache = new Map<number, { put: string; zero: string; disk: string; del: string }>();
    const keys = (type: number): { put: string; zero: string; disk: string; del: string } => {
      let c = keyCache.get(type);
      if (!c) {
        const slot = { type, offset: 0, nr: 1 };
        c = {
          put: mergeKey({ kind: 'slot-count', ...slot, delta: 1 })!,
          zero: mergeKey({ kind: 'swapout', ...slot, backend: 'zero' })!,
          disk: mergeKey({ kind: 'swapout', ...slot, backend: 'disk' })!,
          del: mergeKey({ kind: 'cache-del', ...slot, pfn: 0 })!,
        };
        keyCache.set(type, c);
      }
      return c;
    };
    /** The rest of shrink_folio_list() for run folio `i`, once it has its slot. */
    const swapOut = (i: number, entry: SwpEntry): void => {
      const pfn = pfns[i]!;
      const si = k.swap.swapInfo[swpType(entry)]!;
      const off = swpOffset(entry);
      const ci = si.clusterOf(off)!;
      const t = ci.table!;
      const co = off & (slots - 1);
      if (ci !== saved) {
        for (const a of [t.meta, t.val, ci.memcgTable!, ci.simContent!, ci.simData!]) j.saveRange(a, co, slots);
        saved = ci;
      }
      ci.memcgTable![co] = m.id;
      // try_to_unmap(): the PTE takes the entry, the slot a count
      vma.pte[from + i] = pteSwap(entry);
      if (log && !log.extendByOne(keys(si.type).put, off))
        log.emit({ kind: 'slot-count', type: si.type, offset: off, nr: 1, delta: 1 });
      // swap_writeout(): a zero-filled folio sets Z only; any other goes to the device (zswap is off)
      const code = f.content[pfn]!;
      ci.simContent![co] = code;
      ci.simData![co] = f.data[pfn]!;
      const zero = code === ZERO_CONTENT_CODE;
      if (zero) zeroPages++;
      if (log && !log.extendByOne(zero ? keys(si.type).zero : keys(si.type).disk, off)) {
        log.emit({ kind: 'swapout', type: si.type, offset: off, nr: 1, backend: zero ? 'zero' : 'disk' });
      }
      f.mapcount[pfn] = 0;
      if (!zero && k.io.writesAsync(si)) {
        // an asynchronous bio: the folio stays in the swap cache, clean, its slot counted by the PTE
        t.meta[co] = mkMeta(SlotKind.PFN, 1, false);
        t.val[co] = pfn;
        f.flags[pfn] = (f.flags[pfn]! | PG_swapcache) & ~(PG_dirty | PG_referenced | PG_sim_nobackend);
        f.swap[pfn] = entry;
        kept[nKept++] = pfn;
        return;
      }
      // __swap_cache_del_folio(): the PFN entry becomes a shadow, count and Z kept
      t.meta[co] = mkMeta(SlotKind.SHADOW, 1, zero);
      t.val[co] = packShadow(clock++, memcgId, false);
      if (log && !log.extendByOne(keys(si.type).del, off, pfn))
        log.emit({ kind: 'cache-del', type: si.type, offset: off, nr: 1, pfn });
      f.swap[pfn] = NO_SWAP;
      gone[nGone++] = pfn;
    };
    // only devices of the memcg's tiers may serve it (folio_tier_effective_mask())
    const tiers = folioTierEffectiveMask(k.tiers, m);
    while (done < n) {
      // folio_alloc_swap(): the allocator itself, slot by slot; runs of slots from this CPU's cluster at once
      const base = done;
      done += k.swap.allocFastRun(pfns, base, n - base, k.cpu, tiers, (i, entry) => swapOut(base + i, entry));
      if (done === n) break;
      const entry = k.swap.allocSlots(pfns[done]!, 0, k.cpu, tiers);
      if (entry === null) {
        failed = true;
        break;
      }
      swapOut(done++, entry);
    }
    // what the loop deferred: nothing in it reads the LRU, the buddy lists, memory.current or these counters
    const freed = nGone;
    // every folio handled leaves its LRU list (the run's own links need no undo of their own: they were saved)
    const inRun = pfnMembership(pfns, n);
    this.unlinkRun(pfns, done, owner, inRun);
    this.releaseRun(gone, nGone, owner);
    if (nKept > 0) {
      // cacheAccount() of the kept folios, then folio_rotate_reclaimable() of each in the order written
      j.set(k.stat, 'nrSwapcache', k.stat.nrSwapcache + nKept);
      const cm = k.memcgs.get(memcgId);
      if (cm) j.set(cm, 'swapcachedPages', cm.swapcachedPages + nKept);
      this.linkTailRun(kept, nKept, owner.inactiveAnon, inRun);
    }
    j.set(k.stat, 'evictionClock', clock);
    k.memcgs.forceCharge(m, 'swap', done);
    j.set(m, 'swapIdRefs', m.swapIdRefs + done);
    k.vmstat.count('swpout_zero', zeroPages);
    if (objcg) k.memcgs.statEvent(objcg, 'swpout_zero', zeroPages);
    k.vmstat.count('pswpout', done - zeroPages);
    k.memcgs.statEvent(owner, 'pswpout', done - zeroPages);
    k.vmstat.count('pgsteal_anon', freed);
    k.memcgs.statEvent(owner, 'pgsteal', freed);
    if (!failed) return { handled: done, reclaimed: freed };
    // no slot for this folio: folio_alloc_swap() fails it as it would one by one
    k.memcgs.swapEvent(owner, 'fail');
    this.activate(pfns[done]!, owner);
    return { handled: done + 1, reclaimed: freed };
  }

  /** How many PTEs from `from` map folios the bulk swapout can take (shrinkOrder0Run). */
  private order0RunLength(vma: Vma, from: number, to: number): number {
    const f = this.k.folios;
    // a page that is not zero-filled goes to zswap: this run does not store pages there
    const writesKept = this.k.zswap.params.enabled;
    const first = vma.pte[from]!;
    if (first <= 0) return 0;
    const memcgId = f.memcg[first - 1]!;
    let e = from;
    for (; e < to; e++) {
      const p = vma.pte[e]!;
      if (p <= 0) break;
      const pfn = p - 1;
      if (f.head[pfn] !== pfn || f.order[pfn] !== 0 || f.mapcount[pfn] !== 1) break;
      const flags = f.flags[pfn]!;
      // lazy-free folios are discarded, page cache (shmem) folios written out through their file: not this path
      if (
        flags & (PG_mlocked | PG_swapcache | PG_sim_lazyfree) ||
        !(flags & PG_lru) ||
        !(flags & PG_swapbacked) ||
        f.mapping[pfn] !== 0
      )
        break;
      if (f.memcg[pfn] !== memcgId || f.anonVma[pfn] !== vma.anonVma.id || f.index[pfn] !== e) break;
      if (writesKept && f.content[pfn] !== ZERO_CONTENT_CODE) break;
    }
    return e - from;
  }

  /**
   * lruvec_del_folio() of each of a bulk swapout's folios, in any order
   * (the list left is the same). Links of folios in `saved` (the run, whose
   * arrays the caller saved) are written directly, their neighbours'
   * outside it through the journal.
   */
  private unlinkRun(pfns: Int32Array, n: number, owner: Memcg, saved: (pfn: number) => boolean): void {
    const k = this.k;
    const j = k.j;
    const f = k.folios;
    const setLink = (a: Int32Array, pfn: number, v: number): void => {
      if (saved(pfn)) a[pfn] = v;
      else j.a(a, pfn, v);
    };
    let active = 0;
    let inactive = 0;
    for (let i = 0; i < n; i++) {
      const pfn = pfns[i]!;
      const isActive = (f.flags[pfn]! & PG_active) !== 0;
      const list = isActive ? owner.activeAnon : owner.inactiveAnon;
      const p = f.lruPrev[pfn]!;
      const nx = f.lruNext[pfn]!;
      if (p >= 0) setLink(f.lruNext, p, nx);
      else j.set(list, 'head', nx);
      if (nx >= 0) setLink(f.lruPrev, nx, p);
      else j.set(list, 'tail', p);
      if (isActive) active++;
      else inactive++;
      f.lruPrev[pfn] = -1;
      f.lruNext[pfn] = -1;
      f.flags[pfn] = f.flags[pfn]! & ~(PG_lru | PG_active);
    }
    if (active) j.set(owner.activeAnon, 'nrPages', owner.activeAnon.nrPages - active);
    if (inactive) j.set(owner.inactiveAnon, 'nrPages', owner.inactiveAnon.nrPages - inactive);
  }

  /**
   * lruvec_add_folio_tail() of each of `pfns[0, n)` in turn, off any list
   * and inactive now (folio_rotate_reclaimable() after unlinkRun()).
   */
  private linkTailRun(pfns: Int32Array, n: number, list: LruList, saved: (pfn: number) => boolean): void {
    const k = this.k;
    const j = k.j;
    const f = k.folios;
    let tail = list.tail;
    for (let i = 0; i < n; i++) {
      const pfn = pfns[i]!;
      f.lruPrev[pfn] = tail;
      f.lruNext[pfn] = -1;
      f.flags[pfn] = f.flags[pfn]! | PG_lru;
      if (tail < 0) j.set(list, 'head', pfn);
      else if (saved(tail)) f.lruNext[tail] = pfn;
      else j.a(f.lruNext, tail, pfn);
      tail = pfn;
    }
    j.set(list, 'tail', tail);
    j.set(list, 'nrPages', list.nrPages + n);
  }

  /**
   * The rest of freeFolio() for a bulk swapout's freed folios, already off
   * the LRU (unlinkRun()): memory uncharged, the folio released, the pages
   * back to the buddy allocator. Their array entries are in the ranges the
   * caller saved.
   */
  private releaseRun(pfns: Int32Array, n: number, owner: Memcg): void {
    const k = this.k;
    const f = k.folios;
    for (let i = 0; i < n; i++) {
      const pfn = pfns[i]!;
      f.head[pfn] = -1;
      f.flags[pfn] = 0;
      f.anonVma[pfn] = -1;
    }
    k.memcgs.uncharge(owner, 'memory', n);
    k.j.set(f, 'nrFolios', f.nrFolios - n);
    k.pages.freeOrder0Run(pfns, n);
  }

  /**
   * A file folio: clean, it leaves the page cache and is freed; dirty, only
   * the flusher may write it (reclaim outside kswapd does not write
   * filesystem folios): it is marked PG_reclaim, the flusher is woken, and
   * the folio is activated for now.
   */
  private shrinkFileFolio(pfn: number, m: Memcg): ShrinkResult {
    const k = this.k;
    const f = k.folios;
    if (f.test(pfn, PG_dirty)) {
      f.setFlag(pfn, PG_reclaim);
      if (!k.pagecache.flushPending) k.j.set(k.pagecache, 'flushPending', true);
      this.activate(pfn, m);
      return 'deferred';
    }
    removePageCacheFolio(k, pfn);
    return this.freeReclaimed(pfn, m, 'pgsteal_file');
  }

  /**
   * folio_rotate_reclaimable() at the end of a reclaim write: the folio
   * (PG_reclaim) goes to the tail of the inactive list, the next to be
   * reclaimed, now clean. The simulator has no I/O time: the write is over
   * by the time the folio is back on its list.
   */
  rotateReclaimable(pfn: number): void {
    const k = this.k;
    const m = k.memcgs.get(k.folios.memcg[pfn]!) ?? k.memcgs.root;
    lruDel(k.j, k.folios, m, pfn);
    lruAddTail(k.j, k.folios, m, pfn, false);
  }

  /** activate_locked: the folio could not be reclaimed now; keep it on the active list. */
  private activate(pfn: number, m: Memcg): ShrinkResult {
    const k = this.k;
    if (!k.folios.test(pfn, PG_active)) lruMove(k.j, k.folios, m, pfn, true);
    k.vmstat.count('pgactivate', k.folios.nr(pfn));
    return 'failed';
  }

  /** can_reclaim_anon_pages(): the lruvec's cgroup needs swap headroom in itself, its ancestors and the system. */
  canReclaimAnon(m: Memcg | null): boolean {
    const k = this.k;
    const free = k.swap.counters.nrSwapPages;
    if (!m || m.isRoot) return free > 0;
    return k.memcgs.nrSwapPagesFor(m, free) > 0;
  }

  /** shrink_active_list(): move folios from the active tail to the inactive head. */
  private deactivate(m: Memcg, file: boolean, nrPages: number): void {
    const k = this.k;
    const f = k.folios;
    const active = file ? m.activeFile : m.activeAnon;
    let moved = 0;
    while (moved < nrPages && active.tail >= 0) {
      const pfn = active.tail;
      f.clearFlag(pfn, PG_referenced);
      lruMove(k.j, f, m, pfn, false);
      moved += f.nr(pfn);
    }
    if (moved) {
      k.vmstat.count('pgdeactivate', moved);
      k.memcgs.statEvent(m, 'pgdeactivate', moved);
    }
  }

  /**
   * shrink_node()'s setup for one priority: the target lruvec's reclaim
   * costs, cache trim mode (enough inactive page cache that is not
   * thrashing: reclaim it before anon) and, for global reclaim, whether the
   * file LRU is too small to matter (file_is_tiny).
   */
  private scanControl(target: Memcg, priority: number, opts: ReclaimOptions): ScanControl {
    const k = this.k;
    let inactiveFile = 0;
    let activeFile = 0;
    let inactiveAnon = 0;
    for (const d of target.subtree()) {
      inactiveFile += d.inactiveFile.nrPages;
      activeFile += d.activeFile.nrPages;
      inactiveAnon += d.inactiveAnon.nrPages;
    }
    const fileLow = inactiveFile * inactiveRatio(inactiveFile + activeFile, k.geom.pageSize) < activeFile;
    const anonLow = inactiveIsLow(target, k.geom.pageSize);
    let fileIsTiny = false;
    if (!opts.memcgTargeted) {
      fileIsTiny =
        inactiveFile + activeFile + k.pages.nrFree <= watermarks(k).high && !anonLow && inactiveAnon >> priority > 0;
    }
    return {
      priority,
      swappiness: opts.swappiness ?? k.sysctl.swappiness,
      memcgTargeted: opts.memcgTargeted,
      anonCost: target.anonCost,
      fileCost: target.fileCost,
      cacheTrimMode: inactiveFile >> priority > 0 && !fileLow,
      fileIsTiny,
    };
  }

  /** get_scan_count()'s scan_balance and fractions for one lruvec. */
  scanBalance(m: Memcg, sc: ScanControl): ScanBalance {
    const swappiness = sc.swappiness;
    // no swap space (or none the cgroup may use): file only
    if (!this.canReclaimAnon(m)) return { mode: 'file', anonShare: 0 };
    // memcg users disable swapping of a group with swappiness 0
    if (sc.memcgTargeted && swappiness === 0) return { mode: 'file', anonShare: 0 };
    // proactive reclaim of anonymous memory only
    if (swappiness === SWAPPINESS_ANON_ONLY) return { mode: 'anon', anonShare: 1 };
    // close to OOM: scan both equally (unless swappiness disagrees with swapping)
    if (sc.priority === 0 && swappiness) return { mode: 'equal', anonShare: -1 };
    if (sc.fileIsTiny) return { mode: 'anon', anonShare: 1 };
    if (sc.cacheTrimMode) return { mode: 'file', anonShare: 0 };
    // SCAN_FRACT: pressure inversely proportional to each type's recent cost, times swappiness
    let total = sc.anonCost + sc.fileCost;
    const anonCost = total + sc.anonCost;
    const fileCost = total + sc.fileCost;
    total = anonCost + fileCost;
    const ap = Math.floor((swappiness * (total + 1)) / (anonCost + 1));
    const fp = Math.floor(((MAX_SWAPPINESS - swappiness) * (total + 1)) / (fileCost + 1));
    return { mode: 'fract', anonShare: ap + fp === 0 ? 0 : ap / (ap + fp) };
  }

  /**
   * lru_note_cost(): scanning `scanned` pages of one type, `reclaimed`
   * freed and `io` written out, costs io × SWAP_CLUSTER_MAX + rotated; added
   * to the lruvec and every ancestor, halving both costs once they pass a
   * quarter of the lists' size.
   */
  private noteCost(m: Memcg, file: boolean, io: number, rotated: number): void {
    const k = this.k;
    const cost = io * SWAP_CLUSTER_MAX + rotated;
    if (!cost) return;
    for (const c of m.ancestorsAndSelf()) {
      if (file) k.j.set(c, 'fileCost', c.fileCost + cost);
      else k.j.set(c, 'anonCost', c.anonCost + cost);
      let lrusize = 0;
      for (const d of c.subtree())
        lrusize += d.inactiveAnon.nrPages + d.activeAnon.nrPages + d.inactiveFile.nrPages + d.activeFile.nrPages;
      if (c.fileCost + c.anonCost > lrusize / 4) {
        k.j.set(c, 'fileCost', Math.floor(c.fileCost / 2));
        k.j.set(c, 'anonCost', Math.floor(c.anonCost / 2));
      }
    }
  }

  /**
   * shrink_inactive_list() for up to `budget` pages of one inactive list,
   * from its tail. Returns pages reclaimed and whether anything moved.
   */
  private shrinkInactive(
    m: Memcg,
    file: boolean,
    budget: number,
    want: number,
  ): { reclaimed: number; progress: boolean } {
    const k = this.k;
    const list: LruList = file ? m.inactiveFile : m.inactiveAnon;
    const scanEvent = file ? 'pgscan_file' : 'pgscan_anon';
    let reclaimed = 0;
    let scanned = 0;
    let progress = false;
    const pswpout = k.vmstat.events.pswpout + k.vmstat.events.zswpout + k.vmstat.events.swpout_zero;
    // folios under writeback stay isolated until the batch ends, then rotate to the tail
    const underWriteback: number[] = [];
    while (budget > 0 && reclaimed < want && list.tail >= 0) {
      const pfn = list.tail;
      const nr = k.folios.nr(pfn);
      budget -= nr;
      scanned += nr;
      k.vmstat.count(scanEvent, nr);
      k.memcgs.statEvent(m, 'pgscan', nr);
      const r = this.shrinkFolio(pfn, false);
      if (r === 'reclaimed') {
        reclaimed += nr;
        progress = true;
      } else if (r === 'activated') {
        progress = true;
      } else if (r === 'writeback') {
        // isolated from the list like the rest of the batch, so the scan moves on
        lruDel(k.j, k.folios, m, pfn);
        underWriteback.push(pfn);
        progress = true;
      } else if (r !== 'deferred') {
        // kept on the inactive list: rotate it so the scan moves on
        lruMove(k.j, k.folios, m, pfn, false);
      }
    }
    for (const pfn of underWriteback) this.rotateReclaimable(pfn);
    const io = k.vmstat.events.pswpout + k.vmstat.events.zswpout + k.vmstat.events.swpout_zero - pswpout;
    this.noteCost(m, file, io, scanned - reclaimed);
    return { reclaimed, progress };
  }

  /**
   * shrink_lruvec() over a subtree, in passes (see the top of the file)
   * until `nrPages` are reclaimed or a full pass frees nothing. Reclaim
   * that falls short runs the zswap shrinker on each online cgroup.
   */
  reclaim(target: Memcg, nrPages: number, opts: ReclaimOptions): number {
    const k = this.k;
    const groups = [...target.subtree()];
    let reclaimed = 0;
    let idle = 0;
    let pass = 0;
    // bound the work: every folio can be scanned a few times (activate, age, reclaim)
    let scanBudget = 64;
    for (const g of groups) scanBudget += 3 * lruPages(g);
    while (reclaimed < nrPages && idle < 3 && scanBudget > 0) {
      const sc = this.scanControl(target, Math.max(0, DEF_PRIORITY - pass++), opts);
      let progress = false;
      for (const m of groups) {
        if (reclaimed >= nrPages) break;
        const bal = this.scanBalance(m, sc);
        const split = this.passSplit(m, bal);
        if (split.anon > 0) {
          if (inactiveIsLow(m, k.geom.pageSize) || m.inactiveAnon.tail < 0) this.deactivate(m, false, SWAP_CLUSTER_MAX);
          const r = this.shrinkInactive(m, false, Math.min(split.anon, m.inactiveAnon.nrPages), nrPages - reclaimed);
          reclaimed += r.reclaimed;
          progress ||= r.progress;
          scanBudget -= split.anon;
        } else if (k.swap.counters.totalSwapPages > 0 && inactiveIsLow(m, k.geom.pageSize)) {
          // even when anon is not scanned, its active/inactive ratio is kept in shape
          this.deactivate(m, false, SWAP_CLUSTER_MAX);
        }
        if (split.file > 0 && reclaimed < nrPages) {
          if (inactiveIsLow(m, k.geom.pageSize, true) || m.inactiveFile.tail < 0)
            this.deactivate(m, true, SWAP_CLUSTER_MAX);
          const r = this.shrinkInactive(m, true, Math.min(split.file, m.inactiveFile.nrPages), nrPages - reclaimed);
          reclaimed += r.reclaimed;
          progress ||= r.progress;
          scanBudget -= split.file;
        }
      }
      // reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK): a pass that found only dirty file pages waits for the flusher
      if (!progress && k.pagecache.flushPending) {
        runFlusher(k);
        progress = true;
      }
      idle = progress ? 0 : idle + 1;
      if (!progress && groups.every((g) => lruPages(g) === 0)) break;
    }
    if (reclaimed < nrPages && k.zswap.params.shrinker_enabled) {
      for (const g of target.subtree()) if (g.online) zswapShrinkerScan(k, g);
    }
    return reclaimed;
  }

  /**
   * A pass's SWAP_CLUSTER_MAX pages of scanning for one cgroup, split by
   * the balance: all to one type for SCAN_ANON / SCAN_FILE (or when the
   * other type has nothing), by list size for SCAN_EQUAL, by the fraction
   * for SCAN_FRACT (each type that gets pressure at all gets a page).
   */
  private passSplit(m: Memcg, bal: ScanBalance): { anon: number; file: number } {
    const anonPages = m.inactiveAnon.nrPages + m.activeAnon.nrPages;
    const filePages = m.inactiveFile.nrPages + m.activeFile.nrPages;
    const anonOk = bal.mode !== 'file' && anonPages > 0 && this.canReclaimAnon(m);
    const fileOk = bal.mode !== 'anon' && filePages > 0;
    if (!anonOk && !fileOk) return { anon: 0, file: 0 };
    if (!fileOk) return { anon: SWAP_CLUSTER_MAX, file: 0 };
    if (!anonOk) return { anon: 0, file: SWAP_CLUSTER_MAX };
    const share = bal.mode === 'equal' ? anonPages / (anonPages + filePages) : bal.anonShare;
    let anon = Math.round(SWAP_CLUSTER_MAX * share);
    if (share > 0 && anon === 0) anon = 1;
    if (share < 1 && anon === SWAP_CLUSTER_MAX) anon = SWAP_CLUSTER_MAX - 1;
    return { anon, file: SWAP_CLUSTER_MAX - anon };
  }
}

/** inactive_is_low()'s ratio for a list pair of `pages` pages: √(10 × GiB), at least 1. */
function inactiveRatio(pages: number, pageSize: number): number {
  const gb = Math.floor((pages * pageSize) / 2 ** 30);
  return gb ? Math.floor(Math.sqrt(10 * gb)) : 1;
}

/** Pages on a cgroup's LRU lists. */
function lruPages(m: Memcg): number {
  return m.inactiveAnon.nrPages + m.activeAnon.nrPages + m.inactiveFile.nrPages + m.activeFile.nrPages;
}
