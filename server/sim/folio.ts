/**
 * Folios as the swap side sees them (include/linux/page-flags.h, mm.h).
 * Struct-of-arrays indexed by PFN: the head PFN carries the folio's fields,
 * every PFN knows its head. No per-folio JS objects.
 */
import type { Journal } from './journal';
import { doubledCapacity, grown } from './growable';
import { ownedBy } from './owners';

/** Page flags the simulator uses (subset of enum pageflags). */
export const PG_lru = 1 << 0;
export const PG_active = 1 << 1;
export const PG_dirty = 1 << 2;
export const PG_swapcache = 1 << 3;
export const PG_uptodate = 1 << 4;
export const PG_writeback = 1 << 5;
export const PG_mlocked = 1 << 6;
export const PG_referenced = 1 << 7;
export const PG_workingset = 1 << 8;
export const PG_readahead = 1 << 9;
/** Not a kernel flag: the folio's last load came from zswap (exclusive load leaves no backend copy). */
export const PG_sim_nobackend = 1 << 10;
/** Backed by swap: anon and shmem folios, on the anon LRU (folio_is_file_lru() is its negation). */
export const PG_swapbacked = 1 << 11;
/** Reclaim wants the folio as soon as its writeback ends (folio_rotate_reclaimable()). */
export const PG_reclaim = 1 << 12;
/** Not a kernel flag: an anon folio MADV_FREE made lazy (folio_mark_lazyfree(), which clears PG_swapbacked in the kernel). */
export const PG_sim_lazyfree = 1 << 13;

export const NO_SWAP = -1;

/** PFNs the table covers before its first growth: one MAX_PAGE_ORDER block. */
const MIN_CAPACITY = 1024;

type PfnArray = Int32Array | Uint8Array | Uint16Array | Float64Array;

/** The per-PFN arrays of FolioTable and what a PFN not yet covered reads as in each. */
const PFN_ARRAY_FILL = {
  head: -1,
  order: 0,
  flags: 0,
  memcg: 0,
  mapcount: 0,
  swap: NO_SWAP,
  anonVma: -1,
  index: 0,
  mapping: 0,
  content: 0,
  data: 0,
  lruNext: -1,
  lruPrev: -1,
} as const;
type PfnArrayName = keyof typeof PFN_ARRAY_FILL;
const PFN_ARRAY_NAMES = Object.keys(PFN_ARRAY_FILL) as PfnArrayName[];

/**
 * The arrays cover PFNs 0..capacity-1 and grow by doubling when the
 * allocator hands out a higher PFN (it hands out low PFNs first), so a
 * machine costs memory for the RAM it has used, not for the RAM it has.
 * Growth replaces the arrays: read them through the table each time
 * (`f.head[pfn]`), never keep one across an operation.
 */
export class FolioTable {
  /** Head PFN of the folio this page belongs to, -1 when the page is free. */
  head = new Int32Array(0);
  order = new Uint8Array(0);
  flags = new Uint16Array(0);
  /** memcg id the folio is charged to (folio_memcg). */
  memcg = new Uint16Array(0);
  /** Number of PTEs mapping any page of the folio. */
  mapcount = new Int32Array(0);
  /** folio->swap: first swap entry when in the swap cache, else NO_SWAP. */
  swap = new Float64Array(0);
  /** rmap: anon_vma id and the page index (in the VMA) of the head page; for a page cache folio, the index in its file. */
  anonVma = new Int32Array(0);
  index = new Int32Array(0);
  /** folio->mapping of a page cache folio (file or shmem): its address space id; 0 for anon folios. */
  mapping = new Int32Array(0);
  /** Content code of each page (content.ts), standing in for the page's bytes. */
  content = new Uint8Array(0);
  /** Page data of each page: the value a scenario wrote with `fill` (0 for a fresh page), which swap must carry unchanged. */
  data = new Float64Array(0);
  /** LRU list links (head PFNs), -1 terminated. */
  lruNext = new Int32Array(0);
  lruPrev = new Int32Array(0);
  /** Number of folios and pages allocated. */
  nrFolios = 0;

  constructor(
    private readonly j: Journal,
    readonly nrPages: number,
  ) {}

  /** PFNs the arrays cover now. */
  get capacity(): number {
    return this.head.length;
  }

  /**
   * Cover PFNs below `end`. The swap is journalled as one entry: undo puts
   * the smaller arrays back, which are the ones the older journal entries
   * refer to, and which hold the state as of the growth.
   */
  reserve(end: number): void {
    const cap = this.head.length;
    if (end <= cap) return;
    const next = doubledCapacity(cap, MIN_CAPACITY, end, this.nrPages);
    const arrays = this as Record<PfnArrayName, PfnArray>;
    const old = PFN_ARRAY_NAMES.map((name) => arrays[name]);
    this.j.custom(() => PFN_ARRAY_NAMES.forEach((name, i) => (arrays[name] = old[i])));
    for (const name of PFN_ARRAY_NAMES) {
      const a = grown(arrays[name], next, PFN_ARRAY_FILL[name]);
      arrays[name] = a;
      // the old arrays hold the state older records refer to; the new ones need no undo of their own
      this.j.born(a);
      ownedBy(a, this);
    }
  }

  /** Every per-PFN array, in a fixed order. */
  arrays(): PfnArray[] {
    const arrays = this as Record<PfnArrayName, PfnArray>;
    return PFN_ARRAY_NAMES.map((name) => arrays[name]);
  }

  /**
   * Remember the contents of every per-PFN array over [start, end), before
   * a bulk path writes them directly (one RANGE record per array).
   */
  saveRange(start: number, end: number): void {
    this.reserve(end);
    for (const a of this.arrays()) this.j.saveRange(a, start, end);
  }

  /** Fill in a freshly allocated folio: swap-backed (anon) unless a page cache of a file takes it. */
  init(pfn: number, order: number, memcg: number, anonVma: number, index: number): void {
    const j = this.j;
    const nr = 1 << order;
    this.reserve(pfn + nr);
    for (let i = 0; i < nr; i++) j.a(this.head, pfn + i, pfn);
    j.a(this.order, pfn, order);
    j.a(this.flags, pfn, PG_uptodate | PG_swapbacked);
    j.a(this.mapping, pfn, 0);
    j.a(this.memcg, pfn, memcg);
    j.a(this.mapcount, pfn, 0);
    j.a(this.swap, pfn, NO_SWAP);
    j.a(this.anonVma, pfn, anonVma);
    j.a(this.index, pfn, index);
    j.set(this, 'nrFolios', this.nrFolios + 1);
  }

  /** Forget a folio whose pages go back to the allocator. */
  release(pfn: number): void {
    const nr = 1 << this.order[pfn]!;
    for (let i = 0; i < nr; i++) this.j.a(this.head, pfn + i, -1);
    this.j.a(this.flags, pfn, 0);
    this.j.a(this.swap, pfn, NO_SWAP);
    this.j.a(this.anonVma, pfn, -1);
    this.j.a(this.mapping, pfn, 0);
    this.j.set(this, 'nrFolios', this.nrFolios - 1);
  }

  /** split_folio(): turn an order-N folio into 2^N order-0 folios with the same state. */
  split(pfn: number): void {
    const j = this.j;
    const order = this.order[pfn]!;
    const nr = 1 << order;
    const flags = this.flags[pfn]!;
    const swap = this.swap[pfn]!;
    for (let i = 0; i < nr; i++) {
      const p = pfn + i;
      j.a(this.head, p, p);
      j.a(this.order, p, 0);
      j.a(this.flags, p, flags & ~(PG_lru | PG_active));
      j.a(this.memcg, p, this.memcg[pfn]!);
      j.a(this.anonVma, p, this.anonVma[pfn]!);
      j.a(this.mapping, p, this.mapping[pfn]!);
      j.a(this.index, p, this.index[pfn]! + i);
      j.a(this.swap, p, swap === NO_SWAP ? NO_SWAP : swap + i);
    }
    j.set(this, 'nrFolios', this.nrFolios + nr - 1);
  }

  test(pfn: number, flag: number): boolean {
    return (this.flags[pfn]! & flag) !== 0;
  }
  setFlag(pfn: number, flag: number): void {
    this.j.a(this.flags, pfn, this.flags[pfn]! | flag);
  }
  clearFlag(pfn: number, flag: number): void {
    this.j.a(this.flags, pfn, this.flags[pfn]! & ~flag);
  }
  nr(pfn: number): number {
    return 1 << this.order[pfn]!;
  }
}
