// client/boot/codeCache.ts: a CommonJS file run through a V8 code cache —
// the same exports whether the cache is off, missing, valid or garbage, and
// a cache never outlives the content it was made from.
//
// V8 also keeps scripts it compiled in memory, keyed by source and file
// name, and does not look at a code cache when it finds one there. A process
// loads the extension once, so each reload here is of a copy under another
// folder (same bundle name and content, so the same cache file), which V8
// has not seen.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { cacheFileName, loadBundle } from '../../client/boot/codeCache';

const scratch = mkdtempSync(path.join(tmpdir(), 'swapsim-code-cache-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Probe {
  answer: number;
  sibling: string;
  filename: string;
  dirname: string;
  square(n: number): number;
}

/** A module that requires a sibling file and reports where it thinks it lives. */
function writeBundle(dir: string, answer: number): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'sibling.js'), "module.exports = 'from the sibling';\n");
  const file = path.join(dir, 'bundle.js');
  writeFileSync(
    file,
    [
      "'use strict';",
      `exports.answer = ${answer};`,
      "exports.sibling = require('./sibling.js');",
      'exports.filename = __filename;',
      'exports.dirname = __dirname;',
      'exports.square = function (n) { return n * n; };',
      '',
    ].join('\n'),
  );
  return file;
}

function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
  } catch {
    return [];
  }
}

test('without a cache folder the bundle runs as a CommonJS module', () => {
  const dir = mkdtempSync(path.join(scratch, 'off-'));
  const file = writeBundle(dir, 1);
  const loaded = loadBundle<Probe>(file, undefined);
  assert.equal(loaded.cache, 'off');
  assert.deepEqual(
    { ...loaded.exports, square: loaded.exports.square(7) },
    { answer: 1, sibling: 'from the sibling', filename: file, dirname: dir, square: 49 },
  );
  assert.equal(loaded.saveCache(), undefined);
});

test('miss, save, hit: the second load compiles from the cache and behaves the same', () => {
  const dir = mkdtempSync(path.join(scratch, 'hit-'));
  const cacheDir = path.join(dir, 'cache');
  const file = writeBundle(dir, 2);
  const first = loadBundle<Probe>(file, cacheDir);
  assert.equal(first.cache, 'miss');
  assert.equal(first.exports.square(3), 9);
  const written = first.saveCache();
  assert.ok(written !== undefined);
  assert.deepEqual(cacheFiles(cacheDir), [path.basename(written)]);
  const copy = writeBundle(path.join(dir, 'copy'), 2);
  const second = loadBundle<Probe>(copy, cacheDir);
  assert.equal(second.cache, 'hit');
  assert.equal(second.exports.answer, 2);
  assert.equal(second.exports.sibling, 'from the sibling');
  assert.equal(second.exports.square(4), 16);
});

test('a changed bundle gets its own cache and the old one is removed when the new one is saved', () => {
  const dir = mkdtempSync(path.join(scratch, 'changed-'));
  const cacheDir = path.join(dir, 'cache');
  const file = writeBundle(dir, 3);
  loadBundle<Probe>(file, cacheDir).saveCache();
  // Same length, different content: V8's own check would not notice, the content hash does.
  writeBundle(dir, 4);
  const changed = loadBundle<Probe>(file, cacheDir);
  assert.equal(changed.cache, 'miss');
  assert.equal(changed.exports.answer, 4);
  const written = changed.saveCache();
  assert.deepEqual(cacheFiles(cacheDir), [path.basename(written ?? '')]);
});

test('a garbage cache is rejected by V8 and the bundle still runs from source', () => {
  const dir = mkdtempSync(path.join(scratch, 'garbage-'));
  const cacheDir = path.join(dir, 'cache');
  const file = writeBundle(dir, 5);
  loadBundle<Probe>(file, cacheDir).saveCache();
  const [name] = cacheFiles(cacheDir);
  assert.ok(name !== undefined);
  writeFileSync(path.join(cacheDir, name), Buffer.alloc(4096, 0x5a));
  const loaded = loadBundle<Probe>(writeBundle(path.join(dir, 'copy1'), 5), cacheDir);
  assert.equal(loaded.cache, 'rejected');
  assert.equal(loaded.exports.answer, 5);
  assert.equal(loaded.exports.square(5), 25);
  // Saving again replaces the garbage with a cache V8 accepts.
  loaded.saveCache();
  assert.equal(loadBundle<Probe>(writeBundle(path.join(dir, 'copy2'), 5), cacheDir).cache, 'hit');
});

test('a cache folder that cannot be created means no cache, not a failure', () => {
  const dir = mkdtempSync(path.join(scratch, 'blocked-'));
  const file = writeBundle(dir, 6);
  // A file where the cache folder should be.
  const blocked = path.join(dir, 'not-a-folder');
  writeFileSync(blocked, '');
  const loaded = loadBundle<Probe>(file, path.join(blocked, 'cache'));
  assert.equal(loaded.cache, 'miss');
  assert.equal(loaded.exports.answer, 6);
  assert.equal(loaded.saveCache(), undefined);
});

test('the cache name carries the bundle name, a content hash and the V8 version', () => {
  const a = cacheFileName('/x/client-main.js', 'one');
  const b = cacheFileName('/x/client-main.js', 'two');
  assert.notEqual(a, b);
  assert.match(a, /^client-main-[0-9a-f]{16}-v8-/);
  assert.ok(a.includes(process.versions.v8));
});
