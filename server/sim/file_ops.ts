/**
 * read(2), write(2) and truncation over the page cache (mm/filemap.c
 * filemap_read(), generic_perform_write(); mm/shmem.c shmem_file_read_iter(),
 * shmem_write_begin(); mm/truncate.c). The byte ranges are page-granular:
 * a page partly in the range is read or written whole.
 */
import { contentOf, encodeContent } from './content';
import { fail } from './errno';
import {
  addPageCacheFolio,
  findPage,
  markAccessed,
  markDirty,
  removePageCacheFolio,
  xaIsPage,
  xaPfn,
  type AddressSpace,
} from './filemap';
import { PG_swapcache } from './folio';
import type { Kernel } from './kernel';
import type { Memcg } from './memcontrol';
import { shmemGetPage, shmemTruncateSwap } from './shmem';

/** The pages of [offset, offset + len). */
function pageSpan(k: Kernel, offset: number, len: number): [number, number] {
  const ps = k.geom.pageSize;
  return [Math.floor(offset / ps), Math.ceil((offset + len) / ps)];
}

/**
 * generic_perform_write(): each page is found in the page cache, or read
 * in when the write covers only part of a page that has data, or new;
 * then it takes the written content and is dirtied. The file grows to
 * cover the range.
 */
export function fileWritePages(k: Kernel, as: AddressSpace, offset: number, len: number, m: Memcg): void {
  if (len === 0) return;
  const ps = k.geom.pageSize;
  const [first, end] = pageSpan(k, offset, len);
  const oldPages = Math.ceil(as.size / ps);
  if (offset + len > as.size) k.j.set(as, 'size', offset + len);
  k.pagecache.reserve(as, end);
  const f = k.folios;
  for (let index = first; index < end; index++) {
    let pfn: number;
    if (as.isShmem) {
      const page = shmemGetPage(k, as, index, m, true);
      if (!page) fail('ENOMEM', `out of memory writing ${as.path} page ${index}`);
      pfn = page.pfn;
    } else {
      pfn = findPage(as, index);
      if (pfn < 0) {
        pfn = addPageCacheFolio(k, as, index, 0, m, true);
        if (pfn < 0) fail('ENOMEM', `out of memory writing ${as.path} page ${index}`);
        // a page written only in part needs its old bytes first
        const whole = offset <= index * ps && offset + len >= (index + 1) * ps;
        if (!whole && index < oldPages) k.vmstat.count('pgpgin', ps / 1024);
      }
    }
    k.j.a(f.content, pfn, encodeContent(contentOf(as.content, as.contentSeed, index)));
    const head = f.head[pfn]!;
    markDirty(k, head);
    markAccessed(k, head);
  }
}

/** filemap_read() / shmem_file_read_iter() of the part of the range inside the file; returns the bytes read. */
export function fileReadPages(k: Kernel, as: AddressSpace, offset: number, len: number, m: Memcg): number {
  const end = Math.min(as.size, offset + len);
  if (end <= offset) return 0;
  const [first, last] = pageSpan(k, offset, end - offset);
  for (let index = first; index < last; index++) {
    let pfn: number;
    if (as.isShmem) {
      // a hole reads as zeroes without allocating (SGP_READ); a page in swap comes back
      const v = index < as.xa.length ? as.xa[index]! : 0;
      if (v === 0) continue;
      const page = shmemGetPage(k, as, index, m, true);
      if (!page) fail('ENOMEM', `out of memory reading ${as.path} page ${index}`);
      pfn = page.pfn;
    } else {
      pfn = findPage(as, index);
      if (pfn < 0) {
        pfn = addPageCacheFolio(k, as, index, 0, m, true);
        if (pfn < 0) fail('ENOMEM', `out of memory reading ${as.path} page ${index}`);
        k.vmstat.count('pgpgin', k.geom.pageSize / 1024);
      }
    }
    markAccessed(k, k.folios.head[pfn]!);
  }
  return end - offset;
}

/**
 * truncate_inode_pages() (and shmem_truncate_range() for tmpfs): every
 * page of the file leaves the page cache and is freed, and a tmpfs file's
 * swapped-out pages drop their swap slots. With `evict`, the inode goes too.
 */
export function truncateFile(k: Kernel, as: AddressSpace, evict: boolean): void {
  const f = k.folios;
  for (let i = 0; i < as.xa.length; i++) {
    const v = as.xa[i]!;
    if (!xaIsPage(v)) continue;
    const pfn = xaPfn(v);
    const head = f.head[pfn]!;
    if (head !== pfn) continue;
    if (f.mapcount[head]! > 0) fail('EBUSY', `${as.path}: truncating a mapped page`);
    removePageCacheFolio(k, head);
    if (!f.test(head, PG_swapcache)) k.mem.freeFolio(head);
  }
  if (as.isShmem) shmemTruncateSwap(k, as, 0);
  k.j.set(as, 'size', 0);
  if (evict) k.j.mapDelete(k.pagecache.byId, as.id);
}
