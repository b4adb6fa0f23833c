// The /proc/PID observables (pagemap, smaps, smaps_rollup, status) and the
// full memory.stat key lists: what the checker accepts and refuses, what a
// run reads, and how `swapsim verify` reads the same files in a guest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectClean, expectOnly, lastChecked } from './helpers';
import { Session } from '../../server/session/session';
import { procValue } from '../../server/verify/kernel_values';
import { translate } from '../../server/verify/translate';
import { KERNEL_BEHAVIOUR } from '../../server/sim/kernel_version';
import { readFile } from '../../server/sim/vfs';

const PRE = 'swapon /dev/vda2 size=64M\nmkdir app\ntask t cgroup=app\nmmap t heap 1M populate\n';

function runAll(text: string, kernel: '6.12' | '7.2' = '7.2'): Session {
  const s = new Session('p.swapsim', text, { checkInvariants: true, kernel });
  assert.equal(s.status, 'ready', s.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  s.run();
  return s;
}

function failedExpects(s: Session): string[] {
  return s.expects.filter((e) => !e.passed).map((e) => `${e.text}: got ${e.actual}`);
}

test('the forms lower to their observables', () => {
  const pm = lastChecked(`${PRE}expect task t pagemap heap 3 swap_offset == 0`);
  assert.deepEqual(pm.op === 'expect' ? [pm.observable, pm.unit] : null, [
    { kind: 'pagemap', task: 't', region: 'heap', page: 3, field: 'swap_offset' },
    'int',
  ]);
  const sm = lastChecked(`${PRE}expect task t smaps heap SwapPss == 0`);
  assert.deepEqual(sm.op === 'expect' ? [sm.observable, sm.unit] : null, [
    { kind: 'smaps', task: 't', region: 'heap', key: 'SwapPss' },
    'kB',
  ]);
  const ro = lastChecked(`${PRE}expect task t smaps_rollup Swap == 0`);
  assert.deepEqual(ro.op === 'expect' ? ro.observable : null, { kind: 'smaps', task: 't', region: null, key: 'Swap' });
  const st = lastChecked(`${PRE}let V = task t status VmSwap`);
  assert.deepEqual(st.op === 'let' && st.value.kind === 'observable' ? st.value.observable : null, {
    kind: 'status',
    task: 't',
    key: 'VmSwap',
  });
  expectClean(`${PRE}expect task t pagemap heap 0 present == yes\nexpect task t smaps_rollup AnonHugePages == 0 kB`);
});

test('what the checker refuses: unknown lines and fields, pages past the region, missing words, exited tasks', () => {
  expectOnly(`${PRE}expect task t pagemap heap 0 «pfn» == 0`, 'SS221');
  expectOnly(`${PRE}expect task t pagemap heap «256» present == yes`, 'SS307');
  expectOnly(`${PRE}expect task t smaps «nothere» Swap == 0`, 'SS202');
  expectOnly(`${PRE}expect task t smaps heap «Pss» == 0`, 'SS221');
  expectOnly(`${PRE}expect task t status «VmPeak» == 0`, 'SS221');
  expectOnly(`${PRE}expect task t smaps_rollup Swap «extra» == 0`, 'SS111');
  expectOnly(`${PRE}exit t\nexpect task «t» status VmSwap == 0`, 'SS207');
  expectOnly(`${PRE}expect task t pagemap heap 0 present == «3»`, 'SS308');
  expectOnly(`${PRE}expect task t status VmSwap == «1.5K»`, 'SS314');
});

test('a run reads pagemap, smaps, smaps_rollup and status as the kernel computes them', () => {
  const s = runAll(`${PRE}mmap t thp 2M order=9 populate
expect task t smaps thp AnonHugePages == 2048
expect task t smaps heap AnonHugePages == 0
pageout t heap pages=0..127
expect task t pagemap heap 0 swapped == yes
expect task t pagemap heap 0 present == no
expect task t pagemap heap 0 file == no
expect task t pagemap heap 200 present == yes
expect task t pagemap heap 200 swapped == no
expect task t pagemap heap 200 swap_offset == 0
expect task t pagemap heap 1 swap_type == 0
expect task t smaps heap Swap == 512
expect task t smaps heap SwapPss == 512
expect task t smaps heap Rss == 512
expect task t smaps heap Anonymous == 512
expect task t smaps_rollup Rss == 2560
expect task t status VmSwap == 512
expect task t status VmRSS == 2560
expect task t status RssFile == 0
fork t c
expect task t smaps heap SwapPss == 256
expect task c smaps_rollup SwapPss == 256
exit c
expect task t smaps heap SwapPss == 512
`);
  assert.deepEqual(s.errors, []);
  assert.deepEqual(failedExpects(s), []);
});

test('each swapped page names its own slot; offsets differ and each is in use', () => {
  const s = runAll(
    `${PRE}pageout t heap pages=0..3\nlet A = task t pagemap heap 0 swap_offset\nlet B = task t pagemap heap 3 swap_offset\nexpect slot /dev/vda2 $A count == 1\nexpect slot /dev/vda2 $B count == 1\nexpect task t pagemap heap 0 swap_offset != $B\n`,
  );
  assert.equal(s.expects.length, 3);
  assert.deepEqual(failedExpects(s), []);
});

test('SwapPss rounds each page down in PSS_SHIFT fixed point: three references to one page show 1 kB of 4', () => {
  const s = runAll(
    `${PRE}pageout t heap pages=0..0\nfork t c1\nfork t c2\nexpect task t smaps heap Swap == 4\nexpect task t smaps heap SwapPss == 1\n`,
  );
  assert.deepEqual(failedExpects(s), []);
});

test('memory.stat prints every key of the release, in its order; memory.reclaim counts as proactive on 7.2 and as direct on 6.12', () => {
  const text = `${PRE}echo 512K > /sys/fs/cgroup/app/memory.reclaim\n`;
  for (const kernel of ['6.12', '7.2'] as const) {
    const s = runAll(text, kernel);
    const out = readFile(s.machine, '/sys/fs/cgroup/app/memory.stat');
    const keys = out
      .split('\n')
      .map((l) => /^(\w+) \d+$/.exec(l)?.[1])
      .filter((k): k is string => k !== undefined);
    assert.deepEqual(keys, [...KERNEL_BEHAVIOUR[kernel].memcgStatKeys], kernel);
    const value = (k: string): number => Number(new RegExp(`^${k} (\\d+)$`, 'm').exec(out)?.[1] ?? NaN);
    assert.ok(value('pgsteal') >= 128, `${kernel}: pgsteal ${value('pgsteal')}`);
    if (kernel === '7.2') {
      assert.equal(value('pgsteal_proactive'), value('pgsteal'));
      assert.equal(value('pgsteal_direct'), 0);
    } else {
      assert.equal(value('pgsteal_direct'), value('pgsteal'));
    }
    assert.equal(value('kernel'), 0);
  }
  // a key 6.12 does not print is an error there, not a silent 0
  const s = new Session('p.swapsim', `${PRE}expect /sys/fs/cgroup/app/memory.stat pgscan_proactive == 0\n`, {
    kernel: '6.12',
  });
  s.run();
  assert.equal(s.expects[0]?.passed, false);
});

test('verify reads the same files in the guest: the pobs command and its parsing', () => {
  const plan = translate(
    `config ram=512M\n${PRE}pageout t heap pages=0..3\nexpect task t pagemap heap 2 swap_offset == 3\nexpect task t smaps heap Swap == 16\nexpect task t status VmSwap == 16\n`,
    { kernel: '7.2', design: 'p4' },
  );
  assert.ok(
    plan.commands.some((c) => /^pobs \d+ t heap 2 pagemap$/.test(c)),
    plan.commands.join('\n'),
  );
  assert.ok(
    plan.commands.some((c) => /^pobs \d+ t heap 0 smaps$/.test(c)),
    plan.commands.join('\n'),
  );
  assert.ok(
    plan.commands.some((c) => /^pobs \d+ t - 0 status$/.test(c)),
    plan.commands.join('\n'),
  );
  const reading = [
    '== status',
    'Name:\tswapsim-guest',
    'VmRSS:\t     900 kB',
    'VmSwap:\t      16 kB',
    '== smaps_rollup',
    'Rss:                 900 kB',
    'Swap:                 16 kB',
    // bit 62 swapped, type 1, offset 3: 1 | 3 << 5
    `== pagemap ${((1n << 62n) | 1n | (3n << 5n)).toString(16).padStart(16, '0')}`,
    '== smaps',
    '7f0000000000-7f0000080000 rw-p 00000000 00:00 0',
    'Rss:                 500 kB',
    'Swap:                 12 kB',
    'SwapPss:              12 kB',
    '== smaps',
    '7f0000080000-7f0000100000 rw-p 00000000 00:00 0',
    'Rss:                 508 kB',
    'Swap:                  4 kB',
    'SwapPss:               2 kB',
    '',
  ].join('\n');
  assert.equal(procValue(reading, { file: 'pagemap', field: 'swapped' }), 1);
  assert.equal(procValue(reading, { file: 'pagemap', field: 'present' }), 0);
  assert.equal(procValue(reading, { file: 'pagemap', field: 'swap_type' }), 1);
  assert.equal(procValue(reading, { file: 'pagemap', field: 'swap_offset' }), 3);
  assert.equal(procValue(reading, { file: 'smaps', key: 'Swap' }), 16, 'a split region sums its entries');
  assert.equal(procValue(reading, { file: 'smaps', key: 'SwapPss' }), 14);
  assert.equal(procValue(reading, { file: 'smaps_rollup', key: 'Rss' }), 900);
  assert.equal(procValue(reading, { file: 'status', key: 'VmSwap' }), 16);
  assert.equal(procValue(reading, { file: 'smaps', key: 'AnonHugePages' }), 'absent');
  assert.equal(procValue('== status\nVmSwap:\t0 kB\n', { file: 'pagemap', field: 'present' }), 'absent');
});
