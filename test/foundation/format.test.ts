// One number format for every view (shared/format.ts) and the tooltips' Markdown escape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatBytes,
  formatBytesExact,
  formatBytesPerSlot,
  formatCount,
  formatHex,
  formatLimit,
  formatPercent,
  pagesToKiB,
} from '../../shared/format';
import { mdEscape } from '../../client/ui/markdown';

test('sizes print in binary units with at most three significant digits', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(4096), '4 KiB');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(64 * 2 ** 20), '64 MiB');
  assert.equal(formatBytes(2 ** 40), '1 TiB');
  assert.equal(formatBytes(1.25 * 2 ** 30), '1.25 GiB');
  assert.equal(formatBytes(20 * 2 ** 20 + 1), '20 MiB');
  assert.equal(formatBytes(123.4 * 2 ** 20), '123 MiB');
  assert.equal(formatBytes(-1536), '-1.5 KiB');
  assert.equal(formatLimit(null), 'max');
  assert.equal(formatLimit(2 ** 20), '1 MiB');
});

test('exact sizes mark any rounding with ≈', () => {
  assert.equal(formatBytesExact(512 * 2 ** 20), '512 MiB');
  assert.equal(formatBytesExact(1000), '1,000 B');
  assert.equal(formatBytesExact(20976640), '≈20 MiB');
  assert.equal(formatBytesPerSlot(0.09375), '0.09375');
  assert.equal(formatBytesPerSlot(10), '10');
});

test('counts group by thousands whatever the locale, fractions keep three decimals', () => {
  assert.equal(formatCount(4194304), '4,194,304');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(-1234), '-1,234');
  assert.equal(formatCount(0.5), '0.5');
  assert.equal(formatCount(1234.5678), '1,234.568');
  assert.equal(formatCount(2.9999), '3');
});

test('hex, percent and /proc/swaps KiB', () => {
  assert.equal(formatHex(255), '0xff');
  assert.equal(formatHex(0x3en, 4), '0x003e');
  assert.equal(formatPercent(0.5), '50%');
  assert.equal(formatPercent(0.0123), '1.2%');
  assert.equal(pagesToKiB(16383, 4096), 65532);
  assert.equal(pagesToKiB(3, 16384), 48);
});

test('markdown metacharacters in paths are escaped', () => {
  assert.equal(mdEscape('/sys/fs/cgroup/a_b*'), '/sys/fs/cgroup/a\\_b\\*');
});
