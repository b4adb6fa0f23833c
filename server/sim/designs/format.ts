/** Number formatting shared by the overhead formulas and the encoding views. */

/** 268435456 -> "268,435,456" (fixed grouping, independent of the host locale). */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const digits = Math.trunc(Math.abs(n)).toString();
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return sign + out;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Binary-unit size: 536870912 -> "512 MiB", 20976640 -> "20.00 MiB"-style values
 * are printed with up to two decimals and a leading "≈" when rounding hid something.
 */
export function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${fmtInt(bytes)} B`;
  let unit = 0;
  let value = bytes;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (Number.isInteger(value)) return `${fmtInt(value)} ${UNITS[unit]}`;
  const rounded = value.toFixed(2).replace(/\.?0+$/, '');
  return `≈${rounded} ${UNITS[unit]}`;
}

/** Bytes per slot with up to five decimals, trailing zeros removed: 0.09375, 10, 18. */
export function fmtPerSlot(value: number): string {
  return value.toFixed(5).replace(/\.?0+$/, '');
}

/** Fixed-width hexadecimal with a 0x prefix: hexDigits(0x3en, 2) -> "0x3e". */
export function hexDigits(value: bigint, digits: number): string {
  return '0x' + value.toString(16).padStart(digits, '0');
}
