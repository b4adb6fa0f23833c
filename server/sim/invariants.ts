/**
 * Consistency checks run after operations (in tests always, at run time on
 * request). Each returns a message naming the device, cluster or slot.
 *
 * `checkInvariants` is the full check: O(slots of materialised clusters +
 * folios + mapped PTEs + zswap entries), not for hot paths. Its slot and
 * PTE passes count into reused typed scratch arrays instead of Maps, which
 * is where most of its time went. `checkSwapStructure` is the part that
 * needs no per-slot pass (cluster lists, device and global counters), cheap
 * enough to run after every operation of a long random run that runs the
 * full check only now and then.
 */
import { CLUSTER_LIST_NAMES, ClusterFlag, type SwapClusterInfo } from './cluster';
import { PG_swapcache } from './folio';
import { Kernel } from './kernel';
import { memcgInvariants, type Memcg } from './memcontrol';
import { zswapInvariants } from './zswap';
import { vswapInvariants } from './invariants_vswap';
import { swapTierInvariants } from './swap_tier';
import { fileInvariants } from './files';
import { kmemInvariants } from './kmem';
import { swapMetaInvariants } from './swap_meta_ram';
import { zramInvariants } from './zram';
import { ptePfn, pteIsPresent } from './mm';
import { SWP_TB_COUNT_MAX, SlotKind, tbInlineCount, tbKind } from './swap_table';
import { swpOffset, swpType } from './swap_entry';
import type { SwapInfo } from './swapfile';

/** What the slot pass found, for the checks that compare it with counters elsewhere. */
interface SlotTally {
  /** Slots holding a PFN (NR_SWAPCACHE). */
  cachedSlots: number;
  /** In-use slots carrying a memcg id. */
  chargedSlots: number;
  /** Slots (any state) carrying a memcg id, by id: `recordedById[id]`. */
  recordedById: Int32Array;
  /** Ids with a non-zero `recordedById` entry (to reset the scratch array). */
  recordedIds: number[];
}

/** memcg ids are 16 bits (mem_cgroup_id()); one counter per possible id. */
const MEMCG_ID_SPACE = 1 << 16;
let idScratch: Int32Array | null = null;
let mapScratch = new Int32Array(0);

/** The full check. */
export function checkInvariants(k: Kernel): string[] {
  const out: string[] = [];
  const tally: SlotTally = {
    cachedSlots: 0,
    chargedSlots: 0,
    recordedById: (idScratch ??= new Int32Array(MEMCG_ID_SPACE)),
    recordedIds: [],
  };
  try {
    checkSwapDevices(k, out, tally);
    checkSwapCharges(k, tally, out);
  } finally {
    // the scratch counters are shared by every check: leave them zeroed, even after a throw
    for (const id of tally.recordedIds) tally.recordedById[id] = 0;
  }
  checkZswapPool(k, out);
  out.push(...zswapInvariants(k));
  // memcg page counters: folios, zswap pages and children add up to memory.current
  out.push(...memcgInvariants(k));
  checkMapcounts(k, out);
  out.push(...vswapInvariants(k)); // design-specific checks (virtual swap layers)
  // kernel memory: the pools hold what their bytes need, and the swap metadata is the overhead table's
  out.push(...kmemInvariants(k.kmem, k.geom.pageSize));
  out.push(...swapMetaInvariants(k));
  // zram: mm_stat agrees with the slots, and a stored page belongs to a swap slot in use
  out.push(...zramInvariants(k.zram, k.kmem));
  checkZramSlots(k, out);
  if (k.tiers)
    out.push(
      ...swapTierInvariants(
        k.tiers,
        k.swap.devices.filter((d) => d !== k.swap.vswap),
        k.memcgs.root,
      ),
    );
  out.push(...fileInvariants(k.fs, (path) => k.swap.byPath(path)?.kind ?? null, k.geom.pageSize));
  for (const si of k.swap.devices) {
    if (si.discards < 0 || si.discardedPages < si.discards)
      out.push(`${si.path}: ${si.discards} discards covering ${si.discardedPages} pages`);
  }
  return out;
}

/**
 * The cluster-level and counter part of the full check: every message it
 * can give, the full check gives too. O(devices + materialised clusters).
 */
export function checkSwapStructure(k: Kernel): string[] {
  const out: string[] = [];
  checkSwapDevices(k, out, null);
  return out;
}

/**
 * Cluster lists and flags, per-device and global swap counters; with a
 * `tally`, also every table entry (counts, PFN links, memcg ids), counted
 * into it.
 */
function checkSwapDevices(k: Kernel, out: string[], tally: SlotTally | null): void {
  for (const si of k.swap.devices) {
    let used = 0;
    let materialised = 0;
    for (const ci of si.clusters()) {
      materialised++;
      checkCluster(k, si, ci, out);
      if (tally && ci.table) used += checkClusterSlots(k, si, ci, tally, out);
    }
    const listed = listedClusters(si);
    if (listed !== materialised) out.push(`${si.path}: ${listed} clusters on lists but ${materialised} materialised`);
    if (materialised + si.virginLeft !== si.nrClusters) {
      out.push(`${si.path}: ${materialised} materialised + ${si.virginLeft} untouched clusters != ${si.nrClusters}`);
    }
    if (tally && used !== si.inusePages)
      out.push(`${si.path}: ${used} slots in use but inuse_pages is ${si.inusePages}`);
  }
  checkSwapCounters(k, out);
  if (tally && tally.cachedSlots !== k.stat.nrSwapcache)
    out.push(`NR_SWAPCACHE ${k.stat.nrSwapcache} but ${tally.cachedSlots} slots hold a folio`);
}

/** Clusters on the device's lists (every materialised cluster is on one between operations). */
export function listedClusters(si: SwapInfo): number {
  let listed = si.freeClusters.length + si.fullClusters.length + si.discardClusters.length;
  for (const l of si.nonfullClusters) listed += l.length;
  for (const l of si.fragClusters) listed += l.length;
  return listed;
}

/**
 * The device counters against each other and the global ones
 * (nr_swap_pages, total_swap_pages, the avail list). O(devices): the
 * incremental check runs it after every step.
 */
export function checkSwapCounters(k: Kernel, out: string[]): void {
  let totalFree = 0;
  let totalPages = 0;
  for (const si of k.swap.devices) {
    if (!si.swapoffInProgress) {
      totalFree += si.pages - si.inusePages;
      totalPages += si.pages;
    }
    if (si.inusePages < 0 || si.inusePages > si.pages)
      out.push(`${si.path}: inuse_pages ${si.inusePages} outside 0..${si.pages}`);
    const shouldBeListed = si.inusePages < si.pages && !si.swapoffInProgress;
    if (shouldBeListed !== k.swap.avail.includes(si))
      out.push(`${si.path}: avail list membership ${!shouldBeListed} with ${si.inusePages}/${si.pages} used`);
  }
  if (totalFree !== k.swap.counters.nrSwapPages)
    out.push(`nr_swap_pages ${k.swap.counters.nrSwapPages} but ${totalFree} free slots`);
  if (totalPages !== k.swap.counters.totalSwapPages)
    out.push(`total_swap_pages ${k.swap.counters.totalSwapPages} but devices hold ${totalPages}`);
}

/** One cluster's flags, list and count against each other (mm/swapfile.c move_cluster() and friends). */
export function checkCluster(k: Kernel, si: SwapInfo, ci: SwapClusterInfo, out: string[]): void {
  const slots = k.geom.clusterSlots;
  const where = `${si.path} cluster ${ci.idx}`;
  if (ci.flags === ClusterFlag.NONE) out.push(`${where} is off every list between operations`);
  const onFree = ci.flags === ClusterFlag.FREE;
  if (onFree !== (ci.table === null))
    out.push(`${where}: table ${ci.table ? 'allocated' : 'missing'} while ${CLUSTER_LIST_NAMES[ci.flags]}`);
  if (ci.list && ci.list.flag !== ci.flags)
    out.push(`${where}: flag ${CLUSTER_LIST_NAMES[ci.flags]} but on the ${CLUSTER_LIST_NAMES[ci.list.flag]} list`);
  if (ci.flags === ClusterFlag.NONFULL || ci.flags === ClusterFlag.FRAG) {
    if (ci.list && ci.list.order !== ci.order)
      out.push(`${where}: order ${ci.order} on a list of order ${ci.list.order}`);
    if (ci.count === 0 || ci.count === slots) out.push(`${where}: count ${ci.count} on a partial list`);
  }
  if (ci.flags === ClusterFlag.FULL && ci.count !== slots) out.push(`${where}: on full with count ${ci.count}`);
  if ((onFree || ci.flags === ClusterFlag.DISCARD) && ci.count !== 0) out.push(`${where}: free with count ${ci.count}`);
}

/**
 * Every entry of a cluster's table; returns the number of slots in use (not
 * NULL, not BAD). With a `tally`, counts cached and charged slots into it.
 */
export function checkClusterSlots(
  k: Kernel,
  si: SwapInfo,
  ci: SwapClusterInfo,
  tally: SlotTally | null,
  out: string[],
): number {
  const slots = k.geom.clusterSlots;
  const meta = ci.table!.meta;
  const mt = ci.memcgTable;
  let used = 0;
  let nonNull = 0;
  let overflowed = 0;
  for (let off = 0; off < slots; off++) {
    const m = meta[off]!;
    const id = mt !== null ? mt[off]! : 0;
    // memcg ids recorded on any slot of a cluster with a table, in use or not
    if (id !== 0 && tally) {
      if (tally.recordedById[id]++ === 0) tally.recordedIds.push(id);
    }
    checkSlot(k, si, ci, off, out);
    const kind = tbKind(m);
    if (kind === SlotKind.NULL) continue;
    nonNull++;
    if (kind === SlotKind.BAD) continue;
    used++;
    if (slotOverflowed(m)) overflowed++;
    if (tally) {
      if (id !== 0) tally.chargedSlots++;
      if (kind === SlotKind.PFN) tally.cachedSlots++;
    }
  }
  checkClusterCounts(si, ci, nonNull, overflowed, out);
  return used;
}

/** A slot in use whose count overflowed into extend_table. */
export function slotOverflowed(meta: number): boolean {
  const kind = tbKind(meta);
  return kind !== SlotKind.NULL && kind !== SlotKind.BAD && tbInlineCount(meta) === SWP_TB_COUNT_MAX;
}

/** A cluster's count and extend_table against what its slots hold: `nonNull` slots in use or bad, `overflowed` with an overflowed count. */
export function checkClusterCounts(
  si: SwapInfo,
  ci: SwapClusterInfo,
  nonNull: number,
  overflowed: number,
  out: string[],
): void {
  if (nonNull !== ci.count)
    out.push(`${si.path} cluster ${ci.idx}: count ${ci.count} but ${nonNull} slots in use or bad`);
  if (ci.extendTable && overflowed === 0)
    out.push(`${si.path} cluster ${ci.idx}: extend_table kept with no overflowed slot`);
  if (!ci.extendTable && overflowed > 0)
    out.push(`${si.path} cluster ${ci.idx}: overflowed count without extend_table`);
}

/**
 * One entry of a cluster's table on its own: a free slot carries no flags,
 * count or memcg id; a shadow has a count; a slot holding a PFN holds a
 * swap-cache folio that points back at it.
 */
export function checkSlot(k: Kernel, si: SwapInfo, ci: SwapClusterInfo, off: number, out: string[]): void {
  const m = ci.table!.meta[off]!;
  const kind = tbKind(m);
  const slot = ci.idx * k.geom.clusterSlots + off;
  if (kind === SlotKind.NULL) {
    const id = ci.memcgTable !== null ? ci.memcgTable[off]! : 0;
    if (id !== 0) out.push(`${si.path}:${slot} is free but records memcg ${id}`);
    if (m !== 0) out.push(`${si.path}:${slot} is NULL with flags or count`);
  } else if (kind === SlotKind.SHADOW) {
    // si.slotCount() without finding the cluster again: the inline count, or extend_table's when it overflowed
    const inline = tbInlineCount(m);
    if ((inline === SWP_TB_COUNT_MAX && ci.extendTable ? ci.extendTable[off]! : inline) === 0)
      out.push(`${si.path}:${slot} is a shadow with count 0 (should be free)`);
  } else if (kind === SlotKind.PFN) {
    const f = k.folios;
    const pfn = ci.table!.val[off]!;
    const head = pfn < f.capacity ? f.head[pfn]! : -1;
    if (head < 0 || (f.flags[head]! & PG_swapcache) === 0)
      out.push(`${si.path}:${slot} caches PFN ${pfn} that is not a swapcache folio`);
    else if (f.swap[head]! + (pfn - head) !== si.type * 2 ** 32 + slot)
      out.push(`${si.path}:${slot}: folio ${head} points at another slot`);
  }
}

/** memcg swap charges match the recorded ids; swap.current is the sum over the subtree (mem_cgroup_charge_swap()). */
function checkSwapCharges(k: Kernel, tally: SlotTally, out: string[]): void {
  const { recordedById, recordedIds } = tally;
  const recordedFor = (id: number): number => (id < MEMCG_ID_SPACE ? recordedById[id]! : 0);
  let recorded = 0;
  for (const id of recordedIds) recorded += recordedById[id]!;
  if (recorded !== tally.chargedSlots)
    out.push(`memcg ids recorded on ${recorded} slots, ${tally.chargedSlots} in-use slots carry one`);
  // subtree sums in one pass, deepest cgroups first
  const all = [...k.memcgs.byId.values()];
  const depthOf = new Map<Memcg, number>();
  for (const m of all) {
    let d = 0;
    for (let p = m.parent; p; p = p.parent) d++;
    depthOf.set(m, d);
  }
  all.sort((a, b) => depthOf.get(b)! - depthOf.get(a)!);
  const subtreeSlots = new Map<number, number>();
  for (const m of all) {
    const own = recordedFor(m.id) + (subtreeSlots.get(m.id) ?? 0);
    subtreeSlots.set(m.id, own);
    if (m.parent) subtreeSlots.set(m.parent.id, (subtreeSlots.get(m.parent.id) ?? 0) + own);
    if (own !== m.swap.usage)
      out.push(`memcg ${m.name}: swap.current ${m.swap.usage} pages but ${own} slots charged in its subtree`);
    if (m.swapIdRefs !== recordedFor(m.id))
      out.push(`memcg ${m.name}: ${m.swapIdRefs} id references for ${recordedFor(m.id)} slots`);
  }
}

/** zswap: pool size is the sum of entries; every entry's slot is in use (or still caches its folio). */
function checkZswapPool(k: Kernel, out: string[]): void {
  let pool = 0;
  // forEach, not for-of over entries: no [key, value] pair per entry
  k.zswap.entries.forEach((e, entry) => {
    pool += e.length;
    const si = k.swap.swapInfo[swpType(entry)];
    if (!si || (si.slotCount(swpOffset(entry)) === 0 && tbKind(si.slotMeta(swpOffset(entry))) !== SlotKind.PFN)) {
      out.push(`zswap entry for ${si?.path ?? 'type ' + swpType(entry)}:${swpOffset(entry)} whose slot is free`);
    }
  });
  if (pool !== k.zswap.poolBytes) out.push(`zswap pool ${k.zswap.poolBytes} B but entries hold ${pool} B`);
}

/** A zram device under a swap area stores pages only for slots in use (freed slots notify zram). */
function checkZramSlots(k: Kernel, out: string[]): void {
  for (const si of k.swap.devices) {
    const z = k.zramOf(si);
    if (!z) continue;
    for (const index of z.storedPages()) {
      const kind = tbKind(si.slotMeta(index));
      if (kind === SlotKind.NULL || kind === SlotKind.BAD)
        out.push(`${si.path}: zram holds page ${index} for a ${kind === SlotKind.BAD ? 'bad' : 'free'} slot`);
    }
  }
}

/** folio mapcounts match the page tables (folio_mapcount() against a PTE walk). */
function checkMapcounts(k: Kernel, out: string[]): void {
  const { head: folioHead, mapcount } = k.folios;
  if (mapScratch.length < folioHead.length) mapScratch = new Int32Array(folioHead.length);
  const maps = mapScratch;
  const heads: number[] = [];
  try {
    countMappings(k, maps, heads, out);
    for (const head of heads) {
      if (mapcount[head] !== maps[head])
        out.push(`folio ${head}: mapcount ${mapcount[head]} but ${maps[head]} PTEs map it`);
    }
  } finally {
    for (const head of heads) maps[head] = 0;
  }
}

/** PTEs per folio head into `maps` (listing each head once in `heads`). */
function countMappings(k: Kernel, maps: Int32Array, heads: number[], out: string[]): void {
  const folioHead = k.folios.head;
  for (const t of k.mm.tasks.values()) {
    for (const v of t.vmas.values()) {
      const pte = v.pte;
      for (let i = 0; i < v.nrPages; i++) {
        const p = pte[i]!;
        if (!pteIsPresent(p)) continue;
        const head = folioHead[ptePfn(p)]!;
        if (head < 0 || head === undefined) {
          out.push(`${t.name}:${v.name}[${i}] maps free page ${ptePfn(p)}`);
          continue;
        }
        if (maps[head]++ === 0) heads.push(head);
      }
    }
  }
}

Kernel.invariantChecker = checkInvariants;
