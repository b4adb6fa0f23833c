/**
 * Line lexer for `.swapsim` files.
 *
 * Words are split on blanks as in a shell. A few characters always stand
 * alone: `{` `}` and the operators `== != < <= > >= >> ≈ ~= ± +-`, so
 * `x>=5` and `echo 1G>/path` lex as expected. A `(` keeps the word open
 * across blanks until its `)` (for `mix(zero=50%, incompressible=50%)`).
 * `#` at the start of a token begins a comment. One pass, no regular
 * expressions: each character is looked at a bounded number of times.
 */
import type { OperatorText } from './ast';

export type TokenKind = 'word' | 'string' | 'op' | 'lbrace' | 'rbrace';

export interface Token {
  readonly kind: TokenKind;
  /** Word text; unquoted contents for a string; the operator for an op. */
  readonly text: string;
  /** UTF-16 offsets within the line, end exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface LexError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export interface LexedLine {
  readonly tokens: readonly Token[];
  /** The `#` comment: offsets of the `#` and the end of the line. */
  readonly comment: { readonly start: number; readonly end: number } | null;
  readonly error: LexError | null;
}

const SPACE = 32;
const TAB = 9;
const HASH = 35;
const LBRACE = 123;
const RBRACE = 125;
const LPAREN = 40;
const RPAREN = 41;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const LT = 60;
const GT = 62;
const EQ = 61;
const BANG = 33;
const TILDE = 126;
const PLUS = 43;
const MINUS = 45;
const ALMOST = 0x2248; // ≈
const PLUSMINUS = 0x00b1; // ±

/** ASCII characters that can end a word: blanks, braces, operator starts. Everything else just continues it. */
const WORD_BREAK = new Uint8Array(128);
for (const c of [SPACE, TAB, 0x0b, 0x0c, LBRACE, RBRACE, LT, GT, EQ, BANG, TILDE, PLUS]) WORD_BREAK[c] = 1;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === 0x0c || c === 0x0b || c === 0xa0;
}

/** Length of the operator starting at `i`, or 0. */
function operatorLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  switch (c) {
    case LT:
      return next === EQ ? 2 : 1;
    case GT:
      return next === EQ || next === GT ? 2 : 1;
    case EQ:
    case BANG:
    case TILDE:
      return next === EQ ? 2 : 0;
    case PLUS:
      return next === MINUS ? 2 : 0;
    case ALMOST:
    case PLUSMINUS:
      return 1;
    default:
      return 0;
  }
}

export function lexLine(text: string): LexedLine {
  const tokens: Token[] = [];
  let comment: LexedLine['comment'] = null;
  let error: LexError | null = null;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === HASH) {
      comment = { start: i, end: n };
      break;
    }
    if (c === LBRACE || c === RBRACE) {
      tokens.push({ kind: c === LBRACE ? 'lbrace' : 'rbrace', text: text[i] ?? '', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === DQUOTE || c === SQUOTE) {
      const start = i;
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === c) {
          closed = true;
          j++;
          break;
        }
        // Double quotes take \" and \\ escapes, as in a shell; single quotes take none.
        if (c === DQUOTE && d === BACKSLASH && j + 1 < n) {
          const e = text.charCodeAt(j + 1);
          if (e === DQUOTE || e === BACKSLASH) {
            value += text[j + 1];
            j += 2;
            continue;
          }
        }
        value += text[j];
        j++;
      }
      if (!closed && error === null) error = { message: 'unterminated quoted string', start, end: n };
      tokens.push({ kind: 'string', text: value, start, end: j });
      i = j;
      continue;
    }
    const opLen = operatorLength(text, i);
    if (opLen > 0) {
      tokens.push({ kind: 'op', text: text.slice(i, i + opLen), start: i, end: i + opLen });
      i += opLen;
      continue;
    }
    // A word: runs to a blank, a brace or an operator, except inside parentheses.
    const start = i;
    let depth = 0;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === LPAREN) depth++;
      else if (d === RPAREN && depth > 0) depth--;
      else if (depth === 0 && (d < 128 ? WORD_BREAK[d] === 1 : true) && (isBlank(d) || d === LBRACE || d === RBRACE || operatorLength(text, i) > 0)) break;
      i++;
    }
    tokens.push({ kind: 'word', text: text.slice(start, i), start, end: i });
  }
  return { tokens, comment, error };
}

export function isOperatorText(text: string): text is OperatorText {
  switch (text) {
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case '≈':
    case '~=':
    case '±':
    case '+-':
    case '>>':
      return true;
    default:
      return false;
  }
}

/** Split on \n, \r\n and \r, as LSP clients count lines. */
export function splitLines(source: string): string[] {
  // Common case: \n only, found by the engine's native search.
  if (source.indexOf('\r') < 0) return source.split('\n');
  const lines: string[] = [];
  let start = 0;
  const n = source.length;
  for (let i = 0; i < n; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || c === 13) {
      lines.push(source.slice(start, i));
      if (c === 13 && source.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  lines.push(source.slice(start));
  return lines;
}
