/**
 * One line of a scenario → what it holds: a statement, a `repeat` header, a
 * closing `}`, nothing, or one syntax error (SS1xx). A line's result depends
 * only on its text and its line number, never on the lines around it; the
 * parser (parser.ts) pairs braces, and keeps results from one parse to the
 * next for lines that did not change.
 *
 * The line is read from a `LineScan` (token offsets in typed arrays), and
 * the nodes are the classes of nodes.ts, which keep their ranges as numbers
 * and build range objects only when asked: a large file's tree holds one
 * object per word, argument and statement. Range objects are built eagerly
 * only for diagnostics.
 */
import type { Comment, OperatorText, Position, Range, Statement, Word } from './ast';
import { COMMANDS, findCommand, findFlag, type CommandSpec, type FlagSpec } from '../catalog';
import { makeDiagnostic, replacementFixes, type Diagnostic, type DiagnosticCode } from '../diagnostics';
import { LBRACE_TOKEN, LineScan, OP, RBRACE_TOKEN, STRING, UNTERMINATED_STRING, WORD } from './lexer';
import { didYouMean, nearest } from '../suggest';
import { isUnitWord } from '../units';
import {
  CommandNode,
  CommentNode,
  ConfigNode,
  ConfigSettingNode,
  EchoNode,
  ExpectNode,
  FlagNode,
  LetNode,
  LiteralWordNode,
  OperatorNode,
  OptionNode,
  PositionalNode,
  ToleranceNode,
  WordNode,
} from './nodes';

export const BLANK_LINE = 0;
export const STATEMENT_LINE = 1;
export const ERROR_LINE = 2;
export const OPEN_LINE = 3;
export const CLOSE_LINE = 4;
export type LineKind =
  typeof BLANK_LINE | typeof STATEMENT_LINE | typeof ERROR_LINE | typeof OPEN_LINE | typeof CLOSE_LINE;

/** A `repeat N {` header; a malformed one still opens its block. */
export interface RepeatHeader {
  readonly keyword: Word;
  /** Null when the header is malformed (the line's diagnostic says why). */
  readonly count: Word | null;
  /** `as NAME` (null without it, or when the header is malformed). */
  readonly variable: Word | null;
  readonly headerRange: Range;
}

export interface LineRecord {
  /** The line's text (compared with the next version's line to decide whether this record is kept). */
  readonly text: string;
  readonly line: number;
  readonly kind: LineKind;
  readonly comment: Comment | null;
  /** STATEMENT_LINE: the statement. */
  readonly statement: Statement | null;
  /**
   * ERROR_LINE: the line's one error. OPEN_LINE: the malformed header's
   * SS109, if any. CLOSE_LINE: SS109 for words after the `}`, if any.
   */
  readonly diagnostic: Diagnostic | null;
  /** ERROR_LINE and CLOSE_LINE: every token's text, for the checker's list of skipped lines. */
  readonly words: readonly string[] | null;
  /** OPEN_LINE only. */
  readonly header: RepeatHeader | null;
  /** CLOSE_LINE only: the `}`. */
  readonly close: Range | null;
}

/** Thrown inside a line parser to abandon the line with one diagnostic. */
class LineError {
  constructor(readonly diagnostic: Diagnostic) {}
}

const COMMAND_NAMES = COMMANDS.map((c) => c.name);
const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=', '≈', '~=']);

/** Per-command lookup tables, built once so parsing a line allocates only the tree. */
interface SpecTables {
  readonly optionKeys: readonly string[];
  /** Each key to the catalogue's own string, so the tree keeps that one instead of a slice per line. */
  readonly optionKeyStrings: ReadonlyMap<string, string>;
  readonly dashFlagNames: readonly string[];
  readonly bareFlags: ReadonlyMap<string, BareFlag>;
  readonly required: number;
}

interface BareFlag {
  readonly spec: FlagSpec;
  /** The spelling, as the catalogue's string. */
  readonly name: string;
}

const specTables = new Map<CommandSpec, SpecTables>(
  COMMANDS.map((spec) => {
    const bareFlags = new Map<string, BareFlag>();
    for (const f of spec.flags)
      for (const n of f.names) if (!n.startsWith('-') && f.value === 'none') bareFlags.set(n, { spec: f, name: n });
    const optionKeys = spec.options.map((o) => o.key);
    return [
      spec,
      {
        optionKeys,
        optionKeyStrings: new Map(optionKeys.map((k) => [k, k])),
        dashFlagNames: spec.flags.flatMap((f) => f.names.filter((n) => n.startsWith('-'))),
        bareFlags,
        required: spec.positionals.filter((p) => p.optional !== true).length,
      },
    ];
  }),
);

/**
 * A copy of `text` that does not share storage with the document it was
 * split from. Engines keep a slice of a string as a view of the whole
 * string, so a line parsed in an incremental parse and then kept for later
 * versions (see parser.ts) would keep that whole version of the document
 * alive. Concatenation forces a fresh flat string whose slices then point
 * into it alone. (Shorter strings are copied by slicing anyway.)
 */
function ownCopy(text: string): string {
  return text.length < 13 ? text : `${text} `.slice(0, -1);
}

/** Parses lines one at a time, reusing one scan buffer. */
export class LineParser {
  private readonly s = new LineScan();
  private line = 0;
  /** Set by dashFlag: the flag's value was the next token (`-p 5`), not attached (`-p5`). */
  private flagTookNextToken = false;

  /**
   * `copyLines`: give each parsed line its own copy of its text (see
   * ownCopy). A parse from scratch need not: its lines may keep their
   * document alive, which is one version per document at most, since later
   * versions only add copies of the lines they parse.
   */
  constructor(private readonly copyLines: boolean) {}

  parseLine(source: string, line: number): LineRecord {
    const text = this.copyLines ? ownCopy(source) : source;
    const s = this.s.scan(text);
    this.line = line;
    const comment: Comment | null =
      s.commentStart < 0 ? null : new CommentNode(text.slice(s.commentStart + 1), line, s.commentStart, text.length);
    if (s.count === 0) return record(text, line, BLANK_LINE, comment, null, null, null, null, null);
    try {
      if (s.errorStart >= 0)
        throw new LineError(makeDiagnostic('SS110', UNTERMINATED_STRING, this.span(s.errorStart, s.errorEnd)));
      if (s.kinds[0] === RBRACE_TOKEN) {
        // Whether a block is open is the parser's business; the words after the `}` are this line's.
        const extra = s.count > 1 ? makeDiagnostic('SS109', '`}` must be alone on its line', this.rest(1)) : null;
        return record(text, line, CLOSE_LINE, comment, null, extra, this.allWords(), null, this.tokenRange(0));
      }
      if (s.isWord(0, 'repeat')) {
        const { header, problem } = this.repeatHeader();
        return record(text, line, OPEN_LINE, comment, null, problem, null, header, null);
      }
      return record(text, line, STATEMENT_LINE, comment, this.statement(), null, null, null, null);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      return record(text, line, ERROR_LINE, comment, null, e.diagnostic, this.allWords(), null, null);
    }
  }

  // ─── ranges and words ─────────────────────────────────────────────────────
  // Ranges are built so that neighbours share Position objects: a statement
  // starts at its first word's start and ends at its last word's end, an
  // option's key starts where the option does, and so on.

  private position(character: number): Position {
    return { line: this.line, character };
  }

  private span(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  private tokenRange(i: number): Range {
    return this.span(this.s.starts[i], this.s.ends[i]);
  }

  /** From the start of token `first` to the end of the line's last token. */
  private rest(first: number): Range {
    return this.span(this.s.starts[first], this.s.ends[this.s.count - 1]);
  }

  private word(i: number): WordNode {
    const s = this.s;
    const text = s.tokenText(i);
    if (s.kinds[i] === STRING && s.text.charCodeAt(s.starts[i]) === 39 /* ' */ && text.includes('$')) {
      return new LiteralWordNode(text, this.line, s.starts[i], s.ends[i]);
    }
    return new WordNode(text, this.line, s.starts[i], s.ends[i], s.kinds[i] === STRING);
  }

  /** A word made of part of token `i`'s text: `key` or `value` of `key=value`, the name of `-p5`. */
  private part(text: string, startChar: number, endChar: number): WordNode {
    return new WordNode(text, this.line, startChar, endChar, false);
  }

  /** A word whose text is a constant (keywords, `ok`, `error`): one shared string instead of a slice per line. */
  private fixedWord(i: number, text: string): WordNode {
    return this.part(text, this.s.starts[i], this.s.ends[i]);
  }

  private operator(i: number): OperatorNode {
    const text = this.s.tokenText(i);
    const op = operatorConstant(text);
    if (op === null) throw new Error(`not an operator: ${text}`);
    return new OperatorNode(op, this.line, this.s.starts[i], this.s.ends[i]);
  }

  private isValue(i: number): boolean {
    const k = this.s.kinds[i];
    return k === WORD || k === STRING;
  }

  /** Tokens from `from` up to the first operator (or the end of the line). */
  private countUntilOperator(from: number): number {
    let i = from;
    while (i < this.s.count && this.s.kinds[i] !== OP) i++;
    return i - from;
  }

  private allWords(): string[] {
    const words: string[] = [];
    for (let i = 0; i < this.s.count; i++) words.push(this.s.tokenText(i));
    return words;
  }

  private error(code: DiagnosticCode, message: string, r: Range, suggestions?: readonly string[]): LineError {
    if (suggestions === undefined || suggestions.length === 0) return new LineError(makeDiagnostic(code, message, r));
    return new LineError(makeDiagnostic(code, message, r, { suggestions, fixes: replacementFixes(r, suggestions) }));
  }

  // ─── repeat headers ───────────────────────────────────────────────────────

  /** `repeat N {` or `repeat N as NAME {` — always opens a block; a malformed header is reported once. */
  private repeatHeader(): { header: RepeatHeader; problem: Diagnostic | null } {
    const s = this.s;
    const keyword = this.fixedWord(0, 'repeat');
    const headerRange: Range = this.rest(0);
    let problem: { message: string; range: Range } | null = null;
    // `as NAME` sits between the count and the brace
    const named = s.count >= 4 && s.isWord(2, 'as');
    const brace = named ? 4 : 2;
    if (s.count < 2 || s.kinds[1] !== WORD) {
      problem = {
        message: 'expected `repeat N {`: the count is missing',
        range: s.count >= 2 ? this.tokenRange(1) : headerRange,
      };
    } else if (named && s.kinds[3] !== WORD) {
      problem = { message: 'expected a variable name after `as`', range: this.tokenRange(3) };
    } else if (s.count < brace + 1 || s.kinds[brace] !== LBRACE_TOKEN) {
      const at = s.count > brace ? brace : s.count - 1;
      const what =
        s.count === 3 && s.isWord(2, 'as')
          ? 'expected `as NAME {`: the variable name is missing'
          : 'expected `{` at the end of the `repeat` line (or `as NAME {`)';
      problem = { message: what, range: this.tokenRange(at) };
    } else if (s.count > brace + 1) {
      problem = { message: 'nothing may follow `{` on a `repeat` line', range: this.rest(brace + 1) };
    }
    const count = problem === null ? this.word(1) : null;
    const variable = problem === null && named ? this.word(3) : null;
    return {
      header: { keyword, count, variable, headerRange },
      problem: problem === null ? null : makeDiagnostic('SS109', problem.message, problem.range),
    };
  }

  // ─── statements ───────────────────────────────────────────────────────────

  private statement(): Statement {
    const s = this.s;
    if (s.kinds[0] !== WORD) {
      throw this.error('SS101', `expected a command, found '${s.tokenText(0)}'`, this.tokenRange(0));
    }
    const name = s.tokenText(0);
    switch (name) {
      case 'config':
        return this.config();
      case 'echo':
        return this.echo();
      case 'expect':
        return this.expect();
      case 'let':
        return this.let();
      default: {
        const spec = findCommand(name);
        if (spec === undefined) {
          const suggestions = nearest(name, COMMAND_NAMES);
          throw this.error(
            'SS101',
            `unknown command '${name}'${didYouMean(suggestions)}`,
            this.tokenRange(0),
            suggestions,
          );
        }
        return this.command(spec);
      }
    }
  }

  private config(): Statement {
    const s = this.s;
    if (s.count === 1) throw this.error('SS113', '`config` needs at least one KEY=VALUE', this.tokenRange(0));
    const settings = new Array<ConfigSettingNode>(s.count - 1);
    for (let i = 1; i < s.count; i++) {
      const t = s.tokenText(i);
      const eq = s.kinds[i] === WORD ? t.indexOf('=') : -1;
      if (eq <= 0 || eq === t.length - 1)
        throw this.error('SS113', `expected KEY=VALUE, found '${t}'`, this.tokenRange(i));
      const start = s.starts[i];
      settings[i - 1] = new ConfigSettingNode(
        this.part(t.slice(0, eq), start, start + eq),
        this.part(t.slice(eq + 1), start + eq + 1, s.ends[i]),
      );
    }
    return new ConfigNode(this.fixedWord(0, 'config'), settings, s.ends[s.count - 1]);
  }

  private echo(): Statement {
    const s = this.s;
    let i = 1;
    // `echo -n` changes nothing for a sysfs write; accept it out of habit.
    if (s.count > 1 && s.isWord(1, '-n')) i++;
    const values = new Array<WordNode>(this.countUntilOperator(i));
    for (let n = 0; i < s.count; i++, n++) {
      const k = s.kinds[i];
      if (k === OP) break;
      if (k !== WORD && k !== STRING)
        throw this.error('SS112', `unexpected '${s.tokenText(i)}' in echo`, this.tokenRange(i));
      values[n] = this.word(i);
    }
    if (i >= s.count) {
      throw this.error('SS112', '`echo` needs `> PATH`: the simulator only writes files', this.rest(0));
    }
    const redirect = s.tokenText(i);
    if (redirect !== '>' && redirect !== '>>') {
      throw this.error('SS112', `expected '>' after the echoed value, found '${redirect}'`, this.tokenRange(i));
    }
    if (i + 1 >= s.count || !this.isValue(i + 1)) {
      throw this.error('SS112', 'expected a file path after `>`', this.tokenRange(i + 1 < s.count ? i + 1 : i));
    }
    if (s.count > i + 2) throw this.error('SS112', 'nothing may follow the target path', this.rest(i + 2));
    return new EchoNode(this.fixedWord(0, 'echo'), values, this.operator(i), this.word(i + 1));
  }

  /** `let NAME = VALUE…` (also `let NAME=VALUE` in one word). */
  private let(): Statement {
    const s = this.s;
    const keyword = this.fixedWord(0, 'let');
    if (s.count < 2 || s.kinds[1] !== WORD) throw this.error('SS115', '`let` needs `NAME = VALUE`', this.rest(0));
    const first = s.tokenText(1);
    const eq = first.indexOf('=');
    let name: WordNode;
    let from: number;
    const value: WordNode[] = [];
    if (eq > 0) {
      // `let N=5`: the name and the first value word share a token
      const start = s.starts[1];
      name = this.part(first.slice(0, eq), start, start + eq);
      if (eq < first.length - 1) value.push(this.part(first.slice(eq + 1), start + eq + 1, s.ends[1]));
      from = 2;
    } else {
      name = this.word(1);
      if (s.count < 3 || !s.isWord(2, '='))
        throw this.error(
          'SS115',
          `expected '=' after the variable name, as in \`let ${first} = VALUE\``,
          this.tokenRange(s.count >= 3 ? 2 : 1),
        );
      from = 3;
    }
    for (let i = from; i < s.count; i++) {
      if (!this.isValue(i))
        throw this.error('SS115', `unexpected '${s.tokenText(i)}' in a \`let\` value`, this.tokenRange(i));
      value.push(this.word(i));
    }
    if (value.length === 0) throw this.error('SS115', `\`let ${name.text}\` needs a value after '='`, this.rest(0));
    return new LetNode(keyword, name, value, s.ends[s.count - 1]);
  }

  private expect(): ExpectNode {
    const s = this.s;
    const n = s.count;
    if (n < 2) throw this.error('SS111', 'expected `ok`, `error ERRNO` or a comparison after `expect`', this.rest(0));
    if (s.isWord(1, 'ok')) {
      if (n > 2) throw this.error('SS111', 'nothing may follow `expect ok`', this.rest(2));
      return new ExpectNode(this.fixedWord(0, 'expect'), { form: 'ok', word: this.fixedWord(1, 'ok') }, s.ends[1]);
    }
    if (s.isWord(1, 'error')) {
      if (n < 3 || s.kinds[2] !== WORD)
        throw this.error(
          'SS111',
          'expected an errno name after `expect error`, e.g. EBUSY',
          this.tokenRange(n >= 3 ? 2 : 1),
        );
      if (n > 3) throw this.error('SS111', 'nothing may follow `expect error ERRNO`', this.rest(3));
      return new ExpectNode(
        this.fixedWord(0, 'expect'),
        { form: 'error', word: this.fixedWord(1, 'error'), errno: this.word(2) },
        s.ends[2],
      );
    }
    const textOp = this.containsAt();
    if (textOp >= 0) return this.expectContains(textOp);
    const subject = new Array<WordNode>(this.countUntilOperator(1));
    let i = 1;
    for (; i < n; i++) {
      const k = s.kinds[i];
      if (k === OP) break;
      if (k !== WORD && k !== STRING)
        throw this.error('SS111', `unexpected '${s.tokenText(i)}' in expect`, this.tokenRange(i));
      subject[i - 1] = this.word(i);
    }
    if (i >= n) throw this.error('SS111', 'missing comparison operator (== != < <= > >= ≈)', this.rest(0));
    if (subject.length === 0)
      throw this.error('SS111', 'missing what to compare before the operator', this.tokenRange(i));
    const opText = s.tokenText(i);
    if (!COMPARISON_OPS.has(opText)) {
      throw this.error('SS111', `'${opText}' is not a comparison operator (== != < <= > >= ≈)`, this.tokenRange(i));
    }
    const opIndex = i;
    const valueIndex = i + 1;
    if (valueIndex >= n || !this.isValue(valueIndex)) {
      throw this.error(
        'SS111',
        `missing value after '${opText}'`,
        this.tokenRange(valueIndex < n ? valueIndex : opIndex),
      );
    }
    i += 2;
    let unitIndex = -1;
    if (i < n && s.kinds[i] === WORD && isUnitWord(s.tokenText(i))) {
      unitIndex = i;
      i++;
    }
    let toleranceIndex = -1;
    if (i < n) {
      const tolText = s.tokenText(i);
      if (s.kinds[i] !== OP || (tolText !== '±' && tolText !== '+-')) {
        throw this.error(
          'SS111',
          `unexpected '${tolText}' after the value (a tolerance is written ±N or +-N)`,
          this.rest(i),
        );
      }
      const amountIndex = i + 1;
      if (amountIndex >= n || s.kinds[amountIndex] !== WORD) {
        throw this.error(
          'SS111',
          `missing tolerance after '${tolText}'`,
          this.tokenRange(amountIndex < n ? amountIndex : i),
        );
      }
      if (n > i + 2) throw this.error('SS111', 'nothing may follow the tolerance', this.rest(i + 2));
      toleranceIndex = i;
    }
    // The line is well formed: build its nodes.
    const value = this.word(valueIndex);
    const unit = unitIndex < 0 ? null : this.word(unitIndex);
    const tolerance =
      toleranceIndex < 0 ? null : new ToleranceNode(this.operator(toleranceIndex), this.word(toleranceIndex + 1));
    return new ExpectNode(
      this.fixedWord(0, 'expect'),
      { form: 'compare', subject, operator: this.operator(opIndex), value, unit, tolerance },
      s.ends[s.count - 1],
    );
  }

  /** The index of a `contains` / `!contains` word of an expect with no operator token, or -1. */
  private containsAt(): number {
    const s = this.s;
    for (let i = 1; i < s.count; i++) {
      if (s.kinds[i] === OP) return -1;
      if (s.isWord(i, 'contains') || s.isWord(i, '!contains')) return i;
    }
    return -1;
  }

  /** `expect OBSERVABLE contains TEXT` and `!contains`: one value, no unit or tolerance. */
  private expectContains(at: number): ExpectNode {
    const s = this.s;
    if (at === 1) throw this.error('SS111', 'missing what to search before `contains`', this.tokenRange(at));
    if (at + 1 >= s.count || !this.isValue(at + 1))
      throw this.error('SS111', `missing the text after '${s.tokenText(at)}'`, this.tokenRange(at));
    if (s.count > at + 2)
      throw this.error('SS111', 'nothing may follow the text (quote it if it has blanks)', this.rest(at + 2));
    const subject = new Array<WordNode>(at - 1);
    for (let i = 1; i < at; i++) {
      if (!this.isValue(i)) throw this.error('SS111', `unexpected '${s.tokenText(i)}' in expect`, this.tokenRange(i));
      subject[i - 1] = this.word(i);
    }
    const operator = new OperatorNode(
      s.isWord(at, 'contains') ? 'contains' : '!contains',
      this.line,
      s.starts[at],
      s.ends[at],
    );
    return new ExpectNode(
      this.fixedWord(0, 'expect'),
      { form: 'compare', subject, operator, value: this.word(at + 1), unit: null, tolerance: null },
      s.ends[s.count - 1],
    );
  }

  /** Generic verbs: positionals, `key=value` options and flags, classified with the command's spec. */
  private command(spec: CommandSpec): CommandNode {
    const s = this.s;
    const tables = specTables.get(spec) as SpecTables;
    // At most one argument per token; a flag with a separate value takes two (trimmed below).
    const args = new Array<ArgNode>(s.count - 1);
    let n = 0;
    let positionals = 0;
    for (let i = 1; i < s.count; i++) {
      const kind = s.kinds[i];
      if (kind === OP)
        throw this.error('SS114', `unexpected operator '${s.tokenText(i)}' in '${spec.name}'`, this.tokenRange(i));
      if (kind === LBRACE_TOKEN || kind === RBRACE_TOKEN) {
        throw this.error(
          'SS109',
          `unexpected '${s.tokenText(i)}': braces only open and close \`repeat\` blocks`,
          this.tokenRange(i),
        );
      }
      const text = s.tokenText(i);
      const word = kind === WORD;
      const start = s.starts[i];
      const end = s.ends[i];
      if (word && text.length > 1 && text.charCodeAt(0) === 45 /* - */ && !isNumericLooking(text)) {
        const flag = this.dashFlag(i, text, spec, tables.dashFlagNames);
        this.noteSeen(args, n, flag.canonical, flag.name.text, start, flag.endChar);
        args[n++] = flag;
        if (this.flagTookNextToken) i++;
        continue;
      }
      const eq = word && spec.positionalMayContainEquals !== true ? text.indexOf('=') : -1;
      if (eq >= 0) {
        const typedKey = text.slice(0, eq);
        const key = tables.optionKeyStrings.get(typedKey);
        if (key === undefined) {
          const suggestions = nearest(typedKey, tables.optionKeys);
          const known = tables.optionKeys.length > 0 ? ` (options: ${tables.optionKeys.join(', ')})` : '';
          throw this.error(
            'SS104',
            `'${spec.name}' has no option '${typedKey}'${didYouMean(suggestions) || known}`,
            this.span(start, start + eq),
            suggestions,
          );
        }
        if (eq === text.length - 1) throw this.error('SS106', `'${key}=' needs a value`, this.tokenRange(i));
        this.noteSeen(args, n, key, key, start, end);
        args[n++] = new OptionNode(
          this.part(key, start, start + eq),
          this.part(text.slice(eq + 1), start + eq + 1, end),
        );
        continue;
      }
      const bare = word ? tables.bareFlags.get(text) : undefined;
      if (bare !== undefined) {
        this.noteSeen(args, n, bare.spec.canonical, text, start, end);
        args[n++] = new FlagNode(this.part(bare.name, start, end), bare.spec.canonical, null, end);
        continue;
      }
      if (positionals >= spec.positionals.length) {
        const suggestions = nearest(text, tables.bareFlags.keys());
        const what =
          suggestions.length > 0 ? didYouMean(suggestions) : ` ('${spec.name}' takes ${describeArity(spec)})`;
        throw this.error('SS103', `unexpected argument '${text}'${what}`, this.tokenRange(i), suggestions);
      }
      positionals++;
      args[n++] = new PositionalNode(new WordNode(text, this.line, start, end, !word));
    }
    if (positionals < tables.required) {
      const missing = spec.positionals[positionals];
      const lastEnd = this.position(s.ends[s.count - 1]);
      throw this.error(
        'SS102',
        `'${spec.name}' is missing ${missing?.name ?? 'an argument'} (usage: ${spec.synopsis})`,
        { start: lastEnd, end: lastEnd },
      );
    }
    if (n < args.length) args.length = n;
    // The command ends with its last argument: the line's last token.
    return new CommandNode(this.part(spec.name, s.starts[0], s.ends[0]), args, s.ends[s.count - 1]);
  }

  /** `-p 5`, `-p5`, `--priority=5`, `-d`, `--discard=once` at token `i` (a separate value is token `i + 1`). */
  private dashFlag(i: number, text: string, spec: CommandSpec, flagNames: readonly string[]): FlagNode {
    const s = this.s;
    const start = s.starts[i];
    const long = text.startsWith('--');
    const eq = long ? text.indexOf('=') : -1;
    const typed = long ? (eq >= 0 ? text.slice(0, eq) : text) : text.slice(0, 2);
    const flag = findFlag(spec, typed);
    if (flag === undefined) {
      const suggestions = nearest(typed, flagNames);
      throw this.error(
        'SS104',
        `'${spec.name}' has no flag '${typed}'${didYouMean(suggestions)}`,
        this.span(start, start + typed.length),
        suggestions,
      );
    }
    const attached = long ? (eq >= 0 ? text.slice(eq + 1) : null) : text.length > 2 ? text.slice(2) : null;
    const attachedStart = start + typed.length + (long ? 1 : 0);
    let value: WordNode | null = null;
    this.flagTookNextToken = false;
    if (flag.value === 'none') {
      if (attached !== null) throw this.error('SS104', `'${typed}' takes no value`, this.tokenRange(i));
    } else if (attached !== null && attached !== '') {
      value = this.part(attached, attachedStart, s.ends[i]);
    } else if (flag.value === 'required') {
      if (attached === '' || i + 1 >= s.count || !this.isValue(i + 1))
        throw this.error('SS106', `'${typed}' needs a value`, this.tokenRange(i));
      value = this.word(i + 1);
      this.flagTookNextToken = true;
    } else if (attached === '') {
      throw this.error('SS106', `'${typed}=' needs a value`, this.tokenRange(i));
    }
    return new FlagNode(
      this.part(typed, start, start + typed.length),
      flag.canonical,
      value,
      value?.endChar ?? s.ends[i],
    );
  }

  /**
   * A second option or flag with the same key is SS105, reported on the
   * second one (`startChar`..`endChar`). Options and flags share one
   * namespace: `args[0..n)` are the ones seen so far on the line.
   */
  private noteSeen(
    args: readonly ArgNode[],
    n: number,
    key: string,
    shown: string,
    startChar: number,
    endChar: number,
  ): void {
    for (let i = 0; i < n; i++) {
      const a = args[i] as ArgNode;
      const seen = a.kind === 'option' ? a.key.text : a.kind === 'flag' ? a.canonical : null;
      if (seen === key) throw this.error('SS105', `'${shown}' is given twice`, this.span(startChar, endChar));
    }
  }
}

type ArgNode = PositionalNode | OptionNode | FlagNode;

/** Every field spelled out, so all records share one object shape. */
function record(
  text: string,
  line: number,
  kind: LineKind,
  comment: Comment | null,
  statement: Statement | null,
  diagnostic: Diagnostic | null,
  words: readonly string[] | null,
  header: RepeatHeader | null,
  close: Range | null,
): LineRecord {
  return { text, line, kind, comment, statement, diagnostic, words, header, close };
}

/** The operator as a string constant (one shared string instead of a slice per line), or null. */
function operatorConstant(text: string): OperatorText | null {
  switch (text) {
    case '==':
      return '==';
    case '!=':
      return '!=';
    case '<':
      return '<';
    case '<=':
      return '<=';
    case '>':
      return '>';
    case '>=':
      return '>=';
    case '≈':
      return '≈';
    case '~=':
      return '~=';
    case '±':
      return '±';
    case '+-':
      return '+-';
    case '>>':
      return '>>';
    default:
      return null;
  }
}

function isNumericLooking(text: string): boolean {
  const c = text.charCodeAt(1);
  return c >= 48 && c <= 57;
}

function describeArity(spec: CommandSpec): string {
  if (spec.positionals.length === 0) return 'no positional arguments';
  return spec.positionals.map((p) => (p.optional === true ? `[${p.name}]` : p.name)).join(' ');
}
