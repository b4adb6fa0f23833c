/**
 * Document symbols (the outline) and folding ranges.
 *
 * Outline: config lines with their settings, swap devices, cgroups, tasks,
 * mapped regions and repeat blocks holding the symbols created inside them. Folding: repeat blocks and runs of two or
 * more comment lines.
 */
import { FoldingRangeKind, SymbolKind, type DocumentSymbol, type FoldingRange } from 'vscode-languageserver/node';
import type { CommandStatement, Range, Statement, Word } from '../lang/index';
import type { Analysis } from './analysis';

function symbol(
  name: string,
  detail: string,
  kind: SymbolKind,
  range: Range,
  selection: Range,
  children?: DocumentSymbol[],
): DocumentSymbol {
  const s: DocumentSymbol = { name, detail, kind, range, selectionRange: selection };
  if (children !== undefined && children.length > 0) s.children = children;
  return s;
}

function positional(stmt: CommandStatement, index: number): Word | undefined {
  let i = 0;
  for (const a of stmt.args) {
    if (a.kind !== 'positional') continue;
    if (i++ === index) return a.word;
  }
  return undefined;
}

function commandSymbol(stmt: CommandStatement): DocumentSymbol | null {
  const name = stmt.name.text;
  const first = positional(stmt, 0);
  const second = positional(stmt, 1);
  switch (name) {
    case 'swapon':
      return first === undefined ? null : symbol(first.text, 'swap area', SymbolKind.File, stmt.range, first.range);
    case 'mkdir':
      return first === undefined ? null : symbol(first.text, 'cgroup', SymbolKind.Namespace, stmt.range, first.range);
    case 'task':
      return first === undefined ? null : symbol(first.text, 'task', SymbolKind.Object, stmt.range, first.range);
    case 'usemem': {
      if (first === undefined || second === undefined) return null;
      const n = stmt.args.find((a) => a.kind === 'option' && a.key.text === 'n');
      const count = n !== undefined && n.kind === 'option' ? n.value.text : '1';
      return symbol(`${first.text}0…`, `usemem: ${count} × ${second.text}`, SymbolKind.Object, stmt.range, first.range);
    }
    case 'fork':
      return first === undefined || second === undefined
        ? null
        : symbol(second.text, `task forked from ${first.text}`, SymbolKind.Object, stmt.range, second.range);
    case 'mmap': {
      if (first === undefined || second === undefined) return null;
      const size = positional(stmt, 2)?.text ?? '';
      return symbol(
        second.text,
        `region of ${first.text}${size === '' ? '' : `, ${size}`}`,
        SymbolKind.Field,
        stmt.range,
        second.range,
      );
    }
    default:
      return null;
  }
}

function symbolsOf(statements: readonly Statement[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const s of statements) {
    switch (s.kind) {
      case 'config': {
        const children = s.settings.map((x) =>
          symbol(x.key.text, x.value.text, SymbolKind.Property, x.range, x.key.range),
        );
        out.push(
          symbol(
            'config',
            s.settings.map((x) => `${x.key.text}=${x.value.text}`).join(' '),
            SymbolKind.Module,
            s.range,
            s.keyword.range,
            children,
          ),
        );
        break;
      }
      case 'repeat': {
        const count = `${s.count?.text ?? '?'}${s.variable === null ? '' : ` as ${s.variable.text}`}`;
        out.push(
          symbol(
            `repeat ${count}`,
            `${s.body.length} statement${s.body.length === 1 ? '' : 's'}`,
            SymbolKind.Array,
            s.range,
            s.keyword.range,
            symbolsOf(s.body),
          ),
        );
        break;
      }
      case 'let':
        out.push(symbol(s.name.text, s.value.map((w) => w.text).join(' '), SymbolKind.Variable, s.range, s.name.range));
        break;
      case 'command': {
        const sym = commandSymbol(s);
        if (sym !== null) out.push(sym);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  return symbolsOf(analysis.result.program.statements);
}

export function foldingRanges(analysis: Analysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const visit = (statements: readonly Statement[]): void => {
    for (const s of statements) {
      if (s.kind !== 'repeat') continue;
      const start = s.headerRange.start.line;
      // Keep the closing `}` visible, as brace languages do.
      const end = s.closeRange !== null ? s.closeRange.start.line - 1 : s.range.end.line;
      if (end > start) out.push({ startLine: start, endLine: end });
      visit(s.body);
    }
  };
  visit(analysis.result.program.statements);
  // Comment blocks: consecutive lines whose only content is a comment.
  const program = analysis.result.program;
  let runStart = -1;
  let runEnd = -1;
  const flush = (): void => {
    if (runStart >= 0 && runEnd > runStart)
      out.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment });
    runStart = -1;
  };
  const skipped = new Set(program.skipped.map((x) => x.line));
  for (const c of program.comments) {
    const line = c.range.start.line;
    const alone = c.range.start.character === 0 || (analysis.statementAt(line) === undefined && !skipped.has(line));
    if (!alone) {
      flush();
      continue;
    }
    if (runStart >= 0 && line === runEnd + 1) runEnd = line;
    else {
      flush();
      runStart = line;
      runEnd = line;
    }
  }
  flush();
  out.sort((a, b) => a.startLine - b.startLine);
  return out;
}
