/**
 * The undo journal on its own: every kind of record undone exactly, in
 * reverse order, across the growth of its columns, with nested marks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Journal } from '../../server/sim/journal';

test('field, element, plain-array and structural records undo to the exact old values, newest first', () => {
  const j = new Journal();
  const obj = { a: 1, b: 'x' as string | null, c: { deep: true } as object | null };
  const ints = new Int32Array(4);
  const doubles = new Float64Array(3);
  const list = ['p', 'q'];
  const map = new Map<string, number>([['keep', 1]]);
  const arr: number[] = [];
  const m = j.mark();
  j.set(obj, 'a', 2);
  j.set(obj, 'b', null);
  j.set(obj, 'c', null);
  j.a(ints, 2, -7);
  j.a(doubles, 0, 2 ** 40 + 3); // a swap entry beyond 32 bits
  j.a(doubles, 1, 0.5);
  j.a(doubles, 2, Number.NaN);
  j.setAt(list, 1, 'r');
  j.mapSet(map, 'keep', 2);
  j.mapSet(map, 'new', 3);
  j.mapDelete(map, 'keep');
  j.push(arr, 5);
  j.replaceArray(list, ['z']);
  j.a(ints, 2, 9); // a second write to the same element: undo must end at the first old value
  assert.equal(j.size, 14);
  j.rollback(m);
  assert.deepEqual(obj, { a: 1, b: 'x', c: { deep: true } });
  assert.deepEqual([...ints], [0, 0, 0, 0]);
  assert.deepEqual([...doubles], [0, 0, 0]);
  assert.deepEqual(list, ['p', 'q']);
  assert.deepEqual([...map], [['keep', 1]]);
  assert.deepEqual(arr, []);
  assert.equal(j.size, 0);
});

test('old values that are not plain integers survive a rollback bit for bit', () => {
  const j = new Journal();
  const d = new Float64Array([-0, Number.NaN, 2 ** 53 - 1, -(2 ** 33) - 0.5, Number.POSITIVE_INFINITY]);
  const before = [...d];
  const m = j.mark();
  for (let i = 0; i < d.length; i++) j.a(d, i, 42);
  j.rollback(m);
  before.forEach((v, i) => assert.ok(Object.is(d[i], v), `element ${i}: ${d[i]} instead of ${v}`));
});

test('a write of the value already there records nothing', () => {
  const j = new Journal();
  const o = { n: 3 };
  const t = new Uint8Array([4]);
  j.set(o, 'n', 3);
  j.a(t, 0, 4);
  j.setAt([1], 0, 1);
  assert.equal(j.size, 0);
});

test('nested marks roll back in steps, across many times the initial capacity', () => {
  const j = new Journal();
  const t = new Uint32Array(100);
  const o = { v: 0 };
  const marks: number[] = [];
  const snaps: number[][] = [];
  for (let round = 0; round < 5; round++) {
    marks.push(j.mark());
    snaps.push([...t, o.v]);
    for (let i = 0; i < 3000; i++) {
      j.a(t, i % 100, round * 10_000 + i + 1);
      j.set(o, 'v', round * 10_000 + i + 1);
      if (i % 500 === 0) j.custom(() => void 0);
    }
  }
  assert.equal(j.size, 5 * (6000 + 6));
  for (let round = 4; round >= 0; round--) {
    j.rollback(marks[round]!);
    assert.deepEqual([...t, o.v], snaps[round], `back to round ${round}`);
    assert.equal(j.size, marks[round]);
  }
});

test('recording off applies writes without records; clear forgets history but keeps the state', () => {
  const j = new Journal();
  const t = new Int32Array(2);
  j.recording = false;
  j.a(t, 0, 1);
  j.custom(() => assert.fail('never recorded'));
  assert.equal(j.size, 0);
  assert.equal(t[0], 1);
  j.recording = true;
  j.a(t, 1, 2);
  j.clear();
  assert.equal(j.size, 0);
  j.rollback(0);
  assert.deepEqual([...t], [1, 2]);
  // the journal keeps working after a clear
  const m = j.mark();
  j.a(t, 1, 3);
  j.rollback(m);
  assert.equal(t[1], 2);
});

test('touchedSince lists the written objects and arrays, not structural records', () => {
  const j = new Journal();
  const a = new Int16Array(1);
  const o = { x: 0 };
  const map = new Map<number, number>();
  j.a(a, 0, 1);
  const m = j.mark();
  j.set(o, 'x', 1);
  j.mapSet(map, 1, 1);
  j.a(a, 0, 2);
  assert.deepEqual([...j.touchedSince(m)], [o, a]);
});
