// Usage summaries shared by the design tests.
import type { DeviceUsage, OverheadInput } from '../../server/sim/designs/overhead';
import type { DesignProfile } from '../../server/sim/designs/profiles';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const TIB_SLOTS = 2 ** 28; // 1 TiB / 4 KiB
export const GIB32_SLOTS = 2 ** 23; // 32 GiB / 4 KiB

/** A device with every count at zero except the ones given. */
export function device(over: Partial<DeviceUsage> & { maxSlots: number }): DeviceUsage {
  const clusterSlots = over.clusterSlots ?? 512;
  const clusters = Math.ceil(over.maxSlots / clusterSlots);
  const role = over.role ?? 'physical';
  const base: DeviceUsage = {
    name: '/dev/sdb',
    role,
    maxSlots: over.maxSlots,
    clusterSlots,
    clusters,
    clustersAllocated: role === 'physical' ? clusters : 1,
    clustersWithTable: 1,
    clustersWithExtendTable: 0,
    usedSlots: 0,
    cachedSlots: 0,
    shadowSlots: 0,
    swapCacheGroups64: 0,
    overflowSlots: 0,
    continuationPages: 0,
    rmapSlots: 0,
  };
  return { ...base, ...over };
}

/** A device whose every cluster has a table and every slot is used. */
export function fullDevice(over: Partial<DeviceUsage> & { maxSlots: number }): DeviceUsage {
  const clusters = Math.ceil(over.maxSlots / (over.clusterSlots ?? 512));
  return device({ clustersAllocated: clusters, clustersWithTable: clusters, usedSlots: over.maxSlots, ...over });
}

export function input(
  profile: DesignProfile,
  devices: DeviceUsage[],
  extra: Partial<OverheadInput> = {},
): OverheadInput {
  return { profile, pageSize: 4096, devices, zswap: { entries: 0, compressedBytes: 0 }, vswapDescriptors: 0, ...extra };
}
