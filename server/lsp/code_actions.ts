/**
 * Quick fixes. Most come ready-made from the checker in the diagnostic's
 * `data.fixes` (nearest-name replacements, a unit to add, a tolerance to
 * add); the server adds fixes that need the document: create a missing
 * cgroup with `mkdir`, or a missing task with `task`, above the statement
 * (above the outermost `repeat` around it, so it runs once).
 */
import {
  CodeActionKind,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { QuickFix, Statement } from '../lang/index';
import { resolveCgroup, resolveFile } from '../lang/check/paths';
import type { Analysis } from './analysis';
import { SOURCE } from './convert';
import { lineText } from './line';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPosition(v: unknown): v is { line: number; character: number } {
  return isRecord(v) && Number.isInteger(v.line) && Number.isInteger(v.character);
}

function isRange(v: unknown): v is Range {
  return isRecord(v) && isPosition(v.start) && isPosition(v.end);
}

/** The fixes in a diagnostic's `data`, validated (the client sends `data` back as it received it, or not at all). */
export function fixesOf(data: unknown): QuickFix[] {
  if (!isRecord(data) || !Array.isArray(data.fixes)) return [];
  const out: QuickFix[] = [];
  for (const f of data.fixes) {
    if (!isRecord(f) || typeof f.title !== 'string' || !Array.isArray(f.edits)) continue;
    const edits: TextEdit[] = [];
    for (const e of f.edits)
      if (isRecord(e) && isRange(e.range) && typeof e.newText === 'string')
        edits.push({ range: e.range, newText: e.newText });
    if (edits.length === f.edits.length) out.push({ title: f.title, edits, preferred: f.preferred === true });
  }
  return out;
}

/** The well-formed diagnostics of a code action request's context (clients may send anything). */
export function contextDiagnostics(list: unknown): LspDiagnostic[] {
  if (!Array.isArray(list)) return [];
  return list.filter(
    (d: unknown): d is LspDiagnostic =>
      isRecord(d) &&
      isRange(d.range) &&
      typeof d.message === 'string' &&
      (d.code === undefined || typeof d.code === 'string' || typeof d.code === 'number'),
  );
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

/** The line a new statement should go above: the line's own, or its outermost enclosing repeat's header. */
function insertionLine(analysis: Analysis, line: number): number {
  const visit = (statements: readonly Statement[]): number | null => {
    for (const s of statements) {
      if (s.kind === 'repeat' && s.range.start.line <= line && line <= s.range.end.line)
        return s.headerRange.start.line;
    }
    return null;
  };
  return visit(analysis.result.program.statements) ?? line;
}

function insertAbove(doc: TextDocument, analysis: Analysis, line: number, statement: string): TextEdit {
  const at = insertionLine(analysis, line);
  const indent = /^[ \t]*/.exec(lineText(doc, at))?.[0] ?? '';
  return {
    range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } },
    newText: `${indent}${statement}\n`,
  };
}

/** The canonical cgroup a SS203 diagnostic is about, from the word it covers. */
function missingCgroup(doc: TextDocument, d: LspDiagnostic, analysis: Analysis): string | null {
  const text = doc.getText(d.range);
  if (text === '') return null;
  const config = analysis.result.checked.config;
  const file = resolveFile(text, config.pageSize, config.pmdOrder);
  if (file.ok && file.value.ref.kind === 'cgroup') return file.value.ref.cgroup;
  const cg = resolveCgroup(text, true);
  return cg.ok && cg.value !== '/' ? cg.value : null;
}

function createFixes(doc: TextDocument, d: LspDiagnostic, analysis: Analysis): CodeAction[] {
  const line = d.range.start.line;
  if (d.code === 'SS203') {
    const cgroup = missingCgroup(doc, d, analysis);
    if (cgroup === null) return [];
    const nested = cgroup.indexOf('/', 1) > 0;
    const statement = `mkdir ${nested ? '-p ' : ''}${cgroup.slice(1)}`;
    return [
      {
        title: `Create cgroup ${cgroup} with '${statement}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: { changes: { [doc.uri]: [insertAbove(doc, analysis, line, statement)] } },
      },
    ];
  }
  if (d.code === 'SS201') {
    const name = doc.getText(d.range);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) return [];
    return [
      {
        title: `Create task '${name}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: { changes: { [doc.uri]: [insertAbove(doc, analysis, line, `task ${name}`)] } },
      },
    ];
  }
  return [];
}

export function codeActions(
  doc: TextDocument,
  analysis: Analysis,
  contextDiagnostics: readonly LspDiagnostic[],
): CodeAction[] {
  const actions: CodeAction[] = [];
  const current = analysis.result.diagnostics;
  for (const d of contextDiagnostics) {
    if (d.source !== SOURCE) continue;
    let fixes = fixesOf(d.data);
    if (fixes.length === 0) {
      // Clients that drop `data`: find the same diagnostic in the current analysis.
      const match = current.find((c) => c.code === d.code && sameRange(c.range, d.range));
      fixes = match?.data?.fixes !== undefined ? [...match.data.fixes] : [];
    }
    for (const f of fixes) {
      actions.push({
        title: f.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: f.preferred === true,
        edit: { changes: { [doc.uri]: f.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
      });
    }
    actions.push(...createFixes(doc, d, analysis));
  }
  return actions;
}
