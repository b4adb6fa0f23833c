/**
 * swapon(2) of a regular file, in the kernel's order of checks
 * (SYSCALL_DEFINE2(swapon) in mm/swapfile.c), and the user-space tools a
 * test prepares the file with: dd, truncate, fallocate, chattr +C,
 * mkswap(8), rm. Every message the kernel prints goes to the simulated
 * dmesg with the kernel's wording.
 */
import { KernelError, fail } from './errno';
import { activateCheck, RegularFile, type FileFill, type FsType } from './files';
import type { Kernel } from './kernel';
import { requireSysAdmin } from './cred';
import {
  SWP_AREA_DISCARD,
  SWP_DISCARDABLE,
  SWP_PAGE_DISCARD,
  SWP_SOLIDSTATE,
  type DiscardPolicy,
  type SwapInfo,
} from './swapfile';

/** include/linux/swap.h */
export const SWAP_FLAG_PREFER = 0x8000;
export const SWAP_FLAG_PRIO_MASK = 0x7fff;
export const SWAP_FLAG_DISCARD = 0x10000;
export const SWAP_FLAG_DISCARD_ONCE = 0x20000;
export const SWAP_FLAG_DISCARD_PAGES = 0x40000;
export const SWAP_FLAGS_VALID =
  SWAP_FLAG_PRIO_MASK | SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD | SWAP_FLAG_DISCARD_ONCE | SWAP_FLAG_DISCARD_PAGES;

/** mkswap(8)'s lower bound (MIN_GOODPAGES in util-linux). */
export const MKSWAP_MIN_PAGES = 10;

/** What swapon(8) passes as swap_flags for `-p PRIO` and `-d[=policy]`. */
export function swaponFlags(prio: number | undefined, discard: DiscardPolicy | undefined): number {
  let flags = 0;
  if (prio !== undefined && prio >= 0) flags |= SWAP_FLAG_PREFER | (prio & SWAP_FLAG_PRIO_MASK);
  if (discard !== undefined && discard !== 'none') {
    flags |= SWAP_FLAG_DISCARD;
    if (discard === 'once') flags |= SWAP_FLAG_DISCARD_ONCE;
    if (discard === 'pages') flags |= SWAP_FLAG_DISCARD_PAGES;
  }
  return flags;
}

/** The priority and discard policy a swap_flags word asks for (sys_swapon()). */
export function decodeSwapFlags(flags: number): { prio: number | undefined; discard: DiscardPolicy | undefined } {
  const prio = flags & SWAP_FLAG_PREFER ? flags & SWAP_FLAG_PRIO_MASK : undefined;
  let discard: DiscardPolicy | undefined;
  if (flags & SWAP_FLAG_DISCARD)
    discard = flags & SWAP_FLAG_DISCARD_ONCE ? 'once' : flags & SWAP_FLAG_DISCARD_PAGES ? 'pages' : 'both';
  return { prio, discard };
}

/** swap_flags with bits outside SWAP_FLAGS_VALID: the first check of sys_swapon(). */
export function checkSwapFlags(flags: number): void {
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xffffffff || (flags & ~SWAP_FLAGS_VALID) !== 0) {
    fail(
      'EINVAL',
      `swap_flags 0x${(flags >>> 0).toString(16)} has bits outside SWAP_FLAGS_VALID (0x${SWAP_FLAGS_VALID.toString(16)})`,
    );
  }
}

/** printk(): the line goes to the simulated kernel log and the swapon fails with `errno`. */
function refuse(k: Kernel, errno: 'EINVAL', message: string | null, why: string): never {
  if (message !== null) k.printk(message);
  throw new KernelError(errno, message ?? why);
}

/**
 * read_swap_header() on a file's header: the number of slots (si->max), or
 * EINVAL with the kernel's message.
 */
function readSwapHeader(k: Kernel, f: RegularFile): number {
  const ps = k.geom.pageSize;
  const h = f.header;
  if (h === null || !f.headerWritten)
    return refuse(k, 'EINVAL', 'Unable to find swap-space signature', 'no swap header');
  if (h.version !== 1)
    return refuse(k, 'EINVAL', `Unable to handle swap header version ${h.version}`, 'bad header version');
  if (h.lastPage === 0) return refuse(k, 'EINVAL', 'Empty swap-file', 'empty swap area');
  // swapfile_maximum_size: si->max is an unsigned int in the model
  const maxpages = Math.min(h.lastPage + 1, 2 ** 32 - 1);
  const filePages = Math.floor(f.size / ps);
  if (filePages && maxpages > filePages)
    return refuse(k, 'EINVAL', 'Swap area shorter than signature indicates', 'swap area shorter than the file');
  // bad pages are a block device thing: on a regular file the header is refused, silently
  if (h.badPages.length > 0) return refuse(k, 'EINVAL', null, 'a swap file header lists bad pages');
  return maxpages;
}

/**
 * sys_swapon() for a regular file: flags, capability, a free swap type,
 * the file (ENOENT, EBUSY), ->read_folio and the block size, the header,
 * the file system's activation, then the shared set-up of swapfile.ts.
 */
export function swaponFile(k: Kernel, path: string, flags: number, rotational: boolean): SwapInfo {
  checkSwapFlags(flags);
  requireSysAdmin(k.cred, 'swapon');
  k.swap.checkFreeType();
  const f = k.fs.get(path);
  if (f.swapActive) fail('EBUSY', `${path} is already in use as swap`);
  const ps = k.geom.pageSize;
  if (f.mount.fs === 'tmpfs') fail('EINVAL', `${path}: tmpfs has no ->read_folio, so no swap header can be read`);
  if (f.mount.blockSize > ps)
    fail('EINVAL', `${path}: the file system's blocks (${f.mount.blockSize} bytes) are larger than a page`);
  const maxpages = readSwapHeader(k, f);
  const failure = activateCheck(f, ps);
  if (failure !== null) refuse(k, failure.errno, failure.message, `${path} cannot be activated`);
  const { prio, discard } = decodeSwapFlags(flags);
  const si = k.swap.swapon({ path, kind: 'file', sizeBytes: maxpages * ps, prio, discard, rotational, badPages: [] });
  k.j.set(f, 'swapActive', true);
  return si;
}

/**
 * `Adding …k swap on PATH.  Priority:P extents:E across:…k FLAGS`, the
 * pr_info() of sys_swapon(): SS solid state, D discardable, s area discard
 * at swapon, c discard of freed clusters. One extent (files are taken as
 * contiguous), spanning the usable pages.
 */
export function swaponMessage(si: SwapInfo, pageSize: number): string {
  const kb = (pages: number): number => (pages * pageSize) / 1024;
  const f = si.flags;
  const tail = `${f & SWP_SOLIDSTATE ? 'SS' : ''}${f & SWP_DISCARDABLE ? 'D' : ''}${f & SWP_AREA_DISCARD ? 's' : ''}${f & SWP_PAGE_DISCARD ? 'c' : ''}`;
  return `Adding ${kb(si.pages)}k swap on ${si.path}.  Priority:${si.prio} extents:1 across:${kb(si.pages)}k ${tail}`;
}

// ─── the tools a test prepares a swap file with ─────────────────────────────

/** A regular file may be written by its owner or root (generic_permission() on a 0644 file). */
function writable(k: Kernel, f: RegularFile): void {
  if (k.cred.uid !== 0 && k.cred.uid !== f.uid) fail('EACCES', `${f.path}: owned by uid ${f.uid}`);
  // write(2) or O_TRUNC on an active swap file: ETXTBSY (generic_write_checks(), do_truncate())
  if (f.swapActive) fail('ETXTBSY', `${f.path} is an active swap file`);
}

/**
 * Create or replace a file of `bytes`: written (dd from /dev/zero), a hole
 * (truncate -s), or unwritten extents (fallocate -l; minix has no
 * fallocate: EOPNOTSUPP). `nocow` is chattr +C on the empty file.
 */
export function makeFile(k: Kernel, path: string, bytes: number, fill: FileFill, nocow = false): RegularFile {
  if (!(bytes >= 0) || !Number.isSafeInteger(bytes)) fail('EINVAL', `size ${bytes} is not a byte count`);
  const mount = k.fs.mountOf(path);
  if (fill === 'unwritten' && mount.fs === 'minix') fail('EOPNOTSUPP', `${path}: minix has no fallocate`);
  const old = k.fs.lookup(path);
  if (old) writable(k, old);
  // an existing file keeps its inode: owner and attributes (O_TRUNC, not a new file)
  const f = new RegularFile(
    path,
    mount,
    bytes,
    fill,
    fill === 'written' && bytes > 0,
    nocow || (old?.nocow ?? false),
    old?.uid ?? k.cred.uid,
  );
  k.fs.create(f);
  return f;
}

/** chattr +C: FS_NOCOW_FL, which only btrfs takes, and only on an empty file. */
export function setNocow(k: Kernel, path: string): void {
  const f = k.fs.get(path);
  if (f.mount.fs !== 'btrfs') fail('EOPNOTSUPP', `${path}: ${f.mount.fs} has no copy-on-write attribute`);
  if (f.size > 0) fail('EINVAL', `${path}: NOCOW can only be set on an empty file`);
  writable(k, f);
  k.j.set(f, 'nocow', true);
}

export interface MkswapOptions {
  /** Pages the header claims (mkswap's size argument); default: the whole file. */
  readonly pages?: number;
  /** -f: write a header larger than the file. */
  readonly force?: boolean;
  /** -v: the header version written (mkswap only writes 1; other values test the kernel's refusal). */
  readonly version?: number;
  readonly label?: string;
  readonly uuid?: string;
  readonly badPages?: readonly number[];
}

/**
 * mkswap(8) on a regular file: page 0 gets SWAPSPACE2, version, last_page
 * and the bad-page list. Refuses (EINVAL) a size larger than the file
 * without -f, and fewer than MIN_GOODPAGES pages.
 */
export function mkswap(k: Kernel, path: string, o: MkswapOptions): void {
  const f = k.fs.get(path);
  writable(k, f);
  const ps = k.geom.pageSize;
  const filePages = Math.floor(f.size / ps);
  const pages = o.pages ?? filePages;
  if (pages > filePages && o.force !== true)
    fail(
      'EINVAL',
      `mkswap: error: size ${(pages * ps) / 1024} KiB is larger than device size ${(filePages * ps) / 1024} KiB`,
    );
  if (pages < MKSWAP_MIN_PAGES)
    fail('EINVAL', `mkswap: error: swap area needs to be at least ${(MKSWAP_MIN_PAGES * ps) / 1024} KiB`);
  if (f.size < ps) fail('EINVAL', `mkswap: ${path}: the file has no room for the header page`);
  k.j.set(f, 'header', {
    version: o.version ?? 1,
    lastPage: pages - 1,
    badPages: o.badPages ?? [],
    label: o.label ?? '',
    uuid: o.uuid ?? '',
  });
  k.j.set(f, 'headerWritten', true);
}

/** The file systems `mount -t` knows, and their block sizes. */
export function checkMount(fs: FsType, blockSize: number, pageSize: number): void {
  const ok =
    fs === 'ext4'
      ? [1024, 2048, 4096, 65536].includes(blockSize)
      : fs === 'minix'
        ? blockSize === 1024
        : fs === 'tmpfs'
          ? blockSize === pageSize
          : [4096, pageSize].includes(blockSize);
  if (!ok) fail('EINVAL', `${fs} cannot be made with ${blockSize}-byte blocks`);
}
