#!/usr/bin/env node
// Installs code-server (VS Code's server and web workbench, with a real Node
// extension host) from the npm registry into a work folder, so the packaged
// extension can be tested in a real VS Code without downloading anything from
// outside the registry.
//
//   node test/vscode/install.mjs        install (or reuse) and print the paths
//
// Everything stays inside `${TMPDIR:-/tmp}/swapsim-vscode/`: the install, and
// the TMPDIR / XDG_* folders that code-server, npm scripts and Chromium use.
// A finished install is marked with a stamp file and reused on the next run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile, copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
// @vscode/ripgrep's postinstall would download this file from outside the
// registry; with the file in its cache folder it uses it instead.
const RIPGREP_CACHE_DIR = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Debian packages the install and the test run need, with the file that proves each is there. */
const SYSTEM_NEEDS = [
  { file: '/usr/bin/chromium', pkg: 'chromium', why: 'headless browser that drives the workbench' },
  { file: '/usr/bin/krb5-config', pkg: 'libkrb5-dev', why: "code-server's kerberos module builds from source" },
  { file: '/usr/include/gssapi/gssapi.h', pkg: 'libkrb5-dev', why: "code-server's kerberos module builds from source" },
  { file: '/usr/bin/rg', pkg: 'ripgrep', why: "stands in for @vscode/ripgrep's download" },
];

/** The folders of one work area; nothing here is created yet. */
export function workLayout(root = path.join(process.env.TMPDIR || os.tmpdir(), 'swapsim-vscode')) {
  return {
    root,
    tmp: path.join(root, 'tmp'),
    xdgConfig: path.join(root, 'xdg', 'config'),
    xdgData: path.join(root, 'xdg', 'data'),
    xdgCache: path.join(root, 'xdg', 'cache'),
    prefix: path.join(root, `code-server-${CODE_SERVER_VERSION}`),
    stamp: path.join(root, `code-server-${CODE_SERVER_VERSION}`, '.swapsim-installed'),
    bin: path.join(root, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server'),
    packageJson: path.join(root, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'package.json'),
  };
}

/** Environment for every process started against the work area (npm, code-server, Chromium). */
export function workEnv(layout) {
  return {
    ...process.env,
    TMPDIR: layout.tmp,
    XDG_CONFIG_HOME: layout.xdgConfig,
    XDG_DATA_HOME: layout.xdgData,
    XDG_CACHE_HOME: layout.xdgCache,
    // node-pty's postinstall runs `npx node-gyp`; without this the machine's npm config cancels it.
    npm_config_yes: 'true',
    // code-server's postinstall refuses to run as root unless this is set (CI runs as root).
    npm_config_unsafe_perm: 'true',
  };
}

/** Throws one message naming every missing Debian package. */
export function checkSystemPackages() {
  const missing = SYSTEM_NEEDS.filter((need) => !existsSync(need.file));
  if (missing.length === 0) return;
  const lines = missing.map(
    (need) => `  ${need.file} is missing: install the Debian package "${need.pkg}" (${need.why})`,
  );
  const pkgs = [...new Set(missing.map((need) => need.pkg))].join(' ');
  throw new Error(
    `test/vscode needs system packages:\n${lines.join('\n')}\nRun: apt-get update && apt-get install -y ${pkgs}`,
  );
}

async function installedVersion(layout) {
  if (!existsSync(layout.stamp) || !existsSync(layout.packageJson)) return undefined;
  const pkg = JSON.parse(await readFile(layout.packageJson, 'utf8'));
  return typeof pkg.version === 'string' ? pkg.version : undefined;
}

/** A gzip tarball with Debian's rg at its root, where @vscode/ripgrep looks for its download. */
async function seedRipgrepCache(layout) {
  const cacheDir = path.join(layout.tmp, RIPGREP_CACHE_DIR);
  const tarball = path.join(cacheDir, RIPGREP_TARBALL);
  if (existsSync(tarball)) return;
  await mkdir(cacheDir, { recursive: true });
  const staging = await mkdtemp(path.join(layout.tmp, 'rg-'));
  await copyFile('/usr/bin/rg', path.join(staging, 'rg'));
  const tar = spawnSync('tar', ['-czf', tarball, '-C', staging, 'rg'], { stdio: 'inherit' });
  await rm(staging, { recursive: true, force: true });
  if (tar.status !== 0) throw new Error(`could not write ${tarball} (tar exited ${tar.status})`);
}

/**
 * Install code-server into the work area unless the same version is already
 * there. Returns the layout, the environment to use and whether it installed.
 */
export async function installCodeServer({ log = console.log } = {}) {
  checkSystemPackages();
  const layout = workLayout();
  for (const dir of [layout.tmp, layout.xdgConfig, layout.xdgData, layout.xdgCache])
    await mkdir(dir, { recursive: true });
  const env = workEnv(layout);

  const have = await installedVersion(layout);
  if (have === CODE_SERVER_VERSION) {
    log(`[install] reusing code-server ${have} in ${layout.prefix}`);
    return { layout, env, installed: false, ms: 0 };
  }

  // A half-finished earlier attempt (no stamp) is started over.
  await rm(layout.prefix, { recursive: true, force: true });
  await mkdir(layout.prefix, { recursive: true });
  // A local (not --global) install: code-server's postinstall runs a nested
  // `npm install` that would inherit npm_config_global and break.
  await writeFile(
    path.join(layout.prefix, 'package.json'),
    `${JSON.stringify({ name: 'swapsim-vscode-host', private: true }, null, 2)}\n`,
  );
  await seedRipgrepCache(layout);
  log(`[install] npm install code-server@${CODE_SERVER_VERSION} into ${layout.prefix} (takes 1–2 minutes)`);
  const started = Date.now();
  const npm = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `code-server@${CODE_SERVER_VERSION}`],
    // Bounded: a hung npm would otherwise block the caller's own timeout.
    { cwd: layout.prefix, env, stdio: ['ignore', 'inherit', 'inherit'], timeout: 8 * 60_000, killSignal: 'SIGKILL' },
  );
  if (npm.error) throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed: ${npm.error.message}`);
  if (npm.status !== 0)
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${npm.status ?? npm.signal})`);
  const got = existsSync(layout.packageJson)
    ? JSON.parse(await readFile(layout.packageJson, 'utf8')).version
    : undefined;
  if (got !== CODE_SERVER_VERSION || !existsSync(layout.bin)) {
    throw new Error(
      `npm finished but ${layout.bin} (version ${got ?? 'none'}) is not code-server ${CODE_SERVER_VERSION}`,
    );
  }
  await writeFile(layout.stamp, `${CODE_SERVER_VERSION}\n`);
  const ms = Date.now() - started;
  log(`[install] code-server ${CODE_SERVER_VERSION} installed in ${(ms / 1000).toFixed(1)} s`);
  return { layout, env, installed: true, ms };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  installCodeServer()
    .then(({ layout }) => console.log(`[install] code-server: ${layout.bin}\n[install] work folder: ${layout.root}`))
    .catch((err) => {
      console.error(`[install] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
