/**
 * References a clone can follow: every `docs/kernel-model.md §N.M` citation in
 * the repository names a section that exists as a heading of that page, and no
 * tracked file cites reference material that lives outside the repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../foundation/repo';

const MODEL = 'docs/kernel-model.md';

/** Text files that can hold a citation; binaries and the lock file are skipped. */
const TEXT_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs|json|md|swapsim|html|css|yml|yaml|txt)$/;
const SKIPPED = new Set(['package-lock.json']);

/**
 * Documents that live outside the repository (the session's shared reference
 * material). Written as patterns so this file does not cite them itself.
 */
const OUTSIDE_DOCUMENTS: { name: string; pattern: RegExp }[] = [
  { name: 'the shared kernel-swap reference (cite docs/kernel-model.md)', pattern: /kernel-swap\.md/ },
  { name: 'the real-kernel notes', pattern: /real-kernel-notes\.md/ },
  { name: 'the real-VS Code notes', pattern: /real-vscode-notes\.md/ },
  { name: 'the style anchors', pattern: /style-anchors\.md/ },
  { name: 'the style comparison', pattern: /style-comparison\.md/ },
  { name: 'the seed mail', pattern: /seed-mail\.txt/ },
  { name: 'a path into the shared material', pattern: /\.\.\/shared\/reference|\/work\/shared\b/ },
];

/** Tracked files plus new ones not yet added (but not ignored ones), relative to the repository root. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return [...new Set(out.split('\0'))].filter((f) => f !== '' && TEXT_FILE.test(f) && !SKIPPED.has(path.basename(f)));
}

function readRepoFile(file: string): string | null {
  try {
    return readFileSync(path.join(REPO_ROOT, file), 'utf8');
  } catch {
    return null; // listed by git but deleted in the work tree
  }
}

/** Section numbers that head a section of docs/kernel-model.md ("## 2. …", "### 2.4 …", "### 11.7 …"). */
function modelSections(): Set<string> {
  const text = readFileSync(path.join(REPO_ROOT, MODEL), 'utf8');
  return new Set([...text.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)].map((m) => m[1]));
}

const SECTION = /§(\d+(?:\.\d+)*)/g;

/**
 * The sections a text cites after `kernel-model.md`: a run of §N.M separated
 * by commas, dashes, "and", spaces or a comment continuation ("§7.5, §11.23",
 * "§8.1–§8.3", "§2.2-\n * §2.3").
 */
function citedSections(text: string): { section: string; line: number }[] {
  const run = /kernel-model\.md((?:[ \t]+|\r?\n[ \t]*(?:\*|\/\/|#)?[ \t]*|,|;|\/|-|–|\band\b|§\d+(?:\.\d+)*)*)/g;
  const found: { section: string; line: number }[] = [];
  for (const m of text.matchAll(run)) {
    const line = text.slice(0, m.index).split('\n').length;
    for (const s of m[1].matchAll(SECTION)) found.push({ section: s[1], line });
  }
  return found;
}

/** Every bare §N.M of a text (for documents whose § numbers all mean kernel-model.md). */
function bareSections(text: string): { section: string; line: number }[] {
  return [...text.matchAll(SECTION)].map((m) => ({ section: m[1], line: text.slice(0, m.index).split('\n').length }));
}

test('the citation parser reads lists, ranges and comment continuations', () => {
  const sample =
    'see docs/kernel-model.md §7.5, §11.23 and §8.1–§8.3.\n * (kernel-model.md\n * §2.2-§2.3) then §9 is not cited';
  assert.deepEqual(
    citedSections(sample).map((c) => c.section),
    ['7.5', '11.23', '8.1', '8.3', '2.2', '2.3'],
  );
});

test('docs/kernel-model.md has the numbered sections the code was written against', () => {
  const sections = modelSections();
  const expected = [
    '0.1',
    '0.2',
    '1',
    '2.1',
    '2.2',
    '2.3',
    '2.4',
    '2.5',
    '3.1',
    '3.2',
    '3.3',
    '3.4',
    '3.5',
    '3.6',
    '4.1',
    '4.2',
    '4.3',
    '4.4',
    '4.5',
    '4.6',
  ];
  expected.push(
    '5.1',
    '5.2',
    '5.3',
    '5.4',
    '5.5',
    '6',
    '7.1',
    '7.2',
    '7.3',
    '7.4',
    '7.5',
    '7.6',
    '7.7',
    '7.8',
    '8.1',
    '8.2',
    '8.3',
    '8.4',
    '9',
  );
  expected.push('10.1', '10.2', '10.3', '10.4', '10.5', '10.6', '10.7', '11', '12', '13');
  for (let item = 1; item <= 25; item++) expected.push(`11.${item}`);
  for (const s of expected) assert.ok(sections.has(s), `docs/kernel-model.md has no heading for §${s}`);
});

test('every kernel-model.md § citation names a section that exists', () => {
  const sections = modelSections();
  const missing: string[] = [];
  let cited = 0;
  for (const file of repositoryFiles()) {
    const text = readRepoFile(file);
    if (text === null) continue;
    const refs = citedSections(text);
    // The model's own cross-references, and pages that declare their bare § numbers to be the model's.
    if (file === MODEL || /Section numbers\s+such\s+as\s+§[\d.]+\s+refer\s+to[^.]*kernel-model\.md/.test(text))
      refs.push(...bareSections(text));
    for (const { section, line } of refs) {
      cited++;
      if (!sections.has(section)) missing.push(`${file}:${line}: §${section}`);
    }
  }
  assert.ok(cited > 0, 'no citation of docs/kernel-model.md found at all: is the parser still right?');
  assert.deepEqual(
    missing,
    [],
    `citations of sections that docs/kernel-model.md does not have:\n${missing.join('\n')}`,
  );
});

test('no file in the repository cites reference material that lives outside it', () => {
  const offending: string[] = [];
  for (const file of repositoryFiles()) {
    const text = readRepoFile(file);
    if (text === null) continue;
    for (const { name, pattern } of OUTSIDE_DOCUMENTS) {
      const at = text.search(pattern);
      if (at >= 0) offending.push(`${file}:${text.slice(0, at).split('\n').length}: ${name}`);
    }
  }
  assert.deepEqual(offending, [], `cite docs/kernel-model.md or the kernel source instead:\n${offending.join('\n')}`);
});
