/**
 * What the checker knows while it walks a scenario: the configuration, the
 * statically known objects (tasks, regions, cgroups, swap devices) and the
 * helpers that look names up and report unknown or dead ones.
 *
 * Lookups distinguish two kinds of failure. A name the scenario itself
 * defines (task, region) must be known: that is a plain error. A kernel
 * object (cgroup, device, file) may be missing on purpose to test an error
 * path, so those diagnostics carry the errno the kernel would return and are
 * silenced by an `expect error` on the next line.
 */
import type { CommandStatement, FlagArg, OptionArg, Word } from '../syntax/ast';
import type { Limits, ScenarioConfig } from './checked';
import { makeDiagnostic, replacementFixes, type Diagnostic, type DiagnosticCode } from '../diagnostics';
import { Memo, MemoByNumber } from '../memo';
import { resolveCgroup, resolveFile, type ResolvedFile, type Resolution } from './paths';
import { didYouMean, nearest } from '../suggest';

export interface RegionInfo {
  /** Null when the mmap line had an error: size unknown. */
  pages: number | null;
  order: number;
  mapped: boolean;
  /** Line of the munmap that removed it. */
  unmappedAt: number | null;
}

export interface TaskInfo {
  alive: boolean;
  exitedAt: number | null;
  cgroup: string;
  regions: Map<string, RegionInfo>;
}

export interface CgroupInfo {
  alive: boolean;
  removedAt: number | null;
  /** `memory` in its cgroup.subtree_control (the root, and every cgroup with a child, have it). */
  subtree: boolean;
}

/** A regular file the scenario made (dd, truncate, fallocate). */
export interface RegularFileInfo {
  exists: boolean;
  /** Pages of the file (null: unknown). */
  pages: number | null;
  /** Slots the mkswap header claims (null: no header yet, or unknown). */
  headerSlots: number | null;
  /** Held by an active swapon. */
  swapActive: boolean;
}

/** A file the scenario opened under a name. */
export interface FdInfo {
  readonly file: ResolvedFile;
  open: boolean;
  closedAt: number | null;
}

export interface DeviceInfo {
  active: boolean;
  /** si->max, null when unknown. */
  slots: number | null;
  offAt: number | null;
}

/** A `let` variable as the checker knows it. */
export interface VarInfo {
  /** Line of the `let` that set it first. */
  readonly definedAt: number;
  /** Its value when the checker can know it (a constant `let` outside loops), else null. */
  constant: number | string | null;
}

/** Kinds of names a statement with substitutions may create: the checker cannot know them. */
export type DynamicKind = 'task' | 'region' | 'cgroup' | 'device';

export class ScenarioState {
  readonly tasks = new Map<string, TaskInfo>();
  readonly cgroups = new Map<string, CgroupInfo>([['/', { alive: true, removedAt: null, subtree: true }]]);
  readonly devices = new Map<string, DeviceInfo>();
  readonly fds = new Map<string, FdInfo>();
  readonly files = new Map<string, RegularFileInfo>();
  /** Mount points the scenario made, with their file system. */
  readonly mounts = new Map<string, string>([['/', 'ext4']]);
  /** The credentials of `user` (root with CAP_SYS_ADMIN until a `user` line). */
  readonly cred = { uid: 0, capSysAdmin: true };

  /**
   * A copy of everything a statement may change, for a statement the
   * scenario says fails (`expect error` next): `restore` puts it back, so
   * the failed statement leaves the checker's state as the kernel's.
   */
  snapshot(): () => void {
    const tasks = [...this.tasks].map(
      ([n, t]) => [n, { ...t, regions: new Map([...t.regions].map(([r, i]) => [r, { ...i }])) }] as const,
    );
    const cgroups = [...this.cgroups].map(([p, c]) => [p, { ...c }] as const);
    const devices = [...this.devices].map(([p, d]) => [p, { ...d }] as const);
    const fds = [...this.fds].map(([n, f]) => [n, { ...f }] as const);
    const files = [...this.files].map(([p, f]) => [p, { ...f }] as const);
    const mounts = [...this.mounts];
    const cred = { ...this.cred };
    return () => {
      refill(this.tasks, tasks);
      refill(this.cgroups, cgroups);
      refill(this.devices, devices);
      refill(this.fds, fds);
      refill(this.files, files);
      refill(this.mounts, mounts);
      Object.assign(this.cred, cred);
    };
  }

  activeDeviceCount(): number {
    let n = 0;
    for (const d of this.devices.values()) if (d.active) n++;
    return n;
  }
}

function refill<K, V>(map: Map<K, V>, entries: readonly (readonly [K, V])[]): void {
  map.clear();
  for (const [k, v] of entries) map.set(k, v);
}

export class CheckContext {
  readonly state = new ScenarioState();
  /** Diagnostics of the statement being checked (the driver flushes them). */
  buffer: Diagnostic[] = [];
  /** Static counts for the task/cgroup limits; only counted on a first pass over a repeat body. */
  taskStatements = 0;
  cgroupStatements = 0;
  /** >0 while a repeat body is re-checked for its later iterations. */
  laterIteration = 0;
  /** `let` variables set so far. */
  readonly vars = new Map<string, VarInfo>();
  /** Loop variables of the enclosing `repeat … as NAME` blocks, outermost first. */
  readonly loopVars: string[] = [];
  /** Depth of enclosing repeat blocks (a `let` inside one has no constant value). */
  repeatDepth = 0;
  /** Kinds of names some statement created from a substitution: unknown names of these kinds are left to the run. */
  readonly dynamicKinds = new Set<DynamicKind>();
  /** A lookup met a name the run may create (see dynamicKinds): the statement is checked again when it runs. */
  deferred = false;
  /** The context of a statement checked at run time (server/session/dynamic.ts), built from the machine. */
  runtime = false;

  constructor(
    readonly config: ScenarioConfig,
    readonly limits: Limits,
    /** Words of lines the parser skipped: a name there was probably defined there. */
    readonly poisoned: ReadonlySet<string>,
  ) {}

  readonly report = (d: Diagnostic): void => {
    this.buffer.push(d);
  };

  error(code: DiagnosticCode, message: string, word: { range: Word['range'] }, errno?: string): void {
    this.report(makeDiagnostic(code, message, word.range, errno === undefined ? undefined : { errno }));
  }

  /** An unknown name with "did you mean" and replacement fixes. */
  unknown(code: DiagnosticCode, message: string, word: Word, candidates: Iterable<string>, errno?: string): void {
    const suggestions = nearest(word.text, candidates);
    this.report(
      makeDiagnostic(code, `${message}${didYouMean(suggestions)}`, word.range, {
        ...(errno === undefined ? {} : { errno }),
        suggestions,
        fixes: replacementFixes(word.range, suggestions),
      }),
    );
  }

  /**
   * SS203 with "did you mean": the cgroup is compared with the live ones as
   * canonical paths (`/apq` with `/app`), and a fix replaces only the cgroup
   * part of the word (`/sys/fs/cgroup/apq/memory.max` → `…/app/…`).
   */
  private unknownCgroup(cgroup: string, word: Word, alive: readonly string[], errno?: string): void {
    const suggestions = nearest(cgroup, alive);
    const at = cgroupOffset(word.text, cgroup);
    const { start } = word.range;
    const range = {
      start: { line: start.line, character: start.character + at },
      end: { line: start.line, character: start.character + at + cgroup.length - 1 },
    };
    this.report(
      makeDiagnostic(
        'SS203',
        `cgroup ${cgroup} does not exist (create it with mkdir)${didYouMean(suggestions)}`,
        word.range,
        {
          ...(errno === undefined ? {} : { errno }),
          suggestions,
          fixes:
            at < 0
              ? []
              : replacementFixes(
                  range,
                  suggestions.map((p) => p.slice(1)),
                ),
        },
      ),
    );
  }

  /** A task that exists and is alive (or merely exists, with `allowExited`). */
  task(word: Word, opts: { errno?: string; allowExited?: boolean } = {}): TaskInfo | null {
    const t = this.state.tasks.get(word.text);
    if (t === undefined) {
      if (this.defer('task')) return null;
      if (!this.poisoned.has(word.text))
        this.unknown('SS201', `unknown task '${word.text}'`, word, this.state.tasks.keys(), opts.errno);
      return null;
    }
    if (!t.alive && opts.allowExited !== true) {
      this.error('SS207', `task '${word.text}' has exited${lineNote(t.exitedAt)}`, word, opts.errno);
      return null;
    }
    return t;
  }

  region(task: TaskInfo, word: Word): RegionInfo | null {
    const r = task.regions.get(word.text);
    if (r === undefined) {
      if (this.defer('region')) return null;
      if (!this.poisoned.has(word.text))
        this.unknown('SS202', `the task has no region '${word.text}'`, word, task.regions.keys());
      return null;
    }
    if (!r.mapped) {
      this.error('SS208', `region '${word.text}' was unmapped${lineNote(r.unmappedAt)}`, word);
      return null;
    }
    return r;
  }

  /** Canonical cgroup path of a word, or null after a static error. */
  cgroupPath(word: Word, allowBareAbsolute: boolean): string | null {
    const r = cachedCgroup(word.text, allowBareAbsolute);
    if (!r.ok) {
      this.error(r.code, r.message, word);
      return null;
    }
    return r.value;
  }

  /** Whether the cgroup exists now; reports SS203/SS209 (with `errno` when the kernel would return one). */
  cgroupExists(cgroup: string, word: Word, errno?: string): boolean {
    const info = this.state.cgroups.get(cgroup);
    if (info?.alive === true) return true;
    if (cgroup.split('/').some((part) => part !== '' && this.poisoned.has(part))) return false;
    if (info === undefined && this.defer('cgroup')) return false;
    if (info !== undefined) {
      this.error('SS209', `cgroup ${cgroup} was removed${lineNote(info.removedAt)}`, word, errno);
    } else {
      const alive = [...this.state.cgroups].filter(([p, c]) => c.alive && p !== '/').map(([p]) => p);
      this.unknownCgroup(cgroup, word, alive, errno);
    }
    return false;
  }

  /** An active swap device (static check: observables and simulator verbs). */
  activeDevice(word: Word, errno?: string): DeviceInfo | null {
    const d = this.state.devices.get(word.text);
    if (d?.active === true) return d;
    if (this.poisoned.has(word.text)) return null;
    if (d === undefined && this.defer('device')) return null;
    if (d !== undefined) {
      this.error('SS210', `${word.text} was swapped off${lineNote(d.offAt)}`, word, errno);
    } else {
      const active = [...this.state.devices].filter(([, v]) => v.active).map(([p]) => p);
      this.unknown('SS204', `${word.text} is not an active swap area`, word, active, errno);
    }
    return null;
  }

  /** An unknown name of a kind a dynamic statement may have created: leave the statement to the run. */
  private defer(kind: DynamicKind): boolean {
    if (this.runtime || !this.dynamicKinds.has(kind)) return false;
    this.deferred = true;
    return true;
  }

  /** `&NAME`: a file the scenario opened and has not closed (SS228, EBADF, otherwise). */
  openFd(word: Word): FdInfo | null {
    const name = word.text.startsWith('&') ? word.text.slice(1) : word.text;
    const fd = this.state.fds.get(name);
    if (fd?.open === true) return fd;
    if (this.poisoned.has(name) || this.poisoned.has(word.text)) return null;
    if (fd !== undefined) this.error('SS228', `${name} was closed${lineNote(fd.closedAt)}`, word, 'EBADF');
    else
      this.unknown(
        'SS228',
        `${name} is not an open file (open it with \`open ${name} PATH\`)`,
        word,
        [...this.state.fds].filter(([, f]) => f.open).map(([n]) => n),
        'EBADF',
      );
    return null;
  }

  /** A file named by path, or an open file as `&NAME`: the file and the fd's name (null for a path). */
  target(word: Word): { file: ResolvedFile; fd: string | null } | null {
    if (word.text.startsWith('&')) {
      const fd = this.openFd(word);
      return fd === null ? null : { file: fd.file, fd: word.text.slice(1) };
    }
    const file = this.file(word);
    return file === null ? null : { file, fd: null };
  }

  /** Resolve a file path word; reports SS205/SS217/SS405. */
  file(word: Word): ResolvedFile | null {
    const r = cachedFile(word.text, this.config.pageSize, this.config.pmdOrder);
    if (!r.ok) {
      const suggestions = r.suggestions ?? [];
      this.report(
        makeDiagnostic(r.code, `${r.message}${didYouMean(suggestions)}`, word.range, {
          suggestions,
          fixes: replacementFixes(word.range, suggestions),
        }),
      );
      return null;
    }
    if (r.value.spec.requires === 'swap_tiers' && !this.config.swapTiers) {
      // like ghost_writeback, the series is opt-in: mainline has no such file (ENOENT)
      this.error(
        'SS413',
        `${word.text} exists only with the swap tiers series: add 'config swap_tiers=on'`,
        word,
        'ENOENT',
      );
      return null;
    }
    return r.value;
  }

  /** Task and region names: a letter or `_` first, then letters, digits, `_`, `-`, `.`. */
  validName(word: Word, what: string): boolean {
    if (isIdentifier(word.text)) return true;
    this.error(
      'SS218',
      `'${word.text}' is not a valid ${what} name (letters, digits, _ - . ; starting with a letter or _)`,
      word,
    );
    return false;
  }
}

// Path resolution is pure and scenarios repeat the same paths: each spelling is resolved once per process.
const fileResolutions = new MemoByNumber<Resolution<ResolvedFile>>();
const cgroupResolutions = [new Memo<Resolution<string>>(), new Memo<Resolution<string>>()] as const;

/** resolveFile, memoised (the page size fixes the PMD order, but both are part of the key). */
export function cachedFile(path: string, pageSize: number, pmdOrder: number): Resolution<ResolvedFile> {
  return fileResolutions.for(pageSize * 64 + pmdOrder).get(path, (p) => resolveFile(p, pageSize, pmdOrder));
}

/** resolveCgroup, memoised. */
export function cachedCgroup(text: string, allowBareAbsolute: boolean): Resolution<string> {
  return cgroupResolutions[allowBareAbsolute ? 1 : 0].get(text, (t) => resolveCgroup(t, allowBareAbsolute));
}

export function isIdentifier(text: string): boolean {
  if (text.length === 0 || text.length > 64) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (i === 0 ? !letter : !(letter || (c >= 48 && c <= 57) || c === 45 || c === 46)) return false;
  }
  return true;
}

function lineNote(line: number | null): string {
  return line === null ? '' : ` on line ${line + 1}`;
}

/** `word` spelled as `text` (a normalised path), copied only when the spelling differs. */
export function withText(word: Word, text: string): Word {
  return word.text === text ? word : { text, range: word.range, quoted: word.quoted };
}

export function positional(stmt: CommandStatement, index: number): Word | undefined {
  let i = 0;
  for (const a of stmt.args) {
    if (a.kind !== 'positional') continue;
    if (i === index) return a.word;
    i++;
  }
  return undefined;
}

export function option(stmt: CommandStatement, key: string): OptionArg | undefined {
  for (const a of stmt.args) if (a.kind === 'option' && a.key.text === key) return a;
  return undefined;
}

export function flag(stmt: CommandStatement, canonical: string): FlagArg | undefined {
  for (const a of stmt.args) if (a.kind === 'flag' && a.canonical === canonical) return a;
  return undefined;
}

/** Where the cgroup's path (without its leading slash) starts in the word naming it, or -1. */
function cgroupOffset(text: string, cgroup: string): number {
  const rel = cgroup.slice(1);
  const root = '/sys/fs/cgroup';
  for (const prefix of [`${root}/`, '/', '']) {
    if (!text.startsWith(prefix + rel)) continue;
    const after = text.charAt(prefix.length + rel.length);
    if (after === '' || after === '/') return prefix.length;
  }
  return -1;
}
