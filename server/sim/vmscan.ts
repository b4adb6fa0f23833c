/**
 * Page reclaim for anon folios (mm/vmscan.c: shrink_folio_list(),
 * shrink_lruvec(), try_to_free_mem_cgroup_pages(), reclaim_pages();
 * docs/kernel-model.md §4.2, §7.8). A two-list model without MGLRU, watermarks
 * or file pages; see docs/simulator.md.
 */
import { PG_active, PG_dirty, PG_mlocked, PG_referenced, PG_sim_lazyfree, PG_swapcache } from './folio';
import { reclaimLazyfree } from './madvise';
import type { Kernel } from './kernel';
import { inactiveIsLow, lruMove } from './lru';
import type { Memcg } from './memcontrol';
import { swapCacheDelFolio } from './swap_state';
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
    if (f.test(pfn, PG_sim_lazyfree)) return reclaimLazyfree(k, pfn);
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
