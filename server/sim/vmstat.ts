/**
 * Global event counters: /proc/vmstat (include/linux/vm_event_item.h) and the
 * per-size mTHP stats under /sys/kernel/mm/transparent_hugepage/hugepages-<N>kB/stats/
 * (docs/kernel-model.md §10.4).
 */
import type { Journal } from './journal';

/** The events the simulator counts, in the kernel's vm_event_item order (/proc/vmstat order). */
export const VMSTAT_EVENTS = [
  'pgpgin',
  'pgpgout',
  'pswpin',
  'pswpout',
  'pgactivate',
  'pgdeactivate',
  'pglazyfree',
  'pgfault',
  'pgmajfault',
  'pglazyfreed',
  'pgscan_anon',
  'pgscan_file',
  'pgsteal_anon',
  'pgsteal_file',
  'oom_kill',
  'thp_swpout',
  'thp_swpout_fallback',
  'swap_ra',
  'swap_ra_hit',
  'swpin_zero',
  'swpout_zero',
  'ksm_swpin_copy',
  'zswpin',
  'zswpout',
  'zswpwb',
] as const;
export type VmstatEvent = (typeof VMSTAT_EVENTS)[number];

/** The per-size mTHP stats the simulator counts, in the kernel's enum mthp_stat_item order (include/linux/huge_mm.h). */
export const MTHP_STATS = [
  'anon_fault_alloc',
  'anon_fault_fallback',
  'anon_fault_fallback_charge',
  'zswpout',
  'swpin',
  'swpin_fallback',
  'swpin_fallback_charge',
  'swpout',
  'swpout_fallback',
  'shmem_alloc',
  'shmem_fallback',
  'shmem_fallback_charge',
] as const;
export type MthpStat = (typeof MTHP_STATS)[number];

/** The stats that count a large folio the kernel wanted and did not get (or split): what `swapsim compare` lines up. */
export const MTHP_FALLBACK_STATS: readonly MthpStat[] = MTHP_STATS.filter((s) => s.includes('_fallback'));

export class Vmstat {
  readonly events: Record<VmstatEvent, number>;
  /** mthp[order][stat], orders 1..PMD_ORDER are shown; order 0 is unused. */
  readonly mthp: Record<MthpStat, number>[];

  constructor(
    private readonly j: Journal,
    nrOrders: number,
  ) {
    this.events = Object.fromEntries(VMSTAT_EVENTS.map((k) => [k, 0])) as Record<VmstatEvent, number>;
    this.mthp = [];
    for (let o = 0; o < Math.max(nrOrders, 1); o++) {
      this.mthp.push(Object.fromEntries(MTHP_STATS.map((k) => [k, 0])) as Record<MthpStat, number>);
    }
  }

  /** count_vm_events() */
  count(ev: VmstatEvent, nr = 1): void {
    if (nr) this.j.set(this.events, ev, this.events[ev] + nr);
  }

  /** count_mthp_stat() */
  mthpCount(order: number, stat: MthpStat, nr = 1): void {
    const row = this.mthp[order];
    if (row && nr) this.j.set(row, stat, row[stat] + nr);
  }
}
