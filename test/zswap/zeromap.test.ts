/**
 * Zero-filled pages (docs/kernel-model.md §6, §11.11, §11.12): the Z flag in the
 * swap table, the counters, and the large-swapin fallback when the slots
 * of an aligned range disagree on Z or on the memcg id.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentOf, decodeContent, type ContentSpec } from '../../server/sim/content';
import { ptePfn } from '../../server/sim/mm';
import { SlotKind, tbKind, tbZero } from '../../server/sim/swap_table';
import { writeFile } from '../../server/sim/vfs';
import type { Kernel } from '../../server/sim/kernel';
import { MiB, PAGE, ZERO, assertClean, compressible, machine, num, slotOf } from '../memcg/helpers';

const HP = '/sys/kernel/mm/transparent_hugepage/hugepages-64kB/stats';

function meta(k: Kernel, task: string, region: string, idx: number): number {
  const { type, offset } = slotOf(k, task, region, idx);
  return k.swap.swapInfo[type]!.slotMeta(offset);
}

describe('§11.11 zero page swapout and swapin', () => {
  it('swapout sets Z and counts swpout_zero only; the slot is allocated and charged; swapin zero-fills with swpin_zero', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 64 * MiB });
    writeFile(k, '/sys/module/zswap/parameters/enabled', 'Y');
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 16, { populate: true, content: ZERO });
    assert.equal(k.pageout('t', 'r'), 16);
    for (let i = 0; i < 16; i++) {
      const m = meta(k, 't', 'r', i);
      assert.equal(tbKind(m), SlotKind.SHADOW);
      assert.ok(tbZero(m), `slot of page ${i} has Z`);
    }
    assert.equal(num(k, '/proc/vmstat', 'swpout_zero'), 16);
    assert.equal(num(k, 'a/memory.stat', 'swpout_zero'), 16);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 0);
    assert.equal(num(k, '/proc/vmstat', 'zswpout'), 0, 'zero pages never reach zswap');
    assert.equal(num(k, 'a/memory.swap.current'), 16 * PAGE, 'the slots are allocated and charged');
    assert.equal(num(k, '/proc/swaps', '/dev/sda Used'), 64);

    k.touch('t', 'r');
    assert.equal(num(k, '/proc/vmstat', 'swpin_zero'), 16);
    assert.equal(num(k, 'a/memory.stat', 'swpin_zero'), 16);
    assert.equal(num(k, '/proc/vmstat', 'pswpin'), 0, 'no I/O');
    assert.equal(num(k, '/proc/vmstat', 'zswpin'), 0);
    const pfn = ptePfn(k.vma('t', 'r').pte[3]!);
    assert.equal(decodeContent(k.folios.content[pfn]!).kind, 'zero');
    // the folios stay in the swap cache: PFN entries that keep the count and Z
    const si = k.swap.devices[0]!;
    const off = k.folios.swap[k.folios.head[pfn]!]! % 2 ** 32;
    assert.equal(tbKind(si.slotMeta(off)), SlotKind.PFN);
    assert.ok(tbZero(si.slotMeta(off)), 'Z survives the shadow -> PFN transition');
    assert.equal(num(k, 'a/memory.swap.current'), 16 * PAGE);
    k.munmap('t', 'r');
    assert.equal(si.slotMeta(off), 0, 'freeing the slot clears Z with the rest of the entry');
    assert.equal(num(k, 'a/memory.swap.current'), 0);
    assertClean(k);
  });

  it('a whole zero mTHP on zram comes back as one folio in one zero-fill', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 16 * MiB });
    k.createTask('t');
    k.mmap('t', 'r', 16, { order: 4, populate: true, content: ZERO });
    k.pageout('t', 'r');
    assert.equal(num(k, '/proc/vmstat', 'swpout_zero'), 16);
    assert.equal(num(k, `${HP}/swpout`), 0, 'the per-size swpout counts device writes only');
    for (let i = 0; i < 16; i++) assert.ok(tbZero(meta(k, 't', 'r', i)));
    k.touch('t', 'r', 0, 1);
    assert.equal(num(k, `${HP}/swpin`), 1);
    assert.equal(num(k, '/proc/vmstat', 'swpin_zero'), 16);
    assert.equal(k.folios.order[k.folios.head[ptePfn(k.vma('t', 'r').pte[0]!)]!], 4);
    assertClean(k);
  });
});

describe('§11.12 large swapin needs uniform slots', () => {
  /**
   * On a 4 MiB zram device, fill cluster 0 with another task's pages so the
   * next order-0 slots are 512.., then swap out the 16 pages of an order-4
   * mapping one by one (MADV_PAGEOUT of half the folio splits it): page i
   * lands in slot 512 + i, an aligned run that a large swapin can take.
   */
  function setup(content: ContentSpec, between?: (k: Kernel) => void): Kernel {
    const k = machine();
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 4 * MiB });
    k.mkdir('a');
    k.mkdir('b');
    k.createTask('filler');
    k.mmap('filler', 'f', 511, { populate: true, content: compressible(0.5) });
    k.pageout('filler', 'f');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 16, { order: 4, populate: true, content });
    k.pageout('t', 'r', 0, 8);
    between?.(k);
    k.pageout('t', 'r', 8, 16);
    for (let i = 0; i < 16; i++)
      assert.equal(slotOf(k, 't', 'r', i).offset, 512 + i, 'precondition: an aligned run of slots');
    return k;
  }

  /** mTHP swapin counters for orders 1..4 of a 4K-page machine (8K..64K). */
  function swpin(k: Kernel, stat: 'swpin' | 'swpin_fallback'): number[] {
    return [1, 2, 3, 4].map((o) => num(k, `/sys/kernel/mm/transparent_hugepage/hugepages-${4 << o}kB/stats/${stat}`));
  }

  it('slots that disagree on Z: the swapin falls back to the largest aligned order whose slots agree', () => {
    const mix: ContentSpec = [
      { content: { kind: 'zero' }, percent: 50 },
      { content: { kind: 'compressible', ratio: 0.5 }, percent: 50 },
    ];
    const k = setup(mix);
    const zero = Array.from({ length: 16 }, (_, i) => contentOf(mix, k.vma('t', 'r').contentSeed, i).kind === 'zero');
    assert.ok(zero.includes(true) && zero.includes(false), 'precondition: the range mixes zero and non-zero pages');
    for (let i = 0; i < 16; i++) assert.equal(tbZero(meta(k, 't', 'r', i)), zero[i], `Z of slot ${512 + i}`);
    let order = 4;
    while (order > 0 && zero.slice(0, 1 << order).some((z) => z !== zero[0])) order--;
    const before = { pswpin: num(k, '/proc/vmstat', 'pswpin'), swpinZero: num(k, '/proc/vmstat', 'swpin_zero') };
    k.touch('t', 'r', 0, 1);
    const head = k.folios.head[ptePfn(k.vma('t', 'r').pte[0]!)]!;
    assert.equal(k.folios.order[head], order, `swapped in at order ${order}`);
    assert.deepEqual(
      swpin(k, 'swpin_fallback'),
      [1, 2, 3, 4].map((o) => (o > order ? 1 : 0)),
    );
    assert.deepEqual(
      swpin(k, 'swpin'),
      [1, 2, 3, 4].map((o) => (o === order ? 1 : 0)),
    );
    const nr = 1 << order;
    if (zero[0]) assert.equal(num(k, '/proc/vmstat', 'swpin_zero') - before.swpinZero, nr);
    else assert.equal(num(k, '/proc/vmstat', 'pswpin') - before.pswpin, nr);
    assertClean(k);
  });

  it('slots that disagree on the memcg id fall back too (half recorded to a cgroup removed meanwhile)', () => {
    let a = 0;
    const k = setup(compressible(0.5), (kk) => {
      a = kk.memcgs.lookup('a')!.id;
      writeFile(kk, 'b/cgroup.procs', 't');
      kk.rmdir('a'); // the other half swaps out charged to the nearest online ancestor
    });
    const si = k.swap.devices[0]!;
    assert.equal(k.swapMemcgId(si, 512), a);
    assert.equal(k.swapMemcgId(si, 520), k.memcgs.root.id);
    k.touch('t', 'r', 0, 1);
    const head = k.folios.head[ptePfn(k.vma('t', 'r').pte[0]!)]!;
    assert.equal(k.folios.order[head], 3, 'the first eight slots agree');
    assert.deepEqual(swpin(k, 'swpin_fallback'), [0, 0, 0, 1]);
    assert.deepEqual(swpin(k, 'swpin'), [0, 0, 1, 0]);
    assert.equal(
      num(k, 'b/memory.current'),
      8 * PAGE,
      'a dead cgroup’s slots are charged to the faulting task’s cgroup',
    );
    assertClean(k);
  });
});
