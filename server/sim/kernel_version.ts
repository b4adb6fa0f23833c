/**
 * Kernel versions: every behaviour of the simulator that depends on the
 * mainline release lives in this one table, and the rest of the simulator
 * asks it (`k.kv.…`) instead of comparing version numbers. A version is
 * orthogonal to the design profile: the design is where swap metadata lives
 * (swap_map, swap table phases, RFCs); the version is what mainline code
 * does with a page (allocation policy, defaults, which counters exist).
 *
 * Each row names the change that set it, found in the kernel's history;
 * docs/kernels.md has the table with the fixture that shows each one.
 * Debian's build options are part of a version here, because the verify
 * fixtures were recorded on Debian kernels; `config` keys override them.
 */
import type { DesignProfile } from './designs/profiles';

import { KERNEL_VERSIONS, type KernelVersion } from '../../shared/protocol';

export { KERNEL_VERSIONS, type KernelVersion };
export const DEFAULT_KERNEL_VERSION: KernelVersion = '7.2';

export function isKernelVersion(v: string): v is KernelVersion {
  return (KERNEL_VERSIONS as readonly string[]).includes(v);
}

/** Build options that change what the swap code does (the Debian kernel's values by default). */
export interface KernelBuildConfig {
  /** CONFIG_DEVICE_PRIVATE: device-private entries take swap types, so MAX_SWAPFILES shrinks. */
  readonly devicePrivate: boolean;
}

export interface KernelBehaviour {
  readonly version: KernelVersion;
  /** The swap metadata design mainline had in this release: the default `design` under it. */
  readonly design: DesignProfile;
  /**
   * Priority of a swapon without -p. `descending`: -2, -3, … from
   * least_priority, and a swapoff of such a device moves the later ones up
   * (6.12 setup_swap_info(), _enable_swap_info(), swapoff). `minus-one`:
   * every such device gets -1 and they round-robin like any equal priorities.
   */
  readonly defaultSwapPriority: 'descending' | 'minus-one';
  /** zswap_store() of a page that does not compress below PAGE_SIZE: refuse it, or keep it raw. */
  readonly zswapIncompressible: 'reject' | 'store-raw';
  /** zswap_store() takes large (mTHP, PMD) folios page by page; without it they go to the device whole. */
  readonly zswapLargeFolios: boolean;
  /** memory.stat has pswpin/pswpout. */
  readonly memcgStatPswp: boolean;
  /** memory.stat has zswap_incomp and debugfs has stored_incompressible_pages. */
  readonly zswapIncompCounters: boolean;
  /** The keys memory.stat prints, in its order (memory_stat_format(): memory_stats[], then memcg_vm_event_stat[]). */
  readonly memcgStatKeys: readonly string[];
  /** SWP_DEVICE_NUM with CONFIG_DEVICE_PRIVATE: device-private read/write plus the device-exclusive types. */
  readonly deviceSwapTypes: number;
  /** The Debian kernel's build options for this release. */
  readonly debian: KernelBuildConfig;
  /** What the guest workload's own process charges (`config task_memory=kernel`). */
  readonly taskImage: TaskImage;
}

/**
 * The pages a task's own process charges to its cgroup, apart from the
 * mappings a scenario gives it: what swapsim verify's workload program (a
 * small static binary, exec'd in its cgroup) charges as it starts. Its
 * stack, the written pages of .data and .bss and its heap are anonymous
 * folios (do_anonymous_page(), and the copy-on-write faults of its private
 * file mapping), its page tables come from pagetable_alloc() with
 * GFP_PGTABLE_USER (__GFP_ACCOUNT), and its mm, VMAs and files are
 * SLAB_ACCOUNT slab objects (mm/memcontrol.c __memcg_kmem_charge_page(),
 * obj_cgroup_charge()). Measured in the guests of both Debian builds
 * (memory.stat of the task's cgroup while it lives, and memory.current
 * before and after it maps a region); the scenarios of the verify suite
 * agree with it (docs/kernels.md, "The task's own process").
 */
export interface TaskImage {
  /** Pages charged while the task lives (anon + page tables + slab, as memory.stat sums them). */
  readonly pages: number;
  /** Of the pages charged as it starts, how many are freed again before it runs (uncharged straight from the page counter). */
  readonly freedAtStart: number;
}

/** One behaviour that differs between releases: what it is, its value under a release, and where it changed. */
export interface KernelDifference {
  readonly behaviour: string;
  readonly show: (kv: KernelBehaviour) => string;
  /** The mainline series (and release) that made newer kernels differ from 6.12. */
  readonly source: string;
}

/** Every modelled difference; docs/kernels.md has the same table with the fixture that shows each one. */
export const KERNEL_DIFFERENCES: readonly KernelDifference[] = [
  {
    behaviour: 'swap metadata design (default `design`)',
    show: (kv) => kv.design,
    source: 'swap table phases I-IV (Kairui Song), 6.18 to 7.2; docs/designs.md',
  },
  {
    behaviour: 'priority of a swapon without -p',
    show: (kv) => (kv.defaultSwapPriority === 'descending' ? '-2, -3, … (one lower each)' : '-1 for all, round robin'),
    source: 'Baoquan He, "mm/swapfile.c: select swap devices of default priority round robin" (v5, 2025-10)',
  },
  {
    behaviour: 'zswap and a page that does not compress below PAGE_SIZE',
    show: (kv) =>
      kv.zswapIncompressible === 'reject'
        ? 'rejected (reject_compress_poor), written to the device'
        : 'stored as is (stored_incompressible_pages)',
    source: 'SeongJae Park, "mm/zswap: store <PAGE_SIZE compression failed page as-is" (2025-08)',
  },
  {
    behaviour: 'zswap and large (mTHP, PMD) folios',
    show: (kv) => (kv.zswapLargeFolios ? 'stored page by page' : 'not stored: the folio goes to the device whole'),
    source: 'Kanchana P Sridhar, "mm: zswap swap-out of large folios" (v10, 2024-10), 6.13',
  },
  {
    behaviour: '`pswpin`/`pswpout` in memory.stat',
    show: (kv) => (kv.memcgStatPswp ? 'present' : 'absent'),
    source: 'Jingxiang Zeng, "mm/memcontrol: add per-memcg pgpgin/pswpin counter" (2025)',
  },
  {
    behaviour: '`zswap_incomp` in memory.stat, debugfs `stored_incompressible_pages`',
    show: (kv) => (kv.zswapIncompCounters ? 'present' : 'absent'),
    source: 'SeongJae Park, "mm/zswap: store <PAGE_SIZE compression failed page as-is" (2025-08)',
  },
  {
    behaviour: 'memory.stat keys',
    show: (kv) =>
      `${kv.memcgStatKeys.length} keys${kv.memcgStatKeys.includes('pgscan_proactive') ? ', with pgscan/pgsteal/pgdemote_proactive' : ''}`,
    source:
      'memory_stat_format() of the Debian 6.12.118 and 7.2.13 builds, read in a guest; the series that added each key is not confirmed',
  },
  {
    behaviour: 'swap types taken by device entries (MAX_SWAPFILES with CONFIG_DEVICE_PRIVATE)',
    show: (kv) =>
      `${kv.deviceSwapTypes} (max_swapfiles ${maxSwapfiles(kv, true)}; ${maxSwapfiles(kv, false)} without; Debian ${kv.debian.devicePrivate ? 'has' : 'lacks'} it)`,
    source: 'David Hildenbrand, "mm: use single SWP_DEVICE_EXCLUSIVE entry type" (2025-02)',
  },
];

/*
 * memory.stat as the Debian builds print it (read from a guest of each with
 * `swapsim verify --keep`, guest.out). 7.2 has zswap_incomp (stored as is),
 * pswpin/pswpout per memcg, the *_proactive split of proactive reclaim from
 * direct reclaim, and prints pgsteal_* before pgscan_*.
 */
const MEMCG_STAT_HEAD = [
  'anon',
  'file',
  'kernel',
  'kernel_stack',
  'pagetables',
  'sec_pagetables',
  'percpu',
  'sock',
  'vmalloc',
  'shmem',
  'zswap',
  'zswapped',
];
const MEMCG_STAT_MIDDLE = [
  'file_mapped',
  'file_dirty',
  'file_writeback',
  'swapcached',
  'anon_thp',
  'file_thp',
  'shmem_thp',
  'inactive_anon',
  'active_anon',
  'inactive_file',
  'active_file',
  'unevictable',
  'slab_reclaimable',
  'slab_unreclaimable',
  'slab',
  'workingset_refault_anon',
  'workingset_refault_file',
  'workingset_activate_anon',
  'workingset_activate_file',
  'workingset_restore_anon',
  'workingset_restore_file',
  'workingset_nodereclaim',
];
const MEMCG_STAT_TAIL = [
  'swpin_zero',
  'swpout_zero',
  'zswpin',
  'zswpout',
  'zswpwb',
  'thp_fault_alloc',
  'thp_collapse_alloc',
  'thp_swpout',
  'thp_swpout_fallback',
  'numa_pages_migrated',
  'numa_pte_updates',
  'numa_hint_faults',
];
const MEMCG_STAT_6_12: readonly string[] = [
  ...MEMCG_STAT_HEAD,
  ...MEMCG_STAT_MIDDLE,
  'pgdemote_kswapd',
  'pgdemote_direct',
  'pgdemote_khugepaged',
  'pgpromote_success',
  'pgscan',
  'pgsteal',
  'pgscan_kswapd',
  'pgscan_direct',
  'pgscan_khugepaged',
  'pgsteal_kswapd',
  'pgsteal_direct',
  'pgsteal_khugepaged',
  'pgfault',
  'pgmajfault',
  'pgrefill',
  'pgactivate',
  'pgdeactivate',
  'pglazyfree',
  'pglazyfreed',
  ...MEMCG_STAT_TAIL,
];
const MEMCG_STAT_7_2: readonly string[] = [
  ...MEMCG_STAT_HEAD,
  'zswap_incomp',
  ...MEMCG_STAT_MIDDLE,
  'pgdemote_kswapd',
  'pgdemote_direct',
  'pgdemote_khugepaged',
  'pgdemote_proactive',
  'pgsteal_kswapd',
  'pgsteal_direct',
  'pgsteal_khugepaged',
  'pgsteal_proactive',
  'pgscan_kswapd',
  'pgscan_direct',
  'pgscan_khugepaged',
  'pgscan_proactive',
  'pgrefill',
  'pgpromote_success',
  'pgscan',
  'pgsteal',
  'pswpin',
  'pswpout',
  'pgfault',
  'pgmajfault',
  'pgactivate',
  'pgdeactivate',
  'pglazyfree',
  'pglazyfreed',
  ...MEMCG_STAT_TAIL,
];

const DEBIAN_CONFIG: Readonly<Record<KernelVersion, KernelBuildConfig>> = {
  // from the config files of Debian's 6.12.118+deb12 and 7.2.13+deb14 amd64 packages
  '6.12': { devicePrivate: false },
  '7.2': { devicePrivate: true },
  '7.3': { devicePrivate: true },
};

const V7_2: KernelBehaviour = {
  version: '7.2',
  design: 'p4',
  defaultSwapPriority: 'minus-one',
  zswapIncompressible: 'store-raw',
  zswapLargeFolios: true,
  memcgStatPswp: true,
  zswapIncompCounters: true,
  memcgStatKeys: MEMCG_STAT_7_2,
  deviceSwapTypes: 3,
  debian: DEBIAN_CONFIG['7.2'],
  // 21 anon pages, 15 of page tables, the rest slab (memory.stat of the task's cgroup)
  taskImage: { pages: 40, freedAtStart: 0 },
};

export const KERNEL_BEHAVIOUR: Readonly<Record<KernelVersion, KernelBehaviour>> = {
  '6.12': {
    version: '6.12',
    design: 'legacy',
    defaultSwapPriority: 'descending',
    zswapIncompressible: 'reject',
    zswapLargeFolios: false,
    memcgStatPswp: false,
    zswapIncompCounters: false,
    memcgStatKeys: MEMCG_STAT_6_12,
    deviceSwapTypes: 4,
    debian: DEBIAN_CONFIG['6.12'],
    // as 7.2, but memory.current lands 4 pages lower: 4 of the pages charged while it starts are freed straight back
    taskImage: { pages: 40, freedAtStart: 4 },
  },
  '7.2': V7_2,
  // no 7.3 change to the modelled behaviour is known yet (no 7.3 fixtures are recorded)
  '7.3': { ...V7_2, version: '7.3', debian: DEBIAN_CONFIG['7.3'] },
};

export function kernelBehaviour(v: KernelVersion): KernelBehaviour {
  return KERNEL_BEHAVIOUR[v];
}

/**
 * MAX_SWAPFILES: 2^5 swap types minus those taken by special entries
 * (include/linux/swap.h): device-private (with CONFIG_DEVICE_PRIVATE),
 * migration (3), hwpoison (1) and PTE markers (1).
 */
export function maxSwapfiles(kv: KernelBehaviour, devicePrivate: boolean): number {
  return 32 - (devicePrivate ? kv.deviceSwapTypes : 0) - 3 - 1 - 1;
}
