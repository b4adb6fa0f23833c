/**
 * Synthetic kernel addresses for encodings that hold pointers (vswap swp_desc,
 * vswap-STE vtable). The simulator has no real kernel heap, so addresses are
 * derived from simulator ids in a fixed, documented way; only their shape
 * (alignment, range) is meaningful.
 */

import { VMEMMAP_BASE } from '../swap_table';

export { VMEMMAP_BASE };
const STRUCT_PAGE_BYTES = 64n;

/** Direct-map region used for synthetic slab objects (zswap_entry); 64-byte steps keep the low 3 bits clear. */
export const SYNTHETIC_SLAB_BASE = 0xffff888100000000n;
const SLAB_STEP = 64n;

export function folioAddress(pfn: number): bigint {
  if (!Number.isSafeInteger(pfn) || pfn < 0) throw new RangeError(`pfn must be a non-negative integer, got ${pfn}`);
  return VMEMMAP_BASE + BigInt(pfn) * STRUCT_PAGE_BYTES;
}

/** Inverse of folioAddress, or null when the address is not one it produces. */
export function pfnOfFolioAddress(address: bigint): number | null {
  if (address < VMEMMAP_BASE || (address - VMEMMAP_BASE) % STRUCT_PAGE_BYTES !== 0n) return null;
  const pfn = (address - VMEMMAP_BASE) / STRUCT_PAGE_BYTES;
  return pfn <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(pfn) : null;
}

export function zswapEntryAddress(id: number): bigint {
  if (!Number.isSafeInteger(id) || id < 0)
    throw new RangeError(`zswap entry id must be a non-negative integer, got ${id}`);
  return SYNTHETIC_SLAB_BASE + BigInt(id) * SLAB_STEP;
}

/** Inverse of zswapEntryAddress, or null when the address is not one it produces. */
export function idOfZswapEntryAddress(address: bigint): number | null {
  if (address < SYNTHETIC_SLAB_BASE || (address - SYNTHETIC_SLAB_BASE) % SLAB_STEP !== 0n) return null;
  const id = (address - SYNTHETIC_SLAB_BASE) / SLAB_STEP;
  return id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : null;
}
