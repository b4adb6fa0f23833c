// Swap files, credentials and dmesg in the editor: hover, completion and
// tokens of the commands that prepare files, and of `expect dmesg contains`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { semanticTokens } from '../../server/lsp/semantic_tokens';
import { analyze, decodeTokens, expectCompletion, expectHover } from './features';

test('hover documents mkswap, mount, user and dmesg with the kernel functions', () => {
  expectHover('mks<|>wap /swapfile', ['mkswap', 'read_swap_header()']);
  expectHover('mou<|>nt -t btrfs /dev/vdc /mnt', ['btrfs_swap_activate()', 'iomap_swapfile_activate()']);
  expectHover('us<|>er nobody', ['CAP_SYS_ADMIN', 'EPERM', 'EACCES']);
  expectHover('expect dm<|>esg contains "x"', ['dmesg contains TEXT']);
  expectHover('swapon /dev/vda2 size=64M fla<|>gs=0x8000', ['SWAP_FLAG_PREFER', 'EINVAL']);
});

test('completion: commands, flags, file systems, and contains after dmesg', () => {
  expectCompletion('mk<|>', { includes: ['mkswap', 'mkdir'] });
  expectCompletion('mount -t <|>', { includes: ['ext4', 'btrfs', 'minix', 'tmpfs', 'xfs'] });
  expectCompletion('mkswap -<|>', { includes: ['-f', '-L', '-U', '-v'] });
  expectCompletion('expect dmesg <|>', { includes: ['contains', '!contains'] });
  expectCompletion('swapon /dev/vda2 size=64M <|>', { includes: ['flags='] });
  expectCompletion('swapon /dev/vda2 size=64M\nexpect device /dev/vda2 <|>', { includes: ['discards', 'discarded'] });
});

test('tokens: the new verbs are keywords, paths strings, contains an operator', () => {
  const text = 'dd if=/dev/zero of=/swapfile bs=1M count=4\nmkswap /swapfile\nexpect dmesg contains "Adding"';
  const tokens = decodeTokens(text, semanticTokens(analyze(text).analysis));
  const type = (line: number, t: string): string | undefined =>
    tokens.find((x) => x.line === line && x.text === t)?.type;
  assert.equal(type(0, 'dd'), 'keyword');
  assert.equal(type(0, 'of'), 'parameter');
  assert.equal(type(1, '/swapfile'), 'string');
  assert.equal(type(2, 'contains'), 'operator');
  assert.equal(type(2, 'dmesg'), 'keyword');
});
