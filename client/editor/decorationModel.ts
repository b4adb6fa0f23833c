// What the stepping decorations show for a session, kept apart from the
// vscode calls that draw it so it can be checked under plain Node.
import type { Range } from '../../shared/protocol';
import type { SessionState } from '../session/sessionStore';

export type DecorationKind = 'current' | 'next' | 'failed' | 'passed';

export interface AppliedDecorations {
  current: Range[];
  next: Range[];
  failed: { range: Range; text: string }[];
  passed: Range[];
}

/** What to draw for one session; pure so it can be checked without an editor. */
export function decorationsFor(state: SessionState): AppliedDecorations {
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
  for (const x of state.expects) if (x.passed && !failedLines.has(x.range.start.line)) passedLines.set(x.range.start.line, x.range);
  return {
    current: state.step.range === null ? [] : [state.step.range],
    next: state.step.next === null ? [] : [state.step.next],
    failed,
    passed: [...passedLines.values()],
  };
}
