/**
 * Statements with `$` substitutions at run time: their words are expanded
 * with the variables and loop counters of the moment, and the statement is
 * checked again, by the checker's own code, against a view of the machine
 * (tasks, mappings, cgroups and swap devices as they are now). What the
 * checker would have reported becomes the errno of the step.
 */
import type { Word } from '../lang/syntax/ast';
import type { CheckedStatement, Limits, ScenarioConfig } from '../lang/check/checked';
import { checkOne } from '../lang/check/checker';
import { CheckContext, cachedFile } from '../lang/check/context';
import type { DiagnosticCode } from '../lang/diagnostics';
import { letObservable } from '../lang/check/expect';
import { ExprError, expand, parseTemplate, seededRandom, type EvalEnv } from '../lang/syntax/expr';
import { expands, mapValueWords, retext, type DynamicStatement } from '../lang/check/substitute';
import { KernelError, type ErrnoName } from '../sim/errno';
import type { Kernel } from '../sim/kernel';
import type { LetValue } from '../lang/check/checked';

/** What a running statement sees of the scenario's variables. */
export interface RunScope {
  /** `let` variables now. */
  readonly vars: ReadonlyMap<string, number | string>;
  /** Set a `let` variable (the session records it for step back). */
  setVar(name: string, value: number | string): void;
  /** Loop variables of the enclosing repeat blocks, with this pass's number. */
  readonly loops: ReadonlyMap<string, number>;
  /** The step being run (1-based): random() draws from it. */
  readonly step: number;
  readonly config: ScenarioConfig;
  readonly limits: Limits;
}

/** The evaluation environment of one step; each random() call of the step draws its own number. */
export function evalEnv(scope: RunScope): EvalEnv {
  let calls = 0;
  return {
    lookup: (name) => scope.loops.get(name) ?? scope.vars.get(name),
    pageSize: scope.config.pageSize,
    random: (lo, hi) => seededRandom(scope.config.seed, scope.step, calls++, lo, hi),
  };
}

/** A word's text after expansion; an evaluation error is the step's EINVAL. */
export function expandWord(w: Word, env: EvalEnv): string {
  if (!expands(w)) return w.text;
  const parsed = parseTemplate(w.text);
  if (!parsed.ok) throw new KernelError('EINVAL', `${w.text}: ${parsed.error.message}`);
  try {
    return expand(parsed.template, env);
  } catch (e) {
    if (e instanceof ExprError) throw new KernelError('EINVAL', `${w.text}: ${e.message}`);
    throw e;
  }
}

/** A variable's value from text: a number when it is an integer, else the text. */
export function variableValue(text: string): number | string {
  return /^-?\d{1,15}$/.test(text) ? Number(text) : text;
}

/** Errnos for the checker's complaints about a statement built at run time (its errno diagnostics carry their own). */
const ERRNO_OF: Partial<Record<DiagnosticCode, ErrnoName>> = {
  SS201: 'ESRCH',
  SS207: 'ESRCH',
  SS203: 'ENOENT',
  SS205: 'ENOENT',
  SS209: 'ENOENT',
  SS217: 'ENOENT',
  SS204: 'EINVAL',
  SS210: 'EINVAL',
};

/** The checker's view of the machine as it is now. */
export function runtimeContext(k: Kernel, config: ScenarioConfig, limits: Limits): CheckContext {
  const ctx = new CheckContext(config, limits, new Set());
  ctx.runtime = true;
  const st = ctx.state;
  const cgroupPath = (id: number): string => {
    const m = k.memcgs.get(id);
    return m === undefined || m.isRoot ? '/' : `/${m.path}`;
  };
  for (const m of k.memcgs.byPath.values())
    if (m.online && !m.isRoot)
      st.cgroups.set(`/${m.path}`, { alive: true, removedAt: null, subtree: m.subtreeControl });
  for (const f of k.files.byName.values()) {
    const r = cachedFile(f.path, config.pageSize, config.pmdOrder);
    if (r.ok) st.fds.set(f.name, { file: r.value, open: true, closedAt: null });
  }
  for (const t of k.mm.tasks.values()) {
    const regions = new Map<
      string,
      { pages: number | null; order: number; mapped: boolean; unmappedAt: number | null }
    >();
    for (const v of t.vmas.values())
      regions.set(v.name, { pages: v.nrPages, order: v.order, mapped: true, unmappedAt: null });
    st.tasks.set(t.name, { alive: t.state === 'alive', exitedAt: null, cgroup: cgroupPath(t.memcg), regions });
  }
  for (const si of k.swap.devices)
    if (si !== k.swap.vswap) st.devices.set(si.path, { active: true, slots: si.max, offAt: null });
  return ctx;
}

/** Fail the step with the first error the checker found, as the errno the kernel path would give. */
function failOnErrors(ctx: CheckContext): void {
  for (const d of ctx.buffer) {
    if (d.severity !== 'error' || d.data?.errno !== undefined) continue;
    throw new KernelError(ERRNO_OF[d.code] ?? 'EINVAL', d.message);
  }
}

/** Expand a dynamic statement and check it against the machine: the operation to run. */
export function recheck(k: Kernel, stmt: DynamicStatement, scope: RunScope): CheckedStatement {
  const env = evalEnv(scope);
  const expanded = mapValueWords(stmt, (w) => (expands(w) ? retext(w, expandWord(w, env)) : w));
  const ctx = runtimeContext(k, scope.config, scope.limits);
  const checked = checkOne(ctx, expanded);
  failOnErrors(ctx);
  if (checked === null) throw new KernelError('EINVAL', 'the statement is not valid once its variables are expanded');
  return checked;
}

/** The observable a `let` reads: resolved by the checker, or now when its words hold substitutions. */
export function letObservableNow(
  k: Kernel,
  value: LetValue,
  scope: RunScope,
): Extract<LetValue, { kind: 'observable' }> {
  if (value.kind === 'observable') return value;
  if (value.kind !== 'deferred-observable') throw new RangeError('not an observable');
  const env = evalEnv(scope);
  const words = value.words.map((w) => (expands(w) ? retext(w, expandWord(w, env)) : w));
  const ctx = runtimeContext(k, scope.config, scope.limits);
  const r = letObservable(ctx, words);
  failOnErrors(ctx);
  if (r === null || r.kind !== 'observable')
    throw new KernelError('EINVAL', 'not an observable once its variables are expanded');
  return r;
}
