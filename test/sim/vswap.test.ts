/**
 * The vswap and vswap-ste profiles (docs/kernel-model.md §8.2, §8.3; the
 * behaviour differences of the seed, §8.1 objections 2-9): one hidden vswap
 * device with dynamic clusters; the backend is chosen at writeout (zero,
 * zswap, or a physical slot with an rmap POINTER); zswap writeback moves
 * the backend without touching PTEs; freeing frees both layers; swapoff of
 * a physical device follows the rmap; charging differs between v3 and STE.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VtTag } from '../../server/sim/cluster';
import { PG_dirty } from '../../server/sim/folio';
import { pteIsPresent } from '../../server/sim/mm';
import { freeSwap, meminfo, procSwaps, procSwapsText } from '../../server/sim/procfs';
import { swapCacheLookup } from '../../server/sim/swap_state';
import { SWP_VSWAP, VSWAP_PATH } from '../../server/sim/swapfile';
import { swpOffset, swpType } from '../../server/sim/swap_entry';
import { SlotKind, tbKind, tbZero } from '../../server/sim/swap_table';
import { rmapTarget, slotBackend } from '../../server/sim/virtual_layer';
import { MiB, assertClean, kernel, throwsErrno } from './util';
import {
  COMPRESSIBLE,
  INCOMPRESSIBLE,
  ZERO,
  backing,
  machine,
  physicalInUse,
  pteSlot,
  virtualFingerprint,
} from './vswap_util';

const VIRTUAL = ['vswap', 'vswap-ste'] as const;
const PAGE_KIB = 4;

for (const design of VIRTUAL) {
  describe(`${design}: the virtual layer`, () => {
    it('boots with a vswap device of 8 × RAM that /proc/swaps, free and meminfo do not show; it cannot be swapped on or off', () => {
      const k = kernel({ design });
      const v = k.swap.vswap!;
      assert.ok(v, 'the vswap device exists from boot');
      assert.ok(v.flags & SWP_VSWAP && v.dynamic);
      assert.equal(v.max, 8 * k.geom.ramPages);
      assert.deepEqual(procSwaps(k), []);
      assert.equal(meminfo(k).SwapTotal, 0);
      k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB });
      assert.deepEqual(
        procSwaps(k).map((r) => r.Filename),
        ['/dev/vdb'],
      );
      assert.doesNotMatch(procSwapsText(k), /vswap/);
      assert.equal(freeSwap(k).total, (16 * MiB) / 1024 - PAGE_KIB);
      assert.equal(meminfo(k).SwapFree, (16 * MiB) / 1024 - PAGE_KIB);
      throwsErrno(() => k.swapoffDevice(v.path), 'EINVAL');
      throwsErrno(() => k.swaponDevice({ path: VSWAP_PATH, kind: 'partition', sizeBytes: MiB }), 'EINVAL');
      assert.equal(k.swap.swapInfo[v.type], v, 'still there after the refused swapoff');
      assertClean(k);
    });

    it('a swapout takes a virtual slot; zswap-held pages never get a physical slot', () => {
      const k = machine({ design, zswap: true });
      k.mmap('t', 'c', 8, { populate: true, content: COMPRESSIBLE });
      assert.equal(k.pageout('t', 'c'), 8);
      for (let i = 0; i < 8; i++) {
        const { si, offset } = pteSlot(k, 't', 'c', i);
        assert.equal(si, k.swap.vswap, 'the PTE holds a virtual entry');
        assert.equal(backing(si, offset).tag, VtTag.ZSWAP);
        assert.equal(si.slotCount(offset), 1);
      }
      assert.equal(physicalInUse(k), 0);
      assert.equal(k.vmstat.events.zswpout, 8);
      assert.equal(k.vmstat.events.pswpout, 0);
      assertClean(k);
    });

    it('a folio whose writeout is refused keeps its virtual slot and no backend (tag NONE + PFN); still no physical slot', () => {
      const k = machine({ design, zswap: true });
      k.setZswapWriteback('g', false);
      k.mmap('t', 'i', 4, { populate: true, content: INCOMPRESSIBLE });
      assert.equal(k.pageout('t', 'i'), 0, 'rejected by zswap, writeback forbidden: activated');
      const v = k.swap.vswap!;
      assert.equal(v.inusePages, 4, 'the virtual slots stay with the folio in the swap cache');
      assert.equal(physicalInUse(k), 0);
      for (const ci of v.clusters()) {
        for (let i = 0; i < ci.count; i++) {
          const off = ci.idx * k.geom.clusterSlots + i;
          if (tbKind(v.slotMeta(off)) !== SlotKind.PFN) continue;
          assert.equal(backing(v, off).tag, VtTag.NONE);
        }
      }
      assertClean(k);
    });

    it('zero-filled pages are a backend of their own: Z flag, no zswap entry, no physical slot; swapin zero-fills', () => {
      const k = machine({ design, zswap: true });
      k.mmap('t', 'z', 4, { populate: true, content: ZERO });
      k.pageout('t', 'z');
      const { si, offset } = pteSlot(k, 't', 'z', 0);
      assert.ok(tbZero(si.slotMeta(offset)));
      assert.equal(backing(si, offset).tag, VtTag.NONE);
      assert.equal(k.zswap.entries.size, 0);
      assert.equal(physicalInUse(k), 0);
      assert.equal(k.vmstat.events.swpout_zero, 4);
      k.touch('t', 'z');
      assert.equal(k.vmstat.events.swpin_zero, 4);
      assert.equal(k.vmstat.events.pswpin, 0);
      assertClean(k);
    });

    it('an incompressible page with zswap off is written to a physical slot whose table entry points back (POINTER rmap)', () => {
      const k = machine({ design });
      k.mmap('t', 'i', 4, { populate: true, content: INCOMPRESSIBLE });
      k.pageout('t', 'i');
      const vdb = k.swap.byPath('/dev/vdb')!;
      assert.equal(vdb.inusePages, 4);
      for (let i = 0; i < 4; i++) {
        const { si, offset, entry } = pteSlot(k, 't', 'i', i);
        const b = backing(si, offset);
        assert.equal(b.tag, VtTag.SWAPFILE);
        assert.equal(b.physical!.type, vdb.type);
        assert.equal(tbKind(vdb.slotMeta(b.physical!.offset)), SlotKind.POINTER);
        assert.equal(vdb.slotVal(b.physical!.offset), offset, 'the POINTER holds the virtual offset');
        assert.equal(rmapTarget(vdb, b.physical!.offset), entry);
      }
      assert.equal(k.vmstat.events.pswpout, 4);
      assertClean(k);
    });

    it('a page zswap rejects (pool limit) falls through to a physical slot', () => {
      const k = machine({ swapWriteback: 'sync', design, zswap: true });
      k.setZswapParam('max_pool_percent', 0);
      k.mmap('t', 'c', 4, { populate: true, content: COMPRESSIBLE });
      assert.equal(k.pageout('t', 'c'), 4);
      assert.equal(k.vmstat.events.zswpout, 0);
      assert.ok(k.zswap.stats.pool_limit_hit > 0);
      assert.equal(k.vmstat.events.pswpout, 4);
      const { si, offset } = pteSlot(k, 't', 'c', 0);
      assert.equal(backing(si, offset).tag, VtTag.SWAPFILE);
      assertClean(k);
    });

    it('zswap writeback moves the backend to a physical slot and leaves the PTEs alone', () => {
      const k = machine({ design, zswap: true });
      k.mmap('t', 'c', 4, { populate: true, content: COMPRESSIBLE });
      k.pageout('t', 'c');
      const before = Array.from(k.vma('t', 'c').pte);
      assert.equal(k.zswapShrink(4), 4);
      assert.deepEqual(Array.from(k.vma('t', 'c').pte), before, 'PTEs untouched');
      for (let i = 0; i < 4; i++) {
        const { si, offset } = pteSlot(k, 't', 'c', i);
        assert.equal(backing(si, offset).tag, VtTag.SWAPFILE);
      }
      assert.equal(k.zswap.entries.size, 0);
      assert.equal(k.vmstat.events.zswpwb, 4);
      assert.equal(k.vmstat.events.pswpout, 4);
      assert.equal(k.swap.byPath('/dev/vdb')!.inusePages, 4);
      k.touch('t', 'c');
      assert.equal(k.vmstat.events.pswpin, 4, 'read back from the disk');
      assertClean(k);
    });

    it('without a physical device zswap cannot write back and a rejected page stays in memory', () => {
      const k = kernel({ design });
      k.createTask('t');
      k.setZswapParam('enabled', true);
      k.mmap('t', 'c', 2, { populate: true, content: COMPRESSIBLE });
      k.pageout('t', 'c');
      assert.equal(k.zswapShrink(2), 0);
      k.setZswapParam('enabled', false);
      k.mmap('t', 'i', 2, { populate: true, content: INCOMPRESSIBLE });
      assert.equal(k.pageout('t', 'i'), 0);
      // unmapped already, so the folio stays in the swap cache of its virtual slot (NONE + PFN)
      const { si, offset, entry } = pteSlot(k, 't', 'i', 0);
      assert.ok(swapCacheLookup(k, entry) >= 0);
      assert.equal(backing(si, offset).tag, VtTag.NONE);
      k.touch('t', 'i');
      assert.ok(pteIsPresent(k.vma('t', 'i').pte[0]!));
      assert.equal(k.vmstat.events.pgmajfault, 0, 'a minor fault: the data never left memory');
      assertClean(k);
    });

    it('a disk swapin keeps the physical slot behind the cached folio; freeing the virtual slot frees it', () => {
      const k = machine({ design });
      k.mmap('t', 'i', 1, { populate: true, content: INCOMPRESSIBLE });
      k.pageout('t', 'i');
      const { si, offset, entry } = pteSlot(k, 't', 'i', 0);
      k.touch('t', 'i');
      assert.equal(tbKind(si.slotMeta(offset)), SlotKind.PFN, 'the folio stays in the swap cache');
      assert.equal(backing(si, offset).tag, VtTag.SWAPFILE, 'disk copy still valid');
      assert.equal(physicalInUse(k), 1);
      const pfn = swapCacheLookup(k, entry);
      assert.equal(k.folios.test(pfn, PG_dirty), false, 'clean: a later reclaim needs no I/O');
      k.pageout('t', 'i');
      assert.equal(k.vmstat.events.pswpout, 1, 'reclaimed again without a write');
      k.munmap('t', 'i');
      assert.equal(si.inusePages, 0);
      assert.equal(physicalInUse(k), 0, 'the backing went with the virtual slot');
      assertClean(k);
    });

    it('a dirtied folio releases its old disk copy before the new writeout', () => {
      const k = machine({ design });
      k.mmap('t', 'i', 1, { populate: true, content: INCOMPRESSIBLE });
      k.pageout('t', 'i');
      const { offset: oldPhys } = backing(k.swap.vswap!, pteSlot(k, 't', 'i', 0).offset).physical!;
      // a read fault keeps the folio in the swap cache (swap is not full), backing and all
      k.touch('t', 'i', 0, 1, false);
      const mark = k.log.length;
      // the write frees the swap (folio_free_swap()) and with it the disk copy; the next pageout writes anew
      k.touch('t', 'i', 0, 1, true);
      k.pageout('t', 'i');
      const ev = k.log.since(mark);
      const vdb = k.swap.byPath('/dev/vdb')!;
      const freed = ev.findIndex((e) => e.kind === 'slot-free' && e.type === vdb.type && e.offset === oldPhys);
      const alloc = ev.findIndex((e) => e.kind === 'slot-alloc' && e.type === vdb.type);
      assert.ok(freed >= 0 && alloc > freed, 'old backing freed, then a new one allocated');
      assert.equal(k.vmstat.events.pswpout, 2);
      assert.equal(physicalInUse(k), 1);
      assertClean(k);
    });

    it('munmap frees both layers: virtual slots, zswap entries and physical slots', () => {
      const k = machine({ design, zswap: true });
      k.mmap('t', 'c', 8, { populate: true, content: COMPRESSIBLE });
      k.pageout('t', 'c');
      k.zswapShrink(3);
      k.mmap('t', 'z', 2, { populate: true, content: ZERO });
      k.pageout('t', 'z');
      assert.equal(physicalInUse(k), 3);
      assert.equal(k.zswap.entries.size, 5);
      k.munmap('t', 'c');
      k.munmap('t', 'z');
      assert.equal(k.swap.vswap!.inusePages, 0);
      assert.equal(physicalInUse(k), 0);
      assert.equal(k.zswap.entries.size, 0);
      assertClean(k);
    });

    it('swapoff of the physical device follows the rmap: PTEs keep their virtual entries, the pages land in the swap cache', () => {
      const k = machine({ swapWriteback: 'sync', design });
      k.mmap('t', 'i', 8, { populate: true, content: INCOMPRESSIBLE });
      k.pageout('t', 'i');
      const before = Array.from(k.vma('t', 'i').pte);
      const mark = k.log.length;
      k.swapoffDevice('/dev/vdb');
      assert.equal(k.swap.byPath('/dev/vdb'), undefined);
      assert.deepEqual(Array.from(k.vma('t', 'i').pte), before, 'no page table was touched');
      assert.equal(k.vmstat.events.pswpin, 8);
      assert.equal(k.stat.nrSwapcache, 8);
      // one swapin per page, merged into runs of contiguous slots (events.ts)
      const swapins = k.log.since(mark).filter((e) => e.kind === 'swapin' && e.type === k.swap.vswap!.type);
      assert.equal(
        swapins.reduce((n, e) => n + (e.kind === 'swapin' ? e.nr : 0), 0),
        8,
      );
      for (let i = 0; i < 8; i++) {
        const { si, offset, entry } = pteSlot(k, 't', 'i', i);
        assert.equal(backing(si, offset).tag, VtTag.NONE);
        assert.equal(si.slotCount(offset), 1);
        const pfn = swapCacheLookup(k, entry);
        assert.ok(pfn >= 0 && k.folios.test(pfn, PG_dirty), 'cached and dirty: the only copy');
      }
      k.touch('t', 'i');
      assert.equal(k.vmstat.events.pswpin, 8, 'minor faults from the swap cache');
      assert.equal(k.vmstat.events.pgmajfault, 0);
      assertClean(k);
    });

    it('an interrupted rmap swapoff keeps the pages it brought in and the rest stay on the device', () => {
      const k = machine({ swapWriteback: 'sync', design });
      k.mmap('t', 'i', 8, { populate: true, content: INCOMPRESSIBLE });
      k.pageout('t', 'i');
      throwsErrno(() => k.swapoffDevice('/dev/vdb', { signalAfterPages: 3 }), 'EINTR');
      const vdb = k.swap.byPath('/dev/vdb')!;
      assert.equal(vdb.inusePages, 5);
      assert.equal(k.stat.nrSwapcache, 3);
      assert.equal(procSwaps(k).length, 1, 'back on /proc/swaps');
      assertClean(k);
    });

    it('empty vswap clusters are freed (cluster 0 stays); undo brings them back exactly', () => {
      const k = machine({ design });
      const v = k.swap.vswap!;
      k.mmap('t', 'z', 700, { populate: true, content: ZERO });
      k.pageout('t', 'z');
      assert.deepEqual(
        v.clusters().map((c) => c.idx),
        [0, 1],
      );
      const fp = virtualFingerprint(k);
      const m = k.mark();
      const events = k.log.length;
      k.munmap('t', 'z');
      assert.deepEqual(
        v.clusters().map((c) => c.idx),
        [0],
        'cluster 1 died; cluster 0 holds the header',
      );
      assert.ok(
        k.log
          .since(events)
          .some((e) => e.kind === 'cluster-move' && e.type === v.type && e.cluster === 1 && e.to === 'dead'),
      );
      k.rollback(m);
      assert.deepEqual(
        v.clusters().map((c) => c.idx),
        [0, 1],
      );
      assert.equal(virtualFingerprint(k), fp);
      assertClean(k);
    });
  });
}

describe('slot backends by name (the §8.3 state table)', () => {
  for (const design of ['p4', 'vswap', 'vswap-ste'] as const) {
    it(`${design}: zero, zswap, swapfile, folio; a backing slot reads as rmap`, () => {
      const k = machine({ design, zswap: true });
      k.mmap('t', 'z', 1, { populate: true, content: ZERO });
      k.mmap('t', 'c', 1, { populate: true, content: COMPRESSIBLE });
      k.pageout('t', 'z');
      k.pageout('t', 'c');
      k.setZswapParam('enabled', false);
      k.mmap('t', 'i', 1, { populate: true, content: INCOMPRESSIBLE });
      k.pageout('t', 'i');
      const name = (region: string): string => {
        const { si, offset } = pteSlot(k, 't', region, 0);
        return slotBackend(k, si, offset);
      };
      assert.deepEqual([name('z'), name('c'), name('i')], ['zero', 'zswap', 'swapfile']);
      if (design !== 'p4') {
        const { si, offset } = pteSlot(k, 't', 'i', 0);
        const phys = backing(si, offset).physical!;
        assert.equal(slotBackend(k, k.swap.swapInfo[phys.type]!, phys.offset), 'rmap');
      }
      k.setZswapWriteback('g', false);
      k.setZswapParam('enabled', true);
      k.mmap('t', 'k', 1, { populate: true, content: INCOMPRESSIBLE });
      k.pageout('t', 'k');
      assert.equal(name('k'), 'folio', 'refused writeout: only the cached folio holds the data');
      assertClean(k);
    });
  }
});

describe('charging (§8.1 objection 5)', () => {
  const swapCurrent = (k: ReturnType<typeof machine>): number => k.cgroup('g').swap.usage;

  it('vswap-ste: memory.swap.current counts only the physical backing', () => {
    const k = machine({ design: 'vswap-ste', zswap: true });
    k.mmap('t', 'c', 8, { populate: true, content: COMPRESSIBLE });
    k.mmap('t', 'z', 4, { populate: true, content: ZERO });
    k.pageout('t', 'c');
    k.pageout('t', 'z');
    assert.equal(swapCurrent(k), 0, 'virtual-only slots are not charged');
    assert.equal(k.zswapShrink(3), 3);
    assert.equal(swapCurrent(k), 3, 'charged when the backing is allocated');
    const vdb = k.swap.byPath('/dev/vdb')!;
    const { si, offset } = pteSlot(k, 't', 'c', 0);
    const phys = backing(si, offset).physical;
    if (phys) assert.equal(k.swapMemcgId(vdb, phys.offset), k.cgroup('g').id, 'the charge sits on the physical slot');
    assert.equal(k.swapMemcgId(si, offset), k.cgroup('g').id, 'the virtual slot still names its owner');
    k.munmap('t', 'c');
    assert.equal(swapCurrent(k), 0, 'uncharged with the backing');
    assertClean(k);
  });

  it('vswap v3: memory.swap.current counts every virtual entry, whatever backs it', () => {
    const k = machine({ design: 'vswap', zswap: true });
    k.mmap('t', 'c', 8, { populate: true, content: COMPRESSIBLE });
    k.mmap('t', 'z', 4, { populate: true, content: ZERO });
    k.pageout('t', 'c');
    k.pageout('t', 'z');
    assert.equal(swapCurrent(k), 12);
    k.zswapShrink(3);
    assert.equal(swapCurrent(k), 12, 'moving the backend changes no charge');
    const vdb = k.swap.byPath('/dev/vdb')!;
    const { si, offset } = pteSlot(k, 't', 'c', 0);
    const phys = backing(si, offset).physical;
    if (phys) assert.equal(k.swapMemcgId(vdb, phys.offset), 0, 'the backing slot carries no charge');
    assertClean(k);
  });

  it('vswap-ste: with memory.swap.max=0 zswap still works, but a disk write is refused (max, fail) and the folio kept', () => {
    const k = machine({ design: 'vswap-ste', zswap: true });
    k.setLimit('g', 'memory.swap.max', 0);
    k.mmap('t', 'c', 4, { populate: true, content: COMPRESSIBLE });
    assert.equal(k.pageout('t', 'c'), 4);
    assert.equal(k.vmstat.events.zswpout, 4);
    k.setZswapParam('enabled', false);
    k.mmap('t', 'i', 2, { populate: true, content: INCOMPRESSIBLE });
    assert.equal(k.pageout('t', 'i'), 0);
    const ev = k.cgroup('g').swapEventsLocal;
    assert.ok(ev.max >= 2 && ev.fail >= 2);
    assert.equal(swapCurrent(k), 0);
    assertClean(k);
  });

  it('vswap v3: with memory.swap.max=0 the virtual entry itself is refused', () => {
    const k = machine({ design: 'vswap', zswap: true });
    k.setLimit('g', 'memory.swap.max', 0);
    k.mmap('t', 'c', 4, { populate: true, content: COMPRESSIBLE });
    assert.equal(k.pageout('t', 'c'), 0);
    assert.equal(k.vmstat.events.zswpout, 0);
    assert.ok(k.cgroup('g').swapEventsLocal.fail >= 4);
    assertClean(k);
  });
});

describe('vswap-ste: a full vswap device', () => {
  it('allocation falls back to the physical devices directly (ordinary PFN slots, charged at allocation)', () => {
    // 4 MiB of RAM: the vswap device has 8 × 1024 slots
    const k = kernel({ design: 'vswap-ste', ramBytes: 4 * MiB, checkInvariants: false });
    k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 64 * MiB });
    k.mkdir('g');
    k.createTask('t', 'g');
    const v = k.swap.vswap!;
    k.mmap('t', 'z', v.pages + k.geom.ramPages + 600, { populate: true, content: ZERO });
    assert.equal(v.inusePages, v.pages, 'the vswap device filled up');
    const vdb = k.swap.byPath('/dev/vdb')!;
    assert.ok(vdb.inusePages > 0, 'the rest went to /dev/vdb');
    let direct = 0;
    for (const p of k.vma('t', 'z').pte) {
      if (p < 0 && swpType(-p - 1) === vdb.type) {
        direct++;
        assert.equal(tbKind(vdb.slotMeta(swpOffset(-p - 1))), SlotKind.SHADOW, 'a direct slot, not a POINTER');
      }
    }
    assert.equal(direct, vdb.inusePages);
    assert.equal(k.cgroup('g').swap.usage, direct, 'only the direct physical slots are charged');
    assertClean(k);
  });
});

describe('vswap v3: a full vswap device', () => {
  it('has no fallback: once the virtual space is used up nothing more is swapped out, and no physical slot is used', () => {
    const k = kernel({ design: 'vswap', ramBytes: 4 * MiB, checkInvariants: false });
    k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 64 * MiB });
    k.createTask('t');
    const v = k.swap.vswap!;
    k.mmap('t', 'z', v.pages + 200, { populate: true, content: ZERO });
    const room = v.pages - v.inusePages;
    const failsBefore = k.memcgs.root.swapEventsLocal.fail;
    assert.equal(k.pageout('t', 'z'), room, 'only as many as the virtual space still holds');
    assert.equal(v.inusePages, v.pages);
    assert.ok(k.memcgs.root.swapEventsLocal.fail > failsBefore, 'the rest failed to get a virtual slot');
    assert.equal(k.swap.byPath('/dev/vdb')!.inusePages, 0, 'physical slots only ever back virtual ones');
    assertClean(k);
  });
});
