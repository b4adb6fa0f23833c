// Quick fixes: the checker's own fixes (units, nearest names, tolerance) and
// the server's (create a missing cgroup or task above the statement).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import { codeActions, contextDiagnostics } from '../../server/lsp/code_actions';
import { toLspDiagnostic } from '../../server/lsp/convert';
import { analyze, applyEdits } from './features';

/** The fixes offered for the first diagnostic with `code`, as the client sends it back (through JSON, optionally without its data). */
function actionsFor(
  text: string,
  code: string,
  dropData = false,
): { actions: CodeAction[]; text: string; uri: string } {
  const { uri, fx, doc, analysis } = analyze(text, 'actions');
  const d = analysis.result.diagnostics.map(toLspDiagnostic).find((x) => x.code === code);
  assert.ok(d !== undefined, `no ${code} diagnostic`);
  const sent: Diagnostic = dropData
    ? { range: d.range, message: d.message, code: d.code, source: d.source, severity: d.severity }
    : d;
  const actions = codeActions(doc, analysis, contextDiagnostics(JSON.parse(JSON.stringify([sent]))));
  return { actions, text: fx.text, uri };
}

function apply(text: string, uri: string, action: CodeAction | undefined): string {
  assert.ok(action?.edit?.changes !== undefined, 'action without edit');
  return applyEdits(text, action.edit.changes[uri] ?? []);
}

test('a size without unit offers each unit, M preferred', () => {
  const { actions, text, uri } = actionsFor('task t\nmmap t heap 512', 'SS301');
  assert.deepEqual(
    actions.map((a) => a.title),
    ["Add unit 'K' (512K)", "Add unit 'M' (512M)", "Add unit 'G' (512G)", "Add unit 'p' (512p)"],
  );
  const preferred = actions.find((a) => a.isPreferred === true);
  assert.equal(apply(text, uri, preferred), 'task t\nmmap t heap 512M');
});

test('an unknown name offers the nearest one', () => {
  const { actions, text, uri } = actionsFor('task web\nmmap web heap 1M\ntouch web haep', 'SS202');
  assert.equal(
    apply(
      text,
      uri,
      actions.find((a) => a.title === "Change to 'heap'"),
    ),
    'task web\nmmap web heap 1M\ntouch web heap',
  );
});

test('fixes still work when the client drops the diagnostic data', () => {
  const { actions, text, uri } = actionsFor('comfig design=p4', 'SS101', true);
  assert.equal(
    apply(
      text,
      uri,
      actions.find((a) => a.title === "Change to 'config'"),
    ),
    'config design=p4',
  );
});

test('a missing cgroup can be created with mkdir above the line, or above the enclosing repeat', () => {
  const plain = actionsFor('echo 64M > /sys/fs/cgroup/app/memory.max', 'SS203');
  assert.equal(
    apply(
      plain.text,
      plain.uri,
      plain.actions.find((a) => a.title.startsWith('Create cgroup /app')),
    ),
    'mkdir app\necho 64M > /sys/fs/cgroup/app/memory.max',
  );
  const nested = actionsFor('task t\nrepeat 2 {\n  move t /a/b\n}', 'SS203');
  assert.equal(
    apply(
      nested.text,
      nested.uri,
      nested.actions.find((a) => a.title.startsWith('Create cgroup /a/b')),
    ),
    'task t\nmkdir -p a/b\nrepeat 2 {\n  move t /a/b\n}',
  );
});

test('a missing task can be created above the line', () => {
  const { actions, text, uri } = actionsFor('mmap web heap 1M', 'SS201');
  assert.equal(
    apply(
      text,
      uri,
      actions.find((a) => a.title === "Create task 'web'"),
    ),
    'task web\nmmap web heap 1M',
  );
});

test('an approximate comparison without tolerance gets one', () => {
  const { actions, text, uri } = actionsFor('expect /proc/meminfo SwapFree ≈ 100', 'SS312');
  assert.equal(apply(text, uri, actions[0]), 'expect /proc/meminfo SwapFree ≈ 100 ±5%');
});
