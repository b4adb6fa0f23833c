// Variables and expressions in the front end: the expression language, the
// lexer and parser forms (`let`, `repeat … as`, `${N}`), and what the
// checker folds, leaves to the run, or reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, expand, parseExpr, parseTemplate, seededRandom, type EvalEnv } from '../../server/lang/syntax/expr';
import { lexLine } from '../../server/lang/syntax/lexer';
import type { CheckedStatement } from '../../server/lang/index';
import { expectClean, expectOnly, lastChecked, run } from './helpers';

const env = (vars: Record<string, number | string> = {}): EvalEnv => ({
  lookup: (n) => vars[n],
  pageSize: 4096,
  random: null,
});

function calc(src: string, vars: Record<string, number | string> = {}): number {
  const r = parseExpr(src);
  assert.ok(r.ok, `parse of ${src}: ${r.ok ? '' : r.error.message}`);
  return evaluate(r.expr, env(vars));
}

test('expressions: precedence, C division, sizes, comparisons, functions', () => {
  assert.equal(calc('1 + 2 * 3'), 7);
  assert.equal(calc('(1 + 2) * 3'), 9);
  assert.equal(calc('7 / 2'), 3);
  assert.equal(calc('-7 / 2'), -3, 'division truncates toward zero');
  assert.equal(calc('-7 % 3'), -1);
  assert.equal(calc('4K + 1'), 4097);
  assert.equal(calc('16p'), 65536);
  assert.equal(calc('0x10'), 16);
  assert.equal(calc('U / 2', { U: 8192 }), 4096);
  assert.equal(calc('$U * 2', { U: 3 }), 6);
  assert.equal(calc('S + 0', { S: '4M' }), 4 * 1024 * 1024, 'text is read as a size');
  assert.equal(calc('1 < 2 && 3 >= 3'), 1);
  assert.equal(calc('!0 + (2 == 3)'), 1);
  assert.equal(calc('min(3, 9) + max(3, 9)'), 12);
  for (const bad of ['', '1 +', '(1', '1 2', 'foo(1)', 'random(1, 2, 3)', '1 @ 2'])
    assert.equal(parseExpr(bad).ok, false, bad);
  assert.throws(() => calc('1 / 0'), /division by zero/);
  assert.throws(() => calc('X + 1'), /X is not set/);
  assert.throws(() => calc('S + 1', { S: 'alive' }), /not a number/);
  assert.throws(() => calc('9007199254740991 + 1'), /safe integer/);
});

test('templates: $NAME, ${NAME}, $((…)); other dollars are text', () => {
  const t = (text: string, vars: Record<string, number | string>): string => {
    const p = parseTemplate(text);
    assert.ok(p.ok, text);
    return expand(p.template, env(vars));
  };
  assert.equal(t('pages=0..$i', { i: 7 }), 'pages=0..7');
  assert.equal(t('${N}K', { N: 4 }), '4K');
  assert.equal(t('c$i.x', { i: 2 }), 'c2.x');
  assert.equal(t('$((N * 2))M', { N: 3 }), '6M');
  assert.equal(t('a$', {}), 'a$');
  assert.equal(t('100$ $5', {}), '100$ $5');
  assert.equal(parseTemplate('$(ls)').ok, false);
  assert.equal(parseTemplate('$((1 + 2)').ok, false);
  assert.equal(parseTemplate('${1x}').ok, false);
});

test('random() is seeded by the seed, the step and the call, and stays in range', () => {
  const draws = Array.from({ length: 2000 }, (_, i) => seededRandom(7, i, 0, 0, 9));
  assert.ok(draws.every((d) => d >= 0 && d <= 9 && Number.isInteger(d)));
  for (let v = 0; v <= 9; v++)
    assert.ok(draws.filter((d) => d === v).length > 120, `value ${v} is drawn about 1/10 of the time`);
  assert.equal(seededRandom(7, 5, 1, 0, 1000), seededRandom(7, 5, 1, 0, 1000));
  assert.notDeepEqual(
    Array.from({ length: 8 }, (_, i) => seededRandom(7, i, 0, 0, 1000)),
    Array.from({ length: 8 }, (_, i) => seededRandom(8, i, 0, 0, 1000)),
  );
});

test('the lexer keeps ${NAME} and $((…)) inside their words', () => {
  assert.deepEqual(
    lexLine('mmap t r ${N}K populate').tokens.map((x) => x.text),
    ['mmap', 't', 'r', '${N}K', 'populate'],
  );
  assert.deepEqual(
    lexLine('echo $((U / 2 > 1)) > memory.max').tokens.map((x) => x.text),
    ['echo', '$((U / 2 > 1))', '>', 'memory.max'],
  );
});

test('let and repeat … as parse; malformed forms are SS115 and SS109', () => {
  const r = expectClean('let N = 4\nlet M=$((N + 1))\nrepeat $N as i {\n  let K = $i\n}');
  const s = r.program.statements;
  assert.equal(s[0]?.kind, 'let');
  assert.equal(s[1]?.kind === 'let' ? s[1].value[0]?.text : null, '$((N + 1))');
  assert.equal(s[2]?.kind === 'repeat' ? s[2].variable?.text : null, 'i');
  expectOnly('«let»', 'SS115');
  expectOnly('let N «4»', 'SS115');
  expectOnly('«let N =»', 'SS115');
  expectOnly('repeat 3 as «{»\n}', 'SS109');
});

function ops(source: string): CheckedStatement[] {
  const flat: CheckedStatement[] = [];
  const walk = (list: readonly CheckedStatement[]): void => {
    for (const s of list) {
      flat.push(s);
      if (s.op === 'repeat') walk(s.body);
    }
  };
  walk(expectClean(source).checked.statements);
  return flat;
}

test('constants fold: the statement is checked as written out, with no unit warning', () => {
  const last = lastChecked('let N = 16\ntask t\nmmap t r $((N * 4K)) populate');
  assert.equal(last.op, 'mmap');
  assert.equal(last.op === 'mmap' ? last.pages : 0, 16);
  // a folded value is checked: 17 pages do not fit order-2 folios
  expectOnly('let N = 17\ntask t\nmmap t r «$((N * 4K))» order=2', 'SS316');
  expectOnly('task t\nmmap t r 4K\ntouch t r pages=«0..$((4 / 2))»', 'SS310');
  expectOnly('let Z = 0\ntask t\nmmap t r $((4 «/» Z))K', 'SS116');
  const rep = lastChecked('let N = 4\nrepeat $((N * 2)) {\n  free\n}');
  assert.equal(rep.op === 'repeat' ? rep.count : 0, 8);
});

test('values known only at run time make dynamic operations', () => {
  const list = ops(
    'task t\nmmap t r 64K populate\nrepeat 4 as i {\n  pageout t r pages=$i\n}\nlet U = /proc/vmstat pswpout\necho $U > /proc/sys/vm/swappiness',
  );
  const kinds = list.map((s) => s.op);
  assert.deepEqual(kinds, ['task', 'mmap', 'repeat', 'dynamic', 'let', 'dynamic']);
  const letOp = list[4];
  assert.equal(letOp?.op === 'let' ? letOp.value.kind : null, 'observable');
  const rep = list[2];
  assert.equal(rep?.op === 'repeat' ? rep.variable : null, 'i');
});

test('unknown variables, bad names and run-time repeat counts are reported where they are', () => {
  expectOnly('task t\nmmap t r 4K\ntouch t r pages=«$N»', 'SS226');
  expectOnly('repeat 2 as i {\n  free\n}\necho «$i» > /proc/sys/vm/swappiness', 'SS226');
  expectOnly('repeat 2 as i {\n  let «i» = 3\n}', 'SS227');
  expectOnly('let «2x» = 3', 'SS227');
  expectOnly('let N = 1\nrepeat 2 as «N» {\n  free\n}', 'SS227');
  expectOnly('let U = /proc/vmstat pswpout\nrepeat «$U» {\n  free\n}', 'SS320');
  expectOnly('repeat 2 as i {\n  repeat «$i» {\n    free\n  }\n}', 'SS320');
  expectOnly('task t\nmmap t r 4K\ntouch t r pages=$((1 +«»))', 'SS116');
});

test('an expect with run-time values is still checked outside those values', () => {
  expectOnly('let U = /proc/vmstat pswpout\nexpect /proc/vmstat pswpout < $U «±1»', 'SS312');
  expectOnly('let U = /proc/vmstat pswpout\nexpect /proc/vmstat «pswpot» == $U', 'SS206');
  expectClean('let U = /proc/vmstat pswpout\nexpect /proc/vmstat pswpout == $U ±1%');
});

test('names created from substitutions are left to the run, not reported', () => {
  const list = ops('repeat 3 as i {\n  task c$i\n}\nmmap c1 heap 4K\ntouch c1 heap');
  assert.deepEqual(
    list.map((s) => s.op),
    ['repeat', 'dynamic', 'dynamic', 'dynamic'],
  );
  // a static name the checker knows is still checked
  expectOnly('repeat 3 as i {\n  task c$i\n}\ntask t\ntouch t «heap»', 'SS202');
  // single quotes do not expand
  const diags = run("echo '$x' > /sys/module/zswap/parameters/compressor").diagnostics;
  assert.equal(diags[0]?.code, 'SS308');
});
