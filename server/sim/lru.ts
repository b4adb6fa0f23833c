/**
 * Active and inactive LRU lists per memcg, one pair for anon (and shmem)
 * folios, one for file folios (mm/swap.c, mm/vmscan.c, simplified: no
 * MGLRU, no per-node lruvecs, no unevictable list). New folios start on the
 * inactive list, as anon folios do since Linux 5.9.
 */
import { PG_active, PG_lru, PG_swapbacked, type FolioTable } from './folio';
import type { Journal } from './journal';
import type { LruList, Memcg } from './memcontrol';

/** folio_is_file_lru(): a folio not backed by swap lives on the file lists. */
export function isFileLru(f: FolioTable, pfn: number): boolean {
  return !f.test(pfn, PG_swapbacked);
}

function listFor(f: FolioTable, m: Memcg, pfn: number, active: boolean): LruList {
  if (isFileLru(f, pfn)) return active ? m.activeFile : m.inactiveFile;
  return active ? m.activeAnon : m.inactiveAnon;
}

/** Link at the head (list_add): reclaim scans from the tail. */
function linkHead(j: Journal, f: FolioTable, list: LruList, pfn: number): void {
  j.a(f.lruPrev, pfn, -1);
  j.a(f.lruNext, pfn, list.head);
  if (list.head >= 0) j.a(f.lruPrev, list.head, pfn);
  else j.set(list, 'tail', pfn);
  j.set(list, 'head', pfn);
  j.set(list, 'nrPages', list.nrPages + f.nr(pfn));
}

function unlink(j: Journal, f: FolioTable, list: LruList, pfn: number): void {
  const p = f.lruPrev[pfn]!;
  const n = f.lruNext[pfn]!;
  if (p >= 0) j.a(f.lruNext, p, n);
  else j.set(list, 'head', n);
  if (n >= 0) j.a(f.lruPrev, n, p);
  else j.set(list, 'tail', p);
  j.a(f.lruPrev, pfn, -1);
  j.a(f.lruNext, pfn, -1);
  j.set(list, 'nrPages', list.nrPages - f.nr(pfn));
}

/** Link at the tail, where reclaim scans first (list_add_tail). */
function linkTail(j: Journal, f: FolioTable, list: LruList, pfn: number): void {
  j.a(f.lruNext, pfn, -1);
  j.a(f.lruPrev, pfn, list.tail);
  if (list.tail >= 0) j.a(f.lruNext, list.tail, pfn);
  else j.set(list, 'head', pfn);
  j.set(list, 'tail', pfn);
  j.set(list, 'nrPages', list.nrPages + f.nr(pfn));
}

/** PG_lru set, PG_active as the list says. */
function markOnLru(f: FolioTable, pfn: number, active: boolean): void {
  f.setFlag(pfn, PG_lru);
  if (active) f.setFlag(pfn, PG_active);
  else f.clearFlag(pfn, PG_active);
}

/** folio_add_lru() */
export function lruAdd(j: Journal, f: FolioTable, m: Memcg, pfn: number, active: boolean): void {
  linkHead(j, f, listFor(f, m, pfn, active), pfn);
  markOnLru(f, pfn, active);
}

/** lruvec_add_folio_tail(): at the tail, where reclaim scans first (folio_rotate_reclaimable()). */
export function lruAddTail(j: Journal, f: FolioTable, m: Memcg, pfn: number, active: boolean): void {
  linkTail(j, f, listFor(f, m, pfn, active), pfn);
  markOnLru(f, pfn, active);
}

/** lruvec_del_folio() */
export function lruDel(j: Journal, f: FolioTable, m: Memcg, pfn: number): void {
  if (!f.test(pfn, PG_lru)) return;
  unlink(j, f, listFor(f, m, pfn, f.test(pfn, PG_active)), pfn);
  f.clearFlag(pfn, PG_lru | PG_active);
}

/** Move to the head of the other list (folio_activate / deactivate). */
export function lruMove(j: Journal, f: FolioTable, m: Memcg, pfn: number, active: boolean): void {
  lruDel(j, f, m, pfn);
  lruAdd(j, f, m, pfn, active);
}

/** inactive_is_low(): the inactive list (anon, or file) is short relative to the active one. */
export function inactiveIsLow(m: Memcg, pageSize: number, file = false): boolean {
  const inactive = file ? m.inactiveFile.nrPages : m.inactiveAnon.nrPages;
  const active = file ? m.activeFile.nrPages : m.activeAnon.nrPages;
  const gb = Math.floor(((inactive + active) * pageSize) / 2 ** 30);
  const ratio = gb ? Math.floor(Math.sqrt(10 * gb)) : 1;
  return inactive * ratio < active;
}
