// Definition, references, highlights and rename for devices, cgroups, tasks
// and regions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes } from '../../shared/protocol';
import { highlights, prepareRename, rename } from '../../server/lsp/navigation';
import { analyze, expectDefinition, expectReferences, expectRename } from './features';

test('definition of a task is its task statement (also after a re-creation)', () => {
  expectDefinition('task <|web|>\nmmap w<|>eb heap 1M\nexit web\ntask web');
});

test('definition of a forked child is the fork, and its regions are the parent’s mmap', () => {
  expectDefinition('task p\nfork p <|c|>\nexit <|>c');
  expectDefinition('task p\nmmap p <|heap|> 1M\nfork p c\ntouch c he<|>ap');
});

test('definition of a cgroup is the first mkdir creating it, whichever path spells it', () => {
  expectDefinition('mkdir -p <|work|>/b\nmkdir work/c\necho 1M > /sys/fs/cgroup/wo<|>rk/c/memory.max');
  expectDefinition('mkdir work\nmkdir work/<|b|>\ntask t cgroup=/work/<|>b');
});

test('definition of a device is its swapon; an unknown name has none', () => {
  expectDefinition('swapon <|/dev/vda2|> size=1M\nexpect slot /dev/v<|>da2 1 kind == null');
  expectDefinition('swapoff /dev/n<|>ope');
});

test('references list every occurrence, with or without the declaration', () => {
  expectReferences(
    'task <|t|>\nmmap <|t|> heap 1M\npageout <|t|> heap\nexpect task <|t|> swapents == 0\necho <|t|> > /sys/fs/cgroup/cgroup.procs\nmove <|<|>t|> /',
  );
  expectReferences('task t\nmmap t heap 1M\npageout t <|heap|>\ntouch t <|he<|>ap|>', false);
  expectReferences(
    [
      'swapon <|/dev/vda2|> size=1M',
      'expect /proc/swaps <|/dev/vda2|> Used == 0',
      'expect cluster <|/dev/vda2|> 0 list != free',
      'expect device <|/dev/vda2|> prio == -1',
      'swapoff <|/dev/<|>vda2|>',
    ].join('\n'),
  );
});

test('rename rewrites a cgroup in every path that goes through it', () => {
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
  expectRename(before, 'jobs', after);
});

test('rename of a task or a region changes only that object', () => {
  expectRename(
    'task a\ntask b\nmmap a<|> heap 1M\nmmap b heap 1M\nfork a c',
    'server',
    'task server\ntask b\nmmap server heap 1M\nmmap b heap 1M\nfork server c',
  );
  expectRename(
    'task a\ntask b\nmmap a heap 1M\nmmap b heap 1M\ntouch a h<|>eap',
    'stack',
    'task a\ntask b\nmmap a stack 1M\nmmap b heap 1M\ntouch a stack',
  );
});

test('rename refuses names the language would reject; prepareRename only on names', () => {
  const { analysis } = analyze('task web\ntouch web heap');
  assert.throws(
    () => rename(analysis, { line: 0, character: 6 }, '9lives'),
    (e: { code: number; message: string }) =>
      e.code === ErrorCodes.InvalidParams && /not a valid task name/.test(e.message),
  );
  assert.equal(prepareRename(analysis, { line: 0, character: 6 })?.placeholder, 'web');
  assert.equal(prepareRename(analysis, { line: 0, character: 1 }), null);
});

test('document highlights mark creations as writes', () => {
  const hs = highlights(analyze('task web\ntouch web heap').analysis, { line: 1, character: 7 });
  assert.deepEqual(
    hs.map((h) => [h.range.start.line, h.kind]),
    [
      [0, 3],
      [1, 2],
    ],
  );
});
