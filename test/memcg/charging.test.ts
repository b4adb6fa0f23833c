/**
 * memcg swap charging, reclaim and OOM (docs/kernel-model.md §7, §11.18, §11.19,
 * §11.23; cgroup-v2.rst), driven through the file interface.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readValue, writeFile } from '../../server/sim/vfs';
import { MiB, PAGE, ZERO, assertClean, compressible, machine, num, pages, slotOf, throwsErrno } from './helpers';

describe('required scenarios', () => {
  it('(a) memory.max = swap.max = 30M, 50M of zero-filled anon: current ≈ 30M and current + swap.current = 50M', () => {
    const k = machine({ ramBytes: 128 * MiB });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 256 * MiB });
    k.mkdir('a');
    writeFile(k, 'a/memory.max', '30M');
    writeFile(k, 'a/memory.swap.max', '30M');
    k.createTask('t', 'a');
    k.mmap('t', 'r', pages(50 * MiB), { content: ZERO, populate: true });
    const current = num(k, 'a/memory.current');
    const swap = num(k, 'a/memory.swap.current');
    assert.ok(current <= 30 * MiB && current >= 29 * MiB, `memory.current ${current}`);
    assert.equal(current + swap, 50 * MiB);
    assert.equal(num(k, 'a/memory.stat', 'swpout_zero'), pages(swap), 'every swapped page went out as a zero page');
    assert.equal(num(k, 'a/memory.stat', 'pswpout'), 0);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 0);
    assert.equal(num(k, 'a/memory.events', 'oom'), 0);
    assertClean(k);
  });

  it('(b) a cgroup with swap.max=0 is OOM-killed: oom = oom_kill = 1, swap.current = 0', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    writeFile(k, 'a/memory.max', '10M');
    writeFile(k, 'a/memory.swap.max', '0');
    k.createTask('t', 'a');
    k.mmap('t', 'r', pages(20 * MiB), { content: compressible(0.5), populate: true });
    assert.equal(k.mm.tasks.get('t')!.state, 'oom_killed');
    assert.equal(num(k, 'a/memory.events', 'oom'), 1);
    assert.equal(num(k, 'a/memory.events', 'oom_kill'), 1);
    assert.equal(num(k, '/proc/vmstat', 'oom_kill'), 1);
    assert.equal(num(k, 'a/memory.swap.current'), 0);
    assert.equal(num(k, 'a/memory.current'), 0, 'the victim’s memory went with it');
    // §7.8: reclaim never scanned the anon list, so no swap charge was even attempted
    assert.equal(num(k, 'a/memory.swap.events', 'max'), 0);
    assert.equal(num(k, 'a/memory.stat', 'pgscan'), 0);
    assert.ok(num(k, 'a/memory.events', 'max') > 0);
    assertClean(k);
  });

  it('(c) a 16 MiB device exhausted by a cgroup without a swap limit: swap.events fail > 0, max = 0', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/small', kind: 'partition', sizeBytes: 16 * MiB });
    k.mkdir('a');
    writeFile(k, 'a/memory.max', '8M');
    k.createTask('t', 'a');
    k.mmap('t', 'r', pages(40 * MiB), { content: compressible(0.5), populate: true });
    assert.ok(num(k, 'a/memory.stat', 'pswpout') >= pages(16 * MiB) - 1, 'every usable slot was written');
    assert.ok(num(k, 'a/memory.swap.events', 'fail') > 0);
    assert.equal(num(k, 'a/memory.swap.events', 'max'), 0);
    // with the device full, reclaim stops and the cgroup OOMs; the victim's slots are freed
    assert.equal(k.mm.tasks.get('t')!.state, 'oom_killed');
    assert.equal(num(k, 'a/memory.events', 'oom_kill'), 1);
    assert.equal(num(k, 'a/memory.swap.current'), 0);
    assert.equal(num(k, '/proc/meminfo', 'SwapFree'), num(k, '/proc/meminfo', 'SwapTotal'));
    assertClean(k);
  });
});

describe('§11.18 memory.swap.max reached', () => {
  it('the charge fails: max and fail on the charging cgroup (hierarchical up to the limit), slots freed, folio kept', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('p');
    k.mkdir('p/c');
    writeFile(k, 'p/memory.swap.max', '1M');
    k.createTask('t', 'p/c');
    k.mmap('t', 'r', 512, { populate: true });
    const reclaimed = k.pageout('t', 'r');
    assert.equal(reclaimed, 256, 'only the first 1M fits under swap.max');
    assert.equal(num(k, 'p/memory.swap.current'), MiB);
    assert.equal(num(k, '/proc/swaps', '/dev/sda Used'), 1024, 'the refused folios’ slots were released');
    assert.equal(num(k, 'p/c/memory.current'), MiB, 'the refused folios stay in memory');
    // __mem_cgroup_try_charge_swap() counts both events on the charging cgroup
    assert.equal(k.memcgs.lookup('p/c')!.swapEventsLocal.max, 256);
    assert.equal(k.memcgs.lookup('p/c')!.swapEventsLocal.fail, 256);
    assert.equal(k.memcgs.lookup('p')!.swapEventsLocal.max, 0);
    assert.equal(num(k, 'p/memory.swap.events', 'max'), 256, 'the limiting parent sees them hierarchically');
    assert.equal(num(k, 'p/memory.swap.events', 'fail'), 256);
    assert.equal(num(k, 'p/c/memory.swap.events', 'max'), 256);
    assertClean(k);
  });

  it('a system-wide shortage counts only fail', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/tiny', kind: 'partition', sizeBytes: MiB });
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 512, { populate: true });
    assert.equal(k.pageout('t', 'r'), 255);
    assert.equal(num(k, 'a/memory.swap.events', 'fail'), 257);
    assert.equal(num(k, 'a/memory.swap.events', 'max'), 0);
    assertClean(k);
  });
});

describe('§11.19 / §7.8 memory.swap.max=0', () => {
  it('reclaim targeted at the cgroup does not scan its anon list: memory.reclaim fails with EAGAIN', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    writeFile(k, 'a/memory.swap.max', '0');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 256, { populate: true });
    throwsErrno(() => writeFile(k, 'a/memory.reclaim', '512K'), 'EAGAIN');
    assert.equal(num(k, 'a/memory.stat', 'pgscan'), 0);
    assert.equal(num(k, 'a/memory.current'), MiB);
    assert.equal(num(k, 'a/memory.swap.events', 'fail'), 0);
    assertClean(k);
  });

  it('global reclaim skips it too (get_scan_count() checks the lruvec’s memcg); another cgroup pays', () => {
    const k = machine({ ramBytes: 8 * MiB });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('nosw');
    k.mkdir('other');
    writeFile(k, 'nosw/memory.swap.max', '0');
    k.createTask('a', 'nosw');
    k.createTask('b', 'other');
    k.mmap('a', 'r', pages(3 * MiB), { populate: true });
    k.mmap('b', 'r', pages(7 * MiB), { populate: true });
    assert.equal(num(k, 'nosw/memory.current'), 3 * MiB, 'nothing was taken from the cgroup without swap');
    assert.equal(num(k, 'nosw/memory.stat', 'pgscan'), 0);
    assert.equal(num(k, 'nosw/memory.swap.events', 'max'), 0);
    assert.ok(num(k, 'other/memory.stat', 'pswpout') > 0);
    assertClean(k);
  });

  it('MADV_PAGEOUT still reaches the charge: max + fail, the slot is released and the folio activated', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    writeFile(k, 'a/memory.swap.max', '0');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 10, { populate: true });
    assert.equal(num(k, 'a/memory.stat', 'active_anon'), 0);
    assert.equal(k.pageout('t', 'r'), 0);
    assert.equal(num(k, 'a/memory.swap.events', 'max'), 10);
    assert.equal(num(k, 'a/memory.swap.events', 'fail'), 10);
    assert.equal(num(k, 'a/memory.swap.current'), 0);
    assert.equal(num(k, '/proc/swaps', '/dev/sda Used'), 0);
    assert.equal(num(k, 'a/memory.stat', 'active_anon'), 10 * PAGE);
    assertClean(k);
  });
});

describe('memory.high and memory.swap.high', () => {
  it('memory.high reclaims on each charge above it and counts high events; it never OOMs', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    writeFile(k, 'a/memory.high', '1M');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 1024, { populate: true });
    assert.ok(num(k, 'a/memory.events', 'high') > 0);
    assert.ok(num(k, 'a/memory.current') <= MiB + PAGE);
    assert.equal(num(k, 'a/memory.current') + num(k, 'a/memory.swap.current'), 4 * MiB);
    assert.equal(num(k, 'a/memory.events', 'max'), 0);
    assert.equal(num(k, 'a/memory.events', 'oom'), 0);
    assertClean(k);
  });

  it('lowering memory.high reclaims down to it at the write, without events', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 1024, { populate: true });
    writeFile(k, 'a/memory.high', '2M');
    assert.ok(num(k, 'a/memory.current') <= 2 * MiB);
    assert.equal(num(k, 'a/memory.events', 'high'), 0);
    assertClean(k);
  });

  it('swap usage above memory.swap.high counts swap high events when the cgroup charges memory', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    writeFile(k, 'a/memory.max', '1M');
    writeFile(k, 'a/memory.swap.high', '256K');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 512, { populate: true });
    assert.ok(num(k, 'a/memory.swap.current') > 256 * 1024);
    assert.ok(num(k, 'a/memory.swap.events', 'high') > 0);
    assert.equal(num(k, 'a/memory.swap.events', 'max'), 0);
    assertClean(k);
  });
});

describe('memory.max writes and memory.reclaim', () => {
  it('lowering memory.max reclaims down to it; with nothing reclaimable it OOM-kills inside the cgroup', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 1024, { populate: true });
    writeFile(k, 'a/memory.max', '1M');
    assert.ok(num(k, 'a/memory.current') <= MiB);
    assert.equal(num(k, 'a/memory.events', 'oom'), 0);
    writeFile(k, 'a/memory.swap.max', '0');
    k.touch('t', 'r');
    assert.equal(k.mm.tasks.get('t')!.state, 'oom_killed', 'swapping back in with no swap headroom runs out');
    assertClean(k);
  });

  it('memory.reclaim: success reclaims at least the amount; a short reclaim is EAGAIN and keeps its progress', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 512, { populate: true });
    throwsErrno(() => writeFile(k, 'a/memory.reclaim', '1M'), 'EAGAIN');
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 1 * MiB });
    throwsErrno(() => writeFile(k, 'a/memory.reclaim', '2M'), 'EAGAIN');
    assert.equal(
      num(k, 'a/memory.swap.current'),
      MiB - PAGE,
      'the device filled up before the target was met: progress stays',
    );
    k.swaponDevice({ path: '/dev/sdb', kind: 'partition', sizeBytes: 64 * MiB });
    const before = num(k, 'a/memory.current');
    writeFile(k, 'a/memory.reclaim', '256K');
    assert.ok(before - num(k, 'a/memory.current') >= 256 * 1024);
    writeFile(k, 'a/memory.reclaim', '0');
    assertClean(k);
  });

  it('memory.reclaim arguments: swappiness=0 leaves anon alone, bad arguments are EINVAL', () => {
    const k = machine({ swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 256, { populate: true });
    throwsErrno(() => writeFile(k, 'a/memory.reclaim', '512K swappiness=0'), 'EAGAIN');
    assert.equal(num(k, 'a/memory.current'), MiB);
    for (const bad of ['', 'abc', '1M foo=1', '1M swappiness=300', '1M swappiness=-1', '1M swappiness=x']) {
      throwsErrno(() => writeFile(k, 'a/memory.reclaim', bad), 'EINVAL');
    }
    writeFile(k, 'a/memory.reclaim', '128K  swappiness=max');
    writeFile(k, 'a/memory.reclaim', '128K swappiness=100');
    assert.ok(num(k, 'a/memory.current') <= MiB - 256 * 1024);
    assertClean(k);
  });
});

describe('OOM', () => {
  it('the victim is the task with the highest badness (rss + swap entries), not the one that faulted', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    writeFile(k, 'a/memory.max', '8M');
    writeFile(k, 'a/memory.swap.max', '0');
    k.createTask('small', 'a');
    k.createTask('big', 'a');
    k.mmap('small', 'r', 256, { populate: true });
    k.mmap('big', 'r', pages(6 * MiB), { populate: true });
    k.mmap('small', 's', pages(2 * MiB), { populate: true });
    assert.equal(k.mm.tasks.get('big')!.state, 'oom_killed');
    assert.equal(k.mm.tasks.get('small')!.state, 'alive');
    assert.equal(num(k, 'a/memory.events', 'oom'), 1);
    assert.equal(num(k, 'a/memory.events', 'oom_kill'), 1);
    assert.equal(num(k, 'a/memory.events.local', 'oom_kill'), 1);
    assert.equal(num(k, '/proc/vmstat', 'oom_kill'), 1);
    assert.equal(num(k, 'a/memory.current'), 3 * MiB);
    assertClean(k);
  });

  it('a victim in a child cgroup counts oom_kill there; the limited parent counts oom', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('p');
    k.mkdir('p/c');
    writeFile(k, 'p/memory.max', '4M');
    writeFile(k, 'p/memory.swap.max', '0');
    k.createTask('t', 'p/c');
    k.mmap('t', 'r', pages(8 * MiB), { populate: true });
    assert.equal(num(k, 'p/memory.events.local', 'oom'), 1);
    assert.equal(num(k, 'p/memory.events.local', 'oom_kill'), 0);
    assert.equal(num(k, 'p/c/memory.events.local', 'oom_kill'), 1);
    assert.equal(num(k, 'p/memory.events', 'oom_kill'), 1);
    assert.equal(
      num(k, 'p/memory.events', 'max'),
      num(k, 'p/memory.events.local', 'max'),
      'max is counted on the limiting cgroup',
    );
    assertClean(k);
  });
});

describe('§11.23 dead cgroup', () => {
  function setup(design: 'p4' | 'ghost') {
    // writes complete at once: the swapins below read the pages back instead of finding them in the swap cache
    const k = machine({ design, swapWriteback: 'sync' });
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('p');
    k.mkdir('p/a');
    k.mkdir('b');
    k.createTask('t', 'p/a');
    k.mmap('t', 'r', 16, { populate: true });
    k.pageout('t', 'r');
    const zombie = k.memcgs.lookup('p/a')!;
    writeFile(k, 'b/cgroup.procs', 't');
    k.rmdir('p/a');
    return { k, zombie };
  }

  it('entries stay charged to the zombie and its ancestors until freed; in 7.2 a swapin charges the faulting task’s cgroup', () => {
    const { k, zombie } = setup('p4');
    assert.equal(zombie.online, false);
    assert.equal(num(k, 'p/memory.swap.current'), 16 * PAGE, 'the parent still sees the zombie’s swap');
    const { type, offset } = slotOf(k, 't', 'r', 0);
    assert.equal(k.swapMemcgId(k.swap.swapInfo[type]!, offset), zombie.id);
    k.touch('t', 'r');
    assert.equal(num(k, 'b/memory.current'), 16 * PAGE, 'charged to the faulting task’s cgroup');
    assert.equal(num(k, 'p/memory.current'), 0);
    assert.equal(num(k, 'p/memory.swap.current'), 16 * PAGE, 'the swap charge stays until the slots are freed');
    k.munmap('t', 'r');
    assert.equal(num(k, 'p/memory.swap.current'), 0);
    assert.equal(zombie.swap.usage, 0);
    assert.equal(zombie.swapIdRefs, 0);
    assertClean(k);
  });

  it('under the ghost RFC the swapin is charged to the dead cgroup’s nearest online ancestor', () => {
    const { k } = setup('ghost');
    k.touch('t', 'r');
    assert.equal(num(k, 'p/memory.current'), 16 * PAGE);
    assert.equal(num(k, 'b/memory.current'), 0);
    assertClean(k);
  });

  it('a zombie’s resident folios swap out charged to the nearest online ancestor', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('p');
    k.mkdir('p/a');
    k.createTask('t', 'p/a');
    k.mmap('t', 'r', 8, { populate: true });
    writeFile(k, '/sys/fs/cgroup/cgroup.procs', 't');
    k.rmdir('p/a');
    assert.equal(num(k, 'p/memory.current'), 8 * PAGE, 'the zombie’s pages are still charged under p');
    k.pageout('t', 'r');
    const p = k.memcgs.lookup('p')!;
    const { type, offset } = slotOf(k, 't', 'r', 0);
    assert.equal(k.swapMemcgId(k.swap.swapInfo[type]!, offset), p.id);
    assert.equal(p.swapIdRefs, 8);
    assert.equal(num(k, 'p/memory.swap.current'), 8 * PAGE);
    assertClean(k);
  });
});

describe('tasks moving between cgroups', () => {
  it('swapped-out pages recorded to an online cgroup come back charged to it, whoever faults them', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('a');
    k.mkdir('b');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 32, { populate: true });
    k.pageout('t', 'r');
    writeFile(k, 'b/cgroup.procs', 't');
    k.touch('t', 'r');
    assert.equal(num(k, 'a/memory.current'), 32 * PAGE);
    assert.equal(num(k, 'b/memory.current'), 0);
    assert.equal(readValue(k, 'a/cgroup.procs'), '');
    assertClean(k);
  });
});
