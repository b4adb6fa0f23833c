/**
 * The scenario debugger's requests (shared/protocol.ts, "debugger"): its
 * movements with every stop decided here, per step (server/session/debug_run.ts),
 * and what it reads — evaluate, Debug Console completion, the frame's
 * `repeat` passes, line targets, a cluster's raw table.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { EXCEPTION_FILTER_IDS, type DebugCompletion, type DebugSpec, type DebugStopResult } from '../../shared/protocol';
import { cachedCompiler, type ExprEnv } from '../session/debug_expr';
import { DebugRun, type DebugMove } from '../session/debug_run';
import { compileDebugSpec } from '../session/debug_spec';
import { aheadEnv, clusterMemory, debugFrame, evaluate, lineTargets, liveEnv } from '../session/debug_views';
import { complete } from './completion';
import type { ServerContext } from './context';
import { inSlices, requireRunnable, withSessionOf } from './custom_requests';
import type { SessionEntry } from './sessions';
import * as v from './validate';

/** Longest expression, condition or log message accepted. */
const MAX_TEXT = 2000;
/** Most data breakpoints one movement may carry. */
const MAX_DATA = 1000;

function text(p: v.Params, key: string): string | undefined {
  const value = p[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_TEXT) throw v.invalid(`'${key}' must be a string of at most ${MAX_TEXT} characters`);
  return value;
}

function list(p: v.Params, key: string, max: number): v.Params[] {
  const value = p[key];
  if (!Array.isArray(value) || value.length > max) throw v.invalid(`'${key}' must be a list of at most ${max} entries`);
  return value.map((item: unknown, i) => v.object(item, `${key}[${i}]`));
}

function optional<T>(value: T | undefined): { [K in never]: never } | T {
  return value === undefined ? {} : value;
}

/** The `spec` of a debugger request, field by field. */
function debugSpec(raw: unknown): DebugSpec {
  const p = v.object(raw, 'spec');
  return {
    breakpoints: list(p, 'breakpoints', v.MAX_LINE_LIST).map((b) => {
      const condition = text(b, 'condition');
      const hitCondition = text(b, 'hitCondition');
      const logMessage = text(b, 'logMessage');
      return {
        id: v.integer(b, 'id'),
        line: v.integer(b, 'line', 0),
        ...optional(condition === undefined ? undefined : { condition }),
        ...optional(hitCondition === undefined ? undefined : { hitCondition }),
        ...optional(logMessage === undefined ? undefined : { logMessage }),
      };
    }),
    exceptions: list(p, 'exceptions', EXCEPTION_FILTER_IDS.length).map((e) => {
      const condition = text(e, 'condition');
      return { filter: v.oneOf(e, 'filter', EXCEPTION_FILTER_IDS), ...optional(condition === undefined ? undefined : { condition }) };
    }),
    data: list(p, 'data', MAX_DATA).map((d) => {
      const condition = text(d, 'condition');
      return { id: v.integer(d, 'id'), expression: text(d, 'expression') ?? '', ...optional(condition === undefined ? undefined : { condition }) };
    }),
  };
}

/** Names for breakpoints set ahead: what is on the machine now, and whatever the scenario creates anywhere. */
function scenarioEnv(ctx: ServerContext, entry: SessionEntry): ExprEnv {
  const doc = ctx.documents.get(entry.uri);
  const names = doc === undefined ? null : ctx.analyses.get(doc).names;
  return aheadEnv(entry.session, { devices: names?.devices ?? [], cgroups: names?.cgroups ?? [], tasks: names?.tasks ?? [] });
}

/** Debug Console completion: the `expect` line's completion, on `expect TEXT`. */
function consoleCompletions(ctx: ServerContext, entry: SessionEntry, typed: string, column: number): DebugCompletion[] {
  const doc = ctx.documents.get(entry.uri);
  if (doc === undefined) return [];
  const prefix = 'expect ';
  const line = TextDocument.create(`${entry.uri}#debug-console`, 'swapsim', 0, prefix + typed.replace(/[\r\n]/g, ' '));
  const list = complete(line, { line: 0, character: prefix.length + Math.min(column, typed.length) }, ctx.analyses.get(doc));
  const out: DebugCompletion[] = [];
  for (const item of list.items) {
    const edit = item.textEdit;
    const range = edit === undefined ? null : 'range' in edit ? edit.range : edit.replace;
    const start = range === null ? prefix.length + column : range.start.character;
    const end = range === null ? start : range.end.character;
    if (start < prefix.length) continue;
    out.push({ label: item.label, text: edit?.newText ?? item.label, start: start - prefix.length, length: end - start, ...optional(item.detail === undefined ? undefined : { detail: item.detail }) });
  }
  return out;
}

export function registerDebugRequests(ctx: ServerContext): void {
  const on: ServerContext['onRequest'] = (method, handler) => ctx.onRequest(method, handler);

  on('swapsim/debugCheck', (raw, token) =>
    withSessionOf(ctx, raw, token, (entry, p) => compileDebugSpec(debugSpec(p.spec), scenarioEnv(ctx, entry), entry.session.steps).check),
  );

  on('swapsim/debugRun', (raw, token) =>
    withSessionOf(ctx, raw, token, async (entry, p): Promise<DebugStopResult> => {
      const direction = v.oneOf(p, 'direction', ['forward', 'back'] as const);
      const wire = debugSpec(p.spec);
      const steps = v.optionalInteger(p, 'steps', 1);
      const toLine = v.optionalInteger(p, 'toLine', 0);
      const stepOut = v.boolean(p, 'stepOut', false);
      const s = entry.session;
      if (direction === 'forward') requireRunnable(entry);
      const { spec } = compileDebugSpec(wire, scenarioEnv(ctx, entry), s.steps);
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

  on('swapsim/evaluate', (raw, token) => withSessionOf(ctx, raw, token, (entry, p) => evaluate(entry.session, text(p, 'expression') ?? '')));

  on('swapsim/debugCompletions', (raw, token) =>
    withSessionOf(ctx, raw, token, (entry, p) => ({ items: consoleCompletions(ctx, entry, text(p, 'text') ?? '', v.integer(p, 'column', 0, MAX_TEXT)) })),
  );

  on('swapsim/debugFrame', (raw, token) => withSessionOf(ctx, raw, token, (entry) => debugFrame(entry.session)));

  on('swapsim/lineTargets', (raw, token) => withSessionOf(ctx, raw, token, (entry, p) => lineTargets(entry.session, v.integer(p, 'line', 0))));

  on('swapsim/clusterMemory', (raw, token) => withSessionOf(ctx, raw, token, (entry, p) => clusterMemory(entry.session, v.integer(p, 'type', 0), v.integer(p, 'cluster', 0))));
}
