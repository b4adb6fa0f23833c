// Fixtures for the language tests. A fixture marks the expected range of a
// diagnostic inline with « and » (an empty «» is a zero-width position), in
// the style of Langium's test helpers, so each test states exactly where the
// squiggle goes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  parseAndCheck,
  type Diagnostic,
  type DiagnosticCode,
  type FrontEndResult,
  type Limits,
  type Range,
} from '../../server/lang/index';

export interface Marked {
  readonly source: string;
  readonly range: Range | null;
}

/** Strip one «…» pair from `text` and return the range it enclosed. */
export function marked(text: string): Marked {
  const open = text.indexOf('«');
  const close = text.indexOf('»');
  if (open < 0 && close < 0) return { source: text, range: null };
  if (open < 0 || close < open) throw new Error(`bad markers in fixture: ${text}`);
  const source = text.slice(0, open) + text.slice(open + 1, close) + text.slice(close + 1);
  return { source, range: { start: positionAt(source, open), end: positionAt(source, close - 1) } };
}

function positionAt(source: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

export function run(source: string, limits: Partial<Limits> = {}): FrontEndResult {
  return parseAndCheck(source, limits);
}

function show(ds: readonly Diagnostic[]): string {
  return ds
    .map(
      (d) =>
        `${d.code} ${d.severity} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`,
    )
    .join('\n');
}

/**
 * The fixture yields exactly one diagnostic, with this code, at the marked
 * range. Returns it for further checks (message, data).
 */
export function expectOnly(fixture: string, code: DiagnosticCode, limits: Partial<Limits> = {}): Diagnostic {
  const { source, range } = marked(fixture);
  const { diagnostics } = run(source, limits);
  assert.equal(diagnostics.length, 1, `expected exactly one ${code}, got:\n${show(diagnostics)}\nin:\n${source}`);
  const d = diagnostics[0] as Diagnostic;
  assert.equal(d.code, code, `expected ${code}, got:\n${show(diagnostics)}`);
  if (range !== null) assert.deepEqual(d.range, range, `${code} range; got:\n${show(diagnostics)}`);
  return d;
}

/** No diagnostics at all. */
export function expectClean(source: string, limits: Partial<Limits> = {}): FrontEndResult {
  const result = run(source, limits);
  assert.equal(
    result.diagnostics.length,
    0,
    `expected no diagnostics, got:\n${show(result.diagnostics)}\nin:\n${source}`,
  );
  return result;
}

/** The first checked statement of a clean fixture (after leading config). */
export function firstChecked(source: string): FrontEndResult['checked']['statements'][number] {
  const result = expectClean(source);
  const first = result.checked.statements[0];
  assert.ok(first !== undefined, 'no checked statement');
  return first;
}

/** The last checked statement of a clean fixture. */
export function lastChecked(source: string): FrontEndResult['checked']['statements'][number] {
  const result = expectClean(source);
  const last = result.checked.statements[result.checked.statements.length - 1];
  assert.ok(last !== undefined, 'no checked statement');
  return last;
}

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'docs', 'scenario-language.md')))
      return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no swapsim checkout above ${start}`);
    dir = parent;
  }
}

function repoRoot(): string {
  try {
    return findRepoRoot(__dirname);
  } catch {
    // Bundled somewhere outside the checkout (a scratch build): fall back to the working directory.
    return findRepoRoot(process.cwd());
  }
}

export function readDoc(): string {
  return readFileSync(path.join(repoRoot(), 'docs', 'scenario-language.md'), 'utf8');
}

/** Every ```swapsim fenced block of the language reference, with its starting line in the doc. */
export function docExamples(): { code: string; line: number }[] {
  const doc = readDoc();
  const out: { code: string; line: number }[] = [];
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```swapsim') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    out.push({ code: lines.slice(start, end).join('\n'), line: start + 1 });
    i = end;
  }
  return out;
}

export { rng } from '../prng';
