// Variables in the editor: semantic tokens, hover, completion after `$`,
// definition, references and rename, the outline, and formatting of loops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { semanticTokens } from '../../server/lsp/semantic_tokens';
import {
  analyze,
  decodeTokens,
  expectCompletion,
  expectDefinition,
  expectFormatting,
  expectHover,
  expectReferences,
  expectRename,
  expectSymbols,
} from './features';

test('semantic tokens mark variable definitions and each use inside a word', () => {
  const text = ['let N = 8', 'task t', 'mmap t r 64K', 'repeat $N as i {', '  touch t r pages=0..$((i * 2))', '}'].join(
    '\n',
  );
  const tokens = decodeTokens(text, semanticTokens(analyze(text).analysis));
  const at = (line: number, t: string): { type: string; modifiers: string[] } | undefined =>
    tokens.find((x) => x.line === line && x.text === t);
  assert.equal(at(0, 'let')?.type, 'keyword');
  assert.deepEqual(at(0, 'N'), { line: 0, start: 4, text: 'N', type: 'variable', modifiers: ['declaration'] });
  assert.equal(at(3, 'N')?.type, 'variable');
  assert.deepEqual(at(3, 'i')?.modifiers, ['declaration']);
  assert.equal(at(4, 'i')?.type, 'variable');
});

test('hover on a variable says where it is set', () => {
  expectHover('let U = /proc/vmstat pswpout\necho $<|>U > /proc/sys/vm/swappiness', [
    '**$U** — variable',
    'set on line 1',
  ]);
  expectHover('le<|>t N = 4', ['let NAME', 'observable']);
});

test('completion after $ offers the variables, in the word being typed', () => {
  const items = expectCompletion('let SIZE = 4M\nlet N = 2\ntask t\nmmap t r $<|>', { includes: ['$SIZE', '$N'] });
  const n = items.find((i) => i.label === '$N');
  assert.equal(n?.textEdit !== undefined && 'newText' in n.textEdit ? n.textEdit.newText : null, '$N');
  const braced = expectCompletion('let N = 2\ntask t\nmmap t r 4K\ntouch t r pages=0..${<|>', { includes: ['${N}'] });
  const b = braced.find((i) => i.label === '${N}');
  assert.equal(b?.textEdit !== undefined && 'newText' in b.textEdit ? b.textEdit.newText : null, 'pages=0..${N}');
  expectCompletion('mkdir app\nlet U = /sys/fs/cgroup/app/memory.<|>', {
    includes: ['/sys/fs/cgroup/app/memory.current'],
  });
  expectCompletion('let U = <|>', { includes: ['task', 'slot', '/proc/vmstat'], excludes: ['ok', 'error'] });
});

test('definition, references and rename follow a variable through substitutions', () => {
  expectDefinition('let <|N|> = 4\ntask t\nmmap t r $((N<|> * 4K))');
  expectDefinition('repeat 3 as <|i|> {\n  let X = ${i<|>}\n}');
  expectReferences('let <|N|> = 4\ntask t\nmmap t r $((<|N|> * 4K))\necho $<|><|N|> > /proc/sys/vm/swappiness');
  expectRename(
    'let N<|> = 4\ntask t\nmmap t r ${N}K\necho $((N + 1)) > /proc/sys/vm/swappiness',
    'PAGES',
    'let PAGES = 4\ntask t\nmmap t r ${PAGES}K\necho $((PAGES + 1)) > /proc/sys/vm/swappiness',
  );
});

test('the outline shows lets and loop variables; formatting indents repeat … as blocks', () => {
  expectSymbols('let N = 4\nrepeat $N as i {\n  free\n}', [{ name: 'N' }, { name: 'repeat $N as i' }]);
  expectFormatting(
    'let   N =  4\nrepeat $N   as i {\nlet X = $((i*2))\n}',
    'let N = 4\nrepeat $N as i {\n  let X = $((i*2))\n}',
  );
});
