/**
 * The `swapsim` settings section, read with `workspace/configuration` and
 * re-read on `workspace/didChangeConfiguration`. Anything missing or of the
 * wrong type falls back to its default, so a half-written settings.json never
 * breaks the server.
 *
 * The design and geometry settings are defaults for what a scenario's own
 * `config` line leaves unset: a scenario that says `config design=ghost` or
 * `page_size=64K` was written for that machine and runs on it whatever the
 * editor says (only `swapsim/setDesign`, the Select Design Profile command,
 * overrides a scenario's design, for one document).
 */
import type { DesignName, KernelVersion } from '../../shared/protocol';
import {
  anyValue,
  bool as isBool,
  designName,
  intIn,
  kernelVersion,
  literal,
  recordOf,
  withDefault,
} from '../../shared/validate';
import { parseSize } from '../lang/units';

export interface GeometrySettings {
  /** PAGE_SIZE in bytes (4K, 16K or 64K). */
  readonly pageSize: number;
  /** SWAPFILE_CLUSTER in slots; null: HPAGE_PMD_NR of the page size (256 means no THP swap). */
  readonly clusterSlots: number | null;
  /** Possible CPUs (per-CPU cluster caches, nr_cpu_ids). */
  readonly cpus: number;
  /** RAM in bytes. */
  readonly ramBytes: number;
}

export interface Settings {
  /** Design profile for scenarios without `config design=`; null: the kernel release’s own (p4 for 7.2, legacy for 6.12). */
  readonly design: DesignName | null;
  /** Kernel release for scenarios without `config kernel=` (docs/kernels.md). */
  readonly kernel: KernelVersion;
  /** The machine for scenarios whose `config` does not say. */
  readonly geometry: GeometrySettings;
  /** False turns the invariant checker off even where a scenario asks for it. */
  readonly checkInvariants: boolean;
  /** How invariants are checked when they are on (server/session/api.ts InvariantMode). */
  readonly invariants: 'incremental' | 'full';
  readonly inlayHints: { readonly enabled: boolean };
  readonly limits: {
    /** Longest single run, in steps. */
    readonly maxSteps: number;
    /** Undo memory of one session's history, in MiB (server/session/undo_history.ts). */
    readonly undoMemoryMB: number;
    /** Heap budget per session; past sessions × budget the least recently used sessions are dropped. */
    readonly sessionMemoryMB: number;
  };
}

/**
 * What a scenario's `config` falls back to (server/lang/check/config.ts,
 * `ConfigDefaults`). A value that does not fit the scenario (a cluster size
 * for another page size, RAM that is not whole pages) is ignored there in
 * favour of the built-in rule.
 */
export interface ScenarioDefaults {
  readonly design?: DesignName;
  readonly kernel: KernelVersion;
  readonly pageSize: number;
  readonly clusterSlots?: number;
  readonly cpus: number;
  readonly ramBytes: number;
}

/** `swapsim.geometry.pageSize` values (package.json) and their bytes. */
export const PAGE_SIZE_SETTINGS: ReadonlyMap<string, number> = new Map([
  ['4K', 4096],
  ['16K', 16384],
  ['64K', 65536],
]);
/** `swapsim.geometry.clusterSlots` values besides null: 256 (no THP swap) and HPAGE_PMD_NR of each page size. */
export const CLUSTER_SLOT_SETTINGS: readonly number[] = [256, 512, 2048, 8192];
const MAX_CPUS = 1024;

export const DEFAULT_SETTINGS: Settings = {
  design: null,
  kernel: '7.2',
  // The machine of docs/kernel-model.md §1 / DEFAULT_CONFIG: 4K pages, 512-slot clusters, 4 CPUs, 4G.
  geometry: { pageSize: 4096, clusterSlots: null, cpus: 4, ramBytes: 4 * 1024 ** 3 },
  checkInvariants: true,
  invariants: 'incremental',
  inlayHints: { enabled: true },
  limits: { maxSteps: 1_000_000, undoMemoryMB: 256, sessionMemoryMB: 512 },
};

// Settings are read leniently: a value that does not fit its check (shared/validate.ts) falls back to the default.
const section = recordOf(anyValue);
const record = (value: unknown): Record<string, unknown> => withDefault(section, value, {});
const positiveInt = (value: unknown, fallback: number, max?: number): number =>
  withDefault(intIn(max === undefined ? { min: 1 } : { min: 1, max }), value, fallback);
const bool = (value: unknown, fallback: boolean): boolean => withDefault(isBool, value, fallback);

export function isDesignName(value: unknown): value is DesignName {
  return designName(value, 'value') === null;
}

/** A size setting such as `4G` or `512M`, in bytes; null when it is not a positive byte size. */
function byteSize(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const r = parseSize(value.trim());
  return r.ok && r.kind === 'bytes' && r.bytes > 0 ? r.bytes : null;
}

function parseGeometry(raw: unknown): GeometrySettings {
  const g = record(raw);
  const d = DEFAULT_SETTINGS.geometry;
  const clusterSlots =
    typeof g.clusterSlots === 'number' && CLUSTER_SLOT_SETTINGS.includes(g.clusterSlots) ? g.clusterSlots : null;
  return {
    pageSize: (typeof g.pageSize === 'string' ? PAGE_SIZE_SETTINGS.get(g.pageSize) : undefined) ?? d.pageSize,
    clusterSlots,
    cpus: positiveInt(g.cpus, d.cpus, MAX_CPUS),
    ramBytes: byteSize(g.ram) ?? d.ramBytes,
  };
}

/** Settings from whatever the client sent for the `swapsim` section. */
export function parseSettings(raw: unknown): Settings {
  const s = record(raw);
  const inlay = record(s.inlayHints);
  const limits = record(s.limits);
  const d = DEFAULT_SETTINGS;
  return {
    design: isDesignName(s.design) ? s.design : null,
    kernel: withDefault(kernelVersion, s.kernel, d.kernel),
    geometry: parseGeometry(s.geometry),
    checkInvariants: bool(s.checkInvariants, d.checkInvariants),
    invariants: withDefault(literal('incremental', 'full'), s.invariants, d.invariants),
    inlayHints: { enabled: bool(inlay.enabled, d.inlayHints.enabled) },
    limits: {
      maxSteps: positiveInt(limits.maxSteps, d.limits.maxSteps),
      undoMemoryMB: positiveInt(limits.undoMemoryMB, d.limits.undoMemoryMB, 16384),
      sessionMemoryMB: positiveInt(limits.sessionMemoryMB, d.limits.sessionMemoryMB),
    },
  };
}

/** The defaults scenarios are checked and run with under these settings. */
export function scenarioDefaults(settings: Settings): ScenarioDefaults {
  const g = settings.geometry;
  return {
    ...(settings.design === null ? {} : { design: settings.design }),
    kernel: settings.kernel,
    pageSize: g.pageSize,
    ...(g.clusterSlots === null ? {} : { clusterSlots: g.clusterSlots }),
    cpus: g.cpus,
    ramBytes: g.ramBytes,
  };
}

export function sameSettings(a: Settings, b: Settings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether scenarios check or run differently under `b` than under `a`: analyses and sessions must be rebuilt. */
export function scenarioSettingsChanged(a: Settings, b: Settings): boolean {
  return JSON.stringify(scenarioDefaults(a)) !== JSON.stringify(scenarioDefaults(b));
}

/** Whether sessions run differently under `b` than under `a` (besides the scenario defaults). */
export function sessionSettingsChanged(a: Settings, b: Settings): boolean {
  return (
    a.checkInvariants !== b.checkInvariants ||
    a.invariants !== b.invariants ||
    a.limits.maxSteps !== b.limits.maxSteps ||
    a.limits.undoMemoryMB !== b.limits.undoMemoryMB
  );
}
