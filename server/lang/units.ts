/**
 * Numbers, sizes and unit conversions of the scenario language.
 *
 * Sizes use binary multiples (K = 1024). `p`/`pages` count pages of the
 * configured page size. Decimals are allowed when the result is exact
 * (`1.5G`, not `1.3K`). Parsing is hand-written: one pass over the word.
 */

export const KIB = 1024;

/** Suffix → bytes per unit. `p` (lower case) means pages and is handled apart; `P` is pebibytes. */
const BYTE_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['', 1],
  ['B', 1],
  ['K', KIB],
  ['k', KIB],
  ['KB', KIB],
  ['kB', KIB],
  ['KiB', KIB],
  ['M', KIB ** 2],
  ['m', KIB ** 2],
  ['MB', KIB ** 2],
  ['MiB', KIB ** 2],
  ['G', KIB ** 3],
  ['g', KIB ** 3],
  ['GB', KIB ** 3],
  ['GiB', KIB ** 3],
  ['T', KIB ** 4],
  ['t', KIB ** 4],
  ['TB', KIB ** 4],
  ['TiB', KIB ** 4],
  ['P', KIB ** 5],
  ['PB', KIB ** 5],
  ['PiB', KIB ** 5],
]);

const PAGE_SUFFIXES: ReadonlySet<string> = new Set(['p', 'page', 'pages']);

/** Every unit suffix a size may carry, for completion and docs. */
export const SIZE_UNITS: readonly string[] = [
  'B',
  'K',
  'KiB',
  'kB',
  'M',
  'MiB',
  'G',
  'GiB',
  'T',
  'TiB',
  'P',
  'PiB',
  'p',
  'pages',
];

export function isUnitWord(text: string): boolean {
  return (text !== '' && BYTE_SUFFIXES.has(text)) || PAGE_SUFFIXES.has(text);
}

/** A decimal or hex literal: its digits with the dot removed, `scale` fraction digits. */
interface Numeral {
  /** Decimal digits, or `0x…` for hex (both understood by Number() and BigInt()). */
  readonly digits: string;
  readonly scale: number;
  readonly negative: boolean;
  /** Index just after the numeral. */
  readonly end: number;
}

/** Up to 15 digits fit a double exactly, so the common case skips BigInt. */
const FAST_DIGITS = 15;

function mantissa(n: Numeral): bigint {
  return BigInt(n.digits);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Scan a numeral at the start of `text`: `-?\d+(\.\d+)?` or `0x[0-9a-f]+`. */
function scanNumeral(text: string, allowNegative: boolean): Numeral | null {
  let i = 0;
  let negative = false;
  if (allowNegative && text.charCodeAt(0) === 45 /* - */) {
    negative = true;
    i = 1;
  }
  if (text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) === 120 || text.charCodeAt(i + 1) === 88)) {
    let j = i + 2;
    while (j < text.length && isHexDigit(text.charCodeAt(j))) j++;
    if (j === i + 2) return null;
    return { digits: `0x${text.slice(i + 2, j)}`, scale: 0, negative, end: j };
  }
  const intStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === intStart) return null;
  let digits = text.slice(intStart, i);
  let scale = 0;
  if (text.charCodeAt(i) === 46 /* . */ && isDigit(text.charCodeAt(i + 1))) {
    const fracStart = i + 1;
    i = fracStart;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    digits += text.slice(fracStart, i);
    scale = i - fracStart;
  }
  return { digits, scale, negative, end: i };
}

/**
 * End of the run of decimal digits at `from` when it is a plain integer of
 * 1 to 15 digits (no fraction, no hex prefix): such a run converts exactly
 * without building a Numeral. Otherwise -1 (the caller takes the general path).
 */
function plainDigitsEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === from || i - from > FAST_DIGITS) return -1;
  const c = text.charCodeAt(i);
  return c === 46 /* . */ || c === 120 /* x */ || c === 88 /* X */ ? -1 : i;
}

/** Value of the digits text[from, end), which plainDigitsEnd accepted. */
function plainDigitsValue(text: string, from: number, end: number): number {
  let v = 0;
  for (let i = from; i < end; i++) v = v * 10 + (text.charCodeAt(i) - 48);
  return v;
}

/** The integer value of a numeral without fraction, or null when it is not a safe integer. */
function integerValue(n: Numeral): number | null {
  if (n.digits.length <= FAST_DIGITS) return Number(n.digits);
  const big = mantissa(n);
  return big > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(big);
}

export type NumberError = 'not-a-number' | 'not-an-integer' | 'too-large';

export type IntegerResult = { ok: true; value: number } | { ok: false; error: NumberError };

/** A whole number: decimal or `0x` hex, optionally negative. */
export function parseInteger(text: string, allowNegative = false): IntegerResult {
  const negative = allowNegative && text.charCodeAt(0) === 45; /* - */
  const from = negative ? 1 : 0;
  if (plainDigitsEnd(text, from) === text.length) {
    const v = plainDigitsValue(text, from, text.length);
    return { ok: true, value: negative ? -v : v };
  }
  const n = scanNumeral(text, allowNegative);
  if (n === null || n.end !== text.length) return { ok: false, error: 'not-a-number' };
  if (n.scale !== 0) return { ok: false, error: 'not-an-integer' };
  const v = integerValue(n);
  if (v === null) return { ok: false, error: 'too-large' };
  return { ok: true, value: n.negative ? -v : v };
}

export type DecimalResult = { ok: true; value: number } | { ok: false; error: NumberError };

/** A plain decimal such as `0.3` or `50`. */
export function parseDecimal(text: string): DecimalResult {
  const n = scanNumeral(text, false);
  if (n === null || n.end !== text.length) return { ok: false, error: 'not-a-number' };
  return { ok: true, value: Number(n.digits) / 10 ** n.scale };
}

/** `50%` → 50. */
export function parsePercent(text: string): DecimalResult {
  if (!text.endsWith('%')) return { ok: false, error: 'not-a-number' };
  return parseDecimal(text.slice(0, -1));
}

export type SizeError = 'not-a-number' | 'unknown-unit' | 'inexact' | 'too-large' | 'negative';

export type SizeResult =
  | { ok: true; kind: 'bytes'; bytes: number; unit: string | null }
  | { ok: true; kind: 'pages'; pages: number; unit: string }
  | { ok: false; error: SizeError; unit?: string };

/**
 * Parse `4K`, `1.5G`, `512`, `100p`, `0x1000`. A plain number is bytes with
 * `unit: null` so callers can warn about a missing unit.
 */
export function parseSize(text: string): SizeResult {
  const end = plainDigitsEnd(text, 0);
  if (end > 0) {
    // Common case: a plain integer and a suffix. Multipliers are powers of two, so the product is exact while it stays safe.
    const suffix = end === text.length ? '' : text.slice(end);
    const pages = PAGE_SUFFIXES.has(suffix);
    const multiplier = pages ? 1 : BYTE_SUFFIXES.get(suffix);
    if (multiplier === undefined) return { ok: false, error: 'unknown-unit', unit: suffix };
    const value = plainDigitsValue(text, 0, end) * multiplier;
    if (value > Number.MAX_SAFE_INTEGER) return { ok: false, error: 'too-large', unit: suffix };
    if (pages) return { ok: true, kind: 'pages', pages: value, unit: suffix };
    return { ok: true, kind: 'bytes', bytes: value, unit: suffix === '' ? null : suffix };
  }
  const n = scanNumeral(text, true);
  if (n === null) return { ok: false, error: 'not-a-number' };
  if (n.negative) return { ok: false, error: 'negative' };
  const suffix = text.slice(n.end);
  const pagesUnit = PAGE_SUFFIXES.has(suffix);
  const multiplier = pagesUnit ? 1 : BYTE_SUFFIXES.get(suffix);
  if (multiplier === undefined) return { ok: false, error: 'unknown-unit', unit: suffix };
  let value: number;
  if (n.scale === 0 && n.digits.length <= FAST_DIGITS) {
    // Multipliers are powers of two, so the product is exact while it stays safe.
    const v = Number(n.digits) * multiplier;
    if (v > Number.MAX_SAFE_INTEGER) return { ok: false, error: 'too-large', unit: suffix };
    value = v;
  } else {
    const exact = exactQuotient(mantissa(n), BigInt(multiplier), n.scale);
    if (exact === null) return { ok: false, error: 'inexact', unit: suffix };
    if (exact > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: 'too-large', unit: suffix };
    value = Number(exact);
  }
  if (pagesUnit) return { ok: true, kind: 'pages', pages: value, unit: suffix };
  return { ok: true, kind: 'bytes', bytes: value, unit: suffix === '' ? null : suffix };
}

/** mantissa × multiplier / 10^scale when that is a whole number, else null. */
function exactQuotient(mantissa: bigint, multiplier: bigint, scale: number): bigint | null {
  const product = mantissa * multiplier;
  if (scale === 0) return product;
  const divisor = 10n ** BigInt(scale);
  return product % divisor === 0n ? product / divisor : null;
}

export type KernelSizeResult = { ok: true; bytes: number } | { ok: false; reason: string };

/**
 * Parse a size the way the kernel's memparse() does for cgroup files:
 * an integer (decimal, or hex with 0x) and at most one suffix letter
 * K/M/G/T/P/E in either case. No decimals, no `KiB`.
 */
export function parseKernelSize(text: string): KernelSizeResult {
  const end = plainDigitsEnd(text, 0);
  if (end > 0 && text.length - end <= 1) {
    // Common case: up to 15 digits and at most one suffix letter, exact in a double.
    let shift = 0;
    if (end < text.length) {
      const idx = 'KMGTPE'.indexOf(text.charAt(end).toUpperCase());
      if (idx < 0) return { ok: false, reason: `memparse() does not know the suffix '${text.slice(end)}'` };
      shift = 10 * (idx + 1);
    }
    const bytes = plainDigitsValue(text, 0, end) * 2 ** shift;
    if (bytes > Number.MAX_SAFE_INTEGER) return { ok: false, reason: `'${text}' is too large` };
    return { ok: true, bytes };
  }
  const n = scanNumeral(text, false);
  if (n === null) return { ok: false, reason: `'${text}' is not a number` };
  if (n.scale !== 0) return { ok: false, reason: `memparse() takes no decimals ('${text}')` };
  const suffix = text.slice(n.end);
  let shift = 0n;
  if (suffix.length === 1) {
    const idx = 'KMGTPE'.indexOf(suffix.toUpperCase());
    if (idx < 0) return { ok: false, reason: `memparse() does not know the suffix '${suffix}'` };
    shift = BigInt(10 * (idx + 1));
  } else if (suffix.length > 1) {
    return { ok: false, reason: `memparse() takes one suffix letter (K, M, G, T, P, E), not '${suffix}'` };
  }
  const bytes = mantissa(n) << shift;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `'${text}' is too large` };
  return { ok: true, bytes: Number(bytes) };
}

/** The kernel's kstrtobool(): y/Y/1/on → true, n/N/0/off → false; we also take yes/no/true/false. */
export function parseBool(text: string): boolean | null {
  switch (text.toLowerCase()) {
    case 'y':
    case 'yes':
    case '1':
    case 'on':
    case 'true':
      return true;
    case 'n':
    case 'no':
    case '0':
    case 'off':
    case 'false':
      return false;
    default:
      return null;
  }
}

/** `4096` → `4K`, `1610612736` → `1.5G`: a size as the scenario language writes it (shortest exact binary form), for messages a user may paste back. */
export function sizeLiteral(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let value = bytes;
  let i = 0;
  while (i < units.length - 1 && value >= 1024 && (value / 1024) * 1000 === Math.round((value / 1024) * 1000)) {
    value /= 1024;
    i++;
  }
  return `${Number.isInteger(value) ? value : Number(value.toFixed(3))}${units[i]}`;
}
