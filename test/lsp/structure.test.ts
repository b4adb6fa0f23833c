// Document symbols, folding ranges, semantic tokens and code lenses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeLenses } from '../../server/lsp/code_lens';
import { foldingRanges } from '../../server/lsp/outline';
import { semanticTokens } from '../../server/lsp/semantic_tokens';
import { largeScenario } from '../lang/generate';
import { analyze, decodeTokens as decode, expectSymbols } from './features';

test('the outline lists config, devices, cgroups, tasks, regions and repeat blocks with their children', () => {
  const text = [
    'config design=p4 ram=2G',
    'swapon /dev/vda2 size=64M',
    'mkdir app',
    'task t cgroup=app',
    'mmap t heap 1M',
    'repeat 2 {',
    '  fork t u',
    '  repeat 3 {',
    '    mmap u r 1M',
    '    munmap u r',
    '  }',
    '  exit u',
    '}',
  ].join('\n');
  const symbols = expectSymbols(text, [
    { name: 'config', children: [{ name: 'design' }, { name: 'ram' }] },
    { name: '/dev/vda2' },
    { name: 'app' },
    { name: 't' },
    { name: 'heap' },
    { name: 'repeat 2', children: [{ name: 'u' }, { name: 'repeat 3', children: [{ name: 'r' }] }] },
  ]);
  const repeat = symbols[5];
  assert.deepEqual(repeat?.range, { start: { line: 5, character: 0 }, end: { line: 12, character: 1 } });
});

test('folding ranges cover repeat bodies (the closing brace stays visible) and comment blocks', () => {
  const text = [
    '# A scenario',
    '# in two lines',
    'task t',
    'repeat 2 {',
    '  mmap t r 1M',
    '  munmap t r',
    '}',
    '# single',
  ].join('\n');
  const ranges = foldingRanges(analyze(text).analysis);
  assert.deepEqual(
    ranges.map((r) => [r.startLine, r.endLine, r.kind ?? null]),
    [
      [0, 1, 'comment'],
      [3, 5, null],
    ],
  );
});

test('semantic tokens classify keywords, paths, numbers, names, errnos, operators and comments', () => {
  const text = [
    'swapon /dev/vda2 size=64M -p 5  # main',
    'task web',
    'mmap web heap 4M populate',
    'swapoff /dev/nope',
    'expect error EINVAL',
    'expect /proc/vmstat pswpout >= 0',
  ].join('\n');
  const { analysis } = analyze(text);
  const tokens = decode(text, semanticTokens(analysis));
  const of = (t: string): string => tokens.find((x) => x.text === t)?.type ?? 'none';
  assert.equal(of('swapon'), 'keyword');
  assert.equal(of('/dev/vda2'), 'string');
  assert.equal(of('size'), 'parameter');
  assert.equal(of('64M'), 'number');
  assert.equal(of('-p'), 'parameter');
  assert.equal(of('# main'), 'comment');
  assert.equal(of('heap'), 'variable');
  assert.deepEqual(tokens.find((x) => x.text === 'web' && x.line === 1)?.modifiers, ['declaration']);
  assert.equal(of('populate'), 'parameter');
  assert.equal(of('EINVAL'), 'enumMember');
  assert.equal(of('/proc/vmstat'), 'string');
  assert.equal(of('pswpout'), 'property');
  assert.equal(of('>='), 'operator');
  // Range requests return only the lines asked for.
  const ranged = decode(text, semanticTokens(analysis, 4, 5));
  assert.deepEqual([...new Set(ranged.map((t) => t.line))], [4, 5]);
});

test('semantic tokens of a 10,000-line document are sorted and never overlap', () => {
  const text = largeScenario(10_000);
  const tokens = semanticTokens(analyze(text).analysis);
  assert.ok(tokens.data.length > 10_000 * 5);
  for (let i = 0; i < tokens.data.length; i += 5) {
    const dl = tokens.data[i] ?? 0;
    const ds = tokens.data[i + 1] ?? 0;
    assert.ok(
      dl >= 0 && (dl > 0 || i === 0 || ds >= (tokens.data[i - 3] ?? 0)),
      `token ${i / 5} overlaps the one before`,
    );
  }
});

test('code lenses: Run, Step, Compare designs, Open dashboard and Verify on real kernel at the top, Run to here on repeats', () => {
  const { uri, analysis } = analyze(
    'task t\nrepeat 2 {\n  mmap t r 1M\n  munmap t r\n}\nrepeat 3 {\n  fork t c\n  exit c\n}',
  );
  const lenses = codeLenses(analysis);
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command?.command, l.command?.arguments]),
    [
      [0, 'swapsim.run', [uri]],
      [0, 'swapsim.step', [uri]],
      [0, 'swapsim.compareDesigns', [uri]],
      [0, 'swapsim.openDashboard', [uri]],
      [0, 'swapsim.verifyOnRealKernel', [uri]],
      [1, 'swapsim.run', [uri, 1]],
      [5, 'swapsim.run', [uri, 5]],
    ],
  );
});
