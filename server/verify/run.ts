/**
 * `swapsim verify` end to end: resolve the kernel, build the guest image,
 * translate each scenario (running the simulator alongside), boot the
 * guest `runs` times per scenario (`jobs` VMs at once), and line the
 * kernel's values up with the simulator's.
 */
import type { VerifyObservable, VerifyScenarioReport, VerifyValue } from '../../shared/protocol';
import { summarize, verdictOf } from './compare';
import { baseImage, type BaseImage } from './guest_image';
import { kernelValue, type GuestOutput } from './kernel_values';
import { missingOptions, resolveKernel, VerifyError, type KernelImage } from './kernels';
import { translate, TranslateError, type GuestPlan } from './translate';
import { kernelProfileForSeries } from './profile';
import {
  batchable,
  Cancelled,
  defaultTimeoutMs,
  GuestFailure,
  BootFailure,
  kvmWorks,
  requireQemu,
  runVmBatch,
  runVmWithRetry,
  type Accel,
} from './vm';
import type { GuestOutput as Output } from './kernel_values';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export { designForSeries } from './profile';

export interface VerifyOptions {
  readonly kernel: string;
  readonly modules: string | null;
  readonly runs: number;
  readonly jobs: number;
  readonly accel: 'auto' | Accel;
  readonly timeoutMs: number | null;
  /** Progress lines, per scenario file (or null for the kernel and image). */
  readonly progress: (file: string | null, message: string) => void;
  readonly signal?: AbortSignal;
  readonly keepRuns?: boolean;
}

export interface ScenarioInput {
  readonly file: string;
  readonly text: string;
}

export interface PreparedKernel {
  readonly kernel: KernelImage;
  readonly base: BaseImage;
  readonly accel: Accel;
}

/** Kernel, options check, guest image and accelerator: everything before the first scenario boots. */
export async function prepareKernel(o: VerifyOptions): Promise<PreparedKernel> {
  requireQemu();
  const say = (m: string): void => o.progress(null, m);
  const kernel = await resolveKernel(o.kernel, o.modules, say, o.signal);
  const moduleNames = new Set<string>();
  if (kernel.modulesDir !== null) collectModules(kernel.modulesDir, moduleNames);
  const missing = missingOptions(kernel, (m) => moduleNames.has(m));
  if (missing.length > 0)
    throw new VerifyError(
      `swapsim verify: ${kernel.vmlinuz} (${kernel.release}) lacks what the guest needs:\n  ${missing.join('\n  ')}`,
    );
  const base = await baseImage(kernel, say, o.signal);
  let accel: Accel = o.accel === 'auto' ? 'tcg' : o.accel;
  if (o.accel === 'auto') {
    say('probing KVM with a short boot');
    accel = (await kvmWorks(kernel)) ? 'kvm' : 'tcg';
  }
  say(`kernel ${kernel.release} (${kernel.source}), ${accel.toUpperCase()}`);
  return { kernel, base, accel };
}

function collectModules(dir: string, into: Set<string>, depth = 0): void {
  if (depth > 8 || !existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) collectModules(path.join(dir, e.name), into, depth + 1);
    else {
      const m = /^(.+)\.ko(\.(xz|zst|gz))?$/.exec(e.name);
      if (m) into.add(m[1]!.replace(/-/g, '_'));
    }
  }
}

/** The report of one scenario from its plan and the outputs of its runs. */
export function buildReport(
  input: ScenarioInput,
  plan: GuestPlan,
  prepared: { kernel: KernelImage; accel: string },
  outputs: readonly GuestOutput[],
  timing: { wallMs: number[]; bootMs: number[] },
  error?: string,
): VerifyScenarioReport {
  const observables: VerifyObservable[] = error
    ? []
    : plan.observables.map((p) => {
        const kernel: VerifyValue[] = p.read === null ? [] : outputs.map((out) => kernelValue(out, p.step, p.read!));
        const base = {
          key: p.key,
          step: p.step,
          line: p.line,
          kind: p.kind,
          label: p.label,
          unit: p.unit,
          simulator: p.simulator,
          kernel,
          verdict: verdictOf(p.read === null ? null : p.simulator, kernel),
        };
        return p.note ? { ...base, note: p.note } : base;
      });
  const k = prepared.kernel;
  return {
    file: input.file,
    scenarioHash: plan.scenarioHash,
    kernel: { series: k.series, release: k.release, configHash: k.configHash, source: k.source },
    design: plan.design,
    runs: outputs.length,
    accel: prepared.accel,
    runWallMs: timing.wallMs,
    bootMs: timing.bootMs,
    observables,
    simulatorOnly: plan.simulatorOnly,
    summary: summarize(observables),
    ...(error ? { error } : {}),
  };
}

/** Run `n` async jobs with at most `jobs` at once, in order of start. */
async function pool<T>(count: number, jobs: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, count)) }, () => worker()));
  return results;
}

type Translated = { plan: GuestPlan; error: null } | { plan: null; error: string };

function translateAll(inputs: readonly ScenarioInput[], series: string): Translated[] {
  const profile = kernelProfileForSeries(series);
  return inputs.map((input) => {
    try {
      return { plan: translate(input.text, profile, input.file), error: null };
    } catch (e) {
      if (e instanceof TranslateError) return { plan: null, error: e.message };
      throw e;
    }
  });
}

/** The report of a scenario the translation refused. */
function untranslated(
  input: ScenarioInput,
  series: string,
  kernelInfo: { kernel: KernelImage; accel: string },
  error: string,
): VerifyScenarioReport {
  const profile = kernelProfileForSeries(series);
  const empty: GuestPlan = {
    design: profile.design,
    kernel: profile.kernel,
    scenarioHash: '',
    ramBytes: 0,
    cpus: 0,
    devices: [],
    commands: [],
    observables: [],
    simulatorOnly: [],
    wholeScenario: null,
    mappedPages: 0,
  };
  return buildReport(input, empty, kernelInfo, [], { wallMs: [], bootMs: [] }, error);
}

/** Verify every scenario; a scenario that cannot be verified gets a report with `error`, a fault of the setup throws. */
export async function verifyScenarios(
  inputs: readonly ScenarioInput[],
  o: VerifyOptions,
  prepared?: PreparedKernel,
): Promise<VerifyScenarioReport[]> {
  const p = prepared ?? (await prepareKernel(o));
  const plans = translateAll(inputs, p.kernel.series);
  interface RunSlot {
    output: GuestOutput | null;
    wallMs: number;
    bootMs: number;
    error: string | null;
  }
  const jobs: { scenario: number; run: number }[] = [];
  plans.forEach((pl, i) => {
    if (pl.plan && pl.plan.wholeScenario === null) for (let r = 0; r < o.runs; r++) jobs.push({ scenario: i, run: r });
  });
  const failed = new Set<number>();
  const slots = await pool(jobs.length, o.jobs, async (j): Promise<RunSlot> => {
    const { scenario, run } = jobs[j]!;
    const plan = plans[scenario]!.plan!;
    const file = inputs[scenario]!.file;
    if (failed.has(scenario)) return { output: null, wallMs: 0, bootMs: 0, error: null };
    o.progress(file, `run ${run + 1}/${o.runs}: booting ${p.kernel.release}`);
    try {
      const r = await runVmWithRetry({
        kernel: p.kernel,
        base: p.base,
        plan,
        accel: p.accel,
        timeoutMs: o.timeoutMs ?? defaultTimeoutMs(plan, p.accel),
        signal: o.signal,
        keep: o.keepRuns,
        progress: (m) => o.progress(file, `run ${run + 1}/${o.runs}: ${m}`),
      });
      o.progress(file, `run ${run + 1}/${o.runs}: done in ${(r.wallMs / 1000).toFixed(1)} s`);
      return { output: r.output, wallMs: r.wallMs, bootMs: r.bootMs, error: null };
    } catch (e) {
      if (e instanceof GuestFailure || e instanceof BootFailure) {
        failed.add(scenario);
        return { output: null, wallMs: 0, bootMs: 0, error: e.message };
      }
      if (e instanceof Cancelled || e instanceof VerifyError) throw e;
      throw e;
    }
  });
  return inputs.map((input, i) => {
    const pl = plans[i]!;
    const kernelInfo = { kernel: p.kernel, accel: p.accel };
    if (!pl.plan) return untranslated(input, p.kernel.series, kernelInfo, pl.error);
    const mine = jobs
      .map((j, idx) => ({ j, s: slots[idx]! }))
      .filter((x) => x.j.scenario === i)
      .map((x) => x.s);
    const error = mine.find((s) => s.error !== null)?.error ?? undefined;
    const ok = mine.filter((s) => s.output !== null);
    return buildReport(
      input,
      pl.plan,
      kernelInfo,
      error ? [] : ok.map((s) => s.output!),
      { wallMs: ok.map((s) => s.wallMs), bootMs: ok.map((s) => s.bootMs) },
      error,
    );
  });
}

/**
 * Verify scenarios `batch` at a time per boot (docs/verify.md, "Batched
 * runs"): scenarios with the same RAM and CPUs and only block-device swap
 * share a boot, the guest resetting the kernel between them; the others
 * boot alone as `verifyScenarios()` runs them. A scenario the guest failed
 * in gets the error; the ones after it in its batch boot again. Each
 * scenario's wall and boot times are its share of the batch's.
 */
export async function verifyScenariosBatched(
  inputs: readonly ScenarioInput[],
  o: VerifyOptions,
  batch: number,
  prepared?: PreparedKernel,
): Promise<VerifyScenarioReport[]> {
  const p = prepared ?? (await prepareKernel(o));
  const plans = translateAll(inputs, p.kernel.series);
  const together = plans.flatMap((pl, i) => (pl.plan && batchable(pl.plan) ? [i] : []));
  const alone = inputs.map((_, i) => i).filter((i) => !together.includes(i));
  const aloneReports =
    alone.length > 0
      ? await verifyScenarios(
          alone.map((i) => inputs[i]!),
          o,
          p,
        )
      : [];
  const groups = new Map<string, number[]>();
  for (const i of together) {
    const plan = plans[i]!.plan!;
    const key = `${plan.ramBytes}/${plan.cpus}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const chunks: number[][] = [];
  for (const g of groups.values()) for (let at = 0; at < g.length; at += batch) chunks.push(g.slice(at, at + batch));
  const work = chunks.flatMap((chunk) => Array.from({ length: o.runs }, (_, run) => ({ chunk, run })));
  const outputs = new Map<number, { output: Output; wallMs: number; bootMs: number }[]>();
  const errors = new Map<number, string>();
  await pool(work.length, o.jobs, async (w) => {
    let left = work[w]!.chunk.filter((i) => !errors.has(i));
    const run = work[w]!.run;
    let retried = false;
    while (left.length > 0) {
      const batchPlans = left.map((i) => plans[i]!.plan!);
      const label = `batch of ${left.length}, run ${run + 1}/${o.runs}`;
      o.progress(null, `${label}: booting ${p.kernel.release}`);
      let r;
      try {
        r = await runVmBatch({
          kernel: p.kernel,
          base: p.base,
          plans: batchPlans,
          accel: p.accel,
          timeoutMs:
            o.timeoutMs ?? batchPlans.reduce((t, plan) => t + defaultTimeoutMs(plan, p.accel) - 150_000, 150_000),
          signal: o.signal,
          keep: o.keepRuns,
          progress: (m) => o.progress(null, `${label}: ${m}`),
        });
      } catch (e) {
        if (!(e instanceof BootFailure) || retried) {
          if (e instanceof BootFailure) {
            for (const i of left) errors.set(i, e.message);
            return;
          }
          throw e;
        }
        retried = true;
        o.progress(
          null,
          `${label}: boot failed before the first scenario; booting again (once): ${e.message.split('\n')[0]}`,
        );
        continue;
      }
      retried = false;
      const share = {
        wallMs: Math.round(r.wallMs / batchPlans.length),
        bootMs: Math.round(r.bootMs / batchPlans.length),
      };
      for (const [k, output] of r.outputs)
        outputs.set(left[k]!, [...(outputs.get(left[k]!) ?? []), { output, ...share }]);
      if (r.failed) errors.set(left[r.failed.index]!, r.failed.message);
      left = left.slice(r.failed ? r.failed.index + 1 : r.outputs.size).filter((i) => !errors.has(i));
    }
  });
  const kernelInfo = { kernel: p.kernel, accel: p.accel };
  return inputs.map((input, i) => {
    const at = alone.indexOf(i);
    if (at >= 0) return aloneReports[at]!;
    const plan = plans[i]!.plan!;
    const error = errors.get(i);
    const ok = outputs.get(i) ?? [];
    return buildReport(
      input,
      plan,
      kernelInfo,
      error ? [] : ok.map((s) => s.output),
      { wallMs: ok.map((s) => s.wallMs), bootMs: ok.map((s) => s.bootMs) },
      error,
    );
  });
}
