// Which scenario a command is about: the URI the caller passed (code lenses
// pass the document URI, tree items their session's), else the active
// scenario editor, else the scenario the views show.
import * as vscode from 'vscode';
import type { Ctx } from '../context';

export function scenarioUri(ctx: Ctx, arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg.length > 0) return vscode.Uri.parse(arg).toString();
  if (arg instanceof vscode.Uri) return arg.toString();
  if (typeof arg === 'object' && arg !== null && 'uri' in arg) return scenarioUri(ctx, arg.uri);
  const editor = vscode.window.activeTextEditor;
  if (editor !== undefined && editor.document.languageId === 'swapsim') return editor.document.uri.toString();
  return ctx.store.focused;
}

/** The URI, or undefined after telling the user to open a scenario. */
export function requireScenario(ctx: Ctx, arg: unknown): string | undefined {
  const uri = scenarioUri(ctx, arg);
  if (uri === undefined) void vscode.window.showInformationMessage('swapsim: open a .swapsim scenario first.');
  return uri;
}

/** The visible editor showing `uri`, if any. */
export function editorFor(uri: string): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active?.document.uri.toString() === uri) return active;
  return vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
}

/** Show a failed request to the user (not only in the log); a cancel is the user's choice, logged as such and nothing more. */
export function reportFailure(ctx: Ctx, text: string, cancelled: boolean): void {
  if (cancelled) {
    ctx.log.info(text);
    return;
  }
  ctx.log.warn(text);
  void vscode.window.showErrorMessage(`swapsim: ${text}`, 'Show Log').then((choice) => {
    if (choice === 'Show Log') ctx.log.show();
  });
}
