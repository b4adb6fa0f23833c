/** Number and size formatting shared by the panels (no DOM). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> "1.5 KiB"; binary units, as the kernel's documentation writes them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const text = value
    .toFixed(digits)
    .replace(/\.0+$/, '')
    .replace(/(\.\d*?)0+$/, '$1');
  return `${bytes < 0 ? '-' : ''}${text} ${UNITS[unit]}`;
}

/** Integer with thin grouping: 524288 -> "524,288". */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

export function formatHex(n: number): string {
  return `0x${n.toString(16)}`;
}

export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** A limit in bytes, or "max" as cgroup files print an unlimited one. */
export function formatLimit(bytes: number | null): string {
  return bytes === null ? 'max' : formatBytes(bytes);
}

/** Compact axis label: 1073676284 -> "1.07G", 16384 -> "16.4k". */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  for (const [limit, suffix] of [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (abs >= limit) return `${Number((n / limit).toPrecision(3))}${suffix}`;
  }
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(3)));
}
