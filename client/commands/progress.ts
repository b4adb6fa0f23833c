// Long runs get a cancellable notification, but only once they have taken a
// moment: a step that answers in 5 ms should not flash a progress popup.
// When the work moves a session, the notification follows it through the
// session store (each slice of a long run pushes a delta) and shows how far
// it got as a percentage.
import * as vscode from 'vscode';
import type { SessionStore } from '../session/sessionStore';

const SHOW_AFTER_MS = 400;

/** A session the work moves forward, from a step (default: where it is) to a step (default: the end). */
export interface StepTracking {
  readonly store: SessionStore;
  readonly uri: string;
  readonly fromStep?: number;
  readonly toStep?: number;
}

/** `done` out of `total` as a whole percentage, 0..100. */
export function percentOf(done: number, total: number): number {
  return total <= 0 ? 100 : Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

export async function withDelayedProgress<T>(
  title: string,
  task: (token: vscode.CancellationToken) => Promise<T>,
  track?: StepTracking,
): Promise<T> {
  const source = new vscode.CancellationTokenSource();
  const from = track === undefined ? 0 : (track.fromStep ?? track.store.get(track.uri)?.step.index ?? 0);
  const work = task(source.token);
  const timer = setTimeout(() => {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => source.cancel());
        let shown = 0;
        const follow = track?.store.onDidChange((change) => {
          if (change.uri !== track.uri || change.kind === 'closed') return;
          const { index, total } = change.state.step;
          const to = track.toStep ?? total;
          const pct = percentOf(index - from, to - from);
          // Step numbers written as the status bar writes them.
          progress.report({ increment: pct - shown, message: `${pct}% · step ${index} / ${total}` });
          shown = pct;
        });
        return work.then(
          () => follow?.dispose(),
          () => follow?.dispose(),
        );
      },
    );
  }, SHOW_AFTER_MS);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
    source.dispose();
  }
}
