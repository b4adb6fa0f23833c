/**
 * Long simulation work in slices. The session API is synchronous; it stops
 * early when its CancelSignal says so and returns the delta of what it did.
 * A slice signal turns "cancelled" after a few tens of milliseconds, the
 * driver sends that slice's delta, yields to the event loop (so
 * `$/cancelRequest`, `window/workDoneProgress/cancel` and other requests are
 * read), and continues. Work-done progress starts at once with a client
 * token, or — server-initiated — only when the work outlasts the first slice.
 */
import {
  ResponseError,
  type CancellationToken,
  type Connection,
  type ProgressToken,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import { ErrorCodes, type SessionDelta } from '../../shared/protocol';
import type { CancelSignal } from '../session/api';

export const SLICE_MS = 40;

/** Cancelled when any token is, or (while armed) once the slice's time is up. */
export class SliceSignal implements CancelSignal {
  private readonly tokens: CancellationToken[];
  private deadline = Number.POSITIVE_INFINITY;
  private calls = 0;
  private budget = Number.POSITIVE_INFINITY;
  /** The last slice ended because its time was up (more work remains). */
  deadlineHit = false;
  /** The last slice ended because its step budget was used up (more work remains). */
  budgetHit = false;

  constructor(...tokens: CancellationToken[]) {
    this.tokens = tokens;
  }

  addToken(token: CancellationToken): void {
    this.tokens.push(token);
  }

  /** Start a slice of at most `ms` milliseconds and `budget` steps (the session asks once before each step). */
  arm(ms = SLICE_MS, budget = Number.POSITIVE_INFINITY): void {
    this.deadline = performance.now() + ms;
    this.budget = budget;
    this.deadlineHit = false;
    this.budgetHit = false;
    this.calls = 0;
  }

  get cancelled(): boolean {
    return this.tokens.some((t) => t.isCancellationRequested);
  }

  get isCancellationRequested(): boolean {
    if (this.cancelled) return true;
    if (++this.calls > this.budget) {
      this.budgetHit = true;
      return true;
    }
    // Reading the clock on every step would cost more than many steps do.
    if ((this.calls & 31) !== 0) return false;
    if (performance.now() >= this.deadline) {
      this.deadlineHit = true;
      return true;
    }
    return false;
  }
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface LongWork {
  readonly title: string;
  /** Steps expected in total (for the percentage), or 0 when unknown. */
  readonly expectedSteps: number;
  /** Steps done so far by this work. */
  stepsDone(): number;
  /** One slice; must stop when `signal` says so. */
  slice(signal: CancelSignal): SessionDelta;
  /** Called with each slice's delta. */
  onDelta(delta: SessionDelta): void;
  /** Stop after this many steps in total (settings' maxSteps), across slices. */
  readonly maxSteps: number;
}

export interface LongWorkResult {
  /** The work stopped at `maxSteps` with more to do. */
  readonly limited: boolean;
}

/** Run `work` slice by slice with progress and cancellation; throws ResponseError(Cancelled) when cancelled. */
export async function runLong(
  connection: Connection,
  token: CancellationToken,
  workDoneToken: ProgressToken | undefined,
  work: LongWork,
): Promise<LongWorkResult> {
  const signal = new SliceSignal(token);
  let reporter: WorkDoneProgressReporter | null = null;
  if (workDoneToken !== undefined) {
    reporter = connection.window.attachWorkDoneProgress(workDoneToken);
    reporter.begin(work.title, 0, undefined, true);
  }
  let limited = false;
  try {
    for (;;) {
      signal.arm(SLICE_MS, work.maxSteps - work.stepsDone());
      const delta = work.slice(signal);
      work.onDelta(delta);
      if (signal.budgetHit) {
        limited = true;
        break;
      }
      if (!signal.deadlineHit || signal.cancelled) break;
      if (reporter === null) {
        const created = await connection.window.createWorkDoneProgress();
        signal.addToken(created.token);
        created.begin(work.title, 0, undefined, true);
        reporter = created;
      }
      const done = work.stepsDone();
      const pct = work.expectedSteps > 0 ? Math.min(100, Math.floor((done / work.expectedSteps) * 100)) : 0;
      reporter.report(pct, `${done.toLocaleString('en-US')} steps`);
      await yieldToEventLoop();
      if (signal.cancelled) break;
    }
  } finally {
    reporter?.done();
  }
  if (signal.cancelled) throw new ResponseError(ErrorCodes.Cancelled, `${work.title}: cancelled`);
  return { limited };
}
