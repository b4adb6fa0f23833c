/**
 * Standard LSP requests on `.swapsim` documents, each delegating to its
 * feature module. Malformed params (no document, no position) and unknown
 * documents answer an empty result rather than an error: editors send such
 * requests for documents they have not synced yet.
 */
import type { CompletionList, InlayHint, ServerCapabilities, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { CodeActionKind } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from './analysis';
import { codeActions, contextDiagnostics } from './code_actions';
import { codeLenses } from './code_lens';
import { complete } from './completion';
import type { ServerContext } from './context';
import { formattingEdits } from './formatting';
import { guard } from './guard';
import { hover } from './hover';
import { lineText } from './line';
import { definition, highlights, prepareRename, references, rename } from './navigation';
import { documentSymbols, foldingRanges } from './outline';
import { SEMANTIC_LEGEND, semanticTokens } from './semantic_tokens';
import { documentUri, positionParam, rangeParam } from './standard_params';

export function capabilities(sync: TextDocumentSyncKind): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: sync },
    completionProvider: { triggerCharacters: [' ', '/', '=', '-', '$'], resolveProvider: false },
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    renameProvider: { prepareProvider: true },
    documentSymbolProvider: true,
    foldingRangeProvider: true,
    semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true, range: true },
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    codeLensProvider: { resolveProvider: false },
    inlayHintProvider: true,
  };
}

export function registerLanguageFeatures(ctx: ServerContext): void {
  const { connection, documents } = ctx;
  const docOf = (params: unknown): TextDocument | undefined => {
    const uri = documentUri(params);
    return uri === null ? undefined : documents.get(uri);
  };
  /** The analysis of the document's current version. */
  const current = (params: unknown): { doc: TextDocument; analysis: Analysis } | null => {
    const doc = docOf(params);
    return doc === undefined ? null : { doc, analysis: ctx.analyses.get(doc) };
  };
  const log = ctx.log;

  connection.onCompletion(
    guard(log, 'completion', (params): CompletionList => {
      const doc = docOf(params);
      const position = positionParam(params);
      if (doc === undefined || position === null) return { isIncomplete: false, items: [] };
      // The newest analysis, even one edit old: names rarely change between keystrokes, and completion must not wait for a reparse.
      return complete(doc, position, ctx.analyses.latest(doc));
    }),
  );

  connection.onHover(
    guard(log, 'hover', (params) => {
      const c = current(params);
      const position = positionParam(params);
      if (c === null || position === null) return null;
      const entry = ctx.sessions.get(c.doc.uri);
      const session = entry !== undefined && entry.version === c.doc.version ? entry.session : undefined;
      return hover(c.analysis, position, session);
    }),
  );

  connection.onDefinition(
    guard(log, 'definition', (params) => {
      const c = current(params);
      const position = positionParam(params);
      return c === null || position === null ? null : definition(c.analysis, position);
    }),
  );

  connection.onReferences(
    guard(log, 'references', (params) => {
      const c = current(params);
      const position = positionParam(params);
      if (c === null || position === null) return [];
      const includeDeclaration = params.context?.includeDeclaration !== false;
      return references(c.analysis, position, includeDeclaration);
    }),
  );

  connection.onDocumentHighlight(
    guard(log, 'documentHighlight', (params) => {
      const c = current(params);
      const position = positionParam(params);
      return c === null || position === null ? [] : highlights(c.analysis, position);
    }),
  );

  connection.onPrepareRename(
    guard(log, 'prepareRename', (params) => {
      const c = current(params);
      const position = positionParam(params);
      return c === null || position === null ? null : prepareRename(c.analysis, position);
    }),
  );

  connection.onRenameRequest(
    guard(log, 'rename', (params) => {
      const c = current(params);
      const position = positionParam(params);
      if (c === null || position === null || typeof params.newName !== 'string') return null;
      return rename(c.analysis, position, params.newName);
    }),
  );

  connection.onDocumentSymbol(
    guard(log, 'documentSymbol', (params) => {
      const c = current(params);
      return c === null ? [] : documentSymbols(c.analysis);
    }),
  );

  connection.onFoldingRanges(
    guard(log, 'foldingRange', (params) => {
      const c = current(params);
      return c === null ? [] : foldingRanges(c.analysis);
    }),
  );

  connection.languages.semanticTokens.on(
    guard(log, 'semanticTokens', (params) => {
      const c = current(params);
      return c === null ? { data: [] } : semanticTokens(c.analysis);
    }),
  );

  connection.languages.semanticTokens.onRange(
    guard(log, 'semanticTokens/range', (params) => {
      const c = current(params);
      const range = rangeParam(params);
      return c === null || range === null ? { data: [] } : semanticTokens(c.analysis, range.start.line, range.end.line);
    }),
  );

  connection.onDocumentFormatting(
    guard(log, 'formatting', (params) => {
      const doc = docOf(params);
      return doc === undefined ? [] : formattingEdits(doc);
    }),
  );

  connection.onDocumentRangeFormatting(
    guard(log, 'rangeFormatting', (params) => {
      const doc = docOf(params);
      const range = rangeParam(params);
      return doc === undefined || range === null ? [] : formattingEdits(doc, range);
    }),
  );

  connection.onCodeAction(
    guard(log, 'codeAction', (params) => {
      const c = current(params);
      return c === null ? [] : codeActions(c.doc, c.analysis, contextDiagnostics(params.context?.diagnostics));
    }),
  );

  connection.onCodeLens(
    guard(log, 'codeLens', (params) => {
      const c = current(params);
      return c === null ? [] : codeLenses(c.analysis);
    }),
  );

  connection.languages.inlayHint.on(
    guard(log, 'inlayHint', (params): InlayHint[] => {
      const c = current(params);
      const range = rangeParam(params);
      if (c === null || range === null || !ctx.settings.inlayHints.enabled) return [];
      const entry = ctx.sessions.get(c.doc.uri);
      if (entry === undefined || entry.version !== c.doc.version) return [];
      const hints: InlayHint[] = [];
      const last = Math.min(range.end.line, c.analysis.result.program.lineCount - 1);
      for (let line = range.start.line; line <= last; line++) {
        const stmt = c.analysis.statementAt(line);
        if (stmt === undefined || stmt.kind === 'repeat' || stmt.kind === 'config') continue;
        const effect = entry.session.lineEffect(line);
        if (effect === null) continue;
        hints.push({ position: { line, character: lineText(c.doc, line).length }, label: effect, paddingLeft: true });
      }
      return hints;
    }),
  );
}
