/**
 * The checker's side of variables: `let`, `repeat … as NAME`, and `$`
 * substitutions in the words of other statements.
 *
 * A substitution whose variables all have values the checker knows (a
 * constant `let` outside loops, arithmetic on constants) is folded, and the
 * statement is checked as if written with the result. Otherwise the
 * statement becomes a `dynamic` operation: its syntax and variables are
 * checked here, its values when it runs (server/session/dynamic.ts). Names
 * a dynamic statement creates (`task t$i`) are unknown to the checker, so
 * unknown names of that kind are left to the run from then on.
 */
import type { LetStatement, RepeatStatement, Word } from '../syntax/ast';
import { range as lineRange } from '../syntax/ast';
import { OBSERVABLE_FORMS } from '../catalog';
import type { CheckedStatement, LetValue } from './checked';
import { cachedCgroup, flag, option, positional, type CheckContext, type DynamicKind } from './context';
import { USEMEM_REGION } from './commands';
import { makeDiagnostic } from '../diagnostics';
import {
  ExprError,
  expand,
  isVariableName,
  parseTemplate,
  usesRandom,
  variablesOf,
  type EvalEnv,
  type Template,
} from '../syntax/expr';
import { normalisePath, parentCgroup } from './paths';
import { expands, mapValueWords, retext, valueWords, type SubstitutableStatement } from './substitute';

/** What the analysis of a statement's substitutions found. */
export type SubstitutionPlan =
  | { readonly kind: 'none' }
  /** Every substitution folded: check this copy instead. */
  | { readonly kind: 'folded'; readonly statement: SubstitutableStatement }
  /** Values known only at run time. */
  | { readonly kind: 'dynamic' }
  /** A malformed substitution or an unknown variable (reported). */
  | { readonly kind: 'error' };

function wordRange(w: Word, from: number, to: number): { range: Word['range'] } {
  const offset = w.quoted ? 1 : 0;
  const line = w.range.start.line;
  const start = w.range.start.character + offset;
  // a folded word's text may be longer than what was written: stay inside the word
  const end = Math.min(start + to, w.range.end.character);
  return { range: lineRange(line, Math.min(start + from, end), end) };
}

/** The constants the checker knows, as an evaluation environment (no random(): that is the run's). */
function constantEnv(ctx: CheckContext): EvalEnv {
  return {
    lookup: (name) => ctx.vars.get(name)?.constant ?? undefined,
    pageSize: ctx.config.pageSize,
    random: null,
  };
}

/**
 * Parse a word's substitutions and check that each variable is set (or a
 * loop variable in scope). Returns the template and whether it folds, or
 * null after reporting.
 */
function analyseWord(ctx: CheckContext, w: Word): { template: Template; constant: boolean } | null {
  const parsed = parseTemplate(w.text);
  if (!parsed.ok) {
    ctx.report(makeDiagnostic('SS116', parsed.error.message, wordRange(w, parsed.error.start, parsed.error.end).range));
    return null;
  }
  let constant = !usesRandom(parsed.template);
  let ok = true;
  for (const v of variablesOf(parsed.template)) {
    if (ctx.loopVars.includes(v.name)) {
      constant = false;
      continue;
    }
    const info = ctx.vars.get(v.name);
    if (info === undefined) {
      const known = [...ctx.vars.keys(), ...ctx.loopVars];
      ctx.unknown(
        'SS226',
        `${v.name} is not set: define it with \`let ${v.name} = …\` or \`repeat N as ${v.name} {\` before this line`,
        { ...w, ...wordRange(w, v.start, v.end), text: v.name },
        known,
      );
      ok = false;
      continue;
    }
    if (info.constant === null) constant = false;
  }
  return ok ? { template: parsed.template, constant } : null;
}

/** Fold a word whose substitutions are constant; null after reporting an evaluation error. */
function foldWord(ctx: CheckContext, w: Word, t: Template): Word | null {
  try {
    return retext(w, expand(t, constantEnv(ctx)));
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    ctx.report(makeDiagnostic('SS116', e.message, wordRange(w, e.start, e.end).range));
    return null;
  }
}

/** Look at every `$` in the statement's value words: none, all foldable, some dynamic, or an error. */
export function planSubstitutions(ctx: CheckContext, stmt: SubstitutableStatement): SubstitutionPlan {
  const words = valueWords(stmt);
  if (!words.some(expands)) return { kind: 'none' };
  const folded = new Map<Word, Word>();
  let dynamic = false;
  let error = false;
  for (const w of words) {
    if (!expands(w)) continue;
    const a = analyseWord(ctx, w);
    if (a === null) {
      error = true;
      continue;
    }
    if (!a.constant) {
      dynamic = true;
      continue;
    }
    const f = foldWord(ctx, w, a.template);
    if (f === null) error = true;
    else folded.set(w, f);
  }
  if (error) return { kind: 'error' };
  if (dynamic) return { kind: 'dynamic' };
  return { kind: 'folded', statement: mapValueWords(stmt, (w) => folded.get(w) ?? w) };
}

/** A count needed before the run (a repeat count): literal or folded; SS320 when it depends on the run. */
export function constantWord(ctx: CheckContext, w: Word, what: string): Word | null {
  if (!expands(w)) return w;
  const a = analyseWord(ctx, w);
  if (a === null) return null;
  if (!a.constant) {
    ctx.error(
      'SS320',
      `the ${what} must be known before the run: it may use constants (\`let N = 512\` outside loops), not observables, loop variables or random()`,
      w,
    );
    return null;
  }
  return foldWord(ctx, w, a.template);
}

const OBSERVABLE_KEYWORDS = new Set(OBSERVABLE_FORMS.map((f) => f.keyword));

/** Whether `let`'s value words name an observable rather than a literal or an expression. */
function isObservable(words: readonly Word[]): boolean {
  const first = words[0];
  if (first === undefined || first.quoted) return false;
  if (words.length > 1) return true;
  const t = first.text;
  return (
    OBSERVABLE_KEYWORDS.has(t) ||
    t.startsWith('&') ||
    (!t.startsWith('$') && (t.includes('/') || t.startsWith('memory.') || t.startsWith('cgroup.')))
  );
}

/** A variable name that is not a loop variable of an enclosing block. */
function checkVariableName(ctx: CheckContext, w: Word, what: string): boolean {
  if (!isVariableName(w.text)) {
    ctx.error('SS227', `'${w.text}' is not a valid ${what} name (a letter or _, then letters, digits and _)`, w);
    return false;
  }
  if (ctx.loopVars.includes(w.text)) {
    ctx.error('SS227', `${w.text} is the variable of an enclosing \`repeat … as ${w.text}\` block`, w);
    return false;
  }
  return true;
}

/** The observable a `let` reads, resolved now (static words) or left to the run. */
export type ObservableResolver = (ctx: CheckContext, words: readonly Word[]) => LetValue | null;

export function checkLet(ctx: CheckContext, stmt: LetStatement, resolve: ObservableResolver): CheckedStatement | null {
  const nameOk = checkVariableName(ctx, stmt.name, 'variable');
  let value: LetValue | null = null;
  let constant: number | string | null = null;
  if (isObservable(stmt.value)) {
    const plan = planSubstitutions(ctx, stmt);
    if (plan.kind === 'dynamic') value = { kind: 'deferred-observable', words: stmt.value };
    else if (plan.kind === 'none') value = resolve(ctx, stmt.value);
    else if (plan.kind === 'folded')
      value = resolve(ctx, plan.statement.kind === 'let' ? plan.statement.value : stmt.value);
  } else {
    const w = stmt.value[0] as Word;
    if (!expands(w)) {
      value = { kind: 'text', word: w };
      constant = /^-?\d+$/.test(w.text) ? Number(w.text) : w.text;
    } else {
      const a = analyseWord(ctx, w);
      if (a !== null && a.constant) {
        const f = foldWord(ctx, w, a.template);
        if (f !== null) {
          value = { kind: 'text', word: f };
          constant = Number(f.text);
        }
      } else if (a !== null) {
        value = { kind: 'text', word: w };
      }
    }
  }
  if (!nameOk) return null;
  // set even after an error, so later uses are not reported too; constant only outside loops
  const known = ctx.vars.get(stmt.name.text);
  const fixed = ctx.repeatDepth === 0 && value !== null ? constant : null;
  if (known === undefined) ctx.vars.set(stmt.name.text, { definedAt: stmt.name.range.start.line, constant: fixed });
  else known.constant = fixed;
  return value === null ? null : { op: 'let', range: stmt.range, name: stmt.name.text, value };
}

/** `repeat N as NAME`: the name, checked (null when absent or invalid). */
export function loopVariable(ctx: CheckContext, stmt: RepeatStatement): string | null {
  const v = stmt.variable;
  if (v === null) return null;
  if (!checkVariableName(ctx, v, 'loop variable')) return null;
  if (ctx.vars.has(v.text)) {
    ctx.error(
      'SS227',
      `${v.text} is already a \`let\` variable (line ${(ctx.vars.get(v.text)?.definedAt ?? 0) + 1})`,
      v,
    );
    return null;
  }
  return v.text;
}

// ─── names created by dynamic statements ────────────────────────────────────

/**
 * What a dynamic statement does to the names the checker tracks: a static
 * name is registered as usual (sizes unknown); a name with a substitution
 * marks its kind as dynamic, so later unknown names of that kind are left
 * to the run.
 */
export function dynamicEffects(ctx: CheckContext, stmt: SubstitutableStatement): void {
  if (stmt.kind !== 'command') return;
  const st = ctx.state;
  const line = stmt.range.start.line;
  const name = (i: number): string | null => {
    const w = positional(stmt, i);
    return w === undefined || expands(w) ? null : w.text;
  };
  const mark = (kind: DynamicKind): void => void ctx.dynamicKinds.add(kind);
  switch (stmt.name.text) {
    case 'task':
    case 'fork': {
      const child = name(stmt.name.text === 'task' ? 0 : 1);
      if (child === null) return mark('task');
      const parent = stmt.name.text === 'fork' ? st.tasks.get(name(0) ?? '') : undefined;
      const cg = option(stmt, 'cgroup');
      const cgroup = cg === undefined || expands(cg.value) ? (parent?.cgroup ?? '/') : cgroupOf(cg.value.text);
      const regions = new Map(parent === undefined ? [] : [...parent.regions].map(([k, r]) => [k, { ...r }]));
      st.tasks.set(child, { alive: true, exitedAt: null, cgroup, regions });
      if (stmt.name.text === 'fork' && parent === undefined) mark('region');
      return;
    }
    case 'exit': {
      const t = st.tasks.get(name(0) ?? '');
      if (t !== undefined) {
        t.alive = false;
        t.exitedAt = line;
      }
      return;
    }
    case 'mmap': {
      const t = st.tasks.get(name(0) ?? '');
      const region = name(1);
      if (region === null || t === undefined) return mark('region');
      t.regions.set(region, { pages: null, order: 0, mapped: true, unmappedAt: null });
      return;
    }
    case 'usemem': {
      // usemem's processes NAME0…NAME<n-1>, each with its region (gone again at the end unless `hold`)
      const prefix = name(0);
      const n = option(stmt, 'n');
      const count = n === undefined ? 1 : expands(n.value) ? null : Number(n.value.text);
      if (prefix === null || count === null || !Number.isInteger(count) || count < 1) return mark('task');
      const hold = flag(stmt, 'hold') !== undefined;
      const cg = option(stmt, 'cgroup');
      const cgroup = cg === undefined || expands(cg.value) ? '/' : cgroupOf(cg.value.text);
      for (let i = 0; i < Math.min(count, ctx.limits.maxTasks); i++) {
        const regions = new Map([
          [USEMEM_REGION, { pages: null, order: 0, mapped: hold, unmappedAt: hold ? null : line }],
        ]);
        st.tasks.set(`${prefix}${i}`, { alive: hold, exitedAt: hold ? null : line, cgroup, regions });
      }
      return;
    }
    case 'mkdir': {
      const c = name(0);
      if (c === null) return mark('cgroup');
      const parents = flag(stmt, 'parents') !== undefined;
      for (let p: string | null = cgroupOf(c); p !== null && p !== '/'; p = parents ? parentCgroup(p) : null) {
        st.cgroups.set(p, { alive: true, removedAt: null, subtree: p !== cgroupOf(c) });
      }
      return;
    }
    case 'rmdir': {
      const c = name(0);
      if (c !== null) st.cgroups.set(cgroupOf(c), { alive: false, removedAt: line, subtree: false });
      return;
    }
    case 'swapon': {
      const d = name(0);
      if (d === null) return mark('device');
      st.devices.set(normalisePath(d) ?? d, { active: true, slots: null, offAt: null });
      return;
    }
    case 'swapoff': {
      const d = name(0);
      const known = d === null ? undefined : st.devices.get(normalisePath(d) ?? d);
      if (d !== null && known !== undefined)
        st.devices.set(normalisePath(d) ?? d, { ...known, active: false, offAt: line });
      return;
    }
    default:
      return;
  }
}

function cgroupOf(text: string): string {
  const r = cachedCgroup(text, true);
  return r.ok ? r.value : text;
}
