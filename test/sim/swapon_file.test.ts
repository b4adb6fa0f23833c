/**
 * Swap files on file systems (server/sim/swapon_file.ts, files.ts): the
 * order of sys_swapon()'s checks, each file system's rule with its dmesg
 * line, S_SWAPFILE while active, raw swap_flags, discard counters, and
 * credentials.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel } from '../../server/sim/kernel';
import { KernelError, type ErrnoName } from '../../server/sim/errno';
import { checkInvariants } from '../../server/sim/invariants';
import { fingerprint } from '../../server/sim/snapshot';

const PAGE = 4096;
const MiB = 1024 * 1024;

function machine(): Kernel {
  return new Kernel({ ramBytes: 64 * MiB, checkInvariants: true });
}

function errnoOf(fn: () => unknown): ErrnoName | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
}

function lastLine(k: Kernel): string {
  return k.dmesg[k.dmesg.length - 1] ?? '';
}

/** dd + mkswap at `path`. */
function swapfile(k: Kernel, path: string, bytes: number, fill: 'written' | 'unwritten' | 'hole' = 'written'): void {
  k.makeFile(path, bytes, fill);
  k.mkswap(path);
}

test('a written file with a header swaps on; the Adding line and /proc/swaps agree; S_SWAPFILE guards it', () => {
  const k = machine();
  swapfile(k, '/swapfile', 16 * MiB);
  const si = k.swaponFile('/swapfile', 0x8000 | 7);
  assert.equal(si.kind, 'file');
  assert.equal(si.pages, (16 * MiB) / PAGE - 1);
  assert.equal(si.prio, 7);
  assert.equal(lastLine(k), 'Adding 16380k swap on /swapfile.  Priority:7 extents:1 across:16380k SS');
  assert.equal(
    errnoOf(() => k.unlinkSwapFile('/swapfile')),
    'EPERM',
    'may_delete() refuses a swap file',
  );
  assert.equal(
    errnoOf(() => k.truncateFile('/swapfile', PAGE)),
    'ETXTBSY',
  );
  assert.equal(
    errnoOf(() => k.truncateFile('/swapfile', 16 * MiB)),
    'ETXTBSY',
    'inode_newsize_ok(): the same size does not grow the file',
  );
  assert.equal(
    errnoOf(() => k.makeFile('/swapfile', MiB, 'written')),
    'ETXTBSY',
  );
  assert.equal(
    errnoOf(() => k.mkswap('/swapfile')),
    'ETXTBSY',
  );
  assert.equal(
    errnoOf(() => k.swaponFile('/swapfile')),
    'EBUSY',
  );
  k.swapoffDevice('/swapfile');
  k.unlinkSwapFile('/swapfile');
  assert.equal(
    errnoOf(() => k.swaponFile('/swapfile')),
    'ENOENT',
  );
  assert.equal(
    errnoOf(() => k.swapoffDevice('/swapfile')),
    'ENOENT',
  );
  assert.deepEqual(checkInvariants(k), []);
});

test('truncate may grow an active swap file (inode_newsize_ok()), adding a hole past the area', () => {
  const k = machine();
  swapfile(k, '/swapfile', 16 * MiB);
  k.swaponFile('/swapfile');
  k.truncateFile('/swapfile', 32 * MiB);
  assert.equal(k.fs.get('/swapfile').size, 32 * MiB);
  assert.equal(k.swap.devices[0]!.pages, (16 * MiB) / PAGE - 1, 'the area keeps the pages its header gave');
  assert.deepEqual(checkInvariants(k), []);
  k.swapoffDevice('/swapfile');
  assert.equal(
    errnoOf(() => k.swaponFile('/swapfile')),
    'EINVAL',
  );
  assert.equal(lastLine(k), 'swapon: file /swapfile has unallocated extents');
});

test('read_swap_header(): each refusal is EINVAL with its line, and the line stays after the rollback', () => {
  const k = machine();
  k.makeFile('/nohdr', 4 * MiB, 'written');
  assert.equal(
    errnoOf(() => k.swaponFile('/nohdr')),
    'EINVAL',
  );
  assert.equal(lastLine(k), 'Unable to find swap-space signature');
  k.mkswap('/nohdr', { version: 2 });
  assert.equal(
    errnoOf(() => k.swaponFile('/nohdr')),
    'EINVAL',
  );
  assert.equal(lastLine(k), 'Unable to handle swap header version 2');
  k.mkswap('/nohdr', { pages: 2048, force: true });
  assert.equal(
    errnoOf(() => k.swaponFile('/nohdr')),
    'EINVAL',
  );
  assert.equal(lastLine(k), 'Swap area shorter than signature indicates');
  assert.equal(
    errnoOf(() => k.mkswap('/nohdr', { pages: 2048 })),
    'EINVAL',
    'mkswap refuses a size past the file without -f',
  );
  k.mkswap('/nohdr', { badPages: [5] });
  const before = k.dmesg.length;
  assert.equal(
    errnoOf(() => k.swaponFile('/nohdr')),
    'EINVAL',
    'a file header with bad pages is refused',
  );
  assert.equal(k.dmesg.length, before, 'silently');
  assert.equal(
    errnoOf(() => k.mkswap('/nohdr', { pages: 9 })),
    'EINVAL',
    'mkswap needs 10 pages',
  );
  assert.equal(k.swap.devices.length, 0);
  assert.deepEqual(checkInvariants(k), []);
});

test('each file system: holes, copy-on-write, unwritten extents, tmpfs and large blocks', () => {
  const k = machine();
  // ext4 (iomap): a hole refused, unwritten extents taken
  swapfile(k, '/sparse', 8 * MiB, 'hole');
  assert.equal(
    errnoOf(() => k.swaponFile('/sparse')),
    'EINVAL',
  );
  assert.equal(lastLine(k), 'swapon: file /sparse has unallocated extents');
  swapfile(k, '/falloc', 8 * MiB, 'unwritten');
  k.swaponFile('/falloc');
  // btrfs: copy-on-write refused; chattr +C on the empty file, then dd, works
  k.mount('/mnt', 'btrfs', PAGE, 'vdc');
  swapfile(k, '/mnt/cow', 8 * MiB);
  assert.equal(
    errnoOf(() => k.swaponFile('/mnt/cow')),
    'EINVAL',
  );
  assert.equal(lastLine(k), 'BTRFS warning (device vdc): swapfile must not be copy-on-write');
  assert.equal(
    errnoOf(() => k.setNocow('/mnt/cow')),
    'EINVAL',
    'NOCOW only on an empty file',
  );
  k.makeFile('/mnt/nocow', 0, 'hole');
  k.setNocow('/mnt/nocow');
  swapfile(k, '/mnt/nocow', 8 * MiB);
  k.swaponFile('/mnt/nocow');
  k.makeFile('/mnt/holes', 0, 'hole');
  k.setNocow('/mnt/holes');
  swapfile(k, '/mnt/holes', 8 * MiB, 'hole');
  assert.equal(
    errnoOf(() => k.swaponFile('/mnt/holes')),
    'EINVAL',
  );
  assert.equal(lastLine(k), 'BTRFS warning (device vdc): swapfile must not have holes');
  assert.equal(
    errnoOf(() => k.setNocow('/falloc')),
    'EOPNOTSUPP',
    'ext4 has no NOCOW',
  );
  // minix (generic_swapfile_activate()): holes refused, no fallocate
  k.mount('/mnx', 'minix', 1024, 'vdd');
  assert.equal(
    errnoOf(() => k.makeFile('/mnx/f', MiB, 'unwritten')),
    'EOPNOTSUPP',
  );
  swapfile(k, '/mnx/sparse', 8 * MiB, 'hole');
  assert.equal(
    errnoOf(() => k.swaponFile('/mnx/sparse')),
    'EINVAL',
  );
  assert.equal(lastLine(k), 'swapon: swapfile has holes');
  swapfile(k, '/mnx/full', 8 * MiB);
  k.swaponFile('/mnx/full');
  // tmpfs: no ->read_folio, nothing printed
  k.mount('/tmp', 'tmpfs', PAGE, 'tmpfs');
  swapfile(k, '/tmp/s', 8 * MiB);
  const printed = k.dmesg.length;
  assert.equal(
    errnoOf(() => k.swaponFile('/tmp/s')),
    'EINVAL',
  );
  assert.equal(k.dmesg.length, printed);
  // blocks above the page size (mapping_min_folio_order() > 0)
  k.mount('/big', 'ext4', 65536, 'vde');
  swapfile(k, '/big/s', 8 * MiB);
  assert.equal(
    errnoOf(() => k.swaponFile('/big/s')),
    'EINVAL',
  );
  assert.equal(
    errnoOf(() => k.mount('/bad', 'minix', 4096, 'vdf')),
    'EINVAL',
    'minix has 1K blocks',
  );
  assert.deepEqual(
    k.swap.devices.map((d) => d.path),
    ['/falloc', '/mnt/nocow', '/mnx/full'],
  );
  assert.deepEqual(checkInvariants(k), []);
});

test('swapon checks its flags, then CAP_SYS_ADMIN, then a free type, then the file', () => {
  const k = machine();
  swapfile(k, '/s', 4 * MiB);
  assert.equal(
    errnoOf(() => k.swaponFile('/s', 0x80000)),
    'EINVAL',
    'a bit outside SWAP_FLAGS_VALID',
  );
  k.setCred(65534, false);
  assert.equal(
    errnoOf(() => k.swaponFile('/s', 0x80000)),
    'EINVAL',
    'flags come before the capability',
  );
  assert.equal(
    errnoOf(() => k.swaponFile('/missing')),
    'EPERM',
    'the capability comes before the file',
  );
  assert.equal(
    errnoOf(() => k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 4 * MiB })),
    'EPERM',
  );
  k.setCred(0, true);
  for (let i = 0; i < k.geom.maxSwapfiles; i++)
    k.swaponDevice({ path: `/dev/sw${i}`, kind: 'partition', sizeBytes: MiB });
  assert.equal(
    errnoOf(() => k.swaponFile('/missing')),
    'EPERM',
    'MAX_SWAPFILES comes before opening the file',
  );
  k.setCred(65534, false);
  assert.equal(
    errnoOf(() => k.swapoffDevice('/nothing')),
    'EPERM',
    'swapoff checks the capability first',
  );
  assert.equal(
    errnoOf(() => k.mkdir('x')),
    'EACCES',
  );
  k.setCred(0, false);
  k.mkdir('x');
  assert.equal(
    errnoOf(() => k.swapoffDevice('/dev/sw0')),
    'EPERM',
    'root without CAP_SYS_ADMIN',
  );
  assert.deepEqual(checkInvariants(k), []);
});

test('discard: at swapon for the whole area, then one request per freed cluster; none on a rotational disk', () => {
  const k = machine();
  k.swaponDevice({ path: '/dev/ssd', kind: 'partition', sizeBytes: 8 * MiB }, 0x10000 | 0x20000);
  const once = k.swap.byPath('/dev/ssd')!;
  assert.equal(lastLine(k), 'Adding 8188k swap on /dev/ssd.  Priority:-1 extents:1 across:8188k SSDs');
  assert.deepEqual([once.discards, once.discardedPages], [1, 2047]);
  k.swaponDevice({ path: '/dev/pages', kind: 'partition', sizeBytes: 8 * MiB, prio: 10, discard: 'pages' });
  const pages = k.swap.byPath('/dev/pages')!;
  assert.equal(lastLine(k), 'Adding 8188k swap on /dev/pages.  Priority:10 extents:1 across:8188k SSDc');
  assert.deepEqual([pages.discards, pages.discardedPages], [0, 0]);
  k.createTask('t');
  k.mmap('t', 'r', 1024, { populate: true });
  k.pageout('t', 'r');
  k.munmap('t', 'r');
  k.runDiscard();
  assert.ok(pages.discards >= 1, 'freed clusters were discarded');
  assert.equal(pages.discardedPages, pages.discards * k.geom.clusterSlots);
  k.swaponDevice({ path: '/dev/hdd', kind: 'partition', sizeBytes: 8 * MiB, rotational: true, discard: 'both' });
  assert.equal(
    lastLine(k),
    'Adding 8188k swap on /dev/hdd.  Priority:-1 extents:1 across:8188k ',
    'no discard on a rotational disk',
  );
  assert.deepEqual(checkInvariants(k), []);
});

test('every file operation and swapon of a file steps back exactly', () => {
  const k = new Kernel({ ramBytes: 64 * MiB });
  const states: string[] = [];
  const marks = [];
  const steps: (() => void)[] = [
    () => k.mount('/mnt', 'btrfs', PAGE, 'vdc'),
    () => k.makeFile('/mnt/s', 0, 'hole'),
    () => k.setNocow('/mnt/s'),
    () => k.makeFile('/mnt/s', 8 * MiB, 'written'),
    () => k.mkswap('/mnt/s', { label: 'x' }),
    () => k.swaponFile('/mnt/s', 0x8000 | 2),
    () => k.setCred(65534, false),
    () => k.setCred(0, true),
    () => k.swapoffDevice('/mnt/s'),
    () => k.truncateFile('/mnt/s', MiB),
    () => k.unlinkSwapFile('/mnt/s'),
    () => k.clearDmesg(),
  ];
  for (const step of steps) {
    states.push(fingerprint(k));
    marks.push(k.mark());
    step();
  }
  for (let i = steps.length - 1; i >= 0; i--) {
    k.rollback(marks[i]!);
    assert.equal(fingerprint(k), states[i], `after undoing step ${i}`);
  }
});
