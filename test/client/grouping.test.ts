// How the Devices view splits big devices into ranges (client/trees/grouping.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  childSpan,
  MAX_CHILDREN,
  rangeChain,
  SLOT_RANGE,
  slotRangeOf,
  slotRanges,
  subranges,
} from '../../client/trees/grouping';

test('devices of up to 1,024 clusters list clusters directly', () => {
  assert.equal(childSpan(1), 1);
  assert.equal(childSpan(MAX_CHILDREN), 1);
  assert.deepEqual(rangeChain(32, 17), []);
  assert.deepEqual(rangeChain(MAX_CHILDREN, MAX_CHILDREN - 1), []);
});

test('1 TiB of 4K pages (524,288 clusters) becomes 512 ranges of 1,024 clusters', () => {
  const clusters = 2 ** 40 / 4096 / 512;
  assert.equal(clusters, 524_288);
  const span = childSpan(clusters);
  assert.equal(span, 1024);
  const ranges = subranges(0, clusters, span);
  assert.equal(ranges.length, 512);
  assert.deepEqual(ranges[0], { from: 0, to: 1024 });
  assert.deepEqual(ranges[511], { from: 523_264, to: 524_288 });
  assert.deepEqual(rangeChain(clusters, 100_000), [{ from: 99_328, to: 100_352 }]);
});

test('no level ever has more than 1,024 children, however large the device', () => {
  // 2^32 - 1 slots (the largest si->max) in 256-slot clusters is the most clusters a device can have.
  const clusters = Math.ceil((2 ** 32 - 1) / 256);
  for (const cluster of [0, 1, 1_234_567, clusters - 1]) {
    const chain = rangeChain(clusters, cluster);
    assert.ok(chain.length >= 2, 'a device this large needs nested ranges');
    let from = 0;
    let to = clusters;
    for (const span of chain) {
      const siblings = subranges(from, to, childSpan(to - from));
      assert.ok(siblings.length <= MAX_CHILDREN, `${siblings.length} siblings`);
      assert.ok(
        siblings.some((s) => s.from === span.from && s.to === span.to),
        'the chain follows the ranges the tree lists',
      );
      assert.ok(cluster >= span.from && cluster < span.to);
      ({ from, to } = span);
    }
    assert.ok(to - from <= MAX_CHILDREN, 'the innermost range lists its clusters directly');
  }
});

test('a partial last range is shorter, never empty', () => {
  const ranges = subranges(0, 2050, childSpan(2050));
  assert.deepEqual(ranges, [
    { from: 0, to: 1024 },
    { from: 1024, to: 2048 },
    { from: 2048, to: 2050 },
  ]);
  assert.deepEqual(rangeChain(2050, 2049), [{ from: 2048, to: 2050 }]);
});

test('clusters of 8,192 slots (64K pages) split their slots in ranges of 512', () => {
  assert.deepEqual(slotRanges(3, 512), []);
  assert.equal(slotRangeOf(1000, 512), undefined);
  const ranges = slotRanges(2, 8192);
  assert.equal(ranges.length, 16);
  assert.deepEqual(ranges[0], { from: 16_384, to: 16_384 + SLOT_RANGE });
  assert.deepEqual(slotRangeOf(16_384 + 600, 8192), { from: 16_896, to: 17_408 });
});
