/**
 * Line lexer for `.swapsim` files.
 *
 * Words are split on blanks as in a shell. A few characters always stand
 * alone: `{` `}` and the operators `== != < <= > >= >> ≈ ~= ± +-`, so
 * `x>=5` and `echo 1G>/path` lex as expected. A `(` keeps the word open
 * across blanks until its `)` (for `mix(zero=50%, incompressible=50%)` and
 * `$((N / 2))`), and `${NAME}` is part of its word, not a brace.
 * `#` at the start of a token begins a comment. One pass, no regular
 * expressions: each character is looked at a bounded number of times.
 *
 * Two interfaces: `scanLine` fills a reusable `LineScan` (token kinds and
 * offsets in typed arrays, no object per token: what the parser uses on
 * every line of a large file), and `lexLine` returns token objects for
 * callers that look at one line (completion, formatting).
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

/** Token kinds in a `LineScan` (small integers so they fit a Uint8Array). */
export const WORD = 0;
export const STRING = 1;
export const OP = 2;
export const LBRACE_TOKEN = 3;
export const RBRACE_TOKEN = 4;
export type TokenCode = typeof WORD | typeof STRING | typeof OP | typeof LBRACE_TOKEN | typeof RBRACE_TOKEN;

const KIND_NAMES: readonly TokenKind[] = ['word', 'string', 'op', 'lbrace', 'rbrace'];

export const UNTERMINATED_STRING = 'unterminated quoted string';

/**
 * The tokens of one line as parallel arrays. Reused from line to line, so
 * lexing a large file allocates nothing per token; only the parser decides
 * which token texts to keep.
 */
export class LineScan {
  text = '';
  count = 0;
  kinds = new Uint8Array(32);
  starts = new Int32Array(32);
  ends = new Int32Array(32);
  /** Unquoted contents of STRING tokens, by token index (stale entries for other kinds). */
  strings: string[] = [];
  /** Offset of the `#` starting a comment, or -1. */
  commentStart = -1;
  /** Offsets of an unterminated string (to the end of the line), or -1. */
  errorStart = -1;
  errorEnd = -1;

  /** The text of token `i`: the source slice, or a string's unquoted contents. */
  tokenText(i: number): string {
    return this.kinds[i] === STRING ? (this.strings[i] ?? '') : this.text.slice(this.starts[i], this.ends[i]);
  }

  /** Whether token `i` is a word spelled exactly `word` (no slicing). */
  isWord(i: number, word: string): boolean {
    const start = this.starts[i];
    return this.kinds[i] === WORD && this.ends[i] - start === word.length && this.text.startsWith(word, start);
  }

  private push(kind: TokenCode, start: number, end: number): void {
    const n = this.count;
    if (n === this.kinds.length) this.grow();
    this.kinds[n] = kind;
    this.starts[n] = start;
    this.ends[n] = end;
    this.count = n + 1;
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    const kinds = new Uint8Array(size);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    kinds.set(this.kinds);
    starts.set(this.starts);
    ends.set(this.ends);
    this.kinds = kinds;
    this.starts = starts;
    this.ends = ends;
  }

  /** Lex `text` into this scan, replacing what it held. */
  scan(text: string): this {
    this.text = text;
    this.count = 0;
    this.commentStart = -1;
    this.errorStart = -1;
    this.errorEnd = -1;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      const cls = c < 128 ? ASCII_CLASS[c] : nonAsciiClass(c);
      if (cls === BLANK) {
        i++;
        continue;
      }
      if (cls === HASH_CLASS) {
        this.commentStart = i;
        break;
      }
      if (cls === BRACE) {
        this.push(c === LBRACE ? LBRACE_TOKEN : RBRACE_TOKEN, i, i + 1);
        i++;
        continue;
      }
      if (cls === QUOTE) {
        i = this.scanString(text, i, c);
        continue;
      }
      if (cls === OPERATOR) {
        const opLen = operatorLength(text, i);
        if (opLen > 0) {
          this.push(OP, i, i + opLen);
          i += opLen;
          continue;
        }
      }
      // A word: runs to a blank, a brace or an operator, except inside parentheses.
      const start = i;
      let depth = 0;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === DOLLAR && text.charCodeAt(i + 1) === LBRACE) {
          // `${NAME}` is part of the word (expr.ts), not a block brace
          const close = text.indexOf('}', i + 2);
          i = close < 0 ? n : close + 1;
          continue;
        }
        const k = d < 128 ? ASCII_CLASS[d] : nonAsciiClass(d);
        if (k === PAREN) {
          if (d === LPAREN) depth++;
          else if (depth > 0) depth--;
        } else if (depth === 0 && (k === BLANK || k === BRACE || (k === OPERATOR && operatorLength(text, i) > 0))) {
          break;
        }
        i++;
      }
      this.push(WORD, start, i);
    }
    return this;
  }

  /** A quoted string from `start`; returns the offset after it. */
  private scanString(text: string, start: number, quote: number): number {
    const n = text.length;
    let j = start + 1;
    let runStart = j;
    let value = '';
    let closed = false;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === quote) {
        closed = true;
        break;
      }
      // Double quotes take \" and \\ escapes, as in a shell; single quotes take none.
      if (quote === DQUOTE && d === BACKSLASH && j + 1 < n) {
        const e = text.charCodeAt(j + 1);
        if (e === DQUOTE || e === BACKSLASH) {
          value += text.slice(runStart, j);
          runStart = j + 1;
          j += 2;
          continue;
        }
      }
      j++;
    }
    value += text.slice(runStart, j);
    if (closed) j++;
    else if (this.errorStart < 0) {
      this.errorStart = start;
      this.errorEnd = n;
    }
    const index = this.count;
    this.push(STRING, start, j);
    this.strings[index] = value;
    return j;
  }
}

const SPACE = 32;
const HASH = 35;
const LBRACE = 123;
const DOLLAR = 36;
const LPAREN = 40;
const DQUOTE = 34;
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
const NBSP = 0x00a0;

// Character classes: what a character can do at the start of a token or inside a word.
const WORD_CHAR = 0;
const BLANK = 1;
const HASH_CLASS = 2;
const BRACE = 3;
const QUOTE = 4;
/** May start an operator (`<` `>` `=` `!` `~` `+`); whether it does depends on the next character. */
const OPERATOR = 5;
const PAREN = 6;

const ASCII_CLASS = new Uint8Array(128);
for (const c of [SPACE, 9, 0x0b, 0x0c]) ASCII_CLASS[c] = BLANK;
ASCII_CLASS[HASH] = HASH_CLASS;
ASCII_CLASS[LBRACE] = BRACE;
ASCII_CLASS[125] = BRACE;
ASCII_CLASS[DQUOTE] = QUOTE;
ASCII_CLASS[39] = QUOTE;
for (const c of [LT, GT, EQ, BANG, TILDE, PLUS]) ASCII_CLASS[c] = OPERATOR;
ASCII_CLASS[LPAREN] = PAREN;
ASCII_CLASS[41] = PAREN;

function nonAsciiClass(c: number): number {
  if (c === NBSP) return BLANK;
  return c === ALMOST || c === PLUSMINUS ? OPERATOR : WORD_CHAR;
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

/** The tokens of one line as objects (for code that looks at a line or two, not a whole file). */
export function lexLine(text: string): LexedLine {
  const scan = new LineScan().scan(text);
  const tokens: Token[] = [];
  for (let i = 0; i < scan.count; i++) {
    tokens.push({
      kind: KIND_NAMES[scan.kinds[i]] as TokenKind,
      text: scan.tokenText(i),
      start: scan.starts[i],
      end: scan.ends[i],
    });
  }
  return {
    tokens,
    comment: scan.commentStart < 0 ? null : { start: scan.commentStart, end: text.length },
    error: scan.errorStart < 0 ? null : { message: UNTERMINATED_STRING, start: scan.errorStart, end: scan.errorEnd },
  };
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
