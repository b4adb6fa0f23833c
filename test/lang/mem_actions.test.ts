// madvise, process_madvise, mlock/munlock and mremap in the front end: what
// they lower to, what the checker predicts, and what a run does with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectClean, expectOnly, lastChecked } from './helpers';
import { Session } from '../../server/session/session';

const PRE = 'swapon /dev/vda2 size=64M\ntask t\nmmap t heap 1M populate\n';

test('the memory actions lower to their operations', () => {
  const m = lastChecked(`${PRE}madvise t heap pages=0..63 cold`);
  assert.deepEqual(m.op === 'madvise' ? [m.advice, m.process, m.pages.first, m.pages.count] : null, [
    'cold',
    false,
    0,
    64,
  ]);
  const p = lastChecked(`${PRE}process_madvise t heap offset=64K len=64K pageout`);
  assert.deepEqual(p.op === 'madvise' ? [p.advice, p.process, p.pages.first, p.pages.count] : null, [
    'pageout',
    true,
    16,
    16,
  ]);
  const l = lastChecked(`${PRE}munlock t heap`);
  assert.deepEqual(l.op === 'mlock' ? l.lock : null, false);
  const r = lastChecked(`${PRE}mremap t heap 2M`);
  assert.deepEqual(r.op === 'mremap' ? r.pages : null, 512);
});

test('what the checker predicts: advice process_madvise refuses, privilege, sizes, ranges after mremap', () => {
  expectOnly(`${PRE}madvise t heap «willneed»`, 'SS308');
  expectOnly(`${PRE}process_madvise t heap «free»`, 'SS308');
  expectClean(`${PRE}process_madvise t heap dontneed\nexpect error EINVAL`);
  expectOnly(`${PRE}user nobody\n«process_madvise» t heap pageout`, 'SS229');
  expectOnly(`${PRE}madvise t heap offset=«1K» len=4K free`, 'SS306');
  expectOnly('task t\nmmap t big 4M order=9\nmremap t big «3M»', 'SS316');
  expectOnly(`${PRE}mremap t heap 512K\ntouch t heap pages=«200..300»`, 'SS310');
  expectClean(`${PRE}mremap t heap 2M\ntouch t heap pages=300..400`);
});

test('a run: MADV_FREE lets reclaim drop clean pages without swap; mlock keeps pages from pageout', () => {
  const text = `${PRE}madvise t heap pages=0..127 free\npageout t heap pages=0..127\nexpect /proc/vmstat pglazyfreed == 128\nexpect /proc/vmstat pswpout == 0
mlock t heap\npageout t heap\nexpect task t swapents == 0\nmunlock t heap\npageout t heap pages=128..255\nexpect task t swapents == 128\n`;
  const s = new Session('m.swapsim', text, { checkInvariants: true });
  assert.equal(s.status, 'ready', s.diagnostics.map((d) => d.message).join('; '));
  s.run();
  assert.deepEqual(s.errors, []);
  assert.ok(s.expects.length === 4 && s.expects.every((e) => e.passed), JSON.stringify(s.expects));
});

test('fill and expect task … data: lowering, checks, and a run that reports the pages that differ', () => {
  const f = lastChecked(`${PRE}fill t heap pages=0..15 0x5a`);
  assert.deepEqual(f.op === 'fill' ? [f.value, f.pages.first, f.pages.count] : null, [0x5a, 0, 16]);
  const e = lastChecked(`${PRE}expect task t data heap pages=4..7 == index`);
  assert.deepEqual(e.op === 'expect' ? [e.observable, e.expected] : null, [
    { kind: 'data', task: 't', region: 'heap', pages: { first: 4, count: 4, whole: false, startAligned: true } },
    { kind: 'word', value: 'index' },
  ]);
  expectOnly(`${PRE}fill t heap «0x100000000»`, 'SS307');
  expectOnly(`${PRE}expect task t data heap «<» 3`, 'SS313');
  expectOnly(`${PRE}expect task t data heap == «banana»`, 'SS307');
  expectOnly(`${PRE}expect task t data heap «offset=4K» == 0`, 'SS111');
  expectOnly(`${PRE}expect task t data heap pages=«0..300» == 0`, 'SS310');
  const text = `${PRE}fill t heap index\npageout t heap\nfill t heap pages=8..9 7\nexpect task t data heap pages=0..7 == index\nexpect task t data heap == index\nlet D = task t data heap pages=8..9\nexpect task t data heap pages=8..9 == $D\n`;
  const s = new Session('d.swapsim', text, { checkInvariants: true });
  assert.equal(s.status, 'ready', s.diagnostics.map((d) => d.message).join('; '));
  s.run();
  assert.deepEqual(s.errors, []);
  assert.deepEqual(
    s.expects.map((x) => x.passed),
    [true, false, true],
  );
  assert.equal(s.expects[1]!.actual, 'page 8 holds 7, page 9 holds 7 (2 pages differ)');
});
