// Robustness and speed: mutated scenarios never throw, and a large file
// parses and checks quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAndCheck, type Diagnostic, type Statement } from '../../server/lang/index';
import { largeScenario } from './generate';
import { docExamples, rng } from './helpers';

/** Words that make mutations land on interesting grammar, not only on noise. */
const DICTIONARY = [
  'repeat', '{', '}', 'expect', 'error', 'ok', 'config', 'echo', '>', '>>', '==', '≈', '±', '+-', '~=', '<', '!=',
  'swapon', 'swapoff', '-a', '-p', '--discard=', 'size=', 'bad=0,1-', 'mmap', 'touch', 'pageout', 'munmap', 'fork',
  'exit', 'task', 'move', 'reclaim', 'zswap', 'shrink', 'mkdir', 'rmdir', 'sysctl', 'cat', 'free',
  '/sys/fs/cgroup/', 'memory.max', '/proc/swaps', '/dev/ghostswap', 'slot', 'cluster', 'overhead', 'device',
  'pages=', '..', 'offset=', 'len=', 'order=', 'thp=', 'content=mix(', ')', 'zero=50%', ':', '%', ',',
  '0', '-1', '1.5', '0x', '4K', '1T', '99999999999999999999', 'p', 'kB', '"', "'", '#', '=', '(', '\t', '\n', '',
];

function mutate(source: string, next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  let text = source;
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (text.length + 1));
    switch (Math.floor(next() * 8)) {
      case 0: // delete a character
        text = text.slice(0, at) + text.slice(at + 1);
        break;
      case 1: // insert a random character, sometimes outside ASCII
        text = text.slice(0, at) + String.fromCharCode(next() < 0.9 ? 32 + Math.floor(next() * 95) : Math.floor(next() * 0x3000)) + text.slice(at);
        break;
      case 2: // swap two neighbouring characters
        text = text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2);
        break;
      case 3: // insert a grammar word
        text = `${text.slice(0, at)}${pick(DICTIONARY)}${text.slice(at)}`;
        break;
      case 4: // replace a token by a grammar word
      case 5: {
        const tokens = text.split(' ');
        tokens[Math.floor(next() * tokens.length)] = pick(DICTIONARY);
        text = tokens.join(' ');
        break;
      }
      case 6: {
        // swap two tokens
        const tokens = text.split(' ');
        const i = Math.floor(next() * tokens.length);
        const j = Math.floor(next() * tokens.length);
        [tokens[i], tokens[j]] = [tokens[j] ?? '', tokens[i] ?? ''];
        text = tokens.join(' ');
        break;
      }
      default: {
        // duplicate or drop a line
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

function validRange(d: Diagnostic, lineCount: number): boolean {
  const { start, end } = d.range;
  return start.line >= 0 && start.line < lineCount && end.line >= start.line && start.character >= 0 && (end.line > start.line || end.character >= start.character);
}

function countStatements(list: readonly Statement[]): number {
  let n = 0;
  for (const s of list) n += s.kind === 'repeat' ? 1 + countStatements(s.body) : 1;
  return n;
}

test('100,000 mutated scenarios: no exception escapes, every diagnostic is well-formed', () => {
  const corpus = docExamples().map((e) => e.code);
  assert.ok(corpus.length > 0);
  const next = rng(0x5eed);
  const runs = 100_000;
  let maxMs = 0;
  let worst = '';
  let totalMs = 0;
  let withErrors = 0;
  for (let i = 0; i < runs; i++) {
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
  console.log(`fuzz: ${runs} inputs, ${withErrors} with errors, mean ${(totalMs / runs).toFixed(3)} ms, max ${maxMs.toFixed(2)} ms`);
  // Loose bound: inputs are under 40 lines; even a GC pause should stay far below this.
  assert.ok(maxMs < 500, `slowest input took ${maxMs.toFixed(1)} ms:\n${worst}`);
  // The mutations must actually exercise error paths.
  assert.ok(withErrors > runs / 4, `only ${withErrors} inputs had errors`);
});

test('a 10,000-line scenario parses and checks quickly and cleanly', () => {
  const source = largeScenario(10_000);
  assert.equal(source.split('\n').length, 10_000);
  parseAndCheck(source); // warm-up
  const samples: number[] = [];
  let result = parseAndCheck(source);
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    result = parseAndCheck(source);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const median = samples[2] ?? 0;
  console.log(`10,000 lines: median ${median.toFixed(2)} ms over 5 runs`);
  assert.deepEqual(result.diagnostics, []);
  assert.ok(result.checked.statements.length > 5000);
  // The goal is a few ms; the bound is loose so a loaded CI machine does not flake.
  assert.ok(median < 250, `10,000 lines took ${median.toFixed(1)} ms`);
});
