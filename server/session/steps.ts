/**
 * The run order of a checked program: every top-level statement is one
 * step, and a `repeat N { … }` contributes N copies of its body's steps.
 * Steps are found by index arithmetic (prefix sums and binary search per
 * block), so a million-step run needs no million-entry list.
 */
import type { CheckedStatement } from '../lang/checked';

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

export class StepPlan {
  private readonly root: Block;
  readonly total: number;

  constructor(statements: readonly CheckedStatement[]) {
    this.root = buildBlock(statements);
    this.total = this.root.size;
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
