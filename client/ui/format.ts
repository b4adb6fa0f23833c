// Number formatting shared by the trees, the status bar and the Testing view.

const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** 1536 → "1.5K", 67108864 → "64M": binary multiples, as the scenario language writes sizes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
  return `${text}${UNITS[unit]}`;
}

/** A limit that may be "max" (null on the wire). */
export function formatLimit(bytes: number | null): string {
  return bytes === null ? 'max' : formatBytes(bytes);
}

/** 4194304 → "4,194,304". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Pages as /proc/swaps shows them (KiB). */
export function pagesToKiB(pages: number, pageSize: number): number {
  return (pages * pageSize) / 1024;
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Escape text for a MarkdownString (tooltips): backslash the characters that would format or break a table. */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}
