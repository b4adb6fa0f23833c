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
  Cancelled,
  defaultTimeoutMs,
  GuestFailure,
  BootFailure,
  kvmWorks,
  requireQemu,
  runVmWithRetry,
  type Accel,
} from './vm';
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

/** Verify every scenario; a scenario that cannot be verified gets a report with `error`, a fault of the setup throws. */
export async function verifyScenarios(
  inputs: readonly ScenarioInput[],
  o: VerifyOptions,
  prepared?: PreparedKernel,
): Promise<VerifyScenarioReport[]> {
  const p = prepared ?? (await prepareKernel(o));
  const profile = kernelProfileForSeries(p.kernel.series);
  const plans = inputs.map((input) => {
    try {
      return { plan: translate(input.text, profile, input.file), error: null };
    } catch (e) {
      if (e instanceof TranslateError) return { plan: null, error: e.message };
      throw e;
    }
  });
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
    if (!pl.plan) {
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
      return buildReport(input, empty, kernelInfo, [], { wallMs: [], bootMs: [] }, pl.error ?? 'cannot translate');
    }
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
