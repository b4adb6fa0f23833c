/**
 * Sessions: scenarios run through the interpreter, stepping forward and back,
 * deltas, details on demand, design comparison.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareDesigns } from '../../server/session/compare';
import { BadRequest, SimulatorBug } from '../../server/session/errors';
import { Session } from '../../server/session/session';
import { fingerprint } from '../../server/sim/snapshot';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const SCENARIO = `config ram=256M swap_writeback=sync
swapon /dev/vda2 size=64M
mkdir app
echo 16M > /sys/fs/cgroup/app/memory.max
task web cgroup=app
mmap web heap 8M content=compressible:0.4 populate
pageout web heap pages=0..1023
expect /sys/fs/cgroup/app/memory.swap.current == 4M
touch web heap pages=0..15
fork web child
exit web
swapon /dev/vda2 size=64M
expect error EBUSY
repeat 3 {
  touch child heap pages=16..31 write
  pageout child heap pages=16..31
}
expect /proc/swaps /dev/vda2 Used > 0
`;

test('every example in docs/scenario-language.md runs with all its expects passing', () => {
  const md = readFileSync(path.join(ROOT, 'docs', 'scenario-language.md'), 'utf8');
  const blocks = [...md.matchAll(/```swapsim\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 20);
  blocks.forEach((text, i) => {
    const s = new Session(`doc:${i}`, text);
    assert.notEqual(s.status, 'invalid', `block ${i + 1} has errors`);
    s.run();
    assert.equal(s.step.index, s.step.total);
    const failed = s.expects
      .filter((e) => !e.passed)
      .map((e) => `line ${e.range.start.line + 1}: ${e.text} got ${e.actual}`);
    assert.deepEqual(failed, [], `block ${i + 1}`);
    const unexpected = s.errors
      .filter((e) => !e.expected)
      .map((e) => `line ${e.range.start.line + 1}: ${e.errno} ${e.message}`);
    assert.deepEqual(unexpected, [], `block ${i + 1}`);
  });
});

test('a run reports expects and kernel errors on their lines', () => {
  const s = new Session('mem:1', SCENARIO);
  s.run();
  assert.equal(s.status, 'finished');
  assert.equal(s.step.total, 19, 'config is not a step; the repeat contributes 3 × 2');
  assert.ok(
    s.expects.every((e) => e.passed),
    JSON.stringify(s.expects),
  );
  const busy = s.errors.find((e) => e.errno === 'EBUSY');
  assert.ok(busy);
  assert.equal(busy.range.start.line, 11);
  assert.equal(busy.expected, true);
  assert.match(s.lineEffect(6) ?? '', /swapout 1024/);
});

test('stepping back restores the exact state a fresh run reaches, and forward again repeats it', () => {
  const a = new Session('mem:a', SCENARIO);
  a.stepForward(12);
  const at12 = fingerprint(a.machine).split(':')[0];
  a.stepForward(3);
  a.stepBack(3);
  assert.equal(a.step.index, 12);
  assert.equal(fingerprint(a.machine).split(':')[0], at12);
  const b = new Session('mem:b', SCENARIO);
  b.stepForward(12);
  assert.equal(fingerprint(b.machine).split(':')[0], at12);
  a.run();
  b.run();
  assert.equal(fingerprint(a.machine).split(':')[0], fingerprint(b.machine).split(':')[0]);
  assert.deepEqual(
    a.expects.map((e) => e.passed),
    b.expects.map((e) => e.passed),
  );
});

test('with a tiny undo budget the history is compacted between checkpoints, and stepping back anywhere reaches the exact state', () => {
  // a checkpoint after every step and a 16 KiB budget: old intervals are merged, so most steps are re-executed from a checkpoint
  const s = new Session('mem:c', SCENARIO, { undoMemoryMB: 1 / 64, undoCheckpointMs: 0 });
  const full = new Session('mem:full', SCENARIO);
  s.run();
  full.run();
  const total = s.step.index;
  assert.ok(s.undoStats().coarseSteps > total / 2, `${s.undoStats().coarseSteps} of ${total} steps compacted`);
  assert.ok(
    s.undoStats().bytes < full.undoStats().bytes / 4,
    `${s.undoStats().bytes} bytes of undo against ${full.undoStats().bytes} uncompacted`,
  );
  for (let t = total - 1; t >= 0; t--) {
    s.stepBack(1);
    const fresh = new Session('mem:fresh', SCENARIO);
    fresh.stepForward(t);
    assert.equal(s.step.index, t);
    assert.equal(fingerprint(s.machine), fingerprint(fresh.machine), `state after stepping back to step ${t}`);
    assert.deepEqual(s.expects, fresh.expects, `expects at step ${t}`);
    assert.deepEqual(s.errors, fresh.errors, `errors at step ${t}`);
  }
  // and forward again to the end, the same run
  s.run();
  assert.equal(fingerprint(s.machine), fingerprint(full.machine));
});

test('a delta carries what changed: clusters, counters, memcgs, events; a rewind says so', () => {
  const s = new Session('mem:e', SCENARIO);
  s.stepForward(5);
  const d = s.stepForward(1); // the pageout
  assert.equal(d.step.index, 6);
  assert.equal(d.rewound, false);
  assert.ok(d.clusters.length >= 2 && d.clusters.every((c) => c.type === 0));
  assert.equal(d.counters['vmstat.pswpout'], 1024);
  assert.ok(d.memcgs.some((m) => m.path === '/app' && m.swapCurrent === 4 * 2 ** 20));
  assert.ok(d.events.length > 0 && d.events.length <= 200);
  assert.ok(d.eventsTotal > d.events.length);
  const quiet = s.stepForward(1); // an expect: nothing in the machine changes
  assert.equal(quiet.clusters.length, 0);
  assert.deepEqual(quiet.counters, {});
  assert.equal(quiet.expects.length, 1);
  const back = s.stepBack(2);
  assert.equal(back.rewound, true);
  assert.equal(back.counters['vmstat.pswpout'], 0);
  assert.ok(back.seq > quiet.seq);
});

test('details on demand: slot record, cluster detail, binned map, cluster list, swap cache, events', () => {
  const s = new Session('mem:f', SCENARIO);
  s.stepForward(8); // through the pageout, the expect and the touch of 16 pages
  const slot = s.slot(0, 1);
  assert.equal(slot.kind, 'pfn');
  assert.equal(slot.backing, 'cached');
  assert.equal(slot.count, 0);
  assert.equal(slot.memcg?.path, '/app');
  assert.match(slot.entryRaw, /^0x0{15}1$/);
  assert.ok(slot.encodings[0]!.structure.startsWith('swap table entry (P4)'));
  assert.ok(slot.history.some((h) => h.kind === 'swapin'));
  const far = s.slot(0, 100);
  assert.equal(far.kind, 'shadow');
  assert.equal(far.backing, 'disk');
  const c = s.cluster(0, 0);
  assert.equal(c.backing.length, 512);
  assert.equal(c.backing[0], 'header', 'slot 0 holds the swap header');
  assert.equal(c.raw[0], '0xfffffffffffffff8');
  const map = s.clusterMap(0, 4);
  assert.equal(map.list.length, 4);
  assert.ok(map.fill[0]! > 0);
  const list = s.clusters(0, 0, 100, false);
  assert.equal(list.clusters[0]!.cluster, 0);
  assert.ok(s.swapCache(0, 10).total >= 16);
  const page = s.events(0, 5, true);
  assert.equal(page.events.length, 5);
  assert.throws(() => s.slot(0, 1e9), BadRequest);
  assert.throws(() => s.slot(7, 0), BadRequest);
  assert.throws(() => s.clusterMap(0, 0), BadRequest);
});

test('an internal check firing during a step is a SimulatorBug naming the statement; the machine is left as before the step', () => {
  const s = new Session('mem:bug', SCENARIO);
  s.stepForward(5);
  const before = fingerprint(s.machine);
  const k = s.machine;
  const real = k.pageout.bind(k);
  // the fault fires after the real pageout has changed the machine
  k.pageout = (...args: Parameters<typeof real>) => {
    real(...args);
    throw new RangeError('an internal check');
  };
  assert.throws(
    () => s.stepForward(1),
    (e: unknown) =>
      e instanceof SimulatorBug &&
      e.line === 6 &&
      /internal error while running 'pageout' on line 7: an internal check/.test(e.message),
  );
  assert.equal(s.step.index, 5);
  assert.equal(fingerprint(s.machine), before);
  k.pageout = real;
  s.stepForward(1);
  assert.equal(s.step.index, 6);
});

test('compare runs the scenario under each design, the virtual-layer designs included', () => {
  const s = new Session('mem:g', SCENARIO);
  s.run();
  const r = compareDesigns(s, ['legacy', 'p3', 'p4', 'vswap', 'vswap-ste'], s.step.index);
  assert.deepEqual(
    r.tables.map((t) => t.design),
    ['legacy', 'p3', 'p4', 'vswap', 'vswap-ste'],
  );
  assert.deepEqual(r.failures, []);
  const total = (d: string): number => r.tables.find((t) => t.design === d)!.totals.total;
  assert.ok(total('legacy') > total('p3') && total('p3') > total('p4'));
  // vswap devices keep 2 bitmaps per slot: more static than P4's 48 B per cluster, far less than P3's swap_cgroup
  assert.ok(total('vswap') > total('p4') && total('vswap') < total('p3'));
  assert.ok(r.series.every((x) => x.steps.length === x.total.length && x.steps[x.steps.length - 1] === 19));
});

test('an invalid scenario does not run and keeps its diagnostics', () => {
  const s = new Session('mem:h', 'swapon /dev/vda2 size=oops\ntouch nobody heap\n');
  assert.equal(s.status, 'invalid');
  assert.ok(s.diagnostics.some((d) => d.severity === 'error'));
  const d = s.run();
  assert.equal(d.step.index, 0);
});

test('the sampled full sweep samples the same steps when stepping back re-executes compacted history', () => {
  const text = [
    'config ram=256M',
    'swapon /dev/vda2 size=64M',
    'task t',
    'mmap t heap 8M populate',
    'repeat 60 {',
    '  pageout t heap pages=0..0',
    '  touch t heap pages=0..0 write',
    '}',
    '',
  ].join('\n');
  // a checkpoint after every step and a 16 KiB undo budget: stepping back re-executes from checkpoints
  const s = new Session('mem:sampled', text, { fullCheckShare: 0.5, undoMemoryMB: 1 / 64, undoCheckpointMs: 0 });
  // planted behind the journal before the first step, in state no step writes (zswap is off): only the full sweep sees it, at each step it samples
  s.machine.zswap.poolBytes += 4096;
  s.run();
  const sampled = s.violations.map((v) => v.step);
  assert.ok(sampled.length >= 3, `the sweep sampled ${sampled.length} steps`);
  assert.ok(sampled.length < s.step.total, 'the sweep is sampled, not run after every step');
  assert.ok(s.undoStats().coarseSteps > 0);
  s.gotoStep(20);
  s.run();
  assert.deepEqual(
    s.violations.map((v) => v.step),
    sampled,
  );
});
