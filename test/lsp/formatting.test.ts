// Formatting: canonical spacing and indentation, and — the important part —
// the formatted text parses and checks to the same program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAndCheck } from '../../server/lang/index';
import { formatText, formattingEdits } from '../../server/lsp/formatting';
import { REPO_ROOT } from '../foundation/repo';
import { largeScenario } from '../lang/generate';
import { analyze, applyEdits, expectFormatting } from './features';

test('spacing, repeat indentation, comment gap and trailing whitespace are made canonical', () => {
  const messy = [
    'config   design=p4    ram=2G   ',
    'swapon /dev/vda2 size=64M -p5       # fast one',
    '   task t',
    'mmap t heap 4M content=mix(zero=50%,  incompressible=50%) populate',
    'repeat 2{',
    'pageout t heap',
    '      repeat 3 {',
    'touch t heap pages=0..15   write',
    '}',
    '      }',
    'expect /proc/vmstat pswpout>=0',
    'echo 1G>/proc/sys/vm/swappiness',
    'echo "8M swappiness=0"  >  /sys/fs/cgroup/memory.reclaim',
    '   # an indented comment   ',
    '',
  ].join('\n');
  const expected = [
    'config design=p4 ram=2G',
    'swapon /dev/vda2 size=64M -p5  # fast one',
    'task t',
    'mmap t heap 4M content=mix(zero=50%,  incompressible=50%) populate',
    'repeat 2 {',
    '  pageout t heap',
    '  repeat 3 {',
    '    touch t heap pages=0..15 write',
    '  }',
    '}',
    'expect /proc/vmstat pswpout >= 0',
    'echo 1G > /proc/sys/vm/swappiness',
    'echo "8M swappiness=0" > /sys/fs/cgroup/memory.reclaim',
    '# an indented comment',
    '',
  ].join('\n');
  expectFormatting(messy, expected);
});

test('formatting an already formatted document changes nothing', () => {
  const edits = formattingEdits(analyze('task t\nrepeat 2 {\n  mmap t r 1M\n  munmap t r\n}\n').doc);
  assert.deepEqual(edits, []);
});

test('lines the lexer cannot read are left untouched', () => {
  const text = 'echo "unterminated   \nmmap t r 1M content=mix(zero=50%   \n  task   t';
  expectFormatting(text, 'echo "unterminated   \nmmap t r 1M content=mix(zero=50%   \ntask t');
});

test('range formatting only edits the lines asked for, with the indentation of their block', () => {
  const text = 'task   t\nrepeat 2 {\nmmap t r 1M\nmunmap   t r\n}';
  const edits = formattingEdits(analyze(text).doc, {
    start: { line: 2, character: 0 },
    end: { line: 3, character: 3 },
  });
  assert.equal(applyEdits(text, edits), 'task   t\nrepeat 2 {\n  mmap t r 1M\n  munmap t r\n}');
});

/** The checked program without source positions (ranges and the columns of kept words move when spacing changes). */
const POSITION_KEYS = new Set(['range', 'line', 'startChar', 'endChar']);

function meaning(source: string): unknown {
  const { checked, diagnostics } = parseAndCheck(source);
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (!POSITION_KEYS.has(k)) out[k] = strip(x);
      return out;
    }
    return v;
  };
  return { checked: strip(checked), codes: diagnostics.map((d) => d.code) };
}

function docExamples(): string[] {
  const md = readFileSync(path.join(REPO_ROOT, 'docs', 'scenario-language.md'), 'utf8');
  return [...md.matchAll(/```swapsim\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** Each example with its blanks scrambled: extra spaces, tabs, trailing blanks, no indentation. */
function scramble(source: string, seed: number): string {
  let x = seed;
  const rnd = (): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
  return source
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      const pad = rnd() < 0.5 ? '' : ' '.repeat(Math.floor(rnd() * 5)) + (rnd() < 0.3 ? '\t' : '');
      const tail = rnd() < 0.5 ? '' : '  \t ';
      return pad + trimmed.replace(/ (?=[^"]*$)/g, () => (rnd() < 0.3 ? '   ' : ' ')) + tail;
    })
    .join('\n');
}

test('formatting never changes meaning: the docs’ examples, scrambled and formatted, check to the same program', () => {
  const examples = docExamples();
  assert.ok(examples.length >= 20, `found ${examples.length} examples`);
  examples.forEach((example, i) => {
    for (const variant of [example, scramble(example, i + 1), scramble(example, i + 101)]) {
      const formatted = formatText(variant);
      assert.deepEqual(
        meaning(formatted),
        meaning(variant),
        `example ${i} changed meaning:\n${variant}\n---\n${formatted}`,
      );
      assert.equal(formatText(formatted), formatted, `formatting example ${i} is not idempotent`);
      for (const line of formatted.split('\n')) assert.equal(line, line.trimEnd(), 'trailing whitespace left');
    }
  });
});

test('formatting a 10,000-line scenario keeps its meaning', () => {
  const source = scramble(largeScenario(10_000), 7);
  assert.deepEqual(meaning(formatText(source)), meaning(source));
});
