/**
 * Metadata overhead per design profile (docs/kernel-model.md §9).
 *
 * `computeOverhead` turns a usage summary produced by the simulator into one
 * line per (device, structure): bytes, whether the structure is sized at
 * swapon (static) or follows usage (dynamic), and the formula with the
 * numbers filled in. Dynamic costs follow *cluster occupancy*, not slot
 * counts, because the kernel allocates tables per touched cluster (§3.5).
 *
 * 64-bit only: pointer-sized table entries are 8 bytes.
 */
import { designDescriptor, type DesignDescriptor, type DesignProfile } from './profiles';
import { formatBytesExact, formatBytesPerSlot, formatCount } from '../../../shared/format';

export interface DeviceUsage {
  /** /proc/swaps Filename. */
  name: string;
  /** ghost = /dev/ghostswap (ghost profile); vswap = the virtual device (vswap-ste). */
  role: 'physical' | 'ghost' | 'vswap';
  /** si->max, header slot included. */
  maxSlots: number;
  /** SWAPFILE_CLUSTER (512 on x86-64). */
  clusterSlots: number;
  /** ceil(maxSlots / clusterSlots). */
  clusters: number;
  /** Dynamic devices: cluster_info objects present (ghost/vswap-ste); = clusters for static devices. */
  clustersAllocated: number;
  /** Clusters whose swap table is allocated (≥1 used or BAD slot). */
  clustersWithTable: number;
  /** Clusters with an extend_table (count overflow). */
  clustersWithExtendTable: number;
  /** inuse_pages, cache-only slots included. */
  usedSlots: number;
  /** Slots with a swap-cache folio. */
  cachedSlots: number;
  /** Slots holding a workingset shadow. */
  shadowSlots: number;
  /** 64-slot aligned groups holding ≥1 cached or shadow entry (legacy XArray leaf nodes). */
  swapCacheGroups64: number;
  /** Slots whose count exceeds the inline maximum. */
  overflowSlots: number;
  /** Legacy: swap_map continuation pages in use. */
  continuationPages: number;
  /** Physical slots holding a reverse-map (POINTER) entry to the virtual layer. */
  rmapSlots: number;
  /**
   * Optional: clusters with a memcg_table. Defaults to clustersWithTable, except
   * on physical devices under vswap-ste where RFC v2 defers the allocation: there
   * it defaults to 0 when every used slot is an rmap slot, else clustersWithTable.
   */
  clustersWithMemcgTable?: number;
  /**
   * Optional: zswap entries keyed by this device's slots. When no device gives it,
   * all entries are attributed to the virtual layer if the profile has one in use,
   * else to the physical devices.
   */
  zswapEntries?: number;
}

export interface OverheadInput {
  profile: DesignProfile;
  /** PAGE_SIZE, 4096 on x86-64. */
  pageSize: number;
  devices: DeviceUsage[];
  zswap: { entries: number; compressedBytes: number };
  /** vswap v3: live swp_desc (virtual entries). */
  vswapDescriptors: number;
  /**
   * Optional: SWAP_TABLE_HAS_ZEROFLAG (true on x86-64, the default). When false,
   * P4-style tables get a per-cluster zero_bitmap.
   */
  tableHasZeroFlag?: boolean;
}

export const STRUCTURES = [
  'swap_map',
  'swap_cgroup',
  'zeromap',
  'vswap_bitmaps',
  'cluster_info',
  'swap_table',
  'memcg_table',
  'extend_table',
  'zero_bitmap',
  'virtual_table',
  'rmap',
  'xarray_nodes',
  'swapcache_xarray',
  'continuation_pages',
  'swp_desc',
  'zswap_entry',
  'zswap_tree',
] as const;
export type Structure = (typeof STRUCTURES)[number];

export type OverheadKind = 'static' | 'dynamic';

export interface OverheadLine {
  /** Device name, or null for structures that are not per device (zswap, swp_desc). */
  device: string | null;
  structure: Structure;
  kind: OverheadKind;
  bytes: number;
  /** Human-readable formula with the numbers substituted. */
  formula: string;
  /** docs/kernel-model.md section and source keys. */
  source: string;
}

export interface OverheadTotals {
  static: number;
  dynamic: number;
  total: number;
  /** Entries visible at the top layer: device slots not backing a virtual entry, plus vswap descriptors. */
  usedEntries: number;
  /** total / usedEntries; null when nothing is in use. */
  perUsedSlot: number | null;
}

export interface OverheadTable {
  profile: DesignProfile;
  lines: OverheadLine[];
  totals: OverheadTotals;
  /** Payload, not metadata: kept apart so it never inflates the metadata totals. */
  data: { zswapCompressedBytes: number };
}

/** Sizes (bytes, 64-bit) used by the formulas. Approximations are marked. */
export const SIZES = {
  /** One swap table entry: atomic_long_t. */
  TABLE_ENTRY: 8,
  /** One memcg_table entry: unsigned short id. */
  MEMCG_ID: 2,
  /** One extend_table entry: unsigned int. */
  EXTEND_ENTRY: 4,
  /** swap_cgroup packs two 16-bit ids in one atomic_t. */
  SWAP_CGROUP_WORD: 4,
  /** Bitmaps are arrays of unsigned long. */
  BITMAP_WORD: 8,
  /** One virtual_table entry (ghost placeholder, vswap-STE vtable). */
  VIRTUAL_ENTRY: 8,
  /** Reverse-map entry (physical -> virtual). */
  RMAP_ENTRY: 8,
  /** vswap v3 descriptor. */
  SWP_DESC: 24,
  /** struct xa_node (radix_tree_node slab object). Approximation (docs/kernel-model.md §9). */
  XA_NODE: 576,
  /** Slots per xa_node (XA_CHUNK_SIZE). */
  XA_CHUNK: 64,
  /** struct zswap_entry. Approximation: a field-size sum (docs/kernel-model.md §5.2). */
  ZSWAP_ENTRY: 48,
  /** One zswap XArray slot per stored page (the flat figure of docs/kernel-model.md §9). */
  ZSWAP_TREE_SLOT: 8,
} as const;

const SOURCES: Record<Structure, string> = {
  swap_map: '§2.5, §9 [OLDSWAP]',
  swap_cgroup: '§7.6, §9 [SCG]',
  zeromap: '§6, §9 [SIO]',
  vswap_bitmaps: '§8.2, §9 [VSWAP-v3]',
  cluster_info: '§2.2, §9 [SH, SF, P4-v4]',
  swap_table: '§3.1, §3.5, §9 [ST-P4, SF]',
  memcg_table: '§7.7, §9 [ST-P4, P4-v5]',
  extend_table: '§3.3, §9 [ST-P4, SF]',
  zero_bitmap: '§6, §9 [ST-P4]',
  virtual_table: '§8.1, §8.3, §9 [P4-RFC, SEED, LMM-vswap]',
  rmap: '§8.1, §8.2, §8.3, §9 [SEED, VSWAP-v3, ST-P4]',
  xarray_nodes: '§3.5, §8.1 [P4-RFC]; xa_node size approx.',
  swapcache_xarray: '§2.5, §9 [OLDSWAP]; xa_node size approx.',
  continuation_pages: '§2.5, §9 [OLDSWAP]',
  swp_desc: '§8.2, §9 [VSWAP-v3]',
  zswap_entry: '§5.2, §9 [ZS]; approx.',
  zswap_tree: '§5.2, §9 [ZS]',
};

const isCount = (value: number): boolean => Number.isInteger(value) && value >= 0;

function checkCount(what: string, value: number): void {
  if (!isCount(value)) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}

/** The usage fields that are counts; checked after every operation (swap_meta_ram.ts), so the loop allocates nothing. */
const DEVICE_COUNTS = [
  'maxSlots',
  'clusterSlots',
  'clusters',
  'clustersAllocated',
  'clustersWithTable',
  'clustersWithExtendTable',
  'usedSlots',
  'cachedSlots',
  'shadowSlots',
  'swapCacheGroups64',
  'overflowSlots',
  'continuationPages',
  'rmapSlots',
  'clustersWithMemcgTable',
  'zswapEntries',
] as const;

function validateDevice(profile: DesignProfile, d: DeviceUsage): void {
  for (const name of DEVICE_COUNTS) {
    const value = d[name];
    // the last two are optional; the message is built only for a bad value
    if (value !== undefined && !isCount(value)) checkCount(`${d.name}: ${name}`, value);
  }
  if (d.clusterSlots === 0) throw new RangeError(`${d.name}: clusterSlots must be positive`);
  if (d.clusters !== Math.ceil(d.maxSlots / d.clusterSlots)) {
    throw new RangeError(`${d.name}: clusters ${d.clusters} != ceil(${d.maxSlots} / ${d.clusterSlots})`);
  }
  if (d.clustersAllocated > d.clusters) throw new RangeError(`${d.name}: clustersAllocated exceeds clusters`);
  if (d.clustersWithTable > d.clustersAllocated)
    throw new RangeError(`${d.name}: clustersWithTable exceeds clustersAllocated`);
  if (d.clustersWithExtendTable > d.clustersWithTable)
    throw new RangeError(`${d.name}: clustersWithExtendTable exceeds clustersWithTable`);
  if ((d.clustersWithMemcgTable ?? 0) > d.clustersWithTable)
    throw new RangeError(`${d.name}: clustersWithMemcgTable exceeds clustersWithTable`);
  if (d.usedSlots > d.maxSlots) throw new RangeError(`${d.name}: usedSlots exceeds maxSlots`);
  if (d.rmapSlots > d.usedSlots) throw new RangeError(`${d.name}: rmapSlots exceeds usedSlots`);
  if (d.role === 'ghost' && profile !== 'ghost')
    throw new RangeError(`${d.name}: a ghost device exists only in the ghost profile, not ${profile}`);
  if (d.role === 'vswap' && profile !== 'vswap-ste')
    throw new RangeError(`${d.name}: a vswap device exists only in the vswap-ste profile, not ${profile}`);
  if (d.role === 'physical' && d.rmapSlots > 0 && !designDescriptor(profile).capabilities.hasReverseMap) {
    throw new RangeError(`${d.name}: profile ${profile} has no reverse-map entries`);
  }
}

/** Bytes of an unsigned-long bitmap with `bits` bits (bitmap_zalloc / BITS_TO_LONGS). */
export function bitmapBytes(bits: number): number {
  return Math.ceil(bits / 64) * SIZES.BITMAP_WORD;
}

/**
 * xa_nodes needed for `entries` values at the dense indices 0..entries-1
 * (xa_alloc hands out the lowest free index). A lone entry at index 0 lives in
 * xa_head and needs no node.
 */
export function denseXarrayNodes(entries: number): number {
  if (entries <= 1) return 0;
  let nodes = 0;
  let span = SIZES.XA_CHUNK;
  for (;;) {
    nodes += Math.ceil(entries / span);
    if (span >= entries) return nodes;
    span *= SIZES.XA_CHUNK;
  }
}

interface Builder {
  lines: OverheadLine[];
  /** `formula` is only called when the table carries formulas. */
  add(device: string | null, structure: Structure, kind: OverheadKind, bytes: number, formula: () => string): void;
}

function builder(withFormulas: boolean): Builder {
  const lines: OverheadLine[] = [];
  return {
    lines,
    add(device, structure, kind, bytes, formula) {
      const text = withFormulas ? `${formula()} = ${formatBytesExact(bytes)}` : '';
      lines.push({ device, structure, kind, bytes, formula: text, source: SOURCES[structure] });
    },
  };
}

const B = (n: number): string => `${formatCount(n)} B`;

function tableBytesPerCluster(d: DeviceUsage): number {
  return SIZES.TABLE_ENTRY * d.clusterSlots;
}

/** Per-cluster table family: swap_table (with the rmap share split out), memcg_table, extend_table, zero_bitmap, virtual_table. */
function clusterTables(
  b: Builder,
  desc: DesignDescriptor,
  input: OverheadInput,
  d: DeviceUsage,
  opts: { memcg: boolean; virtualTable: 'none' | 'ghost' | 'vtable' },
): void {
  const per = tableBytesPerCluster(d);
  const tables = per * d.clustersWithTable;
  // built only for a formula: without formulas (after every operation, swap_meta_ram.ts) no text is made
  const perLabel = (): string => `${B(per)} (${formatCount(d.clusterSlots)} × ${SIZES.TABLE_ENTRY} B)`;
  const splitRmap = desc.capabilities.hasReverseMap && d.role === 'physical';
  if (splitRmap) {
    // The rmap (POINTER) entries live inside this device's tables: show their 8 B/slot share apart.
    const rmap = Math.min(SIZES.RMAP_ENTRY * d.rmapSlots, tables);
    b.add(
      d.name,
      'swap_table',
      'dynamic',
      tables - rmap,
      () => `${perLabel()} × ${formatCount(d.clustersWithTable)} clusters with a table − ${B(rmap)} counted as rmap`,
    );
    b.add(
      d.name,
      'rmap',
      'dynamic',
      rmap,
      () => `${SIZES.RMAP_ENTRY} B × ${formatCount(d.rmapSlots)} POINTER entries inside this device's swap tables`,
    );
  } else {
    b.add(
      d.name,
      'swap_table',
      'dynamic',
      tables,
      () => `${perLabel()} × ${formatCount(d.clustersWithTable)} clusters with a table`,
    );
  }
  if (opts.memcg) {
    const withMemcg = d.clustersWithMemcgTable ?? defaultMemcgClusters(desc, d);
    const perMemcg = SIZES.MEMCG_ID * d.clusterSlots;
    const note =
      d.clustersWithMemcgTable === undefined && withMemcg !== d.clustersWithTable
        ? ' (allocation deferred: every used slot is an rmap slot)'
        : '';
    b.add(
      d.name,
      'memcg_table',
      'dynamic',
      perMemcg * withMemcg,
      () =>
        `${B(perMemcg)} (${formatCount(d.clusterSlots)} × ${SIZES.MEMCG_ID} B) × ${formatCount(withMemcg)} clusters${note}`,
    );
  }
  const perExtend = SIZES.EXTEND_ENTRY * d.clusterSlots;
  b.add(
    d.name,
    'extend_table',
    'dynamic',
    perExtend * d.clustersWithExtendTable,
    () =>
      `${B(perExtend)} (${formatCount(d.clusterSlots)} × ${SIZES.EXTEND_ENTRY} B) × ${formatCount(d.clustersWithExtendTable)} clusters with an overflowed count (${formatCount(d.overflowSlots)} slots)`,
  );
  if (input.tableHasZeroFlag === false && desc.zeroLocation === 'table_flag') {
    const perZero = bitmapBytes(d.clusterSlots);
    b.add(
      d.name,
      'zero_bitmap',
      'dynamic',
      perZero * d.clustersWithTable,
      () =>
        `${B(perZero)} (${formatCount(d.clusterSlots)} bits) × ${formatCount(d.clustersWithTable)} clusters with a table`,
    );
  }
  if (opts.virtualTable !== 'none') {
    const perV = SIZES.VIRTUAL_ENTRY * d.clusterSlots;
    const what = opts.virtualTable === 'ghost' ? 'opaque placeholder, 8 B/slot' : 'vtable, 8 B/slot';
    b.add(
      d.name,
      'virtual_table',
      'dynamic',
      perV * d.clustersWithTable,
      () => `${B(perV)} (${what}) × ${formatCount(d.clustersWithTable)} clusters with a table`,
    );
  }
}

function defaultMemcgClusters(desc: DesignDescriptor, d: DeviceUsage): number {
  if (desc.profile === 'vswap-ste' && d.role === 'physical' && d.usedSlots > 0 && d.rmapSlots === d.usedSlots) return 0;
  return d.clustersWithTable;
}

function staticClusterInfo(b: Builder, desc: DesignDescriptor, d: DeviceUsage): void {
  const size = desc.clusterInfoBytes;
  const approx = desc.profile === 'vswap' || desc.profile === 'ghost' ? ' (size assumed, see docs)' : '';
  b.add(
    d.name,
    'cluster_info',
    'static',
    size * d.clusters,
    () => `${size} B × ${formatCount(d.clusters)} clusters${approx}`,
  );
}

function dynamicClusters(b: Builder, desc: DesignDescriptor, d: DeviceUsage): void {
  const size = desc.dynClusterInfoBytes ?? desc.clusterInfoBytes;
  b.add(
    d.name,
    'cluster_info',
    'dynamic',
    size * d.clustersAllocated,
    () =>
      `${size} B ci_dyn × ${formatCount(d.clustersAllocated)} allocated clusters of ${formatCount(d.clusters)} (size assumed, see docs)`,
  );
  const nodes = denseXarrayNodes(d.clustersAllocated);
  b.add(
    d.name,
    'xarray_nodes',
    'dynamic',
    SIZES.XA_NODE * nodes,
    () =>
      `${SIZES.XA_NODE} B × ${formatCount(nodes)} xa_nodes for ${formatCount(d.clustersAllocated)} clusters at dense indices (≈, ${SIZES.XA_CHUNK} per node)`,
  );
}

function legacyArrays(b: Builder, d: DeviceUsage, swapMap: boolean): void {
  const S = d.maxSlots;
  if (swapMap) b.add(d.name, 'swap_map', 'static', S, () => `1 B × ${formatCount(S)} slots`);
  const words = Math.ceil(S / 2);
  b.add(
    d.name,
    'swap_cgroup',
    'static',
    SIZES.SWAP_CGROUP_WORD * words,
    () => `2 B × ${formatCount(S)} slots (${formatCount(words)} atomic_t of 4 B, two ids each)`,
  );
  b.add(
    d.name,
    'zeromap',
    'static',
    bitmapBytes(S),
    () => `1 bit × ${formatCount(S)} slots (${formatCount(Math.ceil(S / 64))} longs of 8 B)`,
  );
}

function continuation(b: Builder, input: OverheadInput, d: DeviceUsage): void {
  b.add(
    d.name,
    'continuation_pages',
    'dynamic',
    input.pageSize * d.continuationPages,
    () =>
      `${B(input.pageSize)} × ${formatCount(d.continuationPages)} continuation pages (${formatCount(d.overflowSlots)} slots above SWAP_MAP_MAX)`,
  );
}

function deviceLines(b: Builder, desc: DesignDescriptor, input: OverheadInput, d: DeviceUsage): void {
  switch (desc.profile) {
    case 'legacy': {
      legacyArrays(b, d, true);
      staticClusterInfo(b, desc, d);
      b.add(
        d.name,
        'swapcache_xarray',
        'dynamic',
        SIZES.XA_NODE * d.swapCacheGroups64,
        () =>
          `${SIZES.XA_NODE} B × ${formatCount(d.swapCacheGroups64)} leaf xa_nodes (64-slot groups holding ${formatCount(d.cachedSlots)} folios, ${formatCount(d.shadowSlots)} shadows; ≈, inner nodes ignored)`,
      );
      continuation(b, input, d);
      return;
    }
    case 'p1': {
      legacyArrays(b, d, true);
      staticClusterInfo(b, desc, d);
      const per = tableBytesPerCluster(d);
      b.add(
        d.name,
        'swap_table',
        'dynamic',
        per * d.clustersWithTable,
        () =>
          `${B(per)} (${formatCount(d.clusterSlots)} × ${SIZES.TABLE_ENTRY} B) × ${formatCount(d.clustersWithTable)} clusters with a table`,
      );
      continuation(b, input, d);
      return;
    }
    case 'p3': {
      legacyArrays(b, d, false);
      staticClusterInfo(b, desc, d);
      clusterTables(b, desc, input, d, { memcg: false, virtualTable: 'none' });
      return;
    }
    case 'p4': {
      staticClusterInfo(b, desc, d);
      clusterTables(b, desc, input, d, { memcg: true, virtualTable: 'none' });
      return;
    }
    case 'ghost': {
      if (d.role === 'ghost') {
        dynamicClusters(b, desc, d);
        clusterTables(b, desc, input, d, { memcg: false, virtualTable: 'ghost' });
      } else {
        staticClusterInfo(b, desc, d);
        clusterTables(b, desc, input, d, { memcg: false, virtualTable: 'none' });
      }
      return;
    }
    case 'vswap': {
      staticClusterInfo(b, desc, d);
      const bitmaps = 2 * bitmapBytes(d.maxSlots);
      b.add(
        d.name,
        'vswap_bitmaps',
        'static',
        bitmaps,
        () => `2 bitmaps (allocated, bad) × 1 bit × ${formatCount(d.maxSlots)} slots`,
      );
      b.add(
        d.name,
        'rmap',
        'dynamic',
        SIZES.RMAP_ENTRY * d.rmapSlots,
        () => `${SIZES.RMAP_ENTRY} B × ${formatCount(d.rmapSlots)} physical slots backing a swp_desc`,
      );
      return;
    }
    case 'vswap-ste': {
      if (d.role === 'vswap') {
        dynamicClusters(b, desc, d);
        clusterTables(b, desc, input, d, { memcg: true, virtualTable: 'vtable' });
      } else {
        staticClusterInfo(b, desc, d);
        clusterTables(b, desc, input, d, { memcg: true, virtualTable: 'none' });
      }
      return;
    }
  }
}

/** Split zswap entries into those found through the virtual layer and those in zswap's own tree. */
function zswapSplit(desc: DesignDescriptor, input: OverheadInput): { virtualHeld: number; treeHeld: number } {
  const total = input.zswap.entries;
  if (desc.profile === 'vswap') return { virtualHeld: total, treeHeld: 0 };
  const explicit = input.devices.filter((d) => d.zswapEntries !== undefined);
  const isVirtualDevice = (d: DeviceUsage): boolean =>
    d.role !== 'physical' && desc.capabilities.zswapHeldByVirtualLayer;
  let virtualHeld: number;
  if (explicit.length > 0) {
    const listed = explicit.reduce((s, d) => s + (d.zswapEntries ?? 0), 0);
    if (listed > total) throw new RangeError(`per-device zswapEntries (${listed}) exceed zswap.entries (${total})`);
    virtualHeld = explicit.filter(isVirtualDevice).reduce((s, d) => s + (d.zswapEntries ?? 0), 0);
  } else {
    virtualHeld = input.devices.some(isVirtualDevice) ? total : 0;
  }
  return { virtualHeld, treeHeld: total - virtualHeld };
}

function globalLines(b: Builder, desc: DesignDescriptor, input: OverheadInput): void {
  if (desc.profile === 'vswap') {
    b.add(
      null,
      'swp_desc',
      'dynamic',
      SIZES.SWP_DESC * input.vswapDescriptors,
      () => `${SIZES.SWP_DESC} B × ${formatCount(input.vswapDescriptors)} virtual entries`,
    );
  }
  const entries = input.zswap.entries;
  b.add(
    null,
    'zswap_entry',
    'dynamic',
    SIZES.ZSWAP_ENTRY * entries,
    () => `≈${SIZES.ZSWAP_ENTRY} B × ${formatCount(entries)} stored pages`,
  );
  if (desc.profile !== 'vswap') {
    const { virtualHeld, treeHeld } = zswapSplit(desc, input);
    const folded = (): string =>
      virtualHeld > 0 ? `; ${formatCount(virtualHeld)} more found through the virtual layer at no extra cost` : '';
    b.add(
      null,
      'zswap_tree',
      'dynamic',
      SIZES.ZSWAP_TREE_SLOT * treeHeld,
      () => `${SIZES.ZSWAP_TREE_SLOT} B × ${formatCount(treeHeld)} entries in zswap's XArray${folded()}`,
    );
  }
}

function validateInput(input: OverheadInput): void {
  checkCount('pageSize', input.pageSize);
  checkCount('zswap.entries', input.zswap.entries);
  checkCount('zswap.compressedBytes', input.zswap.compressedBytes);
  checkCount('vswapDescriptors', input.vswapDescriptors);
  if (input.vswapDescriptors > 0 && input.profile !== 'vswap') {
    throw new RangeError(`vswapDescriptors exist only in the vswap profile, not ${input.profile}`);
  }
  const names = new Set<string>();
  for (const d of input.devices) {
    if (names.has(d.name)) throw new RangeError(`device ${d.name} listed twice`);
    names.add(d.name);
    validateDevice(input.profile, d);
  }
}

/**
 * The metadata cost of one profile for one usage summary (docs/kernel-model.md §9).
 * `formulas: false` leaves every line's formula empty, for callers that only
 * want the bytes (the metadata the simulated kernel holds, after every operation).
 */
export function computeOverhead(input: OverheadInput, opts: { formulas?: boolean } = {}): OverheadTable {
  validateInput(input);
  const desc = designDescriptor(input.profile);
  const b = builder(opts.formulas ?? true);
  for (const d of input.devices) deviceLines(b, desc, input, d);
  globalLines(b, desc, input);
  let stat = 0;
  let dyn = 0;
  for (const l of b.lines) {
    if (l.kind === 'static') stat += l.bytes;
    else dyn += l.bytes;
  }
  const usedEntries = input.vswapDescriptors + input.devices.reduce((s, d) => s + d.usedSlots - d.rmapSlots, 0);
  const total = stat + dyn;
  return {
    profile: input.profile,
    lines: b.lines,
    totals: {
      static: stat,
      dynamic: dyn,
      total,
      usedEntries,
      perUsedSlot: usedEntries > 0 ? total / usedEntries : null,
    },
    data: { zswapCompressedBytes: input.zswap.compressedBytes },
  };
}

/** Sum of the lines of one structure (all devices). */
export function structureBytes(table: OverheadTable, structure: Structure, device?: string | null): number {
  return table.lines
    .filter((l) => l.structure === structure && (device === undefined || l.device === device))
    .reduce((s, l) => s + l.bytes, 0);
}

export type ComparisonKey = Structure | 'total_static' | 'total_dynamic' | 'total' | 'per_used_slot';

export interface ComparisonCell {
  profile: DesignProfile;
  /** Bytes (or bytes per used entry for `per_used_slot`); null when the structure does not exist in that profile. */
  value: number | null;
  /** The formulas behind the value (one per device), or a short note. */
  detail: string;
}

export interface ComparisonRow {
  key: ComparisonKey;
  unit: 'B' | 'B/entry';
  cells: ComparisonCell[];
}

/** Line several profiles up per structure, in STRUCTURES order, then the totals. */
export function compareOverhead(inputs: OverheadInput[]): ComparisonRow[] {
  const tables = inputs.map((input) => computeOverhead(input));
  const rows: ComparisonRow[] = [];
  for (const structure of STRUCTURES) {
    if (!tables.some((t) => t.lines.some((l) => l.structure === structure))) continue;
    rows.push({
      key: structure,
      unit: 'B',
      cells: tables.map((t) => {
        const lines = t.lines.filter((l) => l.structure === structure);
        if (lines.length === 0) return { profile: t.profile, value: null, detail: 'not in this design' };
        const detail = lines.map((l) => (l.device === null ? l.formula : `${l.device}: ${l.formula}`)).join('; ');
        return { profile: t.profile, value: lines.reduce((s, l) => s + l.bytes, 0), detail };
      }),
    });
  }
  const total = (
    key: 'total_static' | 'total_dynamic' | 'total',
    pick: (t: OverheadTable) => number,
  ): ComparisonRow => ({
    key,
    unit: 'B',
    cells: tables.map((t) => ({ profile: t.profile, value: pick(t), detail: formatBytesExact(pick(t)) })),
  });
  rows.push(total('total_static', (t) => t.totals.static));
  rows.push(total('total_dynamic', (t) => t.totals.dynamic));
  rows.push(total('total', (t) => t.totals.total));
  rows.push({
    key: 'per_used_slot',
    unit: 'B/entry',
    cells: tables.map((t) => ({
      profile: t.profile,
      value: t.totals.perUsedSlot,
      detail:
        t.totals.perUsedSlot === null
          ? 'nothing in use'
          : `${formatCount(t.totals.total)} B / ${formatCount(t.totals.usedEntries)} entries = ${formatBytesPerSlot(t.totals.perUsedSlot)} B`,
    })),
  });
  return rows;
}
