/**
 * The debugger's stops, decided in the session (server/session/debug_run.ts):
 * conditions, hit counts, logpoints, exception filters, data breakpoints,
 * forward and back, and across the undo floor (replay). In process; the DAP
 * tests (test/client/debugAdapter.test.ts) drive the same through the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugSpec as WireSpec } from '../../shared/protocol';
import { cachedCompiler, compileExpr, type KnownNames } from '../../server/session/debug_expr';
import { DebugRun, parseHitCondition, type DebugMove } from '../../server/session/debug_run';
import { compileDebugSpec } from '../../server/session/debug_spec';
import { aheadEnv, clusterMemory, evaluate, liveEnv } from '../../server/session/debug_views';
import { Session, type SessionBuildOptions } from '../../server/session/session';
import { StepPlan } from '../../server/session/steps';
import { parseAndCheck } from '../../server/lang';

// 0-based lines on the right.
const SCENARIO = [
  'config check_invariants=no swap_writeback=sync', // 0: pageout frees the folios at once
  'swapon /dev/vda2 size=64M -p 5', // 1: step 1
  'mkdir app', // 2: step 2
  'task t cgroup=app', // 3: step 3
  'mmap t heap 1M populate', // 4: step 4
  'repeat 3 {', // 5
  '  pageout t heap pages=0..3', // 6: steps 5, 7, 9
  '  touch t heap pages=0..3 write', // 7: steps 6, 8, 10
  '}', // 8
  'pageout t heap', // 9: step 11
  '',
].join('\n');

/** Every name the scenario creates, as the language server gives it for breakpoints set ahead. */
const NAMES: KnownNames = { devices: ['/dev/vda2'], cgroups: ['/', '/app'], tasks: ['t'] };

function session(text = SCENARIO, opts: SessionBuildOptions = {}): Session {
  return new Session('mem:debugger', text, opts);
}

function drive(
  s: Session,
  wire: Partial<WireSpec>,
  move: DebugMove,
): { reason: string; description: string; ids: number[]; logs: string[]; index: number; exception: string | null } {
  const { spec, check } = compileDebugSpec(
    { breakpoints: [], exceptions: [], data: [], ...wire },
    aheadEnv(s, NAMES),
    s.steps,
  );
  const problems = [...check.breakpoints, ...check.exceptions, ...check.data].filter((c) => c.message !== null);
  assert.deepEqual(problems, [], 'every breakpoint checks');
  const run = new DebugRun(spec, move);
  s.debugSlice(
    run,
    cachedCompiler(() => liveEnv(s)),
  );
  const stop = run.stop;
  assert.ok(stop !== null, 'a movement without a cancel signal ends with a stop');
  return {
    reason: stop.reason,
    description: stop.description,
    ids: stop.hitBreakpointIds,
    logs: run.takeLogs().map((l) => l.text),
    index: s.step.index,
    exception: stop.exception?.id ?? null,
  };
}

const forward: DebugMove = { direction: 'forward' };
const back: DebugMove = { direction: 'back' };

test('StepPlan: hit counts, occurrences, repeat passes and the end of a repeat block, by arithmetic', () => {
  const nested = ['a0', 'repeat 2 {', '  b', '  repeat 3 {', '    c', '  }', '  d', '}', 'e'].join('\n');
  const front = parseAndCheck(nested.replace(/\b(a0|b|c|d|e)\b/g, 'discard'));
  const plan = new StepPlan(front.checked.statements);
  // Steps: a0, then twice (b, c, c, c, d), then e: 1 + 2 × 5 + 1.
  assert.equal(plan.total, 12);
  const lines = Array.from({ length: plan.total }, (_, i) => plan.lineAt(i));
  assert.deepEqual(lines, [0, 2, 4, 4, 4, 6, 2, 4, 4, 4, 6, 8]);
  for (const line of [0, 2, 4, 6, 8]) {
    for (let i = 0; i < plan.total; i++) {
      const expected = lines.slice(0, i + 1).filter((l) => l === line).length;
      assert.equal(plan.timesReached(line, i), expected, `line ${line} by step ${i}`);
    }
    const at = lines.flatMap((l, i) => (l === line ? [i] : []));
    at.forEach((step, n) => assert.equal(plan.nthOccurrence(line, n + 1), step));
    assert.equal(plan.nthOccurrence(line, at.length + 1), null);
    for (let i = 0; i < plan.total; i++) {
      assert.equal(plan.previousOccurrence(line, i), [...at].reverse().find((s) => s < i) ?? null);
      assert.equal(plan.nextOccurrence(line, i), at.find((s) => s > i) ?? null);
    }
  }
  assert.deepEqual(
    plan.repeatsAt(8).map((r) => [r.range.start.line, r.count, r.pass]),
    [
      [1, 2, 1],
      [3, 3, 1],
    ],
  );
  assert.deepEqual(plan.repeatsAt(0), []);
  assert.equal(plan.repeatEndAt(8), 10, 'the inner repeat of the second pass ends before d');
  assert.equal(plan.repeatEndAt(5), 11, 'd is in the outer repeat only');
  assert.equal(plan.repeatEndAt(11), null);
  assert.deepEqual(
    [...plan.stepLines()].sort((a, b) => a - b),
    [0, 2, 4, 6, 8],
  );
});

test('hit conditions parse as VS Code users type them', () => {
  assert.deepEqual(parseHitCondition('3'), { op: '>=', n: 3 });
  assert.deepEqual(parseHitCondition('= 2'), { op: '==', n: 2 });
  assert.deepEqual(parseHitCondition('%2'), { op: '%', n: 2 });
  assert.match(String(parseHitCondition('x')), /not a hit count/);
  assert.match(String(parseHitCondition('% 0')), /N ≥ 1/);
});

test('expressions: observables, comparisons, forms that list their parts, cgroup files without a cgroup; errors are the checker’s', () => {
  const s = session();
  s.gotoStep(5);
  const env = liveEnv(s);
  const ok = (text: string): string => {
    const r = evaluate(s, text);
    assert.ok(r.ok, `${text}: ${r.ok ? '' : r.message}`);
    return r.value;
  };
  assert.equal(ok('/proc/vmstat pswpout'), '4 pages (16 KiB)');
  assert.equal(ok('app/memory.swap.current'), '16 KiB (16384 B)');
  assert.match(ok('memory.swap.current > 8K'), /^true {2}\(app\/memory\.swap\.current = 16 KiB \(16384 B\)\)$/);
  assert.match(ok('memory.swap.current > 16M'), /^false/);
  assert.equal(ok('slot /dev/vda2 1 count'), '1');
  assert.match(ok('slot /dev/vda2 1 count >= 1'), /^true/);
  const slot = evaluate(s, 'slot /dev/vda2 1');
  assert.ok(slot.ok && slot.parts !== null);
  assert.deepEqual(
    slot.parts.map((p) => p.name),
    ['kind', 'count', 'zero', 'memcg', 'cached', 'zswap', 'backend', 'vtable'].filter((f) =>
      slot.parts!.some((p) => p.name === f),
    ),
  );
  assert.equal(slot.parts.find((p) => p.name === 'memcg')?.value, '/app');
  assert.equal(slot.parts.find((p) => p.name === 'count')?.expression, 'slot /dev/vda2 1 count');
  const cgroups = evaluate(s, 'memory.swap.current');
  assert.ok(cgroups.ok && cgroups.parts !== null);
  assert.deepEqual(
    cgroups.parts.map((p) => [p.name, p.expression]),
    [['/app', 'app/memory.swap.current']],
  );
  const vmstat = evaluate(s, '/proc/vmstat');
  assert.ok(
    vmstat.ok &&
      vmstat.parts !== null &&
      vmstat.parts.some((p) => p.name === 'pswpout' && p.value === '4 pages (16 KiB)'),
  );
  const cluster = evaluate(s, 'cluster /dev/vda2 0');
  assert.ok(cluster.ok);
  assert.deepEqual(cluster.memory, { type: 0, cluster: 0 });

  const fail = (text: string): string => {
    const c = compileExpr(text, env);
    assert.ok(!c.ok, `${text} should not check`);
    return c.message;
  };
  assert.match(fail('slot /dev/vdb 1 count'), /\/dev\/vdb is not an active swap area \(did you mean '\/dev\/vda2'\?\)/);
  assert.match(fail('slot /dev/vda2 1 cnt'), /unknown slot field 'cnt'/);
  assert.match(fail('slot /dev/vda2 1 > 2'), /holds several values/);
  assert.match(fail('/proc/vmstat pswpot'), /has no key 'pswpot' \(did you mean 'pswpout'\?\)/);
  assert.match(fail('app/memory.swap.current > 16Q'), /unknown unit/);
  assert.match(fail('pswpout'), /is not an observable/);
  assert.match(fail(''), /empty expression/);
});

test('a conditional breakpoint stops where its condition holds, forward and back, and an unreadable one is said once', () => {
  const s = session();
  const wire: Partial<WireSpec> = {
    breakpoints: [
      { id: 7, line: 7, condition: 'memory.swap.current >= 16K' },
      { id: 8, line: 9, condition: '/proc/vmstat pswpout >= 12' },
    ],
  };
  // Line 7 is next after each pageout of the repeat: swap.current is 16K each time, so every pass.
  let stop = drive(s, wire, forward);
  assert.deepEqual([stop.reason, stop.ids, stop.index], ['breakpoint', [7], 5]);
  stop = drive(s, wire, forward);
  assert.deepEqual([stop.reason, stop.index], ['breakpoint', 7]);
  stop = drive(s, wire, forward);
  assert.equal(stop.index, 9);
  stop = drive(s, wire, forward);
  assert.deepEqual(
    [stop.reason, stop.ids, stop.index],
    ['breakpoint', [8], 10],
    'pswpout is 12 after three pageouts of 4 pages',
  );
  stop = drive(s, wire, back);
  assert.deepEqual([stop.reason, stop.index], ['breakpoint', 9]);
  stop = drive(s, { breakpoints: [{ id: 1, line: 7, condition: '/proc/vmstat pswpout >= 100' }] }, back);
  assert.deepEqual([stop.reason, stop.index], ['entry', 0]);
  // A slot past the device's end cannot be read: the condition is taken as false, and that is said once.
  stop = drive(s, { breakpoints: [{ id: 2, line: 6, condition: 'slot /dev/vda2 99999 count >= 0' }] }, forward);
  assert.deepEqual([stop.reason, stop.index], ['end', 11]);
  assert.equal(stop.logs.length, 1);
  assert.match(
    stop.logs[0]!,
    /^condition on line 7 could not be read \(EINVAL: slot 99999 is past the end of \/dev\/vda2 \(16384 slots\)\): taken as false$/,
  );
});

test('hit counts count the times a statement has been next, so back and forth give the same stops; logpoints print and do not stop', () => {
  const s = session();
  const every2nd = { breakpoints: [{ id: 1, line: 6, hitCondition: '% 2' }] };
  assert.equal(drive(s, every2nd, forward).index, 6, 'line 6 is next at 4, 6, 8: the 2nd time is 6');
  const third = { breakpoints: [{ id: 1, line: 6, hitCondition: '== 3' }] };
  assert.equal(drive(s, third, forward).index, 8);
  assert.equal(drive(s, every2nd, back).index, 6);
  assert.deepEqual([drive(s, third, back).reason, s.step.index], ['entry', 0], 'the third time is after step 6');
  const logs = drive(
    s,
    { breakpoints: [{ id: 1, line: 7, logMessage: 'pass: pswpout={/proc/vmstat pswpout} app={memory.swap.current}' }] },
    forward,
  );
  assert.equal(logs.reason, 'end');
  assert.deepEqual(logs.logs, [
    'pass: pswpout=4 pages (16 KiB) app={ /app: 16 KiB (16384 B) }',
    'pass: pswpout=8 pages (32 KiB) app={ /app: 16 KiB (16384 B) }',
    'pass: pswpout=12 pages (48 KiB) app={ /app: 16 KiB (16384 B) }',
  ]);
});

test('data breakpoints stop on the step that changes the value: after it going forward, before it going back', () => {
  const s = session();
  const slot = { data: [{ id: 4, expression: 'slot /dev/vda2 1' }] };
  let stop = drive(s, slot, forward);
  assert.deepEqual([stop.reason, stop.ids, stop.index], ['data breakpoint', [4], 1], 'the swapon creates the slot');
  stop = drive(s, slot, forward);
  assert.deepEqual([stop.reason, stop.ids, stop.index], ['data breakpoint', [4], 5], 'the first pageout writes slot 1');
  assert.match(stop.description, /slot \/dev\/vda2 1 changed/);
  stop = drive(s, slot, forward);
  assert.equal(stop.index, 6, 'the touch with write frees it');
  stop = drive(s, slot, back);
  assert.deepEqual(
    [stop.reason, stop.index],
    ['data breakpoint', 5],
    'back: stops before the step that changed it, the touch is next',
  );
  stop = drive(s, slot, back);
  assert.deepEqual([stop.reason, stop.index], ['data breakpoint', 4]);
  stop = drive(s, slot, back);
  assert.deepEqual(
    [stop.reason, stop.index],
    ['data breakpoint', 0],
    'the swapon created the slot (it did not exist before)',
  );
  const list = { data: [{ id: 5, expression: 'cluster /dev/vda2 0 list' }] };
  s.reset();
  stop = drive(s, list, forward);
  assert.deepEqual([stop.reason, stop.index], ['data breakpoint', 1]);
  const counter = { data: [{ id: 6, expression: '/proc/vmstat pswpout', condition: '/proc/vmstat pswpout > 4' }] };
  stop = drive(s, counter, forward);
  assert.deepEqual(
    [stop.reason, stop.index],
    ['data breakpoint', 7],
    'the change to 4 does not meet the condition; the change to 8 does',
  );
  const memcg = { data: [{ id: 7, expression: 'app/memory.swap.current' }] };
  stop = drive(s, memcg, forward);
  assert.equal(stop.reason, 'data breakpoint');
});

test('exception filters: kernel errors by errno, caught errors, failed expects, OOM kills, swap full; stop after the step forward, before it back', () => {
  const text = [
    'config ram=64M',
    'swapon /dev/vda2 size=1M', // 1: step 1
    'mkdir app', // 2
    'echo 4M > /sys/fs/cgroup/app/memory.max', // 3
    'task t cgroup=app', // 4
    'mmap t heap 2M populate', // 5
    'swapon /dev/vda2 size=1M', // 6: step 6, EBUSY
    'expect error EBUSY', // 7: step 7 accepts it
    'expect /proc/vmstat pswpout == 99', // 8: step 8 fails
    'pageout t heap', // 9: step 9 fills the 1M device
    'echo 1M > /sys/fs/cgroup/app/memory.reclaim', // 10: step 10, EAGAIN: nowhere to swap
    'mmap t big 8M', // 11
    'touch t big write', // 12: step 12, OOM in app
    '',
  ].join('\n');
  const s = session(text);
  const all = { exceptions: (['error', 'expect', 'oom', 'swapFull'] as const).map((filter) => ({ filter })) };
  let stop = drive(s, all, forward);
  assert.deepEqual(
    [stop.reason, stop.exception, stop.index],
    ['exception', 'expect-failed', 8],
    'EBUSY was accepted by its expect error',
  );
  assert.match(stop.description, /line 9, step 8/);
  stop = drive(s, all, forward);
  assert.deepEqual([stop.exception, stop.index], ['swap-full', 9]);
  stop = drive(s, all, forward);
  assert.deepEqual([stop.exception, stop.index], ['EAGAIN', 10]);
  stop = drive(s, all, forward);
  assert.deepEqual([stop.exception, stop.index], ['oom-kill', 12]);
  // Back: before the step, which is next again.
  stop = drive(s, all, back);
  assert.deepEqual([stop.exception, stop.index], ['oom-kill', 11]);
  stop = drive(s, { exceptions: [{ filter: 'caughtError' }] }, back);
  assert.deepEqual([stop.exception, stop.index], ['EBUSY', 5]);
  stop = drive(s, { exceptions: [{ filter: 'error', condition: 'ENOMEM' }] }, forward);
  assert.equal(stop.reason, 'end', 'EAGAIN is not in the errno filter');
  s.reset();
  stop = drive(s, { exceptions: [{ filter: 'error', condition: 'ENOMEM, EAGAIN' }] }, forward);
  assert.deepEqual([stop.exception, stop.index], ['EAGAIN', 10]);
  const bad = compileDebugSpec(
    {
      breakpoints: [],
      data: [],
      exceptions: [
        { filter: 'error', condition: 'ENOMEN' },
        { filter: 'oom', condition: 'x' },
      ],
    },
    aheadEnv(s, NAMES),
    s.steps,
  );
  assert.deepEqual(
    bad.check.exceptions.map((e) => e.message),
    [
      "unknown errno 'ENOMEN' (did you mean 'ENOMEM'?): list errno names such as ENOMEM EAGAIN",
      'this filter takes no condition',
    ],
  );
});

test('the invariant filter stops after the step whose consistency check failed, and only with the filter on', () => {
  const checked = (): Session => {
    const s = session(SCENARIO.replace('check_invariants=no', 'check_invariants=yes'));
    s.stepForward(4);
    // Break a device counter behind the simulator's back, as a model bug would: the check after the next step fails.
    const device = s.machine.swap.devices[0];
    assert.ok(device !== undefined, 'swapon ran');
    device.inusePages += 1;
    return s;
  };
  const stop = drive(checked(), { exceptions: [{ filter: 'invariant' }] }, forward);
  assert.deepEqual([stop.reason, stop.exception, stop.index], ['exception', 'invariant', 5]);
  assert.match(stop.description, /^invariant violated: .* \(line 7, step 5\)$/);
  const off = drive(checked(), { exceptions: [{ filter: 'expect' }] }, forward);
  assert.deepEqual([off.reason, off.index], ['end', 11], 'without the filter a violation does not stop');
});

test('Run to Cursor and Step Out: a line ahead, a line behind, the end of a repeat block; Next runs one step and names a logpoint', () => {
  const s = session();
  assert.equal(drive(s, {}, { direction: 'forward', toLine: 7 }).index, 5);
  assert.equal(drive(s, {}, { direction: 'forward', toLine: 7 }).index, 7, 'the next pass');
  assert.equal(drive(s, {}, { direction: 'back', toLine: 6 }).index, 6);
  assert.equal(drive(s, {}, { direction: 'back', toLine: 1 }).index, 0);
  s.gotoStep(5);
  assert.deepEqual([drive(s, {}, { direction: 'forward', toStep: s.steps.repeatEndAt(5)! }).index], [10]);
  const next = drive(
    s,
    { breakpoints: [{ id: 1, line: 9, logMessage: 'at the end' }] },
    { direction: 'forward', maxSteps: 1 },
  );
  assert.deepEqual([next.reason, next.index, next.logs], ['end', 11, []]);
});

test('going back through compacted history (re-executed from checkpoints) finds the same stop', () => {
  const long = [
    'config check_invariants=no',
    'swapon /dev/vda2 size=64M',
    'task t',
    'mmap t heap 1M populate',
    'repeat 40 {',
    '  pageout t heap pages=0..0',
    '  touch t heap pages=0..0 write',
    '}',
    '',
  ].join('\n');
  const wire: Partial<WireSpec> = { breakpoints: [{ id: 1, line: 5, condition: '/proc/vmstat pswpout == 3' }] };
  // a checkpoint after every step and a 16 KiB undo budget: most steps back re-execute from a checkpoint
  const small = session(long, { undoMemoryMB: 1 / 64, undoCheckpointMs: 0 });
  const big = session(long);
  for (const s of [small, big]) {
    s.run();
    if (s === small) assert.ok(small.undoStats().coarseSteps > 0, 'the small budget compacted part of the history');
    const stop = drive(s, wire, back);
    assert.deepEqual([stop.reason, stop.index], ['breakpoint', 9], 'pswpout is 3 when the fourth pageout is next');
  }
  assert.deepEqual(small.snapshot().counters, big.snapshot().counters);
});

test('clusterMemory: the swap table as 512 little-endian 64-bit entries; legacy: swap_map bytes', () => {
  const s = session();
  s.gotoStep(5);
  const mem = clusterMemory(s, 0, 0);
  assert.equal(mem.structure, 'swap_table');
  assert.equal(mem.entries, 512);
  const bytes = Buffer.from(mem.data ?? '', 'base64');
  assert.equal(bytes.length, 512 * 8);
  const raw = s.cluster(0, 0).raw;
  assert.equal(`0x${bytes.readBigUInt64LE(8).toString(16).padStart(16, '0')}`, raw[1]);
  assert.notEqual(bytes.readBigUInt64LE(8), 0n, 'slot 1 holds a shadow entry');
  const legacy = session(SCENARIO.replace('config check_invariants=no', 'config check_invariants=no design=legacy'));
  legacy.gotoStep(5);
  const map = clusterMemory(legacy, 0, 0);
  assert.equal(map.structure, 'swap_map');
  const mapBytes = Buffer.from(map.data ?? '', 'base64');
  assert.equal(mapBytes[1], 1, 'swap_map byte: count 1');
  assert.equal(mapBytes[0], 0x3f, 'slot 0 is the header, SWAP_MAP_BAD');
});

test('variables: $NAME and loop counters expand in the Console and in conditions, each time they are read', () => {
  const text = [
    'swapon /dev/vda2 size=64M', // 0: step 1
    'task t', // 1: step 2
    'mmap t heap 1M populate', // 2: step 3
    'let N = 4', // 3: step 4
    'repeat $N as i {', // 4
    '  pageout t heap pages=$i', // 5: steps 5, 7, 9, 11
    '  touch t heap pages=0..0', // 6: steps 6, 8, 10, 12
    '}', // 7
    '',
  ].join('\n');
  const s = session(text);
  assert.notEqual(s.status, 'invalid');
  s.gotoStep(7); // two pageouts done (pages 0 and 1, in slots 1 and 2); the touch of pass 1 is next
  const value = (expression: string): string => {
    const r = evaluate(s, expression);
    assert.ok(r.ok, `${expression}: ${r.ok ? '' : r.message}`);
    return r.value;
  };
  assert.equal(value('$N'), '4');
  assert.equal(value('$i'), '1', 'the loop counter of the next statement (pass 2 of 4)');
  assert.equal(value('$((i * 2))'), '2');
  assert.equal(value('slot /dev/vda2 $((i + 1)) count'), '1', 'the second pageout wrote page 1 to slot 2');
  const r = evaluate(s, 'slot /dev/vda2 $((i + 1))');
  assert.ok(
    r.ok && r.expression === 'slot /dev/vda2 2' && r.parts !== null,
    'a form with substitutions lists the parts of what it stands for',
  );
  const unset = evaluate(s, '$M');
  assert.ok(!unset.ok && /M is not set/.test(unset.message));
  // Line 6 is next after each pass's pageout, when pswpout is i + 1: the condition holds only if i is read at each stop.
  s.reset();
  const stop = drive(
    s,
    { breakpoints: [{ id: 2, line: 6, condition: '/proc/vmstat pswpout == $((i + 1))', hitCondition: '3' }] },
    forward,
  );
  assert.deepEqual([stop.reason, stop.ids, stop.index], ['breakpoint', [2], 9], 'the third pass (i = 2)');
  const never = drive(
    s,
    { breakpoints: [{ id: 3, line: 6, condition: '/proc/vmstat pswpout == $((i + 2))' }] },
    forward,
  );
  assert.equal(never.reason, 'end');
});
