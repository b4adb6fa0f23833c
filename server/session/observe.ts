/**
 * Reading the simulated machine for views: device and cgroup summaries,
 * counters, slot backings, the binned cluster map. Everything here only
 * reads; nothing is O(device size) except where a caller asks for a whole
 * device's map (and then it is O(touched clusters + bins)).
 */
import type {
  ClusterListName,
  ClusterMap,
  ClusterSummary,
  CounterSet,
  DeviceSummary,
  MemcgSummary,
  SlotBacking,
  ZramSlot,
  ZramSlotState,
} from '../../shared/protocol';
import { CLUSTER_LIST_NAMES, type SwapClusterInfo } from '../sim/cluster';
import { PG_dirty } from '../sim/folio';
import { shmemSlotOwners } from '../sim/shmem';
import type { Kernel } from '../sim/kernel';
import type { Memcg } from '../sim/memcontrol';
import { freeMem, freeSwap, meminfo, mthpStats, procSwaps, zswapDebugfs } from '../sim/procfs';
import { SWP_SYNCHRONOUS_IO, type SwapInfo } from '../sim/swapfile';
import { SlotKind, tbKind, tbZero } from '../sim/swap_table';
import { ZRAM_HUGE, ZRAM_IDLE, ZRAM_SAME, ZRAM_STORED, ZRAM_WB } from '../sim/zram';

export function deviceSummary(k: Kernel, si: SwapInfo): DeviceSummary {
  const lists = {
    free: si.freeClusterCount,
    nonfull: 0,
    frag: 0,
    full: si.fullClusters.length,
    discard: si.discardClusters.length,
  };
  for (const l of si.nonfullClusters) lists.nonfull += l.length;
  for (const l of si.fragClusters) lists.frag += l.length;
  return {
    type: si.type,
    path: si.path,
    typeName: si.typeName,
    kind: si.kind,
    prio: si.prio,
    maxSlots: si.max,
    pages: si.pages,
    inuse: si.inusePages,
    clusters: si.nrClusters,
    clusterSlots: k.geom.clusterSlots,
    lists,
    solidState: si.solidState,
    synchronousIo: (si.flags & SWP_SYNCHRONOUS_IO) !== 0,
    onAvailList: k.swap.avail.includes(si),
    swapoffInProgress: si.swapoffInProgress,
    tier: k.tiers?.byMask(si.tierMask)?.name ?? null,
  };
}

const limit = (pages: number, pageSize: number): number | null => (Number.isFinite(pages) ? pages * pageSize : null);

export function memcgSummary(k: Kernel, m: Memcg): MemcgSummary {
  const ps = k.geom.pageSize;
  let zswapBytes = 0;
  for (const d of m.subtree()) zswapBytes += d.zswapBytes;
  const tasks: string[] = [];
  for (const t of k.mm.tasks.values()) if (t.state === 'alive' && t.memcg === m.id) tasks.push(t.name);
  return {
    id: m.id,
    path: m.isRoot ? '/' : '/' + m.path,
    parentId: m.parent ? m.parent.id : null,
    online: m.online,
    current: m.memory.usage * ps,
    max: limit(m.memory.max, ps),
    high: limit(m.memory.high, ps),
    peak: m.memory.watermark * ps,
    swapCurrent: m.swap.usage * ps,
    swapMax: limit(m.swap.max, ps),
    swapHigh: limit(m.swap.high, ps),
    swapPeak: m.swap.watermark * ps,
    zswapCurrent: zswapBytes,
    zswapMax: Number.isFinite(m.zswapMax) ? m.zswapMax : null,
    zswapWriteback: m.zswapWriteback,
    events: k.memcgs.eventsHierarchical(m),
    swapEvents: k.memcgs.swapEventsHierarchical(m),
    tasks,
  };
}

/** Every cgroup, online ones and zombies, in id order. */
export function memcgSummaries(k: Kernel): MemcgSummary[] {
  return [...k.memcgs.byId.values()].sort((a, b) => a.id - b.id).map((m) => memcgSummary(k, m));
}

/** free(1)'s Mem line with a dot-free key for buff/cache (counter keys are dotted paths). */
function freeMemCounters(k: Kernel): CounterSet['freeMem'] {
  const m = freeMem(k);
  return {
    total: m.total,
    used: m.used,
    free: m.free,
    shared: m.shared,
    buffCache: m['buff/cache'],
    available: m.available,
  };
}

export function counterSet(k: Kernel): CounterSet {
  const mthp: Record<string, Record<string, number>> = {};
  for (const row of mthpStats(k)) mthp[row.size] = row.stats;
  return {
    swaps: procSwaps(k),
    free: freeSwap(k),
    freeMem: freeMemCounters(k),
    meminfo: { ...meminfo(k) },
    vmstat: { ...k.vmstat.events },
    mthp,
    zswap: zswapDebugfs(k),
  };
}

/** Counters flattened to dotted keys (`vmstat.pswpout`, `swaps./dev/vda2.Used`) for deltas. */
export function flatCounters(c: CounterSet): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of c.swaps) {
    out[`swaps.${r.Filename}.Size`] = r.Size;
    out[`swaps.${r.Filename}.Used`] = r.Used;
    out[`swaps.${r.Filename}.Priority`] = r.Priority;
  }
  for (const [key, v] of Object.entries(c.free)) out[`free.swap.${key}`] = v;
  for (const [key, v] of Object.entries(c.freeMem)) out[`free.mem.${key}`] = v;
  for (const [key, v] of Object.entries(c.meminfo)) out[`meminfo.${key}`] = v;
  for (const [key, v] of Object.entries(c.vmstat)) out[`vmstat.${key}`] = v;
  for (const [size, stats] of Object.entries(c.mthp))
    for (const [key, v] of Object.entries(stats)) out[`mthp.${size}.${key}`] = v;
  for (const [key, v] of Object.entries(c.zswap)) out[`zswap.${key}`] = v;
  return out;
}

/** Where a slot's data lives, for colouring. */
export function slotBacking(k: Kernel, si: SwapInfo, offset: number): SlotBacking {
  const meta = si.slotMeta(offset);
  switch (tbKind(meta)) {
    case SlotKind.NULL:
      return 'free';
    case SlotKind.BAD:
      // Slot 0 holds the swap header; setup_swap_map() marks it SWAP_MAP_BAD so it is never handed out.
      return offset === 0 ? 'header' : 'bad';
    case SlotKind.POINTER:
      return 'pointer';
    case SlotKind.PFN: {
      const head = k.folios.head[si.slotVal(offset)]!;
      return head >= 0 && k.folios.test(head, PG_dirty) ? 'cached-dirty' : 'cached';
    }
    case SlotKind.SHADOW:
      if (tbZero(meta)) return 'zero';
      return k.zswap.entries.has(si.type * 2 ** 32 + offset) ? 'zswap' : 'disk';
  }
}

/** What the zram device under a swap area holds for a slot (slot inspector, cluster map), or null off zram. */
export function zramSlot(k: Kernel, si: SwapInfo, offset: number): ZramSlot | null {
  const z = k.zramOf(si);
  if (!z) return null;
  const f = z.flags(offset);
  const state: ZramSlotState = !(f & ZRAM_STORED)
    ? 'empty'
    : f & ZRAM_WB
      ? 'written-back'
      : f & ZRAM_SAME
        ? 'same'
        : f & ZRAM_HUGE
          ? 'huge'
          : 'compressed';
  return { state, size: z.objectSize(offset), idle: (f & ZRAM_IDLE) !== 0 };
}

export function clusterListName(ci: SwapClusterInfo | undefined): ClusterListName {
  return ci ? CLUSTER_LIST_NAMES[ci.flags] : 'free';
}

export function clusterSummary(ci: SwapClusterInfo): ClusterSummary {
  return { cluster: ci.idx, list: clusterListName(ci), order: ci.order, count: ci.count, hasTable: ci.table !== null };
}

const MAP_LISTS: ClusterListName[] = ['free', 'nonfull', 'frag', 'full', 'discard', 'none', 'dead'];

/**
 * The cluster map of a device aggregated to `bins` bins over [from, to):
 * per bin the dominant list (by clusters), the fill (used slots / slots)
 * and the most common order. Untouched clusters count as free without
 * being visited, so the cost is O(touched clusters + bins).
 */
export function clusterMap(
  k: Kernel,
  si: SwapInfo,
  seq: number,
  bins: number,
  from = 0,
  to = si.nrClusters,
): ClusterMap {
  const n = Math.max(1, to - from);
  const nb = Math.max(1, Math.min(bins, n));
  const per = n / nb;
  const listCounts = MAP_LISTS.map(() => new Float64Array(nb));
  const used = new Float64Array(nb);
  const orderVotes = new Map<number, Map<number, number>>();
  const touched = new Float64Array(nb);
  const shmem = new Float64Array(nb);
  const slots = k.geom.clusterSlots;
  for (const off of shmemSlotOwners(k, si.type, from * slots, to * slots).keys())
    shmem[Math.min(nb - 1, Math.floor((Math.floor(off / slots) - from) / per))]! += 1;
  for (const ci of si.clusters()) {
    if (ci.idx < from || ci.idx >= to) continue;
    const b = Math.min(nb - 1, Math.floor((ci.idx - from) / per));
    const li = MAP_LISTS.indexOf(clusterListName(ci));
    listCounts[li]![b]! += 1;
    touched[b]! += 1;
    used[b]! += ci.count;
    if (ci.count > 0) {
      let votes = orderVotes.get(b);
      if (!votes) orderVotes.set(b, (votes = new Map()));
      votes.set(ci.order, (votes.get(ci.order) ?? 0) + 1);
    }
  }
  const list: number[] = [];
  const fill: number[] = [];
  const order: number[] = [];
  const shmemShare: number[] = [];
  for (let b = 0; b < nb; b++) {
    const start = from + Math.floor(b * per);
    const end = b === nb - 1 ? to : from + Math.floor((b + 1) * per);
    const clustersInBin = Math.max(1, end - start);
    // untouched clusters are free
    listCounts[0]![b]! += clustersInBin - touched[b]!;
    let best = 0;
    for (let li = 1; li < MAP_LISTS.length; li++) if (listCounts[li]![b]! > listCounts[best]![b]!) best = li;
    // a bin with any used cluster is shown by its dominant non-free list
    if (best === 0 && touched[b]! > 0) {
      let alt = -1;
      for (let li = 1; li < MAP_LISTS.length; li++)
        if (listCounts[li]![b]! > 0 && (alt < 0 || listCounts[li]![b]! > listCounts[alt]![b]!)) alt = li;
      if (alt >= 0) best = alt;
    }
    list.push(best);
    fill.push(used[b]! / (clustersInBin * k.geom.clusterSlots));
    shmemShare.push(shmem[b]! / (clustersInBin * k.geom.clusterSlots));
    const votes = orderVotes.get(b);
    let o = -1;
    let ov = 0;
    if (votes) for (const [ord, v] of votes) if (v > ov) [o, ov] = [ord, v];
    order.push(o);
  }
  return { type: si.type, seq, from, to, clustersPerBin: per, list, lists: MAP_LISTS, fill, order, shmem: shmemShare };
}

/** The device a path names, or throws with EINVAL-style text. */
export function deviceByPath(k: Kernel, path: string): SwapInfo | undefined {
  return k.swap.byPath(path);
}
