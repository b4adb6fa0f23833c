/**
 * Undo journal: every mutation of simulator state goes through it, so that
 * stepping back replays the recorded old values in reverse instead of
 * re-running the scenario from the start.
 *
 * The kernel has nothing like this; it is what makes "step back" cost about
 * as much as "step".
 */

type TypedArrayLike = { [index: number]: number; readonly length: number };

const CUSTOM = -1;

export class Journal {
  private targets: unknown[] = [];
  private keys: (string | number)[] = [];
  private olds: unknown[] = [];
  /** When false, mutations are applied but not recorded (benchmarks, bulk setup). */
  recording = true;

  /** Set a field of a plain object, remembering the old value. */
  set<T extends object, K extends keyof T & string>(obj: T, key: K, value: T[K]): void {
    const old = obj[key];
    if (old === value) return;
    if (this.recording) {
      this.targets.push(obj);
      this.keys.push(key);
      this.olds.push(old);
    }
    obj[key] = value;
  }

  /** Set one element of a typed array, remembering the old value. */
  a(arr: TypedArrayLike, index: number, value: number): void {
    const old = arr[index]!;
    if (old === value) return;
    if (this.recording) {
      this.targets.push(arr);
      this.keys.push(index);
      this.olds.push(old);
    }
    arr[index] = value;
  }

  /** Set one element of a plain JS array, remembering the old value. */
  setAt<T>(arr: T[], index: number, value: T): void {
    const old = arr[index] as T;
    if (old === value) return;
    if (this.recording) {
      this.targets.push(arr);
      this.keys.push(index);
      this.olds.push(old);
    }
    arr[index] = value;
  }

  /** Record an arbitrary undo action for structural changes (map inserts, list splices). */
  custom(undo: () => void): void {
    if (!this.recording) return;
    this.targets.push(undo);
    this.keys.push(CUSTOM);
    this.olds.push(undefined);
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
    return this.targets.length;
  }

  /** Number of recorded entries (a proxy for undo memory). */
  get size(): number {
    return this.targets.length;
  }

  /** Undo everything recorded after `mark`, newest first. */
  rollback(mark: number): void {
    const { targets, keys, olds } = this;
    for (let i = targets.length - 1; i >= mark; i--) {
      const key = keys[i]!;
      const target = targets[i];
      if (key === CUSTOM) {
        (target as () => void)();
      } else {
        (target as Record<string | number, unknown>)[key] = olds[i];
      }
    }
    targets.length = mark;
    keys.length = mark;
    olds.length = mark;
  }

  /** Forget history before nothing: drop all records (state stays as is). */
  clear(): void {
    this.targets.length = 0;
    this.keys.length = 0;
    this.olds.length = 0;
  }

  /** Objects written since `mark` (for building deltas of what changed). */
  *touchedSince(mark: number): Iterable<unknown> {
    for (let i = mark; i < this.targets.length; i++) {
      if (this.keys[i] !== CUSTOM) yield this.targets[i];
    }
  }
}
