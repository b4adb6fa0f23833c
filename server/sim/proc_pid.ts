/**
 * What a task's /proc/PID files show about its memory: a pagemap entry per
 * page, the smaps figures of one mapping or of all (smaps_rollup), and the
 * memory lines of status. Everything is read from the task's page tables
 * and the swap counts, as fs/proc/task_mmu.c and fs/proc/array.c do; nothing
 * here changes state.
 */
import { PG_swapbacked } from './folio';
import { xaIsSwap } from './filemap';
import type { Kernel } from './kernel';
import { pteEntry, pteIsPresent, pteIsSwap, ptePfn, type Task, type Vma } from './mm';
import { swpOffset, swpType } from './swap_entry';

/** One /proc/PID/pagemap word, split into its fields (Documentation/admin-guide/mm/pagemap.rst). */
export interface PagemapEntry {
  /** Bit 63: a page is mapped. */
  readonly present: boolean;
  /** Bit 62: the PTE holds a swap entry. */
  readonly swapped: boolean;
  /** Bit 61: a page cache or shared anonymous (shmem) page. */
  readonly file: boolean;
  /** Bits 0-4 of a swapped entry (0 when not swapped). */
  readonly swapType: number;
  /** Bits 5-54 of a swapped entry (0 when not swapped). */
  readonly swapOffset: number;
}

/** MAX_SWAPFILES_SHIFT: the swap type's width in a pagemap word. */
const MAX_SWAPFILES_SHIFT = 5;

/**
 * pte_to_pagemap_entry() in fs/proc/task_mmu.c for page `page` of `v`: a
 * present PTE gives PM_PRESENT (and PM_FILE for a non-anon page), a swap
 * PTE gives PM_SWAP with `swp_type | swp_offset << MAX_SWAPFILES_SHIFT` in
 * the frame bits (shown to a reader with CAP_SYS_ADMIN, as the scenario's
 * root is), and pte_none gives 0.
 */
export function pagemapEntry(k: Kernel, v: Vma, page: number): PagemapEntry {
  const pte = v.pte[page] ?? 0;
  if (pteIsPresent(pte)) {
    const head = k.folios.head[ptePfn(pte)]!;
    return { present: true, swapped: false, file: k.folios.mapping[head] !== 0, swapType: 0, swapOffset: 0 };
  }
  if (pteIsSwap(pte)) {
    const e = pteEntry(pte);
    return { present: false, swapped: true, file: false, swapType: swpType(e), swapOffset: swpOffset(e) };
  }
  return { present: false, swapped: false, file: false, swapType: 0, swapOffset: 0 };
}

/** The 64-bit pagemap word of an entry (BigInt: bit 63 does not fit a double's integers). */
export function pagemapWord(e: PagemapEntry): bigint {
  let w = 0n;
  if (e.present) w |= 1n << 63n;
  if (e.swapped) w |= (1n << 62n) | BigInt(e.swapType) | (BigInt(e.swapOffset) << BigInt(MAX_SWAPFILES_SHIFT));
  if (e.file) w |= 1n << 61n;
  return w;
}

/** The smaps lines swapsim reads, in kB. */
export interface SmapsFigures {
  Rss: number;
  Anonymous: number;
  AnonHugePages: number;
  Swap: number;
  SwapPss: number;
}

/** PSS_SHIFT: smaps sums proportional sizes in fixed point with this many fraction bits. */
const PSS_SHIFT = 12;

/** Fixed-point bytes of PSS, summed before the final shift as struct mem_size_stats does. */
interface Gathered {
  rss: number;
  anonymous: number;
  anonThp: number;
  swap: number;
  swapPss: number;
}

const emptyGathered = (): Gathered => ({ rss: 0, anonymous: 0, anonThp: 0, swap: 0, swapPss: 0 });

/**
 * smap_gather_stats() for one mapping, added to `mss` (bytes; swapPss in
 * PSS_SHIFT fixed point):
 * - smaps_pte_entry(): a present page adds to Rss, and to Anonymous when it
 *   is anon; a swap PTE adds a page to Swap and PAGE_SIZE / swap count to
 *   SwapPss (the full page when the count is below 2, swp_swapcount());
 * - smaps_pmd_entry(): a PMD-mapped anon THP adds HPAGE_PMD_SIZE to
 *   AnonHugePages. The simulator has no PMD entries: a PMD-order anon folio
 *   whose pages this mapping maps all, in order, from an aligned index is
 *   taken as PMD-mapped (memory.stat anon_thp reads it the same way);
 * - shmem: a shared mapping adds the file's swapped pages in its range
 *   (shmem_swap_usage(), shmem_partial_swap_usage()); a private one adds
 *   them only where it has no PTE (smaps_pte_hole()).
 */
function gather(k: Kernel, v: Vma, mss: Gathered): void {
  const f = k.folios;
  const ps = k.geom.pageSize;
  const pmdPages = 2 ** k.geom.pmdOrder;
  const shmem = v.file !== null && v.file.isShmem ? v.file : null;
  for (let i = 0; i < v.nrPages; i++) {
    const pte = v.pte[i]!;
    if (pteIsPresent(pte)) {
      const pfn = ptePfn(pte);
      const head = f.head[pfn]!;
      mss.rss += ps;
      if (f.mapping[head] === 0) {
        mss.anonymous += ps;
        if (head === pfn && i % pmdPages === 0 && f.order[head] === k.geom.pmdOrder && pmdMapped(v, i, pfn, pmdPages))
          mss.anonThp += pmdPages * ps;
      }
    } else if (pteIsSwap(pte)) {
      const e = pteEntry(pte);
      mss.swap += ps;
      const count = k.swap.swapInfo[swpType(e)]?.slotCount(swpOffset(e)) ?? 0;
      const full = ps * 2 ** PSS_SHIFT;
      mss.swapPss += count >= 2 ? Math.floor(full / count) : full;
    }
    // a shared mapping shows every swapped page of its range; a private one only those it has no PTE for
    if (shmem !== null && xaIsSwap(shmem.xa[v.pgoff + i] ?? 0) && (v.shared || pte === 0)) mss.swap += ps;
  }
}

/** Pages i..i+pmdPages-1 of `v` map head..head+pmdPages-1. */
function pmdMapped(v: Vma, i: number, head: number, pmdPages: number): boolean {
  if (i + pmdPages > v.nrPages) return false;
  for (let j = 0; j < pmdPages; j++) {
    const pte = v.pte[i + j]!;
    if (!pteIsPresent(pte) || ptePfn(pte) !== head + j) return false;
  }
  return true;
}

/** __show_smap(): bytes to kB; SwapPss leaves fixed point first (`>> PSS_SHIFT`). */
function figures(mss: Gathered): SmapsFigures {
  return {
    Rss: mss.rss / 1024,
    Anonymous: mss.anonymous / 1024,
    AnonHugePages: mss.anonThp / 1024,
    Swap: mss.swap / 1024,
    SwapPss: Math.floor(Math.floor(mss.swapPss / 2 ** PSS_SHIFT) / 1024),
  };
}

/** /proc/PID/smaps: the figures of one mapping (show_smap()). */
export function smapsOf(k: Kernel, v: Vma): SmapsFigures {
  const mss = emptyGathered();
  gather(k, v, mss);
  return figures(mss);
}

/** /proc/PID/smaps_rollup: every mapping's figures summed before conversion (show_smaps_rollup()). */
export function smapsRollup(k: Kernel, t: Task): SmapsFigures {
  const mss = emptyGathered();
  for (const v of t.vmaList()) gather(k, v, mss);
  return figures(mss);
}

/** The memory lines of /proc/PID/status swapsim reads, in kB. */
export interface StatusFigures {
  VmRSS: number;
  RssAnon: number;
  RssFile: number;
  RssShmem: number;
  VmSwap: number;
}

/**
 * task_mem() in fs/proc/task_mmu.c: RssAnon, RssFile and RssShmem are the
 * mm's MM_ANONPAGES, MM_FILEPAGES and MM_SHMEMPAGES counters (one per PTE
 * mapping such a page), VmRSS their sum, VmSwap MM_SWAPENTS (swap PTEs;
 * a shmem page in swap is in the file, not in a PTE, so it is not counted).
 */
export function statusOf(k: Kernel, t: Task): StatusFigures {
  const f = k.folios;
  let anon = 0;
  let file = 0;
  let shmem = 0;
  let swap = 0;
  for (const v of t.vmas.values()) {
    for (let i = 0; i < v.nrPages; i++) {
      const pte = v.pte[i]!;
      if (pteIsSwap(pte)) swap++;
      if (!pteIsPresent(pte)) continue;
      const head = f.head[ptePfn(pte)]!;
      if (f.mapping[head] === 0) anon++;
      else if (f.test(head, PG_swapbacked)) shmem++;
      else file++;
    }
  }
  const kib = k.geom.pageSize / 1024;
  return {
    VmRSS: (anon + file + shmem) * kib,
    RssAnon: anon * kib,
    RssFile: file * kib,
    RssShmem: shmem * kib,
    VmSwap: swap * kib,
  };
}
