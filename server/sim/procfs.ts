/**
 * What the kernel prints: /proc/swaps, /proc/meminfo swap lines, free(1)'s
 * Swap line, /proc/vmstat, the mTHP stats and zswap's debugfs
 * (docs/kernel-model.md §10). Each has a structured form and the text form.
 */
import type { Kernel } from './kernel';
import { SWP_VSWAP } from './swapfile';
import { MTHP_STATS } from './vmstat';

export interface ProcSwapsRow {
  Filename: string;
  Type: string;
  /** KiB */
  Size: number;
  /** KiB, cache-only slots included */
  Used: number;
  Priority: number;
}

/** swap_show(): one row per active device in type order; the vswap device is not listed (§8.1 objection 9). */
export function procSwaps(k: Kernel): ProcSwapsRow[] {
  const kib = k.geom.pageSize / 1024;
  return k.swap.devices.filter((si) => !(si.flags & SWP_VSWAP)).map((si) => ({
    Filename: si.path,
    Type: si.typeName,
    Size: si.pages * kib,
    Used: si.inusePages * kib,
    Priority: si.prio,
  }));
}

export function procSwapsText(k: Kernel): string {
  const rows = procSwaps(k);
  // swap_show() pads Filename to 40 columns and the numbers with tabs
  const lines = ['Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority'];
  for (const r of rows) {
    const name = r.Filename.length < 40 ? r.Filename.padEnd(40) : r.Filename;
    lines.push(`${name}${r.Type.padEnd(8)}\t${String(r.Size).padEnd(8)}\t${String(r.Used).padEnd(8)}\t${r.Priority}`);
  }
  return lines.join('\n') + '\n';
}

export interface Meminfo {
  MemTotal: number;
  MemFree: number;
  SwapCached: number;
  SwapTotal: number;
  SwapFree: number;
  Zswap: number;
  Zswapped: number;
}

/** /proc/meminfo (kB): the lines the swap subsystem drives. */
export function meminfo(k: Kernel): Meminfo {
  const kib = k.geom.pageSize / 1024;
  const { free, total } = k.swap.swapinfo();
  return {
    MemTotal: k.geom.ramPages * kib,
    MemFree: k.pages.nrFree * kib,
    SwapCached: k.stat.nrSwapcache * kib,
    SwapTotal: total * kib,
    SwapFree: free * kib,
    // zswap_total_pages(): whole pool pages, not the compressed bytes
    Zswap: k.zswap.poolPages * kib,
    Zswapped: k.zswap.storedPages * kib,
  };
}

/** free(1)'s Swap line in KiB: used = total - free, clamped at 0. */
export function freeSwap(k: Kernel): { total: number; used: number; free: number } {
  const m = meminfo(k);
  return { total: m.SwapTotal, used: Math.max(0, m.SwapTotal - m.SwapFree), free: m.SwapFree };
}

export function freeText(k: Kernel, unit: 'k' | 'm' = 'k'): string {
  const div = unit === 'm' ? 1024 : 1;
  const s = freeSwap(k);
  const f = (n: number): string => String(Math.floor(n / div)).padStart(12);
  return `${''.padEnd(6)}${'total'.padStart(12)}${'used'.padStart(12)}${'free'.padStart(12)}\nSwap: ${f(s.total)}${f(s.used)}${f(s.free)}\n`;
}

/** hugepages-<N>kB directory names for orders 1..PMD_ORDER. */
export function mthpSizeName(k: Kernel, order: number): string {
  return `hugepages-${(k.geom.pageSize / 1024) << order}kB`;
}

export function mthpStats(k: Kernel): { size: string; order: number; stats: Record<string, number> }[] {
  const out: { size: string; order: number; stats: Record<string, number> }[] = [];
  for (let o = 1; o < k.geom.nrOrders; o++) {
    const row = k.vmstat.mthp[o]!;
    out.push({ size: mthpSizeName(k, o), order: o, stats: Object.fromEntries(MTHP_STATS.map((s) => [s, row[s]])) });
  }
  return out;
}

/** /sys/kernel/debug/zswap/<name> */
export function zswapDebugfs(k: Kernel): Record<string, number> {
  return {
    ...k.zswap.stats,
    // debugfs_get_total_size(): zswap_total_pages() * PAGE_SIZE
    pool_total_size: k.zswap.poolPages * k.geom.pageSize,
    stored_pages: k.zswap.storedPages,
  };
}
