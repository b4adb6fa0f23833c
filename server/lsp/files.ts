/**
 * The files a scenario can name, as concrete paths for the configured page
 * size (mTHP directories depend on it) and the scenario's cgroups.
 */
import * as catalog from '../lang/catalog';
import type { ScenarioConfig } from '../lang/index';

export type FileUse = 'read' | 'write' | 'observe';

export interface FileCandidate {
  readonly path: string;
  readonly spec: catalog.FileSpec;
}

/** mTHP sizes in kB for a page size: orders 2 up to the PMD order (order 1 is not an anon mTHP size). */
export function mthpSizesKb(config: ScenarioConfig): number[] {
  const sizes: number[] = [];
  for (let order = 2; order <= config.pmdOrder; order++) sizes.push((config.pageSize / 1024) * 2 ** order);
  return sizes;
}

function usable(spec: catalog.FileSpec, use: FileUse): boolean {
  switch (use) {
    case 'write':
      return spec.access !== 'ro';
    case 'read':
      return spec.access !== 'wo';
    case 'observe':
      // An expect needs a value: a single-value file, a keyed file, or /proc/swaps' table.
      return spec.access !== 'wo' && (spec.unit !== null || spec.keys !== undefined || spec.path === '/proc/swaps');
  }
}

const staticCache = new Map<string, FileCandidate[]>();

/** Every file outside /sys/fs/cgroup. */
export function systemFiles(config: ScenarioConfig): readonly FileCandidate[] {
  const cacheKey = `${config.pageSize}/${config.pmdOrder}/${config.swapTiers}`;
  const cached = staticCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const out: FileCandidate[] = [];
  const sizes = mthpSizesKb(config);
  for (const spec of catalog.OTHER_FILES) {
    if (!present(spec, config.swapTiers)) continue;
    if (spec.scope === 'thp-size')
      for (const kb of sizes) out.push({ path: spec.path.replace('<N>', String(kb)), spec });
    else out.push({ path: spec.path, spec });
  }
  for (const c of catalog.ZSWAP_DEBUG_COUNTERS) {
    const path = `/sys/kernel/debug/zswap/${c.name}`;
    out.push({
      path,
      spec: {
        name: c.name,
        scope: 'zswap-debug',
        path,
        access: 'ro',
        unit: c.unit,
        doc: c.doc,
        kernel: 'zswap_debugfs_init() in mm/zswap.c',
      },
    });
  }
  for (const kb of sizes) {
    for (const s of catalog.THP_STATS) {
      const path = `/sys/kernel/mm/transparent_hugepage/hugepages-${kb}kB/stats/${s.name}`;
      out.push({
        path,
        spec: {
          name: s.name,
          scope: 'thp-stat',
          path,
          access: 'ro',
          unit: 'count',
          doc: s.doc,
          kernel: 'mthp_stats in mm/huge_memory.c',
        },
      });
    }
  }
  // zram0's attributes: the module is loaded with one device
  for (const spec of catalog.ZRAM_FILE_SPECS) out.push({ path: spec.path.replace('<N>', '0'), spec });
  staticCache.set(cacheKey, out);
  return out;
}

export function filterFiles(files: readonly FileCandidate[], use: FileUse): FileCandidate[] {
  return files.filter((f) => usable(f.spec, use));
}

/** Files of an opt-in series (swap tiers) are offered only when the scenario enables it. */
function present(spec: catalog.FileSpec, swapTiers: boolean): boolean {
  return spec.requires !== 'swap_tiers' || swapTiers;
}

/** The files of one cgroup (canonical path), written under `prefix` (`/sys/fs/cgroup` or '' for relative paths). */
export function cgroupFiles(cgroup: string, prefix: string, use: FileUse, swapTiers = false): FileCandidate[] {
  const dir = cgroup === '/' ? prefix : prefix === '' ? cgroup.slice(1) : `${prefix}${cgroup}`;
  const start = dir === '' ? '' : `${dir}/`;
  return catalog.CGROUP_FILES.filter(
    (spec) => (cgroup !== '/' || spec.onRoot === true) && usable(spec, use) && present(spec, swapTiers),
  ).map((spec) => ({
    path: `${start}${spec.name}`,
    spec,
  }));
}
