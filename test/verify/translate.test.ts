import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cpioArchive, charEntry, dirEntry, fileEntry } from '../../server/verify/guest_image';
import {
  isEventCounter,
  keyedValue,
  kernelValue,
  parseBatchOutput,
  parseGuestOutput,
  swapsValue,
} from '../../server/verify/kernel_values';
import { escapeField, scenarioHash, translate, TranslateError } from '../../server/verify/translate';
import { verdictOf } from '../../server/verify/compare';
import { designForSeries } from '../../server/verify/run';
import { compareReleases, pickRelease, bzImageRelease } from '../../server/verify/kernels';
import { repoRoot } from '../cli/helpers';

const P72 = { design: 'p4', kernel: '7.2' } as const;

const ROOT = repoRoot();
const example = (name: string): string => readFileSync(path.join(ROOT, 'examples', name), 'utf8');

/** Read back a newc archive: names, modes, data, and the 4-byte alignment the kernel requires. */
function readCpio(buf: Buffer): { name: string; mode: number; data: Buffer; rdev: [number, number] }[] {
  const out: { name: string; mode: number; data: Buffer; rdev: [number, number] }[] = [];
  let at = 0;
  for (;;) {
    assert.equal(at % 4, 0, 'entries start on 4-byte boundaries');
    assert.equal(buf.toString('latin1', at, at + 6), '070701');
    const field = (i: number): number => parseInt(buf.toString('latin1', at + 6 + i * 8, at + 14 + i * 8), 16);
    const mode = field(1);
    const size = field(6);
    const rdev: [number, number] = [field(9), field(10)];
    const nameSize = field(11);
    const name = buf.toString('latin1', at + 110, at + 110 + nameSize - 1);
    let p = at + 110 + nameSize;
    p += (4 - (p % 4)) % 4;
    const data = buf.subarray(p, p + size);
    p += size;
    p += (4 - (p % 4)) % 4;
    at = p;
    if (name === 'TRAILER!!!') return out;
    out.push({ name, mode, data, rdev });
  }
}

test('cpio archives are newc with padding, device nodes and file data intact', () => {
  const buf = cpioArchive([
    dirEntry('bin'),
    charEntry('dev/console', 5, 1),
    fileEntry('init', Buffer.from('#!/bin/sh\n'), true),
    fileEntry('odd', Buffer.from('abc')),
  ]);
  const entries = readCpio(buf);
  assert.deepEqual(
    entries.map((e) => e.name),
    ['bin', 'dev/console', 'init', 'odd'],
  );
  assert.equal(entries[0]!.mode & 0o170000, 0o040000);
  assert.equal(entries[1]!.mode & 0o170000, 0o020000);
  assert.deepEqual(entries[1]!.rdev, [5, 1]);
  assert.equal(entries[2]!.mode & 0o777, 0o755);
  assert.equal(entries[3]!.data.toString(), 'abc');
});

test('guest output framing: lengths delimit file contents, even text that looks like a result line', () => {
  const body = 'E 9 EBUSY\nnr_swapcached 5\n';
  const status = 'VmSwap:\t    4096 kB\n';
  const raw = `@started\nS 1\nE 1 ok\nS 2\nO 1 ok ${Buffer.byteLength(body)}\n${body}T 2 alive ${status.length}\n${status}E 2 EINVAL\nO 3 ENOENT 0\n@done\n`;
  const out = parseGuestOutput(raw);
  assert.ok(out.started && out.done);
  assert.equal(out.results.get(1), 'ok');
  assert.equal(out.results.get(2), 'EINVAL');
  assert.equal(out.results.get(9), undefined);
  assert.equal(out.files.get(1)!.text, body);
  assert.equal(
    kernelValue(out, 2, {
      kind: 'file',
      id: 1,
      path: '/proc/vmstat',
      pick: { kind: 'key', key: 'nr_swapcached', unit: 'pages' },
    }),
    5,
  );
  assert.equal(
    kernelValue(out, 2, { kind: 'file', id: 3, path: '/x', pick: { kind: 'single', unit: 'count' } }),
    'ENOENT',
  );
  assert.equal(kernelValue(out, 2, { kind: 'task', id: 2, task: 't', field: 'swapents' }), 1024);
  assert.equal(kernelValue(out, 7, { kind: 'result' }), 'missing');
});

test('batched guest output: one output per scenario, event counters counted from the first scenario, levels as read', () => {
  const block = (head: string, text: string): string => `${head} ${Buffer.byteLength(text)}\n${text}`;
  const vmstat = (pswpout: number, swapcached: number): string => `nr_swapcached ${swapcached}\npswpout ${pswpout}\n`;
  const raw = [
    '@started\n@scenario 0\n',
    block('B /proc/vmstat', vmstat(7, 0)),
    block('B /sys/kernel/debug/zswap/written_back_pages', '2\n'),
    block('B /sys/kernel/debug/zswap/stored_pages', '0\n'),
    'S 1\nE 1 ok\n',
    block('O 1 ok', vmstat(107, 3)),
    '@done\n@scenario 1\n',
    block('B /proc/vmstat', vmstat(207, 9)),
    block('B /sys/kernel/debug/zswap/written_back_pages', '12\n'),
    block('B /sys/kernel/debug/zswap/stored_pages', '1\n'),
    'S 1\nE 1 EBUSY\n',
    block('O 1 ok', vmstat(257, 5)),
    block('O 2 ok', '15\n'),
    block('O 3 ok', '4\n'),
    '@done\n@scenario 2\n@unclean a swap area is still on\n',
    block('B /proc/vmstat', vmstat(257, 5)),
    'S 1\n',
  ].join('');
  const outs = parseBatchOutput(raw);
  assert.deepEqual([...outs.keys()], [0, 1, 2]);
  assert.ok(outs.get(0)!.done && outs.get(1)!.done && !outs.get(2)!.done && outs.get(2)!.started);
  assert.equal(outs.get(1)!.results.get(1), 'EBUSY');
  assert.equal(outs.get(1)!.unclean, null);
  assert.equal(outs.get(2)!.unclean, 'a swap area is still on');
  const read = (id: number, path: string, key: string | null) => ({
    kind: 'file' as const,
    id,
    path,
    pick: key === null ? { kind: 'single' as const, unit: 'count' } : { kind: 'key' as const, key, unit: 'count' },
  });
  // scenario 0 is a fresh boot: as read
  assert.equal(kernelValue(outs.get(0)!, 1, read(1, '/proc/vmstat', 'pswpout')), 107);
  // scenario 1: the 200 pswpout of scenario 0 (and boot) are taken off; the nr_swapcached level is not
  assert.equal(kernelValue(outs.get(1)!, 1, read(1, '/proc/vmstat', 'pswpout')), 57);
  assert.equal(kernelValue(outs.get(1)!, 1, read(1, '/proc/vmstat', 'nr_swapcached')), 5);
  assert.equal(kernelValue(outs.get(1)!, 1, read(2, '/sys/kernel/debug/zswap/written_back_pages', null)), 5);
  assert.equal(kernelValue(outs.get(1)!, 1, read(3, '/sys/kernel/debug/zswap/stored_pages', null)), 4);
  assert.ok(isEventCounter('/sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats/swpout', ''));
  assert.ok(!isEventCounter('/sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats/nr_anon', ''));
  assert.ok(!isEventCounter('/proc/meminfo', 'SwapCached'));
  // an unbatched output has no sections
  assert.equal(parseBatchOutput('@started\nS 1\nE 1 ok\n@done\n').size, 0);
});

test('kernel file formats: meminfo kB lines, vmstat keys, /proc/swaps cells, absent keys', () => {
  assert.equal(keyedValue('MemTotal:        1004 kB\nSwapTotal:       65532 kB\n', 'SwapTotal'), 65532);
  assert.equal(keyedValue('pswpin 3\npswpout 1024\n', 'pswpout'), 1024);
  assert.equal(keyedValue('pswpin 3\n', 'zswpwb'), 'absent');
  const swaps =
    'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/vda2                               partition\t65532\t\t4096\t\t5\n';
  assert.equal(swapsValue(swaps, '/dev/vda2', 'Used'), 4096);
  assert.equal(swapsValue(swaps, '/dev/vda2', 'Type'), 'partition');
  assert.equal(swapsValue(swaps, '/dev/vdb', 'Used'), 'absent');
});

test('basic.swapsim translates to guest commands, with the simulator value beside every observable', () => {
  const plan = translate(example('basic.swapsim'), P72, 'basic.swapsim');
  assert.equal(plan.wholeScenario, null);
  assert.deepEqual(plan.devices, [{ path: '/dev/vda2', kind: 'blk', bytes: 64 * 2 ** 20 }]);
  assert.ok(plan.commands.includes('swapon /dev/vda2 5 - 16384 0 -'), plan.commands.join('\n'));
  assert.ok(plan.commands.some((c) => /^mmap web heap 1024 0 1 \d+ 400\*1024$/.test(c)));
  const pswpout = plan.observables.find((o) => o.label === '/proc/vmstat pswpout' && o.kind === 'expect');
  assert.equal(pswpout?.simulator, 1024);
  assert.equal(plan.observables.find((o) => o.key === 's1 result')?.simulator, 'ok');
  // per-slot expects have no real-kernel meaning: listed, never dropped
  const slot = plan.observables.filter((o) => o.label.startsWith('slot '));
  assert.equal(slot.length, 2);
  assert.ok(slot.every((o) => o.read === null && /per-slot/.test(o.note ?? '')));
  assert.equal(plan.simulatorOnly.length, 2);
  // the run dump is read after the last step
  assert.ok(
    plan.observables.some(
      (o) => o.kind === 'dump' && o.label === '/sys/fs/cgroup/app/memory.swap.current' && o.simulator === 4 * 2 ** 20,
    ),
  );
});

test('constructs without a real-kernel meaning are simulator-only, with reasons', () => {
  assert.match(translate(example('ghost-swapfile.swapsim'), P72).wholeScenario ?? '', /ghost/);
  assert.match(translate(example('swap-tiers.swapsim'), P72).wholeScenario ?? '', /swap tiers/);
  const shrink = translate(
    'config ram=256M\necho Y > /sys/module/zswap/parameters/enabled\nswapon /dev/vdb size=8M\ntask t\nmmap t h 64K populate\npageout t h\nzswap shrink 4\ndiscard\nexpect overhead total > 0\n',
    P72,
  );
  assert.deepEqual(
    shrink.simulatorOnly.map((s) => s.line),
    [6, 7, 8],
  );
  assert.match(shrink.simulatorOnly[0]!.reason, /shrinker/);
  const vswap = translate('config design=vswap ram=256M\nswapon /dev/vdb size=8M\n', P72);
  assert.match(vswap.simulatorOnly[0]!.reason, /vswap is not merged: compared with the simulator under p4/);
  assert.throws(() => translate('swapon /dev/vdb size=8M\nmmap nobody r 4K\n', P72), TranslateError);
});

test('raw swap_flags go to the guest as they are; discards stay simulator-only, with their reason', () => {
  const raw = translate(
    'swapon /dev/vdb size=8M flags=0x8007\nswapon /dev/vdc size=8M flags=0x100000\nexpect error EINVAL\n',
    P72,
  );
  assert.ok(raw.commands.includes('swapon /dev/vdb 7 - 2048 0 - 32775'), raw.commands.join('\n'));
  assert.ok(raw.commands.includes('swapon /dev/vdc -1 - 2048 0 - 1048576'), raw.commands.join('\n'));
  assert.deepEqual(raw.simulatorOnly, []);
  const file = translate(
    'dd if=/dev/zero of=/swapfile bs=1M count=8\nmkswap /swapfile\nswapon /swapfile\nexpect dmesg contains "Adding"\nuser nobody\nexpect device /swapfile discards == 0\n',
    P72,
  );
  assert.deepEqual(
    file.simulatorOnly.map((s) => s.line),
    [5],
  );
  assert.match(file.simulatorOnly[0]!.reason, /sys\/block/);
});

test('swap files translate: a root disk, one mkfs-made disk per mount, the file tools, and dmesg read back', () => {
  const plan = translate(
    [
      'dd if=/dev/zero of=/swapfile bs=1M count=16',
      'mkswap -L s1 /swapfile',
      'swapon /swapfile -p 3',
      'expect dmesg contains "Adding 16380k swap on /swapfile."',
      'rm /swapfile',
      'expect error EPERM',
      'mount -t btrfs /dev/vdc /b',
      'truncate -s 0 /b/swap',
      'chattr +C /b/swap',
      'fallocate -l 600M /b/swap',
      'mkswap -f -v 2 /b/swap 1024',
      'swapon /b/swap',
      'expect error EINVAL',
      'expect dmesg contains "Unable to handle swap header version 2"',
      'expect dmesg !contains "BTRFS"',
      'mount -t tmpfs tmpfs /t',
      'dmesg -C',
    ].join('\n') + '\n',
    P72,
  );
  assert.deepEqual(plan.simulatorOnly, []);
  assert.deepEqual(
    plan.devices.map((d) => [d.path, d.kind, d.fs, d.blockSize]),
    [
      ['/', 'rootfs', 'ext4', 4096],
      ['/dev/vdc', 'fs', 'btrfs', 4096],
    ],
  );
  // a 600M file needs a disk larger than the 512M minimum
  assert.ok(plan.devices[1]!.bytes >= 1200 * 2 ** 20, String(plan.devices[1]!.bytes));
  const cmds = plan.commands.filter((c) => !c.startsWith('step '));
  assert.deepEqual(cmds.slice(0, 14), [
    'mkfile /swapfile 16777216 written',
    'mkswap /swapfile - 0 1 s1 - -',
    'swapon-file /swapfile 3 - 0',
    'kobs 1',
    'rm /swapfile',
    'mount btrfs /dev/vdc /b',
    'mkfile /b/swap 0 hole',
    'chattr /b/swap',
    'mkfile /b/swap 629145600 unwritten',
    'mkswap /b/swap 256 1 2 - - -',
    'swapon-file /b/swap -1 - 0',
    'kobs 2',
    'kobs 3',
    'mount tmpfs /dev/tmpfs /t',
  ]);
  assert.equal(cmds[14], 'dmesg-clear');
  const dmesg = plan.observables.filter((o) => o.read?.kind === 'dmesg');
  assert.deepEqual(
    dmesg.map((o) => [o.label, o.simulator]),
    [
      ['dmesg contains "Adding 16380k swap on /swapfile."', 1],
      ['dmesg contains "Unable to handle swap header version 2"', 1],
      ['dmesg contains "BTRFS"', 0],
    ],
  );
  assert.equal(plan.observables.find((o) => o.line === 4)?.simulator, 'EPERM');
});

test('a shared anonymous mapping runs as MAP_SHARED in the guest; a file mapping stays simulator-only', () => {
  const plan = translate(
    'swapon /dev/vdb size=8M\ntask t\nmmap t shm 64K shared populate\nmmap t heap 64K\nfile write /data/f 64K\nmmap t text 64K file=/data/f\n',
    P72,
  );
  const mmaps = plan.commands.filter((c) => c.startsWith('mmap '));
  assert.equal(mmaps.length, 2);
  assert.match(mmaps[0]!, /^mmap t shm 16 0 3 /);
  assert.match(mmaps[1]!, /^mmap t heap 16 0 0 /);
  assert.deepEqual(
    plan.simulatorOnly.map((s) => [s.line, /page cache|file mappings/.test(s.reason)]),
    [
      [4, true],
      [5, true],
    ],
  );
});

test('the kernel log observable is 1 when the log holds the text, as the simulator reads contains', () => {
  const log = '<6>[    1.0] Adding 16380k swap on /x.\n';
  const out = parseGuestOutput(`@started\nS 1\nO 1 ok ${Buffer.byteLength(log)}\n${log}@done\n`);
  assert.equal(kernelValue(out, 1, { kind: 'dmesg', id: 1, text: 'Adding 16380k' }), 1);
  assert.equal(kernelValue(out, 1, { kind: 'dmesg', id: 1, text: 'BTRFS' }), 0);
});

test('credentials run in the guest: each user statement sets the uid and CAP_SYS_ADMIN of the statements after it', () => {
  const plan = translate(
    'swapon /dev/vdb size=8M\nuser nobody\nswapoff /dev/vdb\nexpect error EPERM\necho 10 > /proc/sys/vm/swappiness\nexpect error EACCES\nuser root drop=CAP_SYS_ADMIN\necho 10 > /proc/sys/vm/swappiness\nswapoff /dev/vdb\nexpect error EPERM\nuser 1000\nuser root\nswapoff /dev/vdb\n',
    P72,
  );
  assert.deepEqual(plan.simulatorOnly, []);
  const users = plan.commands.filter((c) => c.startsWith('user '));
  assert.deepEqual(users, ['user 65534 0', 'user 0 0', 'user 1000 0', 'user 0 1']);
  const results = plan.observables.filter((o) => o.kind === 'result').map((o) => [o.line, o.simulator]);
  assert.deepEqual(results, [
    [0, 'ok'],
    [1, 'ok'],
    [2, 'EPERM'],
    [4, 'EACCES'],
    [6, 'ok'],
    [7, 'ok'],
    [8, 'EPERM'],
    [10, 'ok'],
    [11, 'ok'],
    [12, 'ok'],
  ]);
});

test('open files run in the guest: writes, reads and expects through &NAME use the fd the guest holds under that name', () => {
  const plan = translate(
    'mkdir app\nopen pk /sys/fs/cgroup/app/memory.peak\necho reset > &pk\nexpect &pk == 0\nexpect /sys/fs/cgroup/app/memory.peak >= 0\ncat &pk\nclose pk\nclose pk\nexpect error EBADF\n',
    P72,
  );
  assert.deepEqual(plan.simulatorOnly, []);
  const steps = plan.commands.filter((c) => !c.startsWith('step '));
  assert.deepEqual(steps.slice(0, 8), [
    'mkdir /sys/fs/cgroup/app',
    'open pk /sys/fs/cgroup/app/memory.peak',
    'fwrite pk reset',
    'fobs 1 pk',
    'obs 2 /sys/fs/cgroup/app/memory.peak',
    'fcat pk',
    'close pk',
    'close pk',
  ]);
  const viaFd = plan.observables.find((o) => o.label === '&pk');
  assert.deepEqual(viaFd?.read, {
    kind: 'file',
    id: 1,
    path: '/sys/fs/cgroup/app/memory.peak',
    pick: { kind: 'single', unit: 'single' },
    fd: 'pk',
  });
  assert.equal(plan.observables.find((o) => o.key === 's8 result')?.simulator, 'EBADF');
});

test('a mix content travels page by page: the guest fills each page with the kind the simulator gave it', () => {
  const plan = translate(
    'config ram=256M\ntask t\nmmap t m 64K content=mix(zero=50%, incompressible=50%) populate\n',
    P72,
  );
  const mmap = plan.commands.find((c) => c.startsWith('mmap '))!;
  const runs = mmap.split(' ').slice(7);
  const pages = runs.reduce((n, r) => n + Number(r.split('*')[1]), 0);
  assert.equal(pages, 16);
  assert.ok(
    runs.every((r) => /^(0|1000)\*\d+$/.test(r)),
    mmap,
  );
});

test('verdicts: exact, within the spread of the runs, differs', () => {
  assert.equal(verdictOf(5, [5, 5]), 'exact');
  assert.equal(verdictOf(5, [4, 6]), 'within-spread');
  assert.equal(verdictOf(7, [4, 6]), 'differs');
  assert.equal(verdictOf('ok', ['ok', 'ok']), 'exact');
  assert.equal(verdictOf('ok', ['ok', 'EBUSY']), 'within-spread');
  assert.equal(verdictOf('ok', ['EBUSY']), 'differs');
  assert.equal(verdictOf(3, ['absent']), 'differs');
  assert.equal(verdictOf(null, []), 'simulator-only');
});

test('kernel releases: series to design profile, newest release per version prefix', () => {
  assert.equal(designForSeries('6.12'), 'legacy');
  assert.equal(designForSeries('6.18'), 'p1');
  assert.equal(designForSeries('7.0'), 'p1');
  assert.equal(designForSeries('7.1'), 'p3');
  assert.equal(designForSeries('7.2'), 'p4');
  assert.equal(designForSeries('7.3'), 'p4');
  const offered = [
    '7.2.9+deb13-amd64',
    '7.2.13+deb14-amd64',
    '7.2.11+deb13-amd64',
    '6.12.118+deb12-amd64',
    '7.3.4+deb13-amd64',
  ];
  assert.equal(pickRelease(offered, '7.2'), '7.2.13+deb14-amd64');
  assert.equal(pickRelease(offered, '7.2.9'), '7.2.9+deb13-amd64');
  assert.equal(pickRelease(offered, '6.12'), '6.12.118+deb12-amd64');
  assert.equal(pickRelease(offered, '7.9'), null);
  assert.ok(compareReleases('7.2.13+deb14-amd64', '7.2.9+deb13-amd64') > 0);
});

test('command file fields escape blanks and percent signs', () => {
  assert.equal(escapeField('8M swappiness=200'), '8M%20swappiness=200');
  assert.equal(escapeField('a%b'), 'a%25b');
  assert.equal(escapeField('/sys/fs/cgroup/app/memory.max'), '/sys/fs/cgroup/app/memory.max');
});

test('a bzImage carries its release in the setup header', () => {
  const dir = path.join(ROOT, 'out', 'test-tmp');
  const buf = Buffer.alloc(0x400);
  buf.write('HdrS', 0x202, 'latin1');
  buf.writeUInt16LE(0x100, 0x20e);
  buf.write('6.99.1-test (me@host) #1 SMP', 0x300, 'latin1');
  const file = path.join(dir, 'bzImage');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, buf);
  assert.equal(bzImageRelease(file), '6.99.1-test');
});

test('statements with variables run on the kernel as the simulator expands them', () => {
  const plan = translate(
    'config ram=256M\nlet size = 64K\nswapon /dev/vdb size=16M\ntask t\nrepeat 2 as i {\n  mmap t r$i $size populate\n}\n',
    P72,
  );
  const mmaps = plan.commands.filter((c) => c.startsWith('mmap '));
  assert.deepEqual(
    mmaps.map((c) => c.split(' ').slice(0, 4).join(' ')),
    ['mmap t r0 16', 'mmap t r1 16'],
  );
  assert.deepEqual(plan.simulatorOnly, []);
});

test('a fixture is keyed by the statements: comments, blank lines and indentation do not change the hash', () => {
  const base = 'config ram=64M\nswapon /dev/vda\nexpect swap used == 0\n';
  const reworded = '# a new comment\nconfig ram=64M   # the machine\n\n  swapon /dev/vda\nexpect swap used == 0\n';
  assert.equal(scenarioHash(reworded), scenarioHash(base));
  assert.notEqual(scenarioHash(base.replace('64M', '128M')), scenarioHash(base));
  assert.notEqual(scenarioHash('echo "a # b"\n'), scenarioHash('echo "a \n'), 'a # inside quotes is not a comment');
});

test('a zram device set up by the scenario: swapon takes its disksize, and its stat files are read by field position', () => {
  const plan = translate(
    readFileSync(path.join(ROOT, 'examples', 'seed-mail', 'zram-device.swapsim'), 'utf8'),
    P72,
    'zram-device.swapsim',
  );
  // the swapon takes the disksize the scenario wrote before it
  assert.ok(plan.commands.includes('swapon /dev/zram0 100 - 262144 0 -'), plan.commands.slice(0, 8).join('\n'));
  const read = (label: string): unknown =>
    plan.observables.find((o) => o.label === label && o.kind === 'expect')?.read ?? null;
  assert.deepEqual(read('/sys/block/zram0/mm_stat orig_data_size'), {
    kind: 'file',
    id: (read('/sys/block/zram0/mm_stat orig_data_size') as { id: number }).id,
    path: '/sys/block/zram0/mm_stat',
    pick: { kind: 'column', index: 0 },
  });
  assert.deepEqual((read('/sys/block/zram0/io_stat notify_free') as { pick: unknown }).pick, {
    kind: 'column',
    index: 3,
  });
  // mm_stat as zram_drv.c prints it: orig compr mem_used limit max same compacted huge huge_since
  const mmStat = '67108864 26512546 27262976        0 27262976     4263        0     4060     4060\n';
  const raw = `@started\nS 1\nO 5 ok ${mmStat.length}\n${mmStat}@done\n`;
  const out = parseGuestOutput(raw);
  const at = (index: number): unknown =>
    kernelValue(out, 1, { kind: 'file', id: 5, path: '/sys/block/zram0/mm_stat', pick: { kind: 'column', index } });
  assert.equal(at(0), 67108864);
  assert.equal(at(5), 4263);
  assert.equal(at(9), 'absent');
});
