// What a first-time user hit in a real VS Code (issue #22), on the server's
// side: a design chosen in the status bar shows on the `config` line, inlay
// hints follow a step back and speak the expect's units, `echo ` completes,
// a mistyped cgroup gets "did you mean", memory.zswap.writeback completes
// as the file reads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, InlayHint } from 'vscode-languageserver-protocol/node';
import { LspClient, freshUri } from './client';
import { applyEdits, expectCompletion, openFixture } from './expect';

let client: LspClient;
before(async () => {
  client = await LspClient.start({ inlayHintRefresh: true });
});
after(async () => {
  await client.shutdown();
});

const SCENARIO = [
  'config design=p4 ram=2G', // 0
  'swapon /dev/vda2 size=64M', // 1
  'mkdir app', // 2
  'task t cgroup=app', // 3
  'mmap t heap 30M populate', // 4
  'pageout t heap', // 5
  'expect /sys/fs/cgroup/app/memory.swap.current == 30M', // 6
  'expect /proc/vmstat pswpout == 7680', // 7
  'expect /proc/vmstat pswpout == 30M', // 8
  'expect /proc/meminfo SwapFree < 34M', // 9: 16383 - 7680 pages free, 34812 kB
].join('\n');

async function open(text: string): Promise<string> {
  const uri = freshUri('first-user');
  await client.open(uri, text);
  await client.diagnosticsFor(uri);
  return uri;
}

async function hints(uri: string): Promise<Map<number, string>> {
  const list = await client.request<InlayHint[]>('textDocument/inlayHint', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
  });
  return new Map(
    list.map((h) => [h.position.line, typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')]),
  );
}

test('a design chosen with Select Design Profile shows as information on the config line', async () => {
  const uri = await open(SCENARIO);
  await client.request('swapsim/setDesign', { uri, design: 'vswap' });
  const ds = await client.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'design-override'));
  const d = ds.find((x) => x.code === 'design-override') as Diagnostic;
  assert.equal(d.severity, 3, 'information');
  assert.equal(d.range.start.line, 0);
  assert.equal(d.range.start.character, 'config '.length, 'on the design= setting');
  assert.match(
    String(d.message),
    /runs under design vswap, chosen with Select Design Profile: it overrides config design=p4/,
  );
  // Back to the file's own design: the note goes.
  await client.request('swapsim/setDesign', { uri, design: 'p4' });
  await client.diagnosticsFor(uri, (list) => !list.some((x) => x.code === 'design-override'));
});

test('without a design= in the file, the override note sits on the first line', async () => {
  const uri = await open('swapon /dev/vda2 size=1M');
  await client.request('swapsim/setDesign', { uri, design: 'legacy' });
  const ds = await client.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'design-override'));
  const d = ds.find((x) => x.code === 'design-override') as Diagnostic;
  assert.deepEqual(d.range.start, { line: 0, character: 0 });
  assert.match(String(d.message), /overrides the default design p4/);
});

test('inlay hints show values as the expect wrote them, and clear when a step back undoes their line', async () => {
  const uri = await open(SCENARIO);
  await client.request('swapsim/run', { uri });
  const done = await hints(uri);
  assert.equal(done.get(6), '✓ 30M (31457280 B)');
  assert.equal(done.get(7), '✓ 7680 pages');
  // A page or kB counter compared with a size is shown in that size too; a rounded figure says so.
  assert.equal(done.get(8), '✓ 30M (7680 pages)');
  assert.equal(done.get(9), '✓ ≈34M (34812 kB)');
  await client.request('swapsim/step', { uri, direction: 'back', count: 4 });
  const back = await hints(uri);
  assert.equal(back.has(6), false, 'the undone expect keeps no ✓');
  for (const line of [7, 8, 9]) assert.equal(back.has(line), false);
  assert.ok(back.has(5), 'the pageout still ran');
  await client.request('swapsim/step', { uri, direction: 'forward' });
  assert.equal((await hints(uri)).get(6), '✓ 30M (31457280 B)');
});

test('a failed expect shows what it got in the written unit', async () => {
  const uri = await open(SCENARIO.replace('== 30M', '== 20M'));
  await client.request('swapsim/run', { uri });
  assert.equal((await hints(uri)).get(6), '✗ got 30M (31457280 B)');
});

test('after a bare `echo `, completion offers whole writes: VALUE > FILE', async () => {
  const items = await expectCompletion(client, 'mkdir app\necho <|>', {
    includes: [
      'max > /sys/fs/cgroup/app/memory.swap.max',
      'Y > /sys/module/zswap/parameters/enabled',
      '1 > /sys/fs/cgroup/app/memory.zswap.writeback',
    ],
  });
  assert.ok(items.length > 10);
});

test('memory.zswap.writeback completes with 1 and 0, as the file reads', async () => {
  await expectCompletion(client, 'mkdir app\nexpect /sys/fs/cgroup/app/memory.zswap.writeback == <|>', {
    includes: ['1', '0'],
    excludes: ['yes', 'no'],
  });
});

test('a mistyped cgroup gets "did you mean" and a fix that changes only the cgroup', async () => {
  const text = 'mkdir app\necho 64M > /sys/fs/cgroup/apq/memory.max';
  const { uri } = await openFixture(client, text, 'cgroup-typo');
  const ds = await client.diagnosticsFor(uri, (d) => d.some((x) => x.code === 'SS203'));
  const d = ds.find((x) => x.code === 'SS203') as Diagnostic;
  assert.match(String(d.message), /did you mean '\/app'\?/);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d] },
  });
  const fix = actions.find((a) => a.title === "Change to 'app'");
  assert.ok(fix?.edit?.changes !== undefined, actions.map((a) => a.title).join(', '));
  assert.equal(applyEdits(text, fix.edit.changes[uri] ?? []), 'mkdir app\necho 64M > /sys/fs/cgroup/app/memory.max');
  assert.equal(fix.isPreferred, true);
});
