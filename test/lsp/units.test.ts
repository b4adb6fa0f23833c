// In-process checks of the server's pure parts: runtime diagnostics folding
// and placement, step → statement ranges inside repeats, settings parsing,
// parameter validators, the slice signal of long runs, the names index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { Range } from '../../server/lang/index';
import { analyse } from '../../server/lsp/analysis';
import { SliceSignal } from '../../server/lsp/long_run';
import { runtimeDiagnostics } from '../../server/lsp/runtime_diagnostics';
import { SessionManager, stepRange } from '../../server/lsp/sessions';
import { DEFAULT_SETTINGS, parseSettings } from '../../server/lsp/settings';
import { documentUri, positionParam } from '../../server/lsp/standard_params';
import { parseRequestParams } from '../../shared/validate';

const r = (line: number): Range => ({ start: { line, character: 0 }, end: { line, character: 4 } });

test('runtime diagnostics: errors by severity, failed expects, violations on their step, repeats folded', () => {
  const ds = runtimeDiagnostics(
    {
      errors: [
        { range: r(3), errno: 'EAGAIN', message: 'short reclaim', step: 4, expected: false },
        { range: r(3), errno: 'EAGAIN', message: 'short reclaim', step: 9, expected: false },
        { range: r(5), errno: 'EINVAL', message: 'bad', step: 6, expected: true },
      ],
      expects: [
        { range: r(6), text: 'x == 1', passed: false, actual: '2 pages', expected: '== 1 pages', step: 7 },
        { range: r(7), text: 'y == 1', passed: true, actual: '1', expected: '== 1', step: 8 },
      ],
      violations: [
        { message: 'count mismatch', step: 2 },
        { message: 'lost slot', step: 99 },
      ],
    },
    (step) => (step === 2 ? r(1) : null),
  );
  const summary = ds.map((d) => [d.range.start.line, d.severity, d.code, d.message]);
  assert.deepEqual(summary, [
    [3, DiagnosticSeverity.Error, 'EAGAIN', 'EAGAIN: short reclaim (×2, first at step 4)'],
    [5, DiagnosticSeverity.Information, 'EINVAL', 'EINVAL (expected): bad (step 6)'],
    [6, DiagnosticSeverity.Error, 'expect-failed', 'expect failed: expected == 1 pages, actual 2 pages (step 7)'],
    [1, DiagnosticSeverity.Error, 'invariant', 'invariant violated: count mismatch (step 2)'],
    [0, DiagnosticSeverity.Error, 'invariant', 'invariant violated: lost slot (step 99)'],
  ]);
});

test('a step inside nested repeats maps back to its statement', () => {
  const text = [
    'task t',
    'mmap t r 1M',
    'repeat 2 {',
    '  pageout t r',
    '  repeat 3 {',
    '    touch t r',
    '  }',
    '}',
    'exit t',
  ].join('\n');
  const manager = new SessionManager(() => ({ checkInvariants: false }));
  const { entry } = manager.build('file:///steps.swapsim', text, 1);
  // Steps: 1 task, 2 mmap, then 2 × (pageout + 3 × touch), then exit.
  const lines = Array.from({ length: entry.session.step.total }, (_, i) => stepRange(entry, i + 1)?.start.line);
  assert.deepEqual(lines, [0, 1, 3, 5, 5, 5, 3, 5, 5, 5, 8]);
  assert.equal(stepRange(entry, 0), null);
  assert.equal(stepRange(entry, 12), null);
});

test('rebuilding a session keeps wire seq numbers increasing and lists what disappeared', () => {
  const manager = new SessionManager(() => ({ checkInvariants: false }));
  const first = manager.build('file:///seq.swapsim', 'swapon /dev/vda2 size=1M\nmkdir app', 1).entry;
  first.session.run();
  first.session.run();
  const oldSeq = first.session.seq + first.seqBase;
  const { entry, delta } = manager.build('file:///seq.swapsim', 'mkdir other', 2);
  assert.ok(delta !== null);
  assert.equal(delta.seq, oldSeq + 1);
  assert.equal(delta.rewound, true);
  assert.deepEqual(delta.removedDevices, [0]);
  assert.ok(delta.removedMemcgs.length >= 1, 'the old app memcg is removed');
  const next = entry.session.stepForward(1);
  assert.equal(next.seq + entry.seqBase, oldSeq + 2);
});

test('settings: defaults for anything missing or mistyped', () => {
  assert.deepEqual(parseSettings(undefined), DEFAULT_SETTINGS);
  assert.deepEqual(parseSettings('nonsense'), DEFAULT_SETTINGS);
  const s = parseSettings({
    design: 'ghost',
    checkInvariants: false,
    inlayHints: { enabled: 'yes' },
    invariants: 'sometimes',
    limits: { maxSteps: 10, undoMemoryMB: -1, sessionMemoryMB: 1.5 },
  });
  assert.equal(s.design, 'ghost');
  assert.equal(s.checkInvariants, false);
  assert.equal(s.inlayHints.enabled, true);
  assert.equal(s.invariants, 'incremental');
  assert.equal(parseSettings({ invariants: 'full' }).invariants, 'full');
  assert.deepEqual(s.limits, {
    maxSteps: 10,
    undoMemoryMB: DEFAULT_SETTINGS.limits.undoMemoryMB,
    sessionMemoryMB: DEFAULT_SETTINGS.limits.sessionMemoryMB,
  });
  assert.equal(parseSettings({ design: 'p2' }).design, null);
});

test('request params are checked by the shared validators, which name the offending field', () => {
  const error = (method: Parameters<typeof parseRequestParams>[0], params: unknown): string => {
    const parsed = parseRequestParams(method, params);
    assert.equal(parsed.ok, false, JSON.stringify(params));
    return parsed.ok ? '' : parsed.error;
  };
  assert.match(error('swapsim/snapshot', null), /^params: expected an object/);
  assert.match(error('swapsim/snapshot', {}), /params\.uri: expected a string/);
  assert.match(error('swapsim/snapshot', { uri: '' }), /params\.uri: expected a non-empty string/);
  assert.match(
    error('swapsim/gotoStep', { uri: 'u', step: 1.5 }),
    /params\.step: expected an integer ≥ 0, got number 1\.5/,
  );
  assert.match(
    error('swapsim/events', { uri: 'u', start: 0, count: 1001 }),
    /params\.count: expected an integer in 0\.\.1000/,
  );
  assert.match(error('swapsim/compare', { uri: 'u', designs: ['p4', 'nope'] }), /params\.designs\[1\]/);
  assert.match(
    error('swapsim/debugRun', {
      uri: 'u',
      direction: 'forward',
      spec: { breakpoints: [{ id: 1, line: -1 }], exceptions: [], data: [] },
    }),
    /params\.spec\.breakpoints\[0\]\.line/,
  );
  // null counts as left out, as JSON clients write it.
  assert.deepEqual(parseRequestParams('swapsim/run', { uri: 'u', toLine: null }), { ok: true, value: { uri: 'u' } });
  assert.equal(positionParam({ position: { line: -1, character: 0 } }), null);
  assert.equal(documentUri({ textDocument: { uri: 3 } }), null);
});

test('a slice signal stops at its step budget or deadline, and at once when cancelled', () => {
  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };
  const signal = new SliceSignal(token);
  signal.arm(60_000, 100);
  let asked = 0;
  while (!signal.isCancellationRequested) asked++;
  assert.equal(asked, 100);
  assert.equal(signal.budgetHit, true);
  signal.arm(0, Infinity);
  let spins = 0;
  while (!signal.isCancellationRequested) spins++;
  assert.ok(spins < 64 && signal.deadlineHit);
  signal.arm(60_000, Infinity);
  token.isCancellationRequested = true;
  assert.equal(signal.isCancellationRequested, true);
  assert.equal(signal.cancelled, true);
});

test('the names index finds every spelling of a cgroup path and regions shared through fork', () => {
  const a = analyse(
    'file:///n.swapsim',
    1,
    [
      'mkdir -p /sys/fs/cgroup/a/b',
      'task p cgroup=/a/b',
      'mmap p heap 1M',
      'fork p c',
      'touch c heap',
      'echo 1M > a/b/memory.max',
    ].join('\n'),
  );
  assert.deepEqual(a.names.cgroups, ['/', '/a', '/a/b']);
  assert.deepEqual(
    a.names.all('cgroup', '/a/b').map((o) => o.range.start.line),
    [0, 1, 5],
  );
  assert.deepEqual(a.names.regionsOf('c'), ['heap']);
  assert.equal(a.names.all('region', 'p\u0000heap').length, 2);
});
