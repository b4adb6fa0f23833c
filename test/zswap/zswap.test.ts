/**
 * zswap (docs/kernel-model.md §5, §11.13-§11.17; zswap.rst) through the file
 * interface: store, exclusive load, incompressible pages, the pool limit
 * with its hysteresis, memory.zswap.max, writeback and the shrinker.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PG_dirty } from '../../server/sim/folio';
import { ptePfn } from '../../server/sim/mm';
import { readFile, writeFile } from '../../server/sim/vfs';
import type { Kernel } from '../../server/sim/kernel';
import {
  INCOMPRESSIBLE,
  MiB,
  PAGE,
  assertClean,
  compressible,
  machine,
  num,
  pages,
  zswapLength,
} from '../memcg/helpers';

const P = '/sys/module/zswap/parameters';
const D = '/sys/kernel/debug/zswap';

/** `sync`: device writes complete before pageout returns, so it counts them as reclaimed. */
function zswapMachine(ramMiB = 64, swapWriteback: 'async' | 'sync' = 'async'): Kernel {
  const k = machine({ ramBytes: ramMiB * MiB, swapWriteback });
  k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 256 * MiB });
  writeFile(k, `${P}/enabled`, 'Y');
  return k;
}

describe('§11.13 zswap store', () => {
  it('a compressible page goes to zswap: zswpout, no device write, the slot stays allocated and charged', () => {
    const k = zswapMachine();
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 16, { populate: true, content: compressible(0.25) });
    assert.equal(k.pageout('t', 'r'), 16);
    assert.equal(num(k, '/proc/vmstat', 'zswpout'), 16);
    assert.equal(num(k, 'a/memory.stat', 'zswpout'), 16);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 0);
    assert.equal(num(k, 'a/memory.swap.current'), 16 * PAGE, 'the slots are allocated and charged');
    assert.equal(num(k, '/proc/swaps', '/dev/sda Used'), 64);
    assert.equal(num(k, 'a/memory.zswap.current'), 16 * zswapLength(0.25), 'compressed bytes');
    assert.equal(num(k, 'a/memory.stat', 'zswap'), 16 * zswapLength(0.25));
    assert.equal(num(k, 'a/memory.stat', 'zswapped'), 16 * PAGE);
    const poolPages = Math.ceil((16 * zswapLength(0.25)) / PAGE);
    assert.equal(poolPages, 5);
    assert.equal(num(k, 'a/memory.current'), poolPages * PAGE, 'the compressed bytes are charged in whole pages');
    assert.equal(num(k, '/proc/meminfo', 'Zswap'), poolPages * 4, 'whole pool pages, in kB');
    assert.equal(num(k, '/proc/meminfo', 'Zswapped'), 64);
    assert.equal(num(k, `${D}/stored_pages`), 16);
    assert.equal(num(k, `${D}/pool_total_size`), poolPages * PAGE);
    assertClean(k);
  });

  it('disabled zswap stores nothing; entries already stored stay loadable', () => {
    const k = zswapMachine();
    k.createTask('t');
    k.mmap('t', 'r', 8, { populate: true, content: compressible(0.3) });
    k.pageout('t', 'r', 0, 4);
    writeFile(k, `${P}/enabled`, 'N');
    k.pageout('t', 'r', 4, 8);
    assert.equal(num(k, '/proc/vmstat', 'zswpout'), 4);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 4);
    k.touch('t', 'r');
    assert.equal(num(k, '/proc/vmstat', 'zswpin'), 4);
    assert.equal(num(k, `${D}/stored_pages`), 0);
    assertClean(k);
  });
});

describe('§11.14 exclusive zswap load', () => {
  it('the entry is gone after the swapin, the folio is dirty, the slot still allocated; reclaim must store it again', () => {
    const k = zswapMachine();
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 8, { populate: true, content: compressible(0.4) });
    k.pageout('t', 'r');
    k.touch('t', 'r');
    assert.equal(num(k, '/proc/vmstat', 'zswpin'), 8);
    assert.equal(num(k, 'a/memory.stat', 'zswpin'), 8);
    assert.equal(num(k, `${D}/stored_pages`), 0);
    assert.equal(num(k, 'a/memory.zswap.current'), 0);
    assert.equal(num(k, 'a/memory.swap.current'), 8 * PAGE, 'the slots stay (swap cache, not full)');
    const pfn = ptePfn(k.vma('t', 'r').pte[0]!);
    assert.ok(k.folios.test(k.folios.head[pfn]!, PG_dirty), 'loaded folios are dirty');
    k.pageout('t', 'r');
    assert.equal(num(k, '/proc/vmstat', 'zswpout'), 16, 'written again, not dropped clean');
    assert.equal(num(k, `${D}/stored_pages`), 8);
    assertClean(k);
  });
});

describe('§11.15 incompressible pages', () => {
  it('stored raw with writeback allowed: stored_incompressible_pages, zswap_incomp, page-sized entries', () => {
    const k = zswapMachine();
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 4, { populate: true, content: INCOMPRESSIBLE });
    assert.equal(k.pageout('t', 'r'), 4);
    assert.equal(num(k, `${D}/stored_incompressible_pages`), 4);
    assert.equal(num(k, 'a/memory.stat', 'zswap_incomp'), 4 * PAGE);
    assert.equal(num(k, 'a/memory.zswap.current'), 4 * PAGE);
    assert.equal(num(k, `${D}/pool_total_size`), 4 * PAGE);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 0);
    k.munmap('t', 'r');
    assert.equal(num(k, `${D}/stored_incompressible_pages`), 0, 'a gauge: freed entries leave it');
    assertClean(k);
  });

  it('rejected with memory.zswap.writeback=0: reject_compress_fail, no device write, the folio stays active', () => {
    const k = zswapMachine();
    k.mkdir('a');
    writeFile(k, 'a/memory.zswap.writeback', '0');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 4, { populate: true, content: INCOMPRESSIBLE });
    assert.equal(k.pageout('t', 'r'), 0);
    assert.equal(num(k, `${D}/reject_compress_fail`), 4);
    assert.equal(num(k, `${D}/stored_pages`), 0);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 0);
    assert.equal(num(k, 'a/memory.stat', 'active_anon'), 4 * PAGE);
    assert.equal(num(k, 'a/memory.current'), 4 * PAGE);
    assertClean(k);
  });
});

describe('memory.zswap.writeback', () => {
  it('reads back as written; 0/1 only; the effective value needs every ancestor (a parent’s 0 binds the child)', () => {
    const k = zswapMachine();
    k.mkdir('p');
    k.mkdir('p/c');
    assert.equal(readFile(k, 'p/c/memory.zswap.writeback'), '1\n');
    writeFile(k, 'p/memory.zswap.writeback', '0');
    assert.equal(num(k, 'p/c/memory.zswap.writeback'), 1, 'the child’s own file is unchanged');
    assert.throws(() => writeFile(k, 'p/c/memory.zswap.writeback', '2'), /EINVAL/);
    k.createTask('t', 'p/c');
    k.mmap('t', 'r', 4, { populate: true, content: INCOMPRESSIBLE });
    k.pageout('t', 'r');
    assert.equal(num(k, `${D}/reject_compress_fail`), 4, 'the parent forbids writeback, so the raw store is refused');
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 0, 'and no direct device write happens either');
    writeFile(k, 'p/memory.zswap.writeback', '1');
    k.touch('t', 'r'); // the refused folios sit unmapped in the swap cache: map them again
    k.pageout('t', 'r');
    assert.equal(num(k, `${D}/stored_incompressible_pages`), 4);
    assertClean(k);
  });

  it('with zswap disabled, writeback=0 does not block the device (mem_cgroup_zswap_writeback_enabled())', () => {
    const k = zswapMachine(64, 'sync');
    writeFile(k, `${P}/enabled`, 'N');
    k.mkdir('a');
    writeFile(k, 'a/memory.zswap.writeback', '0');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 4, { populate: true, content: INCOMPRESSIBLE });
    assert.equal(k.pageout('t', 'r'), 4);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 4);
    assertClean(k);
  });
});

describe('§11.16 pool limit hysteresis', () => {
  it('at max_pool_percent stores are refused (pool_limit_hit) until writeback brings the pool to the accept threshold', () => {
    const k = zswapMachine();
    writeFile(k, `${P}/max_pool_percent`, '1');
    const maxPages = Math.floor((pages(64 * MiB) * 1) / 100);
    const thr = Math.floor((maxPages * 90) / 100);
    k.createTask('t');
    k.mmap('t', 'r', 400, { populate: true, content: compressible(0.5) });
    k.pageout('t', 'r', 0, 330);
    const stored = num(k, `${D}/stored_pages`);
    assert.ok(num(k, `${D}/pool_limit_hit`) >= 1);
    assert.ok(k.zswap.poolPages >= maxPages, 'the pool reached its limit');
    assert.equal(num(k, '/proc/vmstat', 'zswpout'), stored);
    assert.equal(
      num(k, '/proc/vmstat', 'pswpout'),
      330 - stored - num(k, `${D}/written_back_pages`),
      'refused folios went to the device',
    );
    assert.equal(k.zswap.poolReachedFull, true);

    // the shrink worker the refusals queued only rotated referenced entries: a second chance each
    assert.equal(num(k, `${D}/written_back_pages`), 0);
    // write a few back by hand: the pool drops below the limit but stays above the threshold
    assert.equal(k.zswapShrink(4), 4);
    assert.ok(k.zswap.poolPages < maxPages && k.zswap.poolPages > thr);
    const hits = num(k, `${D}/pool_limit_hit`);
    const zswpout = num(k, '/proc/vmstat', 'zswpout');
    k.pageout('t', 'r', 330, 331);
    assert.equal(num(k, '/proc/vmstat', 'zswpout'), zswpout, 'still refused: the latch holds until the threshold');
    assert.equal(num(k, `${D}/pool_limit_hit`), hits, 'below the limit a refusal does not count pool_limit_hit');
    // that refusal queued the worker; with the entries now unreferenced it wrote back down to the threshold
    assert.ok(
      k.zswap.poolPages <= thr && k.zswap.poolPages >= thr - 1,
      `pool ${k.zswap.poolPages} pages, threshold ${thr}`,
    );
    const wb = num(k, `${D}/written_back_pages`);
    assert.ok(wb > 4);
    assert.equal(num(k, '/proc/vmstat', 'zswpwb'), wb);
    k.pageout('t', 'r', 331, 332);
    assert.equal(num(k, '/proc/vmstat', 'zswpout'), zswpout + 1, 'accepted again');
    assert.equal(k.zswap.poolReachedFull, false);
    assertClean(k);
  });
});

describe('§11.17 memory.zswap.max', () => {
  it('over the limit zswap writes back one of the cgroup’s own entries (after their second chance) or refuses', () => {
    const k = zswapMachine();
    k.mkdir('a');
    k.mkdir('b');
    writeFile(k, 'a/memory.zswap.max', '8K');
    k.createTask('other', 'b');
    k.mmap('other', 'r', 4, { populate: true, content: compressible(0.35) });
    k.pageout('other', 'r');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 20, { populate: true, content: compressible(0.35) });
    k.pageout('t', 'r');
    const entry = zswapLength(0.35);
    // six entries (two whole pages of compressed bytes) fill the limit. Pages 7-12 are refused, each
    // store only taking away one old entry's referenced bit; pages 13-18 each write one of those back
    // and are stored; pages 19-20 find the new, referenced entries at the head again and are refused.
    assert.equal(num(k, 'a/memory.stat', 'zswpout'), 6 + 6);
    assert.equal(num(k, 'a/memory.stat', 'zswpwb'), 6);
    assert.equal(num(k, 'a/memory.stat', 'pswpout'), 6 + 6 + 2);
    assert.equal(num(k, 'a/memory.zswap.current'), 6 * entry);
    assert.equal(num(k, `${D}/written_back_pages`), 6);
    assert.equal(num(k, `${D}/reject_reclaim_fail`), 0, 'rotations are not failures');
    assert.equal(num(k, 'b/memory.zswap.current'), 4 * entry, 'another cgroup’s entries are untouched');
    assert.equal(num(k, 'a/memory.swap.current'), 20 * PAGE);
    assertClean(k);
  });

  it('memory.zswap.max=0: zswap is never used for the subtree', () => {
    const k = zswapMachine(64, 'sync');
    k.mkdir('a');
    k.mkdir('a/c');
    writeFile(k, 'a/memory.zswap.max', '0');
    k.createTask('t', 'a/c');
    k.mmap('t', 'r', 10, { populate: true, content: compressible(0.3) });
    assert.equal(k.pageout('t', 'r'), 10);
    assert.equal(num(k, '/proc/vmstat', 'zswpout'), 0);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 10);
    assertClean(k);
  });
});

describe('writeback and the shrinker', () => {
  it('zswap shrink writes entries back to their own slots: zswpwb and pswpout, the slots stay charged', () => {
    const k = zswapMachine();
    k.mkdir('a');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 10, { populate: true, content: compressible(0.5) });
    k.pageout('t', 'r');
    const slotsBefore = num(k, '/proc/swaps', '/dev/sda Used');
    assert.equal(k.zswapShrink(3), 3);
    assert.equal(num(k, '/proc/vmstat', 'zswpwb'), 3);
    assert.equal(num(k, 'a/memory.stat', 'zswpwb'), 3);
    assert.equal(num(k, '/proc/vmstat', 'pswpout'), 3);
    assert.equal(num(k, 'a/memory.stat', 'pswpout'), 3);
    assert.equal(num(k, `${D}/written_back_pages`), 3);
    assert.equal(num(k, `${D}/stored_pages`), 7);
    assert.equal(num(k, '/proc/swaps', '/dev/sda Used'), slotsBefore);
    assert.equal(num(k, 'a/memory.swap.current'), 10 * PAGE);
    k.touch('t', 'r');
    assert.equal(num(k, '/proc/vmstat', 'pswpin'), 3, 'written-back pages come from the device');
    assert.equal(num(k, '/proc/vmstat', 'zswpin'), 7);
    assertClean(k);
  });

  it('writeback skips cgroups with memory.zswap.writeback=0', () => {
    const k = zswapMachine();
    k.mkdir('a');
    writeFile(k, 'a/memory.zswap.writeback', '0');
    k.createTask('t', 'a');
    k.mmap('t', 'r', 10, { populate: true, content: compressible(0.5) });
    k.pageout('t', 'r');
    assert.equal(k.zswapShrink(5), 0);
    assert.equal(num(k, `${D}/stored_pages`), 10);
    assertClean(k);
  });

  it('with shrinker_enabled, memcg reclaim that falls short also writes cold entries back', () => {
    const run = (shrinker: boolean): Kernel => {
      const k = zswapMachine();
      writeFile(k, `${P}/shrinker_enabled`, shrinker ? 'Y' : 'N');
      k.mkdir('a');
      writeFile(k, 'a/memory.max', '2M');
      k.createTask('t', 'a');
      k.mmap('t', 'r', pages(6 * MiB), { populate: true, content: compressible(0.5) });
      assertClean(k);
      return k;
    };
    const off = run(false);
    assert.equal(num(off, '/proc/vmstat', 'zswpwb'), 0);
    const on = run(true);
    const wb = num(on, '/proc/vmstat', 'zswpwb');
    assert.ok(wb > 0, 'the shrinker wrote entries back');
    assert.equal(num(on, `${D}/written_back_pages`), wb);
    // without it the compressed charges fill memory.max and the cgroup OOMs; with it the task survives
    assert.equal(num(off, 'a/memory.events', 'oom_kill'), 1);
    assert.equal(num(on, 'a/memory.events', 'oom_kill'), 0);
  });
});
