// One helper per feature: open a marked fixture on the live server, send the
// request at the marker, and assert on the answer.
import assert from 'node:assert/strict';
import type {
  CompletionItem,
  CompletionList,
  DocumentSymbol,
  Hover,
  Location,
  MarkupContent,
  SemanticTokens,
  SemanticTokensLegend,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { fixture, freshUri, type Fixture, type LspClient, type Rng } from './client';

export interface Opened {
  readonly uri: string;
  readonly fx: Fixture;
}

export async function openFixture(client: LspClient, marked: string, name = 'fx'): Promise<Opened> {
  const fx = fixture(marked);
  const uri = freshUri(name);
  await client.open(uri, fx.text);
  return { uri, fx };
}

function cursorOf(fx: Fixture): { line: number; character: number } {
  const c = fx.cursors[0];
  if (c === undefined) throw new Error('fixture has no <|> cursor');
  return c;
}

/** Apply LSP text edits to a text (edits must not overlap). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => {
    let o = 0;
    for (let i = 0; i < p.line && i < lines.length; i++) o += (lines[i] ?? '').length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

export async function completionAt(client: LspClient, marked: string): Promise<CompletionItem[]> {
  const { uri, fx } = await openFixture(client, marked, 'completion');
  const list = await client.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position: cursorOf(fx) });
  await client.closeDocument(uri);
  if (list === null) return [];
  return Array.isArray(list) ? list : list.items;
}

/** Completion at the cursor offers every label in `includes` and none in `excludes`. */
export async function expectCompletion(client: LspClient, marked: string, expected: { includes?: string[]; excludes?: string[]; exactly?: string[] }): Promise<CompletionItem[]> {
  const items = await completionAt(client, marked);
  const labels = items.map((i) => i.label);
  for (const l of expected.includes ?? []) assert.ok(labels.includes(l), `completion should offer '${l}'; got: ${labels.slice(0, 60).join(' ')}`);
  for (const l of expected.excludes ?? []) assert.ok(!labels.includes(l), `completion should not offer '${l}'`);
  if (expected.exactly !== undefined) assert.deepEqual([...labels].sort(), [...expected.exactly].sort());
  return items;
}

export function markdownOf(hover: Hover): string {
  const c = hover.contents;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
  return (c as MarkupContent).value;
}

/** Hover at the cursor contains each of `contains`. */
export async function expectHover(client: LspClient, marked: string, contains: (string | RegExp)[], uri?: string): Promise<string> {
  let target = uri;
  let fx = fixture(marked);
  if (target === undefined) ({ uri: target, fx } = await openFixture(client, marked, 'hover'));
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: target }, position: cursorOf(fx) });
  assert.ok(hover !== null, `no hover at ${JSON.stringify(cursorOf(fx))}`);
  const text = markdownOf(hover);
  for (const c of contains) {
    if (typeof c === 'string') assert.ok(text.includes(c), `hover should contain '${c}':\n${text}`);
    else assert.match(text, c);
  }
  return text;
}

/** Go to definition from the cursor lands on the (single) marked range. */
export async function expectDefinition(client: LspClient, marked: string): Promise<void> {
  const { uri, fx } = await openFixture(client, marked, 'definition');
  const result = await client.request<Location | Location[] | null>('textDocument/definition', { textDocument: { uri }, position: cursorOf(fx) });
  const expected = fx.ranges[0];
  if (expected === undefined) {
    assert.equal(result, null);
    return;
  }
  const loc = Array.isArray(result) ? result[0] : result;
  assert.ok(loc !== null && loc !== undefined, 'no definition');
  assert.equal(loc.uri, uri);
  assert.deepEqual(loc.range, expected);
}

function sortRanges(ranges: Rng[]): Rng[] {
  return [...ranges].sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
}

/** References from the cursor are exactly the marked ranges. */
export async function expectReferences(client: LspClient, marked: string, includeDeclaration = true): Promise<void> {
  const { uri, fx } = await openFixture(client, marked, 'references');
  const result = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position: cursorOf(fx), context: { includeDeclaration } });
  assert.deepEqual(sortRanges(result.map((l) => l.range)), sortRanges(fx.ranges));
}

/** Renaming at the cursor to `newName` turns the text into `expected`. */
export async function expectRename(client: LspClient, marked: string, newName: string, expected: string): Promise<void> {
  const { uri, fx } = await openFixture(client, marked, 'rename');
  const edit = await client.request<WorkspaceEdit | null>('textDocument/rename', { textDocument: { uri }, position: cursorOf(fx), newName });
  assert.ok(edit?.changes !== undefined, 'rename returned no edits');
  assert.equal(applyEdits(fx.text, edit.changes[uri] ?? []), expected);
}

export interface SymbolShape {
  name: string;
  children?: SymbolShape[];
}

function shape(symbols: readonly DocumentSymbol[]): SymbolShape[] {
  return symbols.map((s) => (s.children !== undefined && s.children.length > 0 ? { name: s.name, children: shape(s.children) } : { name: s.name }));
}

/** The outline has exactly this tree of names. */
export async function expectSymbols(client: LspClient, text: string, expected: SymbolShape[]): Promise<DocumentSymbol[]> {
  const { uri } = await openFixture(client, text, 'symbols');
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(shape(symbols), expected);
  return symbols;
}

/** Formatting the text gives exactly `expected`. */
export async function expectFormatting(client: LspClient, text: string, expected: string): Promise<string> {
  const { uri, fx } = await openFixture(client, text, 'format');
  const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  const formatted = applyEdits(fx.text, edits);
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
export function decodeTokens(text: string, tokens: SemanticTokens, legend: SemanticTokensLegend): DecodedToken[] {
  const lines = text.split('\n');
  const out: DecodedToken[] = [];
  let line = 0;
  let start = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [dl, ds, len, type, mods] = tokens.data.slice(i, i + 5) as [number, number, number, number, number];
    line += dl;
    start = dl === 0 ? start + ds : ds;
    const modifiers = legend.tokenModifiers.filter((_, bit) => (mods & (1 << bit)) !== 0);
    out.push({ line, start, text: (lines[line] ?? '').slice(start, start + len), type: legend.tokenTypes[type] ?? '?', modifiers });
  }
  return out;
}
