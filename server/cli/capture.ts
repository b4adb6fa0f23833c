/**
 * `swapsim capture [--root DIR]`: read this machine's swap setup and print a
 * scenario header that reproduces it: RAM, swap areas (/proc/swaps), zswap
 * parameters and the cgroup v2 tree with its memory/swap/zswap limits.
 * Whatever cannot be read becomes a `# could not read …` comment, so the
 * output is always a valid scenario.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ZSWAP_COMPRESSORS } from '../lang/catalog';
import { parseArgs, UsageError, wantsHelp } from './args';
import { errnoCode, guarded, out } from './io';

export const CAPTURE_HELP = `Usage: swapsim capture [--root DIR]

Print a scenario header reproducing this machine's swap setup: config ram=,
one swapon line per /proc/swaps row (size, priority, type), the zswap module
parameters, and mkdir plus limit lines for the cgroup v2 tree under
/sys/fs/cgroup (memory.max, memory.swap.max, memory.zswap.max,
memory.zswap.writeback). Unreadable files become '# could not read' comments.

Options:
  --root DIR  read /proc and /sys below DIR instead of / (for tests)
  -h, --help  show this help
`;

/** The simulator assumes 4 KiB pages unless told otherwise; capture cannot see PAGE_SIZE from procfs. */
const PAGE_KIB = 4;
const MIN_RAM_PAGES = 1024;
const MAX_RAM_PAGES = 2 ** 25;
/** Keeps the header readable on hosts with thousands of systemd scopes. */
const MAX_CGROUPS = 1000;
const ZSWAP_PARAMS = [
  'enabled',
  'compressor',
  'max_pool_percent',
  'accept_threshold_percent',
  'shrinker_enabled',
] as const;
const CGROUP_LIMITS = ['memory.max', 'memory.swap.max', 'memory.zswap.max', 'memory.zswap.writeback'] as const;
/** What a fresh cgroup has: lines with these values are left out. */
const CGROUP_DEFAULTS: Readonly<Record<(typeof CGROUP_LIMITS)[number], string>> = {
  'memory.max': 'max',
  'memory.swap.max': 'max',
  'memory.zswap.max': 'max',
  'memory.zswap.writeback': '1',
};

class Reader {
  readonly lines: string[] = [];
  constructor(private readonly root: string) {}

  /** The host path `p` names under the root. */
  at(p: string): string {
    return path.join(this.root, p);
  }

  /** File text, or null after noting a `# could not read` comment. */
  read(p: string): string | null {
    try {
      return readFileSync(this.at(p), 'utf8');
    } catch (e) {
      this.lines.push(`# could not read ${p} (${errnoCode(e) ?? (e instanceof Error ? e.message : String(e))})`);
      return null;
    }
  }
}

/** A word as the scenario lexer reads it back: quoted when it has blanks or specials. */
function word(s: string): string {
  return /^[\w./@:+,=-]+$/.test(s) ? s : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** swap_show() escapes blanks in the path as octal (`\040`). */
function unescapeProcPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function captureRam(r: Reader): void {
  const text = r.read('/proc/meminfo');
  if (text === null) return;
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  if (!m) {
    r.lines.push('# could not read MemTotal from /proc/meminfo');
    return;
  }
  const kib = Number(m[1]);
  const pages = Math.floor(kib / PAGE_KIB);
  const clamped = Math.min(MAX_RAM_PAGES, Math.max(MIN_RAM_PAGES, pages));
  if (clamped !== pages) r.lines.push(`# MemTotal ${kib} kB is outside the simulator's RAM range; clamped`);
  r.lines.push(`config ram=${clamped * PAGE_KIB}K`);
}

function captureSwaps(r: Reader): void {
  const text = r.read('/proc/swaps');
  if (text === null) return;
  const rows = text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '');
  for (const row of rows) {
    const cols = row.trim().split(/\s+/);
    if (cols.length < 5) {
      r.lines.push(`# could not parse /proc/swaps line: ${row.trim()}`);
      continue;
    }
    const prio = Number(cols[cols.length - 1]);
    const sizeKib = Number(cols[cols.length - 3]);
    const type = cols[cols.length - 4]!;
    const file = unescapeProcPath(cols.slice(0, cols.length - 4).join(' '));
    if (!Number.isFinite(sizeKib) || !Number.isFinite(prio)) {
      r.lines.push(`# could not parse /proc/swaps line: ${row.trim()}`);
      continue;
    }
    if (file.endsWith(' (deleted)')) r.lines.push(`# ${file}: the swap file was deleted while active`);
    // Size excludes the header page; swapon size= includes it (read_swap_header()).
    const parts = ['swapon', word(file.replace(/ \(deleted\)$/, '')), `size=${sizeKib + PAGE_KIB}K`];
    // zram shows up as a partition; its own default type keeps the synchronous-I/O path.
    if ((type === 'partition' || type === 'file') && !file.startsWith('/dev/zram')) parts.push(`type=${type}`);
    // Negative priorities are the kernel's own defaults; only chosen ones are replayed.
    if (prio >= 0) parts.push(`-p ${prio}`);
    r.lines.push(parts.join(' '));
  }
}

function captureZswap(r: Reader): void {
  for (const p of ZSWAP_PARAMS) {
    const file = `/sys/module/zswap/parameters/${p}`;
    const text = r.read(file);
    if (text === null) continue;
    const value = text.trim();
    if (p === 'compressor' && !ZSWAP_COMPRESSORS.includes(value)) {
      r.lines.push(`# zswap compressor ${value} is not modelled; left at the default`);
      continue;
    }
    r.lines.push(`echo ${word(value)} > ${file}`);
  }
}

/** Child cgroup directories, depth first in name order (parents before children, as mkdir needs). */
function cgroupDirs(r: Reader, rel: string, found: string[]): void {
  let entries;
  try {
    entries = readdirSync(r.at(path.posix.join('/sys/fs/cgroup', rel)), { withFileTypes: true });
  } catch (e) {
    r.lines.push(`# could not read /sys/fs/cgroup/${rel} (${errnoCode(e) ?? 'error'})`);
    return;
  }
  for (const d of entries
    .filter((x) => x.isDirectory())
    .map((x) => x.name)
    .sort()) {
    if (found.length >= MAX_CGROUPS) return;
    const child = rel === '' ? d : `${rel}/${d}`;
    found.push(child);
    cgroupDirs(r, child, found);
  }
}

function captureCgroups(r: Reader): void {
  // cgroup v2 has cgroup.controllers at its root; v1 hierarchies do not.
  if (r.read('/sys/fs/cgroup/cgroup.controllers') === null) return;
  const dirs: string[] = [];
  cgroupDirs(r, '', dirs);
  if (dirs.length >= MAX_CGROUPS) r.lines.push(`# only the first ${MAX_CGROUPS} cgroups are captured`);
  for (const cg of dirs) {
    r.lines.push(`mkdir ${word(cg)}`);
    for (const f of CGROUP_LIMITS) {
      const file = `/sys/fs/cgroup/${cg}/${f}`;
      const text = r.read(file);
      if (text === null) continue;
      const value = text.trim();
      if (value !== CGROUP_DEFAULTS[f]) r.lines.push(`echo ${word(value)} > ${word(file)}`);
    }
  }
}

export function captureText(root: string): string {
  const r = new Reader(root);
  r.lines.push(`# captured by swapsim capture${root === '/' ? '' : ` from ${root}`}; PAGE_SIZE assumed ${PAGE_KIB}K`);
  captureRam(r);
  captureSwaps(r);
  captureZswap(r);
  captureCgroups(r);
  return r.lines.join('\n') + '\n';
}

export function captureCommand(args: readonly string[]): number {
  if (wantsHelp(args)) {
    out(CAPTURE_HELP);
    return 0;
  }
  return guarded(() => {
    const parsed = parseArgs('capture', args, { options: ['--root'] });
    if (parsed.positionals.length > 0)
      throw new UsageError(`swapsim capture: unexpected argument '${parsed.positionals[0]}'`);
    out(captureText(path.resolve(parsed.options.get('--root') ?? '/')));
    return 0;
  });
}
