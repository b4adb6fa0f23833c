/**
 * Kernel memory that is not user folios: vmalloc areas, slab caches, pages
 * the kernel takes for itself, and the zsmalloc pools of zswap and zram.
 * Each is a pool of buddy blocks taken from the page allocator, so it is
 * gone from MemFree and from what user allocations can get, as in the
 * kernel, and each shows in the /proc/meminfo line the kernel counts it in
 * (mm/show_mem.c meminfo_proc_show(), si_mem_available()).
 *
 * A pool holds the pages its bytes need under its packing rule; which PFNs
 * back it is not modelled beyond that (it takes the largest free blocks
 * that fit, where the kernel's vmalloc would mostly take order-0 pages).
 * Object bytes are packed without per-slab waste, as zswap's pool is.
 *
 * Kernel allocations made while memory is short (a swap table wanted in the
 * middle of reclaim) may come up short: the kernel serves them from the
 * watermark reserves that reclaim refills. The pool records the shortfall
 * as debt, which is paid from the next pages freed, before any user
 * allocation (`settle`); the kernel (kernel.ts) settles all debt before an
 * operation ends, reclaiming for it or failing the operation with ENOMEM.
 */
import type { Journal } from './journal';
import { MAX_PAGE_ORDER, type PageAllocator } from './page_alloc';

/**
 * How a pool's bytes become pages, and where meminfo counts them:
 *  - `vmalloc`: one area, page-granular (VmallocUsed);
 *  - `slab`: objects of a kmem_cache or kmalloc (SUnreclaim);
 *  - `slab-reclaimable`: a SLAB_RECLAIM_ACCOUNT cache, radix_tree_node for
 *    the XArrays (SReclaimable, half of it counted as available);
 *  - `kmalloc-large`: one allocation above the slab sizes, a whole
 *    power-of-two block (SUnreclaim, as ___kmalloc_large_node() accounts it);
 *  - `pages`: whole pages from alloc_pages() (no meminfo line of their own);
 *  - `zsmalloc`: compressed objects of zswap or zram (the Zswap line, zram's mm_stat).
 */
export type KmemKind = 'vmalloc' | 'slab' | 'slab-reclaimable' | 'kmalloc-large' | 'pages' | 'zsmalloc';

export const KMEM_KINDS: readonly KmemKind[] = [
  'vmalloc',
  'slab',
  'slab-reclaimable',
  'kmalloc-large',
  'pages',
  'zsmalloc',
];

/** KMALLOC_MAX_SIZE: the largest kmalloc, one MAX_PAGE_ORDER block. */
export const kmallocMaxSize = (pageSize: number): number => pageSize << MAX_PAGE_ORDER;

/** KMALLOC_MAX_CACHE_SIZE: above two pages kmalloc goes to the page allocator. */
export const kmallocMaxCacheSize = (pageSize: number): number => 2 * pageSize;

/**
 * kvmalloc(): kmalloc first (a slab object, or a large kmalloc above two
 * pages), vmalloc when the size is beyond what kmalloc can give.
 */
export function kvmallocKind(bytes: number, pageSize: number): KmemKind {
  if (bytes > kmallocMaxSize(pageSize)) return 'vmalloc';
  return bytes > kmallocMaxCacheSize(pageSize) ? 'kmalloc-large' : 'slab';
}

/** Pages a pool of `kind` holding `bytes` needs. */
export function poolPages(kind: KmemKind, bytes: number, pageSize: number): number {
  if (bytes <= 0) return 0;
  const pages = Math.ceil(bytes / pageSize);
  if (kind !== 'kmalloc-large') return pages;
  // get_order(): the smallest power-of-two block that holds it
  return 2 ** Math.ceil(Math.log2(pages));
}

/** One pool: a named user of kernel memory (`swap_cgroup /dev/vdb`, `zswap`, `kmalloc`). */
export class KmemPool {
  /** Bytes of the objects it holds. */
  bytes = 0;
  /** Pages those bytes need (poolPages). */
  pages = 0;
  /** Pages it holds now; below `pages` while in debt. */
  held = 0;
  /** Its buddy blocks, newest last: PFN and order. */
  readonly pfns: number[] = [];
  readonly orders: number[] = [];
  constructor(
    readonly name: string,
    readonly kind: KmemKind,
  ) {}
}

export class KernelMemory {
  /** Pools by name; a pool that drops to zero bytes stays (it costs nothing). */
  readonly pools = new Map<string, KmemPool>();
  /** Pages owed by pools in debt (Σ pages − held). */
  debt = 0;

  constructor(
    private readonly j: Journal,
    private readonly buddy: PageAllocator,
    private readonly pageSize: number,
  ) {}

  pool(name: string, kind: KmemKind): KmemPool {
    let p = this.pools.get(name);
    if (p) {
      if (p.kind !== kind) throw new RangeError(`kernel memory pool ${name} is ${p.kind}, not ${kind}`);
      return p;
    }
    p = new KmemPool(name, kind);
    this.j.mapSet(this.pools, name, p);
    return p;
  }

  /** Set a pool's object bytes; it takes or gives back the pages the change needs. */
  setBytes(p: KmemPool, bytes: number): void {
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`kernel memory pool ${p.name}: ${bytes} bytes`);
    if (bytes === p.bytes) return;
    this.j.set(p, 'bytes', bytes);
    const pages = poolPages(p.kind, bytes, this.pageSize);
    if (pages === p.pages) return;
    this.j.set(p, 'pages', pages);
    if (pages < p.held) this.shrink(p, p.held - pages);
    else if (pages > p.held) this.grow(p, pages - p.held);
    this.recountDebt();
  }

  addBytes(p: KmemPool, delta: number): void {
    this.setBytes(p, p.bytes + delta);
  }

  /** Give every pool in debt what the free pages allow; true when no debt is left. */
  settle(): boolean {
    if (this.debt === 0) return true;
    // by name: a Map's order after undo is not its order before, and which pool is paid first decides PFNs
    const owing = [...this.pools.values()].filter((p) => p.held < p.pages).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const p of owing) this.grow(p, p.pages - p.held);
    this.recountDebt();
    return this.debt === 0;
  }

  /** Pages held, by kind (for meminfo). */
  pagesByKind(): Record<KmemKind, number> {
    const out = Object.fromEntries(KMEM_KINDS.map((k) => [k, 0])) as Record<KmemKind, number>;
    for (const p of this.pools.values()) out[p.kind] += p.held;
    return out;
  }

  /** Pages held by every pool. */
  get totalPages(): number {
    let n = 0;
    for (const p of this.pools.values()) n += p.held;
    return n;
  }

  private recountDebt(): void {
    let d = 0;
    for (const p of this.pools.values()) d += p.pages - p.held;
    if (d !== this.debt) this.j.set(this, 'debt', d);
  }

  /** Take up to `n` pages in the largest blocks that fit; what cannot be had stays owed. */
  private grow(p: KmemPool, n: number): void {
    let need = n;
    while (need > 0) {
      let order = Math.min(MAX_PAGE_ORDER, Math.floor(Math.log2(need)));
      let pfn = -1;
      for (; order >= 0; order--) {
        if (!this.buddy.canAlloc(order)) continue;
        pfn = this.buddy.alloc(order);
        if (pfn >= 0) break;
      }
      if (pfn < 0) return;
      this.pushBlock(p, pfn, order);
      need -= 1 << order;
    }
  }

  /** Give back `n` pages, newest blocks first, splitting a block that is larger than what is left to give. */
  private shrink(p: KmemPool, n: number): void {
    let give = n;
    while (give > 0) {
      const last = p.pfns.length - 1;
      const pfn = p.pfns[last]!;
      const order = p.orders[last]!;
      this.popBlock(p);
      if (1 << order <= give) {
        this.buddy.free(pfn, order);
        give -= 1 << order;
        continue;
      }
      // keep the lower half, put the upper half on top where the next pass frees or splits it
      const half = 1 << (order - 1);
      this.pushBlock(p, pfn, order - 1);
      this.pushBlock(p, pfn + half, order - 1);
    }
  }

  private pushBlock(p: KmemPool, pfn: number, order: number): void {
    this.j.push(p.pfns, pfn);
    this.j.push(p.orders, order);
    this.j.set(p, 'held', p.held + (1 << order));
  }

  private popBlock(p: KmemPool): void {
    this.j.pop(p.pfns);
    const order = this.j.pop(p.orders)!;
    this.j.set(p, 'held', p.held - (1 << order));
  }
}

/**
 * Consistency of the pools (run by invariants.ts): each holds the pages
 * its bytes need, its blocks add up to what it holds, and no debt is left
 * between operations.
 */
export function kmemInvariants(km: KernelMemory, pageSize: number): string[] {
  const out: string[] = [];
  let debt = 0;
  for (const p of km.pools.values()) {
    const want = poolPages(p.kind, p.bytes, pageSize);
    if (p.pages !== want) out.push(`kernel memory ${p.name}: ${p.bytes} B need ${want} pages but it counts ${p.pages}`);
    let held = 0;
    for (const o of p.orders) held += 1 << o;
    if (held !== p.held) out.push(`kernel memory ${p.name}: blocks hold ${held} pages but it counts ${p.held}`);
    debt += p.pages - p.held;
  }
  if (debt !== km.debt) out.push(`kernel memory debt ${km.debt} but pools owe ${debt} pages`);
  if (debt !== 0) out.push(`kernel memory pools owe ${debt} pages between operations`);
  return out;
}
