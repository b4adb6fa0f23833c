// The swap file commands, credentials, raw swapon flags and dmesg in the
// front end: what they lower to, and what the checker predicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectClean, expectOnly, lastChecked, run } from './helpers';

test('the preparation commands lower to file operations', () => {
  assert.deepEqual(lastChecked('dd if=/dev/zero of=/swapfile bs=1M count=64'), {
    op: 'mkfile',
    range: lastChecked('dd if=/dev/zero of=/swapfile bs=1M count=64').range,
    path: '/swapfile',
    bytes: 64 * 1024 * 1024,
    fill: 'written',
    resize: false,
  });
  const t = lastChecked('truncate -s 8M /s');
  assert.ok(t.op === 'mkfile' && t.fill === 'hole' && !t.resize);
  const t2 = lastChecked('truncate -s 8M /s\ntruncate -s 16M /s');
  assert.ok(t2.op === 'mkfile' && t2.resize);
  const f = lastChecked('fallocate -l 8M /s');
  assert.ok(f.op === 'mkfile' && f.fill === 'unwritten');
  const m = lastChecked('dd if=/dev/zero of=/s bs=1M count=8\nmkswap -f -L lab -U 1234 -v 2 /s 16384');
  assert.deepEqual(m.op === 'mkswap' ? [m.pages, m.force, m.label, m.uuid, m.version] : null, [
    4096,
    true,
    'lab',
    '1234',
    2,
  ]);
  const mt = lastChecked('mount -t ext4 bs=1K /dev/vdc /mnt');
  assert.deepEqual(mt.op === 'mount' ? [mt.dir, mt.fs, mt.blockSize, mt.device] : null, ['/mnt', 'ext4', 1024, 'vdc']);
  const sw = lastChecked('dd if=/dev/zero of=/s bs=1M count=8\nmkswap /s\nswapon /s flags=0x18005');
  assert.deepEqual(sw.op === 'swapon' ? [sw.fromFile, sw.flags, sw.priority, sw.discard] : null, [
    true,
    0x18005,
    5,
    'both',
  ]);
  const u = lastChecked('user root drop=CAP_SYS_ADMIN');
  assert.deepEqual(u.op === 'user' ? [u.uid, u.capSysAdmin] : null, [0, false]);
  assert.deepEqual(lastChecked('dmesg -C').op === 'dmesg', true);
});

test('what the checker predicts: missing files, active files, privileges, invalid flags', () => {
  expectOnly('swapon «/nothere»', 'SS230');
  expectClean('swapon /nothere\nexpect error ENOENT');
  expectOnly('dd if=/dev/zero of=/s bs=1M count=8\nmkswap /s\nswapon /s\nrm «/s»', 'SS213');
  expectOnly('dd if=/dev/zero of=/s bs=1M count=8\nmkswap /s\nswapon /s\ntruncate -s 1M «/s»', 'SS213');
  expectOnly('dd if=/dev/zero of=/s bs=1M count=8\nmkswap /s\nswapon /s\nswapon «/s»', 'SS213');
  expectClean('dd if=/dev/zero of=/s bs=1M count=8\nmkswap /s\nswapon /s\nswapoff /s\nrm /s');
  expectOnly('user nobody\nswapon «/dev/vda2» size=64M', 'SS229');
  expectOnly('swapon /dev/vda2 size=64M\nuser nobody\nswapoff «/dev/vda2»', 'SS229');
  expectOnly('user 1000\necho 1 > «/proc/sys/vm/swappiness»', 'SS229');
  expectOnly('user nobody\nmkdir «app»', 'SS229');
  expectClean('user root drop=CAP_SYS_ADMIN\necho 1 > /proc/sys/vm/swappiness');
  expectOnly('swapon /dev/vda2 size=64M flags=«0x80000»', 'SS307');
  expectOnly('swapon /dev/vda2 size=64M -p 3 «flags=0x8003»', 'SS317');
  expectOnly('dd if=/dev/zero of=/s bs=1M count=1\nmkswap /s «8192»', 'SS307');
  expectOnly('truncate -s 1M /s\nmkswap /s «20»', 'SS307');
  expectOnly('mount -t «ext3» /dev/vdc /mnt', 'SS308');
  expectOnly('user «alice»', 'SS218');
});

test('a statement followed by expect error changes nothing the checker follows', () => {
  // the failed swapon does not make the file active, so rm is fine
  expectClean('truncate -s 8M /s\nswapon /s\nexpect error EINVAL\nrm /s');
  // a failed mkdir makes no cgroup
  expectOnly('mkdir a\nmkdir a/b\nexpect error EEXIST\ntask t cgroup=«a/b»', 'SS203');
  // the predicted errno is still checked
  expectOnly('swapon /nothere\nexpect error «EINVAL»', 'SS224');
});

test('expect … contains: text observables only, one value', () => {
  const e = lastChecked('expect dmesg contains "Adding 4k swap"');
  assert.deepEqual(e.op === 'expect' ? [e.observable, e.comparison, e.expected] : null, [
    { kind: 'dmesg' },
    'contains',
    { kind: 'word', value: 'Adding 4k swap' },
  ]);
  const n = lastChecked('mkdir a\nexpect /sys/fs/cgroup/a/cgroup.procs !contains t');
  assert.ok(n.op === 'expect' && n.comparison === '!contains');
  expectOnly('expect /proc/vmstat pswpout «contains» 3', 'SS313');
  expectOnly('expect dmesg «contains»', 'SS111');
  expectOnly('expect dmesg contains a «b»', 'SS111');
  assert.equal(run('expect dmesg contains').diagnostics[0]?.code, 'SS111');
});
