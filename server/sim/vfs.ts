/**
 * The files a scenario reads and writes: cgroupfs (memory.*, cgroup.procs),
 * the zswap module parameters and debugfs counters, the vm sysctls, the
 * swap and THP sysfs knobs, /proc/swaps, /proc/meminfo and /proc/vmstat.
 *
 * `readFile` returns the text the kernel prints, `readValue` the value an
 * `expect` compares (bytes for cgroup files, kB for /proc/meminfo and
 * /proc/swaps, pages or events for /proc/vmstat, 0/1 for booleans, words
 * for enums), `writeFile` parses the text as the kernel's store handler
 * does and applies it as one Kernel transaction, so a rejected write
 * leaves no trace. Errnos are those a root shell would see; see
 * docs/memcg-zswap.md for the list and the choices made.
 */
import { KernelError, NoSuchKey, fail } from './errno';
import { kstrtobool, kstrtoint, memparse, procDointvec, strip, sysfsWord } from './kparse';
import { zramAttr, zramReadText, zramReadValue, zramWrite, type ZramFile } from './zram_sysfs';
import { SHMEM_HUGE_MODES, SHMEM_SIZE_MODES } from './shmem';
import { dropCaches } from './filemap';
import { SWAPPINESS_ANON_ONLY } from './vmscan';
import type { Kernel, ThpMode, ThpSizeMode } from './kernel';
import {
  MEMCG_EVENTS,
  MEMCG_MAX,
  SWAP_EVENTS,
  cgroupProcs,
  memcgResident,
  memcgStat,
  memoryHighWrite,
  memoryMaxWrite,
  peakRead,
  peakWrite,
  userProactiveReclaim,
  type Memcg,
} from './memcontrol';
import { meminfo as procMeminfo, procSwaps, procSwapsText } from './procfs';
import { OpenFile } from './open_files';
import { requireRootOwner } from './cred';
import { MTHP_STATS, VMSTAT_EVENTS, type MthpStat } from './vmstat';
import { swapTierMaxRows, swapTierMaxWrite, type SwapTiers } from './swap_tier';
import { ZSWAP_COMPRESSORS, ZSWAP_DEBUGFS, type ZswapDebugfs, type ZswapParams } from './zswap';

export type VfsValue = number | string;

export const CGROUP_ROOT = '/sys/fs/cgroup';

// ------------------------------------------------------------- the files

interface CgroupFileSpec {
  readonly readable: boolean;
  readonly writable: boolean;
  /** Present in the root cgroup too (the others are CFTYPE_NOT_ON_ROOT). */
  readonly onRoot: boolean;
}

const rw = (onRoot = false): CgroupFileSpec => ({ readable: true, writable: true, onRoot });
const ro = (onRoot = false): CgroupFileSpec => ({ readable: true, writable: false, onRoot });
const wo = (onRoot = false): CgroupFileSpec => ({ readable: false, writable: true, onRoot });

/** The cgroup v2 files the simulator models (mm/memcontrol.c memory_files[], swap_files[]; cgroup.procs). */
export const CGROUP_FILES: Readonly<Record<string, CgroupFileSpec>> = {
  'cgroup.procs': rw(true),
  // cgroup_base_files[] in kernel/cgroup/cgroup.c
  'cgroup.controllers': ro(true),
  'cgroup.subtree_control': rw(true),
  'cgroup.events': ro(),
  'cgroup.kill': wo(),
  'memory.oom.group': rw(),
  'memory.current': ro(),
  'memory.max': rw(),
  'memory.high': rw(),
  'memory.peak': rw(),
  'memory.events': ro(),
  'memory.events.local': ro(),
  'memory.stat': ro(true),
  'memory.reclaim': wo(true),
  'memory.swap.current': ro(),
  'memory.swap.max': rw(),
  'memory.swap.high': rw(),
  'memory.swap.peak': rw(),
  'memory.swap.events': ro(),
  'memory.zswap.current': ro(),
  'memory.zswap.max': rw(),
  'memory.zswap.writeback': rw(),
  // swap tiers series only (k.tiers)
  'memory.swap.tiers.max': rw(),
};

type SysctlFile =
  'swappiness' | 'page-cluster' | 'overcommit_memory' | 'overcommit_ratio' | 'dirty_ratio' | 'dirty_background_ratio';
const SYSCTL_FIELDS: Readonly<Record<SysctlFile, string>> = {
  swappiness: 'swappiness',
  'page-cluster': 'page_cluster',
  overcommit_memory: 'overcommit_memory',
  overcommit_ratio: 'overcommit_ratio',
  dirty_ratio: 'dirty_ratio',
  dirty_background_ratio: 'dirty_background_ratio',
};
/** proc_dointvec_minmax() bounds (vm_table[], vm_page_writeback_sysctls[]); overcommit_ratio is a plain proc_dointvec(). */
const SYSCTL_RANGE: Readonly<Record<SysctlFile, [number, number]>> = {
  swappiness: [0, 200],
  'page-cluster': [0, 31],
  overcommit_memory: [0, 2],
  overcommit_ratio: [-(2 ** 31), 2 ** 31 - 1],
  dirty_ratio: [0, 100],
  dirty_background_ratio: [0, 100],
};

type Resolved =
  | { kind: 'cgroup'; m: Memcg; file: string; spec: CgroupFileSpec }
  | { kind: 'zswap-param'; name: keyof ZswapParams }
  | { kind: 'zswap-debug'; name: ZswapDebugfs }
  | { kind: 'sysctl'; name: SysctlFile }
  | { kind: 'drop-caches' }
  | { kind: 'shmem-enabled' }
  | { kind: 'shmem-size'; order: number }
  | { kind: 'vma-ra' }
  | { kind: 'swap-tiers'; tiers: SwapTiers }
  | { kind: 'thp' }
  | { kind: 'thp-size'; order: number }
  | { kind: 'thp-stat'; order: number; stat: MthpStat }
  | { kind: 'proc'; name: 'swaps' | 'meminfo' | 'vmstat' }
  | { kind: 'zram'; device: string; file: ZramFile };

/** Absolute, without `.`, `..`, repeated or trailing slashes; relative paths are below /sys/fs/cgroup. */
export function normalizeVfsPath(path: string): string {
  const abs = path.trim().startsWith('/') ? path.trim() : `${CGROUP_ROOT}/${path.trim()}`;
  const out: string[] = [];
  for (const part of abs.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

/** hugepages-<N>kB -> order, for orders lo..PMD_ORDER. */
function thpOrder(k: Kernel, dir: string, lo: number): number | null {
  const m = /^hugepages-(\d+)kB$/.exec(dir);
  if (!m) return null;
  const pages = (Number(m[1]) * 1024) / k.geom.pageSize;
  const order = Math.log2(pages);
  return Number.isInteger(order) && order >= lo && order <= k.geom.pmdOrder ? order : null;
}

function resolve(k: Kernel, path: string): Resolved {
  const norm = normalizeVfsPath(path);
  if (norm === CGROUP_ROOT || norm.startsWith(CGROUP_ROOT + '/')) return resolveCgroup(k, norm);
  const param = /^\/sys\/module\/zswap\/parameters\/([a-z_]+)$/.exec(norm);
  if (param) {
    const name = param[1]!;
    if (name in k.zswap.params) return { kind: 'zswap-param', name: name as keyof ZswapParams };
    return fail('ENOENT', `${norm}: no such zswap parameter`);
  }
  const debug = /^\/sys\/kernel\/debug\/zswap\/([a-z_]+)$/.exec(norm);
  if (debug) {
    const name = debug[1]!;
    if ((ZSWAP_DEBUGFS as readonly string[]).includes(name)) return { kind: 'zswap-debug', name: name as ZswapDebugfs };
    return fail('ENOENT', `${norm}: no such zswap debugfs counter`);
  }
  if (norm === '/proc/sys/vm/drop_caches') return { kind: 'drop-caches' };
  const sysctl = /^\/proc\/sys\/vm\/([a-z_-]+)$/.exec(norm);
  if (sysctl) {
    const name = sysctl[1]! as SysctlFile;
    if (name in SYSCTL_FIELDS && SYSCTL_FIELDS[name] in k.sysctl) return { kind: 'sysctl', name };
    return fail('ENOENT', `${norm}: no such vm sysctl in the simulator`);
  }
  if (norm === '/sys/kernel/mm/swap/vma_ra_enabled') return { kind: 'vma-ra' };
  if (norm === '/sys/kernel/mm/swap/tiers') {
    if (!k.tiers) return fail('ENOENT', `${norm}: no such file (swap tiers need config swap_tiers=on)`);
    return { kind: 'swap-tiers', tiers: k.tiers };
  }
  const THP = '/sys/kernel/mm/transparent_hugepage';
  if (norm === `${THP}/enabled`) return { kind: 'thp' };
  if (norm === `${THP}/shmem_enabled`) return { kind: 'shmem-enabled' };
  if (norm.startsWith(THP + '/')) {
    const parts = norm.slice(THP.length + 1).split('/');
    if (parts.length === 2 && parts[1] === 'shmem_enabled') {
      // shmem mTHP sizes: orders 1..PMD_ORDER (THP_ORDERS_ALL_FILE_DEFAULT)
      const order = thpOrder(k, parts[0]!, 1);
      if (order !== null) return { kind: 'shmem-size', order };
    }
    if (parts.length === 2 && parts[1] === 'enabled') {
      // only anon orders (THP_ORDERS_ALL_ANON: 2..PMD_ORDER) have an enabled knob
      const order = thpOrder(k, parts[0]!, 2);
      if (order !== null) return { kind: 'thp-size', order };
    }
    if (parts.length === 3 && parts[1] === 'stats') {
      const order = thpOrder(k, parts[0]!, 1);
      if (order !== null && (MTHP_STATS as readonly string[]).includes(parts[2]!))
        return { kind: 'thp-stat', order, stat: parts[2] as MthpStat };
    }
    return fail('ENOENT', `${norm}: no such file`);
  }
  if (norm === '/proc/swaps' || norm === '/proc/meminfo' || norm === '/proc/vmstat') {
    return { kind: 'proc', name: norm.slice('/proc/'.length) as 'swaps' | 'meminfo' | 'vmstat' };
  }
  const zram = zramAttr(norm);
  if (zram) return { kind: 'zram', ...zram };
  return fail('ENOENT', `${norm}: no such file in the simulator`);
}

function resolveCgroup(k: Kernel, norm: string): Resolved {
  const rel = norm.slice(CGROUP_ROOT.length).replace(/^\//, '');
  const cut = rel.lastIndexOf('/');
  const file = rel.slice(cut + 1);
  const dir = cut < 0 ? '' : rel.slice(0, cut);
  const spec = CGROUP_FILES[file];
  if (spec && file === 'memory.swap.tiers.max' && !k.tiers)
    return fail('ENOENT', `${norm}: no such file (swap tiers need config swap_tiers=on)`);
  if (!spec) {
    if (k.memcgs.lookup(rel)) return fail('EISDIR', `${norm} is a cgroup directory`);
    if (file === 'memory.swap.events.local')
      return fail('ENOENT', `${norm}: the kernel has no local variant of memory.swap.events`);
    return fail(
      'ENOENT',
      `${norm}: no such file${file.startsWith('memory.') ? ' (not modelled by the simulator)' : ''}`,
    );
  }
  const m = k.memcgs.lookup(dir);
  if (!m) return fail('ENOENT', `${norm}: cgroup /${dir} does not exist`);
  if (m.isRoot && !spec.onRoot) return fail('ENOENT', `${norm}: the root cgroup has no ${file}`);
  return { kind: 'cgroup', m, file, spec };
}

// ------------------------------------------------------------------ reading

/** seq_puts_memcg_tunable(): "max" or bytes. */
function tunable(k: Kernel, pages: number): VfsValue {
  return pages === MEMCG_MAX ? 'max' : pages * k.geom.pageSize;
}

const lines = (rows: readonly (readonly [string, VfsValue])[]): string =>
  rows.map(([key, v]) => `${key} ${v}\n`).join('');

function cgroupRows(k: Kernel, m: Memcg, file: string): [string, VfsValue][] | null {
  switch (file) {
    case 'memory.stat':
      return memcgStat(k, m);
    case 'memory.events': {
      const ev = k.memcgs.eventsHierarchical(m);
      return MEMCG_EVENTS.map((e) => [e, ev[e]]);
    }
    case 'memory.events.local':
      return MEMCG_EVENTS.map((e) => [e, m.eventsLocal[e]]);
    case 'memory.swap.events': {
      const ev = k.memcgs.swapEventsHierarchical(m);
      return SWAP_EVENTS.map((e) => [e, ev[e]]);
    }
    case 'memory.swap.tiers.max':
      return k.tiers ? swapTierMaxRows(k.tiers, m) : [];
    case 'cgroup.events':
      // cgroup_events_show(); no freezer in the model
      return [
        ['populated', cgroupPopulated(k, m) ? 1 : 0],
        ['frozen', 0],
      ];
    default:
      return null;
  }
}

/** cgroup_is_populated(): a live task in the cgroup or below it. */
export function cgroupPopulated(k: Kernel, m: Memcg): boolean {
  const ids = new Set<number>();
  for (const d of m.subtree()) ids.add(d.id);
  for (const t of k.mm.tasks.values()) if (t.state === 'alive' && ids.has(t.memcg)) return true;
  return false;
}

/** cgroup_print_ss_mask(): the controllers of a mask, space-separated (only `memory` is modelled). */
const controllers = (on: boolean): string => (on ? 'memory' : '');

function cgroupValue(k: Kernel, m: Memcg, file: string, fd: OpenFile | null): VfsValue {
  const ps = k.geom.pageSize;
  switch (file) {
    case 'memory.current':
      return m.memory.usage * ps;
    case 'memory.max':
      return tunable(k, m.memory.max);
    case 'memory.high':
      return tunable(k, m.memory.high);
    case 'memory.peak':
      return peakRead(m.memory, fd) * ps;
    case 'memory.swap.current':
      return m.swap.usage * ps;
    case 'memory.swap.max':
      return tunable(k, m.swap.max);
    case 'memory.swap.high':
      return tunable(k, m.swap.high);
    case 'memory.swap.peak':
      return peakRead(m.swap, fd) * ps;
    case 'memory.zswap.current':
      return k.zswap.subtreeBytes(m);
    case 'memory.zswap.max':
      return tunable(k, m.zswapMax);
    case 'memory.zswap.writeback':
      return m.zswapWriteback ? 1 : 0;
    case 'cgroup.procs':
      return cgroupProcs(k, m)
        .map((t) => t.name)
        .join(' ');
    case 'cgroup.subtree_control':
      return controllers(m.subtreeControl);
    case 'cgroup.controllers':
      // cgroup_control(): what the parent enabled for its children; all of them on the root
      return controllers(m.parent === null || m.parent.subtreeControl);
    case 'memory.oom.group':
      return m.oomGroup ? 1 : 0;
  }
  return fail('ENOENT', `no file ${file}`);
}

/** /proc/meminfo as meminfo_proc_show() orders it, restricted to what is modelled (kB). */
export function meminfoRows(k: Kernel): [string, number][] {
  return Object.entries(procMeminfo(k));
}

/** /proc/vmstat: the page-state items first, then the events (pages or counts). */
export function vmstatRows(k: Kernel): [string, number][] {
  const res = memcgResident(k, k.memcgs.root);
  const rows: [string, number][] = [
    ['nr_free_pages', k.pages.nrFree],
    ['nr_inactive_anon', res.inactive],
    ['nr_active_anon', res.active],
    ['nr_inactive_file', res.inactiveFile],
    ['nr_active_file', res.activeFile],
    ['nr_anon_pages', res.anon],
    ['nr_mapped', k.pagecache.stat.mapped],
    // NR_FILE_PAGES counts the swap cache too
    ['nr_file_pages', k.pagecache.stat.file + k.stat.nrSwapcache],
    ['nr_dirty', k.pagecache.stat.dirty],
    ['nr_writeback', 0],
    ['nr_shmem', k.pagecache.stat.shmem],
    // shown in units of THPs (vmstat_item_print_in_thp())
    ['nr_shmem_hugepages', k.pagecache.stat.shmemThp >> k.geom.pmdOrder],
    ['nr_anon_transparent_hugepages', res.anonThp >> k.geom.pmdOrder],
    ['nr_written', k.pagecache.stat.written],
    ['nr_swapcached', k.stat.nrSwapcache],
  ];
  const events = k.vmstat.events;
  for (const e of VMSTAT_EVENTS) rows.push([e, events[e]]);
  return rows;
}

/** /sys/kernel/debug is mode 0700, root's. */
function debugfsAccess(k: Kernel): void {
  if (k.cred.uid !== 0) fail('EACCES', `/sys/kernel/debug: permission denied for uid ${k.cred.uid}`);
}

function debugfsValue(k: Kernel, name: ZswapDebugfs): number {
  const z = k.zswap;
  // debugfs_get_total_size(): zswap_total_pages() * PAGE_SIZE
  if (name === 'pool_total_size') return z.poolPages * k.geom.pageSize;
  if (name === 'stored_pages') return z.storedPages;
  if (name === 'stored_incompressible_pages' && !k.kv.zswapIncompCounters)
    return fail('ENOENT', `/sys/kernel/debug/zswap/${name} does not exist in ${k.kv.version}`);
  return z.stats[name];
}

/** enabled_show() / thpsize_enabled_show(): every choice, the current one in brackets. */
function bracketed(choices: readonly string[], current: string): string {
  return choices.map((c) => (c === current ? `[${c}]` : c)).join(' ');
}
const THP_CHOICES: readonly ThpMode[] = ['always', 'madvise', 'never'];
const THP_SIZE_CHOICES: readonly ThpSizeMode[] = ['always', 'inherit', 'madvise', 'never'];

function sysctlValue(k: Kernel, name: SysctlFile): number {
  return (k.sysctl as unknown as Record<string, number>)[SYSCTL_FIELDS[name]]!;
}

/** The text `cat PATH` prints; with `fd`, what a read through that open file prints. */
export function readFile(k: Kernel, path: string, fd: OpenFile | null = null): string {
  const r = resolve(k, path);
  switch (r.kind) {
    case 'cgroup': {
      if (!r.spec.readable) return fail('EACCES', `${r.file} is write-only`);
      const rows = cgroupRows(k, r.m, r.file);
      if (rows) return lines(rows);
      if (r.file === 'cgroup.procs')
        return cgroupProcs(k, r.m)
          .map((t) => `${t.pid}\n`)
          .join('');
      return `${cgroupValue(k, r.m, r.file, fd)}\n`;
    }
    case 'zswap-param': {
      const v = k.zswap.params[r.name];
      return `${typeof v === 'boolean' ? (v ? 'Y' : 'N') : v}\n`;
    }
    case 'zswap-debug':
      debugfsAccess(k);
      return `${debugfsValue(k, r.name)}\n`;
    case 'sysctl':
      return `${sysctlValue(k, r.name)}\n`;
    case 'vma-ra':
      return `${k.sysctl.vma_ra_enabled ? 'true' : 'false'}\n`;
    case 'swap-tiers':
      return r.tiers.showText();
    case 'thp':
      return `${bracketed(THP_CHOICES, k.thp.enabled)}\n`;
    case 'shmem-enabled':
      return `${bracketed(SHMEM_HUGE_MODES, k.thp.shmemEnabled)}\n`;
    case 'shmem-size':
      return `${bracketed(SHMEM_SIZE_MODES, k.thp.shmemSizes[r.order]!)}\n`;
    case 'drop-caches':
      return fail('EACCES', 'drop_caches is write-only');
    case 'thp-size':
      return `${bracketed(THP_SIZE_CHOICES, k.thp.sizes[r.order]!)}\n`;
    case 'thp-stat':
      return `${k.vmstat.mthp[r.order]?.[r.stat] ?? 0}\n`;
    case 'proc':
      if (r.name === 'swaps') return procSwapsText(k);
      if (r.name === 'meminfo')
        return meminfoRows(k)
          .map(([key, v]) => `${(key + ':').padEnd(16)}${String(v).padStart(8)} kB\n`)
          .join('');
      return lines(vmstatRows(k));
    case 'zram':
      return zramReadText(k, r.device, r.file);
  }
}

function keyed(rows: readonly (readonly [string, VfsValue])[], key: string | null | undefined, what: string): VfsValue {
  if (key == null) return fail('EINVAL', `${what} has one value per key: name a key`);
  const row = rows.find(([name]) => name === key);
  if (!row) throw new NoSuchKey(`${what} has no key ${key}`);
  return row[1];
}

/** /proc/swaps cell: key "DEVICE COLUMN" (Size and Used in kB). */
function swapsCell(k: Kernel, key: string | null | undefined): VfsValue {
  const m = key == null ? null : /^(\S+)\s+(Type|Size|Used|Priority)$/.exec(key.trim());
  if (!m) return fail('EINVAL', '/proc/swaps needs a key "DEVICE COLUMN" (Type, Size, Used or Priority)');
  const row = procSwaps(k).find((r) => r.Filename === m[1]);
  if (!row) return fail('EINVAL', `${m[1]} is not in /proc/swaps`);
  return row[m[2] as 'Type' | 'Size' | 'Used' | 'Priority'];
}

/** /sys/kernel/mm/swap/tiers cell: key "NAME COLUMN" (Idx, PrioStart or PrioEnd). */
function tierCell(tiers: SwapTiers, key: string | null | undefined): VfsValue {
  const m = key == null ? null : /^(\S+)\s+(Idx|PrioStart|PrioEnd)$/.exec(key.trim());
  if (!m) return fail('EINVAL', '/sys/kernel/mm/swap/tiers needs a key "NAME COLUMN" (Idx, PrioStart or PrioEnd)');
  const t = tiers.byName(m[1]!);
  if (!t) return fail('EINVAL', `no tier ${m[1]!}`);
  return m[2] === 'Idx' ? t.idx : m[2] === 'PrioStart' ? t.start : tiers.end(t);
}

/** The value an `expect` compares; `key` selects a line of a keyed file; `fd` reads through an open file. */
export function readValue(k: Kernel, path: string, key?: string | null, fd: OpenFile | null = null): VfsValue {
  const r = resolve(k, path);
  switch (r.kind) {
    case 'cgroup': {
      if (!r.spec.readable) return fail('EACCES', `${r.file} is write-only`);
      const rows = cgroupRows(k, r.m, r.file);
      if (rows) return keyed(rows, key, r.file);
      return cgroupValue(k, r.m, r.file, fd);
    }
    case 'zswap-param': {
      const v = k.zswap.params[r.name];
      return typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
    case 'zswap-debug':
      debugfsAccess(k);
      return debugfsValue(k, r.name);
    case 'sysctl':
      return sysctlValue(k, r.name);
    case 'vma-ra':
      return k.sysctl.vma_ra_enabled ? 1 : 0;
    case 'swap-tiers':
      return tierCell(r.tiers, key);
    case 'thp':
      return k.thp.enabled;
    case 'shmem-enabled':
      return k.thp.shmemEnabled;
    case 'shmem-size':
      return k.thp.shmemSizes[r.order]!;
    case 'drop-caches':
      return fail('EACCES', 'drop_caches is write-only');
    case 'thp-size':
      return k.thp.sizes[r.order]!;
    case 'thp-stat':
      return k.vmstat.mthp[r.order]?.[r.stat] ?? 0;
    case 'proc':
      if (r.name === 'swaps') return swapsCell(k, key);
      return keyed(r.name === 'meminfo' ? meminfoRows(k) : vmstatRows(k), key, `/proc/${r.name}`);
    case 'zram':
      return zramReadValue(k, r.device, r.file, key);
  }
}

// ------------------------------------------------------------------ parsing

/**
 * page_counter_memparse(): "max" or bytes, rounded down to pages and
 * capped at PAGE_COUNTER_MAX (which reads back as "max"). Anything after
 * the number and suffix is EINVAL; an empty string is 0.
 */
export function pageCounterMemparse(text: string, pageSize: number): number {
  const s = strip(text);
  if (s === 'max') return MEMCG_MAX;
  const { bytes, rest } = memparse(s);
  if (rest !== '')
    return fail('EINVAL', `'${text}' is not a size (bytes with an optional K, M, G or T suffix, or max)`);
  const pages = bytes / BigInt(pageSize);
  const counterMax = (2n ** 63n - 1n) / BigInt(pageSize);
  return pages >= counterMax ? MEMCG_MAX : Number(pages);
}

/**
 * memory.reclaim: "SIZE [swappiness=N|swappiness=max]" (user_proactive_reclaim()).
 * Returns pages and the swappiness (undefined: vm.swappiness).
 */
export function parseReclaim(text: string, pageSize: number): { pages: number; swappiness?: number } {
  const s = strip(text);
  const { bytes, rest } = memparse(s);
  if (rest === s) return fail('EINVAL', `memory.reclaim: '${text}' does not start with a size`);
  let swappiness: number | undefined;
  for (const tok of strip(rest).split(' ')) {
    if (tok === '') continue;
    if (tok === 'swappiness=max') {
      swappiness = SWAPPINESS_ANON_ONLY;
      continue;
    }
    const m = /^swappiness=(.*)$/.exec(tok);
    if (!m) return fail('EINVAL', `memory.reclaim: unknown argument '${tok}'`);
    const v = kstrtoint(m[1]!, false);
    if (v < 0 || v > 200) return fail('EINVAL', `memory.reclaim: swappiness=${v} outside 0..200`);
    swappiness = v;
  }
  return { pages: Number(bytes / BigInt(pageSize)), swappiness };
}

// ------------------------------------------------------------------ writing

function writeCgroup(k: Kernel, m: Memcg, file: string, text: string, fd: OpenFile | null): void {
  const ps = k.geom.pageSize;
  switch (file) {
    case 'memory.max':
      return memoryMaxWrite(k, m, pageCounterMemparse(text, ps));
    case 'memory.high':
      return memoryHighWrite(k, m, pageCounterMemparse(text, ps));
    case 'memory.swap.max':
      return k.j.set(m.swap, 'max', pageCounterMemparse(text, ps));
    case 'memory.swap.high':
      return k.j.set(m.swap, 'high', pageCounterMemparse(text, ps));
    case 'memory.zswap.max':
      return k.j.set(m, 'zswapMax', pageCounterMemparse(text, ps));
    case 'memory.peak':
    case 'memory.swap.peak': {
      const which = file === 'memory.peak' ? 'memory' : 'swap';
      return peakWrite(k, m, which, fd, k.files.watchers(m, which));
    }
    case 'cgroup.subtree_control':
      return subtreeControlWrite(k, m, text);
    case 'cgroup.kill': {
      // cgroup_kill_write(): kstrtoint(), then only 1
      if (kstrtoint(strip(text), false) !== 1) return fail('ERANGE', 'cgroup.kill takes only 1');
      k.killCgroup(m);
      return;
    }
    case 'memory.oom.group': {
      // memory_oom_group_write()
      const v = kstrtoint(strip(text), false);
      if (v !== 0 && v !== 1) return fail('EINVAL', `memory.oom.group takes 0 or 1, not ${v}`);
      return k.j.set(m, 'oomGroup', v === 1);
    }
    case 'memory.swap.tiers.max':
      if (m.isRoot || !k.tiers) return fail('ENOENT', 'no memory.swap.tiers.max here');
      return swapTierMaxWrite(k.j, k.tiers, m, text);
    case 'memory.zswap.writeback': {
      const v = kstrtoint(text, false);
      if (v !== 0 && v !== 1) return fail('EINVAL', `memory.zswap.writeback takes 0 or 1, not ${v}`);
      return k.j.set(m, 'zswapWriteback', v === 1);
    }
    case 'memory.reclaim': {
      const { pages, swappiness } = parseReclaim(text, ps);
      userProactiveReclaim(k, m, pages, swappiness);
      return;
    }
    case 'cgroup.procs': {
      // the kernel takes a PID; the simulator also takes a task name
      const s = strip(text);
      const t = /^\d+$/.test(s) ? [...k.mm.tasks.values()].find((x) => x.pid === Number(s)) : k.mm.tasks.get(s);
      if (!t || t.state !== 'alive') return fail('ESRCH', `no live task ${s}`);
      migrateVetDst(m);
      return k.j.set(t, 'memcg', m.id);
    }
  }
}

function writeZswapParam(k: Kernel, name: keyof ZswapParams, text: string): void {
  const p = k.zswap.params;
  switch (name) {
    case 'enabled':
    case 'shrinker_enabled':
      return k.j.set(p, name, kstrtobool(text));
    case 'max_pool_percent':
    case 'accept_threshold_percent':
      return k.j.set(p, name, kstrtoint(text, true));
    case 'compressor': {
      const s = strip(text);
      if (!(ZSWAP_COMPRESSORS as readonly string[]).includes(s)) return fail('ENOENT', `compressor ${s} not available`);
      return k.j.set(p, 'compressor', s);
    }
  }
}

/**
 * cgroup_migrate_vet_dst(): the no-internal-process rule. A non-root
 * cgroup that gives a controller to its children takes no task.
 */
export function migrateVetDst(m: Memcg): void {
  if (!m.isRoot && m.subtreeControl)
    fail('EBUSY', `cgroup /${m.path} has memory in cgroup.subtree_control: it takes no tasks (no internal processes)`);
}

/**
 * cgroup_subtree_control_write(): space-separated `+memory` / `-memory`.
 * An unknown controller or a token without + or - is EINVAL; enabling one
 * the parent does not give is ENOENT (cannot happen here: every cgroup has
 * memory); enabling in a non-root cgroup with tasks is EBUSY
 * (cgroup_vet_subtree_control_enable()), and so is disabling while a child
 * has memory in its own subtree_control. The simulator keeps the memory
 * controller in every cgroup it created, so disabling with any child
 * cgroup is EBUSY here, where the kernel would take the controller away
 * from leaf children.
 */
function subtreeControlWrite(k: Kernel, m: Memcg, text: string): void {
  let want: boolean | null = null;
  for (const tok of strip(text).split(' ')) {
    if (tok === '') continue;
    if (tok.slice(1) !== 'memory' || (tok[0] !== '+' && tok[0] !== '-'))
      return fail(
        'EINVAL',
        `cgroup.subtree_control: '${tok}' is not +memory or -memory (the only controller modelled)`,
      );
    want = tok[0] === '+';
  }
  if (want === null || want === m.subtreeControl) return;
  if (want) {
    if (!m.isRoot && cgroupProcs(k, m).length > 0)
      return fail(
        'EBUSY',
        `cgroup /${m.path} has tasks: controllers cannot be given to its children (no internal processes)`,
      );
  } else if (m.children.some((c) => c.online)) {
    return fail('EBUSY', `cgroup ${m.name} has child cgroups, which keep the memory controller in the simulator`);
  }
  k.j.set(m, 'subtreeControl', want);
}

/** `echo VALUE > PATH`: one transaction; errors roll back and carry the kernel's errno. */
export function writeFile(k: Kernel, path: string, value: string, fd: OpenFile | null = null): void {
  k.atomically(() => {
    const r = resolve(k, path);
    if (fd === null) requireRootOwner(k.cred, path);
    switch (r.kind) {
      case 'cgroup':
        // kernfs_fop_open(): no write bit, EACCES even for root
        if (!r.spec.writable) return fail('EACCES', `${r.file} is read-only`);
        return writeCgroup(k, r.m, r.file, value, fd);
      case 'zswap-param':
        return writeZswapParam(k, r.name, value);
      case 'zswap-debug':
        // simple_attr_write() without a setter
        return fail('EACCES', `${r.name} is read-only`);
      case 'sysctl': {
        const v = procDointvec(value, SYSCTL_RANGE[r.name]);
        return (k.j.set as (o: object, key: string, v: unknown) => void)(k.sysctl, SYSCTL_FIELDS[r.name], v);
      }
      case 'vma-ra':
        return k.j.set(k.sysctl, 'vma_ra_enabled', kstrtobool(value));
      case 'swap-tiers':
        return r.tiers.store(
          value,
          k.swap.devices.filter((d) => d !== k.swap.vswap),
          k.memcgs.root,
        );
      case 'thp':
        return k.j.set(k.thp, 'enabled', sysfsWord(value, THP_CHOICES));
      case 'shmem-enabled':
        return k.j.set(k.thp, 'shmemEnabled', sysfsWord(value, SHMEM_HUGE_MODES));
      case 'shmem-size':
        return k.j.setAt(k.thp.shmemSizes, r.order, sysfsWord(value, SHMEM_SIZE_MODES));
      case 'drop-caches': {
        // drop_caches_sysctl_handler(): 1..4 (4 only silences the message)
        const v = procDointvec(value, [1, 4]);
        if (v & 1) dropCaches(k);
        return;
      }
      case 'thp-size':
        return k.j.setAt(k.thp.sizes, r.order, sysfsWord(value, THP_SIZE_CHOICES));
      case 'thp-stat':
        return fail('EACCES', `${r.stat} is read-only`);
      case 'proc':
        // root may open a 0444 proc file for writing; there is no write handler
        return fail('EIO', `/proc/${r.name} cannot be written`);
      case 'zram':
        return zramWrite(k, r.device, r.file, value);
    }
  });
}

/** True if `err` is the KernelError a rejected write or read raises. */
export function isVfsError(err: unknown): err is KernelError {
  return err instanceof KernelError;
}

/**
 * open(2) of a file (`open NAME PATH`): it must exist (ENOENT) and be
 * readable or writable; the fd remembers its cgroup (ENODEV once removed).
 */
export function openFile(k: Kernel, name: string, path: string): OpenFile {
  const norm = normalizeVfsPath(path);
  const r = resolve(k, norm);
  return r.kind === 'cgroup' ? new OpenFile(name, norm, r.m, r.file) : new OpenFile(name, norm, null, null);
}
