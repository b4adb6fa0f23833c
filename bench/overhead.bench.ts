// Cost of one overhead computation for a busy machine: 32 devices of mixed
// size and occupancy, on the baseline profile and on the most line-heavy one.
import { computeOverhead, compareOverhead, type DeviceUsage, type OverheadInput } from '../server/sim/designs/overhead';
import type { DesignProfile } from '../server/sim/designs/profiles';
import { report, time } from './harness';

function devices(count: number): DeviceUsage[] {
  const out: DeviceUsage[] = [];
  for (let i = 0; i < count; i++) {
    const maxSlots = 2 ** (20 + (i % 9)); // 4 GiB .. 1 TiB
    const clusters = Math.ceil(maxSlots / 512);
    const withTable = Math.max(1, Math.floor((clusters * ((i % 4) + 1)) / 4));
    const used = Math.min(maxSlots, withTable * 300);
    out.push({
      name: `/dev/swap${i}`,
      role: 'physical',
      maxSlots,
      clusterSlots: 512,
      clusters,
      clustersAllocated: clusters,
      clustersWithTable: withTable,
      clustersWithExtendTable: i % 3,
      usedSlots: used,
      cachedSlots: used >> 4,
      shadowSlots: used >> 1,
      swapCacheGroups64: Math.ceil(used / 64),
      overflowSlots: i % 3,
      continuationPages: i % 3,
      rmapSlots: 0,
    });
  }
  return out;
}

const inputFor = (profile: DesignProfile, devs: DeviceUsage[]): OverheadInput => ({
  profile,
  pageSize: 4096,
  devices: devs,
  zswap: { entries: 100_000, compressedBytes: 150_000_000 },
  vswapDescriptors: 0,
});

const devs = devices(32);
const ITER = 20_000;
report('overhead.compute.p4.32dev', time(() => computeOverhead(inputFor('p4', devs)), ITER) / 1000, 'us/op');
report('overhead.compute.legacy.32dev', time(() => computeOverhead(inputFor('legacy', devs)), ITER) / 1000, 'us/op');
const all: OverheadInput[] = (['legacy', 'p1', 'p3', 'p4', 'ghost'] as const).map((p) => inputFor(p, devs));
report('overhead.compare.5profiles.32dev', time(() => compareOverhead(all), ITER / 10) / 1000, 'us/op');
