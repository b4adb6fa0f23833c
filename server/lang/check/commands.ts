/**
 * Semantic checks of the verbs (everything except config, repeat and expect),
 * lowered to checked operations. A static error returns null (the statement
 * is left out); a failure the kernel itself would report is a diagnostic
 * with an errno, and the operation is still returned so the interpreter
 * fails the same way.
 */
import { parseTierMax, parseTierOps } from '../../sim/swap_tier_syntax';
import { SWAPPINESS_ANON_ONLY } from '../../sim/vmscan';
import type { CommandStatement, EchoStatement, Range, Word } from '../syntax/ast';
import { spanRanges } from '../syntax/ast';
import { DEFAULT_COMPRESSIBLE_RATIO, type FileSpec } from '../catalog';
import type { CheckedStatement, Content, DiscardPolicy, FileRef, SwapDeviceType, WriteValue } from './checked';
import {
  cachedFile,
  flag,
  option,
  positional,
  withText,
  type CheckContext,
  type DeviceInfo,
  type RegionInfo,
} from './context';
import { SWAP_FLAGS_VALID, decodeSwapFlags } from '../../sim/swapon_file';
import { maxSwapBadpages } from '../../sim/swapfile';
import { isVariableName } from '../syntax/expr';
import { checkFill, checkMadvise, checkMlock, checkMremap, checkRangeVerb } from './mem_commands';
import {
  checkChattr,
  checkDd,
  checkDmesg,
  checkFallocate,
  checkMkswap,
  checkMount,
  checkRm,
  checkTruncate,
  checkUser,
} from './fs_commands';
import { normalisePath, parentCgroup } from './paths';
import { sizeLiteral, parseBool, parseInteger, parseKernelSize } from '../units';
import { checkChoice, checkContent, checkInteger, checkPageList, checkSize } from './values';

export function checkCommand(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  switch (stmt.name.text) {
    case 'swapon':
      return checkSwapon(ctx, stmt);
    case 'swapoff':
      return checkSwapoff(ctx, stmt);
    case 'cat':
      return checkCat(ctx, stmt);
    case 'sysctl':
      return checkSysctl(ctx, stmt);
    case 'free':
      return checkFree(ctx, stmt);
    case 'mkdir':
      return checkMkdir(ctx, stmt);
    case 'rmdir':
      return checkRmdir(ctx, stmt);
    case 'task':
      return checkTask(ctx, stmt);
    case 'mmap':
      return checkMmap(ctx, stmt);
    case 'touch':
    case 'pageout':
    case 'munmap':
      return checkRangeVerb(ctx, stmt);
    case 'madvise':
    case 'process_madvise':
      return checkMadvise(ctx, stmt);
    case 'mlock':
    case 'munlock':
      return checkMlock(ctx, stmt);
    case 'mremap':
      return checkMremap(ctx, stmt);
    case 'fill':
      return checkFill(ctx, stmt);
    case 'fork':
      return checkFork(ctx, stmt);
    case 'exit':
      return checkExit(ctx, stmt);
    case 'usemem':
      return checkUsemem(ctx, stmt);
    case 'move':
      return checkMove(ctx, stmt);
    case 'reclaim':
      return checkReclaim(ctx, stmt);
    case 'zswap':
      return checkZswap(ctx, stmt);
    case 'discard':
      return checkDiscard(ctx, stmt);
    case 'mount':
      return checkMount(ctx, stmt);
    case 'dd':
      return checkDd(ctx, stmt);
    case 'truncate':
      return checkTruncate(ctx, stmt);
    case 'fallocate':
      return checkFallocate(ctx, stmt);
    case 'chattr':
      return checkChattr(ctx, stmt);
    case 'mkswap':
      return checkMkswap(ctx, stmt);
    case 'rm':
      return checkRm(ctx, stmt);
    case 'user':
      return checkUser(ctx, stmt);
    case 'dmesg':
      return checkDmesg(ctx, stmt);
    case 'file':
      return checkFileVerb(ctx, stmt);
    case 'open':
      return checkOpen(ctx, stmt);
    case 'close':
      return checkClose(ctx, stmt);
    default:
      throw new Error(`no checker for command '${stmt.name.text}'`);
  }
}

const line = (w: Word): number => w.range.start.line;

// ─── Swap devices ────────────────────────────────────────────────────────────

function checkSwapon(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const { config } = ctx;
  const path = positional(stmt, 0);
  const show = flag(stmt, 'show');
  if (show !== undefined) {
    if (path !== undefined || stmt.args.length > 1) {
      ctx.error('SS317', '`swapon --show` lists the active areas and takes nothing else', stmt);
      return null;
    }
    return { op: 'read', range: stmt.range, file: { kind: 'proc', path: '/proc/swaps', name: 'swaps' } };
  }
  if (path === undefined) {
    ctx.error('SS102', "'swapon' is missing PATH (or use --show)", stmt.name);
    return null;
  }
  const device = normalisePath(path.text);
  if (device === null || !device.startsWith('/') || !path.text.startsWith('/')) {
    ctx.error('SS218', `swap area path must be absolute, found '${path.text}'`, path);
    return null;
  }
  let ok = true;
  const sizeOpt = option(stmt, 'size');
  const typeOpt = option(stmt, 'type');
  const badOpt = option(stmt, 'bad');
  const ghost = device === '/dev/ghostswap';
  let type: SwapDeviceType;
  let slots: number | null = null;
  if (ghost) {
    if (config.design !== 'ghost') {
      ctx.error(
        'SS401',
        `/dev/ghostswap exists only in the ghost swapfile RFC; add 'config design=ghost' (design is ${config.design})`,
        path,
      );
      return null;
    }
    for (const o of [sizeOpt, typeOpt]) {
      if (o !== undefined)
        ctx.error('SS411', `'${o.key.text}=' is ignored: /dev/ghostswap is a virtual device of 8 × RAM`, o);
    }
    type = 'ghost';
    // Patch 15 of the RFC: round_up(totalram_pages, cluster) × 8.
    const ramPages = config.ramBytes / config.pageSize;
    slots = Math.ceil(ramPages / config.clusterSlots) * config.clusterSlots * 8;
  } else {
    type = device.startsWith('/dev/zram') ? 'zram' : device.startsWith('/dev/') ? 'partition' : 'file';
    if (typeOpt !== undefined) {
      const t = checkChoice(typeOpt.value, ['partition', 'file', 'zram'], ctx.report, 'swap area type');
      if (t === null) ok = false;
      else type = t as SwapDeviceType;
    }
    if (sizeOpt === undefined && device.startsWith('/dev/') && type !== 'zram') {
      ctx.error('SS102', `swapon of ${device} needs size=SIZE (the simulator's stand-in for mkswap on a device)`, path);
      return null;
    }
  }
  if (sizeOpt === undefined && !ghost && type !== 'zram') return checkSwaponFile(ctx, stmt, device, path);
  if (!ghost && (sizeOpt !== undefined || type === 'zram')) {
    // a zram area without size= takes the device's disksize, known when the swapon runs
    const bytes =
      sizeOpt === undefined
        ? 0
        : checkSize(sizeOpt.value, ctx.report, { pageSize: config.pageSize, what: 'swap area size', warnPlain: true });
    if (bytes === null) ok = false;
    else if (sizeOpt === undefined) slots = 0;
    else {
      // mkswap rounds down to whole pages.
      slots = Math.floor(bytes / config.pageSize);
      if (slots > ctx.limits.maxDevicePages) {
        ctx.error(
          'SS505',
          `${sizeLiteral(bytes)} is ${slots} slots; the limit is ${ctx.limits.maxDevicePages}`,
          sizeOpt.value,
        );
        ok = false;
      } else if (slots < 2) {
        ctx.error(
          'SS307',
          `a swap area needs the header page plus at least one slot (${sizeLiteral(2 * config.pageSize)})`,
          sizeOpt.value,
          'EINVAL',
        );
      }
    }
  }
  const rotational = flag(stmt, 'rotational');
  const ssd = flag(stmt, 'ssd');
  if (rotational !== undefined && ssd !== undefined) {
    ctx.error('SS317', "'rotational' and 'ssd' contradict each other", spanOf(rotational.range, ssd.range));
    ok = false;
  } else if (rotational !== undefined && (type === 'zram' || type === 'ghost')) {
    ctx.error('SS317', `a ${type} device is never rotational`, rotational);
    ok = false;
  }
  const how = swapFlags(ctx, stmt);
  if (how === null) ok = false;
  const { priority, discard, flags } = how ?? { priority: -1, discard: null, flags: null };
  let badPages: number[] = [];
  if (badOpt !== undefined && !ghost) {
    const max = maxSwapBadpages(config.pageSize);
    const list = checkPageList(badOpt.value, ctx.report, max);
    if (list === null) ok = false;
    else {
      badPages = list.pages;
      // read_swap_header(): these are EINVAL from the syscall, not scenario errors.
      if (list.tooMany) ctx.error('SS315', `the swap header holds at most ${max} bad pages`, badOpt.value, 'EINVAL');
      else if (badPages[0] === 0)
        ctx.error('SS315', 'page 0 is the swap header and cannot be listed as bad', badOpt.value, 'EINVAL');
      else if (slots !== null && slots > 0 && (badPages[badPages.length - 1] ?? 0) > slots - 1) {
        ctx.error(
          'SS315',
          `bad page ${badPages[badPages.length - 1] ?? 0} is past the end of the area (last page ${slots - 1})`,
          badOpt.value,
          'EINVAL',
        );
      }
    }
  }
  if (!ok || slots === null) return null;
  if (swaponAllowed(ctx, flags, path)) {
    const known = ctx.state.devices.get(device);
    if (known?.active === true) ctx.error('SS213', `${device} is already an active swap area`, path, 'EBUSY');
    else {
      // a zram area sized by its disksize: its size is known only at run time
      ctx.state.devices.set(device, {
        active: true,
        slots: slots === 0 ? ctx.limits.maxDevicePages : slots,
        offAt: null,
      });
      // `size=` on a file stands for dd + mkswap: the file exists and is held
      if (type === 'file')
        ctx.state.files.set(device, { exists: true, pages: slots, headerSlots: slots, swapActive: true });
    }
  }
  return {
    op: 'swapon',
    range: stmt.range,
    device,
    type,
    slots,
    rotational: rotational !== undefined,
    synchronousIo: type === 'zram',
    badPages,
    priority,
    discard,
    fromFile: false,
    flags,
  };
}

/** swapon(8)'s -p and -d, or a raw `flags=` word (SWAP_FLAGS_VALID is checked by the kernel: EINVAL). */
function swapFlags(
  ctx: CheckContext,
  stmt: CommandStatement,
): { priority: number; discard: DiscardPolicy | null; flags: number | null } | null {
  const prio = flag(stmt, 'priority');
  const disc = flag(stmt, 'discard');
  const raw = option(stmt, 'flags');
  if (raw !== undefined) {
    if (prio !== undefined || disc !== undefined) {
      ctx.error('SS317', '`flags=` gives the priority and discard bits itself: drop -p and -d', raw);
      return null;
    }
    const n = checkInteger(raw.value, ctx.report, { min: 0, max: 0xffffffff, what: 'swap_flags' });
    if (n === null) return null;
    if ((n & ~SWAP_FLAGS_VALID) !== 0)
      ctx.error(
        'SS307',
        `swap_flags 0x${n.toString(16)} has bits outside SWAP_FLAGS_VALID (0x${SWAP_FLAGS_VALID.toString(16)})`,
        raw.value,
        'EINVAL',
      );
    const d = decodeSwapFlags(n);
    return {
      priority: d.prio ?? -1,
      discard: d.discard === undefined || d.discard === 'none' ? null : d.discard,
      flags: n,
    };
  }
  let priority = -1;
  if (prio?.value != null) {
    const p = checkInteger(prio.value, ctx.report, { min: -1, max: 32767, what: 'swap priority' });
    if (p === null) return null;
    priority = p;
  }
  let discard: DiscardPolicy | null = null;
  if (disc !== undefined) {
    if (disc.value === null) discard = 'both';
    else {
      const d = checkChoice(disc.value, ['once', 'pages'], ctx.report, 'discard policy');
      if (d === null) return null;
      discard = d as DiscardPolicy;
    }
  }
  return { priority, discard, flags: null };
}

/**
 * sys_swapon()'s first checks, in its order: invalid flags (reported with
 * the flags), CAP_SYS_ADMIN (EPERM), a free swap type (EPERM). False when
 * the swapon is known to fail.
 */
function swaponAllowed(ctx: CheckContext, flags: number | null, at: Word): boolean {
  if (flags !== null && (flags & ~SWAP_FLAGS_VALID) !== 0) return false;
  if (!ctx.state.cred.capSysAdmin) {
    ctx.error(
      'SS229',
      `swapon needs CAP_SYS_ADMIN; the statements run as uid ${ctx.state.cred.uid} without it (see \`user\`)`,
      at,
      'EPERM',
    );
    return false;
  }
  if (ctx.state.activeDeviceCount() >= ctx.config.maxSwapfiles) {
    ctx.error('SS410', `${ctx.config.maxSwapfiles} swap areas are already active (max_swapfiles)`, at, 'EPERM');
    return false;
  }
  return true;
}

/** swapon of a regular file that mkswap prepared: no size=, the kernel reads its header. */
function checkSwaponFile(
  ctx: CheckContext,
  stmt: CommandStatement,
  device: string,
  path: Word,
): CheckedStatement | null {
  for (const key of ['bad', 'type'] as const) {
    const o = option(stmt, key);
    if (o !== undefined) {
      ctx.error('SS317', `'${key}=' goes with size= (the stand-in for mkswap); a file's header comes from mkswap`, o);
      return null;
    }
  }
  const how = swapFlags(ctx, stmt);
  if (how === null) return null;
  const rotational = flag(stmt, 'rotational') !== undefined;
  const op: CheckedStatement = {
    op: 'swapon',
    range: stmt.range,
    device,
    type: 'file',
    slots: 0,
    rotational,
    synchronousIo: false,
    badPages: [],
    priority: how.priority,
    discard: how.discard,
    fromFile: true,
    flags: how.flags,
  };
  if (!swaponAllowed(ctx, how.flags, path)) return op;
  const f = ctx.state.files.get(device);
  if (f?.exists !== true) {
    if (f === undefined && ctx.dynamicKinds.has('device')) return op;
    ctx.error('SS230', `${device} does not exist: make it with dd, truncate or fallocate, then mkswap`, path, 'ENOENT');
    return op;
  }
  if (f.swapActive || ctx.state.devices.get(device)?.active === true) {
    ctx.error('SS213', `${device} is already an active swap area`, path, 'EBUSY');
    return op;
  }
  f.swapActive = true;
  ctx.state.devices.set(device, { active: true, slots: f.headerSlots, offAt: null });
  return op;
}

function spanOf(a: Range, b: Range): { range: Range } {
  const first = a.start.character <= b.start.character ? a : b;
  const last = first === a ? b : a;
  return { range: spanRanges(first, last) };
}

function checkSwapoff(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const path = positional(stmt, 0);
  const all = flag(stmt, 'all');
  if (all !== undefined && path !== undefined) {
    ctx.error('SS317', '`swapoff -a` takes no PATH', path);
    return null;
  }
  // sys_swapoff() checks the capability before anything else
  const capable = ctx.state.cred.capSysAdmin;
  if (!capable)
    ctx.error(
      'SS229',
      `swapoff needs CAP_SYS_ADMIN; the statements run as uid ${ctx.state.cred.uid} without it (see \`user\`)`,
      path ?? stmt.name,
      'EPERM',
    );
  if (all !== undefined) {
    if (capable) for (const [name, d] of ctx.state.devices) if (d.active) swapoffKnown(ctx, name, d, line(stmt.name));
    return { op: 'swapoff-all', range: stmt.range };
  }
  if (path === undefined) {
    ctx.error('SS102', "'swapoff' is missing PATH (or -a)", stmt.name);
    return null;
  }
  const device = normalisePath(path.text) ?? path.text;
  if (!capable) return { op: 'swapoff', range: stmt.range, device };
  const d = ctx.state.devices.get(device);
  const file = ctx.state.files.get(device);
  if (d?.active === true) swapoffKnown(ctx, device, d, line(path));
  else if (!device.startsWith('/dev/') && file?.exists !== true && !ctx.dynamicKinds.has('device'))
    ctx.error('SS230', `${device} does not exist`, path, 'ENOENT');
  else ctx.activeDevice(withText(path, device), 'EINVAL');
  return { op: 'swapoff', range: stmt.range, device };
}

/** A swap area goes off: the device, and the file's S_SWAPFILE. */
function swapoffKnown(ctx: CheckContext, device: string, d: DeviceInfo, at: number): void {
  ctx.state.devices.set(device, { ...d, active: false, offAt: at });
  const f = ctx.state.files.get(device);
  if (f !== undefined) f.swapActive = false;
}

function checkDiscard(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const path = positional(stmt, 0);
  if (path === undefined) return { op: 'discard', range: stmt.range, device: null };
  const device = normalisePath(path.text) ?? path.text;
  if (ctx.activeDevice(withText(path, device)) === null) return null;
  return { op: 'discard', range: stmt.range, device };
}

// ─── Files ───────────────────────────────────────────────────────────────────

function checkCat(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const path = positional(stmt, 0);
  if (path === undefined) return null;
  const target = ctx.target(path);
  if (target === null) return badFd(ctx, path, stmt.range);
  const resolved = target.file;
  if (resolved.spec.access === 'wo') {
    ctx.error('SS216', `${resolved.spec.name} is write-only`, path);
    return null;
  }
  const ref = resolved.ref;
  if (ref.kind === 'cgroup' && target.fd === null) ctx.cgroupExists(ref.cgroup, path, 'ENOENT');
  return target.fd === null
    ? { op: 'read', range: stmt.range, file: ref }
    : { op: 'read', range: stmt.range, file: ref, fd: target.fd };
}

// ─── Open files ──────────────────────────────────────────────────────────────

/** `&NAME` of a file that is not open: the statement runs and fails with EBADF, as the syscall would. */
function badFd(ctx: CheckContext, word: Word, range: Range): CheckedStatement | null {
  if (!word.text.startsWith('&') || ctx.deferred) return null;
  const errno = ctx.buffer.some((d) => d.code === 'SS228' && d.data?.errno === 'EBADF');
  return errno ? { op: 'fail', range, errno: 'EBADF', message: `${word.text.slice(1)} is not an open file` } : null;
}

function checkOpen(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const nameWord = positional(stmt, 0);
  const path = positional(stmt, 1);
  if (nameWord === undefined || path === undefined) return null;
  let ok = true;
  if (!isVariableName(nameWord.text)) {
    ctx.error(
      'SS218',
      `'${nameWord.text}' is not a valid file name for \`open\` (a letter or _, then letters, digits and _)`,
      nameWord,
    );
    ok = false;
  } else if (ctx.state.fds.get(nameWord.text)?.open === true) {
    ctx.error('SS211', `${nameWord.text} is already open: close it first`, nameWord);
    ok = false;
  }
  if (path.text.startsWith('&')) {
    ctx.error('SS218', '`open` takes a path, not an open file', path);
    return null;
  }
  const resolved = ctx.file(path);
  if (resolved === null || !ok) return null;
  const ref = resolved.ref;
  // open(2) of a file in a missing cgroup: ENOENT; the name stays unusable
  if (ref.kind === 'cgroup' && !ctx.cgroupExists(ref.cgroup, path, 'ENOENT'))
    return { op: 'open', range: stmt.range, name: nameWord.text, file: ref };
  ctx.state.fds.set(nameWord.text, { file: resolved, open: true, closedAt: null });
  return { op: 'open', range: stmt.range, name: nameWord.text, file: ref };
}

function checkClose(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const nameWord = positional(stmt, 0);
  if (nameWord === undefined) return null;
  const fd = ctx.openFd(nameWord);
  if (fd !== null) {
    fd.open = false;
    fd.closedAt = line(nameWord);
  }
  return {
    op: 'close',
    range: stmt.range,
    name: nameWord.text.startsWith('&') ? nameWord.text.slice(1) : nameWord.text,
  };
}

export function checkEcho(ctx: CheckContext, stmt: EchoStatement): CheckedStatement | null {
  const target = ctx.target(stmt.target);
  if (target === null) return badFd(ctx, stmt.target, stmt.range);
  const { spec, ref } = target.file;
  if (spec.access === 'ro') {
    ctx.error('SS215', `${ref.path} is read-only`, stmt.target);
    return null;
  }
  if (target.fd === null && ctx.state.cred.uid !== 0) {
    ctx.error(
      'SS229',
      `${ref.path} is root's (mode 0644): uid ${ctx.state.cred.uid} cannot write it`,
      stmt.target,
      'EACCES',
    );
    return {
      op: 'write',
      range: stmt.range,
      file: ref,
      value: { kind: 'invalid', errno: 'EACCES' },
      text: joinValues(stmt.values),
    };
  }
  const fd = target.fd === null ? {} : { fd: target.fd };
  if (ref.kind === 'cgroup' && target.fd === null && !ctx.cgroupExists(ref.cgroup, stmt.target, 'ENOENT')) {
    return {
      op: 'write',
      range: stmt.range,
      file: ref,
      value: { kind: 'invalid', errno: 'ENOENT' },
      text: joinValues(stmt.values),
    };
  }
  const first = stmt.values[0];
  const last = stmt.values[stmt.values.length - 1];
  const valueRange =
    first !== undefined && last !== undefined ? spanRanges(first.range, last.range) : stmt.redirect.range;
  const text = joinValues(stmt.values);
  return {
    op: 'write',
    range: stmt.range,
    file: ref,
    value: writeValue(ctx, spec, ref, text, valueRange),
    text,
    ...fd,
  };
}

function joinValues(values: readonly Word[]): string {
  if (values.length === 1) return (values[0] as Word).text;
  return values.map((w) => w.text).join(' ');
}

/** Parse `text` as the kernel's write handler for `spec` would. */
function writeValue(ctx: CheckContext, spec: FileSpec, ref: FileRef, text: string, at: Range): WriteValue {
  const errno = spec.rejectErrno ?? 'EINVAL';
  const reject = (message: string): WriteValue => {
    ctx.error('SS318', message, { range: at }, errno);
    return { kind: 'invalid', errno };
  };
  const where = ref.kind === 'cgroup' ? ref.name : ref.path;
  switch (spec.write) {
    case 'limit': {
      if (text === 'max') return { kind: 'limit', bytes: null, pages: null };
      const r = parseKernelSize(text);
      if (!r.ok) return reject(`${where} takes 'max' or a byte count with an optional K/M/G/T suffix: ${r.reason}`);
      return { kind: 'limit', bytes: r.bytes, pages: Math.floor(r.bytes / ctx.config.pageSize) };
    }
    case 'reset':
      return { kind: 'reset' };
    case 'reclaim': {
      const parts = text.split(/\s+/).filter((p) => p !== '');
      const size = parseKernelSize(parts[0] ?? '');
      if (!size.ok)
        return reject(
          `memory.reclaim takes 'SIZE [swappiness=N|max]': ${parts.length === 0 ? 'the size is missing' : size.reason}`,
        );
      let swappiness: number | null = null;
      for (const p of parts.slice(1)) {
        const m = /^swappiness=(-?\d+|max)$/.exec(p);
        const v = m === null ? null : m[1] === 'max' ? SWAPPINESS_ANON_ONLY : Number(m[1]);
        if (v === null || v < 0 || v > SWAPPINESS_ANON_ONLY)
          return reject(`memory.reclaim accepts only swappiness=0..200 or swappiness=max after the size, found '${p}'`);
        swappiness = v;
      }
      return { kind: 'reclaim', bytes: size.bytes, swappiness };
    }
    case 'task': {
      const word: Word = { text, range: at, quoted: false };
      if (text.includes(' ') || text === '') return reject('cgroup.procs takes one task name per write');
      const task = ctx.task(word, { errno: 'ESRCH' });
      if (
        task !== null &&
        ref.kind === 'cgroup' &&
        (task.cgroup === ref.cgroup || takesTasks(ctx, ref.cgroup, { range: at }))
      )
        task.cgroup = ref.cgroup;
      return { kind: 'task', task: text };
    }
    case 'bool': {
      const b = parseBool(text);
      if (b === null) return reject(`${where} takes a boolean (Y/N, 1/0, on/off), found '${text}'`);
      return { kind: 'bool', value: b };
    }
    case 'int': {
      const n = parseInteger(text, true);
      if (!n.ok) return reject(`${where} takes an integer, found '${text}'`);
      const min = spec.min ?? Number.MIN_SAFE_INTEGER;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      if (n.value < min || n.value > max) {
        ctx.error('SS307', `${where} must be within ${min}..${max}, found ${n.value}`, { range: at }, 'EINVAL');
        return { kind: 'invalid', errno: 'EINVAL' };
      }
      return { kind: 'int', value: n.value };
    }
    case 'enum': {
      const values = spec.values ?? [];
      if (values.includes(text)) return { kind: 'enum', value: text };
      checkChoice({ text, range: at, quoted: false }, values, ctx.report, `value for ${where}`, errno);
      return { kind: 'invalid', errno };
    }
    case 'tiers': {
      // the kernel's syntax (tiers_store()); EBUSY and unknown tiers depend on the run
      const parsed = parseTierOps(text);
      return parsed.ok ? { kind: 'text', value: text } : reject(`/sys/kernel/mm/swap/tiers: ${parsed.error}`);
    }
    case 'controllers': {
      // cgroup_subtree_control_write(): +NAME / -NAME tokens; only memory is modelled
      let enable: boolean | null = null;
      for (const tok of text.split(' ')) {
        if (tok === '') continue;
        if (tok.slice(1) !== 'memory' || (tok[0] !== '+' && tok[0] !== '-')) {
          return reject(
            `cgroup.subtree_control takes +memory or -memory (the only controller modelled), found '${tok}'`,
          );
        }
        enable = tok[0] === '+';
      }
      if (ref.kind === 'cgroup' && enable !== null) subtreeControlEffect(ctx, ref.cgroup, enable, at);
      return { kind: 'text', value: text };
    }
    case 'kill': {
      // cgroup_kill_write(): kstrtoint(), then only 1 (ERANGE)
      const n = parseInteger(text.trim(), true);
      if (!n.ok) {
        ctx.error('SS318', `cgroup.kill takes the number 1, found '${text}'`, { range: at }, 'EINVAL');
        return { kind: 'invalid', errno: 'EINVAL' };
      }
      if (n.value !== 1) return reject(`cgroup.kill takes only 1, found ${n.value}`);
      if (ref.kind === 'cgroup') {
        const prefix = ref.cgroup === '/' ? '/' : `${ref.cgroup}/`;
        for (const t of ctx.state.tasks.values()) {
          if (t.alive && (t.cgroup === ref.cgroup || t.cgroup.startsWith(prefix))) {
            t.alive = false;
            t.exitedAt = at.start.line;
          }
        }
      }
      return { kind: 'text', value: text };
    }
    case 'tier-max': {
      // the kernel's syntax (swap_tier_max_write()); whether the tier exists depends on the run
      const parsed = parseTierMax(text);
      return parsed.ok ? { kind: 'text', value: text } : reject(parsed.error);
    }
    case 'size': {
      const r = parseKernelSize(text);
      return r.ok
        ? { kind: 'text', value: text }
        : reject(`${where} takes a byte count with an optional K/M/G/T suffix: ${r.reason}`);
    }
    case 'zero':
      return text.trim() === '0' ? { kind: 'text', value: text } : reject(`${where} takes only 0`);
    case 'nonzero': {
      const n = parseInteger(text.trim(), false);
      return n.ok && n.value > 0 ? { kind: 'text', value: text } : reject(`${where} takes a positive number (1)`);
    }
    case 'path':
      return text.trim().startsWith('/')
        ? { kind: 'text', value: text }
        : reject(`${where} takes an absolute device path, found '${text}'`);
    default:
      throw new Error(`file ${spec.name} is writable but has no write syntax`);
  }
}

/** +memory / -memory on a cgroup's subtree_control, as the checker can tell (EBUSY cases). */
function subtreeControlEffect(ctx: CheckContext, cgroup: string, enable: boolean, at: Range): void {
  const info = ctx.state.cgroups.get(cgroup);
  if (info === undefined || info.subtree === enable) return;
  if (enable) {
    givesMemory(ctx, cgroup, { text: '', range: at, quoted: false });
    return;
  }
  const prefix = cgroup === '/' ? '/' : `${cgroup}/`;
  for (const [c, i] of ctx.state.cgroups) {
    if (i.alive && c !== cgroup && c.startsWith(prefix)) {
      ctx.error(
        'SS214',
        `cgroup ${cgroup} has the child cgroup ${c}, which keeps the memory controller`,
        { range: at },
        'EBUSY',
      );
      return;
    }
  }
  info.subtree = false;
}

/** sysctl keys the simulator has, and their files. */
const SYSCTL_PATHS: ReadonlyMap<string, string> = new Map([
  ['vm.swappiness', '/proc/sys/vm/swappiness'],
  ['vm.page-cluster', '/proc/sys/vm/page-cluster'],
  ['vm.dirty_ratio', '/proc/sys/vm/dirty_ratio'],
  ['vm.dirty_background_ratio', '/proc/sys/vm/dirty_background_ratio'],
  ['vm.drop_caches', '/proc/sys/vm/drop_caches'],
]);

function checkSysctl(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const arg = positional(stmt, 0);
  if (arg === undefined) return null;
  const eq = arg.text.indexOf('=');
  const key = eq >= 0 ? arg.text.slice(0, eq) : arg.text;
  const path = SYSCTL_PATHS.get(key);
  if (path === undefined) {
    const keyWord: Word = {
      text: key,
      range: { start: arg.range.start, end: { line: line(arg), character: arg.range.start.character + key.length } },
      quoted: false,
    };
    ctx.unknown('SS205', `the simulator has no sysctl '${key}'`, keyWord, SYSCTL_PATHS.keys());
    return null;
  }
  const resolved = cachedFile(path, ctx.config.pageSize, ctx.config.pmdOrder);
  if (!resolved.ok) throw new Error(`sysctl ${key} missing from the catalogue`);
  const { spec, ref } = resolved.value;
  if (eq < 0) {
    if (flag(stmt, 'write') !== undefined) {
      ctx.error('SS102', '`sysctl -w` needs KEY=VALUE', arg);
      return null;
    }
    return { op: 'read', range: stmt.range, file: ref };
  }
  const text = arg.text.slice(eq + 1);
  const valueRange: Range = {
    start: { line: line(arg), character: arg.range.start.character + eq + 1 },
    end: arg.range.end,
  };
  return { op: 'write', range: stmt.range, file: ref, value: writeValue(ctx, spec, ref, text, valueRange), text };
}

function checkFree(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const units = (['bytes', 'kibi', 'mebi', 'gibi', 'human'] as const).filter((u) => flag(stmt, u) !== undefined);
  if (units.length > 1) {
    ctx.error('SS317', `choose one unit flag, not ${units.length}`, stmt);
    return null;
  }
  return { op: 'free', range: stmt.range, unit: units[0] ?? 'kibi' };
}

// ─── Cgroups ─────────────────────────────────────────────────────────────────

function checkMkdir(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const path = positional(stmt, 0);
  if (path === undefined) return null;
  const cgroup = ctx.cgroupPath(path, false);
  if (cgroup === null) return null;
  const parents = flag(stmt, 'parents') !== undefined;
  if (ctx.state.cred.uid !== 0) {
    ctx.error('SS229', `cgroup directories are root's: uid ${ctx.state.cred.uid} cannot create one`, path, 'EACCES');
    return { op: 'mkdir', range: stmt.range, cgroup, parents };
  }
  if (ctx.laterIteration === 0 && ++ctx.cgroupStatements > ctx.limits.maxCgroups) {
    ctx.error('SS507', `more than ${ctx.limits.maxCgroups} mkdir statements`, path);
    return null;
  }
  const cgroups = ctx.state.cgroups;
  if (cgroups.get(cgroup)?.alive === true) {
    if (!parents) ctx.error('SS212', `cgroup ${cgroup} already exists`, path, 'EEXIST');
    return { op: 'mkdir', range: stmt.range, cgroup, parents };
  }
  const parent = parentCgroup(cgroup) ?? '/';
  if (parents) {
    const created: string[] = [];
    for (let c: string | null = cgroup; c !== null && c !== '/' && cgroups.get(c)?.alive !== true; c = parentCgroup(c))
      created.push(c);
    const top = parentCgroup(created[created.length - 1] ?? cgroup) ?? '/';
    if (givesMemory(ctx, top, path))
      for (const c of created.reverse()) cgroups.set(c, { alive: true, removedAt: null, subtree: c !== cgroup });
  } else if (ctx.cgroupExists(parent, path, 'ENOENT') && givesMemory(ctx, parent, path)) {
    cgroups.set(cgroup, { alive: true, removedAt: null, subtree: false });
  }
  return { op: 'mkdir', range: stmt.range, cgroup, parents };
}

/** Live tasks whose cgroup is exactly `cgroup`. */
function tasksIn(ctx: CheckContext, cgroup: string): string[] {
  const out: string[] = [];
  for (const [name, t] of ctx.state.tasks) if (t.alive && t.cgroup === cgroup) out.push(name);
  return out;
}

/**
 * A child of `parent` is about to get the memory controller: the parent's
 * cgroup.subtree_control gains `memory`, which a non-root cgroup with tasks
 * refuses (EBUSY, cgroup_vet_subtree_control_enable()).
 */
function givesMemory(ctx: CheckContext, parent: string, at: Word): boolean {
  const info = ctx.state.cgroups.get(parent);
  if (info === undefined || info.subtree) return true;
  const tasks = tasksIn(ctx, parent);
  if (parent !== '/' && tasks.length > 0) {
    ctx.error(
      'SS214',
      `cgroup ${parent} has task '${tasks[0] ?? ''}': it cannot give the memory controller to a child (no internal processes)`,
      at,
      'EBUSY',
    );
    return false;
  }
  info.subtree = true;
  return true;
}

/** cgroup_migrate_vet_dst(): a non-root cgroup giving memory to its children takes no task (EBUSY). */
function takesTasks(ctx: CheckContext, cgroup: string, at: { range: Range }): boolean {
  if (cgroup === '/' || ctx.state.cgroups.get(cgroup)?.subtree !== true) return true;
  ctx.error(
    'SS214',
    `cgroup ${cgroup} gives the memory controller to its child cgroups, so it takes no task (no internal processes)`,
    at,
    'EBUSY',
  );
  return false;
}

function checkRmdir(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const path = positional(stmt, 0);
  if (path === undefined) return null;
  const cgroup = ctx.cgroupPath(path, false);
  if (cgroup === null) return null;
  const op: CheckedStatement = { op: 'rmdir', range: stmt.range, cgroup };
  if (ctx.state.cred.uid !== 0) {
    ctx.error('SS229', `cgroup directories are root's: uid ${ctx.state.cred.uid} cannot remove one`, path, 'EACCES');
    return op;
  }
  if (cgroup === '/') {
    ctx.error('SS214', 'the root cgroup cannot be removed', path, 'EBUSY');
    return op;
  }
  if (!ctx.cgroupExists(cgroup, path, 'ENOENT')) return op;
  const prefix = `${cgroup}/`;
  for (const [child, info] of ctx.state.cgroups) {
    if (info.alive && child.startsWith(prefix)) {
      ctx.error('SS214', `cgroup ${cgroup} still has the child cgroup ${child}`, path, 'EBUSY');
      return op;
    }
  }
  for (const [name, t] of ctx.state.tasks) {
    if (t.alive && t.cgroup === cgroup) {
      ctx.error('SS214', `task '${name}' is still in cgroup ${cgroup}`, path, 'EBUSY');
      return op;
    }
  }
  ctx.state.cgroups.set(cgroup, { alive: false, removedAt: line(path), subtree: false });
  return op;
}

function checkMove(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const taskWord = positional(stmt, 0);
  const cgWord = positional(stmt, 1);
  if (taskWord === undefined || cgWord === undefined) return null;
  const cgroup = ctx.cgroupPath(cgWord, true);
  if (cgroup === null) return null;
  const exists = ctx.cgroupExists(cgroup, cgWord, 'ENOENT');
  const task = ctx.task(taskWord, { errno: 'ESRCH' });
  if (task !== null && exists && (task.cgroup === cgroup || takesTasks(ctx, cgroup, cgWord))) task.cgroup = cgroup;
  const file: FileRef = {
    kind: 'cgroup',
    path: `/sys/fs/cgroup${cgroup === '/' ? '' : cgroup}/cgroup.procs`,
    cgroup,
    name: 'cgroup.procs',
  };
  return { op: 'write', range: stmt.range, file, value: { kind: 'task', task: taskWord.text }, text: taskWord.text };
}

function checkReclaim(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const cgWord = positional(stmt, 0);
  const sizeWord = positional(stmt, 1);
  if (cgWord === undefined || sizeWord === undefined) return null;
  const cgroup = ctx.cgroupPath(cgWord, true);
  const bytes = checkSize(sizeWord, ctx.report, {
    pageSize: ctx.config.pageSize,
    what: 'reclaim size',
    warnPlain: true,
  });
  let swappiness: number | null = null;
  const sw = option(stmt, 'swappiness');
  // swappiness=max: anonymous memory only (SWAPPINESS_ANON_ONLY)
  if (sw !== undefined)
    swappiness =
      sw.value.text === 'max'
        ? SWAPPINESS_ANON_ONLY
        : checkInteger(sw.value, ctx.report, { min: 0, max: 200, what: 'swappiness', errno: 'EINVAL' });
  if (cgroup === null || bytes === null) return null;
  const file: FileRef = {
    kind: 'cgroup',
    path: `/sys/fs/cgroup${cgroup === '/' ? '' : cgroup}/memory.reclaim`,
    cgroup,
    name: 'memory.reclaim',
  };
  const text = `${bytes}${sw === undefined ? '' : ` swappiness=${sw.value.text}`}`;
  if (!ctx.cgroupExists(cgroup, cgWord, 'ENOENT'))
    return { op: 'write', range: stmt.range, file, value: { kind: 'invalid', errno: 'ENOENT' }, text };
  if (sw !== undefined && swappiness === null)
    return { op: 'write', range: stmt.range, file, value: { kind: 'invalid', errno: 'EINVAL' }, text };
  return { op: 'write', range: stmt.range, file, value: { kind: 'reclaim', bytes, swappiness }, text };
}

// ─── Tasks and memory ────────────────────────────────────────────────────────

function checkTask(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const nameWord = positional(stmt, 0);
  if (nameWord === undefined) return null;
  const valid = ctx.validName(nameWord, 'task');
  let ok = valid;
  if (ok && ctx.state.tasks.get(nameWord.text)?.alive === true) {
    ctx.error('SS211', `task '${nameWord.text}' already exists`, nameWord);
    ok = false;
  }
  if (ctx.laterIteration === 0 && ++ctx.taskStatements > ctx.limits.maxTasks) {
    ctx.error('SS507', `more than ${ctx.limits.maxTasks} task and fork statements`, nameWord);
    ok = false;
  }
  let cgroup = '/';
  const cgOpt = option(stmt, 'cgroup');
  if (cgOpt !== undefined) {
    const c = ctx.cgroupPath(cgOpt.value, true);
    if (c === null || !ctx.cgroupExists(c, cgOpt.value)) ok = false;
    else {
      takesTasks(ctx, c, cgOpt.value);
      cgroup = c;
    }
  }
  let cpu = 0;
  const cpuOpt = option(stmt, 'cpu');
  if (cpuOpt !== undefined) {
    const c = checkInteger(cpuOpt.value, ctx.report, { min: 0, max: ctx.config.cpus - 1, what: 'cpu', code: 'SS409' });
    if (c === null) ok = false;
    else cpu = c;
  }
  if (valid && ctx.state.tasks.get(nameWord.text)?.alive !== true) {
    ctx.state.tasks.set(nameWord.text, { alive: true, exitedAt: null, cgroup, regions: new Map() });
  }
  return ok ? { op: 'task', range: stmt.range, task: nameWord.text, cgroup, cpu } : null;
}

function checkFork(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const parentWord = positional(stmt, 0);
  const childWord = positional(stmt, 1);
  if (parentWord === undefined || childWord === undefined) return null;
  const parent = ctx.task(parentWord);
  const validChild = parent !== null && ctx.validName(childWord, 'task');
  let ok = validChild;
  if (ok && ctx.state.tasks.get(childWord.text)?.alive === true) {
    ctx.error('SS211', `task '${childWord.text}' already exists`, childWord);
    ok = false;
  }
  if (ctx.laterIteration === 0 && ++ctx.taskStatements > ctx.limits.maxTasks) {
    ctx.error('SS507', `more than ${ctx.limits.maxTasks} task and fork statements`, childWord);
    ok = false;
  }
  if (parent !== null && validChild && ctx.state.tasks.get(childWord.text)?.alive !== true) {
    const regions = new Map<string, RegionInfo>();
    for (const [name, r] of parent.regions) regions.set(name, { ...r });
    ctx.state.tasks.set(childWord.text, { alive: true, exitedAt: null, cgroup: parent.cgroup, regions });
  }
  return ok ? { op: 'fork', range: stmt.range, task: parentWord.text, child: childWord.text } : null;
}

function checkExit(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const word = positional(stmt, 0);
  if (word === undefined) return null;
  const task = ctx.task(word);
  if (task === null) return null;
  task.alive = false;
  task.exitedAt = line(word);
  for (const r of task.regions.values()) {
    r.mapped = false;
    r.unmappedAt = line(word);
  }
  return { op: 'exit', range: stmt.range, task: word.text };
}

/** The region each usemem process maps. */
export const USEMEM_REGION = 'mem';

/** `usemem NAME SIZE …`: N tasks NAME0… that map SIZE and access it, then exit unless `hold`. */
function checkUsemem(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const nameWord = positional(stmt, 0);
  const sizeWord = positional(stmt, 1);
  if (nameWord === undefined || sizeWord === undefined) {
    ctx.error('SS102', "'usemem' needs NAME and SIZE", stmt.name);
    return null;
  }
  let ok = ctx.validName(nameWord, 'task');
  const count = (key: string, max: number): number | null => {
    const o = option(stmt, key);
    if (o === undefined) return 1;
    return checkInteger(o.value, ctx.report, { min: 1, max, what: `usemem ${key}=`, code: 'SS409' });
  };
  const n = count('n', ctx.limits.maxTasks);
  const passes = count('repeat', 1_000_000);
  if (n === null || passes === null) ok = false;
  const region = checkRegionShape(ctx, stmt, sizeWord, 'usemem size');
  const { pages, order, content } = region;
  if (!region.ok) ok = false;
  let cgroup = '/';
  const cgOpt = option(stmt, 'cgroup');
  if (cgOpt !== undefined) {
    const c = ctx.cgroupPath(cgOpt.value, true);
    if (c === null || !ctx.cgroupExists(c, cgOpt.value)) ok = false;
    else {
      takesTasks(ctx, c, cgOpt.value);
      cgroup = c;
    }
  }
  const tasks = Array.from({ length: n ?? 0 }, (_, i) => `${nameWord.text}${i}`);
  for (const t of tasks) {
    if (ctx.state.tasks.get(t)?.alive === true) {
      ctx.error(
        'SS211',
        `task '${t}' already exists (usemem names its processes ${nameWord.text}0, ${nameWord.text}1, …)`,
        nameWord,
      );
      ok = false;
    }
  }
  if (ctx.laterIteration === 0 && (ctx.taskStatements += tasks.length) > ctx.limits.maxTasks) {
    ctx.error('SS507', `more than ${ctx.limits.maxTasks} task and fork statements`, nameWord);
    ok = false;
  }
  const hold = flag(stmt, 'hold') !== undefined;
  if (ok) {
    for (const t of tasks) {
      const regions = new Map<string, RegionInfo>([
        [USEMEM_REGION, { pages, order: order ?? 0, mapped: hold, unmappedAt: hold ? null : line(nameWord) }],
      ]);
      ctx.state.tasks.set(t, { alive: hold, exitedAt: hold ? null : line(nameWord), cgroup, regions });
    }
  }
  if (!ok || pages === null || order === null || content === null || passes === null) return null;
  return {
    op: 'usemem',
    range: stmt.range,
    tasks,
    cgroup,
    pages,
    order,
    content,
    passes,
    random: flag(stmt, 'random') !== undefined,
    write: flag(stmt, 'readonly') === undefined,
    hold,
  };
}

/** What a region holds when `content=` is not given (shared: checked programs are read-only). */
const DEFAULT_CONTENT: Content = [{ kind: 'compressible', ratio: DEFAULT_COMPRESSIBLE_RATIO, percent: 100 }];

/**
 * What `mmap` and `usemem` share: the size in pages (mmap() rounds the
 * length up to whole pages; at most the region limit), the folio order
 * (`order=`/`thp=`, dividing the size) and the `content=`. `ok` is false after
 * any diagnostic.
 */
function checkRegionShape(
  ctx: CheckContext,
  stmt: CommandStatement,
  sizeWord: Word,
  what: string,
): { ok: boolean; bytes: number | null; pages: number | null; order: number | null; content: Content | null } {
  const { pageSize } = ctx.config;
  let ok = true;
  const bytes = checkSize(sizeWord, ctx.report, { pageSize, what, warnPlain: true });
  const pages = bytes === null ? null : Math.ceil(bytes / pageSize);
  if (pages !== null && pages > ctx.limits.maxRegionPages) {
    ctx.error('SS504', `${pages} pages is more than the ${ctx.limits.maxRegionPages}-page region limit`, sizeWord);
    ok = false;
  }
  const order = mmapOrder(ctx, stmt);
  if (pages !== null && order !== null && pages % 2 ** order !== 0) {
    ctx.error(
      'SS316',
      `${pages} pages is not a whole number of order-${order} folios (${2 ** order} pages each)`,
      sizeWord,
    );
    ok = false;
  }
  const contentOpt = option(stmt, 'content');
  const content = contentOpt === undefined ? DEFAULT_CONTENT : checkContent(contentOpt.value, ctx.report);
  return { ok: ok && order !== null && content !== null, bytes, pages, order, content };
}

function checkMmap(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const { config } = ctx;
  const taskWord = positional(stmt, 0);
  const regionWord = positional(stmt, 1);
  const sizeWord = positional(stmt, 2);
  if (taskWord === undefined || regionWord === undefined || sizeWord === undefined) return null;
  const task = ctx.task(taskWord);
  const validRegion = task !== null && ctx.validName(regionWord, 'region');
  let ok = validRegion;
  if (ok && task?.regions.get(regionWord.text)?.mapped === true) {
    ctx.error('SS211', `task '${taskWord.text}' already has a region '${regionWord.text}'`, regionWord);
    ok = false;
  }
  const region = checkRegionShape(ctx, stmt, sizeWord, 'mapping size');
  const { bytes, pages, order, content } = region;
  if (!region.ok) ok = false;
  const shared = flag(stmt, 'shared') !== undefined;
  const fileOpt = option(stmt, 'file');
  const file = fileOpt === undefined ? null : dataFilePath(ctx, fileOpt.value);
  if (fileOpt !== undefined && file === null) ok = false;
  const offsetOpt = option(stmt, 'offset');
  let offsetPages = 0;
  if (offsetOpt !== undefined) {
    if (fileOpt === undefined) {
      ctx.error('SS317', "'offset=' is where a file mapping starts in its file: it needs 'file='", offsetOpt);
      ok = false;
    }
    const off = checkSize(offsetOpt.value, ctx.report, {
      pageSize: config.pageSize,
      what: 'file offset',
      warnPlain: true,
      allowZero: true,
    });
    if (off === null) ok = false;
    else if (off % config.pageSize !== 0) {
      ctx.error(
        'SS316',
        `a file mapping starts at a whole page: ${offsetOpt.value.text} is not a multiple of ${sizeLiteral(config.pageSize)}`,
        offsetOpt.value,
      );
      ok = false;
    } else offsetPages = off / config.pageSize;
  }
  if ((file !== null || shared) && order !== null && order > 0) {
    // shmem and page cache folio sizes follow the file's own policy (shmem_enabled), not the mapping
    ctx.error(
      'SS317',
      `'order='/'thp=' give anonymous folio sizes; a ${file !== null ? 'file' : 'shared'} mapping takes the file's folios (see hugepages-<N>kB/shmem_enabled)`,
      stmt,
    );
    ok = false;
  }
  if (task !== null && validRegion && task.regions.get(regionWord.text)?.mapped !== true) {
    task.regions.set(regionWord.text, { pages, order: order ?? 0, mapped: true, unmappedAt: null });
  }
  if (!ok || bytes === null || pages === null || order === null || content === null) return null;
  return {
    op: 'mmap',
    range: stmt.range,
    task: taskWord.text,
    region: regionWord.text,
    bytes,
    pages,
    order,
    content,
    populate: flag(stmt, 'populate') !== undefined,
    file,
    shared,
    offsetPages,
  };
}

/** A regular or tmpfs file path: absolute and normalised. */
function dataFilePath(ctx: CheckContext, word: Word): string | null {
  const path = normalisePath(word.text);
  if (path === null || !word.text.startsWith('/')) {
    ctx.error('SS218', `a file path must be absolute, found '${word.text}'`, word);
    return null;
  }
  if (/^\/(proc|sys|dev\/(?!shm(\/|$)))/.test(path) || path === '/dev') {
    ctx.error(
      'SS218',
      `${path} is not a regular file: 'file' and 'mmap file=' take files on a disk filesystem or on tmpfs (/dev/shm, /tmp, /run)`,
      word,
    );
    return null;
  }
  return path;
}

/** `file write|read|rm|sync …`: I/O through the page cache (and shmem on tmpfs). */
function checkFileVerb(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const actionWord = positional(stmt, 0);
  if (actionWord === undefined) {
    ctx.error('SS102', "'file' is missing ACTION (write, read, rm or sync)", stmt.name);
    return null;
  }
  const action = checkChoice(actionWord, ['write', 'read', 'rm', 'sync'], ctx.report, 'file action');
  if (action === null) return null;
  const pathWord = positional(stmt, 1);
  const sizeWord = positional(stmt, 2);
  const ps = ctx.config.pageSize;
  const path = pathWord === undefined ? null : dataFilePath(ctx, pathWord);
  if (pathWord !== undefined && path === null) return null;
  if (path === null && action !== 'sync') {
    ctx.error('SS102', `'file ${action}' is missing PATH`, stmt.name);
    return null;
  }
  const extra = (what: string, node: Word | { range: Range } | undefined): boolean => {
    if (node === undefined) return false;
    ctx.error('SS317', `'file ${action}' takes no ${what}`, node);
    return true;
  };
  const offsetOpt = option(stmt, 'offset');
  const taskOpt = option(stmt, 'task');
  const contentOpt = option(stmt, 'content');
  if (action === 'rm' || action === 'sync') {
    if (
      extra('SIZE', sizeWord) ||
      extra("'offset='", offsetOpt) ||
      extra("'task='", taskOpt) ||
      extra("'content='", contentOpt)
    )
      return null;
    return action === 'rm'
      ? { op: 'file-rm', range: stmt.range, path: path! }
      : { op: 'file-sync', range: stmt.range, path };
  }
  let ok = true;
  const offset =
    offsetOpt === undefined
      ? 0
      : checkSize(offsetOpt.value, ctx.report, { pageSize: ps, what: 'file offset', warnPlain: true, allowZero: true });
  if (offset === null) ok = false;
  const task = taskOpt === undefined ? null : ctx.task(taskOpt.value);
  if (taskOpt !== undefined && task === null) ok = false;
  let bytes: number | null = null;
  if (sizeWord !== undefined) {
    bytes = checkSize(sizeWord, ctx.report, { pageSize: ps, what: `${action} size`, warnPlain: true });
    if (bytes === null) ok = false;
  } else if (action === 'write') {
    ctx.error('SS102', "'file write' is missing SIZE", stmt.name);
    ok = false;
  }
  if (bytes !== null && Math.ceil(bytes / ps) > ctx.limits.maxRegionPages) {
    ctx.error(
      'SS504',
      `${Math.ceil(bytes / ps)} pages is more than the ${ctx.limits.maxRegionPages}-page limit of one region or file operation`,
      sizeWord ?? stmt,
    );
    ok = false;
  }
  let content: Content | null = null;
  if (contentOpt !== undefined) {
    if (action === 'read') {
      ctx.error('SS317', "'content=' says what a write stores; a read finds what is there", contentOpt);
      ok = false;
    } else {
      content = checkContent(contentOpt.value, ctx.report);
      if (content === null) ok = false;
    }
  }
  if (!ok || offset === null || path === null) return null;
  const taskName = taskOpt === undefined ? null : taskOpt.value.text;
  if (action === 'read') return { op: 'file-read', range: stmt.range, path, offset, bytes, task: taskName };
  return { op: 'file-write', range: stmt.range, path, offset, bytes: bytes!, task: taskName, content };
}

/** `order=N` or `thp=SIZE` → folio order, within 0 and 2..PMD_ORDER (anon mTHP has no order 1). */
function mmapOrder(ctx: CheckContext, stmt: CommandStatement): number | null {
  const { config } = ctx;
  const orderOpt = option(stmt, 'order');
  const thpOpt = option(stmt, 'thp');
  if (orderOpt !== undefined && thpOpt !== undefined) {
    ctx.error('SS317', "give either 'order=' or 'thp=', not both", spanOf(orderOpt.range, thpOpt.range));
    return null;
  }
  if (orderOpt !== undefined) {
    const o = checkInteger(orderOpt.value, ctx.report, {
      min: 0,
      max: config.pmdOrder,
      what: `folio order with ${sizeLiteral(config.pageSize)} pages`,
      code: 'SS404',
    });
    if (o === 1) {
      ctx.error(
        'SS404',
        'order 1 is not an anonymous mTHP size (anonymous folios are order 0 or 2 and up)',
        orderOpt.value,
      );
      return null;
    }
    return o;
  }
  if (thpOpt !== undefined) {
    const bytes = checkSize(thpOpt.value, ctx.report, { pageSize: config.pageSize, what: 'THP size', warnPlain: true });
    if (bytes === null) return null;
    const o = Math.log2(bytes / config.pageSize);
    if (!Number.isInteger(o) || o === 1 || o < 0 || o > config.pmdOrder) {
      const lo = sizeLiteral(4 * config.pageSize);
      const hi = sizeLiteral(2 ** config.pmdOrder * config.pageSize);
      ctx.error(
        'SS405',
        `${thpOpt.value.text} is not a folio size for ${sizeLiteral(config.pageSize)} pages (the page size, or powers of two from ${lo} to ${hi})`,
        thpOpt.value,
      );
      return null;
    }
    return o;
  }
  return 0;
}

function checkZswap(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const action = positional(stmt, 0);
  if (action === undefined || checkChoice(action, ['shrink'], ctx.report, 'zswap action') === null) return null;
  const nWord = positional(stmt, 1);
  if (nWord === undefined) return { op: 'zswap-shrink', range: stmt.range, entries: null };
  const n = checkInteger(nWord, ctx.report, { min: 1, max: Number.MAX_SAFE_INTEGER, what: 'number of entries' });
  return n === null ? null : { op: 'zswap-shrink', range: stmt.range, entries: n };
}
