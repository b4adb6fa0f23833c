/**
 * A buddy page allocator over the machine's RAM (mm/page_alloc.c, much
 * simplified: one zone, no watermarks, no per-CPU lists, no migrate types).
 * It exists so that folios get realistic, naturally aligned PFNs, which the
 * swap table stores in its PFN entries.
 */
import type { Journal } from './journal';

/** MAX_PAGE_ORDER on x86-64. */
export const MAX_PAGE_ORDER = 10;

export class PageAllocator {
  /** Order of the free block headed by this PFN, or -1. */
  private readonly freeOrder: Int8Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly heads: Int32Array;
  /** Free pages (NR_FREE_PAGES). */
  nrFree = 0;

  constructor(
    private readonly j: Journal,
    readonly totalPages: number,
  ) {
    this.freeOrder = new Int8Array(totalPages).fill(-1);
    this.next = new Int32Array(totalPages).fill(-1);
    this.prev = new Int32Array(totalPages).fill(-1);
    this.heads = new Int32Array(MAX_PAGE_ORDER + 1).fill(-1);
    // Seed the free lists with the largest aligned blocks, high addresses
    // first so that the lowest PFNs are handed out first (LIFO lists).
    const blocks: [number, number][] = [];
    let pfn = 0;
    while (pfn < totalPages) {
      let order = MAX_PAGE_ORDER;
      while (order > 0 && (pfn % (1 << order) !== 0 || pfn + (1 << order) > totalPages)) order--;
      blocks.push([pfn, order]);
      pfn += 1 << order;
    }
    const rec = j.recording;
    j.recording = false;
    for (let i = blocks.length - 1; i >= 0; i--) this.insert(blocks[i]![0], blocks[i]![1]);
    j.recording = rec;
  }

  private insert(pfn: number, order: number): void {
    const j = this.j;
    const head = this.heads[order]!;
    j.a(this.freeOrder, pfn, order);
    j.a(this.prev, pfn, -1);
    j.a(this.next, pfn, head);
    if (head >= 0) j.a(this.prev, head, pfn);
    j.a(this.heads, order, pfn);
    j.set(this, 'nrFree', this.nrFree + (1 << order));
  }

  private unlink(pfn: number, order: number): void {
    const j = this.j;
    const p = this.prev[pfn]!;
    const n = this.next[pfn]!;
    if (p >= 0) j.a(this.next, p, n);
    else j.a(this.heads, order, n);
    if (n >= 0) j.a(this.prev, n, p);
    j.a(this.freeOrder, pfn, -1);
    j.set(this, 'nrFree', this.nrFree - (1 << order));
  }

  /** __alloc_pages(order): the first block of the smallest sufficient order, split down. Returns -1 when none. */
  alloc(order: number): number {
    let o = order;
    while (o <= MAX_PAGE_ORDER && this.heads[o]! < 0) o++;
    if (o > MAX_PAGE_ORDER) return -1;
    const pfn = this.heads[o]!;
    this.unlink(pfn, o);
    while (o > order) {
      o--;
      this.insert(pfn + (1 << o), o); // expand(): the upper half goes back
    }
    return pfn;
  }

  /** __free_pages(pfn, order): merge with free buddies. */
  free(pfn: number, order: number): void {
    while (order < MAX_PAGE_ORDER) {
      const buddy = pfn ^ (1 << order);
      if (buddy >= this.totalPages || this.freeOrder[buddy] !== order) break;
      this.unlink(buddy, order);
      pfn = Math.min(pfn, buddy);
      order++;
    }
    this.insert(pfn, order);
  }

  /** Can an allocation of this order succeed right now? */
  canAlloc(order: number): boolean {
    for (let o = order; o <= MAX_PAGE_ORDER; o++) if (this.heads[o]! >= 0) return true;
    return false;
  }
}
