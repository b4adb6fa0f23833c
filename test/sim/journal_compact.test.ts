/**
 * Journal compaction and copy on write (issue #15): compacted spans restore
 * exactly the state at their starts, keep every mark at their bounds, hold
 * one record per location written rather than one per write, and a long
 * open span switches to copy on write with the same guarantees. Random runs
 * compare against snapshots.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal, type TypedArray } from '../../server/sim/journal';
import { rng } from '../prng';

interface World {
  ints: Int32Array;
  bytes: Uint8Array;
  doubles: Float64Array;
  obj: Record<string, number | string | boolean | null | undefined>;
  list: number[];
  map: Map<number, number>;
  /** Arrays created during the run (born), kept reachable through this list. */
  fresh: Int32Array[];
}

function snapshot(w: World): string {
  return JSON.stringify({
    ints: [...w.ints],
    bytes: [...w.bytes],
    doubles: [...w.doubles].map((d) => (Object.is(d, -0) ? '-0' : String(d))),
    obj: w.obj,
    list: w.list,
    map: [...w.map].sort((a, b) => a[0] - b[0]),
    fresh: w.fresh.map((a) => [...a]),
  });
}

function randomWrite(j: Journal, w: World, r: () => number): void {
  const pick = r();
  const int = (n: number): number => Math.floor(r() * n);
  if (pick < 0.35) j.a(w.ints, int(w.ints.length), int(1000) - 500);
  else if (pick < 0.45) j.a(w.bytes, int(w.bytes.length), int(256));
  else if (pick < 0.55) j.a(w.doubles, int(w.doubles.length), r() < 0.1 ? Number.NaN : (r() - 0.5) * 2 ** 40);
  else if (pick < 0.62) {
    const a = int(w.ints.length);
    const b = Math.min(w.ints.length, a + int(300));
    j.saveRange(w.ints, a, b);
    for (let i = a; i < b; i++) w.ints[i] = int(1000);
  } else if (pick < 0.7) {
    // every kind of old value a field record keeps: numbers, booleans, null, anything else
    const kind = r();
    j.set(
      w.obj,
      `k${int(6)}`,
      kind < 0.2
        ? null
        : kind < 0.35
          ? r() < 0.5
          : kind < 0.45
            ? `s${int(3)}`
            : kind < 0.5
              ? undefined
              : int(50) - 0.5 * int(2),
    );
  } else if (pick < 0.75) {
    // an element that exists (pops below may empty the list; setAt never grows it)
    if (w.list.length) j.setAt(w.list, int(w.list.length), int(9));
  } else if (pick < 0.8) {
    if (r() < 0.3) j.pop(w.list);
    else j.push(w.list, int(9));
  } else if (pick < 0.85) j.mapSet(w.map, int(20), int(100));
  else if (pick < 0.88) j.mapDelete(w.map, int(20));
  else if (pick < 0.9) {
    const a = new Int32Array(50);
    j.born(a);
    j.push(w.fresh, a);
  } else if (w.fresh.length) {
    const a = w.fresh[int(w.fresh.length)]!;
    j.a(a, int(a.length), int(100));
  } else {
    j.fill(w.bytes, int(256), 0, int(w.bytes.length));
  }
}

test('random writes, random compactions of spans that start at marks, with and without copy on write: every kept mark rolls back exactly', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const r = rng(seed);
    const j = new Journal();
    // odd seeds: spans switch to copy on write after a few records; even seeds: never
    j.copyOnWriteAfter = seed % 2 ? 30 : 1 << 30;
    const w: World = {
      ints: new Int32Array(5000),
      bytes: new Uint8Array(700),
      doubles: new Float64Array(300),
      obj: {},
      list: [1, 2, 3],
      map: new Map(),
      fresh: [],
    };
    // marks still valid, with the state at each
    let marks: { pos: number; snap: string }[] = [{ pos: j.mark(), snap: snapshot(w) }];
    for (let round = 0; round < 400; round++) {
      const n = Math.floor(r() * 40);
      for (let i = 0; i < n; i++) randomWrite(j, w, r);
      if (r() < 0.3) marks.push({ pos: j.mark(), snap: snapshot(w) });
      const compaction = r();
      if (compaction < 0.15) {
        // compact from a random kept mark to the top: marks above it are gone
        const keep = Math.floor(r() * marks.length);
        const now = snapshot(w);
        j.compactSpans([marks[keep]!.pos, j.size]);
        assert.equal(snapshot(w), now, `seed ${seed}: compaction changed the state`);
        marks = marks.slice(0, keep + 1);
      } else if (compaction < 0.3 && marks.length > 2) {
        // compact between two kept marks: the marks inside go, the ones above move down
        const a = Math.floor(r() * (marks.length - 1));
        const b = a + 1 + Math.floor(r() * (marks.length - 1 - a));
        const now = snapshot(w);
        // sometimes several spans at once, each keeping its bounds
        const bounds =
          r() < 0.5 ? [a, b] : [a, a + Math.floor((b - a) / 2), b].filter((x, i, xs) => i === 0 || x > xs[i - 1]!);
        const moved = j.compactSpans(bounds.map((x) => marks[x]!.pos));
        assert.equal(snapshot(w), now, `seed ${seed}: compaction of middle spans changed the state`);
        const removed = marks[b]!.pos - moved[moved.length - 1]!;
        const kept = bounds.map((x, i) => ({ pos: moved[i]!, snap: marks[x]!.snap }));
        marks = [
          ...marks.slice(0, a),
          ...kept,
          ...marks.slice(b + 1).map((m) => ({ pos: m.pos - removed, snap: m.snap })),
        ];
      }
      if (r() < 0.1) {
        const back = Math.floor(r() * marks.length);
        j.rollback(marks[back]!.pos);
        assert.equal(snapshot(w), marks[back]!.snap, `seed ${seed} round ${round}: rollback to mark ${back}`);
        marks = marks.slice(0, back + 1);
      }
    }
    for (let back = marks.length - 1; back >= 0; back--) {
      j.rollback(marks[back]!.pos);
      assert.equal(snapshot(w), marks[back]!.snap, `seed ${seed}: final rollback to mark ${back}`);
    }
  }
});

test('compaction keeps one record per element and field written, however often it was written', () => {
  const j = new Journal();
  j.copyOnWriteAfter = 1 << 30;
  const a = new Int32Array(100_000);
  const counters = { n: 0 };
  const before = a.slice();
  const m = j.mark();
  // 10 passes over the array: a million element records, and a million field records on one key
  for (let pass = 0; pass < 10; pass++) {
    for (let i = 0; i < a.length; i++) {
      j.a(a, i, pass * 7 + i + 1);
      j.set(counters, 'n', counters.n + 1);
    }
  }
  assert.equal(j.size, 2_000_000);
  j.compactSpans([m, j.size]);
  assert.equal(j.size, a.length + 1);
  j.rollback(m);
  assert.deepEqual(a, before);
  assert.equal(counters.n, 0);
});

test('a copy of a run drops the newer records its chunks cover whole', () => {
  const j = new Journal();
  j.copyOnWriteAfter = 1 << 30;
  const a = new Uint8Array(1000);
  const m = j.mark();
  j.saveRange(a, 0, 640);
  a.fill(7, 0, 640);
  j.saveRange(a, 64, 320);
  a.fill(9, 64, 320);
  for (let i = 0; i < 600; i += 3) j.a(a, i, 1);
  j.a(a, 700, 1);
  j.compactSpans([m, j.size]);
  // the first copy and the element outside it
  assert.equal(j.size, 2);
  j.rollback(m);
  assert.ok(a.every((v) => v === 0));
});

test('sparse writes stay element records, one per element', () => {
  const j = new Journal();
  j.copyOnWriteAfter = 1 << 30;
  const a = new Float64Array(1 << 20);
  const m = j.mark();
  for (let rep = 0; rep < 5; rep++) for (let i = 0; i < a.length; i += 4096) j.a(a, i, rep + 1);
  j.compactSpans([m, j.size]);
  assert.equal(j.size, a.length / 4096);
  j.rollback(m);
  assert.ok(a.every((v) => v === 0));
});

test('writes to objects born in the span are dropped by compaction, and undo still restores the rest', () => {
  const j = new Journal();
  j.copyOnWriteAfter = 1 << 30;
  const holder: { t: Int32Array | null } = { t: null };
  const m = j.mark();
  const t = new Int32Array(1000);
  j.born(t);
  j.set(holder, 't', t);
  for (let i = 0; i < t.length; i++) j.a(t, i, i);
  j.compactSpans([m, j.size]);
  // the birth and the holder's field are all that is left
  assert.equal(j.size, 2);
  j.rollback(m);
  assert.equal(holder.t, null);
});

test('a long operation switches to copy on write: the journal stays near the state it touched', () => {
  const j = new Journal();
  j.copyOnWriteAfter = 10_000;
  const a = new Uint16Array(4096);
  const counters = { n: 0 };
  const before = a.slice();
  const m = j.mark();
  for (let i = 0; i < 500_000; i++) {
    j.a(a, i % a.length, (i * 31) & 0xffff);
    j.set(counters, 'n', i + 1);
  }
  assert.ok(j.size < 40_000, `${j.size} records`);
  assert.ok(j.bytes < 1_000_000, `${j.bytes} bytes`);
  j.rollback(m);
  assert.deepEqual(a, before);
  assert.equal(counters.n, 0);
});

test('forEachWrite reports every element, range and field written in a span', () => {
  const j = new Journal();
  const t = new Int32Array(10);
  const o = { x: 0 };
  j.a(t, 0, 1);
  const m = j.mark();
  j.a(t, 3, 1);
  j.saveRange(t, 5, 8);
  j.set(o, 'x', 2);
  j.custom(() => {});
  const seen: string[] = [];
  j.forEachWrite(m, {
    elem: (a: TypedArray, i) => seen.push(`elem ${a === t} ${i}`),
    range: (a: TypedArray, s, e) => seen.push(`range ${a === t} ${s}..${e}`),
    field: (obj, key) => seen.push(`field ${obj === o} ${String(key)}`),
  });
  assert.deepEqual(seen, ['elem true 3', 'range true 5..8', 'field true x']);
});
