/**
 * One front-end analysis per document version, shared by every feature.
 *
 * Analysing a 10,000-line scenario from scratch costs tens of milliseconds,
 * so it runs once per version (the debounced diagnostics pass usually does
 * it) and everything else reads the cached result. A new version is
 * analysed incrementally: the parser keeps every line of the previous
 * version whose text and line number did not change (see lang/syntax/parser.ts),
 * so an edit re-parses only the edited lines before the whole program is
 * checked again. Features that must answer at typing speed (completion) may
 * use the newest analysis even when it is one edit behind: they only take
 * names from it and read the current line from the document itself.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  DEFAULT_CONFIG,
  parseAndCheck,
  type ConfigDefaults,
  type FrontEndResult,
  type Program,
  type Statement,
} from '../lang/index';
import { buildNameIndex, type NameIndex } from './names';

/** Documents above this size get one diagnostic and no checking, no session. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

export interface Analysis {
  readonly uri: string;
  readonly version: number;
  readonly result: FrontEndResult;
  /** The text was above MAX_DOCUMENT_BYTES: `result` is empty. */
  readonly tooLarge: boolean;
  /** Milliseconds parseAndCheck took (for the server log and the bench). */
  readonly elapsedMs: number;
  /** Names of devices, cgroups, tasks and regions with every occurrence (built on first use). */
  readonly names: NameIndex;
  /** For each line, the innermost statement on it (a repeat for its header and `}` lines), built on first use. */
  statementAt(line: number): Statement | undefined;
}

const EMPTY_PROGRAM: Program = { statements: [], comments: [], skipped: [], lineCount: 0 };

function emptyResult(): FrontEndResult {
  return {
    program: EMPTY_PROGRAM,
    checked: { config: DEFAULT_CONFIG, statements: [], expandedSteps: 0, hasErrors: true },
    diagnostics: [],
  };
}

/** Byte length of UTF-16 text as UTF-8 would store it, stopping early once past `limit`. */
function exceedsBytes(text: string, limit: number): boolean {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: a cheap bound first.
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text, 'utf8') > limit;
}

class DocumentAnalysis implements Analysis {
  private namesCache: NameIndex | null = null;
  private lineIndex: (Statement | undefined)[] | null = null;

  constructor(
    readonly uri: string,
    readonly version: number,
    readonly result: FrontEndResult,
    readonly tooLarge: boolean,
    readonly elapsedMs: number,
  ) {}

  get names(): NameIndex {
    this.namesCache ??= buildNameIndex(this.result.program);
    return this.namesCache;
  }

  statementAt(line: number): Statement | undefined {
    if (this.lineIndex === null) {
      const index: (Statement | undefined)[] = new Array<Statement | undefined>(this.result.program.lineCount);
      const visit = (statements: readonly Statement[]): void => {
        for (const s of statements) {
          if (s.kind === 'repeat') {
            index[s.headerRange.start.line] = s;
            if (s.closeRange !== null) index[s.closeRange.start.line] = s;
            visit(s.body);
          } else {
            index[s.range.start.line] = s;
          }
        }
      };
      visit(this.result.program.statements);
      this.lineIndex = index;
    }
    return this.lineIndex[line];
  }
}

/** Analyse `text`; `previous` (an analysis of an earlier version of the same document) makes it incremental. */
export function analyse(
  uri: string,
  version: number,
  text: string,
  previous?: Analysis,
  defaults: ConfigDefaults = {},
): Analysis {
  if (exceedsBytes(text, MAX_DOCUMENT_BYTES)) return new DocumentAnalysis(uri, version, emptyResult(), true, 0);
  const started = performance.now();
  const earlier = previous !== undefined && !previous.tooLarge && previous.uri === uri ? previous.result : undefined;
  const result = parseAndCheck(text, {}, { previous: earlier, defaults });
  return new DocumentAnalysis(uri, version, result, false, performance.now() - started);
}

/** The newest analysis of each open document. */
export class AnalysisCache {
  private readonly byUri = new Map<string, Analysis>();

  constructor(
    /** What scenarios' `config` falls back to (the settings). When it changes, the caller deletes the analyses made under the old one. */
    private readonly defaults: () => ConfigDefaults = () => ({}),
  ) {}

  /** The analysis of exactly this version, computed now if needed. */
  get(doc: TextDocument): Analysis {
    const cached = this.byUri.get(doc.uri);
    if (cached !== undefined && cached.version === doc.version) return cached;
    const fresh = analyse(doc.uri, doc.version, doc.getText(), cached, this.defaults());
    this.byUri.set(doc.uri, fresh);
    return fresh;
  }

  /** The newest analysis, possibly of an older version; computed only when there is none. */
  latest(doc: TextDocument): Analysis {
    return this.byUri.get(doc.uri) ?? this.get(doc);
  }

  peek(uri: string): Analysis | undefined {
    return this.byUri.get(uri);
  }

  delete(uri: string): void {
    this.byUri.delete(uri);
  }
}
