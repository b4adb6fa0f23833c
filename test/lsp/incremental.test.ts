// Diagnostics as the user types: the analysis cache re-analyses each new
// version from the previous one, and what it publishes is exactly what a
// fresh analysis of the same text gives; the session rebuild that follows
// an edit never holds back the parser and checker diagnostics.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { reuseStats } from '../../server/lang/index';
import { analyse, AnalysisCache } from '../../server/lsp/analysis';
import type { ServerContext } from '../../server/lsp/context';
import { toLspDiagnostic } from '../../server/lsp/convert';
import { DiagnosticsScheduler } from '../../server/lsp/diagnostics';
import { largeScenario } from '../lang/generate';
import { deferred } from '../deferred';
import { rng } from '../lang/helpers';
import { freshUri, LspClient } from './client';

function examples(): string[] {
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'examples');
    if (existsSync(path.join(dir, 'package.json')) && existsSync(candidate)) {
      return readdirSync(candidate)
        .filter((f) => f.endsWith('.swapsim'))
        .sort()
        .map((f) => readFileSync(path.join(candidate, f), 'utf8'));
    }
  }
  throw new Error('no examples/ directory above the test');
}

const TYPED = [
  'a',
  ' ',
  '=',
  '{',
  '}',
  '"',
  '#',
  '\n',
  'repeat 3 {\n',
  '\n}',
  'expect error EINVAL\n',
  'size=',
  '0',
  'heap',
];

/** A random editor change: insert typed text, delete a span (possibly across lines), or replace a span. */
function randomChange(doc: TextDocument, next: () => number): TextDocumentContentChangeEvent {
  const text = doc.getText();
  const a = Math.floor(next() * (text.length + 1));
  const b = Math.min(text.length, a + Math.floor(next() * 12));
  const kind = Math.floor(next() * 3);
  const start = doc.positionAt(a);
  const end = kind === 0 ? start : doc.positionAt(b);
  const inserted = kind === 1 ? '' : (TYPED[Math.floor(next() * TYPED.length)] ?? '');
  return { range: { start, end }, text: inserted };
}

const lspDiagnostics = (text: string, uri: string) => analyse(uri, 1, text).result.diagnostics.map(toLspDiagnostic);

test('edits through the analysis cache publish exactly the diagnostics of a fresh analysis', () => {
  const next = rng(0xd1a6);
  let edits = 0;
  for (const [i, original] of [...examples(), largeScenario(300)].entries()) {
    const uri = `file:///incremental-${i}.swapsim`;
    const cache = new AnalysisCache();
    let doc = TextDocument.create(uri, 'swapsim', 1, original);
    cache.get(doc);
    for (let step = 0; step < 40; step++) {
      doc = TextDocument.update(doc, [randomChange(doc, next)], doc.version + 1);
      const incremental = cache.get(doc);
      assert.equal(incremental.version, doc.version);
      assert.deepEqual(
        incremental.result.diagnostics.map(toLspDiagnostic),
        lspDiagnostics(doc.getText(), uri),
        `example ${i}, edit ${step}:\n${doc.getText()}`,
      );
      edits++;
    }
  }
  assert.ok(edits >= 40 * 9);
});

test('the cache hands the previous version to the parser: one edited line is one parsed line', () => {
  const cache = new AnalysisCache();
  let doc = TextDocument.create('file:///typing.swapsim', 'swapsim', 1, largeScenario(10_000));
  cache.get(doc);
  const line = doc
    .getText()
    .split('\n')
    .findIndex((l) => l.startsWith('  touch t'));
  doc = TextDocument.update(
    doc,
    [{ range: { start: { line, character: 3 }, end: { line, character: 3 } }, text: 'x' }],
    2,
  );
  const analysis = cache.get(doc);
  assert.deepEqual(reuseStats(analysis.result.program), { reused: 9_999, parsed: 1 });
  assert.deepEqual(
    analysis.result.diagnostics.map((d) => [d.code, d.range.start.line]),
    [['SS101', line]],
  );
});

test('the session rebuild after an edit waits until the diagnostics have been handed to the connection', async () => {
  // A stand-in for the server context: the connection writes a notification from a setImmediate callback
  // (as vscode-jsonrpc does), and the document has a session built from an older version.
  const events: string[] = [];
  const uri = 'file:///order.swapsim';
  const doc = TextDocument.create(uri, 'swapsim', 2, 'discard');
  const rebuilt = deferred();
  const ctx = {
    log: (message: string) => events.push(`log ${message}`),
    documents: { get: (u: string) => (u === uri ? doc : undefined) },
    publishDiagnostics: () => {
      events.push('publish');
      setImmediate(() => events.push('written'));
    },
    sessions: {
      get: () => ({ version: 1 }),
      enqueue: (_uri: string, work: () => void) => Promise.resolve().then(work),
    },
    rebuild: () => {
      events.push('rebuild');
      rebuilt.resolve();
    },
    refreshInlayHints: () => undefined,
  };
  const scheduler = new DiagnosticsScheduler(ctx as unknown as ServerContext, 0, 0);
  scheduler.schedule(uri);
  await rebuilt.promise;
  assert.deepEqual(events, ['publish', 'written', 'rebuild']);
});

test('typing again before the session rebuild is due publishes the new diagnostics and rebuilds only once', async () => {
  const events: string[] = [];
  const uri = 'file:///typing-on.swapsim';
  let doc = TextDocument.create(uri, 'swapsim', 2, 'discard');
  const published = deferred();
  const rebuilt = deferred();
  const ctx = {
    log: (message: string) => events.push(`log ${message}`),
    documents: { get: (u: string) => (u === uri ? doc : undefined) },
    publishDiagnostics: () => {
      events.push(`publish v${doc.version}`);
      published.resolve();
    },
    sessions: {
      get: () => ({ version: 1 }),
      enqueue: (_uri: string, work: () => void) => Promise.resolve().then(work),
    },
    rebuild: (d: TextDocument) => {
      events.push(`rebuild v${d.version}`);
      rebuilt.resolve();
    },
    refreshInlayHints: () => undefined,
  };
  // The rebuild delay is far longer than any pause here could be: the next keystroke comes on the
  // microtask after the first publish, while version 2's rebuild timer is pending whatever the load.
  const scheduler = new DiagnosticsScheduler(ctx as unknown as ServerContext, 0, 200);
  scheduler.schedule(uri);
  await published.promise;
  assert.deepEqual(events, ['publish v2']);
  doc = TextDocument.update(
    doc,
    [{ range: { start: { line: 0, character: 7 }, end: { line: 0, character: 7 } }, text: ' x' }],
    3,
  );
  scheduler.schedule(uri);
  await rebuilt.promise;
  assert.deepEqual(events, ['publish v2', 'publish v3', 'rebuild v3']);
});

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.shutdown();
});

test('end to end: an edit to a large document with a session publishes the same diagnostics as opening the new text', async () => {
  const lines = largeScenario(3_000).split('\n');
  const uri = freshUri('incremental');
  await client.open(uri, lines.join('\n'));
  assert.deepEqual(await client.diagnosticsFor(uri, () => true, 30_000), []);
  await client.request('swapsim/snapshot', { uri }, 60_000);
  const at = lines.findIndex((l) => l.startsWith('mmap '));
  const edits: TextDocumentContentChangeEvent[] = [
    { range: { start: { line: at, character: 5 }, end: { line: at, character: 5 } }, text: 'nobody_' },
    { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: 'frobnicate\n' },
  ];
  const version = await client.change(uri, edits);
  const published = await client.diagnosticsFor(uri, (d) => d.length > 0, 30_000);
  assert.equal(client.version(uri), version);

  lines[at] = `${(lines[at] ?? '').slice(0, 5)}nobody_${(lines[at] ?? '').slice(5)}`;
  lines.splice(3, 0, 'frobnicate');
  const fresh = freshUri('fresh');
  await client.open(fresh, lines.join('\n'));
  const expected = await client.diagnosticsFor(fresh, (d) => d.length > 0, 30_000);
  assert.deepEqual(published, expected);
  assert.ok(published.some((d) => d.code === 'SS101' && d.range.start.line === 3));
  assert.ok(published.some((d) => d.code === 'SS201' && d.range.start.line === at + 1));
  await client.closeDocument(uri);
  await client.closeDocument(fresh);
});
