/**
 * A scenario, translated for a real kernel: the command file the guest's
 * workload program (guest/swapsim-guest.c) runs, the swap devices the VM
 * needs, and every observable the comparison reads — each with the
 * simulator's value at the same point of the scenario. Constructs without a
 * real-kernel meaning are listed as simulator-only, never dropped.
 *
 * Translation runs the simulator alongside, step by step: the simulator's
 * values are read after the same step as the guest reads the kernel's, and
 * the content seed of every mapping comes from the simulated mm, so both
 * sides fill the same page with the same kind of content.
 */
import { createHash } from 'node:crypto';
import type {
  DesignName,
  VerifyObservable,
  VerifyRunInfo,
  VerifySimulatorOnly,
  VerifyValue,
} from '../../shared/protocol';
import type { CheckedStatement, FreeColumn, FsKind, Observable, PagemapField } from '../lang/check/checked';
import { lexLine, splitLines } from '../lang/syntax/lexer';
import { contentOf, type ContentSpec } from '../sim/content';
import { KernelError, NoSuchKey } from '../sim/errno';
import type { Kernel } from '../sim/kernel';
import { procSwaps } from '../sim/procfs';
import { readValue } from '../sim/vfs';
import { contentSpec, observe } from '../session/interpreter';
import { usememAccesses, usememCpu, usememSeed } from '../session/usemem';
import { USEMEM_REGION } from '../lang/check/commands';
import { formatCount } from '../../shared/format';
import { memcgSummaries } from '../session/observe';
import { Session } from '../session/session';
import { StepPlan } from '../session/steps';
import type { KernelVersion } from '../sim/kernel_version';
import type { SimProfile } from './profile';
import { BD_STAT_FIELDS, IO_STAT_FIELDS, MM_STAT_FIELDS } from '../sim/zram';

/** How the guest reads a value, and how the host extracts it from what the guest printed. */
export type GuestRead =
  /** The errno of the command run at `step`. */
  | { readonly kind: 'result' }
  /**
   * A file: `single` value, one `key` of a keyed file, a /proc/swaps cell, or a free(1) figure from /proc/meminfo;
   * read through the open file `fd` (`expect &NAME …`) when set, else by path.
   */
  | { readonly kind: 'file'; readonly id: number; readonly path: string; readonly pick: FilePick; readonly fd?: string }
  /** Whether the kernel log (read with syslog(2)) contains `text`: 1 or 0. */
  | { readonly kind: 'dmesg'; readonly id: number; readonly text: string }
  /** A task's state or footprint from /proc/PID/status. */
  | {
      readonly kind: 'task';
      readonly id: number;
      readonly task: string;
      readonly field: 'state' | 'rss' | 'swapents' | 'cgroup';
    }
  /** A line of a task's /proc/PID files: status, smaps_rollup, or a region's pagemap word and smaps entries. */
  | {
      readonly kind: 'proc';
      readonly id: number;
      readonly task: string;
      readonly region: string | null;
      readonly page: number;
      readonly pick: ProcPick;
    };

export type ProcPick =
  | { readonly file: 'status' | 'smaps_rollup' | 'smaps'; readonly key: string }
  | { readonly file: 'pagemap'; readonly field: PagemapField };

export type FilePick =
  | { readonly kind: 'single'; readonly unit: string }
  | { readonly kind: 'key'; readonly key: string; readonly unit: string }
  /** `pages`: the kB columns converted to pages (the `device` observables). */
  | {
      readonly kind: 'swaps';
      readonly device: string;
      readonly column: 'Type' | 'Size' | 'Used' | 'Priority';
      readonly pages?: boolean;
    }
  | { readonly kind: 'free'; readonly row: 'mem' | 'swap'; readonly column: FreeColumn }
  /** One field of a one-line file of numbers (zram's mm_stat, io_stat, bd_stat), by its position. */
  | { readonly kind: 'column'; readonly index: number };

/** An observable the guest reads (or, with no `read`, that stays simulator-only), with the simulator's value. */
export interface PlannedObservable extends Pick<
  VerifyObservable,
  'key' | 'step' | 'line' | 'kind' | 'label' | 'unit' | 'simulator' | 'note'
> {
  /** null: simulator-only (see `note`). */
  readonly read: GuestRead | null;
}

export interface GuestDevice {
  /**
   * The scenario's path; the guest makes it a block node, a bind-mounted file or a zram node. `rootfs`
   * (path `/`): the ext4 disk the guest makes its root when the scenario has regular files; `fs`: the disk a
   * `mount` names, made with that file system by the host.
   */
  readonly path: string;
  readonly kind: 'blk' | 'file' | 'zram' | 'fs' | 'rootfs';
  /** Largest size any swapon of it asks for; for `fs` and `rootfs`, the disk's size. */
  readonly bytes: number;
  /** `fs` and `rootfs`: the file system the host makes on the disk, and its block size. */
  readonly fs?: FsKind;
  readonly blockSize?: number;
}

/** The guest's run of a scenario: what it runs and reads, and what stays simulator-only. */
export interface GuestPlan extends Pick<VerifyRunInfo, 'design' | 'scenarioHash' | 'simulatorOnly'> {
  /** The kernel profile the simulator ran under. */
  readonly kernel: KernelVersion;
  readonly ramBytes: number;
  readonly cpus: number;
  readonly devices: readonly GuestDevice[];
  /** The command file's step lines (device lines are added by the VM runner, which names the disks). */
  readonly commands: readonly string[];
  readonly observables: readonly PlannedObservable[];
  /** Set when nothing of the scenario can run on a real kernel. */
  readonly wholeScenario: string | null;
  /** Pages the scenario maps or writes with `dd` in all (for the run's timeout). */
  readonly mappedPages: number;
}

export class TranslateError extends Error {}

/** Most steps one guest run takes: every step prints at least one line over a serial port. */
export const MAX_GUEST_STEPS = 20_000;

const hash16 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * The hash a fixture is keyed by: the scenario's statements only. Comments,
 * blank lines and indentation are left out, so rewording a comment does not
 * make a recorded kernel run stale; any change to what runs does.
 */
export function scenarioHash(text: string): string {
  const statements: string[] = [];
  for (const line of splitLines(text)) {
    const comment = lexLine(line).comment;
    const code = (comment ? line.slice(0, comment.start) : line).trim();
    if (code !== '') statements.push(code);
  }
  return hash16(statements.join('\n'));
}

/** A field of the command file: blanks, `%` and anything unusual are %XX-escaped (the guest undoes it). */
export function escapeField(s: string): string {
  if (s === '') return '-';
  return s.replace(/[^A-Za-z0-9._/:+,=@-]/g, (c) => {
    const bytes = Buffer.from(c, 'utf8');
    return [...bytes].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  });
}

/** The vmstat, meminfo and cgroup figures `swapsim run` prints at the end (docs/cli.md). */
export const DUMP_VMSTAT = [
  'pswpin',
  'pswpout',
  'swpout_zero',
  'swpin_zero',
  'zswpout',
  'zswpin',
  'zswpwb',
  'thp_swpout',
  'thp_swpout_fallback',
] as const;
export const DUMP_MEMINFO = ['SwapCached', 'Zswap', 'Zswapped'] as const;
export const DUMP_CGROUP_FILES = ['memory.current', 'memory.swap.current', 'memory.zswap.current'] as const;

const cgroupDir = (cg: string): string => (cg === '/' ? '/sys/fs/cgroup' : `/sys/fs/cgroup${cg}`);

/** Content code per page for the guest: 0 zero, 1000 incompressible, 1001 same-filled, 1..999 compressed/original in thousandths. */
function contentCodes(spec: ContentSpec, seed: number, pages: number): string[] {
  const runs: string[] = [];
  let last = -1;
  let count = 0;
  for (let i = 0; i < pages; i++) {
    const c = contentOf(spec, seed, i);
    const code =
      c.kind === 'zero'
        ? 0
        : c.kind === 'incompressible'
          ? 1000
          : c.kind === 'same'
            ? 1001
            : Math.min(999, Math.max(1, Math.round(c.ratio * 1000)));
    if (code === last) count++;
    else {
      if (count > 0) runs.push(`${last}*${count}`);
      last = code;
      count = 1;
    }
  }
  if (count > 0) runs.push(`${last}*${count}`);
  return runs;
}

/** Most guest commands one usemem step may take (a shuffled pass is one command per page). */
const MAX_USEMEM_COMMANDS = 65_536;

/** The simulator's reading of an observable: its value, or the errno the read fails with. */
function simValue(k: Kernel, o: Observable, design: DesignName): VerifyValue {
  try {
    return observe(k, o, design);
  } catch (e) {
    if (e instanceof NoSuchKey) return 'absent';
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
}

function simFile(k: Kernel, path: string, key: string | null): VerifyValue {
  try {
    return readValue(k, path, key);
  } catch (e) {
    if (e instanceof NoSuchKey) return 'absent';
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
}

/** zram's stat files print one line of numbers; an expect names a field, the guest's text gives its position. */
const ZRAM_STAT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  mm_stat: MM_STAT_FIELDS,
  io_stat: IO_STAT_FIELDS,
  bd_stat: BD_STAT_FIELDS,
};

/** How an expect's observable is read in the guest, or why it cannot be. */
function guestRead(o: Observable, id: number): GuestRead | string {
  switch (o.kind) {
    case 'file': {
      const f = o.file;
      if (f.kind === 'swap-sysfs' && f.name === 'tiers') return 'swap tiers (unmerged series) are not in this kernel';
      if (f.kind === 'cgroup' && f.name === 'memory.swap.tiers.max')
        return 'swap tiers (unmerged series) are not in this kernel';
      const unit = o.key === null ? 'single' : 'key';
      const columns = f.kind === 'zram' ? ZRAM_STAT_COLUMNS[f.name] : undefined;
      if (columns !== undefined && o.key !== null)
        return { kind: 'file', id, path: f.path, pick: { kind: 'column', index: columns.indexOf(o.key) } };
      if (f.kind === 'proc' && f.name === 'swaps')
        return {
          kind: 'file',
          id,
          path: f.path,
          pick: {
            kind: 'swaps',
            device: (o.key ?? '').split(/\s+/)[0] ?? '',
            column: ((o.key ?? '').split(/\s+/)[1] ?? 'Used') as 'Used',
          },
        };
      return {
        kind: 'file',
        id,
        path: f.path,
        pick: o.key === null ? { kind: 'single', unit } : { kind: 'key', key: o.key, unit },
        ...(o.fd === null ? {} : { fd: o.fd }),
      };
    }
    case 'swaps':
      return { kind: 'file', id, path: '/proc/swaps', pick: { kind: 'swaps', device: o.device, column: o.column } };
    case 'free':
      return { kind: 'file', id, path: '/proc/meminfo', pick: { kind: 'free', row: o.row, column: o.column } };
    case 'task':
      return { kind: 'task', id, task: o.task, field: o.field };
    case 'device':
      if (o.field === 'max') return 'si->max (slots with the header and bad pages) is not shown to user space';
      if (o.field === 'discards' || o.field === 'discarded')
        return "discards are counted in the device's /sys/block/DEV/stat, which the guest does not read yet";
      if (o.field === 'prio')
        return { kind: 'file', id, path: '/proc/swaps', pick: { kind: 'swaps', device: o.device, column: 'Priority' } };
      return {
        kind: 'file',
        id,
        path: '/proc/swaps',
        pick: { kind: 'swaps', device: o.device, column: o.field === 'pages' ? 'Size' : 'Used', pages: true },
      };
    case 'slot':
      return 'per-slot metadata is not visible from user space';
    case 'cluster':
      return 'per-cluster metadata is not visible from user space';
    case 'overhead':
      return 'swap metadata overhead is a simulator measure';
    case 'dmesg':
      // translate() reads it with the expected text (dmesgExpect)
      return 'the kernel log is compared through `expect dmesg contains`';
    case 'data':
      return 'page data is a simulator tag (the guest fills pages by content class), not read back from the guest';
    case 'status':
      return { kind: 'proc', id, task: o.task, region: null, page: 0, pick: { file: 'status', key: o.key } };
    case 'smaps':
      return {
        kind: 'proc',
        id,
        task: o.task,
        region: o.region,
        page: 0,
        pick: { file: o.region === null ? 'smaps_rollup' : 'smaps', key: o.key },
      };
    case 'pagemap':
      return {
        kind: 'proc',
        id,
        task: o.task,
        region: o.region,
        page: o.page,
        pick: { file: 'pagemap', field: o.field },
      };
  }
}

/** The observable part of an expect's text (`/proc/vmstat pswpout`). */
function observableLabel(text: string): string {
  return text.replace(/^expect\s+/, '').replace(/\s*(==|!=|<=|>=|<|>|≈|~=).*$/, '');
}

interface DeviceUse {
  kind: GuestDevice['kind'];
  bytes: number;
  fs?: FsKind;
  blockSize?: number;
}

/** The node a `mount` names (the checker keeps the name without `/dev/`, as file system messages print it). */
const fsDevicePath = (device: string): string => (device.startsWith('/') ? device : `/dev/${device}`);

/** A file system disk is at least this large (mkfs.xfs refuses less than 300 MiB); the image is sparse. */
const FS_DISK_MIN_BYTES = 512 * 2 ** 20;

/** Statements that need regular files, so a real root file system in the guest (its initramfs root cannot hold a swap file). */
function needsRootFs(stmt: CheckedStatement): boolean {
  return (
    stmt.op === 'mount' ||
    stmt.op === 'mkfile' ||
    stmt.op === 'chattr' ||
    stmt.op === 'mkswap' ||
    stmt.op === 'rm' ||
    (stmt.op === 'swapon' && stmt.fromFile)
  );
}

/** `expect dmesg contains TEXT` as 1 or 0 on both sides; null for other expects. */
function dmesgExpect(
  stmt: Extract<CheckedStatement, { op: 'expect' }>,
  k: Kernel,
  design: DesignName,
): { text: string; simulator: VerifyValue } | null {
  if (stmt.observable.kind !== 'dmesg' || stmt.expected.kind !== 'word') return null;
  const text = stmt.expected.value;
  const log = simValue(k, stmt.observable, design);
  return { text, simulator: typeof log === 'string' && log.includes(text) ? 1 : 0 };
}

/** Scenario-wide reasons nothing translates, from the config alone. */
function configReasons(
  text: string,
  plan: {
    config: { design: DesignName; pageSize: number; clusterSlots: number; thpSwap: boolean; swapTiers: boolean };
  },
): string | null {
  const c = plan.config;
  if (c.design === 'ghost') return 'design=ghost: the ghost swapfile RFC is not in any kernel';
  if (c.pageSize !== 4096) return `page_size=${c.pageSize / 1024}K: x86-64 kernels have 4K pages`;
  if (c.clusterSlots !== 512) return `cluster_slots=${c.clusterSlots}: the kernel's SWAPFILE_CLUSTER is 512 on x86-64`;
  if (!c.thpSwap) return 'thp_swap=off: Debian kernels are built with CONFIG_THP_SWAP=y';
  if (c.swapTiers) return 'swap_tiers=on: the swap tiers series is not merged, so no kernel has its files';
  void text;
  return null;
}

/**
 * Translate `text` for a real kernel whose matching simulator profile is
 * `profile` (its release and design). Throws TranslateError when the
 * scenario does not check.
 */
export function translate(text: string, profile: SimProfile, file = 'scenario.swapsim'): GuestPlan {
  const design = profile.design;
  // a guest task is a real process: its own pages and the charge stock (config task_memory=kernel)
  const session = new Session(file, text, {
    design,
    kernel: profile.kernel,
    checkInvariants: false,
    taskMemory: 'kernel',
  });
  const front = session.frontEnd;
  if (front.checked.hasErrors) {
    const first = front.diagnostics.find((d) => d.severity === 'error');
    throw new TranslateError(
      `${file}:${(first?.range.start.line ?? 0) + 1}: ${first?.code ?? ''} ${first?.message ?? 'the scenario has errors'}`.trim(),
    );
  }
  const cfg = front.checked.config;
  const lines = text.split(/\r?\n/);
  const lineText = (line: number): string => (lines[line] ?? '').replace(/\s+#.*$/, '').trim();
  const simulatorOnly: VerifySimulatorOnly[] = [];
  const scenarioDesign = cfg.design;
  const whole = configReasons(text, front.checked);
  if (scenarioDesign === 'vswap' || scenarioDesign === 'vswap-ste') {
    const configLine = lines.findIndex((l) => /^\s*config\b.*\bdesign=/.test(l));
    simulatorOnly.push({
      line: Math.max(0, configLine),
      text: lineText(Math.max(0, configLine)),
      reason: `design=${scenarioDesign} is not merged: compared with the simulator under ${design}, mainline behaviour`,
    });
  }
  const plan = new StepPlan(front.checked.statements);
  if (plan.total > MAX_GUEST_STEPS)
    throw new TranslateError(
      `${file}: ${plan.total} steps once repeats are unrolled; a guest run takes at most ${MAX_GUEST_STEPS}`,
    );

  const commands: string[] = [];
  const observables: PlannedObservable[] = [];
  const devices = new Map<string, DeviceUse>();
  const seenOnly = new Set<number>();
  let nextId = 1;
  let mappedPages = 0;
  // regular files need a real root file system: ext4 with page-sized blocks, as the simulator's `/`
  if (whole === null && Array.from({ length: plan.total }, (_, i) => plan.at(i).stmt).some(needsRootFs))
    devices.set('/', { kind: 'rootfs', bytes: FS_DISK_MIN_BYTES, fs: 'ext4', blockSize: 4096 });
  const onlyOnce = (stmt: CheckedStatement, reason: string): void => {
    if (seenOnly.has(stmt.range.start.line)) return;
    seenOnly.add(stmt.range.start.line);
    simulatorOnly.push({ line: stmt.range.start.line, text: lineText(stmt.range.start.line), reason });
  };

  for (let i = 0; i < plan.total; i++) {
    const planned = plan.at(i).stmt;
    // a statement with `$` substitutions runs as the simulator expands it now
    const stmt = session.nextStatement() ?? planned;
    const step = i + 1;
    const errorsBefore = session.errors.length;
    session.stepForward(1);
    const k = session.machine;
    const err = session.errors.length > errorsBefore ? session.errors[session.errors.length - 1]! : null;
    const simResult = err ? err.errno : 'ok';
    const line = stmt.range.start.line;
    /** An expect's observable: read in the guest (`read`), or simulator-only with the reason (`note`). */
    const expectObservable = (
      label: string,
      unit: string,
      simulator: VerifyValue,
      read: GuestRead | null,
      note?: string,
    ): void => {
      observables.push({
        key: `s${step} ${label}`,
        step,
        line,
        kind: 'expect',
        label,
        unit,
        simulator,
        read,
        ...(note === undefined ? {} : { note }),
      });
    };
    if (whole) {
      // nothing runs on the kernel, but every expect is still listed with the simulator's value
      if (stmt.op === 'expect')
        expectObservable(observableLabel(stmt.text), stmt.unit, simValue(k, stmt.observable, design), null, whole);
      continue;
    }
    commands.push(`step ${step}`);
    const guest = commandFor(stmt, k, devices, onlyOnce);
    if (stmt.op === 'mmap') mappedPages += stmt.pages;
    if (stmt.op === 'usemem') mappedPages += stmt.pages * stmt.tasks.length;
    // dd writes every page of the file, which takes as long in the guest as faulting them
    if (stmt.op === 'mkfile' && stmt.fill === 'written') mappedPages += Math.ceil(stmt.bytes / k.geom.pageSize);
    if (guest !== null || isCommand(stmt)) {
      if (guest !== null) commands.push(...guest.split('\n'));
      observables.push({
        key: `s${step} result`,
        step,
        line,
        kind: 'result',
        label: `result of ${lineText(line)}`,
        unit: 'errno',
        simulator: simResult,
        read: guest !== null ? { kind: 'result' } : null,
        ...(guest !== null ? {} : { note: simulatorOnly.find((s) => s.line === line)?.reason }),
      });
    }
    const dmesg = stmt.op === 'expect' ? dmesgExpect(stmt, k, design) : null;
    if (stmt.op === 'expect' && dmesg !== null) {
      const id = nextId++;
      commands.push(`kobs ${id}`);
      expectObservable(`dmesg contains ${JSON.stringify(dmesg.text)}`, 'bool', dmesg.simulator, {
        kind: 'dmesg',
        id,
        text: dmesg.text,
      });
    } else if (stmt.op === 'expect') {
      const how = guestRead(stmt.observable, nextId++);
      const label = observableLabel(stmt.text);
      const sim = simValue(k, stmt.observable, design);
      if (typeof how === 'string') {
        onlyOnce(stmt, how);
        expectObservable(label, stmt.unit, sim, null, how);
      } else {
        commands.push(readCommand(how));
        expectObservable(label, stmt.unit, sim, how);
      }
    }
  }
  if (!whole)
    dumpObservables(
      session.machine,
      plan.total,
      lastLine(front.checked.statements),
      commands,
      observables,
      () => nextId++,
    );
  else if (front.checked.statements.length > 0)
    simulatorOnly.push({
      line: front.checked.statements[0]!.range.start.line,
      text: lineText(front.checked.statements[0]!.range.start.line),
      reason: whole,
    });

  return {
    design,
    kernel: profile.kernel,
    scenarioHash: scenarioHash(text),
    ramBytes: cfg.ramBytes,
    cpus: cfg.cpus,
    devices: [...devices].map(([path, d]) => ({
      path,
      kind: d.kind,
      bytes: d.bytes,
      ...(d.fs === undefined ? {} : { fs: d.fs, blockSize: d.blockSize ?? 4096 }),
    })),
    commands,
    observables,
    simulatorOnly: simulatorOnly.sort((a, b) => a.line - b.line),
    wholeScenario: whole,
    mappedPages,
  };
}

function lastLine(stmts: readonly CheckedStatement[]): number {
  return stmts.length === 0 ? 0 : stmts[stmts.length - 1]!.range.end.line;
}

function isCommand(stmt: CheckedStatement): boolean {
  return (
    stmt.op !== 'expect' &&
    stmt.op !== 'expect-ok' &&
    stmt.op !== 'expect-error' &&
    stmt.op !== 'repeat' &&
    stmt.op !== 'read' &&
    stmt.op !== 'free' &&
    stmt.op !== 'let'
  );
}

function readCommand(how: GuestRead): string {
  if (how.kind === 'file')
    return how.fd === undefined ? `obs ${how.id} ${escapeField(how.path)}` : `fobs ${how.id} ${escapeField(how.fd)}`;
  if (how.kind === 'task') return `tobs ${how.id} ${escapeField(how.task)}`;
  if (how.kind === 'dmesg') return `kobs ${how.id}`;
  if (how.kind === 'proc')
    return `pobs ${how.id} ${escapeField(how.task)} ${how.region === null ? '-' : escapeField(how.region)} ${how.page} ${how.pick.file}`;
  return '';
}

/** The guest command for one statement, or null when it has none (simulator-only, or only shown). */
function commandFor(
  stmt: CheckedStatement,
  k: Kernel,
  devices: Map<string, DeviceUse>,
  onlyOnce: (s: CheckedStatement, reason: string) => void,
): string | null {
  const e = escapeField;
  switch (stmt.op) {
    case 'swapon': {
      if (stmt.type === 'ghost') {
        onlyOnce(stmt, '/dev/ghostswap exists only under the ghost swapfile RFC');
        return null;
      }
      if (stmt.fromFile) {
        // a file mkswap wrote: the kernel reads its header; the guest only sets its disk's rotational flag
        const raw = stmt.flags === null ? '' : ` ${stmt.flags}`;
        return `swapon-file ${e(stmt.device)} ${stmt.priority} ${stmt.discard ?? '-'} ${stmt.rotational ? 1 : 0}${raw}`;
      }
      const kind: GuestDevice['kind'] = stmt.type === 'zram' ? 'zram' : stmt.type === 'file' ? 'file' : 'blk';
      // a zram swapon without size= takes the disksize the scenario wrote (the simulator has it after the step)
      const slots =
        stmt.type === 'zram' && stmt.slots === 0
          ? Math.floor((k.zram.devices.get(stmt.device)?.disksize ?? 0) / k.geom.pageSize)
          : stmt.slots;
      const bytes = slots * k.geom.pageSize;
      const prev = devices.get(stmt.device);
      devices.set(stmt.device, { kind, bytes: Math.max(bytes, prev?.bytes ?? 0) });
      const bad = stmt.badPages.length === 0 ? '-' : stmt.badPages.join(',');
      // `flags=`: the raw swap_flags word goes to swapon(2) as it is (invalid bits included)
      const raw = stmt.flags === null ? '' : ` ${stmt.flags}`;
      return `swapon ${e(stmt.device)} ${stmt.priority} ${stmt.discard ?? '-'} ${slots} ${stmt.rotational ? 1 : 0} ${bad}${raw}`;
    }
    case 'swapoff':
      return `swapoff ${e(stmt.device)}`;
    case 'swapoff-all':
      return 'swapoff-all';
    case 'write': {
      const f = stmt.file;
      if (
        (f.kind === 'swap-sysfs' && f.name === 'tiers') ||
        (f.kind === 'cgroup' && f.name === 'memory.swap.tiers.max')
      ) {
        onlyOnce(stmt, 'swap tiers (unmerged series) are not in this kernel');
        return null;
      }
      // through an open file (`> &NAME`) the guest writes the fd it holds under that name
      const p = stmt.fd === undefined ? '' : 'f';
      const target = e(stmt.fd ?? f.path);
      if (stmt.value.kind === 'task') return `${p}move ${e(stmt.value.task)} ${target}`;
      return stmt.text === '' ? `${p}write-empty ${target}` : `${p}write ${target} ${e(stmt.text)}`;
    }
    case 'read':
      return stmt.fd === undefined ? `cat ${e(stmt.file.path)}` : `fcat ${e(stmt.fd)}`;
    case 'free':
      return null;
    case 'mkdir':
      return `${stmt.parents ? 'mkdir-p' : 'mkdir'} ${e(cgroupDir(stmt.cgroup))}`;
    case 'rmdir':
      return `rmdir ${e(cgroupDir(stmt.cgroup))}`;
    case 'task':
      return `task ${e(stmt.task)} ${e(`${cgroupDir(stmt.cgroup)}/cgroup.procs`)} ${stmt.cpu}`;
    case 'mmap': {
      if (stmt.file !== null) {
        onlyOnce(
          stmt,
          'file mappings need page cache files (`file write`), which are not translated for the guest yet',
        );
        return null;
      }
      const v = k.mm.tasks.get(stmt.task)?.vmas.get(stmt.region);
      // a shared anonymous mapping's shmem object takes the mapping's content and seed (shmem_zero_setup())
      const seed = v?.contentSeed ?? 0;
      const flags = (stmt.populate ? 1 : 0) | (stmt.shared ? 2 : 0);
      return `mmap ${e(stmt.task)} ${e(stmt.region)} ${stmt.pages} ${stmt.order} ${flags} ${seed} ${contentCodes(contentSpec(stmt), seed, stmt.pages).join(' ')}`;
    }
    case 'touch':
      return `touch ${e(stmt.task)} ${e(stmt.region)} ${stmt.pages.first} ${stmt.pages.count} ${stmt.write ? 1 : 0}`;
    case 'pageout':
      return `pageout ${e(stmt.task)} ${e(stmt.region)} ${stmt.pages.first} ${stmt.pages.count} ${stmt.pages.startAligned ? 1 : 0}`;
    case 'munmap':
      return `munmap ${e(stmt.task)} ${e(stmt.region)} ${stmt.pages.first} ${stmt.pages.count} ${stmt.pages.startAligned ? 1 : 0}`;
    case 'madvise':
      // process_madvise(): the driver asks the task where the region is and advises it through a pidfd
      if (stmt.process)
        return `pmadvise ${e(stmt.task)} ${e(stmt.region)} ${stmt.pages.first} ${stmt.pages.count} ${stmt.pages.startAligned ? 1 : 0} ${stmt.advice}`;
      return `madvise ${e(stmt.task)} ${e(stmt.region)} ${stmt.pages.first} ${stmt.pages.count} ${stmt.pages.startAligned ? 1 : 0} ${stmt.advice}`;
    case 'mlock':
      return `${stmt.lock ? 'mlock' : 'munlock'} ${e(stmt.task)} ${e(stmt.region)}`;
    case 'mremap':
      return `mremap ${e(stmt.task)} ${e(stmt.region)} 0 ${stmt.pages}`;
    case 'fill':
      // the write faults run on the kernel; the value itself is the simulator's tag
      return `touch ${e(stmt.task)} ${e(stmt.region)} ${stmt.pages.first} ${stmt.pages.count} 1`;
    case 'fork':
      return `fork ${e(stmt.task)} ${e(stmt.child)}`;
    case 'exit':
      return `exit ${e(stmt.task)}`;
    case 'usemem': {
      // the same operations in the same order as runUsemem(), one guest command each (the step's result is the first error)
      const accesses = [...usememAccesses(stmt, k.seed)];
      if (accesses.length > MAX_USEMEM_COMMANDS) {
        onlyOnce(
          stmt,
          `a shuffled usemem over ${formatCount(stmt.pages)} pages needs ${formatCount(accesses.length)} single-page guest commands; the guest takes at most ${formatCount(MAX_USEMEM_COMMANDS)} per step`,
        );
        return null;
      }
      const spec = contentSpec(stmt);
      const out: string[] = [];
      stmt.tasks.forEach((task, i) => {
        const seed = usememSeed(k.seed, i);
        out.push(
          `task ${e(task)} ${e(`${cgroupDir(stmt.cgroup)}/cgroup.procs`)} ${usememCpu(k, i)}`,
          `mmap ${e(task)} ${USEMEM_REGION} ${stmt.pages} ${stmt.order} 0 ${seed} ${contentCodes(spec, seed, stmt.pages).join(' ')}`,
        );
      });
      for (const a of accesses)
        out.push(`touch ${e(a.task)} ${USEMEM_REGION} ${a.from} ${a.to - a.from} ${stmt.write ? 1 : 0}`);
      if (!stmt.hold) for (const task of stmt.tasks) out.push(`exit ${e(task)}`);
      return out.join('\n');
    }
    case 'zswap-shrink':
      onlyOnce(stmt, 'no user-space interface runs the zswap shrinker on demand (it runs under memory pressure)');
      return null;
    case 'discard':
      onlyOnce(stmt, 'discard work runs asynchronously in the kernel; user space cannot run it');
      return null;
    case 'dynamic':
      onlyOnce(stmt, 'its variables do not expand to a valid statement');
      return null;
    case 'open':
      return `open ${e(stmt.name)} ${e(stmt.file.path)}`;
    case 'close':
      return `close ${e(stmt.name)}`;
    case 'mount': {
      // the host makes the file system on the disk (mkfs with that block size); tmpfs needs no disk
      if (stmt.fs !== 'tmpfs') {
        const path = fsDevicePath(stmt.device);
        const prev = devices.get(path);
        devices.set(path, {
          kind: 'fs',
          bytes: prev?.bytes ?? FS_DISK_MIN_BYTES,
          fs: prev?.fs ?? stmt.fs,
          blockSize: prev?.blockSize ?? stmt.blockSize,
        });
      }
      return `mount ${stmt.fs} ${e(fsDevicePath(stmt.device))} ${e(stmt.dir)}`;
    }
    case 'mkfile':
      growDisk(devices, k, stmt.path, stmt.bytes);
      return `mkfile ${e(stmt.path)} ${stmt.bytes} ${stmt.fill}`;
    case 'chattr':
      return `chattr ${e(stmt.path)}`;
    case 'mkswap': {
      const bad = stmt.badPages.length === 0 ? '-' : stmt.badPages.join(',');
      return `mkswap ${e(stmt.path)} ${stmt.pages ?? '-'} ${stmt.force ? 1 : 0} ${stmt.version} ${e(stmt.label)} ${e(stmt.uuid)} ${bad}`;
    }
    case 'rm':
      return `rm ${e(stmt.path)}`;
    case 'user':
      // the guest driver takes this uid (effective only) or drops CAP_SYS_ADMIN around each statement
      return `user ${stmt.uid} ${stmt.capSysAdmin ? 1 : 0}`;
    case 'dmesg':
      // printed in the guest log (like cat); `expect dmesg contains` is what is compared
      return stmt.clear ? 'dmesg-clear' : 'dmesg';
    case 'file-write':
    case 'file-read':
    case 'file-rm':
    case 'file-sync':
      onlyOnce(stmt, 'page cache and tmpfs files are not translated for the guest yet');
      return null;
    case 'fail':
      onlyOnce(stmt, `the simulator fails this statement itself (${stmt.errno}: ${stmt.message})`);
      return null;
    case 'expect':
    case 'expect-ok':
    case 'expect-error':
    case 'repeat':
    case 'let':
      return null;
  }
}

/**
 * A file of `bytes` is made at `path`: the disk of the file system it lands on (the simulator's mount of
 * that path, after the step) must hold it. Disks are sparse images, so room is cheap.
 */
function growDisk(devices: Map<string, DeviceUse>, k: Kernel, path: string, bytes: number): void {
  let mount;
  try {
    mount = k.fs.mountOf(path);
  } catch {
    return;
  }
  const key = mount.path === '/' ? '/' : mount.fs === 'tmpfs' ? null : fsDevicePath(mount.device);
  if (key === null) return;
  const d = devices.get(key);
  if (d === undefined) return;
  d.bytes = Math.max(d.bytes, FS_DISK_MIN_BYTES, 2 * bytes + 64 * 2 ** 20);
}

/** What `swapsim run` prints at the end, read in the guest after the last step. */
function dumpObservables(
  k: Kernel,
  step: number,
  line: number,
  commands: string[],
  out: PlannedObservable[],
  id: () => number,
): void {
  const swapsId = id();
  const vmstatId = id();
  const meminfoId = id();
  commands.push(`obs ${swapsId} /proc/swaps`, `obs ${vmstatId} /proc/vmstat`, `obs ${meminfoId} /proc/meminfo`);
  const add = (label: string, unit: string, simulator: VerifyValue, read: GuestRead): void => {
    out.push({ key: `end ${label}`, step, line, kind: 'dump', label, unit, simulator, read });
  };
  for (const row of procSwaps(k)) {
    for (const column of ['Size', 'Used', 'Priority'] as const) {
      add(`/proc/swaps ${row.Filename} ${column}`, column === 'Priority' ? 'int' : 'kB', row[column], {
        kind: 'file',
        id: swapsId,
        path: '/proc/swaps',
        pick: { kind: 'swaps', device: row.Filename, column },
      });
    }
  }
  for (const key of DUMP_VMSTAT)
    add(`/proc/vmstat ${key}`, 'count', simFile(k, '/proc/vmstat', key), {
      kind: 'file',
      id: vmstatId,
      path: '/proc/vmstat',
      pick: { kind: 'key', key, unit: 'count' },
    });
  for (const key of DUMP_MEMINFO)
    add(`/proc/meminfo ${key}`, 'kB', simFile(k, '/proc/meminfo', key), {
      kind: 'file',
      id: meminfoId,
      path: '/proc/meminfo',
      pick: { kind: 'key', key, unit: 'kB' },
    });
  for (const m of memcgSummaries(k)) {
    if (!m.online || m.path === '/') continue;
    for (const name of DUMP_CGROUP_FILES) {
      const path = `${cgroupDir(m.path)}/${name}`;
      const fid = id();
      commands.push(`obs ${fid} ${escapeField(path)}`);
      add(path, 'bytes', simFile(k, path, null), {
        kind: 'file',
        id: fid,
        path,
        pick: { kind: 'single', unit: 'bytes' },
      });
    }
  }
}
