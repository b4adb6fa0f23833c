/**
 * The incremental invariant check (issue #15): after a step, check only
 * what the step wrote, in the kernel's own style (VM_WARN_ON at the point of
 * change rather than a global walk). The journal knows every write of the
 * step; owners.ts maps each written array or object to the kernel object it
 * belongs to; each such object gets the checks that concern it alone or
 * its immediate neighbours:
 *
 *  - a cluster: its flags, list and count (checkCluster), and every slot of
 *    its table (counts, PFN links to swapcache folios, memcg ids, the
 *    extend_table), plus the virtual-layer slot checks of its design;
 *  - a folio (any PFN written): its head, its mapcount against the PTEs of
 *    its anon_vma family, its swap-cache slots, its LRU neighbours;
 *  - a PTE: a present PTE maps an allocated folio, a swap PTE a slot in use;
 *  - a memcg: its page counters, memory.current = own LRU pages + zswap
 *    pages + children, swap.current = its swap id references + children,
 *    its effective tier mask;
 *  - a zswap entry: its length class, its memcg, its LRU links, its slot.
 *
 * Besides, after every step: the device counters against the global ones
 * (O(devices)) and, with swap tiers, the tier list and every device's tier.
 * Cost: O(writes of the step), never O(state). What it cannot see (sums
 * over all slots, all folios, all zswap entries) the full check
 * (invariants.ts) covers; sessions can run it sampled, on demand, or after
 * every step (`swapsim.invariants`). Every message here is one the full
 * check can give too, or a local form of one.
 */
import { SwapClusterInfo } from './cluster';
import { designDescriptor } from './designs/profiles';
import { FolioTable, NO_SWAP, PG_active, PG_lru, PG_swapcache } from './folio';
import { checkCluster, checkClusterSlots, checkSwapCounters, listedClusters } from './invariants';
import { checkPhysicalCluster, checkVirtualCluster } from './invariants_vswap';
import type { TypedArray } from './journal';
import type { Kernel } from './kernel';
import { isFileLru } from './lru';
import { Memcg, pageCounterInvariants } from './memcontrol';
import { Vma, pteEntry, pteIsPresent, pteIsSwap, ptePfn, ptePresent } from './mm';
import { ownerOf } from './owners';
import { swpOffset, swpType } from './swap_entry';
import { SlotKind, tbKind } from './swap_table';
import { deviceTierInvariant, memcgTierInvariant, swapTierListInvariants } from './swap_tier';
import { LRU_NONE, Zswap, type ZswapEntry } from './zswap';

/** What a span of the journal wrote, by owner. */
class Written {
  readonly clusters = new Set<SwapClusterInfo>();
  readonly memcgs = new Set<Memcg>();
  readonly zswapEntries = new Set<ZswapEntry>();
  /** Folio-table indices written: single PFNs and [start, end) runs. */
  readonly pfns: number[] = [];
  readonly pfnRuns: number[] = [];
  /** PTE indices written per VMA, as [start, end) runs. */
  readonly ptes = new Map<Vma, number[]>();

  constructor(private readonly k: Kernel) {}

  elem(target: TypedArray, index: number): void {
    const owner = ownerOf(target);
    if (owner instanceof FolioTable) this.pfns.push(index);
    else if (owner instanceof Vma) this.pteRun(owner, index, index + 1);
    else this.object(owner);
  }

  range(target: TypedArray, start: number, end: number): void {
    const owner = ownerOf(target);
    if (owner instanceof FolioTable) this.pfnRuns.push(start, end);
    else if (owner instanceof Vma) this.pteRun(owner, start, end);
    else this.object(owner);
  }

  field(target: object): void {
    this.object(target instanceof SwapClusterInfo || target instanceof Memcg ? target : (ownerOf(target) ?? target));
  }

  private object(owner: object | undefined): void {
    if (owner instanceof SwapClusterInfo) this.clusters.add(owner);
    else if (owner instanceof Memcg) this.memcgs.add(owner);
    else if (owner instanceof Zswap) return;
    else if (owner !== undefined && isZswapEntry(owner)) this.zswapEntries.add(owner);
  }

  private pteRun(v: Vma, start: number, end: number): void {
    let runs = this.ptes.get(v);
    if (!runs) this.ptes.set(v, (runs = []));
    runs.push(start, end);
  }

  /** The distinct PFNs written (below the table's capacity), each once, in the order first written. */
  pfnList(): number[] {
    const f = this.k.folios;
    const limit = f.capacity;
    let seen = pfnStamps.get(f);
    if (!seen || seen.stamps.length < limit || seen.epoch === 0xffffffff)
      pfnStamps.set(f, (seen = { stamps: new Uint32Array(limit), epoch: 0 }));
    const epoch = ++seen.epoch;
    const stamps = seen.stamps;
    const out: number[] = [];
    const visit = (p: number): void => {
      if (p < limit && stamps[p] !== epoch) {
        stamps[p] = epoch;
        out.push(p);
      }
    };
    for (const p of this.pfns) visit(p);
    for (let r = 0; r < this.pfnRuns.length; r += 2)
      for (let p = this.pfnRuns[r]!; p < this.pfnRuns[r + 1]!; p++) visit(p);
    return out;
  }
}

/**
 * Per folio table, the check that last listed each PFN: a step's PFNs are
 * made distinct in O(PFNs written), though a bulk step writes each one in
 * a dozen arrays (one sort of them all cost more than the step itself).
 */
const pfnStamps = new WeakMap<FolioTable, { stamps: Uint32Array; epoch: number }>();

function isZswapEntry(o: object): o is ZswapEntry {
  return 'key' in o && 'referenced' in o && 'seq' in o;
}

/** The incremental check of everything written since journal position `from`. */
export function checkWrittenSince(k: Kernel, from: number): string[] {
  const w = new Written(k);
  k.j.forEachWrite(from, w);
  const out: string[] = [];
  checkSwapCounters(k, out);
  for (const si of k.swap.devices) {
    if (listedClusters(si) + si.virginLeft !== si.nrClusters)
      out.push(`${si.path}: ${listedClusters(si)} clusters on lists + ${si.virginLeft} untouched != ${si.nrClusters}`);
  }
  if (k.tiers) {
    swapTierListInvariants(k.tiers, out);
    for (const d of k.swap.devices) if (d !== k.swap.vswap) deviceTierInvariant(k.tiers, d, out);
  }
  const dynamic = designDescriptor(k.design).capabilities.hasDynamicClusters;
  for (const ci of w.clusters) {
    const si = k.swap.swapInfo[ci.type];
    // a cluster of a device swapped off, or a dynamic cluster freed: nothing left to check
    if (!si || si.cluster(ci.idx) !== ci) continue;
    checkCluster(k, si, ci, out);
    if (ci.table) checkClusterSlots(k, si, ci, null, out);
    if (dynamic) {
      if (si.dynamic) checkVirtualCluster(k, si, ci, out);
      else checkPhysicalCluster(k, si, ci, out);
    }
  }
  const heads = new Set<number>();
  for (const [v, runs] of w.ptes) checkPtes(k, v, runs, heads, out);
  for (const pfn of w.pfnList()) {
    const head = k.folios.head[pfn]!;
    if (head >= 0) heads.add(head);
  }
  for (const head of heads) checkFolio(k, head, out);
  for (const m of w.memcgs) checkMemcg(k, m, out);
  for (const e of w.zswapEntries) checkZswapEntry(k, e, out);
  return out;
}

/** PTEs written in a live VMA: present ones map an allocated folio, swap ones a slot in use. */
function checkPtes(k: Kernel, v: Vma, runs: number[], heads: Set<number>, out: string[]): void {
  if (v.task.state !== 'alive' || v.task.vmas.get(v.name) !== v) return;
  const f = k.folios;
  for (let r = 0; r < runs.length; r += 2) {
    for (let i = runs[r]!; i < runs[r + 1]!; i++) {
      const p = v.pte[i]!;
      if (pteIsPresent(p)) {
        const pfn = ptePfn(p);
        const head = pfn < f.capacity ? f.head[pfn]! : -1;
        if (head < 0) out.push(`${v.task.name}:${v.name}[${i}] maps free page ${pfn}`);
        else heads.add(head);
      } else if (pteIsSwap(p)) {
        const e = pteEntry(p);
        const si = k.swap.swapInfo[swpType(e)];
        if (!si || si.slotCount(swpOffset(e)) < 1)
          out.push(
            `${v.task.name}:${v.name}[${i}] holds swap entry ${si?.path ?? 'type ' + swpType(e)}:${swpOffset(e)} whose slot has no count`,
          );
      }
    }
  }
}

/** One folio: its mapcount against its anon_vma family's PTEs, its swap-cache slots, its LRU links. */
function checkFolio(k: Kernel, head: number, out: string[]): void {
  const f = k.folios;
  if (f.head[head] !== head) {
    out.push(`folio ${head}: head page points at ${f.head[head]}`);
    return;
  }
  const nr = f.nr(head);
  const m = k.memcgs.get(f.memcg[head]!);
  if (!m) out.push(`folio ${head} charged to unknown memcg ${f.memcg[head]}`);
  // folio_mapcount() against the PTEs that can map it: those of its file's mappings (i_mmap) for a
  // page cache folio, else those of its anon_vma family
  const pageCache = f.mapping[head] !== 0;
  const vmas = pageCache ? k.pagecache.byId.get(f.mapping[head]!)?.mappers : k.mm.anonVmas.get(f.anonVma[head]!)?.vmas;
  let maps = 0;
  for (const v of vmas ?? []) {
    if (v.task.state !== 'alive' || v.task.vmas.get(v.name) !== v) continue;
    const base = f.index[head]! - (pageCache ? v.pgoff : 0);
    for (let i = 0; i < nr; i++)
      if (base + i >= 0 && base + i < v.nrPages && v.pte[base + i] === ptePresent(head + i)) maps++;
  }
  if (maps !== f.mapcount[head]) out.push(`folio ${head}: mapcount ${f.mapcount[head]} but ${maps} PTEs map it`);
  if (f.test(head, PG_swapcache)) {
    const entry = f.swap[head]!;
    const si = k.swap.swapInfo[swpType(entry)];
    for (let i = 0; i < nr && si; i++) {
      const off = swpOffset(entry) + i;
      if (tbKind(si.slotMeta(off)) !== SlotKind.PFN || si.slotVal(off) !== head + i)
        out.push(`folio ${head}: in the swap cache at ${si.path}:${off}, which does not hold it`);
    }
    if (!si) out.push(`folio ${head}: in the swap cache of swap type ${swpType(entry)}, which is not active`);
  } else if (f.swap[head] !== NO_SWAP) {
    out.push(`folio ${head}: not in the swap cache but folio->swap is set`);
  }
  if (f.test(head, PG_lru) && m) {
    const file = isFileLru(f, head);
    const active = f.test(head, PG_active);
    const list = file ? (active ? m.activeFile : m.inactiveFile) : active ? m.activeAnon : m.inactiveAnon;
    const prev = f.lruPrev[head]!;
    const next = f.lruNext[head]!;
    if (prev >= 0 ? f.lruNext[prev] !== head : list.head !== head)
      out.push(`memcg ${m.name}: LRU link before folio ${head} is broken`);
    if (next >= 0 ? f.lruPrev[next] !== head : list.tail !== head)
      out.push(`memcg ${m.name}: LRU link after folio ${head} is broken`);
  }
}

/** A memcg's counters against its own lists and its children (the hierarchical sums, one level at a time). */
function checkMemcg(k: Kernel, m: Memcg, out: string[]): void {
  if (k.memcgs.get(m.id) !== m) return;
  pageCounterInvariants(m, out);
  let children = 0;
  let childSwap = 0;
  for (const c of m.children) {
    children += c.memory.usage;
    childSwap += c.swap.usage;
  }
  const own = m.inactiveAnon.nrPages + m.activeAnon.nrPages + m.inactiveFile.nrPages + m.activeFile.nrPages;
  const zswapPages = m.isRoot ? 0 : Math.ceil(m.zswapBytes / k.geom.pageSize);
  // config task_memory=kernel: the tasks' own processes and the pages stocked per CPU count too
  const other = m.stockPages + m.taskPages;
  if (m.memory.usage !== own + zswapPages + children + other) {
    out.push(
      `memcg ${m.name}: memory.current ${m.memory.usage} pages but ${own} in folios + ${zswapPages} zswap + ${children} in children + ${other} stocked or the tasks' own`,
    );
  }
  if (m.swap.usage !== m.swapIdRefs + childSwap)
    out.push(
      `memcg ${m.name}: swap.current ${m.swap.usage} pages but ${m.swapIdRefs} own slots + ${childSwap} in children`,
    );
  if (k.tiers) memcgTierInvariant(m, out);
}

/** A live zswap entry: length class, memcg, LRU links, and a slot in use. */
function checkZswapEntry(k: Kernel, e: ZswapEntry, out: string[]): void {
  const z = k.zswap;
  if (z.entries.get(e.key) !== e) return;
  if (!k.memcgs.get(e.memcg)) out.push(`zswap entry ${e.key} charged to unknown memcg ${e.memcg}`);
  if (e.incompressible !== (e.length === k.geom.pageSize))
    out.push(`zswap entry ${e.key}: length ${e.length} but incompressible=${e.incompressible}`);
  const lru = z.lrus.get(e.memcg);
  const prevOk = e.prev === LRU_NONE ? lru?.head === e.key : z.entries.get(e.prev)?.next === e.key;
  const nextOk = e.next === LRU_NONE ? lru?.tail === e.key : z.entries.get(e.next)?.prev === e.key;
  if (!prevOk || !nextOk) out.push(`zswap LRU of memcg ${e.memcg}: bad links at ${e.key}`);
  const si = k.swap.swapInfo[swpType(e.key)];
  const off = swpOffset(e.key);
  if (!si || (si.slotCount(off) === 0 && tbKind(si.slotMeta(off)) !== SlotKind.PFN))
    out.push(`zswap entry for ${si?.path ?? 'type ' + swpType(e.key)}:${off} whose slot is free`);
}
