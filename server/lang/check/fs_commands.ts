/**
 * Checks of the commands that prepare swap files and set who runs the
 * scenario: mount, dd, truncate, fallocate, chattr, mkswap, rm, user,
 * dmesg. What the checker can tell before the run (a missing file, an
 * active swap file, a privilege the user lacks) is a diagnostic with the
 * errno; the rest is the kernel's business at run time
 * (server/sim/swapon_file.ts).
 */
import type { CommandStatement, Word } from '../syntax/ast';
import type { CheckedStatement, FsKind } from './checked';
import { flag, option, positional, type CheckContext, type RegularFileInfo } from './context';
import { normalisePath } from './paths';
import { sizeLiteral } from '../units';
import { checkChoice, checkInteger, checkPageList, checkSize } from './values';
import { maxSwapBadpages } from '../../sim/swapfile';

const FS_KINDS: readonly FsKind[] = ['ext4', 'xfs', 'btrfs', 'minix', 'tmpfs'];

/** An absolute path word, normalised; SS218 otherwise. */
function filePath(ctx: CheckContext, w: Word | undefined): string | null {
  if (w === undefined) return null;
  const p = normalisePath(w.text);
  if (p === null || !p.startsWith('/') || p === '/') {
    ctx.error('SS218', `expected an absolute file path, found '${w.text}'`, w);
    return null;
  }
  if (p.startsWith('/sys/') || p.startsWith('/proc/') || p.startsWith('/dev/')) {
    ctx.error('SS218', `${p} is not a regular file on a mounted file system`, w);
    return null;
  }
  return p;
}

/** The file, known to exist (SS230, ENOENT, otherwise). */
function existing(ctx: CheckContext, path: string, w: Word): RegularFileInfo | null {
  const f = ctx.state.files.get(path);
  if (f?.exists === true) return f;
  if (!ctx.dynamicKinds.has('device')) ctx.error('SS230', `${path} does not exist`, w, 'ENOENT');
  return null;
}

/** Writing an active swap file is ETXTBSY. */
function notActive(ctx: CheckContext, f: RegularFileInfo | undefined, w: Word): boolean {
  if (f?.swapActive !== true) return true;
  ctx.error('SS213', `${w.text} is an active swap file: it cannot be written`, w, 'ETXTBSY');
  return false;
}

export function checkMount(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const dev = positional(stmt, 0);
  const dirWord = positional(stmt, 1);
  const t = flag(stmt, 'type');
  if (dev === undefined || dirWord === undefined) return null;
  if (t?.value == null) {
    ctx.error('SS102', '`mount` needs -t FSTYPE (ext4, xfs, btrfs, minix, tmpfs)', stmt.name);
    return null;
  }
  const fs = checkChoice(t.value, FS_KINDS, ctx.report, 'file system') as FsKind | null;
  const dir = normalisePath(dirWord.text);
  if (dir === null || !dir.startsWith('/')) {
    ctx.error('SS218', `mount point must be an absolute path, found '${dirWord.text}'`, dirWord);
    return null;
  }
  const bsOpt = option(stmt, 'bs');
  const ps = ctx.config.pageSize;
  let blockSize = fs === 'minix' ? 1024 : ps;
  if (bsOpt !== undefined) {
    const b = checkSize(bsOpt.value, ctx.report, { pageSize: ps, what: 'block size', warnPlain: false });
    if (b === null) return null;
    blockSize = b;
  }
  if (fs === null) return null;
  if (!ctx.state.cred.capSysAdmin) ctx.error('SS229', 'mount needs CAP_SYS_ADMIN', stmt.name, 'EPERM');
  else if (ctx.state.mounts.has(dir)) ctx.error('SS213', `${dir} is already a mount point`, dirWord, 'EBUSY');
  else ctx.state.mounts.set(dir, fs);
  return { op: 'mount', range: stmt.range, dir, fs, blockSize, device: dev.text.replace(/^\/dev\//, '') };
}

/** dd of=PATH bs=SIZE count=N (if= is /dev/zero or /dev/urandom: the bytes do not matter). */
export function checkDd(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const of = option(stmt, 'of');
  const bs = option(stmt, 'bs');
  const count = option(stmt, 'count');
  const inf = option(stmt, 'if');
  if (of === undefined || bs === undefined || count === undefined) {
    ctx.error('SS102', '`dd` needs of=PATH bs=SIZE count=N', stmt.name);
    return null;
  }
  if (inf !== undefined && checkChoice(inf.value, ['/dev/zero', '/dev/urandom'], ctx.report, 'input file') === null)
    return null;
  const path = filePath(ctx, of.value);
  const block = checkSize(bs.value, ctx.report, {
    pageSize: ctx.config.pageSize,
    what: 'block size',
    warnPlain: false,
  });
  const n = checkInteger(count.value, ctx.report, { min: 0, max: Number.MAX_SAFE_INTEGER, what: 'block count' });
  if (path === null || block === null || n === null) return null;
  return makeFile(ctx, stmt, path, of.value, block * n, 'written', false);
}

/** truncate -s SIZE PATH: creates a sparse file, or resizes one (a swap file: ETXTBSY unless it grows). */
export function checkTruncate(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  return sizedFile(ctx, stmt, 'size', 'hole');
}

/** fallocate -l SIZE PATH: allocated, unwritten blocks. */
export function checkFallocate(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  return sizedFile(ctx, stmt, 'length', 'unwritten');
}

function sizedFile(
  ctx: CheckContext,
  stmt: CommandStatement,
  sizeFlag: string,
  fill: 'hole' | 'unwritten',
): CheckedStatement | null {
  const w = positional(stmt, 0);
  const sz = flag(stmt, sizeFlag);
  if (w === undefined) return null;
  if (sz?.value == null) {
    ctx.error('SS102', `\`${stmt.name.text}\` needs ${sizeFlag === 'size' ? '-s' : '-l'} SIZE`, stmt.name);
    return null;
  }
  const path = filePath(ctx, w);
  const bytes = checkSize(sz.value, ctx.report, {
    pageSize: ctx.config.pageSize,
    what: 'file size',
    warnPlain: true,
    allowZero: true,
  });
  if (path === null || bytes === null) return null;
  if (fill === 'unwritten' && bytes === 0) {
    ctx.error('SS305', 'fallocate needs a length above 0', sz.value, 'EINVAL');
    return null;
  }
  return makeFile(ctx, stmt, path, w, bytes, fill, fill === 'hole' && ctx.state.files.get(path)?.exists === true);
}

function makeFile(
  ctx: CheckContext,
  stmt: CommandStatement,
  path: string,
  w: Word,
  bytes: number,
  fill: 'written' | 'unwritten' | 'hole',
  resize: boolean,
): CheckedStatement {
  const op: CheckedStatement = { op: 'mkfile', range: stmt.range, path, bytes, fill, resize };
  const known = ctx.state.files.get(path);
  const pages = Math.floor(bytes / ctx.config.pageSize);
  // inode_newsize_ok(): truncate may grow an active swap file (a hole past the area); nothing else writes it
  if (resize && known?.swapActive === true && known.pages !== null && bytes > known.pages * ctx.config.pageSize) {
    ctx.state.files.set(path, { ...known, pages });
    return op;
  }
  if (!notActive(ctx, known, w)) return op;
  // resizing keeps the header; a new file has none
  const headerSlots = resize ? (known?.headerSlots ?? null) : null;
  ctx.state.files.set(path, { exists: true, pages, headerSlots, swapActive: false });
  return op;
}

export function checkChattr(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const attr = positional(stmt, 0);
  const w = positional(stmt, 1);
  if (attr === undefined || w === undefined) return null;
  if (checkChoice(attr, ['+C'], ctx.report, 'attribute') === null) return null;
  const path = filePath(ctx, w);
  if (path === null) return null;
  existing(ctx, path, w);
  return { op: 'chattr', range: stmt.range, path };
}

export function checkMkswap(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const w = positional(stmt, 0);
  if (w === undefined) return null;
  const path = filePath(ctx, w);
  if (path === null) return null;
  const sizeWord = positional(stmt, 1);
  let pages: number | null = null;
  const ps = ctx.config.pageSize;
  if (sizeWord !== undefined) {
    const kib = checkInteger(sizeWord, ctx.report, { min: 1, max: Number.MAX_SAFE_INTEGER, what: 'size in KiB' });
    if (kib === null) return null;
    pages = Math.floor((kib * 1024) / ps);
  }
  const v = flag(stmt, 'version');
  let version = 1;
  if (v?.value != null) {
    const n = checkInteger(v.value, ctx.report, { min: 0, max: 2 ** 32 - 1, what: 'swap header version' });
    if (n === null) return null;
    version = n;
  }
  let badPages: number[] = [];
  const badOpt = option(stmt, 'bad');
  if (badOpt !== undefined) {
    const list = checkPageList(badOpt.value, ctx.report, maxSwapBadpages(ps));
    if (list === null) return null;
    badPages = list.pages;
  }
  const force = flag(stmt, 'force') !== undefined;
  const op: CheckedStatement = {
    op: 'mkswap',
    range: stmt.range,
    path,
    pages,
    force,
    version,
    label: flag(stmt, 'label')?.value?.text ?? '',
    uuid: flag(stmt, 'uuid')?.value?.text ?? '',
    badPages,
  };
  const f = existing(ctx, path, w);
  if (f === null || !notActive(ctx, f, w)) return op;
  if (f.pages !== null && pages !== null && pages > f.pages && !force) {
    ctx.error(
      'SS307',
      `mkswap: ${sizeLiteral(pages * ps)} is larger than the file (${sizeLiteral(f.pages * ps)}); -f writes it anyway`,
      sizeWord ?? w,
      'EINVAL',
    );
    return op;
  }
  const claimed = pages ?? f.pages;
  if (claimed !== null && claimed < 10) {
    ctx.error(
      'SS307',
      `mkswap: a swap area needs at least 10 pages (${sizeLiteral(10 * ps)})`,
      sizeWord ?? w,
      'EINVAL',
    );
    return op;
  }
  f.headerSlots = claimed;
  return op;
}

export function checkRm(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const w = positional(stmt, 0);
  if (w === undefined) return null;
  const path = filePath(ctx, w);
  if (path === null) return null;
  const f = existing(ctx, path, w);
  if (f?.swapActive === true) ctx.error('SS213', `${path} is an active swap file: unlink is refused`, w, 'EPERM');
  else if (f !== null) f.exists = false;
  return { op: 'rm', range: stmt.range, path };
}

/** `user root|nobody|UID [drop=CAP_SYS_ADMIN]` */
export function checkUser(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const w = positional(stmt, 0);
  if (w === undefined) return null;
  const uid = w.text === 'root' ? 0 : w.text === 'nobody' ? 65534 : /^\d{1,9}$/.test(w.text) ? Number(w.text) : null;
  if (uid === null) {
    ctx.error('SS218', `'${w.text}' is not a user: root, nobody or a uid`, w);
    return null;
  }
  const drop = option(stmt, 'drop');
  if (drop !== undefined && checkChoice(drop.value, ['CAP_SYS_ADMIN'], ctx.report, 'capability') === null) return null;
  // a non-root uid has no capabilities; root keeps CAP_SYS_ADMIN unless dropped
  const capSysAdmin = uid === 0 && drop === undefined;
  ctx.state.cred.uid = uid;
  ctx.state.cred.capSysAdmin = capSysAdmin;
  return { op: 'user', range: stmt.range, uid, capSysAdmin };
}

export function checkDmesg(_ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  return { op: 'dmesg', range: stmt.range, clear: flag(stmt, 'clear') !== undefined };
}
