/**
 * The debugger's breakpoints, exception filters and data breakpoints as the
 * adapter sends them (shared/protocol.ts `DebugSpec`), checked and compiled
 * for debug_run.ts. Each one that does not check gets a message for VS
 * Code's breakpoint hover and is left out of the movement.
 */
import type { DebugCheckResult, DebugSpec as WireSpec, ExceptionFilterId } from '../../shared/protocol';
import { ERRNOS } from '../lang/catalog';
import { didYouMean, nearest } from '../lang/suggest';
import { compileExpr, type ConditionExpr, type Expr, type ExprEnv } from './debug_expr';
import { parseHitCondition, type DataWatch, type DebugSpec, type LineBreakpoint } from './debug_run';
import type { StepPlan } from './steps';

const ERRNO_NAMES = ERRNOS.map((e) => e.name);

/** A comparison, or why the text is not one. */
function condition(text: string, env: ExprEnv): ConditionExpr | string {
  const compiled = compileExpr(text, env);
  if (!compiled.ok) return compiled.message;
  if (compiled.expr.kind === 'template') return compiled.expr;
  if (compiled.expr.kind !== 'compare')
    return `'${text.trim()}' is not a comparison: write OBSERVABLE OP VALUE, e.g. slot /dev/vda 1 count >= 2`;
  return compiled.expr;
}

/** `text {expression} text`: the text parts and the compiled expressions, or why not. */
export function parseLogMessage(text: string, env: ExprEnv): (string | Expr)[] | string {
  const parts: (string | Expr)[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{', at);
    if (open < 0) {
      parts.push(text.slice(at));
      break;
    }
    if (open > at) parts.push(text.slice(at, open));
    const close = text.indexOf('}', open + 1);
    if (close < 0) return `'{' at column ${open + 1} has no '}'`;
    const compiled = compileExpr(text.slice(open + 1, close), env);
    if (!compiled.ok) return `{${text.slice(open + 1, close)}}: ${compiled.message}`;
    parts.push(compiled.expr);
    at = close + 1;
  }
  return parts;
}

/** Errno names from `ENOMEM EAGAIN` or `ENOMEM, EAGAIN`; empty: any errno. */
function errnoSet(text: string | undefined): ReadonlySet<string> | null | string {
  const names = (text ?? '').split(/[\s,|]+/).filter((w) => w !== '');
  if (names.length === 0) return null;
  for (const name of names) {
    if (!ERRNO_NAMES.includes(name))
      return `unknown errno '${name}'${didYouMean(nearest(name, ERRNO_NAMES))}: list errno names such as ENOMEM EAGAIN`;
  }
  return new Set(names);
}

export interface CompiledSpec {
  readonly spec: DebugSpec;
  readonly check: DebugCheckResult;
}

export function compileDebugSpec(wire: WireSpec, env: ExprEnv, plan: StepPlan): CompiledSpec {
  const statementLines = new Set(plan.stepLines());
  const lines = new Map<number, LineBreakpoint>();
  const check: DebugCheckResult = { breakpoints: [], exceptions: [], data: [] };
  for (const bp of wire.breakpoints) {
    const result = lineBreakpoint(bp, env, statementLines);
    if (typeof result === 'string') {
      check.breakpoints.push({ id: bp.id, message: result });
      continue;
    }
    check.breakpoints.push({ id: bp.id, message: null });
    lines.set(bp.line, result);
  }
  const exceptions = new Map<ExceptionFilterId, ReadonlySet<string> | null>();
  for (const e of wire.exceptions) {
    const takesErrnos = e.filter === 'error' || e.filter === 'caughtError';
    const errnos = takesErrnos ? errnoSet(e.condition) : null;
    if (!takesErrnos && (e.condition ?? '').trim() !== '') {
      check.exceptions.push({ filter: e.filter, message: 'this filter takes no condition' });
      continue;
    }
    if (typeof errnos === 'string') {
      check.exceptions.push({ filter: e.filter, message: errnos });
      continue;
    }
    check.exceptions.push({ filter: e.filter, message: null });
    exceptions.set(e.filter, errnos);
  }
  const data: DataWatch[] = [];
  for (const d of wire.data) {
    const compiled = compileExpr(d.expression, env);
    if (!compiled.ok) {
      check.data.push({ id: d.id, message: compiled.message });
      continue;
    }
    const cond = d.condition === undefined || d.condition.trim() === '' ? null : condition(d.condition, env);
    if (typeof cond === 'string') {
      check.data.push({ id: d.id, message: `condition: ${cond}` });
      continue;
    }
    check.data.push({ id: d.id, message: null });
    data.push({ id: d.id, expr: compiled.expr, condition: cond });
  }
  return { spec: { lines, exceptions, data }, check };
}

function lineBreakpoint(
  bp: WireSpec['breakpoints'][number],
  env: ExprEnv,
  statementLines: ReadonlySet<number>,
): LineBreakpoint | string {
  if (!statementLines.has(bp.line))
    return 'no statement starts on this line (comments, blank lines, config, repeat headers and closing braces do not run as steps)';
  const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';
  const cond = blank(bp.condition) ? null : condition(bp.condition!, env);
  if (typeof cond === 'string') return `condition: ${cond}`;
  const hit = blank(bp.hitCondition) ? null : parseHitCondition(bp.hitCondition!);
  if (typeof hit === 'string') return `hit count: ${hit}`;
  const log = blank(bp.logMessage) ? null : parseLogMessage(bp.logMessage!, env);
  if (typeof log === 'string') return `log message: ${log}`;
  return { id: bp.id, condition: cond, hit, log };
}
