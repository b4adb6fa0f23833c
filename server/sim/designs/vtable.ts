/**
 * virtual_table entries (docs/kernel-model.md §8.1, §8.3).
 *
 * vswap Swap Table Edition (mm/vswap.h [LMM-vswap]): one 64-bit word per
 * virtual slot whose low 3 bits are a tag:
 *   NONE     0  no backend recorded (see the slot's table entry)
 *   ZSWAP    1  zswap_entry pointer | 1 (the pointer is 8-byte aligned)
 *   SWAPFILE 2  physical location: swap type in bits 63..59, offset in 58..3
 * Zero-filled and in-memory are not tags: zero is the table's Z flag and an
 * in-memory folio is the table's PFN entry.
 *
 * The ghost RFC's ci_dyn->virtual_table is only a placeholder with no defined
 * format, so it is shown as one opaque 64-bit field.
 */
import { bitRange, type EncodingView } from './encoding_view';
import { formatHex } from '../../../shared/format';
import { MAX_SWAPFILES_SHIFT } from '../geometry';

export const VTABLE_TAG_BITS = 3;
export const VTABLE_TAG_NONE = 0;
export const VTABLE_TAG_ZSWAP = 1;
export const VTABLE_TAG_SWAPFILE = 2;
/** Offset field width of a SWAPFILE entry: 64 − 5 type bits − 3 tag bits. */
export const VTABLE_OFFSET_BITS = 64 - MAX_SWAPFILES_SHIFT - VTABLE_TAG_BITS;
const TYPE_SHIFT = 64 - MAX_SWAPFILES_SHIFT;
const TAG_MASK = (1n << BigInt(VTABLE_TAG_BITS)) - 1n;
const U64_MAX = (1n << 64n) - 1n;

export type VtableEntry =
  { tag: 'none' } | { tag: 'zswap'; entryAddress: bigint } | { tag: 'swapfile'; swapType: number; offset: number };

export function encodeVtable(entry: VtableEntry): bigint {
  switch (entry.tag) {
    case 'none':
      return 0n;
    case 'zswap': {
      const p = entry.entryAddress;
      if (p <= 0n || p > U64_MAX || (p & TAG_MASK) !== 0n)
        throw new RangeError(`zswap entry pointer ${formatHex(p, 16)} must be non-null and 8-byte aligned`);
      return p | BigInt(VTABLE_TAG_ZSWAP);
    }
    case 'swapfile': {
      const { swapType, offset } = entry;
      if (!Number.isInteger(swapType) || swapType < 0 || swapType >= 1 << MAX_SWAPFILES_SHIFT)
        throw new RangeError(`swap type ${swapType} outside 0..31`);
      if (!Number.isSafeInteger(offset) || offset < 0)
        throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
      return (
        (BigInt(swapType) << BigInt(TYPE_SHIFT)) |
        (BigInt(offset) << BigInt(VTABLE_TAG_BITS)) |
        BigInt(VTABLE_TAG_SWAPFILE)
      );
    }
  }
}

export function decodeVtable(raw: bigint): VtableEntry {
  checkU64(raw);
  const tag = Number(raw & TAG_MASK);
  switch (tag) {
    case VTABLE_TAG_NONE:
      if (raw !== 0n) throw new RangeError(`vtable ${formatHex(raw, 16)}: tag NONE with payload bits set`);
      return { tag: 'none' };
    case VTABLE_TAG_ZSWAP: {
      const entryAddress = raw & ~TAG_MASK;
      if (entryAddress === 0n) throw new RangeError('vtable: ZSWAP tag with a null pointer');
      return { tag: 'zswap', entryAddress };
    }
    case VTABLE_TAG_SWAPFILE: {
      const offset = bitRange(raw, TYPE_SHIFT - 1, VTABLE_TAG_BITS);
      if (offset > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`vtable offset ${offset} exceeds 2^53 − 1`);
      return { tag: 'swapfile', swapType: Number(raw >> BigInt(TYPE_SHIFT)), offset: Number(offset) };
    }
    default:
      throw new RangeError(`vtable ${formatHex(raw, 16)}: reserved tag ${tag}`);
  }
}

const TAG_NAMES: Record<number, string> = { 0: 'NONE', 1: 'ZSWAP', 2: 'SWAPFILE' };

/** Labelled fields of a vswap-STE virtual_table entry; never throws on a well-formed 64-bit value. */
export function describeVtable(raw: bigint): EncodingView {
  checkU64(raw);
  const tag = Number(raw & TAG_MASK);
  const tagField = { name: 'tag', bits: [2, 0] as [number, number], value: `${tag} (${TAG_NAMES[tag] ?? 'reserved'})` };
  const view = (fields: EncodingView['fields']): EncodingView => ({
    raw: formatHex(raw, 16),
    fields: [...fields, tagField],
  });
  switch (tag) {
    case VTABLE_TAG_ZSWAP:
      return view([{ name: 'zswap_entry pointer', bits: [63, 3], value: formatHex(raw & ~TAG_MASK, 16) }]);
    case VTABLE_TAG_SWAPFILE:
      return view([
        { name: 'swap type', bits: [63, TYPE_SHIFT], value: String(raw >> BigInt(TYPE_SHIFT)) },
        {
          name: 'offset',
          bits: [TYPE_SHIFT - 1, VTABLE_TAG_BITS],
          value: bitRange(raw, TYPE_SHIFT - 1, VTABLE_TAG_BITS).toString(),
        },
      ]);
    default:
      return view([
        {
          name: tag === VTABLE_TAG_NONE ? 'unused' : 'payload (reserved tag)',
          bits: [63, 3],
          value: formatHex(raw >> 3n, 16),
        },
      ]);
  }
}

/** The ghost RFC's virtual_table word: an opaque 8-byte placeholder (no format was posted). */
export function describeGhostVirtualTable(raw: bigint): EncodingView {
  checkU64(raw);
  return {
    raw: formatHex(raw, 16),
    fields: [{ name: 'opaque (RFC placeholder, no defined format)', bits: [63, 0], value: formatHex(raw, 16) }],
  };
}

function checkU64(raw: bigint): void {
  if (raw < 0n || raw > U64_MAX) throw new RangeError(`value ${raw} is not an unsigned 64-bit word`);
}
