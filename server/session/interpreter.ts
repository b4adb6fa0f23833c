/**
 * Runs one checked statement on the simulated machine. Statements arrive
 * validated and normalised by the checker (server/lang/check/checked.ts); this
 * module only maps them to Kernel operations and evaluates `expect`s.
 */
import { runUsemem } from './usemem';
import type {
  CheckedOp,
  CheckedStatement,
  Comparison,
  Content,
  ExpectedValue,
  Observable,
  Tolerance,
} from '../lang/check/checked';
import type { ContentSpec } from '../sim/content';
import { KernelError, type ErrnoName } from '../sim/errno';
import type { Kernel } from '../sim/kernel';
import { freeMem, freeSwap, freeText } from '../sim/procfs';
import { readFile, readValue, writeFile } from '../sim/vfs';
import { CLUSTER_LIST_NAMES } from '../sim/cluster';
import { SLOT_KIND_NAMES, SlotKind, tbKind, tbZero } from '../sim/swap_table';
import { computeOverhead, structureBytes, type Structure } from '../sim/designs/overhead';
import { overheadInput } from './overhead_input';
import { memcgSummary } from './observe';
import { VSWAP_DEVICE_WORD, VTABLE_TAGS } from '../lang/catalog';
import { slotBackend, vtTag } from '../sim/virtual_layer';
import type { SwapInfo } from '../sim/swapfile';
import type { DesignName } from '../../shared/protocol';
import { requireRootOwner } from '../sim/cred';
import { swaponFlags } from '../sim/swapon_file';
import { dataMismatches, dataSummary } from '../sim/page_data';
import type { Vma } from '../sim/mm';
import { pagemapEntry, smapsOf, smapsRollup, statusOf } from '../sim/proc_pid';
import { evalEnv, expandWord, letObservableNow, recheck, variableValue, type RunScope } from './dynamic';
import { SimulatorBug } from './errors';

/** An evaluated `expect`. */
export interface ExpectOutcome {
  passed: boolean;
  actual: string;
  expected: string;
  text: string;
}

/** What one step produced. */
export interface StepOutcome {
  /** The kernel refused the operation (errno and message). */
  error?: { errno: ErrnoName; message: string };
  /** An `expect` was evaluated. */
  expect?: ExpectOutcome;
  /** Text a `cat` or `free` printed. */
  output?: string;
}

export interface ExecContext {
  /** The errno of the previous statement, or null when it succeeded. */
  lastErrno: ErrnoName | null;
  design: DesignName;
  /** Variables and loop counters, for `let` and statements with `$` (a session always gives them). */
  scope?: RunScope;
}

export function contentSpec(op: { readonly content: Content }): ContentSpec {
  return op.content.map((p) => ({
    percent: p.percent,
    content: p.kind === 'compressible' ? { kind: 'compressible' as const, ratio: p.ratio } : { kind: p.kind },
  }));
}

/** Pages [from, to) of a checked span; an unaligned `offset=` fails like the syscall does. */
function span(
  op: { pages: { first: number; count: number; startAligned: boolean } },
  syscall: string,
): [number, number] {
  if (!op.pages.startAligned) throw new KernelError('EINVAL', `${syscall}: start address is not page-aligned`);
  return [op.pages.first, op.pages.first + op.pages.count];
}

/** Apply a file write through the Kernel operation it stands for. */
function write(k: Kernel, op: Extract<CheckedOp, { op: 'write' }>): void {
  const f = op.file;
  const v = op.value;
  // a write through an open file needs the file open and its cgroup alive (EBADF, ENODEV)
  const fd = op.fd === undefined ? null : k.files.use(op.fd);
  // every writable file the model has is root's, mode 0644 (an fd opened as root stays writable)
  if (fd === null) requireRootOwner(k.cred, f.path);
  if (v.kind === 'invalid') throw new KernelError(v.errno as ErrnoName, `write of '${op.text}' to ${f.path} rejected`);
  switch (f.kind) {
    case 'zram':
      // the store handlers parse the text as the kernel does (server/sim/zram_sysfs.ts)
      return writeFile(k, f.path, op.text);
    case 'cgroup': {
      const cg = f.cgroup;
      // cgroupfs files whose kernel handler vfs.ts models as written: the text goes there
      if (f.name === 'cgroup.subtree_control' || f.name === 'cgroup.kill' || f.name === 'memory.oom.group')
        return writeFile(k, f.path, op.text, fd);
      if (v.kind === 'limit') {
        const pages = v.pages ?? Number.POSITIVE_INFINITY;
        if (f.name === 'memory.zswap.max') return k.setZswapMax(cg, v.bytes ?? Number.POSITIVE_INFINITY);
        if (
          f.name === 'memory.max' ||
          f.name === 'memory.high' ||
          f.name === 'memory.swap.max' ||
          f.name === 'memory.swap.high'
        )
          return k.setLimit(cg, f.name, pages);
      }
      if (v.kind === 'reset') return k.resetPeak(cg, f.name === 'memory.swap.peak' ? 'swap' : 'memory', op.fd);
      if (v.kind === 'reclaim') {
        k.proactiveReclaim(cg, Math.ceil(v.bytes / k.geom.pageSize), v.swappiness ?? undefined);
        return;
      }
      if (v.kind === 'task') return k.moveTask(v.task, cg);
      if (f.name === 'memory.swap.tiers.max' && v.kind === 'text') return k.setSwapTierMax(cg, v.value);
      if (f.name === 'memory.zswap.writeback') {
        if (v.kind === 'bool') return k.setZswapWriteback(cg, v.value);
        if (v.kind === 'int' && (v.value === 0 || v.value === 1)) return k.setZswapWriteback(cg, v.value === 1);
      }
      break;
    }
    case 'zswap-param':
      if (f.name === 'enabled' || f.name === 'shrinker_enabled') {
        if (v.kind === 'bool') return k.setZswapParam(f.name, v.value);
      } else if (f.name === 'compressor') {
        if (v.kind === 'enum') return k.setZswapParam('compressor', v.value);
      } else if (v.kind === 'int') {
        return k.setZswapParam(f.name, v.value);
      }
      break;
    case 'sysctl':
      // the page cache knobs: vfs.ts parses and applies them as their handlers do
      if (f.name === 'dirty_ratio' || f.name === 'dirty_background_ratio' || f.name === 'drop_caches')
        return writeFile(k, f.path, op.text);
      if (v.kind === 'int') return k.setSysctl(f.name === 'page-cluster' ? 'page_cluster' : 'swappiness', v.value);
      break;
    case 'swap-sysfs':
      if (f.name === 'tiers') {
        if (v.kind === 'text') return k.writeSwapTiers(v.value);
      } else if (v.kind === 'bool') {
        return k.setSysctl('vma_ra_enabled', v.value);
      }
      break;
    case 'thp':
    case 'thp-size':
      // shmem's policy decides the folio size of tmpfs and shared memory (shmem.ts)
      if (f.name === 'shmem_enabled') return writeFile(k, f.path, op.text);
      // per-size THP policy only decides fault orders; mmap's order= states it explicitly
      if (v.kind === 'enum') return;
      break;
    default:
      break;
  }
  throw new KernelError('EINVAL', `cannot write '${op.text}' to ${f.path}`);
}

/** Read an observable in its native unit (numbers) or as a canonical word. */
export function observe(k: Kernel, o: Observable, design: DesignName): number | string {
  switch (o.kind) {
    case 'file':
      return readValue(k, o.file.path, o.key, o.fd === null ? null : k.files.use(o.fd));
    case 'swaps': {
      const si = k.swap.byPath(o.device);
      if (!si) throw new KernelError('ENOENT', `${o.device} is not in /proc/swaps`);
      const kib = k.geom.pageSize / 1024;
      switch (o.column) {
        case 'Type':
          return si.typeName;
        case 'Size':
          return si.pages * kib;
        case 'Used':
          return si.inusePages * kib;
        case 'Priority':
          return si.prio;
      }
      break;
    }
    case 'free': {
      if (o.row === 'swap') {
        const v = freeSwap(k);
        if (o.column === 'total' || o.column === 'used' || o.column === 'free') return v[o.column];
        throw new RangeError(`free's Swap line has no ${o.column} column`);
      }
      return freeMem(k)[o.column];
    }
    case 'slot': {
      const si = observedDevice(k, o.device);
      if (o.offset >= si.max)
        throw new KernelError('EINVAL', `slot ${o.offset} is past the end of ${o.device} (${si.max} slots)`);
      const meta = si.slotMeta(o.offset);
      switch (o.field) {
        case 'kind':
          return SLOT_KIND_NAMES[tbKind(meta)];
        case 'count':
          return si.slotCount(o.offset);
        case 'zero':
          return tbZero(meta) ? 1 : 0;
        case 'cached':
          return tbKind(meta) === SlotKind.PFN ? 1 : 0;
        case 'zswap':
          return k.zswap.entries.has(si.type * 2 ** 32 + o.offset) ? 1 : 0;
        case 'backend':
          return slotBackend(k, si, o.offset);
        case 'vtable':
          return VTABLE_TAGS[vtTag(si, o.offset)] ?? 'none';
        case 'memcg': {
          const m = k.memcgs.get(k.swapMemcgId(si, o.offset));
          return m ? memcgSummary(k, m).path : 'none';
        }
      }
      break;
    }
    case 'cluster': {
      const si = observedDevice(k, o.device);
      if (o.index >= si.nrClusters)
        throw new KernelError(
          'EINVAL',
          `cluster ${o.index} is past the end of ${o.device} (${si.nrClusters} clusters)`,
        );
      const ci = si.cluster(o.index);
      switch (o.field) {
        case 'list':
          return ci ? CLUSTER_LIST_NAMES[ci.flags] : 'free';
        case 'order':
          return ci?.order ?? 0;
        case 'count':
          return ci?.count ?? 0;
        case 'table':
          return ci?.table ? 1 : 0;
      }
      break;
    }
    case 'task': {
      const t = k.mm.tasks.get(o.task);
      if (!t) throw new KernelError('ENOENT', `no task named ${o.task}`);
      switch (o.field) {
        case 'state':
          return t.state;
        case 'cgroup': {
          const m = k.memcgs.get(t.memcg);
          return m ? memcgSummary(k, m).path : '/';
        }
        case 'rss':
          return k.taskFootprint(t).rss;
        case 'swapents':
          return k.taskFootprint(t).swapents;
      }
      break;
    }
    case 'device': {
      const si = k.swap.byPath(o.device);
      if (!si) throw new KernelError('ENOENT', `${o.device} is not an active swap device`);
      return {
        prio: si.prio,
        pages: si.pages,
        max: si.max,
        inuse: si.inusePages,
        discards: si.discards,
        discarded: si.discardedPages,
      }[o.field];
    }
    case 'dmesg':
      return k.dmesg.join('\n');
    case 'data': {
      const [v, a, b] = dataRange(k, o);
      return dataSummary(k, v, a, b);
    }
    case 'pagemap': {
      const v = k.vma(o.task, o.region);
      if (o.page >= v.nrPages)
        throw new KernelError('EINVAL', `page ${o.page} is outside ${o.region} (${v.nrPages} pages)`);
      const e = pagemapEntry(k, v, o.page);
      return {
        present: e.present ? 1 : 0,
        swapped: e.swapped ? 1 : 0,
        file: e.file ? 1 : 0,
        swap_type: e.swapType,
        swap_offset: e.swapOffset,
      }[o.field];
    }
    case 'smaps':
      return (o.region === null ? smapsRollup(k, k.task(o.task)) : smapsOf(k, k.vma(o.task, o.region)))[o.key];
    case 'status':
      return statusOf(k, k.task(o.task))[o.key];
    case 'overhead': {
      const table = computeOverhead(overheadInput(k, o.design ?? design));
      if (o.item === 'total') return table.totals.total;
      if (o.item === 'static') return table.totals.static;
      if (o.item === 'dynamic') return table.totals.dynamic;
      return structureBytes(table, o.item as Structure);
    }
  }
  throw new KernelError('EINVAL', 'unsupported observable');
}

function formatValue(v: number | string): string {
  return typeof v === 'number' ? String(v) : v;
}

/** Compare with the checker's operators; ≈ needs a tolerance (default ±1%). */
export function compare(
  actual: number | string,
  cmp: Comparison,
  expected: ExpectedValue,
  tol: Tolerance | null,
): boolean {
  if (cmp === 'contains' || cmp === '!contains')
    return String(actual).includes(String(expected.value)) === (cmp === 'contains');
  if (expected.kind === 'word' || typeof actual === 'string') {
    const a = String(actual);
    const e = String(expected.value);
    if (cmp === '==' || cmp === '≈') return a === e;
    if (cmp === '!=') return a !== e;
    return false;
  }
  const e = expected.value;
  const slack = !tol
    ? cmp === '≈'
      ? Math.abs(e) * 0.01
      : 0
    : tol.kind === 'relative'
      ? Math.abs(e) * tol.fraction
      : tol.amount;
  switch (cmp) {
    case '==':
    case '≈':
      return Math.abs(actual - e) <= slack;
    case '!=':
      return Math.abs(actual - e) > slack;
    case '<':
      return actual < e + slack;
    case '<=':
      return actual <= e + slack;
    case '>':
      return actual > e - slack;
    case '>=':
      return actual >= e - slack;
  }
}

/**
 * Execute one (non-repeat) statement. Kernel errors become `error`, never
 * exceptions; anything else thrown is a bug of ours and leaves as a
 * SimulatorBug naming the statement.
 */
export function execute(k: Kernel, stmt: CheckedStatement, ctx: ExecContext): StepOutcome {
  try {
    return run(k, stmt, ctx);
  } catch (e) {
    if (e instanceof KernelError) return { error: { errno: e.errno, message: e.message.replace(/^[A-Z0-9]+: /, '') } };
    throw new SimulatorBug(stmt.range.start.line, stmt.op, e);
  }
}

function run(k: Kernel, op: CheckedStatement, ctx: ExecContext): StepOutcome {
  switch (op.op) {
    case 'swapon':
      if (op.fromFile) {
        k.swaponFile(
          op.device,
          op.flags ?? swaponFlags(op.priority === -1 ? undefined : op.priority, op.discard ?? undefined),
          op.rotational,
        );
        return {};
      }
      k.swaponDevice(
        {
          path: op.device,
          kind: op.type,
          sizeBytes: op.slots * k.geom.pageSize,
          prio: op.priority === -1 ? undefined : op.priority,
          discard: op.discard ?? undefined,
          rotational: op.rotational,
          badPages: op.badPages,
        },
        op.flags ?? undefined,
      );
      return {};
    case 'mount':
      k.mount(op.dir, op.fs, op.blockSize, op.device);
      return {};
    case 'mkfile':
      // truncate -s resizes an existing file and creates a missing one; dd and fallocate make it anew
      if (op.fill === 'hole' && k.fs.lookup(op.path)) k.truncateFile(op.path, op.bytes);
      else k.makeFile(op.path, op.bytes, op.fill);
      return {};
    case 'chattr':
      k.setNocow(op.path);
      return {};
    case 'mkswap':
      k.mkswap(op.path, {
        pages: op.pages ?? undefined,
        force: op.force,
        version: op.version,
        label: op.label,
        uuid: op.uuid,
        badPages: op.badPages,
      });
      return {};
    case 'rm':
      k.unlinkSwapFile(op.path);
      return {};
    case 'user':
      k.setCred(op.uid, op.capSysAdmin);
      return {};
    case 'dmesg':
      if (op.clear) {
        k.clearDmesg();
        return {};
      }
      return { output: k.dmesg.map((l) => `${l}\n`).join('') };
    case 'swapoff':
      k.swapoffDevice(op.device);
      return {};
    case 'swapoff-all':
      // swapoff -a reads /proc/swaps, where the hidden vswap device is not listed
      for (const si of [...k.swap.devices].reverse()) if (si !== k.swap.vswap) k.swapoffDevice(si.path);
      return {};
    case 'write':
      write(k, op);
      return {};
    case 'read':
      return { output: readFile(k, op.file.path, op.fd === undefined ? null : k.files.use(op.fd)) };
    case 'open':
      k.openFile(op.name, op.file.path);
      return {};
    case 'close':
      k.closeFile(op.name);
      return {};
    case 'fail':
      throw new KernelError(op.errno as ErrnoName, op.message);
    case 'free':
      return { output: freeText(k, op.unit === 'mebi' ? 'm' : 'k') };
    case 'mkdir':
      if (op.parents) {
        const parts = op.cgroup.split('/').filter(Boolean);
        k.atomically(() => {
          for (let i = 1; i <= parts.length; i++) {
            const p = parts.slice(0, i).join('/');
            if (!k.memcgs.lookup(p)) k.mkdir(p);
          }
        });
      } else {
        k.mkdir(op.cgroup);
      }
      return {};
    case 'rmdir':
      k.rmdir(op.cgroup);
      return {};
    case 'task':
      k.createTask(op.task, op.cgroup, op.cpu);
      return {};
    case 'mmap':
      k.mmap(op.task, op.region, op.pages, {
        order: op.order,
        content: contentSpec(op),
        populate: op.populate,
        shared: op.shared,
        file: op.file ?? undefined,
        offsetPages: op.offsetPages,
      });
      return {};
    case 'file-write': {
      const content = op.content === null ? undefined : contentSpec({ content: op.content });
      k.fileWrite(op.path, op.offset, op.bytes, { task: op.task ?? undefined, content });
      return {};
    }
    case 'file-read':
      k.fileRead(op.path, op.offset, op.bytes ?? Number.POSITIVE_INFINITY, { task: op.task ?? undefined });
      return {};
    case 'file-rm':
      k.unlink(op.path);
      return {};
    case 'file-sync':
      k.sync(op.path ?? undefined);
      return {};
    case 'touch': {
      const [a, b] = span(op, 'touch');
      k.touch(op.task, op.region, a, b, op.write);
      return {};
    }
    case 'pageout': {
      const [a, b] = span(op, 'madvise(MADV_PAGEOUT)');
      k.pageout(op.task, op.region, a, b);
      return {};
    }
    case 'munmap': {
      if (op.pages.whole) k.munmap(op.task, op.region);
      else {
        const [a, b] = span(op, 'munmap');
        k.munmap(op.task, op.region, a, b);
      }
      return {};
    }
    case 'madvise': {
      const name = `${op.process ? 'process_madvise' : 'madvise'}(MADV_${op.advice.toUpperCase()})`;
      const [a, b] = span(op, name);
      if (op.process) k.processMadvise(op.task, op.region, op.advice, a, b);
      else k.madvise(op.task, op.region, op.advice, a, b);
      return {};
    }
    case 'mlock':
      k.mlock(op.task, op.region, op.lock);
      return {};
    case 'mremap':
      k.mremap(op.task, op.region, op.pages);
      return {};
    case 'fill':
      k.fill(op.task, op.region, op.value, op.pages.first, op.pages.first + op.pages.count);
      return {};
    case 'fork':
      k.fork(op.task, op.child);
      return {};
    case 'exit':
      k.exit(op.task);
      return {};
    case 'usemem':
      runUsemem(k, op, contentSpec(op));
      return {};
    case 'zswap-shrink':
      k.zswapShrink(op.entries ?? Number.POSITIVE_INFINITY);
      return {};
    case 'discard':
      k.runDiscard();
      return {};
    case 'expect-ok': {
      const passed = ctx.lastErrno === null;
      return { expect: { passed, actual: ctx.lastErrno ?? 'ok', expected: 'ok', text: 'expect ok' } };
    }
    case 'expect-error': {
      const passed = ctx.lastErrno === op.errno;
      return {
        expect: { passed, actual: ctx.lastErrno ?? 'ok', expected: op.errno, text: `expect error ${op.errno}` },
      };
    }
    case 'expect': {
      if (op.observable.kind === 'data') return { expect: dataExpect(k, op, op.observable) };
      let actual: number | string;
      try {
        actual = observe(k, op.observable, ctx.design);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        return {
          expect: {
            passed: false,
            actual: `${e.errno} (${e.message.replace(/^[A-Z0-9]+: /, '')})`,
            expected: describeExpected(op),
            text: op.text,
          },
        };
      }
      const passed = compare(actual, op.comparison, op.expected, op.tolerance);
      return {
        expect: {
          passed,
          actual: `${formatValue(actual)}${unitSuffix(op.unit)}`,
          expected: describeExpected(op),
          text: op.text,
        },
      };
    }
    case 'repeat':
      throw new RangeError('repeat blocks are expanded by the step plan');
    case 'let': {
      const scope = needScope(ctx);
      const v = op.value;
      if (v.kind === 'text') scope.setVar(op.name, variableValue(expandWord(v.word, evalEnv(scope))));
      else scope.setVar(op.name, observe(k, letObservableNow(k, v, scope).observable, ctx.design));
      return {};
    }
    case 'dynamic': {
      const scope = needScope(ctx);
      return run(k, { ...recheck(k, op.statement, scope), range: op.range }, ctx);
    }
  }
}

/** The mapping and page range a data observable reads (a whole region as it is now, after any mremap). */
function dataRange(k: Kernel, o: Extract<Observable, { kind: 'data' }>): [Vma, number, number] {
  const v = k.vma(o.task, o.region);
  if (o.pages.whole) return [v, 0, v.nrPages];
  if (o.pages.first + o.pages.count > v.nrPages)
    throw new KernelError(
      'EINVAL',
      `pages ${o.pages.first}..${o.pages.first + o.pages.count - 1} are outside ${o.region} (${v.nrPages} pages)`,
    );
  return [v, o.pages.first, o.pages.first + o.pages.count];
}

/** A data expect: every page of the range against the value (or its index); the first differing pages are shown. */
function dataExpect(
  k: Kernel,
  op: Extract<CheckedOp, { op: 'expect' }>,
  o: Extract<Observable, { kind: 'data' }>,
): ExpectOutcome {
  const expected = op.expected.kind === 'number' ? op.expected.value : 'index';
  let mismatches: [number, number][];
  try {
    const [v, a, b] = dataRange(k, o);
    mismatches = dataMismatches(k, v, a, b, expected);
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    return {
      passed: false,
      actual: `${e.errno} (${e.message.replace(/^[A-Z0-9]+: /, '')})`,
      expected: describeExpected(op),
      text: op.text,
    };
  }
  const same = mismatches.length === 0;
  const shown = mismatches
    .slice(0, 3)
    .map(([page, got]) => `page ${page} holds ${got}`)
    .join(', ');
  const actual = same
    ? `every page ${expected === 'index' ? 'holds its index' : `holds ${expected}`}`
    : `${shown}${mismatches.length > 3 ? ', …' : ''} (${mismatches.length} pages differ)`;
  return { passed: op.comparison === '==' ? same : !same, actual, expected: describeExpected(op), text: op.text };
}

function needScope(ctx: ExecContext): RunScope {
  if (ctx.scope === undefined) throw new RangeError('variables need a session scope');
  return ctx.scope;
}

function unitSuffix(unit: string): string {
  return unit === 'bytes' ? ' B' : unit === 'kB' ? ' kB' : unit === 'pages' ? ' pages' : '';
}

function describeExpected(op: Extract<CheckedOp, { op: 'expect' }>): string {
  const v = op.expected.kind === 'number' ? `${op.expected.value}${unitSuffix(op.unit)}` : op.expected.value;
  const tol = !op.tolerance
    ? ''
    : op.tolerance.kind === 'relative'
      ? ` ±${+(op.tolerance.fraction * 100).toFixed(3)}%`
      : ` ±${op.tolerance.amount}${unitSuffix(op.unit)}`;
  return `${op.comparison} ${v}${tol}`;
}

/** The device an `expect slot|cluster` line names: a swap area by path, or the vswap designs' virtual device. */
function observedDevice(k: Kernel, device: string): SwapInfo {
  const si = device === VSWAP_DEVICE_WORD ? k.swap.vswap : k.swap.byPath(device);
  if (!si)
    throw new KernelError(
      'ENOENT',
      device === VSWAP_DEVICE_WORD
        ? `no virtual swap device: design is ${k.design}`
        : `${device} is not an active swap device`,
    );
  return si;
}
