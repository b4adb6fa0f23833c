/**
 * An expect line's inlay hint shows the actual value in the unit the expect
 * was written in, then the exact figure: `expect … == 30M` that passes shows
 * `✓ 30M (31457280 B)`, one that fails `✗ got 29.5M (30932992 B)`. Counters
 * kept in kB or in pages (`/proc/meminfo`, `/proc/vmstat pswpout`) compared
 * with a size (`== 16M`) are shown the same way: `✓ 16M (4096 pages)`.
 */

const SUFFIX_POWER: Record<string, number> = { K: 1, M: 2, G: 3, T: 4, P: 5 };

/** The value after the comparison in an expect's text (`== 30M` → `30M`), if any. */
export function writtenValue(expectText: string): string | null {
  const m = /(?:==|!=|<=|>=|≈|<|>)\s*(\S+)/.exec(expectText);
  return m === null ? null : m[1]!;
}

/** Bytes per unit of an actual value as the interpreter reports it (`B`, `kB`, `pages`). */
function unitBytes(unit: string, pageSize: number): number {
  return unit === 'B' ? 1 : unit === 'kB' ? 1024 : pageSize;
}

/**
 * `actual` (as the interpreter reports it: `31457280 B`, `30720 kB`,
 * `256 pages`, `on`) put in the written value's unit; a page count needs the
 * machine's `pageSize`.
 */
export function actualAsWritten(actual: string, written: string | null, pageSize?: number): string {
  const m = /^(\d+) (B|kB|pages)$/.exec(actual);
  const suffix = written === null ? undefined : /^\d+(?:\.\d+)?([KMGTP])(?:i?B)?$/i.exec(written)?.[1]?.toUpperCase();
  if (m === null || suffix === undefined || (m[2] === 'pages' && pageSize === undefined)) return actual;
  const value = (Number(m[1]) * unitBytes(m[2]!, pageSize ?? 0)) / 1024 ** SUFFIX_POWER[suffix]!;
  const text = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
  // A rounded figure says so: `< 34M` must not seem to pass with exactly 34M.
  const rounded = Number(text) !== value ? '≈' : '';
  return `${rounded}${text}${suffix} (${actual})`;
}

export function expectHint(passed: boolean, actual: string, expectText: string, pageSize?: number): string {
  const shown = actualAsWritten(actual, writtenValue(expectText), pageSize);
  return passed ? `✓ ${shown}` : `✗ got ${shown}`;
}
