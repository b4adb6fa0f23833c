/**
 * Folios as the swap side sees them (include/linux/page-flags.h, mm.h).
 * Struct-of-arrays indexed by PFN: the head PFN carries the folio's fields,
 * every PFN knows its head. No per-folio JS objects.
 */
import type { Journal } from './journal';

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

export const NO_SWAP = -1;

export class FolioTable {
  /** Head PFN of the folio this page belongs to, -1 when the page is free. */
  readonly head: Int32Array;
  readonly order: Uint8Array;
  readonly flags: Uint16Array;
  /** memcg id the folio is charged to (folio_memcg). */
  readonly memcg: Uint16Array;
  /** Number of PTEs mapping any page of the folio. */
  readonly mapcount: Int32Array;
  /** folio->swap: first swap entry when in the swap cache, else NO_SWAP. */
  readonly swap: Float64Array;
  /** rmap: anon_vma id and the page index (in the VMA) of the head page. */
  readonly anonVma: Int32Array;
  readonly index: Int32Array;
  /** Content code of each page (content.ts), standing in for the page's bytes. */
  readonly content: Uint8Array;
  /** LRU list links (head PFNs), -1 terminated. */
  readonly lruNext: Int32Array;
  readonly lruPrev: Int32Array;
  /** Number of folios and pages allocated. */
  nrFolios = 0;

  constructor(
    private readonly j: Journal,
    readonly nrPages: number,
  ) {
    this.head = new Int32Array(nrPages).fill(-1);
    this.order = new Uint8Array(nrPages);
    this.flags = new Uint16Array(nrPages);
    this.memcg = new Uint16Array(nrPages);
    this.mapcount = new Int32Array(nrPages);
    this.swap = new Float64Array(nrPages).fill(NO_SWAP);
    this.anonVma = new Int32Array(nrPages).fill(-1);
    this.index = new Int32Array(nrPages);
    this.content = new Uint8Array(nrPages);
    this.lruNext = new Int32Array(nrPages).fill(-1);
    this.lruPrev = new Int32Array(nrPages).fill(-1);
  }

  /** Fill in a freshly allocated folio. */
  init(pfn: number, order: number, memcg: number, anonVma: number, index: number): void {
    const j = this.j;
    const nr = 1 << order;
    for (let i = 0; i < nr; i++) j.a(this.head, pfn + i, pfn);
    j.a(this.order, pfn, order);
    j.a(this.flags, pfn, PG_uptodate);
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
