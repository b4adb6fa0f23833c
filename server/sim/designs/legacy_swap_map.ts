/**
 * The legacy `si->swap_map` byte and its count-continuation digits
 * (docs/kernel-model.md §2.5; include/linux/swap.h before P3 [OLDSWAP]).
 *
 * A count is a mixed-radix number: the swap_map byte holds the lowest digit
 * (0..SWAP_MAP_MAX, radix 63); each continuation page adds one digit
 * (0..SWAP_CONT_MAX, radix 128). COUNT_CONTINUED on a digit means a higher
 * digit is non-zero. This mirrors how __swap_duplicate / swap_count_continued
 * carry and borrow ("add 1 to 999").
 */
import type { EncodingView } from './encoding_view';
import { formatCount } from '../../../shared/format';

export const SWAP_MAP_MAX = 0x3e;
export const SWAP_MAP_BAD = 0x3f;
export const SWAP_HAS_CACHE = 0x40;
export const SWAP_CONT_MAX = 0x7f;
export const COUNT_CONTINUED = 0x80;
/** Historical marker for shmem-owned slots (COUNT_CONTINUED | SWAP_MAP_BAD); removed in a 2024–25 cleanup. */
export const SWAP_MAP_SHMEM = 0xbf;

const MAP_RADIX = SWAP_MAP_MAX + 1;
const CONT_RADIX = SWAP_CONT_MAX + 1;

export type LegacySlotState =
  | { kind: 'bad' }
  /** Only meaningful on kernels that still had SWAP_MAP_SHMEM. */
  | { kind: 'shmem' }
  | { kind: 'normal'; count: number; hasCache: boolean };

/** The swap_map byte plus this slot's byte on each continuation page (level 1 first). */
export interface SwapMapEncoding {
  map: number;
  continuation: number[];
}

/** Digits of a count, lowest first: [swap_map digit, continuation level 1, level 2, …]. */
export function swapMapDigits(count: number): number[] {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new RangeError(`swap count must be a non-negative integer, got ${count}`);
  const digits = [count % MAP_RADIX];
  let rest = Math.floor(count / MAP_RADIX);
  while (rest > 0) {
    digits.push(rest % CONT_RADIX);
    rest = Math.floor(rest / CONT_RADIX);
  }
  return digits;
}

/** Weight of one unit of the digit at `level` (0 = swap_map byte): 1, 63, 63·128, … */
export function digitWeight(level: number): number {
  return level === 0 ? 1 : MAP_RADIX * CONT_RADIX ** (level - 1);
}

export function encodeSwapMap(state: LegacySlotState): SwapMapEncoding {
  if (state.kind === 'bad') return { map: SWAP_MAP_BAD, continuation: [] };
  if (state.kind === 'shmem') return { map: SWAP_MAP_SHMEM, continuation: [] };
  const digits = swapMapDigits(state.count);
  const more = (i: number): number => (i < digits.length - 1 ? COUNT_CONTINUED : 0);
  const map = (digits[0] ?? 0) | (state.hasCache ? SWAP_HAS_CACHE : 0) | more(0);
  const continuation = digits.slice(1).map((d, i) => d | more(i + 1));
  return { map, continuation };
}

export function decodeSwapMap(enc: SwapMapEncoding): LegacySlotState {
  checkByte('swap_map', enc.map);
  if (enc.map === SWAP_MAP_SHMEM) return { kind: 'shmem' };
  if ((enc.map & ~SWAP_HAS_CACHE) === SWAP_MAP_BAD) {
    if (enc.map !== SWAP_MAP_BAD) throw new RangeError(`swap_map 0x${hex2(enc.map)}: a bad slot cannot be cached`);
    return { kind: 'bad' };
  }
  const hasCache = (enc.map & SWAP_HAS_CACHE) !== 0;
  let count = enc.map & SWAP_MAP_BAD;
  let continued = (enc.map & COUNT_CONTINUED) !== 0;
  // Stale digits on continuation pages past the last COUNT_CONTINUED are ignored, as the kernel does.
  for (let level = 1; continued; level++) {
    const byte = enc.continuation[level - 1];
    if (byte === undefined)
      throw new RangeError(`COUNT_CONTINUED set at level ${level - 1} but continuation level ${level} is missing`);
    checkByte(`continuation level ${level}`, byte);
    count += (byte & SWAP_CONT_MAX) * digitWeight(level);
    continued = (byte & COUNT_CONTINUED) !== 0;
  }
  return { kind: 'normal', count, hasCache };
}

/** Labelled fields of a swap_map byte. */
export function describeSwapMapByte(byte: number): EncodingView {
  checkByte('swap_map', byte);
  const low = byte & SWAP_MAP_BAD;
  let countText: string;
  if (byte === SWAP_MAP_SHMEM) countText = '0x3f: with bit 7, SWAP_MAP_SHMEM (historical shmem marker)';
  else if (low === SWAP_MAP_BAD) countText = '0x3f: SWAP_MAP_BAD';
  else if (low === SWAP_MAP_MAX) countText = `${low} (SWAP_MAP_MAX)`;
  else countText = String(low);
  return {
    raw: '0x' + hex2(byte),
    fields: [
      {
        name: 'COUNT_CONTINUED',
        bits: [7, 7],
        value: flag(byte & COUNT_CONTINUED, 'count continues on a continuation page'),
      },
      { name: 'SWAP_HAS_CACHE', bits: [6, 6], value: flag(byte & SWAP_HAS_CACHE, 'a swap-cache folio exists') },
      { name: 'count', bits: [5, 0], value: countText },
    ],
  };
}

/** Labelled fields of this slot's byte on continuation page `level` (1 = first page). */
export function describeContinuationByte(byte: number, level: number): EncodingView {
  checkByte(`continuation level ${level}`, byte);
  if (!Number.isInteger(level) || level < 1) throw new RangeError(`continuation level must be ≥ 1, got ${level}`);
  const digit = byte & SWAP_CONT_MAX;
  const weight = digitWeight(level);
  const max = digit === SWAP_CONT_MAX ? ' (SWAP_CONT_MAX)' : '';
  return {
    raw: '0x' + hex2(byte),
    fields: [
      { name: 'COUNT_CONTINUED', bits: [7, 7], value: flag(byte & COUNT_CONTINUED, 'a higher level is non-zero') },
      {
        name: `count digit, level ${level}`,
        bits: [6, 0],
        value: `${digit}${max} × ${formatCount(weight)} = ${formatCount(digit * weight)}`,
      },
    ],
  };
}

function flag(bit: number, meaning: string): string {
  return bit !== 0 ? `1 (${meaning})` : '0';
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

function checkByte(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff)
    throw new RangeError(`${what} must be a byte, got ${value}`);
}
