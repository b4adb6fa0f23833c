// Loading a CommonJS bundle through a V8 code cache, as Node's own
// module.enableCompileCache() does from Node 22.1 (VS Code 1.100's extension
// host runs Node 20). With a cache, V8 skips parsing the bundle and
// compiling the functions that ran last time: the largest part of
// activation (issue #8). The cache is keyed by the bundle's content and the
// V8 version; V8 still checks it and rejects a mismatch, and a rejected or
// missing cache just means compiling from source as `require` would.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';

/** hit: compiled from the cache; miss: no cache yet; rejected: V8 refused it; off: no cache folder. */
export type CodeCacheState = 'hit' | 'miss' | 'rejected' | 'off';

export interface LoadedBundle<T> {
  readonly exports: T;
  readonly cache: CodeCacheState;
  /** Milliseconds reading and compiling the file (from the cache or not); the rest of loading is running it. */
  readonly compileMs: number;
  /**
   * Write the cache for the next load, with every function compiled so far
   * (call it once the code has done its usual work). Returns the file
   * written, or undefined when there is no cache folder or writing failed.
   */
  saveCache(): string | undefined;
}

type ModuleWrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: { exports: unknown },
  filename: string,
  dirname: string,
) => void;

// Node's CommonJS wrapper, on the first line so line numbers stay those of the file.
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';
const CACHE_SUFFIX = '.v8cache';

/** Cache file name: the bundle's name and content hash, and the V8 that compiled it. */
export function cacheFileName(file: string, source: string): string {
  const hash = createHash('sha1').update(source).digest('hex').slice(0, 16);
  return `${path.basename(file, '.js')}-${hash}-v8-${process.versions.v8}-${process.arch}${CACHE_SUFFIX}`;
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Write atomically (a reader never sees half a file) and drop caches of other bundle versions. */
function writeCache(dir: string, bundle: string, name: string, data: Buffer): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    const target = path.join(dir, name);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, data);
    renameSync(temp, target);
    const prefix = `${path.basename(bundle, '.js')}-`;
    for (const other of readdirSync(dir)) {
      if (other !== name && other.startsWith(prefix) && other.endsWith(CACHE_SUFFIX))
        rmSync(path.join(dir, other), { force: true });
    }
    return target;
  } catch {
    return undefined;
  }
}

/** Where caches live: a folder of the extension's global storage (`globalStorageUri`), when that is on the local disk. */
export function codeCacheDir(globalStorageUri: unknown): string | undefined {
  if (typeof globalStorageUri !== 'object' || globalStorageUri === null) return undefined;
  const { scheme, fsPath } = globalStorageUri as { scheme?: unknown; fsPath?: unknown };
  return scheme === 'file' && typeof fsPath === 'string' ? path.join(fsPath, 'code-cache') : undefined;
}

/** Run `file` as a CommonJS module (compiled with the cache in `cacheDir`, if any) and return its exports. */
export function loadBundle<T>(file: string, cacheDir: string | undefined): LoadedBundle<T> {
  const started = performance.now();
  const source = readFileSync(file, 'utf8');
  const name = cacheDir === undefined ? undefined : cacheFileName(file, source);
  const cachedData = cacheDir === undefined || name === undefined ? undefined : readCache(path.join(cacheDir, name));
  const script = new Script(WRAP_HEAD + source + WRAP_TAIL, { filename: file, cachedData });
  const cache: CodeCacheState =
    cacheDir === undefined
      ? 'off'
      : cachedData === undefined
        ? 'miss'
        : script.cachedDataRejected === true
          ? 'rejected'
          : 'hit';
  const wrapper = script.runInThisContext() as ModuleWrapper;
  const compileMs = performance.now() - started;
  const module = { exports: {} as unknown };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return {
    exports: module.exports as T,
    cache,
    compileMs,
    saveCache: () =>
      cacheDir === undefined || name === undefined
        ? undefined
        : writeCache(cacheDir, file, name, script.createCachedData()),
  };
}

/** Quiet time after the language client is ready before writing a cache (off the path of anything a user waits for). */
const SAVE_DELAY_MS = 3000;

/** When the load compiled from source, write its cache a little after `settled` (the extension's `ready`). */
export function saveCacheWhenSettled(bundle: LoadedBundle<unknown>, settled: Promise<unknown>): void {
  if (bundle.cache !== 'miss' && bundle.cache !== 'rejected') return;
  void settled.then(() => {
    setTimeout(() => bundle.saveCache(), SAVE_DELAY_MS).unref();
  });
}
