/**
 * What the scenario debugger reads from a session besides its stops: the
 * Debug Console's evaluate, the frame's `repeat` passes, the targets of
 * Run/Jump to Cursor, and a cluster's raw table for the memory view.
 */
import type {
  ClusterMemory,
  ClusterRef,
  DebugFrameInfo,
  EvaluatePart,
  EvaluateResult,
  LineTargets,
} from '../../shared/protocol';
import { VSWAP_DEVICE_WORD } from '../lang/catalog';
import { normalisePath } from '../lang/check/paths';
import { DEFAULT_LIMITS } from '../lang/check/checked';
import {
  cachedCompiler,
  expandText,
  loneSubstitution,
  read,
  readParts,
  resolveTemplate,
  type Compiled,
  type ExprEnv,
  type KnownNames,
  type ReadContext,
  withKnownNames,
} from './debug_expr';
import { runtimeContext } from './dynamic';
import { slotEncodings } from './encodings';
import type { Session } from './session';

/** Expressions against the machine as it is now (the checker's run-time view, as statements with substitutions get). */
export function liveEnv(session: Session): ExprEnv {
  return {
    config: session.exprConfig,
    context: () => runtimeContext(session.machine, session.exprConfig, DEFAULT_LIMITS),
  };
}

/** For breakpoints set ahead: the machine now, and every name the scenario creates anywhere. */
export function aheadEnv(session: Session, names: KnownNames): ExprEnv {
  return {
    config: session.exprConfig,
    context: () => withKnownNames(runtimeContext(session.machine, session.exprConfig, DEFAULT_LIMITS), names),
  };
}

export function readContext(
  session: Session,
  compile: (text: string) => Compiled = cachedCompiler(() => liveEnv(session)),
): ReadContext {
  return { kernel: session.machine, design: session.design, compile, lookup: (name) => session.lookupVariable(name) };
}

/** The cluster a `cluster DEVICE INDEX` form names, if its device is active. */
function clusterOf(session: Session, text: string): ClusterRef | null {
  const words = text.split(' ');
  if (words[0] !== 'cluster' || words.length !== 3) return null;
  const k = session.machine;
  const device = words[1]!;
  const si = device === VSWAP_DEVICE_WORD ? k.swap.vswap : k.swap.byPath(normalisePath(device) ?? device);
  const index = Number(words[2]);
  if (!si || !Number.isInteger(index) || index < 0 || index >= si.nrClusters) return null;
  return { type: si.type, cluster: index };
}

/** The Debug Console and Watch: any observable, a comparison, or a form that lists its parts. */
export function evaluate(session: Session, expression: string): EvaluateResult {
  const compile = cachedCompiler(() => liveEnv(session));
  const compiled = compile(expression);
  if (!compiled.ok) return { ok: false, message: compiled.message };
  const rc = readContext(session, compile);
  let expr = compiled.expr;
  if (expr.kind === 'template') {
    // `$i` and friends: a lone substitution is its value; otherwise what the words stand for now.
    if (loneSubstitution(expr.text)) {
      const value = expandText(expr.text, rc.lookup, rc.kernel.geom.pageSize);
      return typeof value === 'string'
        ? { ok: true, expression: expr.text, value, parts: null, memory: null }
        : { ok: false, message: value.error };
    }
    const resolved = resolveTemplate(expr, rc);
    if (!resolved.ok) return { ok: false, message: resolved.message };
    expr = resolved.expr;
  }
  const value = read(expr, rc).display;
  if (expr.kind !== 'record') return { ok: true, expression: expr.text, value, parts: null, memory: null };
  const parts: EvaluatePart[] = readParts(expr, rc).map((p) => ({
    name: p.name,
    expression: p.expression,
    value: p.reading.display,
    expandable: p.record,
    memory: p.record ? clusterOf(session, p.expression) : null,
  }));
  return { ok: true, expression: expr.text, value, parts, memory: clusterOf(session, expr.text) };
}

/** The position and the `repeat` passes around the statement the frame shows (the last one, at the end). */
export function debugFrame(session: Session): DebugFrameInfo {
  const step = session.step;
  const plan = session.steps;
  const at = step.next !== null ? step.index : step.index - 1;
  const repeats = at < 0 ? [] : plan.repeatsAt(at).map((r) => ({ range: r.range, count: r.count, pass: r.pass }));
  return { step, repeats };
}

/** Where Run to Cursor and Jump to Cursor can take the session for a line. */
export function lineTargets(session: Session, line: number): LineTargets {
  const target = session.statementLineFrom(line);
  if (target === null) return { line: null, previous: null, next: null };
  const index = session.step.index;
  const plan = session.steps;
  return { line: target, previous: plan.previousOccurrence(target, index), next: plan.nextOccurrence(target, index) };
}

/**
 * A cluster's per-slot metadata as the kernel keeps it: the swap table's
 * 64-bit entries (struct swap_table, one atomic_long_t per slot; mm/swap_table.h
 * since 6.18), or the legacy swap_map byte per slot (mm/swapfile.c).
 */
export function clusterMemory(session: Session, type: number, cluster: number): ClusterMemory {
  const detail = session.cluster(type, cluster);
  const n = detail.counts.length;
  if (session.design === 'legacy') {
    const k = session.machine;
    const si = k.swap.swapInfo[type]!;
    const base = cluster * n;
    const entries = Math.max(0, Math.min(n, si.max - base));
    const bytes = Buffer.alloc(entries);
    for (let i = 0; i < entries; i++) bytes[i] = Number.parseInt(slotEncodings(k, si, base + i, 'legacy')[0]!.raw, 16);
    return { structure: 'swap_map', entryBytes: 1, entries, data: bytes.toString('base64') };
  }
  if (!detail.hasTable) return { structure: 'swap_table', entryBytes: 8, entries: n, data: null };
  const bytes = Buffer.alloc(n * 8);
  detail.raw.forEach((hex, i) => bytes.writeBigUInt64LE(BigInt(hex), i * 8));
  return { structure: 'swap_table', entryBytes: 8, entries: n, data: bytes.toString('base64') };
}
