// Run, Step, Step Back, Run to Cursor, Reset: each one request to the
// server's session for the scenario. The views follow through the deltas the
// server pushes; a request that answers with a whole snapshot goes straight
// into the store.
import * as vscode from 'vscode';
import type { StepInfo } from '../../shared/protocol';
import type { Ctx } from '../context';
import { describeRequestError, isCancellation } from '../protocolClient';
import { withDelayedProgress } from './progress';
import { editorFor, reportFailure, requireScenario } from './target';

/** Deltas normally arrive before the answer; if this one's did not, fetch the state outright. */
async function settle(ctx: Ctx, uri: string, step: StepInfo): Promise<void> {
  const state = ctx.store.get(uri);
  if (state === undefined || state.step.index !== step.index) await ctx.sync.refresh(uri, true);
}

async function guarded(ctx: Ctx, method: string, action: () => Promise<void>, uri?: string): Promise<void> {
  try {
    await action();
  } catch (error) {
    const cancelled = isCancellation(error);
    const where = cancelled && uri !== undefined ? ctx.store.get(uri)?.step : undefined;
    reportFailure(
      ctx,
      `${describeRequestError(method, error)}${where === undefined ? '' : ` at step ${where.index} / ${where.total}`}`,
      cancelled,
    );
  }
}

/** Run to the end, or (the "Run to here" code lens passes a line) up to `toLineArg`. */
export async function run(ctx: Ctx, arg?: unknown, toLineArg?: unknown): Promise<void> {
  const uri = requireScenario(ctx, arg);
  if (uri === undefined) return;
  const toLine = typeof toLineArg === 'number' && Number.isInteger(toLineArg) && toLineArg >= 0 ? toLineArg : undefined;
  await guarded(
    ctx,
    'swapsim/run',
    async () => {
      const title = toLine === undefined ? 'swapsim: running the scenario' : `swapsim: running to line ${toLine + 1}`;
      const snapshot = await withDelayedProgress(
        title,
        (token) => ctx.server.request('swapsim/run', toLine === undefined ? { uri } : { uri, toLine }, token),
        { store: ctx.store, uri },
      );
      ctx.store.applySnapshot(snapshot);
    },
    uri,
  );
}

export async function runToCursor(ctx: Ctx, arg?: unknown): Promise<void> {
  const uri = requireScenario(ctx, arg);
  if (uri === undefined) return;
  const editor = editorFor(uri);
  if (editor === undefined) {
    void vscode.window.showInformationMessage('swapsim: Run to Cursor needs the scenario open in an editor.');
    return;
  }
  const toLine = editor.selection.active.line;
  // While the debugger has the scenario, it runs there: breakpoints on the way stop it, and the stop is the debugger's.
  const debug = ctx.debugged.session(uri);
  if (debug !== undefined) {
    await guarded(ctx, 'runToLine', async () => {
      await debug.customRequest('runToLine', { line: toLine + 1 });
    });
    return;
  }
  // A line already passed: the server goes back to where its statement ran last.
  await guarded(
    ctx,
    'swapsim/run',
    async () => {
      const snapshot = await withDelayedProgress(
        `swapsim: running to line ${toLine + 1}`,
        (token) => ctx.server.request('swapsim/run', { uri, toLine }, token),
        { store: ctx.store, uri },
      );
      ctx.store.applySnapshot(snapshot);
    },
    uri,
  );
}

export async function step(ctx: Ctx, direction: 'forward' | 'back', arg?: unknown): Promise<void> {
  const uri = requireScenario(ctx, arg);
  if (uri === undefined) return;
  await guarded(
    ctx,
    'swapsim/step',
    async () => {
      const info = await ctx.server.request('swapsim/step', { uri, direction, count: 1 });
      await settle(ctx, uri, info);
      revealStep(uri, info);
    },
    uri,
  );
}

export async function reset(ctx: Ctx, arg?: unknown): Promise<void> {
  const uri = requireScenario(ctx, arg);
  if (uri === undefined) return;
  await guarded(
    ctx,
    'swapsim/reset',
    async () => {
      const info = await ctx.server.request('swapsim/reset', { uri });
      await settle(ctx, uri, info);
      revealStep(uri, info);
    },
    uri,
  );
}

/** Keep the statement just run in view, as a debugger keeps the current line. */
function revealStep(uri: string, info: StepInfo): void {
  const editor = editorFor(uri);
  const range = info.range ?? info.next;
  if (editor === undefined || range === null) return;
  editor.revealRange(
    new vscode.Range(range.start.line, 0, range.end.line, 0),
    vscode.TextEditorRevealType.InCenterIfOutsideViewport,
  );
}
