// Fuzz through the whole pipeline: mutated scenarios (test/lang/generate.ts)
// each build a Session, which parses and checks them and, when they are
// valid, runs them on the simulated machine to the end (or to the step
// cap), steps back a little and runs forward again. Inputs are fed until
// 20,000 of them (test/depth.ts) have run on the interpreter. Every problem must surface
// as a diagnostic or a StepError, never as an exception; no run may break
// the simulator's invariants; a rolled-back machine must equal a freshly
// run one; and every input must finish within a time bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Limits } from '../../server/lang/check/checked';
import { Session, type SessionBuildOptions } from '../../server/session/session';
import { fingerprintParts } from '../../server/sim/snapshot';
import { largeScenario, mutate, smallScenario } from '../lang/generate';
import { docExamples, rng } from '../lang/helpers';
import { atDepth } from '../depth';

const SEED = Number(process.env.SWAPSIM_FUZZ_SEED ?? 0x5e55);
/** Inputs that must run on the interpreter (valid after mutation): SWAPSIM_FUZZ_INPUTS, else 20,000 at depth 1 (test/depth.ts). */
const TARGET_INTERPRETED = Number(process.env.SWAPSIM_FUZZ_INPUTS ?? atDepth(20_000));
/** Give up feeding inputs after this many (the mutations have become too destructive). */
const MAX_INPUTS = TARGET_INTERPRETED * 3;
/** Steps one interpreter run may take (SessionOptions.maxSteps). */
const MAX_STEPS = 100;
/**
 * The checker's caps for fuzz inputs: a mapping of at most 32 pages (the
 * size smallScenario gives them), so one step does at most a few dozen page
 * operations per mapping and an input at most MAX_STEPS such steps. A
 * bigger program is refused with a diagnostic, a result like any other.
 */
const FUZZ_LIMITS: Partial<Limits> = { maxRegionPages: 32, maxTasks: 16, maxCgroups: 16 };
const OPTIONS: SessionBuildOptions = { maxSteps: MAX_STEPS, limits: FUZZ_LIMITS };
/** Share of inputs mutated gently (one whole-line edit, usually still valid). */
const GENTLE_SHARE = 0.75;
/** One step back in this many is also compared with a fresh replay. */
const REPLAY_EVERY = 8;
/**
 * A hang guard for one input end to end, not a speed target (that is the
 * session bench's job): an input is bounded by construction (MAX_STEPS steps
 * over FUZZ_LIMITS), and the slowest takes about 0.1 s on a quiet machine.
 * The bound only has to tell a bounded input on a loaded CI machine from one
 * that loops.
 */
const MAX_MS_PER_INPUT = 60_000;

/**
 * Small copies of the doc examples (smallScenario: each runs in well under
 * a millisecond and reaches its deep statements instead of stopping at a
 * refused swapon) and of a slice of the large generated scenario. The
 * examples as written are fuzzed through parser and checker by
 * test/lang/fuzz.test.ts; here they would mostly stop at FUZZ_LIMITS.
 */
function corpus(): string[] {
  return [...docExamples().map((e) => smallScenario(e.code)), smallScenario(largeScenario(40))];
}

interface Failure {
  index: number;
  input: string;
  detail: string;
}

function show(fs: readonly Failure[]): string {
  return fs
    .slice(0, 3)
    .map((f) => `input #${f.index}:\n${f.input}\n${f.detail}`)
    .join('\n\n');
}

/** The machine state parts that differ between two fingerprints (empty when equal). */
function differingParts(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => a[key] !== b[key]);
}

test(`mutated scenarios until ${TARGET_INTERPRETED.toLocaleString('en')} have run through parse, check and the interpreter: nothing throws, every input is bounded`, () => {
  const texts = corpus();
  assert.ok(texts.length > 20, `only ${texts.length} corpus texts`);
  const next = rng(SEED);
  const thrown: Failure[] = [];
  const slow: Failure[] = [];
  /** Runs after which the invariant checker (on by default: config check_invariants=yes) found the model broken. */
  const broken: Failure[] = [];
  const stats = {
    inputs: 0,
    invalid: 0,
    interpreted: 0,
    capped: 0,
    steps: 0,
    rewinds: 0,
    stepsBack: 0,
    replays: 0,
    stepErrors: 0,
    expects: 0,
    violations: 0,
  };
  let maxMs = 0;
  const started = performance.now();
  for (let i = 0; stats.interpreted < TARGET_INTERPRETED && i < MAX_INPUTS; i++) {
    const input = mutate(texts[i % texts.length] ?? '', next, next() < GENTLE_SHARE);
    stats.inputs++;
    const t0 = performance.now();
    try {
      const session = new Session(`fuzz:${i}`, input, OPTIONS);
      if (session.status === 'invalid') {
        stats.invalid++;
        // an invalid program must say why, and must not run
        assert.ok(
          session.diagnostics.some((d) => d.severity === 'error'),
          `invalid without an error diagnostic, input #${i}:\n${input}`,
        );
        session.run();
        assert.equal(session.step.index, 0, `an invalid program ran, input #${i}`);
      } else {
        stats.interpreted++;
        session.run(undefined, { isCancellationRequested: false });
        const reached = session.step.index;
        assert.ok(reached <= Math.min(MAX_STEPS, session.step.total), `ran ${reached} steps past the cap, input #${i}`);
        if (reached < session.step.total) stats.capped++;
        else
          assert.ok(
            session.status === 'finished' || session.status === 'stopped',
            `status ${session.status} at the end, input #${i}`,
          );
        stats.steps += reached;
        if (reached > 0 && next() < 0.5) {
          const back = 1 + Math.floor(next() * Math.min(5, reached));
          const target = reached - back;
          session.stepBack(back);
          assert.equal(session.step.index, target, `step back from ${reached} by ${back}, input #${i}`);
          stats.rewinds++;
          stats.stepsBack += back;
          // the shortened history must not keep results of undone steps
          assert.ok(
            session.expects.every((e) => e.step <= target) && session.errors.every((e) => e.step <= target),
            `results of undone steps kept, input #${i}`,
          );
          if (stats.rewinds % REPLAY_EVERY === 0) {
            // undo is exact: the rolled-back machine equals a fresh one run to the same step
            const fresh = new Session(`fuzz:${i}:replay`, input, OPTIONS);
            fresh.gotoStep(target);
            const diff = differingParts(fingerprintParts(session.machine), fingerprintParts(fresh.machine));
            assert.deepEqual(
              diff,
              [],
              `state after stepping back ${back} from ${reached} differs from a fresh run to step ${target}, input #${i}:\n${input}`,
            );
            stats.replays++;
          }
          session.stepForward(back);
          stats.steps += back;
          assert.equal(session.step.index, reached, `forward again after step back, input #${i}`);
        }
        const snap = session.snapshot();
        assert.equal(snap.step.index, session.step.index);
        stats.stepErrors += session.errors.length;
        stats.expects += session.expects.length;
        stats.violations += session.violations.length;
        if (session.violations.length > 0)
          broken.push({
            index: i,
            input,
            detail: session.violations.map((v) => `step ${v.step}: ${v.message}`).join('\n'),
          });
      }
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      thrown.push({ index: i, input, detail: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
    const ms = performance.now() - t0;
    maxMs = Math.max(maxMs, ms);
    if (ms > MAX_MS_PER_INPUT) slow.push({ index: i, input, detail: `took ${ms.toFixed(0)} ms` });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `session fuzz (seed ${SEED}): ${stats.inputs} inputs in ${seconds.toFixed(1)} s, ${stats.invalid} stopped at the checker, ${stats.interpreted} interpreted ` +
      `(${stats.capped} at the ${MAX_STEPS}-step cap), ${stats.steps} steps run, ${stats.stepsBack} stepped back, ${stats.replays} replays compared, ` +
      `${stats.stepErrors} step errors, ${stats.expects} expects, ${stats.violations} invariant violations, max ${maxMs.toFixed(1)} ms per input`,
  );
  assert.equal(thrown.length, 0, `${thrown.length} inputs threw; the first ones:\n\n${show(thrown)}`);
  assert.equal(
    broken.length,
    0,
    `${broken.length} inputs broke simulator invariants; the first ones:\n\n${show(broken)}`,
  );
  assert.equal(
    slow.length,
    0,
    `${slow.length} inputs took over ${MAX_MS_PER_INPUT} ms; the first ones:\n\n${show(slow)}`,
  );
  assert.ok(
    stats.interpreted >= TARGET_INTERPRETED,
    `only ${stats.interpreted} of ${stats.inputs} inputs reached the interpreter`,
  );
  // the mutations must reach both the checker's and the interpreter's error paths
  assert.ok(stats.invalid > stats.inputs / 10, `only ${stats.invalid} inputs were refused by the checker`);
  assert.ok(stats.steps > stats.interpreted, `only ${stats.steps} steps over ${stats.interpreted} runs`);
  assert.ok(
    stats.stepErrors > 0,
    'no input produced a kernel error: the mutations do not reach the interpreter’s error paths',
  );
  assert.ok(stats.replays > 0, 'no rolled-back state was compared with a replay');
});
