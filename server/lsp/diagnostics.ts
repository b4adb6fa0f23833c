/**
 * Diagnostics as the user types: each change (re)starts a short timer per
 * document; when it fires, the document is analysed once (incrementally,
 * see analysis.ts) and its parser and checker diagnostics published.
 *
 * A document that has a session gets it rebuilt from the new text (the
 * session follows the text; see sessions.ts), so views and runtime
 * diagnostics never describe text that is gone for long. Building a session
 * of a large scenario takes longer than analysing it, so the rebuild never
 * holds back diagnostics: it runs on a timer of its own, started once the
 * diagnostics are handed to the connection and dropped by the next change,
 * so a user who keeps typing gets diagnostics for every pause and a session
 * rebuild only when they stop. A request that needs the session rebuilds it
 * at once (ServerContext.ensureSession).
 */
import type { ServerContext } from './context';
import { guardVoid } from './guard';

export const DIAGNOSTICS_DELAY_MS = 150;
/** How long after the diagnostics of an edit its session is rebuilt, unless more edits come first. */
export const SESSION_REBUILD_DELAY_MS = 300;

export class DiagnosticsScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly rebuildTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly delayMs = DIAGNOSTICS_DELAY_MS,
    private readonly rebuildDelayMs = SESSION_REBUILD_DELAY_MS,
  ) {}

  /** Publish after the delay (0: on the next turn of the event loop). A pending session rebuild waits for this one. */
  schedule(uri: string, delayMs = this.delayMs): void {
    this.cancel(uri);
    const timer = setTimeout(
      guardVoid(this.ctx.log, 'diagnostics', () => this.fire(uri)),
      delayMs,
    );
    this.timers.set(uri, timer);
  }

  cancel(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    clearTimeout(this.rebuildTimers.get(uri));
    this.rebuildTimers.delete(uri);
  }

  private fire(uri: string): void {
    this.timers.delete(uri);
    const doc = this.ctx.documents.get(uri);
    if (doc === undefined) return;
    this.ctx.publishDiagnostics(uri);
    const entry = this.ctx.sessions.get(uri);
    if (entry !== undefined && entry.version !== doc.version) {
      // A timer, not a microtask: the connection writes the diagnostics from a setImmediate callback first.
      const timer = setTimeout(
        guardVoid(this.ctx.log, 'session rebuild', () => this.rebuildSession(uri)),
        this.rebuildDelayMs,
      );
      this.rebuildTimers.set(uri, timer);
    }
  }

  /** Rebuild the session of `uri` from the current text, unless it already follows it. */
  private rebuildSession(uri: string): void {
    this.rebuildTimers.delete(uri);
    void this.ctx.sessions
      .enqueue(uri, () => {
        const now = this.ctx.documents.get(uri);
        const e = this.ctx.sessions.get(uri);
        if (now !== undefined && e !== undefined && e.version !== now.version) {
          this.ctx.rebuild(now);
          this.ctx.refreshInlayHints();
        }
      })
      .catch((error: unknown) =>
        this.ctx.log(
          `session rebuild failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
      );
  }
}
