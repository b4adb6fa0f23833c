// Starting and talking to code-server for one test run.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

/** Settings that keep the workbench quiet and predictable for screenshots. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.autoDetectColorScheme': false,
};

/** The folders of one run, all inside `runDir`. */
export function runLayout(runDir) {
  return {
    runDir,
    config: path.join(runDir, 'code-server.yaml'),
    userDataDir: path.join(runDir, 'user-data'),
    extensionsDir: path.join(runDir, 'extensions'),
    workspace: path.join(runDir, 'workspace'),
    browserProfiles: path.join(runDir, 'browser-profiles'),
    log: path.join(runDir, 'code-server.log'),
  };
}

export async function writeUserSettings(userDataDir) {
  const dir = path.join(userDataDir, 'User');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'settings.json'), `${JSON.stringify(QUIET_SETTINGS, null, 2)}\n`);
}

/** Arguments every code-server invocation gets, so nothing is written under $HOME. */
function baseArgs(run) {
  return ['--config', run.config, '--user-data-dir', run.userDataDir, '--extensions-dir', run.extensionsDir];
}

/** Run a command to completion, collecting its output; rejects with the output on failure. */
export function runCommand(command, args, { env, cwd, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else
        reject(
          new Error(
            `${path.basename(command)} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.trim()}`,
          ),
        );
    });
  });
}

/** `code-server --install-extension`; returns the folder the .vsix was unpacked into. */
export async function installExtension(bin, run, env, vsix, extensionId, version) {
  await runCommand(bin, [...baseArgs(run), '--install-extension', vsix], { env });
  const dir = path.join(run.extensionsDir, `${extensionId}-${version}`);
  if (!existsSync(path.join(dir, 'package.json')))
    throw new Error(`code-server installed ${vsix} but ${dir} is missing`);
  return dir;
}

/** A port that was free a moment ago (the server binds it right after). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Start code-server on 127.0.0.1:`port` in its own session and process group
 * (detached), so the run can end it with everything it started.
 */
export function startCodeServer(bin, run, env, port) {
  const logFd = openSync(run.log, 'a');
  const child = spawn(
    bin,
    [
      ...baseArgs(run),
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      run.workspace,
    ],
    { env, detached: true, stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  let exit;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
    child.on('error', (error) => {
      exit = { code: null, signal: null, error };
      resolve(exit);
    });
  });
  return { pid: child.pid, exited, exitStatus: () => exit };
}

function healthz(port) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** Poll /healthz until it answers; fails early if the server exits. */
export async function waitForHealthz(server, port, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = server.exitStatus();
    if (status)
      throw new Error(
        `code-server exited before answering /healthz (${status.error ?? status.signal ?? `exit ${status.code}`})`,
      );
    if (await healthz(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer /healthz on port ${port} within ${timeoutMs} ms`);
}

export function logTail(file, lines = 40) {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
