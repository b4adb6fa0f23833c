// Finding `expect` lines for the Testing view without the language front end:
// a line whose first word is `expect` is an assertion (the language has one
// statement per line, docs/scenario-language.md "Lexical rules"). The server
// still decides what they mean when the scenario runs.

export interface ExpectLine {
  /** Zero-based line. */
  readonly line: number;
  /** Column of `expect`. */
  readonly start: number;
  /** Column after the statement, trailing comment and blanks excluded. */
  readonly end: number;
  /** The statement as written, without its comment. */
  readonly text: string;
}

/** The text before a `#` that starts a word outside quotes (a comment). */
export function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}

export function findExpectLines(text: string): ExpectLine[] {
  const found: ExpectLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let line = 0; line < lines.length; line++) {
    const code = stripComment(lines[line]).trimEnd();
    const match = /^(\s*)expect(\s|$)/.exec(code);
    if (match === null) continue;
    const start = match[1].length;
    found.push({ line, start, end: code.length, text: code.slice(start) });
  }
  return found;
}
