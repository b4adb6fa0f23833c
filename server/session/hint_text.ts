/**
 * An expect line's inlay hint shows the actual value in the unit the expect
 * was written in, then the exact figure: `expect … == 30M` that passes shows
 * `✓ 30M (31457280 B)`, one that fails `✗ got 29.5M (30932992 B)`.
 */

const SUFFIX_POWER: Record<string, number> = { K: 1, M: 2, G: 3, T: 4, P: 5 };

/** The value after the comparison in an expect's text (`== 30M` → `30M`), if any. */
export function writtenValue(expectText: string): string | null {
  const m = /(?:==|!=|<=|>=|≈|<|>)\s*(\S+)/.exec(expectText);
  return m === null ? null : m[1]!;
}

/** `actual` (as the interpreter reports it: `31457280 B`, `256 pages`, `on`) put in the written value's unit. */
export function actualAsWritten(actual: string, written: string | null): string {
  const bytes = /^(\d+) B$/.exec(actual);
  const suffix = written === null ? undefined : /^\d+(?:\.\d+)?([KMGTP])(?:i?B)?$/i.exec(written)?.[1]?.toUpperCase();
  if (bytes === null || suffix === undefined) return actual;
  const value = Number(bytes[1]) / 1024 ** SUFFIX_POWER[suffix]!;
  const text = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
  return `${text}${suffix} (${actual})`;
}

export function expectHint(passed: boolean, actual: string, expectText: string): string {
  const shown = actualAsWritten(actual, writtenValue(expectText));
  return passed ? `✓ ${shown}` : `✗ got ${shown}`;
}
