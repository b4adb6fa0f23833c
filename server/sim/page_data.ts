/**
 * Page data: a value a scenario writes into pages (`fill`) and reads back
 * (`expect task T data …`) to check that swap loses nothing. The value
 * stands for the page's bytes as far as integrity goes; how the page
 * compresses or whether it is zero-filled stays with its content class
 * (content.ts). It travels with the page exactly as the bytes would:
 * FolioTable.data per PFN, the slot sidecar (SwapClusterInfo.simData)
 * written at swap_writeout() and read back by every swapin, the copy of
 * wp_page_copy(); a dropped page (MADV_DONTNEED, a discarded MADV_FREE
 * page, munmap) reads as a fresh one, 0.
 */
import { PTE_NONE, pteEntry, pteIsPresent, ptePfn, type Vma } from './mm';
import type { Kernel } from './kernel';
import { swapCacheLookup } from './swap_state';
import { swpOffset, swpType } from './swap_entry';

/** What `fill` writes: one value in every page, or each page's index in its region. */
export type FillValue = number | 'index';

/** The largest value a page holds: a 32-bit word. */
export const PAGE_DATA_MAX = 0xffffffff;

/** The value page `idx` of the range gets. */
export function fillValueAt(value: FillValue, idx: number): number {
  return value === 'index' ? idx : value;
}

/** Write the value into pages [a, b) that are present (the caller faulted them in for writing). */
export function fillPresent(k: Kernel, v: Vma, a: number, b: number, value: FillValue): void {
  for (let i = a; i < b; i++) {
    const p = v.pte[i]!;
    if (pteIsPresent(p)) k.j.a(k.folios.data, ptePfn(p), fillValueAt(value, i));
  }
}

/**
 * What a read of page `idx` sees, without faulting it in: the folio
 * mapped there, or for a swap PTE the folio in the swap cache or the
 * slot's recorded data; a page never touched (or dropped) reads 0.
 */
export function pageDataAt(k: Kernel, v: Vma, idx: number): number {
  const p = v.pte[idx]!;
  if (p === PTE_NONE) return 0;
  if (pteIsPresent(p)) return k.folios.data[ptePfn(p)]!;
  const entry = pteEntry(p);
  const cached = swapCacheLookup(k, entry);
  if (cached >= 0) return k.folios.data[cached + (swpOffset(entry) - swpOffset(k.folios.swap[cached]!))]!;
  const si = k.swap.swapInfo[swpType(entry)];
  const off = swpOffset(entry);
  const ci = si?.clusterOf(off);
  return ci?.simData ? ci.simData[off & (k.geom.clusterSlots - 1)]! : 0;
}

/** The pages of [a, b) whose data differs from `expected`, as [page, value] pairs. */
export function dataMismatches(k: Kernel, v: Vma, a: number, b: number, expected: FillValue): [number, number][] {
  const out: [number, number][] = [];
  for (let i = a; i < b; i++) {
    const got = pageDataAt(k, v, i);
    if (got !== fillValueAt(expected, i)) out.push([i, got]);
  }
  return out;
}

/** A short reading of [a, b): the one value all pages hold, `index` when each holds its index, else `mixed`. */
export function dataSummary(k: Kernel, v: Vma, a: number, b: number): number | string {
  const first = pageDataAt(k, v, a);
  if (dataMismatches(k, v, a, b, first).length === 0) return first;
  return dataMismatches(k, v, a, b, 'index').length === 0 ? 'index' : 'mixed';
}
