// Open files and the cgroup core files in the editor: tokens, hover,
// completion of `&NAME` and of the new files, definition and rename.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { semanticTokens } from '../../server/lsp/semantic_tokens';
import { analyze, decodeTokens, expectCompletion, expectDefinition, expectHover, expectRename } from './features';

const SETUP = 'mkdir app\nopen pk /sys/fs/cgroup/app/memory.peak';

test('an open file is a variable-like name: declared by open, used as &NAME and by close', () => {
  const text = `${SETUP}\necho reset > &pk\nexpect &pk == 0\nclose pk`;
  const tokens = decodeTokens(text, semanticTokens(analyze(text).analysis));
  const on = (line: number): { text: string; type: string; modifiers: string[] }[] =>
    tokens.filter((x) => x.line === line);
  assert.deepEqual(
    on(1).map((x) => [x.text, x.type, x.modifiers]),
    [
      ['open', 'keyword', []],
      ['pk', 'variable', ['declaration']],
      ['/sys/fs/cgroup/app/memory.peak', 'string', []],
    ],
  );
  assert.equal(on(2).find((x) => x.text === '&pk')?.type, 'variable');
  assert.equal(on(3).find((x) => x.text === '&pk')?.type, 'variable');
  assert.equal(on(4).find((x) => x.text === 'pk')?.type, 'variable');
});

test('hover, definition and rename of an open file', () => {
  expectHover(`${SETUP}\necho reset > &p<|>k`, ['**&pk** — open file', 'opened on line 2']);
  expectDefinition('mkdir app\nopen <|pk|> /sys/fs/cgroup/app/memory.peak\nexpect &p<|>k == 0');
  expectRename(
    `${SETUP}\necho 1 > &pk\nclose p<|>k`,
    'fd',
    'mkdir app\nopen fd /sys/fs/cgroup/app/memory.peak\necho 1 > &fd\nclose fd',
  );
  expectHover('cl<|>ose x', ['close NAME', 'peak_release()']);
});

test('completion offers &NAME where a file goes, names after close, and the new cgroup files', () => {
  expectCompletion(`${SETUP}\necho 1 > &<|>`, { includes: ['&pk'] });
  expectCompletion(`${SETUP}\nexpect <|>`, {
    includes: ['&pk', '/sys/fs/cgroup/app/cgroup.events', '/sys/fs/cgroup/app/memory.oom.group'],
  });
  expectCompletion(`${SETUP}\nclose <|>`, { includes: ['pk'] });
  expectCompletion(`${SETUP}\necho 1 > /sys/fs/cgroup/app/<|>`, {
    includes: ['/sys/fs/cgroup/app/cgroup.kill', '/sys/fs/cgroup/app/cgroup.subtree_control'],
    excludes: ['/sys/fs/cgroup/app/cgroup.events'],
  });
  expectCompletion('mkdir app\nexpect /sys/fs/cgroup/app/cgroup.events <|>', { includes: ['populated', 'frozen'] });
});

test('hover documents the new cgroup files with the kernel functions', () => {
  expectHover('mkdir app\necho 1 > /sys/fs/cgroup/app/cgroup.k<|>ill', ['cgroup_kill_write()', 'ERANGE']);
  expectHover('mkdir app\necho 1 > /sys/fs/cgroup/app/memory.oom.gr<|>oup', ['mem_cgroup_get_oom_group()']);
  expectHover('echo +memory > /sys/fs/cgroup/cgroup.subtree_con<|>trol', ['cgroup_subtree_control_write()', 'EBUSY']);
});
