/**
 * The `swapsim/*` requests of shared/protocol.ts, each delegating to the
 * document's session. Params are validated; a request may carry an optional
 * `seq` (the view's last seen sequence number) and is refused with
 * `StaleSequence` when the session has moved past it. Every state change
 * pushes its delta (`swapsim/delta`), then the runtime diagnostics and inlay
 * hints are refreshed.
 */
import { ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import { ErrorCodes, type SessionParams, type StepInfo, type TestRunResult } from '../../shared/protocol';
import { MAX_DOCUMENT_BYTES } from './analysis';
import type { CancelSignal } from '../session/api';
import { DesignComparison } from '../session/compare';
import type { ServerContext } from './context';
import { runLong, yieldToEventLoop, type LongWork } from './long_run';
import { wireSeq, wireSnapshot, type SessionEntry } from './sessions';

function checkSeq(p: SessionParams, entry: SessionEntry): void {
  if (p.seq !== undefined && p.seq < wireSeq(entry)) {
    throw new ResponseError(ErrorCodes.StaleSequence, `seq ${p.seq} is stale: the session is at ${wireSeq(entry)}`);
  }
}

export function requireRunnable(entry: SessionEntry): void {
  if (entry.session.status !== 'invalid') return;
  const first = entry.session.diagnostics.find((d) => d.severity === 'error');
  const where = first === undefined ? '' : ` (line ${first.range.start.line + 1}: ${first.message})`;
  throw new ResponseError(ErrorCodes.ScenarioErrors, `the scenario has errors and cannot run${where}`);
}

/** After a state change: runtime diagnostics, inlay hints, memory budget. */
export function afterChange(ctx: ServerContext, entry: SessionEntry): void {
  ctx.publishDiagnostics(entry.uri);
  ctx.refreshInlayHints();
  ctx.enforceMemory(entry.uri);
}

export interface SlicedMove {
  readonly title: string;
  readonly expectedSteps: number;
  readonly slice: LongWork['slice'];
  /** Steps this move has taken (default: how far the session went forward). */
  stepsDone?(): number;
  /** After each slice's delta is sent. */
  afterSlice?(): void;
}

/** A movement in slices (long_run.ts); returns when done, stopped, limited or cancelled. */
export async function inSlices(
  ctx: ServerContext,
  entry: SessionEntry,
  p: SessionParams,
  token: CancellationToken,
  move: SlicedMove,
): Promise<void> {
  const start = entry.session.step.index;
  try {
    const result = await ctx.sessions.whileBusy(entry.uri, () =>
      runLong(ctx.connection, token, p.workDoneToken, {
        title: move.title,
        expectedSteps: move.expectedSteps,
        maxSteps: ctx.settings.limits.maxSteps,
        stepsDone: move.stepsDone ?? (() => entry.session.step.index - start),
        slice: move.slice,
        onDelta: (delta) => {
          ctx.sendDelta(entry, delta);
          move.afterSlice?.();
        },
      }),
    );
    if (result.limited) {
      throw new ResponseError(
        ErrorCodes.ResourceLimit,
        `stopped after ${ctx.settings.limits.maxSteps.toLocaleString('en-US')} steps (swapsim.limits.maxSteps)`,
      );
    }
  } finally {
    afterChange(ctx, entry);
  }
}

/** Run `fn` on the session of `p.uri`, after earlier work on it, with seq and cancellation checks. */
export function withSessionOf<P extends SessionParams, R>(
  ctx: ServerContext,
  p: P,
  token: CancellationToken,
  fn: (entry: SessionEntry, p: P) => R | Promise<R>,
): Promise<R> {
  const { uri } = p;
  if (ctx.documents.get(uri) === undefined)
    throw new ResponseError(ErrorCodes.NoSession, `no open scenario document ${uri}`);
  return ctx.sessions.enqueue(uri, async () => {
    if (token.isCancellationRequested) throw new ResponseError(ErrorCodes.Cancelled, 'cancelled before it started');
    const entry = ctx.ensureSession(uri);
    checkSeq(p, entry);
    return fn(entry, p);
  });
}

export function registerCustomRequests(ctx: ServerContext): void {
  const { connection } = ctx;

  const withSession = <P extends SessionParams, R>(
    p: P,
    token: CancellationToken,
    fn: (entry: SessionEntry, p: P) => R | Promise<R>,
  ): Promise<R> => withSessionOf(ctx, p, token, fn);

  /**
   * A read-only request. While a long run is under way on the document, it
   * is answered between two slices of the run (the session is then at the
   * step of the last delta sent) instead of waiting for the whole run:
   * the views stay live during long runs.
   */
  const readSession = <P extends SessionParams, R>(
    p: P,
    token: CancellationToken,
    fn: (entry: SessionEntry, p: P) => R,
  ): Promise<R> => {
    const running = ctx.sessions.isBusy(p.uri) ? ctx.sessions.get(p.uri) : undefined;
    if (running === undefined) return withSession(p, token, fn);
    checkSeq(p, running);
    return Promise.resolve(fn(running, p));
  };

  const changed = (entry: SessionEntry): void => afterChange(ctx, entry);
  const forward = (
    entry: SessionEntry,
    p: SessionParams,
    token: CancellationToken,
    title: string,
    expected: number,
    slice: LongWork['slice'],
  ): Promise<void> => inSlices(ctx, entry, p, token, { title, expectedSteps: expected, slice });

  const on: ServerContext['onRequest'] = (method, handler) => ctx.onRequest(method, handler);

  on('swapsim/snapshot', (raw, token) => readSession(raw, token, (entry) => wireSnapshot(entry)));

  on('swapsim/run', (raw, token) =>
    withSession(raw, token, async (entry, p) => {
      const { toLine } = p;
      const breakpoints = p.breakpoints === undefined ? undefined : new Set(p.breakpoints);
      const s = entry.session;
      if (p.direction === 'back') {
        if (toLine !== undefined)
          throw new ResponseError(
            ErrorCodes.InvalidParams,
            `'toLine' only goes forward: leave it out with direction 'back'`,
          );
        ctx.sendDelta(entry, s.backToBreakpoint(breakpoints ?? new Set()));
        changed(entry);
        return wireSnapshot(entry);
      }
      if (toLine !== undefined && breakpoints === undefined) {
        // Run to Cursor on a line already passed goes back to where its statement ran last.
        const back = s.backTargetForLine(toLine);
        if (back !== null) {
          ctx.sendDelta(entry, s.gotoStep(back));
          changed(entry);
          return wireSnapshot(entry);
        }
      }
      requireRunnable(entry);
      // The run may take several slices: breakpoints count from where the whole run began.
      const from = s.step.index;
      const slice =
        breakpoints === undefined
          ? (signal: CancelSignal) => s.run(toLine, signal)
          : (signal: CancelSignal) => s.runToBreakpoint(breakpoints, from, toLine, signal);
      await forward(entry, p, token, 'swapsim: run', s.step.total - s.step.index, slice);
      return wireSnapshot(entry);
    }),
  );

  on('swapsim/step', (raw, token) =>
    withSession(raw, token, async (entry, p): Promise<StepInfo> => {
      const count = p.count ?? 1;
      const s = entry.session;
      if (p.direction === 'back') {
        ctx.sendDelta(entry, s.stepBack(count));
        changed(entry);
        return s.step;
      }
      requireRunnable(entry);
      const start = s.step.index;
      await forward(entry, p, token, 'swapsim: step', count, (signal) =>
        s.stepForward(count - (s.step.index - start), signal),
      );
      return s.step;
    }),
  );

  on('swapsim/gotoStep', (raw, token) =>
    withSession(raw, token, async (entry, p): Promise<StepInfo> => {
      const target = p.step;
      const s = entry.session;
      if (target < s.step.index) {
        ctx.sendDelta(entry, s.gotoStep(target));
        changed(entry);
        return s.step;
      }
      if (target > s.step.index) {
        requireRunnable(entry);
        await forward(entry, p, token, 'swapsim: go to step', target - s.step.index, (signal) =>
          s.gotoStep(target, signal),
        );
      }
      return s.step;
    }),
  );

  on('swapsim/reset', (raw, token) =>
    withSession(raw, token, (entry): StepInfo => {
      ctx.sendDelta(entry, entry.session.reset());
      changed(entry);
      return entry.session.step;
    }),
  );

  on('swapsim/setDesign', (raw, token) =>
    withSession(raw, token, async (entry, p) => {
      const { design } = p;
      const doc = ctx.documents.get(entry.uri);
      if (doc === undefined) throw new ResponseError(ErrorCodes.NoSession, `no open scenario document ${entry.uri}`);
      const at = entry.session.step.index;
      const fresh = ctx.rebuild(doc, design);
      // Replay to the step the user was looking at, now under the new design.
      if (at > 0 && fresh.session.status !== 'invalid') {
        await forward(fresh, p, token, `swapsim: replay under ${design}`, at, (signal) =>
          fresh.session.gotoStep(at, signal),
        );
      } else {
        changed(fresh);
      }
      return wireSnapshot(fresh);
    }),
  );

  on('swapsim/compare', (raw, token) =>
    withSession(raw, token, async (entry, p) => {
      const designs = [...new Set(p.designs)];
      const { step } = p;
      requireRunnable(entry);
      const s = entry.session;
      const comparison = new DesignComparison(s.uri, s.text, s.buildOptions, step ?? s.step.index, s.step.total);
      // One design at a time, yielding in between so a cancel is seen.
      const reporter = p.workDoneToken === undefined ? null : connection.window.attachWorkDoneProgress(p.workDoneToken);
      reporter?.begin('swapsim: compare designs', 0, undefined, true);
      try {
        for (const [i, design] of designs.entries()) {
          if (token.isCancellationRequested) throw new ResponseError(ErrorCodes.Cancelled, 'compare: cancelled');
          comparison.add(design, token);
          reporter?.report(Math.floor(((i + 1) / designs.length) * 100), design);
          await yieldToEventLoop();
        }
        if (token.isCancellationRequested) throw new ResponseError(ErrorCodes.Cancelled, 'compare: cancelled');
        return comparison.result(token);
      } finally {
        reporter?.done();
      }
    }),
  );

  // A Testing-view run: its own session on the test worker, never the document's interactive one.
  on('swapsim/test', async (p, token): Promise<TestRunResult> => {
    const { uri } = p;
    const text = p.text ?? ctx.documents.get(uri)?.getText();
    if (text === undefined)
      throw new ResponseError(ErrorCodes.NoSession, `no text for ${uri}: pass 'text' or open the document`);
    if (Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES)
      throw new ResponseError(ErrorCodes.ResourceLimit, 'the scenario is larger than 5 MB');
    const design = ctx.sessions.get(uri)?.designOverride;
    const progressToken = p.workDoneToken;
    const reporter = progressToken === undefined ? null : connection.window.attachWorkDoneProgress(progressToken);
    reporter?.begin('swapsim: test run', 0, undefined, true);
    const run = ctx.tests.run({
      uri,
      text,
      options: ctx.sessionOptions(),
      ...(design === undefined ? {} : { design }),
      onProgress: (done, total) =>
        reporter?.report(
          total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0,
          `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} steps`,
        ),
    });
    const subscription = token.onCancellationRequested(() => run.cancel());
    try {
      const outcome = await run.outcome;
      if (outcome.kind === 'invalid')
        throw new ResponseError(
          ErrorCodes.ScenarioErrors,
          `the scenario has errors and cannot run (${outcome.message})`,
        );
      if (outcome.kind === 'cancelled')
        throw new ResponseError(
          ErrorCodes.Cancelled,
          `test run cancelled${outcome.result === null ? ' before it started' : ` at step ${outcome.result.step.index}`}`,
        );
      if (outcome.result.status === 'ready' && outcome.result.step.index < outcome.result.step.total) {
        throw new ResponseError(
          ErrorCodes.ResourceLimit,
          `stopped after ${ctx.settings.limits.maxSteps.toLocaleString('en-US')} steps (swapsim.limits.maxSteps)`,
        );
      }
      return outcome.result;
    } finally {
      subscription.dispose();
      reporter?.done();
    }
  });

  on('swapsim/slot', (raw, token) => readSession(raw, token, (e, p) => e.session.slot(p.type, p.offset)));

  on('swapsim/cluster', (raw, token) => readSession(raw, token, (e, p) => e.session.cluster(p.type, p.cluster)));

  on('swapsim/clusterMap', (raw, token) =>
    readSession(raw, token, (e, p) => {
      const map = e.session.clusterMap(p.type, p.bins, p.from, p.to);
      return { ...map, seq: map.seq + e.seqBase };
    }),
  );

  on('swapsim/clusters', (raw, token) =>
    readSession(raw, token, (e, p) => e.session.clusters(p.type, p.start, p.limit, p.includeFree)),
  );

  on('swapsim/swapCache', (raw, token) => readSession(raw, token, (e, p) => e.session.swapCache(p.start, p.limit)));

  on('swapsim/events', (raw, token) =>
    readSession(raw, token, (e, p) => e.session.events(p.start, p.count, p.fromEnd ?? false)),
  );

  on('swapsim/overhead', (raw, token) => readSession(raw, token, (e) => e.session.overhead()));

  on('swapsim/checkInvariants', (raw, token) =>
    withSession(raw, token, (e) => {
      const result = e.session.checkAllInvariants();
      ctx.publishDiagnostics(e.uri);
      return result;
    }),
  );

  on('swapsim/export', (raw, token) => readSession(raw, token, (e, p) => e.session.exportState(p.format)));
}
