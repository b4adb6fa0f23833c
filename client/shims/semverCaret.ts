// Stand-in for the two `semver` functions vscode-languageclient calls, once,
// when LanguageClient checks the editor version (`checkVersion` in its
// node/main.js): `parse` the editor's version and test it with `satisfies`
// against its `^X.Y.Z` requirement. The real package (20 KB minified, with
// regex tables built when it loads) cost a few milliseconds of every
// activation for one comparison. scripts/build.mjs points only
// vscode-languageclient's `semver/functions/{parse,satisfies}` here;
// test/client/semverCaret.test.ts checks both against the real package.

/** The fields of semver's SemVer object that a caller can read. */
export interface ParsedVersion {
  raw: string;
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** Numeric identifiers as numbers, others as strings (semver does the same). */
  prerelease: (string | number)[];
  build: string[];
}

/** semver's MAX_LENGTH: longer strings are not versions. */
const MAX_LENGTH = 256;
const NUMERIC = '0|[1-9]\\d*';
const NON_NUMERIC = '\\d*[a-zA-Z-][a-zA-Z0-9-]*';
const PRERELEASE_ID = `(?:${NUMERIC}|${NON_NUMERIC})`;
// semver's strict (not loose) full version: optional `v`, X.Y.Z, -prerelease, +build.
const FULL = new RegExp(
  `^v?(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
);
const CARET = /^\^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** A major, minor or patch number as semver accepts it (up to MAX_SAFE_INTEGER). */
function versionNumber(text: string): number | null {
  const n = Number(text);
  return n <= Number.MAX_SAFE_INTEGER ? n : null;
}

/** semver keeps numeric prerelease identifiers below MAX_SAFE_INTEGER as numbers. */
function prereleaseId(id: string): string | number {
  if (!/^[0-9]+$/.test(id)) return id;
  const n = Number(id);
  return n < Number.MAX_SAFE_INTEGER ? n : id;
}

function isParsedVersion(value: unknown): value is ParsedVersion {
  return (
    typeof value === 'object' &&
    value !== null &&
    'major' in value &&
    'minor' in value &&
    'patch' in value &&
    'prerelease' in value
  );
}

/** semver's `parse(version)`: the version, or null when it is not a strict semantic version. */
export function parseVersion(version: unknown): ParsedVersion | null {
  if (isParsedVersion(version)) return version;
  if (typeof version !== 'string' || version.length > MAX_LENGTH) return null;
  const m = FULL.exec(version.trim());
  if (m === null) return null;
  const [major, minor, patch] = [m[1]!, m[2]!, m[3]!].map(versionNumber);
  if (major === null || minor === null || patch === null) return null;
  const prerelease = m[4] === undefined ? [] : m[4].split('.').map(prereleaseId);
  const build = m[5] === undefined ? [] : m[5].split('.');
  const text = `${major}.${minor}.${patch}${prerelease.length > 0 ? `-${prerelease.join('.')}` : ''}`;
  return { raw: version, version: text, major, minor, patch, prerelease, build };
}

function compareTriples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/**
 * semver's `satisfies(version, range)` for caret ranges `^X.Y.Z` (the only
 * form vscode-languageclient passes): at least X.Y.Z and below the next
 * breaking version (X+1.0.0, or 0.Y+1.0 / 0.0.Z+1 when the leading parts are
 * 0). As in semver, a prerelease version never satisfies a range without
 * prereleases. Any other range throws, so a languageclient update that
 * starts passing one fails loudly instead of answering wrongly.
 */
export function satisfiesCaret(version: unknown, range: string): boolean {
  const m = CARET.exec(range.trim());
  if (m === null) throw new Error(`semverCaret: unsupported version range '${range}' (only ^X.Y.Z)`);
  const low = [Number(m[1]), Number(m[2]), Number(m[3])];
  const high = low[0]! > 0 ? [low[0]! + 1, 0, 0] : low[1]! > 0 ? [0, low[1]! + 1, 0] : [0, 0, low[2]! + 1];
  const v = parseVersion(version);
  if (v === null || v.prerelease.length > 0) return false;
  const triple = [v.major, v.minor, v.patch];
  return compareTriples(triple, low) >= 0 && compareTriples(triple, high) < 0;
}
