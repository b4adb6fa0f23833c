/**
 * `config` settings → a complete ScenarioConfig, with every default filled in
 * and the geometry rules of docs/kernel-model.md §1 enforced (cluster size is
 * HPAGE_PMD_NR with THP swap, 256 without).
 */
import type { ConfigSetting, ConfigStatement, Word } from '../syntax/ast';
import { CONFIG_KEYS, DESIGN_NAMES, type DesignName } from '../catalog';
import {
  DEFAULT_KERNEL_VERSION,
  KERNEL_VERSIONS,
  kernelBehaviour,
  maxSwapfiles as maxSwapfilesFor,
  type KernelVersion,
} from '../../sim/kernel_version';
import type { Limits, ScenarioConfig } from './checked';
import { makeDiagnostic, replacementFixes } from '../diagnostics';
import { didYouMean, nearest } from '../suggest';
import { sizeLiteral, parseBool, parseInteger, parseSize } from '../units';
import { checkChoice, checkInteger, checkSize, type Report } from './values';

const PAGE_SIZES: ReadonlyMap<number, string> = new Map([
  [4096, '4K'],
  [16384, '16K'],
  [65536, '64K'],
]);

/** PMD_ORDER: a page of 8-byte PTEs maps PAGE_SIZE / 8 pages. */
export function pmdOrderFor(pageSize: number): number {
  return Math.log2(pageSize / 8);
}

export const DEFAULT_CONFIG: ScenarioConfig = {
  design: 'p4',
  kernel: DEFAULT_KERNEL_VERSION,
  devicePrivate: kernelBehaviour(DEFAULT_KERNEL_VERSION).debian.devicePrivate,
  pageSize: 4096,
  clusterSlots: 512,
  thpSwap: true,
  pmdOrder: 9,
  cpus: 4,
  ramBytes: 4 * 1024 ** 3,
  maxSwapfiles: 24,
  seed: 1,
  stopOnError: false,
  checkInvariants: true,
  ghostWriteback: false,
  swapTiers: false,
  swapWriteback: 'async',
  taskMemory: 'none',
};

const configKeys = CONFIG_KEYS.map((k) => k.key);
const SWAP_WRITEBACK = ['async', 'sync'] as const;
const TASK_MEMORY = ['none', 'kernel'] as const;

/**
 * What the editor's settings (swapsim.design, swapsim.geometry.*) give keys
 * a scenario's `config` leaves unset. A default that does not fit the
 * scenario (a cluster size for another page size or thp_swap, RAM that is
 * not whole pages or out of range) is ignored for it, as if unset.
 */
export interface ConfigDefaults {
  readonly design?: DesignName;
  /** The swapsim.kernel setting. */
  readonly kernel?: KernelVersion;
  /** Bytes: 4096, 16384 or 65536. */
  readonly pageSize?: number;
  /** SWAPFILE_CLUSTER: 256, or HPAGE_PMD_NR of the page size. */
  readonly clusterSlots?: number;
  readonly cpus?: number;
  readonly ramBytes?: number;
}

export function resolveConfig(
  statements: readonly ConfigStatement[],
  limits: Limits,
  report: Report,
  defaults: ConfigDefaults = {},
): ScenarioConfig {
  // Last setting of each key wins; a repeated key is worth a warning.
  const byKey = new Map<string, ConfigSetting>();
  for (const stmt of statements) {
    for (const s of stmt.settings) {
      if (!configKeys.includes(s.key.text)) {
        const suggestions = nearest(s.key.text, configKeys);
        report(
          makeDiagnostic(
            'SS222',
            `unknown config key '${s.key.text}'${didYouMean(suggestions) || ` (keys: ${configKeys.join(', ')})`}`,
            s.key.range,
            {
              suggestions,
              fixes: replacementFixes(s.key.range, suggestions),
            },
          ),
        );
        continue;
      }
      const earlier = byKey.get(s.key.text);
      if (earlier !== undefined)
        report(
          makeDiagnostic('SS408', `'${s.key.text}' is set again; this value replaces ${earlier.value.text}`, s.range),
        );
      byKey.set(s.key.text, s);
    }
  }
  const value = (key: string): Word | undefined => byKey.get(key)?.value;

  const kernelWord = value('kernel');
  const defaultKernel = defaults.kernel ?? DEFAULT_CONFIG.kernel;
  const kernel =
    kernelWord === undefined
      ? defaultKernel
      : ((checkChoice(kernelWord, KERNEL_VERSIONS, report, 'kernel version') as KernelVersion | null) ?? defaultKernel);
  const kv = kernelBehaviour(kernel);
  // a scenario that names its kernel gets that release's design unless it names one too
  const defaultDesign = kernelWord !== undefined ? kv.design : (defaults.design ?? kv.design);
  const design = (() => {
    const w = value('design');
    if (w === undefined) return defaultDesign;
    return (checkChoice(w, DESIGN_NAMES, report, 'design') as DesignName | null) ?? defaultDesign;
  })();

  let pageSize =
    defaults.pageSize !== undefined && PAGE_SIZES.has(defaults.pageSize) ? defaults.pageSize : DEFAULT_CONFIG.pageSize;
  const ps = value('page_size');
  if (ps !== undefined) {
    const r = parseSize(ps.text);
    const bytes = r.ok && r.kind === 'bytes' ? r.bytes : null;
    if (bytes !== null && PAGE_SIZES.has(bytes)) pageSize = bytes;
    else checkChoice(ps, [...PAGE_SIZES.values()], report, 'page size');
  }
  const pmdOrder = pmdOrderFor(pageSize);
  const pmdPages = 2 ** pmdOrder;

  let thpSwap: boolean | null = null;
  const thp = value('thp_swap');
  if (thp !== undefined) {
    thpSwap = parseBool(thp.text);
    if (thpSwap === null) checkChoice(thp, ['on', 'off'], report, 'thp_swap value');
  }
  let clusterSlots: number | null = null;
  const cs = value('cluster_slots');
  if (cs !== undefined) {
    const n = parseInteger(cs.text);
    if (n.ok && [256, 512, 2048, 8192].includes(n.value)) {
      clusterSlots = n.value;
      if (n.value !== 256 && n.value !== pmdPages) {
        report(
          makeDiagnostic(
            'SS403',
            `cluster_slots=${n.value} needs page_size=${PAGE_SIZES.get(n.value * 8) ?? '?'}; with ${PAGE_SIZES.get(pageSize) ?? ''} pages a cluster is ${pmdPages} slots (or 256 without THP swap)`,
            cs.range,
          ),
        );
        clusterSlots = null;
      } else if (n.value === 256 && thpSwap === true && pmdPages !== 256) {
        report(
          makeDiagnostic(
            'SS403',
            `thp_swap=on needs clusters of HPAGE_PMD_NR (${pmdPages}) slots; 256-slot clusters mean no THP swap`,
            cs.range,
          ),
        );
        clusterSlots = null;
      } else if (n.value === pmdPages && thpSwap === false) {
        report(makeDiagnostic('SS403', `thp_swap=off means 256-slot clusters, not ${n.value}`, cs.range));
        clusterSlots = null;
      }
    } else {
      checkChoice(cs, ['256', '512', '2048', '8192'], report, 'cluster size');
    }
  }
  // The default cluster size only where it fits: HPAGE_PMD_NR unless thp_swap=off, 256 unless thp_swap=on.
  const dc = defaults.clusterSlots;
  if (
    cs === undefined &&
    dc !== undefined &&
    ((dc === pmdPages && thpSwap !== false) || (dc === 256 && thpSwap !== true))
  )
    clusterSlots = dc;
  if (thpSwap === null) thpSwap = clusterSlots === null || clusterSlots === pmdPages;
  if (clusterSlots === null) clusterSlots = thpSwap ? pmdPages : 256;

  const cpusWord = value('cpus');
  const defaultCpus =
    defaults.cpus !== undefined && Number.isInteger(defaults.cpus) && defaults.cpus >= 1 && defaults.cpus <= 1024
      ? defaults.cpus
      : DEFAULT_CONFIG.cpus;
  const cpus =
    cpusWord === undefined
      ? defaultCpus
      : (checkInteger(cpusWord, report, { min: 1, max: 1024, what: 'cpus' }) ?? defaultCpus);

  const dr = defaults.ramBytes;
  const ramFits = (bytes: number): boolean =>
    bytes % pageSize === 0 && bytes / pageSize >= limits.minRamPages && bytes / pageSize <= limits.maxRamPages;
  let ramBytes = dr !== undefined && ramFits(dr) ? dr : DEFAULT_CONFIG.ramBytes;
  const ramWord = value('ram');
  if (ramWord !== undefined) {
    const bytes = checkSize(ramWord, report, { pageSize, what: 'ram', warnPlain: true });
    if (bytes !== null) {
      if (bytes % pageSize !== 0) {
        report(
          makeDiagnostic(
            'SS306',
            `ram ${ramWord.text} is not a whole number of ${sizeLiteral(pageSize)} pages`,
            ramWord.range,
          ),
        );
      } else if (bytes / pageSize < limits.minRamPages || bytes / pageSize > limits.maxRamPages) {
        report(
          makeDiagnostic(
            'SS506',
            `ram must be between ${sizeLiteral(limits.minRamPages * pageSize)} and ${sizeLiteral(limits.maxRamPages * pageSize)} with ${sizeLiteral(pageSize)} pages`,
            ramWord.range,
          ),
        );
      } else {
        ramBytes = bytes;
      }
    }
  }

  /** A boolean key, spelled `on`/`off` or `yes`/`no` (parseBool takes either; the diagnostic offers the key's own pair). */
  const flag = (key: string, fallback: boolean, spelling: readonly [string, string]): boolean => {
    const w = value(key);
    if (w === undefined) return fallback;
    const b = parseBool(w.text);
    if (b === null) {
      checkChoice(w, spelling, report, `${key} value`);
      return fallback;
    }
    return b;
  };
  const ON_OFF = ['on', 'off'] as const;
  const YES_NO = ['yes', 'no'] as const;

  const devicePrivate = flag('device_private', kv.debian.devicePrivate, ON_OFF);
  const msWord = value('max_swapfiles');
  const defaultMaxSwapfiles = maxSwapfilesFor(kv, devicePrivate);
  const maxSwapfiles =
    msWord === undefined
      ? defaultMaxSwapfiles
      : (checkInteger(msWord, report, { min: 1, max: 32, what: 'max_swapfiles' }) ?? defaultMaxSwapfiles);

  const seedWord = value('seed');
  const seed =
    seedWord === undefined
      ? DEFAULT_CONFIG.seed
      : (checkInteger(seedWord, report, { min: 0, max: Number.MAX_SAFE_INTEGER, what: 'seed' }) ?? DEFAULT_CONFIG.seed);

  const ghostWriteback = (): boolean => {
    const on = flag('ghost_writeback', DEFAULT_CONFIG.ghostWriteback, ON_OFF);
    const w = value('ghost_writeback');
    if (on && w !== undefined && design !== 'ghost')
      report(
        makeDiagnostic(
          'SS411',
          `ghost_writeback=on has no effect under design=${design}: only ghost devices get a physical backing this way`,
          w.range,
        ),
      );
    return on;
  };
  const yesNo = (key: string, fallback: boolean): boolean => flag(key, fallback, YES_NO);
  const choice = <T extends string>(key: string, values: readonly T[], fallback: T): T => {
    const w = value(key);
    if (w === undefined) return fallback;
    return (checkChoice(w, values, report, `${key} value`) as T | null) ?? fallback;
  };

  return {
    design,
    kernel,
    devicePrivate,
    pageSize,
    clusterSlots,
    thpSwap,
    pmdOrder,
    cpus,
    ramBytes,
    maxSwapfiles,
    seed,
    stopOnError: yesNo('stop_on_error', DEFAULT_CONFIG.stopOnError),
    checkInvariants: yesNo('check_invariants', DEFAULT_CONFIG.checkInvariants),
    ghostWriteback: ghostWriteback(),
    // allowed under every design: tiers are orthogonal to the swap table phases
    swapTiers: flag('swap_tiers', DEFAULT_CONFIG.swapTiers, ON_OFF),
    swapWriteback: choice('swap_writeback', SWAP_WRITEBACK, DEFAULT_CONFIG.swapWriteback),
    taskMemory: choice('task_memory', TASK_MEMORY, DEFAULT_CONFIG.taskMemory),
  };
}

/**
 * The config under another kernel (swapsim verify's fixture check, compare
 * --kernels): keys that still hold the scenario's kernel defaults take the
 * other kernel's; design, device_private and max_swapfiles the
 * scenario set itself stay.
 */
export function configUnderKernel(cfg: ScenarioConfig, kernel: KernelVersion, design?: DesignName): ScenarioConfig {
  if (cfg.kernel === kernel && (design === undefined || design === cfg.design)) return cfg;
  const from = kernelBehaviour(cfg.kernel);
  const to = kernelBehaviour(kernel);
  const devicePrivate = cfg.devicePrivate === from.debian.devicePrivate ? to.debian.devicePrivate : cfg.devicePrivate;
  return {
    ...cfg,
    kernel,
    design: design ?? (cfg.design === from.design ? to.design : cfg.design),
    devicePrivate,
    maxSwapfiles:
      cfg.maxSwapfiles === maxSwapfilesFor(from, cfg.devicePrivate)
        ? maxSwapfilesFor(to, devicePrivate)
        : cfg.maxSwapfiles,
  };
}
