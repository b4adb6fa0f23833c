/**
 * Files a scenario keeps open under a name (`open NAME PATH`): the
 * struct file / kernfs_open_file a test holds between reads and writes.
 *
 * Most files read and write the same through an fd as by path. The
 * exceptions are memory.peak and memory.swap.peak, whose reset is local
 * to the fd that wrote it (peak_open(), peak_write(), peak_release() in
 * mm/memcontrol.c; struct cgroup_of_peak): each open fd carries its own
 * value, and the fds that have been written are the cgroup's watchers.
 * An fd of a cgroup that was removed answers ENODEV, as kernfs does once
 * the node is deactivated (kernfs_get_active() fails).
 */
import { fail } from './errno';
import type { Journal } from './journal';
import { PEAK_UNSET, type Memcg, type PeakFd } from './memcontrol';

export class OpenFile implements PeakFd {
  /** cgroup_of_peak.value: the usage at this fd's last write to a peak file, or PEAK_UNSET. */
  peak = PEAK_UNSET;

  constructor(
    readonly name: string,
    /** The path as opened, normalised. */
    readonly path: string,
    /** The cgroup of a cgroupfs file, else null. */
    readonly memcg: Memcg | null,
    /** The cgroupfs file name (`memory.peak`), else null. */
    readonly cgroupFile: string | null,
  ) {}

  /** Which page counter's peak this fd shows, if it is a peak file. */
  get peakOf(): 'memory' | 'swap' | null {
    return this.cgroupFile === 'memory.peak' ? 'memory' : this.cgroupFile === 'memory.swap.peak' ? 'swap' : null;
  }
}

export class OpenFiles {
  readonly byName = new Map<string, OpenFile>();

  constructor(private readonly j: Journal) {}

  /** Add an fd; an open name is closed first, as the shell's `exec N>file` does. */
  add(f: OpenFile): void {
    this.j.mapSet(this.byName, f.name, f);
  }

  /** close(2); EBADF for a name that is not open. */
  close(name: string): void {
    if (!this.byName.has(name)) fail('EBADF', `${name} is not an open file`);
    this.j.mapDelete(this.byName, name);
  }

  /** The fd, usable: EBADF if not open, ENODEV once its cgroup is gone. */
  use(name: string): OpenFile {
    const f = this.byName.get(name);
    if (f === undefined) return fail('EBADF', `${name} is not an open file`);
    if (f.memcg !== null && !f.memcg.online)
      return fail('ENODEV', `${f.path}: the cgroup was removed while ${name} was open`);
    return f;
  }

  /** The fds of `m`'s memory.peak or memory.swap.peak that have been written (the peak watchers list). */
  watchers(m: Memcg, which: 'memory' | 'swap'): OpenFile[] {
    const out: OpenFile[] = [];
    for (const f of this.byName.values()) if (f.memcg === m && f.peakOf === which && f.peak !== PEAK_UNSET) out.push(f);
    return out;
  }

  /** In name order, for fingerprints and views. */
  list(): OpenFile[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
