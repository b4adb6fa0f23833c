// The built extension client (dist/client.js and what it loads), activated
// under plain Node against a stub `vscode` in a child process: the loader
// reports its timing and code-cache state, writes the cache once the client
// has settled, and the next activation compiles from it; the bundle asks for
// 'vscode' once (one shared namespace, client/shims/vscodeNamespace.ts) and
// does not load minimatch; the language client (dist/client-lsp.js) is loaded
// only after activate() returns, and before `ready` settles.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { SwapsimApi } from '../../client/extension';
import { distFile, REPO_ROOT } from '../foundation/repo';
import { extensionContext, installVscodeStub } from './vscode-stub';
import { hangGuard } from '../hang_guard';

interface ChildReport {
  codeCache: string;
  loadMs: number;
  activateMs: number;
  /** By activate(), and once `ready` settled (dist/client-lsp.js asks too). */
  vscodeRequests: number;
  vscodeRequestsWhenReady: number;
  minimatchLoaded: boolean;
  /** Which bundles have a cache file once the child is done (with --wait-for-cache: both). */
  cachedBundles: string[];
  apiKeys: string[];
}

/** In the child: activate dist/client.js with `storage` as global storage; with `waitForCache`, stay until the cache is written. */
async function child(storage: string, waitForCache: boolean): Promise<void> {
  const host = installVscodeStub(REPO_ROOT);
  const loader = nodeModule.createRequire(__filename)(distFile('client.js')) as {
    activate(context: unknown): SwapsimApi;
  };
  const api = loader.activate(extensionContext(REPO_ROOT, storage));
  const vscodeRequests = host.vscodeRequests();
  await api.ready;
  if (waitForCache) {
    const dir = path.join(storage, 'code-cache');
    const deadline = Date.now() + hangGuard(30_000);
    // dist/client-main.js's cache and dist/client-lsp.js's, both written a little after `ready`.
    while (!(
      existsSync(dir) &&
      ['client-main-', 'client-lsp-'].every((prefix) =>
        readdirSync(dir).some((f) => f.startsWith(prefix) && f.endsWith('.v8cache')),
      )
    )) {
      if (Date.now() > deadline) throw new Error('no code cache within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const report: ChildReport = {
    codeCache: api.activation?.codeCache ?? 'none',
    loadMs: api.activation?.loadMs ?? -1,
    activateMs: api.activation?.activateMs ?? -1,
    vscodeRequests,
    vscodeRequestsWhenReady: host.vscodeRequests(),
    minimatchLoaded: Object.keys(nodeModule.createRequire(__filename).cache).some((file) =>
      file.endsWith('client-minimatch.js'),
    ),
    cachedBundles: cachedBundles(path.join(storage, 'code-cache')),
    apiKeys: Object.keys(api).sort(),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(0);
}

function cachedBundles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.v8cache'))
    .map((f) => f.replace(/-[0-9a-f]{16}-v8-.*$/, ''))
    .sort();
}

function activateInChild(storage: string, waitForCache = false): ChildReport {
  const args = [__filename, '--activate-child', storage, ...(waitForCache ? ['--wait-for-cache'] : [])];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: hangGuard(60_000) });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  assert.ok(
    run.status === 0 && line.startsWith('{'),
    `the child failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`,
  );
  return JSON.parse(line) as ChildReport;
}

if (process.argv[2] === '--activate-child') {
  void child(process.argv[3] ?? '', process.argv[4] === '--wait-for-cache').catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  const scratch = mkdtempSync(path.join(tmpdir(), 'swapsim-bundle-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('dist/client.js is a small loader; what activation loads stays within 500 KiB', () => {
    const loaderBytes = statSync(distFile('client.js')).size;
    const mainBytes = statSync(distFile('client-main.js')).size;
    assert.ok(loaderBytes < 8 * 1024, `dist/client.js is ${loaderBytes} bytes`);
    assert.ok(
      loaderBytes + mainBytes <= 500 * 1024,
      `client.js + client-main.js is ${Math.round((loaderBytes + mainBytes) / 1024)} KiB`,
    );
    const main = readFileSync(distFile('client-main.js'), 'utf8');
    assert.equal(
      main.match(/require\("vscode"\)/g)?.length,
      1,
      'one require of vscode: every import shares one namespace',
    );
    // minimatch's error text for over-long patterns, and semver's spec constant: both left out.
    assert.ok(!main.includes('pattern is too long'), 'client-main.js contains minimatch');
    assert.ok(!main.includes('SEMVER_SPEC_VERSION'), 'client-main.js contains semver');
    // LanguageClient's error texts: the library is in dist/client-lsp.js, loaded after activation.
    assert.ok(
      !main.includes("Client got disposed and can't be restarted"),
      'client-main.js contains vscode-languageclient',
    );
    assert.ok(!main.includes('Client is not running'), 'client-main.js contains vscode-languageclient');
  });

  test('dist/client-lsp.js carries the language client, without minimatch or semver', () => {
    const lsp = readFileSync(distFile('client-lsp.js'), 'utf8');
    assert.ok(lsp.includes("Client got disposed and can't be restarted"), 'client-lsp.js lacks vscode-languageclient');
    assert.equal(lsp.match(/require\("vscode"\)/g)?.length, 1, 'one require of vscode in client-lsp.js too');
    assert.ok(!lsp.includes('pattern is too long'), 'client-lsp.js contains minimatch');
    assert.ok(!lsp.includes('SEMVER_SPEC_VERSION'), 'client-lsp.js contains semver');
  });

  test('activation reports its timing; the cache written after the first is used by the next', () => {
    const storage = mkdtempSync(path.join(scratch, 'storage-'));
    const first = activateInChild(storage, true);
    assert.equal(first.codeCache, 'miss');
    assert.ok(first.loadMs > 0 && first.activateMs > 0);
    assert.deepEqual(first.apiKeys, [
      'activation',
      'comparison',
      'dashboardShown',
      'decorations',
      'devicesView',
      'log',
      'ready',
      'serverStatus',
      'stepStatus',
      'store',
      'tests',
      'trees',
      'verification',
    ]);
    // dist/client-lsp.js is loaded (and asks for vscode) after activate() returns, before `ready` settles.
    assert.equal(first.vscodeRequests, 1, 'by activate(), only client-main.js asked for vscode');
    assert.equal(first.vscodeRequestsWhenReady, 2, 'then dist/client-lsp.js did, once');
    assert.equal(first.minimatchLoaded, false, 'minimatch waits for a glob');
    assert.deepEqual(first.cachedBundles, ['client-lsp', 'client-main'], 'both bundles compile through a cache');
    const second = activateInChild(storage);
    assert.equal(second.codeCache, 'hit');
    assert.deepEqual(second.apiKeys, first.apiKeys);
  });
}
