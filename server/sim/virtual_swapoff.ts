/**
 * swapoff of a physical device whose slots back virtual entries (vswap v3
 * §8.2, vswap-STE §8.3, and the ghost RFC's proposed rmap as Kairui Song
 * described it in KS-REPLY): walk the device's POINTER entries up to their
 * virtual slots, bring each page into that slot's swap cache and free the
 * physical slot. The virtual slot keeps its count and the page tables keep
 * pointing at it: no page-table walk.
 */
import { fail } from './errno';
import { PG_dirty } from './folio';
import type { Kernel } from './kernel';
import { ROOT_MEMCG_ID } from './memcontrol';
import { swapCacheAddFolio, swapCacheLookup } from './swap_state';
import type { SwapInfo } from './swapfile';
import { swpOffset, swpType, type SwpEntry } from './swap_entry';
import { releaseBacking, rmapTarget } from './virtual_layer';

/**
 * Bring every page the device holds for a virtual slot back into memory.
 * `progress.pages` counts pages handled; `checkSignal` throws (EINTR) when
 * the simulated signal arrives. A page whose virtual slot already caches a
 * folio only loses its disk copy, so that folio becomes dirty.
 */
export function unuseByRmap(k: Kernel, psi: SwapInfo, progress: { pages: number }, checkSignal: () => void): void {
  const slots = k.geom.clusterSlots;
  for (const ci of psi.clusters()) {
    const base = psi.clusterOffset(ci);
    for (let i = 0; i < slots; i++) {
      if (!ci.table) break; // the cluster emptied and lost its table
      const v = rmapTarget(psi, base + i);
      if (v === null) continue;
      checkSignal();
      bringIn(k, psi, base + i, v);
      progress.pages++;
    }
  }
}

/** One rmap entry: the page comes into the virtual slot's swap cache; the physical slot is freed. */
function bringIn(k: Kernel, psi: SwapInfo, offset: number, v: SwpEntry): void {
  const vsi = k.swap.swapInfo[swpType(v)];
  if (!vsi) return fail('EINVAL', `${psi.path}:${offset} points at missing swap type ${swpType(v)}`);
  let pfn = swapCacheLookup(k, v);
  if (pfn < 0) {
    // charged as a swapin by the swapoff task (root): the recorded cgroup while it is online
    pfn = k.mem.allocSwapinFolio(v, 0, ROOT_MEMCG_ID, false);
    if (pfn < 0) return fail('ENOMEM', `no memory to read ${psi.path}:${offset} back for ${vsi.path}:${swpOffset(v)}`);
    // the allocation may have reclaimed; the slot is still ours only if it still points up here
    if (rmapTarget(psi, offset) !== v || swapCacheLookup(k, v) >= 0) {
      k.mem.freeFolio(pfn);
      return;
    }
    swapCacheAddFolio(k, pfn, v);
    k.vmstat.count('pswpin');
    const m = k.memcgs.get(k.folios.memcg[pfn]!);
    if (m) k.memcgs.statEvent(m, 'pswpin', 1);
    k.log.emit({ kind: 'swapin', type: vsi.type, offset: swpOffset(v), nr: 1, source: 'disk' });
  }
  // the folio in memory is now the only copy: reclaim must write it out again
  k.folios.setFlag(k.folios.head[pfn]!, PG_dirty);
  releaseBacking(k, vsi, swpOffset(v), 1);
}
