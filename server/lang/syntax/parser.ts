/**
 * Parser: source text → syntax tree plus syntax diagnostics (SS1xx).
 *
 * One statement per line. A malformed line yields exactly one diagnostic and
 * is skipped (its words are kept so the checker does not report names that
 * were probably defined there); the next line parses normally. `repeat`
 * blocks are tracked with a stack; a malformed `repeat` header still opens
 * its block so the matching `}` is not reported a second time.
 *
 * Incremental: each line is parsed on its own (line_parser.ts) into a
 * record that depends only on the line's text and number. Given the
 * previous parse of the same document, a line whose text and number are
 * unchanged takes its record, tree nodes included, from there; only edited
 * lines are parsed again, and only the `repeat` blocks are rebuilt.
 */
import {
  type Comment,
  type Program,
  type Range,
  type RepeatStatement,
  type SkippedLine,
  type Statement,
  type Word,
} from './ast';
import { makeDiagnostic, type Diagnostic } from '../diagnostics';
import { splitLines } from './lexer';
import { CLOSE_LINE, ERROR_LINE, LineParser, OPEN_LINE, STATEMENT_LINE, type LineRecord } from './line_parser';

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: Diagnostic[];
}

interface OpenBlock {
  readonly keyword: Word;
  readonly count: Word | null;
  readonly variable: Word | null;
  readonly headerRange: Range;
  readonly body: Statement[];
  /** The header already produced a diagnostic: do not report the block as unclosed too. */
  readonly headerBroken: boolean;
}

/** Line records of each parsed program, for the next parse of the same document. */
const recordsOf = new WeakMap<Program, readonly LineRecord[]>();

/** Lines per parse that were taken from the previous parse (for tests and the bench). */
export interface ReuseStats {
  readonly reused: number;
  readonly parsed: number;
}
const reuseOf = new WeakMap<Program, ReuseStats>();

/** How many lines of `program` were reused from the previous parse, and how many parsed afresh. */
export function reuseStats(program: Program): ReuseStats | undefined {
  return reuseOf.get(program);
}

/**
 * Parse `source`. With `previous` (the program of an earlier parse of the
 * same document), lines unchanged at the same line number are not parsed
 * again; the result is the same as a parse without it.
 */
export function parse(source: string, previous?: Program): ParseResult {
  const lines = splitLines(source);
  const old = previous === undefined ? undefined : recordsOf.get(previous);
  const parser = new LineParser(old !== undefined);
  const records: LineRecord[] = new Array<LineRecord>(lines.length);
  let reused = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] as string;
    const before = old?.[i];
    if (before !== undefined && before.text === text) {
      records[i] = before;
      reused++;
    } else {
      records[i] = parser.parseLine(text, i);
    }
  }
  const result = assemble(records);
  recordsOf.set(result.program, records);
  reuseOf.set(result.program, { reused, parsed: lines.length - reused });
  return result;
}

/** Pair braces, collect statements, comments, skipped lines and diagnostics in line order. */
function assemble(records: readonly LineRecord[]): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const comments: Comment[] = [];
  const skipped: SkippedLine[] = [];
  const top: Statement[] = [];
  const stack: OpenBlock[] = [];
  let current = top;
  for (const r of records) {
    if (r.comment !== null) comments.push(r.comment);
    switch (r.kind) {
      case STATEMENT_LINE:
        current.push(r.statement as Statement);
        break;
      case ERROR_LINE:
        diagnostics.push(r.diagnostic as Diagnostic);
        skipped.push({ line: r.line, words: r.words ?? [] });
        break;
      case OPEN_LINE: {
        const header = r.header as NonNullable<LineRecord['header']>;
        if (r.diagnostic !== null) diagnostics.push(r.diagnostic);
        const block: OpenBlock = {
          keyword: header.keyword,
          count: header.count,
          variable: header.variable,
          headerRange: header.headerRange,
          body: [],
          headerBroken: r.diagnostic !== null,
        };
        stack.push(block);
        current = block.body;
        break;
      }
      case CLOSE_LINE: {
        const close = r.close as Range;
        const block = stack.pop();
        if (block === undefined) {
          diagnostics.push(makeDiagnostic('SS107', '`}` without an open `repeat` block', close));
          skipped.push({ line: r.line, words: r.words ?? [] });
          break;
        }
        current = stack[stack.length - 1]?.body ?? top;
        current.push(closeBlock(block, close));
        if (r.diagnostic !== null) {
          // The block is closed all the same, so the rest of the file is not thrown off.
          diagnostics.push(r.diagnostic);
          skipped.push({ line: r.line, words: r.words ?? [] });
        }
        break;
      }
      default:
        break;
    }
  }
  // Blocks still open at the end of the file close there.
  while (stack.length > 0) {
    const block = stack.pop() as OpenBlock;
    if (!block.headerBroken) {
      diagnostics.push(makeDiagnostic('SS108', '`repeat` block is never closed with `}`', block.headerRange));
    }
    current = stack[stack.length - 1]?.body ?? top;
    current.push(closeBlock(block, null));
  }
  return { program: { statements: top, comments, skipped, lineCount: records.length }, diagnostics };
}

function closeBlock(block: OpenBlock, closeRange: Range | null): RepeatStatement {
  const lastBody = block.body[block.body.length - 1];
  const end = closeRange ?? lastBody?.range ?? block.headerRange;
  return {
    kind: 'repeat',
    keyword: block.keyword,
    count: block.count,
    variable: block.variable,
    body: block.body,
    headerRange: block.headerRange,
    closeRange,
    range: { start: block.headerRange.start, end: end.end },
  };
}
