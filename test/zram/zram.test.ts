/**
 * zram as a swap device (server/sim/zram.ts): its sysfs files, storage by
 * content with zswap's compression model, same-filled pages, huge pages,
 * mem_limit, writeback to a backing device, slot-free notifications, and
 * its memory taken from RAM.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DESIGN_PROFILES } from '../../server/sim/designs/profiles';
import { PG_dirty, PG_swapcache } from '../../server/sim/folio';
import { pteIsSwap, pteEntry } from '../../server/sim/mm';
import { swpOffset } from '../../server/sim/swap_entry';
import { readFile, writeFile } from '../../server/sim/vfs';
import { ZRAM_TABLE_ENTRY_BYTES, hugeClassSize } from '../../server/sim/zram';
import type { ContentSpec } from '../../server/sim/content';
import {
  INCOMPRESSIBLE,
  MiB,
  PAGE,
  assertClean,
  compressible,
  machine,
  num,
  throwsErrno,
  zswapLength,
} from '../memcg/helpers';

const Z = '/sys/block/zram0';
const SAME: ContentSpec = [{ content: { kind: 'same' }, percent: 100 }];

describe('zram sysfs', () => {
  it('disksize and comp_algorithm are set before use, then EBUSY; reset gives them back', () => {
    const k = machine();
    assert.equal(readFile(k, `${Z}/comp_algorithm`), 'lzo [lzo-rle] lz4 lz4hc 842 zstd deflate\n');
    writeFile(k, `${Z}/comp_algorithm`, 'zstd');
    throwsErrno(() => writeFile(k, `${Z}/comp_algorithm`, 'snappy'), 'EINVAL');
    assert.equal(num(k, `${Z}/initstate`), 0);
    writeFile(k, `${Z}/disksize`, '16M');
    assert.equal(num(k, `${Z}/disksize`), 16 * MiB);
    assert.equal(num(k, `${Z}/initstate`), 1);
    throwsErrno(() => writeFile(k, `${Z}/disksize`, '32M'), 'EBUSY');
    throwsErrno(() => writeFile(k, `${Z}/comp_algorithm`, 'lz4'), 'EBUSY');
    throwsErrno(() => writeFile(k, `${Z}/backing_dev`, '/dev/vdc'), 'EBUSY');
    throwsErrno(() => readFile(k, `${Z}/mem_limit`), 'EACCES');
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 0 });
    assert.equal(num(k, '/proc/swaps', '/dev/zram0 Size'), 16 * 1024 - 4, 'the whole disksize, less the header page');
    throwsErrno(() => writeFile(k, `${Z}/reset`, '1'), 'EBUSY');
    k.swapoffDevice('/dev/zram0');
    throwsErrno(() => writeFile(k, `${Z}/reset`, '0'), 'EINVAL');
    writeFile(k, `${Z}/reset`, '1');
    assert.equal(num(k, `${Z}/initstate`), 0);
    assertClean(k);
  });

  it('swapon of an uninitialised zram without a size is EINVAL; a size sets disksize', () => {
    const k = machine();
    throwsErrno(() => k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 0 }), 'EINVAL');
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 8 * MiB });
    assert.equal(num(k, `${Z}/disksize`), 8 * MiB);
    assertClean(k);
  });
});

describe('zram storage', () => {
  it('stores pages by content with the zswap model: compressed, same-filled, huge; mm_stat agrees', () => {
    for (const design of DESIGN_PROFILES) {
      const k = machine({ design });
      k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 32 * MiB, prio: 100 });
      k.createTask('t');
      k.mmap('t', 'c', 64, { populate: true, content: compressible(0.3) });
      k.mmap('t', 's', 32, { populate: true, content: SAME });
      k.mmap('t', 'r', 16, { populate: true, content: INCOMPRESSIBLE });
      for (const r of ['c', 's', 'r']) k.pageout('t', r);
      const compressed = 64 * zswapLength(0.3) + 16 * PAGE;
      assert.equal(num(k, `${Z}/mm_stat`, 'orig_data_size'), 112 * PAGE, design);
      assert.equal(num(k, `${Z}/mm_stat`, 'same_pages'), 32, design);
      assert.equal(num(k, `${Z}/mm_stat`, 'huge_pages'), 16, design);
      assert.equal(num(k, `${Z}/mm_stat`, 'huge_pages_since'), 16, design);
      assert.equal(num(k, `${Z}/mm_stat`, 'compr_data_size'), compressed, design);
      assert.equal(num(k, `${Z}/mm_stat`, 'mem_used_total'), Math.ceil(compressed / PAGE) * PAGE, design);
      assert.equal(
        num(k, '/proc/vmstat', 'pswpout'),
        112,
        `${design}: zram is a swap device: every page is a device write`,
      );
      assertClean(k);
    }
  });

  it('an incompressible page is huge from huge_class_size up, and takes a whole page', () => {
    assert.ok(hugeClassSize(PAGE) < PAGE && hugeClassSize(PAGE) > PAGE / 2);
    const k = machine();
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 16 * MiB });
    k.createTask('t');
    // just below and just at the huge class
    k.mmap('t', 'below', 1, { populate: true, content: compressible((hugeClassSize(PAGE) - 40) / PAGE) });
    k.mmap('t', 'at', 1, { populate: true, content: compressible((hugeClassSize(PAGE) + 20) / PAGE) });
    k.pageout('t', 'below');
    assert.equal(num(k, `${Z}/mm_stat`, 'huge_pages'), 0);
    k.pageout('t', 'at');
    assert.equal(num(k, `${Z}/mm_stat`, 'huge_pages'), 1);
    assertClean(k);
  });

  it('freed slots notify zram, which frees their objects', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 16 * MiB });
    k.createTask('t');
    k.mmap('t', 'a', 32, { populate: true, content: compressible(0.5) });
    k.pageout('t', 'a');
    assert.equal(num(k, `${Z}/mm_stat`, 'orig_data_size'), 32 * PAGE);
    // a synchronous device drops the folio from the swap cache right after the fault: the slot is freed
    k.touch('t', 'a', 0, 8);
    assert.equal(num(k, `${Z}/io_stat`, 'notify_free'), 8);
    assert.equal(num(k, `${Z}/mm_stat`, 'orig_data_size'), 24 * PAGE);
    k.munmap('t', 'a');
    assert.equal(num(k, `${Z}/io_stat`, 'notify_free'), 32);
    assert.equal(num(k, `${Z}/mm_stat`, 'orig_data_size'), 0);
    assert.equal(num(k, `${Z}/mm_stat`, 'mem_used_total'), 0);
    assertClean(k);
  });
});

describe('zram memory', () => {
  it('is taken from RAM: the table at disksize (vmalloc), the pool as pages are stored', () => {
    const k = machine();
    const free0 = num(k, '/proc/meminfo', 'MemFree');
    writeFile(k, `${Z}/disksize`, '32M');
    const table = ((32 * MiB) / PAGE) * ZRAM_TABLE_ENTRY_BYTES;
    assert.equal(num(k, '/proc/meminfo', 'VmallocUsed'), table / 1024);
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 0 });
    const free1 = num(k, '/proc/meminfo', 'MemFree');
    k.createTask('t');
    k.mmap('t', 'a', 256, { populate: true, content: compressible(0.25) });
    const free2 = num(k, '/proc/meminfo', 'MemFree');
    k.pageout('t', 'a');
    const used = num(k, `${Z}/mm_stat`, 'mem_used_total');
    assert.ok(used > 0);
    const free3 = num(k, '/proc/meminfo', 'MemFree');
    // the folios came back, the pool took its pages (and swapon its metadata before)
    assert.ok(free0 - free1 >= table / 1024);
    assert.equal(
      free3 - free2 <= 256 * 4 - used / 1024,
      true,
      `MemFree rose by ${free3 - free2} kB; the pool holds ${used / 1024} kB`,
    );
    assertClean(k);
  });

  it('mem_limit: a write that would pass it fails with ENOMEM, the folio stays dirty in the swap cache', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 16 * MiB });
    writeFile(k, `${Z}/mem_limit`, '8K');
    k.createTask('t');
    k.mmap('t', 'a', 8, { populate: true, content: INCOMPRESSIBLE });
    assert.equal(k.pageout('t', 'a'), 2, 'two huge pages fit in 8K, the rest are refused');
    assert.equal(num(k, `${Z}/io_stat`, 'failed_writes'), 6);
    assert.equal(num(k, `${Z}/mm_stat`, 'mem_used_total'), 8 * 1024);
    assert.equal(num(k, `${Z}/mm_stat`, 'mem_used_max'), 8 * 1024);
    const p = k.vma('t', 'a').pte[5]!;
    assert.ok(pteIsSwap(p), 'the page was unmapped before the write');
    const si = k.swap.devices[0]!;
    const pfn = si.slotVal(swpOffset(pteEntry(p)));
    assert.ok(
      k.folios.test(pfn, PG_swapcache) && k.folios.test(pfn, PG_dirty),
      'the folio waits in the swap cache, dirty',
    );
    // lifting the limit lets a later pass write it
    writeFile(k, `${Z}/mem_limit`, '0');
    k.touch('t', 'a');
    assert.equal(k.pageout('t', 'a'), 8);
    assert.equal(num(k, `${Z}/mm_stat`, 'huge_pages'), 8);
    writeFile(k, `${Z}/mem_used_max`, '0');
    throwsErrno(() => writeFile(k, `${Z}/mem_used_max`, '5'), 'EINVAL');
    assertClean(k);
  });

  it('writeback: huge and idle pages go to the backing device and are read back from it', () => {
    const k = machine();
    writeFile(k, `${Z}/backing_dev`, '/dev/vdc');
    writeFile(k, `${Z}/disksize`, '16M');
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 0 });
    throwsErrno(() => writeFile(k, `${Z}/writeback`, 'everything'), 'EINVAL');
    k.createTask('t');
    k.mmap('t', 'r', 4, { populate: true, content: INCOMPRESSIBLE });
    k.mmap('t', 'c', 8, { populate: true, content: compressible(0.3) });
    k.mmap('t', 's', 2, { populate: true, content: SAME });
    for (const r of ['r', 'c', 's']) k.pageout('t', r);
    writeFile(k, `${Z}/writeback`, 'huge');
    assert.equal(num(k, `${Z}/bd_stat`, 'bd_writes'), 4);
    assert.equal(num(k, `${Z}/bd_stat`, 'bd_count'), 4);
    assert.equal(num(k, `${Z}/mm_stat`, 'huge_pages'), 0);
    assert.equal(num(k, `${Z}/mm_stat`, 'compr_data_size'), 8 * zswapLength(0.3));
    writeFile(k, `${Z}/idle`, 'all');
    writeFile(k, `${Z}/writeback`, 'idle');
    assert.equal(num(k, `${Z}/bd_stat`, 'bd_writes'), 12, 'the compressed pages, not the same-filled ones');
    assert.equal(num(k, `${Z}/mm_stat`, 'compr_data_size'), 0);
    assert.equal(num(k, `${Z}/mm_stat`, 'same_pages'), 2);
    k.touch('t', 'r');
    assert.equal(num(k, `${Z}/bd_stat`, 'bd_reads'), 4);
    assert.equal(num(k, `${Z}/bd_stat`, 'bd_count'), 8, 'the swapped-in pages are freed from the backing device');
    assert.match(readFile(k, `${Z}/bd_stat`), /^\s+8\s+4\s+12\n$/);
    assertClean(k);
  });

  it('writeback without a backing device is ENODEV', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 16 * MiB });
    throwsErrno(() => writeFile(k, `${Z}/writeback`, 'huge'), 'ENODEV');
  });

  it('mm_stat prints nine fields in 8 columns', () => {
    const k = machine();
    k.swaponDevice({ path: '/dev/zram0', kind: 'zram', sizeBytes: 16 * MiB });
    k.createTask('t');
    k.mmap('t', 's', 3, { populate: true, content: SAME });
    k.pageout('t', 's');
    assert.equal(
      readFile(k, `${Z}/mm_stat`),
      `${[3 * PAGE, 0, 0, 0, 0, 3, 0, 0, 0].map((n) => String(n).padStart(8)).join(' ')}\n`,
    );
  });
});
