/**
 * The usage summary the overhead model needs (designs/overhead.ts), read off
 * the simulated machine, two ways:
 *  - `overheadInput` walks the slots of every cluster with a table
 *    (O(touched clusters)): what views and `expect overhead` read, for the
 *    kernel's design or any other;
 *  - `overheadInputFromCounters` reads the per-device counts the swap code
 *    keeps (swap_meta_counters.ts), O(devices): what the metadata held in
 *    RAM follows after every operation (swap_meta_ram.ts).
 * invariants.ts checks that both give the same summary.
 *
 * Virtual layers: the vswap device is the vswap-ste device (role 'vswap');
 * under vswap v3 it is not a device at all but one swp_desc per live virtual
 * entry. POINTER slots on physical devices are the rmap. Dynamic devices
 * count only the clusters that exist (freed ones are gone).
 */
import { SWAP_MAP_MAX } from './designs/legacy_swap_map';
import type { DeviceUsage, OverheadInput } from './designs/overhead';
import { designDescriptor, type DesignProfile } from './designs/profiles';
import type { Kernel } from './kernel';
import type { SwapInfo } from './swapfile';
import { SlotKind, tbKind } from './swap_table';
import { SLOTS_PER_MAP_PAGE, XA_GROUP_SLOTS } from './swap_meta_counters';

/** The role a device plays in `design`'s formulas (a state from another design is read as closely as it maps). */
function roleOf(k: Kernel, si: SwapInfo, design: DesignProfile): DeviceUsage['role'] {
  if (si.kind === 'ghost' && design === 'ghost') return 'ghost';
  if (si === k.swap.vswap && design === 'vswap-ste') return 'vswap';
  if (si === k.swap.vswap && design === 'ghost') return 'ghost';
  return 'physical';
}

/** What the slots of one device add up to, besides the counts every device keeps. */
type SlotFigures = Pick<
  DeviceUsage,
  | 'clustersAllocated'
  | 'clustersWithTable'
  | 'clustersWithExtendTable'
  | 'cachedSlots'
  | 'shadowSlots'
  | 'swapCacheGroups64'
  | 'overflowSlots'
  | 'continuationPages'
  | 'rmapSlots'
>;

/** The slot walk: every cluster with a table, every slot of it. */
function scanDevice(si: SwapInfo): SlotFigures {
  const out: SlotFigures = {
    clustersAllocated: 0,
    clustersWithTable: 0,
    clustersWithExtendTable: 0,
    cachedSlots: 0,
    shadowSlots: 0,
    swapCacheGroups64: 0,
    overflowSlots: 0,
    continuationPages: 0,
    rmapSlots: 0,
  };
  const contPages = new Set<number>();
  const clusters = si.clusters();
  out.clustersAllocated = clusters.length;
  for (const ci of clusters) {
    if (!ci.table) continue;
    out.clustersWithTable++;
    if (ci.extendTable) out.clustersWithExtendTable++;
    const base = si.clusterOffset(ci);
    const meta = ci.table.meta;
    for (let g = 0; g < meta.length; g += XA_GROUP_SLOTS) {
      let any = false;
      for (let i = g; i < g + XA_GROUP_SLOTS && i < meta.length; i++) {
        const kind = tbKind(meta[i]!);
        if (kind === SlotKind.POINTER) out.rmapSlots++;
        if (kind === SlotKind.PFN) out.cachedSlots++;
        else if (kind === SlotKind.SHADOW) out.shadowSlots++;
        else continue;
        any = true;
        if (si.slotCount(base + i) > SWAP_MAP_MAX) {
          out.overflowSlots++;
          contPages.add(Math.floor((base + i) / SLOTS_PER_MAP_PAGE));
        }
      }
      if (any) out.swapCacheGroups64++;
    }
  }
  out.continuationPages = contPages.size;
  return out;
}

/** The same figures from the counts the swap code keeps (cached and shadow slots are not kept apart). */
function countedDevice(si: SwapInfo): SlotFigures {
  const c = si.meta;
  return {
    clustersAllocated: c.materialised,
    clustersWithTable: c.tables,
    clustersWithExtendTable: c.extendTables,
    cachedSlots: 0,
    shadowSlots: 0,
    swapCacheGroups64: c.cacheGroups,
    overflowSlots: c.overflowSlots,
    continuationPages: c.contPages,
    rmapSlots: c.pointers,
  };
}

function buildInput(k: Kernel, design: DesignProfile, figures: (si: SwapInfo) => SlotFigures): OverheadInput {
  const caps = designDescriptor(design).capabilities;
  const devices: DeviceUsage[] = [];
  const zswapByType = k.zswap.entriesByType;
  let vswapDescriptors = 0;
  for (const si of k.swap.devices) {
    if (si === k.swap.vswap && design === 'vswap') {
      // vswap v3: no virtual device, a 24-byte swp_desc per live virtual entry
      vswapDescriptors = si.inusePages;
      continue;
    }
    // a design without dynamic clusters has nothing like the vswap device: its formulas see the physical devices only
    if (si === k.swap.vswap && !caps.hasDynamicClusters) continue;
    const f = figures(si);
    const role = roleOf(k, si, design);
    const usage: DeviceUsage = {
      name: si.path,
      role,
      maxSlots: si.max,
      clusterSlots: k.geom.clusterSlots,
      clusters: si.nrClusters,
      clustersAllocated: role !== 'physical' ? f.clustersAllocated : si.nrClusters,
      clustersWithTable: f.clustersWithTable,
      clustersWithExtendTable: f.clustersWithExtendTable,
      usedSlots: si.inusePages,
      cachedSlots: f.cachedSlots,
      shadowSlots: f.shadowSlots,
      swapCacheGroups64: f.swapCacheGroups64,
      overflowSlots: f.overflowSlots,
      continuationPages: f.continuationPages,
      // a design without a reverse map reads the rmap slots as ordinary used slots
      rmapSlots: caps.hasReverseMap ? f.rmapSlots : 0,
    };
    if (caps.zswapHeldByVirtualLayer) usage.zswapEntries = zswapByType.get(si.type) ?? 0;
    devices.push(usage);
  }
  return {
    profile: design,
    pageSize: k.geom.pageSize,
    devices,
    zswap: { entries: k.zswap.entries.size, compressedBytes: k.zswap.poolBytes },
    vswapDescriptors,
  };
}

/** The usage summary from a walk of the slots (views, `expect overhead`, the invariant check). */
export function overheadInput(k: Kernel, design: DesignProfile): OverheadInput {
  return buildInput(k, design, scanDevice);
}

/** The usage summary from the kept counts, O(devices) (the metadata held in RAM). */
export function overheadInputFromCounters(k: Kernel, design: DesignProfile): OverheadInput {
  return buildInput(k, design, countedDevice);
}
