/**
 * The usage summary the overhead model needs (server/sim/designs/overhead.ts),
 * read off the simulated machine. O(touched clusters).
 *
 * Virtual layers: the vswap device is the vswap-ste device (role 'vswap');
 * under vswap v3 it is not a device at all but one swp_desc per live virtual
 * entry. POINTER slots on physical devices are the rmap. Dynamic devices
 * count only the clusters that exist (freed ones are gone).
 */
import type { DesignName } from '../../shared/protocol';
import { SWAP_MAP_MAX } from '../sim/designs/legacy_swap_map';
import type { DeviceUsage, OverheadInput } from '../sim/designs/overhead';
import { designDescriptor } from '../sim/designs/profiles';
import type { Kernel } from '../sim/kernel';
import type { SwapInfo } from '../sim/swapfile';
import { swpType } from '../sim/swap_entry';
import { SlotKind, tbKind } from '../sim/swap_table';

/** Slots covered by one legacy swap_map page (a continuation page extends one swap_map page). */
const SLOTS_PER_MAP_PAGE = 4096;

/** The role a device plays in `design`'s formulas (a state from another design is read as closely as it maps). */
function roleOf(k: Kernel, si: SwapInfo, design: DesignName): DeviceUsage['role'] {
  if (si.kind === 'ghost' && design === 'ghost') return 'ghost';
  if (si === k.swap.vswap && design === 'vswap-ste') return 'vswap';
  if (si === k.swap.vswap && design === 'ghost') return 'ghost';
  return 'physical';
}

export function overheadInput(k: Kernel, design: DesignName): OverheadInput {
  const caps = designDescriptor(design).capabilities;
  const devices: DeviceUsage[] = [];
  const zswapByType = new Map<number, number>();
  for (const entry of k.zswap.entries.keys()) zswapByType.set(swpType(entry), (zswapByType.get(swpType(entry)) ?? 0) + 1);
  let vswapDescriptors = 0;
  for (const si of k.swap.devices) {
    if (si === k.swap.vswap && design === 'vswap') {
      // vswap v3: no virtual device, a 24-byte swp_desc per live virtual entry
      vswapDescriptors = si.inusePages;
      continue;
    }
    // a design without dynamic clusters has nothing like the vswap device: its formulas see the physical devices only
    if (si === k.swap.vswap && !caps.hasDynamicClusters) continue;
    let withTable = 0;
    let withExtend = 0;
    let cached = 0;
    let shadows = 0;
    let groups64 = 0;
    let overflow = 0;
    let rmap = 0;
    const contPages = new Set<number>();
    const clusters = si.clusters();
    for (const ci of clusters) {
      if (!ci.table) continue;
      withTable++;
      if (ci.extendTable) withExtend++;
      const base = si.clusterOffset(ci);
      const meta = ci.table.meta;
      for (let g = 0; g < meta.length; g += 64) {
        let any = false;
        for (let i = g; i < g + 64 && i < meta.length; i++) {
          const kind = tbKind(meta[i]!);
          if (kind === SlotKind.POINTER) rmap++;
          if (kind === SlotKind.PFN) cached++;
          else if (kind === SlotKind.SHADOW) shadows++;
          else continue;
          any = true;
          if (si.slotCount(base + i) > SWAP_MAP_MAX) {
            overflow++;
            contPages.add(Math.floor((base + i) / SLOTS_PER_MAP_PAGE));
          }
        }
        if (any) groups64++;
      }
    }
    const role = roleOf(k, si, design);
    const usage: DeviceUsage = {
      name: si.path,
      role,
      maxSlots: si.max,
      clusterSlots: k.geom.clusterSlots,
      clusters: si.nrClusters,
      clustersAllocated: role !== 'physical' ? clusters.length : si.nrClusters,
      clustersWithTable: withTable,
      clustersWithExtendTable: withExtend,
      usedSlots: si.inusePages,
      cachedSlots: cached,
      shadowSlots: shadows,
      swapCacheGroups64: groups64,
      overflowSlots: overflow,
      continuationPages: contPages.size,
      // a design without a reverse map reads the rmap slots as ordinary used slots
      rmapSlots: caps.hasReverseMap ? rmap : 0,
    };
    if (caps.zswapHeldByVirtualLayer) usage.zswapEntries = zswapByType.get(si.type) ?? 0;
    devices.push(usage);
  }
  let compressed = 0;
  for (const e of k.zswap.entries.values()) compressed += e.length;
  return {
    profile: design,
    pageSize: k.geom.pageSize,
    devices,
    zswap: { entries: k.zswap.entries.size, compressedBytes: compressed },
    vswapDescriptors,
  };
}
