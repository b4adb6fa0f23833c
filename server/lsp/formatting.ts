/**
 * Formatting: one space between tokens, two spaces of indent per open
 * `repeat`, two spaces before a trailing comment, no trailing whitespace.
 *
 * It never changes meaning: tokens are re-joined from their exact source
 * text (quotes and escapes included) and blanks only ever separate tokens,
 * so the lexer sees the same tokens again. Lines the lexer could not read
 * (an unterminated quote, an unbalanced `(` that swallows the rest of the
 * line) are left exactly as they are.
 */
import type { Range, TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lexLine, splitLines } from '../lang/syntax/lexer';

const INDENT = '  ';
const COMMENT_GAP = '  ';

/** The canonical form of one line at `depth`, or null to keep it as it is. Also says how the depth changes. */
function formatLine(text: string, depth: number): { text: string | null; depthAfter: number; depthHere: number } {
  const lexed = lexLine(text);
  const tokens = lexed.tokens;
  const first = tokens[0];
  let depthHere = depth;
  let depthAfter = depth;
  if (first?.kind === 'rbrace') {
    depthHere = Math.max(0, depth - 1);
    depthAfter = depthHere;
  } else if (first?.kind === 'word' && first.text === 'repeat') {
    depthAfter = depth + 1;
  }
  if (lexed.error !== null) return { text: null, depthAfter, depthHere };
  // A word with an unclosed `(` runs to the end of the line, blanks included: leave that line alone.
  for (const t of tokens) {
    if (t.kind === 'word' && t.end === text.length && unbalancedParen(t.text))
      return { text: null, depthAfter, depthHere };
  }
  const code = tokens.map((t) => text.slice(t.start, t.end)).join(' ');
  const comment = lexed.comment === null ? '' : text.slice(lexed.comment.start).trimEnd();
  let out: string;
  if (code === '') out = comment === '' ? '' : INDENT.repeat(depthHere) + comment;
  else out = INDENT.repeat(depthHere) + code + (comment === '' ? '' : COMMENT_GAP + comment);
  return { text: out, depthAfter, depthHere };
}

function unbalancedParen(word: string): boolean {
  let depth = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && depth > 0) depth--;
  }
  return depth > 0;
}

/** Canonical text of a whole document (for tests and the CLI). */
export function formatText(source: string): string {
  const lines = splitLines(source);
  let depth = 0;
  const out: string[] = [];
  for (const line of lines) {
    const f = formatLine(line, depth);
    out.push(f.text ?? line);
    depth = f.depthAfter;
  }
  return out.join('\n');
}

/** Edits that format lines `fromLine`..`toLine` (inclusive); indentation depth is computed from the top. */
export function formattingEdits(doc: TextDocument, range?: Range): TextEdit[] {
  const lines = splitLines(doc.getText());
  const from = range?.start.line ?? 0;
  const to =
    range === undefined
      ? lines.length - 1
      : range.end.character === 0 && range.end.line > range.start.line
        ? range.end.line - 1
        : range.end.line;
  const edits: TextEdit[] = [];
  let depth = 0;
  for (let i = 0; i < lines.length && i <= to; i++) {
    const line = lines[i] ?? '';
    const f = formatLine(line, depth);
    depth = f.depthAfter;
    if (i < from || f.text === null || f.text === line) continue;
    edits.push({
      range: { start: { line: i, character: 0 }, end: { line: i, character: line.length } },
      newText: f.text,
    });
  }
  return edits;
}
