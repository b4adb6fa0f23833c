/**
 * shmem and tmpfs (mm/shmem.c): files in RAM whose pages are backed by
 * swap. Their folios are swap-backed (on the anon LRU), counted in Shmem,
 * and charged to the memcg of the task that brings them in. Reclaim writes
 * one out by putting it in the swap cache and storing the swap entry in the
 * file's page table (shmem_writeout()); the swap count of the slot is the
 * file's reference. Reading or faulting the page brings it back
 * (shmem_swapin_folio()), and swapoff brings every shmem page back
 * (shmem_unuse()). A shared anonymous mapping is an unnamed shmem file
 * (shmem_zero_setup()).
 *
 * Swapin allocation and charging: since swap table phase IV ("mm, swap:
 * unify large folio allocation", "delay and unify memcg lookup and charging
 * for swapin" [P4-v5]) shmem goes through the same swap cache allocation
 * and charge as anon (swap_cache_alloc_folio(), then
 * mem_cgroup_swapin_charge_folio() once the folio owns the slots); before
 * it, shmem had a path of its own (shmem_swap_alloc_folio() on synchronous
 * devices, shmem_swapin_cluster() otherwise) that charged before inserting
 * the folio. Both choose the same folio order and charge target; what
 * differs is the order of charging and insertion, which only matters when
 * two faults race for a slot, and the simulator runs nothing concurrently.
 * So both eras run the code below, and end in the same state.
 */
import { fail } from './errno';
import { PG_dirty, PG_referenced, PG_swapcache } from './folio';
import {
  addPageCacheFolio,
  fileStat,
  findPage,
  removePageCacheFolio,
  xaIsPage,
  xaIsSwap,
  xaEntry,
  xaPage,
  xaPfn,
  xaSwap,
  XA_EMPTY,
  type AddressSpace,
} from './filemap';
import type { Kernel } from './kernel';
import type { Memcg } from './memcontrol';
import { ALLOC_FAILED_CHARGE } from './memory';
import { swapCacheDelFolio, swapinFolio } from './swap_state';
import { swpOffset, swpType, type SwpEntry } from './swap_entry';

/** /sys/kernel/mm/transparent_hugepage/shmem_enabled words (shmem_enabled_store()). */
export type ShmemHugeMode = 'always' | 'within_size' | 'advise' | 'never' | 'deny' | 'force';
/** hugepages-<N>kB/shmem_enabled words (thpsize_shmem_enabled_store()). */
export type ShmemSizeMode = 'always' | 'inherit' | 'within_size' | 'advise' | 'never';

export const SHMEM_HUGE_MODES: readonly ShmemHugeMode[] = ['always', 'within_size', 'advise', 'never', 'deny', 'force'];
export const SHMEM_SIZE_MODES: readonly ShmemSizeMode[] = ['always', 'inherit', 'within_size', 'advise', 'never'];

/**
 * Does the policy of order `order` allow a folio at `index` of a file of
 * `sizePages`? `always` and `force` do, `within_size` when the folio ends
 * inside i_size, `advise` only with MADV_HUGEPAGE (not modelled, so no),
 * `never` and `deny` never.
 */
function orderAllowed(k: Kernel, order: number, index: number, sizePages: number): boolean {
  let mode: ShmemSizeMode | ShmemHugeMode = k.thp.shmemSizes[order] ?? 'never';
  if (mode === 'inherit') mode = k.thp.shmemEnabled;
  if (k.thp.shmemEnabled === 'deny') return false;
  if (k.thp.shmemEnabled === 'force' && order === k.geom.pmdOrder) return true;
  if (mode === 'always' || mode === 'force') return true;
  if (mode === 'within_size') return index - (index % (1 << order)) + (1 << order) <= sizePages;
  return false;
}

/**
 * shmem_allowable_huge_orders() for a new folio at `index`: the largest
 * order the policy allows whose aligned range of the file is still empty,
 * down to 0 (shmem mTHP, hugepages-<N>kB/shmem_enabled).
 */
export function shmemOrders(k: Kernel, as: AddressSpace, index: number): number[] {
  const out: number[] = [];
  const sizePages = Math.ceil(as.size / k.geom.pageSize);
  for (let order = k.geom.pmdOrder; order > 0; order--) {
    const nr = 1 << order;
    const start = index - (index % nr);
    if (!orderAllowed(k, order, index, sizePages)) continue;
    let empty = true;
    for (let i = start; i < start + nr && empty; i++) if (i < as.xa.length && as.xa[i] !== XA_EMPTY) empty = false;
    if (empty) out.push(order);
  }
  out.push(0);
  return out;
}

/** What shmemGetPage() found: the page's PFN (not its head), and whether it came from swap (a major fault). */
export interface ShmemPage {
  pfn: number;
  major: boolean;
}

/**
 * shmem_get_folio_gfp(): the page at `index`, swapped in or newly
 * allocated (zero-filled, dirty), charged to `m` (a swapin is charged to
 * the slot's recorded memcg while it is online, else to `m`). Null when no
 * memory could be had.
 */
export function shmemGetPage(k: Kernel, as: AddressSpace, index: number, m: Memcg, mayOom: boolean): ShmemPage | null {
  const found = findPage(as, index);
  if (found >= 0) return { pfn: found, major: false };
  const v = index < as.xa.length ? as.xa[index]! : XA_EMPTY;
  if (xaIsSwap(v)) {
    const pfn = shmemSwapin(k, as, index, m, mayOom);
    return pfn < 0 ? null : { pfn, major: true };
  }
  for (const order of shmemOrders(k, as, index)) {
    const nr = 1 << order;
    const start = index - (index % nr);
    const pfn = addPageCacheFolio(k, as, start, order, m, mayOom && order === 0);
    if (pfn < 0) {
      // shmem_alloc_and_add_folio(): a large folio that cannot be had falls back to a smaller one
      if (order > 0) {
        if (pfn === ALLOC_FAILED_CHARGE) k.vmstat.mthpCount(order, 'shmem_fallback_charge');
        k.vmstat.mthpCount(order, 'shmem_fallback');
      }
      continue;
    }
    if (order > 0) k.vmstat.mthpCount(order, 'shmem_alloc');
    k.folios.setFlag(pfn, PG_dirty);
    return { pfn: pfn + (index - start), major: false };
  }
  return null;
}

/** Pseudo-VMA id for shmem's swap readahead state (shmem_swapin_cluster() has no VMA). */
const SHMEM_RA_VMA = -1;

/**
 * shmem_swapin_folio(): bring the page at `index` back from swap through
 * the swap cache (large from a synchronous device when every slot of the
 * aligned range agrees, else order 0 with cluster readahead), then move it
 * from the swap cache into the page cache, dropping the file's swap
 * reference: the slots are freed.
 */
function shmemSwapin(k: Kernel, as: AddressSpace, index: number, m: Memcg, mayOom: boolean): number {
  const order = Math.max(0, ...shmemSwapinOrders(k, as));
  const r = swapinFolio(k, as.xa, index, SHMEM_RA_VMA, order, m.id, { vmaReadahead: false, mayOom });
  if (!r) return -1;
  const f = k.folios;
  const pfn = r.pfn;
  const nr = f.nr(pfn);
  const first: SwpEntry = f.swap[pfn]!;
  const base = index - r.sub;
  // the file's reference to each slot goes (swap_free_nr()), then the folio leaves the swap cache
  k.swap.putEntries(first, nr, false);
  swapCacheDelFolio(k, pfn);
  k.j.a(f.mapping, pfn, as.id);
  k.j.a(f.index, pfn, base);
  for (let i = 0; i < nr; i++) k.j.a(as.xa, base + i, xaPage(pfn + i));
  k.j.set(as, 'nrpages', as.nrpages + nr);
  k.j.set(as, 'swapped', as.swapped - nr);
  fileStat(k, pfn, 'file', nr);
  fileStat(k, pfn, 'shmem', nr);
  if (f.order[pfn] === k.geom.pmdOrder && nr > 1) fileStat(k, pfn, 'shmemThp', nr);
  f.setFlag(pfn, PG_dirty | PG_referenced);
  return pfn + r.sub;
}

/** Orders the shmem file may swap in at (its mTHP policy), for the large swapin attempt. */
function shmemSwapinOrders(k: Kernel, as: AddressSpace): number[] {
  const sizePages = Math.ceil(as.size / k.geom.pageSize);
  const out: number[] = [];
  for (let order = k.geom.pmdOrder; order > 0; order--) if (orderAllowed(k, order, 0, sizePages)) out.push(order);
  return out;
}

/**
 * The shmem half of reclaim (shmem_writeout()), for a folio already
 * unmapped from every page table: slots are allocated and charged
 * (folio_alloc_swap()), the folio leaves the page cache and the file's page
 * table holds the swap entries, each with the file's reference (count 1).
 * The caller writes it out. False when no slots could be had.
 */
export function shmemWriteoutStart(k: Kernel, pfn: number): boolean {
  const f = k.folios;
  const as = k.pagecache.byId.get(f.mapping[pfn]!)!;
  if (!k.folioAllocSwap(pfn)) return false;
  const entry = f.swap[pfn]!;
  const nr = f.nr(pfn);
  removePageCacheFolio(k, pfn, (i) => xaSwap(entry + i));
  k.swap.dupEntries(entry, nr);
  k.j.set(as, 'swapped', as.swapped + nr);
  return true;
}

/**
 * shmem_unuse() for swapoff: every page of every shmem file held on the
 * device comes back into the page cache, charged as a swapin would be.
 */
export function shmemUnuse(k: Kernel, type: number, progress: { pages: number }, checkSignal: () => void): void {
  for (const as of [...k.pagecache.byId.values()].sort((a, b) => a.id - b.id)) {
    if (!as.isShmem || as.swapped === 0) continue;
    for (let i = 0; i < as.xa.length; i++) {
      const v = as.xa[i]!;
      if (!xaIsSwap(v) || swpType(xaEntry(v)) !== type) continue;
      checkSignal();
      // charged to the recorded memcg while it is online, else to swapoff's (the root)
      if (!shmemGetPage(k, as, i, k.memcgs.root, true))
        fail('ENOMEM', `swapoff: no memory to bring ${as.path} page ${i} back`);
      progress.pages++;
    }
  }
}

/**
 * shmem_truncate_range() / shmem_evict_inode(): pages past `fromPage` go,
 * swapped-out ones drop the file's swap reference (free_swap_and_cache_nr()).
 */
export function shmemTruncateSwap(k: Kernel, as: AddressSpace, fromPage: number): void {
  for (let i = fromPage; i < as.xa.length; i++) {
    const v = as.xa[i]!;
    if (!xaIsSwap(v)) continue;
    k.j.a(as.xa, i, XA_EMPTY);
    k.j.set(as, 'swapped', as.swapped - 1);
    k.swap.putEntries(xaEntry(v), 1, true);
  }
}

/** Which shmem page holds a slot: the file (an unnamed one for a shared anonymous mapping) and its page index. */
export interface ShmemSlotOwner {
  readonly path: string;
  readonly index: number;
}

/**
 * The slots of swap type `type` in [from, to) that belong to shmem: those
 * whose entry a shmem file's page table holds (what shmem_unuse() finds
 * at swapoff), and those whose swap-cache folio is a shmem page. By
 * offset. For the views: it walks every shmem page table, O(shmem pages).
 */
export function shmemSlotOwners(k: Kernel, type: number, from: number, to: number): Map<number, ShmemSlotOwner> {
  const out = new Map<number, ShmemSlotOwner>();
  const f = k.folios;
  for (const as of k.pagecache.byId.values()) {
    if (!as.isShmem || (as.swapped === 0 && as.nrpages === 0)) continue;
    for (let index = 0; index < as.xa.length; index++) {
      const v = as.xa[index]!;
      let entry: SwpEntry;
      if (xaIsSwap(v)) entry = xaEntry(v);
      else if (xaIsPage(v) && f.test(f.head[xaPfn(v)]!, PG_swapcache)) {
        // a shmem folio in the page cache that still holds its slots (the swap cache)
        const head = f.head[xaPfn(v)]!;
        entry = f.swap[head]! + (xaPfn(v) - head);
      } else continue;
      if (swpType(entry) !== type) continue;
      const offset = swpOffset(entry);
      if (offset >= from && offset < to) out.set(offset, { path: as.path, index });
    }
  }
  return out;
}
