/**
 * A buddy page allocator over the machine's RAM (mm/page_alloc.c, much
 * simplified: one zone, no watermarks, no per-CPU lists, no migrate types).
 * It exists so that folios get realistic, naturally aligned PFNs, which the
 * swap table stores in its PFN entries.
 */
import type { Journal } from './journal';
import { doubledCapacity, grown } from './growable';

/** MAX_PAGE_ORDER on x86-64. */
export const MAX_PAGE_ORDER = 10;

const MAX_BLOCK = 1 << MAX_PAGE_ORDER;

/**
 * Per-PFN state is materialised lazily: PFNs at or above `covered` have
 * never been read or written, so they are still in the boot state (free
 * blocks of the largest aligned orders, each order's list ascending) and
 * are filled in from it when first needed. Low PFNs are handed out first,
 * so a machine pays for the RAM it has used, not for the RAM it has.
 */
export class PageAllocator {
  /** Order of the free block headed by this PFN, or -1. */
  private freeOrder = new Int8Array(0);
  private next = new Int32Array(0);
  private prev = new Int32Array(0);
  private readonly heads: Int32Array;
  /** Boot-time blocks below MAX_PAGE_ORDER: the end of RAM when it is not a multiple of MAX_BLOCK pages. */
  private readonly tailBlocks: readonly { pfn: number; order: number }[];
  /** End of the boot-time MAX_PAGE_ORDER blocks (they start at PFN 0). */
  private readonly maxBlocksEnd: number;
  /** Free pages (NR_FREE_PAGES). */
  nrFree: number;

  constructor(
    private readonly j: Journal,
    readonly totalPages: number,
  ) {
    // Boot state (memblock_free_all() in spirit): the largest aligned blocks,
    // each order's free list ascending so the lowest PFNs go out first (LIFO lists).
    this.maxBlocksEnd = totalPages - (totalPages % MAX_BLOCK);
    const tail: { pfn: number; order: number }[] = [];
    for (let pfn = this.maxBlocksEnd; pfn < totalPages;) {
      let order = MAX_PAGE_ORDER;
      while (order > 0 && (pfn % (1 << order) !== 0 || pfn + (1 << order) > totalPages)) order--;
      tail.push({ pfn, order });
      pfn += 1 << order;
    }
    this.tailBlocks = tail;
    this.heads = new Int32Array(MAX_PAGE_ORDER + 1).fill(-1);
    if (this.maxBlocksEnd > 0) this.heads[MAX_PAGE_ORDER] = 0;
    for (let i = tail.length - 1; i >= 0; i--) {
      const b = tail[i]!;
      if (this.heads[b.order]! < 0) this.heads[b.order] = b.pfn;
    }
    this.nrFree = totalPages;
  }

  /** PFNs whose state is materialised (tests and benches read it). */
  get covered(): number {
    return this.freeOrder.length;
  }

  /**
   * Materialise PFNs below `end` (doubling, whole MAX_BLOCKs). Journalled as
   * one entry: undo puts the smaller arrays back, which older entries refer to.
   */
  private reach(end: number): void {
    const cap = this.freeOrder.length;
    if (end <= cap) return;
    const size = doubledCapacity(cap, MAX_BLOCK, end, this.totalPages);
    const old = [this.freeOrder, this.next, this.prev] as const;
    this.j.custom(() => {
      [this.freeOrder, this.next, this.prev] = old;
    });
    const freeOrder = grown(this.freeOrder, size, -1);
    const next = grown(this.next, size, -1);
    const prev = grown(this.prev, size, -1);
    // boot-time MAX_PAGE_ORDER blocks of the new range, linked to their neighbours
    const firstBlock = Math.ceil(cap / MAX_BLOCK) * MAX_BLOCK;
    for (let pfn = firstBlock; pfn < Math.min(size, this.maxBlocksEnd); pfn += MAX_BLOCK) {
      freeOrder[pfn] = MAX_PAGE_ORDER;
      prev[pfn] = pfn > 0 ? pfn - MAX_BLOCK : -1;
      next[pfn] = pfn + MAX_BLOCK < this.maxBlocksEnd ? pfn + MAX_BLOCK : -1;
    }
    // the tail blocks each have an order of their own: alone on their lists
    for (const b of this.tailBlocks) if (b.pfn >= cap && b.pfn < size) freeOrder[b.pfn] = b.order;
    this.freeOrder = freeOrder;
    this.next = next;
    this.prev = prev;
  }

  private insert(pfn: number, order: number): void {
    const j = this.j;
    const head = this.heads[order]!;
    this.reach(Math.max(pfn, head) + 1);
    j.a(this.freeOrder, pfn, order);
    j.a(this.prev, pfn, -1);
    j.a(this.next, pfn, head);
    if (head >= 0) j.a(this.prev, head, pfn);
    j.a(this.heads, order, pfn);
    j.set(this, 'nrFree', this.nrFree + (1 << order));
  }

  private unlink(pfn: number, order: number): void {
    const j = this.j;
    this.reach(pfn + 1);
    const p = this.prev[pfn]!;
    const n = this.next[pfn]!;
    this.reach(Math.max(p, n) + 1);
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

  /**
   * `n` order-0 allocations, as `n` calls of alloc(0) would make them, their
   * PFNs written to `out` in allocation order (as many as it holds). While
   * the smallest free block has order o and at least 2^o pages are still
   * wanted, those 2^o calls take exactly that block, lowest PFN first, and
   * leave the free lists as they were without it (each split's upper halves
   * are the smallest blocks, so the next calls take them): the block is
   * unlinked whole. The rest goes page by page. Returns the pages allocated
   * (fewer than `n` only when memory runs out).
   */
  allocOrder0Run(n: number, out: Int32Array): number {
    let done = 0;
    while (done < n) {
      let o = 0;
      while (o <= MAX_PAGE_ORDER && this.heads[o]! < 0) o++;
      if (o > MAX_PAGE_ORDER) break;
      if (1 << o <= n - done) {
        const pfn = this.heads[o]!;
        this.unlink(pfn, o);
        for (let i = 0; i < 1 << o; i++) out[done++] = pfn + i;
      } else {
        out[done++] = this.alloc(0);
      }
    }
    return done;
  }

  /**
   * Free order-0 pages in the order given, as `free(pfn, 0)` for each would:
   * a naturally aligned block of 2^o pages freed in ascending order, with
   * nothing of it free before, merges page by page into the whole block, so
   * it is freed as one block of order o (the merges inside it leave no
   * trace on the free lists).
   */
  freeOrder0Run(pfns: Int32Array, n: number): void {
    for (let k = 0; k < n;) {
      const pfn = pfns[k]!;
      // the largest block the PFN's alignment allows, then as much of it as the run covers
      let align = 0;
      while (align < MAX_PAGE_ORDER && pfn % (2 << align) === 0) align++;
      let run = 1;
      while (run < 1 << align && k + run < n && pfns[k + run] === pfn + run) run++;
      let o = 0;
      while (o < align && 2 << o <= run) o++;
      this.free(pfn, o);
      k += 1 << o;
    }
  }

  /** __free_pages(pfn, order): merge with free buddies. */
  free(pfn: number, order: number): void {
    while (order < MAX_PAGE_ORDER) {
      const buddy = pfn ^ (1 << order);
      if (buddy >= this.totalPages) break;
      this.reach(buddy + 1);
      if (this.freeOrder[buddy] !== order) break;
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
