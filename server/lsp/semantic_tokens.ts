/**
 * Semantic tokens (full document and range): verbs and keywords, paths,
 * numbers with their units, names (tasks, regions as variables; cgroups as
 * namespaces; devices as strings), errnos and other fixed words as enum
 * members, operators, flags and options as parameters, keys and fields as
 * properties, and comments.
 */
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver/node';
import type { Range, Statement } from '../lang/index';
import type { Analysis } from './analysis';
import { statementWords, type WordRole } from './roles';

const TOKEN_TYPES = [
  'keyword',
  'string',
  'number',
  'variable',
  'namespace',
  'property',
  'parameter',
  'enumMember',
  'operator',
  'comment',
] as const;
type TokenType = (typeof TOKEN_TYPES)[number];
const TOKEN_MODIFIERS = ['declaration'] as const;

export const SEMANTIC_LEGEND: SemanticTokensLegend = {
  tokenTypes: [...TOKEN_TYPES],
  tokenModifiers: [...TOKEN_MODIFIERS],
};

const TYPE_INDEX = new Map<TokenType, number>(TOKEN_TYPES.map((t, i) => [t, i]));
const DECLARATION = 1;

function tokenType(role: WordRole): { type: TokenType; modifiers: number } | null {
  switch (role.role) {
    case 'verb':
    case 'keyword':
      return { type: 'keyword', modifiers: 0 };
    case 'flag':
    case 'option':
    case 'config-key':
      return { type: 'parameter', modifiers: 0 };
    case 'file':
    case 'device':
      return { type: 'string', modifiers: 0 };
    case 'cgroup':
      return { type: 'namespace', modifiers: 0 };
    case 'task':
    case 'region':
    case 'variable':
    case 'fd':
      return { type: 'variable', modifiers: role.definition ? DECLARATION : 0 };
    case 'errno':
    case 'design':
    case 'kernel':
    case 'enum':
      return { type: 'enumMember', modifiers: 0 };
    case 'key':
    case 'field':
    case 'structure':
      return { type: 'property', modifiers: 0 };
    case 'size':
    case 'number':
      return { type: 'number', modifiers: 0 };
    case 'operator':
      return { type: 'operator', modifiers: 0 };
    case 'argument':
    case 'value':
      return null;
  }
}

interface RawToken {
  line: number;
  start: number;
  length: number;
  type: number;
  modifiers: number;
}

/** Tokens of lines `fromLine`..`toLine` (inclusive), sorted by position. */
export function semanticTokens(analysis: Analysis, fromLine = 0, toLine = Number.MAX_SAFE_INTEGER): SemanticTokens {
  const raw: RawToken[] = [];
  const config = analysis.result.checked.config;
  const push = (range: Range, type: TokenType, modifiers: number): void => {
    if (range.start.line !== range.end.line) return;
    const length = range.end.character - range.start.character;
    if (length <= 0) return;
    raw.push({
      line: range.start.line,
      start: range.start.character,
      length,
      type: TYPE_INDEX.get(type) ?? 0,
      modifiers,
    });
  };
  const visit = (statements: readonly Statement[]): void => {
    for (const s of statements) {
      if (s.range.end.line < fromLine || s.range.start.line > toLine) continue;
      if (s.kind === 'repeat') {
        if (s.headerRange.start.line >= fromLine && s.headerRange.start.line <= toLine) {
          statementWords(s, config, (range, _text, role) => {
            const t = tokenType(role);
            if (t !== null) push(range, t.type, t.modifiers);
          });
        }
        visit(s.body);
        continue;
      }
      statementWords(s, config, (range, _text, role) => {
        const t = tokenType(role);
        if (t !== null) push(range, t.type, t.modifiers);
      });
    }
  };
  visit(analysis.result.program.statements);
  for (const c of analysis.result.program.comments) {
    const line = c.range.start.line;
    if (line >= fromLine && line <= toLine) push(c.range, 'comment', 0);
  }
  raw.sort((a, b) => a.line - b.line || a.start - b.start);
  const builder = new SemanticTokensBuilder();
  let lastLine = -1;
  let lastEnd = 0;
  for (const t of raw) {
    // Overlapping tokens are not allowed: keep the first.
    if (t.line === lastLine && t.start < lastEnd) continue;
    builder.push(t.line, t.start, t.length, t.type, t.modifiers);
    lastLine = t.line;
    lastEnd = t.start + t.length;
  }
  return builder.build();
}
