// Marks the stepping position in scenario editors: the statement executed
// last (highlighted, with a gutter arrow), the next one (a subtle outlined
// arrow), and lines where a kernel error or failed expect happened (with the
// errno or the actual value after the text). State comes from the store only.
import * as vscode from 'vscode';
import type { Range } from '../../shared/protocol';
import type { SessionStore } from '../session/sessionStore';
import { isScenario } from '../session/sessionSync';
import { decorationsFor, type AppliedDecorations, type DecorationKind } from './decorationModel';

function toVscode(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

export class StepDecorations implements vscode.Disposable {
  private readonly types: Record<DecorationKind, vscode.TextEditorDecorationType>;
  private readonly applied = new Map<string, AppliedDecorations>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: SessionStore,
    extensionUri: vscode.Uri,
  ) {
    const icon = (name: string): vscode.Uri => vscode.Uri.joinPath(extensionUri, 'media', 'icons', name);
    this.types = {
      current: vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
        gutterIconPath: icon('step-current.svg'),
        gutterIconSize: 'contain',
        overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.infoForeground'),
        overviewRulerLane: vscode.OverviewRulerLane.Center,
      }),
      next: vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        gutterIconPath: icon('step-next.svg'),
        gutterIconSize: 'contain',
      }),
      failed: vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
        gutterIconPath: icon('line-error.svg'),
        gutterIconSize: 'contain',
        overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.errorForeground'),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
      }),
      passed: vscode.window.createTextEditorDecorationType({
        gutterIconPath: icon('expect-passed.svg'),
        gutterIconSize: 'contain',
      }),
    };
    this.disposables.push(
      ...Object.values(this.types),
      store.onDidChange((change) => this.redraw(change.uri)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redrawAll()),
    );
    this.redrawAll();
  }

  /** What is drawn now for `uri` (the extension-host tests read this). */
  current(uri: string): AppliedDecorations | undefined {
    return this.applied.get(uri);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private redrawAll(): void {
    for (const editor of vscode.window.visibleTextEditors) if (isScenario(editor.document)) this.draw(editor);
  }

  private redraw(uri: string): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri) this.draw(editor);
    if (this.store.get(uri) === undefined) this.applied.delete(uri);
  }

  private draw(editor: vscode.TextEditor): void {
    const uri = editor.document.uri.toString();
    const state = this.store.get(uri);
    const wanted: AppliedDecorations = state === undefined ? { current: [], next: [], failed: [], passed: [] } : decorationsFor(state);
    editor.setDecorations(this.types.current, wanted.current.map(toVscode));
    editor.setDecorations(this.types.next, wanted.next.map(toVscode));
    editor.setDecorations(
      this.types.failed,
      wanted.failed.map(({ range, text }) => ({
        range: toVscode(range),
        hoverMessage: text,
        renderOptions: { after: { contentText: `  ✖ ${text}`, color: new vscode.ThemeColor('errorForeground'), fontStyle: 'italic' } },
      })),
    );
    editor.setDecorations(this.types.passed, wanted.passed.map(toVscode));
    if (state !== undefined) this.applied.set(uri, wanted);
  }
}
