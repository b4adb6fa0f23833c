/**
 * The labelled view of one encoded metadata value, shared by every per-slot
 * encoding of the non-table designs, so the UI can draw bit fields the same way.
 */

export interface BitField {
  name: string;
  /** Inclusive bit range [hi, lo] within the raw value. */
  bits: [number, number];
  /** Field value as text (decimal or 0x-hex, plus a meaning where one exists). */
  value: string;
}

export interface EncodingView {
  /** 0x-prefixed hex of the whole value: 2 digits for a byte, 16 for a 64-bit word (48 for the 24-byte swp_desc). */
  raw: string;
  /** Fields from the most significant bit down. */
  fields: BitField[];
}

/** Bits hi..lo of `value` (inclusive). */
export function bitRange(value: bigint, hi: number, lo: number): bigint {
  return (value >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n);
}
