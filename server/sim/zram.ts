/**
 * zram: a compressed RAM block device (drivers/block/zram/zram_drv.c;
 * Documentation/admin-guide/blockdev/zram.rst), as a swap device.
 *
 * A device is configured through /sys/block/zram<N>/ (disksize,
 * comp_algorithm, mem_limit, backing_dev), then swapped on. Each page
 * written to it is stored by content, with the compression model zswap
 * uses (content.ts):
 *  - a page whose words all repeat one value keeps only that value
 *    (ZRAM_SAME, page_same_filled(); the swap layer catches all-zero
 *    folios before they get here);
 *  - otherwise it is compressed; a result of huge_class_size or more is
 *    stored uncompressed, a whole page (ZRAM_HUGE);
 *  - the compressed object comes from the device's zsmalloc pool, whose
 *    pages are taken from RAM (kmem.ts): mm_stat's mem_used_total.
 * A write that takes the pool past mem_limit fails with ENOMEM
 * (zram_write_page()); the swap layer then keeps the folio dirty in the
 * swap cache. Freed swap slots free their objects (swap_slot_free_notify
 * -> zram_slot_free_notify()). Idle and huge pages can be written back to
 * a backing device (writeback_store()), after which reads come from it.
 *
 * Per-page state lives in chunks created on first write, so a terabyte
 * zram costs the simulator only for the pages it holds. The device's own
 * table (zram->table, vzalloc() at disksize_store()) is counted in RAM.
 */
import { SAME_FILLED_CODE, compressedSize, decodeContent } from './content';
import { fail } from './errno';
import type { Journal } from './journal';
import { kvmallocKind, type KernelMemory, type KmemPool } from './kmem';

/** Compressors zram offers (zcomp backends; the list comp_algorithm shows). */
export const ZRAM_COMPRESSORS = ['lzo', 'lzo-rle', 'lz4', 'lz4hc', '842', 'zstd', 'deflate'] as const;
/** CONFIG_ZRAM_DEF_COMP default. */
export const ZRAM_DEFAULT_COMPRESSOR = 'lzo-rle';

/** sizeof(struct zram_table_entry) on 64-bit: the object handle and the flags word (no access-time tracking). */
export const ZRAM_TABLE_ENTRY_BYTES = 16;

/**
 * zs_huge_class_size() for 4 KiB pages: objects this big or bigger get a
 * zspage each, so zram stores them uncompressed. Scaled for other page sizes.
 */
export function hugeClassSize(pageSize: number): number {
  return Math.floor((3264 * pageSize) / 4096);
}

/** Per-page flags (enum zram_pageflags, the ones modelled). */
export const ZRAM_SAME = 1 << 0;
export const ZRAM_HUGE = 1 << 1;
export const ZRAM_WB = 1 << 2;
export const ZRAM_IDLE = 1 << 3;
/** Not a kernel flag: the slot holds data (the kernel knows it from a handle or a flag). */
export const ZRAM_STORED = 1 << 4;

const CHUNK_SHIFT = 10;
const CHUNK = 1 << CHUNK_SHIFT;

/** One chunk of the device's table. */
interface ZramChunk {
  /** Bytes the slot's object takes in the pool (0 for same-filled and written-back pages). */
  readonly size: Uint32Array;
  readonly flags: Uint8Array;
}

/** mm_stat, io_stat and bd_stat figures (struct zram_stats), plus the pool's high-water mark. */
export interface ZramStats {
  compr_data_size: number;
  pages_stored: number;
  same_pages: number;
  huge_pages: number;
  huge_pages_since: number;
  max_used_pages: number;
  failed_reads: number;
  failed_writes: number;
  notify_free: number;
  num_reads: number;
  num_writes: number;
  bd_count: number;
  bd_reads: number;
  bd_writes: number;
}

const emptyStats = (): ZramStats => ({
  compr_data_size: 0,
  pages_stored: 0,
  same_pages: 0,
  huge_pages: 0,
  huge_pages_since: 0,
  max_used_pages: 0,
  failed_reads: 0,
  failed_writes: 0,
  notify_free: 0,
  num_reads: 0,
  num_writes: 0,
  bd_count: 0,
  bd_reads: 0,
  bd_writes: 0,
});

export type ZramWriteback = 'idle' | 'huge' | 'huge_idle' | 'incompressible';

export class ZramDevice {
  /** Bytes; 0 until disksize is written (initstate 0). */
  disksize = 0;
  compAlgorithm: string = ZRAM_DEFAULT_COMPRESSOR;
  /** mem_limit in pages; 0 = no limit. */
  limitPages = 0;
  /** backing_dev: the writeback target's path, or null. */
  backingDev: string | null = null;
  /** Held by an active swap area (bd_claim): reset and reconfiguration give EBUSY. */
  claimed = false;
  readonly stats: ZramStats = emptyStats();
  private readonly chunks: (ZramChunk | undefined)[] = [];

  constructor(
    /** /dev/zram<N> (or the path a `type=zram` area was given). */
    readonly path: string,
  ) {}

  get initialized(): boolean {
    return this.disksize > 0;
  }

  /** Flags of page `index` (0 while never written). */
  flags(index: number): number {
    return this.chunks[index >>> CHUNK_SHIFT]?.flags[index & (CHUNK - 1)] ?? 0;
  }

  /** Bytes the page's object takes in the pool. */
  objectSize(index: number): number {
    return this.chunks[index >>> CHUNK_SHIFT]?.size[index & (CHUNK - 1)] ?? 0;
  }

  /** Indices of every page holding data, ascending (for writeback, idle marking and views). */
  *storedPages(): Iterable<number> {
    for (let c = 0; c < this.chunks.length; c++) {
      const ch = this.chunks[c];
      if (!ch) continue;
      for (let i = 0; i < CHUNK; i++) if (ch.flags[i]! & ZRAM_STORED) yield (c << CHUNK_SHIFT) + i;
    }
  }

  chunkFor(j: Journal, index: number): ZramChunk {
    const c = index >>> CHUNK_SHIFT;
    let ch = this.chunks[c];
    if (!ch) {
      ch = { size: new Uint32Array(CHUNK), flags: new Uint8Array(CHUNK) };
      this.chunks[c] = ch;
      j.custom(() => {
        this.chunks[c] = undefined;
      });
    }
    return ch;
  }
}

/**
 * The zram module: its devices by path, each with its pool and table in
 * kernel memory. Operations take the journal and kernel memory so that
 * every change is undone with the operation that made it.
 */
export class Zram {
  readonly devices = new Map<string, ZramDevice>();

  constructor(
    private readonly j: Journal,
    private readonly kmem: KernelMemory,
    private readonly pageSize: number,
  ) {}

  /** The device at `path`, created on first use (the module was loaded with enough devices). */
  device(path: string): ZramDevice {
    let z = this.devices.get(path);
    if (!z) {
      z = new ZramDevice(path);
      this.j.mapSet(this.devices, path, z);
    }
    return z;
  }

  private poolOf(z: ZramDevice): KmemPool {
    return this.kmem.pool(`zsmalloc: ${z.path}`, 'zsmalloc');
  }

  /** zs_get_total_pages(): the pool's pages (mm_stat mem_used_total / PAGE_SIZE). */
  usedPages(z: ZramDevice): number {
    return this.kmem.pools.get(`zsmalloc: ${z.path}`)?.pages ?? 0;
  }

  /** Pages of the device (disksize / PAGE_SIZE). */
  nrPages(z: ZramDevice): number {
    return Math.floor(z.disksize / this.pageSize);
  }

  /** disksize_store(): once only; allocates the table (vzalloc) and the pool. */
  setDisksize(z: ZramDevice, bytes: number): void {
    if (z.initialized) fail('EBUSY', `${z.path}: disksize can be set once (reset the device first)`);
    const size = Math.floor(bytes / this.pageSize) * this.pageSize;
    if (size <= 0) fail('EINVAL', `${z.path}: disksize ${bytes} is less than a page`);
    this.j.set(z, 'disksize', size);
    this.tablePools(z, true);
  }

  /** comp_algorithm_store(): only before the device is initialised. */
  setCompAlgorithm(z: ZramDevice, name: string): void {
    if (z.initialized) fail('EBUSY', `${z.path}: the compressor cannot change on an initialised device`);
    if (!(ZRAM_COMPRESSORS as readonly string[]).includes(name))
      fail('EINVAL', `${z.path}: compressor ${name} is not available`);
    this.j.set(z, 'compAlgorithm', name);
  }

  /** mem_limit_store(): bytes, 0 = no limit; takes effect on the next write. */
  setMemLimit(z: ZramDevice, bytes: number): void {
    this.j.set(z, 'limitPages', Math.floor(bytes / this.pageSize));
  }

  /** mem_used_max_store(): "0" resets the high-water mark to the pool's size now. */
  resetUsedMax(z: ZramDevice): void {
    this.j.set(z.stats, 'max_used_pages', this.usedPages(z));
  }

  /** backing_dev_store(): before init only. */
  setBackingDev(z: ZramDevice, path: string): void {
    if (z.initialized) fail('EBUSY', `${z.path}: backing_dev can only be set before disksize`);
    if (!path.startsWith('/')) fail('EINVAL', `${z.path}: backing_dev needs a block device path, not '${path}'`);
    this.j.set(z, 'backingDev', path);
  }

  /** reset_store(): frees every page, the table and the pool; EBUSY while swapped on. */
  reset(z: ZramDevice): void {
    if (z.claimed) fail('EBUSY', `${z.path} is in use (swapoff first)`);
    for (const index of [...z.storedPages()]) this.freePage(z, index, false);
    this.tablePools(z, false);
    this.j.set(z, 'disksize', 0);
    this.j.set(z, 'limitPages', 0);
    this.j.set(z, 'backingDev', null);
    for (const key of Object.keys(z.stats) as (keyof ZramStats)[]) this.j.set(z.stats, key, 0);
  }

  /** The table (vzalloc of one entry per page) and, with a backing device, its bitmap (kvmalloc). */
  private tablePools(z: ZramDevice, on: boolean): void {
    const pages = this.nrPages(z);
    const table = this.kmem.pool(`vmalloc: zram table ${z.path}`, 'vmalloc');
    this.kmem.setBytes(table, on ? pages * ZRAM_TABLE_ENTRY_BYTES : 0);
    if (z.backingDev === null) return;
    const bitmapBytes = Math.ceil(pages / 64) * 8;
    const kind = kvmallocKind(bitmapBytes, this.pageSize);
    const bitmap =
      kind === 'slab' ? this.kmem.pool('kmalloc', 'slab') : this.kmem.pool(`${kind}: zram bitmap ${z.path}`, kind);
    this.kmem.addBytes(bitmap, on ? bitmapBytes : -bitmapBytes);
  }

  /**
   * zram_write_page(): store one page of content `code`. Returns false when
   * the pool would pass mem_limit (-ENOMEM, failed_writes).
   */
  writePage(z: ZramDevice, index: number, code: number): boolean {
    const j = this.j;
    this.bump(z, 'num_writes', 1);
    // a rewrite drops the old copy first (zram_slot_free())
    if (z.flags(index) & ZRAM_STORED) this.freePage(z, index, false);
    const ch = z.chunkFor(j, index);
    const at = index & (CHUNK - 1);
    const content = decodeContent(code);
    if (code === SAME_FILLED_CODE || content.kind === 'zero') {
      // page_same_filled(): only the repeated word is kept
      j.a(ch.flags, at, ZRAM_STORED | ZRAM_SAME);
      this.bump(z, 'same_pages', 1);
      this.bump(z, 'pages_stored', 1);
      return true;
    }
    let len = compressedSize(content, this.pageSize);
    let flags = ZRAM_STORED;
    if (len >= hugeClassSize(this.pageSize)) {
      len = this.pageSize;
      flags |= ZRAM_HUGE;
    }
    const pool = this.poolOf(z);
    this.kmem.addBytes(pool, len);
    if (z.limitPages && pool.pages > z.limitPages) {
      this.kmem.addBytes(pool, -len);
      this.bump(z, 'failed_writes', 1);
      return false;
    }
    if (pool.pages > z.stats.max_used_pages) j.set(z.stats, 'max_used_pages', pool.pages);
    j.a(ch.size, at, len);
    j.a(ch.flags, at, flags);
    this.bump(z, 'compr_data_size', len);
    this.bump(z, 'pages_stored', 1);
    if (flags & ZRAM_HUGE) {
      this.bump(z, 'huge_pages', 1);
      this.bump(z, 'huge_pages_since', 1);
    }
    return true;
  }

  /** zram_read_page(): a written-back page is read from the backing device; the access clears ZRAM_IDLE. */
  readPage(z: ZramDevice, index: number): void {
    this.bump(z, 'num_reads', 1);
    const f = z.flags(index);
    if (!(f & ZRAM_STORED)) return;
    if (f & ZRAM_WB) this.bump(z, 'bd_reads', 1);
    if (f & ZRAM_IDLE) this.j.a(z.chunkFor(this.j, index).flags, index & (CHUNK - 1), f & ~ZRAM_IDLE);
  }

  /** zram_slot_free_notify() (`notify`) or zram_free_page(): the page's object goes back to the pool. */
  freePage(z: ZramDevice, index: number, notify: boolean): void {
    const f = z.flags(index);
    if (notify) this.bump(z, 'notify_free', 1);
    if (!(f & ZRAM_STORED)) return;
    const ch = z.chunkFor(this.j, index);
    const at = index & (CHUNK - 1);
    const len = ch.size[at]!;
    if (f & ZRAM_SAME) this.bump(z, 'same_pages', -1);
    if (f & ZRAM_HUGE) this.bump(z, 'huge_pages', -1);
    if (f & ZRAM_WB) this.bump(z, 'bd_count', -1);
    if (len) {
      this.kmem.addBytes(this.poolOf(z), -len);
      this.bump(z, 'compr_data_size', -len);
    }
    this.bump(z, 'pages_stored', -1);
    this.j.a(ch.size, at, 0);
    this.j.a(ch.flags, at, 0);
  }

  /** idle_store("all"): mark every stored page idle (a later access clears the mark). */
  markIdle(z: ZramDevice): void {
    if (!z.initialized) fail('EINVAL', `${z.path} is not initialised`);
    for (const index of z.storedPages()) {
      const ch = z.chunkFor(this.j, index);
      const at = index & (CHUNK - 1);
      if (!(ch.flags[at]! & ZRAM_WB)) this.j.a(ch.flags, at, ch.flags[at]! | ZRAM_IDLE);
    }
  }

  /**
   * writeback_store(): write the selected pages to the backing device and
   * free their objects; same-filled and already written-back pages are
   * skipped. Returns the pages written.
   */
  writeback(z: ZramDevice, mode: ZramWriteback): number {
    if (!z.initialized) fail('EINVAL', `${z.path} is not initialised`);
    if (z.backingDev === null) fail('ENODEV', `${z.path} has no backing_dev`);
    let written = 0;
    for (const index of [...z.storedPages()]) {
      const f = z.flags(index);
      if (f & (ZRAM_SAME | ZRAM_WB)) continue;
      const huge = (f & ZRAM_HUGE) !== 0;
      const idle = (f & ZRAM_IDLE) !== 0;
      const pick = mode === 'idle' ? idle : mode === 'huge_idle' ? huge && idle : huge;
      if (!pick) continue;
      const ch = z.chunkFor(this.j, index);
      const at = index & (CHUNK - 1);
      const len = ch.size[at]!;
      this.kmem.addBytes(this.poolOf(z), -len);
      this.bump(z, 'compr_data_size', -len);
      if (huge) this.bump(z, 'huge_pages', -1);
      this.j.a(ch.size, at, 0);
      this.j.a(ch.flags, at, ZRAM_STORED | ZRAM_WB);
      this.bump(z, 'bd_count', 1);
      this.bump(z, 'bd_writes', 1);
      written++;
    }
    return written;
  }

  private bump(z: ZramDevice, key: keyof ZramStats, by: number): void {
    this.j.set(z.stats, key, z.stats[key] + by);
  }
}

/** mm_stat: orig_data_size compr_data_size mem_used_total mem_limit mem_used_max same_pages pages_compacted huge_pages huge_pages_since. */
export const MM_STAT_FIELDS = [
  'orig_data_size',
  'compr_data_size',
  'mem_used_total',
  'mem_limit',
  'mem_used_max',
  'same_pages',
  'pages_compacted',
  'huge_pages',
  'huge_pages_since',
] as const;
/** io_stat: failed_reads failed_writes invalid_io notify_free. */
export const IO_STAT_FIELDS = ['failed_reads', 'failed_writes', 'invalid_io', 'notify_free'] as const;
/** bd_stat: bd_count bd_reads bd_writes (pages). */
export const BD_STAT_FIELDS = ['bd_count', 'bd_reads', 'bd_writes'] as const;

/** mm_stat_show(): sizes in bytes, counts in pages (pages_compacted: compaction is not modelled). */
export function mmStat(zr: Zram, z: ZramDevice, pageSize: number): Record<(typeof MM_STAT_FIELDS)[number], number> {
  const s = z.stats;
  return {
    orig_data_size: s.pages_stored * pageSize,
    compr_data_size: s.compr_data_size,
    mem_used_total: zr.usedPages(z) * pageSize,
    mem_limit: z.limitPages * pageSize,
    mem_used_max: s.max_used_pages * pageSize,
    same_pages: s.same_pages,
    pages_compacted: 0,
    huge_pages: s.huge_pages,
    huge_pages_since: s.huge_pages_since,
  };
}

/** io_stat_show() (invalid_io is no longer counted and reads 0). */
export function ioStat(z: ZramDevice): Record<(typeof IO_STAT_FIELDS)[number], number> {
  return {
    failed_reads: z.stats.failed_reads,
    failed_writes: z.stats.failed_writes,
    invalid_io: 0,
    notify_free: z.stats.notify_free,
  };
}

/** bd_stat_show(): in pages (the file's unit is 4K blocks on 4K-page machines). */
export function bdStat(z: ZramDevice): Record<(typeof BD_STAT_FIELDS)[number], number> {
  return { bd_count: z.stats.bd_count, bd_reads: z.stats.bd_reads, bd_writes: z.stats.bd_writes };
}

/**
 * zram consistency (run by invariants.ts): mm_stat agrees with the slots:
 * the stored pages, same-filled, huge and written-back pages and the
 * compressed bytes are what the table holds, and the pool holds those bytes.
 */
export function zramInvariants(zr: Zram, kmem: KernelMemory): string[] {
  const out: string[] = [];
  for (const z of zr.devices.values()) {
    let stored = 0;
    let same = 0;
    let huge = 0;
    let wb = 0;
    let bytes = 0;
    for (const index of z.storedPages()) {
      const f = z.flags(index);
      stored++;
      if (f & ZRAM_SAME) same++;
      if (f & ZRAM_HUGE) huge++;
      if (f & ZRAM_WB) wb++;
      bytes += z.objectSize(index);
    }
    const s = z.stats;
    const where = z.path;
    if (stored !== s.pages_stored)
      out.push(`${where}: mm_stat orig_data_size counts ${s.pages_stored} pages, the table holds ${stored}`);
    if (same !== s.same_pages) out.push(`${where}: same_pages ${s.same_pages} but ${same} same-filled slots`);
    if (huge !== s.huge_pages) out.push(`${where}: huge_pages ${s.huge_pages} but ${huge} huge slots`);
    if (wb !== s.bd_count) out.push(`${where}: bd_count ${s.bd_count} but ${wb} written-back slots`);
    if (bytes !== s.compr_data_size)
      out.push(`${where}: compr_data_size ${s.compr_data_size} but the slots hold ${bytes} B`);
    const pool = kmem.pools.get(`zsmalloc: ${z.path}`);
    if ((pool?.bytes ?? 0) !== bytes)
      out.push(`${where}: zsmalloc pool holds ${pool?.bytes ?? 0} B for ${bytes} B of objects`);
    if (stored > 0 && !z.initialized) out.push(`${where}: pages stored on an uninitialised device`);
  }
  return out;
}
