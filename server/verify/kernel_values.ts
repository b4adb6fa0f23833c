/**
 * The guest's output (its second serial port), parsed: each command's errno,
 * each file read for an observable, each task reading; then the value of
 * every planned observable, in the observable's unit, as the simulator
 * reports it (server/sim/vfs.ts mirrors the kernel's file formats).
 */
import type { VerifyValue } from '../../shared/protocol';
import type { FilePick, GuestRead, ProcPick } from './translate';
import type { FreeColumn } from '../lang/check/checked';
import { freeMemFrom, type FreeMemInput } from '../sim/procfs';

export interface GuestOutput {
  readonly started: boolean;
  readonly done: boolean;
  /** Command results by step. */
  readonly results: ReadonlyMap<number, string>;
  /** File reads by observable id: errno (`ok` when read) and text. */
  readonly files: ReadonlyMap<number, { errno: string; text: string }>;
  /** Task readings by id: state (`alive`, `exited`, `oom_killed`, `none`) and /proc/PID/status + cgroup. */
  readonly tasks: ReadonlyMap<number, { state: string; text: string }>;
  /** /proc/PID file readings by id (cmd_pobs): state and the `== NAME` sections. */
  readonly procs: ReadonlyMap<number, { state: string; text: string }>;
  /** `cat` output by step. */
  readonly cats: ReadonlyMap<number, string>;
  /** The driver's own `#` lines. */
  readonly notes: readonly string[];
  /**
   * Batched runs (several scenarios in one boot): per counter file, what its
   * event counters grew by in the scenarios before this one, subtracted from
   * every reading so the values count from a fresh boot (empty otherwise).
   */
  readonly counterShift?: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** A guest output while it is parsed. */
interface Segment {
  started: boolean;
  done: boolean;
  results: Map<number, string>;
  files: Map<number, { errno: string; text: string }>;
  tasks: Map<number, { state: string; text: string }>;
  cats: Map<number, string>;
  procs: Map<number, { state: string; text: string }>;
  notes: string[];
  /** `B` blocks: counter files as the scenario started. */
  bases: Map<string, string>;
  /** Batched runs: what the reset before it left behind (`@unclean`), or null. */
  unclean: string | null;
}

const newSegment = (): Segment => ({
  started: false,
  done: false,
  results: new Map(),
  files: new Map(),
  tasks: new Map(),
  cats: new Map(),
  procs: new Map(),
  notes: [],
  bases: new Map(),
  unclean: null,
});

/** Parse the framed output of guest/swapsim-guest.c (format in its header comment). */
export function parseGuestOutput(raw: Buffer | string): GuestOutput {
  const { whole } = parseSegments(raw);
  return whole;
}

/**
 * The output of a batched run, one GuestOutput per `@scenario N` section,
 * by N. A scenario is `started` when its section exists and `done` when its
 * `end` was reached; event counters are shifted to count from the first
 * scenario's start (see `counterShift`).
 */
export function parseBatchOutput(raw: Buffer | string): Map<number, GuestOutput & { readonly unclean: string | null }> {
  const { sections } = parseSegments(raw);
  const out = new Map<number, GuestOutput & { readonly unclean: string | null }>();
  const first = sections.get(0) ?? [...sections.values()][0];
  for (const [n, seg] of sections) {
    const shift =
      first && seg !== first ? counterShift(first.bases, seg.bases) : new Map<string, Map<string, number>>();
    out.set(n, { ...seg, started: true, counterShift: shift });
  }
  return out;
}

function parseSegments(raw: Buffer | string): { whole: GuestOutput; sections: Map<number, Segment> } {
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const whole = newSegment();
  const sections = new Map<number, Segment>();
  let cur = whole;
  let at = 0;
  const nextLine = (): string | null => {
    if (at >= buf.length) return null;
    let end = buf.indexOf(0x0a, at);
    if (end < 0) end = buf.length;
    const line = buf.subarray(at, end).toString('utf8').replace(/\r$/, '');
    at = end + 1;
    return line;
  };
  const block = (len: number): string => {
    const text = buf.subarray(at, Math.min(buf.length, at + len)).toString('utf8');
    at = Math.min(buf.length, at + len);
    return text;
  };
  for (let line = nextLine(); line !== null; line = nextLine()) {
    if (line === '@started') whole.started = true;
    else if (line === '@done') cur.done = whole.done = true;
    else if (line.startsWith('@scenario ')) {
      cur = newSegment();
      cur.started = true;
      sections.set(Number(line.slice(10)), cur);
      whole.done = false;
    } else if (line.startsWith('@unclean ')) cur.unclean = line.slice(9);
    else if (line.startsWith('# ')) cur.notes.push(line.slice(2));
    else {
      const f = line.split(' ');
      if (f[0] === 'E' && f.length >= 3) cur.results.set(Number(f[1]), f[2]!);
      else if (f[0] === 'O' && f.length >= 4) cur.files.set(Number(f[1]), { errno: f[2]!, text: block(Number(f[3])) });
      else if (f[0] === 'T' && f.length >= 4) cur.tasks.set(Number(f[1]), { state: f[2]!, text: block(Number(f[3])) });
      else if (f[0] === 'P' && f.length >= 4) cur.procs.set(Number(f[1]), { state: f[2]!, text: block(Number(f[3])) });
      else if (f[0] === 'C' && f.length >= 3) cur.cats.set(Number(f[1]), block(Number(f[2])));
      else if (f[0] === 'B' && f.length >= 3) cur.bases.set(f[1]!, block(Number(f[2])));
    }
  }
  return { whole, sections };
}

/**
 * Is this a counter of events (it only grows while the kernel runs), not a
 * level? /proc/vmstat: every line but the `nr_*` levels and
 * `workingset_nodes`; zswap's debugfs: every file but the pool's sizes;
 * mTHP stats: every file but `nr_anon*`.
 */
export function isEventCounter(path: string, key: string): boolean {
  if (path === '/proc/vmstat') return !key.startsWith('nr_') && key !== 'workingset_nodes';
  if (path.startsWith('/sys/kernel/debug/zswap/'))
    return !/\/(stored_pages|pool_total_size|stored_incompressible_pages|same_filled_pages)$/.test(path);
  if (/^\/sys\/kernel\/mm\/transparent_hugepage\/hugepages-\d+kB\/stats\//.test(path))
    return !/\/nr_anon[a-z_]*$/.test(path);
  return false;
}

/** Per counter file and key (`''` for a single-value file): the growth from `first` to `now`. */
function counterShift(
  first: ReadonlyMap<string, string>,
  now: ReadonlyMap<string, string>,
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [path, text] of now) {
    // a counter that did not exist yet as the first scenario started counted from 0 since
    const before = first.get(path) ?? '';
    const keys = new Map<string, number>();
    if (path === '/proc/vmstat') {
      const a = keyedNumbers(before);
      for (const [key, v] of keyedNumbers(text)) if (isEventCounter(path, key)) keys.set(key, v - (a.get(key) ?? 0));
    } else if (isEventCounter(path, '') && /^-?\d+$/.test(text.trim()))
      keys.set('', Number(text.trim()) - (/^-?\d+$/.test(before.trim()) ? Number(before.trim()) : 0));
    if (keys.size > 0) out.set(path, keys);
  }
  return out;
}

function keyedNumbers(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(-?\d+)\s*$/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** A value as the kernel prints it: numbers as numbers, `max` and other words as words. */
function scalar(text: string, unit: string): VerifyValue {
  const t = text.trim();
  if (unit === 'bool') {
    if (/^(Y|1|yes|true|on)$/i.test(t)) return 1;
    if (/^(N|0|no|false|off)$/i.test(t)) return 0;
  }
  // a policy file marks the active choice in brackets: `always [madvise] never`
  const chosen = /\[([^\]]+)\]/.exec(t);
  if (chosen) return chosen[1]!;
  if (/^-?\d+$/.test(t)) return Number(t);
  return t;
}

/** `key value` lines (memory.stat, memory.events, /proc/vmstat) or `Key: value kB` (/proc/meminfo). */
export function keyedValue(text: string, key: string): VerifyValue {
  for (const line of text.split('\n')) {
    const m = /^(\S+?):?\s+(-?\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m && m[1] === key) return Number(m[2]);
  }
  return 'absent';
}

/** One cell of /proc/swaps. */
export function swapsValue(text: string, device: string, column: 'Type' | 'Size' | 'Used' | 'Priority'): VerifyValue {
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || f[0] !== device) continue;
    const col = { Type: 1, Size: 2, Used: 3, Priority: 4 }[column];
    return column === 'Type' ? f[col]! : Number(f[col]);
  }
  return 'absent';
}

function freeValue(meminfo: string, row: 'mem' | 'swap', column: FreeColumn): VerifyValue {
  const num = (key: string): number | null => {
    const v = keyedValue(meminfo, key);
    return typeof v === 'number' ? v : null;
  };
  if (row === 'swap') {
    const total = num('SwapTotal');
    const free = num('SwapFree');
    if (total === null || free === null) return 'absent';
    const line: Partial<Record<FreeColumn, number>> = { total, free, used: Math.max(0, total - free) };
    return line[column] ?? 'absent';
  }
  const keys = ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SReclaimable', 'Shmem'] as const;
  const values: Partial<Record<(typeof keys)[number], number>> = {};
  for (const key of keys) {
    const v = num(key);
    if (v === null) return 'absent';
    values[key] = v;
  }
  return freeMemFrom(values as FreeMemInput)[column];
}

function pickValue(text: string, pick: FilePick): VerifyValue {
  switch (pick.kind) {
    case 'single':
      return scalar(text, pick.unit);
    case 'key':
      return keyedValue(text, pick.key);
    case 'swaps': {
      const v = swapsValue(text, pick.device, pick.column);
      // the guest is x86-64: 4 KiB pages
      return pick.pages && typeof v === 'number' ? v / 4 : v;
    }
    case 'free':
      return freeValue(text, pick.row, pick.column);
  }
}

/** The `== NAME [ARG]` sections of a /proc reading, in order. */
function procSections(text: string): { name: string; arg: string; body: string }[] {
  const out: { name: string; arg: string; body: string }[] = [];
  for (const part of text.split(/^== /m).slice(1)) {
    const nl = part.indexOf('\n');
    const [name = '', arg = ''] = (nl < 0 ? part : part.slice(0, nl)).split(' ');
    out.push({ name, arg, body: nl < 0 ? '' : part.slice(nl + 1) });
  }
  return out;
}

/** A `Key:   N kB` line of status or smaps. */
function kbLine(text: string, key: string): number | null {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * A /proc/PID value from a pobs reading: a status or smaps_rollup line, a
 * region's smaps line summed over its entries (the guest keeps guard pages
 * around each region, so there is one unless the region was split), or a
 * field of the pagemap word (Documentation/admin-guide/mm/pagemap.rst).
 */
export function procValue(text: string, pick: ProcPick): VerifyValue {
  const sections = procSections(text);
  if (pick.file === 'pagemap') {
    const pm = sections.find((s) => s.name === 'pagemap');
    if (pm === undefined) return 'absent';
    const w = BigInt(`0x${pm.arg}`);
    const bit = (n: bigint): number => Number((w >> n) & 1n);
    const swapped = bit(62n) === 1;
    switch (pick.field) {
      case 'present':
        return bit(63n);
      case 'swapped':
        return bit(62n);
      case 'file':
        return bit(61n);
      case 'swap_type':
        return swapped ? Number(w & 0x1fn) : 0;
      case 'swap_offset':
        return swapped ? Number((w >> 5n) & ((1n << 50n) - 1n)) : 0;
    }
  }
  const bodies = sections.filter((s) => s.name === pick.file).map((s) => s.body);
  if (bodies.length === 0) return 'absent';
  let sum = 0;
  for (const body of bodies) {
    const v = kbLine(body, pick.key);
    if (v === null) return 'absent';
    sum += v;
  }
  return sum;
}

/** The value of one planned observable in one run; `missing` when the guest never got there. */
export function kernelValue(out: GuestOutput, step: number, read: GuestRead): VerifyValue {
  switch (read.kind) {
    case 'result':
      return out.results.get(step) ?? 'missing';
    case 'file': {
      const f = out.files.get(read.id);
      if (!f) return 'missing';
      if (f.errno !== 'ok') return f.errno;
      const v = pickValue(f.text, read.pick);
      const shift = out.counterShift?.get(read.path)?.get(read.pick.kind === 'key' ? read.pick.key : '');
      return shift !== undefined && typeof v === 'number' && (read.pick.kind === 'key' || read.pick.kind === 'single')
        ? v - shift
        : v;
    }
    case 'dmesg': {
      // the guest reads the whole log buffer (syslog(2) READ_ALL); `contains` is a substring test, as in the simulator
      const f = out.files.get(read.id);
      if (!f) return 'missing';
      if (f.errno !== 'ok') return f.errno;
      return f.text.includes(read.text) ? 1 : 0;
    }
    case 'proc': {
      const p = out.procs.get(read.id);
      if (!p) return 'missing';
      if (p.state === 'none') return 'ENOENT';
      if (p.state !== 'alive') return 'ESRCH';
      return procValue(p.text, read.pick);
    }
    case 'task': {
      const t = out.tasks.get(read.id);
      if (!t) return 'missing';
      if (t.state === 'none') return 'ENOENT';
      if (read.field === 'state') return t.state;
      if (t.state !== 'alive') return read.field === 'cgroup' ? 'ENOENT' : 0;
      if (read.field === 'cgroup') {
        const m = /^0::(\S*)$/m.exec(t.text);
        return m ? m[1]! || '/' : 'absent';
      }
      // VmSwap counts the task's swap entries, RssAnon its resident anonymous pages (kB; 4 KiB pages)
      const kb = kbLine(t.text, read.field === 'swapents' ? 'VmSwap' : 'RssAnon');
      return kb === null ? 'absent' : kb / 4;
    }
  }
}
