// One session, one truth, in every view (issue #22): two documents, a
// dashboard, Run All Tests, stepping, F5 and a long run interleaved; after
// each action the session store, the status bar, the dashboard page, the
// inlay hints and (while debugging) the debugger's frame all show the same
// step. Also: the Testing view never moves the session being looked at, and
// the status icon never says pass while an expect failed.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SwapsimApi } from '../../../client/extension';
import { measure, test, waitFor } from '../harness';
import { writeAndOpenScenario } from './scenario';

const A_NAME = 'one-truth-a.swapsim';
// 0-based lines on the right; statements run as steps 1..7.
const A_TEXT = [
  '# Written by one-truth.exthost.ts: the document the user steps.', // 0
  'config design=p4 ram=1G', // 1
  'swapon /dev/vda2 size=64M', // 2: step 1
  'mkdir app', // 3: step 2
  'task t cgroup=app', // 4: step 3
  'mmap t heap 1M populate', // 5: step 4
  'pageout t heap', // 6: step 5
  'expect /sys/fs/cgroup/app/memory.swap.current == 1M', // 7: step 6
  'expect /proc/vmstat pswpin == 1', // 8: step 7, fails
  '',
].join('\n');
const A_STEP_LINES = [2, 3, 4, 5, 6, 7, 8];

const B_NAME = 'one-truth-b.swapsim';
/** 4 + 2·300·200 steps: a run of several seconds. */
const B_TEXT = [
  '# Written by one-truth.exthost.ts: the long scenario beside it.',
  'config check_invariants=no',
  'swapon /dev/vda2 size=64M',
  'task t',
  'mmap t heap 1M populate',
  'repeat 300 {',
  '  repeat 200 {',
  '    pageout t heap pages=0..0',
  '    touch t heap pages=0..0',
  '  }',
  '}',
  'expect /proc/vmstat pswpout >= 1',
  '',
].join('\n');

function statusStep(api: SwapsimApi): number | undefined {
  const m = /step ([\d,]+) \/ [\d,]+$/.exec(api.stepStatus.item.text);
  return m === null ? undefined : Number(m[1]!.replace(/,/g, ''));
}

async function hintLines(uri: string): Promise<number[]> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
  if (document === undefined) return [];
  const hints =
    (await vscode.commands.executeCommand<vscode.InlayHint[]>(
      'vscode.executeInlayHintProvider',
      document.uri,
      new vscode.Range(0, 0, document.lineCount, 0),
    )) ?? [];
  return [...new Set(hints.map((h) => h.position.line))].sort((a, b) => a - b);
}

interface Views {
  store?: number;
  status?: number;
  dashboard?: number;
  hints?: string;
  debugger?: number;
}

/**
 * What each view shows for `uri`, and whether they all agree on `step`. The
 * status bar counts only while `uri` is the focused scenario; the dashboard
 * only when it is open; the debugger only when `debugging` is given (its one
 * frame is the statement that runs next, so its line is compared).
 */
async function views(
  api: SwapsimApi,
  uri: string,
  hintsFor?: readonly number[],
  debugging?: vscode.DebugSession,
): Promise<Views> {
  const out: Views = { store: api.store.get(uri)?.step.index };
  if (api.store.focused === uri) out.status = statusStep(api);
  out.dashboard = api.dashboardShown(uri)?.step;
  if (hintsFor !== undefined) out.hints = (await hintLines(uri)).join(',');
  if (debugging !== undefined) {
    const trace = (await debugging.customRequest('stackTrace', { threadId: 1 })) as { stackFrames: { line: number }[] };
    out.debugger = trace.stackFrames[0]?.line;
  }
  return out;
}

/** Wait until every view of `uri` shows `step`; fail with what each one showed. */
async function agree(
  api: SwapsimApi,
  uri: string,
  step: number,
  opts: { dashboard?: boolean; hintsFor?: readonly number[]; debugging?: vscode.DebugSession } = {},
): Promise<void> {
  const wantHints = opts.hintsFor?.slice(0, step).join(',');
  let last: Views = {};
  try {
    await waitFor(
      `every view at step ${step}`,
      async () => {
        last = await views(api, uri, opts.hintsFor, opts.debugging);
        const ok =
          last.store === step &&
          (api.store.focused !== uri || last.status === step) &&
          (opts.dashboard !== true || last.dashboard === step) &&
          (wantHints === undefined || last.hints === wantHints) &&
          // The debugger's frame: the line of the statement that runs next (the last one at the end), 1-based.
          (opts.debugging === undefined ||
            last.debugger === (opts.hintsFor?.[Math.min(step, opts.hintsFor.length - 1)] ?? -2) + 1);
        return ok ? true : undefined;
      },
      30_000,
    );
  } catch (error) {
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}; the views showed ${JSON.stringify(last)}`,
      { cause: error },
    );
  }
}

test(
  'Run All Tests, stepping, F5 and a long run in two documents: every view shows the same step after each',
  async () => {
    const b = await writeAndOpenScenario(B_NAME, B_TEXT);
    const a = await writeAndOpenScenario(A_NAME, A_TEXT);
    const { api } = a;
    const bTotal = api.store.get(b.uri)?.step.total ?? 0;
    assert.equal(bTotal, 4 + 2 * 300 * 200);

    // The dashboard of A, beside the editor.
    await vscode.commands.executeCommand('swapsim.openDashboard', a.uri);
    await vscode.window.showTextDocument(a.editor.document, vscode.ViewColumn.One);
    await agree(api, a.uri, 0, { dashboard: true, hintsFor: A_STEP_LINES });

    // Stepping.
    for (let i = 1; i <= 3; i++) await vscode.commands.executeCommand('swapsim.step', a.uri);
    await agree(api, a.uri, 3, { dashboard: true, hintsFor: A_STEP_LINES });

    // Run All Tests: A's session stays where the user left it (it moved to the end before: broken item 2).
    api.tests.outcomes.clear();
    await api.tests.discoverWorkspace();
    await vscode.commands.executeCommand('testing.runAll');
    await waitFor(
      'the test results of both files',
      () => (api.tests.outcomes.has(a.uri) && api.tests.outcomes.has(b.uri) ? true : undefined),
      120_000,
    );
    // Test items are named by 1-based line.
    assert.equal(api.tests.outcomes.get(`${a.uri}#L8`), 'passed');
    assert.equal(api.tests.outcomes.get(`${a.uri}#L9`), 'failed');
    assert.equal(api.tests.outcomes.get(b.uri), 'passed');
    await agree(api, a.uri, 3, { dashboard: true, hintsFor: A_STEP_LINES });
    assert.equal(api.store.get(b.uri)?.step.index, 0, 'the test run did not move B either');

    // A long run of B; meanwhile A steps, and its views follow at once.
    let runDone = false;
    const run = Promise.resolve(vscode.commands.executeCommand('swapsim.run', b.uri)).finally(() => (runDone = true));
    await waitFor('B under way', () => ((api.store.get(b.uri)?.step.index ?? 0) > 0 ? true : undefined), 30_000);
    const started = performance.now();
    await vscode.commands.executeCommand('swapsim.step', a.uri);
    measure('exthost.step_during_long_run_elsewhere', performance.now() - started, 'ms');
    await agree(api, a.uri, 4, { dashboard: true, hintsFor: A_STEP_LINES });
    assert.equal(runDone, false, 'A waited for B');
    await run;
    await waitFor('B at its end', () => (api.store.get(b.uri)?.step.index === bTotal ? true : undefined), 30_000);
    await agree(api, a.uri, 4, { dashboard: true, hintsFor: A_STEP_LINES });

    // F5 on A: the launch resets A to step 0, and everything, the dashboard included, goes with it.
    await vscode.window.showTextDocument(a.editor.document, vscode.ViewColumn.One);
    const started5 = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      type: 'swapsim',
      name: 'one truth',
      request: 'launch',
      program: a.file.fsPath,
      stopOnEntry: true,
    });
    assert.equal(started5, true);
    const session = await waitFor(
      'the debug session',
      () => (vscode.debug.activeDebugSession?.type === 'swapsim' ? vscode.debug.activeDebugSession : undefined),
      30_000,
    );
    try {
      await agree(api, a.uri, 0, { dashboard: true, hintsFor: A_STEP_LINES, debugging: session });
      await session.customRequest('next', { threadId: 1 });
      await agree(api, a.uri, 1, { dashboard: true, hintsFor: A_STEP_LINES, debugging: session });
      // A stepping command outside the debugger moves the same session; the debugger follows.
      await vscode.commands.executeCommand('swapsim.step', a.uri);
      await agree(api, a.uri, 2, { dashboard: true, hintsFor: A_STEP_LINES, debugging: session });
    } finally {
      await vscode.debug.stopDebugging(session);
    }

    // To the end: the failed expect shows in the status icon, never a pass.
    await vscode.commands.executeCommand('swapsim.run', a.uri);
    await agree(api, a.uri, 7, { dashboard: true, hintsFor: A_STEP_LINES });
    assert.doesNotMatch(api.stepStatus.item.text, /\$\(pass\)/);
    assert.match(api.stepStatus.item.text, /^\$\(testing-failed-icon\) /);
  },
  { timeoutMs: 240_000 },
);

test(
  'a dashboard that missed changes resyncs from a snapshot: a session dropped and rebuilt is not shown as the old one',
  async () => {
    const { api, uri } = await writeAndOpenScenario(A_NAME, A_TEXT);
    await vscode.commands.executeCommand('swapsim.openDashboard', uri);
    await vscode.commands.executeCommand('swapsim.run', uri);
    await agree(api, uri, 7, { dashboard: true });
    // Restarting the server drops every session (numbering starts over): the views take the new one at step 0.
    await vscode.commands.executeCommand('swapsim.restartServer');
    await agree(api, uri, 0, { dashboard: true });
    await vscode.commands.executeCommand('swapsim.step', uri);
    await agree(api, uri, 1, { dashboard: true });
  },
  { timeoutMs: 120_000 },
);
