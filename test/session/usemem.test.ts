// The usemem command (server/session/usemem.ts): processes, passes, orders,
// hold and exit, what the checker knows of its tasks, and how verify replays it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../server/session/session';
import { shuffledPages, usememAccesses, type UsememOp } from '../../server/session/usemem';
import { translate } from '../../server/verify/translate';

const MACHINE = [
  'config ram=1G design=p4 seed=3',
  'swapon /dev/vdb size=512M',
  'mkdir test',
  'echo 64M > /sys/fs/cgroup/test/memory.max',
];

function run(lines: string[]): Session {
  const s = new Session('usemem.swapsim', [...MACHINE, ...lines].join('\n'), { checkInvariants: true });
  assert.notEqual(s.status, 'invalid', s.diagnostics.map((d) => d.message).join('; '));
  s.run();
  assert.deepEqual(s.violations, []);
  assert.deepEqual(
    s.errors.map((e) => e.message),
    [],
  );
  return s;
}

test('four processes over a cgroup half their size swap out the earlier pages, and their exits free the swap', () => {
  const s = run(['usemem u 32M n=4 cgroup=test']);
  const k = s.machine;
  const m = k.memcgs.lookup('test')!;
  assert.ok(k.vmstat.events.pswpout >= 8192, `pswpout ${k.vmstat.events.pswpout}`);
  assert.equal(m.swap.usage, 0, 'every process exited');
  assert.equal(m.memory.usage, 0);
  for (let i = 0; i < 4; i++) assert.equal(k.mm.tasks.get(`u${i}`)?.state, 'exited');
});

test('hold keeps the processes and their memory; repeat runs more passes; readonly reads', () => {
  const held = run(['usemem u 32M n=4 cgroup=test repeat=2 hold']);
  const m = held.machine.memcgs.lookup('test')!;
  assert.ok(m.swap.usage >= (64 << 20) / 4096, 'half of the 128 MiB is in swap');
  assert.equal(held.machine.mm.tasks.get('u3')?.state, 'alive');
  const once = run(['usemem u 32M n=4 cgroup=test hold']);
  assert.ok(
    held.machine.vmstat.events.pswpin > once.machine.vmstat.events.pswpin,
    'the second pass reads back what the first swapped out',
  );
  const ro = run(['usemem r 1M readonly hold']);
  const checked = ro.frontEnd.checked.statements.find((x) => x.op === 'usemem');
  assert.ok(checked?.op === 'usemem' && !checked.write, 'readonly reads');
  assert.ok(ro.machine.vmstat.events.pgfault >= 256);
});

test('random: every pass touches every page once, in a new order per process and pass, the same on every run', () => {
  const a = shuffledPages(7, 0, 0, 1000);
  assert.deepEqual(
    [...a].sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.notDeepEqual([...a], [...shuffledPages(7, 1, 0, 1000)]);
  assert.notDeepEqual([...a], [...shuffledPages(7, 0, 1, 1000)]);
  assert.deepEqual([...a], [...shuffledPages(7, 0, 0, 1000)]);
  const op: UsememOp = {
    op: 'usemem',
    tasks: ['u0', 'u1'],
    cgroup: '/',
    pages: 8,
    order: 0,
    content: [],
    passes: 2,
    random: true,
    write: true,
    hold: false,
  };
  const accesses = [...usememAccesses(op, 7)];
  assert.equal(accesses.length, 2 * 2 * 8);
  assert.deepEqual(
    accesses.slice(0, 8).map((x) => x.task),
    new Array(8).fill('u0'),
    'pass 1 runs u0, then u1',
  );
  const sequential = run(['usemem s 32M n=4 cgroup=test hold']);
  const shuffled = run(['usemem s 32M n=4 cgroup=test random hold']);
  assert.notEqual(
    sequential.machine.vma('s0', 'mem').pte[0],
    shuffled.machine.vma('s0', 'mem').pte[0],
    'the shuffled run left other pages in memory',
  );
});

test('the checker knows the processes: NAME0… exist after a held run, are gone after an exiting one, and clash with live tasks', () => {
  const held = new Session('a.swapsim', [...MACHINE, 'usemem u 1M n=2 hold', 'touch u1 mem'].join('\n'));
  assert.notEqual(held.status, 'invalid');
  const exited = new Session('b.swapsim', [...MACHINE, 'usemem u 1M n=2', 'touch u1 mem'].join('\n'));
  assert.equal(exited.status, 'invalid');
  const clash = new Session('c.swapsim', [...MACHINE, 'task u0', 'usemem u 1M'].join('\n'));
  assert.match(clash.diagnostics.map((d) => d.message).join('\n'), /task 'u0' already exists/);
  const zero = new Session('d.swapsim', [...MACHINE, 'usemem u 1M n=0'].join('\n'));
  assert.equal(zero.status, 'invalid');
});

test('verify replays usemem as the guest commands of the same run: processes, maps, accesses in order, exits', () => {
  const text = [...MACHINE, 'usemem u 64K n=2 cgroup=test random repeat=2'].join('\n');
  const plan = translate(text, { design: 'p4', kernel: '7.2' }, 'u.swapsim');
  const start = plan.commands.indexOf('step 4');
  const body = plan.commands.slice(start + 1).filter((c) => !c.startsWith('step ') && !c.startsWith('obs '));
  assert.deepEqual(
    body.slice(0, 4).map((c) => c.split(' ').slice(0, 3).join(' ')),
    [
      'task u0 /sys/fs/cgroup/test/cgroup.procs',
      'mmap u0 mem',
      'task u1 /sys/fs/cgroup/test/cgroup.procs',
      'mmap u1 mem',
    ],
  );
  const touches = body.filter((c) => c.startsWith('touch '));
  assert.equal(touches.length, 2 * 2 * 16, 'one single-page write per page, process and pass');
  assert.ok(touches.every((c) => / 1 1$/.test(c)));
  assert.deepEqual(body.slice(-2), ['exit u0', 'exit u1']);
  assert.deepEqual(plan.simulatorOnly, []);
});
