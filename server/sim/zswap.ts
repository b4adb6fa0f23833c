/**
 * zswap: a compressed cache in front of the swap devices (mm/zswap.c,
 * Documentation/admin-guide/mm/zswap.rst; kernel-swap.md §5).
 *
 * Entries are keyed by the swap entry of the slot they cache. The pool size
 * is the sum of compressed object sizes (zsmalloc's own overhead and the
 * size-class rounding are not modelled).
 */
import { compressedSize, type ContentClass } from './content';
import type { EventLog } from './events';
import type { Journal } from './journal';
import type { Memcg, MemcgTree } from './memcontrol';
import { swpOffset, swpType, type SwpEntry } from './swap_entry';

export interface ZswapParams {
  enabled: boolean;
  compressor: string;
  max_pool_percent: number;
  accept_threshold_percent: number;
  shrinker_enabled: boolean;
}

/** /sys/kernel/debug/zswap/ counters. */
export const ZSWAP_DEBUGFS = [
  'pool_limit_hit',
  'reject_reclaim_fail',
  'reject_alloc_fail',
  'reject_kmemcache_fail',
  'reject_compress_fail',
  'reject_compress_poor',
  'decompress_fail',
  'written_back_pages',
  'pool_total_size',
  'stored_pages',
  'stored_incompressible_pages',
] as const;
export type ZswapDebugfs = (typeof ZSWAP_DEBUGFS)[number];

/** One stored page: struct zswap_entry reduced to what is observable. */
export interface ZswapEntry {
  /** Compressed length in bytes (PAGE_SIZE for a page stored raw). */
  length: number;
  memcg: number;
  incompressible: boolean;
  /** Second-chance bit for the LRU shrinker. */
  referenced: boolean;
}

export type StoreResult = { stored: true } | { stored: false; reason: string };

export class Zswap {
  readonly params: ZswapParams = {
    enabled: false,
    compressor: 'lzo',
    max_pool_percent: 20,
    accept_threshold_percent: 90,
    shrinker_enabled: false,
  };
  /** zswap trees; Map iteration order doubles as the LRU (oldest first). */
  readonly entries = new Map<SwpEntry, ZswapEntry>();
  poolBytes = 0;
  /** zswap_pool_reached_full: latched until the pool drops below the accept threshold. */
  poolReachedFull = false;
  readonly stats: Record<Exclude<ZswapDebugfs, 'pool_total_size' | 'stored_pages'>, number> = {
    pool_limit_hit: 0,
    reject_reclaim_fail: 0,
    reject_alloc_fail: 0,
    reject_kmemcache_fail: 0,
    reject_compress_fail: 0,
    reject_compress_poor: 0,
    decompress_fail: 0,
    written_back_pages: 0,
    stored_incompressible_pages: 0,
  };
  /** Set by the pool-limit path; the caller runs the shrink worker. */
  shrinkWorkPending = false;

  constructor(
    private readonly j: Journal,
    private readonly log: EventLog,
    private readonly memcgs: MemcgTree,
    private readonly pageSize: number,
    private readonly ramPages: number,
  ) {}

  get storedPages(): number {
    return this.entries.size;
  }

  /** Pool pages as zswap_total_pages() would count them. */
  get poolPages(): number {
    return Math.ceil(this.poolBytes / this.pageSize);
  }

  maxPoolPages(): number {
    return Math.floor((this.ramPages * this.params.max_pool_percent) / 100);
  }

  acceptThresholdPages(): number {
    return Math.floor((this.maxPoolPages() * this.params.accept_threshold_percent) / 100);
  }

  /** zswap_check_limits(): true when stores must be refused because the pool is (still) full. */
  private checkLimits(): boolean {
    const cur = this.poolPages;
    if (cur >= this.maxPoolPages()) {
      this.j.set(this.stats, 'pool_limit_hit', this.stats.pool_limit_hit + 1);
      this.j.set(this, 'poolReachedFull', true);
    } else if (this.poolReachedFull && cur <= this.acceptThresholdPages()) {
      this.j.set(this, 'poolReachedFull', false);
    }
    return this.poolReachedFull;
  }

  /** memory.zswap.current of a cgroup: compressed bytes of its subtree. */
  subtreeBytes(m: Memcg): number {
    let n = 0;
    for (const d of m.subtree()) n += d.zswapBytes;
    return n;
  }

  /** obj_cgroup_may_zswap(): every ancestor below its memory.zswap.max. */
  mayZswap(m: Memcg): Memcg | null {
    for (const c of m.ancestorsAndSelf()) {
      if (c.isRoot) continue;
      if (c.zswapMax === 0) return c;
      if (this.subtreeBytes(c) >= c.zswapMax) return c;
    }
    return null;
  }

  /** Charge or uncharge compressed bytes to a cgroup; memory.current moves by whole pages (objcg stock). */
  private chargeBytes(m: Memcg, delta: number, pages: number, incompPages: number): void {
    const before = Math.ceil(m.zswapBytes / this.pageSize);
    this.j.set(m, 'zswapBytes', m.zswapBytes + delta);
    this.j.set(m, 'zswappedPages', m.zswappedPages + pages);
    this.j.set(m, 'zswapIncompPages', m.zswapIncompPages + incompPages);
    const after = Math.ceil(m.zswapBytes / this.pageSize);
    if (after > before) this.memcgs.forceCharge(m, 'memory', after - before);
    else if (after < before) this.memcgs.uncharge(m, 'memory', before - after);
  }

  /**
   * zswap_store(): store every page of a folio or none. `contents` gives the
   * class of each page; `writebackAllowed` is memory.zswap.writeback as it
   * applies to the folio's cgroup. `shrinkOne` writes back one entry of the
   * cgroup that is over its zswap limit (shrink_memcg).
   */
  store(first: SwpEntry, contents: readonly ContentClass[], m: Memcg, writebackAllowed: boolean, shrinkOne: (over: Memcg) => boolean): StoreResult {
    const nr = contents.length;
    if (!this.params.enabled) {
      for (let i = 0; i < nr; i++) this.invalidate(first + i);
      return { stored: false, reason: 'disabled' };
    }
    let over = this.mayZswap(m);
    if (over && over.zswapMax !== 0 && shrinkOne(over)) over = this.mayZswap(m);
    if (over) {
      this.rejectAll(first, nr, `memory.zswap.max of ${over.name}`);
      return { stored: false, reason: `memory.zswap.max of ${over.name}` };
    }
    if (this.checkLimits()) {
      this.j.set(this, 'shrinkWorkPending', true);
      this.rejectAll(first, nr, 'pool limit');
      return { stored: false, reason: 'pool limit' };
    }
    const sizes: number[] = [];
    for (const c of contents) {
      const len = compressedSize(c, this.pageSize);
      if (len >= this.pageSize) {
        if (!writebackAllowed) {
          this.j.set(this.stats, 'reject_compress_poor', this.stats.reject_compress_poor + 1);
          this.rejectAll(first, nr, 'incompressible with writeback disabled');
          return { stored: false, reason: 'incompressible with writeback disabled' };
        }
        sizes.push(-this.pageSize); // stored raw
      } else {
        sizes.push(len);
      }
    }
    for (let i = 0; i < nr; i++) {
      const raw = sizes[i]! < 0;
      const length = Math.abs(sizes[i]!);
      this.invalidate(first + i);
      this.j.mapSet(this.entries, first + i, { length, memcg: m.id, incompressible: raw, referenced: true });
      this.j.set(this, 'poolBytes', this.poolBytes + length);
      if (raw) this.j.set(this.stats, 'stored_incompressible_pages', this.stats.stored_incompressible_pages + 1);
      this.chargeBytes(m, length, 1, raw ? 1 : 0);
      this.log.emit({ kind: 'zswap', op: 'store', type: swpType(first), offset: swpOffset(first) + i });
    }
    return { stored: true };
  }

  private rejectAll(first: SwpEntry, nr: number, reason: string): void {
    for (let i = 0; i < nr; i++) this.invalidate(first + i);
    this.log.emit({ kind: 'zswap', op: 'reject', type: swpType(first), offset: swpOffset(first), reason });
  }

  /** zswap_is_present() for a range. */
  anyPresent(first: SwpEntry, nr: number): boolean {
    for (let i = 0; i < nr; i++) if (this.entries.has(first + i)) return true;
    return false;
  }

  /** zswap_load(): exclusive load — the entry is freed and the caller marks the folio dirty. */
  load(entry: SwpEntry): boolean {
    if (!this.entries.has(entry)) return false;
    this.remove(entry, 'load');
    return true;
  }

  /** zswap_invalidate(): the slot was freed. */
  invalidate(entry: SwpEntry): void {
    if (this.entries.has(entry)) this.remove(entry, 'invalidate');
  }

  /** Remove an entry (load, invalidate or writeback), uncharging its bytes. */
  remove(entry: SwpEntry, op: 'load' | 'invalidate' | 'writeback'): ZswapEntry {
    const e = this.entries.get(entry)!;
    this.j.mapDelete(this.entries, entry);
    this.j.set(this, 'poolBytes', this.poolBytes - e.length);
    if (e.incompressible) this.j.set(this.stats, 'stored_incompressible_pages', this.stats.stored_incompressible_pages - 1);
    const m = this.memcgs.get(e.memcg);
    if (m) this.chargeBytes(m, -e.length, -1, e.incompressible ? -1 : 0);
    this.log.emit({ kind: 'zswap', op, type: swpType(entry), offset: swpOffset(entry) });
    return e;
  }

  /** Rotate a referenced entry to the LRU tail, clearing its bit (second chance). */
  rotate(entry: SwpEntry): void {
    const e = this.entries.get(entry)!;
    this.j.mapDelete(this.entries, entry);
    this.j.mapSet(this.entries, entry, { ...e, referenced: false });
  }
}
