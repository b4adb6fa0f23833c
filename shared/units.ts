/** Byte counts in the binary units kernel developers read (`512 MiB`, `1.5 KiB`): the CLI and the Compare Designs view print them alike. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

export function humanBytes(bytes: number): string {
  if (bytes === 0) return '0 B';
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < UNITS.length - 1) {
    value /= 1024;
    i++;
  }
  if (i === 0) return `${bytes} B`;
  // Exact multiples print without decimals; others keep up to two.
  const text = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
  return `${text} ${UNITS[i]}`;
}
