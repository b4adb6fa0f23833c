#!/usr/bin/env node
// One esbuild script for every artefact of the project.
//
//   node scripts/build.mjs              client, server, CLI, webviews -> dist/
//   node scripts/build.mjs --tests      only the tests -> out/test/
//   node scripts/build.mjs --all        both of the above
//   node scripts/build.mjs --production minified dist/ without sourcemaps (used by `npm run package`)
//   node scripts/build.mjs --watch      rebuild on change (combine with --all to watch the tests too)
//
// The build can also be imported: `import { build } from './build.mjs'`.
import * as esbuild from 'esbuild';
import { chmod, copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Recursively list files under `dir` (relative to ROOT) whose name passes `keep`. */
export async function listFiles(dir, keep) {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  const found = [];
  for (const entry of await readdir(abs, { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(rel, keep)));
    else if (keep(entry.name)) found.push(rel);
  }
  return found.sort();
}

async function packageVersion() {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  return String(pkg.version);
}

/** Webview entry points: every media/<name>/main.ts becomes dist/media/<name>.js. */
async function webviewEntries() {
  const mediaDir = path.join(ROOT, 'media');
  if (!existsSync(mediaDir)) return [];
  const entries = [];
  for (const entry of await readdir(mediaDir, { withFileTypes: true })) {
    const main = path.join('media', entry.name, 'main.ts');
    if (entry.isDirectory() && existsSync(path.join(ROOT, main))) entries.push({ name: entry.name, main });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Stylesheets sit next to their bundle: media/<name>/main.css -> dist/media/<name>.css,
 * any other media/<name>/<file>.css -> dist/media/<name>-<file>.css.
 */
async function copyWebviewCss() {
  const mediaDir = path.join(ROOT, 'media');
  if (!existsSync(mediaDir)) return [];
  const copied = [];
  for (const entry of await readdir(mediaDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const file of await readdir(path.join(mediaDir, entry.name))) {
      if (!file.endsWith('.css')) continue;
      const base = file.slice(0, -'.css'.length);
      const target = base === 'main' ? `${entry.name}.css` : `${entry.name}-${base}.css`;
      await mkdir(path.join(ROOT, 'dist', 'media'), { recursive: true });
      await copyFile(path.join(mediaDir, entry.name, file), path.join(ROOT, 'dist', 'media', target));
      copied.push(path.join('dist', 'media', target));
    }
  }
  return copied;
}

/** Steps after the app bundles are written; returns the copied stylesheets. */
async function finishApp() {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  // Executable so `./dist/cli.js` works straight from a checkout, not only via npm's bin link.
  if (existsSync(cli)) await chmod(cli, 0o755);
  // swapsim verify builds the guest workload from this C source on first use
  await mkdir(path.join(ROOT, 'dist', 'guest'), { recursive: true });
  await copyFile(path.join(ROOT, 'guest', 'swapsim-guest.c'), path.join(ROOT, 'dist', 'guest', 'swapsim-guest.c'));
  return copyWebviewCss();
}

/**
 * vscode-languageclient's own dependencies, trimmed from dist/client-lsp.js
 * (issue #8; the language client starts right after activation, so its size
 * is still the server's time to ready): `minimatch` becomes client/shims/minimatchOnDemand.ts,
 * which loads the real one from dist/client-minimatch.js the first time a
 * glob is compiled, and `semver/functions/{parse,satisfies}` become the small
 * caret-range versions in client/shims/semverCaret.ts (the library's one
 * use: checking the editor's version). Only imports from vscode-languageclient
 * are redirected.
 */
function languageClientDeps() {
  const shims = path.join(ROOT, 'client', 'shims');
  const inLanguageClient = (importer) =>
    importer.includes(`${path.sep}node_modules${path.sep}vscode-languageclient${path.sep}`);
  return {
    name: 'swapsim-languageclient-deps',
    setup(b) {
      b.onResolve({ filter: /^minimatch$/ }, (args) =>
        inLanguageClient(args.importer) ? { path: path.join(shims, 'minimatchOnDemand.ts') } : undefined,
      );
      b.onResolve({ filter: /^semver\/functions\/(parse|satisfies)$/ }, (args) =>
        inLanguageClient(args.importer) ? { path: args.path, namespace: 'swapsim-semver' } : undefined,
      );
      // semver's function modules export the function itself.
      b.onLoad({ filter: /.*/, namespace: 'swapsim-semver' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(path.join(shims, 'semverCaret.ts'))}).${args.path.endsWith('/parse') ? 'parseVersion' : 'satisfiesCaret'};`,
        resolveDir: shims,
        loader: 'js',
      }));
    },
  };
}

/**
 * Every import of 'vscode' in a client bundle shares one namespace object
 * (client/shims/vscodeNamespace.ts, which alone imports the real module):
 * ES imports link to it directly; CommonJS requires (vscode-languageclient)
 * get it through one wrapper module, converted once and marked __esModule.
 */
function sharedVscodeNamespace() {
  const namespaceFile = path.join(ROOT, 'client', 'shims', 'vscodeNamespace.ts');
  return {
    name: 'swapsim-vscode-namespace',
    setup(b) {
      b.onResolve({ filter: /^vscode$/ }, (args) => {
        if (args.importer === namespaceFile) return { path: 'vscode', external: true };
        if (args.kind === 'require-call') return { path: 'vscode', namespace: 'swapsim-vscode-cjs' };
        return { path: namespaceFile };
      });
      b.onLoad({ filter: /.*/, namespace: 'swapsim-vscode-cjs' }, () => ({
        contents: `module.exports = require(${JSON.stringify(namespaceFile)});`,
        resolveDir: ROOT,
        loader: 'js',
      }));
    },
  };
}

/**
 * The extension client as five files: dist/client.js, the small loader VS
 * Code runs (client/boot/loader.ts: code cache, timing); dist/client-main.js,
 * the extension; dist/client-lsp.js, vscode-languageclient and what creates
 * the client (client/lsp/entry.ts), loaded just after activation so
 * compiling the library is not part of it (issue #8); dist/client-debug.js,
 * the debug adapter, loaded when a debug session starts; dist/client-minimatch.js,
 * loaded only if a glob is ever compiled. Always minified: parsing fewer
 * bytes is most of activation.
 */
function clientConfigs(node) {
  const client = { ...node, minify: true, external: ['vscode'] };
  return [
    { ...client, entryPoints: ['client/boot/loader.ts'], outfile: 'dist/client.js' },
    {
      ...client,
      entryPoints: ['client/extension.ts'],
      outfile: 'dist/client-main.js',
      plugins: [sharedVscodeNamespace()],
      metafile: true,
    },
    {
      ...client,
      entryPoints: ['client/lsp/entry.ts'],
      outfile: 'dist/client-lsp.js',
      plugins: [languageClientDeps(), sharedVscodeNamespace()],
      metafile: true,
    },
    // The debug adapter and @vscode/debugadapter, loaded when a debug session starts (client/debug/register.ts).
    { ...client, entryPoints: ['client/debug/entry.ts'], outfile: 'dist/client-debug.js', metafile: true },
    {
      ...client,
      stdin: {
        contents: "module.exports = require('minimatch');",
        resolveDir: path.join(ROOT, 'node_modules', 'vscode-languageclient'),
        sourcefile: 'client-minimatch.js',
      },
      outfile: 'dist/client-minimatch.js',
    },
  ];
}

/** What each client bundle must not carry, and why. */
const CLIENT_BUNDLE_EXCLUSIONS = {
  // Activation loads this one: the language client waits for dist/client-lsp.js.
  'dist/client-main.js': {
    pattern:
      /node_modules\/(vscode-languageclient|vscode-languageserver-protocol|vscode-languageserver-types|vscode-jsonrpc|minimatch|semver|brace-expansion|@vscode\/debugadapter)\//,
    hint: 'something imports vscode-languageclient outside client/lsp/entry.ts, or the debug adapter outside client/debug/entry.ts, at run time (type-only imports are fine)',
  },
  'dist/client-debug.js': {
    pattern:
      /node_modules\/(vscode-languageclient|vscode-languageserver-protocol|vscode-jsonrpc)\/|client\/debug\/register\.ts/,
    hint: 'the debug adapter bundle reaches the language client or the vscode-side registration',
  },
  'dist/client-lsp.js': {
    pattern: /node_modules\/(minimatch|semver|brace-expansion)\//,
    hint: 'vscode-languageclient imports them some new way (see languageClientDeps in scripts/build.mjs)',
  },
};

/** Fail the build when a client bundle carries what it is meant to keep out. */
function checkClientBundle(result) {
  for (const [output, { pattern, hint }] of Object.entries(CLIENT_BUNDLE_EXCLUSIONS)) {
    const inputs = result.metafile?.outputs?.[output]?.inputs;
    if (inputs === undefined) continue;
    const leaked = Object.keys(inputs).filter((file) => pattern.test(file));
    if (leaked.length > 0) throw new Error(`${output} bundles ${leaked.join(', ')}: ${hint}`);
  }
}

/** esbuild option sets for dist/: extension client, language server, CLI, webviews. */
async function appConfigs({ production }) {
  const version = await packageVersion();
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    minify: production,
    sourcemap: production ? false : 'linked',
    logLevel: 'warning',
    define: { __SWAPSIM_VERSION__: JSON.stringify(version) },
  };
  const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
  const configs = [
    ...clientConfigs(node),
    { ...node, entryPoints: ['server/server.ts'], outfile: 'dist/server.js' },
    // The language server's worker thread for Testing-view runs (server/testrun/runner.ts loads it from beside server.js).
    { ...node, entryPoints: ['server/testrun/worker.ts'], outfile: 'dist/test-worker.js' },
    {
      ...node,
      entryPoints: ['server/cli.ts'],
      outfile: 'dist/cli.js',
      banner: { js: '#!/usr/bin/env node' },
    },
  ];
  for (const { name, main } of await webviewEntries()) {
    configs.push({
      ...common,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      entryPoints: [main],
      outfile: `dist/media/${name}.js`,
    });
  }
  return configs;
}

/** Tests: test/**\/*.test.ts -> out/test/**\/*.test.js; node_modules stay external (they exist at test time). */
async function testConfigs() {
  const version = await packageVersion();
  const entryPoints = await listFiles('test', (name) => name.endsWith('.test.ts'));
  if (entryPoints.length === 0) return [];
  return [
    {
      absWorkingDir: ROOT,
      entryPoints,
      outdir: 'out/test',
      outbase: 'test',
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      external: ['vscode'],
      sourcemap: 'inline',
      logLevel: 'warning',
      define: { __SWAPSIM_VERSION__: JSON.stringify(version) },
    },
  ];
}

/**
 * In watch mode, print one "[watch] build started" / "[watch] build finished"
 * pair per round of rebuilds across all bundles: .vscode/tasks.json's problem
 * matcher waits for these lines. The after-build steps rerun after each round.
 */
function watchReporter(app) {
  let active = 0;
  return {
    name: 'swapsim-watch-reporter',
    setup(pluginBuild) {
      pluginBuild.onStart(() => {
        if (active++ === 0) console.log('[watch] build started');
      });
      pluginBuild.onEnd(async () => {
        if (--active === 0) {
          if (app) await finishApp();
          console.log('[watch] build finished');
        }
      });
    },
  };
}

/**
 * Build (or watch) the selected artefacts.
 * @param {{ app?: boolean, tests?: boolean, production?: boolean, watch?: boolean }} options
 */
export async function build({ app = true, tests = false, production = false, watch = false } = {}) {
  const configs = [];
  if (app) {
    await rm(path.join(ROOT, 'dist'), { recursive: true, force: true });
    configs.push(...(await appConfigs({ production })));
  }
  if (tests) {
    // Start clean so a deleted test never keeps running from a stale bundle.
    await rm(path.join(ROOT, 'out', 'test'), { recursive: true, force: true });
    configs.push(...(await testConfigs()));
  }
  if (watch) {
    const reporter = watchReporter(app);
    const contexts = await Promise.all(
      configs.map((c) => esbuild.context({ ...c, plugins: [...(c.plugins ?? []), reporter] })),
    );
    await Promise.all(contexts.map((ctx) => ctx.watch()));
    console.log(`[build] watching ${configs.length} bundle(s); press Ctrl+C to stop`);
    return;
  }
  const started = Date.now();
  const results = await Promise.all(configs.map((c) => esbuild.build(c)));
  for (const result of results) if (result.metafile) checkClientBundle(result);
  const css = app ? await finishApp() : [];
  const what = [app && (production ? 'dist (production)' : 'dist'), tests && 'tests'].filter(Boolean).join(' + ');
  console.log(
    `[build] ${what}: ${configs.length} bundle(s), ${css.length} stylesheet(s) in ${Date.now() - started} ms`,
  );
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = new Set(process.argv.slice(2));
  const known = new Set(['--tests', '--all', '--production', '--watch']);
  for (const arg of args) {
    if (!known.has(arg)) {
      console.error(`build.mjs: unknown flag ${arg} (known: ${[...known].join(' ')})`);
      process.exit(2);
    }
  }
  const all = args.has('--all');
  build({
    app: all || !args.has('--tests'),
    tests: all || args.has('--tests'),
    production: args.has('--production'),
    watch: args.has('--watch'),
  }).catch((err) => {
    // esbuild already printed the diagnostics; keep the stack out of the way.
    if (!(err && Array.isArray(err.errors))) console.error(err);
    process.exit(1);
  });
}
