import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  sizeLiteral,
  isUnitWord,
  parseBool,
  parseInteger,
  parseKernelSize,
  parsePercent,
  parseSize,
} from '../../server/lang/units';

test('sizes use binary multiples', () => {
  const bytes = (t: string) => {
    const r = parseSize(t);
    assert.ok(r.ok && r.kind === 'bytes', `${t} should parse as bytes`);
    return r.bytes;
  };
  assert.equal(bytes('512'), 512);
  assert.equal(bytes('4K'), 4096);
  assert.equal(bytes('4k'), 4096);
  assert.equal(bytes('4KiB'), 4096);
  assert.equal(bytes('4kB'), 4096);
  assert.equal(bytes('30M'), 30 * 2 ** 20);
  assert.equal(bytes('1T'), 2 ** 40);
  assert.equal(bytes('2P'), 2 * 2 ** 50);
  assert.equal(bytes('1.5G'), 1.5 * 2 ** 30);
  assert.equal(bytes('0.5K'), 512);
  assert.equal(bytes('0x1000'), 4096);
  assert.equal(bytes('64B'), 64);
});

test('a plain number carries no unit so callers can warn', () => {
  const r = parseSize('512');
  assert.deepEqual(r, { ok: true, kind: 'bytes', bytes: 512, unit: null });
  assert.deepEqual(parseSize('4K'), { ok: true, kind: 'bytes', bytes: 4096, unit: 'K' });
});

test('p and pages count pages; P is pebibytes', () => {
  assert.deepEqual(parseSize('100p'), { ok: true, kind: 'pages', pages: 100, unit: 'p' });
  assert.deepEqual(parseSize('3pages'), { ok: true, kind: 'pages', pages: 3, unit: 'pages' });
  assert.deepEqual(parseSize('1page'), { ok: true, kind: 'pages', pages: 1, unit: 'page' });
  const peta = parseSize('1P');
  assert.ok(peta.ok && peta.kind === 'bytes' && peta.bytes === 2 ** 50);
});

test('decimals must come out exact', () => {
  assert.deepEqual(parseSize('1.3K'), { ok: false, error: 'inexact', unit: 'K' });
  assert.deepEqual(parseSize('1.5p'), { ok: false, error: 'inexact', unit: 'p' });
  assert.deepEqual(parseSize('1.5'), { ok: false, error: 'inexact', unit: '' });
});

test('size errors name the problem', () => {
  assert.deepEqual(parseSize('10Q'), { ok: false, error: 'unknown-unit', unit: 'Q' });
  assert.deepEqual(parseSize('abc'), { ok: false, error: 'not-a-number' });
  assert.deepEqual(parseSize('-4K'), { ok: false, error: 'negative' });
  assert.deepEqual(parseSize('9000000P'), { ok: false, error: 'too-large', unit: 'P' });
  assert.deepEqual(parseSize('.5K'), { ok: false, error: 'not-a-number' });
});

test('kernel memparse syntax: one suffix letter, no decimals', () => {
  assert.deepEqual(parseKernelSize('64M'), { ok: true, bytes: 64 * 2 ** 20 });
  assert.deepEqual(parseKernelSize('64m'), { ok: true, bytes: 64 * 2 ** 20 });
  assert.deepEqual(parseKernelSize('1073741824'), { ok: true, bytes: 2 ** 30 });
  assert.deepEqual(parseKernelSize('0x100000'), { ok: true, bytes: 2 ** 20 });
  assert.deepEqual(parseKernelSize('1p'), { ok: true, bytes: 2 ** 50 });
  assert.equal(parseKernelSize('1.5G').ok, false);
  assert.equal(parseKernelSize('4KiB').ok, false);
  assert.equal(parseKernelSize('4Q').ok, false);
  assert.equal(parseKernelSize('').ok, false);
});

test('integers: decimal, hex, optional sign', () => {
  assert.deepEqual(parseInteger('42'), { ok: true, value: 42 });
  assert.deepEqual(parseInteger('0x1f'), { ok: true, value: 31 });
  assert.deepEqual(parseInteger('-1', true), { ok: true, value: -1 });
  assert.deepEqual(parseInteger('-1'), { ok: false, error: 'not-a-number' });
  assert.deepEqual(parseInteger('1.5'), { ok: false, error: 'not-an-integer' });
  assert.deepEqual(parseInteger('12abc'), { ok: false, error: 'not-a-number' });
  assert.deepEqual(parseInteger('99999999999999999999'), { ok: false, error: 'too-large' });
});

test('percentages and booleans', () => {
  assert.deepEqual(parsePercent('30%'), { ok: true, value: 30 });
  assert.deepEqual(parsePercent('2.5%'), { ok: true, value: 2.5 });
  assert.equal(parsePercent('30').ok, false);
  for (const t of ['y', 'Y', 'yes', '1', 'on', 'true']) assert.equal(parseBool(t), true, t);
  for (const t of ['n', 'N', 'no', '0', 'off', 'false']) assert.equal(parseBool(t), false, t);
  assert.equal(parseBool('maybe'), null);
});

test('unit words and byte formatting', () => {
  assert.ok(isUnitWord('kB'));
  assert.ok(isUnitWord('pages'));
  assert.ok(!isUnitWord(''));
  assert.ok(!isUnitWord('Q'));
  assert.equal(sizeLiteral(4096), '4K');
  assert.equal(sizeLiteral(1.5 * 2 ** 30), '1.5G');
  assert.equal(sizeLiteral(1000), '1000');
  assert.equal(sizeLiteral(2 ** 40), '1T');
});
