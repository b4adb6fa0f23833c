/**
 * Page reclaim for anon folios (mm/vmscan.c: shrink_folio_list(),
 * shrink_lruvec(), try_to_free_mem_cgroup_pages(), reclaim_pages();
 * docs/kernel-model.md §4.2, §7.8). A two-list model without MGLRU, watermarks
 * or file pages; see docs/simulator.md.
 */
import type { SwapClusterInfo } from './cluster';
import { ZERO_CONTENT_CODE } from './content';
import { designDescriptor } from './designs/profiles';
import { NO_SWAP, PG_active, PG_dirty, PG_lru, PG_mlocked, PG_referenced, PG_swapcache } from './folio';
import type { Kernel } from './kernel';
import { inactiveIsLow, lruMove } from './lru';
import { objcgMemcg, type Memcg } from './memcontrol';
import { BULK_MIN_PAGES, forEachPfnRun } from './memory';
import { pteSwap, type Vma } from './mm';
import { swapCacheDelFolio } from './swap_state';
import { swpOffset, swpType } from './swap_entry';
import { SlotKind, mkMeta, packShadow } from './swap_table';
import { folioTierEffectiveMask } from './swap_tier';
import { zswapShrinkerScan } from './zswap';

/** 'activated': referenced, second chance; 'failed': could not be swapped out now (activated, kept). */
export type ShrinkResult = 'reclaimed' | 'kept' | 'activated' | 'failed';

/** SWAP_CLUSTER_MAX: reclaim works in batches of 32 pages. */
export const SWAP_CLUSTER_MAX = 32;
/** MAX_RECLAIM_RETRIES before a memcg charge gives up and OOMs. */
export const MAX_RECLAIM_RETRIES = 16;

export class Vmscan {
  constructor(private readonly k: Kernel) {}

  /**
   * shrink_folio_list() for one anon folio: allocate swap (splitting a large
   * folio that cannot get contiguous slots), unmap every PTE, write it out,
   * and free it once clean. Returns what happened to the folio.
   */
  shrinkFolio(pfn: number, ignoreReferences: boolean): ShrinkResult {
    const k = this.k;
    const f = k.folios;
    const m = k.memcgs.get(f.memcg[pfn]!) ?? k.memcgs.root;
    if (f.test(pfn, PG_mlocked)) return 'kept';
    if (!ignoreReferences && f.test(pfn, PG_referenced)) {
      // folio_check_references(): referenced anon folios are activated
      f.clearFlag(pfn, PG_referenced);
      lruMove(k.j, f, m, pfn, true);
      k.vmstat.count('pgactivate', f.nr(pfn));
      k.memcgs.statEvent(m, 'pgactivate', f.nr(pfn));
      return 'activated';
    }
    if (!f.test(pfn, PG_swapcache)) {
      const order = f.order[pfn]!;
      if (!k.folioAllocSwap(pfn)) {
        if (order === 0) return this.activate(pfn, m);
        // split_folio_to_list(): fall back to order-0 swapout of each page
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
        }
        return any;
      }
      f.setFlag(pfn, PG_dirty);
    }
    k.mem.tryToUnmap(pfn);
    if (f.mapcount[pfn]! > 0) return 'kept';
    if (f.test(pfn, PG_dirty)) {
      const w = k.io.swapWriteout(pfn);
      if (w === 'activate') return this.activate(pfn, m);
      // a failed write: the folio stays dirty in the swap cache for a later pass
      if (w === 'error') return 'kept';
    }
    // __remove_mapping(): clean and unmapped: leave a shadow and free the folio
    const nr = f.nr(pfn);
    swapCacheDelFolio(k, pfn);
    k.mem.freeFolio(pfn);
    k.vmstat.count('pgsteal_anon', nr);
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
   * (count 1), the writeout (Z or a device write), the swap-cache deletion
   * (a shadow) and the free. The folio, PTE and table runs are journaled as
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
    if (k.stat.nrSwapcache > 0) n = Math.min(n, Math.floor(k.swap.counters.nrSwapPages - k.swap.counters.totalSwapPages / 2));
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
    let done = 0;
    let failed = false;
    k.swap.withTierMask(folioTierEffectiveMask(k.tiers, m), () => {
      for (; done < n; done++) {
        const pfn = pfns[done]!;
        // folio_alloc_swap(): the allocator itself, slot by slot
        const entry = k.swap.allocSlots(pfn, 0, k.cpu);
        if (entry === null) {
          failed = true;
          return;
        }
        const si = k.swap.swapInfo[swpType(entry)]!;
        const off = swpOffset(entry);
        const ci = si.clusterOf(off)!;
        const t = ci.table!;
        const co = off & (slots - 1);
        if (ci !== saved) {
          for (const a of [t.meta, t.val, ci.memcgTable!, ci.simContent!]) j.saveRange(a, co, slots);
          saved = ci;
        }
        ci.memcgTable![co] = m.id;
        // try_to_unmap(): the PTE takes the entry, the slot a count
        vma.pte[from + done] = pteSwap(entry);
        if (k.log.enabled) k.log.emit({ kind: 'slot-count', type: si.type, offset: off, nr: 1, delta: 1 });
        // swap_writeout(): a zero-filled folio sets Z only; any other goes to the device (zswap is off)
        const code = f.content[pfn]!;
        ci.simContent![co] = code;
        const zero = code === ZERO_CONTENT_CODE;
        if (zero) zeroPages++;
        if (k.log.enabled) k.log.emit({ kind: 'swapout', type: si.type, offset: off, nr: 1, backend: zero ? 'zero' : 'disk' });
        // __swap_cache_del_folio(): the PFN entry becomes a shadow, count and Z kept
        t.meta[co] = mkMeta(SlotKind.SHADOW, 1, zero);
        t.val[co] = packShadow(clock++, memcgId, false);
        if (k.log.enabled) k.log.emit({ kind: 'cache-del', type: si.type, offset: off, nr: 1, pfn });
        f.mapcount[pfn] = 0;
        f.swap[pfn] = NO_SWAP;
      }
    });
    // what the loop deferred: nothing in it reads the LRU, the buddy lists, memory.current or these counters
    this.releaseRun(pfns, done, owner);
    j.set(k.stat, 'evictionClock', clock);
    k.memcgs.forceCharge(m, 'swap', done);
    j.set(m, 'swapIdRefs', m.swapIdRefs + done);
    k.vmstat.count('swpout_zero', zeroPages);
    if (objcg) k.memcgs.statEvent(objcg, 'swpout_zero', zeroPages);
    k.vmstat.count('pswpout', done - zeroPages);
    k.memcgs.statEvent(owner, 'pswpout', done - zeroPages);
    k.vmstat.count('pgsteal_anon', done);
    k.memcgs.statEvent(owner, 'pgsteal', done);
    if (!failed) return { handled: done, reclaimed: done };
    // no slot for this folio: folio_alloc_swap() fails it as it would one by one
    k.memcgs.swapEvent(owner, 'fail');
    this.activate(pfns[done]!, owner);
    return { handled: done + 1, reclaimed: done };
  }

  /** How many PTEs from `from` map folios the bulk swapout can take (shrinkOrder0Run). */
  private order0RunLength(vma: Vma, from: number, to: number): number {
    const f = this.k.folios;
    const zswapOn = this.k.zswap.params.enabled;
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
      if (flags & (PG_mlocked | PG_swapcache) || !(flags & PG_lru)) break;
      if (f.memcg[pfn] !== memcgId || f.anonVma[pfn] !== vma.anonVma.id || f.index[pfn] !== e) break;
      if (zswapOn && f.content[pfn] !== ZERO_CONTENT_CODE) break;
    }
    return e - from;
  }

  /**
   * The frees of a bulk swapout's folios, as freeFolio() makes them one by
   * one: off the LRU (lruDel), memory uncharged, the folio released, the
   * pages back to the buddy allocator. Their own array entries are in the
   * ranges the caller saved; their LRU neighbours outside the run are
   * journaled element by element.
   */
  private releaseRun(pfns: Int32Array, n: number, owner: Memcg): void {
    const k = this.k;
    const j = k.j;
    const f = k.folios;
    const run = new Set<number>();
    for (let i = 0; i < n; i++) run.add(pfns[i]!);
    const setLink = (a: Int32Array, pfn: number, v: number): void => {
      if (run.has(pfn)) a[pfn] = v;
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
      f.head[pfn] = -1;
      f.flags[pfn] = 0;
      f.anonVma[pfn] = -1;
    }
    if (active) j.set(owner.activeAnon, 'nrPages', owner.activeAnon.nrPages - active);
    if (inactive) j.set(owner.inactiveAnon, 'nrPages', owner.inactiveAnon.nrPages - inactive);
    k.memcgs.uncharge(owner, 'memory', n);
    j.set(f, 'nrFolios', f.nrFolios - n);
    k.pages.freeOrder0Run(pfns, n);
  }

  /** activate_locked: the folio could not be swapped out now; keep it on the active list. */
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
  private deactivate(m: Memcg, nrPages: number): void {
    const k = this.k;
    const f = k.folios;
    let moved = 0;
    while (moved < nrPages && m.activeAnon.tail >= 0) {
      const pfn = m.activeAnon.tail;
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
   * shrink_lruvec() over a subtree: scan inactive tails, aging the active
   * lists when the inactive ones run low, until `target` pages are
   * reclaimed or a full pass frees nothing. get_scan_count() skips the anon
   * lists of a cgroup without swap headroom (lruvec_memcg(), so in global
   * reclaim too) and, in cgroup reclaim, every anon list at swappiness 0.
   * Reclaim that falls short runs the zswap shrinker on each online cgroup.
   */
  reclaim(target: Memcg, nrPages: number, opts: { memcgTargeted: boolean; swappiness?: number }): number {
    const k = this.k;
    const noAnon = opts.memcgTargeted && (opts.swappiness ?? k.sysctl.swappiness) === 0;
    const groups = noAnon ? [] : [...target.subtree()];
    let reclaimed = 0;
    let idle = 0;
    // bound the work: every folio can be scanned a few times (activate, age, reclaim)
    let scanBudget = 64;
    for (const g of groups) scanBudget += 3 * (g.inactiveAnon.nrPages + g.activeAnon.nrPages);
    while (reclaimed < nrPages && idle < 3 && scanBudget > 0) {
      let progress = false;
      for (const m of groups) {
        if (reclaimed >= nrPages) break;
        if (!this.canReclaimAnon(m)) continue;
        if (inactiveIsLow(m, k.geom.pageSize) || m.inactiveAnon.tail < 0) this.deactivate(m, SWAP_CLUSTER_MAX);
        let budget = Math.min(SWAP_CLUSTER_MAX, m.inactiveAnon.nrPages);
        while (budget > 0 && reclaimed < nrPages && m.inactiveAnon.tail >= 0) {
          const pfn = m.inactiveAnon.tail;
          const nr = k.folios.nr(pfn);
          budget -= nr;
          scanBudget -= nr;
          k.vmstat.count('pgscan_anon', nr);
          k.memcgs.statEvent(m, 'pgscan', nr);
          const r = this.shrinkFolio(pfn, false);
          if (r === 'reclaimed') {
            reclaimed += nr;
            progress = true;
          } else if (r === 'activated') {
            progress = true;
          } else {
            // kept on the inactive list: rotate it so the scan moves on
            lruMove(k.j, k.folios, m, pfn, false);
          }
        }
      }
      idle = progress ? 0 : idle + 1;
      if (!progress && groups.every((g) => g.inactiveAnon.tail < 0 && g.activeAnon.tail < 0)) break;
    }
    if (reclaimed < nrPages && k.zswap.params.shrinker_enabled) {
      for (const g of target.subtree()) if (g.online) zswapShrinkerScan(k, g);
    }
    return reclaimed;
  }
}
