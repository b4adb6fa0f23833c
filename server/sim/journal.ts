/**
 * Undo journal: every mutation of simulator state goes through it, so that
 * stepping back replays the recorded old values in reverse instead of
 * re-running the scenario from the start.
 *
 * The kernel has nothing like this; it is what makes "step back" cost about
 * as much as "step".
 *
 * Layout: one record per mutation, in parallel columns indexed by record.
 * Typed-array element writes (most records) keep their index and old value
 * in typed columns, so they box no number. The columns are preallocated and
 * keep their capacity across rollback and clear: a long run writes into
 * them instead of regrowing JS arrays with push, which profiling showed to
 * dominate the cost of a mutation.
 */

type TypedArrayLike = { [index: number]: number; readonly length: number };

/** `slot` codes for records that are not typed-array elements (those store their index, >= 0). */
const FIELD = -1;
const CUSTOM = -2;

/** Small: many short-lived kernels (fuzz tests, design comparisons) never need more. */
const INITIAL_CAPACITY = 64;

function emptyColumn(n: number): unknown[] {
  return new Array<unknown>(n).fill(undefined);
}

export class Journal {
  /** What each record wrote to: an object, an array, or (CUSTOM) the undo closure. */
  private targets = emptyColumn(INITIAL_CAPACITY);
  /** Key and old value of FIELD records (unused by the others). */
  private keys = emptyColumn(INITIAL_CAPACITY);
  private olds = emptyColumn(INITIAL_CAPACITY);
  /** Element index of typed-array records, else FIELD or CUSTOM. */
  private slot = new Int32Array(INITIAL_CAPACITY);
  /** Old element value of typed-array records. */
  private oldNum = new Float64Array(INITIAL_CAPACITY);
  private top = 0;
  /** When false, mutations are applied but not recorded (benchmarks, bulk setup). */
  recording = true;

  /** Set a field of a plain object, remembering the old value. */
  set<T extends object, K extends keyof T & string>(obj: T, key: K, value: T[K]): void {
    const old = obj[key];
    if (old === value) return;
    if (this.recording) this.pushField(obj, key, old);
    obj[key] = value;
  }

  /** Set one element of a typed array, remembering the old value. */
  a(arr: TypedArrayLike, index: number, value: number): void {
    const old = arr[index]!;
    if (old === value) return;
    if (this.recording) {
      const i = this.top;
      if (i === this.slot.length) this.grow();
      this.targets[i] = arr;
      this.slot[i] = index;
      this.oldNum[i] = old;
      this.top = i + 1;
    }
    arr[index] = value;
  }

  /** Set one element of a plain JS array, remembering the old value. */
  setAt<T>(arr: T[], index: number, value: T): void {
    const old = arr[index] as T;
    if (old === value) return;
    if (this.recording) this.pushField(arr, index, old);
    arr[index] = value;
  }

  /** Record an arbitrary undo action for structural changes (map inserts, list splices). */
  custom(undo: () => void): void {
    if (!this.recording) return;
    const i = this.top;
    if (i === this.slot.length) this.grow();
    this.targets[i] = undo;
    this.slot[i] = CUSTOM;
    this.top = i + 1;
  }

  mapSet<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (this.recording) {
      if (map.has(key)) {
        const old = map.get(key) as V;
        this.custom(() => map.set(key, old));
      } else {
        this.custom(() => map.delete(key));
      }
    }
    map.set(key, value);
  }

  mapDelete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    if (this.recording) {
      const old = map.get(key) as V;
      this.custom(() => map.set(key, old));
    }
    map.delete(key);
  }

  /** Append to a JS array; undo pops it. */
  push<T>(arr: T[], value: T): void {
    arr.push(value);
    if (this.recording) this.custom(() => void arr.pop());
  }

  /** Replace a whole (small) JS array's contents; undo restores the copy. */
  replaceArray<T>(arr: T[], next: readonly T[]): void {
    if (this.recording) {
      const old = arr.slice();
      this.custom(() => {
        arr.length = 0;
        arr.push(...old);
      });
    }
    arr.length = 0;
    arr.push(...next);
  }

  /** Position to roll back to later. */
  mark(): number {
    return this.top;
  }

  /** Number of recorded entries (a proxy for undo memory). */
  get size(): number {
    return this.top;
  }

  /** Undo everything recorded after `mark`, newest first. */
  rollback(mark: number): void {
    const { targets, keys, olds, slot, oldNum } = this;
    // each record's references are dropped as it is undone, so undone state can be collected
    for (let i = this.top - 1; i >= mark; i--) {
      const s = slot[i]!;
      const target = targets[i];
      targets[i] = undefined;
      if (s >= 0) {
        (target as TypedArrayLike)[s] = oldNum[i]!;
      } else if (s === FIELD) {
        (target as Record<string | number, unknown>)[keys[i] as string | number] = olds[i];
        keys[i] = undefined;
        olds[i] = undefined;
      } else {
        (target as () => void)();
      }
    }
    this.top = mark;
  }

  /** Forget all history (state stays as is). */
  clear(): void {
    // drop the references the records hold, so the old state they point at can be collected
    this.targets.fill(undefined, 0, this.top);
    this.keys.fill(undefined, 0, this.top);
    this.olds.fill(undefined, 0, this.top);
    this.top = 0;
  }

  /** Objects written since `mark` (for building deltas of what changed). */
  *touchedSince(mark: number): Iterable<unknown> {
    for (let i = mark; i < this.top; i++) {
      if (this.slot[i] !== CUSTOM) yield this.targets[i];
    }
  }

  private pushField(target: object, key: string | number, old: unknown): void {
    const i = this.top;
    if (i === this.slot.length) this.grow();
    this.targets[i] = target;
    this.keys[i] = key;
    this.olds[i] = old;
    this.slot[i] = FIELD;
    this.top = i + 1;
  }

  private grow(): void {
    const n = this.slot.length;
    // push, not `length =`: V8 turns an array whose length is set past ~32M
    // elements into a dictionary, and a big pageout's journal gets there
    for (const column of [this.targets, this.keys, this.olds]) {
      for (let k = n; k < 2 * n; k++) column.push(undefined);
    }
    const slot = new Int32Array(2 * n);
    slot.set(this.slot);
    this.slot = slot;
    const oldNum = new Float64Array(2 * n);
    oldNum.set(this.oldNum);
    this.oldNum = oldNum;
  }
}
