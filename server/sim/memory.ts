/**
 * Faults, folio allocation and teardown (mm/memory.c: do_anonymous_page(),
 * do_swap_page(), do_wp_page(), zap_pte_range(); mm/rmap.c:
 * try_to_unmap(); kernel/fork.c: copy_pte_range(); mm/memcontrol.c:
 * mem_cgroup_charge(), try_charge_memcg(); mm/oom_kill.c).
 */
import { contentOf, encodeContent } from './content';
import { fail } from './errno';
import { mergeKey } from './events';
import {
  NO_SWAP,
  PG_dirty,
  PG_lru,
  PG_mlocked,
  PG_readahead,
  PG_referenced,
  PG_swapbacked,
  PG_swapcache,
  PG_active,
  PG_uptodate,
} from './folio';
import type { Kernel } from './kernel';
import { lruAdd, lruDel } from './lru';
import { MEMCG_CHARGE_BATCH, tryChargeMemcg, type Memcg } from './memcontrol';
import { PTE_NONE, pteEntry, pteIsPresent, pteIsSwap, ptePfn, ptePresent, pteSwap, type Task, type Vma } from './mm';
import {
  folioFreeSwap,
  planSwapinRun,
  shouldFreeSwapAfterFault,
  swapinFolio,
  SWAPIN_HIT,
  SWAPIN_READAHEAD,
} from './swap_state';
import { SWP_SYNCHRONOUS_IO } from './swapfile';
import { SlotKind, tbInlineCount, tbKind, tbZero, withInlineCount, withKind } from './swap_table';
import type { SwapClusterInfo } from './cluster';
import { swpOffset, swpType, type SwpEntry } from './swap_entry';
import { filePage, fileStat, isPageCache, markDirty } from './filemap';
import { MAX_RECLAIM_RETRIES, SWAP_CLUSTER_MAX } from './vmscan';

/** Runs shorter than this are faulted page by page (the bulk path's set-up costs more). */
export const BULK_MIN_PAGES = 16;

/** Call `fn` for each run of consecutive ascending PFNs in `pfns[0, n)`, as [start, end). */
export function forEachPfnRun(pfns: Int32Array, n: number, fn: (start: number, end: number) => void): void {
  for (let i = 0; i < n;) {
    let e = i + 1;
    while (e < n && pfns[e] === pfns[e - 1]! + 1) e++;
    fn(pfns[i]!, pfns[e - 1]! + 1);
    i = e;
  }
}

/**
 * Whether a PFN is one of `pfns[0, n)`: a bitmap over their span for long
 * runs, a set for short ones (bulk paths use it to tell the run's own
 * folios, whose arrays they saved, from their neighbours).
 */
export function pfnMembership(pfns: Int32Array, n: number): (pfn: number) => boolean {
  if (n < 1024) {
    const set = new Set<number>();
    for (let i = 0; i < n; i++) set.add(pfns[i]!);
    return (pfn) => set.has(pfn);
  }
  let lo = pfns[0]!;
  let hi = lo;
  for (let i = 1; i < n; i++) {
    const p = pfns[i]!;
    if (p < lo) lo = p;
    else if (p > hi) hi = p;
  }
  const bits = new Uint8Array(hi - lo + 1);
  for (let i = 0; i < n; i++) bits[pfns[i]! - lo] = 1;
  return (pfn) => pfn >= lo && pfn <= hi && bits[pfn - lo] === 1;
}

/** allocFolio() could not allocate the pages (after reclaim). */
export const ALLOC_FAILED_PAGES = -1;
/** allocFolio() could not charge the memcg (after its reclaim). */
export const ALLOC_FAILED_CHARGE = -2;

export class MemoryOps {
  constructor(private readonly k: Kernel) {}

  // ------------------------------------------------------------ charging

  /** try_charge_memcg() with memory.high handling (memcontrol.ts). False if the charge cannot be made. */
  chargeMemory(m: Memcg, nr: number, mayOom: boolean): boolean {
    return tryChargeMemcg(this.k, m, nr, mayOom);
  }

  /**
   * Allocate and charge a folio: the memcg charge first (with reclaim and
   * memcg OOM), then pages from the buddy allocator (with global reclaim and
   * global OOM). Returns the head PFN, ALLOC_FAILED_CHARGE when the memcg
   * refused the charge, or ALLOC_FAILED_PAGES when the pages could not be
   * had (the mTHP stats tell the two apart: `*_fallback_charge`).
   */
  allocFolio(m: Memcg, order: number, mayOom: boolean): number {
    const k = this.k;
    const nr = 1 << order;
    if (!this.chargeMemory(m, nr, mayOom)) return ALLOC_FAILED_CHARGE;
    // kernel allocations that came up short are paid before user pages (kmem.ts)
    k.kmem.settle();
    let pfn = k.pages.alloc(order);
    for (let tries = 0; pfn < 0 && tries < MAX_RECLAIM_RETRIES; tries++) {
      const got = k.vmscan.reclaim(k.memcgs.root, Math.max(nr, SWAP_CLUSTER_MAX), { memcgTargeted: false });
      k.kmem.settle();
      pfn = k.pages.alloc(order);
      if (pfn >= 0 || got) continue;
      if (!mayOom || order > 0 || !k.oomKill(null)) break;
      pfn = k.pages.alloc(order);
    }
    if (pfn < 0) {
      k.memcgs.uncharge(m, 'memory', nr);
      return ALLOC_FAILED_PAGES;
    }
    k.folios.init(pfn, order, m.id, -1, 0);
    lruAdd(k.j, k.folios, m, pfn, false);
    return pfn;
  }

  /** Free a folio that nothing maps and the swap cache no longer holds. */
  freeFolio(pfn: number): void {
    const k = this.k;
    const f = k.folios;
    if (f.test(pfn, PG_swapcache)) fail('EINVAL', `freeing folio ${pfn} that is still in the swap cache`);
    const m = k.memcgs.get(f.memcg[pfn]!) ?? k.memcgs.root;
    const order = f.order[pfn]!;
    if (f.test(pfn, PG_lru)) lruDel(k.j, f, m, pfn);
    k.memcgs.uncharge(m, 'memory', 1 << order);
    f.release(pfn);
    k.pages.free(pfn, order);
  }

  /**
   * A folio for swapin, charged per mem_cgroup_swapin_charge_folio(): to the
   * recorded memcg if it is online, otherwise as the design's rule says
   * (7.2: the faulting task's memcg). Its pages take the slot's content.
   */
  allocSwapinFolio(entry: SwpEntry, order: number, faultMemcg: number, mayOom: boolean): number {
    const k = this.k;
    const si = k.swap.swapInfo[swpType(entry)]!;
    const recorded = k.swapMemcgId(si, swpOffset(entry));
    const target = k.swapinChargeTarget(recorded, faultMemcg);
    const pfn = this.allocFolio(target, order, mayOom && order === 0);
    if (pfn < 0) return -1;
    for (let i = 0; i < 1 << order; i++) {
      const off = swpOffset(entry) + i;
      const ci = si.clusterOf(off);
      k.j.a(k.folios.content, pfn + i, ci?.simContent ? ci.simContent[off & (k.geom.clusterSlots - 1)]! : 0);
      k.j.a(k.folios.data, pfn + i, ci?.simData ? ci.simData[off & (k.geom.clusterSlots - 1)]! : 0);
    }
    return pfn;
  }

  // -------------------------------------------------------------- faults

  /** handle_mm_fault() for one page of an anonymous mapping. */
  fault(task: Task, vma: Vma, idx: number, write: boolean): void {
    const k = this.k;
    const v = vma.pte[idx]!;
    k.vmstat.count('pgfault');
    // count_memcg_event_mm(): the faulting task's cgroup
    const tm = k.memcgs.get(task.memcg);
    if (tm) k.memcgs.statEvent(tm, 'pgfault', 1);
    if (v === PTE_NONE) return vma.file ? this.doFilePage(task, vma, idx, write) : this.doAnonymousPage(task, vma, idx);
    if (pteIsPresent(v)) return this.touchPresent(task, vma, idx, write);
    return this.doSwapPage(task, vma, idx, write);
  }

  /**
   * do_read_fault() / do_shared_fault() / do_cow_fault() on a file mapping:
   * the page from the page cache (read from disk, or for shmem swapped in
   * or allocated), mapped; a write to a private mapping maps a private anon
   * copy instead, a write to a shared one dirties the page.
   */
  private doFilePage(task: Task, vma: Vma, idx: number, write: boolean): void {
    const k = this.k;
    const m = k.memcgs.get(task.memcg)!;
    const page = filePage(k, vma.file!, vma.pgoff + idx, m, true);
    if (page !== null && !this.mapped(task, vma)) return; // the faulting task was the OOM victim
    if (page === null) {
      if (task.state !== 'alive') return;
      fail('ENOMEM', `out of memory faulting ${task.name}:${vma.name}[${idx}]`);
    }
    if (page.major) {
      k.vmstat.count('pgmajfault');
      k.memcgs.statEvent(m, 'pgmajfault', 1);
    }
    const f = k.folios;
    if (write && !vma.shared) {
      this.wpPageCopy(task, vma, idx, page.pfn);
      return;
    }
    const head = f.head[page.pfn]!;
    k.j.a(vma.pte, idx, ptePresent(page.pfn));
    this.addMapping(head, 1);
    f.setFlag(head, PG_referenced);
    if (write) markDirty(k, head);
  }

  /**
   * wp_page_copy(): the writer at vma[idx] gets a private anon copy of page
   * `src` (an anon page others still map, or a page cache page under a
   * private file mapping). The allocation may reclaim: if the mapping went
   * away or the PTE changed meanwhile, the copy is dropped. True when the
   * copy is mapped; the caller then drops its old mapping, if it had one.
   */
  private wpPageCopy(task: Task, vma: Vma, idx: number, src: number): boolean {
    const k = this.k;
    const f = k.folios;
    const m = k.memcgs.get(task.memcg)!;
    const pteBefore = vma.pte[idx];
    const copy = this.allocFolio(m, 0, true);
    if (copy >= 0 && (!this.mapped(task, vma) || vma.pte[idx] !== pteBefore)) {
      this.freeFolio(copy);
      return false;
    }
    if (copy < 0) {
      if (task.state !== 'alive') return false;
      fail('ENOMEM', `out of memory in COW of ${task.name}:${vma.name}[${idx}]`);
    }
    k.j.a(f.anonVma, copy, vma.anonVma.id);
    k.j.a(f.index, copy, idx);
    k.j.a(f.content, copy, f.content[src]!);
    k.j.a(f.data, copy, f.data[src]!);
    k.j.a(f.mapcount, copy, 1);
    f.setFlag(copy, PG_referenced | PG_dirty);
    if (vma.mlocked) f.setFlag(copy, PG_mlocked);
    k.j.a(vma.pte, idx, ptePresent(copy));
    return true;
  }

  /** A page cache folio gained `n` mappings; its first counts in NR_FILE_MAPPED (folio_add_file_rmap_ptes()). */
  private addMapping(head: number, n: number): void {
    const k = this.k;
    const f = k.folios;
    const before = f.mapcount[head]!;
    k.j.a(f.mapcount, head, before + n);
    if (before === 0 && isPageCache(k, head)) fileStat(k, head, 'mapped', f.nr(head));
  }

  /**
   * do_anonymous_page(): the mapping's mTHP order when the aligned range is
   * empty, else a base page. The mapping's order is the one size its
   * hugepages-<N>kB/enabled policy allows, so alloc_anon_folio() in
   * mm/memory.c has no other large order to try: a range that is not empty
   * goes to order 0 without a count; a folio or charge that cannot be had
   * counts `anon_fault_fallback` (and `anon_fault_fallback_charge`) first.
   */
  private doAnonymousPage(task: Task, vma: Vma, idx: number): void {
    const k = this.k;
    const m = k.memcgs.get(task.memcg)!;
    for (const order of vma.order > 0 ? [vma.order, 0] : [0]) {
      const nr = 1 << order;
      const start = idx - (idx % nr);
      if (start + nr > vma.nrPages) continue;
      let empty = true;
      for (let i = start; i < start + nr && empty; i++) if (vma.pte[i] !== PTE_NONE) empty = false;
      if (!empty) continue;
      const pfn = this.allocFolio(m, order, order === 0);
      if (pfn >= 0 && !this.mapped(task, vma)) {
        this.freeFolio(pfn); // the faulting task was the OOM victim
        return;
      }
      if (pfn < 0) {
        if (order === 0) {
          if (task.state !== 'alive') return;
          fail('ENOMEM', `out of memory faulting ${task.name}:${vma.name}[${idx}]`);
        }
        if (pfn === ALLOC_FAILED_CHARGE) k.vmstat.mthpCount(order, 'anon_fault_fallback_charge');
        k.vmstat.mthpCount(order, 'anon_fault_fallback');
        continue;
      }
      if (order > 0) k.vmstat.mthpCount(order, 'anon_fault_alloc');
      const f = k.folios;
      k.j.a(f.anonVma, pfn, vma.anonVma.id);
      k.j.a(f.index, pfn, start);
      for (let i = 0; i < nr; i++) {
        k.j.a(f.content, pfn + i, encodeContent(contentOf(vma.content, vma.contentSeed, start + i)));
        k.j.a(f.data, pfn + i, 0);
        k.j.a(vma.pte, start + i, ptePresent(pfn + i));
      }
      k.j.a(f.mapcount, pfn, nr);
      f.setFlag(pfn, PG_referenced | PG_dirty);
      if (vma.mlocked) f.setFlag(pfn, PG_mlocked); // mlock_new_folio()
      return;
    }
  }

  /**
   * A run of do_anonymous_page() faults on the empty PTEs [from, to) of an
   * order-0 mapping (mm_populate(), or a first touch of fresh memory),
   * done at once for as many pages as need no reclaim: the charge stays
   * within every ancestor's memory.max and memory.high (no reclaim, event
   * or OOM on the way) and the buddy allocator has the pages. The folios,
   * PTEs, LRU and counters end as the faults one by one leave them
   * (test/sim/bulk.test.ts compares the two), with one undo record per
   * array and run instead of a dozen per page. Returns how many pages it
   * faulted in from `from` (0 when the run does not qualify); the caller
   * faults the rest one by one.
   */
  faultAnonRun(task: Task, vma: Vma, from: number, to: number): number {
    const k = this.k;
    // file and shared mappings fault through the page cache; kernel memory in debt is paid first (allocFolio())
    if (vma.order !== 0 || vma.file || task.state !== 'alive' || k.kmem.debt > 0) return 0;
    const m = k.memcgs.get(task.memcg)!;
    const n = this.chargeRoom(m, to - from);
    if (n < BULK_MIN_PAGES) return 0;
    const f = k.folios;
    const pfns = this.allocRun(m, n);
    k.j.saveRange(vma.pte, from, from + n);
    // folio init (swap-backed), do_anonymous_page()'s referenced and dirty, mlock_new_folio() under VM_LOCKED
    const flags = PG_uptodate | PG_swapbacked | PG_lru | PG_referenced | PG_dirty | (vma.mlocked ? PG_mlocked : 0);
    const av = vma.anonVma.id;
    const oneClass = vma.content.length === 1 ? encodeContent(vma.content[0]!.content) : -1;
    for (let i = 0; i < n; i++) {
      const pfn = pfns[i]!;
      const idx = from + i;
      this.initRunFolio(pfn, m.id, flags);
      f.mapcount[pfn] = 1;
      f.anonVma[pfn] = av;
      f.index[pfn] = idx;
      f.content[pfn] = oneClass >= 0 ? oneClass : encodeContent(contentOf(vma.content, vma.contentSeed, idx));
      f.data[pfn] = 0;
      vma.pte[idx] = ptePresent(pfn);
    }
    k.vmstat.count('pgfault', n);
    k.memcgs.statEvent(m, 'pgfault', n);
    return n;
  }

  /**
   * How many of `n` order-0 charges to `m` allocFolio() would make with no
   * reclaim, event or OOM on the way: within every ancestor's memory.max
   * and memory.high, none above its swap.high (mem_cgroup_handle_over_high()
   * would count swap.high events on every charge), and as many as the buddy
   * allocator has free pages.
   */
  private chargeRoom(m: Memcg, n: number): number {
    let room = Math.min(n, this.k.pages.nrFree);
    // charged through the stock (config task_memory=kernel), the counter may run up to a batch ahead of the pages
    const slack = this.k.memcgs.batching && !m.isRoot ? MEMCG_CHARGE_BATCH : 0;
    for (const c of m.ancestorsAndSelf()) {
      if (c.swap.usage > c.swap.high) return 0;
      if (!c.isRoot) room = Math.min(room, Math.min(c.memory.max, c.memory.high) - c.memory.usage - slack);
    }
    return room;
  }

  /**
   * allocFolio() `n` times for order-0 folios charged to `m`, where
   * chargeRoom() said no reclaim is needed: the pages from the buddy
   * allocator in the order it hands them out, the charge, and
   * folio_add_lru() of each at the inactive list's head in that order. The
   * per-PFN arrays of the pages are saved as ranges, and their LRU links
   * written; the caller fills in the rest directly (initRunFolio()).
   */
  private allocRun(m: Memcg, n: number): Int32Array {
    const k = this.k;
    const j = k.j;
    const f = k.folios;
    const pfns = new Int32Array(n);
    k.pages.allocOrder0Run(n, pfns);
    let top = 0;
    for (let i = 0; i < n; i++) top = Math.max(top, pfns[i]! + 1);
    f.reserve(top);
    forEachPfnRun(pfns, n, (start, end) => f.saveRange(start, end));
    const list = m.inactiveAnon;
    const oldHead = list.head;
    if (oldHead >= 0) j.a(f.lruPrev, oldHead, pfns[0]!);
    else j.set(list, 'tail', pfns[0]!);
    j.set(list, 'head', pfns[n - 1]!);
    j.set(list, 'nrPages', list.nrPages + n);
    for (let i = 0; i < n; i++) {
      const pfn = pfns[i]!;
      f.lruNext[pfn] = i > 0 ? pfns[i - 1]! : oldHead;
      f.lruPrev[pfn] = i + 1 < n ? pfns[i + 1]! : -1;
    }
    j.set(f, 'nrFolios', f.nrFolios + n);
    k.memcgs.chargePagesThroughStock(m, k.cpu, n);
    return pfns;
  }

  /** folio init of an order-0 folio of allocRun(), unmapped and outside the swap cache, with its flags. */
  private initRunFolio(pfn: number, memcgId: number, flags: number): void {
    const f = this.k.folios;
    f.head[pfn] = pfn;
    f.order[pfn] = 0;
    f.flags[pfn] = flags;
    f.memcg[pfn] = memcgId;
    f.mapcount[pfn] = 0;
    f.swap[pfn] = NO_SWAP;
    f.anonVma[pfn] = -1;
    f.index[pfn] = 0;
    f.mapping[pfn] = 0;
  }

  /**
   * A run of do_swap_page() faults on PTEs [from, to) of an order-0
   * anonymous mapping, in ascending order, done at once where the kernel's
   * result is the same for every page: each PTE holds a swap entry of one
   * device whose slot is swapped out, uncached, zero-filled (the Z flag:
   * swap_read_folio_zeromap() fills the folio, nothing is read), referenced
   * by that PTE alone and recorded for one memcg, on a device without a
   * virtual layer or zram, and no charge needs reclaim (chargeRoom()).
   * planSwapinRun() says which faults miss and which pages each miss reads
   * ahead (swapin_readahead() → swap_vma_readahead()), and which faults
   * hit a readahead folio; the
   * replay then does what swapinFolio() and doSwapPage() do for each: the
   * folio allocated and charged (mem_cgroup_swapin_charge_folio()), added to
   * the swap cache (__swap_cache_add_folio()) and zero-filled, the PTE
   * mapped and the slot's count dropped (swap_put_entries_direct()), and the
   * folio freed from the swap cache when should_try_to_free_swap() says so
   * (folio_free_swap(): the slot freed at once, its count being 0). Events
   * come in the same order; folio, PTE and table runs are journaled as
   * ranges, counters once. Cluster readahead (a rotational device) is left
   * to the page-by-page path. test/sim/bulk.test.ts compares both. Returns
   * how many faults it made from `from` (0: the run does not qualify).
   */
  swapinRun(task: Task, vma: Vma, from: number, to: number, write: boolean): number {
    const k = this.k;
    if (vma.order !== 0 || vma.file || vma.mlocked || task.state !== 'alive' || k.kmem.debt > 0) return 0;
    const first = pteEntry(vma.pte[from]!);
    const si = k.swap.swapInfo[swpType(first)];
    // zram (the SWP_SYNCHRONOUS_IO device) reads each page it holds; a virtual layer reads through its backend
    if (!si || si.dynamic || si.flags & SWP_SYNCHRONOUS_IO) return 0;
    // swap_cluster_readahead() (a rotational device, or VMA readahead off) is left to the page-by-page path
    if (k.sysctl.page_cluster > 0 && !k.vmaRaActive()) return 0;
    const slots = k.geom.clusterSlots;
    const recorded = k.swapMemcgId(si, swpOffset(first));
    let e = from;
    for (; e < to; e++) {
      const v = vma.pte[e]!;
      if (!pteIsSwap(v) || swpType(pteEntry(v)) !== si.type) break;
      const off = swpOffset(pteEntry(v));
      const meta = si.clusterOf(off)?.table?.meta[off & (slots - 1)];
      if (meta === undefined || tbKind(meta) !== SlotKind.SHADOW || tbInlineCount(meta) !== 1 || !tbZero(meta)) break;
      if (k.swapMemcgId(si, off) !== recorded) break;
    }
    const m = k.swapinChargeTarget(recorded, task.memcg);
    const end = from + this.chargeRoom(m, e - from);
    if (end - from < BULK_MIN_PAGES) return 0;
    const plan = planSwapinRun(k, vma.id, vma.pte, from, end);
    if (plan.faults < BULK_MIN_PAGES) return 0;
    const j = k.j;
    const f = k.folios;
    const pfns = this.allocRun(m, plan.allocs);
    j.saveRange(vma.pte, from, from + plan.faults);
    const pfnOf = new Int32Array(end - from);
    // the events, one per page as the faults emit them, merged into runs without building each (EventLog.extendByOne)
    const log = k.log.enabled ? k.log : null;
    const type = si.type;
    const keyAdd = mergeKey({ kind: 'cache-add', type, offset: 0, nr: 1, pfn: 0 })!;
    const keyIn = mergeKey({ kind: 'swapin', type, offset: 0, nr: 1, source: 'zero' })!;
    const keyPut = mergeKey({ kind: 'slot-count', type, offset: 0, nr: 1, delta: -1 })!;
    const keyDel = mergeKey({ kind: 'cache-del', type, offset: 0, nr: 1, pfn: 0 })!;
    // should_try_to_free_swap(): slots are only freed here, so once swap is no longer full it stays so
    let swapFull = true;
    const saved = new Set<SwapClusterInfo>();
    let lastCi: SwapClusterInfo | null = null;
    let a = 0;
    let freed = 0;
    let clock = k.stat.evictionClock;
    const av = vma.anonVma.id;
    for (let o = 0; o < plan.nOps; o++) {
      const op = plan.ops[o]!;
      const r = op >> 2;
      const kind = op & 3;
      const idx = from + r;
      const entry = pteEntry(vma.pte[idx]!);
      const offset = swpOffset(entry);
      const ci = si.clusterOf(offset)!;
      const t = ci.table!;
      const co = offset & (slots - 1);
      if (ci !== lastCi && !saved.has(ci)) {
        // the run's slots need not be in ascending order: the whole table, once per cluster
        j.saveRange(t.meta, 0, slots);
        j.saveRange(t.val, 0, slots);
        saved.add(ci);
      }
      lastCi = ci;
      let pfn: number;
      if (kind === SWAPIN_HIT) {
        // swap_update_readahead()
        pfn = pfnOf[r]!;
        f.flags[pfn] = f.flags[pfn]! & ~PG_readahead;
      } else {
        // allocSwapinFolio() and __swap_cache_add_folio(): a PFN entry, count and Z kept
        pfn = pfns[a++]!;
        pfnOf[r] = pfn;
        this.initRunFolio(
          pfn,
          m.id,
          PG_uptodate | PG_swapbacked | PG_lru | PG_swapcache | (kind === SWAPIN_READAHEAD ? PG_readahead : 0),
        );
        f.content[pfn] = ci.simContent ? ci.simContent[co]! : 0;
        f.data[pfn] = ci.simData ? ci.simData[co]! : 0;
        f.swap[pfn] = entry;
        t.meta[co] = withKind(t.meta[co]!, SlotKind.PFN);
        t.val[co] = pfn;
        if (log) {
          if (!log.extendByOne(keyAdd, offset, pfn)) log.emit({ kind: 'cache-add', type, offset, nr: 1, pfn });
          if (!log.extendByOne(keyIn, offset)) log.emit({ kind: 'swapin', type, offset, nr: 1, source: 'zero' });
        }
        if (kind === SWAPIN_READAHEAD) continue;
      }
      // do_swap_page(): map it, drop the PTE's reference (the slot stays, cached, at count 0)
      vma.pte[idx] = ptePresent(pfn);
      t.meta[co] = withInlineCount(t.meta[co]!, 0);
      if (log && !log.extendByOne(keyPut, offset)) log.emit({ kind: 'slot-count', type, offset, nr: 1, delta: -1 });
      f.anonVma[pfn] = av;
      f.index[pfn] = idx;
      f.mapcount[pfn] = 1;
      f.flags[pfn] = f.flags[pfn]! | PG_referenced;
      // should_try_to_free_swap(), then folio_free_swap(): the slot is freed now, the folio stays dirty
      swapFull &&= k.swap.vmSwapFull() || k.memcgs.swapFull(m);
      if (!write && !swapFull) continue;
      k.swap.freeEntries(si, ci, co, 1);
      clock++;
      freed++;
      f.flags[pfn] = (f.flags[pfn]! & ~(PG_swapcache | PG_readahead)) | PG_dirty;
      f.swap[pfn] = NO_SWAP;
      if (log && !log.extendByOne(keyDel, offset, pfn)) log.emit({ kind: 'cache-del', type, offset, nr: 1, pfn });
    }
    // the counters, once
    j.set(k.stat, 'evictionClock', clock);
    j.set(k.stat, 'nrSwapcache', k.stat.nrSwapcache + plan.allocs - freed);
    j.set(m, 'swapcachedPages', m.swapcachedPages + plan.allocs - freed);
    j.set(k.ra, 'hits', plan.raHits);
    if (plan.raUpdated) {
      const st = k.vmaRa(vma.id);
      j.set(st, 'win', plan.win);
      j.set(st, 'prevIdx', plan.prevIdx);
    }
    const misses = plan.faults - plan.hits;
    k.vmstat.count('pgfault', plan.faults);
    k.vmstat.count('pgmajfault', misses);
    const tm = k.memcgs.get(task.memcg);
    if (tm) {
      k.memcgs.statEvent(tm, 'pgfault', plan.faults);
      k.memcgs.statEvent(tm, 'pgmajfault', misses);
    }
    k.vmstat.count('swpin_zero', plan.allocs);
    k.memcgs.statEvent(m, 'swpin_zero', plan.allocs);
    if (plan.readahead) k.vmstat.count('swap_ra', plan.readahead);
    if (plan.hits) k.vmstat.count('swap_ra_hit', plan.hits);
    return plan.faults;
  }

  /** Access to a present page: the accessed bit, and on write the COW / swap-cache reuse of do_wp_page(). */
  private touchPresent(task: Task, vma: Vma, idx: number, write: boolean): void {
    const k = this.k;
    const f = k.folios;
    const pfn = ptePfn(vma.pte[idx]!);
    const head = f.head[pfn]!;
    f.setFlag(head, PG_referenced);
    if (!write) return;
    if (isPageCache(k, head)) {
      // a page cache page: dirtied through a shared mapping, copied for a private one (wp_page_shared(), wp_page_copy())
      if (vma.shared) return markDirty(k, head);
      // the allocation may have reclaimed and split the folio: the page's head may have changed
      if (this.wpPageCopy(task, vma, idx, pfn)) this.dropMapping(f.head[pfn]!, 1);
      return;
    }
    // wp_can_reuse_anon_folio(): reuse only an exclusive folio; one in the swap cache must give
    // its slots up first, which fails while another task still holds a swap entry for it
    if (this.mappers(head, pfn) > 1 || (f.test(head, PG_swapcache) && !folioFreeSwap(k, head))) {
      // the allocation may have reclaimed and split the folio: the page's head may have changed
      if (this.wpPageCopy(task, vma, idx, pfn)) this.dropMapping(f.head[pfn]!, 1);
      return;
    }
    f.setFlag(head, PG_dirty);
  }

  /** How many PTEs in the anon_vma family map this exact page. */
  private mappers(head: number, pfn: number): number {
    const k = this.k;
    const av = k.mm.anonVmas.get(k.folios.anonVma[head]!);
    if (!av) return 0;
    const idx = k.folios.index[head]! + (pfn - head);
    let n = 0;
    for (const v of av.vmas) if (idx < v.nrPages && v.pte[idx] === ptePresent(pfn)) n++;
    return n;
  }

  /** do_swap_page(): bring the folio in through the swap cache and map it. */
  private doSwapPage(task: Task, vma: Vma, idx: number, write: boolean): void {
    const k = this.k;
    const f = k.folios;
    const r = swapinFolio(k, vma.pte, idx, vma.id, vma.order, task.memcg);
    if (r && !this.mapped(task, vma)) return; // OOM-killed while allocating: the folio stays in the cache
    if (!r) {
      if (task.state !== 'alive') return;
      fail('ENOMEM', `out of memory swapping in ${task.name}:${vma.name}[${idx}]`);
    }
    if (r.major) {
      k.vmstat.count('pgmajfault');
      const tm = k.memcgs.get(task.memcg);
      if (tm) k.memcgs.statEvent(tm, 'pgmajfault', 1);
    }
    const pfn = r.pfn;
    const nr = f.nr(pfn);
    const first = f.swap[pfn]!;
    // map every PTE of the folio that still holds its entry (whole large folios at once)
    const base = idx - r.sub;
    let mapped = 0;
    let runStart = -1;
    const flush = (end: number): void => {
      if (runStart < 0) return;
      k.swap.putEntries(first + (runStart - base), end - runStart, false);
      runStart = -1;
    };
    for (let i = 0; i < nr; i++) {
      const pi = base + i;
      const ok = pi >= 0 && pi < vma.nrPages && vma.pte[pi] === pteSwap(first + i) && (nr > 1 || pi === idx);
      if (ok) {
        k.j.a(vma.pte, pi, ptePresent(pfn + i));
        mapped++;
        if (runStart < 0) runStart = pi;
      } else {
        flush(pi);
      }
    }
    flush(base + nr);
    if (f.anonVma[pfn]! < 0) {
      k.j.a(f.anonVma, pfn, vma.anonVma.id);
      k.j.a(f.index, pfn, base);
    }
    k.j.a(f.mapcount, pfn, f.mapcount[pfn]! + mapped);
    f.setFlag(pfn, PG_referenced);
    if (vma.mlocked) f.setFlag(pfn, PG_mlocked);
    if (shouldFreeSwapAfterFault(k, pfn, write, vma.mlocked)) folioFreeSwap(k, pfn);
    // a write to a page other tasks still reach through swap goes through do_wp_page(): copied, not written in place
    if (write) this.touchPresent(task, vma, idx, true);
  }

  /** The task is alive and the VMA still mapped (an OOM kill during allocation tears both down). */
  private mapped(task: Task, vma: Vma): boolean {
    return task.state === 'alive' && task.vmas.get(vma.name) === vma;
  }

  // ------------------------------------------------------- unmap, split

  /**
   * try_to_unmap(): every PTE mapping the swapcache folio becomes a swap PTE
   * for its slot, whose count goes up by one (folio_dup_swap). Mappings in
   * VM_LOCKED areas are left alone.
   */
  tryToUnmap(pfn: number): void {
    const k = this.k;
    const f = k.folios;
    if (isPageCache(k, pfn)) return this.unmapFileFolio(pfn);
    const av = k.mm.anonVmas.get(f.anonVma[pfn]!);
    if (!av || !f.test(pfn, PG_swapcache)) return;
    const entry = f.swap[pfn]!;
    const nr = f.nr(pfn);
    const base = f.index[pfn]!;
    let unmapped = 0;
    for (const vma of av.vmas) {
      if (vma.mlocked) continue;
      for (let i = 0; i < nr; i++) {
        const idx = base + i;
        if (idx >= vma.nrPages || vma.pte[idx] !== ptePresent(pfn + i)) continue;
        k.j.a(vma.pte, idx, pteSwap(entry + i));
        k.swap.dupEntries(entry + i, 1);
        unmapped++;
      }
    }
    k.j.a(f.mapcount, pfn, f.mapcount[pfn]! - unmapped);
  }

  /**
   * try_to_unmap_one() for a clean lazy-free folio: every PTE mapping it is
   * cleared (the page reads as zeroes afterwards) and the folio is freed.
   */
  discardMappings(pfn: number): void {
    const k = this.k;
    const f = k.folios;
    const av = k.mm.anonVmas.get(f.anonVma[pfn]!);
    const nr = f.nr(pfn);
    const base = f.index[pfn]!;
    if (av) {
      for (const vma of av.vmas) {
        for (let i = 0; i < nr; i++) {
          if (base + i >= vma.nrPages || vma.pte[base + i] !== ptePresent(pfn + i)) continue;
          k.j.a(vma.pte, base + i, PTE_NONE);
        }
      }
    }
    k.j.a(f.mapcount, pfn, 0);
    this.freeFolio(pfn);
  }

  /**
   * try_to_unmap() of a page cache folio: the rmap walk of its file's
   * mappings (i_mmap); each PTE mapping the folio is cleared (file PTEs
   * never hold swap entries: a shmem page's entry lives in the file).
   */
  private unmapFileFolio(pfn: number): void {
    const k = this.k;
    const f = k.folios;
    const as = k.pagecache.byId.get(f.mapping[pfn]!);
    if (!as) return;
    const nr = f.nr(pfn);
    let unmapped = 0;
    for (const vma of as.mappers) {
      if (vma.mlocked) continue;
      for (let i = 0; i < nr; i++) {
        const idx = f.index[pfn]! + i - vma.pgoff;
        if (idx < 0 || idx >= vma.nrPages || vma.pte[idx] !== ptePresent(pfn + i)) continue;
        k.j.a(vma.pte, idx, PTE_NONE);
        unmapped++;
      }
    }
    if (unmapped) this.dropMapping(pfn, unmapped);
  }

  /** split_folio(): order-0 folios with the same state; each keeps its own mapcount and slot. */
  splitFolio(pfn: number): void {
    const k = this.k;
    const f = k.folios;
    const m = k.memcgs.get(f.memcg[pfn]!) ?? k.memcgs.root;
    const active = f.test(pfn, PG_active);
    const onLru = f.test(pfn, PG_lru);
    if (onLru) lruDel(k.j, f, m, pfn);
    const nr = f.nr(pfn);
    f.split(pfn);
    for (let i = 0; i < nr; i++) {
      k.j.a(f.mapcount, pfn + i, this.mappers(pfn + i, pfn + i));
      if (onLru) lruAdd(k.j, f, m, pfn + i, active);
    }
  }

  /** One fewer PTE maps the folio; free it once nothing maps it and the swap cache lets go (the page cache keeps its own). */
  private dropMapping(head: number, n: number): void {
    const k = this.k;
    const f = k.folios;
    k.j.a(f.mapcount, head, f.mapcount[head]! - n);
    if (f.mapcount[head]! > 0) return;
    if (isPageCache(k, head)) return fileStat(k, head, 'mapped', -f.nr(head));
    // free_swap_cache(): the last unmap frees the swap cache if no slot count is left
    if (f.test(head, PG_swapcache)) folioFreeSwap(k, head);
    if (!f.test(head, PG_swapcache)) this.freeFolio(head);
  }

  /** zap_pte_range(): drop present pages and swap entries in [from, to). */
  zapRange(vma: Vma, from: number, to: number): void {
    const k = this.k;
    for (let idx = from; idx < to; idx++) {
      const v = vma.pte[idx]!;
      if (v === PTE_NONE) continue;
      k.j.a(vma.pte, idx, PTE_NONE);
      if (pteIsPresent(v)) {
        this.dropMapping(k.folios.head[ptePfn(v)]!, 1);
      } else if (pteIsSwap(v)) {
        // free_swap_and_cache_nr()
        k.swap.putEntries(pteEntry(v), 1, true);
      }
    }
  }

  /** copy_pte_range() for fork(): shared pages gain a mapping, swap entries a count. */
  copyPtes(child: Vma): void {
    const k = this.k;
    const f = k.folios;
    for (let idx = 0; idx < child.nrPages; idx++) {
      const v = child.pte[idx]!;
      if (pteIsPresent(v)) {
        const head = f.head[ptePfn(v)]!;
        k.j.a(f.mapcount, head, f.mapcount[head]! + 1);
      } else if (pteIsSwap(v)) {
        k.swap.dupEntries(pteEntry(v), 1);
      }
    }
  }
}
