/**
 * Regular files on mounted file systems, as far as swap cares: their size,
 * which pages are written, unwritten (fallocate) or holes, the swap header
 * mkswap wrote on page 0, the btrfs NOCOW attribute, the owner, and
 * S_SWAPFILE while a swapon holds the file. No file data is kept.
 *
 * What differs between file systems is what their ->swap_activate (or its
 * absence) makes of such a file, modelled in `activateCheck`:
 *
 * - ext4 and xfs: iomap_swapfile_activate() (fs/iomap/swapfile.c) takes
 *   written and unwritten extents and refuses a hole with
 *   "swapon: file PATH has unallocated extents" (the path as the caller
 *   sees it: 7.2 prints `/x/sparse` for a file on a mount at /x).
 * - btrfs: btrfs_swap_activate() refuses a copy-on-write file ("swapfile
 *   must not be copy-on-write") and a hole ("swapfile must not have holes").
 * - minix: no ->swap_activate, so generic_swapfile_activate()
 *   (mm/page_io.c) maps every page with bmap(); a hole is "swapon:
 *   swapfile has holes". minix has no fallocate (EOPNOTSUPP).
 * - tmpfs: shmem has no ->read_folio, so swapon fails with EINVAL before
 *   reading the header, printing nothing.
 *
 * A block size above the page size is refused (swapon's
 * mapping_min_folio_order() check). Extents are taken as page-aligned on
 * disk: on a file system with blocks smaller than a page the kernel drops
 * pages whose blocks are not aligned or contiguous, which depends on the
 * allocator; the model keeps them all.
 */
import { fail } from './errno';
import type { Journal } from './journal';

export type FsType = 'ext4' | 'xfs' | 'btrfs' | 'minix' | 'tmpfs';
export const FS_TYPES: readonly FsType[] = ['ext4', 'xfs', 'btrfs', 'minix', 'tmpfs'];

/** How the data pages (all but page 0) of a file were made. */
export type FileFill = 'written' | 'unwritten' | 'hole';

export interface Mount {
  readonly path: string;
  readonly fs: FsType;
  /** Bytes per block (tmpfs: the page size). */
  readonly blockSize: number;
  /** The device name printed in file system warnings. */
  readonly device: string;
}

/** What mkswap(8) wrote: union swap_header's info part and the magic. */
export interface SwapHeader {
  /** info.version: 1 for every mkswap since 2.2; anything else is refused. */
  readonly version: number;
  /** info.last_page: the last page the header claims. */
  readonly lastPage: number;
  readonly badPages: readonly number[];
  readonly label: string;
  readonly uuid: string;
}

export class RegularFile {
  /** S_SWAPFILE: a swapon holds it (truncate ETXTBSY, unlink EPERM, write ETXTBSY). */
  swapActive = false;
  header: SwapHeader | null = null;

  constructor(
    readonly path: string,
    readonly mount: Mount,
    /** i_size in bytes. */
    public size: number,
    /** Data pages past page 0. */
    public fill: FileFill,
    /** Page 0 holds data (written by dd, or by mkswap into a sparse file). */
    public headerWritten: boolean,
    /** btrfs FS_NOCOW_FL (chattr +C on the empty file). */
    public nocow: boolean,
    readonly uid: number,
  ) {}

  /** The last path component, as %pD prints a file. */
  get name(): string {
    return this.path.slice(this.path.lastIndexOf('/') + 1);
  }
}

/** A warning or error the activation prints, and the errno swapon returns. */
export interface ActivateFailure {
  readonly errno: 'EINVAL';
  /** The dmesg line, or null when the kernel prints nothing. */
  readonly message: string | null;
}

export class FileSystems {
  /** Mount points, longest first when resolving. */
  readonly mounts = new Map<string, Mount>();
  readonly files = new Map<string, RegularFile>();

  constructor(
    private readonly j: Journal,
    pageSize: number,
  ) {
    // the root file system of the test VM
    this.mounts.set('/', { path: '/', fs: 'ext4', blockSize: pageSize, device: 'vda1' });
  }

  /** The mount a path lives on: the longest mount point that is a prefix of it. */
  mountOf(path: string): Mount {
    let best: Mount | undefined;
    for (const m of this.mounts.values()) {
      const inside = m.path === '/' || path === m.path || path.startsWith(`${m.path}/`);
      if (inside && (best === undefined || m.path.length > best.path.length)) best = m;
    }
    return best ?? fail('ENOENT', `${path}: no file system`);
  }

  mount(m: Mount): void {
    if (this.mounts.has(m.path)) fail('EBUSY', `${m.path} is already a mount point`);
    this.j.mapSet(this.mounts, m.path, m);
  }

  lookup(path: string): RegularFile | undefined {
    return this.files.get(path);
  }

  /** A file that must exist (ENOENT otherwise). */
  get(path: string): RegularFile {
    return this.files.get(path) ?? fail('ENOENT', `${path}: No such file or directory`);
  }

  create(f: RegularFile): void {
    this.j.mapSet(this.files, f.path, f);
  }

  /** unlink(2): may_delete() refuses an active swap file with EPERM. */
  unlink(path: string): void {
    const f = this.get(path);
    if (f.swapActive) fail('EPERM', `${path} is an active swap file`);
    this.j.mapDelete(this.files, path);
  }

  /**
   * truncate(2): inode_newsize_ok() refuses a swap file with ETXTBSY when
   * the size does not grow (growing only adds a hole past the area, and
   * 7.2 and 6.12 allow it). Shrinking drops pages; growing adds a hole.
   */
  truncate(path: string, size: number): void {
    const f = this.get(path);
    if (f.swapActive && size <= f.size) fail('ETXTBSY', `${path} is an active swap file and ${size} does not grow it`);
    if (size > f.size && f.fill !== 'hole') this.j.set(f, 'fill', 'hole');
    this.j.set(f, 'size', size);
  }
}

/**
 * The file system's ->swap_activate() (or generic_swapfile_activate(), or
 * the missing ->read_folio of tmpfs) for a file: null when it may be a
 * swap file. `pageSize` decides the block-size rule.
 */
export function activateCheck(f: RegularFile, pageSize: number): ActivateFailure | null {
  const m = f.mount;
  if (m.fs === 'tmpfs') return { errno: 'EINVAL', message: null };
  if (m.blockSize > pageSize) return { errno: 'EINVAL', message: null };
  const holes = f.fill === 'hole' && f.size > pageSize;
  switch (m.fs) {
    case 'ext4':
    case 'xfs':
      return holes ? { errno: 'EINVAL', message: `swapon: file ${f.path} has unallocated extents` } : null;
    case 'btrfs':
      if (!f.nocow)
        return { errno: 'EINVAL', message: `BTRFS warning (device ${m.device}): swapfile must not be copy-on-write` };
      return holes
        ? { errno: 'EINVAL', message: `BTRFS warning (device ${m.device}): swapfile must not have holes` }
        : null;
    case 'minix':
      return holes || f.fill === 'unwritten' ? { errno: 'EINVAL', message: 'swapon: swapfile has holes' } : null;
  }
}

/**
 * Consistency of the file model with the swap areas: a file is S_SWAPFILE
 * exactly while a swap area of that path exists and is a file; its size
 * is whole bytes; an active file has a header whose pages fit the area.
 */
export function fileInvariants(
  fs: FileSystems,
  areaKindOf: (path: string) => string | null,
  pageSize: number,
): string[] {
  const out: string[] = [];
  for (const f of fs.files.values()) {
    const kind = areaKindOf(f.path);
    if (f.swapActive !== (kind === 'file'))
      out.push(`file ${f.path}: S_SWAPFILE is ${f.swapActive} but the swap area of that path is ${kind ?? 'absent'}`);
    if (!Number.isSafeInteger(f.size) || f.size < 0) out.push(`file ${f.path}: size ${f.size}`);
    if (f.swapActive && (f.header === null || (f.header.lastPage + 1) * pageSize > f.size))
      out.push(`file ${f.path}: active without a header that fits the file`);
    if (!fs.mounts.has(f.mount.path)) out.push(`file ${f.path}: on ${f.mount.path}, which is not mounted`);
  }
  return out;
}
