/**
 * What the kernel prints: /proc/swaps, /proc/meminfo swap lines, free(1)'s
 * Swap line, /proc/vmstat, the mTHP stats and zswap's debugfs
 * (docs/kernel-model.md §10). Each has a structured form and the text form.
 */
import type { Kernel } from './kernel';
import { memcgResident } from './memcontrol';
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
  return k.swap.devices
    .filter((si) => !(si.flags & SWP_VSWAP))
    .map((si) => ({
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

/**
 * The zone watermarks, in pages, of a machine with one zone:
 * calculate_min_free_kbytes() (min_free_kbytes = √(16 × lowmem kB),
 * clamped to 128..262144), __setup_per_zone_wmarks() (low and high each
 * add max(min/4, managed × watermark_scale_factor / 10000), the factor
 * being 10 by default) and calculate_totalreserve_pages() (the high
 * watermark; one zone has no lowmem_reserve) in mm/page_alloc.c. The
 * simulator reports them (MemAvailable); reclaim does not run on them.
 */
export interface Watermarks {
  minFreeKbytes: number;
  min: number;
  low: number;
  high: number;
  totalreserve: number;
}

export function watermarks(k: Kernel): Watermarks {
  const kib = k.geom.pageSize / 1024;
  const lowmemKbytes = k.geom.ramPages * kib;
  const minFreeKbytes = Math.min(262144, Math.max(128, Math.floor(Math.sqrt(lowmemKbytes * 16))));
  const min = Math.floor(minFreeKbytes / kib);
  const step = Math.max(min >> 2, Math.floor((k.geom.ramPages * 10) / 10000));
  const low = min + step;
  const high = low + step;
  return { minFreeKbytes, min, low, high, totalreserve: Math.min(high, k.geom.ramPages) };
}

/** Pages of kernel memory by where meminfo counts them. */
export function kernelMemoryPages(k: Kernel): { slabReclaimable: number; slabUnreclaimable: number; vmalloc: number } {
  const byKind = k.kmem.pagesByKind();
  return {
    slabReclaimable: byKind['slab-reclaimable'],
    slabUnreclaimable: byKind.slab + byKind['kmalloc-large'],
    vmalloc: byKind.vmalloc,
  };
}

/**
 * si_mem_available() (mm/show_mem.c): free pages above the reserve, plus
 * the file LRU pages and the reclaimable slab, each less what reclaim
 * could not take without going below the low watermark.
 */
export function memAvailablePages(k: Kernel, filePages: number, reclaimablePages: number): number {
  const wm = watermarks(k);
  let available = k.pages.nrFree - wm.totalreserve;
  available += filePages - Math.min(Math.floor(filePages / 2), wm.low);
  available += reclaimablePages - Math.min(Math.floor(reclaimablePages / 2), wm.low);
  return Math.max(0, available);
}

/** /proc/meminfo lines the simulator models, in meminfo_proc_show() order (kB). */
export interface Meminfo {
  MemTotal: number;
  MemFree: number;
  MemAvailable: number;
  Buffers: number;
  Cached: number;
  SwapCached: number;
  Active: number;
  Inactive: number;
  'Active(anon)': number;
  'Inactive(anon)': number;
  'Active(file)': number;
  'Inactive(file)': number;
  SwapTotal: number;
  SwapFree: number;
  Zswap: number;
  Zswapped: number;
  Dirty: number;
  Writeback: number;
  AnonPages: number;
  Mapped: number;
  Shmem: number;
  KReclaimable: number;
  Slab: number;
  SReclaimable: number;
  SUnreclaim: number;
  VmallocUsed: number;
  AnonHugePages: number;
  ShmemHugePages: number;
}

/**
 * /proc/meminfo (kB) as meminfo_proc_show() computes it: Cached is the
 * file pages less the swap cache (NR_FILE_PAGES − NR_SWAPCACHE − Buffers),
 * Slab is both slab counters, VmallocUsed the vmalloc areas.
 */
export function meminfo(k: Kernel): Meminfo {
  const kib = k.geom.pageSize / 1024;
  const { free, total } = k.swap.swapinfo();
  const res = memcgResident(k, k.memcgs.root);
  const km = kernelMemoryPages(k);
  const fileActive = res.activeFile;
  const fileInactive = res.inactiveFile;
  const pc = k.pagecache.stat;
  return {
    MemTotal: k.geom.ramPages * kib,
    MemFree: k.pages.nrFree * kib,
    MemAvailable: memAvailablePages(k, fileActive + fileInactive, km.slabReclaimable) * kib,
    // no block device buffers are modelled
    Buffers: 0,
    // NR_FILE_PAGES less the swap cache and buffers: the page cache, shmem included
    Cached: pc.file * kib,
    SwapCached: k.stat.nrSwapcache * kib,
    Active: (res.active + fileActive) * kib,
    Inactive: (res.inactive + fileInactive) * kib,
    'Active(anon)': res.active * kib,
    'Inactive(anon)': res.inactive * kib,
    'Active(file)': fileActive * kib,
    'Inactive(file)': fileInactive * kib,
    SwapTotal: total * kib,
    SwapFree: free * kib,
    // zswap_total_pages(): whole pool pages, not the compressed bytes
    Zswap: k.zswap.poolPages * kib,
    Zswapped: k.zswap.storedPages * kib,
    Dirty: pc.dirty * kib,
    // writeback completes at once
    Writeback: 0,
    AnonPages: res.anon * kib,
    Mapped: pc.mapped * kib,
    Shmem: pc.shmem * kib,
    KReclaimable: km.slabReclaimable * kib,
    Slab: (km.slabReclaimable + km.slabUnreclaimable) * kib,
    SReclaimable: km.slabReclaimable * kib,
    SUnreclaim: km.slabUnreclaimable * kib,
    VmallocUsed: km.vmalloc * kib,
    AnonHugePages: res.anonThp * kib,
    ShmemHugePages: pc.shmemThp * kib,
  };
}

/** free(1)'s Swap line in KiB: used = total - free, clamped at 0. */
export function freeSwap(k: Kernel): { total: number; used: number; free: number } {
  const m = meminfo(k);
  return { total: m.SwapTotal, used: Math.max(0, m.SwapTotal - m.SwapFree), free: m.SwapFree };
}

/**
 * free(1)'s Mem line in KiB, as procps-ng 4 computes it from /proc/meminfo
 * (library/meminfo.c): used = MemTotal − MemAvailable, shared = Shmem,
 * buff/cache = Buffers + Cached + SReclaimable.
 */
export interface FreeMem {
  total: number;
  used: number;
  free: number;
  shared: number;
  'buff/cache': number;
  available: number;
}

/** The /proc/meminfo lines free(1)'s Mem line is computed from. */
export type FreeMemInput = Readonly<
  Record<'MemTotal' | 'MemFree' | 'MemAvailable' | 'Buffers' | 'Cached' | 'SReclaimable' | 'Shmem', number>
>;

/** free(1)'s Mem line from meminfo values: the simulator's and a real kernel's (swapsim verify) alike. */
export function freeMemFrom(m: FreeMemInput): FreeMem {
  return {
    total: m.MemTotal,
    used: Math.max(0, m.MemTotal - m.MemAvailable),
    free: m.MemFree,
    shared: m.Shmem,
    'buff/cache': m.Buffers + m.Cached + m.SReclaimable,
    available: m.MemAvailable,
  };
}

export function freeMem(k: Kernel): FreeMem {
  return freeMemFrom(meminfo(k));
}

/** `free -k` / `free -m` text as procps-ng 4 prints it (MiB truncate). */
export function freeText(k: Kernel, unit: 'k' | 'm' = 'k'): string {
  const div = unit === 'm' ? 1024 : 1;
  const f = (n: number, first = false): string => (first ? '' : ' ') + String(Math.floor(n / div)).padStart(11);
  const mem = freeMem(k);
  const s = freeSwap(k);
  const header = '               total        used        free      shared  buff/cache   available';
  const memLine =
    'Mem:'.padEnd(9) +
    f(mem.total, true) +
    f(mem.used) +
    f(mem.free) +
    f(mem.shared) +
    f(mem['buff/cache']) +
    f(mem.available);
  const swapLine = 'Swap:'.padEnd(9) + f(s.total, true) + f(s.used) + f(s.free);
  return `${header}\n${memLine}\n${swapLine}\n`;
}

/** hugepages-<N>kB directory names for orders 1..PMD_ORDER. */
/** The size of an order's folios in KiB, as the mTHP folders name it. */
export function mthpSizeKb(k: Kernel, order: number): number {
  return (k.geom.pageSize / 1024) << order;
}

export function mthpSizeName(k: Kernel, order: number): string {
  return `hugepages-${mthpSizeKb(k, order)}kB`;
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
  const files: Record<string, number> = {
    ...k.zswap.stats,
    // debugfs_get_total_size(): zswap_total_pages() * PAGE_SIZE
    pool_total_size: k.zswap.poolPages * k.geom.pageSize,
    stored_pages: k.zswap.storedPages,
  };
  // releases before raw storage of incompressible pages have no such file
  if (!k.kv.zswapIncompCounters) delete files.stored_incompressible_pages;
  return files;
}
