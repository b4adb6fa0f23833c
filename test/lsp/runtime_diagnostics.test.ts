// Run-time diagnostics from a real session: an invariant violation lands on
// the scenario line whose step broke the invariant (inside a repeat too), and
// repeated violations of one statement fold into one diagnostic per line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runtimeDiagnostics } from '../../server/lsp/runtime_diagnostics';
import { SessionManager, stepRange } from '../../server/lsp/sessions';
import { messageText } from './client';

const SCENARIO = [
  'config ram=1G check_invariants=yes', // 0
  'swapon /dev/vda2 size=64M', // 1
  'task t', // 2
  'mmap t heap 1M populate', // 3
  'repeat 3 {', // 4
  '  pageout t heap pages=0..0', // 5
  '  touch t heap pages=0..0', // 6
  '}', // 7
  'expect /proc/vmstat pswpout >= 1', // 8
].join('\n');

function build(): ReturnType<SessionManager['build']>['entry'] {
  // no sampled full sweep: the incremental check alone decides which steps report (the same ones every run)
  const manager = new SessionManager(() => ({ checkInvariants: true, fullCheckShare: 0 }));
  return manager.build('file:///invariant.swapsim', SCENARIO, 1).entry;
}

const invariantLines = (entry: ReturnType<typeof build>): number[] =>
  runtimeDiagnostics(entry.session, (step) => stepRange(entry, step))
    .filter((d) => d.code === 'invariant')
    .map((d) => d.range.start.line);

test('a clean run has no invariant diagnostics', () => {
  const entry = build();
  entry.session.run();
  assert.equal(entry.session.violations.length, 0);
  assert.deepEqual(invariantLines(entry), []);
});

test('an invariant violation is reported on the statement of the step that caused it', () => {
  const entry = build();
  // Steps 1–3: swapon, task, mmap. Then break a device counter behind the simulator's back,
  // as a model bug would, so the check after the next step (the first pageout, line 5) fails.
  entry.session.stepForward(3);
  assert.equal(entry.session.violations.length, 0);
  const device = entry.session.machine.swap.devices[0];
  assert.ok(device !== undefined, 'swapon ran');
  device.inusePages += 1;
  entry.session.stepForward(1);
  assert.ok(entry.session.violations.length > 0, 'the simulator noticed the broken counter');
  assert.ok(entry.session.violations.every((v) => v.step === 4));

  const diagnostics = runtimeDiagnostics(entry.session, (step) => stepRange(entry, step)).filter(
    (d) => d.code === 'invariant',
  );
  assert.ok(diagnostics.length > 0);
  for (const d of diagnostics) {
    // The whole statement on line 5 (after its indent), not the top of the file.
    assert.deepEqual(d.range, { start: { line: 5, character: 2 }, end: { line: 5, character: 27 } });
    assert.match(messageText(d.message), /^invariant violated: .* \(step 4\)$/);
  }
});

test('violations of one statement inside a repeat fold into one diagnostic per line and message', () => {
  const entry = build();
  entry.session.stepForward(3);
  const device = entry.session.machine.swap.devices[0];
  assert.ok(device !== undefined);
  device.inusePages += 1;
  entry.session.run();
  const diagnostics = runtimeDiagnostics(entry.session, (step) => stepRange(entry, step)).filter(
    (d) => d.code === 'invariant',
  );
  const lines = [...new Set(diagnostics.map((d) => d.range.start.line))].sort((a, b) => a - b);
  // Every step after the corruption fails the check: both repeat lines and the expect after the block.
  assert.deepEqual(lines, [5, 6, 8]);
  const onPageout = diagnostics.filter((d) => d.range.start.line === 5);
  assert.ok(
    onPageout.every((d) => /\(×3, first at step 4\)$/.test(messageText(d.message))),
    onPageout.map((d) => messageText(d.message)).join('\n'),
  );
});

test('a violation that carries its own range is placed there, one without a step on the first line', () => {
  const range = { start: { line: 7, character: 0 }, end: { line: 7, character: 9 } };
  const ds = runtimeDiagnostics(
    {
      errors: [],
      expects: [],
      violations: [
        { message: 'kept', step: 3, range },
        { message: 'setup', step: 0 },
      ],
    },
    () => null,
  );
  assert.deepEqual(
    ds.map((d) => [d.range.start.line, d.range.end.character, d.message]),
    [
      [7, 9, 'invariant violated: kept (step 3)'],
      [0, 0, 'invariant violated: setup (step 0)'],
    ],
  );
});
