#!/usr/bin/env node
// `npm run test:stress`: run `npm test` several times in a row while two
// CPU-bound processes keep the cores busy, the way a shared CI machine is,
// and report how many runs passed. A test that orders events by sleeping,
// or that races a timeout, fails here long before it fails in CI.
//
//   npm run test:stress                 10 runs of `npm test`
//   npm run test:stress -- --runs 3     fewer runs
//   npm run test:stress -- --fast       extra arguments go to `npm test`
//
// Each run's output goes to test-results/stress/run-N.log; the summary line
// is "stress: P/N runs passed". Exit code 0 only if every run passed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './build.mjs';

const BURNERS = 2;
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 10;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('test:stress: --runs takes a positive whole number');
  process.exit(2);
}
const testArgs = args.filter((_, i) => i !== runsAt && i !== runsAt + 1);

// A busy loop in its own process per core: each one takes a whole core away from the tests.
const burners = Array.from({ length: BURNERS }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopBurners = () => {
  for (const b of burners) b.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopBurners();
    process.exit(130);
  });
}

const logDir = path.join(ROOT, 'test-results', 'stress');
mkdirSync(logDir, { recursive: true });
let passed = 0;
for (let run = 1; run <= runs; run++) {
  const logFile = path.join(logDir, `run-${run}.log`);
  const fd = openSync(logFile, 'w');
  const started = Date.now();
  const { status } = spawnSync('npm', ['test', ...(testArgs.length > 0 ? ['--', ...testArgs] : [])], {
    cwd: ROOT,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const ok = status === 0;
  if (ok) passed++;
  console.log(
    `run ${run}/${runs}: ${ok ? 'passed' : `FAILED (exit ${status})`} in ${((Date.now() - started) / 1000).toFixed(0)} s, with ${BURNERS} CPU-bound processes beside it (log: ${path.relative(ROOT, logFile)})`,
  );
}
console.log(`stress: ${passed}/${runs} runs passed`);
process.exit(passed === runs ? 0 : 1);
