/**
 * Memo tables for the checker's pure lookups (path resolution, content
 * specs). They live as long as the process and are shared by every check
 * of every document: a scenario names the same few hundred paths on
 * thousands of lines, and is checked again on every edit. Results are
 * immutable, so sharing them is safe; a table that grows past its limit is
 * simply emptied.
 */
export class Memo<V> {
  private readonly table = new Map<string, V>();

  constructor(private readonly limit = 50_000) {}

  get(key: string, compute: (key: string) => V): V {
    let value = this.table.get(key);
    if (value === undefined) {
      value = compute(key);
      if (this.table.size >= this.limit) this.table.clear();
      this.table.set(key, value);
    }
    return value;
  }

  get size(): number {
    return this.table.size;
  }
}

/** One memo per value of a numeric parameter (e.g. the page size a path is resolved for). */
export class MemoByNumber<V> {
  private readonly memos = new Map<number, Memo<V>>();

  constructor(private readonly limit = 50_000) {}

  for(n: number): Memo<V> {
    let memo = this.memos.get(n);
    if (memo === undefined) {
      memo = new Memo<V>(this.limit);
      this.memos.set(n, memo);
    }
    return memo;
  }
}
