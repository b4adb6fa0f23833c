import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexLine, splitLines } from '../../server/lang/syntax/lexer';

const kinds = (line: string) => lexLine(line).tokens.map((t) => `${t.kind}:${t.text}`);

test('words split on blanks and keep their UTF-16 offsets', () => {
  const { tokens } = lexLine('  swapon\t/dev/vda2  size=1G');
  assert.deepEqual(
    tokens.map((t) => [t.text, t.start, t.end]),
    [
      ['swapon', 2, 8],
      ['/dev/vda2', 9, 18],
      ['size=1G', 20, 27],
    ],
  );
});

test('operators stand alone even without blanks', () => {
  assert.deepEqual(kinds('expect x>=5'), ['word:expect', 'word:x', 'op:>=', 'word:5']);
  assert.deepEqual(kinds('echo 1G>/sys/fs/cgroup/a/memory.max'), [
    'word:echo',
    'word:1G',
    'op:>',
    'word:/sys/fs/cgroup/a/memory.max',
  ]);
  assert.deepEqual(kinds('a==b c!=d e<f g<=h i>>j'), [
    'word:a',
    'op:==',
    'word:b',
    'word:c',
    'op:!=',
    'word:d',
    'word:e',
    'op:<',
    'word:f',
    'word:g',
    'op:<=',
    'word:h',
    'word:i',
    'op:>>',
    'word:j',
  ]);
});

test('≈ ± and their ASCII spellings are operators', () => {
  assert.deepEqual(kinds('x ≈ 5 ±3%'), ['word:x', 'op:≈', 'word:5', 'op:±', 'word:3%']);
  assert.deepEqual(kinds('x ~= 5 +-4K'), ['word:x', 'op:~=', 'word:5', 'op:+-', 'word:4K']);
});

test('single = and - stay inside words', () => {
  assert.deepEqual(kinds('swapon --discard=once -p -1 bad=5,9-12 page-cluster'), [
    'word:swapon',
    'word:--discard=once',
    'word:-p',
    'word:-1',
    'word:bad=5,9-12',
    'word:page-cluster',
  ]);
});

test('parentheses keep blanks and operators inside one word', () => {
  const { tokens } = lexLine('mmap t r 1M content=mix(zero=50%, incompressible=50%) populate');
  assert.deepEqual(
    tokens.map((t) => t.text),
    ['mmap', 't', 'r', '1M', 'content=mix(zero=50%, incompressible=50%)', 'populate'],
  );
  assert.deepEqual(kinds('expect /proc/meminfo Active(anon) > 0'), [
    'word:expect',
    'word:/proc/meminfo',
    'word:Active(anon)',
    'op:>',
    'word:0',
  ]);
});

test('an unbalanced parenthesis runs to the end of the line without an exception', () => {
  assert.deepEqual(kinds('x mix(a b # c'), ['word:x', 'word:mix(a b # c']);
});

test('# starts a comment only at the start of a token', () => {
  const line = 'echo 5 > a/memory.max # set it';
  const lexed = lexLine(line);
  assert.deepEqual(lexed.comment, { start: 22, end: line.length });
  assert.deepEqual(kinds(line), ['word:echo', 'word:5', 'op:>', 'word:a/memory.max']);
  assert.deepEqual(kinds('a#b'), ['word:a#b']);
  assert.deepEqual(kinds('# whole line'), []);
});

test('braces are tokens of their own', () => {
  assert.deepEqual(kinds('repeat 3{'), ['word:repeat', 'word:3', 'lbrace:{']);
  assert.deepEqual(kinds('}'), ['rbrace:}']);
});

test('quoted strings: double quotes take \\" and \\\\ escapes, single quotes none', () => {
  const { tokens, error } = lexLine(String.raw`echo "8M swappiness=0" 'a\b' "q\"x\\y"`);
  assert.equal(error, null);
  assert.deepEqual(
    tokens.map((t) => [t.kind, t.text, t.start, t.end]),
    [
      ['word', 'echo', 0, 4],
      ['string', '8M swappiness=0', 5, 22],
      ['string', String.raw`a\b`, 23, 28],
      ['string', 'q"x\\y', 29, 38],
    ],
  );
});

test('an unterminated string is reported from the quote to the end of the line', () => {
  const { error } = lexLine('echo "abc > x');
  assert.deepEqual(error, { message: 'unterminated quoted string', start: 5, end: 13 });
});

test('splitLines understands \\n, \\r\\n and \\r', () => {
  assert.deepEqual(splitLines('a\nb\r\nc\rd'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(splitLines(''), ['']);
  assert.deepEqual(splitLines('x\n'), ['x', '']);
});
