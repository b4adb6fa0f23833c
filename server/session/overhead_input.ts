/**
 * The usage summary the overhead model needs (server/sim/designs/overhead.ts),
 * read off the simulated machine. O(touched clusters).
 */
import type { DesignName } from '../../shared/protocol';
import { SWAP_MAP_MAX } from '../sim/designs/legacy_swap_map';
import type { DeviceUsage, OverheadInput } from '../sim/designs/overhead';
import type { Kernel } from '../sim/kernel';
import { SlotKind, tbKind } from '../sim/swap_table';

/** Slots covered by one legacy swap_map page (a continuation page extends one swap_map page). */
const SLOTS_PER_MAP_PAGE = 4096;

export function overheadInput(k: Kernel, design: DesignName): OverheadInput {
  const devices: DeviceUsage[] = [];
  for (const si of k.swap.devices) {
    let withTable = 0;
    let withExtend = 0;
    let cached = 0;
    let shadows = 0;
    let groups64 = 0;
    let overflow = 0;
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
    devices.push({
      name: si.path,
      role: si.kind === 'ghost' ? 'ghost' : 'physical',
      maxSlots: si.max,
      clusterSlots: k.geom.clusterSlots,
      clusters: si.nrClusters,
      clustersAllocated: si.kind === 'ghost' ? clusters.length : si.nrClusters,
      clustersWithTable: withTable,
      clustersWithExtendTable: withExtend,
      usedSlots: si.inusePages,
      cachedSlots: cached,
      shadowSlots: shadows,
      swapCacheGroups64: groups64,
      overflowSlots: overflow,
      continuationPages: contPages.size,
      rmapSlots: 0,
    });
  }
  let compressed = 0;
  for (const e of k.zswap.entries.values()) compressed += e.length;
  return {
    profile: design,
    pageSize: k.geom.pageSize,
    devices,
    zswap: { entries: k.zswap.entries.size, compressedBytes: compressed },
    vswapDescriptors: 0,
  };
}
