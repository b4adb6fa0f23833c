/**
 * Limits that hold (issue #15): the largest region the checker accepts
 * (maxRegionPages, docs/scenario-language.md "Limits") is populated and
 * paged out to the end without a crash, and a region one page larger is
 * refused on its line before anything runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS } from '../../server/lang/check/checked';
import { Session } from '../../server/session/session';

const maxKiB = DEFAULT_LIMITS.maxRegionPages * 4;

test('a pageout of the largest region the checker accepts runs to its end', () => {
  const source = [
    'config ram=20G',
    'swapon /dev/vda size=17G',
    'task t',
    `mmap t a ${maxKiB}K populate`,
    'pageout t a',
  ].join('\n');
  const s = new Session('test:max-region', source);
  assert.equal(s.status, 'ready');
  s.run();
  assert.equal(s.status, 'finished');
  assert.deepEqual(s.errors, []);
  assert.deepEqual(s.violations, []);
  assert.equal(s.machine.vmstat.events.pswpout, DEFAULT_LIMITS.maxRegionPages);
  assert.equal(
    s.machine.swap.counters.totalSwapPages - s.machine.swap.counters.nrSwapPages,
    DEFAULT_LIMITS.maxRegionPages,
  );
});

test('a region one page above the limit is refused with SS504 on its line', () => {
  const s = new Session(
    'test:over-region',
    ['config ram=20G', 'task t', `mmap t a ${maxKiB + 4}K populate`, 'pageout t a'].join('\n'),
  );
  assert.equal(s.status, 'invalid');
  const d = s.diagnostics.filter((x) => x.code === 'SS504');
  assert.equal(d.length, 1, JSON.stringify(s.diagnostics));
  assert.equal(d[0]!.range.start.line, 2);
  assert.match(d[0]!.message, /region limit/);
});
