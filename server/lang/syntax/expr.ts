/**
 * Variables and integer expressions inside words, as a shell expands them:
 * `$NAME`, `${NAME}` and `$((EXPR))` anywhere in a bare word or a
 * double-quoted string (`pages=0..$i`, `size=$((N * 2))K`, `"$U swappiness=0"`).
 * A `$` followed by anything else is a plain character; single-quoted
 * strings never expand (the parser marks them `literal`).
 *
 * EXPR is shell arithmetic on safe integers: decimal and `0x` numbers, sizes
 * with a unit (`4K` = 4096, `16p` = 16 pages in bytes), variable names with
 * or without `$`, `+ - * / %` (division truncates, as in C), unary `-` and
 * `!`, comparisons and `&& ||` giving 0 or 1, parentheses, and the
 * functions `min(a, b)`, `max(a, b)`, `random(n)` (0..n−1) and
 * `random(a, b)` (a..b). A variable holding text is read as a size.
 *
 * Parsing is pure and memoised per word; evaluation takes an `EvalEnv`
 * (the checker's constants, or the running session's variables).
 */
import { Memo } from '../memo';
import { parseSize } from '../units';

export type Expr =
  | { readonly k: 'num'; readonly v: number }
  /** A size literal (`4K`, `16p`): pages depend on the page size. */
  | { readonly k: 'size'; readonly bytes: number; readonly pages: number }
  | { readonly k: 'var'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly k: 'neg' | 'not'; readonly a: Expr }
  | {
      readonly k: 'bin';
      readonly op: BinaryOp;
      readonly a: Expr;
      readonly b: Expr;
      readonly start: number;
      readonly end: number;
    }
  | {
      readonly k: 'call';
      readonly fn: 'min' | 'max' | 'random';
      readonly args: readonly Expr[];
      readonly start: number;
      readonly end: number;
    };

type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/** One `$…` in a word; offsets are within the word's text. */
export type Substitution =
  | { readonly kind: 'var'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'arith'; readonly expr: Expr; readonly start: number; readonly end: number };

export interface TemplateError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** A word cut into literal text and substitutions, in order. */
export interface Template {
  readonly parts: readonly (string | Substitution)[];
  readonly substitutions: readonly Substitution[];
}

export type TemplateResult =
  { readonly ok: true; readonly template: Template } | { readonly ok: false; readonly error: TemplateError };

/** What evaluation needs from its surroundings. */
export interface EvalEnv {
  /** A variable's value (number or text), or undefined when it is not set. */
  lookup(name: string): number | string | undefined;
  readonly pageSize: number;
  /** A uniformly chosen integer in lo..hi; null where no run is going on (constant folding). */
  random: ((lo: number, hi: number) => number) | null;
}

/** Evaluation failed: a message and where, within the word. */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentChar = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);
const DOLLAR = 36;

/** A variable name: a letter or `_`, then letters, digits and `_`. */
export function isVariableName(text: string): boolean {
  if (text.length === 0 || text.length > 64 || !isIdentStart(text.charCodeAt(0))) return false;
  for (let i = 1; i < text.length; i++) if (!isIdentChar(text.charCodeAt(i))) return false;
  return true;
}

/** Whether `text` holds a `$` that starts a substitution (cheap test before parseTemplate). */
export function mayExpand(text: string): boolean {
  let i = text.indexOf('$');
  while (i >= 0) {
    const c = text.charCodeAt(i + 1);
    if (c === 40 /* ( */ || c === 123 /* { */ || isIdentStart(c)) return true;
    i = text.indexOf('$', i + 1);
  }
  return false;
}

const templates = new Memo<TemplateResult>();

/** Cut `text` into literal parts and substitutions (memoised: a loop body repeats the same words). */
export function parseTemplate(text: string): TemplateResult {
  return templates.get(text, scanTemplate);
}

function scanTemplate(text: string): TemplateResult {
  const parts: (string | Substitution)[] = [];
  const subs: Substitution[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== DOLLAR) {
      literal += text[i];
      i++;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    let sub: Substitution;
    if (next === 123 /* { */) {
      const close = text.indexOf('}', i + 2);
      if (close < 0) return fail('`${` is never closed with `}`', i, text.length);
      const name = text.slice(i + 2, close);
      if (!isVariableName(name))
        return fail(`'${name}' is not a variable name (a letter or _, then letters, digits, _)`, i, close + 1);
      sub = { kind: 'var', name, start: i, end: close + 1 };
    } else if (next === 40 /* ( */) {
      if (text.charCodeAt(i + 2) !== 40)
        return fail('`$(…)` runs a command in a shell; scenarios only have arithmetic `$((…))`', i, i + 2);
      const close = matchingClose(text, i + 1);
      if (close < 0 || text.charCodeAt(close - 1) !== 41 || close - 1 <= i + 2)
        return fail('`$((` is never closed with `))`', i, text.length);
      const inner = text.slice(i + 3, close - 1);
      const parsed = parseExpr(inner, i + 3);
      if (!parsed.ok) return { ok: false, error: parsed.error };
      sub = { kind: 'arith', expr: parsed.expr, start: i, end: close + 1 };
    } else if (isIdentStart(next)) {
      let j = i + 2;
      while (j < text.length && isIdentChar(text.charCodeAt(j))) j++;
      sub = { kind: 'var', name: text.slice(i + 1, j), start: i, end: j };
    } else {
      literal += '$';
      i++;
      continue;
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(sub);
    subs.push(sub);
    i = sub.end;
  }
  if (literal !== '') parts.push(literal);
  return { ok: true, template: { parts, substitutions: subs } };
}

function fail(message: string, start: number, end: number): TemplateResult {
  return { ok: false, error: { message, start, end } };
}

/** Index of the `)` closing the `(` at `open`, or -1. */
function matchingClose(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return j;
  }
  return -1;
}

// ─── expressions ─────────────────────────────────────────────────────────────

type ExprResult = { ok: true; expr: Expr } | { ok: false; error: TemplateError };

interface Tok {
  readonly t: string;
  readonly start: number;
  readonly end: number;
}

const OPERATORS = ['&&', '||', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '<', '>', '!', '(', ')', ','];

/** Tokens of an expression; offsets are shifted by `base` (where the expression starts in its word). */
function tokenize(src: string, base: number): Tok[] | TemplateError {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    if (c === DOLLAR || isIdentStart(c)) {
      if (c === DOLLAR) i++;
      if (!isIdentStart(src.charCodeAt(i)))
        return { message: '`$` must be followed by a variable name', start: base + start, end: base + i + 1 };
      while (i < src.length && isIdentChar(src.charCodeAt(i))) i++;
      out.push({ t: src.slice(c === DOLLAR ? start + 1 : start, i), start: base + start, end: base + i });
      continue;
    }
    if (c >= 48 && c <= 57) {
      // a number with an optional unit: digits, letters and a dot (`1.5G`, `0x1000`, `16p`)
      while (i < src.length && (isIdentChar(src.charCodeAt(i)) || src.charCodeAt(i) === 46)) i++;
      out.push({ t: src.slice(start, i), start: base + start, end: base + i });
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op === undefined)
      return { message: `unexpected '${src[i] ?? ''}' in an expression`, start: base + i, end: base + i + 1 };
    i += op.length;
    out.push({ t: op, start: base + start, end: base + i });
  }
  return out;
}

const PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

const exprs = new Memo<ExprResult>();

/** Parse the text between `$((` and `))`; `base` is its offset in the word, for error ranges. */
export function parseExpr(src: string, base = 0): ExprResult {
  if (base !== 0) {
    // offsets depend on base: memoise on both
    return exprs.get(`${base}\u0000${src}`, () => parseExprAt(src, base));
  }
  return exprs.get(src, () => parseExprAt(src, 0));
}

function parseExprAt(src: string, base: number): ExprResult {
  const toks = tokenize(src, base);
  if (!Array.isArray(toks)) return { ok: false, error: toks };
  if (toks.length === 0)
    return { ok: false, error: { message: 'empty expression', start: base, end: base + src.length } };
  let pos = 0;
  const endOf = (): number => (toks[pos - 1]?.end ?? base) as number;
  const expect = (t: string): void => {
    const tok = toks[pos];
    if (tok?.t !== t)
      throw new ExprError(
        `expected '${t}'${tok === undefined ? ' at the end' : `, found '${tok.t}'`}`,
        tok?.start ?? endOf(),
        tok?.end ?? endOf(),
      );
    pos++;
  };
  const primary = (): Expr => {
    const tok = toks[pos];
    if (tok === undefined) throw new ExprError('the expression ends too early', endOf(), endOf());
    pos++;
    if (tok.t === '(') {
      const e = binary(1);
      expect(')');
      return e;
    }
    if (tok.t === '-') return { k: 'neg', a: primary() };
    if (tok.t === '+') return primary();
    if (tok.t === '!') return { k: 'not', a: primary() };
    const c = tok.t.charCodeAt(0);
    if (c >= 48 && c <= 57) return literal(tok);
    if (isIdentStart(c)) {
      if (toks[pos]?.t === '(') {
        if (tok.t !== 'min' && tok.t !== 'max' && tok.t !== 'random')
          throw new ExprError(`unknown function '${tok.t}' (min, max, random)`, tok.start, tok.end);
        pos++;
        const args: Expr[] = [];
        if (toks[pos]?.t !== ')') {
          args.push(binary(1));
          while (toks[pos]?.t === ',') {
            pos++;
            args.push(binary(1));
          }
        }
        expect(')');
        const want = tok.t === 'random' ? [1, 2] : [2, 2];
        if (args.length < (want[0] ?? 0) || args.length > (want[1] ?? 0)) {
          throw new ExprError(
            `${tok.t}() takes ${tok.t === 'random' ? '1 or 2 arguments' : '2 arguments'}`,
            tok.start,
            endOf(),
          );
        }
        return { k: 'call', fn: tok.t, args, start: tok.start, end: endOf() };
      }
      return { k: 'var', name: tok.t, start: tok.start, end: tok.end };
    }
    throw new ExprError(`unexpected '${tok.t}'`, tok.start, tok.end);
  };
  const binary = (minPrec: number): Expr => {
    let left = primary();
    for (;;) {
      const tok = toks[pos];
      const prec = tok === undefined ? undefined : PRECEDENCE[tok.t];
      if (tok === undefined || prec === undefined || prec < minPrec) return left;
      pos++;
      const right = binary(prec + 1);
      left = { k: 'bin', op: tok.t as BinaryOp, a: left, b: right, start: tok.start, end: tok.end };
    }
  };
  try {
    const e = binary(1);
    const extra = toks[pos];
    if (extra !== undefined) throw new ExprError(`unexpected '${extra.t}'`, extra.start, extra.end);
    return { ok: true, expr: e };
  } catch (err) {
    if (err instanceof ExprError) return { ok: false, error: { message: err.message, start: err.start, end: err.end } };
    throw err;
  }
}

function literal(tok: Tok): Expr {
  const s = parseSize(tok.t);
  if (!s.ok) throw new ExprError(`'${tok.t}' is not a number or a size`, tok.start, tok.end);
  if (s.kind === 'pages') return { k: 'size', bytes: 0, pages: s.pages };
  if (s.unit === null) return { k: 'num', v: s.bytes };
  return { k: 'size', bytes: s.bytes, pages: 0 };
}

/** Variables an expression or template reads, with their offsets in the word. */
export function variablesOf(t: Template): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  const walk = (e: Expr): void => {
    switch (e.k) {
      case 'var':
        out.push({ name: e.name, start: e.start, end: e.end });
        return;
      case 'neg':
      case 'not':
        walk(e.a);
        return;
      case 'bin':
        walk(e.a);
        walk(e.b);
        return;
      case 'call':
        for (const a of e.args) walk(a);
        return;
      default:
        return;
    }
  };
  for (const s of t.substitutions) {
    if (s.kind === 'var') out.push({ name: s.name, start: s.start, end: s.end });
    else walk(s.expr);
  }
  return out;
}

/** Whether the template calls random() (never folded: its value belongs to the run). */
export function usesRandom(t: Template): boolean {
  const walk = (e: Expr): boolean => {
    switch (e.k) {
      case 'neg':
      case 'not':
        return walk(e.a);
      case 'bin':
        return walk(e.a) || walk(e.b);
      case 'call':
        return e.fn === 'random' || e.args.some(walk);
      default:
        return false;
    }
  };
  return t.substitutions.some((s) => s.kind === 'arith' && walk(s.expr));
}

// ─── evaluation ──────────────────────────────────────────────────────────────

function safe(v: number, e: { start: number; end: number }): number {
  if (!Number.isSafeInteger(v))
    throw new ExprError(`the result ${v} is not a safe integer (beyond ±2^53)`, e.start, e.end);
  return v;
}

/** A variable's value as a number: text is read as a size in bytes (or pages × page size). */
function numberOf(name: string, value: number | string, pageSize: number, at: { start: number; end: number }): number {
  if (typeof value === 'number') return value;
  const s = parseSize(value.trim());
  if (!s.ok) {
    const neg = /^-\d+$/.test(value.trim()) ? Number(value.trim()) : null;
    if (neg !== null) return neg;
    throw new ExprError(`${name} is '${value}', not a number`, at.start, at.end);
  }
  return s.kind === 'pages' ? s.pages * pageSize : s.bytes;
}

export function evaluate(e: Expr, env: EvalEnv): number {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'size':
      return safe(e.bytes + e.pages * env.pageSize, { start: 0, end: 0 });
    case 'var': {
      const v = env.lookup(e.name);
      if (v === undefined) throw new ExprError(`${e.name} is not set`, e.start, e.end);
      return numberOf(e.name, v, env.pageSize, e);
    }
    case 'neg':
      return -evaluate(e.a, env) || 0;
    case 'not':
      return evaluate(e.a, env) === 0 ? 1 : 0;
    case 'bin': {
      const a = evaluate(e.a, env);
      if (e.op === '&&') return a !== 0 && evaluate(e.b, env) !== 0 ? 1 : 0;
      if (e.op === '||') return a !== 0 || evaluate(e.b, env) !== 0 ? 1 : 0;
      const b = evaluate(e.b, env);
      switch (e.op) {
        case '+':
          return safe(a + b, e);
        case '-':
          return safe(a - b, e);
        case '*':
          return safe(a * b, e);
        case '/':
        case '%':
          if (b === 0) throw new ExprError('division by zero', e.start, e.end);
          return e.op === '/' ? Math.trunc(a / b) || 0 : a % b || 0;
        case '==':
          return a === b ? 1 : 0;
        case '!=':
          return a !== b ? 1 : 0;
        case '<':
          return a < b ? 1 : 0;
        case '<=':
          return a <= b ? 1 : 0;
        case '>':
          return a > b ? 1 : 0;
        default:
          return a >= b ? 1 : 0;
      }
    }
    case 'call': {
      const args = e.args.map((x) => evaluate(x, env));
      if (e.fn === 'min') return Math.min(args[0] ?? 0, args[1] ?? 0);
      if (e.fn === 'max') return Math.max(args[0] ?? 0, args[1] ?? 0);
      const [lo, hi] = args.length === 1 ? [0, (args[0] ?? 0) - 1] : [args[0] ?? 0, args[1] ?? 0];
      if (hi < lo) throw new ExprError(`random() has an empty range ${lo}..${hi}`, e.start, e.end);
      if (env.random === null) throw new ExprError('random() has a value only while the scenario runs', e.start, e.end);
      return env.random(lo, hi);
    }
  }
}

/** The word's text with every substitution replaced by its value. */
export function expand(t: Template, env: EvalEnv): string {
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') out += p;
    else if (p.kind === 'var') {
      const v = env.lookup(p.name);
      if (v === undefined) throw new ExprError(`${p.name} is not set`, p.start, p.end);
      out += String(v);
    } else out += String(evaluate(p.expr, env));
  }
  return out;
}

/**
 * A deterministic choice in lo..hi from the scenario's seed, the step
 * number and the call's place within the step: replaying a step (after a
 * step back) makes the same choices, with no state to undo.
 */
export function seededRandom(seed: number, step: number, call: number, lo: number, hi: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(step + 1, 0xc2b2ae35) ^ Math.imul(call + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  const h2 = Math.imul(h ^ 0x5bd1e995, 0x1b873593) >>> 0;
  // 53 random bits, then the range (ranges above 2^53 are not safe integers anyway)
  const r = ((h >>> 0) * 2 ** 21 + (h2 >>> 11)) / 2 ** 53;
  return lo + Math.floor(r * (hi - lo + 1));
}
