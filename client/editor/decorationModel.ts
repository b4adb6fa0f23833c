// What the stepping decorations show for a session, kept apart from the
// vscode calls that draw it so it can be checked under plain Node.
//
// One "where am I" convention (issue #22): the next line to run carries the
// one marker, a line highlight with an arrow, as a debugger marks its top
// frame; the line just run gets only a subtle hollow arrow. While a debug
// session debugs the document, VS Code draws its own top-frame highlight on
// that same next line, so ours steps aside: never two line highlights.
import type { Range } from '../../shared/protocol';
import type { SessionState } from '../session/sessionStore';

export type DecorationKind = 'last' | 'next' | 'failed' | 'passed';

export interface AppliedDecorations {
  /** The statement just run. */
  last: Range[];
  /** The statement that runs next. */
  next: Range[];
  failed: { range: Range; text: string }[];
  passed: Range[];
}

/** How each kind looks: which one highlights its line, and its gutter icon (media/icons/). */
export const DECORATION_STYLES: Readonly<
  Record<DecorationKind, { readonly lineHighlight: 'step' | 'error' | null; readonly gutterIcon: string }>
> = {
  next: { lineHighlight: 'step', gutterIcon: 'step-next.svg' },
  last: { lineHighlight: null, gutterIcon: 'step-last.svg' },
  failed: { lineHighlight: 'error', gutterIcon: 'line-error.svg' },
  passed: { lineHighlight: null, gutterIcon: 'expect-passed.svg' },
};

/** What to draw for one session; pure so it can be checked without an editor. `debugged`: a debug session marks the next line itself. */
export function decorationsFor(state: SessionState, debugged = false): AppliedDecorations {
  const failed: AppliedDecorations['failed'] = [];
  const failedLines = new Set<number>();
  for (const e of state.errors) {
    if (e.expected) continue;
    failed.push({ range: e.range, text: `${e.errno}: ${e.message}` });
    failedLines.add(e.range.start.line);
  }
  for (const x of state.expects) {
    if (x.passed || failedLines.has(x.range.start.line)) continue;
    failed.push({ range: x.range, text: `expected ${x.expected}, got ${x.actual} (step ${x.step})` });
    failedLines.add(x.range.start.line);
  }
  const passedLines = new Map<number, Range>();
  for (const x of state.expects)
    if (x.passed && !failedLines.has(x.range.start.line)) passedLines.set(x.range.start.line, x.range);
  return {
    last: state.step.range === null ? [] : [state.step.range],
    next: state.step.next === null || debugged ? [] : [state.step.next],
    failed,
    passed: [...passedLines.values()],
  };
}
