// Long runs get a cancellable notification, but only once they have taken a
// moment: a step that answers in 5 ms should not flash a progress popup.
import * as vscode from 'vscode';

const SHOW_AFTER_MS = 400;

export async function withDelayedProgress<T>(title: string, task: (token: vscode.CancellationToken) => Promise<T>): Promise<T> {
  const source = new vscode.CancellationTokenSource();
  const work = task(source.token);
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      token.onCancellationRequested(() => source.cancel());
      return work.then(
        () => undefined,
        () => undefined,
      );
    });
  }, SHOW_AFTER_MS);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
    source.dispose();
  }
}
