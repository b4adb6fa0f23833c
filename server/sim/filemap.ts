/**
 * The page cache: files and their cached pages (mm/filemap.c,
 * mm/page-writeback.c, mm/truncate.c), on two kinds of filesystem:
 *  - `disk`: a block filesystem whose pages are read from and written back
 *    to a disk that is always there (no block layer, no extents);
 *  - `tmpfs`: shmem (mm/shmem.c, in shmem.ts): pages backed by swap.
 *
 * A file's address space maps page indices to a folio, or, for shmem, to
 * the swap entry its page went to (the "swap entries in the mapping").
 * Page cache folios are charged to the memcg of the task that brings them
 * in (filemap_add_folio() -> mem_cgroup_charge()), sit on the file LRU
 * (shmem on the anon LRU: they are swap-backed) and count in NR_FILE_PAGES,
 * NR_SHMEM, NR_FILE_DIRTY and NR_FILE_MAPPED, globally and per memcg.
 *
 * I/O completes at once. Dirty file pages are written back by the flusher
 * when the dirty background threshold is passed (balance_dirty_pages(),
 * wb_over_bg_thresh()), when reclaim finds them dirty (it wakes the
 * flusher, wakeup_flusher_threads(WB_REASON_VMSCAN)), on sync and fsync.
 */
import { contentOf, encodeContent, hash32, type ContentSpec } from './content';
import { fail } from './errno';
import { PG_active, PG_dirty, PG_reclaim, PG_referenced, PG_swapbacked } from './folio';
import type { Journal } from './journal';
import type { Kernel } from './kernel';
import { lruAdd, lruAddTail, lruDel, lruMove } from './lru';
import type { Memcg } from './memcontrol';
import type { Vma } from './mm';
import { watermarks } from './procfs';
import { shmemGetPage } from './shmem';

export type FsKind = 'disk' | 'tmpfs';

/** Mount points whose files are tmpfs (shmem); every other path is on a disk filesystem. */
export const TMPFS_MOUNTS = ['/dev/shm', '/tmp', '/run'] as const;

export function fsOf(path: string): FsKind {
  return TMPFS_MOUNTS.some((m) => path === m || path.startsWith(m + '/')) ? 'tmpfs' : 'disk';
}

/** Slot of an address space's page table: 0 empty, > 0 page PFN + 1, < 0 shmem swap entry (-entry - 1). */
export const XA_EMPTY = 0;
export const xaPage = (pfn: number): number => pfn + 1;
export const xaSwap = (entry: number): number => -entry - 1;
export const xaIsPage = (v: number): boolean => v > 0;
export const xaIsSwap = (v: number): boolean => v < 0;
export const xaPfn = (v: number): number => v - 1;
export const xaEntry = (v: number): number => -v - 1;

/** struct address_space of one inode (plus the shmem_inode_info fields the model needs). */
export class AddressSpace {
  /** i_size in bytes. */
  size = 0;
  /** The page table of the file: one slot per page index (see XA_*); grows with the file. */
  xa: Float64Array = new Float64Array(0);
  /** mapping->nrpages: pages in the page cache. */
  nrpages = 0;
  /** shmem_inode_info->swapped: pages of a shmem file in swap. */
  swapped = 0;
  /** i_nlink: 0 once unlinked; the pages go when the last mapping does. */
  nlink = 1;
  /** i_mmap: the VMAs mapping the file. */
  readonly mappers: Vma[] = [];
  constructor(
    readonly id: number,
    readonly path: string,
    readonly fs: FsKind,
    /** What the file's pages hold when written without saying (content.ts). */
    public content: ContentSpec,
    readonly contentSeed: number,
  ) {}

  get isShmem(): boolean {
    return this.fs === 'tmpfs';
  }
}

/** Page cache counters, kept globally (node_page_state) and per memcg (memcg_page_state, local). */
export interface FileStat {
  /** NR_FILE_PAGES: page cache pages, shmem included (the swap cache is kept apart here). */
  file: number;
  /** NR_SHMEM */
  shmem: number;
  /** NR_SHMEM_THPS: shmem pages in PMD-sized folios. */
  shmemThp: number;
  /** NR_FILE_DIRTY: dirty pages of files that write back (not shmem). */
  dirty: number;
  /** NR_FILE_MAPPED: page cache pages mapped by some page table. */
  mapped: number;
  /** NR_WRITTEN: pages written back. */
  written: number;
}

export const emptyFileStat = (): FileStat => ({ file: 0, shmem: 0, shmemThp: 0, dirty: 0, mapped: 0, written: 0 });

export class PageCache {
  /** Files by path (unlinked ones leave this map). */
  readonly files = new Map<string, AddressSpace>();
  /** Every live address space by id (folio->mapping), unlinked-but-mapped ones and anonymous shmem too. */
  readonly byId = new Map<number, AddressSpace>();
  nextId = 1;
  readonly stat: FileStat = emptyFileStat();
  /** The flusher was woken (by reclaim finding dirty pages); it runs with the operation's deferred work. */
  flushPending = false;

  constructor(private readonly j: Journal) {}

  /** The address space at `path`, or undefined. */
  lookup(path: string): AddressSpace | undefined {
    return this.files.get(path);
  }

  /** A new inode: at `path`, or (path null) an unnamed shmem object (shmem_zero_setup() of a shared anonymous mapping). */
  create(path: string | null, fs: FsKind, content: ContentSpec, seed: number): AddressSpace {
    const as = new AddressSpace(
      this.nextId,
      path ?? `/dev/zero (deleted)#${this.nextId}`,
      fs,
      content,
      hash32(seed, this.nextId),
    );
    this.j.set(this, 'nextId', this.nextId + 1);
    this.j.mapSet(this.byId, as.id, as);
    if (path !== null) this.j.mapSet(this.files, path, as);
    else this.j.set(as, 'nlink', 0);
    return as;
  }

  /** Make room in the file's page table for index `idx` (the array is replaced; undo puts the old one back). */
  reserve(as: AddressSpace, pages: number): void {
    if (pages <= as.xa.length) return;
    let cap = Math.max(16, as.xa.length);
    while (cap < pages) cap *= 2;
    const next = new Float64Array(cap);
    next.set(as.xa);
    this.j.set(as, 'xa', next);
  }
}

// ===================================================================
// Operations that need the whole kernel
// ===================================================================

/** Add `delta` to a page cache counter, globally and on the folio's memcg (__lruvec_stat_mod_folio()). */
export function fileStat(k: Kernel, pfn: number, key: keyof FileStat, delta: number): void {
  if (!delta) return;
  const pc = k.pagecache;
  k.j.set(pc.stat, key, pc.stat[key] + delta);
  const m = k.memcgs.get(k.folios.memcg[pfn]!);
  if (m) k.j.set(m.fileStat, key, m.fileStat[key] + delta);
}

/** The page of a file: its PFN, or -1 when the index is not cached (filemap_get_folio()). */
export function findPage(as: AddressSpace, index: number): number {
  const v = index < as.xa.length ? as.xa[index]! : XA_EMPTY;
  return xaIsPage(v) ? xaPfn(v) : -1;
}

/**
 * filemap_add_folio(): a new folio (order 0 for disk files, the file's
 * order for shmem) charged to `m`, in the page cache at `index`, on the
 * LRU. Its pages take the file's content. Returns the head PFN, or
 * allocFolio()'s failure code when memory (or the memcg) cannot provide it.
 */
export function addPageCacheFolio(
  k: Kernel,
  as: AddressSpace,
  index: number,
  order: number,
  m: Memcg,
  mayOom: boolean,
): number {
  const pfn = k.mem.allocFolio(m, order, mayOom && order === 0);
  if (pfn < 0) return pfn;
  const f = k.folios;
  const nr = 1 << order;
  if (!as.isShmem) {
    // a file folio is not backed by swap: it moves to the file LRU
    const active = f.test(pfn, PG_active);
    lruDel(k.j, f, m, pfn);
    f.clearFlag(pfn, PG_swapbacked);
    lruAdd(k.j, f, m, pfn, active);
  }
  k.j.a(f.mapping, pfn, as.id);
  k.j.a(f.index, pfn, index);
  k.pagecache.reserve(as, index + nr);
  for (let i = 0; i < nr; i++) {
    k.j.a(f.content, pfn + i, encodeContent(contentOf(as.content, as.contentSeed, index + i)));
    k.j.a(as.xa, index + i, xaPage(pfn + i));
  }
  k.j.set(as, 'nrpages', as.nrpages + nr);
  fileStat(k, pfn, 'file', nr);
  if (as.isShmem) {
    fileStat(k, pfn, 'shmem', nr);
    if (order === k.geom.pmdOrder && nr > 1) fileStat(k, pfn, 'shmemThp', nr);
  }
  return pfn;
}

/** __filemap_remove_folio(): the folio leaves the page cache (its slots empty, or, for shmem, `slotValue`). */
export function removePageCacheFolio(k: Kernel, pfn: number, slotValue: (i: number) => number = () => XA_EMPTY): void {
  const f = k.folios;
  const as = k.pagecache.byId.get(f.mapping[pfn]!)!;
  const nr = f.nr(pfn);
  const index = f.index[pfn]!;
  for (let i = 0; i < nr; i++) k.j.a(as.xa, index + i, slotValue(i));
  k.j.set(as, 'nrpages', as.nrpages - nr);
  if (f.test(pfn, PG_dirty) && !as.isShmem) fileStat(k, pfn, 'dirty', -nr);
  fileStat(k, pfn, 'file', -nr);
  if (as.isShmem) {
    fileStat(k, pfn, 'shmem', -nr);
    if (f.order[pfn] === k.geom.pmdOrder && nr > 1) fileStat(k, pfn, 'shmemThp', -nr);
  }
  k.j.a(f.mapping, pfn, 0);
}

/** folio_mark_dirty() of a page cache folio: a file that writes back counts it in NR_FILE_DIRTY. */
export function markDirty(k: Kernel, pfn: number): void {
  const f = k.folios;
  if (f.test(pfn, PG_dirty)) return;
  f.setFlag(pfn, PG_dirty);
  const as = k.pagecache.byId.get(f.mapping[pfn]!);
  if (as && !as.isShmem) fileStat(k, pfn, 'dirty', f.nr(pfn));
}

/**
 * folio_mark_accessed() on a read or write through the file: the first
 * access sets PG_referenced, the second moves an inactive folio to the
 * active list.
 */
export function markAccessed(k: Kernel, pfn: number): void {
  const f = k.folios;
  if (!f.test(pfn, PG_referenced)) {
    f.setFlag(pfn, PG_referenced);
    return;
  }
  if (f.test(pfn, PG_active)) return;
  const m = k.memcgs.get(f.memcg[pfn]!) ?? k.memcgs.root;
  f.clearFlag(pfn, PG_referenced);
  lruMove(k.j, f, m, pfn, true);
  k.vmstat.count('pgactivate', f.nr(pfn));
  k.memcgs.statEvent(m, 'pgactivate', f.nr(pfn));
}

/**
 * Write one dirty file folio back (the flusher's writepages): it is clean
 * now; one that reclaim marked PG_reclaim goes to the tail of the inactive
 * list, to be reclaimed first (folio_end_writeback() ->
 * folio_rotate_reclaimable()).
 */
export function writebackFolio(k: Kernel, pfn: number): void {
  const f = k.folios;
  if (!f.test(pfn, PG_dirty)) return;
  const nr = f.nr(pfn);
  f.clearFlag(pfn, PG_dirty);
  fileStat(k, pfn, 'dirty', -nr);
  fileStat(k, pfn, 'written', nr);
  k.vmstat.count('pgpgout', nr * (k.geom.pageSize / 1024));
  if (!f.test(pfn, PG_reclaim)) return;
  f.clearFlag(pfn, PG_reclaim);
  if (f.test(pfn, PG_active)) return;
  // folio_rotate_reclaimable(): to the tail, where reclaim scans first
  const m = k.memcgs.get(f.memcg[pfn]!) ?? k.memcgs.root;
  lruDel(k.j, f, m, pfn);
  lruAddTail(k.j, f, m, pfn, false);
}

/** Every dirty page cache folio of disk files (for the flusher), in folio order of their files. */
function* dirtyFolios(k: Kernel, only?: AddressSpace): Iterable<number> {
  const f = k.folios;
  const spaces = only ? [only] : [...k.pagecache.byId.values()].sort((a, b) => a.id - b.id);
  for (const as of spaces) {
    if (as.isShmem) continue;
    for (let i = 0; i < as.xa.length; i++) {
      const v = as.xa[i]!;
      if (!xaIsPage(v)) continue;
      const pfn = xaPfn(v);
      if (f.head[pfn] === pfn && f.test(pfn, PG_dirty)) yield pfn;
    }
  }
}

/** Write back dirty file pages until at most `keep` remain (sync: 0), one file (fsync) or all. Returns pages written. */
export function writeback(k: Kernel, keep = 0, only?: AddressSpace): number {
  let written = 0;
  for (const pfn of [...dirtyFolios(k, only)]) {
    if (k.pagecache.stat.dirty <= keep) break;
    written += k.folios.nr(pfn);
    writebackFolio(k, pfn);
  }
  return written;
}

/**
 * The dirty thresholds in pages (domain_dirty_limits() over
 * global_dirtyable_memory(): free pages above the reserve plus the file
 * LRU): vm.dirty_background_ratio and vm.dirty_ratio of it.
 */
export function dirtyThresholds(k: Kernel): { background: number; limit: number } {
  const free = Math.max(0, k.pages.nrFree - watermarks(k).totalreserve);
  let fileLru = 0;
  for (const m of k.memcgs.root.subtree()) fileLru += m.inactiveFile.nrPages + m.activeFile.nrPages;
  const dirtyable = free + fileLru;
  return {
    background: Math.floor((dirtyable * k.sysctl.dirty_background_ratio) / 100),
    limit: Math.floor((dirtyable * k.sysctl.dirty_ratio) / 100),
  };
}

/**
 * balance_dirty_pages() after a write: past vm.dirty_ratio the writer is
 * throttled until writeback brings the dirty pages down; past
 * vm.dirty_background_ratio the flusher writes them down to that
 * threshold (both happen at once here: there is no time to wait in).
 */
export function balanceDirtyPages(k: Kernel): void {
  const { background } = dirtyThresholds(k);
  if (k.pagecache.stat.dirty > background) writeback(k, background);
}

/** The flusher woken by reclaim: every dirty file page is written back. */
export function runFlusher(k: Kernel): void {
  if (!k.pagecache.flushPending) return;
  k.j.set(k.pagecache, 'flushPending', false);
  writeback(k, 0);
}

/**
 * echo 1 > /proc/sys/vm/drop_caches (drop_pagecache_sb() ->
 * invalidate_mapping_pages()): clean, unmapped file pages leave the page
 * cache. Dirty, mapped and shmem pages stay.
 */
export function dropCaches(k: Kernel): number {
  const f = k.folios;
  let dropped = 0;
  for (const as of [...k.pagecache.byId.values()].sort((a, b) => a.id - b.id)) {
    if (as.isShmem) continue;
    for (let i = 0; i < as.xa.length; i++) {
      const v = as.xa[i]!;
      if (!xaIsPage(v)) continue;
      const pfn = xaPfn(v);
      if (f.head[pfn] !== pfn || f.test(pfn, PG_dirty) || f.mapcount[pfn]! > 0) continue;
      dropped += f.nr(pfn);
      removePageCacheFolio(k, pfn);
      k.mem.freeFolio(pfn);
    }
  }
  return dropped;
}

/** Is the folio in the page cache (of a file or of shmem)? */
export function isPageCache(k: Kernel, pfn: number): boolean {
  return k.folios.mapping[pfn]! !== 0;
}

/** The file at `path`, or ENOENT. */
export function fileAt(k: Kernel, path: string): AddressSpace {
  const as = k.pagecache.lookup(path);
  if (!as) return fail('ENOENT', `${path}: no such file`);
  return as;
}

/** A page of a file as a fault or a read finds it: its PFN, and whether it needed I/O (a major fault). */
export interface FilePage {
  pfn: number;
  major: boolean;
}

/**
 * filemap_fault() / filemap_get_pages(): the page at `index` of a file,
 * read from disk into a new page cache folio on a miss (without
 * readahead), charged to `m`; tmpfs pages come from shmem. Null when no
 * memory could be had; EFAULT past the end of the file (SIGBUS to a fault).
 */
export function filePage(k: Kernel, as: AddressSpace, index: number, m: Memcg, mayOom: boolean): FilePage | null {
  if (index >= Math.ceil(as.size / k.geom.pageSize))
    return fail('EFAULT', `${as.path}: page ${index} is past the end of the file (SIGBUS)`);
  if (as.isShmem) return shmemGetPage(k, as, index, m, mayOom);
  const found = findPage(as, index);
  if (found >= 0) return { pfn: found, major: false };
  const pfn = addPageCacheFolio(k, as, index, 0, m, mayOom);
  if (pfn < 0) return null;
  // the read from disk (readahead of neighbouring pages is not modelled)
  k.vmstat.count('pgpgin', k.geom.pageSize / 1024);
  return { pfn, major: true };
}
