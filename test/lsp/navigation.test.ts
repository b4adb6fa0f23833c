// Definition, references, highlights and rename for devices, cgroups, tasks
// and regions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentHighlight } from 'vscode-languageserver-protocol/node';
import { LspClient } from './client';
import { expectDefinition, expectReferences, expectRename, openFixture } from './expect';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.shutdown();
});

test('definition of a task is its task statement (also after a re-creation)', async () => {
  await expectDefinition(client, 'task <|web|>\nmmap w<|>eb heap 1M\nexit web\ntask web');
});

test('definition of a forked child is the fork, and its regions are the parent’s mmap', async () => {
  await expectDefinition(client, 'task p\nfork p <|c|>\nexit <|>c');
  await expectDefinition(client, 'task p\nmmap p <|heap|> 1M\nfork p c\ntouch c he<|>ap');
});

test('definition of a cgroup is the first mkdir creating it, whichever path spells it', async () => {
  await expectDefinition(client, 'mkdir -p <|work|>/b\nmkdir work/c\necho 1M > /sys/fs/cgroup/wo<|>rk/c/memory.max');
  await expectDefinition(client, 'mkdir work\nmkdir work/<|b|>\ntask t cgroup=/work/<|>b');
});

test('definition of a device is its swapon; an unknown name has none', async () => {
  await expectDefinition(client, 'swapon <|/dev/vda2|> size=1M\nexpect slot /dev/v<|>da2 1 kind == null');
  await expectDefinition(client, 'swapoff /dev/n<|>ope');
});

test('references list every occurrence, with or without the declaration', async () => {
  await expectReferences(client, 'task <|t|>\nmmap <|t|> heap 1M\npageout <|t|> heap\nexpect task <|t|> swapents == 0\necho <|t|> > /sys/fs/cgroup/cgroup.procs\nmove <|<|>t|> /');
  await expectReferences(client, 'task t\nmmap t heap 1M\npageout t <|heap|>\ntouch t <|he<|>ap|>', false);
  await expectReferences(client, [
    'swapon <|/dev/vda2|> size=1M',
    'expect /proc/swaps <|/dev/vda2|> Used == 0',
    'expect cluster <|/dev/vda2|> 0 list != free',
    'expect device <|/dev/vda2|> prio == -1',
    'swapoff <|/dev/<|>vda2|>',
  ].join('\n'));
});

test('rename rewrites a cgroup in every path that goes through it', async () => {
  const before = [
    'mkdir -p wo<|>rk/b',
    'echo 1M > /sys/fs/cgroup/work/b/memory.max',
    'task t cgroup=work/b',
    'move t /work',
    'expect task t cgroup == /work/b',
    'expect /sys/fs/cgroup/work/memory.current >= 0',
  ].join('\n');
  const after = [
    'mkdir -p jobs/b',
    'echo 1M > /sys/fs/cgroup/jobs/b/memory.max',
    'task t cgroup=jobs/b',
    'move t /jobs',
    'expect task t cgroup == /jobs/b',
    'expect /sys/fs/cgroup/jobs/memory.current >= 0',
  ].join('\n');
  await expectRename(client, before, 'jobs', after);
});

test('rename of a task or a region changes only that object', async () => {
  await expectRename(client, 'task a\ntask b\nmmap a<|> heap 1M\nmmap b heap 1M\nfork a c', 'server', 'task server\ntask b\nmmap server heap 1M\nmmap b heap 1M\nfork server c');
  await expectRename(client, 'task a\ntask b\nmmap a heap 1M\nmmap b heap 1M\ntouch a h<|>eap', 'stack', 'task a\ntask b\nmmap a stack 1M\nmmap b heap 1M\ntouch a stack');
});

test('rename refuses names the language would reject; prepareRename only on names', async () => {
  const { uri } = await openFixture(client, 'task web\ntouch web heap');
  await assert.rejects(
    client.request('textDocument/rename', { textDocument: { uri }, position: { line: 0, character: 6 }, newName: '9lives' }),
    (e: { code: number; message: string }) => e.code === -32602 && /not a valid task name/.test(e.message),
  );
  const ok = await client.request<{ range: unknown; placeholder: string } | null>('textDocument/prepareRename', { textDocument: { uri }, position: { line: 0, character: 6 } });
  assert.equal(ok?.placeholder, 'web');
  const none = await client.request<unknown>('textDocument/prepareRename', { textDocument: { uri }, position: { line: 0, character: 1 } });
  assert.equal(none, null);
});

test('document highlights mark creations as writes', async () => {
  const { uri } = await openFixture(client, 'task web\ntouch web heap');
  const hs = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: { uri }, position: { line: 1, character: 7 } });
  assert.deepEqual(
    hs.map((h) => [h.range.start.line, h.kind]),
    [
      [0, 3],
      [1, 2],
    ],
  );
});
