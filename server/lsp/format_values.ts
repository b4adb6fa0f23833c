/** Numbers for people: sizes in binary units, counts with thousands separators. */

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `20971520` → `20 MiB`, `1536` → `1.5 KiB`, `100` → `100 bytes`. */
export function humanBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let i = 0;
  while (i < units.length - 1 && Math.abs(value) >= 1024) {
    value /= 1024;
    i++;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 2 : 1).replace(/\.?0+$/, '');
  return `${shown} ${units[i]}`;
}

/** A byte limit that may be "max" (null). */
export function limit(bytes: number | null): string {
  return bytes === null ? 'max' : humanBytes(bytes);
}

/** `0.5`, `8`, `1,024`: whole numbers with separators, fractions with up to 3 digits. */
export function quantity(n: number): string {
  return Number.isInteger(n) ? count(n) : String(Number(n.toFixed(3)));
}
