/**
 * The run order of a checked program: every top-level statement is one
 * step, and a `repeat N { … }` contributes N copies of its body's steps.
 * Steps are found by index arithmetic (prefix sums and binary search per
 * block), so a million-step run needs no million-entry list.
 */
import type { Range } from '../lang/syntax/ast';
import type { CheckedStatement } from '../lang/check/checked';

interface Block {
  readonly stmts: readonly CheckedStatement[];
  /** starts[i] = steps before statement i within one pass of the block. */
  readonly starts: Float64Array;
  /** Steps in one pass of the block. */
  readonly size: number;
  readonly children: Map<number, Block>;
}

function buildBlock(stmts: readonly CheckedStatement[]): Block {
  const starts = new Float64Array(stmts.length);
  const children = new Map<number, Block>();
  let size = 0;
  stmts.forEach((s, i) => {
    starts[i] = size;
    if (s.op === 'repeat') {
      const child = buildBlock(s.body);
      children.set(i, child);
      size += child.size * s.count;
    } else {
      size += 1;
    }
  });
  return { stmts, starts, size, children };
}

/** Index of the last start ≤ x. */
function findStart(starts: Float64Array, x: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A `repeat` block around a step: its statement, and the pass (0-based) the step is in. */
export interface RepeatPass {
  readonly range: Range;
  readonly count: number;
  readonly pass: number;
}

export class StepPlan {
  private readonly root: Block;
  readonly total: number;
  /** Line → the statement indices leading to the statement starting there (built on first use). */
  private paths: Map<number, readonly number[]> | null = null;

  constructor(statements: readonly CheckedStatement[]) {
    this.root = buildBlock(statements);
    this.total = this.root.size;
  }

  /** The line the statement of step `index` starts on. */
  lineAt(index: number): number {
    return this.at(index).stmt.range.start.line;
  }

  /** The `repeat` blocks around step `index`, outermost first, with the pass it is in. */
  repeatsAt(index: number): RepeatPass[] {
    const out: RepeatPass[] = [];
    let block = this.root;
    let x = index;
    for (;;) {
      const i = findStart(block.starts, x);
      const stmt = block.stmts[i]!;
      x -= block.starts[i]!;
      const child = block.children.get(i);
      if (!child || stmt.op !== 'repeat') return out;
      out.push({ range: stmt.range, count: stmt.count, pass: Math.floor(x / child.size) });
      x %= child.size;
      block = child;
    }
  }

  /** The first step after the innermost `repeat` block (all its passes) around step `index`, or null outside any. */
  repeatEndAt(index: number): number | null {
    let block = this.root;
    let x = index;
    let offset = 0;
    let end: number | null = null;
    for (;;) {
      const i = findStart(block.starts, x);
      const stmt = block.stmts[i]!;
      const child = block.children.get(i);
      if (!child || stmt.op !== 'repeat') return end;
      const start = offset + block.starts[i]!;
      end = start + child.size * stmt.count;
      x -= block.starts[i]!;
      offset = start + Math.floor(x / child.size) * child.size;
      x %= child.size;
      block = child;
    }
  }

  /** Lines that start a statement run as a step (in a `repeat` body too; a `repeat` header is not one). */
  stepLines(): IterableIterator<number> {
    return this.linePaths().keys();
  }

  /**
   * How many of the steps 0..index (inclusive) run the statement on `line`:
   * the hit count of a breakpoint there when step `index` is next. Found by
   * arithmetic on the block structure, like `at`.
   */
  timesReached(line: number, index: number): number {
    const path = this.linePaths().get(line);
    if (path === undefined || index < 0) return 0;
    return countBefore(this.root, Math.min(index, this.total - 1) + 1, path, 0);
  }

  /** Steps that run the statement on `line`, over the whole scenario. */
  occurrences(line: number): number {
    return this.timesReached(line, this.total - 1);
  }

  /** The step index of the `n`-th (1-based) run of the statement on `line`, or null past the last. */
  nthOccurrence(line: number, n: number): number | null {
    const path = this.linePaths().get(line);
    if (path === undefined || n < 1 || n > this.occurrences(line)) return null;
    return nth(this.root, path, 0, n);
  }

  /** The latest step before `index` that runs the statement on `line`, or null. */
  previousOccurrence(line: number, index: number): number | null {
    const seen = this.timesReached(line, index - 1);
    return seen === 0 ? null : this.nthOccurrence(line, seen);
  }

  /** The earliest step after `index` that runs the statement on `line`, or null. */
  nextOccurrence(line: number, index: number): number | null {
    return this.nthOccurrence(line, this.timesReached(line, index) + 1);
  }

  private linePaths(): Map<number, readonly number[]> {
    if (this.paths !== null) return this.paths;
    const paths = new Map<number, readonly number[]>();
    const walk = (block: Block, prefix: readonly number[]): void => {
      block.stmts.forEach((stmt, i) => {
        const child = block.children.get(i);
        if (child) walk(child, [...prefix, i]);
        else paths.set(stmt.range.start.line, [...prefix, i]);
      });
    };
    walk(this.root, []);
    this.paths = paths;
    return paths;
  }

  /**
   * The statement run at step `index` (0-based), with the repeat iteration
   * numbers around it (outermost first) and the loop variable of each of
   * those blocks (null for a block without `as NAME`).
   */
  at(index: number): { stmt: CheckedStatement; iterations: number[]; variables: (string | null)[] } {
    if (index < 0 || index >= this.total) throw new RangeError(`step ${index} outside 0..${this.total - 1}`);
    let block = this.root;
    let x = index;
    const iterations: number[] = [];
    const variables: (string | null)[] = [];
    for (;;) {
      const i = findStart(block.starts, x);
      const stmt = block.stmts[i]!;
      x -= block.starts[i]!;
      const child = block.children.get(i);
      if (!child) return { stmt, iterations, variables };
      iterations.push(Math.floor(x / child.size));
      variables.push(stmt.op === 'repeat' ? stmt.variable : null);
      x %= child.size;
      block = child;
    }
  }
}

/** Runs of the statement at `path` (from `depth` on) in one pass of `block`. */
function perPass(block: Block, path: readonly number[], depth: number): number {
  let n = 1;
  let b = block;
  for (let d = depth; d < path.length - 1; d++) {
    const i = path[d]!;
    const stmt = b.stmts[i]!;
    const child = b.children.get(i)!;
    n *= stmt.op === 'repeat' ? stmt.count : 1;
    b = child;
  }
  return n;
}

/** Runs of the statement at `path` among the first `x` steps of one pass of `block`. */
function countBefore(block: Block, x: number, path: readonly number[], depth: number): number {
  const i = path[depth]!;
  const start = block.starts[i]!;
  if (x <= start) return 0;
  if (depth === path.length - 1) return 1;
  const child = block.children.get(i)!;
  const stmt = block.stmts[i]!;
  const count = stmt.op === 'repeat' ? stmt.count : 1;
  const y = Math.min(x - start, child.size * count);
  const full = Math.floor(y / child.size);
  return (
    full * perPass(child, path, depth + 1) +
    (full < count ? countBefore(child, y - full * child.size, path, depth + 1) : 0)
  );
}

/** The step (within one pass of `block`) of the `n`-th run of the statement at `path`. */
function nth(block: Block, path: readonly number[], depth: number, n: number): number {
  const i = path[depth]!;
  const start = block.starts[i]!;
  if (depth === path.length - 1) return start;
  const child = block.children.get(i)!;
  const per = perPass(child, path, depth + 1);
  const pass = Math.floor((n - 1) / per);
  return start + pass * child.size + nth(child, path, depth + 1, n - pass * per);
}
