/**
 * Comparing designs: the one implementation behind `swapsim/compare` (the
 * Compare Designs view, the dashboard's comparison panel) and
 * `swapsim compare` (the CLI), so both print the same numbers for the same
 * step.
 *
 * Each design reruns the scenario in a throwaway session to the chosen step
 * and reports two things: the swap metadata it keeps there (the overhead
 * model, server/sim/designs/overhead.ts), and how the kernel behaved under
 * it — expects passed and failed, kernel errors, the swap counters of
 * /proc/vmstat, the swap cache, slots in use and each cgroup's swap charge.
 * A fingerprint of that behaviour is kept for every step, which gives the
 * first step at which the designs stop behaving alike.
 */
import type {
  CompareDifference,
  CompareDivergence,
  CompareResult,
  DesignBehaviour,
  DesignName,
} from '../../shared/protocol';
import { computeOverhead } from '../sim/designs/overhead';
import type { Kernel } from '../sim/kernel';
import { mthpSizeKb } from '../sim/procfs';
import { MTHP_FALLBACK_STATS } from '../sim/vmstat';
import type { CancelSignal } from './api';
import { overheadInput } from './overhead_input';
import { overheadToWire } from './overhead_wire';
import { Session, type SessionBuildOptions } from './session';

/**
 * Undo memory of each throwaway session, in MiB: they only step forward, so
 * their history needs no room (the default 256 MiB let one run of the seed
 * mail's kbuild benchmark hold 240 MiB of undo records, and a comparison
 * builds one such session per design).
 */
const COMPARE_UNDO_MB = 16;

/** Most points of a design's overhead series (the dashboard's chart). */
const SERIES_POINTS = 512;

/** The behaviour the designs are compared on, at one step. */
interface BehaviourSample {
  readonly expectsPassed: number;
  readonly expectsFailed: number;
  readonly unexpectedErrors: number;
  readonly pswpout: number;
  readonly pswpin: number;
  readonly zswpout: number;
  readonly swapCache: number;
  readonly slotsUsed: number;
  /** memory.swap.current of each cgroup but the root, in pages, by path. */
  readonly memcgSwap: ReadonlyMap<string, number>;
  /** The mTHP fallback stats that moved, by `<size> <stat>` (e.g. `256kB swpout_fallback`), smallest size first. */
  readonly mthpFallbacks: ReadonlyMap<string, number>;
}

const SAMPLE_FIELDS = [
  'expectsPassed',
  'expectsFailed',
  'unexpectedErrors',
  'pswpout',
  'pswpin',
  'zswpout',
  'swapCache',
  'slotsUsed',
] as const;

/** What the counters and lists say now; cheap enough to take before every step. */
function sampleBehaviour(session: Session): BehaviourSample {
  const k: Kernel = session.machine;
  const memcgSwap = new Map<string, number>();
  for (const m of k.memcgs.byId.values()) if (!m.isRoot) memcgSwap.set('/' + m.path, m.swap.usage);
  const mthpFallbacks = new Map<string, number>();
  for (let order = 1; order < k.geom.nrOrders; order++) {
    const row = k.vmstat.mthp[order]!;
    for (const stat of MTHP_FALLBACK_STATS)
      if (row[stat] > 0) mthpFallbacks.set(`${mthpSizeKb(k, order)}kB ${stat}`, row[stat]);
  }
  let passed = 0;
  for (const e of session.expects) if (e.passed) passed++;
  let unexpected = 0;
  for (const e of session.errors) if (!e.expected) unexpected++;
  return {
    expectsPassed: passed,
    expectsFailed: session.expects.length - passed,
    unexpectedErrors: unexpected,
    pswpout: k.vmstat.events.pswpout,
    pswpin: k.vmstat.events.pswpin,
    zswpout: k.vmstat.events.zswpout,
    swapCache: k.stat.nrSwapcache,
    slotsUsed: k.swap.devices.reduce((n, d) => n + d.inusePages, 0),
    memcgSwap,
    mthpFallbacks,
  };
}

/** FNV-1a over the sample's numbers (and cgroup paths): equal behaviour, equal print. */
function fingerprint(s: BehaviourSample): number {
  let h = 0x811c9dc5;
  const mixIn = (n: number): void => {
    h = Math.imul(h ^ (n & 0xffff), 0x01000193);
    h = Math.imul(h ^ Math.floor(n / 0x10000), 0x01000193);
  };
  for (const field of SAMPLE_FIELDS) mixIn(s[field]);
  for (const named of [s.memcgSwap, s.mthpFallbacks])
    for (const [name, n] of named) {
      for (let i = 0; i < name.length; i++) mixIn(name.charCodeAt(i));
      mixIn(n);
    }
  return h >>> 0;
}

/** What differs between two samples, in words. */
function differences(a: BehaviourSample, b: BehaviourSample): CompareDifference[] {
  const out: CompareDifference[] = [];
  for (const field of SAMPLE_FIELDS)
    if (a[field] !== b[field]) out.push({ what: field, first: a[field], second: b[field] });
  for (const path of new Set([...a.memcgSwap.keys(), ...b.memcgSwap.keys()])) {
    const x = a.memcgSwap.get(path) ?? 0;
    const y = b.memcgSwap.get(path) ?? 0;
    if (x !== y) out.push({ what: `${path} memory.swap.current`, first: x, second: y });
  }
  for (const name of new Set([...a.mthpFallbacks.keys(), ...b.mthpFallbacks.keys()])) {
    const x = a.mthpFallbacks.get(name) ?? 0;
    const y = b.mthpFallbacks.get(name) ?? 0;
    if (x !== y) out.push({ what: `mTHP ${name}`, first: x, second: y });
  }
  return out;
}

/** One design's run: what it reports, and its behaviour print at every step it reached. */
interface DesignRun {
  readonly design: DesignName;
  readonly prints: Uint32Array;
  /** Steps it got to (a `stop_on_error` stop or a cancel ends it early). */
  readonly reached: number;
}

/**
 * Compares designs one at a time (`add`), so a caller can yield or check a
 * cancel in between, then `result()` puts them side by side. `at` is the
 * step to compare at, clamped to the scenario.
 */
export class DesignComparison {
  readonly at: number;
  private readonly runs: DesignRun[] = [];
  private readonly result_: CompareResult;

  constructor(
    private readonly uri: string,
    private readonly text: string,
    private readonly options: SessionBuildOptions,
    at: number,
    total: number,
  ) {
    this.at = Math.max(0, Math.min(total, at));
    this.result_ = { step: this.at, tables: [], failures: [], series: [], behaviour: [], divergence: null };
  }

  private session(design: DesignName): Session {
    const s = new Session(this.uri, this.text, {
      ...this.options,
      design,
      checkInvariants: false,
      undoMemoryMB: COMPARE_UNDO_MB,
    });
    if (s.status === 'invalid') throw new Error('the scenario has errors');
    return s;
  }

  /** Run the scenario under `design` to the step and record what it keeps and how it behaved. */
  add(design: DesignName, cancel?: CancelSignal): void {
    try {
      const s = this.session(design);
      const prints = new Uint32Array(this.at + 1);
      const every = Math.max(1, Math.ceil(this.at / SERIES_POINTS));
      const steps: number[] = [];
      const total: number[] = [];
      let reached = -1;
      const observe = (): void => {
        const i = s.step.index;
        if (i <= reached) return;
        reached = i;
        prints[i] = fingerprint(sampleBehaviour(s));
        if (i % every === 0 || i === this.at) {
          steps.push(i);
          total.push(computeOverhead(overheadInput(s.machine, design)).totals.total);
        }
      };
      s.advanceTo(this.at, cancel, observe);
      observe();
      const last = sampleBehaviour(s);
      const firstError = s.errors.find((e) => !e.expected);
      this.result_.tables.push(overheadToWire(design, computeOverhead(overheadInput(s.machine, design))));
      this.result_.series.push({ design, steps, total });
      this.result_.behaviour.push({
        design,
        step: s.step.index,
        status: s.status,
        expectsPassed: last.expectsPassed,
        expectsFailed: last.expectsFailed,
        unexpectedErrors: last.unexpectedErrors,
        firstError:
          firstError === undefined
            ? null
            : {
                line: firstError.range.start.line,
                step: firstError.step,
                errno: firstError.errno,
                message: firstError.message,
              },
        pswpout: last.pswpout,
        pswpin: last.pswpin,
        zswpout: last.zswpout,
        swapCache: last.swapCache,
        slotsUsed: last.slotsUsed,
        memcgSwap: [...last.memcgSwap].map(([path, pages]) => ({ path, pages })),
        mthpFallbacks: [...last.mthpFallbacks].map(([name, count]) => {
          const [size, stat] = name.split(' ') as [string, string];
          return { size, stat, count };
        }),
      } satisfies DesignBehaviour);
      this.runs.push({ design, prints, reached });
    } catch (e) {
      this.result_.failures.push({ design, message: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * The designs side by side, with the first step at which one of them
   * behaves unlike the first design (both are rerun to that step to say
   * what differs).
   */
  result(cancel?: CancelSignal): CompareResult {
    const reference = this.runs[0];
    let found: { step: number; other: DesignRun } | null = null;
    if (reference !== undefined) {
      for (const run of this.runs.slice(1)) {
        const end = Math.min(reference.reached, run.reached);
        let i = 0;
        while (i <= end && reference.prints[i] === run.prints[i]) i++;
        // One stopped early (stop_on_error): they part where the shorter one ended.
        if (i > end && reference.reached === run.reached) continue;
        const step = Math.min(i, end + 1);
        if (found === null || step < found.step) found = { step, other: run };
      }
    }
    if (found !== null && reference !== undefined && !cancel?.isCancellationRequested)
      this.result_.divergence = this.describe(reference.design, found.other.design, found.step, cancel);
    return this.result_;
  }

  private describe(first: DesignName, second: DesignName, step: number, cancel?: CancelSignal): CompareDivergence {
    const at = (design: DesignName): { sample: BehaviourSample; reached: number; line: number | null } => {
      const s = this.session(design);
      s.advanceTo(step, cancel);
      const range = s.step.range;
      return { sample: sampleBehaviour(s), reached: s.step.index, line: range === null ? null : range.start.line };
    };
    const a = at(first);
    const b = at(second);
    const what = differences(a.sample, b.sample);
    if (a.reached !== b.reached) what.push({ what: 'steps run', first: a.reached, second: b.reached });
    return { step, line: a.line ?? b.line, first, second, differences: what };
  }
}

/** Every design of `designs` at once (the CLI, `swapsim serve`, tests). */
export function compareDesigns(
  session: Session,
  designs: readonly DesignName[],
  at: number,
  cancel?: CancelSignal,
): CompareResult {
  const comparison = new DesignComparison(session.uri, session.text, session.buildOptions, at, session.step.total);
  for (const design of designs) {
    if (cancel?.isCancellationRequested) break;
    comparison.add(design, cancel);
  }
  return comparison.result(cancel);
}
