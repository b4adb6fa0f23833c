/**
 * `swapsim verify FILE…`: run scenarios on a real Linux kernel under qemu
 * and show, per step and observable, where the kernel and the simulator
 * agree. See docs/verify.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { VerifyReport, VerifyScenarioReport } from '../../shared/protocol';
import { formatReport, summarize } from '../verify/compare';
import { checkFixture, fixturePath, readFixture, recordFixture } from '../verify/fixtures';
import { VerifyError } from '../verify/kernels';
import { prepareKernel, verifyScenarios, verifyScenariosBatched, type VerifyOptions } from '../verify/run';
import { formatFuzzResult, fuzz, type KernelRunner } from '../verify/fuzz';
import { cacheRoot } from '../verify/kernels';
import path from 'node:path';
import { Cancelled } from '../verify/vm';
import { parseArgs, UsageError, wantsHelp } from './args';
import { err, out, readScenario } from './io';

export const VERIFY_HELP = `Usage: swapsim verify FILE... [--kernel VERSION|PATH] [--modules DIR] [--runs N]
                      [--jobs N] [--json] [--record [--append]] [--shard I/N] [--accel kvm|tcg]
                      [--timeout SECONDS] [--from-fixture] [--keep] [--batch N]
       swapsim verify --merge REPORT.json... [--json]
       swapsim verify --fuzz N [--seed S] [--kernel V] [--jobs N] [--out DIR]
                      [--confirm-runs N] [--shrink-boots N] [--save DIR] [--batch N]

Run each scenario on a real Linux kernel in a qemu VM and compare every
observable an expect line or the run dump reads with the simulator's value
under the matching design profile. Per step and observable it prints the
kernel's values over the runs (min–max), the simulator's value, and a verdict:
exact, within spread, DIFFERS, or simulator-only (no real-kernel meaning).

Options:
  --kernel V|PATH   a Debian kernel version prefix (7.2, 6.12, 7.3; fetched once into
                    $XDG_CACHE_HOME/swapsim) or the path of your own bzImage (default 7.2)
  --modules DIR     modules for a bzImage (a folder with lib/modules/RELEASE)
  --runs N          boots per scenario, for the run-to-run spread (default 3)
  --jobs N          VMs at once (default 1; two fit on two cores)
  --accel A         kvm or tcg (default: KVM when a probe boot works, else TCG)
  --timeout SECONDS per run (default: from the scenario's size)
  --json            print a VerifyReport as JSON
  --record          write NAME.verify.SERIES.json next to each scenario
  --append          with --record: add these runs to the fixture's (same scenario text and kernel build)
  --from-fixture    no VM: take the kernel's values from the recorded fixture
  --shard I/N       verify only every N-th file starting at the I-th (1-based)
  --merge           FILE... are --json reports of shards: print them as one
  --keep            keep each run's folder (disks, console log) and print it
  --batch N         run up to N scenarios in one boot, the guest resetting the kernel between
                    them (only scenarios with block-device swap and the same RAM and CPUs;
                    default 1, and 20 with --fuzz; docs/verify.md, "Batched runs")
  --fuzz N          differential fuzzing: N random scenarios run on the kernel and in the
                    simulator; each kernel result is kept in --out (default
                    $XDG_CACHE_HOME/swapsim/fuzz/SERIES-seedS), so a rerun with the same seed
                    carries on; the first observable outside the kernel's spread is reported,
                    and one scenario per kind of divergence is shrunk and saved with its fixture
  --seed S          the fuzz seed (default 1)
  --confirm-runs N  runs a divergent fuzz scenario gets before it counts (default 2)
  --shrink-boots N  boots the shrinker may spend (default 60; 0: do not shrink)
  --save DIR        also copy each shrunk scenario and its fixture to DIR
  -h, --help        show this help

Exit status: 0 nothing differs (or only differences a fixture marks as known),
1 something differs or a scenario could not be verified, 2 usage or setup error.
`;

interface Shard {
  index: number;
  count: number;
}

function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError(`swapsim verify: --shard ${text}: expected I/N with 1 ≤ I ≤ N`);
  return { index, count };
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`swapsim verify: ${name} ${text}: expected a positive integer`);
  return Number(text);
}

/** Apply the known-difference marks of a scenario's fixture to a live report. */
function withKnownMarks(r: VerifyScenarioReport): VerifyScenarioReport {
  const file = fixturePath(r.file, r.kernel.series);
  if (!existsSync(file)) return r;
  const marks = new Map(
    readFixture(file)
      .observables.filter((o) => o.known)
      .map((o) => [o.key, o.known!]),
  );
  if (marks.size === 0) return r;
  return {
    ...r,
    observables: r.observables.map((o) =>
      marks.has(o.key) && o.verdict === 'differs' ? { ...o, known: marks.get(o.key)! } : o,
    ),
  };
}

/** Unmarked differences and failed scenarios make the exit status 1. */
function failing(reports: readonly VerifyScenarioReport[]): boolean {
  return reports.some((r) => r.error !== undefined || r.observables.some((o) => o.verdict === 'differs' && !o.known));
}

function print(reports: readonly VerifyScenarioReport[], json: boolean, shard?: Shard): void {
  if (json) {
    const report: VerifyReport = { version: 1, scenarios: reports, ...(shard ? { shard } : {}) };
    out(JSON.stringify(report, null, 1) + '\n');
    return;
  }
  for (const r of reports) out(formatReport(r) + '\n');
  if (reports.length > 1) {
    const all = summarize(reports.flatMap((r) => r.observables));
    const errors = reports.filter((r) => r.error).length;
    out(
      `# ${reports.length} scenarios: ${all.exact} exact, ${all['within-spread']} within spread, ${all.differs} differ, ${all['simulator-only']} simulator-only${errors ? `, ${errors} could not be verified` : ''}\n`,
    );
  }
}

function mergeReports(files: readonly string[]): VerifyScenarioReport[] {
  const scenarios: VerifyScenarioReport[] = [];
  for (const f of files) {
    let parsed: VerifyReport;
    try {
      parsed = JSON.parse(readFileSync(f, 'utf8')) as VerifyReport;
    } catch (e) {
      throw new UsageError(`swapsim verify --merge: ${f}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (parsed.version !== 1 || !Array.isArray(parsed.scenarios))
      throw new UsageError(`swapsim verify --merge: ${f} is not a swapsim verify --json report`);
    scenarios.push(...parsed.scenarios);
  }
  return scenarios;
}

/** Progress to stderr; step counters at most every few seconds per file. */
function progressPrinter(): VerifyOptions['progress'] {
  const lastStep = new Map<string, number>();
  return (file, message) => {
    const key = file ?? '';
    if (/: step \d+\/\d+$/.test(message)) {
      const now = Date.now();
      if (now - (lastStep.get(key) ?? 0) < 5000) return;
      lastStep.set(key, now);
    }
    err(`${file ? `[${file}] ` : ''}${message}\n`);
  };
}

function verifyOptions(opts: ReadonlyMap<string, string>, flags: ReadonlySet<string>, runs: number): VerifyOptions {
  const accelText = opts.get('--accel');
  if (accelText !== undefined && accelText !== 'kvm' && accelText !== 'tcg')
    throw new UsageError(`swapsim verify: --accel ${accelText}: expected kvm or tcg`);
  const timeoutText = opts.get('--timeout');
  return {
    kernel: opts.get('--kernel') ?? '7.2',
    modules: opts.get('--modules') ?? null,
    runs: positiveInt('--runs', opts.get('--runs'), runs),
    jobs: positiveInt('--jobs', opts.get('--jobs'), 1),
    accel: (accelText as 'kvm' | 'tcg' | undefined) ?? 'auto',
    timeoutMs: timeoutText === undefined ? null : positiveInt('--timeout', timeoutText, 1) * 1000,
    progress: progressPrinter(),
    keepRuns: flags.has('--keep'),
  };
}

/** Run `work` with Ctrl-C and SIGTERM turned into an abort (every qemu is killed). */
async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

function nonNegativeInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`swapsim verify: ${name} ${text}: expected a whole number`);
  return Number(text);
}

/** `swapsim verify --fuzz N`: see server/verify/fuzz.ts. */
async function fuzzCommand(
  opts: ReadonlyMap<string, string>,
  positionals: readonly string[],
  json: boolean,
): Promise<number> {
  if (positionals.length > 0)
    throw new UsageError('swapsim verify --fuzz: takes no FILE (the scenarios are generated)');
  const count = positiveInt('--fuzz', opts.get('--fuzz'), 1);
  const seed = nonNegativeInt('--seed', opts.get('--seed'), 1);
  const options = verifyOptions(opts, new Set(), 1);
  const result = await withInterrupt(async (signal) => {
    const prepared = await prepareKernel({ ...options, signal });
    const series = prepared.kernel.series;
    const dir = opts.get('--out') ?? path.join(cacheRoot(), 'fuzz', `${series}-seed${seed}`);
    const batch = positiveInt('--batch', opts.get('--batch'), 20);
    const runKernel: KernelRunner = (inputs, runs) =>
      batch > 1
        ? verifyScenariosBatched(inputs, { ...options, runs, signal }, batch, prepared)
        : verifyScenarios(inputs, { ...options, runs, signal }, prepared);
    return fuzz(
      {
        count,
        seed,
        series,
        dir,
        jobs: options.jobs,
        batch,
        confirmRuns: positiveInt('--confirm-runs', opts.get('--confirm-runs'), 2),
        shrinkBoots: nonNegativeInt('--shrink-boots', opts.get('--shrink-boots'), 60),
        saveDir: opts.get('--save') ?? null,
        progress: (m) => err(`${m}\n`),
      },
      runKernel,
    );
  });
  out(
    json
      ? JSON.stringify({ ...result, shrunk: Object.fromEntries(result.shrunk) }, null, 1) + '\n'
      : formatFuzzResult(result),
  );
  return result.divergences.length > 0 || result.failed.length > 0 ? 1 : 0;
}

export async function verifyCommand(args: readonly string[]): Promise<number> {
  if (wantsHelp(args)) {
    out(VERIFY_HELP);
    return 0;
  }
  try {
    const parsed = parseArgs('verify', args, {
      flags: ['--json', '--record', '--append', '--merge', '--from-fixture', '--keep'],
      options: [
        '--kernel',
        '--modules',
        '--runs',
        '--jobs',
        '--shard',
        '--accel',
        '--timeout',
        '--fuzz',
        '--seed',
        '--out',
        '--confirm-runs',
        '--shrink-boots',
        '--save',
        '--batch',
      ],
    });
    const json = parsed.flags.has('--json');
    if (parsed.options.has('--fuzz')) return await fuzzCommand(parsed.options, parsed.positionals, json);
    if (parsed.positionals.length === 0)
      throw new UsageError(`swapsim verify: expected at least one FILE\n${VERIFY_HELP}`);
    if (parsed.flags.has('--merge')) {
      const reports = mergeReports(parsed.positionals);
      print(reports, json);
      return failing(reports) ? 1 : 0;
    }
    const shard = parsed.options.has('--shard') ? parseShard(parsed.options.get('--shard')!) : undefined;
    const files = parsed.positionals.filter((_, i) => !shard || i % shard.count === shard.index - 1);
    const inputs = files.map((file) => ({ file, text: readScenario(file) }));
    const kernelSpec = parsed.options.get('--kernel') ?? '7.2';
    if (parsed.flags.has('--from-fixture')) {
      const reports = inputs.map((i) => {
        const fx = fixturePath(i.file, kernelSpec);
        if (!existsSync(fx))
          throw new UsageError(`swapsim verify: no fixture ${fx} (record one with --record --kernel ${kernelSpec})`);
        return checkFixture(fx).report;
      });
      print(reports, json, shard);
      return failing(reports) ? 1 : 0;
    }
    const options = verifyOptions(parsed.options, parsed.flags, 3);
    const batch = positiveInt('--batch', parsed.options.get('--batch'), 1);
    const reports = (
      await withInterrupt((signal) =>
        batch > 1
          ? verifyScenariosBatched(inputs, { ...options, signal }, batch)
          : verifyScenarios(inputs, { ...options, signal }),
      )
    ).map(withKnownMarks);
    if (parsed.flags.has('--record')) {
      for (const r of reports) {
        if (r.error) continue;
        const written = recordFixture(r.file, r, parsed.flags.has('--append'));
        err(`recorded ${written}\n`);
      }
    }
    print(reports, json, shard);
    return failing(reports) ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof VerifyError) {
      err(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
      return 2;
    }
    if (e instanceof Cancelled) {
      err('swapsim verify: cancelled; qemu stopped\n');
      return 130;
    }
    throw e;
  }
}
