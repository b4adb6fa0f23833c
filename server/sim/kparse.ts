/**
 * The kernel's text parsers for file writes (lib/cmdline.c memparse(),
 * lib/kstrtox.c, kernel/sysctl.c proc_dointvec_minmax(), sysfs_streq()),
 * shared by every file the simulator models. A text the kernel rejects is
 * a KernelError with its errno.
 */
import { fail } from './errno';

/** simple_strtoull(s, &end, 0): the number and what follows it (no digits: 0 and all of `s`). */
export function strtoull(s: string): { value: bigint; rest: string } {
  let base = 10;
  let i = 0;
  if (s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && /[0-9a-fA-F]/.test(s[2] ?? '')) {
    base = 16;
    i = 2;
  } else if (s[0] === '0') {
    base = 8;
  }
  const digit = base === 16 ? /[0-9a-fA-F]/ : base === 8 ? /[0-7]/ : /[0-9]/;
  let value = 0n;
  const start = i;
  while (i < s.length && digit.test(s[i]!)) value = value * BigInt(base) + BigInt(parseInt(s[i++]!, base));
  return i === start ? { value: 0n, rest: s } : { value, rest: s.slice(i) };
}

/** memparse(): a number with an optional K/M/G/T/P/E suffix (powers of 1024). */
export function memparse(s: string): { bytes: bigint; rest: string } {
  const { value, rest } = strtoull(s);
  const shift = { k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n }[(rest[0] ?? '').toLowerCase()];
  if (shift === undefined || rest === s) return { bytes: value, rest };
  return { bytes: value << shift, rest: rest.slice(1) };
}

/** strstrip() */
export const strip = (s: string): string => s.replace(/^\s+|\s+$/g, '');

/** kstrtobool(): decided by the first character (and the second for on/off). */
export function kstrtobool(text: string): boolean {
  const c = text[0] ?? '';
  if ('yYtT1'.includes(c) && c !== '') return true;
  if ('nNfF0'.includes(c) && c !== '') return false;
  if (c === 'o' || c === 'O') {
    const d = text[1] ?? '';
    if (d === 'n' || d === 'N') return true;
    if (d === 'f' || d === 'F') return false;
  }
  return fail('EINVAL', `'${text}' is not a boolean (Y/N, 1/0, on/off, true/false)`);
}

/** kstrtoint()/kstrtouint() with base 0: the whole string (one trailing newline allowed) is the number. */
export function kstrtoint(text: string, unsigned: boolean): number {
  const s = text.endsWith('\n') ? text.slice(0, -1) : text;
  const neg = !unsigned && s.startsWith('-');
  const body = s.startsWith('+') || neg ? s.slice(1) : s;
  const { value, rest } = strtoull(body);
  if (body === '' || rest !== '') return fail('EINVAL', `'${text}' is not an integer`);
  const n = Number(neg ? -value : value);
  const [lo, hi] = unsigned ? [0, 2 ** 32 - 1] : [-(2 ** 31), 2 ** 31 - 1];
  if (n < lo || n > hi) return fail('EINVAL', `${text} is out of range`);
  return n;
}

/** proc_dointvec_minmax(): leading blanks, a number (base 0), then a blank or the end; then the bounds. */
export function procDointvec(text: string, [lo, hi]: [number, number]): number {
  const m = /^[ \t\n]*(-?)(\S*?)(?:[ \t\n]|$)/.exec(text);
  const tok = m?.[2] ?? '';
  const { value, rest } = strtoull(tok);
  if (!tok || rest !== '') return fail('EINVAL', `'${text}' is not an integer`);
  const n = Number(m![1] === '-' ? -value : value);
  if (n < lo || n > hi) return fail('EINVAL', `${n} outside ${lo}..${hi}`);
  return n;
}

/** sysfs_streq(): equal, ignoring one trailing newline. */
export function sysfsWord<T extends string>(text: string, choices: readonly T[]): T {
  const s = text.endsWith('\n') ? text.slice(0, -1) : text;
  const hit = choices.find((c) => c === s);
  if (!hit) return fail('EINVAL', `'${text}' is not one of ${choices.join(', ')}`);
  return hit;
}
