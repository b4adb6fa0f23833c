/**
 * The one seeded PRNG every randomised test uses (mulberry32, server/prng.ts):
 * the same sequence on every platform, so a failing seed reproduces.
 */
export { rng } from '../server/prng';
