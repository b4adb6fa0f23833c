// Driver for the extension-host suite (a child process of run.mjs).
//
// Opens the workbench with a `payload` that makes VS Code load the installed
// extension as the development extension and run out/vscode/exthost/index.js
// inside the real extension host. The page's `codeAutomationLog` hook receives
// the extension host's console output (our test lines among the workbench's
// own log) and `codeAutomationExit` the exit code of the test run.
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXTHOST_LINE_MARKER, readRunConfig } from '../run-config';
import { launchBrowser } from './chromium';
import { Workbench, workbenchUrl } from './workbench';

const SUMMARY = /^(\d+) passed, (\d+) failed$/;

function remoteUri(baseUrl: string, file: string): string {
  return `vscode-remote://${new URL(baseUrl).host}${file}`;
}

function formatArgs(args: unknown): string[] {
  const list = Array.isArray(args) ? args : [args];
  return list.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)));
}

async function main(): Promise<number> {
  const config = readRunConfig();
  const logFile = path.join(config.resultsDir, 'exthost-workbench.log');
  writeFileSync(logFile, '');
  let summaryLine: string | undefined;

  const session = await launchBrowser(config.browserProfilesDir, 'exthost');
  const { page } = session;
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));

  await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
    const parts = formatArgs(args);
    appendFileSync(logFile, `[${String(type)}] ${parts.join(' ')}\n`);
    const first = parts[0] ?? '';
    if (!first.startsWith(EXTHOST_LINE_MARKER)) return;
    const line = [first.slice(EXTHOST_LINE_MARKER.length), ...parts.slice(1)].join(' ');
    console.log(line);
    if (SUMMARY.test(line)) summaryLine = line;
  });
  await page.exposeFunction('codeAutomationExit', (code: unknown) => {
    resolveExit(typeof code === 'number' ? code : 1);
  });
  page.on('pageerror', (error) => appendFileSync(logFile, `[pageerror] ${error.stack ?? error.message}\n`));

  const payload: Array<[string, string]> = [
    ['extensionDevelopmentPath', remoteUri(config.baseUrl, config.extensionDir)],
    ['extensionTestsPath', remoteUri(config.baseUrl, config.exthostEntry)],
    ['skipWelcome', 'true'],
  ];
  const workbench = new Workbench(page, config.resultsDir);
  const navigated = Date.now();
  await page.goto(workbenchUrl(config.baseUrl, config.workspace, payload));
  // The first workbench after the server started: the cold start a user sees.
  const ready = workbench.waitUntilReady().then(() => {
    console.log(`[measure] workbench.ready_after_server_start ${Date.now() - config.serverStartedAt} ms`);
    console.log(`[measure] workbench.ready_after_navigation ${Date.now() - navigated} ms`);
  });
  ready.catch(() => undefined);

  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), config.suiteTimeoutMs);
  });
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(timer);

  await workbench
    .screenshot('exthost-suite')
    .catch((error: unknown) => console.log(`(no screenshot: ${String(error)})`));
  await session.close();

  const match = summaryLine === undefined ? null : SUMMARY.exec(summaryLine);
  const passed = match ? Number(match[1]) : 0;
  const failed = match ? Number(match[2]) : 0;
  // Failures the in-host runner could not count itself; each one adds to the summary.
  let problem: string | undefined;
  if (outcome === 'timeout') problem = `the extension-host suite did not finish within ${config.suiteTimeoutMs} ms`;
  else if (!match)
    problem = `the extension host exited with code ${outcome} before reporting results (did the bundle load?)`;
  else if (outcome !== 0 && failed === 0)
    problem = `the extension host exited with code ${outcome} although every test passed`;
  if (problem === undefined) return failed === 0 ? 0 : 1;
  console.log(`✖ ${problem}; the workbench log is in ${logFile}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.log(
      `✖ extension-host driver failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
