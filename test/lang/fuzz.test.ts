// Robustness and speed: mutated scenarios (generate.ts mutate(), the mutator
// test/session/fuzz.test.ts also uses) never throw, and a large file parses
// and checks quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAndCheck, type Diagnostic, type Statement } from '../../server/lang/index';
import { largeScenario, mutate } from './generate';
import { docExamples, rng } from './helpers';
import { atDepth } from '../depth';

function validRange(d: Diagnostic, lineCount: number): boolean {
  const { start, end } = d.range;
  return (
    start.line >= 0 &&
    start.line < lineCount &&
    end.line >= start.line &&
    start.character >= 0 &&
    (end.line > start.line || end.character >= start.character)
  );
}

function countStatements(list: readonly Statement[]): number {
  let n = 0;
  for (const s of list) n += s.kind === 'repeat' ? 1 + countStatements(s.body) : 1;
  return n;
}

/** Mutated inputs: 25,000 at depth 1 (test/depth.ts). */
const RUNS = atDepth(25_000);

test(`${RUNS.toLocaleString('en')} mutated scenarios: no exception escapes, every diagnostic is well-formed`, () => {
  const corpus = docExamples().map((e) => e.code);
  assert.ok(corpus.length > 0);
  const next = rng(0x5eed);
  let maxMs = 0;
  let worst = '';
  let totalMs = 0;
  let withErrors = 0;
  for (let i = 0; i < RUNS; i++) {
    const input = mutate(corpus[i % corpus.length] ?? '', next);
    const started = performance.now();
    let result;
    try {
      result = parseAndCheck(input);
    } catch (e) {
      assert.fail(`exception on input #${i}:\n${input}\n${e instanceof Error ? e.stack : String(e)}`);
    }
    const ms = performance.now() - started;
    totalMs += ms;
    if (ms > maxMs) {
      maxMs = ms;
      worst = input;
    }
    if (result.checked.hasErrors) withErrors++;
    const lines = result.program.lineCount;
    for (const d of result.diagnostics) {
      if (!validRange(d, lines)) assert.fail(`bad range ${JSON.stringify(d)} for input #${i}:\n${input}`);
    }
    // Cheap structural sanity: the tree never holds more statements than lines.
    if (countStatements(result.program.statements) > lines) assert.fail(`more statements than lines for input #${i}`);
  }
  console.log(
    `fuzz: ${RUNS} inputs, ${withErrors} with errors, mean ${(totalMs / RUNS).toFixed(3)} ms, max ${maxMs.toFixed(2)} ms`,
  );
  // A hang guard, not a speed target (npm run bench -- parse measures speed): inputs are under
  // 40 lines and take well under a millisecond, so only a parser that loops gets near this.
  assert.ok(maxMs < 30_000, `slowest input took ${maxMs.toFixed(1)} ms:\n${worst}`);
  // The mutations must actually exercise error paths.
  assert.ok(withErrors > RUNS / 4, `only ${withErrors} inputs had errors`);
});

// How fast is `npm run bench -- parse`'s job (lang.parse_check.10k_lines); here only the result counts.
test('a 10,000-line scenario parses and checks cleanly, the same every time', () => {
  const source = largeScenario(10_000);
  assert.equal(source.split('\n').length, 10_000);
  const first = parseAndCheck(source);
  const again = parseAndCheck(source);
  assert.deepEqual(first.diagnostics, []);
  assert.ok(first.checked.statements.length > 5000);
  assert.equal(again.checked.statements.length, first.checked.statements.length);
});
