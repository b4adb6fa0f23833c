/**
 * zswap: a compressed cache in front of the swap devices (mm/zswap.c,
 * Documentation/admin-guide/mm/zswap.rst; docs/kernel-model.md §5).
 *
 * Entries are keyed by the swap entry of the slot they cache. The pool size
 * is the sum of compressed object sizes, packed perfectly into pages
 * (zsmalloc's size classes and zspage overhead are not modelled). Each
 * cgroup has its own LRU (the memcg-aware list_lru), a doubly linked list
 * threaded through the entries so that undo restores the order exactly.
 *
 * The class holds the data and the primitive operations; the functions
 * after it (store, load, writeback, shrinking) need the whole kernel.
 */
import { compressedSize, decodeContent, type ContentClass } from './content';
import type { EventLog } from './events';
import type { Journal } from './journal';
import type { Kernel } from './kernel';
import { ownedBy } from './owners';
import { ROOT_MEMCG_ID, objcgMemcg, zswapWritebackEnabled, type Memcg, type MemcgTree } from './memcontrol';
import { swapCacheLookup } from './swap_state';
import { swpOffset, swpType, type SwpEntry } from './swap_entry';
import {
  allocBacking,
  backingChargeTarget,
  backsToDisk,
  freePhysical,
  hasPhysicalDevice,
  setSwapfileBacking,
} from './virtual_layer';
import { MAX_RECLAIM_RETRIES } from './vmscan';

export interface ZswapParams {
  enabled: boolean;
  compressor: string;
  max_pool_percent: number;
  accept_threshold_percent: number;
  shrinker_enabled: boolean;
}

/** Compressor names the crypto API offers for zswap (crypto_has_acomp()). */
export const ZSWAP_COMPRESSORS = ['lzo', 'lzo-rle', 'lz4', 'lz4hc', 'zstd', 'deflate', '842'] as const;

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

/** No neighbour on a zswap LRU. */
export const LRU_NONE = -1;

/**
 * Compressed size of a zero-filled page that reaches zswap inside a large
 * folio with non-zero pages (whole zero folios never get here): a few tens
 * of bytes with lzo or lz4.
 */
export const ZERO_PAGE_COMPRESSED_BYTES = 32;

/** One stored page: struct zswap_entry reduced to what is observable. */
export interface ZswapEntry {
  /** The swap entry it caches (its key in the tree). */
  readonly key: SwpEntry;
  /** Compressed length in bytes (PAGE_SIZE for a page stored raw). */
  length: number;
  /** Memcg of the objcg the entry is charged to; ROOT_MEMCG_ID means no objcg (not charged). */
  memcg: number;
  incompressible: boolean;
  /** Second-chance bit for the LRU shrinker. */
  referenced: boolean;
  /** Stamp of the last insertion at an LRU tail: smaller is older. */
  seq: number;
  /** Neighbours on the memcg's LRU (LRU_NONE at the ends). */
  prev: SwpEntry;
  next: SwpEntry;
}

/** One memcg's zswap LRU (list_lru_one). */
export interface ZswapLru {
  head: SwpEntry;
  tail: SwpEntry;
  nr: number;
}

type StatName = Exclude<ZswapDebugfs, 'pool_total_size' | 'stored_pages'>;

export class Zswap {
  /** Module parameter defaults: CONFIG_ZSWAP_DEFAULT_ON, _COMPRESSOR_DEFAULT and _SHRINKER_DEFAULT_ON as in Kconfig. */
  readonly params: ZswapParams = {
    enabled: false,
    compressor: 'lzo',
    max_pool_percent: 20,
    accept_threshold_percent: 90,
    shrinker_enabled: false,
  };
  /** The zswap trees, keyed by swap entry. */
  readonly entries = new Map<SwpEntry, ZswapEntry>();
  /** Entries per swap type (the metadata model splits zswap's tree by the device a slot is on). */
  readonly entriesByType = new Map<number, number>();
  /** Per-memcg LRUs, by the entry's memcg id. */
  readonly lrus = new Map<number, ZswapLru>();
  nextSeq = 1;
  poolBytes = 0;
  /** zswap_pool_reached_full: latched until the pool drops to the accept threshold. */
  poolReachedFull = false;
  readonly stats: Record<StatName, number> = {
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
  /** shrink_work is queued; the kernel runs it after the operation. */
  shrinkWorkPending = false;
  /** zswap_next_shrink: the memcg the shrink worker visited last (0: start from the root). */
  nextShrink = 0;
  /**
   * Told when an entry appears (with its id, the LRU stamp it got at
   * insertion) or goes (id 0): the virtual layers keep a ZSWAP tag in the
   * slot's virtual_table while the entry exists (docs/kernel-model.md §8.3).
   */
  onChange: ((entry: SwpEntry, id: number) => void) | null = null;

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

  /** zswap_total_pages(): pool pages, objects packed without overhead. */
  get poolPages(): number {
    return Math.ceil(this.poolBytes / this.pageSize);
  }

  /** zswap_max_pages() */
  maxPoolPages(): number {
    return Math.floor((this.ramPages * this.params.max_pool_percent) / 100);
  }

  /** zswap_accept_thr_pages() */
  acceptThresholdPages(): number {
    return Math.floor((this.maxPoolPages() * this.params.accept_threshold_percent) / 100);
  }

  /** zswap_check_limits(): true when stores must be refused because the pool is (still) full. */
  checkLimits(): boolean {
    const cur = this.poolPages;
    if (cur >= this.maxPoolPages()) {
      this.bump('pool_limit_hit');
      this.j.set(this, 'poolReachedFull', true);
    } else if (this.poolReachedFull && cur <= this.acceptThresholdPages()) {
      this.j.set(this, 'poolReachedFull', false);
    }
    return this.poolReachedFull;
  }

  bump(stat: StatName, by = 1): void {
    this.j.set(this.stats, stat, this.stats[stat] + by);
  }

  /** memory.zswap.current of a cgroup: compressed bytes of its subtree (MEMCG_ZSWAP_B). */
  subtreeBytes(m: Memcg): number {
    let n = 0;
    for (const d of m.subtree()) n += d.zswapBytes;
    return n;
  }

  /** obj_cgroup_may_zswap(): every non-root ancestor below its memory.zswap.max (whole pages of compressed bytes). */
  mayZswap(m: Memcg): boolean {
    for (const c of m.ancestorsAndSelf()) {
      if (c.isRoot) break;
      if (c.zswapMax === Number.POSITIVE_INFINITY) continue;
      if (c.zswapMax === 0) return false;
      if (Math.floor(this.subtreeBytes(c) / this.pageSize) >= c.zswapMax) return false;
    }
    return true;
  }

  has(entry: SwpEntry): boolean {
    return this.entries.has(entry);
  }

  /** zswap_is_present() for a range. */
  anyPresent(first: SwpEntry, nr: number): boolean {
    for (let i = 0; i < nr; i++) if (this.entries.has(first + i)) return true;
    return false;
  }

  /**
   * The tail of zswap_store_page(): put the entry in the tree (freeing a
   * stale one), charge it to the objcg, add it to its memcg's LRU tail with
   * the referenced bit set.
   */
  insert(entry: SwpEntry, length: number, memcgId: number, incompressible: boolean): void {
    this.invalidate(entry);
    const e: ZswapEntry = {
      key: entry,
      length,
      memcg: memcgId,
      incompressible,
      referenced: true,
      seq: 0,
      prev: LRU_NONE,
      next: LRU_NONE,
    };
    this.j.mapSet(this.entries, entry, e);
    this.countType(entry, 1);
    this.j.set(this, 'poolBytes', this.poolBytes + length);
    if (incompressible) this.bump('stored_incompressible_pages');
    this.charge(memcgId, length, 1, incompressible ? 1 : 0);
    const id = this.nextSeq;
    this.linkTail(entry, e);
    this.onChange?.(entry, id);
    this.log.emit({ kind: 'zswap', op: 'store', type: swpType(entry), offset: swpOffset(entry) });
  }

  /** zswap_invalidate(): the slot was freed (or is being stored again). */
  invalidate(entry: SwpEntry): void {
    if (this.entries.has(entry)) this.remove(entry, 'invalidate');
  }

  /** zswap_entry_free() after a load, an invalidation or a writeback: unlink, uncharge. */
  remove(entry: SwpEntry, op: 'load' | 'invalidate' | 'writeback'): ZswapEntry {
    const e = this.entries.get(entry)!;
    this.unlink(entry, e);
    this.j.mapDelete(this.entries, entry);
    this.countType(entry, -1);
    this.j.set(this, 'poolBytes', this.poolBytes - e.length);
    if (e.incompressible) this.bump('stored_incompressible_pages', -1);
    this.charge(e.memcg, -e.length, -1, e.incompressible ? -1 : 0);
    this.onChange?.(entry, 0);
    this.log.emit({ kind: 'zswap', op, type: swpType(entry), offset: swpOffset(entry) });
    return e;
  }

  private countType(entry: SwpEntry, delta: 1 | -1): void {
    const type = swpType(entry);
    const n = (this.entriesByType.get(type) ?? 0) + delta;
    if (n === 0) this.j.mapDelete(this.entriesByType, type);
    else this.j.mapSet(this.entriesByType, type, n);
  }

  /** list_move_tail() with the referenced bit cleared: the second chance, or the rotation before a writeback. */
  rotate(entry: SwpEntry): void {
    const e = this.entries.get(entry)!;
    this.unlink(entry, e);
    this.j.set(e, 'referenced', false);
    this.linkTail(entry, e);
  }

  /** The LRU of a memcg id (created empty on first use). */
  lru(memcgId: number): ZswapLru {
    let l = this.lrus.get(memcgId);
    if (!l) {
      l = ownedBy({ head: LRU_NONE, tail: LRU_NONE, nr: 0 }, this);
      this.j.mapSet(this.lrus, memcgId, l);
    }
    return l;
  }

  /** Entries of one memcg's own LRU, oldest first. */
  *lruOf(memcgId: number): Iterable<SwpEntry> {
    const l = this.lrus.get(memcgId);
    for (let e = l ? l.head : LRU_NONE; e !== LRU_NONE; e = this.entries.get(e)!.next) yield e;
  }

  /**
   * The LRUs a walk of online cgroup `m` covers: its own and those of its
   * offline descendants, whose lists the kernel reparents to it
   * (memcg_reparent_list_lrus()).
   */
  lruIdsFor(m: Memcg): number[] {
    const ids = [m.id];
    const visit = (c: Memcg): void => {
      for (const d of c.children) {
        if (d.online) continue;
        ids.push(d.id);
        visit(d);
      }
    };
    visit(m);
    return ids;
  }

  /** Oldest entry over the LRUs of `m` (own plus reparented), or LRU_NONE. */
  oldestFor(m: Memcg): SwpEntry {
    let best: SwpEntry = LRU_NONE;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (const id of this.lruIdsFor(m)) {
      const l = this.lrus.get(id);
      if (!l || l.head === LRU_NONE) continue;
      const s = this.entries.get(l.head)!.seq;
      if (s < bestSeq) {
        bestSeq = s;
        best = l.head;
      }
    }
    return best;
  }

  /** Number of entries on the LRUs of `m` (list_lru_shrink_count()). */
  countFor(m: Memcg): number {
    let n = 0;
    for (const id of this.lruIdsFor(m)) n += this.lrus.get(id)?.nr ?? 0;
    return n;
  }

  /** All entries, oldest first across memcgs (for views and fingerprints). */
  lruOrder(): SwpEntry[] {
    return [...this.entries.entries()].sort((a, b) => a[1].seq - b[1].seq).map(([e]) => e);
  }

  private linkTail(entry: SwpEntry, e: ZswapEntry): void {
    const l = this.lru(e.memcg);
    this.j.set(e, 'seq', this.nextSeq);
    this.j.set(this, 'nextSeq', this.nextSeq + 1);
    this.j.set(e, 'prev', l.tail);
    this.j.set(e, 'next', LRU_NONE);
    if (l.tail !== LRU_NONE) this.j.set(this.entries.get(l.tail)!, 'next', entry);
    else this.j.set(l, 'head', entry);
    this.j.set(l, 'tail', entry);
    this.j.set(l, 'nr', l.nr + 1);
  }

  private unlink(entry: SwpEntry, e: ZswapEntry): void {
    const l = this.lru(e.memcg);
    if (e.prev !== LRU_NONE) this.j.set(this.entries.get(e.prev)!, 'next', e.next);
    else this.j.set(l, 'head', e.next);
    if (e.next !== LRU_NONE) this.j.set(this.entries.get(e.next)!, 'prev', e.prev);
    else this.j.set(l, 'tail', e.prev);
    this.j.set(e, 'prev', LRU_NONE);
    this.j.set(e, 'next', LRU_NONE);
    this.j.set(l, 'nr', l.nr - 1);
  }

  /**
   * obj_cgroup_charge_zswap() / _uncharge_zswap(): MEMCG_ZSWAP_B, ZSWAPPED
   * and ZSWAP_INCOMP, and memory.current in whole pages of the cgroup's
   * compressed bytes (the objcg keeps the sub-page remainder). No objcg, no
   * charge: root entries are not charged.
   */
  private charge(memcgId: number, delta: number, pages: number, incompPages: number): void {
    if (memcgId === ROOT_MEMCG_ID) return;
    const m = this.memcgs.get(memcgId);
    if (!m) return;
    const before = Math.ceil(m.zswapBytes / this.pageSize);
    this.j.set(m, 'zswapBytes', m.zswapBytes + delta);
    this.j.set(m, 'zswappedPages', m.zswappedPages + pages);
    this.j.set(m, 'zswapIncompPages', m.zswapIncompPages + incompPages);
    const after = Math.ceil(m.zswapBytes / this.pageSize);
    if (after > before) this.memcgs.forceCharge(m, 'memory', after - before);
    else if (after < before) this.memcgs.uncharge(m, 'memory', before - after);
  }
}

// ===================================================================
// Operations that need the whole kernel
// ===================================================================

/** Bytes zswap_compress() produces for one page; ≥ PAGE_SIZE means it did not compress. */
export function zswapCompressedLength(c: ContentClass, pageSize: number): number {
  if (c.kind === 'zero') return ZERO_PAGE_COMPRESSED_BYTES;
  return compressedSize(c, pageSize);
}

/**
 * nr_real_swapfiles == 0 (ghost RFC patch 13): only ghost devices (or only
 * the vswap device) are active, so zswap has nowhere to write back.
 */
function noRealSwapfile(k: Kernel): boolean {
  return !hasPhysicalDevice(k);
}

function invalidateRange(k: Kernel, first: SwpEntry, nr: number): void {
  for (let i = 0; i < nr; i++) k.zswap.invalidate(first + i);
}

/**
 * zswap_store() for the swapcache folio at `pfn`: every page of it or none.
 *  1. zswap disabled: drop stale entries of these slots, refuse.
 *  2. obj_cgroup_may_zswap() fails: shrink_memcg() the folio's own cgroup
 *     once; unless that wrote an entry back, refuse.
 *  3. zswap_check_limits(): refuse while the pool is (still) full.
 *  4. Compress each page; one that does not shrink is stored raw when the
 *     cgroup may write back, otherwise the folio is refused
 *     (reject_compress_fail).
 * A refused store while the pool is full queues the shrink worker.
 */
export function zswapStore(k: Kernel, pfn: number): boolean {
  const z = k.zswap;
  const f = k.folios;
  const first = f.swap[pfn]!;
  const nr = f.nr(pfn);
  if (!z.params.enabled || (nr > 1 && !k.kv.zswapLargeFolios)) {
    // zswap off, or a large folio on a kernel whose zswap_store() takes only order 0
    invalidateRange(k, first, nr);
    return false;
  }
  const objcg = objcgMemcg(k, f.memcg[pfn]!);
  const reason = storePages(k, pfn, objcg);
  if (reason === null) {
    k.vmstat.count('zswpout', nr);
    if (objcg) k.memcgs.statEvent(objcg, 'zswpout', nr);
    return true;
  }
  if (z.poolReachedFull) k.j.set(z, 'shrinkWorkPending', true);
  invalidateRange(k, first, nr);
  k.log.emit({ kind: 'zswap', op: 'reject', type: swpType(first), offset: swpOffset(first), reason });
  return false;
}

/** The checks and per-page stores of zswap_store(); the reason it refused, or null. */
function storePages(k: Kernel, pfn: number, objcg: Memcg | null): string | null {
  const z = k.zswap;
  const f = k.folios;
  const ps = k.geom.pageSize;
  if (objcg && !z.mayZswap(objcg) && shrinkMemcg(k, objcg) !== 0) return 'memory.zswap.max';
  if (z.checkLimits()) return 'pool limit';
  const folioMemcg = k.memcgs.get(f.memcg[pfn]!) ?? null;
  const wb = zswapWritebackEnabled(k, folioMemcg);
  const first = f.swap[pfn]!;
  for (let i = 0; i < f.nr(pfn); i++) {
    let len = zswapCompressedLength(decodeContent(f.content[pfn + i]!), ps);
    const raw = len >= ps;
    if (raw) {
      if (k.kv.zswapIncompressible === 'reject') {
        // zpool_malloc() of more than a page fails with ENOSPC: the folio goes to the device
        z.bump('reject_compress_poor');
        return 'incompressible';
      }
      if (!wb) {
        z.bump('reject_compress_fail');
        return 'incompressible with writeback disabled';
      }
      len = ps;
    }
    z.insert(first + i, len, objcg ? objcg.id : ROOT_MEMCG_ID, raw);
  }
  return null;
}

/** zswap_load(): exclusive; the entry is freed, the caller marks the folio dirty. False if the slot has no entry. */
export function zswapLoad(k: Kernel, entry: SwpEntry): boolean {
  const e = k.zswap.entries.get(entry);
  if (!e) return false;
  k.zswap.remove(entry, 'load');
  k.vmstat.count('zswpin');
  const objcg = objcgMemcg(k, e.memcg);
  if (objcg) k.memcgs.statEvent(objcg, 'zswpin', 1);
  return true;
}

/** zswap_folio_swapin(): a device read protects the cgroup's zswap LRU from the shrinker. */
export function zswapFolioSwapin(k: Kernel, m: Memcg | undefined): void {
  if (m) k.j.set(m, 'zswapDiskSwapins', m.zswapDiskSwapins + 1);
}

export type WritebackError = 'EEXIST' | 'ENOMEM' | 'EIO';

/**
 * zswap_writeback_entry(): decompress into the swap cache and write the
 * page to its own slot. Skipped (EEXIST) if the slot already has a
 * swapcache folio (it raced with a swapin). The transient swapcache folio
 * is not modelled: the page goes straight to the device, counted on the
 * cgroup a swapin of the slot would charge (the recorded one while online).
 *
 * A virtual slot has no device under it: vswap (§8.2, §8.3) allocates a
 * physical slot with an rmap POINTER and tags the slot SWAPFILE, leaving the
 * PTEs alone; a ghost slot can do the same only with the proposed
 * folio_realloc_swap()/rmap (`ghostWriteback`), else it fails (EIO).
 */
export function zswapWritebackEntry(k: Kernel, entry: SwpEntry): WritebackError | null {
  const e = k.zswap.entries.get(entry);
  if (!e) return 'ENOMEM';
  const si = k.swap.swapInfo[swpType(entry)];
  if (!si) return 'EEXIST';
  if (si.dynamic && !backsToDisk(k, si)) return 'EIO';
  if (swapCacheLookup(k, entry) >= 0) return 'EEXIST';
  let target = entry;
  if (si.dynamic) {
    const phys = allocBacking(k, entry, 0, -1, backingChargeTarget(k, entry));
    if (phys === null) return 'ENOMEM';
    target = phys;
  }
  const owner = k.swapinChargeTarget(k.swapMemcgId(si, swpOffset(entry)), ROOT_MEMCG_ID);
  // the page's content, as the swapout recorded it in the slot
  const sc = si.clusterOf(swpOffset(entry))?.simContent;
  const code = sc ? sc[swpOffset(entry) & (k.geom.clusterSlots - 1)]! : 0;
  if (!k.io.deviceWrite(target, 1, 0, owner.id, () => code)) {
    // the device refused it (zram at mem_limit): the entry stays in zswap
    if (target !== entry) freePhysical(k, target, 1);
    return 'ENOMEM';
  }
  k.zswap.remove(entry, 'writeback');
  k.vmstat.count('zswpwb');
  const objcg = objcgMemcg(k, e.memcg);
  if (objcg) k.memcgs.statEvent(objcg, 'zswpwb', 1);
  if (target !== entry) setSwapfileBacking(k, entry, target, 1);
  return null;
}

export type ShrinkOneResult = 'written' | 'rotated' | WritebackError;

/**
 * shrink_memcg_cb(): a referenced entry only loses its bit and moves to
 * the tail; otherwise it moves to the tail and is written back (a failure
 * counts reject_reclaim_fail).
 */
export function shrinkOne(k: Kernel, entry: SwpEntry): ShrinkOneResult {
  const z = k.zswap;
  const e = z.entries.get(entry)!;
  const wasReferenced = e.referenced;
  z.rotate(entry);
  if (wasReferenced) return 'rotated';
  const err = zswapWritebackEntry(k, entry);
  if (err) {
    z.bump('reject_reclaim_fail');
    return err;
  }
  z.bump('written_back_pages');
  return 'written';
}

/** Return values of shrink_memcg(). */
export const SHRINK_OK = 0;
export const SHRINK_ENOENT = -2;
export const SHRINK_EAGAIN = -11;

/**
 * shrink_memcg(): walk one entry of an online cgroup's LRU. ENOENT when
 * the cgroup may not write back, is offline, or has no entries; EAGAIN when
 * the entry was only rotated or could not be written.
 */
export function shrinkMemcg(k: Kernel, m: Memcg): number {
  if (!zswapWritebackEnabled(k, m) || !m.online || noRealSwapfile(k)) return SHRINK_ENOENT;
  const entry = k.zswap.oldestFor(m);
  if (entry === -1) return SHRINK_ENOENT;
  return shrinkOne(k, entry) === 'written' ? SHRINK_OK : SHRINK_EAGAIN;
}

/** mem_cgroup_iter() from the cursor over `all` (the pre-order walk), skipping offline cgroups; null at the end of a walk. */
function nextShrinkMemcg(k: Kernel, all: readonly Memcg[]): Memcg | null {
  const z = k.zswap;
  let i = z.nextShrink === 0 ? 0 : all.findIndex((m) => m.id === z.nextShrink) + 1;
  for (; i < all.length; i++) {
    const m = all[i]!;
    if (!m.online) continue;
    k.j.set(z, 'nextShrink', m.id);
    return m;
  }
  k.j.set(z, 'nextShrink', 0);
  return null;
}

/**
 * shrink_worker(): visit online cgroups round robin from where the last run
 * stopped, one entry each, until the pool is at or below the accept
 * threshold; give up after MAX_RECLAIM_RETRIES failures (a rotation counts
 * as one, and so does a whole walk without a candidate). With `limit`, the
 * `zswap shrink N` command instead stops after N writebacks and tolerates
 * enough failures to give every entry its second chance.
 */
export function shrinkWorker(k: Kernel, limit?: number): number {
  const z = k.zswap;
  const thr = z.acceptThresholdPages();
  const maxFailures = limit === undefined ? MAX_RECLAIM_RETRIES : 2 * z.storedPages + MAX_RECLAIM_RETRIES;
  let failures = 0;
  let attempts = 0;
  let written = 0;
  let walkEnds = 0;
  const more = (): boolean => (limit === undefined ? z.poolPages > thr : written < limit && z.storedPages > 0);
  const all = [...k.memcgs.root.subtree()];
  do {
    const m = nextShrinkMemcg(k, all);
    if (!m) {
      walkEnds++;
      // the command stops after a whole walk without a candidate: later walks find none either
      if (!attempts && (limit !== undefined ? walkEnds > 1 : ++failures >= maxFailures)) break;
      attempts = 0;
      continue;
    }
    const ret = shrinkMemcg(k, m);
    if (ret === SHRINK_ENOENT) continue;
    attempts++;
    if (ret === SHRINK_OK) written++;
    else if (++failures >= maxFailures) break;
  } while (more());
  return written;
}

/**
 * The memcg-aware zswap shrinker, run by reclaim of an online cgroup that
 * fell short of its target (the kernel's slab shrinkers do real work only
 * as the reclaim priority drops). zswap_shrinker_count() scaled by the
 * compression ratio, minus recent device swapins; then that many entries
 * are walked as zswap_shrinker_scan() does, stopping at a raced slot.
 */
export function zswapShrinkerScan(k: Kernel, m: Memcg): number {
  const z = k.zswap;
  if (!z.params.shrinker_enabled || !zswapWritebackEnabled(k, m) || !m.online || noRealSwapfile(k)) return 0;
  // MEMCG_ZSWAPPED / MEMCG_ZSWAP_B of the subtree (entries without an objcg count nowhere)
  let stored = 0;
  for (const d of m.subtree()) stored += d.zswappedPages;
  if (!stored) return 0;
  const backing = Math.floor(z.subtreeBytes(m) / k.geom.pageSize);
  let freeable = z.countFor(m);
  if (!freeable) return 0;
  const swapins = m.zswapDiskSwapins;
  const remain = freeable >= swapins ? 0 : swapins - freeable;
  k.j.set(m, 'zswapDiskSwapins', remain);
  freeable -= swapins - remain;
  if (freeable <= 0) return 0;
  const toScan = Math.floor((freeable * backing) / stored);
  let written = 0;
  for (let i = 0; i < toScan; i++) {
    const entry = z.oldestFor(m);
    if (entry === -1) break;
    const r = shrinkOne(k, entry);
    if (r === 'written') written++;
    else if (r === 'EEXIST') break;
  }
  return written;
}

/**
 * Consistency of zswap (run by invariants.ts): each cgroup's compressed
 * bytes and page counts are the sums of its entries, the LRUs hold every
 * entry exactly once with sound links, raw entries are page-sized, and
 * stored_incompressible_pages counts them.
 */
export function zswapInvariants(k: Kernel): string[] {
  const out: string[] = [];
  const z = k.zswap;
  const ps = k.geom.pageSize;
  const sums = new Map<number, { bytes: number; pages: number; incomp: number }>();
  let incomp = 0;
  // forEach, not for-of over entries: no [key, value] pair per entry (this runs in every sampled sweep)
  z.entries.forEach((e, entry) => {
    if (!k.memcgs.get(e.memcg)) out.push(`zswap entry ${entry} charged to unknown memcg ${e.memcg}`);
    if (e.incompressible !== (e.length === ps))
      out.push(`zswap entry ${entry}: length ${e.length} but incompressible=${e.incompressible}`);
    if (e.incompressible) incomp++;
    let s = sums.get(e.memcg);
    if (s === undefined) sums.set(e.memcg, (s = { bytes: 0, pages: 0, incomp: 0 }));
    s.bytes += e.length;
    s.pages++;
    if (e.incompressible) s.incomp++;
  });
  if (incomp !== z.stats.stored_incompressible_pages)
    out.push(`stored_incompressible_pages ${z.stats.stored_incompressible_pages} but ${incomp} raw entries`);
  for (const m of k.memcgs.byId.values()) {
    const s = m.isRoot ? { bytes: 0, pages: 0, incomp: 0 } : (sums.get(m.id) ?? { bytes: 0, pages: 0, incomp: 0 });
    if (m.zswapBytes !== s.bytes || m.zswappedPages !== s.pages || m.zswapIncompPages !== s.incomp) {
      out.push(
        `memcg ${m.name}: zswap ${m.zswapBytes} B/${m.zswappedPages} pages/${m.zswapIncompPages} raw but entries hold ${s.bytes} B/${s.pages}/${s.incomp}`,
      );
    }
  }
  let listed = 0;
  for (const [id, l] of z.lrus) {
    let n = 0;
    let prev: SwpEntry = LRU_NONE;
    for (let entry = l.head; entry !== LRU_NONE;) {
      const e = z.entries.get(entry);
      if (!e) {
        out.push(`zswap LRU of memcg ${id} links to missing entry ${entry}`);
        break;
      }
      if (e.memcg !== id) out.push(`zswap entry ${entry} of memcg ${e.memcg} on the LRU of memcg ${id}`);
      if (e.prev !== prev) out.push(`zswap LRU of memcg ${id}: bad prev link at ${entry}`);
      prev = entry;
      entry = e.next;
      if (++n > z.entries.size) {
        out.push(`zswap LRU of memcg ${id} loops`);
        break;
      }
    }
    if (prev !== l.tail) out.push(`zswap LRU of memcg ${id}: tail ${l.tail} is not the last entry ${prev}`);
    if (n !== l.nr) out.push(`zswap LRU of memcg ${id}: ${n} entries linked but nr ${l.nr}`);
    listed += n;
  }
  if (listed !== z.entries.size) out.push(`${z.entries.size} zswap entries but ${listed} on LRUs`);
  return out;
}
