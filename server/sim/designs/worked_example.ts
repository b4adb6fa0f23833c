/**
 * Synthetic usage summaries and the worked examples of docs/designs.md.
 *
 * `syntheticDevice` builds a DeviceUsage from a few numbers and a layout
 * (packed: used slots sit next to each other from slot 1 on; spread: every
 * cluster gets a share), the way §9's fragmentation example reasons.
 * test/designs/worked_example.test.ts checks that the tables in the docs are
 * exactly what `workedExampleMarkdown()` prints.
 */
import {
  compareOverhead,
  computeOverhead,
  structureBytes,
  type DeviceUsage,
  type OverheadInput,
  type Structure,
} from './overhead';
import { DESIGN_PROFILES, type DesignProfile } from './profiles';
import { formatBytesExact, formatBytesPerSlot, formatCount } from '../../../shared/format';

export type Layout = 'packed' | 'spread';

export interface SyntheticDeviceSpec {
  name: string;
  role?: DeviceUsage['role'];
  maxSlots: number;
  usedSlots: number;
  layout: Layout;
  clusterSlots?: number;
  cachedSlots?: number;
  shadowSlots?: number;
  rmapSlots?: number;
  zswapEntries?: number;
}

/** A usage summary for a device whose slot 0 is the (BAD) header and whose used slots follow `layout`. */
export function syntheticDevice(spec: SyntheticDeviceSpec): DeviceUsage {
  const clusterSlots = spec.clusterSlots ?? 512;
  const role = spec.role ?? 'physical';
  const clusters = Math.ceil(spec.maxSlots / clusterSlots);
  // The header cluster always has a table: its BAD marker must live somewhere (§3.5).
  const clustersWithTable = Math.min(
    clusters,
    spec.layout === 'packed' ? Math.ceil((spec.usedSlots + 1) / clusterSlots) : 1 + spec.usedSlots,
  );
  const cacheEntries = (spec.cachedSlots ?? 0) + (spec.shadowSlots ?? 0);
  const groups = Math.ceil(spec.maxSlots / 64);
  const swapCacheGroups64 =
    cacheEntries === 0
      ? 0
      : spec.layout === 'packed'
        ? Math.floor(cacheEntries / 64) + 1
        : Math.min(groups, cacheEntries);
  const device: DeviceUsage = {
    name: spec.name,
    role,
    maxSlots: spec.maxSlots,
    clusterSlots,
    clusters,
    clustersAllocated: role === 'physical' ? clusters : clustersWithTable,
    clustersWithTable,
    clustersWithExtendTable: 0,
    usedSlots: spec.usedSlots,
    cachedSlots: spec.cachedSlots ?? 0,
    shadowSlots: spec.shadowSlots ?? 0,
    swapCacheGroups64,
    overflowSlots: 0,
    continuationPages: 0,
    rmapSlots: spec.rmapSlots ?? 0,
  };
  if (spec.zswapEntries !== undefined) device.zswapEntries = spec.zswapEntries;
  return device;
}

const TIB_SLOTS = 2 ** 28;
const GIB32_SLOTS = 2 ** 23;
/** /dev/ghostswap size for 16 GiB of RAM: round_up(totalram, 512) × 8 (§8.1). */
const GHOST_SLOTS = 8 * 2 ** 22;
/** vswap-STE RFC v1 clamps the virtual device near 16 TiB; si->max is an unsigned int. */
const VSWAP_STE_SLOTS = 2 ** 32 - 1;

/**
 * One scenario on every profile: `used` slots of a physical device hold
 * disk-backed pages (each left a workingset shadow, which only the legacy
 * XArray pays for separately). Virtual designs put a virtual entry in front of
 * each page: vswap v3 a swp_desc, vswap-STE a slot on its (packed) vswap
 * device; the ghost device stays empty because it only serves zswap.
 */
export function physicalScenario(
  profile: DesignProfile,
  maxSlots: number,
  used: number,
  layout: Layout,
): OverheadInput {
  const virtualFront = profile === 'vswap' || profile === 'vswap-ste';
  const devices: DeviceUsage[] = [
    syntheticDevice({
      name: '/dev/sdb',
      maxSlots,
      usedSlots: used,
      layout,
      shadowSlots: used,
      rmapSlots: virtualFront ? used : 0,
    }),
  ];
  if (profile === 'ghost')
    devices.push(
      syntheticDevice({ name: '/dev/ghostswap', role: 'ghost', maxSlots: GHOST_SLOTS, usedSlots: 0, layout: 'packed' }),
    );
  if (profile === 'vswap-ste') {
    devices.push(
      syntheticDevice({
        name: 'vswap',
        role: 'vswap',
        maxSlots: VSWAP_STE_SLOTS,
        usedSlots: used,
        layout: 'packed',
        shadowSlots: used,
      }),
    );
  }
  return {
    profile,
    pageSize: 4096,
    devices,
    zswap: { entries: 0, compressedBytes: 0 },
    vswapDescriptors: profile === 'vswap' ? used : 0,
  };
}

/** The vswap v3 cover's configurations on a 32 GB (8,388,608-slot) swapfile, fully used (§8.2, §9). */
export function vswapCoverScenario(profile: 'p1' | 'vswap', backing: 'disk' | 'zswap'): OverheadInput {
  const S = GIB32_SLOTS;
  const zswap = backing === 'zswap' ? { entries: S, compressedBytes: 0 } : { entries: 0, compressedBytes: 0 };
  if (profile === 'p1') {
    return {
      profile,
      pageSize: 4096,
      devices: [syntheticDevice({ name: '/swapfile', maxSlots: S, usedSlots: S - 1, layout: 'packed' })],
      zswap,
      vswapDescriptors: 0,
    };
  }
  // vswap: zswap-backed entries need no physical device at all; disk-backed ones each hold an rmap'd slot.
  const devices =
    backing === 'disk'
      ? [syntheticDevice({ name: '/swapfile', maxSlots: S, usedSlots: S, layout: 'packed', rmapSlots: S })]
      : [];
  return { profile, pageSize: 4096, devices, zswap, vswapDescriptors: S };
}

function comparisonMarkdown(inputs: OverheadInput[]): string {
  const rows = compareOverhead(inputs);
  const head = `| structure | ${inputs.map((i) => i.profile).join(' | ')} |`;
  const rule = `|---|${inputs.map(() => '---:').join('|')}|`;
  const body = rows.map((r) => {
    const cells = r.cells.map((c) =>
      c.value === null ? '—' : r.unit === 'B' ? formatBytesExact(c.value) : `${formatBytesPerSlot(c.value)} B`,
    );
    const label =
      r.key === 'total'
        ? '**total**'
        : r.key === 'per_used_slot'
          ? 'per used entry'
          : r.key.replace('total_', 'total ');
    return `| ${label} | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...body].join('\n');
}

/** Bytes of a table minus the structures the vswap cover does not count (zswap_entry, cluster_info). */
export function coverBasisBytes(input: OverheadInput): number {
  const t = computeOverhead(input);
  return t.totals.total - structureBytes(t, 'zswap_entry') - structureBytes(t, 'cluster_info');
}

function coverMarkdown(): string {
  const rows: [string, OverheadInput, number][] = [
    ['P1/P2, disk-backed', vswapCoverScenario('p1', 'disk'), 89],
    ['P1/P2, zswap-backed', vswapCoverScenario('p1', 'zswap'), 153],
    ['vswap v3, zswap-backed', vswapCoverScenario('vswap', 'zswap'), 193],
    ['vswap v3, disk-backed', vswapCoverScenario('vswap', 'disk'), 259],
  ];
  const lines = [
    '| configuration (100% used) | cover reports | swapsim, cover basis | swapsim, all structures |',
    '|---|---:|---:|---:|',
  ];
  for (const [label, input, reported] of rows) {
    lines.push(
      `| ${label} | ${reported} MiB | ${formatBytesExact(coverBasisBytes(input))} | ${formatBytesExact(computeOverhead(input).totals.total)} |`,
    );
  }
  return lines.join('\n');
}

/** Metadata bytes per entry of a completely full device, per the seed's per-slot claims. */
function perSlotMarkdown(): string {
  const S = GIB32_SLOTS;
  const full = (name: string, role: DeviceUsage['role'], extra: Partial<SyntheticDeviceSpec> = {}): DeviceUsage =>
    syntheticDevice({ name, role, maxSlots: S, usedSlots: S, layout: 'packed', ...extra });
  const cases: [string, OverheadInput, Structure[]][] = [
    [
      'P1–P3: swap table',
      {
        profile: 'p3',
        pageSize: 4096,
        devices: [full('/dev/sdb', 'physical')],
        zswap: { entries: 0, compressedBytes: 0 },
        vswapDescriptors: 0,
      },
      ['swap_table'],
    ],
    [
      'P4: table + memcg_table',
      {
        profile: 'p4',
        pageSize: 4096,
        devices: [full('/dev/sdb', 'physical')],
        zswap: { entries: 0, compressedBytes: 0 },
        vswapDescriptors: 0,
      },
      ['swap_table', 'memcg_table'],
    ],
    [
      'ghost, zswap-backed',
      {
        profile: 'ghost',
        pageSize: 4096,
        devices: [full('/dev/ghostswap', 'ghost')],
        zswap: { entries: S, compressedBytes: 0 },
        vswapDescriptors: 0,
      },
      ['swap_table', 'virtual_table', 'zswap_tree'],
    ],
    [
      'ghost + physical rmap',
      {
        profile: 'ghost',
        pageSize: 4096,
        devices: [full('/dev/ghostswap', 'ghost'), full('/dev/sdb', 'physical', { rmapSlots: S })],
        zswap: { entries: 0, compressedBytes: 0 },
        vswapDescriptors: 0,
      },
      ['swap_table', 'virtual_table', 'rmap'],
    ],
    [
      'vswap v3, zswap-backed',
      { profile: 'vswap', pageSize: 4096, devices: [], zswap: { entries: S, compressedBytes: 0 }, vswapDescriptors: S },
      ['swp_desc'],
    ],
    [
      'vswap-STE, zswap-backed',
      {
        profile: 'vswap-ste',
        pageSize: 4096,
        devices: [full('vswap', 'vswap')],
        zswap: { entries: S, compressedBytes: 0 },
        vswapDescriptors: 0,
      },
      ['swap_table', 'memcg_table', 'virtual_table', 'zswap_tree'],
    ],
    [
      'vswap-STE, disk-backed',
      {
        profile: 'vswap-ste',
        pageSize: 4096,
        devices: [full('vswap', 'vswap'), full('/dev/sdb', 'physical', { rmapSlots: S })],
        zswap: { entries: 0, compressedBytes: 0 },
        vswapDescriptors: 0,
      },
      ['swap_table', 'memcg_table', 'virtual_table', 'rmap'],
    ],
  ];
  const lines = ['| case (32 GiB, every slot used) | structures | bytes per entry |', '|---|---|---:|'];
  for (const [label, input, structures] of cases) {
    const t = computeOverhead(input);
    const bytes = structures.reduce((s, st) => s + structureBytes(t, st), 0);
    lines.push(`| ${label} | ${structures.join(' + ')} | ${formatBytesPerSlot(bytes / S)} |`);
  }
  return lines.join('\n');
}

/** The generated part of docs/designs.md (between the worked-example markers). */
export function workedExampleMarkdown(): string {
  const quarter = GIB32_SLOTS / 4;
  return [
    `#### 1 TiB device (${formatCount(TIB_SLOTS)} slots), nothing swapped out`,
    '',
    comparisonMarkdown(DESIGN_PROFILES.map((p) => physicalScenario(p, TIB_SLOTS, 0, 'packed'))),
    '',
    `#### 32 GiB device (${formatCount(GIB32_SLOTS)} slots), 25% used (${formatCount(quarter)} slots), packed`,
    '',
    comparisonMarkdown(DESIGN_PROFILES.map((p) => physicalScenario(p, GIB32_SLOTS, quarter, 'packed'))),
    '',
    `#### The same 25%, spread over every cluster`,
    '',
    comparisonMarkdown(DESIGN_PROFILES.map((p) => physicalScenario(p, GIB32_SLOTS, quarter, 'spread'))),
    '',
    '#### Cross-check with the vswap v3 cover (32 GB swapfile, 100% used)',
    '',
    coverMarkdown(),
    '',
    "#### Per-entry cost of a full device, against the seed's figures",
    '',
    perSlotMarkdown(),
  ].join('\n');
}
