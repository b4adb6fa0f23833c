/**
 * The incremental invariant check (issue #15): after a step, check only
 * what the step wrote, in the kernel's own style (VM_WARN_ON at the point of
 * change rather than a global walk). The journal knows every write of the
 * step; owners.ts maps each written array or object to the kernel object it
 * belongs to; each such object gets the checks that concern it alone or
 * its immediate neighbours:
 *
 *  - a cluster: its flags, list and count (checkCluster), each slot written
 *    (count, PFN link to a swapcache folio, memcg id), its count and
 *    extend_table against the slots in use (kept from a copy of its slot
 *    metadata, see checkClusterWritten), plus the virtual-layer slot checks
 *    of its design;
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
import {
  checkCluster,
  checkClusterCounts,
  checkClusterSlots,
  checkSlot,
  checkSwapCounters,
  listedClusters,
  slotOverflowed,
} from './invariants';
import { checkPhysicalCluster, checkVirtualCluster } from './invariants_vswap';
import type { TypedArray } from './journal';
import type { Kernel } from './kernel';
import type { SwapInfo } from './swapfile';
import { isFileLru } from './lru';
import { Memcg, pageCounterInvariants } from './memcontrol';
import { Vma, pteEntry, pteIsPresent, pteIsSwap, ptePfn, ptePresent } from './mm';
import { ownerOf } from './owners';
import { swpOffset, swpType } from './swap_entry';
import { SlotKind, tbKind, type SwapTable } from './swap_table';
import { deviceTierInvariant, memcgTierInvariant, swapTierListInvariants } from './swap_tier';
import { LRU_NONE, Zswap, type ZswapEntry } from './zswap';

/** What a span of the journal wrote, by owner. */
class Written {
  readonly clusters = new Set<SwapClusterInfo>();
  /** Per cluster, the slot offsets its per-slot arrays (table, memcg_table, extend_table) were written at; repeats allowed. */
  readonly clusterSlots = new Map<SwapClusterInfo, number[]>();
  readonly memcgs = new Set<Memcg>();
  readonly zswapEntries = new Set<ZswapEntry>();
  /** Folio-table indices written: single PFNs and [start, end) runs. */
  readonly pfns: number[] = [];
  readonly pfnRuns: number[] = [];
  /** PTE indices written per VMA, as [start, end) runs. */
  readonly ptes = new Map<Vma, number[]>();

  /**
   * The typed array of the last element record and its owner: a step writes
   * a few arrays many times (a folio's flags, a cluster's table), and the
   * owner lookup is a WeakMap probe.
   */
  private lastArray: TypedArray | null = null;
  private lastOwner: object | undefined = undefined;
  /** Objects whose field records were sorted already (a step writes a few counters many times), and the last one. */
  private readonly fieldTargets = new Set<object>();
  private lastFieldTarget: object | null = null;

  constructor(private readonly k: Kernel) {}

  private arrayOwner(target: TypedArray): object | undefined {
    if (target !== this.lastArray) {
      this.lastArray = target;
      this.lastOwner = ownerOf(target);
      this.object(this.lastOwner);
    }
    return this.lastOwner;
  }

  elem(target: TypedArray, index: number): void {
    const owner = this.arrayOwner(target);
    if (owner instanceof FolioTable) this.pfns.push(index);
    else if (owner instanceof Vma) this.pteRun(owner, index, index + 1);
    else if (owner instanceof SwapClusterInfo) this.slotsOf(owner).push(index);
  }

  range(target: TypedArray, start: number, end: number): void {
    const owner = this.arrayOwner(target);
    if (owner instanceof FolioTable) this.pfnRun(start, end);
    else if (owner instanceof Vma) this.pteRun(owner, start, end);
    else if (owner instanceof SwapClusterInfo) {
      const slots = this.slotsOf(owner);
      for (let i = start; i < end; i++) slots.push(i);
    }
  }

  /**
   * PFNs [start, end) written. A bulk step saves the same runs of a dozen
   * folio arrays one after another: a run inside the last one adds
   * nothing, and one that continues it extends it.
   */
  private pfnRun(start: number, end: number): void {
    const runs = this.pfnRuns;
    const n = runs.length;
    if (n > 0 && start >= runs[n - 2]! && start <= runs[n - 1]!) {
      if (end > runs[n - 1]!) runs[n - 1] = end;
      return;
    }
    runs.push(start, end);
  }

  private slotsOf(ci: SwapClusterInfo): number[] {
    let slots = this.clusterSlots.get(ci);
    if (!slots) this.clusterSlots.set(ci, (slots = []));
    return slots;
  }

  field(target: object): void {
    if (target === this.lastFieldTarget) return;
    this.lastFieldTarget = target;
    if (this.fieldTargets.has(target)) return;
    this.fieldTargets.add(target);
    this.object(target instanceof SwapClusterInfo || target instanceof Memcg ? target : (ownerOf(target) ?? target));
  }

  /** Sort a written object (or the owner of a written array) into the sets above; folio tables and VMAs are handled per element. */
  private object(owner: object | undefined): void {
    if (owner instanceof SwapClusterInfo) this.clusters.add(owner);
    else if (owner instanceof Memcg) this.memcgs.add(owner);
    else if (owner instanceof Zswap || owner instanceof FolioTable || owner instanceof Vma) return;
    else if (owner !== undefined && isZswapEntry(owner)) this.zswapEntries.add(owner);
  }

  private pteRun(v: Vma, start: number, end: number): void {
    let runs = this.ptes.get(v);
    if (!runs) this.ptes.set(v, (runs = []));
    runs.push(start, end);
  }

  /** The distinct PFNs written (below the table's capacity), each once, in the order first written. */
  pfnList(): PfnSet {
    const set = new PfnSet(this.k.folios, pfnStamps);
    for (const p of this.pfns) set.add(p);
    for (let r = 0; r < this.pfnRuns.length; r += 2) {
      const end = this.pfnRuns[r + 1]!;
      for (let p = this.pfnRuns[r]!; p < end; p++) set.add(p);
    }
    return set;
  }
}

/**
 * A set of PFNs of one folio table, listed in the order added: a stamp per
 * PFN says which set last took it, so adding is O(1) with no hashing (a
 * bulk step writes millions of folios, and a Set<number> of them cost more
 * than the step itself). The stamps and the list's buffer are kept per
 * table and purpose and reused by the next check: a small step allocates
 * nothing here.
 */
class PfnSet {
  private readonly store: PfnStore;
  private readonly epoch: number;
  private readonly limit: number;
  /** Number of PFNs added: they are `items[0, size)`. */
  size = 0;

  constructor(f: FolioTable, per: WeakMap<FolioTable, PfnStore>) {
    this.limit = f.capacity;
    let store = per.get(f);
    if (!store || store.stamps.length < this.limit || store.epoch === 0xffffffff)
      per.set(f, (store = { stamps: new Uint32Array(this.limit), epoch: 0, items: new Int32Array(64) }));
    this.epoch = ++store.epoch;
    this.store = store;
  }

  /** The PFNs added, in the order added, are `items[0, size)`. */
  get items(): Int32Array {
    return this.store.items;
  }

  /** Add `p` (ignored at or above the table's capacity). */
  add(p: number): void {
    const store = this.store;
    if (p >= this.limit || store.stamps[p] === this.epoch) return;
    store.stamps[p] = this.epoch;
    if (this.size === store.items.length) {
      const grown = new Int32Array(this.size * 2);
      grown.set(store.items);
      store.items = grown;
    }
    store.items[this.size++] = p;
  }
}

/** A PfnSet's stamps (which set last took each PFN), its epoch, and the buffer of its list. */
interface PfnStore {
  stamps: Uint32Array;
  epoch: number;
  items: Int32Array;
}

/**
 * Per folio table, the stores of the PFNs written (pfnList) and of the
 * folio heads to check: a step's PFNs are made distinct in O(PFNs
 * written), though a bulk step writes each one in a dozen arrays (one sort
 * of them all cost more than the step itself).
 */
const pfnStamps = new WeakMap<FolioTable, PfnStore>();
const headStamps = new WeakMap<FolioTable, PfnStore>();

function isZswapEntry(o: object): o is ZswapEntry {
  return 'key' in o && 'referenced' in o && 'seq' in o;
}

/** The incremental check of everything written since journal position `from`. */
export function checkWrittenSince(k: Kernel, from: number): string[] {
  const w = new Written(k);
  k.j.forEachWrite(from, w);
  const copies = clusterCopies(k, from);
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
    if (ci.table) checkClusterWritten(k, si, ci, copies, w.clusterSlots.get(ci) ?? [], out);
    if (dynamic) {
      if (si.dynamic) checkVirtualCluster(k, si, ci, out);
      else checkPhysicalCluster(k, si, ci, out);
    }
  }
  const heads = new PfnSet(k.folios, headStamps);
  for (const [v, runs] of w.ptes) checkPtes(k, v, runs, heads, out);
  const head = k.folios.head;
  const pfns = w.pfnList();
  for (let i = 0; i < pfns.size; i++) if (head[pfns.items[i]!]! >= 0) heads.add(head[pfns.items[i]!]!);
  const mappers = new LiveMappers(k);
  for (let i = 0; i < heads.size; i++) checkFolio(k, heads.items[i]!, mappers, out);
  for (const m of w.memcgs) checkMemcg(k, m, out);
  for (const e of w.zswapEntries) checkZswapEntry(k, e, out);
  return out;
}

/**
 * What the local check last verified of a cluster: a copy of its slot
 * metadata (one byte per slot) and the counts it gives, for the table the
 * copy was taken of.
 */
interface VerifiedCluster {
  table: SwapTable;
  meta: Uint8Array;
  /** Slots in use or bad; slots in use with an overflowed count. */
  nonNull: number;
  overflowed: number;
}

/** Per journal: the copies, and the journal's generation and top when they were last brought up to date. */
interface ClusterCopies {
  generation: number;
  top: number;
  byCluster: WeakMap<SwapClusterInfo, VerifiedCluster>;
}
const copiesByJournal = new WeakMap<object, ClusterCopies>();

/**
 * The cluster copies that hold for a check of the writes since `from`:
 * they do if the last check ended at `from` with no rollback or compaction
 * since (no write went unseen in between); otherwise they are dropped and
 * each cluster is checked whole again the next time it is written.
 */
function clusterCopies(k: Kernel, from: number): ClusterCopies {
  let c = copiesByJournal.get(k.j);
  if (!c || c.generation !== k.j.generation || c.top !== from) {
    c = { generation: k.j.generation, top: from, byCluster: new WeakMap() };
    copiesByJournal.set(k.j, c);
  }
  // the check that follows brings the copies up to the journal's top
  c.top = k.j.size;
  return c;
}

/**
 * The slots of a cluster a step wrote, and its count and extend_table
 * against its slots in use: O(slots written), not O(slots), which was the
 * largest part of the check of a one-page step. The counts come from the
 * copy of the cluster's slot metadata, updated at the slots written; a
 * cluster with no valid copy is checked whole and copied. A corruption
 * made behind the simulator's back at a slot no step writes is left to the
 * full check (sampled, on demand, or after every step).
 */
function checkClusterWritten(
  k: Kernel,
  si: SwapInfo,
  ci: SwapClusterInfo,
  copies: ClusterCopies,
  offsets: number[],
  out: string[],
): void {
  const table = ci.table!;
  const meta = table.meta;
  const v = copies.byCluster.get(ci);
  if (v === undefined || v.table !== table) {
    checkClusterSlots(k, si, ci, null, out);
    let nonNull = 0;
    let overflowed = 0;
    for (let off = 0; off < meta.length; off++) {
      if (tbKind(meta[off]!) !== SlotKind.NULL) nonNull++;
      if (slotOverflowed(meta[off]!)) overflowed++;
    }
    copies.byCluster.set(ci, { table, meta: meta.slice(), nonNull, overflowed });
    return;
  }
  offsets.sort((a, b) => a - b);
  for (let i = 0; i < offsets.length; i++) {
    const off = offsets[i]!;
    if (off === offsets[i - 1] || off >= meta.length) continue;
    const now = meta[off]!;
    const was = v.meta[off]!;
    if (now !== was) {
      v.nonNull += Number(tbKind(now) !== SlotKind.NULL) - Number(tbKind(was) !== SlotKind.NULL);
      v.overflowed += Number(slotOverflowed(now)) - Number(slotOverflowed(was));
      v.meta[off] = now;
    }
    checkSlot(k, si, ci, off, out);
  }
  checkClusterCounts(si, ci, v.nonNull, v.overflowed, out);
}

/** PTEs written in a live VMA: present ones map an allocated folio, swap ones a slot in use. */
function checkPtes(k: Kernel, v: Vma, runs: number[], heads: PfnSet, out: string[]): void {
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

/**
 * The live VMAs that can map a folio, per anon_vma family or file, looked
 * up once per check: a bulk step writes millions of folios of one family.
 */
class LiveMappers {
  /** Keyed by mapping id (a file), or by anon_vma id as its negative minus one; made on the second family met. */
  private byFamily: Map<number, Vma[]> | null = null;
  private lastFamily = 0;
  private lastLive: Vma[] | null = null;

  constructor(private readonly k: Kernel) {}

  /** Those of the folio's file's mappings (i_mmap) for a page cache folio (`mapping` not 0), else of its anon_vma family. */
  of(mapping: number, anonVma: number): Vma[] {
    const family = mapping !== 0 ? mapping : -1 - anonVma;
    if (this.lastLive !== null && family === this.lastFamily) return this.lastLive;
    if (this.lastLive !== null) (this.byFamily ??= new Map()).set(this.lastFamily, this.lastLive);
    let live = this.byFamily?.get(family);
    if (live === undefined) {
      const vmas = mapping !== 0 ? this.k.pagecache.byId.get(mapping)?.mappers : this.k.mm.anonVmas.get(anonVma)?.vmas;
      live = [];
      for (const v of vmas ?? []) if (v.task.state === 'alive' && v.task.vmas.get(v.name) === v) live.push(v);
    }
    this.lastFamily = family;
    this.lastLive = live;
    return live;
  }
}

/** One folio: its mapcount against its anon_vma family's PTEs, its swap-cache slots, its LRU links. */
function checkFolio(k: Kernel, head: number, mappers: LiveMappers, out: string[]): void {
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
  let maps = 0;
  for (const v of mappers.of(f.mapping[head]!, f.anonVma[head]!)) {
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
