/**
 * Undo journal: every mutation of simulator state goes through it, so that
 * a failed operation leaves no trace and stepping back replays recorded old
 * values in reverse instead of re-running the scenario from the start.
 *
 * The kernel has nothing like this; it is what makes "step back" cost about
 * as much as "step".
 *
 * Records, in parallel columns indexed by record:
 *  - ELEM: one typed-array element (its index and old value in typed
 *    columns, so no number is boxed);
 *  - RANGE: the old contents of a run of a typed array, as a copy (bulk
 *    paths and copy on write make these);
 *  - FIELD: one property of an object or element of a plain array. The
 *    key is interned (its id is in the record's slot) and an old value that
 *    is a number, a boolean or null sits in the number column, so most
 *    field records allocate nothing;
 *  - MAP: one key of a Map (its old value, or that it was absent);
 *  - PUSH and POP: an element pushed onto or popped off a plain array;
 *  - CUSTOM: an undo closure for other structural changes (splices, regrown arrays);
 *  - BIRTH: an object created here, whose later writes need no undo once
 *    the span is compacted (nothing older refers to it).
 *
 * Two mechanisms keep memory at the size of the state touched, not of the
 * writes made:
 *  - Copy on write. Once the open span (since the latest mark) holds
 *    `copyOnWriteAfter` records, the operation writing it is a big one: from
 *    then until the next mark, the first write to a 64-element chunk of a
 *    typed array saves the chunk (a RANGE record) and later writes to it
 *    record nothing; likewise the first write to each object field. A
 *    rollback to the mark restores every chunk and field saved, and the
 *    element records before the switch, exactly.
 *  - Compaction (`compactSpans`): the records of a span [from, to) become
 *    the fewest records that restore the state at `from` (one old value per
 *    element, field or map key, a RANGE only if it holds an element nothing older in
 *    the span does, records on objects born in the span dropped). A rollback to `from` still restores exactly;
 *    positions strictly inside the span are no longer marks. Sessions
 *    compact older spans of finished steps (server/session/undo_history.ts).
 */

export type TypedArray =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** Record kinds other than ELEM (whose `slot` is the element index, >= 0) and FIELD (below FIELD_BASE). */
const CUSTOM = -2;
const RANGE = -3;
const BIRTH = -4;
const MAP = -5;
const PUSH = -6;
const POP = -7;
/**
 * A FIELD record's slot is FIELD_BASE - (key id * 4 + tag); the tag says
 * where its old value is: the number column (a number, or a boolean as 0
 * or 1), nowhere (null), or the aux columns (anything else).
 */
const FIELD_BASE = -16;
const TAG_NUM = 0;
const TAG_BOOL = 1;
const TAG_NULL = 2;
const TAG_AUX = 3;
/** A MAP record's old value when the key was not in the map. */
const ABSENT: unique symbol = Symbol('absent');

const fieldTag = (s: number): number => (FIELD_BASE - s) & 3;
const fieldKeyId = (s: number): number => (FIELD_BASE - s) >>> 2;
/** Does a record of kind `s` hold an entry in the aux columns? */
const hasAux = (s: number): boolean =>
  s === RANGE || s === MAP || s === POP || (s <= FIELD_BASE && fieldTag(s) === TAG_AUX);

/** Small: many short-lived kernels (fuzz tests, design comparisons) never need more. */
const INITIAL_CAPACITY = 64;

/** Bytes a record costs in the columns (target pointer, slot, old value). */
const RECORD_BYTES = 20;
/** Rough cost of a FIELD record's key and old value, and of an undo closure. */
const FIELD_BYTES = 16;
const CUSTOM_BYTES = 64;

/** Compaction and copy on write work in chunks of this many elements (a power of two). */
const CHUNK_SHIFT = 6;
const CHUNK_LEN = 1 << CHUNK_SHIFT;

/** Default for `copyOnWriteAfter`: records in the open span before it switches to copy on write. */
export const DEFAULT_COPY_ON_WRITE_AFTER = 1 << 16;

/** What a write visitor is told about each record of a span (see `forEachWrite`). */
export interface WriteVisitor {
  /** One element of a typed array. */
  elem(target: TypedArray, index: number): void;
  /** Elements [start, end) of a typed array. */
  range(target: TypedArray, start: number, end: number): void;
  /** A property of an object (or an element of a plain array). */
  field(target: object, key: string | number): void;
}

export class Journal {
  /** What each record wrote to: an object, a typed array, or (CUSTOM) the undo closure. */
  private targets: unknown[] = [];
  /** ELEM: element index; otherwise the record kind. */
  private slot = new Int32Array(INITIAL_CAPACITY);
  /** ELEM: old element value; FIELD: old value (tags NUM, BOOL) or index into the aux columns (AUX); RANGE, MAP, POP: index into the aux columns. */
  private oldNum = new Float64Array(INITIAL_CAPACITY);
  /** FIELD: old value; RANGE: first index and the copy of the old run; MAP: key and old value; POP: the value popped. */
  private auxKey: unknown[] = [];
  private auxOld: unknown[] = [];
  private auxTop = 0;
  private top = 0;
  /** Bytes held beyond the fixed per-record cost (RANGE copies, FIELD values, closures). */
  private extraBytes = 0;
  /** Position of the latest mark: the open span is [lastMark, top). */
  private lastMark = 0;
  /** Position at which `a` must look at the columns' room or switch to copy on write. */
  private limit = INITIAL_CAPACITY;
  /** Records in the open span that switch it to copy on write. */
  copyOnWriteAfter = DEFAULT_COPY_ON_WRITE_AFTER;
  /** The open span is in copy-on-write mode. */
  private cow = false;
  /** Number of the open span; chunk and field stamps of older spans do not count. */
  private epoch = 1;
  /** Per typed array: for each chunk, the epoch in which it was saved. */
  private readonly chunkStamps = new WeakMap<TypedArray, Uint32Array>();
  /** Per object: the fields saved in the current epoch. */
  private readonly fieldStamps = new WeakMap<object, { epoch: number; keys: Set<unknown> }>();
  /** FIELD keys by id, and each key's id. */
  private readonly keyNames: (string | number)[] = [];
  private readonly keyIds = new Map<string | number, number>();
  /** Compaction's record of the elements a span has seen. */
  private readonly seenElements = new SeenElements();
  /** Bumped by every rollback, compaction and clear (see `generation`). */
  private generationCount = 0;
  /** When false, mutations are applied but not recorded (benchmarks, bulk setup). */
  recording = true;

  /** Set a field of a plain object, remembering the old value. */
  set<T extends object, K extends keyof T & string>(obj: T, key: K, value: T[K]): void {
    const old = obj[key];
    if (old === value) return;
    if (this.recording && (!this.cow || this.firstWrite(obj, key))) this.pushField(obj, key, old);
    obj[key] = value;
  }

  /** Set one element of a typed array, remembering the old value. */
  a(arr: TypedArray, index: number, value: number): void {
    const old = arr[index]!;
    if (old === value) return;
    if (this.recording) {
      if (this.top >= this.limit) this.makeRoom();
      if (this.cow) {
        this.saveChunk(arr, index);
      } else {
        const i = this.top;
        this.targets[i] = arr;
        this.slot[i] = index;
        this.oldNum[i] = old;
        this.top = i + 1;
      }
    }
    arr[index] = value;
  }

  /** Set one element of a plain JS array, remembering the old value. */
  setAt<T>(arr: T[], index: number, value: T): void {
    const old = arr[index] as T;
    if (old === value) return;
    if (this.recording && (!this.cow || this.firstWrite(arr, index))) this.pushField(arr, index, old);
    arr[index] = value;
  }

  /**
   * Remember the contents of `arr[start, end)` before a bulk path writes
   * them directly (without `a`): one record for the whole run.
   */
  saveRange(arr: TypedArray, start: number, end: number): void {
    if (!this.recording || end <= start) return;
    const copy = arr.slice(start, end);
    const i = this.append(arr, RANGE);
    this.oldNum[i] = this.pushAux(start, copy);
    this.extraBytes += copy.byteLength + FIELD_BYTES;
    if (this.cow) {
      // whole chunks of the run are saved: later element writes to them need nothing more
      const stamps = this.stampsOf(arr);
      for (let c = (start + CHUNK_LEN - 1) >>> CHUNK_SHIFT; (c + 1) << CHUNK_SHIFT <= end; c++) stamps[c] = this.epoch;
    }
  }

  /** `arr.fill(value, start, end)` with one undo record. */
  fill(arr: TypedArray, value: number, start: number, end: number): void {
    this.saveRange(arr, start, end);
    arr.fill(value, start, end);
  }

  /** Record an arbitrary undo action for structural changes (map inserts, list splices). */
  custom(undo: () => void): void {
    if (!this.recording) return;
    this.append(undo, CUSTOM);
    this.extraBytes += CUSTOM_BYTES;
  }

  /**
   * `obj` was created just now: writes to it later in the same span need no
   * undo once the span is compacted, since nothing before the span refers
   * to it. Optional (an optimisation of compaction).
   */
  born(obj: object): void {
    if (this.recording) this.append(obj, BIRTH);
  }

  mapSet<K, V>(map: Map<K, V>, key: K, value: V): void {
    if (this.recording) this.pushMap(map, key, map.has(key) ? map.get(key) : ABSENT);
    map.set(key, value);
  }

  mapDelete<K, V>(map: Map<K, V>, key: K): void {
    if (!map.has(key)) return;
    if (this.recording) this.pushMap(map, key, map.get(key));
    map.delete(key);
  }

  /** Append to a JS array; undo pops it. */
  push<T>(arr: T[], value: T): void {
    arr.push(value);
    if (this.recording) this.append(arr, PUSH);
  }

  /** Pop the last element of a JS array; undo pushes it back. */
  pop<T>(arr: T[]): T | undefined {
    if (arr.length === 0) return undefined;
    const value = arr.pop() as T;
    if (this.recording) {
      const i = this.append(arr, POP);
      this.oldNum[i] = this.pushAux(undefined, value);
      this.extraBytes += FIELD_BYTES;
    }
    return value;
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
    this.lastMark = this.top;
    this.newSpan();
    return this.top;
  }

  /**
   * Changes whenever a rollback restored state without write records, or a
   * compaction or clear moved positions: what a reader learnt of the state
   * and of positions before the change may be stale.
   */
  get generation(): number {
    return this.generationCount;
  }

  /** Number of records (a proxy for undo memory; see `bytes`). */
  get size(): number {
    return this.top;
  }

  /** Approximate memory the records hold, in bytes. */
  get bytes(): number {
    return this.top * RECORD_BYTES + this.extraBytes;
  }

  /**
   * Approximate memory held by the records below each of the ascending
   * positions (one scan), all at or above `from`, below which the records
   * hold `bytesBelowFrom`.
   */
  bytesBelowEach(positions: readonly number[], from = 0, bytesBelowFrom = 0): number[] {
    const out: number[] = [];
    let bytes = bytesBelowFrom;
    let i = from;
    for (const pos of positions) {
      for (; i < pos && i < this.top; i++) bytes += RECORD_BYTES + this.extraOf(i);
      out.push(bytes);
    }
    return out;
  }

  /** Bytes record `i` holds beyond the fixed per-record cost. */
  private extraOf(i: number): number {
    const s = this.slot[i]!;
    if (s === CUSTOM) return CUSTOM_BYTES;
    if (!hasAux(s)) return 0;
    const old = this.auxOld[this.oldNum[i]!];
    return FIELD_BYTES + (ArrayBuffer.isView(old) ? old.byteLength : 0);
  }

  /** Undo everything recorded after `mark`, newest first. */
  rollback(mark: number): void {
    if (mark < this.top) this.generationCount++;
    const { targets, slot, oldNum, auxKey, auxOld } = this;
    // each record's references are dropped as it is undone, so undone state can be collected
    for (let i = this.top - 1; i >= mark; i--) {
      const s = slot[i]!;
      const target = targets[i];
      targets[i] = undefined;
      if (s >= 0) {
        (target as TypedArray)[s] = oldNum[i]!;
      } else if (s <= FIELD_BASE) {
        (target as Record<string | number, unknown>)[this.keyNames[fieldKeyId(s)]!] = this.fieldOld(i);
        if (fieldTag(s) === TAG_AUX) this.dropAux(oldNum[i]!);
      } else if (s === MAP) {
        const x = oldNum[i]!;
        const old = auxOld[x];
        if (old === ABSENT) (target as Map<unknown, unknown>).delete(auxKey[x]);
        else (target as Map<unknown, unknown>).set(auxKey[x], old);
        this.dropAux(x);
      } else if (s === PUSH) {
        (target as unknown[]).pop();
      } else if (s === POP) {
        const x = oldNum[i]!;
        (target as unknown[]).push(auxOld[x]);
        this.dropAux(x);
      } else if (s === RANGE) {
        const x = oldNum[i]!;
        (target as TypedArray).set(auxOld[x] as TypedArray, auxKey[x] as number);
        this.dropAux(x);
      } else if (s === CUSTOM) {
        (target as () => void)();
        this.extraBytes -= CUSTOM_BYTES;
      }
    }
    this.top = Math.min(this.top, mark);
    this.trimAux();
    if (this.lastMark > this.top) this.lastMark = this.top;
    // the chunks and fields saved in this span were restored: they must be saved again
    this.newSpan();
  }

  /** Forget all history (state stays as is). */
  clear(): void {
    this.generationCount++;
    // drop the references the records hold, so the old state they point at can be collected
    this.targets.length = 0;
    this.auxKey.length = 0;
    this.auxOld.length = 0;
    this.auxTop = 0;
    this.top = 0;
    this.extraBytes = 0;
    this.lastMark = 0;
    this.newSpan();
  }

  /** Objects and arrays written since `mark`, one per record (for tests; deltas use forEachTouched). */
  touchedSince(mark: number): unknown[] {
    const out: unknown[] = [];
    this.forEachTouched(mark, (target, records) => {
      for (let r = 0; r < records; r++) out.push(target);
    });
    return out;
  }

  /**
   * The objects and arrays written since `mark`, in record order: each run
   * of consecutive write records on one target once, with the run's length
   * (for building deltas of what changed; structural records are skipped).
   */
  forEachTouched(mark: number, fn: (target: unknown, records: number) => void): void {
    let last: unknown = undefined;
    let run = 0;
    for (let i = mark; i < this.top; i++) {
      const s = this.slot[i]!;
      if (s >= 0 || s <= FIELD_BASE || s === RANGE) {
        const target = this.targets[i];
        if (target === last) {
          run++;
          continue;
        }
        if (run > 0) fn(last, run);
        last = target;
        run = 1;
      }
    }
    if (run > 0) fn(last, run);
  }

  /** Every write recorded in [from, top): what the incremental invariant checks look at. */
  forEachWrite(from: number, v: WriteVisitor): void {
    const { targets, slot, oldNum, auxKey, auxOld } = this;
    for (let i = from; i < this.top; i++) {
      const s = slot[i]!;
      if (s >= 0) v.elem(targets[i] as TypedArray, s);
      else if (s <= FIELD_BASE) v.field(targets[i] as object, this.keyNames[fieldKeyId(s)]!);
      else if (s === RANGE) {
        const x = oldNum[i]!;
        const start = auxKey[x] as number;
        v.range(targets[i] as TypedArray, start, start + (auxOld[x] as TypedArray).length);
      }
    }
  }

  /**
   * Compact each span [bounds[i], bounds[i + 1]) on its own: keep only the
   * records a rollback to the span's start needs (markNeeded), in place:
   * no record becomes an object on the way. The kept records keep their
   * order, so each location still ends at its oldest value. Marks at the bounds stay valid (they move down: the new
   * positions are returned, the first unchanged); marks strictly inside a
   * span do not. Records above the last bound move down once.
   */
  compactSpans(bounds: readonly number[]): number[] {
    this.generationCount++;
    const first = bounds[0]!;
    const last = bounds[bounds.length - 1]!;
    const keep = new Uint8Array(last - first);
    for (let b = 0; b + 1 < bounds.length; b++) this.markNeeded(bounds[b]!, bounds[b + 1]!, keep, first);
    // kept records (and every record above the last bound) move down in place, with their aux entries
    const { targets, slot, oldNum, auxKey, auxOld } = this;
    const newBounds: number[] = [];
    let bi = 0;
    let w = first;
    let auxW = this.auxTop;
    for (let i = first; i < this.top; i++) {
      if (hasAux(slot[i]!)) {
        auxW = oldNum[i]!;
        break;
      }
    }
    for (let i = first; i < this.top; i++) {
      while (bi < bounds.length && bounds[bi] === i) newBounds[bi++] = w;
      const s = slot[i]!;
      const aux = hasAux(s);
      if (i < last && keep[i - first] === 0) {
        this.extraBytes -= this.extraOf(i);
        continue;
      }
      targets[w] = targets[i];
      slot[w] = s;
      if (aux) {
        const x = oldNum[i]!;
        auxKey[auxW] = auxKey[x];
        auxOld[auxW] = auxOld[x];
        oldNum[w] = auxW++;
      } else {
        oldNum[w] = oldNum[i]!;
      }
      w++;
    }
    while (bi < bounds.length) newBounds[bi++] = w;
    for (let i = w; i < this.top; i++) targets[i] = undefined;
    for (let x = auxW; x < this.auxTop; x++) {
      auxKey[x] = undefined;
      auxOld[x] = undefined;
    }
    this.top = w;
    this.auxTop = auxW;
    this.trimAux();
    const removed = last - newBounds[newBounds.length - 1]!;
    if (this.lastMark >= last) this.lastMark -= removed;
    else if (this.lastMark > first) this.lastMark = first;
    this.newSpan();
    return newBounds;
  }

  /**
   * Mark in `keep` (indexed from `base`) the records of span [from, to) that
   * a rollback to `from` needs. Of the records on one typed-array element
   * or one field, the oldest stays; a RANGE whose elements all have an
   * older record in the span is dropped (the older ones, undone after it,
   * win); of the records on one key of a Map, the oldest stays; records
   * on objects born in the span are dropped; pushes, pops, undo closures
   * and births stay.
   */
  private markNeeded(from: number, to: number, keep: Uint8Array, base: number): void {
    const { targets, slot, oldNum, auxKey, auxOld } = this;
    let born: Set<unknown> | null = null;
    for (let i = from; i < to; i++) {
      if (slot[i] === BIRTH) (born ??= new Set()).add(targets[i]);
    }
    const fields = new Map<unknown, Set<number>>();
    const mapKeys = new Map<unknown, Set<unknown>>();
    let lastFieldTarget: unknown = null;
    let lastFieldKeys: Set<number> | undefined;
    const seen = this.seenElements;
    seen.newSpan();
    // records come in runs on one target: whether it was born here is looked up once per run
    let lastTarget: unknown = undefined;
    let lastBorn = false;
    for (let i = from; i < to; i++) {
      const s = slot[i]!;
      const target = targets[i];
      if (s === CUSTOM || s === BIRTH) {
        keep[i - base] = 1;
        continue;
      }
      if (born !== null) {
        if (target !== lastTarget) {
          lastTarget = target;
          lastBorn = born.has(target);
        }
        if (lastBorn) continue;
      }
      if (s >= 0) {
        if (seen.testAndSet(target as TypedArray, s)) keep[i - base] = 1;
      } else if (s <= FIELD_BASE) {
        let keys = target === lastFieldTarget ? lastFieldKeys : fields.get(target);
        if (!keys) fields.set(target, (keys = new Set()));
        lastFieldTarget = target;
        lastFieldKeys = keys;
        const key = fieldKeyId(s);
        if (keys.has(key)) continue;
        keys.add(key);
        keep[i - base] = 1;
      } else if (s === MAP) {
        let keys = mapKeys.get(target);
        if (!keys) mapKeys.set(target, (keys = new Set()));
        const key = auxKey[oldNum[i]!];
        if (keys.has(key)) continue;
        keys.add(key);
        keep[i - base] = 1;
      } else if (s === PUSH || s === POP) {
        keep[i - base] = 1;
      } else {
        const x = oldNum[i]!;
        const start = auxKey[x] as number;
        if (seen.anyUnsetThenSet(target as TypedArray, start, start + (auxOld[x] as TypedArray).length))
          keep[i - base] = 1;
      }
    }
  }

  // ----------------------------------------------------------- internals

  /** Append a record of kind `s` (or an element index); returns its position. */
  private append(target: unknown, s: number): number {
    if (this.top >= this.limit) this.makeRoom();
    const i = this.top;
    this.targets[i] = target;
    this.slot[i] = s;
    this.top = i + 1;
    return i;
  }

  /** A new open span: stamps of the old one no longer count, copy on write is off until it grows. */
  private newSpan(): void {
    this.epoch++;
    this.cow = false;
    this.limit = Math.min(this.slot.length, this.lastMark + this.copyOnWriteAfter);
  }

  /** Copy on write: save the chunk of `arr` holding `index`, unless this span saved it already. */
  private saveChunk(arr: TypedArray, index: number): void {
    const stamps = this.stampsOf(arr);
    const c = index >>> CHUNK_SHIFT;
    if (stamps[c] === this.epoch) return;
    stamps[c] = this.epoch;
    const start = c << CHUNK_SHIFT;
    const copy = arr.slice(start, Math.min(arr.length, start + CHUNK_LEN));
    const i = this.append(arr, RANGE);
    this.oldNum[i] = this.pushAux(start, copy);
    this.extraBytes += copy.byteLength + FIELD_BYTES;
  }

  private stampsOf(arr: TypedArray): Uint32Array {
    let stamps = this.chunkStamps.get(arr);
    if (stamps === undefined) {
      stamps = new Uint32Array((arr.length >>> CHUNK_SHIFT) + 1);
      this.chunkStamps.set(arr, stamps);
    }
    return stamps;
  }

  /** Copy on write: is this the span's first write to the field (so it must be recorded)? */
  private firstWrite(obj: object, key: unknown): boolean {
    let stamp = this.fieldStamps.get(obj);
    if (stamp === undefined || stamp.epoch !== this.epoch) {
      stamp = { epoch: this.epoch, keys: new Set() };
      this.fieldStamps.set(obj, stamp);
    }
    if (stamp.keys.has(key)) return false;
    stamp.keys.add(key);
    return true;
  }

  private pushField(target: object, key: string | number, old: unknown): void {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      id = this.keyNames.length;
      this.keyNames.push(key);
      this.keyIds.set(key, id);
    }
    let tag = TAG_AUX;
    let num = 0;
    if (typeof old === 'number') {
      tag = TAG_NUM;
      num = old;
    } else if (typeof old === 'boolean') {
      tag = TAG_BOOL;
      num = old ? 1 : 0;
    } else if (old === null) {
      tag = TAG_NULL;
    }
    const i = this.append(target, FIELD_BASE - (id * 4 + tag));
    if (tag === TAG_AUX) {
      this.oldNum[i] = this.pushAux(undefined, old);
      this.extraBytes += FIELD_BYTES;
    } else {
      this.oldNum[i] = num;
    }
  }

  /** The old value a FIELD record restores. */
  private fieldOld(i: number): unknown {
    const s = this.slot[i]!;
    const tag = fieldTag(s);
    if (tag === TAG_NUM) return this.oldNum[i]!;
    if (tag === TAG_BOOL) return this.oldNum[i] === 1;
    if (tag === TAG_NULL) return null;
    return this.auxOld[this.oldNum[i]!];
  }

  private pushMap(map: Map<unknown, unknown>, key: unknown, old: unknown): void {
    const i = this.append(map, MAP);
    this.oldNum[i] = this.pushAux(key, old);
    this.extraBytes += FIELD_BYTES;
  }

  private pushAux(key: unknown, old: unknown): number {
    const x = this.auxTop++;
    this.auxKey[x] = key;
    this.auxOld[x] = old;
    return x;
  }

  /** Undo of a FIELD or RANGE record: its aux entry is the newest one. */
  private dropAux(x: number): void {
    const old = this.auxOld[x];
    this.extraBytes -= FIELD_BYTES + (ArrayBuffer.isView(old) ? old.byteLength : 0);
    this.auxKey[x] = undefined;
    this.auxOld[x] = undefined;
    if (x === this.auxTop - 1) this.auxTop = x;
  }

  private trimAux(): void {
    if (this.auxKey.length > this.auxTop + 4096) {
      this.auxKey.length = this.auxTop;
      this.auxOld.length = this.auxTop;
    }
    if (this.targets.length > this.top + 65536) this.targets.length = this.top;
  }

  /** The columns are full, or the open span is big enough for copy on write. */
  private makeRoom(): void {
    if (!this.cow && this.top - this.lastMark >= this.copyOnWriteAfter) this.cow = true;
    if (this.top >= this.slot.length) this.growColumns(this.top + 1);
    this.limit = this.cow ? this.slot.length : Math.min(this.slot.length, this.lastMark + this.copyOnWriteAfter);
  }

  private growColumns(atLeast: number): void {
    let n = this.slot.length;
    while (n < atLeast) n *= 2;
    const slot = new Int32Array(n);
    slot.set(this.slot);
    this.slot = slot;
    const oldNum = new Float64Array(n);
    oldNum.set(this.oldNum);
    this.oldNum = oldNum;
  }
}

/**
 * Which elements of typed arrays a span being compacted has seen: one bit
 * per element in 64-element chunks, allocated once per array and made
 * stale per span by a stamp (no clearing, no per-element objects).
 */
class SeenElements {
  private epoch = 0;
  private readonly marks = new WeakMap<TypedArray, { stamp: Uint32Array; bits: Uint32Array }>();
  /** The last array asked about and its marks: records on one array come in runs. */
  private lastArr: TypedArray | null = null;
  private lastMarks: { stamp: Uint32Array; bits: Uint32Array } | undefined = undefined;

  newSpan(): void {
    this.epoch++;
  }

  /** Word `w` (0 or 1) of the chunk's 64 bits, zeroed first if the chunk is stale. */
  private chunk(arr: TypedArray, c: number): Uint32Array {
    let m = arr === this.lastArr ? this.lastMarks : this.marks.get(arr);
    if (m === undefined) {
      const chunks = (arr.length >>> CHUNK_SHIFT) + 1;
      m = { stamp: new Uint32Array(chunks), bits: new Uint32Array(chunks * 2) };
      this.marks.set(arr, m);
    }
    this.lastArr = arr;
    this.lastMarks = m;
    if (m.stamp[c] !== this.epoch) {
      m.stamp[c] = this.epoch;
      m.bits[2 * c] = 0;
      m.bits[2 * c + 1] = 0;
    }
    return m.bits;
  }

  /** Mark element `index`; true if it was not marked yet. */
  testAndSet(arr: TypedArray, index: number): boolean {
    const c = index >>> CHUNK_SHIFT;
    const bits = this.chunk(arr, c);
    const w = 2 * c + ((index >>> 5) & 1);
    const bit = 1 << (index & 31);
    if (bits[w]! & bit) return false;
    bits[w] = bits[w]! | bit;
    return true;
  }

  /** Mark elements [start, end); true if any of them was not marked yet. */
  anyUnsetThenSet(arr: TypedArray, start: number, end: number): boolean {
    let any = false;
    for (let i = start; i < end;) {
      const c = i >>> CHUNK_SHIFT;
      const bits = this.chunk(arr, c);
      const chunkEnd = Math.min(end, (c + 1) << CHUNK_SHIFT);
      for (let half = 0; half < 2; half++) {
        const lo = Math.max(i, (c << CHUNK_SHIFT) + half * 32);
        const hi = Math.min(chunkEnd, (c << CHUNK_SHIFT) + half * 32 + 32);
        if (lo >= hi) continue;
        const width = hi - lo;
        const mask = (width === 32 ? 0xffffffff : ((1 << width) - 1) << (lo & 31)) >>> 0;
        const w = 2 * c + half;
        if ((bits[w]! & mask) >>> 0 !== mask) any = true;
        bits[w] = bits[w]! | mask;
      }
      i = chunkEnd;
    }
    return any;
  }
}
