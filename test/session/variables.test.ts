// Variables at run time: loop counters, `let` of observables, statements
// expanded and checked when they run, random() choices, and stepping back
// over all of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../server/session/session';
import { fingerprint } from '../../server/sim/snapshot';

function ran(text: string): Session {
  const s = new Session('mem:vars', text);
  assert.notEqual(s.status, 'invalid', JSON.stringify(s.diagnostics));
  s.run();
  return s;
}

function failedExpects(s: Session): string[] {
  return s.expects.filter((e) => !e.passed).map((e) => `line ${e.range.start.line + 1}: ${e.text} got ${e.actual}`);
}

test('a loop counter numbers the passes from 0, in nested loops too', () => {
  const s = ran(
    [
      'let SUM = 0',
      'repeat 3 as i {',
      '  repeat 4 as j {',
      '    let SUM = $((SUM + i * 10 + j))',
      '  }',
      '}',
      'expect free mem total > $SUM',
    ].join('\n'),
  );
  // Σ over i<3, j<4 of 10i + j = 4·10·(0+1+2) + 3·(0+1+2+3)
  assert.equal(s.variable('SUM'), 120 + 18);
  assert.deepEqual(failedExpects(s), []);
});

test('let reads an observable in its unit; expressions and tolerances use it', () => {
  const s = ran(
    [
      'config ram=256M swap_writeback=sync', // pageout frees the folios at once
      'swapon /dev/vda2 size=64M',
      'mkdir app',
      'task t cgroup=app',
      'mmap t heap 1M populate',
      'let U = /sys/fs/cgroup/app/memory.current',
      'pageout t heap pages=0..127',
      'let S = /sys/fs/cgroup/app/memory.swap.current',
      'let OUT = /proc/vmstat pswpout',
      'let STATE = task t state',
      'expect /sys/fs/cgroup/app/memory.swap.current == $((U / 2))',
      'expect /proc/vmstat pswpout == $OUT',
      'expect task t swapents == $((S / 4K))',
      'expect /sys/fs/cgroup/app/memory.current == $((U - S)) ±1%',
      'expect task t state == $STATE',
      'echo $((U * 4)) > /sys/fs/cgroup/app/memory.max',
      'expect /sys/fs/cgroup/app/memory.max == $((U * 4))',
    ].join('\n'),
  );
  assert.equal(s.variable('U'), 1024 * 1024);
  assert.equal(s.variable('OUT'), 128);
  assert.equal(s.variable('STATE'), 'alive');
  assert.deepEqual(failedExpects(s), []);
  assert.deepEqual(s.errors, []);
});

test('a statement expanded at run time fails with the errno of what it names', () => {
  const s = ran(
    [
      'task t',
      'let N = /proc/vmstat pswpout',
      'touch nobody$N heap',
      'expect error ESRCH',
      'echo 1M > /sys/fs/cgroup/gone$N/memory.max',
      'expect error ENOENT',
      'mmap t r $((4K / N))',
      'expect error EINVAL',
      'mmap t r $((N + 8))K',
      'expect task t rss == 0',
    ].join('\n'),
  );
  assert.deepEqual(failedExpects(s), []);
  assert.deepEqual(
    s.errors.map((e) => [e.errno, e.expected]),
    [
      ['ESRCH', true],
      ['ENOENT', true],
      ['EINVAL', true],
    ],
  );
  assert.match(s.errors[2]?.message ?? '', /division by zero/);
});

test('names made in a loop are usable after it', () => {
  const s = ran(
    [
      'config ram=256M',
      'swapon /dev/vda2 size=64M',
      'repeat 4 as i {',
      '  task c$i',
      '  mmap c$i heap $((i + 1))p populate',
      '}',
      'pageout c3 heap',
      'expect task c3 swapents == 4',
      'expect task c0 rss == 1',
    ].join('\n'),
  );
  assert.deepEqual(failedExpects(s), []);
  assert.deepEqual(s.errors, []);
});

test('random() makes the same choices on every run of the same seed, and others with another seed', () => {
  const text = (seed: number): string =>
    [
      `config seed=${seed} ram=256M`,
      'swapon /dev/vda2 size=64M',
      'task t',
      'mmap t heap 256p populate',
      'repeat 32 {',
      '  pageout t heap pages=$((random(256)))',
      '}',
      'let S = task t swapents',
    ].join('\n');
  const a = ran(text(3));
  const b = ran(text(3));
  const c = ran(text(4));
  assert.equal(a.variable('S'), b.variable('S'));
  assert.equal(fingerprint(a.machine), fingerprint(b.machine));
  assert.notEqual(fingerprint(a.machine), fingerprint(c.machine));
  const swapped = a.variable('S');
  assert.ok(
    typeof swapped === 'number' && swapped > 20 && swapped <= 32,
    `32 random picks of 256 pages hit ${String(swapped)} distinct pages`,
  );
});

test('stepping back restores variables and the machine exactly; running on repeats the same choices', () => {
  const text = [
    'config seed=11 ram=256M',
    'swapon /dev/vda2 size=64M',
    'task t',
    'mmap t heap 64p populate',
    'let K = 0',
    'repeat 10 as i {',
    '  let P = $((random(64)))',
    '  pageout t heap pages=$P',
    '  let K = $((K + P))',
    '}',
    'let L = task t swapents',
  ].join('\n');
  const fresh = ran(text);
  const s = new Session('mem:back', text);
  const states: string[] = [];
  const values: (number | string | undefined)[] = [];
  for (let i = 0; i < s.step.total; i++) {
    states.push(fingerprint(s.machine));
    values.push(s.variable('K'));
    s.stepForward();
  }
  assert.equal(fingerprint(s.machine), fingerprint(fresh.machine));
  for (let i = s.step.total - 1; i >= 0; i--) {
    s.stepBack();
    assert.equal(fingerprint(s.machine), states[i], `machine after stepping back to ${i}`);
    assert.equal(s.variable('K'), values[i], `K after stepping back to ${i}`);
  }
  s.run();
  assert.equal(fingerprint(s.machine), fingerprint(fresh.machine));
  assert.equal(s.variable('K'), fresh.variable('K'));
  assert.equal(s.variable('L'), fresh.variable('L'));
});

test('the loop counter of the statement run last is what a hover shows', () => {
  const s = new Session('mem:hover', 'repeat 5 as i {\n  free\n}');
  s.stepForward(3);
  assert.equal(s.variable('i'), 2);
  assert.equal(s.variable('nope'), undefined);
});
