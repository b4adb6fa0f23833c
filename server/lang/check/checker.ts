/**
 * Checker: syntax tree → diagnostics + a checked program (see checked.ts).
 *
 * The driver walks statements in order, keeping the statically known state
 * (tasks, regions, cgroups, devices). A `repeat` body is checked twice when
 * it runs more than once: every statement only creates or destroys named
 * objects, so the state after two passes is the state after any number, and
 * the second pass finds what goes wrong from the second iteration on (a task
 * created twice, a region used after the munmap at the end of the body).
 *
 * Diagnostics carrying an errno (failures the kernel itself would report)
 * are dropped when the next statement is `expect error …`.
 */
import type { ExpectStatement, Program, Statement, Word } from '../syntax/ast';
import { expands, mapValueWords, retext } from './substitute';
import type { DynamicStatement } from './substitute';
import { checkLet, constantWord, dynamicEffects, loopVariable, planSubstitutions } from './variables';
import { findErrno, ERRNOS } from '../catalog';
import { DEFAULT_LIMITS, type CheckedProgram, type CheckedStatement, type Limits } from './checked';
import { checkCommand, checkEcho } from './commands';
import { resolveConfig, type ConfigDefaults } from './config';
import { CheckContext } from './context';
import { hasErrors, makeDiagnostic, replacementFixes, type Diagnostic } from '../diagnostics';
import { checkCompare, letObservable } from './expect';
import { didYouMean, nearest } from '../suggest';
import { checkInteger } from './values';

export interface CheckResult {
  readonly diagnostics: Diagnostic[];
  readonly checked: CheckedProgram;
}

interface ListResult {
  readonly statements: CheckedStatement[];
  readonly steps: number;
}

const MAX_STEPS = Number.MAX_SAFE_INTEGER;
const NONE: readonly string[] = [];
const MAX_LATER_PASS_DEPTH = 2;
const ERRNO_NAMES = ERRNOS.map((e) => e.name);

export function check(program: Program, limits: Partial<Limits> = {}, defaults: ConfigDefaults = {}): CheckResult {
  return new Checker(program, { ...DEFAULT_LIMITS, ...limits }, defaults).run();
}

class Checker {
  private readonly out: Diagnostic[] = [];
  private readonly emitted = new Set<string>();
  private readonly ctx: CheckContext;
  /** Errnos predicted for the statement just checked, for `expect error` cross-checks. */
  private lastPredicted: readonly string[] = [];
  private readonly leadingConfigs: number;
  private stepLimitReported = false;

  constructor(
    private readonly program: Program,
    private readonly limits: Limits,
    defaults: ConfigDefaults,
  ) {
    const poisoned = new Set<string>();
    for (const s of program.skipped) for (const w of s.words) poisoned.add(w);
    let n = 0;
    while (program.statements[n]?.kind === 'config') n++;
    this.leadingConfigs = n;
    const configBuffer: Diagnostic[] = [];
    const configs = program.statements.slice(0, n).filter((s) => s.kind === 'config');
    const config = resolveConfig(configs, limits, (d) => configBuffer.push(d), defaults);
    this.ctx = new CheckContext(config, limits, poisoned);
    for (const d of configBuffer) this.emit(d);
  }

  run(): CheckResult {
    const top = this.checkList(this.program.statements, 0, true);
    const diagnostics = this.out.sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
    return {
      diagnostics,
      checked: {
        config: this.ctx.config,
        statements: top.statements,
        expandedSteps: top.steps,
        hasErrors: hasErrors(diagnostics),
      },
    };
  }

  private emit(d: Diagnostic): void {
    const key = `${d.code}|${d.range.start.line}:${d.range.start.character}|${d.message}`;
    if (this.emitted.has(key)) return;
    this.emitted.add(key);
    this.out.push(
      this.ctx.laterIteration > 0 ? { ...d, message: `${d.message} (on a later iteration of the repeat)` } : d,
    );
  }

  private checkList(list: readonly Statement[], depth: number, topLevel: boolean): ListResult {
    const statements: CheckedStatement[] = [];
    let steps = 0;
    for (let i = 0; i < list.length; i++) {
      const stmt = list[i] as Statement;
      const next = list[i + 1];
      const prevPredicted = this.lastPredicted;
      const silence = next?.kind === 'expect' && next.assertion.form === 'error';
      // a statement the scenario says fails changes no name: keep the state as it was
      const restore = silence && stmt.kind !== 'repeat' ? this.ctx.state.snapshot() : null;
      const checked = this.checkStatement(stmt, list[i - 1], depth, topLevel && i < this.leadingConfigs, prevPredicted);
      restore?.();
      let predicted: readonly string[] = NONE;
      for (const d of this.ctx.buffer) {
        const errno = d.data?.errno;
        if (errno !== undefined) predicted = [...predicted, errno];
        if (errno === undefined || !silence) this.emit(d);
      }
      // Setting .length is a runtime call; most statements report nothing.
      if (this.ctx.buffer.length !== 0) this.ctx.buffer.length = 0;
      this.lastPredicted = predicted;
      steps = Math.min(MAX_STEPS, steps + (stmt.kind === 'repeat' ? this.repeatSteps : stmt.kind === 'config' ? 0 : 1));
      if (topLevel && !this.stepLimitReported && steps > this.limits.maxExpandedSteps) {
        this.stepLimitReported = true;
        const at = stmt.kind === 'repeat' ? stmt.headerRange : stmt.range;
        this.emit(
          makeDiagnostic(
            'SS502',
            `the scenario expands to more than ${this.limits.maxExpandedSteps} steps once repeats are unrolled`,
            at,
          ),
        );
      }
      if (checked !== null) statements.push(checked);
    }
    return { statements, steps };
  }

  private checkStatement(
    stmt: Statement,
    prev: Statement | undefined,
    depth: number,
    leadingConfig: boolean,
    prevPredicted: readonly string[],
  ): CheckedStatement | null {
    switch (stmt.kind) {
      case 'config':
        if (!leadingConfig) {
          this.ctx.error(
            'SS402',
            '`config` must come before every other statement (the machine is set up before anything runs)',
            stmt.keyword,
          );
        }
        return null;
      case 'repeat':
        return this.checkRepeat(stmt, depth);
      case 'echo':
      case 'command':
        return this.checkSubstitutable(stmt);
      case 'expect':
        return stmt.assertion.form === 'compare'
          ? this.checkSubstitutable(stmt)
          : this.checkExpect(stmt, prev, prevPredicted);
      case 'let':
        return checkLet(this.ctx, stmt, letObservable);
    }
  }

  /** A statement that may hold `$` substitutions: folded and checked, or left to the run. */
  private checkSubstitutable(stmt: DynamicStatement): CheckedStatement | null {
    const ctx = this.ctx;
    const plan = planSubstitutions(ctx, stmt);
    if (plan.kind === 'error') return null;
    if (plan.kind === 'dynamic') {
      if (stmt.kind === 'expect') this.probeExpect(stmt);
      dynamicEffects(ctx, stmt);
      return { op: 'dynamic', range: stmt.range, statement: stmt };
    }
    const s = plan.kind === 'folded' ? (plan.statement as typeof stmt) : stmt;
    const checked = checkOne(ctx, s);
    if (!ctx.deferred) return checked;
    // it names something a dynamic statement created: what the checker said about it does not hold
    ctx.deferred = false;
    ctx.buffer.length = 0;
    dynamicEffects(ctx, s);
    return { op: 'dynamic', range: stmt.range, statement: s };
  }

  private checkExpect(
    stmt: ExpectStatement,
    prev: Statement | undefined,
    prevPredicted: readonly string[],
  ): CheckedStatement | null {
    const a = stmt.assertion;
    if (a.form === 'compare') return checkCompare(this.ctx, a, stmt.range);
    if (prev === undefined || (prev.kind !== 'command' && prev.kind !== 'echo')) {
      const what =
        prev === undefined ? 'nothing' : prev.kind === 'repeat' ? 'a repeat block' : `a ${prev.kind} statement`;
      this.ctx.error('SS223', `\`expect ${a.form}\` checks the statement right before it, but that is ${what}`, a.word);
      return null;
    }
    if (a.form === 'ok') return { op: 'expect-ok', range: stmt.range };
    const spec = findErrno(a.errno.text);
    if (spec === undefined) {
      const suggestions = nearest(a.errno.text, ERRNO_NAMES);
      this.ctx.report(
        makeDiagnostic('SS220', `unknown errno '${a.errno.text}'${didYouMean(suggestions)}`, a.errno.range, {
          suggestions,
          fixes: replacementFixes(a.errno.range, suggestions),
        }),
      );
      return null;
    }
    if (prevPredicted.length > 0 && !prevPredicted.includes(spec.name)) {
      const predicted = [...new Set(prevPredicted)].join(' or ');
      this.ctx.report(
        makeDiagnostic('SS224', `the statement above fails with ${predicted}, not ${spec.name}`, a.errno.range, {
          suggestions: [...new Set(prevPredicted)],
          fixes: replacementFixes(a.errno.range, [...new Set(prevPredicted)]),
        }),
      );
    }
    return { op: 'expect-error', range: stmt.range, errno: spec.name, errnoValue: spec.value };
  }

  /**
   * What can be said of an `expect` with run-time values before the run:
   * check it with `0` for each expanding word and keep what the check
   * found outside those words (an operator without tolerance, an unknown
   * file or field). Expects change no state, so the probe leaves none.
   */
  private probeExpect(stmt: ExpectStatement): void {
    const ctx = this.ctx;
    const dynamic: Word[] = [];
    const probe = mapValueWords(stmt, (w) => {
      if (!expands(w)) return w;
      dynamic.push(w);
      return retext(w, '0');
    });
    const before = ctx.buffer.length;
    checkOne(ctx, probe);
    ctx.deferred = false;
    const found = ctx.buffer.splice(before);
    const inside = (d: Diagnostic): boolean =>
      dynamic.some(
        (w) =>
          w.range.start.line === d.range.start.line &&
          d.range.start.character < w.range.end.character &&
          d.range.end.character > w.range.start.character,
      );
    for (const d of found) if (!inside(d) && d.data?.errno === undefined) ctx.report(d);
  }

  /** Expanded steps of the repeat statement checked last (read by checkList). */
  private repeatSteps = 0;

  private checkRepeat(stmt: Extract<Statement, { kind: 'repeat' }>, depth: number): CheckedStatement | null {
    const ctx = this.ctx;
    let count: number | null = null;
    let ok = stmt.count !== null;
    const countWord = stmt.count === null ? null : constantWord(ctx, stmt.count, 'repeat count');
    if (stmt.count !== null && countWord === null) ok = false;
    if (countWord !== null) {
      count = checkInteger(countWord, ctx.report, { min: 1, max: Number.MAX_SAFE_INTEGER, what: 'repeat count' });
      if (count === null) ok = false;
      else if (count > this.limits.maxRepeatCount) {
        ctx.error('SS501', `repeat count ${count} is above the limit of ${this.limits.maxRepeatCount}`, countWord);
        ok = false;
      }
    }
    const tooDeep = depth + 1 > this.limits.maxRepeatDepth;
    if (tooDeep) {
      // Report the outermost offending block only; the ones inside it are part of the same mistake.
      if (depth === this.limits.maxRepeatDepth)
        ctx.error('SS503', `repeat blocks nest more than ${this.limits.maxRepeatDepth} deep`, stmt.keyword);
      ok = false;
    }
    // The header's diagnostics belong to the repeat line; flush them before the body's.
    for (const d of ctx.buffer) this.emit(d);
    if (ctx.buffer.length !== 0) ctx.buffer.length = 0;
    const saved = this.lastPredicted;
    this.lastPredicted = [];
    const variable = loopVariable(ctx, stmt);
    for (const d of ctx.buffer) this.emit(d);
    if (ctx.buffer.length !== 0) ctx.buffer.length = 0;
    if (variable !== null) ctx.loopVars.push(variable);
    ctx.repeatDepth++;
    const body = this.checkList(stmt.body, depth + 1, false);
    // An unknown count (already reported) is checked as one pass, to avoid guessing.
    // Two passes per level grow as 2^depth, so later-iteration passes stop two levels down
    // (and past the depth limit); the runtime still catches what this skips.
    if (count !== null && count > 1 && !tooDeep && ctx.laterIteration < MAX_LATER_PASS_DEPTH) {
      ctx.laterIteration++;
      this.checkList(stmt.body, depth + 1, false);
      ctx.laterIteration--;
    }
    ctx.repeatDepth--;
    if (variable !== null) ctx.loopVars.pop();
    this.lastPredicted = saved;
    this.repeatSteps = Math.min(MAX_STEPS, (count ?? 1) * body.steps);
    return ok && count !== null ? { op: 'repeat', range: stmt.range, count, body: body.statements, variable } : null;
  }
}

/**
 * Check one statement on its own (after folding): the checker's driver
 * calls it, and so does a run for a statement it expanded
 * (server/session/dynamic.ts).
 */
export function checkOne(ctx: CheckContext, stmt: DynamicStatement): CheckedStatement | null {
  switch (stmt.kind) {
    case 'echo':
      return checkEcho(ctx, stmt);
    case 'command':
      return checkCommand(ctx, stmt);
    case 'expect':
      return stmt.assertion.form === 'compare' ? checkCompare(ctx, stmt.assertion, stmt.range) : null;
  }
}
