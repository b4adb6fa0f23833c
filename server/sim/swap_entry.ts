/**
 * swp_entry_t: a swap type and an offset packed into one word
 * (include/linux/swapops.h: swp_entry(), swp_type(), swp_offset()).
 *
 * Inside the simulator an entry is a plain number `type * 2^32 + offset`
 * (exact in a double), cheap to store in Float64Arrays; the kernel's 64-bit
 * value (type in bits 58-62, offset in bits 0-57) is produced only for display.
 */
import { SWP_TYPE_SHIFT } from './geometry';

export type SwpEntry = number;

const TYPE_UNIT = 2 ** 32;

/** swp_entry(type, offset) */
export function swpEntry(type: number, offset: number): SwpEntry {
  return type * TYPE_UNIT + offset;
}

/** swp_type(entry) */
export function swpType(entry: SwpEntry): number {
  return Math.floor(entry / TYPE_UNIT);
}

/** swp_offset(entry) */
export function swpOffset(entry: SwpEntry): number {
  return entry % TYPE_UNIT;
}

/** The kernel's swp_entry_t.val as 0x-prefixed hex (BigInt, display only). */
export function swpEntryRaw(entry: SwpEntry): string {
  const val = (BigInt(swpType(entry)) << BigInt(SWP_TYPE_SHIFT)) | BigInt(swpOffset(entry));
  return '0x' + val.toString(16).padStart(16, '0');
}

/** Parse a kernel swp_entry_t value back into our entry (display round trip). */
export function swpEntryFromRaw(raw: bigint): SwpEntry {
  const type = Number(raw >> BigInt(SWP_TYPE_SHIFT)) & 0x1f;
  const offset = Number(raw & ((1n << BigInt(SWP_TYPE_SHIFT)) - 1n));
  return swpEntry(type, offset);
}
