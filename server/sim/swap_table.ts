/**
 * The per-cluster swap table (mm/swap_table.h, docs/kernel-model.md §3).
 *
 * Each slot is kept as one meta byte plus one 32-bit value instead of the
 * kernel's single atomic long, so that no per-slot JS object exists:
 *   meta bits 0-2: kind (NULL / PFN / SHADOW / BAD / POINTER)
 *   meta bit  3  : Z, the zero-filled flag (SWP_TB_ZERO_FLAG in P4)
 *   meta bits 4-7: inline swap count, 0..15 (15 = "see extend_table")
 *   val          : the PFN, the shadow cookie or the vswap offset
 * The kernel's 64-bit value is rebuilt with BigInt only for display
 * (`swpTbRaw`), using the layout of the selected kernel phase.
 */

export const enum SlotKind {
  NULL = 0,
  PFN = 1,
  SHADOW = 2,
  BAD = 3,
  /** vswap-STE rmap entry in a physical table: `C | vswap offset | 100`. */
  POINTER = 4,
}

export const SLOT_KIND_NAMES = ['null', 'pfn', 'shadow', 'bad', 'pointer'] as const;
export type SlotKindName = (typeof SLOT_KIND_NAMES)[number];

/** SWP_TB_COUNT_MAX: 4 count bits; the top value means the count lives in extend_table. */
export const SWP_TB_COUNT_MAX = 15;

const KIND_MASK = 0x07;
const ZERO_BIT = 0x08;
const COUNT_SHIFT = 4;

export class SwapTable {
  readonly meta: Uint8Array;
  readonly val: Uint32Array;
  constructor(slots: number) {
    this.meta = new Uint8Array(slots);
    this.val = new Uint32Array(slots);
  }
}

export function tbKind(meta: number): SlotKind {
  return (meta & KIND_MASK) as SlotKind;
}
export function tbZero(meta: number): boolean {
  return (meta & ZERO_BIT) !== 0;
}
/** __swp_tb_get_count(): the inline count field. */
export function tbInlineCount(meta: number): number {
  return meta >>> COUNT_SHIFT;
}
export function mkMeta(kind: SlotKind, count: number, zero: boolean): number {
  return kind | (zero ? ZERO_BIT : 0) | (count << COUNT_SHIFT);
}
/** __swp_tb_mk_count(): same entry, new inline count. */
export function withInlineCount(meta: number, count: number): number {
  return (meta & 0x0f) | (count << COUNT_SHIFT);
}
/** Same entry and count, new kind (PFN <-> SHADOW keep count and Z, as swap-cache add/delete do). */
export function withKind(meta: number, kind: SlotKind): number {
  return (meta & ~KIND_MASK) | kind;
}
export function withZero(meta: number, zero: boolean): number {
  return zero ? meta | ZERO_BIT : meta & ~ZERO_BIT;
}

/** Table layouts that exist in the kernel's history (see docs/designs.md). */
export type TableLayout = 'p1' | 'p3' | 'p4';

/** struct page is 64 bytes in the vmemmap starting at this x86-64 address (P1 folio pointers). */
export const VMEMMAP_BASE = 0xffffea0000000000n;

/** Shadow cookie layout used by the simulator (our own; the kernel's pack_shadow differs by config). */
export function packShadow(evictionClock: number, memcgId: number, workingset: boolean): number {
  return (((evictionClock & 0x7fff) << 17) | ((memcgId & 0xffff) << 1) | (workingset ? 1 : 0)) >>> 0;
}
export function unpackShadow(cookie: number): { eviction: number; memcgId: number; workingset: boolean } {
  return { eviction: cookie >>> 17, memcgId: (cookie >>> 1) & 0xffff, workingset: (cookie & 1) === 1 };
}

/**
 * The value the kernel would hold in the table entry, for the given phase.
 * P1/P2: NULL, folio pointer (struct page address), or xa_value shadow; no count, no Z.
 * P3: COUNT(4) in bits 60-63 above a PFN (…10) or shadow (…1); BAD = ~0 << 3.
 * P4: as P3 plus the Z flag in bit 59.
 */
export function swpTbRaw(layout: TableLayout, meta: number, val: number, realCount: number): bigint {
  const kind = tbKind(meta);
  if (kind === SlotKind.NULL) return 0n;
  if (kind === SlotKind.BAD) return layout === 'p1' ? 0n : 0xfffffffffffffff8n;
  if (layout === 'p1') {
    if (kind === SlotKind.PFN) return VMEMMAP_BASE + BigInt(val) * 64n;
    return (BigInt(val) << 1n) | 1n;
  }
  const inline = BigInt(Math.min(realCount, SWP_TB_COUNT_MAX)) << 60n;
  const z = layout === 'p4' && tbZero(meta) ? 1n << 59n : 0n;
  switch (kind) {
    case SlotKind.PFN:
      return inline | z | (BigInt(val) << 2n) | 0b10n;
    case SlotKind.SHADOW:
      return inline | z | (BigInt(val) << 1n) | 1n;
    case SlotKind.POINTER: {
      // bit 63 is SWP_RMAP_CACHE_ONLY; here carried in the count field as 0/1
      const cacheOnly = realCount > 0 ? 1n << 63n : 0n;
      return cacheOnly | (BigInt(val) << 3n) | 0b100n;
    }
  }
  return 0n;
}

export function hex64(v: bigint): string {
  return '0x' + v.toString(16).padStart(16, '0');
}
