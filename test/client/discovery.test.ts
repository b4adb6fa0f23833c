// Finding `expect` lines for the Testing view (client/testing/discovery.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findExpectLines, stripComment } from '../../client/testing/discovery';

test('every statement starting with expect is found, with its range', () => {
  const text = [
    'swapon /dev/vda2 size=64M',
    'expect /proc/swaps /dev/vda2 Size == 65532 kB   # header page excluded',
    'repeat 2 {',
    '  expect ok',
    '}',
    '# expect nothing: a comment',
    'expectation is not a keyword',
    'rmdir nothere',
    'expect error ENOENT',
  ].join('\n');
  assert.deepEqual(findExpectLines(text), [
    { line: 1, start: 0, end: 45, text: 'expect /proc/swaps /dev/vda2 Size == 65532 kB' },
    { line: 3, start: 2, end: 11, text: 'expect ok' },
    { line: 8, start: 0, end: 19, text: 'expect error ENOENT' },
  ]);
});

test('a # inside a word or inside quotes does not start a comment', () => {
  assert.equal(stripComment('echo "a # b" > x # note'), 'echo "a # b" > x ');
  assert.equal(stripComment("echo 'it''s # x'"), "echo 'it''s # x'");
  assert.equal(stripComment('echo a#b > x'), 'echo a#b > x');
  assert.equal(stripComment('echo "esc \\" # still quoted" # out'), 'echo "esc \\" # still quoted" ');
  assert.equal(stripComment('# all comment'), '');
});

test('CRLF files give the same lines', () => {
  assert.deepEqual(
    findExpectLines('swapon /dev/vda2 size=64M\r\nexpect ok\r\n').map((x) => [x.line, x.text]),
    [[1, 'expect ok']],
  );
});
