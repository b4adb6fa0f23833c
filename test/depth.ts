/**
 * How far the randomised tests go (issue #20). `npm test` runs them at depth
 * 1: sizes at which they cover the same simulator code as the deep run does
 * (docs/architecture.md, "Depth, order and load", has the coverage figures),
 * so the suite stays quick on a 2-core machine. `SWAPSIM_TEST_DEPTH=N`
 * multiplies every iteration count (seeds, operations, fuzz inputs) by N for
 * a deeper run; 4 is about the depth every `npm test` ran before.
 */
function depthFromEnv(): number {
  const raw = process.env.SWAPSIM_TEST_DEPTH;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`SWAPSIM_TEST_DEPTH must be a positive number, not '${raw}'`);
  return n;
}

export const TEST_DEPTH = depthFromEnv();

/** `base` iterations scaled by the depth, at least one. */
export function atDepth(base: number): number {
  return Math.max(1, Math.round(base * TEST_DEPTH));
}

/** The first `atDepth(base)` seeds of the series first, first+1, … (seeds stay the same as the depth grows). */
export function seedsAtDepth(first: number, base: number): number[] {
  return Array.from({ length: atDepth(base) }, (_, i) => first + i);
}
