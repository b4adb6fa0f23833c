// Parser and checker diagnostics pushed as the user types: codes, source,
// ranges, severities, debounce, data for quick fixes, very large documents.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { LspClient, messageText } from './client';
import { openFixture } from './expect';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.shutdown();
});

test('an opened document gets its checker diagnostics with code, source and the marked range', async () => {
  const { uri, fx } = await openFixture(
    client,
    ['swapon /dev/vda2 size=64M', 'task t', 'mmap t heap 1M', 'touch t <|hep|>', 'swapon /dev/vdb size=<|512|>'].join(
      '\n',
    ),
  );
  const ds = await client.diagnosticsFor(uri);
  const unknown = ds.find((d) => d.code === 'SS202');
  assert.ok(unknown !== undefined, JSON.stringify(ds));
  assert.equal(unknown.source, 'swapsim');
  assert.equal(unknown.severity, DiagnosticSeverity.Error);
  assert.deepEqual(unknown.range, fx.ranges[0]);
  assert.match(messageText(unknown.message), /did you mean 'heap'/);
  const unit = ds.find((d) => d.code === 'SS301');
  assert.ok(unit !== undefined);
  assert.equal(unit.severity, DiagnosticSeverity.Warning);
  assert.deepEqual(unit.range, fx.ranges[1]);
  // Quick-fix data rides along for code actions.
  const data = unit.data as { fixes?: { title: string }[] };
  assert.ok((data.fixes ?? []).some((f) => f.title.includes("'M'")));
});

test('a clean scenario publishes an empty list', async () => {
  const { uri } = await openFixture(client, 'swapon /dev/vda2 size=64M\nexpect /proc/swaps /dev/vda2 Used == 0');
  assert.deepEqual(await client.diagnosticsFor(uri), []);
});

test('edits are re-checked after the debounce, with the new version', async () => {
  const { uri } = await openFixture(client, 'swapon /dev/vda2 size=64M');
  assert.deepEqual(await client.diagnosticsFor(uri), []);
  const before = client.diagnostics.get(uri)?.length ?? 0;
  // Three quick edits: one publication for the last version, not one per keystroke.
  await client.change(uri, [
    { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 6 } }, text: 's' },
  ]);
  await client.change(uri, [
    { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: 'w' },
  ]);
  await client.change(uri, [
    { range: { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } }, text: 'apn' },
  ]);
  const ds = await client.diagnosticsFor(uri, (d) => d.length > 0);
  assert.equal(ds[0]?.code, 'SS101');
  assert.match(messageText(ds[0]?.message), /unknown command 'swapn'/);
  const published = (client.diagnostics.get(uri)?.length ?? 0) - before;
  assert.equal(published, 1, 'debounced edits publish once');
});

test('a document above 5 MB gets a single warning and no checking', async () => {
  const line = 'mmap nobody heap 1M   # a line the checker would complain about\n';
  const { uri } = await openFixture(client, line.repeat(Math.ceil((5 * 1024 * 1024) / line.length) + 10));
  const ds = await client.diagnosticsFor(uri, () => true, 20_000);
  assert.equal(ds.length, 1);
  assert.equal(ds[0]?.code, 'too-large');
  const err = await client.request<unknown>('swapsim/snapshot', { uri }).then(
    () => null,
    (e: { code: number }) => e,
  );
  assert.equal((err as { code: number } | null)?.code, -32004);
});

test('closing a document clears its diagnostics', async () => {
  const { uri } = await openFixture(client, 'frobnicate');
  assert.equal((await client.diagnosticsFor(uri)).length, 1);
  await client.closeDocument(uri);
  await client.waitFor('cleared diagnostics', () => {
    const list = client.diagnostics.get(uri) ?? [];
    return list[list.length - 1]?.diagnostics.length === 0;
  });
});
