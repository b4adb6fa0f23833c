#!/usr/bin/env node
// `npm run test:vscode`: the packaged .vsix in a real VS Code.
//
// 1. install (or reuse) code-server in ${TMPDIR:-/tmp}/swapsim-vscode (install.mjs)
// 2. `npm run package` (production build + .vsix) and bundle the suites
// 3. install the .vsix into a fresh extensions folder, start code-server on a
//    free port in its own process group with a copy of fixtures/workspace
// 4. run the extension-host suite (tests inside the real extension host) and
//    the UI suite (headless Chromium on the workbench)
// 5. print measurements, end every process the run started, exit non-zero if
//    anything failed
//
// Screenshots and logs land in test-results/vscode/. Environment:
//   SWAPSIM_VSCODE_TIMEOUT_S   overall limit in seconds (default 900)
//   SWAPSIM_VSCODE_KEEP=1      keep the run folder (profiles, user data) for debugging
import { cp, mkdir, mkdtemp, readFile, rm, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSystemPackages, installCodeServer } from './install.mjs';
import {
  freePort,
  installExtension,
  logTail,
  runCommand,
  runLayout,
  startCodeServer,
  waitForHealthz,
  writeUserSettings,
} from './lib/code-server.mjs';
import { killGroupsMentioning, killProcessGroup, MemorySampler } from './lib/processes.mjs';
import { bundleSuites, runSuite } from './lib/suites.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_DIR = path.join(ROOT, 'test-results', 'vscode');
const OUT_DIR = path.join(ROOT, 'out', 'vscode');
const FIXTURE_WORKSPACE = path.join(ROOT, 'test', 'vscode', 'fixtures', 'workspace');
const RUN_CONFIG_ENV = 'SWAPSIM_VSCODE_RUN'; // the same name as in run-config.ts
const requestedTimeoutS = Number(process.env.SWAPSIM_VSCODE_TIMEOUT_S);
const OVERALL_TIMEOUT_MS =
  (Number.isFinite(requestedTimeoutS) && requestedTimeoutS > 0 ? requestedTimeoutS : 900) * 1000;
// The UI suite walks the whole first-time-user tour (tour.ui.ts), several minutes on a busy 2-core machine.
const SUITE_TIMEOUT_MS = 8 * 60_000;

const startedAt = Date.now();
const measurements = [];
/** Things to undo at the end, whatever happens. */
const state = {
  step: 'starting',
  serverPid: undefined,
  runDir: undefined,
  logFile: undefined,
  children: new Set(),
  sampler: undefined,
};
/** Finished suites: { title, passed, failed, ok }. */
const results = [];
let finishing = false;

/** Once abort() has begun, the main flow waits here forever; abort() exits the process. */
async function checkpoint() {
  if (finishing) await new Promise(() => undefined);
}

function heading(title) {
  state.step = title;
  console.log(`\n▶ ${title}`);
  return Date.now();
}

function done(title, since) {
  console.log(`✔ ${title} in ${Date.now() - since} ms`);
}

/** End everything the run started: suite drivers, code-server's group, stray Chromium groups. */
async function cleanUp() {
  state.sampler?.stop();
  for (const child of state.children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  await new Promise((resolve) => setTimeout(resolve, state.children.size > 0 ? 500 : 0));
  if (state.serverPid) await killProcessGroup(state.serverPid);
  if (state.runDir) {
    const leftovers = await killGroupsMentioning(state.runDir);
    if (leftovers.length > 0)
      console.log(`(ended ${leftovers.length} leftover process group(s): ${leftovers.join(', ')})`);
    if (state.logFile) await copyFile(state.logFile, path.join(RESULTS_DIR, 'code-server.log')).catch(() => undefined);
    if (process.env.SWAPSIM_VSCODE_KEEP === '1') console.log(`(kept the run folder ${state.runDir})`);
    else await rm(state.runDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function printServerLog() {
  if (!state.logFile) return;
  console.log(`\n--- code-server log (last 40 lines of ${path.join(RESULTS_DIR, 'code-server.log')}) ---`);
  console.log(logTail(state.logFile));
  console.log('--- end of code-server log ---');
}

function totals() {
  return {
    passed: results.reduce((sum, r) => sum + r.passed, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
  };
}

function printMeasurements() {
  if (measurements.length === 0) return;
  console.log('\n▶ measurements');
  for (const line of measurements) console.log(line);
}

/** Stop now: report why, show the server log, clean up, exit non-zero. */
async function abort(reason, exitCode = 1) {
  if (finishing) return;
  finishing = true;
  console.log(`\n✖ test:vscode ${reason} (during: ${state.step})`);
  printServerLog();
  await cleanUp();
  if (state.sampler) measurements.push(...state.sampler.measurements());
  printMeasurements();
  // The abort itself counts as one failure on top of the finished suites.
  const { passed, failed } = totals();
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(exitCode);
}

const overallTimer = setTimeout(
  () =>
    abort(`timed out after ${OVERALL_TIMEOUT_MS / 1000} s (raise SWAPSIM_VSCODE_TIMEOUT_S if this machine is slow)`),
  OVERALL_TIMEOUT_MS,
);
overallTimer.unref();
process.on('SIGINT', () => abort('was interrupted (SIGINT)', 130));
process.on('SIGTERM', () => abort('was terminated (SIGTERM)', 143));

/** Which kind of process this is, for the memory measurements. */
function classify(extensionDir) {
  const serverScript = path.join(extensionDir, 'dist', 'server.js');
  const isExtensionHost = (proc) => proc?.argv.includes('--type=extensionHost') ?? false;
  return (proc, byPid) => {
    if (proc.argv.includes(serverScript)) return 'language_server';
    // A child forked by the extension host shows its parent's arguments until it execs: not a host.
    if (isExtensionHost(proc) && !isExtensionHost(byPid.get(proc.ppid))) return 'extension_host';
    if (proc.argv.some((arg) => arg.endsWith('code-server/out/node/entry'))) return 'code_server';
    return undefined;
  };
}

async function main() {
  let since = heading('system packages and code-server');
  checkSystemPackages();
  const { layout, env, installed, ms: installMs } = await installCodeServer({ log: (line) => console.log(line) });
  if (installed) measurements.push(`install.code_server ${installMs} ms`);
  done('code-server ready', since);

  since = heading('npm run package (production build + .vsix)');
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  const extensionId = `${pkg.publisher}.${pkg.name}`;
  const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  await runCommand('npm', ['run', 'package'], { cwd: ROOT, timeoutMs: 180_000 });
  const scripts = await bundleSuites(ROOT, OUT_DIR);
  done(`packaged ${path.basename(vsix)} and bundled the suites`, since);

  since = heading('start code-server');
  await rm(RESULTS_DIR, { recursive: true, force: true });
  await mkdir(RESULTS_DIR, { recursive: true });
  state.runDir = await mkdtemp(path.join(layout.root, 'run-'));
  const run = runLayout(state.runDir);
  state.logFile = run.log;
  await cp(FIXTURE_WORKSPACE, run.workspace, { recursive: true });
  await mkdir(run.browserProfiles, { recursive: true });
  await writeUserSettings(run.userDataDir);
  const extensionDir = await installExtension(layout.bin, run, env, vsix, extensionId, pkg.version);
  const port = await freePort();
  const serverStartedAt = Date.now();
  const config = {
    baseUrl: `http://127.0.0.1:${port}`,
    workspace: run.workspace,
    extensionDir,
    extensionId,
    version: pkg.version,
    exthostEntry: scripts.exthost,
    resultsDir: RESULTS_DIR,
    browserProfilesDir: run.browserProfiles,
    userDataDir: run.userDataDir,
    serverStartedAt,
    suiteTimeoutMs: SUITE_TIMEOUT_MS - 30_000,
  };
  // The extension host inherits code-server's environment, so the in-host suite sees the config too.
  const suiteEnv = { ...env, [RUN_CONFIG_ENV]: JSON.stringify(config) };
  const server = startCodeServer(layout.bin, run, suiteEnv, port);
  state.serverPid = server.pid;
  await waitForHealthz(server, port);
  await checkpoint();
  measurements.push(`code_server.healthz_after_start ${Date.now() - serverStartedAt} ms`);
  state.sampler = new MemorySampler(classify(extensionDir));
  state.sampler.start();
  done(`code-server ${config.baseUrl} (pid ${server.pid}) answers /healthz`, since);

  const track = (child) => {
    state.children.add(child);
    child.on('close', () => state.children.delete(child));
  };
  for (const [title, script] of [
    ['extension-host suite', scripts.exthostDriver],
    ['UI suite', scripts.ui],
  ]) {
    since = heading(title);
    const result = await runSuite(script, {
      env: suiteEnv,
      timeoutMs: SUITE_TIMEOUT_MS,
      track,
      echo: () => !finishing,
    });
    await checkpoint();
    measurements.push(...result.measurements);
    results.push({ title, ...result });
    console.log(
      `${result.ok ? '✔' : '✖'} ${title}: ${result.passed} passed, ${result.failed} failed in ${Date.now() - since} ms`,
    );
    // Early warning if the server died: the next suite would only time out.
    const status = server.exitStatus();
    if (status) throw new Error(`code-server exited during the ${title} (${status.signal ?? `exit ${status.code}`})`);
  }

  await checkpoint();
  state.sampler.sample();
  state.sampler.stop();
  measurements.push(...state.sampler.measurements());
  measurements.push(`run.total ${Date.now() - startedAt} ms`);

  finishing = true;
  const failed = results.some((r) => !r.ok);
  if (failed) printServerLog();
  await cleanUp();

  printMeasurements();
  console.log(`\nscreenshots and logs: ${path.relative(ROOT, RESULTS_DIR)}/`);
  const { passed, failed: failedCount } = totals();
  console.log(`\n${failed ? '✖' : '✔'} test:vscode in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failedCount} failed`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => abort(`failed: ${error instanceof Error ? error.message : String(error)}`),
);
