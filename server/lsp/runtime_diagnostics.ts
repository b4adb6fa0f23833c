/**
 * Diagnostics from running the scenario: kernel errors on the line that
 * caused them (Information when an `expect error` accepted the errno), failed
 * `expect` lines with expected and actual values, and invariant violations on
 * the statement whose step broke the invariant (the check runs after every
 * step, so the step that first shows a violation is the one that caused it).
 * A statement inside a `repeat` runs many times; its results are folded into
 * one diagnostic per line and message with a count, so a million-step run
 * yields at most a few diagnostics per line.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { Range } from '../lang/index';
import type { SessionApi } from '../session/api';
import { SOURCE } from './convert';

/** An invariant violation found after `step` (1-based); `range` is the statement of that step when the session knows it. */
export interface Violation {
  readonly message: string;
  readonly step: number;
  readonly range?: Range;
}

/** What a run produced so far (a session provides it). */
export type RuntimeResults = Pick<SessionApi, 'errors' | 'expects'> & { readonly violations: readonly Violation[] };

const TOP_OF_FILE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Cap on runtime diagnostics per document (after folding). */
const MAX_RUNTIME_DIAGNOSTICS = 500;

interface Folded {
  diagnostic: LspDiagnostic;
  count: number;
  firstStep: number;
}

function key(range: Range, message: string): string {
  return `${range.start.line}:${range.start.character}:${range.end.line}:${range.end.character}:${message}`;
}

/** Runtime diagnostics of `results`; `stepRange` places an invariant violation on the statement of its step. */
export function runtimeDiagnostics(
  results: RuntimeResults,
  stepRange: (step: number) => Range | null,
): LspDiagnostic[] {
  const folded = new Map<string, Folded>();
  const add = (range: Range, severity: DiagnosticSeverity, code: string, message: string, step: number): void => {
    const k = key(range, message);
    const f = folded.get(k);
    if (f !== undefined) {
      f.count++;
      return;
    }
    if (folded.size >= MAX_RUNTIME_DIAGNOSTICS) return;
    folded.set(k, { diagnostic: { range, severity, code, source: SOURCE, message }, count: 1, firstStep: step });
  };
  const s = results;
  for (const e of s.errors) {
    const message = e.expected ? `${e.errno} (expected): ${e.message}` : `${e.errno}: ${e.message}`;
    add(e.range, e.expected ? DiagnosticSeverity.Information : DiagnosticSeverity.Error, e.errno, message, e.step);
  }
  for (const x of s.expects) {
    if (x.passed) continue;
    add(
      x.range,
      DiagnosticSeverity.Error,
      'expect-failed',
      `expect failed: expected ${x.expected}, actual ${x.actual}`,
      x.step,
    );
  }
  for (const v of s.violations) {
    // Step 0 (or a step the plan does not know) has no statement: the top of the file stands for the machine's setup.
    const range = v.range ?? stepRange(v.step) ?? TOP_OF_FILE;
    add(range, DiagnosticSeverity.Error, 'invariant', `invariant violated: ${v.message}`, v.step);
  }
  return [...folded.values()].map((f) => {
    const suffix = f.count > 1 ? ` (×${f.count}, first at step ${f.firstStep})` : ` (step ${f.firstStep})`;
    return { ...f.diagnostic, message: f.diagnostic.message + suffix };
  });
}
