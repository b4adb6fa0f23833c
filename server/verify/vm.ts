/**
 * One guest run under qemu: disks for the scenario's swap devices, the
 * initramfs (base + this run's commands), the kernel console on the first
 * serial port (a file, for the tail shown on failures) and the workload's
 * output on the second (qemu's stdout, read as it comes, so progress and
 * the boot time are seen live). Every qemu this module starts is killed on
 * timeout or cancel; nothing outlives the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  closeSync,
  ftruncateSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  appendFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBatchOutput, parseGuestOutput, type GuestOutput } from './kernel_values';
import { diskFull, ensureDir, runTool, VerifyError, type KernelImage, type Progress } from './kernels';
import { runImage, type BaseImage } from './guest_image';
import { escapeField, type GuestDevice, type GuestPlan } from './translate';
import type { FsKind } from '../lang/check/checked';

export type Accel = 'kvm' | 'tcg';

/** The VM died before the scenario's first step: safe to boot again (once). */
export class BootFailure extends Error {}
/** The guest failed after the scenario started (panic, hang, timeout): never retried. */
export class GuestFailure extends Error {}
/** The user cancelled. */
export class Cancelled extends Error {}

const QEMU = 'qemu-system-x86_64';

export function requireQemu(): string {
  const dirs = (process.env['PATH'] ?? '/usr/bin:/bin').split(':');
  const found = dirs.map((d) => path.join(d, QEMU)).find((f) => existsSync(f));
  if (!found)
    throw new VerifyError(`swapsim verify: ${QEMU} is not installed; install it with: apt-get install qemu-system-x86`);
  return found;
}

// no_timer_check: under TCG on a loaded host the IO-APIC timer check (check_timer()) can miss its
// ticks and panic the boot ("..MP-BIOS bug: 8254 timer not connected to IO-APIC"); it tests nothing of mm
const KERNEL_CMDLINE = `console=ttyS0 panic=-1 loglevel=${process.env['SWAPSIM_VERIFY_LOGLEVEL'] ?? '4'} mitigations=off no_timer_check rdinit=/init`;

function accelArgs(accel: Accel): string[] {
  // multi-threaded TCG: one host thread per vCPU
  return accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi', '-cpu', 'max'];
}

let kvmVerdict: Promise<boolean> | null = null;

/** The machine: accelerator, RAM, CPUs and the kernel to boot. */
function machineArgs(accel: Accel, memory: string, cpus: number, kernel: KernelImage): string[] {
  return [...accelArgs(accel), '-m', memory, '-smp', String(cpus), '-kernel', kernel.vmlinuz];
}

/** No display, no reboot on panic (the run ends), no network, no monitor: the serial ports are the only way in and out. */
const HEADLESS_ARGS = ['-nographic', '-no-reboot', '-nic', 'none', '-monitor', 'none'];

/**
 * Does KVM really work? A writable /dev/kvm is not enough (nested KVM can
 * be broken: qemu aborts setting MSRs, or hangs after "Booting from ROM"),
 * so boot the kernel for real and wait for its first console line.
 */
export function kvmWorks(kernel: KernelImage): Promise<boolean> {
  if (kvmVerdict) return kvmVerdict;
  kvmVerdict = (async () => {
    try {
      accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    } catch {
      return false;
    }
    return new Promise<boolean>((resolve) => {
      const child = spawn(
        requireQemu(),
        [
          ...machineArgs('kvm', '256M', 1, kernel),
          '-append',
          'console=ttyS0 panic=-1 rdinit=/nonexistent',
          ...HEADLESS_ARGS,
          '-serial',
          'stdio',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let seen = '';
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), 20_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        seen += d;
        if (/Linux version/.test(seen)) finish(true);
      });
      child.on('error', () => finish(false));
      child.on('close', () => finish(/Linux version/.test(seen)));
    });
  })();
  return kvmVerdict;
}

export interface VmRunOptions {
  readonly kernel: KernelImage;
  readonly base: BaseImage;
  readonly plan: GuestPlan;
  readonly accel: Accel;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
  /** Keep the run folder (disks, logs) for inspection. */
  readonly keep?: boolean;
}

export interface VmRunResult {
  readonly output: GuestOutput;
  readonly wallMs: number;
  readonly bootMs: number;
}

/** A timeout from the scenario's size: boot, plus time per mapped page (TCG is slow). */
export function defaultTimeoutMs(plan: GuestPlan, accel: Accel): number {
  const perPage = accel === 'kvm' ? 0.2 : 1.5;
  return 180_000 + Math.round(plan.mappedPages * perPage) + plan.commands.length * 50;
}

/** Terminal escapes SeaBIOS writes to the console (ESC [ … letter). */
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[a-zA-Z]`, 'g');

function tail(text: string, lines: number): string {
  return text
    .replace(ANSI_ESCAPE, '')
    .split('\n')
    .filter((l) => l.trim())
    .slice(-lines)
    .join('\n');
}

/**
 * The order of the guest's virtio disks (vda, vdb, …). With a `mount`, file system messages name the
 * kernel's disk (`BTRFS warning (device vdc)`), so a device the scenario calls /dev/vdX gets the X-th
 * disk, other disks fill the free places, and a gap gets a small blank disk (null). Without one, the
 * devices keep their order.
 */
function diskOrder(devices: readonly GuestDevice[]): (GuestDevice | null)[] {
  const disks = devices.filter((d) => d.kind === 'blk' || d.kind === 'fs' || d.kind === 'rootfs');
  if (!disks.some((d) => d.kind === 'fs')) return disks;
  const slots: (GuestDevice | null)[] = [];
  const rest: GuestDevice[] = [];
  for (const d of disks) {
    const m = /^\/dev\/vd([a-z])$/.exec(d.path);
    const at = m ? m[1]!.charCodeAt(0) - 97 : -1;
    if (at >= 0 && slots[at] === undefined) slots[at] = d;
    else rest.push(d);
  }
  const out: (GuestDevice | null)[] = [];
  for (let i = 0; i < slots.length || rest.length > 0; i++) {
    if (i < slots.length && slots[i] !== undefined) out.push(slots[i]!);
    else out.push(rest.shift() ?? null);
  }
  return out;
}

/** mkfs of a scenario's `mount` (or the guest's ext4 root) on a disk image; a block size mkfs refuses leaves the disk blank, so the guest's mount fails as the kernel decides. */
async function makeFileSystem(img: string, fs: FsKind, blockSize: number, signal?: AbortSignal): Promise<void> {
  const tools: Record<Exclude<FsKind, 'tmpfs'>, { tool: string; args: string[]; pkg: string }> = {
    ext4: {
      tool: 'mkfs.ext4',
      args: ['-q', '-F', '-b', String(blockSize), '-O', '^has_journal', img],
      pkg: 'e2fsprogs',
    },
    xfs: { tool: 'mkfs.xfs', args: ['-q', '-f', '-b', `size=${blockSize}`, img], pkg: 'xfsprogs' },
    btrfs: { tool: 'mkfs.btrfs', args: ['-q', '-f', '-s', String(blockSize), img], pkg: 'btrfs-progs' },
    minix: { tool: 'mkfs.minix', args: ['-3', img], pkg: 'util-linux' },
  };
  if (fs === 'tmpfs') return;
  const t = tools[fs];
  let r;
  try {
    r = await runTool(t.tool, t.args, { signal });
  } catch {
    throw new VerifyError(
      `swapsim verify: ${t.tool} is needed for mount -t ${fs}; install it with: apt-get install ${t.pkg}`,
    );
  }
  // a block size this mkfs refuses: the disk stays blank and the guest's mount gets the kernel's errno
  if (r.code !== 0 && blockSize === 4096) throw new VerifyError(`swapsim verify: ${t.tool} failed: ${r.stderr.trim()}`);
}

/** Sparse disk images for the devices; returns the device lines of the command file and the qemu drive args. */
async function disks(
  devices: readonly GuestDevice[],
  dir: string,
  signal?: AbortSignal,
): Promise<{ lines: string[]; args: string[] }> {
  const lines: string[] = [];
  const args: string[] = [];
  let disk = 0;
  const nextName = (): string => `vd${String.fromCharCode(97 + disk++)}`;
  const addDisk = (file: string, bytes: number): string => {
    try {
      const fd = openSync(file, 'w');
      ftruncateSync(fd, bytes);
      closeSync(fd);
    } catch (e) {
      diskFull(e, dir);
    }
    args.push('-drive', `file=${file},if=virtio,format=raw,cache=unsafe,discard=unmap`);
    return nextName();
  };
  let zram = 0;
  const files = devices.filter((d) => d.kind === 'file');
  for (const d of diskOrder(devices)) {
    if (d === null) addDisk(path.join(dir, `disk${disk}.img`), 2 ** 20);
    else if (d.kind === 'blk')
      lines.push(`dev ${escapeField(d.path)} blk ${addDisk(path.join(dir, `disk${disk}.img`), d.bytes)}`);
    else if (d.kind === 'fs' || d.kind === 'rootfs') {
      const img = path.join(dir, `disk${disk}.img`);
      const name = addDisk(img, Math.ceil(d.bytes / 4096) * 4096);
      await makeFileSystem(img, d.fs ?? 'ext4', d.blockSize ?? 4096, signal);
      lines.push(`dev ${escapeField(d.path)} ${d.kind} ${name} ${d.fs ?? 'ext4'}`);
    }
  }
  for (const d of devices) if (d.kind === 'zram') lines.push(`dev ${escapeField(d.path)} zram ${zram++}`);
  if (files.length > 0) {
    const bytes = files.reduce((n, d) => n + d.bytes, 0);
    const img = path.join(dir, 'swapfs.img');
    const name = addDisk(img, Math.ceil((bytes * 1.1 + 64 * 2 ** 20) / 4096) * 4096);
    let r;
    try {
      r = await runTool('mkfs.ext4', ['-q', '-F', '-b', '4096', '-O', '^has_journal', img], { signal });
    } catch {
      throw new VerifyError(
        'swapsim verify: mkfs.ext4 is needed for swap files; install it with: apt-get install e2fsprogs',
      );
    }
    if (r.code !== 0) throw new VerifyError(`swapsim verify: mkfs.ext4 failed: ${r.stderr.trim()}`);
    for (const d of files) lines.push(`dev ${escapeField(d.path)} file ${name}`);
  }
  return { lines, args };
}

function memoryArg(bytes: number): string {
  return `${Math.max(128, Math.ceil(bytes / 2 ** 20))}M`;
}

type VmCommon = Omit<VmRunOptions, 'plan'>;

/** What one boot needs besides the kernel: RAM, CPUs, disks and the command file made from the disks' device lines. */
interface BootSpec {
  readonly ramBytes: number;
  readonly cpus: number;
  readonly devices: readonly GuestDevice[];
  readonly commands: (deviceLines: readonly string[]) => string;
  /** Progress line for an output line of the guest (`S N`, `@scenario N`), or null. */
  readonly progressOf: (line: string) => string | null;
}

interface BootResult {
  readonly raw: Buffer;
  readonly exit: { code: number | null; reason: 'exit' | 'timeout' | 'cancel' };
  readonly wallMs: number;
  readonly bootMs: number;
  readonly consoleTail: string;
}

/** Boot the kernel once with a command file; every qemu started here is dead when this returns. */
async function boot(o: VmCommon, spec: BootSpec): Promise<BootResult> {
  if (o.signal?.aborted) throw new Cancelled('cancelled');
  const qemu = requireQemu();
  const dir = mkdtempSync(path.join(ensureDir(path.join(os.tmpdir(), 'swapsim-verify')), 'run-'));
  let child: ChildProcess | null = null;
  try {
    const { lines, args } = await disks(spec.devices, dir, o.signal);
    const commands = spec.commands(lines);
    const initrd = path.join(dir, 'initrd');
    try {
      copyFileSync(o.base.file, initrd);
      appendFileSync(initrd, runImage(commands));
    } catch (e) {
      diskFull(e, dir);
    }
    const consoleLog = path.join(dir, 'console.log');
    writeFileSync(consoleLog, '');
    const cpus = Math.max(1, Math.min(spec.cpus, 64));
    const argv = [
      ...machineArgs(o.accel, memoryArg(spec.ramBytes), cpus, o.kernel),
      '-initrd',
      initrd,
      '-append',
      KERNEL_CMDLINE,
      ...args,
      ...HEADLESS_ARGS,
      '-serial',
      `file:${consoleLog}`,
      '-serial',
      'stdio',
    ];
    const started = Date.now();
    let bootMs = -1;
    const chunks: Buffer[] = [];
    let pending = '';
    const exit = await new Promise<{ code: number | null; reason: 'exit' | 'timeout' | 'cancel' }>(
      (resolve, reject) => {
        const c = spawn(qemu, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
        child = c;
        let reason: 'exit' | 'timeout' | 'cancel' = 'exit';
        const timer = setTimeout(() => {
          reason = 'timeout';
          c.kill('SIGKILL');
        }, o.timeoutMs);
        const onAbort = (): void => {
          reason = 'cancel';
          c.kill('SIGKILL');
        };
        o.signal?.addEventListener('abort', onAbort, { once: true });
        let stderr = '';
        c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        c.stdout.on('data', (d: Buffer) => {
          chunks.push(d);
          pending += d.toString('latin1');
          const lines = pending.split('\n');
          // the last piece may be a line still coming; a long block line is never a marker
          pending = (lines.pop() ?? '').slice(-256);
          for (const line of lines) {
            if (bootMs < 0 && line === '@started') {
              bootMs = Date.now() - started;
              o.progress?.(`booted in ${(bootMs / 1000).toFixed(1)} s`);
              continue;
            }
            const message = line.length < 64 ? spec.progressOf(line) : null;
            if (message) o.progress?.(message);
          }
        });
        c.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        c.on('close', (code) => {
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          child = null;
          if (
            code !== 0 &&
            reason === 'exit' &&
            /Could not access KVM|failed to initialize kvm|kvm_buf_set_msrs/i.test(stderr)
          ) {
            reject(new BootFailure(`qemu could not use KVM: ${tail(stderr, 3)}`));
            return;
          }
          if (code !== 0 && reason === 'exit' && stderr.trim())
            chunks.push(Buffer.from(`\n# qemu: ${tail(stderr, 3)}\n`));
          resolve({ code, reason });
        });
      },
    );
    const wallMs = Date.now() - started;
    const raw = Buffer.concat(chunks);
    // with --keep, the workload's own output (file reads, `cat`) stays beside the console log
    if (o.keep) writeFileSync(path.join(dir, 'guest.out'), raw);
    if (exit.reason === 'cancel') throw new Cancelled('cancelled: qemu was stopped');
    const text = raw.toString('utf8');
    const missing = [...text.matchAll(/^@missing (\S+)/gm)].map((m) => m[1]!);
    if (missing.length > 0)
      throw new VerifyError(
        `swapsim verify: ${o.kernel.release} lacks ${missing.join(', ')} (build them in, or pass --modules with the modules)`,
      );
    const consoleTail = tail(existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8') : '', 15);
    return { raw, exit, wallMs, bootMs: bootMs < 0 ? wallMs : bootMs, consoleTail };
  } finally {
    const c = child as ChildProcess | null;
    if (c !== null && c.exitCode === null) c.kill('SIGKILL');
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
    else o.progress?.(`run folder kept: ${dir}`);
  }
}

const stoppedHow = (b: BootResult, timeoutMs: number): string =>
  b.exit.reason === 'timeout' ? `timed out after ${Math.round(timeoutMs / 1000)} s` : 'stopped (panic or crash)';

/** Boot the kernel once and run the plan. */
export async function runVm(o: VmRunOptions): Promise<VmRunResult> {
  const totalSteps = o.plan.commands.filter((c) => c.startsWith('step ')).length;
  let lastStep = 0;
  const b = await boot(o, {
    ramBytes: o.plan.ramBytes,
    cpus: o.plan.cpus,
    devices: o.plan.devices,
    commands: (lines) => [...lines, ...o.plan.commands].join('\n') + '\n',
    progressOf: (line) => {
      const m = /^S (\d+)$/.exec(line);
      if (!m || Number(m[1]) <= lastStep) return null;
      lastStep = Number(m[1]);
      return `step ${lastStep}/${totalSteps}`;
    },
  });
  const output = parseGuestOutput(b.raw);
  if (!output.started) {
    throw new BootFailure(
      `the guest stopped before the scenario started (${b.exit.reason === 'timeout' ? `no start within ${Math.round(o.timeoutMs / 1000)} s` : `qemu exit ${b.exit.code}`}); console tail:\n${b.consoleTail}`,
    );
  }
  if (!output.done)
    throw new GuestFailure(
      `the guest ${stoppedHow(b, o.timeoutMs)} at step ${lastStep}/${totalSteps}; console tail:\n${b.consoleTail}`,
    );
  return { output, wallMs: b.wallMs, bootMs: b.bootMs };
}

/**
 * Can this plan share a boot with others (docs/verify.md, "Batched runs")?
 * Only block-device swap: zram and swap files keep state a reset between
 * scenarios does not undo.
 */
export function batchable(plan: GuestPlan): boolean {
  return plan.wholeScenario === null && plan.devices.every((d) => d.kind === 'blk');
}

export interface VmBatchResult {
  /** Outputs of the scenarios that ran to their end, by index in `plans`. */
  readonly outputs: ReadonlyMap<number, GuestOutput>;
  /** The scenario the guest failed in (panic, hang) and why; the ones after it did not run. */
  readonly failed: { readonly index: number; readonly message: string } | null;
  readonly wallMs: number;
  readonly bootMs: number;
}

/**
 * Boot once and run several plans one after another, the guest resetting
 * the kernel between them (guest/swapsim-guest.c, reset_between_scenarios).
 * The plans must share RAM and CPUs and be `batchable()`; each gets as many
 * disks as the largest needs, each as large as the largest device.
 */
export async function runVmBatch(o: VmCommon & { readonly plans: readonly GuestPlan[] }): Promise<VmBatchResult> {
  const first = o.plans[0];
  if (!first) return { outputs: new Map(), failed: null, wallMs: 0, bootMs: 0 };
  if (o.plans.some((p) => !batchable(p) || p.ramBytes !== first.ramBytes || p.cpus !== first.cpus))
    throw new Error('runVmBatch: plans differ in RAM or CPUs, or need zram or swap files');
  const count = Math.max(...o.plans.map((p) => p.devices.length));
  const bytes = Math.max(0, ...o.plans.flatMap((p) => p.devices.map((d) => d.bytes)));
  const devices: GuestDevice[] = Array.from({ length: count }, (_, i) => ({
    path: `/dev/.batch${i}`,
    kind: 'blk',
    bytes,
  }));
  let current = -1;
  const b = await boot(o, {
    ramBytes: first.ramBytes,
    cpus: first.cpus,
    devices,
    commands: (lines) => {
      const disksOf = lines.map((l) => l.split(' ')[3]!);
      const out: string[] = [];
      o.plans.forEach((p, i) => {
        out.push(`scenario ${i}`);
        p.devices.forEach((d, j) => out.push(`dev ${escapeField(d.path)} blk ${disksOf[j]!}`));
        out.push(...p.commands, 'end');
      });
      return out.join('\n') + '\n';
    },
    progressOf: (line) => {
      const m = /^@scenario (\d+)$/.exec(line);
      if (!m) return null;
      current = Number(m[1]);
      return `scenario ${current + 1}/${o.plans.length}`;
    },
  });
  const whole = parseGuestOutput(b.raw);
  if (!whole.started)
    throw new BootFailure(
      `the guest stopped before the first scenario started (${b.exit.reason === 'timeout' ? `no start within ${Math.round(o.timeoutMs / 1000)} s` : `qemu exit ${b.exit.code}`}); console tail:\n${b.consoleTail}`,
    );
  const sections = parseBatchOutput(b.raw);
  const outputs = new Map<number, GuestOutput>();
  let failed: VmBatchResult['failed'] = null;
  for (let i = 0; i < o.plans.length; i++) {
    const s = sections.get(i);
    // a reset that left something behind: this scenario and the rest boot again, fresh
    if (s?.unclean) {
      o.progress?.(`scenario ${i + 1}: the reset left ${s.unclean}; the rest run in a new boot`);
      break;
    }
    if (s?.done) outputs.set(i, s);
    else {
      if (s)
        failed = {
          index: i,
          message: `the guest ${stoppedHow(b, o.timeoutMs)} in this scenario (${i + 1}/${o.plans.length} of a batched run); console tail:\n${b.consoleTail}`,
        };
      else if (i === 0)
        throw new BootFailure(`the guest stopped before the first scenario started; console tail:\n${b.consoleTail}`);
      break;
    }
  }
  return { outputs, failed, wallMs: b.wallMs, bootMs: b.bootMs };
}

/** Run, booting again once if the VM died before the scenario started (never after). */
export async function runVmWithRetry(o: VmRunOptions): Promise<VmRunResult & { retried: boolean }> {
  try {
    return { ...(await runVm(o)), retried: false };
  } catch (e) {
    if (!(e instanceof BootFailure)) throw e;
    o.progress?.(`boot failed before the scenario started; booting again (once): ${e.message.split('\n')[0]}`);
    return { ...(await runVm(o)), retried: true };
  }
}
