/**
 * Path resolution: file paths to typed file references, cgroup paths to
 * canonical form. Pure functions; the checker turns failures into diagnostics.
 */
import {
  CGROUP_FILES,
  OTHER_FILES,
  THP_STATS,
  ZRAM_FILE_SPECS,
  ZSWAP_DEBUG_COUNTERS,
  type FileSpec,
  type ObservableUnit,
} from '../catalog';
import type { FileRef, SysctlName, ZswapParam } from './checked';
import type { DiagnosticCode } from '../diagnostics';
import { nearest } from '../suggest';

export const CGROUP_ROOT = '/sys/fs/cgroup';

export type Resolution<T> =
  { ok: true; value: T } | { ok: false; code: DiagnosticCode; message: string; suggestions?: readonly string[] };

/** Collapse `//`, drop `.` and trailing `/`, apply `..`; null when `..` climbs above `/`. */
export function normalisePath(path: string): string | null {
  // Most paths are already normal: no empty, `.` or `..` parts and no trailing slash.
  if (
    path.indexOf('//') < 0 &&
    path.indexOf('/.') < 0 &&
    path.charCodeAt(0) !== 46 /* . */ &&
    (path.length <= 1 || !path.endsWith('/'))
  ) {
    return path;
  }
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(part);
  }
  return (absolute ? '/' : '') + out.join('/');
}

function validComponent(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 32 || c === 127) return false;
  }
  return name.length > 0 && name.length <= 255;
}

/**
 * A cgroup path to canonical form (`/` root, `/a/b`). Accepts
 * `/sys/fs/cgroup/a/b` and `a/b` (relative to the cgroup root); with
 * `allowBareAbsolute`, `/a/b` too (argument positions that name a cgroup,
 * not a filesystem path: `task … cgroup=/a`, `move t /a`).
 */
export function resolveCgroup(text: string, allowBareAbsolute: boolean): Resolution<string> {
  const norm = normalisePath(text);
  if (norm === null) return { ok: false, code: 'SS219', message: `'${text}' climbs above the cgroup root` };
  let rel: string;
  if (norm === CGROUP_ROOT || norm.startsWith(`${CGROUP_ROOT}/`)) {
    rel = norm.slice(CGROUP_ROOT.length);
  } else if (norm.startsWith('/')) {
    if (!allowBareAbsolute) return { ok: false, code: 'SS219', message: `'${text}' is not under ${CGROUP_ROOT}` };
    rel = norm;
  } else {
    rel = norm === '' ? '' : `/${norm}`;
  }
  return checkCgroupParts(rel.split('/').filter((p) => p !== ''));
}

const cgroupFilesByName: ReadonlyMap<string, FileSpec> = new Map(CGROUP_FILES.map((f) => [f.name, f]));

/** Validate the components of a normalised cgroup path and join them canonically. */
function checkCgroupParts(parts: readonly string[]): Resolution<string> {
  for (const part of parts) {
    if (!validComponent(part)) return { ok: false, code: 'SS218', message: `'${part}' is not a valid cgroup name` };
    if (cgroupFilesByName.has(part))
      return { ok: false, code: 'SS219', message: `'${part}' is a cgroup file, not a cgroup directory` };
  }
  return { ok: true, value: parts.length === 0 ? '/' : `/${parts.join('/')}` };
}

/** The display form of a canonical cgroup: `/sys/fs/cgroup/a/b`. */
export function cgroupFsPath(cgroup: string): string {
  return cgroup === '/' ? CGROUP_ROOT : `${CGROUP_ROOT}${cgroup}`;
}

export function parentCgroup(cgroup: string): string | null {
  if (cgroup === '/') return null;
  const i = cgroup.lastIndexOf('/');
  return i <= 0 ? '/' : cgroup.slice(0, i);
}

/** `text` with its last path component replaced, keeping what the user typed before it. */
function withLastComponent(text: string, name: string): string {
  return text.slice(0, text.lastIndexOf('/') + 1) + name;
}

export interface ResolvedFile {
  readonly ref: FileRef;
  readonly spec: FileSpec;
  /** Unit of a single-value read (zswap debug counters vary per counter). */
  readonly unit: ObservableUnit | null;
}

const cgroupFileNames = CGROUP_FILES.map((f) => f.name);

function otherSpec(scope: FileSpec['scope'], name: string): FileSpec {
  const spec = OTHER_FILES.find((f) => f.scope === scope && f.name === name);
  if (spec === undefined) throw new Error(`catalogue has no ${scope} file ${name}`);
  return spec;
}

/** Paths for "did you mean" on an unknown file, with the PMD size as the mTHP example. */
function knownPaths(pageSize: number, pmdOrder: number): string[] {
  const pmdKb = (pageSize / 1024) * 2 ** pmdOrder;
  const paths: string[] = [];
  for (const f of OTHER_FILES) paths.push(f.path.replace('<N>', String(pmdKb)));
  for (const c of ZSWAP_DEBUG_COUNTERS) paths.push(`/sys/kernel/debug/zswap/${c.name}`);
  for (const s of THP_STATS) paths.push(`/sys/kernel/mm/transparent_hugepage/hugepages-${pmdKb}kB/stats/${s.name}`);
  for (const f of ZRAM_FILE_SPECS) paths.push(f.path.replace('<N>', '0'));
  return paths;
}

/** `hugepages-64kB` → order for this page size, or an error message. */
function thpOrder(
  dir: string,
  pageSize: number,
  pmdOrder: number,
  minOrder = 2,
): { order: number; sizeKb: number } | string {
  const m = /^hugepages-(\d+)kB$/.exec(dir);
  if (m === null) return `'${dir}' is not a hugepages-<N>kB directory`;
  const sizeKb = Number(m[1]);
  const pages = (sizeKb * 1024) / pageSize;
  const order = Math.log2(pages);
  if (!Number.isInteger(order) || order < minOrder || order > pmdOrder) {
    const lo = (pageSize / 1024) * 2 ** minOrder;
    const hi = (pageSize / 1024) * 2 ** pmdOrder;
    return `${sizeKb}kB is not an mTHP size for ${pageSize / 1024}K pages (powers of two from ${lo}kB to ${hi}kB)`;
  }
  return { order, sizeKb };
}

/**
 * Resolve a file path. Relative paths are relative to /sys/fs/cgroup
 * (`app/memory.max`, `memory.stat`).
 */
export function resolveFile(text: string, pageSize: number, pmdOrder: number): Resolution<ResolvedFile> {
  const norm = normalisePath(text.startsWith('/') ? text : `${CGROUP_ROOT}/${text}`);
  if (norm === null) return { ok: false, code: 'SS205', message: `'${text}' climbs above /` };
  const unknown = (): Resolution<ResolvedFile> => {
    const suggestions = nearest(norm, knownPaths(pageSize, pmdOrder), 3);
    return { ok: false, code: 'SS205', message: `no such file in the simulator: '${text}'`, suggestions };
  };
  if (norm.startsWith(`${CGROUP_ROOT}/`)) {
    const parts = norm.slice(CGROUP_ROOT.length + 1).split('/');
    const name = parts.pop() ?? '';
    const spec = cgroupFilesByName.get(name);
    if (spec === undefined) {
      if (name.startsWith('memory.') || name.startsWith('cgroup.')) {
        const suggestions = nearest(name, cgroupFileNames).map((n) => withLastComponent(text, n));
        return { ok: false, code: 'SS205', message: `no cgroup file '${name}'`, suggestions };
      }
      return {
        ok: false,
        code: 'SS205',
        message: `'${norm}' is a cgroup directory; name a file in it, e.g. ${norm}/memory.current`,
      };
    }
    const cg = checkCgroupParts(parts);
    if (!cg.ok) return cg;
    if (cg.value === '/' && spec.onRoot !== true) {
      return {
        ok: false,
        code: 'SS217',
        message: `the root cgroup has no ${name} (only memory.stat, memory.reclaim and cgroup.procs)`,
      };
    }
    return { ok: true, value: { ref: { kind: 'cgroup', path: norm, cgroup: cg.value, name }, spec, unit: spec.unit } };
  }
  const zswapParam = /^\/sys\/module\/zswap\/parameters\/([a-z_]+)$/.exec(norm);
  if (zswapParam !== null) {
    const name = zswapParam[1] ?? '';
    const spec = OTHER_FILES.find((f) => f.scope === 'zswap-param' && f.name === name);
    if (spec === undefined) return unknown();
    return {
      ok: true,
      value: { ref: { kind: 'zswap-param', path: norm, name: name as ZswapParam }, spec, unit: spec.unit },
    };
  }
  const sysctl = /^\/proc\/sys\/vm\/([a-z_-]+)$/.exec(norm);
  if (sysctl !== null) {
    const name = sysctl[1] ?? '';
    const spec = OTHER_FILES.find((f) => f.scope === 'sysctl' && f.name === name);
    if (spec === undefined) return unknown();
    return {
      ok: true,
      value: { ref: { kind: 'sysctl', path: norm, name: name as SysctlName }, spec, unit: spec.unit },
    };
  }
  if (norm === '/sys/kernel/mm/swap/vma_ra_enabled') {
    const spec = otherSpec('swap-sysfs', 'vma_ra_enabled');
    return {
      ok: true,
      value: { ref: { kind: 'swap-sysfs', path: norm, name: 'vma_ra_enabled' }, spec, unit: spec.unit },
    };
  }
  if (norm === '/sys/kernel/mm/swap/tiers') {
    const spec = otherSpec('swap-sysfs', 'tiers');
    return { ok: true, value: { ref: { kind: 'swap-sysfs', path: norm, name: 'tiers' }, spec, unit: spec.unit } };
  }
  const THP = '/sys/kernel/mm/transparent_hugepage/';
  if (norm === `${THP}enabled` || norm === `${THP}shmem_enabled`) {
    const name = norm === `${THP}enabled` ? 'enabled' : 'shmem_enabled';
    const spec = otherSpec('thp', name);
    return { ok: true, value: { ref: { kind: 'thp', path: norm, name }, spec, unit: spec.unit } };
  }
  if (norm.startsWith(THP)) {
    const parts = norm.slice(THP.length).split('/');
    const dir = parts[0] ?? '';
    if (!dir.startsWith('hugepages-')) return unknown();
    // shmem has sizes from order 1 (THP_ORDERS_ALL_FILE_DEFAULT), anonymous memory from order 2
    const size = thpOrder(dir, pageSize, pmdOrder, parts.length === 2 && parts[1] === 'shmem_enabled' ? 1 : 2);
    if (typeof size === 'string') return { ok: false, code: 'SS405', message: size };
    if (parts.length === 2 && parts[1] === 'shmem_enabled') {
      const spec = otherSpec('thp-size', 'shmem_enabled');
      return {
        ok: true,
        value: { ref: { kind: 'thp-size', path: norm, name: 'shmem_enabled', ...size }, spec, unit: spec.unit },
      };
    }
    if (parts.length === 2 && parts[1] === 'enabled') {
      const spec = otherSpec('thp-size', 'enabled');
      return {
        ok: true,
        value: { ref: { kind: 'thp-size', path: norm, name: 'enabled', ...size }, spec, unit: spec.unit },
      };
    }
    if (parts.length === 3 && parts[1] === 'stats') {
      const stat = THP_STATS.find((s) => s.name === parts[2]);
      if (stat === undefined) {
        const suggestions = nearest(
          parts[2] ?? '',
          THP_STATS.map((s) => s.name),
        ).map((n) => withLastComponent(text, n));
        return { ok: false, code: 'SS205', message: `no mTHP stat '${parts[2] ?? ''}'`, suggestions };
      }
      const spec: FileSpec = {
        name: stat.name,
        scope: 'thp-stat',
        path: '/sys/kernel/mm/transparent_hugepage/hugepages-<N>kB/stats/' + stat.name,
        access: 'ro',
        unit: 'count',
        doc: stat.doc,
        kernel: 'mthp_stats in mm/huge_memory.c; docs/kernel-model.md §10.4',
      };
      return {
        ok: true,
        value: { ref: { kind: 'thp-stat', path: norm, name: stat.name, ...size }, spec, unit: 'count' },
      };
    }
    return unknown();
  }
  if (norm === '/proc/swaps' || norm === '/proc/meminfo' || norm === '/proc/vmstat') {
    const name = norm.slice('/proc/'.length) as 'swaps' | 'meminfo' | 'vmstat';
    return { ok: true, value: { ref: { kind: 'proc', path: norm, name }, spec: otherSpec('proc', name), unit: null } };
  }
  const zram = /^\/sys\/block\/zram(\d+)\/([a-z_]+)$/.exec(norm);
  if (zram !== null) {
    const spec = ZRAM_FILE_SPECS.find((f) => f.name === zram[2]);
    if (spec === undefined) {
      const suggestions = nearest(
        zram[2] ?? '',
        ZRAM_FILE_SPECS.map((f) => f.name),
      ).map((n) => withLastComponent(text, n));
      return { ok: false, code: 'SS205', message: `no zram attribute '${zram[2] ?? ''}'`, suggestions };
    }
    return {
      ok: true,
      value: {
        ref: { kind: 'zram', path: norm, device: `/dev/zram${zram[1] ?? ''}`, name: spec.name },
        spec,
        unit: spec.unit,
      },
    };
  }
  const debug = /^\/sys\/kernel\/debug\/zswap\/([a-z_]+)$/.exec(norm);
  if (debug !== null) {
    const counter = ZSWAP_DEBUG_COUNTERS.find((c) => c.name === debug[1]);
    if (counter === undefined) {
      const suggestions = nearest(
        debug[1] ?? '',
        ZSWAP_DEBUG_COUNTERS.map((c) => c.name),
      ).map((n) => withLastComponent(text, n));
      return { ok: false, code: 'SS205', message: `no zswap debugfs counter '${debug[1] ?? ''}'`, suggestions };
    }
    const spec: FileSpec = {
      name: counter.name,
      scope: 'zswap-debug',
      path: `/sys/kernel/debug/zswap/${counter.name}`,
      access: 'ro',
      unit: counter.unit,
      doc: counter.doc,
      kernel: 'zswap_debugfs_init() in mm/zswap.c; docs/kernel-model.md §5.5',
    };
    return {
      ok: true,
      value: { ref: { kind: 'zswap-debug', path: norm, name: counter.name }, spec, unit: counter.unit },
    };
  }
  return unknown();
}
