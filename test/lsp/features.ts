// In-process LSP feature tests, in the style of Langium's `langium/test`
// (`expectHover`, `expectCompletion`): each helper analyses a marked fixture
// the way the server does (AnalysisCache with the default settings) and
// calls the feature function itself, with no server process and no
// connection. What needs the protocol (sessions, settings, progress,
// diagnostics pushed after an edit) is tested over stdio with
// test/lsp/client.ts instead.
import assert from 'node:assert/strict';
import type {
  CompletionItem,
  DocumentSymbol,
  Hover,
  MarkupContent,
  SemanticTokens,
  SemanticTokensLegend,
  TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisCache, type Analysis } from '../../server/lsp/analysis';
import { complete } from '../../server/lsp/completion';
import { hover } from '../../server/lsp/hover';
import { definition, references, rename } from '../../server/lsp/navigation';
import { documentSymbols } from '../../server/lsp/outline';
import { formattingEdits } from '../../server/lsp/formatting';
import { SEMANTIC_LEGEND } from '../../server/lsp/semantic_tokens';
import { DEFAULT_SETTINGS, scenarioDefaults } from '../../server/lsp/settings';
import { fixture, freshUri, type Fixture, type Pos, type Rng } from './fixture';

/** A fixture opened in process: its text as a document and the analysis every feature reads. */
export interface Analyzed {
  readonly uri: string;
  readonly fx: Fixture;
  readonly doc: TextDocument;
  readonly analysis: Analysis;
}

/** Analyse a marked fixture as the server analyses an open document (default settings). */
export function analyze(marked: string, name = 'fx'): Analyzed {
  const fx = fixture(marked);
  const uri = freshUri(name);
  const doc = TextDocument.create(uri, 'swapsim', 1, fx.text);
  const analysis = new AnalysisCache(() => scenarioDefaults(DEFAULT_SETTINGS)).get(doc);
  return { uri, fx, doc, analysis };
}

export function cursorOf(fx: Fixture): Pos {
  const c = fx.cursors[0];
  if (c === undefined) throw new Error('fixture has no <|> cursor');
  return c;
}

/** Apply LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: Pos): number => {
    let o = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) o += (lines[i] ?? '').length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

/** Completion items at the fixture's cursor. */
export function completionAt(marked: string): CompletionItem[] {
  const { fx, doc, analysis } = analyze(marked, 'completion');
  return complete(doc, cursorOf(fx), analysis).items;
}

export interface ExpectedLabels {
  includes?: string[];
  excludes?: string[];
  exactly?: string[];
}

/** Completion at the cursor offers every label in `includes` and none in `excludes` (or `exactly` these). */
export function expectCompletion(marked: string, expected: ExpectedLabels): CompletionItem[] {
  return assertLabels(completionAt(marked), expected);
}

export function assertLabels(items: CompletionItem[], expected: ExpectedLabels): CompletionItem[] {
  const labels = items.map((i) => i.label);
  for (const l of expected.includes ?? [])
    assert.ok(labels.includes(l), `completion should offer '${l}'; got: ${labels.slice(0, 60).join(' ')}`);
  for (const l of expected.excludes ?? []) assert.ok(!labels.includes(l), `completion should not offer '${l}'`);
  if (expected.exactly !== undefined) assert.deepEqual([...labels].sort(), [...expected.exactly].sort());
  return items;
}

export function markdownOf(h: Hover): string {
  const c = h.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return (c as MarkupContent).value;
}

/** Hover at the cursor (no session: the analysis alone) contains each of `contains`. */
export function expectHover(marked: string, contains: (string | RegExp)[]): string {
  const { fx, analysis } = analyze(marked, 'hover');
  const h = hover(analysis, cursorOf(fx), undefined);
  assert.ok(h !== null, `no hover at ${JSON.stringify(cursorOf(fx))}`);
  return assertHoverText(h, contains);
}

/** The hover's text contains each of `contains`; returns the text. */
export function assertHoverText(h: Hover, contains: (string | RegExp)[]): string {
  const text = markdownOf(h);
  for (const c of contains) {
    if (typeof c === 'string') assert.ok(text.includes(c), `hover should contain '${c}':\n${text}`);
    else assert.match(text, c);
  }
  return text;
}

/** Go to definition from the cursor lands on the (single) marked range, or nowhere when none is marked. */
export function expectDefinition(marked: string): void {
  const { uri, fx, analysis } = analyze(marked, 'definition');
  const loc = definition(analysis, cursorOf(fx));
  const expected = fx.ranges[0];
  if (expected === undefined) {
    assert.equal(loc, null);
    return;
  }
  assert.ok(loc !== null, 'no definition');
  assert.equal(loc.uri, uri);
  assert.deepEqual(loc.range, expected);
}

function sortRanges(ranges: Rng[]): Rng[] {
  return [...ranges].sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
}

/** References from the cursor are exactly the marked ranges. */
export function expectReferences(marked: string, includeDeclaration = true): void {
  const { fx, analysis } = analyze(marked, 'references');
  assert.deepEqual(
    sortRanges(references(analysis, cursorOf(fx), includeDeclaration).map((l) => l.range)),
    sortRanges(fx.ranges),
  );
}

/** Renaming at the cursor to `newName` turns the text into `expected`. */
export function expectRename(marked: string, newName: string, expected: string): void {
  const { uri, fx, analysis } = analyze(marked, 'rename');
  const edit = rename(analysis, cursorOf(fx), newName);
  assert.ok(edit?.changes !== undefined, 'rename returned no edits');
  assert.equal(applyEdits(fx.text, edit.changes[uri] ?? []), expected);
}

export interface SymbolShape {
  name: string;
  children?: SymbolShape[];
}

function shape(symbols: readonly DocumentSymbol[]): SymbolShape[] {
  return symbols.map((s) =>
    s.children !== undefined && s.children.length > 0
      ? { name: s.name, children: shape(s.children) }
      : { name: s.name },
  );
}

/** The outline has exactly this tree of names. */
export function expectSymbols(text: string, expected: SymbolShape[]): DocumentSymbol[] {
  const symbols = documentSymbols(analyze(text, 'symbols').analysis);
  assert.deepEqual(shape(symbols), expected);
  return symbols;
}

/** Formatting the text gives exactly `expected`. */
export function expectFormatting(text: string, expected: string): string {
  const { fx, doc } = analyze(text, 'format');
  const formatted = applyEdits(fx.text, formattingEdits(doc));
  assert.equal(formatted, expected);
  return formatted;
}

export interface DecodedToken {
  line: number;
  start: number;
  text: string;
  type: string;
  modifiers: string[];
}

/** Semantic tokens as (line, start, text, type, modifiers), read with the server's legend. */
export function decodeTokens(
  text: string,
  tokens: SemanticTokens,
  legend: SemanticTokensLegend = SEMANTIC_LEGEND,
): DecodedToken[] {
  const lines = text.split('\n');
  const out: DecodedToken[] = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [dl, ds, len, type, mods] = tokens.data.slice(i, i + 5) as [number, number, number, number, number];
    line += dl;
    start = dl === 0 ? start + ds : ds;
    const modifiers = legend.tokenModifiers.filter((_, bit) => (mods & (1 << bit)) !== 0);
    out.push({
      line,
      start,
      text: (lines[line] ?? '').slice(start, start + len),
      type: legend.tokenTypes[type] ?? '?',
      modifiers,
    });
  }
  return out;
}
