/**
 * Debugger expressions: what the Debug Console, Watch, breakpoint
 * conditions, logpoint templates and data breakpoints say, in the scenario
 * language's own `expect` grammar (docs/debugger.md). An expression is an
 * observable (`/proc/vmstat pswpout`, `slot /dev/vda 1 count`) or a
 * comparison (`memory.swap.current > 16M`), checked by the checker's own
 * resolver (server/lang/check/expect.ts) and read by the interpreter's `observe`
 * and `compare`. Two additions for looking around, both spelt in the same
 * words:
 *
 * - a form without its last word lists what it holds: `slot /dev/vda 1`
 *   is every field of the slot, `/proc/vmstat` every key, `/proc/swaps`
 *   every device's row;
 * - a cgroup file the root cgroup does not have, named without a cgroup
 *   (`memory.swap.current`), stands for that file in every cgroup; as a
 *   condition it holds when it holds for at least one of them.
 *
 * `$NAME`, `${NAME}` and `$((…))` expand as in a statement, with the
 * scenario's variables and the loop counters of the next statement, each
 * time the expression is read; a lone `$NAME` reads the variable.
 */
import type { ExpectCompare, Word } from '../lang/syntax/ast';
import {
  CLUSTER_FIELDS,
  DEVICE_FIELDS,
  FREE_COLUMNS,
  FREE_ROWS,
  KEYS,
  SLOT_FIELDS,
  SWAPS_COLUMNS,
  TASK_FIELDS,
  type FieldSpec,
  type ObservableUnit,
} from '../lang/catalog';
import {
  type Comparison,
  type ExpectedValue,
  type Observable,
  type ScenarioConfig,
  type Tolerance,
} from '../lang/check/checked';
import { cachedFile, type CheckContext } from '../lang/check/context';
import { checkCompare, resolveObservable } from '../lang/check/expect';
import { ExprError, expand, mayExpand, parseTemplate } from '../lang/syntax/expr';
import { lexLine } from '../lang/syntax/lexer';
import { LineParser } from '../lang/syntax/line_parser';
import { WordNode } from '../lang/syntax/nodes';
import { formatBytes } from '../../shared/format';
import type { DesignName } from '../../shared/protocol';
import type { Kernel } from '../sim/kernel';
import { KernelError } from '../sim/errno';
import { compare, observe } from './interpreter';

/** Names a scenario creates anywhere (the language server's name index): breakpoints are set before the run creates them. */
export interface KnownNames {
  readonly devices: Iterable<string>;
  /** Canonical cgroup paths: `/`, `/app`. */
  readonly cgroups: Iterable<string>;
  readonly tasks: Iterable<string>;
}

/** What an expression is checked against: the machine's configuration and the names in scope. */
export interface ExprEnv {
  readonly config: ScenarioConfig;
  /** A fresh checker context holding the names in scope (one check's diagnostics go into it). */
  context(): CheckContext;
}

/** One value, in the observable's unit. */
export interface ValueExpr {
  readonly kind: 'value';
  readonly text: string;
  readonly observable: Observable;
  readonly unit: ObservableUnit;
}

/** What a form without its last word holds: the expressions of its parts, found on the machine as it is. */
export interface RecordExpr {
  readonly kind: 'record';
  readonly text: string;
  /** True for a cgroup file named without a cgroup: a condition holds if it holds for any part. */
  readonly anyOf: boolean;
  parts(k: Kernel): { name: string; expression: string }[];
}

export interface CompareExpr {
  readonly kind: 'compare';
  readonly text: string;
  readonly subject: ValueExpr | RecordExpr;
  /** The comparison after the subject's words (`> 16M`), re-applied to each part of an `anyOf` subject. */
  readonly tail: string;
  readonly comparison: Comparison;
  readonly expected: ExpectedValue;
  readonly tolerance: Tolerance | null;
}

/** Words with `$` substitutions: expanded and checked again at every read. */
export interface TemplateExpr {
  readonly kind: 'template';
  readonly text: string;
}

export type Expr = ValueExpr | RecordExpr | CompareExpr | TemplateExpr;

/** What a breakpoint's condition may be: a comparison, or one with substitutions (a comparison once expanded). */
export type ConditionExpr = CompareExpr | TemplateExpr;

export type Compiled = { ok: true; expr: Expr } | { ok: false; message: string };

/** `ctx` with every name of `names` it lacks, as if created (their sizes unknown). */
export function withKnownNames(ctx: CheckContext, names: KnownNames): CheckContext {
  const st = ctx.state;
  for (const path of names.devices)
    if (!st.devices.has(path)) st.devices.set(path, { active: true, slots: null, offAt: null });
  for (const cgroup of names.cgroups)
    if (!st.cgroups.get(cgroup)?.alive) st.cgroups.set(cgroup, { alive: true, removedAt: null, subtree: true });
  for (const name of names.tasks)
    if (!st.tasks.has(name)) st.tasks.set(name, { alive: true, exitedAt: null, cgroup: '/', regions: new Map() });
  return ctx;
}

function firstProblem(ctx: CheckContext, fallback: string): string {
  return ctx.buffer.find((d) => d.severity === 'error')?.message ?? fallback;
}

const COMPARISON_OPERATORS = new Set(['==', '!=', '<', '<=', '>', '>=', '≈', '~=']);

/** The form a subject without its last word expands to, if it is one. */
function recordParts(words: readonly Word[], env: ExprEnv): RecordExpr | null {
  const text = words.map((w) => w.text).join(' ');
  const head = words[0]?.text ?? '';
  const fields = (list: readonly FieldSpec[]): RecordExpr => ({
    kind: 'record',
    text,
    anyOf: false,
    parts: () => list.map((f) => ({ name: f.name, expression: `${text} ${f.name}` })),
  });
  const n = words.length;
  if ((head === 'slot' || head === 'cluster') && n === 3) return fields(head === 'slot' ? SLOT_FIELDS : CLUSTER_FIELDS);
  if ((head === 'task' || head === 'device') && n === 2) return fields(head === 'task' ? TASK_FIELDS : DEVICE_FIELDS);
  if (head === 'free' && n === 2) return fields(FREE_COLUMNS);
  if (head === 'free' && n === 1)
    return {
      kind: 'record',
      text,
      anyOf: false,
      parts: () => FREE_ROWS.map((row) => ({ name: row, expression: `free ${row}` })),
    };
  const looksLikePath = head.includes('/') || head.startsWith('memory.') || head.startsWith('cgroup.');
  if (!looksLikePath) return null;
  const file = cachedFile(head, env.config.pageSize, env.config.pmdOrder);
  if (!file.ok) {
    // A cgroup file the root does not have, without a cgroup: that file in every cgroup.
    if (file.code !== 'SS217' || head.includes('/')) return null;
    const rest = words
      .slice(1)
      .map((w) => ` ${w.text}`)
      .join('');
    return {
      kind: 'record',
      text,
      anyOf: true,
      parts: (k) => {
        const out: { name: string; expression: string }[] = [];
        for (const m of k.memcgs.byId.values())
          if (m.online && !m.isRoot) out.push({ name: `/${m.path}`, expression: `${m.path}/${head}${rest}` });
        return out;
      },
    };
  }
  const { ref, spec } = file.value;
  if (ref.kind === 'proc' && ref.name === 'swaps') {
    if (n === 2) return fields(SWAPS_COLUMNS);
    if (n === 1)
      return {
        kind: 'record',
        text,
        anyOf: false,
        parts: (k) => k.swap.devices.map((si) => ({ name: si.path, expression: `${head} ${si.path}` })),
      };
    return null;
  }
  if (spec.keys !== undefined && n === 1) {
    const keys = KEYS[spec.keys];
    return {
      kind: 'record',
      text,
      anyOf: false,
      parts: () => keys.map((key) => ({ name: key.name, expression: `${head} ${key.name}` })),
    };
  }
  return null;
}

function wordsOf(text: string): { words: WordNode[]; operator: boolean; substitutions: boolean } | { error: string } {
  const lexed = lexLine(text);
  if (lexed.error !== null) return { error: lexed.error.message };
  const words: WordNode[] = [];
  let operator = false;
  let substitutions = false;
  for (const t of lexed.tokens) {
    if (t.kind !== 'op' && mayExpand(t.text)) {
      const parsed = parseTemplate(t.text);
      if (!parsed.ok) return { error: `${t.text}: ${parsed.error.message}` };
      substitutions = true;
    }
    if (t.kind === 'op' && COMPARISON_OPERATORS.has(t.text)) operator = true;
    if (!operator) {
      if (t.kind !== 'word' && t.kind !== 'string') return { error: `unexpected '${t.text}' in the expression` };
      words.push(new WordNode(t.text, 0, t.start, t.end, t.kind === 'string'));
    }
  }
  return { words, operator, substitutions };
}

/** The text with every `$` substitution expanded (variables and loop counters as `lookup` has them). */
export function expandText(
  text: string,
  lookup: (name: string) => number | string | undefined,
  pageSize: number,
): string | { error: string } {
  const lexed = lexLine(text);
  let out = '';
  let at = 0;
  for (const t of lexed.tokens) {
    if (t.kind === 'op' || !mayExpand(t.text)) continue;
    const parsed = parseTemplate(t.text);
    if (!parsed.ok) return { error: `${t.text}: ${parsed.error.message}` };
    try {
      out += text.slice(at, t.start) + expand(parsed.template, { lookup, pageSize, random: null });
    } catch (error) {
      if (error instanceof ExprError) return { error: `${t.text}: ${error.message}` };
      throw error;
    }
    at = t.end;
  }
  return out + text.slice(at);
}

const FORMS_HINT =
  'an observable as `expect` names it: a file path (`/proc/vmstat pswpout`, `app/memory.swap.current`), or free, slot, cluster, task, device, overhead';

/** Check an expression; the message of a failure is the checker's own (with its "did you mean"). */
export function compileExpr(text: string, env: ExprEnv): Compiled {
  const source = text.trim();
  if (source === '') return { ok: false, message: `empty expression: write ${FORMS_HINT}` };
  const split = wordsOf(source);
  if ('error' in split) return { ok: false, message: split.error };
  if (split.words.length === 0)
    return { ok: false, message: `nothing to compare before the operator: write ${FORMS_HINT}` };
  // With substitutions the words are known only when read: checked then, against the values of the moment.
  if (split.substitutions || mayExpand(source)) return { ok: true, expr: { kind: 'template', text: source } };
  const ctx = env.context();
  const record = recordParts(split.words, env);
  const subjectText = split.words.map((w) => w.text).join(' ');
  if (!split.operator) {
    if (record !== null) return checkRecord(record, env);
    const resolved = resolveObservable(ctx, split.words);
    if (resolved === null) return { ok: false, message: firstProblem(ctx, `'${source}' is not an observable`) };
    return {
      ok: true,
      expr: { kind: 'value', text: subjectText, observable: resolved.observable, unit: resolved.unit },
    };
  }
  if (record !== null && !record.anyOf) {
    return {
      ok: false,
      message: `'${subjectText}' holds several values: compare one of them (e.g. ${subjectText} ${exampleField(split.words)})`,
    };
  }
  // Compare through the `expect` line parser and checker, so the grammar is exactly theirs.
  const subjectEnd = split.words[split.words.length - 1]!.endChar;
  const tail = source.slice(subjectEnd).trim();
  let subjectWords: readonly WordNode[] = split.words;
  if (record !== null) {
    // A cgroup file named without a cgroup: check the comparison on one cgroup's file.
    const cgroup = representativeCgroup(ctx);
    ctx.state.cgroups.set(`/${cgroup}`, { alive: true, removedAt: null, subtree: true });
    const head = split.words[0]!;
    subjectWords = [
      new WordNode(`${cgroup}/${head.text}`, 0, head.startChar, head.endChar, false),
      ...split.words.slice(1),
    ];
  }
  const lineText = `expect ${subjectWords.map((w) => (w.quoted ? JSON.stringify(w.text) : w.text)).join(' ')} ${tail}`;
  const parsed = new LineParser(false).parseLine(lineText, 0);
  if (
    parsed.statement === null ||
    parsed.statement.kind !== 'expect' ||
    parsed.statement.assertion.form !== 'compare'
  ) {
    return { ok: false, message: parsed.diagnostic?.message ?? `'${source}' is not a comparison` };
  }
  const assertion: ExpectCompare = parsed.statement.assertion;
  const checked = checkCompare(ctx, assertion, parsed.statement.range);
  if (checked === null || checked.op !== 'expect')
    return { ok: false, message: firstProblem(ctx, `'${source}' is not a comparison`) };
  const subject: ValueExpr | RecordExpr = record ?? {
    kind: 'value',
    text: subjectText,
    observable: checked.observable,
    unit: checked.unit,
  };
  return {
    ok: true,
    expr: {
      kind: 'compare',
      text: `${subjectText} ${tail}`,
      subject,
      tail,
      comparison: checked.comparison,
      expected: checked.expected,
      tolerance: checked.tolerance,
    },
  };
}

/** A record is checked through its first part, so a misspelt device or task is caught now, not at every read. */
function checkRecord(record: RecordExpr, env: ExprEnv): Compiled {
  if (record.anyOf) return { ok: true, expr: record };
  const ctx = env.context();
  const words = wordsOf(record.text);
  if ('error' in words) return { ok: false, message: words.error };
  // Every record form's parts share its words; the checker looks at the prefix through any one of them.
  const probe = wordsOf(`${record.text} ${probeField(words.words)}`);
  if ('error' in probe || probe.words.length === words.words.length) return { ok: true, expr: record };
  if (resolveObservable(ctx, probe.words) === null)
    return { ok: false, message: firstProblem(ctx, `'${record.text}' is not an observable`) };
  return { ok: true, expr: record };
}

function probeField(words: readonly Word[]): string {
  const head = words[0]?.text ?? '';
  if (head === 'slot') return 'count';
  if (head === 'cluster') return 'count';
  if (head === 'task') return 'state';
  if (head === 'device') return 'prio';
  if (head === 'free') return words.length === 1 ? 'swap free' : 'free';
  if (words.length === 2) return 'Used';
  return '';
}

function exampleField(words: readonly Word[]): string {
  return probeField(words) || 'KEY';
}

/** A cgroup to check a comparison on a cgroup file named without one: the first one there is, or a stand-in. */
function representativeCgroup(ctx: CheckContext): string {
  for (const [c, info] of ctx.state.cgroups) if (c !== '/' && info.alive) return c.slice(1);
  return 'cg';
}

// --------------------------------------------------------------- reading

/** A value as a person reads it: the unit the scenario writes, and the size in bytes. */
export function displayValue(value: number | string, unit: ObservableUnit, pageSize: number): string {
  if (typeof value === 'string') return value;
  switch (unit) {
    case 'bytes':
      return value >= 1024 ? `${formatBytes(value)} (${value} B)` : `${value} B`;
    case 'kB':
      return value >= 1024 ? `${value} kB (${formatBytes(value * 1024)})` : `${value} kB`;
    case 'pages':
      return value === 0 ? '0 pages' : `${value} pages (${formatBytes(value * pageSize)})`;
    case 'bool':
      return value ? 'yes' : 'no';
    default:
      return String(value);
  }
}

export interface Reading {
  /** What to show. */
  readonly display: string;
  /** What to compare between steps (a data breakpoint's value). */
  readonly raw: string;
}

/** Where reading an expression needs the machine, the design and a compiler for the parts of records. */
export interface ReadContext {
  readonly kernel: Kernel;
  readonly design: DesignName;
  /** Variables and the loop counters of the next statement, for `$` substitutions. */
  lookup(name: string): number | string | undefined;
  /** Compiles a part's expression (cached by the caller). */
  compile(text: string): Compiled;
}

/** The value of a one-value expression; a KernelError (device gone, slot out of range) becomes its message. */
function readValue(expr: ValueExpr, rc: ReadContext): Reading {
  try {
    const v = observe(rc.kernel, expr.observable, rc.design);
    return { display: displayValue(v, expr.unit, rc.kernel.geom.pageSize), raw: String(v) };
  } catch (error) {
    if (!(error instanceof KernelError)) throw error;
    const text = `<${error.message}>`;
    return { display: text, raw: text };
  }
}

/** A record's parts with their readings (parts that do not check show why). */
export function readParts(
  expr: RecordExpr,
  rc: ReadContext,
  limit = 2000,
): { name: string; expression: string; reading: Reading; record: boolean }[] {
  return expr
    .parts(rc.kernel)
    .slice(0, limit)
    .map(({ name, expression }) => {
      const part = rc.compile(expression);
      if (!part.ok)
        return { name, expression, reading: { display: `<${part.message}>`, raw: part.message }, record: false };
      return { name, expression, reading: read(part.expr, rc), record: part.expr.kind === 'record' };
    });
}

/** A template expanded and checked now: the expression it stands for, or why not. */
export function resolveTemplate(expr: TemplateExpr, rc: ReadContext): Compiled & { expanded?: string } {
  const expanded = expandText(expr.text, rc.lookup, rc.kernel.geom.pageSize);
  if (typeof expanded !== 'string') return { ok: false, message: expanded.error };
  const compiled = rc.compile(expanded);
  return compiled.ok ? { ...compiled, expanded } : compiled;
}

/** A lone substitution (`$n`, `$((n * 4))`) reads as its value. */
export function loneSubstitution(text: string): boolean {
  const tokens = lexLine(text).tokens;
  return tokens.length === 1 && tokens[0]!.kind === 'word' && mayExpand(tokens[0]!.text);
}

/** Any expression's reading; a record reads as its parts (inline when few). */
export function read(expr: Expr, rc: ReadContext): Reading {
  switch (expr.kind) {
    case 'template': {
      if (loneSubstitution(expr.text)) {
        const value = expandText(expr.text, rc.lookup, rc.kernel.geom.pageSize);
        const display = typeof value === 'string' ? value : `<${value.error}>`;
        return { display, raw: display };
      }
      const resolved = resolveTemplate(expr, rc);
      if (!resolved.ok) return { display: `<${resolved.message}>`, raw: resolved.message };
      return read(resolved.expr, rc);
    }
    case 'value':
      return readValue(expr, rc);
    case 'compare': {
      const verdict = holds(expr, rc);
      return {
        display: verdict.holds ? `true  (${verdict.detail})` : `false  (${verdict.detail})`,
        raw: String(verdict.holds),
      };
    }
    case 'record': {
      const parts = readParts(expr, rc);
      const raw = parts.map((p) => `${p.name}=${p.reading.raw}`).join('\u0000');
      if (parts.length === 0) return { display: expr.anyOf ? 'no cgroup has it' : 'empty', raw };
      const inline = parts.map((p) => `${p.name}: ${p.reading.display}`).join(', ');
      return { display: parts.length <= 8 && inline.length <= 200 ? `{ ${inline} }` : `${parts.length} entries`, raw };
    }
  }
}

/** Whether a comparison holds now, and the values it compared. */
export function holds(expr: ConditionExpr, rc: ReadContext): { holds: boolean; detail: string; error?: true } {
  if (expr.kind === 'template') {
    const resolved = resolveTemplate(expr, rc);
    if (!resolved.ok) return { holds: false, detail: resolved.message, error: true };
    if (resolved.expr.kind !== 'compare')
      return { holds: false, detail: `'${resolved.expanded ?? expr.text}' is not a comparison`, error: true };
    return holds(resolved.expr, rc);
  }
  if (expr.subject.kind === 'value') {
    const subject = expr.subject;
    let actual: number | string;
    try {
      actual = observe(rc.kernel, subject.observable, rc.design);
    } catch (error) {
      if (!(error instanceof KernelError)) throw error;
      return { holds: false, detail: error.message, error: true };
    }
    return {
      holds: compare(actual, expr.comparison, expr.expected, expr.tolerance),
      detail: `${subject.text} = ${displayValue(actual, subject.unit, rc.kernel.geom.pageSize)}`,
    };
  }
  // A cgroup file in every cgroup: holds for any.
  const details: string[] = [];
  for (const part of expr.subject.parts(rc.kernel)) {
    const compiled = rc.compile(`${part.expression} ${expr.tail}`);
    if (!compiled.ok || compiled.expr.kind !== 'compare') continue;
    const verdict = holds(compiled.expr, rc);
    if (verdict.holds) return { holds: true, detail: verdict.detail };
    details.push(verdict.detail);
  }
  return {
    holds: false,
    detail:
      details.length === 0 ? 'no cgroup has it' : details.slice(0, 4).join('; ') + (details.length > 4 ? '; …' : ''),
  };
}

/**
 * A compiler that remembers what it compiled (records' parts are compiled
 * again at every read). Failures are not kept: a name may exist later.
 */
export function cachedCompiler(envNow: () => ExprEnv): (text: string) => Compiled {
  const cache = new Map<string, Compiled>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
    const compiled = compileExpr(text, envNow());
    if (compiled.ok) {
      if (cache.size > 10_000) cache.clear();
      cache.set(text, compiled);
    }
    return compiled;
  };
}
