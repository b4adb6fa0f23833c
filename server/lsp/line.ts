/**
 * The current line as tokens, read straight from the document so completion
 * and hover see what the user just typed even before the debounced analysis
 * has caught up.
 */
import type { Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lexLine, type Token } from '../lang/syntax/lexer';

export interface LineContext {
  readonly line: number;
  readonly text: string;
  readonly tokens: readonly Token[];
  /** Column where a `#` comment starts, or null. */
  readonly commentStart: number | null;
  /** The token under the cursor (end inclusive), if any. */
  readonly current: Token | undefined;
  /** Index of `current` in `tokens`, or the index the next token would get. */
  readonly currentIndex: number;
}

export function lineText(doc: TextDocument, line: number): string {
  const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  return text.slice(0, end);
}

export function lineContext(doc: TextDocument, position: Position): LineContext {
  const text = lineText(doc, position.line);
  const lexed = lexLine(text);
  const c = position.character;
  let currentIndex = lexed.tokens.length;
  let current: Token | undefined;
  for (let i = 0; i < lexed.tokens.length; i++) {
    const t = lexed.tokens[i] as Token;
    if (t.start <= c && c <= t.end && t.kind !== 'op' && t.kind !== 'lbrace' && t.kind !== 'rbrace') {
      current = t;
      currentIndex = i;
      break;
    }
    if (t.start >= c) {
      currentIndex = i;
      break;
    }
  }
  return {
    line: position.line,
    text,
    tokens: lexed.tokens,
    commentStart: lexed.comment?.start ?? null,
    current,
    currentIndex,
  };
}
