/**
 * Per-PFN typed arrays that grow with use (folio.ts, page_alloc.ts): a
 * machine costs memory for the RAM it has touched, not for the RAM it has.
 * Not kernel state; the kernel sizes these structures at boot.
 */

/** The capacity to grow to so that `end` fits: doubling from `floor`, never past `limit`. */
export function doubledCapacity(current: number, floor: number, end: number, limit: number): number {
  let next = Math.max(current, floor);
  while (next < end) next *= 2;
  return Math.min(next, limit);
}

/** A copy of `a` lengthened to `length`, the new tail set to `fill`. */
export function grown<T extends Int8Array | Int32Array | Uint8Array | Uint16Array | Float64Array>(
  a: T,
  length: number,
  fill: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}
