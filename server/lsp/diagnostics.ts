/**
 * Diagnostics as the user types: each change (re)starts a short timer per
 * document; when it fires, the document is analysed once and its
 * diagnostics published. A document that has a session is rebuilt at that
 * point too (the session follows the text; see sessions.ts), so views and
 * runtime diagnostics never describe text that is gone.
 */
import type { ServerContext } from './context';
import { guardVoid } from './guard';

export const DIAGNOSTICS_DELAY_MS = 150;

export class DiagnosticsScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly delayMs = DIAGNOSTICS_DELAY_MS,
  ) {}

  /** Publish after the delay (0: on the next turn of the event loop). */
  schedule(uri: string, delayMs = this.delayMs): void {
    this.cancel(uri);
    const timer = setTimeout(
      guardVoid(this.ctx.log, 'diagnostics', () => this.fire(uri)),
      delayMs,
    );
    this.timers.set(uri, timer);
  }

  cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(uri);
  }

  private fire(uri: string): void {
    this.timers.delete(uri);
    const doc = this.ctx.documents.get(uri);
    if (doc === undefined) return;
    this.ctx.publishDiagnostics(uri);
    const entry = this.ctx.sessions.get(uri);
    if (entry !== undefined && entry.version !== doc.version) {
      void this.ctx.sessions
        .enqueue(uri, () => {
          const now = this.ctx.documents.get(uri);
          const e = this.ctx.sessions.get(uri);
          if (now !== undefined && e !== undefined && e.version !== now.version) {
            this.ctx.rebuild(now);
            this.ctx.refreshInlayHints();
          }
        })
        .catch((error: unknown) => this.ctx.log(`session rebuild failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    }
  }
}
