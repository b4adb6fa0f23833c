// Which lines of a scenario start a statement that runs as a step, for
// verifying breakpoints. Read from the text rather than asked of the server:
// the language puts one statement on each line (no continuations), a
// `repeat N {` header and its `}` are not steps themselves (their body lines
// are), `config` lines are settings, and a launched scenario has passed the
// checker, so the first word of a line is enough to tell.

const NOT_A_STEP = new Set(['config', 'repeat', '}']);

export function isStatementLine(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return false;
  if (trimmed.startsWith('}')) return false;
  const first = /^\S+/.exec(trimmed)?.[0] ?? '';
  return !NOT_A_STEP.has(first);
}

/** 0-based lines that start a step. */
export function statementLines(text: string): Set<number> {
  const lines = new Set<number>();
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    if (isStatementLine(line)) lines.add(index);
  });
  return lines;
}

/** The text of one line (0-based), trimmed, without its trailing comment. */
export function statementText(text: string, line: number): string {
  const raw = text.split(/\r\n|\r|\n/)[line] ?? '';
  // A comment starts with `#` at the start of a word; inside quotes it is text.
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(raw[i - 1]!))) {
      return raw.slice(0, i).trim();
    }
  }
  return raw.trim();
}
