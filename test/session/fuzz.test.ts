// Fuzz through the whole pipeline: 100,000 mutated doc examples go through
// parse + check (by building a Session); the cheap ones also run on the
// simulated machine, step back a little and run forward again. Every problem
// must surface as a diagnostic or a StepError, never as an exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckedStatement, ScenarioConfig } from '../../server/lang/checked';
import { parseAndCheck } from '../../server/lang/index';
import { Session } from '../../server/session/session';
import { largeScenario } from '../lang/generate';
import { docExamples, rng } from '../lang/helpers';

const SEED = Number(process.env.SWAPSIM_FUZZ_SEED ?? 0x5e55);
const INPUTS = Number(process.env.SWAPSIM_FUZZ_INPUTS ?? 100_000);
/** Steps one interpreter run may take (SessionOptions.maxSteps). */
const MAX_STEPS = 100;
/** Least number of inputs that must reach the interpreter. */
const MIN_INTERPRETED = 20_000;
/** Share of inputs mutated gently (see mutate). */
const GENTLE_SHARE = 0.6;
/** Share of runnable inputs that do run (lowered if the run gets too slow). */
const INTERPRET_SHARE = 1;
const MIB = 1024 * 1024;
/**
 * Booting a machine allocates per-page arrays for all of RAM (server/sim/folio.ts),
 * and swapon/mmap size tables by their page counts: only inputs under these
 * caps run the interpreter, so 100,000 inputs fit in about a minute.
 */
const MAX_RAM_BYTES = 256 * MIB;
const MAX_SWAP_BYTES = 8 * MIB;
const MAX_MAP_BYTES = 4 * MIB;
/** Loose bound for one input end to end; a GC pause stays far below it. */
const MAX_MS_PER_INPUT = 2000;

/** Words that make mutations land on interesting grammar (the set test/lang/fuzz.test.ts uses). */
const DICTIONARY = [
  'repeat', '{', '}', 'expect', 'error', 'ok', 'config', 'echo', '>', '>>', '==', '≈', '±', '+-', '~=', '<', '!=',
  'swapon', 'swapoff', '-a', '-p', '--discard=', 'size=', 'bad=0,1-', 'mmap', 'touch', 'pageout', 'munmap', 'fork',
  'exit', 'task', 'move', 'reclaim', 'zswap', 'shrink', 'mkdir', 'rmdir', 'sysctl', 'cat', 'free',
  '/sys/fs/cgroup/', 'memory.max', '/proc/swaps', '/dev/ghostswap', 'slot', 'cluster', 'overhead', 'device',
  'pages=', '..', 'offset=', 'len=', 'order=', 'thp=', 'content=mix(', ')', 'zero=50%', ':', '%', ',',
  '0', '-1', '1.5', '0x', '4K', '1T', '99999999999999999999', 'p', 'kB', '"', "'", '#', '=', '(', '\t', '\n', '',
  'design=p1', 'design=p3', 'design=legacy', 'write', 'populate', 'swapoff -a', 'expect error EINVAL',
];

/** Whole statements a gentle mutation inserts: valid text that still changes what runs. */
const STATEMENTS = [
  'swapoff -a', 'swapon /dev/zram0 size=1M -p 100', 'zswap shrink 4', 'echo N > /sys/module/zswap/parameters/enabled',
  'sysctl vm.swappiness=200', 'expect error EINVAL', 'expect ok', 'expect /proc/vmstat pswpout >= 0', 'free', 'cat /proc/swaps',
];

/**
 * Rough mutations: one to four random edits (characters, grammar words,
 * token swaps, duplicated or dropped lines); most such texts fail the
 * checker. Gentle ones: one whole-line edit, so the program usually stays
 * valid and reaches the interpreter in a changed order.
 */
function mutate(source: string, next: () => number, gentle: boolean): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  let text = source;
  if (gentle) {
    const lines = text.split('\n');
    const i = Math.floor(next() * (lines.length + 1));
    const r = next();
    if (r < 0.5) lines.splice(i, 0, pick(STATEMENTS));
    else if (r < 0.75) lines.splice(i, 0, lines[i] ?? '');
    else lines.splice(i, 1);
    return lines.join('\n');
  }
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (text.length + 1));
    switch (Math.floor(next() * 8)) {
      case 0:
        text = text.slice(0, at) + text.slice(at + 1);
        break;
      case 1:
        text = text.slice(0, at) + String.fromCharCode(next() < 0.9 ? 32 + Math.floor(next() * 95) : Math.floor(next() * 0x3000)) + text.slice(at);
        break;
      case 2:
        text = text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2);
        break;
      case 3:
        text = `${text.slice(0, at)}${pick(DICTIONARY)}${text.slice(at)}`;
        break;
      case 4:
      case 5: {
        const tokens = text.split(' ');
        tokens[Math.floor(next() * tokens.length)] = pick(DICTIONARY);
        text = tokens.join(' ');
        break;
      }
      case 6: {
        const tokens = text.split(' ');
        const i = Math.floor(next() * tokens.length);
        const j = Math.floor(next() * tokens.length);
        [tokens[i], tokens[j]] = [tokens[j] ?? '', tokens[i] ?? ''];
        text = tokens.join(' ');
        break;
      }
      default: {
        const lines = text.split('\n');
        const i = Math.floor(next() * lines.length);
        if (next() < 0.5) lines.splice(i, 0, lines[i] ?? '');
        else lines.splice(i, 1);
        text = lines.join('\n');
      }
    }
  }
  return text;
}

/** Bytes of swap and of mappings the program asks for (a repeat counts its body once per pass). */
function footprint(stmts: readonly CheckedStatement[], cfg: ScenarioConfig): { swap: number; maps: number } {
  let swap = 0;
  let maps = 0;
  for (const s of stmts) {
    if (s.op === 'swapon') swap += s.slots * cfg.pageSize;
    else if (s.op === 'mmap') maps += s.bytes;
    else if (s.op === 'repeat') {
      const inner = footprint(s.body, cfg);
      const passes = Math.min(s.count, MAX_STEPS);
      swap += inner.swap * passes;
      maps += inner.maps * passes;
    }
  }
  return { swap, maps };
}

function cheapToRun(checked: { config: ScenarioConfig; statements: readonly CheckedStatement[] }): boolean {
  const { config, statements } = checked;
  if (config.ramBytes > MAX_RAM_BYTES) return false;
  const { swap, maps } = footprint(statements, config);
  return swap <= MAX_SWAP_BYTES && maps <= MAX_MAP_BYTES;
}

/**
 * The doc examples, plus copies shrunk to fit the caps (so most runs reach
 * deep statements instead of stopping at a refused swapon), plus a slice of
 * the large generated scenario from test/lang/generate.ts.
 */
function corpus(): string[] {
  const docs = docExamples().map((e) => e.code);
  // the default RAM is 4G: a doc example without `ram=` gets a small one
  const shrink = (text: string): string =>
    (/\bram=/.test(text) ? text : `config ram=16M\n${text}`)
      .replace(/\bram=\d+[KMGT]?\b/g, 'ram=16M')
      .replace(/\bsize=\d+[KMGT]?\b/g, 'size=4M')
      .replace(/^(mmap\s+\S+\s+\S+\s+)\d+[KMGT]?\b/gm, '$11M');
  const small = docs.map(shrink);
  return [...docs, ...small, ...small, shrink(largeScenario(40))];
}

interface Failure {
  index: number;
  input: string;
  stack: string;
}

test('100,000 mutated scenarios through parse, check and the interpreter: nothing throws', () => {
  const texts = corpus();
  assert.ok(texts.length > 20, `only ${texts.length} corpus texts`);
  const next = rng(SEED);
  const failures: Failure[] = [];
  let invalid = 0;
  let interpreted = 0;
  let tooBig = 0;
  let steps = 0;
  let stepsBack = 0;
  let stepErrors = 0;
  let expects = 0;
  let maxMs = 0;
  let slowest = '';
  const started = performance.now();
  for (let i = 0; i < INPUTS; i++) {
    const input = mutate(texts[i % texts.length] ?? '', next, next() < GENTLE_SHARE);
    const t0 = performance.now();
    try {
      // Session's own front end; a Session (which boots a machine sized by
      // the config) is only built for programs cheap enough to run.
      const front = parseAndCheck(input);
      if (front.checked.hasErrors) {
        invalid++;
        // an invalid program must say why
        assert.ok(front.diagnostics.some((d) => d.severity === 'error'), `errors without an error diagnostic, input #${i}:\n${input}`);
      } else if (!cheapToRun(front.checked) || next() >= INTERPRET_SHARE) {
        tooBig++;
      } else {
        const session = new Session(`fuzz:${i}`, input, { maxSteps: MAX_STEPS });
        assert.notEqual(session.status, 'invalid', `Session disagrees with parseAndCheck, input #${i}`);
        interpreted++;
        session.run(undefined, { isCancellationRequested: false });
        const reached = session.step.index;
        assert.ok(reached <= Math.min(MAX_STEPS, session.step.total), `ran ${reached} steps past the cap, input #${i}`);
        steps += reached;
        if (reached > 0 && next() < 0.5) {
          const back = 1 + Math.floor(next() * Math.min(5, reached));
          session.stepBack(back);
          assert.equal(session.step.index, reached - back, `step back from ${reached} by ${back}, input #${i}`);
          stepsBack += back;
          // the shortened history must not keep results of undone steps
          assert.ok(session.expects.every((e) => e.step <= reached - back) && session.errors.every((e) => e.step <= reached - back), `results of undone steps kept, input #${i}`);
          session.stepForward(back);
          steps += back;
          assert.equal(session.step.index, reached, `forward again after step back, input #${i}`);
        }
        const snap = session.snapshot();
        assert.equal(snap.step.index, session.step.index);
        stepErrors += session.errors.length;
        expects += session.expects.length;
      }
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      failures.push({ index: i, input, stack: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
    const ms = performance.now() - t0;
    if (ms > maxMs) {
      maxMs = ms;
      slowest = input;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `session fuzz (seed ${SEED}): ${INPUTS} inputs in ${seconds.toFixed(1)} s, ${invalid} invalid, ${tooBig} parse+check only (too big), ` +
      `${interpreted} interpreted, ${steps} steps run, ${stepsBack} stepped back, ${stepErrors} step errors, ${expects} expects, max ${maxMs.toFixed(1)} ms per input`,
  );
  const shown = failures.slice(0, 3).map((f) => `input #${f.index}:\n${f.input}\n${f.stack}`).join('\n\n');
  assert.equal(failures.length, 0, `${failures.length} inputs threw; the first ones:\n\n${shown}`);
  assert.ok(interpreted >= MIN_INTERPRETED, `only ${interpreted} inputs reached the interpreter`);
  assert.ok(steps > interpreted, `only ${steps} steps over ${interpreted} runs`);
  assert.ok(stepErrors > 0, 'no input produced a kernel error: the mutations do not reach the interpreter’s error paths');
  assert.ok(maxMs < MAX_MS_PER_INPUT, `slowest input took ${maxMs.toFixed(0)} ms:\n${slowest}`);
});
