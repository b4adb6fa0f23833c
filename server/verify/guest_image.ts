/**
 * What the guest boots: a base initramfs per kernel (busybox, our workload
 * program, the kernel's modules in load order, /init) built once and
 * cached, plus a small per-run initramfs appended to it (the kernel unpacks
 * both) holding the scenario's command file.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import {
  cacheRoot,
  ensureDir,
  LAZY_MODULES,
  OPTIONAL_MODULES,
  REQUIRED_OPTIONS,
  runTool,
  VerifyError,
  writeCacheFile,
  type KernelImage,
  type Progress,
} from './kernels';

// ------------------------------------------------------------------ cpio

/** One entry of a newc cpio archive. */
export interface CpioEntry {
  readonly name: string;
  /** S_IFDIR | S_IFREG | S_IFCHR | S_IFLNK with permission bits. */
  readonly mode: number;
  readonly data?: Buffer;
  /** Character devices: major and minor. */
  readonly rdev?: [number, number];
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;
const S_IFLNK = 0o120000;

export const dirEntry = (name: string): CpioEntry => ({ name, mode: S_IFDIR | 0o755 });
export const fileEntry = (name: string, data: Buffer, exec = false): CpioEntry => ({
  name,
  mode: S_IFREG | (exec ? 0o755 : 0o644),
  data,
});
export const charEntry = (name: string, major: number, minor: number): CpioEntry => ({
  name,
  mode: S_IFCHR | 0o600,
  rdev: [major, minor],
});
export const linkEntry = (name: string, target: string): CpioEntry => ({
  name,
  mode: S_IFLNK | 0o777,
  data: Buffer.from(target),
});

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);

/** A newc ("070701") archive, as the kernel's initramfs unpacker reads it (Documentation/driver-api/early-userspace/buffer-format.rst). */
export function cpioArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const push = (e: CpioEntry): void => {
    const data = e.data ?? Buffer.alloc(0);
    const name = Buffer.from(`${e.name}\0`);
    const header =
      '070701' +
      hex8(ino++) +
      hex8(e.mode) +
      hex8(0) + // uid
      hex8(0) + // gid
      hex8((e.mode & S_IFDIR) === S_IFDIR ? 2 : 1) +
      hex8(0) + // mtime: fixed, so the same input gives the same bytes
      hex8(data.length) +
      hex8(0) +
      hex8(0) +
      hex8(e.rdev?.[0] ?? 0) +
      hex8(e.rdev?.[1] ?? 0) +
      hex8(name.length) +
      hex8(0);
    const head = Buffer.concat([Buffer.from(header, 'latin1'), name]);
    parts.push(head, pad4(head.length), data, pad4(data.length));
  };
  for (const e of entries) push(e);
  push({ name: 'TRAILER!!!', mode: 0 });
  return Buffer.concat(parts);
}

// ------------------------------------------------------------------ workload program

/** guest/swapsim-guest.c: next to the bundle (dist/guest/) or in the checkout. */
export function guestSourcePath(): string {
  const candidates = [
    path.join(__dirname, 'guest', 'swapsim-guest.c'),
    path.join(__dirname, '..', 'guest', 'swapsim-guest.c'),
    path.join(__dirname, '..', '..', '..', 'guest', 'swapsim-guest.c'),
    path.join(__dirname, '..', '..', 'guest', 'swapsim-guest.c'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new VerifyError(`swapsim verify: guest/swapsim-guest.c not found next to ${__dirname}`);
  return found;
}

/** Build the workload program with the host's `cc -static` (once per source version). */
export async function workloadBinary(progress: Progress, signal?: AbortSignal): Promise<string> {
  const src = guestSourcePath();
  const text = readFileSync(src);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = ensureDir(path.join(cacheRoot(), 'guest'));
  const bin = path.join(dir, `swapsim-guest-${hash}`);
  if (existsSync(bin)) return bin;
  const cc = process.env['CC'] ?? 'cc';
  progress(`building the guest workload program (${cc} -static ${path.basename(src)})`);
  let r;
  try {
    r = await runTool(cc, ['-static', '-O2', '-o', `${bin}.${process.pid}.tmp`, src], { signal });
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === 'ENOENT') {
      throw new VerifyError(
        `swapsim verify: no C compiler (${cc}) to build the guest workload; install one with: apt-get install gcc libc6-dev`,
      );
    }
    throw e;
  }
  if (r.code !== 0) {
    const hint = /cannot find -lc|crt1\.o|stdio\.h/.test(r.stderr)
      ? '\ninstall the static C library with: apt-get install libc6-dev'
      : '';
    throw new VerifyError(
      `swapsim verify: building ${src} failed:\n${r.stderr.trim().split('\n').slice(-8).join('\n')}${hint}`,
    );
  }
  // several verify processes may build at once: each writes its own file, the rename is atomic
  renameSync(`${bin}.${process.pid}.tmp`, bin);
  return bin;
}

// ------------------------------------------------------------------ busybox

/** A statically linked busybox: an ELF without a PT_INTERP program header. */
function isStaticElf(buf: Buffer): boolean {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2) return false;
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (buf.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return true;
}

function busyboxBinary(): Buffer {
  const candidates = [process.env['SWAPSIM_BUSYBOX'], '/bin/busybox', '/usr/bin/busybox'].filter(
    (x): x is string => !!x,
  );
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const buf = readFileSync(c);
    if (isStaticElf(buf)) return buf;
  }
  throw new VerifyError(
    'swapsim verify: no statically linked busybox for the guest; install it with: apt-get install busybox-static',
  );
}

// ------------------------------------------------------------------ modules

/** Modules (and their dependencies, in load order) the guest loads at boot, and per lazy module the files it adds, as paths. */
async function moduleLoadList(
  k: KernelImage,
  signal?: AbortSignal,
): Promise<{ files: string[]; absent: string[]; lazy: Map<string, string[]> }> {
  const lazy = new Map<string, string[]>();
  if (k.modulesDir === null) return { files: [], absent: [], lazy };
  const wanted = [
    ...REQUIRED_OPTIONS.flatMap((r) => (r.module ? [r.module] : [])),
    ...OPTIONAL_MODULES.map((m) => m.module),
  ];
  const files: string[] = [];
  const absent: string[] = [];
  const depends = async (mod: string): Promise<string[] | null> => {
    if (k.modulesRoot === null) return null;
    const r = await runTool('modprobe', ['-d', k.modulesRoot, '-S', k.release, '--show-depends', mod], { signal });
    if (r.code !== 0) return null;
    return r.stdout.split('\n').flatMap((line) => {
      const m = /^insmod (\S+)/.exec(line.trim());
      return m ? [m[1]!] : [];
    });
  };
  for (const mod of wanted) {
    const list = await depends(mod);
    if (list === null) absent.push(mod);
    else for (const f of list) if (!files.includes(f)) files.push(f);
  }
  for (const { module } of LAZY_MODULES) {
    const list = await depends(module);
    if (list === null) absent.push(module);
    else
      lazy.set(
        module,
        list.filter((f) => !files.includes(f)),
      );
  }
  return { files, absent, lazy };
}

async function decompressModule(file: string, signal?: AbortSignal): Promise<Buffer> {
  if (file.endsWith('.ko')) return readFileSync(file);
  const tool = file.endsWith('.xz') ? 'xz' : file.endsWith('.zst') ? 'zstd' : file.endsWith('.gz') ? 'gzip' : null;
  if (tool === null) return readFileSync(file);
  const r = await new Promise<Buffer>((resolve, reject) => {
    import('node:child_process')
      .then(({ spawn }) => {
        const child = spawn(tool, ['-dc', file], { stdio: ['ignore', 'pipe', 'pipe'], signal });
        const chunks: Buffer[] = [];
        child.stdout.on('data', (c: Buffer) => chunks.push(c));
        child.on('error', (e) =>
          reject(
            new VerifyError(
              `swapsim verify: ${tool} is needed to unpack ${path.basename(file)} (${e.message}); install it with: apt-get install ${tool === 'xz' ? 'xz-utils' : tool}`,
            ),
          ),
        );
        child.on('close', (code) =>
          code === 0
            ? resolve(Buffer.concat(chunks))
            : reject(new VerifyError(`swapsim verify: ${tool} -dc ${file} failed`)),
        );
      })
      .catch(reject);
  });
  return r;
}

// ------------------------------------------------------------------ /init

/** The guest's /init: mounts, modules, feature checks, then the scenario on the second serial port. */
export function initScript(): string {
  return `#!/bin/busybox sh
# swapsim verify guest init (generated by server/verify/guest_image.ts)
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mkdir -p /kdev && mount -t devtmpfs dev /kdev
mount -t tmpfs -o mode=755 tmp /dev
mknod /dev/null c 1 3; mknod /dev/zero c 1 5; mknod /dev/urandom c 1 9
mknod /dev/console c 5 1; mknod /dev/ttyS0 c 4 64; mknod /dev/ttyS1 c 4 65
mount -t tmpfs run /run
stty -F /dev/ttyS1 raw -echo
data() { echo "$@" > /dev/ttyS1; }
data "@init $(uname -r)"
for m in $(cat /lib/modules/order 2>/dev/null); do insmod /lib/modules/$m 2>/dev/null || data "# insmod $m failed"; done
[ -e /proc/swaps ] || data "@missing CONFIG_SWAP"
mount -t cgroup2 none /sys/fs/cgroup || data "@missing CONFIG_CGROUPS"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || data "@missing CONFIG_MEMCG"
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -d /sys/module/zswap ] || data "# no zswap in this kernel (CONFIG_ZSWAP)"
# khugepaged would collapse mappings into THPs in the background; the simulator does not model collapse
for f in scan_sleep_millisecs alloc_sleep_millisecs; do echo 4294967295 > /sys/kernel/mm/transparent_hugepage/khugepaged/$f 2>/dev/null; done
/swapsim-guest run /scenario.cmds > /dev/ttyS1 2>&1
poweroff -f
`;
}

export interface BaseImage {
  readonly file: string;
  /** Modules the kernel does not have (features needing them will fail in the guest). */
  readonly absentModules: readonly string[];
}

/** The cached base initramfs for a kernel and this version of the workload program. */
export async function baseImage(k: KernelImage, progress: Progress, signal?: AbortSignal): Promise<BaseImage> {
  const guest = await workloadBinary(progress, signal);
  const busybox = busyboxBinary();
  const init = initScript();
  const key = createHash('sha256')
    .update(k.release)
    .update(k.vmlinuz)
    .update(k.configHash)
    .update(path.basename(guest))
    .update(busybox)
    .update(init)
    .digest('hex')
    .slice(0, 16);
  const dir = ensureDir(path.join(cacheRoot(), 'initramfs'));
  const file = path.join(dir, `${k.release}-${key}.cpio`);
  const absentFile = `${file}.absent`;
  if (existsSync(file))
    return {
      file,
      absentModules: existsSync(absentFile) ? readFileSync(absentFile, 'utf8').split('\n').filter(Boolean) : [],
    };
  progress(`building the guest initramfs for ${k.release}`);
  const { files, absent, lazy } = await moduleLoadList(k, signal);
  const entries: CpioEntry[] = ['bin', 'dev', 'proc', 'sys', 'run', 'tmp', 'mnt', 'lib', 'lib/modules'].map(dirEntry);
  entries.push(charEntry('dev/console', 5, 1));
  entries.push(fileEntry('bin/busybox', busybox, true));
  entries.push(linkEntry('bin/sh', 'busybox'));
  entries.push(fileEntry('init', Buffer.from(init), true));
  entries.push(fileEntry('swapsim-guest', readFileSync(guest), true));
  const order: string[] = [];
  for (const f of files) {
    const name = path.basename(f).replace(/\.(xz|zst|gz)$/, '');
    entries.push(fileEntry(`lib/modules/${name}`, await decompressModule(f, signal)));
    order.push(name);
  }
  entries.push(fileEntry('lib/modules/order', Buffer.from(order.join('\n') + '\n')));
  // loaded by the workload program when a scenario mounts that file system (LAZY_MODULES)
  const packed = new Set(order);
  for (const [module, list] of lazy) {
    const names: string[] = [];
    for (const f of list) {
      const name = path.basename(f).replace(/\.(xz|zst|gz)$/, '');
      if (!packed.has(name)) entries.push(fileEntry(`lib/modules/${name}`, await decompressModule(f, signal)));
      packed.add(name);
      names.push(name);
    }
    entries.push(fileEntry(`lib/modules/lazy-${module}`, Buffer.from(names.join('\n') + '\n')));
  }
  writeCacheFile(`${file}.${process.pid}.tmp`, cpioArchive(entries));
  renameSync(`${file}.${process.pid}.tmp`, file);
  writeCacheFile(absentFile, absent.join('\n'));
  return { file, absentModules: absent };
}

/** The per-run archive: the command file at /scenario.cmds. */
export function runImage(commands: string): Buffer {
  return cpioArchive([fileEntry('scenario.cmds', Buffer.from(commands))]);
}
