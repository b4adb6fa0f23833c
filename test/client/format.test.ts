// Size formatting in the views (client/ui/format.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatLimit, mdEscape, pagesToKiB } from '../../client/ui/format';

test('sizes print as the scenario language writes them', () => {
  assert.equal(formatBytes(0), '0B');
  assert.equal(formatBytes(512), '512B');
  assert.equal(formatBytes(4096), '4K');
  assert.equal(formatBytes(1536), '1.5K');
  assert.equal(formatBytes(64 * 2 ** 20), '64M');
  assert.equal(formatBytes(2 ** 40), '1T');
  assert.equal(formatBytes(1.25 * 2 ** 30), '1.25G');
  assert.equal(formatLimit(null), 'max');
  assert.equal(formatLimit(2 ** 20), '1M');
});

test('/proc/swaps counts KiB', () => {
  assert.equal(pagesToKiB(16383, 4096), 65532);
  assert.equal(pagesToKiB(3, 16384), 48);
});

test('markdown metacharacters in paths are escaped', () => {
  assert.equal(mdEscape('/sys/fs/cgroup/a_b*'), '/sys/fs/cgroup/a\\_b\\*');
});
