// `npm run bench -- verify`: per example, the real kernel's wall time for one
// run of the scenario beside the simulator's time for the same scenario, and
// the ratio. Kernel times are the recorded 7.2 fixtures' (every run, boot
// included, TCG on this project's machines: see docs/verify.md); set
// SWAPSIM_BENCH_VERIFY_LIVE=1 to boot the kernel now instead (minutes).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Session } from '../server/session/session';
import { fixturePath, readFixture } from '../server/verify/fixtures';
import { verifyScenarios } from '../server/verify/run';
import { report, time } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const SERIES = '7.2';
const live = process.env['SWAPSIM_BENCH_VERIFY_LIVE'] === '1';

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  for (const name of readdirSync(EXAMPLES)
    .filter((n) => n.endsWith('.swapsim'))
    .sort()) {
    const file = path.join(EXAMPLES, name);
    const text = readFileSync(file, 'utf8');
    const id = name.replace(/\.swapsim$/, '');
    let kernelMs: number | null = null;
    let bootMs: number | null = null;
    if (live) {
      const [r] = await verifyScenarios([{ file, text }], {
        kernel: SERIES,
        modules: null,
        runs: 1,
        jobs: 1,
        accel: 'auto',
        timeoutMs: null,
        progress: () => undefined,
      });
      if (r && r.runWallMs.length > 0) [kernelMs, bootMs] = [mean(r.runWallMs), mean(r.bootMs)];
    } else if (existsSync(fixturePath(file, SERIES))) {
      const f = readFixture(fixturePath(file, SERIES));
      if (f.runWallMs.length > 0) [kernelMs, bootMs] = [mean(f.runWallMs), mean(f.bootMs)];
    }
    if (kernelMs === null || bootMs === null) {
      console.log(`# ${id}: no kernel run (simulator-only scenario or no ${SERIES} fixture)`);
      continue;
    }
    // the simulator: parse, check and run the whole scenario, as `swapsim run` does
    const simMs = time(() => new Session(file, text, { checkInvariants: false }).run(), 20) / 1e6;
    report(`verify.${id}.kernel_run_wall`, Math.round(kernelMs), 'ms');
    report(`verify.${id}.kernel_boot`, Math.round(bootMs), 'ms');
    report(`verify.${id}.simulator_run`, Number(simMs.toFixed(3)), 'ms');
    report(`verify.${id}.speed_ratio`, Math.round(kernelMs / simMs), 'x');
  }
}

void main();
