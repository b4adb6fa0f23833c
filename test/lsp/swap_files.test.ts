// Swap files, credentials and dmesg in the editor: hover, completion and
// tokens of the commands that prepare files, and of `expect dmesg contains`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SemanticTokens } from 'vscode-languageserver-protocol/node';
import { LspClient } from './client';
import { decodeTokens, expectCompletion, expectHover, openFixture } from './expect';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.shutdown();
});

test('hover documents mkswap, mount, user and dmesg with the kernel functions', async () => {
  await expectHover(client, 'mks<|>wap /swapfile', ['mkswap', 'read_swap_header()']);
  await expectHover(client, 'mou<|>nt -t btrfs /dev/vdc /mnt', ['btrfs_swap_activate()', 'iomap_swapfile_activate()']);
  await expectHover(client, 'us<|>er nobody', ['CAP_SYS_ADMIN', 'EPERM', 'EACCES']);
  await expectHover(client, 'expect dm<|>esg contains "x"', ['dmesg contains TEXT']);
  await expectHover(client, 'swapon /dev/vda2 size=64M fla<|>gs=0x8000', ['SWAP_FLAG_PREFER', 'EINVAL']);
});

test('completion: commands, flags, file systems, and contains after dmesg', async () => {
  await expectCompletion(client, 'mk<|>', { includes: ['mkswap', 'mkdir'] });
  await expectCompletion(client, 'mount -t <|>', { includes: ['ext4', 'btrfs', 'minix', 'tmpfs', 'xfs'] });
  await expectCompletion(client, 'mkswap -<|>', { includes: ['-f', '-L', '-U', '-v'] });
  await expectCompletion(client, 'expect dmesg <|>', { includes: ['contains', '!contains'] });
  await expectCompletion(client, 'swapon /dev/vda2 size=64M <|>', { includes: ['flags='] });
  await expectCompletion(client, 'swapon /dev/vda2 size=64M\nexpect device /dev/vda2 <|>', { includes: ['discards', 'discarded'] });
});

test('tokens: the new verbs are keywords, paths strings, contains an operator', async () => {
  const legend = client.initializeResult?.capabilities.semanticTokensProvider?.legend;
  assert.ok(legend !== undefined);
  const text = 'dd if=/dev/zero of=/swapfile bs=1M count=4\nmkswap /swapfile\nexpect dmesg contains "Adding"';
  const { uri } = await openFixture(client, text);
  const tokens = decodeTokens(text, await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } }), legend);
  const type = (line: number, t: string): string | undefined => tokens.find((x) => x.line === line && x.text === t)?.type;
  assert.equal(type(0, 'dd'), 'keyword');
  assert.equal(type(0, 'of'), 'parameter');
  assert.equal(type(1, '/swapfile'), 'string');
  assert.equal(type(2, 'contains'), 'operator');
  assert.equal(type(2, 'dmesg'), 'keyword');
});
