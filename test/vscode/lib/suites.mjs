// Bundling the suites with esbuild and running their drivers as child processes.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';

const SUMMARY = /^(\d+) passed, (\d+) failed$/;
const MEASURE = /^\[measure\] (\S+ \S+ \S+)$/;

/** Test files of a suite folder, by suffix, in name order: the order they run in. */
function testFiles(dir, suffix) {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort();
}

/**
 * A bundle entry that imports every test file (they register with the harness
 * as they load) and then the suite's index module.
 */
function generatedEntry(dir, suffix, tail) {
  const files = testFiles(dir, suffix);
  const imports = files.map((name) => `import './${name.slice(0, -'.ts'.length)}';`);
  return { contents: [...imports, tail].join('\n'), resolveDir: dir, loader: 'ts', sourcefile: 'suite-entry.ts' };
}

/**
 * Bundle the extension-host suite, its browser driver and the UI suite into
 * `outDir`. Returns the absolute paths of the three scripts.
 */
export async function bundleSuites(root, outDir) {
  const suiteDir = path.join(root, 'test', 'vscode');
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  };
  const out = {
    exthost: path.join(outDir, 'exthost', 'index.js'),
    exthostDriver: path.join(outDir, 'run-exthost-suite.js'),
    ui: path.join(outDir, 'ui', 'index.js'),
  };
  // Start clean so a deleted test file never runs from a stale bundle.
  await rm(outDir, { recursive: true, force: true });
  await Promise.all([
    esbuild.build({
      ...common,
      // Runs inside the extension host, which provides `vscode`.
      format: 'cjs',
      external: ['vscode'],
      stdin: generatedEntry(path.join(suiteDir, 'exthost'), '.exthost.ts', "export { run } from './index';"),
      // Not minified: the extension host replaces Node's source-map support, so
      // failure stacks point into this file, where each module starts with a
      // comment naming its source.
      outfile: out.exthost,
    }),
    esbuild.build({
      ...common,
      format: 'cjs',
      packages: 'external',
      entryPoints: [path.join(suiteDir, 'browser', 'run-exthost-suite.ts')],
      outfile: out.exthostDriver,
    }),
    esbuild.build({
      ...common,
      format: 'cjs',
      packages: 'external',
      stdin: generatedEntry(
        path.join(suiteDir, 'ui'),
        '.ui.ts',
        [
          "import { main } from './index';",
          'main().then((code) => process.exit(code), (error) => {',
          '  console.log(`✖ UI suite crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);',
          "  console.log('0 passed, 1 failed');",
          '  process.exit(1);',
          '});',
        ].join('\n'),
      ),
      outfile: out.ui,
    }),
  ]);
  return out;
}

/**
 * Run one suite driver with `node`, echoing its output indented, and collect
 * its summary and measurements. A driver still running after `timeoutMs` is
 * ended (SIGTERM lets playwright close Chromium; SIGKILL follows).
 * `track` receives the child so the caller can end it on abort; `echo`
 * returning false silences it (e.g. while the caller is aborting).
 */
export function runSuite(script, { env, timeoutMs, track, echo = () => true }) {
  return new Promise((resolve) => {
    // FORCE_COLOR=0: playwright's call logs would otherwise carry terminal colour codes.
    const child = spawn(process.execPath, ['--enable-source-maps', script], {
      env: { ...env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track?.(child);
    const measurements = [];
    let summary;
    let timedOut = false;
    let pending = '';
    const onLine = (line) => {
      const m = MEASURE.exec(line);
      if (m) measurements.push(m[1]);
      const s = SUMMARY.exec(line);
      if (s) summary = { passed: Number(s[1]), failed: Number(s[2]) };
      if (echo()) console.log(`  ${line}`);
    };
    const onData = (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pending) onLine(pending);
      const problem = timedOut
        ? `did not finish within ${Math.round(timeoutMs / 1000)} s`
        : summary === undefined
          ? `ended (${signal ?? `exit ${code}`}) without a summary line`
          : code !== 0 && summary.failed === 0
            ? `exited with ${signal ?? `code ${code}`} although no test failed`
            : undefined;
      if (problem) {
        const passed = summary?.passed ?? 0;
        const failed = (summary?.failed ?? 0) + 1;
        console.log(`  ✖ the suite ${problem}`);
        console.log(`  ${passed} passed, ${failed} failed`);
        summary = { passed, failed };
      }
      resolve({ ...summary, measurements, ok: summary.failed === 0 && code === 0 });
    });
  });
}
