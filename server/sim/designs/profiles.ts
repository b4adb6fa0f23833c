/**
 * Design profiles: the kernel eras and posted designs whose swap metadata
 * swapsim can lay out side by side (docs/kernel-model.md §0.1, §2.5, §7.7, §8, §9).
 *
 * A profile changes only *where* per-slot metadata lives and what it costs;
 * user-visible behaviour stays the same except where a flag below says so.
 * Everything here is data: the simulator and the overhead model read it.
 */

export const DESIGN_PROFILES = ['legacy', 'p1', 'p3', 'p4', 'ghost', 'vswap', 'vswap-ste'] as const;
export type DesignProfile = (typeof DESIGN_PROFILES)[number];

export function isDesignProfile(value: string): value is DesignProfile {
  return (DESIGN_PROFILES as readonly string[]).includes(value);
}

/** One source a profile rests on: a key of docs/kernel-model.md §0.2 plus what to look up. */
export interface DesignSource {
  key: string;
  /** lore Message-ID, when the source is a mail (as given in §0.2; some are truncated there). */
  messageId?: string;
  /** File path (and snapshot) when the source is code, or a URL for an article. */
  location?: string;
  note: string;
}

export type CountLocation = 'swap_map' | 'swap_table' | 'swp_desc';
export type MemcgIdLocation = 'swap_cgroup' | 'table_shadow' | 'memcg_table' | 'swp_desc';
export type ZeroLocation = 'zeromap' | 'table_flag' | 'backend';
export type SwapCacheLocation = 'xarray_per_64mib' | 'swap_table' | 'swp_desc';

/** How a slot that exists only in a virtual layer is charged to a memcg (§7, §8.1 point 5). */
export type VirtualChargeRule =
  /** No virtual layer: every slot is a device slot and is charged at allocation. */
  | 'no-virtual-slots'
  /** Ghost RFC: a ghost slot is an ordinary swap slot, charged at allocation like any other. */
  | 'charged-as-device-slot'
  /** vswap v3: the charge record sits in swp_desc, so each virtual entry carries the charge (inferred). */
  | 'charged-per-virtual-entry'
  /** vswap STE RFC v1: only the physical backing is charged; virtual-only entries are free of charge. */
  | 'physical-backing-only';

/** Whom a swapin is charged to when the cgroup that swapped the page out is dead (§7.4, §7.7, §11 item 23). */
export type ReparentRule = 'faulting-task-memcg' | 'dead-memcg-parent';

export interface DesignCapabilities {
  /** The profile knows a ghost swap device (`/dev/ghostswap`, SWP_GHOST). */
  supportsGhostDevice: boolean;
  /** PTEs hold entries of a virtual layer that points at a backend. */
  hasVirtualLayer: boolean;
  /** Zero-filled pages are a backend of their own and take no device slot. */
  zeroIsBackend: boolean;
  /** `si->swap_map` (1 B/slot) exists. */
  hasSwapMap: boolean;
  /** SWAP_HAS_CACHE (0x40) is set in swap_map for cached slots. */
  hasSwapHasCacheBit: boolean;
  /** The global per-device swap_cgroup array (2 B/slot) exists. */
  hasSwapCgroupArray: boolean;
  /** The global per-device zeromap bitmap (1 bit/slot) exists. */
  hasZeromap: boolean;
  /** Per-cluster swap tables hold the swap cache (folio/PFN or shadow). */
  hasSwapTable: boolean;
  /** The swap count lives in the table's top bits. */
  countInTable: boolean;
  /** Count overflow goes to a per-cluster extend_table (P3+). */
  hasExtendTable: boolean;
  /** Count overflow goes to swap_map continuation pages (pre-P3). */
  hasContinuationPages: boolean;
  /** A per-cluster memcg_table (1 KiB per 512 slots) holds the charge owner. */
  hasMemcgTable: boolean;
  /** Table entries are PFNs (P3+) rather than folio pointers (P1/P2). */
  tableHoldsPfn: boolean;
  /** Some device's clusters are allocated on demand from an XArray. */
  hasDynamicClusters: boolean;
  /** Physical slots can hold a reverse-map entry pointing up to the virtual layer. */
  hasReverseMap: boolean;
  /**
   * zswap entries of virtual slots are found through the virtual layer (ghost virtual_table,
   * swp_desc, vswap vtable) instead of zswap's own XArray tree (one per 64 MiB of swap).
   */
  zswapHeldByVirtualLayer: boolean;
  /** Swapin may skip the swap cache on SWP_SYNCHRONOUS_IO devices (removed by P2). */
  swapinMayBypassCache: boolean;
}

export interface DesignDescriptor {
  profile: DesignProfile;
  title: string;
  /** Kernel release or posted series the profile models. */
  version: string;
  merged: boolean;
  status: string;
  sources: DesignSource[];
  countLocation: CountLocation;
  countNote: string;
  memcgIdLocation: MemcgIdLocation;
  memcgNote: string;
  zeroLocation: ZeroLocation;
  zeroNote: string;
  swapCacheLocation: SwapCacheLocation;
  swapCacheNote: string;
  /** Devices (or the virtual space) can grow and shrink their cluster set at run time. */
  dynamicDevices: boolean;
  /** zero / zswap / disk is decided at writeout, not at slot allocation. */
  backendChosenAtWriteout: boolean;
  virtualChargeRule: VirtualChargeRule;
  chargeNote: string;
  reparentOnSwapin: ReparentRule;
  reparentNote: string;
  /** sizeof(struct swap_cluster_info) of a statically allocated cluster, 64-bit (§2.2, §9). */
  clusterInfoBytes: number;
  /** Size of a dynamically allocated cluster (ci_dyn) on a ghost or vswap device; null if none. */
  dynClusterInfoBytes: number | null;
  capabilities: DesignCapabilities;
}

const SRC = {
  OLDSWAP: {
    key: 'OLDSWAP',
    location: 'include/linux/swap.h (historical; swap_map constants)',
    note: 'swap_map byte layout, SWAP_MAP_* constants',
  },
  SCG: { key: 'SCG', location: 'mm/swap_cgroup.c (before P4)', note: 'swap_cgroup array: two 16-bit ids per atomic_t' },
  SIO: {
    key: 'SIO',
    location: 'linux-mm/linux-mm mm/swap_io.c @02aee935 (pre-P4)',
    note: 'zeromap bitmap set and tested at swapout/swapin',
  },
  SF: {
    key: 'SF',
    location: 'linux-mm/linux-mm mm/swapfile.c @000bd100acdb',
    note: 'allocator, cluster lifetime, table allocation',
  },
  ST_P1: {
    key: 'ST-P1',
    location: 'torvalds/linux mm/swap_table.h @cb9f145f',
    note: 'P1/P2 entry format: NULL, folio pointer, shadow',
  },
  ST_P3: {
    key: 'ST-P3',
    location: 'openSUSE/kernel mm/swap_table.h @b197d41462c2',
    note: 'P3 entry format: count bits over PFN or shadow',
  },
  ST_P4: {
    key: 'ST-P4',
    location: 'linux-mm/linux-mm mm/swap_table.h @0822e81d',
    note: 'P4 entry format with the zero flag, memcg_table; vswap-STE Pointer kind',
  },
  LWN_P1: {
    key: 'LWN-1056405',
    location: 'https://lwn.net/Articles/1056405/',
    note: 'swap table overview (2026-02-02)',
  },
  LWN_P2: {
    key: 'LWN-1057102',
    location: 'https://lwn.net/Articles/1057102/',
    note: 'phase II: swapin always through the swap cache',
  },
  LWN_LSF: {
    key: 'LWN-1072657',
    location: 'https://lwn.net/Articles/1072657/',
    note: 'LSFMM+BPF 2026 swap session; per-slot targets',
  },
  P3_V3: {
    key: 'P3-v3',
    messageId: '20260218-swap-table-p3-v3-0-f4e34be021a7@tencent.com',
    note: 'swap table phase III v3 (Kairui Song)',
  },
  GIT_P3: { key: 'GIT-P3', note: 'torvalds/linux master post-receive mail, 2026-04-15 (mm-stable-2026-04-13 pull)' },
  P4_V2: { key: 'P4-v2', note: 'swap table phase IV v2, 2026-04-17: ghost patches dropped, standalone memcg_table' },
  P4_V4: { key: 'P4-v4', note: 'swap table phase IV v4, 2026-05-15: 48 B cluster_info per 512 slots' },
  P4_V5: { key: 'P4-v5', note: 'swap table phase IV v5, 2026-05-17 (12 patches)' },
  GIT_P4: {
    key: 'GIT-P4',
    note: 'mm-stable 2026-06-03 post-receive plus a tip/master rev-list with mm-stable-2026-06-18',
  },
  P4_RFC: {
    key: 'P4-RFC',
    messageId: '20260220-swap-table-p4-v1-0-104795d19815@tencent.com',
    note: 'RFC 00/15: P4 plus ghost swapfile (patches 13-15)',
  },
  SEED: {
    key: 'SEED',
    messageId: 'CAKEwX=OaDKQwanaYm=Mt+mWAKjaqXPdiScF6NB=TZYx1B-Xo8w@mail.gmail.com',
    note: "Nhat Pham's reply, 2026-02-23: per-slot claims and objections",
  },
  KS_REPLY: {
    key: 'KS-REPLY',
    messageId: 'CAMgjq7D6n0H2=di0SrMQbJ48cVeKhGeQMH_mY0y-au4OJbE2GQ@mail.gmail.com',
    note: "Kairui Song's answer, 2026-02-24: memcg_table would make 10 B/slot",
  },
  JW_REPLY: {
    key: 'JW-REPLY',
    location: 'lkml.iu.edu/hypermail/linux/kernel/2602.2/08585.html',
    note: 'Johannes Weiner on duplicated metadata and free(1)',
  },
  JW_06: {
    key: 'JW-06',
    location: 'lkml.iu.edu/hypermail/linux/kernel/2602.2/08484.html',
    note: 'review of RFC 06/15 (reparent on swapin)',
  },
  BS_GHOST: { key: 'BS-GHOST', note: "Barry Song's objection to /dev/ghostswap (same thread)" },
  VSWAP_V3: {
    key: 'VSWAP-v3',
    messageId: '20260208215839.87595-1-nphamcs@gmail.com',
    note: 'Virtual Swap Space v3 (20 patches); 32 GB overhead table in the cover',
  },
  LWN_VSWAP: {
    key: 'LWN-1059201',
    location: 'https://lwn.net/Articles/1059201/',
    note: 'virtual swap article (2026-02-19)',
  },
  VSTE_V1: {
    key: 'VSTE-v1',
    messageId: '20260528212955.1912856-1-… (truncated in our notes)',
    note: 'vswap Swap Table Edition RFC v1, 2026-05-28',
  },
  VSTE_V2: {
    key: 'VSTE-v2',
    messageId: '20260612193738.2183968-1-… (truncated in our notes)',
    note: 'vswap Swap Table Edition RFC v2, 2026-06-12',
  },
  LMM_VSWAP: {
    key: 'LMM-vswap',
    location: 'linux-mm/linux-mm mm/vswap.h @0822e81d',
    note: 'virtual_table tag encoding',
  },
} satisfies Record<string, DesignSource>;

const NO_CAPS: DesignCapabilities = {
  supportsGhostDevice: false,
  hasVirtualLayer: false,
  zeroIsBackend: false,
  hasSwapMap: false,
  hasSwapHasCacheBit: false,
  hasSwapCgroupArray: false,
  hasZeromap: false,
  hasSwapTable: false,
  countInTable: false,
  hasExtendTable: false,
  hasContinuationPages: false,
  hasMemcgTable: false,
  tableHoldsPfn: false,
  hasDynamicClusters: false,
  hasReverseMap: false,
  zswapHeldByVirtualLayer: false,
  swapinMayBypassCache: false,
};

const MAINLINE_REPARENT_NOTE =
  "If the recorded memcg is offline, the swapped-in folio is charged to the faulting mm's memcg; the swap charge stays with the zombie until the slot is freed.";

/** What the merged designs share: real devices, the backend picked at allocation, no virtual slots, mainline reparenting. */
const MAINLINE_RULES = {
  dynamicDevices: false,
  backendChosenAtWriteout: false,
  virtualChargeRule: 'no-virtual-slots',
  reparentOnSwapin: 'faulting-task-memcg',
  reparentNote: MAINLINE_REPARENT_NOTE,
} as const;

/** Phases I–III keep the memcg id and the zero flag where legacy did. */
const SWAP_CGROUP_AND_ZEROMAP = {
  memcgIdLocation: 'swap_cgroup',
  memcgNote: 'Global swap_cgroup array, 2 B per slot.',
  zeroLocation: 'zeromap',
  zeroNote: 'si->zeromap bitmap.',
} as const;

const DESCRIPTORS: Record<DesignProfile, DesignDescriptor> = {
  legacy: {
    profile: 'legacy',
    title: 'Legacy swap_map (≤ 6.17)',
    version: 'Linux ≤ 6.17',
    merged: true,
    status: 'Mainline up to 6.17 (before swap table phase I).',
    sources: [SRC.OLDSWAP, SRC.SCG, SRC.SIO, SRC.SF],
    countLocation: 'swap_map',
    countNote:
      'Low 6 bits of the swap_map byte (up to SWAP_MAP_MAX 0x3e); larger counts carry into continuation pages.',
    memcgIdLocation: 'swap_cgroup',
    memcgNote: 'Global per-device swap_cgroup array, 2 B per slot, allocated at swapon.',
    zeroLocation: 'zeromap',
    zeroNote: 'si->zeromap: 1 bit per slot, allocated at swapon.',
    swapCacheLocation: 'xarray_per_64mib',
    swapCacheNote:
      'One address_space XArray per 64 MiB (2^14 slots) holds folios and, after writeback, workingset shadows.',
    ...MAINLINE_RULES,
    chargeNote: 'Slots are charged at allocation (folio_alloc_swap) and uncharged when freed.',
    clusterInfoBytes: 24,
    dynClusterInfoBytes: null,
    capabilities: {
      ...NO_CAPS,
      hasSwapMap: true,
      hasSwapHasCacheBit: true,
      hasSwapCgroupArray: true,
      hasZeromap: true,
      hasContinuationPages: true,
      swapinMayBypassCache: true,
    },
  },
  p1: {
    profile: 'p1',
    title: 'Swap table phases I/II (6.18, 7.0)',
    version: 'Linux 6.18 (P1) and 7.0 (P2); the profile follows 7.0',
    merged: true,
    status: 'P1 merged for 6.18, P2 merged for 7.0 (released 2026-04-12).',
    sources: [SRC.ST_P1, SRC.LWN_P1, SRC.LWN_P2, SRC.OLDSWAP, SRC.SCG],
    countLocation: 'swap_map',
    countNote:
      'Still the swap_map byte; P2 stopped using SWAP_HAS_CACHE because cache presence is read from the table.',
    ...SWAP_CGROUP_AND_ZEROMAP,
    swapCacheLocation: 'swap_table',
    swapCacheNote:
      'Per-cluster table of folio pointers and shadows (512 × 8 B), allocated while the cluster is in use.',
    ...MAINLINE_RULES,
    chargeNote: 'Unchanged from legacy.',
    clusterInfoBytes: 32,
    dynClusterInfoBytes: null,
    capabilities: {
      ...NO_CAPS,
      hasSwapMap: true,
      hasSwapCgroupArray: true,
      hasZeromap: true,
      hasSwapTable: true,
      hasContinuationPages: true,
    },
  },
  p3: {
    profile: 'p3',
    title: 'Swap table phase III (7.1)',
    version: 'Linux 7.1',
    merged: true,
    status: 'Pulled into torvalds/master 2026-04-15 (mm-stable-2026-04-13), so 7.1.',
    sources: [SRC.P3_V3, SRC.GIT_P3, SRC.ST_P3, SRC.SF, SRC.LWN_LSF],
    countLocation: 'swap_table',
    countNote:
      '4-bit count in bits 60–63 of the table entry; the top value sends readers to the per-cluster extend_table.',
    ...SWAP_CGROUP_AND_ZEROMAP,
    swapCacheLocation: 'swap_table',
    swapCacheNote: 'Table entries hold a PFN (cached) or a shadow (not cached).',
    ...MAINLINE_RULES,
    chargeNote: 'Unchanged from legacy.',
    clusterInfoBytes: 40,
    dynClusterInfoBytes: null,
    capabilities: {
      ...NO_CAPS,
      hasSwapCgroupArray: true,
      hasZeromap: true,
      hasSwapTable: true,
      countInTable: true,
      hasExtendTable: true,
      tableHoldsPfn: true,
    },
  },
  p4: {
    profile: 'p4',
    title: 'Swap table phase IV (7.2, baseline)',
    version: 'Linux 7.2 (P4 final, v5)',
    merged: true,
    status: 'v5 in mm-stable 2026-06-03, pulled via mm-stable-2026-06-18: very likely 7.2, confirmed only indirectly.',
    sources: [SRC.P4_V2, SRC.P4_V4, SRC.P4_V5, SRC.GIT_P4, SRC.ST_P4, SRC.SF],
    countLocation: 'swap_table',
    countNote: '4-bit count in bits 60–63; overflow in extend_table.',
    memcgIdLocation: 'memcg_table',
    memcgNote: "Per-cluster memcg_table (512 × u16 = 1 KiB), allocated and freed with the cluster's table.",
    zeroLocation: 'table_flag',
    zeroNote: 'SWP_TB_ZERO_FLAG, bit 59 on x86-64; a per-cluster 512-bit zero_bitmap on arches without a spare bit.',
    swapCacheLocation: 'swap_table',
    swapCacheNote: 'Table entries hold a PFN (cached) or a shadow (not cached).',
    ...MAINLINE_RULES,
    chargeNote: 'Unchanged semantics ("zero change to cgroup or refault tracking"); the id is recorded in memcg_table.',
    clusterInfoBytes: 48,
    dynClusterInfoBytes: null,
    capabilities: {
      ...NO_CAPS,
      hasSwapTable: true,
      countInTable: true,
      hasExtendTable: true,
      hasMemcgTable: true,
      tableHoldsPfn: true,
    },
  },
  ghost: {
    profile: 'ghost',
    title: 'Ghost swapfile (P4 RFC v1 patches 13–15)',
    version: 'RFC 00/15, 2026-02-20',
    merged: false,
    status: 'RFC, not merged. P4 v2 (2026-04-17) dropped the ghost patches and the in-table memcg id.',
    sources: [SRC.P4_RFC, SRC.SEED, SRC.KS_REPLY, SRC.JW_REPLY, SRC.JW_06, SRC.BS_GHOST],
    countLocation: 'swap_table',
    countNote: 'Table count bits, on the ghost device for zswap-held pages and on the physical device otherwise.',
    memcgIdLocation: 'table_shadow',
    memcgNote:
      "RFC: the memcg id is written into the table's shadow value when the folio leaves the swap cache (deferred recording); no memcg_table.",
    zeroLocation: 'table_flag',
    zeroNote: 'Z flag in the table of whichever device holds the slot.',
    swapCacheLocation: 'swap_table',
    swapCacheNote: 'Table entries hold a PFN or a shadow, on ghost and physical devices alike.',
    dynamicDevices: true,
    backendChosenAtWriteout: false,
    virtualChargeRule: 'charged-as-device-slot',
    chargeNote:
      'A ghost slot is an ordinary swap slot and is charged at allocation; Kairui suggested per-layer charging later.',
    reparentOnSwapin: 'dead-memcg-parent',
    reparentNote: "RFC 06/15: a swapin whose swapout cgroup is dead is charged to that cgroup's parent (not merged).",
    // P4 RFC cluster_info had no memcg_table pointer: the P3 layout (our field-size sum).
    clusterInfoBytes: 40,
    // ci_dyn: cluster_info + virtual_table pointer + rcu_head for kfree_rcu (our field-size sum).
    dynClusterInfoBytes: 64,
    capabilities: {
      ...NO_CAPS,
      supportsGhostDevice: true,
      hasSwapTable: true,
      countInTable: true,
      hasExtendTable: true,
      tableHoldsPfn: true,
      hasDynamicClusters: true,
      hasReverseMap: true,
      // Seed claim: zswap can keep its entry pointer in ci_dyn->virtual_table (16 B/slot).
      zswapHeldByVirtualLayer: true,
    },
  },
  vswap: {
    profile: 'vswap',
    title: 'Virtual swap space v3 (swp_desc)',
    version: 'Series v3, 2026-02-08 (v6 posted 2026-05-05)',
    merged: false,
    status: 'Posted series, not merged.',
    sources: [SRC.VSWAP_V3, SRC.LWN_VSWAP, SRC.SEED],
    countLocation: 'swp_desc',
    countNote: 'swap_count (unsigned int) in the 24-byte descriptor of each virtual entry.',
    memcgIdLocation: 'swp_desc',
    memcgNote: 'memcgid (16 bits) in the descriptor; the swap_cgroup array is gone.',
    zeroLocation: 'backend',
    zeroNote: 'VSWAP_ZERO is a backend type: no physical slot at all.',
    swapCacheLocation: 'swp_desc',
    swapCacheNote: 'Descriptor union of folio pointer and shadow, with an in_swapcache bit.',
    dynamicDevices: true,
    backendChosenAtWriteout: true,
    virtualChargeRule: 'charged-per-virtual-entry',
    chargeNote:
      'Inferred: the charge record lives in swp_desc, so each virtual entry carries it. The sources do not spell the rule out (UNCONFIRMED; docs/kernel-model.md §8.2).',
    reparentOnSwapin: 'faulting-task-memcg',
    reparentNote:
      'Assumed mainline behaviour (the series does not change swapin charging as far as docs/kernel-model.md §8.2 says).',
    // Physical devices still need the cluster allocator; §9 gives no size, we assume the P1/P2 layout.
    clusterInfoBytes: 32,
    dynClusterInfoBytes: null,
    capabilities: {
      ...NO_CAPS,
      hasVirtualLayer: true,
      zeroIsBackend: true,
      hasDynamicClusters: true,
      hasReverseMap: true,
      zswapHeldByVirtualLayer: true,
    },
  },
  'vswap-ste': {
    profile: 'vswap-ste',
    title: 'vswap Swap Table Edition (RFC v1/v2)',
    version: 'RFC v1 2026-05-28, RFC v2 2026-06-12',
    merged: false,
    status:
      'RFC; a non-RFC v5 (2026-09-18) is known only from a third-party digest. mm/vswap.h appears in one linux-mm snapshot. Mainline status UNCONFIRMED.',
    sources: [SRC.VSTE_V1, SRC.VSTE_V2, SRC.LMM_VSWAP, SRC.ST_P4],
    countLocation: 'swap_table',
    countNote:
      'Table count bits of the single vswap device; backing physical slots hold a Pointer (rmap) entry instead of a count.',
    memcgIdLocation: 'memcg_table',
    memcgNote: 'memcg_table of the vswap cluster; RFC v2 defers memcg_table allocation on physical clusters.',
    zeroLocation: 'table_flag',
    zeroNote: 'Z flag of the vswap table entry; there is no vtable tag for zero.',
    swapCacheLocation: 'swap_table',
    swapCacheNote: "PFN or shadow in the vswap device's table.",
    dynamicDevices: true,
    backendChosenAtWriteout: true,
    virtualChargeRule: 'physical-backing-only',
    chargeNote: 'RFC v1: only the physical backing is charged to the memcg.',
    reparentOnSwapin: 'faulting-task-memcg',
    reparentNote: 'Built on P4 final, which keeps mainline swapin charging.',
    clusterInfoBytes: 48,
    // ci_dyn: P4 cluster_info + virtual_table pointer + rcu_head (our field-size sum).
    dynClusterInfoBytes: 72,
    capabilities: {
      ...NO_CAPS,
      hasVirtualLayer: true,
      hasSwapTable: true,
      countInTable: true,
      hasExtendTable: true,
      hasMemcgTable: true,
      tableHoldsPfn: true,
      hasDynamicClusters: true,
      hasReverseMap: true,
      // RFC v2 folds the zswap XArray into the vswap clusters.
      zswapHeldByVirtualLayer: true,
    },
  },
};

export function designDescriptor(profile: DesignProfile): DesignDescriptor {
  return DESCRIPTORS[profile];
}

export function allDesignDescriptors(): DesignDescriptor[] {
  return DESIGN_PROFILES.map((p) => DESCRIPTORS[p]);
}
