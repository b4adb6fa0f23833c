/**
 * `swapsim verify --fuzz N --seed S`: differential testing of the simulator
 * against a real kernel. N random scenarios (fuzz_gen.ts) run on the kernel;
 * what the kernel reported is kept as a fixture next to each scenario in the
 * run's folder, so a run that stops keeps every result and the next run with
 * the same seed carries on where it stopped. Each fixture is then checked
 * against today's simulator (as `npm test` checks the suite's): the first
 * observable outside the kernel's spread is the scenario's divergence. A
 * divergent scenario gets more runs to confirm the spread, and one scenario
 * per kind of divergence is shrunk, line by line, to a minimal one that still
 * diverges on the kernel; it is saved with its fixture.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import type { VerifyObservable, VerifyScenarioReport } from '../../shared/protocol';
import { verdictOf } from './compare';
import { checkFixture, fixturePath, readFixture, recordFixture } from './fixtures';
import { cleanScenario, generateScenario } from './fuzz_gen';
import { translate, TranslateError, scenarioHash } from './translate';
import type { ScenarioInput } from './run';
import { kernelProfileForSeries } from './profile';

/** Runs scenarios on the kernel: one report per input, `runs` boots each. */
export type KernelRunner = (inputs: readonly ScenarioInput[], runs: number) => Promise<VerifyScenarioReport[]>;

export interface FuzzOptions {
  readonly count: number;
  readonly seed: number;
  /** Kernel series the runner boots (fixtures are named after it). */
  readonly series: string;
  /** Folder of the run: scenarios, fixtures, shrunk scenarios. */
  readonly dir: string;
  /** VMs at once. */
  readonly jobs: number;
  /** Scenarios per boot (1: a boot each; more: batched runs, docs/verify.md). */
  readonly batch: number;
  /** Runs a divergent scenario needs before it counts (the kernel's spread). */
  readonly confirmRuns: number;
  /** Boots the shrinker may spend in all (0: do not shrink). */
  readonly shrinkBoots: number;
  /** Copy each shrunk scenario and its fixture here too (the repository's suite). */
  readonly saveDir: string | null;
  readonly progress: (message: string) => void;
}

export interface Divergence {
  readonly file: string;
  /** What kind of observable diverged, with step numbers and values left out: shrinking keeps it. */
  readonly signature: string;
  readonly first: string;
}

export interface FuzzResult {
  readonly series: string;
  readonly seed: number;
  readonly scenarios: number;
  readonly verified: number;
  readonly failed: readonly string[];
  readonly divergences: readonly Divergence[];
  /** Per signature: the shrunk scenario (its path), or why there is none. */
  readonly shrunk: ReadonlyMap<string, { file: string | null; lines: number | null; note: string }>;
}

const scenarioName = (seed: number, i: number): string => `fuzz-${seed}-${String(i).padStart(4, '0')}`;

/** `/proc/swaps /dev/vdb Used` → `/proc/swaps DEV Used`; a command's result by its command word. */
export function signatureOf(o: Pick<VerifyObservable, 'kind' | 'label'>): string {
  if (o.kind === 'result') return `result of ${o.label.replace(/^result of\s+/, '').split(/\s+/)[0] ?? ''}`;
  return o.label.replace(/\/dev\/[a-z0-9]+/g, 'DEV');
}

/** The first observable (by step) outside the kernel's spread, unless a fixture marks it known. */
export function firstDivergence(report: VerifyScenarioReport): VerifyObservable | null {
  const differs = report.observables.filter((o) => o.verdict === 'differs' && !o.known);
  if (differs.length === 0) return null;
  return differs.reduce((a, b) => (b.step < a.step ? b : a));
}

const describe = (o: VerifyObservable): string =>
  `${o.label} (line ${o.line + 1}, step ${o.step}): kernel ${o.kernel.map(String).join('|')}, simulator ${String(o.simulator)}`;

/** The scenario's fixture checked against today's simulator, or null when it has none yet. */
function checked(file: string, series: string): VerifyScenarioReport | null {
  const fx = fixturePath(file, series);
  if (!existsSync(fx)) return null;
  const c = checkFixture(fx);
  return c.report.error ? null : c.report;
}

/** Is a recorded fixture of this exact text there? */
function recorded(file: string, series: string): boolean {
  const fx = fixturePath(file, series);
  if (!existsSync(fx) || !existsSync(file)) return false;
  return readFixture(fx).scenarioHash === scenarioHash(readFileSync(file, 'utf8'));
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (batch: readonly T[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await work(items.slice(i, i + size));
}

/** Run the fuzz campaign; every kernel result is on disk before the next batch starts. */
export async function fuzz(o: FuzzOptions, runKernel: KernelRunner): Promise<FuzzResult> {
  mkdirSync(o.dir, { recursive: true });
  const files: string[] = [];
  const failed: string[] = [];
  for (let i = 0; i < o.count; i++) {
    const file = path.join(o.dir, `${scenarioName(o.seed, i)}.swapsim`);
    const text = generateScenario(o.seed, i);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
    files.push(file);
  }
  const errorFile = (f: string): string => f.replace(/\.swapsim$/, `.error.${o.series}.txt`);
  const todo = files.filter((f) => !recorded(f, o.series) && !existsSync(errorFile(f)));
  o.progress(
    `fuzz seed ${o.seed} on ${o.series}: ${o.count} scenarios, ${o.count - todo.length} already run, ${todo.length} to run`,
  );
  let done = o.count - todo.length;
  await inBatches(todo, o.jobs * o.batch, async (batch) => {
    const reports = await runKernel(
      batch.map((file) => ({ file, text: readFileSync(file, 'utf8') })),
      1,
    );
    for (const r of reports) {
      if (r.error) writeFileSync(errorFile(r.file), r.error + '\n');
      else recordFixture(r.file, r);
      done++;
    }
    o.progress(`fuzz: ${done}/${o.count} scenarios run on ${o.series}`);
  });
  for (const f of files)
    if (existsSync(errorFile(f))) failed.push(`${path.basename(f)}: ${readFileSync(errorFile(f), 'utf8').trim()}`);

  // confirm: a divergence on one run may be the kernel's own spread
  const divergent = (): { file: string; report: VerifyScenarioReport; first: VerifyObservable }[] => {
    const out: { file: string; report: VerifyScenarioReport; first: VerifyObservable }[] = [];
    for (const file of files) {
      const report = checked(file, o.series);
      const first = report ? firstDivergence(report) : null;
      if (report && first) out.push({ file, report, first });
    }
    return out;
  };
  const unconfirmed = divergent().filter((d) => d.report.runs < o.confirmRuns);
  if (unconfirmed.length > 0)
    o.progress(
      `fuzz: ${unconfirmed.length} divergent scenarios get ${o.confirmRuns - 1} more run(s) for the kernel's spread`,
    );
  await inBatches(unconfirmed, o.jobs * o.batch, async (batch) => {
    const reports = await runKernel(
      batch.map((d) => ({ file: d.file, text: readFileSync(d.file, 'utf8') })),
      o.confirmRuns - batch[0]!.report.runs,
    );
    for (const r of reports) if (!r.error) recordFixture(r.file, r, true);
  });

  const divergences: Divergence[] = divergent().map((d) => ({
    file: d.file,
    signature: signatureOf(d.first),
    first: describe(d.first),
  }));
  const shrunk = new Map<string, { file: string | null; lines: number | null; note: string }>();
  let boots = 0;
  for (const d of divergences) {
    if (shrunk.has(d.signature)) continue;
    const minFile = d.file.replace(/\.swapsim$/, '-min.swapsim');
    if (recorded(minFile, o.series)) {
      shrunk.set(d.signature, {
        file: minFile,
        lines: statementCount(readFileSync(minFile, 'utf8')),
        note: 'shrunk earlier',
      });
      continue;
    }
    if (boots >= o.shrinkBoots) {
      shrunk.set(d.signature, {
        file: null,
        lines: null,
        note: 'not shrunk: the shrink budget (--shrink-boots) is spent',
      });
      continue;
    }
    o.progress(`fuzz: shrinking ${path.basename(d.file)} (${d.signature})`);
    const r = await shrink(readFileSync(d.file, 'utf8'), d.signature, o, runKernel, o.shrinkBoots - boots, minFile);
    boots += r.boots;
    shrunk.set(d.signature, { file: minFile, lines: statementCount(r.text), note: `${r.boots} boots` });
    if (o.saveDir) {
      mkdirSync(o.saveDir, { recursive: true });
      const dest = path.join(o.saveDir, path.basename(minFile));
      copyFileSync(minFile, dest);
      copyFileSync(fixturePath(minFile, o.series), fixturePath(dest, o.series));
    }
  }
  const verified = files.filter((f) => recorded(f, o.series)).length;
  return { series: o.series, seed: o.seed, scenarios: files.length, verified, failed, divergences, shrunk };
}

/** Statements of a scenario: lines that are neither blank nor comments. */
export function statementCount(text: string): number {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;
}

/** Does the report show a divergence of this kind? */
function divergesAs(report: VerifyScenarioReport, signature: string): boolean {
  return report.observables.some((x) => signatureOf(x) === signature && verdictOf(x.simulator, x.kernel) === 'differs');
}

/** Does the translated scenario read an observable of this kind at all (no boot needed to rule a candidate out)? */
function reads(text: string, signature: string, series: string): boolean {
  try {
    const plan = translate(text, kernelProfileForSeries(series));
    return plan.wholeScenario === null && plan.observables.some((x) => x.read !== null && signatureOf(x) === signature);
  } catch (e) {
    if (e instanceof TranslateError) return false;
    throw e;
  }
}

/**
 * Greedy shrinking (delta debugging without the complement step): try
 * dropping blocks of 8, 4, 2 and 1 statements, last first; keep a smaller
 * scenario when it still checks, still reads an observable of the same kind
 * and still diverges on the kernel (one run). The result is recorded with
 * `confirmRuns` runs as the minimal scenario's fixture at `minFile`.
 */
export async function shrink(
  text: string,
  signature: string,
  o: Pick<FuzzOptions, 'series' | 'confirmRuns' | 'progress'>,
  runKernel: KernelRunner,
  budget: number,
  minFile: string,
): Promise<{ text: string; boots: number }> {
  let lines = text.replace(/\n$/, '').split('\n');
  let boots = 0;
  const header = 2; // the comment and the config line stay
  const tryText = async (cand: string[]): Promise<VerifyScenarioReport | null> => {
    const t = cand.join('\n') + '\n';
    if (!reads(t, signature, o.series)) return null;
    writeFileSync(minFile, t);
    boots++;
    const [r] = await runKernel([{ file: minFile, text: t }], 1);
    return r && !r.error && divergesAs(r, signature) ? r : null;
  };
  let best: VerifyScenarioReport | null = null;
  for (const block of [8, 4, 2, 1]) {
    let changed = true;
    while (changed && boots < budget) {
      changed = false;
      for (let end = lines.length; end > header && boots < budget; end--) {
        const start = Math.max(header, end - block);
        let cand: string[];
        try {
          cand = cleanScenario([...lines.slice(0, start), ...lines.slice(end)]);
        } catch {
          continue;
        }
        if (cand.length >= lines.length) continue;
        const r = await tryText(cand);
        if (r) {
          o.progress(`fuzz: shrunk to ${statementCount(cand.join('\n'))} statements`);
          lines = cand;
          best = r;
          changed = true;
          end = Math.min(end, lines.length + 1);
        }
      }
    }
  }
  const final = lines.join('\n') + '\n';
  writeFileSync(minFile, final);
  // record the minimal scenario with the runs the kernel's spread needs
  const fx = fixturePath(minFile, o.series);
  if (existsSync(fx)) rmSync(fx);
  if (best && best.scenarioHash === scenarioHash(final)) recordFixture(minFile, best);
  const more = best ? o.confirmRuns - best.runs : o.confirmRuns;
  if (more > 0) {
    boots += more;
    const [r] = await runKernel([{ file: minFile, text: final }], more);
    if (r && !r.error) recordFixture(minFile, r, best !== null);
  }
  return { text: final, boots };
}

/** The fuzz scenarios of a folder that have a fixture for `series` (for reports over earlier runs). */
export function fuzzFixtures(dir: string, series: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.swapsim'))
    .map((n) => path.join(dir, n))
    .filter((f) => existsSync(fixturePath(f, series)));
}

/** The campaign's summary as the CLI prints it. */
export function formatFuzzResult(r: FuzzResult): string {
  const out: string[] = [
    `swapsim verify --fuzz: seed ${r.seed} on ${r.series}: ${r.verified}/${r.scenarios} scenarios ran on the kernel, ${r.divergences.length} diverge, ${r.failed.length} could not run`,
  ];
  const bySig = new Map<string, Divergence[]>();
  for (const d of r.divergences) bySig.set(d.signature, [...(bySig.get(d.signature) ?? []), d]);
  for (const [sig, ds] of [...bySig].sort((a, b) => b[1].length - a[1].length)) {
    const s = r.shrunk.get(sig);
    const shrunk = s?.file ? `shrunk to ${s.lines} statements: ${s.file}` : (s?.note ?? 'not shrunk');
    out.push(`  ${sig}: ${ds.length} scenario(s), e.g. ${path.basename(ds[0]!.file)}: ${ds[0]!.first}; ${shrunk}`);
  }
  for (const f of r.failed) out.push(`  could not run: ${f}`);
  return out.join('\n') + '\n';
}
