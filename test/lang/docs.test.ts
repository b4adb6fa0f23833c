// The language reference must stay true: every example checks clean, and the
// tables list exactly what the catalogue and the diagnostics table hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, CONFIG_KEYS, CGROUP_FILES, DESIGNS } from '../../server/lang/catalog';
import { DIAGNOSTIC_CODES } from '../../server/lang/diagnostics';
import { docExamples, readDoc, run } from './helpers';

test('every ```swapsim example in the reference parses and checks without a diagnostic', () => {
  const examples = docExamples();
  assert.ok(examples.length >= 20, `only ${examples.length} examples found`);
  for (const { code, line } of examples) {
    const { diagnostics } = run(code);
    const shown = diagnostics.map((d) => `  doc line ${line + d.range.start.line}: ${d.code} ${d.message}`).join('\n');
    assert.equal(diagnostics.length, 0, `example at doc line ${line}:\n${shown}`);
  }
});

test('the diagnostics table lists every code with its severity, and nothing else', () => {
  const doc = readDoc();
  const rows = [...doc.matchAll(/^\| (SS\d{3}) \| (\w+) \|/gm)].map((m) => [m[1], m[2]]);
  const codes = Object.entries(DIAGNOSTIC_CODES).map(([code, info]) => [code, info.severity]);
  assert.deepEqual(rows, codes);
});

test('every command has a section in the reference', () => {
  const doc = readDoc();
  for (const c of COMMANDS) {
    const heading = c.name === 'config' ? '## Config' : `### \`${c.name}\``;
    assert.ok(doc.includes(`\n${heading}\n`), `no section for ${c.name}`);
  }
});

test('every config key, design and cgroup file is in the reference tables', () => {
  const doc = readDoc();
  for (const k of CONFIG_KEYS) assert.match(doc, new RegExp(`^\\| \`${k.key}\` \\|`, 'm'), k.key);
  for (const d of DESIGNS) assert.match(doc, new RegExp(`^\\| \`${d.name}\` \\|`, 'm'), d.name);
  for (const f of CGROUP_FILES) assert.ok(doc.includes(`/sys/fs/cgroup/<cg>/${f.name}\``), f.name);
});
