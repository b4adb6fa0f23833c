/**
 * madvise(2) advice on anonymous memory, process_madvise(2), mlock(2) and
 * mremap(2) on a mapping (mm/madvise.c, mm/mlock.c, mm/mremap.c), reduced
 * to what swap sees. MADV_PAGEOUT itself is Kernel.pageout(); this module
 * holds the advice that only moves folios between LRU states or drops
 * them, and the lazy-free discard that reclaim does for MADV_FREE.
 */
import { fail } from './errno';
import { PG_active, PG_dirty, PG_mlocked, PG_referenced, PG_sim_lazyfree, PG_swapcache } from './folio';
import type { Kernel } from './kernel';
import { lruMove } from './lru';
import { PTE_NONE, pteEntry, pteIsPresent, pteIsSwap, ptePfn, type Task, type Vma } from './mm';
import { folioFreeSwap } from './swap_state';

/** The advice the scenario language knows (MADV_* names without the prefix, lower case). */
export type Advice = 'pageout' | 'cold' | 'dontneed' | 'free';
export const ADVICES: readonly Advice[] = ['pageout', 'cold', 'dontneed', 'free'];
/** process_madvise() takes only these (process_madvise_behavior_valid()). */
export const PROCESS_ADVICES: readonly Advice[] = ['pageout', 'cold'];

/**
 * Walk the exclusive folios mapped in [a, b) of a VMA, as the madvise
 * page-table walkers do: a folio another process maps too is skipped
 * (folio_maybe_mapped_shared()), an mlocked one too, and a large folio
 * only partly inside the range is split first so that only its pages in
 * the range are touched. `fn` gets each folio's head once.
 */
export function forEachExclusiveFolio(k: Kernel, v: Vma, a: number, b: number, fn: (head: number) => void): void {
  const f = k.folios;
  for (let i = a; i < b; i++) {
    const p = v.pte[i]!;
    if (!pteIsPresent(p)) continue;
    let head = f.head[ptePfn(p)]!;
    const nr = f.nr(head);
    if (f.mapcount[head]! > nr || f.test(head, PG_mlocked)) continue;
    const start = f.index[head]!;
    if (nr > 1 && (start < a || start + nr > b)) {
      k.mem.splitFolio(head);
      head = ptePfn(p);
    }
    fn(head);
    // the folio may be gone (reclaimed) or split: step past what this PTE's folio covered
    if (f.head[head]! >= 0) i = Math.max(i, f.index[head]! + f.nr(head) - 1);
  }
}

/**
 * MADV_COLD (madvise_cold_or_pageout_pte_range() without pageout): the
 * folio loses its referenced state and an active one goes to the inactive
 * list (lru_deactivate()), so reclaim takes it sooner.
 */
export function madviseCold(k: Kernel, v: Vma, a: number, b: number): void {
  const f = k.folios;
  forEachExclusiveFolio(k, v, a, b, (head) => {
    f.clearFlag(head, PG_referenced);
    if (!f.test(head, PG_active)) return;
    const m = k.memcgs.get(f.memcg[head]!) ?? k.memcgs.root;
    lruMove(k.j, f, m, head, false);
    k.vmstat.count('pgdeactivate', f.nr(head));
    k.memcgs.statEvent(m, 'pgdeactivate', f.nr(head));
  });
}

/**
 * MADV_FREE (madvise_free_pte_range()): swap entries in the range are
 * freed at once (free_swap_and_cache_nr()) and their PTEs cleared; each
 * exclusive folio leaves the swap cache if it can, is made clean and lazy
 * (folio_mark_lazyfree(): PG_swapbacked cleared, PGLAZYFREE counted).
 * Reclaim then drops a lazy folio that is still clean instead of swapping
 * it; a write before that makes it dirty and keeps it
 * (`reclaimLazyfree`).
 */
export function madviseFree(k: Kernel, v: Vma, a: number, b: number): void {
  const f = k.folios;
  for (let i = a; i < b; i++) {
    const p = v.pte[i]!;
    if (!pteIsSwap(p)) continue;
    k.j.a(v.pte, i, PTE_NONE);
    k.swap.putEntries(pteEntry(p), 1, true);
  }
  forEachExclusiveFolio(k, v, a, b, (head) => {
    if (f.test(head, PG_swapcache) && !folioFreeSwap(k, head)) return;
    f.clearFlag(head, PG_dirty | PG_referenced);
    if (f.test(head, PG_sim_lazyfree)) return;
    f.setFlag(head, PG_sim_lazyfree);
    const m = k.memcgs.get(f.memcg[head]!) ?? k.memcgs.root;
    // lru_lazyfree(): off the active list, to the inactive one
    lruMove(k.j, f, m, head, false);
    k.vmstat.count('pglazyfree', f.nr(head));
    k.memcgs.statEvent(m, 'pglazyfree', f.nr(head));
  });
}

/**
 * shrink_folio_list() and try_to_unmap_one() for a lazy-free folio: still
 * clean, its PTEs are cleared and it is freed without any swap (PGLAZYFREED);
 * written since MADV_FREE, it is swap-backed again and activated.
 */
export function reclaimLazyfree(k: Kernel, head: number): 'reclaimed' | 'activated' {
  const f = k.folios;
  const m = k.memcgs.get(f.memcg[head]!) ?? k.memcgs.root;
  const nr = f.nr(head);
  if (f.test(head, PG_dirty)) {
    f.clearFlag(head, PG_sim_lazyfree);
    lruMove(k.j, f, m, head, true);
    k.vmstat.count('pgactivate', nr);
    k.memcgs.statEvent(m, 'pgactivate', nr);
    return 'activated';
  }
  k.mem.discardMappings(head);
  k.vmstat.count('pglazyfreed', nr);
  k.memcgs.statEvent(m, 'pglazyfreed', nr);
  k.vmstat.count('pgsteal_anon', nr);
  k.memcgs.statEvent(m, 'pgsteal', nr);
  return 'reclaimed';
}

/**
 * mlock(2) on a whole mapping (apply_vma_lock_flags(), populate_vma_page_range()):
 * VM_LOCKED, then every page faulted in for writing (a private writable
 * mapping breaks COW), swapped-out pages read back, and each folio mlocked
 * (mlock_folio()), which reclaim and MADV_PAGEOUT leave alone.
 */
export function mlockVma(
  k: Kernel,
  t: Task,
  v: Vma,
  faultRange: (t: Task, v: Vma, a: number, b: number, write: boolean) => void,
): void {
  k.j.set(v, 'mlocked', true);
  faultRange(t, v, 0, v.nrPages, true);
  if (t.state !== 'alive') return;
  for (let i = 0; i < v.nrPages; i++) {
    const p = v.pte[i]!;
    if (pteIsPresent(p)) k.folios.setFlag(k.folios.head[ptePfn(p)]!, PG_mlocked);
  }
}

/** munlock(2) on a whole mapping: a folio no other mlocked mapping maps is evictable again (munlock_folio()). */
export function munlockVma(k: Kernel, v: Vma): void {
  k.j.set(v, 'mlocked', false);
  const f = k.folios;
  for (let i = 0; i < v.nrPages; i++) {
    const p = v.pte[i]!;
    if (!pteIsPresent(p)) continue;
    const head = f.head[ptePfn(p)]!;
    if (!f.test(head, PG_mlocked) || lockedElsewhere(k, head)) continue;
    f.clearFlag(head, PG_mlocked);
  }
}

/** Another VM_LOCKED mapping of the anon_vma family maps a page of this folio. */
function lockedElsewhere(k: Kernel, head: number): boolean {
  const f = k.folios;
  const av = k.mm.anonVmas.get(f.anonVma[head]!);
  if (!av) return false;
  const base = f.index[head]!;
  for (const v of av.vmas) {
    if (!v.mlocked) continue;
    for (let i = 0; i < f.nr(head); i++) if (base + i < v.nrPages && v.pte[base + i] === head + i + 1) return true;
  }
  return false;
}

/**
 * mremap(2) of a whole mapping to `pages` (MREMAP_MAYMOVE): shrinking
 * unmaps the tail (do_vmi_munmap()), growing adds pages never touched;
 * present pages and swap entries keep their place (move_page_tables()
 * carries the PTEs as they are), so nothing is swapped in or out.
 */
export function mremapVma(k: Kernel, t: Task, v: Vma, pages: number): Vma {
  if (!Number.isInteger(pages) || pages <= 0) fail('EINVAL', `mremap to ${pages} pages`);
  const nr = 1 << v.order;
  if (pages % nr !== 0)
    fail('EINVAL', `mremap of ${v.name} to ${pages} pages: not a whole number of its ${nr}-page folios`);
  if (pages > v.nrPages && !k.vmEnoughMemory(pages - v.nrPages))
    fail('ENOMEM', `growing ${v.name} by ${pages - v.nrPages} pages exceeds the commit limit`);
  if (pages < v.nrPages) k.mem.zapRange(v, pages, v.nrPages);
  const pte = new Float64Array(pages);
  pte.set(v.pte.subarray(0, Math.min(pages, v.nrPages)));
  k.mm.removeVma(v);
  const moved = k.mm.addVma(t, v.name, pages, v.order, v.content, v.contentSeed, v.anonVma, pte);
  if (v.mlocked) k.j.set(moved, 'mlocked', true);
  return moved;
}
