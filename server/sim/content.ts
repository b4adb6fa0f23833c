/**
 * What is in a page. The kernel looks at real bytes (is_folio_zero_filled,
 * the compressor); the simulator gives each page of a mapping a content
 * class, chosen deterministically from the mapping's mix and the page index.
 */

export type ContentClass =
  | { kind: 'zero' }
  /** Every word the same non-zero value (page_same_filled() in zram). */
  | { kind: 'same' }
  | { kind: 'incompressible' }
  /** ratio = compressed size / page size, 0 < ratio < 1. */
  | { kind: 'compressible'; ratio: number };

export interface ContentMixPart {
  content: ContentClass;
  /** Percent of pages, parts of a mix sum to 100. */
  percent: number;
}

export type ContentSpec = readonly ContentMixPart[];

/** Default content: anonymous memory that compresses to about a third. */
export const DEFAULT_CONTENT: ContentSpec = [{ content: { kind: 'compressible', ratio: 0.35 }, percent: 100 }];

/** A 32-bit integer hash (splitmix-style) so page classes look scattered but are reproducible. */
export function hash32(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The class of page `index` in a mapping whose content seed is `seed`. */
export function contentOf(spec: ContentSpec, seed: number, index: number): ContentClass {
  if (spec.length === 1) return spec[0]!.content;
  const r = hash32(seed, index) % 10000;
  let acc = 0;
  for (const part of spec) {
    acc += part.percent * 100;
    if (r < acc) return part.content;
  }
  return spec[spec.length - 1]!.content;
}

/**
 * Compressed size of a page whose bytes repeat one word (zero or not):
 * a few tens of bytes with lzo or lz4.
 */
export const SAME_FILLED_COMPRESSED_BYTES = 32;

/** Compressed size in bytes for one page of this class (zswap's view; ≥ page size means incompressible). */
export function compressedSize(c: ContentClass, pageSize: number): number {
  switch (c.kind) {
    case 'zero':
      return 0;
    case 'same':
      return SAME_FILLED_COMPRESSED_BYTES;
    case 'incompressible':
      return pageSize;
    case 'compressible':
      return Math.max(1, Math.round(c.ratio * pageSize));
  }
}

export function describeContent(c: ContentClass): string {
  return c.kind === 'compressible' ? `compressible:${c.ratio}` : c.kind;
}

/**
 * One-byte content codes, so that a page's class can travel with a folio
 * (per PFN) and with a swap slot (the simulator's sidecar next to the
 * table): 0 unknown, 1 zero, 2 incompressible, 3..254 compressible with
 * ratio (code - 2) / 254, 255 same-filled.
 */
export const SAME_FILLED_CODE = 255;

export function encodeContent(c: ContentClass): number {
  switch (c.kind) {
    case 'zero':
      return 1;
    case 'same':
      return SAME_FILLED_CODE;
    case 'incompressible':
      return 2;
    case 'compressible':
      return 2 + Math.min(252, Math.max(1, Math.round(c.ratio * 254)));
  }
}

/** The content code of a zero-filled page. */
export const ZERO_CONTENT_CODE = 1;

export function decodeContent(code: number): ContentClass {
  if (code === 1) return { kind: 'zero' };
  if (code === SAME_FILLED_CODE) return { kind: 'same' };
  if (code <= 2) return { kind: 'incompressible' };
  return { kind: 'compressible', ratio: (code - 2) / 254 };
}
