/**
 * Syntax tree of a `.swapsim` scenario, as the parser produces it.
 *
 * Every node carries an exact LSP-style range (zero-based line and UTF-16
 * character, end exclusive). The tree keeps the words as typed; meaning
 * (sizes in bytes, canonical cgroup paths, resolved files) is added by the
 * checker, whose output types live in `checked.ts`.
 */

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** One whitespace-separated word (or quoted string) of the source. */
export interface Word {
  /** The text, without quotes for a quoted string. */
  readonly text: string;
  readonly range: Range;
  readonly quoted: boolean;
  /** A single-quoted string: `$` inside it is text, never a substitution (expr.ts). */
  readonly literal?: boolean;
  /** Made by expanding `$` substitutions (a folded constant, or a value at run time): a plain number there means bytes on purpose. */
  readonly expanded?: boolean;
}

/**
 * Comparison, tolerance and redirection operators. `~=` is the ASCII
 * spelling of `≈`, `+-` of `±`. `contains` and `!contains` are words the
 * expect rule takes as operators (text observables: `expect dmesg contains "…"`).
 */
export type OperatorText =
  '==' | '!=' | '<' | '<=' | '>' | '>=' | '≈' | '~=' | '±' | '+-' | '>>' | 'contains' | '!contains';

export interface OperatorToken {
  readonly op: OperatorText;
  readonly range: Range;
}

export interface Comment {
  /** Text after the `#`. */
  readonly text: string;
  readonly range: Range;
}

interface StatementBase {
  /** From the first to the last token of the statement (a repeat block spans to its `}`). */
  readonly range: Range;
}

/** `config KEY=VALUE …` */
export interface ConfigStatement extends StatementBase {
  readonly kind: 'config';
  readonly keyword: Word;
  readonly settings: readonly ConfigSetting[];
}

export interface ConfigSetting {
  readonly key: Word;
  readonly value: Word;
  readonly range: Range;
}

/** `repeat N {` … `}` or `repeat N as NAME {` … `}` */
export interface RepeatStatement extends StatementBase {
  readonly kind: 'repeat';
  readonly keyword: Word;
  /** Null when the header line is malformed (the parser has reported it). */
  readonly count: Word | null;
  /** `as NAME`: the loop variable, 0 on the first pass (null without `as`). */
  readonly variable: Word | null;
  readonly body: readonly Statement[];
  /** The header line `repeat N {`. */
  readonly headerRange: Range;
  /** The closing `}`, or null when the block runs to the end of the file. */
  readonly closeRange: Range | null;
}

/** `echo VALUE… > PATH` (also `>>`). */
export interface EchoStatement extends StatementBase {
  readonly kind: 'echo';
  readonly keyword: Word;
  /** The words between `echo` and the redirection; empty for a bare `echo > PATH`. */
  readonly values: readonly Word[];
  readonly redirect: OperatorToken;
  readonly target: Word;
}

/** `expect ok`, `expect error ERRNO`, `expect OBSERVABLE OP VALUE [±TOL]`. */
export interface ExpectStatement extends StatementBase {
  readonly kind: 'expect';
  readonly keyword: Word;
  readonly assertion: ExpectOk | ExpectError | ExpectCompare;
}

export interface ExpectOk {
  readonly form: 'ok';
  readonly word: Word;
}

export interface ExpectError {
  readonly form: 'error';
  readonly word: Word;
  readonly errno: Word;
}

export interface ExpectCompare {
  readonly form: 'compare';
  /** The observable's words, e.g. `/proc/vmstat` `pswpout` or `slot` `/dev/vda` `5` `kind`. */
  readonly subject: readonly Word[];
  readonly operator: OperatorToken;
  readonly value: Word;
  /** A separate unit word after the value, as in `1048576 kB`. */
  readonly unit: Word | null;
  readonly tolerance: ToleranceSyntax | null;
}

export interface ToleranceSyntax {
  readonly operator: OperatorToken;
  readonly amount: Word;
  readonly range: Range;
}

/** `let NAME = VALUE…`: a variable set from a literal, an expression or an observable. */
export interface LetStatement extends StatementBase {
  readonly kind: 'let';
  readonly keyword: Word;
  readonly name: Word;
  /** Everything after `=`: one literal or `$((…))` word, or an observable's words. */
  readonly value: readonly Word[];
}

/** Any other verb: `swapon`, `mmap`, `touch`, … with its arguments sorted by kind. */
export interface CommandStatement extends StatementBase {
  readonly kind: 'command';
  /** The verb, always one of `COMMANDS` in catalog.ts. */
  readonly name: Word;
  readonly args: readonly Arg[];
}

export type Arg = PositionalArg | OptionArg | FlagArg;

/** A plain word: a path, a name, a size. */
export interface PositionalArg {
  readonly kind: 'positional';
  readonly word: Word;
  readonly range: Range;
}

/** `key=value`, e.g. `size=1G`, `pages=0..15`. */
export interface OptionArg {
  readonly kind: 'option';
  readonly key: Word;
  readonly value: Word;
  readonly range: Range;
}

/** A flag: `-p 5`, `--priority=5`, `-d`, `--discard=once`, or a bare word such as `populate`. */
export interface FlagArg {
  readonly kind: 'flag';
  /** The flag as typed, without its value (`-p`, `--priority`, `populate`). */
  readonly name: Word;
  /** The long name from the catalogue (`priority`, `discard`, `populate`). */
  readonly canonical: string;
  readonly value: Word | null;
  readonly range: Range;
}

export type Statement =
  ConfigStatement | RepeatStatement | EchoStatement | ExpectStatement | LetStatement | CommandStatement;

/** A line the parser could not turn into a statement; its words let the checker avoid follow-on errors. */
export interface SkippedLine {
  readonly line: number;
  readonly words: readonly string[];
}

export interface Program {
  readonly statements: readonly Statement[];
  readonly comments: readonly Comment[];
  readonly skipped: readonly SkippedLine[];
  readonly lineCount: number;
}

export function pos(line: number, character: number): Position {
  return { line, character };
}

export function range(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

export function spanRanges(first: Range, last: Range): Range {
  return { start: first.start, end: last.end };
}

/** True when `p` lies inside `r` (end inclusive, so a cursor right after a word is inside it). */
export function containsPosition(r: Range, p: Position): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.character < r.start.character) return false;
  if (p.line === r.end.line && p.character > r.end.character) return false;
  return true;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}
