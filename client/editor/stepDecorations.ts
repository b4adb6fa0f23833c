// Marks the stepping position in scenario editors: the next statement to run
// (line highlight and arrow), the statement just run (a subtle hollow arrow),
// and lines where a kernel error or failed expect happened (with the errno or
// the actual value after the text). State comes from the store only; what is
// drawn and how it looks is decided in decorationModel.ts.
import * as vscode from 'vscode';
import type { Range } from '../../shared/protocol';
import type { SessionStore } from '../session/sessionStore';
import { isScenario } from '../session/sessionSync';
import { DECORATION_STYLES, decorationsFor, type AppliedDecorations, type DecorationKind } from './decorationModel';

/** Which documents a debug session marks itself (client/debug/register.ts). */
export interface DebugMarks {
  has(uri: string): boolean;
  onDidChange(listener: (uri: string) => void): vscode.Disposable;
}

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
    private readonly debugMarks?: DebugMarks,
  ) {
    const icon = (name: string): vscode.Uri => vscode.Uri.joinPath(extensionUri, 'media', 'icons', name);
    const highlight = {
      step: 'editor.stackFrameHighlightBackground',
      error: 'diffEditor.removedLineBackground',
    } as const;
    const ruler = { step: 'editorOverviewRuler.infoForeground', error: 'editorOverviewRuler.errorForeground' } as const;
    const make = (kind: DecorationKind): vscode.TextEditorDecorationType => {
      const style = DECORATION_STYLES[kind];
      return vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        gutterIconPath: icon(style.gutterIcon),
        gutterIconSize: 'contain',
        ...(style.lineHighlight === null
          ? {}
          : {
              backgroundColor: new vscode.ThemeColor(highlight[style.lineHighlight]),
              overviewRulerColor: new vscode.ThemeColor(ruler[style.lineHighlight]),
              overviewRulerLane:
                style.lineHighlight === 'step' ? vscode.OverviewRulerLane.Center : vscode.OverviewRulerLane.Right,
            }),
      });
    };
    this.types = { last: make('last'), next: make('next'), failed: make('failed'), passed: make('passed') };
    this.disposables.push(
      ...Object.values(this.types),
      store.onDidChange((change) => this.redraw(change.uri)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redrawAll()),
      ...(debugMarks === undefined ? [] : [debugMarks.onDidChange((uri) => this.redraw(uri))]),
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
    for (const editor of vscode.window.visibleTextEditors)
      if (editor.document.uri.toString() === uri) this.draw(editor);
    if (this.store.get(uri) === undefined) this.applied.delete(uri);
  }

  private draw(editor: vscode.TextEditor): void {
    const uri = editor.document.uri.toString();
    const state = this.store.get(uri);
    const wanted: AppliedDecorations =
      state === undefined
        ? { last: [], next: [], failed: [], passed: [] }
        : decorationsFor(state, this.debugMarks?.has(uri) ?? false);
    editor.setDecorations(this.types.last, wanted.last.map(toVscode));
    editor.setDecorations(this.types.next, wanted.next.map(toVscode));
    editor.setDecorations(
      this.types.failed,
      wanted.failed.map(({ range, text }) => ({
        range: toVscode(range),
        hoverMessage: text,
        renderOptions: {
          after: { contentText: `  ✖ ${text}`, color: new vscode.ThemeColor('errorForeground'), fontStyle: 'italic' },
        },
      })),
    );
    editor.setDecorations(this.types.passed, wanted.passed.map(toVscode));
    if (state !== undefined) this.applied.set(uri, wanted);
  }
}
