/**
 * Two-list anon LRU per memcg (mm/swap.c, mm/vmscan.c, simplified: no
 * MGLRU, no per-node lruvecs, no file pages). New anon folios start on the
 * inactive list, as since Linux 5.9.
 */
import { PG_active, PG_lru, type FolioTable } from './folio';
import type { Journal } from './journal';
import type { LruList, Memcg } from './memcontrol';

function listOf(m: Memcg, active: boolean): LruList {
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

/** folio_add_lru() */
export function lruAdd(j: Journal, f: FolioTable, m: Memcg, pfn: number, active: boolean): void {
  linkHead(j, f, listOf(m, active), pfn);
  f.setFlag(pfn, PG_lru);
  if (active) f.setFlag(pfn, PG_active);
  else f.clearFlag(pfn, PG_active);
}

/** lruvec_del_folio() */
export function lruDel(j: Journal, f: FolioTable, m: Memcg, pfn: number): void {
  if (!f.test(pfn, PG_lru)) return;
  unlink(j, f, listOf(m, f.test(pfn, PG_active)), pfn);
  f.clearFlag(pfn, PG_lru | PG_active);
}

/** Move to the head of the other list (folio_activate / deactivate). */
export function lruMove(j: Journal, f: FolioTable, m: Memcg, pfn: number, active: boolean): void {
  lruDel(j, f, m, pfn);
  lruAdd(j, f, m, pfn, active);
}

/** inactive_is_low(): the inactive list is short relative to the active one. */
export function inactiveIsLow(m: Memcg, pageSize: number): boolean {
  const inactive = m.inactiveAnon.nrPages;
  const active = m.activeAnon.nrPages;
  const gb = Math.floor(((inactive + active) * pageSize) / 2 ** 30);
  const ratio = gb ? Math.floor(Math.sqrt(10 * gb)) : 1;
  return inactive * ratio < active;
}
