/**
 * The simulator profile a real kernel is compared against: the kernel
 * release's behaviour (server/sim/kernel_version.ts) and the swap metadata
 * design mainline had in that release.
 */
import type { DesignName } from '../../shared/protocol';
import { KERNEL_VERSIONS, type KernelVersion } from '../sim/kernel_version';

export interface SimProfile {
  readonly design: DesignName;
  readonly kernel: KernelVersion;
}

const versionNumber = (series: string): number | null => {
  const m = /^(\d+)\.(\d+)/.exec(series);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : null;
};

/** The swap table phase of a mainline series (docs/designs.md). */
export function designForSeries(series: string): DesignName {
  const v = versionNumber(series);
  if (v === null) return 'p4';
  if (v < 6018) return 'legacy';
  if (v < 7001) return 'p1';
  if (v < 7002) return 'p3';
  return 'p4';
}

/**
 * The kernel profile of a series: the release itself when the simulator has
 * it, else the newest profile not newer than it (the oldest for older
 * series; 7.2 for a bzImage whose release is not a version).
 */
export function kernelForSeries(series: string): KernelVersion {
  const v = versionNumber(series);
  if (v === null) return '7.2';
  let best: KernelVersion = KERNEL_VERSIONS[0];
  for (const k of KERNEL_VERSIONS) if ((versionNumber(k) ?? 0) <= v) best = k;
  return best;
}

export function kernelProfileForSeries(series: string): SimProfile {
  return { design: designForSeries(series), kernel: kernelForSeries(series) };
}
