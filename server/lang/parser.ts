/**
 * Parser: source text → syntax tree plus syntax diagnostics (SS1xx).
 *
 * One statement per line. A malformed line yields exactly one diagnostic and
 * is skipped (its words are kept so the checker does not report names that
 * were probably defined there); the next line parses normally. `repeat`
 * blocks are tracked with a stack; a malformed `repeat` header still opens
 * its block so the matching `}` is not reported a second time.
 */
import {
  range,
  spanRanges,
  type Arg,
  type Comment,
  type CommandStatement,
  type ConfigSetting,
  type ExpectStatement,
  type FlagArg,
  type OperatorToken,
  type Program,
  type Range,
  type RepeatStatement,
  type SkippedLine,
  type Statement,
  type ToleranceSyntax,
  type Word,
} from './ast';
import { COMMANDS, findCommand, findFlag, type CommandSpec, type FlagSpec } from './catalog';
import { makeDiagnostic, replacementFixes, type Diagnostic, type DiagnosticCode } from './diagnostics';
import { isOperatorText, lexLine, splitLines, type Token } from './lexer';
import { didYouMean, nearest } from './suggest';
import { isUnitWord } from './units';

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: Diagnostic[];
}

/** Thrown inside a line parser to abandon the line with one diagnostic. */
class LineError {
  constructor(readonly diagnostic: Diagnostic) {}
}

interface OpenBlock {
  readonly keyword: Word;
  readonly count: Word | null;
  readonly headerRange: Range;
  readonly body: Statement[];
  /** The header already produced a diagnostic: do not report the block as unclosed too. */
  readonly headerBroken: boolean;
}

const COMMAND_NAMES = COMMANDS.map((c) => c.name);
const COMPARISON_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', '≈', '~=']);

export function parse(source: string): ParseResult {
  const lines = splitLines(source);
  const diagnostics: Diagnostic[] = [];
  const comments: Comment[] = [];
  const skipped: SkippedLine[] = [];
  const top: Statement[] = [];
  const stack: OpenBlock[] = [];
  const current = (): Statement[] => stack[stack.length - 1]?.body ?? top;

  for (let lineNo = 0; lineNo < lines.length; lineNo++) {
    const text = lines[lineNo] ?? '';
    const lexed = lexLine(text);
    if (lexed.comment !== null) {
      comments.push({ text: text.slice(lexed.comment.start + 1), range: range(lineNo, lexed.comment.start, lexed.comment.end) });
    }
    const tokens = lexed.tokens;
    if (tokens.length === 0) continue;
    const first = tokens[0] as Token;
    try {
      if (lexed.error !== null) {
        throw new LineError(makeDiagnostic('SS110', lexed.error.message, range(lineNo, lexed.error.start, lexed.error.end)));
      }
      if (first.kind === 'rbrace') {
        const block = stack.pop();
        if (block === undefined) throw new LineError(makeDiagnostic('SS107', '`}` without an open `repeat` block', tokenRange(lineNo, first)));
        current().push(closeBlock(block, tokenRange(lineNo, first)));
        if (tokens.length > 1) {
          // The block is closed all the same, so the rest of the file is not thrown off.
          const extra = tokens[1] as Token;
          throw new LineError(makeDiagnostic('SS109', '`}` must be alone on its line', tokenRange(lineNo, extra, tokens[tokens.length - 1] as Token)));
        }
        continue;
      }
      if (first.kind === 'word' && first.text === 'repeat') {
        stack.push(parseRepeatHeader(lineNo, tokens, diagnostics));
        continue;
      }
      current().push(parseStatement(lineNo, tokens));
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      diagnostics.push(e.diagnostic);
      skipped.push({ line: lineNo, words: tokens.map((t) => t.text) });
    }
  }
  // Blocks still open at the end of the file close there.
  while (stack.length > 0) {
    const block = stack.pop() as OpenBlock;
    if (!block.headerBroken) {
      diagnostics.push(makeDiagnostic('SS108', '`repeat` block is never closed with `}`', block.headerRange));
    }
    current().push(closeBlock(block, null));
  }
  return { program: { statements: top, comments, skipped, lineCount: lines.length }, diagnostics };
}

function closeBlock(block: OpenBlock, closeRange: Range | null): RepeatStatement {
  const lastBody = block.body[block.body.length - 1];
  const end = closeRange ?? lastBody?.range ?? block.headerRange;
  return {
    kind: 'repeat',
    keyword: block.keyword,
    count: block.count,
    body: block.body,
    headerRange: block.headerRange,
    closeRange,
    range: spanRanges(block.headerRange, end),
  };
}

function tokenRange(line: number, first: Token, last: Token = first): Range {
  return range(line, first.start, last.end);
}

function toWord(line: number, t: Token): Word {
  return { text: t.text, range: range(line, t.start, t.end), quoted: t.kind === 'string' };
}

function toOperator(line: number, t: Token): OperatorToken {
  if (!isOperatorText(t.text)) throw new Error(`not an operator: ${t.text}`);
  return { op: t.text, range: range(line, t.start, t.end) };
}

function lineError(code: DiagnosticCode, message: string, r: Range, suggestions?: readonly string[]): LineError {
  if (suggestions === undefined || suggestions.length === 0) return new LineError(makeDiagnostic(code, message, r));
  return new LineError(makeDiagnostic(code, message, r, { suggestions, fixes: replacementFixes(r, suggestions) }));
}

/** `repeat N {` — always opens a block; a malformed header is reported once. */
function parseRepeatHeader(line: number, tokens: readonly Token[], diagnostics: Diagnostic[]): OpenBlock {
  const keywordToken = tokens[0] as Token;
  const keyword = toWord(line, keywordToken);
  const headerRange = tokenRange(line, keywordToken, tokens[tokens.length - 1] as Token);
  const countToken = tokens[1];
  const brace = tokens[2];
  let problem: { message: string; range: Range } | null = null;
  if (countToken === undefined || countToken.kind !== 'word') {
    problem = { message: 'expected `repeat N {`: the count is missing', range: countToken ? tokenRange(line, countToken) : headerRange };
  } else if (brace === undefined || brace.kind !== 'lbrace') {
    problem = { message: 'expected `{` at the end of the `repeat` line', range: brace ? tokenRange(line, brace) : tokenRange(line, countToken) };
  } else if (tokens.length > 3) {
    problem = { message: 'nothing may follow `{` on a `repeat` line', range: tokenRange(line, tokens[3] as Token, tokens[tokens.length - 1] as Token) };
  }
  if (problem !== null) diagnostics.push(makeDiagnostic('SS109', problem.message, problem.range));
  const count = problem === null && countToken !== undefined ? toWord(line, countToken) : null;
  return { keyword, count, headerRange, body: [], headerBroken: problem !== null };
}

function parseStatement(line: number, tokens: readonly Token[]): Statement {
  const first = tokens[0] as Token;
  if (first.kind !== 'word') {
    throw lineError('SS101', `expected a command, found '${first.text}'`, tokenRange(line, first));
  }
  switch (first.text) {
    case 'config':
      return parseConfig(line, tokens);
    case 'echo':
      return parseEcho(line, tokens);
    case 'expect':
      return parseExpect(line, tokens);
    default: {
      const spec = findCommand(first.text);
      if (spec === undefined) {
        const suggestions = nearest(first.text, COMMAND_NAMES);
        throw lineError('SS101', `unknown command '${first.text}'${didYouMean(suggestions)}`, tokenRange(line, first), suggestions);
      }
      return parseCommand(line, tokens, spec);
    }
  }
}

function parseConfig(line: number, tokens: readonly Token[]): Statement {
  const first = tokens[0] as Token;
  const settings: ConfigSetting[] = [];
  if (tokens.length === 1) throw lineError('SS113', '`config` needs at least one KEY=VALUE', tokenRange(line, first));
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const eq = t.kind === 'word' ? t.text.indexOf('=') : -1;
    if (eq <= 0 || eq === t.text.length - 1) {
      throw lineError('SS113', `expected KEY=VALUE, found '${t.text}'`, tokenRange(line, t));
    }
    settings.push({
      key: { text: t.text.slice(0, eq), range: range(line, t.start, t.start + eq), quoted: false },
      value: { text: t.text.slice(eq + 1), range: range(line, t.start + eq + 1, t.end), quoted: false },
      range: tokenRange(line, t),
    });
  }
  return { kind: 'config', keyword: toWord(line, first), settings, range: tokenRange(line, first, tokens[tokens.length - 1] as Token) };
}

function parseEcho(line: number, tokens: readonly Token[]): Statement {
  const first = tokens[0] as Token;
  const values: Word[] = [];
  let i = 1;
  // `echo -n` changes nothing for a sysfs write; accept it out of habit.
  if (tokens[i]?.kind === 'word' && tokens[i]?.text === '-n') i++;
  for (; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'op') break;
    if (t.kind !== 'word' && t.kind !== 'string') throw lineError('SS112', `unexpected '${t.text}' in echo`, tokenRange(line, t));
    values.push(toWord(line, t));
  }
  const redirect = tokens[i];
  if (redirect === undefined) {
    throw lineError('SS112', '`echo` needs `> PATH`: the simulator only writes files', tokenRange(line, first, tokens[tokens.length - 1] as Token));
  }
  if (redirect.text !== '>' && redirect.text !== '>>') {
    throw lineError('SS112', `expected '>' after the echoed value, found '${redirect.text}'`, tokenRange(line, redirect));
  }
  const target = tokens[i + 1];
  if (target === undefined || (target.kind !== 'word' && target.kind !== 'string')) {
    throw lineError('SS112', 'expected a file path after `>`', tokenRange(line, target ?? redirect));
  }
  if (tokens.length > i + 2) {
    throw lineError('SS112', 'nothing may follow the target path', tokenRange(line, tokens[i + 2] as Token, tokens[tokens.length - 1] as Token));
  }
  return {
    kind: 'echo',
    keyword: toWord(line, first),
    values,
    redirect: toOperator(line, redirect),
    target: toWord(line, target),
    range: tokenRange(line, first, target),
  };
}

function parseExpect(line: number, tokens: readonly Token[]): ExpectStatement {
  const first = tokens[0] as Token;
  const keyword = toWord(line, first);
  const whole = tokenRange(line, first, tokens[tokens.length - 1] as Token);
  const second = tokens[1];
  if (second === undefined) throw lineError('SS111', 'expected `ok`, `error ERRNO` or a comparison after `expect`', whole);
  if (second.kind === 'word' && second.text === 'ok') {
    if (tokens.length > 2) throw lineError('SS111', 'nothing may follow `expect ok`', tokenRange(line, tokens[2] as Token, tokens[tokens.length - 1] as Token));
    return { kind: 'expect', keyword, assertion: { form: 'ok', word: toWord(line, second) }, range: whole };
  }
  if (second.kind === 'word' && second.text === 'error') {
    const errno = tokens[2];
    if (errno === undefined || errno.kind !== 'word') throw lineError('SS111', 'expected an errno name after `expect error`, e.g. EBUSY', tokenRange(line, errno ?? second));
    if (tokens.length > 3) throw lineError('SS111', 'nothing may follow `expect error ERRNO`', tokenRange(line, tokens[3] as Token, tokens[tokens.length - 1] as Token));
    return { kind: 'expect', keyword, assertion: { form: 'error', word: toWord(line, second), errno: toWord(line, errno) }, range: whole };
  }
  const subject: Word[] = [];
  let i = 1;
  for (; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'op') break;
    if (t.kind !== 'word' && t.kind !== 'string') throw lineError('SS111', `unexpected '${t.text}' in expect`, tokenRange(line, t));
    subject.push(toWord(line, t));
  }
  const opToken = tokens[i];
  if (opToken === undefined) throw lineError('SS111', 'missing comparison operator (== != < <= > >= ≈)', whole);
  if (subject.length === 0) throw lineError('SS111', 'missing what to compare before the operator', tokenRange(line, opToken));
  if (!COMPARISON_OPS.has(opToken.text)) {
    throw lineError('SS111', `'${opToken.text}' is not a comparison operator (== != < <= > >= ≈)`, tokenRange(line, opToken));
  }
  const valueToken = tokens[i + 1];
  if (valueToken === undefined || (valueToken.kind !== 'word' && valueToken.kind !== 'string')) {
    throw lineError('SS111', `missing value after '${opToken.text}'`, tokenRange(line, valueToken ?? opToken));
  }
  i += 2;
  let unit: Word | null = null;
  const maybeUnit = tokens[i];
  if (maybeUnit !== undefined && maybeUnit.kind === 'word' && isUnitWord(maybeUnit.text)) {
    unit = toWord(line, maybeUnit);
    i++;
  }
  let tolerance: ToleranceSyntax | null = null;
  const tolOp = tokens[i];
  if (tolOp !== undefined) {
    if (tolOp.kind !== 'op' || (tolOp.text !== '±' && tolOp.text !== '+-')) {
      throw lineError('SS111', `unexpected '${tolOp.text}' after the value (a tolerance is written ±N or +-N)`, tokenRange(line, tolOp, tokens[tokens.length - 1] as Token));
    }
    const amount = tokens[i + 1];
    if (amount === undefined || amount.kind !== 'word') throw lineError('SS111', `missing tolerance after '${tolOp.text}'`, tokenRange(line, amount ?? tolOp));
    if (tokens.length > i + 2) throw lineError('SS111', 'nothing may follow the tolerance', tokenRange(line, tokens[i + 2] as Token, tokens[tokens.length - 1] as Token));
    tolerance = { operator: toOperator(line, tolOp), amount: toWord(line, amount), range: tokenRange(line, tolOp, amount) };
  }
  return {
    kind: 'expect',
    keyword,
    assertion: { form: 'compare', subject, operator: toOperator(line, opToken), value: toWord(line, valueToken), unit, tolerance },
    range: whole,
  };
}

function isNumericLooking(text: string): boolean {
  const c = text.charCodeAt(1);
  return c >= 48 && c <= 57;
}

/** Per-command lookup tables, built once so parsing a line allocates only the tree. */
interface SpecTables {
  readonly optionKeys: readonly string[];
  readonly dashFlagNames: readonly string[];
  readonly bareFlags: ReadonlyMap<string, FlagSpec>;
  readonly required: number;
}

const specTables = new Map<CommandSpec, SpecTables>(
  COMMANDS.map((spec) => {
    const bareFlags = new Map<string, FlagSpec>();
    for (const f of spec.flags) for (const n of f.names) if (!n.startsWith('-') && f.value === 'none') bareFlags.set(n, f);
    return [
      spec,
      {
        optionKeys: spec.options.map((o) => o.key),
        dashFlagNames: spec.flags.flatMap((f) => f.names.filter((n) => n.startsWith('-'))),
        bareFlags,
        required: spec.positionals.filter((p) => p.optional !== true).length,
      },
    ];
  }),
);

/** Record an option or flag; a second one with the same key is SS105. */
function noteSeen(seen: string[], key: string, r: Range, shown: string): void {
  if (seen.includes(key)) throw lineError('SS105', `'${shown}' is given twice`, r);
  seen.push(key);
}

/** Generic verbs: positionals, `key=value` options and flags, classified with the command's spec. */
function parseCommand(line: number, tokens: readonly Token[], spec: CommandSpec): CommandStatement {
  const tables = specTables.get(spec) as SpecTables;
  const nameToken = tokens[0] as Token;
  const args: Arg[] = [];
  const seen: string[] = [];
  let positionals = 0;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const r = tokenRange(line, t);
    if (t.kind === 'op') throw lineError('SS114', `unexpected operator '${t.text}' in '${spec.name}'`, r);
    if (t.kind === 'lbrace' || t.kind === 'rbrace') throw lineError('SS109', `unexpected '${t.text}': braces only open and close \`repeat\` blocks`, r);
    const text = t.text;
    const word = t.kind === 'word';
    if (word && text.length > 1 && text.charCodeAt(0) === 45 /* - */ && !isNumericLooking(text)) {
      i = parseDashFlag(line, tokens, i, spec, args, seen, tables.dashFlagNames);
      continue;
    }
    const eq = word && !spec.positionalMayContainEquals ? text.indexOf('=') : -1;
    if (eq >= 0) {
      const key = text.slice(0, eq);
      const keyRange = range(line, t.start, t.start + eq);
      if (!tables.optionKeys.includes(key)) {
        const suggestions = nearest(key, tables.optionKeys);
        const known = tables.optionKeys.length > 0 ? ` (options: ${tables.optionKeys.join(', ')})` : '';
        throw lineError('SS104', `'${spec.name}' has no option '${key}'${didYouMean(suggestions) || known}`, keyRange, suggestions);
      }
      if (eq === text.length - 1) throw lineError('SS106', `'${key}=' needs a value`, r);
      noteSeen(seen, key, r, key);
      args.push({
        kind: 'option',
        key: { text: key, range: keyRange, quoted: false },
        value: { text: text.slice(eq + 1), range: { start: { line, character: t.start + eq + 1 }, end: r.end }, quoted: false },
        range: r,
      });
      continue;
    }
    const bare = word ? tables.bareFlags.get(text) : undefined;
    if (bare !== undefined) {
      noteSeen(seen, bare.canonical, r, text);
      args.push({ kind: 'flag', name: { text, range: r, quoted: false }, canonical: bare.canonical, value: null, range: r });
      continue;
    }
    if (positionals >= spec.positionals.length) {
      const suggestions = nearest(text, tables.bareFlags.keys());
      const what = suggestions.length > 0 ? didYouMean(suggestions) : ` ('${spec.name}' takes ${describeArity(spec)})`;
      throw lineError('SS103', `unexpected argument '${text}'${what}`, r, suggestions);
    }
    positionals++;
    args.push({ kind: 'positional', word: { text, range: r, quoted: !word }, range: r });
  }
  if (positionals < tables.required) {
    const missing = spec.positionals[positionals];
    const last = tokens[tokens.length - 1] as Token;
    throw lineError('SS102', `'${spec.name}' is missing ${missing?.name ?? 'an argument'} (usage: ${spec.synopsis})`, range(line, last.end, last.end));
  }
  const nameRange = tokenRange(line, nameToken);
  const last = tokens[tokens.length - 1] as Token;
  return { kind: 'command', name: { text: nameToken.text, range: nameRange, quoted: false }, args, range: { start: nameRange.start, end: { line, character: last.end } } };
}

function describeArity(spec: CommandSpec): string {
  if (spec.positionals.length === 0) return 'no positional arguments';
  return spec.positionals.map((p) => (p.optional === true ? `[${p.name}]` : p.name)).join(' ');
}

/** `-p 5`, `-p5`, `--priority=5`, `-d`, `--discard=once`. Returns the index of the last token consumed. */
function parseDashFlag(
  line: number,
  tokens: readonly Token[],
  i: number,
  spec: CommandSpec,
  args: Arg[],
  seen: string[],
  flagNames: readonly string[],
): number {
  const t = tokens[i] as Token;
  const text = t.text;
  const long = text.startsWith('--');
  const eq = long ? text.indexOf('=') : -1;
  const typed = long ? (eq >= 0 ? text.slice(0, eq) : text) : text.slice(0, 2);
  const nameRange = range(line, t.start, t.start + typed.length);
  const flag = findFlag(spec, typed);
  if (flag === undefined) {
    const suggestions = nearest(typed, flagNames);
    throw lineError('SS104', `'${spec.name}' has no flag '${typed}'${didYouMean(suggestions)}`, nameRange, suggestions);
  }
  const attached = long ? (eq >= 0 ? text.slice(eq + 1) : null) : text.length > 2 ? text.slice(2) : null;
  const attachedStart = t.start + typed.length + (long ? 1 : 0);
  let value: Word | null = null;
  let last = t;
  let consumed = i;
  if (flag.value === 'none') {
    if (attached !== null) throw lineError('SS104', `'${typed}' takes no value`, tokenRange(line, t));
  } else if (attached !== null && attached !== '') {
    value = { text: attached, range: range(line, attachedStart, t.end), quoted: false };
  } else if (flag.value === 'required') {
    const next = tokens[i + 1];
    if (attached === '' || next === undefined || (next.kind !== 'word' && next.kind !== 'string')) {
      throw lineError('SS106', `'${typed}' needs a value`, tokenRange(line, t));
    }
    value = toWord(line, next);
    last = next;
    consumed = i + 1;
  } else if (attached === '') {
    throw lineError('SS106', `'${typed}=' needs a value`, tokenRange(line, t));
  }
  const r = tokenRange(line, t, last);
  noteSeen(seen, flag.canonical, r, typed);
  const arg: FlagArg = { kind: 'flag', name: { text: typed, range: nameRange, quoted: false }, canonical: flag.canonical, value, range: r };
  args.push(arg);
  return consumed;
}
