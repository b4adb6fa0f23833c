/**
 * The checker's output: a validated, normalised program for the interpreter.
 *
 * Everything here is already resolved: sizes are bytes and pages, page
 * ranges are zero-based `first`/`count` within the region, cgroup paths are
 * canonical (`/` is the root, `/a/b` a child; no `/sys/fs/cgroup` prefix),
 * files are typed references, enums are their canonical words, observables
 * carry their unit, and values in an `expect` are already in that unit.
 * Shorthands are lowered: `move` and `echo NAME > cgroup.procs` are the same
 * `write`, as are `reclaim` and `memory.reclaim`, `sysctl` and `/proc/sys/vm/…`.
 */
import type { Range, Word } from '../syntax/ast';
import type { DynamicStatement } from './substitute';
import type { DesignName, ObservableUnit } from '../catalog';
import type { Advice } from '../../sim/madvise';
import type { FillValue } from '../../sim/page_data';
import type { KernelVersion } from '../../sim/kernel_version';

export interface Limits {
  /** Largest N in `repeat N {`. */
  readonly maxRepeatCount: number;
  /** Deepest nesting of repeat blocks. */
  readonly maxRepeatDepth: number;
  /** Statements executed once every repeat is expanded. */
  readonly maxExpandedSteps: number;
  /** Pages of one `mmap` region. */
  readonly maxRegionPages: number;
  /** Slots of one swap device (si->max is an unsigned int). */
  readonly maxDevicePages: number;
  readonly minRamPages: number;
  readonly maxRamPages: number;
  /** `task` and `fork` statements in the file (counted once each, repeats not expanded). */
  readonly maxTasks: number;
  /** `mkdir` statements in the file. */
  readonly maxCgroups: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxRepeatCount: 100_000,
  maxRepeatDepth: 8,
  maxExpandedSteps: 1_000_000,
  maxRegionPages: 2 ** 22,
  maxDevicePages: 2 ** 32 - 1,
  minRamPages: 1024,
  maxRamPages: 2 ** 25,
  maxTasks: 10_000,
  maxCgroups: 10_000,
};

/** The machine and kernel the scenario runs on, every default filled in. */
export interface ScenarioConfig {
  readonly design: DesignName;
  /** Mainline release whose behaviour is simulated (server/sim/kernel_version.ts). */
  readonly kernel: KernelVersion;
  /** CONFIG_DEVICE_PRIVATE (decides the default max_swapfiles). */
  readonly devicePrivate: boolean;
  /** Bytes: 4096, 16384 or 65536. */
  readonly pageSize: number;
  /** SWAPFILE_CLUSTER. */
  readonly clusterSlots: number;
  readonly thpSwap: boolean;
  /** PMD_ORDER for the page size (9, 11 or 13): the largest folio order. */
  readonly pmdOrder: number;
  readonly cpus: number;
  readonly ramBytes: number;
  readonly maxSwapfiles: number;
  readonly seed: number;
  readonly stopOnError: boolean;
  readonly checkInvariants: boolean;
  /** design=ghost: ghost slots may get a physical backing (KernelConfig.ghostWriteback). */
  readonly ghostWriteback: boolean;
  /** When swap writes complete (KernelConfig.swapWriteback). */
  readonly swapWriteback: 'async' | 'sync';
  /** What a task charges besides its mappings (KernelConfig.taskMemory). */
  readonly taskMemory: 'none' | 'kernel';
  /** The swap tiers series is modelled (KernelConfig.swapTiers). */
  readonly swapTiers: boolean;
}

export type SwapDeviceType = 'partition' | 'file' | 'zram' | 'ghost';
/** `both` is what `swapon -d` without a policy asks for. */
export type DiscardPolicy = 'both' | 'once' | 'pages';

export type ZswapParam =
  'enabled' | 'compressor' | 'max_pool_percent' | 'accept_threshold_percent' | 'shrinker_enabled';
export type SysctlName = 'swappiness' | 'page-cluster' | 'dirty_ratio' | 'dirty_background_ratio' | 'drop_caches';

/** A file, resolved. `path` is the canonical absolute path. */
export type FileRef =
  | { readonly kind: 'cgroup'; readonly path: string; readonly cgroup: string; readonly name: string }
  | { readonly kind: 'zswap-param'; readonly path: string; readonly name: ZswapParam }
  | { readonly kind: 'sysctl'; readonly path: string; readonly name: SysctlName }
  | { readonly kind: 'swap-sysfs'; readonly path: string; readonly name: 'vma_ra_enabled' | 'tiers' }
  | { readonly kind: 'thp'; readonly path: string; readonly name: 'enabled' | 'shmem_enabled' }
  | {
      readonly kind: 'thp-size';
      readonly path: string;
      readonly name: 'enabled' | 'shmem_enabled';
      readonly order: number;
      readonly sizeKb: number;
    }
  | {
      readonly kind: 'thp-stat';
      readonly path: string;
      readonly name: string;
      readonly order: number;
      readonly sizeKb: number;
    }
  | { readonly kind: 'proc'; readonly path: string; readonly name: 'swaps' | 'meminfo' | 'vmstat' }
  | { readonly kind: 'zswap-debug'; readonly path: string; readonly name: string }
  /** /sys/block/zram<N>/<name>; `device` is /dev/zram<N>. */
  | { readonly kind: 'zram'; readonly path: string; readonly device: string; readonly name: string };

/** A value written to a file, parsed with that file's kernel syntax. */
export type WriteValue =
  /** memory.max and friends: `max` (null) or bytes; `pages` = bytes / page size, rounded down as page_counter_memparse() does. */
  | { readonly kind: 'limit'; readonly bytes: number | null; readonly pages: number | null }
  /** memory.peak, memory.swap.peak. */
  | { readonly kind: 'reset' }
  | { readonly kind: 'reclaim'; readonly bytes: number; readonly swappiness: number | null }
  /** cgroup.procs: the task to move. */
  | { readonly kind: 'task'; readonly task: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'enum'; readonly value: string }
  /** Swap tiers files, cgroup.subtree_control, cgroup.kill: the text as written, its syntax checked; the kernel parses it again. */
  | { readonly kind: 'text'; readonly value: string }
  /** The kernel rejects the text with `errno` (the checker reported it; kept so the interpreter fails the same way). */
  | { readonly kind: 'invalid'; readonly errno: string };

/** Pages of a region, zero-based. */
export interface PageSpan {
  readonly first: number;
  readonly count: number;
  /** No range was given: the whole region. */
  readonly whole: boolean;
  /** False when an `offset=` is not page-aligned: MADV_PAGEOUT and munmap fail with EINVAL. */
  readonly startAligned: boolean;
}

export type ContentPart =
  | { readonly kind: 'zero'; readonly percent: number }
  | { readonly kind: 'incompressible'; readonly percent: number }
  /** Filled with one repeated non-zero word (zram's same-filled pages). */
  | { readonly kind: 'same'; readonly percent: number }
  /** ratio = compressed size / original size, 0 < ratio < 1. */
  | { readonly kind: 'compressible'; readonly ratio: number; readonly percent: number };

/** Content of a region; percentages sum to 100. */
export type Content = readonly ContentPart[];

export type Comparison = '==' | '!=' | '<' | '<=' | '>' | '>=' | '≈' | 'contains' | '!contains';

/** File systems `mount -t` knows. */
export type FsKind = 'ext4' | 'xfs' | 'btrfs' | 'minix' | 'tmpfs';

export type SlotField = 'kind' | 'count' | 'zero' | 'memcg' | 'cached' | 'zswap' | 'backend' | 'vtable';
export type ClusterField = 'list' | 'order' | 'count' | 'table';
export type TaskField = 'state' | 'rss' | 'swapents' | 'cgroup';
export type PagemapField = 'present' | 'swapped' | 'file' | 'swap_type' | 'swap_offset';
export type SmapsKey = 'Rss' | 'Anonymous' | 'AnonHugePages' | 'Swap' | 'SwapPss';
export type StatusKey = 'VmRSS' | 'RssAnon' | 'RssFile' | 'RssShmem' | 'VmSwap';
export type DeviceField = 'prio' | 'pages' | 'max' | 'inuse' | 'discards' | 'discarded';
export type SwapsColumn = 'Type' | 'Size' | 'Used' | 'Priority';

/** A column of free(1); the Swap line has only `total`, `used` and `free`. */
export type FreeColumn = 'total' | 'used' | 'free' | 'shared' | 'buff/cache' | 'available';

export type Observable =
  /** A single-value file, or one key of a keyed file (`key` non-null); read through the open file `fd` when non-null. */
  | { readonly kind: 'file'; readonly file: FileRef; readonly key: string | null; readonly fd: string | null }
  | { readonly kind: 'swaps'; readonly device: string; readonly column: SwapsColumn }
  | { readonly kind: 'free'; readonly row: 'mem' | 'swap'; readonly column: FreeColumn }
  | { readonly kind: 'slot'; readonly device: string; readonly offset: number; readonly field: SlotField }
  | { readonly kind: 'cluster'; readonly device: string; readonly index: number; readonly field: ClusterField }
  | { readonly kind: 'task'; readonly task: string; readonly field: TaskField }
  | { readonly kind: 'device'; readonly device: string; readonly field: DeviceField }
  /** `item` is a structure name of the design, or `total`, `static`, `dynamic`. */
  | { readonly kind: 'overhead'; readonly design: DesignName; readonly item: string }
  /** The kernel log, one message per line. */
  | { readonly kind: 'dmesg' }
  /** Page data of a task's pages (`fill`): compared page by page with a value or `index`. */
  | { readonly kind: 'data'; readonly task: string; readonly region: string; readonly pages: PageSpan }
  /** One field of a page's /proc/PID/pagemap word. */
  | {
      readonly kind: 'pagemap';
      readonly task: string;
      readonly region: string;
      readonly page: number;
      readonly field: PagemapField;
    }
  /** A /proc/PID/smaps line of one mapping, or of smaps_rollup (`region` null). */
  | { readonly kind: 'smaps'; readonly task: string; readonly region: string | null; readonly key: SmapsKey }
  /** A memory line of /proc/PID/status. */
  | { readonly kind: 'status'; readonly task: string; readonly key: StatusKey };

/** Numbers are in the observable's unit; bools are 0/1; enum words and cgroup paths are canonical. */
export type ExpectedValue =
  { readonly kind: 'number'; readonly value: number } | { readonly kind: 'word'; readonly value: string };

/** `fraction` 0.03 for ±3%; `amount` in the observable's unit. */
export type Tolerance =
  { readonly kind: 'relative'; readonly fraction: number } | { readonly kind: 'absolute'; readonly amount: number };

export type CheckedOp =
  | {
      readonly op: 'swapon';
      readonly device: string;
      readonly type: SwapDeviceType;
      /** si->max: slots including the header (size / page size, rounded down). */
      readonly slots: number;
      readonly rotational: boolean;
      /** SWP_SYNCHRONOUS_IO (zram). */
      readonly synchronousIo: boolean;
      /** Sorted, distinct bad page numbers from the header. */
      readonly badPages: readonly number[];
      /** -1 when not given (DEF_SWAP_PRIO). */
      readonly priority: number;
      readonly discard: DiscardPolicy | null;
      /** A regular file whose header mkswap wrote (no `size=`): the kernel reads the header. */
      readonly fromFile: boolean;
      /** `flags=`: the raw swap_flags word (priority and discard then come from it). */
      readonly flags: number | null;
    }
  | { readonly op: 'swapoff'; readonly device: string }
  | { readonly op: 'swapoff-all' }
  /** `fd`: written or read through that open file (`> &NAME`, `cat &NAME`), else by path. */
  | {
      readonly op: 'write';
      readonly file: FileRef;
      readonly value: WriteValue;
      readonly text: string;
      readonly fd?: string;
    }
  | { readonly op: 'read'; readonly file: FileRef; readonly fd?: string }
  | { readonly op: 'open'; readonly name: string; readonly file: FileRef }
  | { readonly op: 'close'; readonly name: string }
  | {
      readonly op: 'mount';
      readonly dir: string;
      readonly fs: FsKind;
      readonly blockSize: number;
      readonly device: string;
    }
  /** dd (written), truncate (a hole, or a new size of an existing file), fallocate (unwritten). */
  | {
      readonly op: 'mkfile';
      readonly path: string;
      readonly bytes: number;
      readonly fill: 'written' | 'unwritten' | 'hole';
      readonly resize: boolean;
    }
  | { readonly op: 'chattr'; readonly path: string }
  | {
      readonly op: 'mkswap';
      readonly path: string;
      /** Pages the header claims (null: the whole file). */
      readonly pages: number | null;
      readonly force: boolean;
      readonly version: number;
      readonly label: string;
      readonly uuid: string;
      readonly badPages: readonly number[];
    }
  | { readonly op: 'rm'; readonly path: string }
  | { readonly op: 'user'; readonly uid: number; readonly capSysAdmin: boolean }
  | { readonly op: 'dmesg'; readonly clear: boolean }
  /** A statement the checker knows fails with this errno (e.g. a write through a closed file): the run fails it the same way. */
  | { readonly op: 'fail'; readonly errno: string; readonly message: string }
  | { readonly op: 'free'; readonly unit: 'bytes' | 'kibi' | 'mebi' | 'gibi' | 'human' }
  | { readonly op: 'mkdir'; readonly cgroup: string; readonly parents: boolean }
  | { readonly op: 'rmdir'; readonly cgroup: string }
  | { readonly op: 'task'; readonly task: string; readonly cgroup: string; readonly cpu: number }
  | {
      readonly op: 'mmap';
      readonly task: string;
      readonly region: string;
      readonly bytes: number;
      readonly pages: number;
      /** Folio order used on faults (0 = base pages). */
      readonly order: number;
      readonly content: Content;
      readonly populate: boolean;
      /** `file=PATH`: map this file (page cache, or shmem on tmpfs); null: anonymous memory. */
      readonly file: string | null;
      /** MAP_SHARED: writes reach the file; anonymous and shared is an unnamed shmem file. */
      readonly shared: boolean;
      /** `offset=`: the file page the mapping starts at (vm_pgoff). */
      readonly offsetPages: number;
    }
  | {
      readonly op: 'touch';
      readonly task: string;
      readonly region: string;
      readonly pages: PageSpan;
      readonly write: boolean;
    }
  | { readonly op: 'pageout'; readonly task: string; readonly region: string; readonly pages: PageSpan }
  | { readonly op: 'munmap'; readonly task: string; readonly region: string; readonly pages: PageSpan }
  /** madvise(2), or process_madvise(2) with `process` (from the scenario's credentials on the task). */
  | {
      readonly op: 'madvise';
      readonly task: string;
      readonly region: string;
      readonly pages: PageSpan;
      readonly advice: Advice;
      readonly process: boolean;
    }
  | { readonly op: 'mlock'; readonly task: string; readonly region: string; readonly lock: boolean }
  | { readonly op: 'mremap'; readonly task: string; readonly region: string; readonly pages: number }
  /** Page data written into the range: one value, or each page's index. */
  | {
      readonly op: 'fill';
      readonly task: string;
      readonly region: string;
      readonly pages: PageSpan;
      readonly value: FillValue;
    }
  | { readonly op: 'fork'; readonly task: string; readonly child: string }
  | { readonly op: 'exit'; readonly task: string }
  /** A vm-scalability usemem run: `tasks` each map `pages` (region `mem`) and access them `passes` times. */
  | {
      readonly op: 'usemem';
      readonly tasks: readonly string[];
      readonly cgroup: string;
      readonly pages: number;
      readonly order: number;
      readonly content: Content;
      readonly passes: number;
      readonly random: boolean;
      readonly write: boolean;
      readonly hold: boolean;
    }
  | { readonly op: 'zswap-shrink'; readonly entries: number | null }
  /** `file write`: `bytes` at `offset` by `task` (null: a task in the root cgroup), holding `content` (null: the file's own). */
  | {
      readonly op: 'file-write';
      readonly path: string;
      readonly offset: number;
      readonly bytes: number;
      readonly task: string | null;
      readonly content: Content | null;
    }
  /** `file read`: `bytes` (null: to the end of the file) at `offset`. */
  | {
      readonly op: 'file-read';
      readonly path: string;
      readonly offset: number;
      readonly bytes: number | null;
      readonly task: string | null;
    }
  | { readonly op: 'file-rm'; readonly path: string }
  /** `file sync`: sync(2), or fsync(2) of one file. */
  | { readonly op: 'file-sync'; readonly path: string | null }
  | { readonly op: 'discard'; readonly device: string | null }
  | { readonly op: 'expect-ok' }
  | { readonly op: 'expect-error'; readonly errno: string; readonly errnoValue: number }
  | {
      readonly op: 'expect';
      readonly observable: Observable;
      readonly unit: ObservableUnit;
      readonly comparison: Comparison;
      readonly expected: ExpectedValue;
      readonly tolerance: Tolerance | null;
      /** The assertion as written, for reports. */
      readonly text: string;
    }
  | {
      readonly op: 'repeat';
      readonly count: number;
      readonly body: readonly CheckedStatement[];
      readonly variable: string | null;
    }
  /** `let NAME = …`. */
  | { readonly op: 'let'; readonly name: string; readonly value: LetValue }
  /**
   * A statement with `$` substitutions the checker cannot fold: the run
   * expands its words and checks it again against the machine's state
   * (server/session/dynamic.ts).
   */
  | { readonly op: 'dynamic'; readonly statement: DynamicStatement };

/** What a `let` stores. */
export type LetValue =
  /** A literal or an expression: the word's text, expanded when the statement runs (a folded constant is already plain). */
  | { readonly kind: 'text'; readonly word: Word }
  /** An observable's value now, in its unit (a word for enums and cgroups). */
  | { readonly kind: 'observable'; readonly observable: Observable; readonly unit: ObservableUnit }
  /** An observable whose words hold substitutions: resolved when the statement runs. */
  | { readonly kind: 'deferred-observable'; readonly words: readonly Word[] };

export type CheckedStatement = CheckedOp & {
  /** The source statement (for a repeat, header to `}`). */
  readonly range: Range;
};

export interface CheckedProgram {
  readonly config: ScenarioConfig;
  /** Statements that passed the checker, in order; a statement with an error is left out. */
  readonly statements: readonly CheckedStatement[];
  /** Statements run once every repeat is expanded (saturates at Number.MAX_SAFE_INTEGER). */
  readonly expandedSteps: number;
  /** True when any diagnostic is an error: the interpreter should not run the program. */
  readonly hasErrors: boolean;
}
