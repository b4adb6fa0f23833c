// client/shims/minimatchOnDemand.ts: vscode-languageclient's minimatch,
// loaded only when a glob is first compiled, and then the real thing.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { onDemandMinimatch, type MinimatchModule } from '../../client/shims/minimatchOnDemand';
import { distFile, REPO_ROOT } from '../foundation/repo';

const fromLanguageClient = createRequire(path.join(REPO_ROOT, 'node_modules', 'vscode-languageclient', 'package.json'));

test('nothing is loaded until a glob is compiled; then matching is minimatch’s own', () => {
  let loads = 0;
  const shim = onDemandMinimatch(() => {
    loads++;
    return fromLanguageClient('minimatch') as MinimatchModule;
  });
  assert.equal(loads, 0);
  assert.equal(shim.isLoaded(), false);
  // As vscode-languageclient's globPattern.ts and fileOperations.ts use it.
  const matcher = new shim.Minimatch('/work/**/*.swapsim', { noext: true });
  assert.equal(loads, 1);
  assert.ok(shim.isLoaded());
  assert.ok(matcher.makeRe() instanceof RegExp);
  assert.equal(matcher.match('/work/a/b/c.swapsim'), true);
  assert.equal(matcher.match('/work/a/b/c.txt'), false);
  const real = fromLanguageClient('minimatch') as MinimatchModule;
  assert.ok(matcher instanceof real.Minimatch, 'callers get a real Minimatch object');
  const caseless = new shim.Minimatch('**/*.{SWAPSIM,md}', { nocase: true, dot: true });
  assert.equal(
    caseless.match('x/.y/z.swapsim'),
    new real.Minimatch('**/*.{SWAPSIM,md}', { nocase: true, dot: true }).match('x/.y/z.swapsim'),
  );
  assert.equal(loads, 1, 'the module is loaded once');
});

test('dist/client-minimatch.js, the chunk loaded on demand, is the real minimatch', () => {
  // (test/client/bundle.test.ts checks that client-main.js does not carry it.)
  const chunk = createRequire(__filename)(distFile('client-minimatch.js')) as MinimatchModule;
  assert.equal(new chunk.Minimatch('*.swapsim').match('a.swapsim'), true);
  assert.equal(new chunk.Minimatch('*.swapsim').match('a.txt'), false);
});
