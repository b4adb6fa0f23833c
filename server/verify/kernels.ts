/**
 * The kernel a scenario is verified on: a Debian kernel fetched from the
 * archive into swapsim's cache (never installed on the host: a private apt
 * state, `apt-get download`, `dpkg -x`), or the user's own bzImage.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface KernelImage {
  /** What was asked for (`7.2`) or the bzImage's release. */
  readonly series: string;
  /** `uname -r`, e.g. `7.2.13+deb14-amd64`. */
  readonly release: string;
  readonly vmlinuz: string;
  /** Folder with `lib/modules/RELEASE` (or `usr/lib/modules/RELEASE`), or null: everything needed is built in. */
  readonly modulesRoot: string | null;
  readonly modulesDir: string | null;
  /** The kernel's .config, when known. */
  readonly config: string | null;
  readonly configHash: string;
  readonly source: 'debian' | 'path';
}

/** A fault the user can act on: one clear line, exit 2 from the CLI. */
export class VerifyError extends Error {}

export type Progress = (message: string) => void;

/** $XDG_CACHE_HOME/swapsim, else ~/.cache/swapsim. */
export function cacheRoot(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'swapsim');
}

/** Turn a full disk into the message the user needs; other errors pass through. */
export function diskFull(e: unknown, where: string): never {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : null;
  const text = e instanceof Error ? e.message : String(e);
  if (code === 'ENOSPC' || /No space left on device/i.test(text)) {
    throw new VerifyError(
      `swapsim verify: no space left in ${where} (ENOSPC): free some space there or point XDG_CACHE_HOME elsewhere`,
    );
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'ENOTDIR' || code === 'EPERM') {
    throw new VerifyError(
      `swapsim verify: cannot write ${where} (${String(code)}): point XDG_CACHE_HOME at a writable folder`,
    );
  }
  throw e;
}

export function ensureDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    diskFull(e, dir);
  }
  return dir;
}

export function writeCacheFile(file: string, data: string | Buffer): void {
  try {
    writeFileSync(file, data);
  } catch (e) {
    diskFull(e, path.dirname(file));
  }
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a host tool; lines of its output go to `onLine`. Rejects only when it cannot start. */
export function runTool(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; onLine?: (line: string) => void; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: opts.signal,
      env: opts.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const feed = (chunk: string): void => {
      if (!opts.onLine) return;
      partial += chunk;
      const parts = partial.split(/\r|\n/);
      partial = parts.pop() ?? '';
      for (const p of parts) if (p.trim()) opts.onLine(p.trim());
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      feed(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      feed(d);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const hashFile = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);

// ------------------------------------------------------------ Debian archive

/** The suites searched: sid and trixie-backports carry 7.x, bookworm(-security) 6.1 and 6.12. */
const SUITES: readonly [string, string][] = [
  ['debian', 'sid'],
  ['debian', 'trixie-backports'],
  ['debian-security', 'bookworm-security'],
  ['debian', 'bookworm'],
];

function mirror(): string {
  return (process.env['SWAPSIM_DEBIAN_MIRROR'] ?? 'http://deb.debian.org').replace(/\/+$/, '');
}

interface AptState {
  readonly dir: string;
  readonly options: string[];
}

function aptState(cache: string): AptState {
  const dir = ensureDir(path.join(cache, 'apt'));
  ensureDir(path.join(dir, 'lists', 'partial'));
  ensureDir(path.join(dir, 'cache', 'archives', 'partial'));
  const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
  const signed = existsSync(keyring) ? `[signed-by=${keyring}] ` : '[trusted=yes] ';
  const sources =
    SUITES.map(([archive, suite]) => `deb ${signed}${mirror()}/${archive} ${suite} main`).join('\n') + '\n';
  writeCacheFile(path.join(dir, 'sources.list'), sources);
  const options = [
    `Dir::Etc::SourceList=${path.join(dir, 'sources.list')}`,
    'Dir::Etc::SourceParts=/nonexistent',
    `Dir::State::Lists=${path.join(dir, 'lists')}`,
    `Dir::Cache=${path.join(dir, 'cache')}`,
    'Dir::State::Status=/dev/null',
    'APT::Architecture=amd64',
    'Debug::NoLocking=1',
    'APT::Sandbox::User=root',
  ].flatMap((o) => ['-o', o]);
  return { dir, options };
}

function requireTool(tool: string, pkg: string): void {
  const found = (process.env['PATH'] ?? '/usr/bin:/bin').split(':').some((d) => existsSync(path.join(d, tool)));
  if (!found)
    throw new VerifyError(`swapsim verify: ${tool} is not installed; install it with: apt-get install ${pkg}`);
}

/** Refresh the private package lists when older than a day (or when `force`). */
async function aptUpdate(state: AptState, progress: Progress, force: boolean, signal?: AbortSignal): Promise<void> {
  const stamp = path.join(state.dir, 'updated');
  const fresh = existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < 24 * 3600 * 1000;
  if (fresh && !force) return;
  requireTool('apt-get', 'apt');
  progress('refreshing the Debian package lists (private apt state in the swapsim cache)');
  const r = await runTool('apt-get', [...state.options, '-q', 'update'], {
    signal,
    onLine: (l) => /^(Get|Hit|Err|Fetched)/.test(l) && progress(`apt: ${l}`),
  });
  if (r.code !== 0) {
    if (/No space left/i.test(r.stderr)) diskFull(new Error(r.stderr), state.dir);
    throw new VerifyError(
      `swapsim verify: apt-get update failed for the private package lists:\n${r.stderr.trim().split('\n').slice(-5).join('\n')}`,
    );
  }
  writeCacheFile(stamp, new Date().toISOString());
}

/** `7.2.13+deb14-amd64`-style releases of the plain amd64 flavour the archive offers. */
async function archiveReleases(state: AptState, signal?: AbortSignal): Promise<Map<string, string[]>> {
  const r = await runTool('apt-cache', [...state.options, 'search', '--names-only', '^linux-(image|binary)-[0-9]'], {
    signal,
  });
  const byRelease = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^linux-(image|binary)-(\d+\.\d+\.\d+[^ ]*?-amd64)(-unsigned)?$/.exec(name);
    if (!m) continue;
    const release = m[2]!;
    if (/-(cloud|rt)-amd64$/.test(release)) continue;
    const list = byRelease.get(release) ?? [];
    list.push(name);
    byRelease.set(release, list);
  }
  return byRelease;
}

/** Compare `7.2.13+deb14` against `7.2.9+deb13`: numerically, part by part. */
export function compareReleases(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.+-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? -1;
    const y = pb[i] ?? -1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** The newest release matching a version prefix (`7.2`, `7.2.9`, `6.12`). */
export function pickRelease(releases: readonly string[], version: string): string | null {
  const matching = releases.filter(
    (r) => r === version || r.startsWith(`${version}.`) || r.startsWith(`${version}+`) || r.startsWith(`${version}-`),
  );
  return matching.sort(compareReleases).pop() ?? null;
}

/** `6.12`, `7.2` … from a release. */
export const seriesOf = (release: string): string => /^(\d+\.\d+)/.exec(release)?.[1] ?? release;

/** Packages to download for a release: the split linux-binary/modules/base packages, or the one image package. */
function packagesFor(release: string, names: readonly string[]): string[] {
  if (names.includes(`linux-binary-${release}`))
    return [`linux-binary-${release}`, `linux-modules-${release}`, `linux-base-${release}`];
  if (names.includes(`linux-image-${release}-unsigned`)) return [`linux-image-${release}-unsigned`];
  return [`linux-image-${release}`];
}

function firstExisting(files: readonly string[]): string | null {
  return files.find((f) => existsSync(f)) ?? null;
}

/** Where an unpacked Debian kernel keeps vmlinuz, config and modules. */
function unpackedLayout(
  root: string,
  release: string,
): { vmlinuz: string | null; config: string | null; modulesRoot: string | null; modulesDir: string | null } {
  const modDirs = [path.join(root, 'usr', 'lib', 'modules', release), path.join(root, 'lib', 'modules', release)];
  const modulesDir = firstExisting(modDirs.map((d) => path.join(d, 'kernel')))
    ? path.dirname(firstExisting(modDirs.map((d) => path.join(d, 'kernel')))!)
    : null;
  const modulesRoot =
    modulesDir === null ? null : modulesDir.startsWith(path.join(root, 'usr')) ? path.join(root, 'usr') : root;
  return {
    vmlinuz: firstExisting([
      path.join(root, 'boot', `vmlinuz-${release}`),
      ...modDirs.map((d) => path.join(d, 'vmlinuz')),
    ]),
    config: firstExisting([
      path.join(root, 'boot', `config-${release}`),
      ...modDirs.map((d) => path.join(d, 'config')),
    ]),
    modulesRoot,
    modulesDir,
  };
}

/** Fetch (once) and unpack the newest Debian kernel matching `version`. */
export async function debianKernel(version: string, progress: Progress, signal?: AbortSignal): Promise<KernelImage> {
  const cache = ensureDir(cacheRoot());
  const kernelsDir = ensureDir(path.join(cache, 'kernels'));
  // a finished unpack of a matching release, newest first, serves without the network
  const local = readdirSync(kernelsDir).filter((d) => existsSync(path.join(kernelsDir, d, '.complete')));
  const localPick = process.env['SWAPSIM_VERIFY_REFRESH'] ? null : pickRelease(local, version);
  let release = localPick;
  if (release === null) {
    requireTool('apt-get', 'apt');
    requireTool('dpkg', 'dpkg');
    const state = aptState(cache);
    await aptUpdate(state, progress, false, signal);
    let offered = await archiveReleases(state, signal);
    if (pickRelease([...offered.keys()], version) === null) {
      await aptUpdate(state, progress, true, signal);
      offered = await archiveReleases(state, signal);
    }
    release = pickRelease([...offered.keys()], version);
    if (release === null) {
      const series = [...new Set([...offered.keys()].map(seriesOf))].sort(compareReleases);
      throw new VerifyError(
        `swapsim verify: no Debian kernel matches '${version}'; the archive has ${series.length > 0 ? series.join(', ') : 'none (are the package lists reachable?)'}`,
      );
    }
    const dir = path.join(kernelsDir, release);
    rmSync(dir, { recursive: true, force: true });
    const debs = ensureDir(path.join(dir, 'debs'));
    const pkgs = packagesFor(release, offered.get(release) ?? []);
    progress(`downloading ${pkgs.join(', ')} (about 120 MiB, once)`);
    const dl = await runTool('apt-get', [...state.options, '-q', 'download', ...pkgs], {
      cwd: debs,
      signal,
      onLine: (l) => /^(Get|Fetched)/.test(l) && progress(`apt: ${l}`),
    });
    if (dl.code !== 0) {
      if (/No space left/i.test(dl.stderr)) diskFull(new Error(dl.stderr), debs);
      throw new VerifyError(
        `swapsim verify: downloading ${pkgs.join(', ')} failed:\n${dl.stderr.trim().split('\n').slice(-5).join('\n')}`,
      );
    }
    const root = ensureDir(path.join(dir, 'root'));
    for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
      progress(`unpacking ${deb}`);
      const x = await runTool('dpkg', ['-x', path.join(debs, deb), root], { signal });
      if (x.code !== 0) {
        if (/No space left/i.test(x.stderr)) diskFull(new Error(x.stderr), root);
        throw new VerifyError(`swapsim verify: dpkg -x ${deb} failed: ${x.stderr.trim()}`);
      }
    }
    rmSync(debs, { recursive: true, force: true });
    const layout = unpackedLayout(root, release);
    if (layout.modulesRoot !== null && !existsSync(path.join(layout.modulesDir!, 'modules.dep'))) {
      requireTool('depmod', 'kmod');
      const d = await runTool('depmod', ['-b', layout.modulesRoot, release], { signal });
      if (d.code !== 0) throw new VerifyError(`swapsim verify: depmod for ${release} failed: ${d.stderr.trim()}`);
    }
    writeCacheFile(path.join(dir, '.complete'), new Date().toISOString());
  }
  const root = path.join(kernelsDir, release, 'root');
  const layout = unpackedLayout(root, release);
  if (layout.vmlinuz === null)
    throw new VerifyError(
      `swapsim verify: the Debian package of ${release} has no vmlinuz (cache ${root}); remove that folder to fetch it again`,
    );
  return {
    series: seriesOf(release),
    release,
    vmlinuz: layout.vmlinuz,
    modulesRoot: layout.modulesRoot,
    modulesDir: layout.modulesDir,
    config: layout.config,
    configHash: layout.config ? hashFile(layout.config) : 'unknown',
    source: 'debian',
  };
}

/** The release string a bzImage carries (setup header: kernel_version at 0x20e, relative to 0x200). */
export function bzImageRelease(file: string): string | null {
  const buf = readFileSync(file);
  if (buf.length < 0x300 || buf.toString('latin1', 0x202, 0x206) !== 'HdrS') return null;
  const off = buf.readUInt16LE(0x20e) + 0x200;
  if (off >= buf.length) return null;
  const end = buf.indexOf(0, off);
  return buf.toString('latin1', off, end < 0 ? off + 256 : end).split(' ')[0] ?? null;
}

/** The user's bzImage, with `--modules DIR` (a folder holding lib/modules/RELEASE, or that folder itself). */
export function pathKernel(file: string, modules: string | null): KernelImage {
  if (!existsSync(file) || !statSync(file).isFile())
    throw new VerifyError(`swapsim verify: ${file}: no such kernel image`);
  const release = bzImageRelease(file);
  if (release === null) throw new VerifyError(`swapsim verify: ${file} is not an x86 bzImage (no HdrS setup header)`);
  let modulesRoot: string | null = null;
  let modulesDir: string | null = null;
  if (modules !== null) {
    const candidates = [
      path.join(modules, 'lib', 'modules', release),
      path.join(modules, 'usr', 'lib', 'modules', release),
      path.join(modules, release),
      modules,
    ];
    modulesDir =
      candidates.find((c) => existsSync(path.join(c, 'modules.dep')) || existsSync(path.join(c, 'kernel'))) ?? null;
    if (modulesDir === null)
      throw new VerifyError(
        `swapsim verify: --modules ${modules}: no modules for ${release} there (looked for lib/modules/${release})`,
      );
    modulesRoot = path.resolve(modulesDir, '..', '..', '..');
    if (path.basename(path.dirname(modulesDir)) !== 'modules') modulesRoot = null;
  }
  // a kernel tree keeps .config three levels above arch/x86/boot/bzImage
  const config = firstExisting([
    ...(modulesDir ? [path.join(modulesDir, 'config'), path.join(modulesDir, 'build', '.config')] : []),
    path.resolve(path.dirname(file), '..', '..', '..', '.config'),
    path.join(path.dirname(file), '.config'),
  ]);
  return {
    series: seriesOf(release),
    release,
    vmlinuz: file,
    modulesRoot,
    modulesDir,
    config,
    configHash: config ? hashFile(config) : hashFile(file),
    source: 'path',
  };
}

/** Options the guest needs, and the module providing each when it is not built in. */
export const REQUIRED_OPTIONS: readonly { option: string; module: string | null; why: string }[] = [
  { option: 'CONFIG_SWAP', module: null, why: 'swap' },
  { option: 'CONFIG_MEMCG', module: null, why: 'memory cgroups' },
  { option: 'CONFIG_BLK_DEV_INITRD', module: null, why: 'the initramfs' },
  { option: 'CONFIG_DEVTMPFS', module: null, why: 'device nodes' },
  { option: 'CONFIG_SERIAL_8250_CONSOLE', module: null, why: 'the serial console' },
  { option: 'CONFIG_VIRTIO_PCI', module: null, why: 'virtio disks' },
  { option: 'CONFIG_VIRTIO_BLK', module: 'virtio_blk', why: 'swap partitions on virtio disks' },
];

/** Modules loaded when present, with the scenario features that need them. */
export const OPTIONAL_MODULES: readonly { module: string; option: string; why: string }[] = [
  { module: 'zram', option: 'CONFIG_ZRAM', why: 'zram devices' },
  { module: 'ext4', option: 'CONFIG_EXT4_FS', why: 'swap files' },
  { module: 'lz4', option: 'CONFIG_CRYPTO_LZ4', why: 'the lz4 compressor' },
  { module: 'lz4hc', option: 'CONFIG_CRYPTO_LZ4HC', why: 'the lz4hc compressor' },
  { module: 'zstd', option: 'CONFIG_CRYPTO_ZSTD', why: 'the zstd compressor' },
  { module: 'deflate', option: 'CONFIG_CRYPTO_DEFLATE', why: 'the deflate compressor' },
];

/**
 * File system modules the guest loads only when a scenario mounts one (btrfs alone pulls in raid6_pq,
 * whose load-time benchmark would slow every boot): their load order goes to /lib/modules/lazy-FS.
 */
export const LAZY_MODULES: readonly { module: string; option: string; why: string }[] = [
  { module: 'xfs', option: 'CONFIG_XFS_FS', why: 'mount -t xfs' },
  { module: 'btrfs', option: 'CONFIG_BTRFS_FS', why: 'mount -t btrfs' },
  { module: 'minix', option: 'CONFIG_MINIX_FS', why: 'mount -t minix' },
];

/** `y`, `m` or null for each option in a .config text. */
export function configValue(config: string, option: string): 'y' | 'm' | null {
  const m = new RegExp(`^${option}=(y|m)$`, 'm').exec(config);
  return m ? (m[1] as 'y' | 'm') : null;
}

/** Required options a kernel's config lacks (or has as modules that are not there). */
export function missingOptions(k: KernelImage, hasModule: (name: string) => boolean): string[] {
  if (k.config === null) return [];
  const text = readFileSync(k.config, 'utf8');
  const missing: string[] = [];
  for (const r of REQUIRED_OPTIONS) {
    const v = configValue(text, r.option);
    if (v === 'y') continue;
    if (v === 'm' && r.module !== null && hasModule(r.module)) continue;
    missing.push(
      v === 'm' ? `${r.option}=m but module ${r.module} is not in --modules (${r.why})` : `${r.option} (${r.why})`,
    );
  }
  return missing;
}

/** Resolve `--kernel VERSION|PATH`. */
export async function resolveKernel(
  spec: string,
  modules: string | null,
  progress: Progress,
  signal?: AbortSignal,
): Promise<KernelImage> {
  const looksLikePath = spec.includes('/') || (existsSync(spec) && statSync(spec).isFile());
  if (looksLikePath) return pathKernel(spec, modules);
  if (!/^\d+(\.\d+){0,2}$/.test(spec))
    throw new VerifyError(
      `swapsim verify: --kernel ${spec}: give a version such as 7.2 or 6.12, or the path of a bzImage`,
    );
  return debianKernel(spec, progress, signal);
}
