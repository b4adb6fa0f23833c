/**
 * The scenario debugger's requests (shared/protocol.ts, "debugger"): its
 * movements with every stop decided here, per step (server/session/debug_run.ts),
 * and what it reads — evaluate, Debug Console completion, the frame's
 * `repeat` passes, line targets, a cluster's raw table.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DebugCompletion, DebugStopResult } from '../../shared/protocol';
import { cachedCompiler, type ExprEnv } from '../session/debug_expr';
import { DebugRun, type DebugMove } from '../session/debug_run';
import { compileDebugSpec } from '../session/debug_spec';
import { aheadEnv, clusterMemory, debugFrame, evaluate, lineTargets, liveEnv } from '../session/debug_views';
import { complete } from './completion';
import type { ServerContext } from './context';
import { inSlices, requireRunnable, withSessionOf } from './custom_requests';
import type { SessionEntry } from './sessions';

function optional<T>(value: T | undefined): { [K in never]: never } | T {
  return value === undefined ? {} : value;
}

/** Names for breakpoints set ahead: what is on the machine now, and whatever the scenario creates anywhere. */
function scenarioEnv(ctx: ServerContext, entry: SessionEntry): ExprEnv {
  const doc = ctx.documents.get(entry.uri);
  const names = doc === undefined ? null : ctx.analyses.get(doc).names;
  return aheadEnv(entry.session, {
    devices: names?.devices ?? [],
    cgroups: names?.cgroups ?? [],
    tasks: names?.tasks ?? [],
  });
}

/** Debug Console completion: the `expect` line's completion, on `expect TEXT`. */
function consoleCompletions(ctx: ServerContext, entry: SessionEntry, typed: string, column: number): DebugCompletion[] {
  const doc = ctx.documents.get(entry.uri);
  if (doc === undefined) return [];
  const prefix = 'expect ';
  const line = TextDocument.create(`${entry.uri}#debug-console`, 'swapsim', 0, prefix + typed.replace(/[\r\n]/g, ' '));
  const list = complete(
    line,
    { line: 0, character: prefix.length + Math.min(column, typed.length) },
    ctx.analyses.get(doc),
  );
  const out: DebugCompletion[] = [];
  for (const item of list.items) {
    const edit = item.textEdit;
    const range = edit === undefined ? null : 'range' in edit ? edit.range : edit.replace;
    const start = range === null ? prefix.length + column : range.start.character;
    const end = range === null ? start : range.end.character;
    if (start < prefix.length) continue;
    out.push({
      label: item.label,
      text: edit?.newText ?? item.label,
      start: start - prefix.length,
      length: end - start,
      ...optional(item.detail === undefined ? undefined : { detail: item.detail }),
    });
  }
  return out;
}

export function registerDebugRequests(ctx: ServerContext): void {
  const on: ServerContext['onRequest'] = (method, handler) => ctx.onRequest(method, handler);

  on('swapsim/debugCheck', (raw, token) =>
    withSessionOf(
      ctx,
      raw,
      token,
      (entry, p) => compileDebugSpec(p.spec, scenarioEnv(ctx, entry), entry.session.steps).check,
    ),
  );

  on('swapsim/debugRun', (raw, token) =>
    withSessionOf(ctx, raw, token, async (entry, p): Promise<DebugStopResult> => {
      const { direction, steps, toLine } = p;
      const stepOut = p.stepOut ?? false;
      const s = entry.session;
      if (direction === 'forward') requireRunnable(entry);
      const { spec } = compileDebugSpec(p.spec, scenarioEnv(ctx, entry), s.steps);
      const outOf = stepOut ? s.steps.repeatEndAt(s.step.index < s.step.total ? s.step.index : s.step.total - 1) : null;
      const targetLine = toLine === undefined ? null : s.statementLineFrom(toLine);
      const move: DebugMove = {
        direction,
        ...optional(steps === undefined && !(stepOut && outOf === null) ? undefined : { maxSteps: steps ?? 1 }),
        ...optional(targetLine === null ? undefined : { toLine: targetLine }),
        ...optional(outOf === null ? undefined : { toStep: outOf }),
      };
      const run = new DebugRun(spec, move);
      const compile = cachedCompiler(() => liveEnv(s));
      const flush = (): void => {
        const lines = run.takeLogs();
        if (lines.length > 0) ctx.notify('swapsim/debugOutput', { uri: entry.uri, lines });
      };
      await inSlices(ctx, entry, p, token, {
        title: 'swapsim: debugging',
        expectedSteps: direction === 'forward' ? s.step.total - s.step.index : s.step.index,
        slice: (signal) => s.debugSlice(run, compile, signal),
        stepsDone: () => run.stepsTaken,
        afterSlice: flush,
      });
      const stop = run.stop ?? { reason: 'step', description: '', hitBreakpointIds: [], exception: null };
      return { step: s.step, ...stop };
    }),
  );

  on('swapsim/evaluate', (raw, token) =>
    withSessionOf(ctx, raw, token, (entry, p) => evaluate(entry.session, p.expression)),
  );

  on('swapsim/debugCompletions', (raw, token) =>
    withSessionOf(ctx, raw, token, (entry, p) => ({ items: consoleCompletions(ctx, entry, p.text, p.column) })),
  );

  on('swapsim/debugFrame', (raw, token) => withSessionOf(ctx, raw, token, (entry) => debugFrame(entry.session)));

  on('swapsim/lineTargets', (raw, token) =>
    withSessionOf(ctx, raw, token, (entry, p) => lineTargets(entry.session, p.line)),
  );

  on('swapsim/clusterMemory', (raw, token) =>
    withSessionOf(ctx, raw, token, (entry, p) => clusterMemory(entry.session, p.type, p.cluster)),
  );
}
