// Incremental parsing: a parse that starts from the previous version of a
// document gives exactly what a fresh parse gives (tree, diagnostics,
// checked program), over random edit sequences of the examples, and it
// really does keep the unchanged lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseAndCheck, reuseStats, type FrontEndResult } from '../../server/lang/index';
import { largeScenario } from './generate';
import { docExamples, rng } from './helpers';

function examplesDir(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'examples');
      if (existsSync(path.join(dir, 'package.json')) && existsSync(candidate)) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error('no examples/ directory above the test');
}

function exampleFiles(): { name: string; text: string }[] {
  const dir = examplesDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.swapsim'))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(path.join(dir, f), 'utf8') }));
}

/** Words that turn a line into another statement, an error, a block boundary. */
const SNIPPETS = [
  'repeat 2 {',
  '}',
  'expect ok',
  'expect error EBUSY',
  '# note',
  '"',
  'size=',
  ' -p 3',
  'task x',
  'mmap x r 1M',
  '==',
  '≈',
  '\t',
  '{',
  'pages=0..1',
  'echo 1 > memory.max',
];

/** One random edit, as an editor would make it: characters, words, whole lines, line breaks. */
function edit(text: string, next: () => number): string {
  const lines = text.split('\n');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const at = Math.floor(next() * lines.length);
  const line = lines[at] ?? '';
  const col = Math.floor(next() * (line.length + 1));
  switch (Math.floor(next() * 9)) {
    case 0: // type a character
      lines[at] = line.slice(0, col) + String.fromCharCode(32 + Math.floor(next() * 95)) + line.slice(col);
      break;
    case 1: // delete a character
      lines[at] = line.slice(0, col) + line.slice(col + 1);
      break;
    case 2: // paste a snippet
      lines[at] = line.slice(0, col) + pick(SNIPPETS) + line.slice(col);
      break;
    case 3: // Enter in the middle of a line
      lines.splice(at, 1, line.slice(0, col), line.slice(col));
      break;
    case 4: // join with the next line
      if (at + 1 < lines.length) lines.splice(at, 2, line + (lines[at + 1] ?? ''));
      break;
    case 5: // delete a line
      if (lines.length > 1) lines.splice(at, 1);
      break;
    case 6: // duplicate a line
      lines.splice(at, 0, line);
      break;
    case 7: // move a line
      lines.splice(at, 1);
      lines.splice(Math.floor(next() * (lines.length + 1)), 0, line);
      break;
    default: // replace a line by another one of the file
      lines[at] = pick(lines);
      break;
  }
  return lines.join('\n');
}

function assertSame(incremental: FrontEndResult, fresh: FrontEndResult, where: string): void {
  assert.deepEqual(incremental.diagnostics, fresh.diagnostics, `diagnostics differ ${where}`);
  assert.deepEqual(incremental.program, fresh.program, `syntax trees differ ${where}`);
  assert.deepEqual(incremental.checked, fresh.checked, `checked programs differ ${where}`);
}

test('random edit sequences of the examples: incremental and fresh parses agree', () => {
  const corpus = [...exampleFiles().map((f) => f.text), ...docExamples().map((e) => e.code), largeScenario(400)];
  const next = rng(0x1dc);
  let reusedLines = 0;
  let comparisons = 0;
  corpus.forEach((original, i) => {
    let text = original;
    let previous = parseAndCheck(text);
    for (let step = 0; step < 60; step++) {
      text = edit(text, next);
      const incremental = parseAndCheck(text, {}, { previous });
      assertSame(incremental, parseAndCheck(text), `after edit ${step} of corpus entry ${i}:\n${text}`);
      reusedLines += reuseStats(incremental.program)?.reused ?? 0;
      comparisons++;
      previous = incremental;
    }
  });
  assert.ok(comparisons >= 60 * 9, `only ${comparisons} edits`);
  // The edits are small: most lines must have come from the previous parse.
  assert.ok(reusedLines > comparisons * 10, `only ${reusedLines} lines reused over ${comparisons} edits`);
});

test('typing on one line re-parses that line only, and keeps the other lines’ nodes', () => {
  const source = largeScenario(2_000);
  const before = parse(source);
  const lines = source.split('\n');
  const at = lines.findIndex((l) => l.startsWith('mmap '));
  lines[at] = `${lines[at]} populte`;
  const after = parse(lines.join('\n'), before.program);
  assert.deepEqual(reuseStats(after.program), { reused: 1_999, parsed: 1 });
  assert.equal(reuseStats(before.program)?.parsed, 2_000, 'a parse without a previous version parses every line');
  // The typo is reported on the edited line, exactly as a fresh parse reports it.
  assert.deepEqual(after.diagnostics, parse(lines.join('\n')).diagnostics);
  assert.equal(after.diagnostics.length, 1);
  assert.equal(after.diagnostics[0]?.range.start.line, at);
  // Statements of unchanged lines are the very same objects.
  assert.equal(after.program.statements[0], before.program.statements[0]);
  assert.equal(after.program.statements.at(-1), before.program.statements.at(-1));
});

test('inserting a line keeps the lines above it and parses the shifted lines again', () => {
  const source = largeScenario(500);
  const before = parse(source);
  const lines = source.split('\n');
  lines.splice(250, 0, '# a new comment');
  const after = parse(lines.join('\n'), before.program);
  const stats = reuseStats(after.program);
  assert.ok(stats !== undefined);
  assert.ok(stats.reused >= 250, `reused ${stats.reused}`);
  assert.equal(stats.reused + stats.parsed, 501);
  // Every range below the insertion moved down one line, as in a fresh parse.
  assert.deepEqual(after, parse(lines.join('\n')));
});

test('a previous version with other line endings or another document is harmless', () => {
  const a = 'swapon /dev/vda2 size=64M\ntask t\nmmap t heap 1M populate\n';
  const b = a.replace(/\n/g, '\r\n');
  assertSame(parseAndCheck(b, {}, { previous: parseAndCheck(a) }), parseAndCheck(b), 'CRLF after LF');
  const other = 'repeat 2 {\n  discard\n}\n}';
  assertSame(parseAndCheck(other, {}, { previous: parseAndCheck(a) }), parseAndCheck(other), 'unrelated previous text');
  assertSame(parseAndCheck('', {}, { previous: parseAndCheck(a) }), parseAndCheck(''), 'empty document');
});
