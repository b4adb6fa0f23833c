import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, range, type CommandStatement, type Statement } from '../../server/lang/index';
import { expectOnly, run } from './helpers';

function only(source: string): Statement {
  const { program, diagnostics } = parse(source);
  assert.deepEqual(diagnostics, []);
  assert.equal(program.statements.length, 1);
  return program.statements[0] as Statement;
}

function command(source: string): CommandStatement {
  const s = only(source);
  assert.equal(s.kind, 'command');
  return s as CommandStatement;
}

test('config settings keep key and value ranges', () => {
  const s = only('config design=p4 page_size=16K');
  assert.equal(s.kind, 'config');
  if (s.kind !== 'config') return;
  assert.deepEqual(
    s.settings.map((x) => [x.key.text, x.value.text, x.key.range, x.value.range]),
    [
      ['design', 'p4', range(0, 7, 13), range(0, 14, 16)],
      ['page_size', '16K', range(0, 17, 26), range(0, 27, 30)],
    ],
  );
  assert.deepEqual(s.range, range(0, 0, 30));
});

test('commands sort their arguments into positionals, options and flags', () => {
  const s = command('swapon /dev/vda2 size=1G -p 5 --discard=once rotational');
  assert.equal(s.name.text, 'swapon');
  assert.deepEqual(
    s.args.map((a) =>
      a.kind === 'positional'
        ? ['pos', a.word.text]
        : a.kind === 'option'
          ? ['opt', a.key.text, a.value.text]
          : ['flag', a.canonical, a.value?.text ?? null],
    ),
    [
      ['pos', '/dev/vda2'],
      ['opt', 'size', '1G'],
      ['flag', 'priority', '5'],
      ['flag', 'discard', 'once'],
      ['flag', 'rotational', null],
    ],
  );
  const prio = s.args[2];
  assert.ok(prio?.kind === 'flag');
  assert.deepEqual(prio.range, range(0, 25, 29));
  assert.deepEqual(prio.value?.range, range(0, 28, 29));
});

test('short flags take attached values and long flags take = values', () => {
  const a = command('swapon /dev/vda2 size=1G -p5 -donce');
  assert.deepEqual(
    a.args
      .filter((x) => x.kind === 'flag')
      .map((x) => (x.kind === 'flag' ? [x.name.text, x.canonical, x.value?.text] : [])),
    [
      ['-p', 'priority', '5'],
      ['-d', 'discard', 'once'],
    ],
  );
  const b = command('swapon /dev/vda2 size=1G --priority=7 -d');
  const flags = b.args.filter((x) => x.kind === 'flag');
  assert.deepEqual(
    flags.map((x) => (x.kind === 'flag' ? [x.canonical, x.value?.text ?? null] : [])),
    [
      ['priority', '7'],
      ['discard', null],
    ],
  );
});

test('a negative number is a value, not a flag', () => {
  const s = command('swapon /dev/vda2 size=1G -p -1');
  const prio = s.args.find((a) => a.kind === 'flag');
  assert.ok(prio?.kind === 'flag' && prio.value?.text === '-1');
});

test('sysctl keeps KEY=VALUE as a positional', () => {
  const s = command('sysctl -w vm.swappiness=60');
  assert.deepEqual(
    s.args.map((a) => a.kind),
    ['flag', 'positional'],
  );
});

test('repeat blocks nest and span to their closing brace', () => {
  const { program, diagnostics } = parse('repeat 2 {\n  repeat 3 {\n    discard\n  }\n  discard\n}\ndiscard');
  assert.deepEqual(diagnostics, []);
  assert.equal(program.statements.length, 2);
  const outer = program.statements[0];
  assert.ok(outer?.kind === 'repeat');
  assert.equal(outer.count?.text, '2');
  assert.deepEqual(outer.headerRange, range(0, 0, 10));
  assert.deepEqual(outer.closeRange, range(5, 0, 1));
  assert.deepEqual(outer.range, { start: { line: 0, character: 0 }, end: { line: 5, character: 1 } });
  const inner = outer.body[0];
  assert.ok(inner?.kind === 'repeat');
  assert.equal(inner.body.length, 1);
  assert.equal(outer.body.length, 2);
});

test('echo collects value words up to the redirection', () => {
  const s = only('echo -n "8M swappiness=0" >> /sys/fs/cgroup/a/memory.reclaim');
  assert.ok(s.kind === 'echo');
  assert.deepEqual(
    s.values.map((v) => [v.text, v.quoted]),
    [['8M swappiness=0', true]],
  );
  assert.equal(s.redirect.op, '>>');
  assert.equal(s.target.text, '/sys/fs/cgroup/a/memory.reclaim');
  const bare = only('echo > /sys/fs/cgroup/a/memory.peak');
  assert.ok(bare.kind === 'echo' && bare.values.length === 0);
});

test('expect forms: ok, error, comparison with unit word and tolerance', () => {
  const ok = only('expect ok');
  assert.ok(ok.kind === 'expect' && ok.assertion.form === 'ok');
  const err = only('expect error EBUSY');
  assert.ok(err.kind === 'expect' && err.assertion.form === 'error' && err.assertion.errno.text === 'EBUSY');
  const cmp = only('expect /proc/meminfo SwapFree ≈ 1048572 kB ±1%');
  assert.ok(cmp.kind === 'expect' && cmp.assertion.form === 'compare');
  const a = cmp.assertion;
  assert.deepEqual(
    a.subject.map((w) => w.text),
    ['/proc/meminfo', 'SwapFree'],
  );
  assert.equal(a.operator.op, '≈');
  assert.equal(a.value.text, '1048572');
  assert.equal(a.unit?.text, 'kB');
  assert.equal(a.tolerance?.operator.op, '±');
  assert.equal(a.tolerance?.amount.text, '1%');
  assert.deepEqual(a.tolerance?.range, range(0, 43, 46));
});

test('comments are collected with their ranges', () => {
  const { program } = parse('# top\ndiscard # after\n');
  assert.deepEqual(
    program.comments.map((c) => [c.text, c.range]),
    [
      [' top', range(0, 0, 5)],
      [' after', range(1, 8, 15)],
    ],
  );
  assert.equal(program.lineCount, 3);
});

// ─── Syntax diagnostics, one per code, with exact ranges ─────────────────────

test('SS101 unknown command, with the nearest command as a fix', () => {
  const d = expectOnly('«tsk» web', 'SS101');
  assert.deepEqual(d.data?.suggestions, ['task']);
  assert.equal(d.data?.fixes?.[0]?.edits[0]?.newText, 'task');
  expectOnly('«>» x', 'SS101');
});

test('SS102 missing argument points just after the last word', () => {
  expectOnly('task t\nmmap t heap«»', 'SS102');
  expectOnly('task t\nfork t«»', 'SS102');
});

test('SS103 extra argument', () => {
  expectOnly('task t «extra»', 'SS103');
  const d = expectOnly('task t\nmmap t r 4K «populte»', 'SS103');
  assert.deepEqual(d.data?.suggestions, ['populate']);
});

test('SS104 unknown option or flag', () => {
  const d = expectOnly('swapon /dev/vda size=1M «prio»=5', 'SS104');
  assert.match(d.message, /no option 'prio'/);
  expectOnly('swapon /dev/vda size=1M «-x»', 'SS104');
  expectOnly('swapon /dev/vda size=1M «--prio»=3', 'SS104');
  expectOnly('swapon /dev/vda size=1M «rotational»=1', 'SS104');
});

test('SS105 an option or flag twice', () => {
  expectOnly('task t\nmmap t r 4K populate «populate»', 'SS105');
  expectOnly('swapon /dev/vda size=1M «size=2M»', 'SS105');
  expectOnly('swapon /dev/vda size=1M -p 1 «--priority=2»', 'SS105');
});

test('SS106 option without a value', () => {
  expectOnly('swapon /dev/vda «size=»', 'SS106');
  expectOnly('swapon /dev/vda size=1M «-p»', 'SS106');
  expectOnly('swapon /dev/vda size=1M «--discard=»', 'SS106');
});

test('SS107 a } without a repeat', () => {
  expectOnly('discard\n«}»', 'SS107');
});

test('SS108 an unclosed repeat is reported on its header', () => {
  expectOnly('«repeat 3 {»\ndiscard', 'SS108');
});

test('SS109 malformed repeat lines', () => {
  expectOnly('repeat «3»', 'SS109');
  expectOnly('«repeat»', 'SS109');
  expectOnly('repeat 3 { «discard»\n}', 'SS109');
  expectOnly('repeat 2 {\n} «x»', 'SS109');
  expectOnly('discard «{»', 'SS109');
});

test('a repeat with a broken header still pairs with its }', () => {
  // One diagnostic for the header; the } is not "unmatched", the block is not "unclosed".
  expectOnly('repeat x «y»\ndiscard\n}', 'SS109');
});

test('a repeat header without a count still opens its block', () => {
  expectOnly('repeat «{»\ndiscard\n}\ndiscard', 'SS109');
});

test('SS110 unterminated string', () => {
  expectOnly('echo «"abc > x»', 'SS110');
});

test('SS111 malformed expect', () => {
  expectOnly('«expect»', 'SS111');
  expectOnly('«expect /proc/vmstat pswpout»', 'SS111');
  expectOnly('expect /proc/vmstat pswpout «==»', 'SS111');
  expectOnly('expect «==» 5', 'SS111');
  expectOnly('expect x «±» 5', 'SS111');
  expectOnly('expect ok «now»', 'SS111');
  expectOnly('expect «error»', 'SS111');
  expectOnly('expect error EBUSY «now»', 'SS111');
  expectOnly('expect x == 5 «±»', 'SS111');
  expectOnly('expect x == 5 «6»', 'SS111');
});

test('SS112 malformed echo', () => {
  expectOnly('«echo 5»', 'SS112');
  expectOnly('echo 5 «<» x', 'SS112');
  expectOnly('echo 5 «>»', 'SS112');
  expectOnly('echo 5 > x «y»', 'SS112');
});

test('SS113 malformed config', () => {
  expectOnly('«config»', 'SS113');
  expectOnly('config «design»', 'SS113');
  expectOnly('config «=p4»', 'SS113');
  expectOnly('config «design=»', 'SS113');
});

test('SS114 operator inside a command', () => {
  expectOnly('task t\nmmap t r 4K «<»', 'SS114');
});

test('recovery: one broken line among good ones gives exactly one diagnostic', () => {
  const good = [
    'config ram=1G',
    'swapon /dev/vda2 size=64M',
    'mkdir app',
    'task t cgroup=app',
    'mmap t heap 1M populate',
    'pageout t heap',
    'expect /sys/fs/cgroup/app/memory.swap.current == 1M',
    'repeat 2 {',
    '  touch t heap',
    '}',
  ];
  const broken = [
    'frobnicate 1 2',
    'echo "oops',
    'expect ==',
    'mmap t <',
    'config',
    'swapon --nope',
    'touch t heap pages=1..x',
  ];
  for (const bad of broken) {
    for (const at of [1, 5, 9]) {
      const lines = [...good.slice(0, at), bad, ...good.slice(at)];
      const { diagnostics } = run(lines.join('\n'));
      assert.equal(
        diagnostics.length,
        1,
        `'${bad}' at line ${at}: ${diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`,
      );
      assert.equal(diagnostics[0]?.range.start.line, at);
    }
  }
});

test('names defined on a broken line are not reported again further down', () => {
  expectOnly('«tassk» web\nmmap web heap 1M\ntouch web heap', 'SS101');
  expectOnly('task t\nmmap t heap 1M «content»\ntouch t heap', 'SS103');
});

/** Every node of `value` (depth first), by walking own enumerable fields and the `range` getters. */
function visitRanges(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  let read = 0;
  const node = value as { range?: unknown };
  if ('range' in node) {
    const r = node.range as { start: { line: number; character: number }; end: { line: number; character: number } };
    assert.ok(Number.isInteger(r.start.line) && Number.isInteger(r.end.character), 'a range of numbers');
    read++;
  }
  for (const child of Object.values(value)) read += visitRanges(child, seen);
  return read;
}

test('node ranges are plain objects, and reading them does not change how trees compare', () => {
  const source =
    'swapon /dev/vda2 size=1G -p 5 --discard=once\necho 1 > /sys/module/zswap/parameters/enabled # on\nexpect /proc/meminfo SwapFree ≈ 5242876 kB ±5%';
  const read = parse(source).program;
  const untouched = parse(source).program;
  assert.ok(visitRanges(read) > 20);
  assert.deepEqual(read, untouched);
  // A range survives JSON (it goes into LSP messages as is) and spreading copies it.
  const swapon = read.statements[0] as CommandStatement;
  const size = swapon.args[1];
  assert.ok(size?.kind === 'option');
  assert.deepEqual(JSON.parse(JSON.stringify(size.value.range)), range(0, 22, 24));
  assert.deepEqual({ ...size.value.range }, range(0, 22, 24));
  const echoLine = source.split('\n')[1] ?? '';
  assert.deepEqual(read.comments[0]?.range, range(1, echoLine.indexOf('#'), echoLine.length));
});
