/**
 * /sys/block/zram<N>/: the attribute files of a zram device
 * (drivers/block/zram/zram_drv.c zram_disk_attrs[];
 * Documentation/admin-guide/blockdev/zram.rst). `readText` prints what the
 * kernel prints, `readValue` gives the value an `expect` compares (bytes,
 * counts, words), `write` parses the text as the store handler does.
 * Writes run inside the caller's transaction (vfs.ts writeFile()).
 */
import { fail } from './errno';
import type { Kernel } from './kernel';
import { kstrtoint, memparse, strip, sysfsWord } from './kparse';
import {
  BD_STAT_FIELDS,
  IO_STAT_FIELDS,
  MM_STAT_FIELDS,
  ZRAM_COMPRESSORS,
  ZramDevice,
  bdStat,
  ioStat,
  mmStat,
  type ZramWriteback,
} from './zram';

export const ZRAM_FILES = {
  disksize: 'rw',
  comp_algorithm: 'rw',
  mem_limit: 'wo',
  mem_used_max: 'wo',
  reset: 'wo',
  initstate: 'ro',
  mm_stat: 'ro',
  io_stat: 'ro',
  bd_stat: 'ro',
  backing_dev: 'rw',
  idle: 'wo',
  writeback: 'wo',
} as const;
export type ZramFile = keyof typeof ZRAM_FILES;

export const ZRAM_WRITEBACK_MODES: readonly ZramWriteback[] = ['idle', 'huge', 'huge_idle', 'incompressible'];

/** `/sys/block/zram<N>/<file>` → the device path and file, or null when the path is not a zram attribute. */
export function zramAttr(norm: string): { device: string; file: ZramFile } | null {
  const m = /^\/sys\/block\/(zram\d+)\/([a-z_]+)$/.exec(norm);
  if (!m) return null;
  const file = m[2]!;
  if (!(file in ZRAM_FILES)) return fail('ENOENT', `${norm}: no such zram attribute`);
  return { device: `/dev/${m[1]!}`, file: file as ZramFile };
}

/** The device to read: the configured one, or a fresh one (the module's defaults) when nothing touched it yet. */
function deviceToRead(k: Kernel, path: string): ZramDevice {
  return k.zram.devices.get(path) ?? new ZramDevice(path);
}

function rows(k: Kernel, z: ZramDevice, file: 'mm_stat' | 'io_stat' | 'bd_stat'): Record<string, number> {
  if (file === 'mm_stat') return mmStat(k.zram, z, k.geom.pageSize);
  if (file === 'io_stat') return ioStat(z);
  // bd_stat counts in 4 KiB units (FOUR_K())
  const bd = bdStat(z);
  const per = k.geom.pageSize / 4096;
  return { bd_count: bd.bd_count * per, bd_reads: bd.bd_reads * per, bd_writes: bd.bd_writes * per };
}

const FIELDS = { mm_stat: MM_STAT_FIELDS, io_stat: IO_STAT_FIELDS, bd_stat: BD_STAT_FIELDS } as const;

/** The text `cat` prints. */
export function zramReadText(k: Kernel, path: string, file: ZramFile): string {
  if (ZRAM_FILES[file] === 'wo') return fail('EACCES', `${file} is write-only`);
  const z = deviceToRead(k, path);
  switch (file) {
    case 'disksize':
      return `${z.disksize}\n`;
    case 'initstate':
      return `${z.initialized ? 1 : 0}\n`;
    case 'comp_algorithm':
      return ZRAM_COMPRESSORS.map((c) => (c === z.compAlgorithm ? `[${c}]` : c)).join(' ') + '\n';
    case 'backing_dev':
      return `${z.backingDev ?? 'none'}\n`;
    case 'mm_stat':
    case 'io_stat':
    case 'bd_stat': {
      const r = rows(k, z, file);
      // "%8llu %8llu …\n"
      return FIELDS[file].map((f) => String(r[f]).padStart(8)).join(' ') + '\n';
    }
    default:
      return fail('EACCES', `${file} is write-only`);
  }
}

/** The value an `expect` reads; the stat files need a field name as key. */
export function zramReadValue(
  k: Kernel,
  path: string,
  file: ZramFile,
  key: string | null | undefined,
): number | string {
  if (ZRAM_FILES[file] === 'wo') return fail('EACCES', `${file} is write-only`);
  const z = deviceToRead(k, path);
  switch (file) {
    case 'disksize':
      return z.disksize;
    case 'initstate':
      return z.initialized ? 1 : 0;
    case 'comp_algorithm':
      return z.compAlgorithm;
    case 'backing_dev':
      return z.backingDev ?? 'none';
    case 'mm_stat':
    case 'io_stat':
    case 'bd_stat': {
      if (key == null) return fail('EINVAL', `${file} has one value per field: name one (${FIELDS[file].join(', ')})`);
      const r = rows(k, z, file);
      if (!(key in r)) return fail('EINVAL', `${file} has no field ${key}`);
      return r[key]!;
    }
    default:
      return fail('EACCES', `${file} is write-only`);
  }
}

/** The store handlers. */
export function zramWrite(k: Kernel, path: string, file: ZramFile, text: string): void {
  if (ZRAM_FILES[file] === 'ro') return fail('EACCES', `${file} is read-only`);
  const zr = k.zram;
  const z = zr.device(path);
  switch (file) {
    case 'disksize': {
      // disksize_store(): memparse(), then PAGE_ALIGN
      const { bytes, rest } = memparse(strip(text));
      if (strip(rest) !== '')
        return fail('EINVAL', `disksize takes a size with an optional K/M/G/T suffix, not '${text}'`);
      return zr.setDisksize(z, Number(bytes));
    }
    case 'mem_limit': {
      const { bytes, rest } = memparse(strip(text));
      if (strip(rest) !== '')
        return fail('EINVAL', `mem_limit takes a size with an optional K/M/G/T suffix, not '${text}'`);
      return zr.setMemLimit(z, Number(bytes));
    }
    case 'mem_used_max':
      // mem_used_max_store(): only "0" resets
      if (kstrtoint(strip(text), true) !== 0)
        return fail('EINVAL', 'mem_used_max takes only 0 (reset the high-water mark)');
      return zr.resetUsedMax(z);
    case 'reset':
      // reset_store(): kstrtoull, and 0 is EINVAL
      if (kstrtoint(strip(text), true) === 0) return fail('EINVAL', 'reset takes a non-zero number');
      return zr.reset(z);
    case 'comp_algorithm':
      return zr.setCompAlgorithm(z, strip(text));
    case 'backing_dev':
      return zr.setBackingDev(z, strip(text));
    case 'idle':
      // idle_store(): "all" (age-based idling needs CONFIG_ZRAM_TRACK_ENTRY_ACTIME, not modelled)
      sysfsWord(strip(text), ['all'] as const);
      return zr.markIdle(z);
    case 'writeback':
      zr.writeback(z, sysfsWord(strip(text), ZRAM_WRITEBACK_MODES));
      return;
    default:
      return fail('EACCES', `${file} is read-only`);
  }
}
