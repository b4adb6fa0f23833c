// Helpers for bench/*.bench.ts files. A bench prints one line per figure,
// `name value unit`, which bench/run.mjs collects into out/bench/results.json.

const NAME = /^[A-Za-z0-9_.:/-]+$/;

/** Print one figure. Names and units are single words so the line stays parseable. */
export function report(name: string, value: number, unit: string): void {
  if (!NAME.test(name)) throw new Error(`bench name must be one word of [A-Za-z0-9_.:/-]: ${JSON.stringify(name)}`);
  if (!NAME.test(unit)) throw new Error(`bench unit must be one word: ${JSON.stringify(unit)}`);
  if (!Number.isFinite(value)) throw new Error(`bench ${name}: value is not a finite number (${value})`);
  const rounded = Number.isInteger(value) ? value : Number(value.toPrecision(6));
  process.stdout.write(`${name} ${rounded} ${unit}\n`);
}

/**
 * Mean nanoseconds per call of `fn` over `iterations` calls, after a warm-up of
 * a tenth as many calls (at least one) so the JIT has settled.
 */
export function time(fn: () => unknown, iterations: number): number {
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new Error(`iterations must be a positive integer: ${iterations}`);
  let sink: unknown;
  const warmup = Math.max(1, Math.floor(iterations / 10));
  for (let i = 0; i < warmup; i++) sink = fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink = fn();
  const elapsed = process.hrtime.bigint() - start;
  keepAlive(sink);
  return Number(elapsed) / iterations;
}

/** Median of the wall-clock milliseconds of `runs` awaited calls of `fn`. */
export async function medianMs(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const mid = Math.floor(samples.length / 2);
  const upper = samples[mid] ?? Number.NaN;
  return samples.length % 2 === 1 ? upper : ((samples[mid - 1] ?? upper) + upper) / 2;
}

/** Heap bytes still in use after full collections; needs `node --expose-gc` (bench/run.mjs passes it). */
export function heapUsedAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('heapUsedAfterGc needs node --expose-gc');
  // Two passes: the first can leave objects whose finalizers free more memory.
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

// Stops the optimiser from discarding the timed work as dead code.
function keepAlive(value: unknown): void {
  (globalThis as { __swapsimBenchSink?: unknown }).__swapsimBenchSink = value;
}
