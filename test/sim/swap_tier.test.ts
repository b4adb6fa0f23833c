/**
 * Swap tiers (server/sim/swap_tier.ts, `config swap_tiers=on`): the tiers
 * file with the worked examples of Documentation/mm/swap-tier.rst (v9),
 * every errno, atomic batches, device assignment, memcg masks, allocation
 * restricted to a cgroup's tiers, and undo.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContentSpec } from '../../server/sim/content';
import type { Kernel } from '../../server/sim/kernel';
import { TIER_ALL_MASK, TIER_DEFAULT_MASK } from '../../server/sim/swap_tier';
import { checkInvariants } from '../../server/sim/invariants';
import { readFile, readValue, writeFile } from '../../server/sim/vfs';
import { MiB, assertClean, kernel, throwsErrno } from './util';

const TIERS = '/sys/kernel/mm/swap/tiers';
const HEADER = 'Name             Idx   PrioStart   PrioEnd\n';
const INCOMPRESSIBLE: ContentSpec = [{ content: { kind: 'incompressible' }, percent: 100 }];

function tiered(): Kernel {
  return kernel({ swapTiers: true });
}

/** Two devices: a fast one at priority 100 and a slow one at 50. */
function twoDevices(k: Kernel): void {
  k.swaponDevice({ path: '/dev/ssd', kind: 'partition', sizeBytes: 16 * MiB, prio: 100 });
  k.swaponDevice({ path: '/dev/hdd', kind: 'partition', sizeBytes: 16 * MiB, prio: 50 });
}

const inuse = (k: Kernel, path: string): number => k.swap.byPath(path)!.inusePages;
const maskOf = (k: Kernel, path: string): number => k.swap.byPath(path)!.tierMask;

describe('mainline: no tiers without the config key', () => {
  it('both files are ENOENT to read and write', () => {
    const k = kernel();
    k.mkdir('a');
    throwsErrno(() => readFile(k, TIERS), 'ENOENT');
    throwsErrno(() => writeFile(k, TIERS, '+HDD:-1'), 'ENOENT');
    throwsErrno(() => readFile(k, 'a/memory.swap.tiers.max'), 'ENOENT');
    throwsErrno(() => writeFile(k, 'a/memory.swap.tiers.max', 'HDD 0'), 'ENOENT');
    throwsErrno(() => k.writeSwapTiers('+HDD:-1'), 'ENOENT');
    assert.equal(k.tiers, null);
  });
});

describe('/sys/kernel/mm/swap/tiers (tiers_store, swap_tiers_sysfs_show)', () => {
  it('starts with the header only', () => {
    assert.equal(readFile(tiered(), TIERS), HEADER);
  });

  it('follows the worked examples of swap-tier.rst', () => {
    const k = tiered();
    writeFile(k, TIERS, '+HDD:50, +NET:-1');
    assert.equal(
      readFile(k, TIERS),
      HEADER + 'HDD              0     50          32767\n' + 'NET              1     -1          49\n',
    );
    writeFile(k, TIERS, '+SSD:100');
    assert.equal(
      readFile(k, TIERS),
      HEADER +
        'SSD              2     100         32767\n' +
        'HDD              0     50          99\n' +
        'NET              1     -1          49\n',
    );
    writeFile(k, TIERS, '-SSD');
    assert.equal(
      readFile(k, TIERS),
      HEADER + 'HDD              0     50          32767\n' + 'NET              1     -1          49\n',
      'SSD merges into HDD',
    );
    writeFile(k, TIERS, '-NET');
    assert.equal(
      readFile(k, TIERS),
      HEADER + 'HDD              0     -1          32767\n',
      'removing the lowest tier shifts the one above to -1',
    );
    assert.equal(readValue(k, TIERS, 'HDD PrioStart'), -1);
    assert.equal(readValue(k, TIERS, 'HDD PrioEnd'), 32767);
    assert.equal(readValue(k, TIERS, 'HDD Idx'), 0);
    throwsErrno(() => readValue(k, TIERS, 'NET Idx'), 'EINVAL');
    assertClean(k);
  });

  it('a new tier takes the lowest free index', () => {
    const k = tiered();
    writeFile(k, TIERS, '+A:-1 +B:10 +C:20');
    writeFile(k, TIERS, '-B');
    writeFile(k, TIERS, '+D:30');
    assert.equal(readValue(k, TIERS, 'D Idx'), 1, 'B freed index 1');
    writeFile(k, TIERS, '+E:40');
    assert.equal(readValue(k, TIERS, 'E Idx'), 3);
  });

  it('with a device at priority 60: -HDD and +SSD:60 are EBUSY, +SSD:100 keeps the device in HDD', () => {
    const k = tiered();
    writeFile(k, TIERS, '+HDD:50, +NET:-1');
    k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 8 * MiB, prio: 60 });
    assert.equal(maskOf(k, '/dev/vdb'), 1 << 0, 'assigned to HDD (index 0)');
    throwsErrno(() => writeFile(k, TIERS, '-HDD'), 'EBUSY');
    throwsErrno(() => writeFile(k, TIERS, '+SSD:60'), 'EBUSY');
    writeFile(k, TIERS, '+SSD:100');
    assert.equal(maskOf(k, '/dev/vdb'), 1 << 0, 'the device stays in HDD');
    // a tier whose start is below the device does not split it away either
    throwsErrno(() => writeFile(k, TIERS, '+MID:55'), 'EBUSY');
    writeFile(k, TIERS, '-NET');
    assert.equal(readValue(k, TIERS, 'HDD PrioStart'), -1);
    assertClean(k);
  });

  it('a device keeps its tier while active, even when a new tier would cover its priority', () => {
    const k = tiered();
    writeFile(k, TIERS, '+LOW:-1');
    k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 8 * MiB, prio: 60 });
    writeFile(k, TIERS, '+TOP:100');
    k.swaponDevice({ path: '/dev/vdc', kind: 'partition', sizeBytes: 8 * MiB, prio: 200 });
    assert.equal(maskOf(k, '/dev/vdb'), 1 << 0);
    assert.equal(maskOf(k, '/dev/vdc'), 1 << 1, 'a later swapon gets the tier holding its priority');
    k.swapoffDevice('/dev/vdb');
    writeFile(k, TIERS, '-LOW');
    assert.equal(readValue(k, TIERS, 'TOP PrioStart'), -1);
  });

  it('devices swapped on before any tier get one when tiers first appear (swap_tiers_update)', () => {
    const k = tiered();
    twoDevices(k);
    assert.equal(maskOf(k, '/dev/ssd'), TIER_DEFAULT_MASK);
    writeFile(k, TIERS, '+FAST:100 +SLOW:-1');
    assert.equal(maskOf(k, '/dev/ssd'), 1 << 0);
    assert.equal(maskOf(k, '/dev/hdd'), 1 << 1);
  });

  it('gives EINVAL for bad tokens, bad names, unknown tiers and missing coverage of -1', () => {
    const k = tiered();
    for (const bad of ['HDD:50', '+HDD', '+HDD:x', '+H-D:-1', '+:-1', '*HDD', '', '+ABCDEFGHIJKLMNOP:-1']) {
      throwsErrno(() => writeFile(k, TIERS, bad), 'EINVAL');
    }
    throwsErrno(() => writeFile(k, TIERS, '+HDD:50'), 'EINVAL');
    throwsErrno(() => writeFile(k, TIERS, '-HDD'), 'EINVAL');
    throwsErrno(() => writeFile(k, TIERS, '+HDD:-2'), 'EINVAL');
    throwsErrno(() => writeFile(k, TIERS, '+HDD:32768'), 'EINVAL');
    writeFile(k, TIERS, '+ABCDEFGHIJKLMNO:-1');
    assert.equal(readValue(k, TIERS, 'ABCDEFGHIJKLMNO Idx'), 0, '15 characters is the longest name');
  });

  it('gives EBUSY for a start already in use, EEXIST for a duplicate name, ENOSPC past 31 tiers', () => {
    const k = tiered();
    writeFile(k, TIERS, '+HDD:-1');
    throwsErrno(() => writeFile(k, TIERS, '+SSD:-1'), 'EBUSY');
    throwsErrno(() => writeFile(k, TIERS, '+HDD:10'), 'EEXIST');
    writeFile(k, TIERS, Array.from({ length: 30 }, (_, i) => `+T${i}:${i * 10 + 5}`).join(' '));
    assert.equal(k.tiers!.list.length, 31);
    throwsErrno(() => writeFile(k, TIERS, '+LAST:1000'), 'ENOSPC');
  });

  it('rolls a failing batch back entirely', () => {
    const k = tiered();
    writeFile(k, TIERS, '+HDD:50 +NET:-1');
    const before = readFile(k, TIERS);
    throwsErrno(() => writeFile(k, TIERS, '+SSD:100, -NET, -NOPE'), 'EINVAL');
    assert.equal(readFile(k, TIERS), before);
    k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 8 * MiB, prio: 60 });
    throwsErrno(() => k.writeSwapTiers('+SSD:100 -NET -HDD'), 'EBUSY');
    assert.equal(readFile(k, TIERS), before, 'SSD is not added and NET not removed when -HDD is refused');
    const fresh = tiered();
    throwsErrno(() => writeFile(fresh, TIERS, '+SSD:100, +HDD:50'), 'EINVAL');
    assert.equal(readFile(fresh, TIERS), HEADER, 'no tier starts at -1: nothing is added');
  });
});

describe('memory.swap.tiers.max (swap_tier_max_show/_write, memcg masks)', () => {
  it('lists every tier, highest first, as max until written', () => {
    const k = tiered();
    k.mkdir('a');
    assert.equal(readFile(k, 'a/memory.swap.tiers.max'), '');
    writeFile(k, TIERS, '+SSD:100 +HDD:-1');
    assert.equal(readFile(k, 'a/memory.swap.tiers.max'), 'SSD max\nHDD max\n');
    writeFile(k, 'a/memory.swap.tiers.max', 'SSD 0');
    assert.equal(readFile(k, 'a/memory.swap.tiers.max'), 'SSD 0\nHDD max\n');
    assert.equal(readValue(k, 'a/memory.swap.tiers.max', 'SSD'), 0);
    assert.equal(readValue(k, 'a/memory.swap.tiers.max', 'HDD'), 'max');
    throwsErrno(() => readFile(k, '/sys/fs/cgroup/memory.swap.tiers.max'), 'ENOENT');
  });

  it('takes exactly one NAME max or NAME 0 of an existing tier; anything else is EINVAL', () => {
    const k = tiered();
    k.mkdir('a');
    writeFile(k, TIERS, '+HDD:-1');
    for (const bad of ['HDD', 'HDD 1', 'HDD max SSD 0', 'SSD 0', 'HDD off', '']) {
      throwsErrno(() => writeFile(k, 'a/memory.swap.tiers.max', bad), 'EINVAL');
    }
    writeFile(k, 'a/memory.swap.tiers.max', 'HDD 0\n');
    assert.equal(readValue(k, 'a/memory.swap.tiers.max', 'HDD'), 0);
  });

  it('effective mask = parent effective AND own; reads show the own mask; writes resync the subtree', () => {
    const k = tiered();
    writeFile(k, TIERS, '+SSD:100 +HDD:-1');
    k.mkdir('p');
    k.mkdir('p/c');
    const p = k.cgroup('p');
    const c = k.cgroup('p/c');
    writeFile(k, 'p/memory.swap.tiers.max', 'SSD 0');
    assert.equal(c.tierMask, TIER_ALL_MASK, 'the child keeps its own mask');
    assert.equal(readValue(k, 'p/c/memory.swap.tiers.max', 'SSD'), 'max');
    assert.equal(c.tierEffectiveMask & 1, 0, 'but loses SSD through its parent');
    k.mkdir('p/d');
    assert.equal(k.cgroup('p/d').tierEffectiveMask, p.tierEffectiveMask, 'a new child inherits the effective mask');
    writeFile(k, 'p/c/memory.swap.tiers.max', 'HDD 0');
    assert.equal(c.tierEffectiveMask & 3, 0, 'narrowed further by its own write');
    writeFile(k, 'p/memory.swap.tiers.max', 'SSD max');
    assert.equal(c.tierEffectiveMask & 3, 1, 'the parent allowing SSD again reaches the child');
    assert.equal(k.memcgs.root.tierEffectiveMask, TIER_ALL_MASK);
  });

  it('removing a tier sets its bit again everywhere, so a tier reusing the index starts allowed', () => {
    const k = tiered();
    writeFile(k, TIERS, '+SSD:100 +HDD:-1');
    k.mkdir('a');
    writeFile(k, 'a/memory.swap.tiers.max', 'SSD 0');
    writeFile(k, TIERS, '-SSD');
    const a = k.cgroup('a');
    assert.equal(a.tierMask, TIER_ALL_MASK);
    assert.equal(a.tierEffectiveMask, TIER_ALL_MASK);
    writeFile(k, TIERS, '+NVME:200');
    assert.equal(readValue(k, TIERS, 'NVME Idx'), 0, 'reuses SSD’s index');
    assert.equal(readValue(k, 'a/memory.swap.tiers.max', 'NVME'), 'max');
  });
});

describe('allocation restricted to a cgroup’s tiers (folio_tier_effective_mask, swap_tiers_mask_test)', () => {
  function setup(): Kernel {
    const k = tiered();
    k.setZswapParam('enabled', false);
    twoDevices(k);
    writeFile(k, TIERS, '+SSD:100 +HDD:-1');
    k.mkdir('slow');
    writeFile(k, 'slow/memory.swap.tiers.max', 'SSD 0');
    return k;
  }

  it('a cgroup limited to HDD swaps to the HDD device although the SSD has the higher priority', () => {
    const k = setup();
    k.createTask('s', 'slow');
    k.mmap('s', 'heap', 64, { content: INCOMPRESSIBLE, populate: true });
    k.createTask('r');
    k.mmap('r', 'heap', 64, { content: INCOMPRESSIBLE, populate: true });
    // the root cgroup goes first: this CPU's cluster cache now points into the SSD
    k.pageout('r', 'heap');
    assert.equal(inuse(k, '/dev/ssd'), 64, 'an unrestricted cgroup uses the SSD first');
    k.pageout('s', 'heap');
    assert.equal(inuse(k, '/dev/hdd'), 64, 'the cached SSD cluster is skipped for the HDD-only cgroup');
    assert.equal(inuse(k, '/dev/ssd'), 64);
    k.mmap('s', 'more', 16, { content: INCOMPRESSIBLE, populate: true });
    k.pageout('s', 'more');
    assert.equal(inuse(k, '/dev/ssd'), 64);
    assert.equal(inuse(k, '/dev/hdd'), 80);
    assertClean(k);
  });

  it('without an allowed device with room the swapout fails as on full swap', () => {
    const k = setup();
    writeFile(k, 'slow/memory.swap.tiers.max', 'HDD 0');
    k.createTask('s', 'slow');
    k.mmap('s', 'heap', 32, { content: INCOMPRESSIBLE, populate: true });
    k.pageout('s', 'heap');
    assert.equal(inuse(k, '/dev/hdd') + inuse(k, '/dev/ssd'), 0);
    assert.equal(k.taskFootprint(k.task('s')).rss, 32, 'the pages stay in memory');
    assert.equal(
      readValue(k, 'slow/memory.swap.events', 'fail'),
      32,
      'one swap fail event per folio, as when swap is full',
    );
    assertClean(k);
  });

  it('a device no tier covers is open to every cgroup', () => {
    const k = tiered();
    k.setZswapParam('enabled', false);
    k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 8 * MiB, prio: 5 });
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'heap', 8, { content: INCOMPRESSIBLE, populate: true });
    k.pageout('t', 'heap');
    assert.equal(inuse(k, '/dev/vdb'), 8);
  });

  it('applies to the vswap designs’ physical backing, not to the virtual device', () => {
    for (const design of ['vswap', 'vswap-ste'] as const) {
      const k = kernel({ swapTiers: true, design });
      k.setZswapParam('enabled', false);
      twoDevices(k);
      assert.equal(k.swap.vswap!.tierMask, TIER_DEFAULT_MASK, `${design}: the virtual device is not tiered`);
      writeFile(k, TIERS, '+SSD:100 +HDD:-1');
      assert.equal(k.swap.vswap!.tierMask, TIER_DEFAULT_MASK, `${design}: not even when tiers appear`);
      k.mkdir('slow');
      writeFile(k, 'slow/memory.swap.tiers.max', 'SSD 0');
      k.createTask('s', 'slow');
      k.mmap('s', 'heap', 16, { content: INCOMPRESSIBLE, populate: true });
      k.pageout('s', 'heap');
      assert.equal(inuse(k, '/dev/ssd'), 0, design);
      assert.equal(inuse(k, '/dev/hdd'), 16, design);
      assertClean(k);
    }
  });
});

describe('undo', () => {
  it('rolling back restores the tiers, device masks and memcg masks', () => {
    const k = tiered();
    twoDevices(k);
    k.mkdir('a');
    const m0 = k.mark();
    writeFile(k, TIERS, '+SSD:100 +HDD:-1');
    const m1 = k.mark();
    writeFile(k, 'a/memory.swap.tiers.max', 'SSD 0');
    const m2 = k.mark();
    writeFile(k, TIERS, '+MID:70');
    const shown = readFile(k, TIERS);
    k.rollback(m2);
    assert.notEqual(readFile(k, TIERS), shown);
    assert.equal(k.tiers!.list.length, 2);
    k.rollback(m1);
    assert.equal(k.cgroup('a').tierMask, TIER_ALL_MASK);
    assert.equal(k.cgroup('a').tierEffectiveMask, TIER_ALL_MASK);
    k.rollback(m0);
    assert.equal(readFile(k, TIERS), HEADER);
    assert.equal(maskOf(k, '/dev/ssd'), TIER_DEFAULT_MASK);
    assert.equal(maskOf(k, '/dev/hdd'), TIER_DEFAULT_MASK);
    assertClean(k);
  });
});

describe('invariants', () => {
  it('the full check finds a device outside its tier and an effective mask out of step with its parent', () => {
    const k = tiered();
    twoDevices(k);
    writeFile(k, TIERS, '+SSD:100, +HDD:-1');
    k.mkdir('a');
    k.mkdir('a/b');
    writeFile(k, 'a/memory.swap.tiers.max', 'SSD 0');
    assert.deepEqual(checkInvariants(k), []);
    const hdd = k.swap.byPath('/dev/hdd')!;
    const good = hdd.tierMask;
    hdd.tierMask = maskOf(k, '/dev/ssd');
    assert.ok(checkInvariants(k).some((p) => p.includes('/dev/hdd: priority 50 outside its tier SSD')));
    hdd.tierMask = good;
    const b = k.memcgs.lookup('a/b')!;
    b.tierEffectiveMask = TIER_ALL_MASK;
    assert.ok(checkInvariants(k).some((p) => p.includes('effective tier mask')));
  });
});
