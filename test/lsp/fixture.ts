// Langium-style marked fixtures (`<|>` a cursor, `<|text|>` a range), shared
// by the in-process feature tests (features.ts) and the stdio ones (client.ts).

export interface Pos {
  line: number;
  character: number;
}

export interface Rng {
  start: Pos;
  end: Pos;
}

export interface Fixture {
  readonly text: string;
  /** `<|>` markers, in order. */
  readonly cursors: Pos[];
  /** `<|…|>` markers, in order. */
  readonly ranges: Rng[];
}

function positionAt(text: string, offset: number): Pos {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/**
 * Strip Langium-style markers: `<|>` is a cursor, `<|text|>` marks the range
 * of `text`. Positions refer to the text without markers.
 */
export function fixture(marked: string): Fixture {
  let out = '';
  const cursorOffsets: number[] = [];
  const rangeOffsets: [number, number][] = [];
  let openAt: number | null = null;
  let i = 0;
  while (i < marked.length) {
    if (marked.startsWith('<|>', i)) {
      cursorOffsets.push(out.length);
      i += 3;
    } else if (marked.startsWith('<|', i)) {
      if (openAt !== null) throw new Error('nested <| in fixture');
      openAt = out.length;
      i += 2;
    } else if (marked.startsWith('|>', i)) {
      if (openAt === null) throw new Error('|> without <| in fixture');
      rangeOffsets.push([openAt, out.length]);
      openAt = null;
      i += 2;
    } else {
      out += marked[i];
      i++;
    }
  }
  if (openAt !== null) throw new Error('unclosed <| in fixture');
  return {
    text: out,
    cursors: cursorOffsets.map((o) => positionAt(out, o)),
    ranges: rangeOffsets.map(([a, b]) => ({ start: positionAt(out, a), end: positionAt(out, b) })),
  };
}

let uriCounter = 0;
/** A fresh document URI per test, so one server can hold many fixtures. */
export function freshUri(name = 'doc'): string {
  return `file:///test/${name}-${++uriCounter}.swapsim`;
}
