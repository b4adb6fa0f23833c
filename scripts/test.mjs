#!/usr/bin/env node
// `npm test`: typecheck, lint, build dist/ and the tests, then run every
// out/test/**/*.test.js with Node's built-in runner.
//
//   npm test                                  everything
//   npm test -- --test-name-pattern=initialize   extra arguments go to `node --test`
//   npm test -- --fast                        skip typecheck, lint and format check (quick local loop)
//
// The whole dist/ is rebuilt first because some tests drive the real bundles
// (dist/server.js over stdio, dist/cli.js as a process).
// Exit code: node's test exit code if it is non-zero, otherwise 1 when typecheck,
// lint or the format check failed, otherwise 0. Every step runs even after an
// earlier one fails, so one run reports all problems.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, listFiles, ROOT } from './build.mjs';

const bin = (pkg, file) => path.join(ROOT, 'node_modules', pkg, 'bin', file);

function step(title, args) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  // SWAPSIM_DEBUG_VM: the simulator's VM_BUG_ON() checks are on in every test (server/sim/debug_vm.ts).
  const { status, signal, error } = spawnSync(process.execPath, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, SWAPSIM_DEBUG_VM: process.env.SWAPSIM_DEBUG_VM ?? '1' },
  });
  if (error) throw error;
  const code = status ?? 1;
  console.log(
    `${code === 0 ? '✔' : '✖'} ${title} ${code === 0 ? 'passed' : `failed (${signal ?? `exit ${code}`})`} in ${Date.now() - started} ms`,
  );
  return code;
}

/** The files that ran longest on the CI machine, for a fresh clone with no test-results/test-times.tsv yet. */
const KNOWN_SLOW = [
  'out/test/sim/random_ops.test.js',
  'out/test/session/fuzz.test.js',
  'out/test/sim/bulk.test.js',
  'out/test/session/every_profile.test.js',
  'out/test/session/limits.test.js',
  'out/test/lang/fuzz.test.js',
  'out/test/dashboard/dashboard.test.js',
];

/**
 * The files in the order to start them: slowest first, by the times the last
 * run wrote to test-results/test-times.tsv (scripts/slowest-files.mjs), files
 * it does not list first of all. With 2 at a time, a long file started last
 * would run alone at the end.
 */
function slowestFirst(files) {
  const recorded = recordedTimes();
  const time = recorded
    ? (file) => recorded.get(file) ?? Infinity
    : (file) => (KNOWN_SLOW.includes(file) ? KNOWN_SLOW.length - KNOWN_SLOW.indexOf(file) : 0);
  return [...files].sort((a, b) => time(b) - time(a));
}

/** Seconds per file from the last run, or null when there was none here. */
function recordedTimes() {
  let text;
  try {
    text = readFileSync(path.join(ROOT, 'test-results', 'test-times.tsv'), 'utf8');
  } catch {
    return null;
  }
  const rows = text
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => line.split('\t'));
  return new Map(rows.map(([seconds, file]) => [file, Number(seconds)]));
}

const passThrough = process.argv.slice(2);
const fast = passThrough.includes('--fast');
const nodeTestArgs = passThrough.filter((arg) => arg !== '--fast');

const failures = [];
if (!fast) {
  if (step('typecheck (tsc --noEmit)', [bin('typescript', 'tsc'), '--noEmit', '-p', '.']) !== 0)
    failures.push('typecheck');
  if (step('lint (eslint)', [bin('eslint', 'eslint.js'), '.']) !== 0) failures.push('lint');
  if (
    step('format (prettier --check)', [
      bin('prettier', 'prettier.cjs'),
      '--check',
      '--log-level',
      'warn',
      '**/*.{ts,mjs,js,css}',
    ]) !== 0
  )
    failures.push('format');
}

console.log('\n▶ build (dist + tests)');
try {
  await build({ app: true, tests: true });
} catch (err) {
  if (!(err && Array.isArray(err.errors))) console.error(err);
  console.log('✖ build failed: tests cannot run');
  process.exit(1);
}

const files = slowestFirst(await listFiles(path.join('out', 'test'), (name) => name.endsWith('.test.js')));
if (files.length === 0) {
  console.log('✖ no test files found under out/test');
  process.exit(1);
}
// Files run in their own processes, as many at once as the machine has cores
// (node's default leaves one core idle: on a 2-core CI machine that is one
// file at a time). SWAPSIM_TEST_CONCURRENCY overrides it.
const concurrency = Number(process.env.SWAPSIM_TEST_CONCURRENCY ?? Math.max(2, os.availableParallelism()));
const reporters = [
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/slowest-files.mjs',
  '--test-reporter-destination=stdout',
];
const testCode = step(`node --test (${files.length} file(s), ${concurrency} at a time)`, [
  '--enable-source-maps',
  '--test',
  `--test-concurrency=${concurrency}`,
  ...reporters,
  ...nodeTestArgs,
  ...files,
]);

if (failures.length > 0) console.log(`\n✖ also failed: ${failures.join(', ')}`);
process.exit(testCode !== 0 ? testCode : failures.length > 0 ? 1 : 0);
