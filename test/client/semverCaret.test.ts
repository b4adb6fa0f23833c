// client/shims/semverCaret.ts stands in for semver's parse and satisfies
// inside vscode-languageclient: it must answer exactly as the real package
// (installed as languageclient's dependency) for the versions an editor
// reports and the `^X.Y.Z` ranges the library asks about.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseVersion, satisfiesCaret } from '../../client/shims/semverCaret';
import { REPO_ROOT } from '../foundation/repo';

type RealParse = (version: unknown) => {
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
  build: string[];
} | null;
type RealSatisfies = (version: unknown, range: string) => boolean;

const fromLanguageClient = createRequire(path.join(REPO_ROOT, 'node_modules', 'vscode-languageclient', 'package.json'));
const realParse = fromLanguageClient('semver/functions/parse') as RealParse;
const realSatisfies = fromLanguageClient('semver/functions/satisfies') as RealSatisfies;

const VERSIONS = [
  '1.100.3',
  '1.91.0',
  '1.90.9',
  '1.91.1',
  '2.0.0',
  '1.99.0-insider',
  '1.101.0-insider',
  ' 1.100.0 ',
  'v1.100.0',
  '1.100.0+build.7',
  '1.2.3-alpha.1',
  '1.2.3-0.3.7',
  '1.2.3-01',
  '01.2.3',
  '1.2',
  '1.2.3.4',
  '',
  'insider',
  '=1.2.3',
  '1.2.3-',
  '1.2.3+',
  '9007199254740991.0.0',
  '9007199254740992.0.0',
  '1.2.3-9007199254740991',
  '0.0.0',
  '0.1.5',
  '0.0.3',
  '0.0.4',
];
const RANGES = ['^1.91.0', '^1.100.3', '^0.1.2', '^0.0.3', '^2.0.0'];

test('parseVersion answers as semver.parse: valid or not, and the same fields', () => {
  for (const version of [...VERSIONS, 42, null, undefined, 'x'.repeat(300)]) {
    const real = realParse(version);
    const ours = parseVersion(version);
    if (real === null) {
      assert.equal(ours, null, `semver rejects ${JSON.stringify(version)}`);
      continue;
    }
    assert.ok(ours !== null, `semver accepts ${JSON.stringify(version)}`);
    assert.deepEqual(
      {
        version: ours.version,
        major: ours.major,
        minor: ours.minor,
        patch: ours.patch,
        prerelease: ours.prerelease,
        build: ours.build,
      },
      {
        version: real.version,
        major: real.major,
        minor: real.minor,
        patch: real.patch,
        prerelease: real.prerelease,
        build: real.build,
      },
      `fields of ${JSON.stringify(version)}`,
    );
  }
});

test('satisfiesCaret answers as semver.satisfies for caret ranges, strings and parsed versions alike', () => {
  for (const range of RANGES) {
    for (const version of VERSIONS) {
      assert.equal(
        satisfiesCaret(version, range),
        realSatisfies(version, range),
        `${JSON.stringify(version)} in ${range}`,
      );
      const real = realParse(version);
      const ours = parseVersion(version);
      if (real === null || ours === null) continue;
      // LanguageClient.checkVersion clears the prerelease of the parsed version before asking.
      real.prerelease = [];
      ours.prerelease = [];
      assert.equal(
        satisfiesCaret(ours, range),
        realSatisfies(real, range),
        `${JSON.stringify(version)} without prerelease in ${range}`,
      );
    }
  }
});

test('satisfiesCaret refuses ranges it does not implement instead of guessing', () => {
  for (const range of ['>=1.91.0', '~1.91.0', '^1.91', '1.x', '^1.91.0 || ^2.0.0', '^1.91.0-beta']) {
    assert.throws(() => satisfiesCaret('1.100.0', range), /unsupported version range/);
  }
});

test('the range vscode-languageclient requires is one the stand-in implements', () => {
  const text = readFileSync(
    path.join(REPO_ROOT, 'node_modules', 'vscode-languageclient', 'lib', 'node', 'main.js'),
    'utf8',
  );
  const m = /REQUIRED_VSCODE_VERSION = '([^']+)'/.exec(text);
  assert.ok(m !== null, 'vscode-languageclient no longer declares REQUIRED_VSCODE_VERSION as before');
  assert.doesNotThrow(() => satisfiesCaret('1.100.3', m[1]!));
  assert.equal(satisfiesCaret('1.100.3', m[1]!), realSatisfies('1.100.3', m[1]!));
});
