/**
 * Recorded fixtures: what a real kernel reported for a scenario (every run's
 * value of every observable), kept next to the scenario as
 * `NAME.verify.SERIES.json`. `npm test` checks the simulator against them
 * with no VM: each observable must fall within the kernel's recorded spread,
 * unless the fixture marks it as a known difference with a reason.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { VerifyObservable, VerifyRunInfo, VerifyScenarioReport, VerifyValue } from '../../shared/protocol';
import { summarize, verdictOf } from './compare';
import { writeCacheFile } from './kernels';
import { translate, TranslateError } from './translate';
import { kernelProfileForSeries } from './profile';

/**
 * One observable as recorded: every run's kernel value; the simulator's value
 * is kept for readers (the check recomputes it); `known` marks a known
 * difference with its reason (issue #17 calibrates these).
 */
export type FixtureObservable = Pick<
  VerifyObservable,
  'key' | 'line' | 'kind' | 'label' | 'unit' | 'kernel' | 'simulator' | 'known'
>;

export interface Fixture extends VerifyRunInfo {
  readonly version: 1;
  /** The scenario's file name, relative to the fixture's folder. */
  readonly scenario: string;
  readonly observables: readonly FixtureObservable[];
}

/** `examples/basic.swapsim` + `7.2` → `examples/basic.verify.7.2.json`. */
export function fixturePath(scenario: string, series: string): string {
  return path.join(path.dirname(scenario), `${path.basename(scenario, '.swapsim')}.verify.${series}.json`);
}

/** Every fixture under the given folders (not recursive into node_modules). */
export function findFixtures(dirs: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.verify\.\d+\.\d+\.json$/.test(e.name)) found.push(p);
    }
  };
  dirs.forEach(walk);
  return found.sort();
}

export function readFixture(file: string): Fixture {
  const f = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
  if (f.version !== 1 || !Array.isArray(f.observables))
    throw new Error(`${file}: not a swapsim verify fixture (version 1)`);
  return f;
}

/**
 * Write a report as a fixture, keeping the `known` marks of an older fixture
 * for observables that still differ. With `append`, the runs of an older
 * fixture of the same scenario text on the same kernel build come first.
 */
export function recordFixture(scenarioFile: string, report: VerifyScenarioReport, append = false): string {
  const file = fixturePath(scenarioFile, report.kernel.series);
  const old = existsSync(file) ? readFixture(file) : null;
  const r = append && old && sameRecording(old, report) ? appendRuns(old, report) : report;
  const marks = new Map((old?.observables ?? []).filter((o) => o.known).map((o) => [o.key, o.known!]));
  const observables: FixtureObservable[] = r.observables
    .filter((o) => o.verdict !== 'simulator-only')
    .map((o) => {
      const base = {
        key: o.key,
        line: o.line,
        kind: o.kind,
        label: o.label,
        unit: o.unit,
        kernel: o.kernel,
        simulator: o.simulator,
      };
      const known = marks.get(o.key);
      return known !== undefined && o.verdict === 'differs' ? { ...base, known } : base;
    });
  const fixture: Fixture = { version: 1, scenario: path.basename(scenarioFile), ...runInfo(r), observables };
  writeCacheFile(file, JSON.stringify(fixture, null, 1) + '\n');
  return file;
}

/** The fields a fixture and a report share, as the report has them. */
function runInfo(r: VerifyRunInfo): VerifyRunInfo {
  const { scenarioHash, kernel, design, runs, accel, runWallMs, bootMs, simulatorOnly } = r;
  return { scenarioHash, kernel, design, runs, accel, runWallMs, bootMs, simulatorOnly };
}

/** A fixture as a report (accel `fixture`) over the given observables. */
function fixtureReport(f: Fixture, scenario: string, observables: VerifyObservable[]): VerifyScenarioReport {
  return { ...runInfo(f), accel: 'fixture', file: scenario, observables, summary: summarize(observables) };
}

function sameRecording(f: Fixture, r: VerifyScenarioReport): boolean {
  return (
    f.scenarioHash === r.scenarioHash &&
    f.kernel.release === r.kernel.release &&
    f.kernel.configHash === r.kernel.configHash &&
    f.design === r.design
  );
}

/** The report with the fixture's earlier runs before its own. */
function appendRuns(f: Fixture, r: VerifyScenarioReport): VerifyScenarioReport {
  const earlier = new Map(f.observables.map((o) => [o.key, o.kernel]));
  const observables = r.observables.map((o) => {
    const before = earlier.get(o.key);
    if (!before || o.verdict === 'simulator-only') return o;
    const kernel = [...before, ...o.kernel];
    return { ...o, kernel, verdict: verdictOf(o.simulator, kernel) };
  });
  return {
    ...r,
    runs: f.runs + r.runs,
    runWallMs: [...f.runWallMs, ...r.runWallMs],
    bootMs: [...f.bootMs, ...r.bootMs],
    observables,
    summary: summarize(observables),
  };
}

export interface FixtureCheck {
  readonly fixture: string;
  readonly series: string;
  /** Observables compared, and those within the kernel's spread (exact included). */
  readonly total: number;
  readonly within: number;
  /** Differences marked known: key, both values, reason. */
  readonly known: readonly string[];
  /** What makes the check fail: unmarked differences, stale fixtures, marks that no longer apply. */
  readonly failures: readonly string[];
  /** The fixture as a report (accel `fixture`), with today's simulator values. */
  readonly report: VerifyScenarioReport;
}

const show = (v: VerifyValue | null): string => (v === null ? '-' : String(v));
const spread = (vs: readonly VerifyValue[]): string => {
  if (vs.every((v) => typeof v === 'number')) {
    const n = vs as readonly number[];
    return Math.min(...n) === Math.max(...n) ? String(n[0]) : `${Math.min(...n)}–${Math.max(...n)}`;
  }
  return [...new Set(vs.map(String))].join('|');
};

/** Check today's simulator against one fixture. */
export function checkFixture(file: string): FixtureCheck {
  const f = readFixture(file);
  const scenario = path.join(path.dirname(file), f.scenario);
  const failures: string[] = [];
  const known: string[] = [];
  const text = existsSync(scenario) ? readFileSync(scenario, 'utf8') : null;
  const empty = (error: string): FixtureCheck => ({
    fixture: file,
    series: f.kernel.series,
    total: 0,
    within: 0,
    known,
    failures: [...failures, error],
    report: { ...fixtureReport(f, scenario, []), error },
  });
  if (text === null) return empty(`${file}: its scenario ${f.scenario} is gone`);
  let plan;
  try {
    // the fixture's kernel profile: its release's behaviour and the design mainline had then
    plan = translate(text, kernelProfileForSeries(f.kernel.series), scenario);
  } catch (e) {
    if (e instanceof TranslateError)
      return empty(`${file}: ${f.scenario} no longer checks (${e.message}): fix it and record it again`);
    throw e;
  }
  if (plan.scenarioHash !== f.scenarioHash)
    return empty(
      `${file}: ${f.scenario} changed since it was recorded (hash ${plan.scenarioHash}, fixture ${f.scenarioHash}): record it again with swapsim verify --record`,
    );
  const planned = new Map(plan.observables.map((o) => [o.key, o]));
  const observables: VerifyObservable[] = [];
  let within = 0;
  for (const o of f.observables) {
    const p = planned.get(o.key);
    if (!p || p.read === null) {
      failures.push(`${f.scenario}:${o.line + 1} ${o.label}: recorded but no longer read by the translation`);
      continue;
    }
    const verdict = verdictOf(p.simulator, o.kernel);
    const where = `${f.scenario}:${p.line + 1} (step ${p.step}) ${o.label}: kernel ${spread(o.kernel)}, simulator ${show(p.simulator)}`;
    if (verdict === 'differs') {
      if (o.known) known.push(`${where} — known: ${o.known}`);
      else failures.push(where);
    } else {
      within++;
      if (o.known)
        failures.push(
          `${where}: marked as a known difference (${o.known}) but now within the kernel's spread; remove the mark`,
        );
    }
    observables.push({
      key: o.key,
      step: p.step,
      line: p.line,
      kind: o.kind,
      label: o.label,
      unit: o.unit,
      simulator: p.simulator,
      kernel: o.kernel,
      verdict,
      ...(o.known ? { known: o.known } : {}),
    });
  }
  const recorded = new Set(f.observables.map((o) => o.key));
  for (const p of plan.observables) {
    if (p.read !== null && !recorded.has(p.key))
      failures.push(
        `${f.scenario}:${p.line + 1} ${p.label}: read by the translation but not in the fixture: record it again`,
      );
  }
  const report = fixtureReport(f, scenario, observables);
  return { fixture: file, series: f.kernel.series, total: f.observables.length, within, known, failures, report };
}
