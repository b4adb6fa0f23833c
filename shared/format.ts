/**
 * Numbers for people, one way everywhere: the CLI, hovers, the trees, the
 * Debug views, the dashboard and the Compare Designs view all print sizes and
 * counts with these functions, so one quantity reads the same in every view.
 *
 * Sizes use the binary units the kernel's own documentation writes (`KiB`,
 * `MiB`, …) with a space before the unit. The scenario language's size
 * literals (`4K`, `1.5G`) are a different thing, written by
 * `sizeLiteral()` in server/lang/units.ts for messages a user may paste back.
 * No DOM and no Node imports: the webviews bundle this module too.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** `value` scaled to the largest binary unit it reaches: 1536 → { value: 1.5, unit: 'KiB' }. */
function scaleBytes(bytes: number): { value: number; unit: (typeof UNITS)[number] } {
  let value = Math.abs(bytes);
  let i = 0;
  while (value >= 1024 && i < UNITS.length - 1) {
    value /= 1024;
    i++;
  }
  return { value, unit: UNITS[i]! };
}

/** Drops trailing zeros of a fixed-point number: "1.50" → "1.5", "2.00" → "2". */
function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/**
 * 1536 → `1.5 KiB`, 64 MiB → `64 MiB`, 100 → `100 B`, 20971521 → `20 MiB`.
 * Three significant digits at most: two decimals below 10, one below 100.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const { value, unit } = scaleBytes(bytes);
  const digits = unit === 'B' || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${bytes < 0 ? '-' : ''}${trimZeros(value.toFixed(digits))} ${unit}`;
}

/**
 * A size whose exact value matters (metadata overhead tables): an exact
 * multiple prints plainly, anything else with two decimals and a leading `≈`
 * so rounding never hides a remainder. 536870912 → `512 MiB`, 20976640 → `≈20.01 MiB`.
 */
export function formatBytesExact(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const { value, unit } = scaleBytes(bytes);
  const sign = bytes < 0 ? '-' : '';
  if (Number.isInteger(value)) return `${sign}${formatCount(value)} ${unit}`;
  return `≈${sign}${trimZeros(value.toFixed(2))} ${unit}`;
}

/** A byte limit that may be unlimited (`null`), printed `max` as cgroup files print it. */
export function formatLimit(bytes: number | null): string {
  return bytes === null ? 'max' : formatBytes(bytes);
}

/**
 * 4194304 → `4,194,304`; a fraction keeps up to three decimals (`0.5`).
 * The grouping is fixed, whatever the host's locale.
 */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const whole = Math.trunc(abs);
  const fraction = trimZeros((abs - whole).toFixed(3)).slice(1); // "0.5" → ".5", "0" → ""
  const carry = fraction === '' && abs - whole >= 0.9995 ? 1 : 0; // 2.9999 → "3"
  const grouped = String(whole + carry).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return sign + grouped + fraction;
}

/** `0x1f`, or zero-padded to `digits` hexadecimal digits: formatHex(0x3e, 4) → `0x003e`. */
export function formatHex(n: number | bigint, digits = 0): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}

/** A share: 0.5 → `50%`, 0.0123 → `1.2%`. */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** Bytes per slot, up to five decimals, trailing zeros dropped: 0.09375, 10, 18. */
export function formatBytesPerSlot(value: number): string {
  return trimZeros(value.toFixed(5));
}

/** Pages of `pageSize` bytes in KiB, the unit /proc/swaps counts in. */
export function pagesToKiB(pages: number, pageSize: number): number {
  return (pages * pageSize) / 1024;
}
