/**
 * vswap v3 `swp_desc`: the 24-byte descriptor behind every virtual swap entry
 * (docs/kernel-model.md §8.2 [VSWAP-v3]).
 *
 * The source lists the fields only: a union of physical slot / zswap entry
 * pointer, a union of folio pointer / shadow, swap_count (u32), memcgid (u16),
 * in_swapcache (1 bit) and type (2 bits). The packing below is OUR ASSUMPTION,
 * chosen the way a 64-bit C compiler would lay those members out in order:
 *
 *   bytes  0..7   union { swp_slot_t slot; struct zswap_entry *zswap; }
 *   bytes  8..15  union { struct folio *folio; void *shadow; }
 *   bytes 16..19  swap_count
 *   bytes 20..21  memcgid
 *   byte  22      bit 0 in_swapcache, bits 1..2 type
 *   byte  23      padding
 *
 * Bit numbers in the views count over the whole 24 bytes read as one
 * little-endian 192-bit number (byte 0 = bits 7..0). The type values follow
 * the order the source lists them (SWAPFILE 0, ZERO 1, ZSWAP 2, FOLIO 3),
 * also an assumption. A physical slot is encoded like swp_entry_t (type in
 * bits 62..58, offset in 57..0); a shadow is an XArray value (cookie << 1 | 1).
 */
import { bitRange, type EncodingView } from './encoding_view';
import { formatCount, formatHex } from '../../../shared/format';
import { MAX_SWAPFILES_SHIFT, SWP_TYPE_SHIFT } from '../geometry';

export const SWP_DESC_BYTES = 24;

export const VSWAP_TYPES = ['swapfile', 'zero', 'zswap', 'folio'] as const;
export type VswapType = (typeof VSWAP_TYPES)[number];
const VSWAP_TYPE_NAMES: Record<VswapType, string> = {
  swapfile: 'VSWAP_SWAPFILE',
  zero: 'VSWAP_ZERO',
  zswap: 'VSWAP_ZSWAP',
  folio: 'VSWAP_FOLIO',
};

export type SwpDescBackend =
  | { type: 'swapfile'; swapType: number; offset: number }
  | { type: 'zero' }
  | { type: 'zswap'; entryAddress: bigint }
  /** Data only in memory (after an exclusive zswap load or a rejected store). */
  | { type: 'folio' };

export type SwpDescCache =
  | { kind: 'none' }
  | { kind: 'folio'; address: bigint }
  /** Workingset shadow cookie (see packShadow in server/sim/swap_table.ts). */
  | { kind: 'shadow'; cookie: number };

export interface SwpDesc {
  backend: SwpDescBackend;
  cache: SwpDescCache;
  swapCount: number;
  memcgId: number;
}

/** One member of the assumed byte layout, for docs and the UI's legend. */
export interface SwpDescLayoutField {
  name: string;
  byteOffset: number;
  /** Bits within the 192-bit little-endian value, [hi, lo]. */
  bits: [number, number];
  note: string;
}

export const SWP_DESC_LAYOUT: readonly SwpDescLayoutField[] = [
  {
    name: 'slot / zswap_entry',
    byteOffset: 0,
    bits: [63, 0],
    note: 'union: swp_slot_t (SWAPFILE) or zswap_entry pointer (ZSWAP); 0 otherwise',
  },
  {
    name: 'folio / shadow',
    byteOffset: 8,
    bits: [127, 64],
    note: 'union: folio pointer when in_swapcache, else shadow (xa value) or 0',
  },
  { name: 'swap_count', byteOffset: 16, bits: [159, 128], note: 'unsigned int' },
  { name: 'memcgid', byteOffset: 20, bits: [175, 160], note: 'unsigned short' },
  { name: 'in_swapcache', byteOffset: 22, bits: [176, 176], note: '1 bit' },
  {
    name: 'type',
    byteOffset: 22,
    bits: [178, 177],
    note: '2 bits: SWAPFILE 0, ZERO 1, ZSWAP 2, FOLIO 3 (order assumed)',
  },
  { name: 'padding', byteOffset: 22, bits: [191, 179], note: 'unused' },
];

const U64_MAX = (1n << 64n) - 1n;
const OFFSET_MASK = (1n << BigInt(SWP_TYPE_SHIFT)) - 1n;

/** The three little-endian 64-bit words of a descriptor: [bytes 0..7, 8..15, 16..23]. */
export function swpDescWords(desc: SwpDesc): [bigint, bigint, bigint] {
  const { backend, cache } = desc;
  if (backend.type === 'folio' && cache.kind !== 'folio')
    throw new RangeError('a VSWAP_FOLIO descriptor must hold its folio in the swap cache');
  if (!Number.isInteger(desc.swapCount) || desc.swapCount < 0 || desc.swapCount > 0xffffffff)
    throw new RangeError(`swap_count ${desc.swapCount} is not a u32`);
  if (!Number.isInteger(desc.memcgId) || desc.memcgId < 0 || desc.memcgId > 0xffff)
    throw new RangeError(`memcgid ${desc.memcgId} is not a u16`);
  let w0 = 0n;
  if (backend.type === 'swapfile') {
    if (!Number.isInteger(backend.swapType) || backend.swapType < 0 || backend.swapType >= 1 << MAX_SWAPFILES_SHIFT)
      throw new RangeError(`swap type ${backend.swapType} outside 0..31`);
    if (!Number.isSafeInteger(backend.offset) || backend.offset < 0)
      throw new RangeError(`offset must be a non-negative integer, got ${backend.offset}`);
    w0 = (BigInt(backend.swapType) << BigInt(SWP_TYPE_SHIFT)) | BigInt(backend.offset);
  } else if (backend.type === 'zswap') {
    w0 = checkPointer('zswap_entry', backend.entryAddress);
  }
  let w1 = 0n;
  if (cache.kind === 'folio') w1 = checkPointer('folio', cache.address);
  else if (cache.kind === 'shadow') {
    if (!Number.isSafeInteger(cache.cookie) || cache.cookie < 0)
      throw new RangeError(`shadow cookie must be a non-negative integer, got ${cache.cookie}`);
    w1 = (BigInt(cache.cookie) << 1n) | 1n;
  }
  const inSwapcache = cache.kind === 'folio' ? 1n : 0n;
  const type = BigInt(VSWAP_TYPES.indexOf(backend.type));
  const w2 = BigInt(desc.swapCount) | (BigInt(desc.memcgId) << 32n) | (inSwapcache << 48n) | (type << 49n);
  return [w0, w1, w2];
}

export function encodeSwpDesc(desc: SwpDesc): Uint8Array {
  const bytes = new Uint8Array(SWP_DESC_BYTES);
  const view = new DataView(bytes.buffer);
  swpDescWords(desc).forEach((w, i) => view.setBigUint64(i * 8, w, true));
  return bytes;
}

function readWords(bytes: Uint8Array): [bigint, bigint, bigint] {
  if (bytes.length !== SWP_DESC_BYTES) throw new RangeError(`swp_desc is ${SWP_DESC_BYTES} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getBigUint64(0, true), view.getBigUint64(8, true), view.getBigUint64(16, true)];
}

export function decodeSwpDesc(bytes: Uint8Array): SwpDesc & { inSwapcache: boolean } {
  const [w0, w1, w2] = readWords(bytes);
  if (w2 >> 51n !== 0n) throw new RangeError('swp_desc: padding bits are set');
  const type = VSWAP_TYPES[Number(bitRange(w2, 50, 49))] ?? 'swapfile';
  const inSwapcache = bitRange(w2, 48, 48) === 1n;
  let backend: SwpDescBackend;
  if (type === 'swapfile') {
    backend = { type, swapType: Number(w0 >> BigInt(SWP_TYPE_SHIFT)), offset: safe('offset', w0 & OFFSET_MASK) };
  } else if (type === 'zswap') {
    if (w0 === 0n) throw new RangeError('swp_desc: VSWAP_ZSWAP with a null zswap_entry');
    backend = { type, entryAddress: w0 };
  } else {
    if (w0 !== 0n) throw new RangeError(`swp_desc: ${VSWAP_TYPE_NAMES[type]} with a non-zero slot word`);
    backend = { type };
  }
  let cache: SwpDescCache;
  if (inSwapcache) {
    if (w1 === 0n || (w1 & 7n) !== 0n)
      throw new RangeError('swp_desc: in_swapcache set without an aligned folio pointer');
    cache = { kind: 'folio', address: w1 };
  } else if (w1 === 0n) {
    cache = { kind: 'none' };
  } else {
    if ((w1 & 1n) !== 1n) throw new RangeError('swp_desc: a folio pointer without in_swapcache');
    cache = { kind: 'shadow', cookie: safe('shadow cookie', w1 >> 1n) };
  }
  if (backend.type === 'folio' && cache.kind !== 'folio')
    throw new RangeError('swp_desc: VSWAP_FOLIO without a cached folio');
  return { backend, cache, swapCount: Number(w2 & 0xffffffffn), memcgId: Number(bitRange(w2, 47, 32)), inSwapcache };
}

/** Labelled fields of a descriptor; raw is the 24 bytes as one 192-bit number (48 hex digits). */
export function describeSwpDesc(bytes: Uint8Array): EncodingView {
  const [w0, w1, w2] = readWords(bytes);
  const raw = (w2 << 128n) | (w1 << 64n) | w0;
  const typeIndex = Number(bitRange(w2, 50, 49));
  const type = VSWAP_TYPES[typeIndex] ?? 'swapfile';
  const inSwapcache = bitRange(w2, 48, 48) === 1n;
  const slotField =
    type === 'swapfile'
      ? `swp_slot type ${w0 >> BigInt(SWP_TYPE_SHIFT)}, offset ${formatCount(Number(w0 & OFFSET_MASK))}`
      : type === 'zswap'
        ? `zswap_entry ${formatHex(w0, 16)}`
        : `${formatHex(w0, 16)} (unused for ${VSWAP_TYPE_NAMES[type]})`;
  const cacheField = inSwapcache
    ? `folio ${formatHex(w1, 16)}`
    : w1 === 0n
      ? '0 (no shadow)'
      : `shadow ${formatHex(w1, 16)} (cookie ${(w1 >> 1n).toString()})`;
  return {
    raw: formatHex(raw, 48),
    fields: [
      { name: 'padding', bits: [191, 179], value: formatHex(w2 >> 51n, 4) },
      { name: 'type', bits: [178, 177], value: `${typeIndex} (${VSWAP_TYPE_NAMES[type]})` },
      { name: 'in_swapcache', bits: [176, 176], value: inSwapcache ? '1' : '0' },
      { name: 'memcgid', bits: [175, 160], value: bitRange(w2, 47, 32).toString() },
      { name: 'swap_count', bits: [159, 128], value: (w2 & 0xffffffffn).toString() },
      { name: inSwapcache ? 'folio' : 'shadow', bits: [127, 64], value: cacheField },
      { name: type === 'zswap' ? 'zswap_entry' : 'slot', bits: [63, 0], value: slotField },
    ],
  };
}

function checkPointer(what: string, p: bigint): bigint {
  if (p <= 0n || p > U64_MAX || (p & 7n) !== 0n)
    throw new RangeError(`${what} pointer ${p.toString(16)} must be non-null and 8-byte aligned`);
  return p;
}

function safe(what: string, v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`swp_desc: ${what} ${v} exceeds 2^53 − 1`);
  return Number(v);
}
