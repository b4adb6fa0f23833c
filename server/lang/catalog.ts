/**
 * The one table of everything the scenario language knows: commands and
 * their flags, files with their units and value syntax, the keys of keyed
 * files, observable fields, errno names, config keys and design profiles.
 *
 * The parser and checker read it for grammar and validation; the language
 * server reads it for completion and hover, so every entry has a short
 * markdown `doc` (our own words) and, where it models the kernel, a `kernel`
 * pointer (function, file or docs/kernel-model.md section).
 */
import { CLUSTER_LIST_NAMES, SLOT_KIND_NAMES } from '../../shared/protocol';
import { KERNEL_VERSIONS } from '../sim/kernel_version';
import type { MthpStat } from '../sim/vmstat';

// ─── Commands ────────────────────────────────────────────────────────────────

/** What a word stands for, so completion can offer the right names. */
export type ArgKind =
  | 'device'
  | 'file'
  | 'cgroup'
  | 'task'
  | 'new-task'
  | 'region'
  | 'new-region'
  /** An open file's name (`open NAME PATH`, `close NAME`, `&NAME`). */
  | 'fd'
  | 'new-fd'
  /** A regular file on a mounted file system (`/mnt/swapfile`). */
  | 'path'
  /** A mount point. */
  | 'dir'
  | 'size'
  | 'integer'
  | 'choice'
  | 'page-range'
  | 'page-list'
  | 'content'
  /** A regular or tmpfs file's absolute path (`file write PATH`, `mmap … file=PATH`). */
  | 'path'
  | 'sysctl';

export interface PositionalSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly optional?: boolean;
  readonly values?: readonly string[];
  readonly doc: string;
}

/** A `key=value` option. */
export interface OptionSpec {
  readonly key: string;
  readonly kind: ArgKind;
  readonly values?: readonly string[];
  readonly doc: string;
}

/** A flag: dash form (`-p`, `--priority`) or a bare word (`populate`). */
export interface FlagSpec {
  /** Long name used in the syntax tree whatever spelling was typed. */
  readonly canonical: string;
  /** Every accepted spelling. */
  readonly names: readonly string[];
  readonly value: 'none' | 'required' | 'optional';
  readonly values?: readonly string[];
  readonly doc: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly synopsis: string;
  readonly doc: string;
  readonly kernel: string;
  readonly example: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options: readonly OptionSpec[];
  readonly flags: readonly FlagSpec[];
  /** `sysctl vm.swappiness=60`: a positional may contain `=`. */
  readonly positionalMayContainEquals?: boolean;
  /** Parsed by a dedicated rule (config, repeat, echo, expect), not by the generic argument rule. */
  readonly special?: boolean;
}

const PAGE_RANGE_DOC =
  'Pages of the region: `pages=A..B` (inclusive, zero-based), `pages=N`, or `offset=SIZE len=SIZE` in bytes. Default: the whole region.';

const rangeOptions: readonly OptionSpec[] = [
  { key: 'pages', kind: 'page-range', doc: PAGE_RANGE_DOC },
  { key: 'offset', kind: 'size', doc: 'Byte offset into the region where the range starts (default 0).' },
  { key: 'len', kind: 'size', doc: 'Length of the range in bytes (default: to the end of the region).' },
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'config',
    synopsis: 'config KEY=VALUE …',
    doc: 'Sets up the simulated machine and kernel before anything runs. Only allowed before the first other statement.',
    kernel:
      'compile-time constants (PAGE_SIZE, SWAPFILE_CLUSTER, MAX_SWAPFILES) and the design under study, docs/kernel-model.md §0.1, §1',
    example: 'config design=p4 page_size=4K ram=2G',
    positionals: [],
    options: [],
    flags: [],
    special: true,
  },
  {
    name: 'repeat',
    synopsis: 'repeat N [as NAME] {',
    doc:
      'Runs the lines up to the matching `}` N times. With `as NAME`, `$NAME` is the pass number (0 to N−1) inside the block, as in a selftest’s `for (i = 0; i < N; i++)`. ' +
      'N may be an expression of constants (`$((512 * 4))`, a `let` outside loops). Blocks nest; the count and the total number of steps are capped.',
    kernel: 'none: a scenario construct',
    example:
      'task t\nmmap t heap 1M populate\nrepeat 4 as i {\n  pageout t heap pages=$((i * 64))..$((i * 64 + 63))\n  touch t heap\n}',
    positionals: [],
    options: [],
    flags: [],
    special: true,
  },
  {
    name: 'let',
    synopsis: 'let NAME = VALUE | $((EXPR)) | OBSERVABLE',
    doc:
      'Sets a variable: to a literal (`let N = 512`, `let S = 4M`), an integer expression (`let H = $((N / 2))`), or what an observable reads now ' +
      '(`let U = /sys/fs/cgroup/app/memory.current`, in the observable’s unit). `$NAME`, `${NAME}` and `$((EXPR))` then expand in any word: ' +
      '`echo $((U / 2)) > …`, `pages=0..$i`, `expect … == $U ±1%`. EXPR has `+ - * / %`, comparisons, `&& ||`, sizes (`4K`), `min`, `max` and `random(N)` (seeded by `config seed`).',
    kernel: 'none: a scenario construct (shell variables and $((…)) arithmetic)',
    example: 'mkdir app\nlet U = /sys/fs/cgroup/app/memory.current\necho $((U + 64M)) > /sys/fs/cgroup/app/memory.max',
    positionals: [],
    options: [],
    flags: [],
    special: true,
  },
  {
    name: 'swapon',
    synopsis:
      'swapon PATH [size=SIZE] [type=partition|file|zram] [rotational|ssd] [bad=LIST] [-p PRIO] [-d[=once|pages]] [flags=N]',
    doc:
      'Activates a swap area, as `swapon(8)`. `size=` stands in for mkswap on a device: the area has `SIZE / page_size` slots, slot 0 being the header. ' +
      'Without `size=`, PATH is a regular file prepared with `dd`/`truncate`/`fallocate` and `mkswap`, checked as the kernel checks it. ' +
      '`bad=` lists bad pages of the header (e.g. `5,9-12`). `-p` sets the priority (default −1); `-d` enables discard; `flags=` passes swap_flags as a number instead. ' +
      '`/dev/ghostswap` (design `ghost` only) needs no size: it is 8 × RAM. `swapon --show` lists active areas.',
    kernel: 'sys_swapon(), read_swap_header(), setup_swap_info() in mm/swapfile.c; docs/kernel-model.md §1, §10.6',
    example: 'swapon /dev/vda2 size=1G -p 5',
    positionals: [{ name: 'PATH', kind: 'device', optional: true, doc: 'Block device or swap file to activate.' }],
    options: [
      { key: 'size', kind: 'size', doc: 'Size of the swap area (what mkswap would write as last_page + 1 pages).' },
      {
        key: 'type',
        kind: 'choice',
        values: ['partition', 'file', 'zram'],
        doc: 'Backing kind. Default: `zram` for `/dev/zram*`, `partition` for other `/dev/*`, else `file`. Large (mTHP) swap entries need a block device; zram does synchronous I/O.',
      },
      {
        key: 'bad',
        kind: 'page-list',
        doc: 'Bad pages recorded in the swap header: page numbers and ranges, e.g. `5,9-12`.',
      },
      {
        key: 'flags',
        kind: 'integer',
        doc: 'swap_flags as swapon(2) takes them, e.g. `0x18005`: SWAP_FLAG_PREFER 0x8000 with the priority in the low 15 bits, SWAP_FLAG_DISCARD 0x10000, _ONCE 0x20000, _PAGES 0x40000. Other bits are EINVAL.',
      },
    ],
    flags: [
      {
        canonical: 'priority',
        names: ['-p', '--priority'],
        value: 'required',
        doc: 'Priority −1..32767; higher is used first, equal priorities round-robin.',
      },
      {
        canonical: 'discard',
        names: ['-d', '--discard'],
        value: 'optional',
        values: ['once', 'pages'],
        doc: 'Discard policy: `once` discards the whole area at swapon, `pages` discards freed clusters; no value means both.',
      },
      {
        canonical: 'rotational',
        names: ['rotational'],
        value: 'none',
        doc: 'A spinning disk: allocation uses the device-wide cluster cursor instead of per-CPU caches.',
      },
      {
        canonical: 'ssd',
        names: ['ssd'],
        value: 'none',
        doc: 'A non-rotational device (the default): SWP_SOLIDSTATE, per-CPU cluster caches.',
      },
      {
        canonical: 'show',
        names: ['-s', '--show'],
        value: 'none',
        doc: 'Print the active swap areas (like `cat /proc/swaps`).',
      },
    ],
  },
  {
    name: 'swapoff',
    synopsis: 'swapoff PATH | swapoff -a',
    doc: 'Deactivates a swap area: every swapped-out page on it is read back into memory first, which can fail with ENOMEM. `-a` deactivates all areas.',
    kernel: 'sys_swapoff(), try_to_unuse() in mm/swapfile.c; docs/kernel-model.md §10.6',
    example: 'swapon /dev/vda2 size=64M\nswapoff /dev/vda2',
    positionals: [{ name: 'PATH', kind: 'device', optional: true, doc: 'An active swap area.' }],
    options: [],
    flags: [{ canonical: 'all', names: ['-a', '--all'], value: 'none', doc: 'Deactivate every active swap area.' }],
  },
  {
    name: 'echo',
    synopsis: 'echo VALUE… > PATH',
    doc: 'Writes a value to a cgroup, sysfs, procfs or module-parameter file, exactly as in a shell. The value must be in the syntax the kernel parses for that file.',
    kernel: 'the write handler of each file (memory_max_write(), proc_dointvec_minmax(), param_set_bool(), …)',
    example: 'mkdir app\necho 64M > /sys/fs/cgroup/app/memory.max',
    positionals: [],
    options: [],
    flags: [],
    special: true,
  },
  {
    name: 'cat',
    synopsis: 'cat PATH',
    doc: 'Reads a file and shows its contents in the output. Use `expect` to assert on a value.',
    kernel: 'the show handler of each file',
    example: 'cat /proc/swaps',
    positionals: [{ name: 'PATH', kind: 'file', doc: 'A readable file.' }],
    options: [],
    flags: [],
  },
  {
    name: 'sysctl',
    synopsis: 'sysctl [-w] vm.KEY[=VALUE]',
    doc: 'Reads or sets a `vm.` sysctl, shorthand for `/proc/sys/vm/KEY`.',
    kernel:
      'vm_table in mm/ (vm.swappiness, vm.page-cluster), vm_page_writeback_sysctls (vm.dirty_ratio, vm.dirty_background_ratio), drop_caches_sysctl_handler(); docs/kernel-model.md §10.7',
    example: 'sysctl vm.swappiness=100',
    positionals: [
      {
        name: 'KEY[=VALUE]',
        kind: 'sysctl',
        doc: '`vm.swappiness`, `vm.page-cluster`, `vm.dirty_ratio`, `vm.dirty_background_ratio` or `vm.drop_caches`, with `=VALUE` to write.',
      },
    ],
    options: [],
    flags: [
      {
        canonical: 'write',
        names: ['-w', '--write'],
        value: 'none',
        doc: 'Accepted for habit; the `=` already means a write.',
      },
    ],
    positionalMayContainEquals: true,
  },
  {
    name: 'free',
    synopsis: 'free [-b|-k|-m|-g|-h]',
    doc: 'Shows the Mem: and Swap: lines of `free(1)`, computed from /proc/meminfo.',
    kernel: 'si_meminfo(), si_swapinfo(); docs/kernel-model.md §10.2',
    example: 'free -m',
    positionals: [],
    options: [],
    flags: [
      { canonical: 'bytes', names: ['-b', '--bytes'], value: 'none', doc: 'Show bytes.' },
      { canonical: 'kibi', names: ['-k', '--kibi'], value: 'none', doc: 'Show KiB (the default).' },
      { canonical: 'mebi', names: ['-m', '--mebi'], value: 'none', doc: 'Show MiB.' },
      { canonical: 'gibi', names: ['-g', '--gibi'], value: 'none', doc: 'Show GiB.' },
      { canonical: 'human', names: ['-h', '--human'], value: 'none', doc: 'Pick a readable unit per figure.' },
    ],
  },
  {
    name: 'mkdir',
    synopsis: 'mkdir [-p] CGROUP',
    doc: 'Creates a cgroup. The path is `/sys/fs/cgroup/…` or relative to it. Without `-p` the parent must exist (ENOENT) and the cgroup must not (EEXIST).',
    kernel: 'cgroup_mkdir(), mem_cgroup_css_alloc(); docs/kernel-model.md §7',
    example: 'mkdir -p /sys/fs/cgroup/workload/batch',
    positionals: [{ name: 'CGROUP', kind: 'cgroup', doc: 'The cgroup directory to create.' }],
    options: [],
    flags: [
      {
        canonical: 'parents',
        names: ['-p', '--parents'],
        value: 'none',
        doc: 'Create missing parents and accept an existing cgroup.',
      },
    ],
  },
  {
    name: 'rmdir',
    synopsis: 'rmdir CGROUP',
    doc: 'Removes an empty cgroup (no child cgroups, no tasks: otherwise EBUSY). Its swap entries stay charged to the dead (zombie) memcg until freed.',
    kernel: 'cgroup_rmdir(), mem_cgroup_css_offline(); docs/kernel-model.md §7.5',
    example: 'mkdir scratch\nrmdir scratch',
    positionals: [{ name: 'CGROUP', kind: 'cgroup', doc: 'The cgroup directory to remove.' }],
    options: [],
    flags: [],
  },
  {
    name: 'task',
    synopsis: 'task NAME [cgroup=CGROUP] [cpu=N]',
    doc: 'Creates a process with an empty address space, in the root cgroup unless `cgroup=` says otherwise, running on CPU `cpu` (default 0).',
    kernel:
      'fork()/exec() of a fresh process; the CPU selects the per-CPU swap cluster cache (docs/kernel-model.md §2.4)',
    example: 'task web cpu=1',
    positionals: [{ name: 'NAME', kind: 'new-task', doc: 'A new task name: letters, digits, `_`, `-`, `.`.' }],
    options: [
      { key: 'cgroup', kind: 'cgroup', doc: 'Cgroup to start in (default the root).' },
      { key: 'cpu', kind: 'integer', doc: 'CPU the task runs on, 0 ≤ N < cpus.' },
    ],
    flags: [],
  },
  {
    name: 'mmap',
    synopsis: 'mmap TASK REGION SIZE [order=N | thp=SIZE] [content=CONTENT] [file=PATH] [shared] [populate]',
    doc:
      'Maps anonymous memory into a task, as `mmap(MAP_PRIVATE|MAP_ANONYMOUS)`. `order=`/`thp=` give the folio size used on faults (mTHP); ' +
      '`content=` says what the pages will hold, which decides zero-page, zswap and disk outcomes; `populate` faults every page in at once (MAP_POPULATE).',
    kernel: 'do_anonymous_page(), alloc_anon_folio() in mm/memory.c',
    example: 'task t\nmmap t heap 16M order=4 content=compressible:0.4 populate',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task that maps the region.' },
      { name: 'REGION', kind: 'new-region', doc: 'A name for the new region, unique within the task.' },
      { name: 'SIZE', kind: 'size', doc: 'Length of the mapping (rounded up to whole pages).' },
    ],
    options: [
      { key: 'order', kind: 'integer', doc: 'Folio order for faults: 0 (base pages) or 2..PMD order.' },
      { key: 'thp', kind: 'size', doc: 'Folio size for faults, e.g. `64K` or `2M` (same as the matching `order=`).' },
      {
        key: 'content',
        kind: 'content',
        doc: 'Page contents: `zero`, `same`, `incompressible`, `compressible[:RATIO]` or `mix(KIND=PCT%,…)`.',
      },
      { key: 'offset', kind: 'size', doc: 'With `file=`: where in the file the mapping starts (whole pages).' },
      {
        key: 'file',
        kind: 'path',
        doc: 'Map this file (made with `file write`): its page cache, or shmem for a file under /dev/shm, /tmp or /run.',
      },
    ],
    flags: [
      { canonical: 'populate', names: ['populate'], value: 'none', doc: 'Fault in every page now, like MAP_POPULATE.' },
      {
        canonical: 'shared',
        names: ['shared'],
        value: 'none',
        doc: 'MAP_SHARED: writes reach the file; without `file=`, an unnamed shmem object (shared anonymous memory).',
      },
    ],
  },
  {
    name: 'file',
    synopsis:
      'file write|read PATH [SIZE] [offset=SIZE] [task=TASK] [content=CONTENT] · file rm PATH · file sync [PATH]',
    doc:
      'Regular files and tmpfs. `write` writes SIZE bytes at `offset=` (creating the file): the pages come into the page cache dirty, charged to the cgroup of `task=` (default: the root cgroup). ' +
      '`read` reads SIZE bytes (default: to the end), bringing pages into the page cache. `rm` unlinks the file; `sync` writes dirty pages back (sync(2), or fsync(2) of PATH). ' +
      'Files under /dev/shm, /tmp and /run are tmpfs: their pages are shmem, backed by swap; others are on a disk that is always there.',
    kernel:
      'generic_perform_write(), filemap_read(), balance_dirty_pages() in mm/; shmem_write_begin(), shmem_get_folio_gfp() in mm/shmem.c; truncate_inode_pages()',
    example:
      'task t\nfile write /data/log 8M task=t\nfile sync\nfile read /data/log\nfile write /dev/shm/buf 4M\nfile rm /data/log',
    positionals: [
      {
        name: 'ACTION',
        kind: 'choice',
        values: ['write', 'read', 'rm', 'sync'],
        doc: '`write`, `read`, `rm` or `sync`.',
      },
      { name: 'PATH', kind: 'path', optional: true, doc: 'An absolute path (optional for `sync`).' },
      {
        name: 'SIZE',
        kind: 'size',
        optional: true,
        doc: 'Bytes to write (required) or read (default: to the end of the file).',
      },
    ],
    options: [
      { key: 'offset', kind: 'size', doc: 'Byte offset in the file (default 0).' },
      { key: 'task', kind: 'task', doc: 'The task doing the I/O: page cache is charged to its cgroup.' },
      { key: 'content', kind: 'content', doc: 'What the written bytes hold (default: compressible to about a third).' },
    ],
    flags: [],
  },
  {
    name: 'touch',
    synopsis: 'touch TASK REGION [RANGE] [write]',
    doc: 'Accesses pages of a region: a page that is swapped out is faulted back in (swap cache, zswap, zero flag or device read). `write` makes it a write fault.',
    kernel: 'handle_mm_fault() → do_swap_page() in mm/memory.c; docs/kernel-model.md §4.3',
    example: 'task t\nmmap t heap 1M populate\ntouch t heap pages=0..15 write',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task that accesses the pages.' },
      { name: 'REGION', kind: 'region', doc: 'One of the task’s regions.' },
    ],
    options: rangeOptions,
    flags: [{ canonical: 'write', names: ['write'], value: 'none', doc: 'A write fault instead of a read fault.' }],
  },
  {
    name: 'pageout',
    synopsis: 'pageout TASK REGION [RANGE]',
    doc: 'Asks the kernel to reclaim the pages now, as `madvise(MADV_PAGEOUT)`: anonymous folios are swapped out (zero flag, zswap or device).',
    kernel: 'madvise_cold_or_pageout_pte_range(), reclaim_pages(), shrink_folio_list(); docs/kernel-model.md §4.2',
    example: 'task t\nmmap t heap 1M populate\npageout t heap',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task whose pages are paged out.' },
      { name: 'REGION', kind: 'region', doc: 'One of the task’s regions.' },
    ],
    options: rangeOptions,
    flags: [],
  },
  {
    name: 'munmap',
    synopsis: 'munmap TASK REGION [RANGE]',
    doc: 'Unmaps pages: swap entries in the range drop a reference, and slots whose count reaches 0 are freed. Without a range the whole region goes.',
    kernel: 'zap_pte_range() → swap_put_entries_direct(); docs/kernel-model.md §4.4',
    example: 'task t\nmmap t heap 1M\nmunmap t heap',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task that unmaps.' },
      { name: 'REGION', kind: 'region', doc: 'One of the task’s regions.' },
    ],
    options: rangeOptions,
    flags: [],
  },
  {
    name: 'madvise',
    synopsis: 'madvise TASK REGION [RANGE] pageout|cold|dontneed|free',
    doc:
      'Gives the kernel advice on a range, as `madvise(2)`: `pageout` reclaims it now (the same as `pageout`), `cold` deactivates its folios so reclaim takes them first, ' +
      '`dontneed` drops the pages and their swap entries (they read as zeroes afterwards), `free` frees the swap entries at once and lets reclaim drop the pages without swapping them unless they are written again. ' +
      'Folios another process maps too, and mlocked ones, are left alone; a large folio partly in the range is split.',
    kernel: 'madvise_cold_or_pageout_pte_range(), madvise_free_pte_range(), zap_page_range_single() in mm/madvise.c',
    example: 'task t\nmmap t heap 1M populate\nmadvise t heap pages=0..63 cold\nmadvise t heap pages=64..127 free',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task whose range is advised.' },
      { name: 'REGION', kind: 'region', doc: 'One of the task\u2019s regions.' },
      {
        name: 'ADVICE',
        kind: 'choice',
        values: ['pageout', 'cold', 'dontneed', 'free'],
        doc: 'MADV_PAGEOUT, MADV_COLD, MADV_DONTNEED or MADV_FREE.',
      },
    ],
    options: rangeOptions,
    flags: [],
  },
  {
    name: 'fill',
    synopsis: 'fill TASK REGION [RANGE] VALUE|index',
    doc:
      'Writes page data into every page of the range (a write fault on each: swapin, copy-on-write): one value in all pages (0..0xffffffff), or `index`, each page its own index in the region. ' +
      'Read it back with `expect task TASK data REGION [pages=A..B] == VALUE|index`. The value stands for the page\u2019s bytes as far as integrity goes; zero pages and compressibility stay with `content=`.',
    kernel:
      'handle_mm_fault() with FAULT_FLAG_WRITE; the data travels as the page\u2019s bytes do (swap_writeout(), swap_read_folio(), wp_page_copy())',
    example: 'task t\nmmap t heap 1M\nfill t heap index\nexpect task t data heap == index',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task that writes.' },
      { name: 'REGION', kind: 'region', doc: 'One of the task\u2019s regions.' },
      { name: 'VALUE', kind: 'integer', doc: 'The value every page gets, or `index` for each page\u2019s index.' },
    ],
    options: rangeOptions,
    flags: [],
  },
  {
    name: 'process_madvise',
    synopsis: 'process_madvise TASK REGION [RANGE] pageout|cold',
    doc:
      'Advice on another task\u2019s range, as `process_madvise(2)` through a pidfd: only `pageout` and `cold` (other advice is EINVAL). ' +
      'The caller needs ptrace access (checked first: EACCES) and CAP_SYS_NICE (EPERM); root has both, other users (see `user`) have no ptrace access to root\u2019s tasks (EACCES).',
    kernel: 'SYSCALL_DEFINE5(process_madvise), process_madvise_behavior_valid() in mm/madvise.c',
    example: 'task child\nmmap child heap 1M populate\nprocess_madvise child heap pageout',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The target task.' },
      { name: 'REGION', kind: 'region', doc: 'One of the target\u2019s regions.' },
      {
        name: 'ADVICE',
        kind: 'choice',
        values: ['pageout', 'cold', 'dontneed', 'free'],
        doc: 'MADV_PAGEOUT or MADV_COLD.',
      },
    ],
    options: rangeOptions,
    flags: [],
  },
  {
    name: 'mlock',
    synopsis: 'mlock TASK REGION',
    doc: 'Locks a whole region in memory, as `mlock(2)`: every page is faulted in for writing (swapped-out pages are read back) and neither reclaim nor `pageout` takes them until `munlock`.',
    kernel: 'apply_vma_lock_flags(), populate_vma_page_range(), mlock_folio() in mm/mlock.c',
    example: 'task t\nmmap t heap 1M\nmlock t heap',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task.' },
      { name: 'REGION', kind: 'region', doc: 'The region to lock.' },
    ],
    options: [],
    flags: [],
  },
  {
    name: 'munlock',
    synopsis: 'munlock TASK REGION',
    doc: 'Unlocks a region locked with `mlock`: its folios can be reclaimed again, unless another locked mapping maps them.',
    kernel: 'munlock_folio() in mm/mlock.c',
    example: 'task t\nmmap t heap 1M\nmlock t heap\nmunlock t heap',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task.' },
      { name: 'REGION', kind: 'region', doc: 'The region to unlock.' },
    ],
    options: [],
    flags: [],
  },
  {
    name: 'mremap',
    synopsis: 'mremap TASK REGION SIZE',
    doc: 'Resizes a region, as `mremap(2)` with MREMAP_MAYMOVE: shrinking unmaps the tail, growing adds untouched pages; pages and swap entries keep their place and nothing is swapped.',
    kernel: 'move_page_tables(), do_vmi_munmap() in mm/mremap.c',
    example: 'task t\nmmap t heap 1M populate\nmremap t heap 2M',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task.' },
      { name: 'REGION', kind: 'region', doc: 'The region to resize.' },
      { name: 'SIZE', kind: 'size', doc: 'The new size, a whole number of the region\u2019s folios.' },
    ],
    options: [],
    flags: [],
  },
  {
    name: 'fork',
    synopsis: 'fork TASK CHILD',
    doc: 'Forks a task: the child shares every page copy-on-write and every swap entry (each swap count goes up by one), in the same cgroup and on the same CPU.',
    kernel: 'copy_pte_range() → swap_dup_entry_direct(); docs/kernel-model.md §4.5',
    example: 'task parent\nfork parent child',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The parent.' },
      { name: 'CHILD', kind: 'new-task', doc: 'A name for the new task.' },
    ],
    options: [],
    flags: [],
  },
  {
    name: 'usemem',
    synopsis:
      'usemem NAME SIZE [n=N] [repeat=N] [random] [readonly] [order=N | thp=SIZE] [content=CONTENT] [cgroup=CGROUP] [hold]',
    doc:
      'A vm-scalability `usemem` run in one step: N processes (tasks NAME0 … NAME<N-1>, default 1) each map SIZE of private anonymous memory (region `mem`) and write it page by page, ' +
      'in address order or, with `random`, in a shuffled order (`usemem --random`), `repeat=` times (`--repeat`); `readonly` reads instead (`--readonly`). ' +
      'The processes start together, then each pass runs them in turn, as one CPU would; at the end they exit and their swap is freed, unless `hold` keeps them (`--sleep`). ' +
      '`content=` is the fill pattern; `order=`/`thp=` the mTHP size of the faults.',
    kernel:
      'vm-scalability usemem.c; the faults are do_anonymous_page()/do_swap_page() (mm/memory.c), the exits exit_mmap()',
    example: 'mkdir test\necho 64M > /sys/fs/cgroup/test/memory.max\nusemem u 32M n=4 cgroup=test repeat=2',
    positionals: [
      { name: 'NAME', kind: 'new-task', doc: 'Prefix of the task names: the processes are NAME0, NAME1, …' },
      { name: 'SIZE', kind: 'size', doc: 'Memory each process maps and writes (rounded up to whole pages).' },
    ],
    options: [
      { key: 'n', kind: 'integer', doc: 'Number of processes (`usemem -n`), 1 ≤ N; default 1.' },
      { key: 'repeat', kind: 'integer', doc: 'Passes over the memory (`usemem -r`), 1 ≤ N; default 1.' },
      { key: 'order', kind: 'integer', doc: 'Folio order for faults: 0 (base pages) or 2..PMD order.' },
      { key: 'thp', kind: 'size', doc: 'Folio size for faults, e.g. `64K` or `2M` (same as the matching `order=`).' },
      {
        key: 'content',
        kind: 'content',
        doc: 'What the pages are filled with: `zero`, `same`, `incompressible`, `compressible[:RATIO]` or `mix(KIND=PCT%,…)`.',
      },
      { key: 'cgroup', kind: 'cgroup', doc: 'Cgroup the processes run in (default the root).' },
    ],
    flags: [
      {
        canonical: 'random',
        names: ['random'],
        value: 'none',
        doc: 'Access the pages in a shuffled order (`usemem -R`), a new order for every process and pass.',
      },
      {
        canonical: 'readonly',
        names: ['readonly'],
        value: 'none',
        doc: 'Read the memory instead of writing it (`usemem -o`).',
      },
      {
        canonical: 'hold',
        names: ['hold'],
        value: 'none',
        doc: 'Keep the processes and their memory after the last pass (`usemem --sleep`); otherwise they exit.',
      },
    ],
  },
  {
    name: 'exit',
    synopsis: 'exit TASK',
    doc: 'Ends a task: its whole address space is unmapped, dropping every swap reference it held.',
    kernel: 'exit_mmap() → unmap_vmas()',
    example: 'task t\nexit t',
    positionals: [{ name: 'TASK', kind: 'task', doc: 'The task to end.' }],
    options: [],
    flags: [],
  },
  {
    name: 'move',
    synopsis: 'move TASK CGROUP',
    doc: 'Moves a task to another cgroup; shorthand for `echo TASK > /sys/fs/cgroup/CGROUP/cgroup.procs`. Existing charges stay where they are.',
    kernel: 'cgroup_procs_write(); cgroup v2 does not move charges (cgroup-v2.rst)',
    example: 'mkdir app\ntask t\nmove t app',
    positionals: [
      { name: 'TASK', kind: 'task', doc: 'The task to move.' },
      { name: 'CGROUP', kind: 'cgroup', doc: 'The destination cgroup.' },
    ],
    options: [],
    flags: [],
  },
  {
    name: 'reclaim',
    synopsis: 'reclaim CGROUP SIZE [swappiness=N|max]',
    doc: 'Proactive reclaim of SIZE from a cgroup; shorthand for `echo "SIZE swappiness=N" > …/memory.reclaim`. Fails with EAGAIN when less could be reclaimed.',
    kernel: 'memory_reclaim() → try_to_free_mem_cgroup_pages(); docs/kernel-model.md §10.7',
    example: 'mkdir app\nreclaim app 8M swappiness=200',
    positionals: [
      { name: 'CGROUP', kind: 'cgroup', doc: 'The cgroup to reclaim from (the root is allowed).' },
      { name: 'SIZE', kind: 'size', doc: 'How much memory to reclaim.' },
    ],
    options: [
      {
        key: 'swappiness',
        kind: 'integer',
        doc: 'Swappiness for this reclaim only: 0..200 balances anon against file as vm.swappiness does (0: file only), `max` takes anonymous memory only.',
      },
    ],
    flags: [],
  },
  {
    name: 'zswap',
    synopsis: 'zswap shrink [N]',
    doc: 'Runs the zswap shrinker, writing back up to N of the coldest compressed entries (default: what the shrinker would pick) to their swap device.',
    kernel: 'zswap_shrinker_scan(), zswap_writeback_entry() in mm/zswap.c; docs/kernel-model.md §5.4',
    example: 'zswap shrink 32',
    positionals: [
      { name: 'ACTION', kind: 'choice', values: ['shrink'], doc: 'Only `shrink` for now.' },
      { name: 'N', kind: 'integer', optional: true, doc: 'Maximum number of entries to write back.' },
    ],
    options: [],
    flags: [],
  },
  {
    name: 'mount',
    synopsis: 'mount -t ext4|xfs|btrfs|minix|tmpfs [bs=SIZE] DEVICE DIR',
    doc:
      'Mounts a file system of that kind at DIR (made with `mkfs` of that block size), so that swap files under DIR follow its swapon rules. ' +
      'ext4 takes 1K, 2K, 4K (default) or 64K blocks, minix 1K, xfs and btrfs 4K; blocks larger than a page make swapon fail. `/` is ext4 with page-sized blocks.',
    kernel:
      'the file systems\u2019 ->swap_activate: iomap_swapfile_activate() (ext4, xfs), btrfs_swap_activate(), generic_swapfile_activate() (minix); tmpfs has no ->read_folio',
    example: 'mount -t btrfs /dev/vdc /mnt',
    positionals: [
      {
        name: 'DEVICE',
        kind: 'device',
        doc: 'The block device holding the file system (its name shows in file system warnings).',
      },
      { name: 'DIR', kind: 'dir', doc: 'The mount point.' },
    ],
    options: [{ key: 'bs', kind: 'size', doc: 'Block size of the file system (mkfs -b).' }],
    flags: [
      {
        canonical: 'type',
        names: ['-t', '--types'],
        value: 'required',
        values: ['ext4', 'xfs', 'btrfs', 'minix', 'tmpfs'],
        doc: 'The file system kind.',
      },
    ],
  },
  {
    name: 'dd',
    synopsis: 'dd if=/dev/zero of=PATH bs=SIZE count=N',
    doc: 'Writes a file of `bs × count` bytes, every block allocated and written (the usual way to make a swap file). An existing file is replaced; an active swap file is ETXTBSY.',
    kernel: 'write(2) through the page cache; the blocks are allocated',
    example: 'dd if=/dev/zero of=/swapfile bs=1M count=64',
    positionals: [],
    options: [
      {
        key: 'if',
        kind: 'choice',
        values: ['/dev/zero', '/dev/urandom'],
        doc: 'What is written; the data itself does not matter to swapon.',
      },
      { key: 'of', kind: 'path', doc: 'The file to write.' },
      { key: 'bs', kind: 'size', doc: 'Block size of each write.' },
      { key: 'count', kind: 'integer', doc: 'How many blocks.' },
    ],
    flags: [],
  },
  {
    name: 'truncate',
    synopsis: 'truncate -s SIZE PATH',
    doc: 'Sets a file\u2019s size, creating it if needed; new space is a hole (a sparse file). On an active swap file ETXTBSY unless the size grows.',
    kernel: 'do_truncate(), inode_newsize_ok() (ETXTBSY on S_SWAPFILE when the size does not grow)',
    example: 'truncate -s 64M /swapfile',
    positionals: [{ name: 'PATH', kind: 'path', doc: 'The file.' }],
    options: [],
    flags: [{ canonical: 'size', names: ['-s', '--size'], value: 'required', doc: 'The new size.' }],
  },
  {
    name: 'fallocate',
    synopsis: 'fallocate -l SIZE PATH',
    doc: 'Makes a file of SIZE with allocated but unwritten blocks. ext4, xfs and btrfs take such a file for swap; minix has no fallocate (EOPNOTSUPP).',
    kernel: 'vfs_fallocate(); unwritten extents are accepted by iomap_swapfile_iter()',
    example: 'fallocate -l 64M /swapfile',
    positionals: [{ name: 'PATH', kind: 'path', doc: 'The file.' }],
    options: [],
    flags: [{ canonical: 'length', names: ['-l', '--length'], value: 'required', doc: 'The size.' }],
  },
  {
    name: 'chattr',
    synopsis: 'chattr +C PATH',
    doc: 'Sets the no-copy-on-write attribute, which btrfs needs on a swap file. Only on an empty file (EINVAL otherwise); other file systems have no such attribute (EOPNOTSUPP).',
    kernel: 'FS_NOCOW_FL through FS_IOC_SETFLAGS; btrfs_swap_activate() refuses copy-on-write files',
    example: 'mount -t btrfs /dev/vdc /mnt\ntruncate -s 0 /mnt/swapfile\nchattr +C /mnt/swapfile',
    positionals: [
      { name: 'ATTR', kind: 'choice', values: ['+C'], doc: '`+C`: no copy-on-write.' },
      { name: 'PATH', kind: 'path', doc: 'The file.' },
    ],
    options: [],
    flags: [],
  },
  {
    name: 'mkswap',
    synopsis: 'mkswap [-f] [-L LABEL] [-U UUID] [-v N] [bad=LIST] PATH [SIZE_KIB]',
    doc:
      'Writes a swap header on page 0 of a file: SWAPSPACE2, version 1, the last page and the bad-page list. SIZE_KIB makes the header claim that many KiB; larger than the file needs `-f`. ' +
      'Fewer than 10 pages is refused. `-v` writes another version number, to test the kernel\u2019s refusal (mkswap itself writes only 1).',
    kernel: 'mkswap(8); read by read_swap_header() in mm/swapfile.c',
    example: 'dd if=/dev/zero of=/swapfile bs=1M count=64\nmkswap -L swap /swapfile',
    positionals: [
      { name: 'PATH', kind: 'path', doc: 'The file.' },
      { name: 'SIZE_KIB', kind: 'integer', optional: true, doc: 'Size the header claims, in KiB (default: the file).' },
    ],
    options: [
      { key: 'bad', kind: 'page-list', doc: 'Bad pages written into the header (the kernel refuses them on a file).' },
    ],
    flags: [
      { canonical: 'force', names: ['-f', '--force'], value: 'none', doc: 'Write a header larger than the file.' },
      { canonical: 'label', names: ['-L', '--label'], value: 'required', doc: 'A label for the area.' },
      { canonical: 'uuid', names: ['-U', '--uuid'], value: 'required', doc: 'A UUID for the area.' },
      {
        canonical: 'version',
        names: ['-v', '--swapversion'],
        value: 'required',
        doc: 'Header version (1; another number tests the kernel\u2019s check).',
      },
    ],
  },
  {
    name: 'rm',
    synopsis: 'rm PATH',
    doc: 'Removes a file. An active swap file cannot be removed (EPERM).',
    kernel: 'unlink(2): may_delete() refuses an IS_SWAPFILE inode',
    example: 'truncate -s 1M /tmp.img\nrm /tmp.img',
    positionals: [{ name: 'PATH', kind: 'path', doc: 'The file.' }],
    options: [],
    flags: [],
  },
  {
    name: 'user',
    synopsis: 'user root|nobody|UID [drop=CAP_SYS_ADMIN]',
    doc:
      'Runs the following statements as this user, as `setuid()` or `capsh --drop` in a test: swapon and swapoff need CAP_SYS_ADMIN (EPERM), writes to cgroup, proc and sys files and cgroup mkdir/rmdir need uid 0 (EACCES). ' +
      '`drop=CAP_SYS_ADMIN` keeps the uid and takes the capability away. `user root` gives both back.',
    kernel: 'capable(CAP_SYS_ADMIN) in sys_swapon()/sys_swapoff(); generic_permission() for files',
    example: 'user nobody\nswapoff -a\nexpect error EPERM\nuser root',
    positionals: [
      { name: 'USER', kind: 'choice', values: ['root', 'nobody'], doc: '`root`, `nobody` (uid 65534) or a uid.' },
    ],
    options: [{ key: 'drop', kind: 'choice', values: ['CAP_SYS_ADMIN'], doc: 'A capability the user lacks.' }],
    flags: [],
  },
  {
    name: 'dmesg',
    synopsis: 'dmesg [-C]',
    doc: 'Prints the kernel log: swapon\u2019s `Adding …k swap` line, its refusals (`Unable to find swap-space signature`, …), OOM kills. `-C` clears it. In an expect: `expect dmesg contains "TEXT"`.',
    kernel:
      'printk() ring buffer; the messages of sys_swapon(), read_swap_header(), the file systems and the OOM killer',
    example: 'swapon /dev/vda2 size=64M\ndmesg\nexpect dmesg contains "Adding 65532k swap on /dev/vda2"',
    positionals: [],
    options: [],
    flags: [{ canonical: 'clear', names: ['-C', '--clear'], value: 'none', doc: 'Clear the log.' }],
  },
  {
    name: 'discard',
    synopsis: 'discard [PATH]',
    doc: 'Runs pending discard work: clusters waiting on the discard list are discarded and return to the free list.',
    kernel: 'swap_discard_work() → swap_do_scheduled_discard() in mm/swapfile.c; docs/kernel-model.md §2.3',
    example: 'swapon /dev/nvme0n1p3 size=256M --discard=pages\ndiscard /dev/nvme0n1p3',
    positionals: [{ name: 'PATH', kind: 'device', optional: true, doc: 'Only this device (default: all).' }],
    options: [],
    flags: [],
  },
  {
    name: 'open',
    synopsis: 'open NAME PATH',
    doc:
      'Opens a file and keeps it open under NAME, as a test holds an fd between reads and writes. `echo VALUE > &NAME` writes through it, `cat &NAME` and `expect &NAME … ` read through it. ' +
      'For memory.peak and memory.swap.peak this matters: a write resets the peak only as this fd sees it; a read by path (a fresh fd) still shows the lifetime peak.',
    kernel: 'open(2) of a kernfs file: cgroup_file_open(), peak_open() in mm/memcontrol.c',
    example: 'mkdir app\nopen pk /sys/fs/cgroup/app/memory.peak\necho reset > &pk\nexpect &pk == 0',
    positionals: [
      { name: 'NAME', kind: 'new-fd', doc: 'A name for the open file: a letter or `_`, then letters, digits and `_`.' },
      { name: 'PATH', kind: 'file', doc: 'The file to open.' },
    ],
    options: [],
    flags: [],
  },
  {
    name: 'close',
    synopsis: 'close NAME',
    doc: 'Closes a file opened with `open`. A peak file’s fd stops taking part in other fds’ resets. A name that is not open is EBADF.',
    kernel: 'close(2): cgroup_file_release(), peak_release() in mm/memcontrol.c',
    example: 'mkdir app\nopen pk /sys/fs/cgroup/app/memory.peak\nclose pk',
    positionals: [{ name: 'NAME', kind: 'fd', doc: 'An open file.' }],
    options: [],
    flags: [],
  },
  {
    name: 'expect',
    synopsis: 'expect ok | expect error ERRNO | expect OBSERVABLE OP VALUE [±TOL]',
    doc:
      'Asserts something. `expect ok` / `expect error ERRNO` check the outcome of the statement just before. ' +
      'The comparison form reads an observable (a file, a keyed line, a slot, a cluster …) and compares it with `== != < <= > >= ≈`.',
    kernel: 'none: a scenario construct',
    example: 'swapon /dev/vda2 size=64M\nexpect /proc/swaps /dev/vda2 Used == 0',
    positionals: [],
    options: [],
    flags: [],
    special: true,
  },
];

const commandIndex = new Map(COMMANDS.map((c) => [c.name, c]));

export function findCommand(name: string): CommandSpec | undefined {
  return commandIndex.get(name);
}

export function findFlag(spec: CommandSpec, typed: string): FlagSpec | undefined {
  return spec.flags.find((f) => f.names.includes(typed));
}

// ─── Units and values of observables ─────────────────────────────────────────

/**
 * What a number read from an observable means. Sizes typed in an `expect`
 * are converted to it: bytes, kB (KiB, as /proc prints), pages of the
 * configured size; `count`/`int` take plain numbers only.
 */
export type ObservableUnit = 'bytes' | 'kB' | 'pages' | 'count' | 'int' | 'bool' | 'enum' | 'cgroup' | 'text';

export const UNIT_DOCS: Readonly<Record<ObservableUnit, string>> = {
  bytes: 'bytes; sizes such as `4K` or `1.5G` convert, a plain number is bytes',
  kB: 'KiB as /proc prints it; sizes convert, a plain number is kB',
  pages: 'pages of `page_size`; sizes convert when they are whole pages, a plain number is pages',
  count: 'a plain event or object count',
  int: 'a plain (possibly negative) integer',
  bool: 'yes/no (also Y/N, 1/0, on/off, true/false)',
  enum: 'one of a fixed set of words',
  cgroup: 'a cgroup path (`/sys/fs/cgroup/a`, `/a` or `a`)',
  text: 'text compared as written, blanks between words (`== ""` for an empty file)',
};

// ─── Files ───────────────────────────────────────────────────────────────────

export type FileScope =
  | 'cgroup'
  | 'zswap-param'
  | 'sysctl'
  | 'swap-sysfs'
  | 'thp'
  | 'thp-size'
  | 'thp-stat'
  | 'proc'
  | 'zswap-debug'
  | 'zram';
export type FileAccess = 'ro' | 'rw' | 'wo';

/** How a write to the file is parsed. */
/** `size`: a memparse() size (zram disksize, mem_limit); `zero`: only 0 (zram mem_used_max); `nonzero`: a non-zero number (zram reset); `path`: an absolute path. */
export type WriteSyntax =
  | 'limit'
  | 'reset'
  | 'reclaim'
  | 'task'
  | 'bool'
  | 'int'
  | 'enum'
  | 'tiers'
  | 'tier-max'
  | 'controllers'
  | 'kill'
  | 'size'
  | 'zero'
  | 'nonzero'
  | 'path';

export type KeySetName =
  | 'memory.stat'
  | 'memory.events'
  | 'memory.swap.events'
  | 'vmstat'
  | 'meminfo'
  | 'cgroup.events'
  | 'mm_stat'
  | 'io_stat'
  | 'bd_stat';

export interface FileSpec {
  /** The last path component (`memory.max`, `enabled`, `stored_pages`). */
  readonly name: string;
  readonly scope: FileScope;
  /** Display path with placeholders: `<cgroup>`, `<N>`. */
  readonly path: string;
  readonly access: FileAccess;
  readonly write?: WriteSyntax;
  readonly min?: number;
  readonly max?: number;
  /** Accepted words for an `enum` write, and the words a read can equal. */
  readonly values?: readonly string[];
  /** Unit of the value when read; null for keyed files and lists (use a key or another observable). */
  readonly unit: ObservableUnit | null;
  /** Words a read may show instead of a number (`max`). */
  readonly readWords?: readonly string[];
  readonly keys?: KeySetName;
  /** Cgroup files only: present in the root cgroup too. */
  readonly onRoot?: boolean;
  /** Errno of a rejected write (default EINVAL). */
  readonly rejectErrno?: string;
  /** Exists only with this config key on (`swap_tiers=on`); otherwise SS413 and ENOENT. */
  readonly requires?: 'swap_tiers';
  /**
   * Rows named at run time: `expect FILE NAME` (`name`, memory.swap.tiers.max)
   * or `expect FILE NAME COLUMN` (`name-column`, the tiers table).
   */
  readonly tierKeys?: 'name' | 'name-column';
  readonly defaultValue?: string;
  readonly doc: string;
  readonly kernel: string;
}

const CG = '/sys/fs/cgroup/<cgroup>/';

export const CGROUP_FILES: readonly FileSpec[] = [
  {
    name: 'memory.current',
    scope: 'cgroup',
    path: `${CG}memory.current`,
    access: 'ro',
    unit: 'bytes',
    doc: 'Memory charged to the cgroup and its descendants, in bytes (includes zswap’s compressed pool share).',
    kernel: 'memory_current_read(); cgroup-v2.rst',
  },
  {
    name: 'memory.max',
    scope: 'cgroup',
    path: `${CG}memory.max`,
    access: 'rw',
    write: 'limit',
    unit: 'bytes',
    readWords: ['max'],
    defaultValue: 'max',
    doc: 'Hard memory limit. Above it the cgroup reclaims (swapping anon pages out) and, failing that, the OOM killer runs.',
    kernel: 'memory_max_write(); cgroup-v2.rst',
  },
  {
    name: 'memory.high',
    scope: 'cgroup',
    path: `${CG}memory.high`,
    access: 'rw',
    write: 'limit',
    unit: 'bytes',
    readWords: ['max'],
    defaultValue: 'max',
    doc: 'Throttle limit: above it the cgroup’s tasks are made to reclaim on return to user space; never triggers OOM.',
    kernel: 'memory_high_write(); cgroup-v2.rst',
  },
  {
    name: 'memory.peak',
    scope: 'cgroup',
    path: `${CG}memory.peak`,
    access: 'rw',
    write: 'reset',
    unit: 'bytes',
    doc: 'Highest `memory.current` seen. A write (any text) through an open file resets the peak that fd shows; a read by path (a fresh fd) shows the lifetime peak. Use `open` to keep an fd.',
    kernel: 'peak_show(), peak_write(), peak_release() in mm/memcontrol.c',
  },
  {
    name: 'memory.stat',
    scope: 'cgroup',
    path: `${CG}memory.stat`,
    access: 'ro',
    unit: null,
    keys: 'memory.stat',
    onRoot: true,
    doc: 'Per-cgroup memory breakdown and event counters, one `key value` per line. Use `memory.stat KEY` in an expect.',
    kernel: 'memory_stat_format(); docs/kernel-model.md §10.5',
  },
  {
    name: 'memory.events',
    scope: 'cgroup',
    path: `${CG}memory.events`,
    access: 'ro',
    unit: null,
    keys: 'memory.events',
    doc: 'Hierarchical counts of limit events (low, high, max, oom, oom_kill, oom_group_kill).',
    kernel: 'memory_events_show(); cgroup-v2.rst',
  },
  {
    name: 'memory.events.local',
    scope: 'cgroup',
    path: `${CG}memory.events.local`,
    access: 'ro',
    unit: null,
    keys: 'memory.events',
    doc: 'Like memory.events, counting only events of this cgroup itself.',
    kernel: 'memory_events_local_show(); cgroup-v2.rst',
  },
  {
    name: 'memory.reclaim',
    scope: 'cgroup',
    path: `${CG}memory.reclaim`,
    access: 'wo',
    write: 'reclaim',
    unit: null,
    onRoot: true,
    rejectErrno: 'EINVAL',
    doc: 'Write `SIZE [swappiness=N]` to reclaim that much now. Fails with EAGAIN if less was reclaimed.',
    kernel: 'memory_reclaim(); docs/kernel-model.md §10.7',
  },
  {
    name: 'memory.swap.current',
    scope: 'cgroup',
    path: `${CG}memory.swap.current`,
    access: 'ro',
    unit: 'bytes',
    doc: 'Swap slots charged to the cgroup and its descendants, in bytes — including slots whose data sits in zswap or in the swap cache.',
    kernel: 'swap_current_read(); docs/kernel-model.md §7.1',
  },
  {
    name: 'memory.swap.max',
    scope: 'cgroup',
    path: `${CG}memory.swap.max`,
    access: 'rw',
    write: 'limit',
    unit: 'bytes',
    readWords: ['max'],
    defaultValue: 'max',
    doc: 'Hard swap limit. A swapout that would exceed it fails (`max` and `fail` events) and the folio stays in memory; 0 also stops anon reclaim for the cgroup.',
    kernel: 'swap_max_write(), __mem_cgroup_try_charge_swap(); docs/kernel-model.md §7.2, §7.8',
  },
  {
    name: 'memory.swap.high',
    scope: 'cgroup',
    path: `${CG}memory.swap.high`,
    access: 'rw',
    write: 'limit',
    unit: 'bytes',
    readWords: ['max'],
    defaultValue: 'max',
    doc: 'Swap throttle point: above it allocations are slowed down (a signal for user-space OOM handling).',
    kernel: 'swap_high_write(); docs/kernel-model.md §7.1',
  },
  {
    name: 'memory.swap.peak',
    scope: 'cgroup',
    path: `${CG}memory.swap.peak`,
    access: 'rw',
    write: 'reset',
    unit: 'bytes',
    doc: 'Highest `memory.swap.current` seen. A write through an open file resets the peak that fd shows; a read by path shows the lifetime peak.',
    kernel: 'peak_show(), peak_write(), peak_release() in mm/memcontrol.c',
  },
  {
    name: 'memory.swap.events',
    scope: 'cgroup',
    path: `${CG}memory.swap.events`,
    access: 'ro',
    unit: null,
    keys: 'memory.swap.events',
    doc: 'Swap limit events: `high`, `max` (limit hit here) and `fail` (allocation failed, for any reason).',
    kernel: 'swap_events_show(); docs/kernel-model.md §7.1',
  },
  {
    name: 'memory.zswap.current',
    scope: 'cgroup',
    path: `${CG}memory.zswap.current`,
    access: 'ro',
    unit: 'bytes',
    doc: 'Compressed bytes this cgroup holds in the zswap pool.',
    kernel: 'zswap_current_read(); docs/kernel-model.md §5.5',
  },
  {
    name: 'memory.zswap.max',
    scope: 'cgroup',
    path: `${CG}memory.zswap.max`,
    access: 'rw',
    write: 'limit',
    unit: 'bytes',
    readWords: ['max'],
    defaultValue: 'max',
    doc: 'Limit on compressed zswap bytes. Over it, zswap writes back one of the cgroup’s entries or rejects the store; 0 disables zswap for the subtree.',
    kernel: 'zswap_max_write(), obj_cgroup_may_zswap(); docs/kernel-model.md §5.3',
  },
  {
    name: 'memory.zswap.writeback',
    scope: 'cgroup',
    path: `${CG}memory.zswap.writeback`,
    access: 'rw',
    write: 'int',
    min: 0,
    max: 1,
    unit: 'bool',
    defaultValue: '1',
    doc: '1 (default) allows device writes; 0 forbids any disk write for the cgroup: no zswap writeback and no direct swapout after a rejected store.',
    kernel: 'zswap_writeback_write(); docs/kernel-model.md §5.5',
  },
  {
    name: 'memory.swap.tiers.max',
    scope: 'cgroup',
    path: `${CG}memory.swap.tiers.max`,
    access: 'rw',
    write: 'tier-max',
    unit: 'int',
    readWords: ['max'],
    requires: 'swap_tiers',
    tierKeys: 'name',
    doc: 'Swap tiers (`config swap_tiers=on`): one `NAME max` or `NAME 0` line per tier, highest first. Writing `NAME 0` keeps the cgroup and its subtree off that tier’s devices; `NAME max` allows it again (if the parent does). In an expect: `memory.swap.tiers.max NAME`.',
    kernel:
      'swap_tier_max_show(), swap_tier_max_write(), swap_tiers_memcg_sync_mask() (swap tiers v9); docs/kernel-model.md §8.4',
  },
  {
    name: 'cgroup.procs',
    scope: 'cgroup',
    path: `${CG}cgroup.procs`,
    access: 'rw',
    write: 'task',
    unit: 'text',
    onRoot: true,
    rejectErrno: 'ESRCH',
    doc:
      'The cgroup’s processes. Writing a task name moves that task here (the simulator’s stand-in for a PID); a non-root cgroup that gives the memory controller to children takes no task (EBUSY). ' +
      'In an expect: the task names in PID order, blank-separated (`== ""` when empty).',
    kernel: 'cgroup_procs_write(), cgroup_migrate_vet_dst()',
  },
  {
    name: 'cgroup.controllers',
    scope: 'cgroup',
    path: `${CG}cgroup.controllers`,
    access: 'ro',
    unit: 'text',
    onRoot: true,
    doc: 'Controllers this cgroup may give its children: what its parent enabled for it (`memory`; the only controller modelled).',
    kernel: 'cgroup_controllers_show(), cgroup_control()',
  },
  {
    name: 'cgroup.subtree_control',
    scope: 'cgroup',
    path: `${CG}cgroup.subtree_control`,
    access: 'rw',
    write: 'controllers',
    unit: 'text',
    onRoot: true,
    doc:
      'Controllers given to the children: `memory` or empty. Write `+memory` or `-memory` (space-separated tokens). Enabling in a non-root cgroup with tasks is EBUSY; any other controller name is EINVAL. ' +
      '`mkdir` of a child turns `memory` on first, as tests do; `-memory` with child cgroups is EBUSY (the simulator keeps every cgroup’s memory controller).',
    kernel: 'cgroup_subtree_control_write(), cgroup_vet_subtree_control_enable() in kernel/cgroup/cgroup.c',
  },
  {
    name: 'cgroup.events',
    scope: 'cgroup',
    path: `${CG}cgroup.events`,
    access: 'ro',
    unit: null,
    keys: 'cgroup.events',
    doc: '`populated 1` while a live task is in the cgroup or below it; `frozen 0` (no freezer in the model).',
    kernel: 'cgroup_events_show(), cgroup_is_populated()',
  },
  {
    name: 'cgroup.kill',
    scope: 'cgroup',
    path: `${CG}cgroup.kill`,
    access: 'wo',
    write: 'kill',
    unit: null,
    rejectErrno: 'ERANGE',
    doc: 'Writing `1` kills every task of the cgroup and its descendants (state `killed`); other numbers are ERANGE, other text EINVAL.',
    kernel: 'cgroup_kill_write(), cgroup_kill() in kernel/cgroup/cgroup.c',
  },
  {
    name: 'memory.oom.group',
    scope: 'cgroup',
    path: `${CG}memory.oom.group`,
    access: 'rw',
    write: 'int',
    min: 0,
    max: 1,
    unit: 'bool',
    defaultValue: '0',
    doc: '1: an OOM kill of a task in this subtree kills every task of the subtree (the highest such cgroup below the OOM domain), counting `oom_group_kill`.',
    kernel: 'memory_oom_group_write(), mem_cgroup_get_oom_group(), oom_kill_process()',
  },
];

export const ZSWAP_COMPRESSORS: readonly string[] = ['lzo', 'lzo-rle', 'lz4', 'lz4hc', 'zstd', 'deflate', '842'];

export const OTHER_FILES: readonly FileSpec[] = [
  {
    name: 'enabled',
    scope: 'zswap-param',
    path: '/sys/module/zswap/parameters/enabled',
    access: 'rw',
    write: 'bool',
    unit: 'bool',
    defaultValue: 'Y',
    doc: 'Master switch for zswap. Off: stores are refused (stale entries are only invalidated); loads of existing entries still work.',
    kernel: 'zswap_enabled_param_set(); docs/kernel-model.md §5.1',
  },
  {
    name: 'compressor',
    scope: 'zswap-param',
    path: '/sys/module/zswap/parameters/compressor',
    access: 'rw',
    write: 'enum',
    values: ZSWAP_COMPRESSORS,
    unit: 'enum',
    rejectErrno: 'ENOENT',
    defaultValue: 'lzo',
    doc: 'Compression algorithm of new pools. The simulator derives compressed sizes from each page’s `content=`, not from the algorithm.',
    kernel: 'zswap_compressor_param_set(); docs/kernel-model.md §5.1',
  },
  {
    name: 'max_pool_percent',
    scope: 'zswap-param',
    path: '/sys/module/zswap/parameters/max_pool_percent',
    access: 'rw',
    write: 'int',
    min: 0,
    max: 100,
    unit: 'int',
    defaultValue: '20',
    doc: 'Pool limit as a percentage of RAM. Reaching it refuses stores (`pool_limit_hit`) and starts writeback.',
    kernel: 'zswap_check_limits(); docs/kernel-model.md §5.1, §11.16',
  },
  {
    name: 'accept_threshold_percent',
    scope: 'zswap-param',
    path: '/sys/module/zswap/parameters/accept_threshold_percent',
    access: 'rw',
    write: 'int',
    min: 0,
    max: 100,
    unit: 'int',
    defaultValue: '90',
    doc: 'After the pool filled up, stores are accepted again only once it shrinks below this percentage of the limit.',
    kernel: 'zswap_check_limits(); docs/kernel-model.md §5.1',
  },
  {
    name: 'shrinker_enabled',
    scope: 'zswap-param',
    path: '/sys/module/zswap/parameters/shrinker_enabled',
    access: 'rw',
    write: 'bool',
    unit: 'bool',
    defaultValue: 'N',
    doc: 'Lets the memcg-aware shrinker write cold entries back to the swap device under memory pressure.',
    kernel: 'zswap_shrinker_count(), zswap_shrinker_scan(); docs/kernel-model.md §5.4',
  },
  {
    name: 'swappiness',
    scope: 'sysctl',
    path: '/proc/sys/vm/swappiness',
    access: 'rw',
    write: 'int',
    min: 0,
    max: 200,
    unit: 'int',
    defaultValue: '60',
    doc: 'Balance of anonymous versus file reclaim, 0..200 (higher swaps more).',
    kernel: 'vm_swappiness, get_scan_count() in mm/vmscan.c; docs/kernel-model.md §10.7',
  },
  {
    name: 'page-cluster',
    scope: 'sysctl',
    path: '/proc/sys/vm/page-cluster',
    access: 'rw',
    write: 'int',
    min: 0,
    max: 31,
    unit: 'int',
    defaultValue: '3',
    doc: 'Swap readahead window as a power of two: 3 reads up to 8 slots around a faulting one (0 disables readahead).',
    kernel: 'page_cluster, swap_cluster_readahead() in mm/swap_state.c; docs/kernel-model.md §4.3',
  },
  {
    name: 'dirty_ratio',
    scope: 'sysctl',
    path: '/proc/sys/vm/dirty_ratio',
    access: 'rw',
    write: 'int',
    min: 0,
    max: 100,
    unit: 'int',
    defaultValue: '20',
    doc: 'Percent of dirtyable memory (free pages plus the file LRU) past which a writer is throttled until writeback catches up.',
    kernel: 'vm_dirty_ratio, domain_dirty_limits(), balance_dirty_pages() in mm/page-writeback.c',
  },
  {
    name: 'dirty_background_ratio',
    scope: 'sysctl',
    path: '/proc/sys/vm/dirty_background_ratio',
    access: 'rw',
    write: 'int',
    min: 0,
    max: 100,
    unit: 'int',
    defaultValue: '10',
    doc: 'Percent of dirtyable memory past which the flusher writes dirty pages back (here at once, down to this threshold).',
    kernel: 'dirty_background_ratio, wb_over_bg_thresh() in mm/page-writeback.c',
  },
  {
    name: 'drop_caches',
    scope: 'sysctl',
    path: '/proc/sys/vm/drop_caches',
    access: 'wo',
    write: 'int',
    min: 1,
    max: 4,
    unit: 'int',
    doc: '`1` drops clean, unmapped page cache (dirty, mapped and shmem pages stay); `2` frees reclaimable slab, which the model has none of to free; `3` both.',
    kernel: 'drop_caches_sysctl_handler(), drop_pagecache_sb() → invalidate_mapping_pages() in fs/drop_caches.c',
  },
  {
    name: 'vma_ra_enabled',
    scope: 'swap-sysfs',
    path: '/sys/kernel/mm/swap/vma_ra_enabled',
    access: 'rw',
    write: 'bool',
    unit: 'bool',
    defaultValue: 'true',
    doc: 'Use VMA-based readahead (when no rotational swap device is active) instead of cluster readahead.',
    kernel: 'enable_vma_readahead, swap_vma_readahead(); docs/kernel-model.md §4.3',
  },
  {
    name: 'tiers',
    scope: 'swap-sysfs',
    path: '/sys/kernel/mm/swap/tiers',
    access: 'rw',
    write: 'tiers',
    unit: 'int',
    requires: 'swap_tiers',
    tierKeys: 'name-column',
    doc: 'Swap tiers (`config swap_tiers=on`): named ranges of swap priorities. Write `+NAME:PRIO` to add and `-NAME` to remove, several per write; a failing write changes nothing. In an expect: `/sys/kernel/mm/swap/tiers NAME Idx|PrioStart|PrioEnd`.',
    kernel:
      'tiers_store(), swap_tiers_add(), swap_tiers_remove(), swap_tiers_sysfs_show() (swap tiers v9); docs/kernel-model.md §8.4',
  },
  {
    name: 'enabled',
    scope: 'thp',
    path: '/sys/kernel/mm/transparent_hugepage/enabled',
    access: 'rw',
    write: 'enum',
    values: ['always', 'madvise', 'never'],
    unit: 'enum',
    defaultValue: 'madvise',
    doc: 'Top-level THP policy, inherited by every size set to `inherit`.',
    kernel: 'enabled_store() in mm/huge_memory.c',
  },
  {
    name: 'shmem_enabled',
    scope: 'thp',
    path: '/sys/kernel/mm/transparent_hugepage/shmem_enabled',
    access: 'rw',
    write: 'enum',
    values: ['always', 'within_size', 'advise', 'never', 'deny', 'force'],
    unit: 'enum',
    defaultValue: 'never',
    doc: 'Huge page policy of tmpfs and shared anonymous memory, inherited by every shmem size set to `inherit`. `deny` turns every size off, `force` turns the PMD size on.',
    kernel: 'shmem_enabled_store(), shmem_allowable_huge_orders() in mm/shmem.c',
  },
  {
    name: 'shmem_enabled',
    scope: 'thp-size',
    path: '/sys/kernel/mm/transparent_hugepage/hugepages-<N>kB/shmem_enabled',
    access: 'rw',
    write: 'enum',
    values: ['always', 'inherit', 'within_size', 'advise', 'never'],
    unit: 'enum',
    defaultValue: 'never (inherit for the PMD size)',
    doc: 'shmem mTHP policy for one size (order 1 up to the PMD order). `within_size` allows a folio only inside i_size; `advise` needs MADV_HUGEPAGE, which the model has no command for (so it is never).',
    kernel: 'thpsize_shmem_enabled_store(), shmem_allowable_huge_orders() in mm/shmem.c',
  },
  {
    name: 'enabled',
    scope: 'thp-size',
    path: '/sys/kernel/mm/transparent_hugepage/hugepages-<N>kB/enabled',
    access: 'rw',
    write: 'enum',
    values: ['always', 'inherit', 'madvise', 'never'],
    unit: 'enum',
    defaultValue: 'never (inherit for the PMD size)',
    doc: 'Policy for one mTHP size (N in kB is page_size × 2^order, order 2 up to the PMD order).',
    kernel: 'thpsize_enabled_store() in mm/huge_memory.c',
  },
  {
    name: 'swaps',
    scope: 'proc',
    path: '/proc/swaps',
    access: 'ro',
    unit: null,
    doc: 'Active swap areas: Filename, Type, Size and Used (KiB), Priority. In an expect: `/proc/swaps PATH COLUMN`.',
    kernel: 'swap_show() in mm/swapfile.c; docs/kernel-model.md §10.1',
  },
  {
    name: 'meminfo',
    scope: 'proc',
    path: '/proc/meminfo',
    access: 'ro',
    unit: null,
    keys: 'meminfo',
    doc: 'System memory summary in kB. In an expect: `/proc/meminfo KEY`.',
    kernel: 'meminfo_proc_show(); docs/kernel-model.md §10.3',
  },
  {
    name: 'vmstat',
    scope: 'proc',
    path: '/proc/vmstat',
    access: 'ro',
    unit: null,
    keys: 'vmstat',
    doc: 'System-wide counters. In an expect: `/proc/vmstat KEY`.',
    kernel: 'vmstat_show(); docs/kernel-model.md §10.4',
  },
];

const ZRAM = '/sys/block/zram<N>/';
const ZRAM_KERNEL = 'drivers/block/zram/zram_drv.c; Documentation/admin-guide/blockdev/zram.rst';

/** The attribute files of a zram device (zram_disk_attrs[]); `<N>` is the device number. */
export const ZRAM_FILE_SPECS: readonly FileSpec[] = [
  {
    name: 'disksize',
    scope: 'zram',
    path: `${ZRAM}disksize`,
    access: 'rw',
    write: 'size',
    unit: 'bytes',
    defaultValue: '0',
    doc: 'Size of the device (the uncompressed data it can hold). Set once, before swapon; EBUSY afterwards until `reset`. Allocates the device table (16 B per page, vmalloc).',
    kernel: `disksize_store(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'comp_algorithm',
    scope: 'zram',
    path: `${ZRAM}comp_algorithm`,
    access: 'rw',
    write: 'enum',
    values: ['lzo', 'lzo-rle', 'lz4', 'lz4hc', '842', 'zstd', 'deflate'],
    unit: 'enum',
    defaultValue: 'lzo-rle',
    doc: 'Compressor, chosen before disksize (EBUSY after). Reading lists them all with the current one in brackets. Compressed sizes follow each page’s `content=`, not the algorithm.',
    kernel: `comp_algorithm_store(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'mem_limit',
    scope: 'zram',
    path: `${ZRAM}mem_limit`,
    access: 'wo',
    write: 'size',
    unit: null,
    doc: 'Most memory the device may use for compressed data (0: no limit). A write that would pass it fails with ENOMEM (io_stat failed_writes) and the page stays in memory.',
    kernel: `mem_limit_store(), zram_write_page(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'mem_used_max',
    scope: 'zram',
    path: `${ZRAM}mem_used_max`,
    access: 'wo',
    write: 'zero',
    unit: null,
    doc: 'Write 0 to reset the high-water mark shown as mm_stat mem_used_max.',
    kernel: `mem_used_max_store(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'reset',
    scope: 'zram',
    path: `${ZRAM}reset`,
    access: 'wo',
    write: 'nonzero',
    unit: null,
    doc: 'Write 1 to free everything the device holds and forget its disksize; EBUSY while it is swapped on.',
    kernel: `reset_store(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'initstate',
    scope: 'zram',
    path: `${ZRAM}initstate`,
    access: 'ro',
    unit: 'bool',
    doc: '1 once disksize is set.',
    kernel: `initstate_show(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'mm_stat',
    scope: 'zram',
    path: `${ZRAM}mm_stat`,
    access: 'ro',
    unit: null,
    keys: 'mm_stat',
    doc: 'Memory statistics, one line: orig_data_size compr_data_size mem_used_total mem_limit mem_used_max same_pages pages_compacted huge_pages huge_pages_since. In an expect: `mm_stat FIELD`.',
    kernel: `mm_stat_show(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'io_stat',
    scope: 'zram',
    path: `${ZRAM}io_stat`,
    access: 'ro',
    unit: null,
    keys: 'io_stat',
    doc: 'I/O statistics: failed_reads failed_writes invalid_io notify_free. In an expect: `io_stat FIELD`.',
    kernel: `io_stat_show(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'bd_stat',
    scope: 'zram',
    path: `${ZRAM}bd_stat`,
    access: 'ro',
    unit: null,
    keys: 'bd_stat',
    doc: 'Backing device statistics in 4 KiB units: bd_count (held there now) bd_reads bd_writes. In an expect: `bd_stat FIELD`.',
    kernel: `bd_stat_show(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'backing_dev',
    scope: 'zram',
    path: `${ZRAM}backing_dev`,
    access: 'rw',
    write: 'path',
    unit: null,
    defaultValue: 'none',
    doc: 'Block device that idle or huge pages can be written back to; set before disksize (EBUSY after).',
    kernel: `backing_dev_store(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'idle',
    scope: 'zram',
    path: `${ZRAM}idle`,
    access: 'wo',
    write: 'enum',
    values: ['all'],
    unit: null,
    doc: 'Write `all` to mark every stored page idle; reading a page clears its mark.',
    kernel: `idle_store(); ${ZRAM_KERNEL}`,
  },
  {
    name: 'writeback',
    scope: 'zram',
    path: `${ZRAM}writeback`,
    access: 'wo',
    write: 'enum',
    values: ['idle', 'huge', 'huge_idle', 'incompressible'],
    unit: null,
    doc: 'Write idle, huge (incompressible) or huge_idle pages to the backing device and free their memory (needs backing_dev; ENODEV without).',
    kernel: `writeback_store(); ${ZRAM_KERNEL}`,
  },
];

/** The per-size mTHP stats, in the kernel's order; the same names as MTHP_STATS in server/sim/vmstat.ts. */
export const THP_STATS: readonly { name: MthpStat; doc: string }[] = [
  { name: 'anon_fault_alloc', doc: 'Anonymous faults that got a folio of this size.' },
  {
    name: 'anon_fault_fallback',
    doc: 'Anonymous faults that tried this size and fell back to a smaller one (no folio or no charge).',
  },
  { name: 'anon_fault_fallback_charge', doc: 'Of those fallbacks, the ones caused by a failed memcg charge.' },
  { name: 'zswpout', doc: 'Folios of this size stored in zswap.' },
  { name: 'swpin', doc: 'Folios of this size swapped in whole.' },
  { name: 'swpin_fallback', doc: 'Swapins that wanted this size but fell back to a smaller one.' },
  { name: 'swpin_fallback_charge', doc: 'Fallbacks caused by a failed memcg charge.' },
  { name: 'swpout', doc: 'Folios of this size swapped out whole.' },
  {
    name: 'swpout_fallback',
    doc: 'Folios of this size split before swapout because no aligned run of free slots existed.',
  },
  { name: 'shmem_alloc', doc: 'shmem/tmpfs folios of this size allocated.' },
  { name: 'shmem_fallback', doc: 'shmem/tmpfs allocations that tried this size and fell back to a smaller one.' },
  { name: 'shmem_fallback_charge', doc: 'Of those shmem fallbacks, the ones caused by a failed memcg charge.' },
];

export const ZSWAP_DEBUG_COUNTERS: readonly { name: string; unit: ObservableUnit; doc: string }[] = [
  { name: 'pool_limit_hit', unit: 'count', doc: 'Stores refused because the pool was at `max_pool_percent`.' },
  { name: 'reject_reclaim_fail', unit: 'count', doc: 'Stores refused because making room by writeback failed.' },
  { name: 'reject_alloc_fail', unit: 'count', doc: 'Stores refused because the compressed-memory allocator failed.' },
  { name: 'reject_kmemcache_fail', unit: 'count', doc: 'Stores refused because no zswap_entry could be allocated.' },
  { name: 'reject_compress_fail', unit: 'count', doc: 'Stores refused because compression failed.' },
  { name: 'reject_compress_poor', unit: 'count', doc: 'Stores refused because the page did not shrink enough.' },
  { name: 'decompress_fail', unit: 'count', doc: 'Loads whose decompression failed.' },
  { name: 'written_back_pages', unit: 'pages', doc: 'Entries written back from zswap to the swap device.' },
  { name: 'pool_total_size', unit: 'bytes', doc: 'Bytes used by the compressed pool.' },
  { name: 'stored_pages', unit: 'pages', doc: 'Pages currently held in zswap.' },
  {
    name: 'stored_incompressible_pages',
    unit: 'pages',
    doc: 'Pages held uncompressed because compression did not help.',
  },
];

// ─── Keys of keyed files ─────────────────────────────────────────────────────

export interface KeySpec {
  readonly name: string;
  readonly unit: ObservableUnit;
  readonly doc: string;
}

export const KEYS: Readonly<Record<KeySetName, readonly KeySpec[]>> = {
  'memory.stat': [
    { name: 'anon', unit: 'bytes', doc: 'Anonymous memory charged to the cgroup.' },
    { name: 'file', unit: 'bytes', doc: 'Page cache charged to the cgroup, shmem included.' },
    { name: 'shmem', unit: 'bytes', doc: 'shmem and tmpfs pages in memory (not those in swap).' },
    { name: 'file_mapped', unit: 'bytes', doc: 'Page cache mapped by some page table.' },
    { name: 'file_dirty', unit: 'bytes', doc: 'Dirty page cache of files that write back (not shmem).' },
    { name: 'file_writeback', unit: 'bytes', doc: 'Page cache under writeback (writeback completes at once here: 0).' },
    { name: 'shmem_thp', unit: 'bytes', doc: 'shmem in PMD-sized folios.' },
    { name: 'inactive_anon', unit: 'bytes', doc: 'The inactive anon LRU (shmem included: it is swap-backed).' },
    { name: 'active_anon', unit: 'bytes', doc: 'The active anon LRU.' },
    { name: 'inactive_file', unit: 'bytes', doc: 'The inactive file LRU.' },
    { name: 'active_file', unit: 'bytes', doc: 'The active file LRU.' },
    { name: 'anon_thp', unit: 'bytes', doc: 'Anonymous memory in PMD-sized THPs.' },
    { name: 'swapcached', unit: 'bytes', doc: 'Memory that is also in the swap cache.' },
    { name: 'zswap', unit: 'bytes', doc: 'Compressed bytes in the zswap pool.' },
    { name: 'zswapped', unit: 'bytes', doc: 'Original size of the pages stored in zswap.' },
    { name: 'zswap_incomp', unit: 'bytes', doc: 'Pages stored in zswap uncompressed because they did not compress.' },
    { name: 'pgfault', unit: 'count', doc: 'Page faults.' },
    { name: 'pgmajfault', unit: 'count', doc: 'Major faults (needed I/O, e.g. a swapin from the device).' },
    { name: 'pswpin', unit: 'pages', doc: 'Pages read from a swap device.' },
    { name: 'pswpout', unit: 'pages', doc: 'Pages written to a swap device.' },
    { name: 'swpin_zero', unit: 'pages', doc: 'Pages swapped in from the zero flag, without I/O.' },
    { name: 'swpout_zero', unit: 'pages', doc: 'Zero-filled pages swapped out by setting the zero flag only.' },
    { name: 'zswpin', unit: 'pages', doc: 'Pages loaded from zswap.' },
    { name: 'zswpout', unit: 'pages', doc: 'Pages stored in zswap.' },
    { name: 'zswpwb', unit: 'pages', doc: 'Pages written back from zswap to the device.' },
    { name: 'thp_swpout', unit: 'count', doc: 'PMD-sized folios swapped out whole.' },
    { name: 'thp_swpout_fallback', unit: 'count', doc: 'PMD-sized folios split before swapout.' },
    {
      name: 'workingset_refault_anon',
      unit: 'count',
      doc: 'Anonymous pages faulted back in soon after eviction. Always 0 in the model: mm/workingset.c (shadow entries, refault distance) is not modelled.',
    },
    { name: 'pgscan', unit: 'pages', doc: 'Pages reclaim looked at.' },
    { name: 'pgsteal', unit: 'pages', doc: 'Pages reclaim freed (swapped out, or dropped after MADV_FREE).' },
    { name: 'pgactivate', unit: 'pages', doc: 'Pages moved to the active list.' },
    { name: 'pgdeactivate', unit: 'pages', doc: 'Pages moved to the inactive list (aging, MADV_COLD).' },
    { name: 'pglazyfree', unit: 'pages', doc: 'Pages MADV_FREE made lazy-free.' },
    { name: 'pglazyfreed', unit: 'pages', doc: 'Lazy-free pages reclaim dropped without swapping them.' },
    {
      name: 'pgscan_direct',
      unit: 'pages',
      doc: 'Pages scanned by reclaim in the allocating task (a limit); under 6.12 memory.reclaim counts here too.',
    },
    {
      name: 'pgsteal_direct',
      unit: 'pages',
      doc: 'Pages reclaimed in the allocating task (a limit); under 6.12 memory.reclaim counts here too.',
    },
    { name: 'pgscan_proactive', unit: 'pages', doc: 'Pages scanned by memory.reclaim (7.2 and later).' },
    { name: 'pgsteal_proactive', unit: 'pages', doc: 'Pages reclaimed by memory.reclaim (7.2 and later).' },
    {
      name: 'kernel',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    {
      name: 'kernel_stack',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    {
      name: 'pagetables',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    {
      name: 'sec_pagetables',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    {
      name: 'percpu',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    {
      name: 'sock',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    {
      name: 'vmalloc',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    {
      name: 'slab_reclaimable',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    {
      name: 'slab_unreclaimable',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    {
      name: 'slab',
      unit: 'bytes',
      doc: 'Always 0 in the model: the kernel memory the tasks of a cgroup use (page tables, stacks, slab objects, sockets, vmalloc, per-CPU data) is not modelled.',
    },
    { name: 'file_thp', unit: 'bytes', doc: 'Always 0 in the model: the page cache holds base pages only.' },
    {
      name: 'unevictable',
      unit: 'bytes',
      doc: 'Always 0 in the model: there is no unevictable LRU; mlocked folios stay on the anon lists (counted in inactive_anon or active_anon).',
    },
    {
      name: 'workingset_refault_file',
      unit: 'count',
      doc: 'Always 0 in the model: no shadow entries are kept for evicted file pages (mm/workingset.c is not modelled).',
    },
    { name: 'workingset_activate_anon', unit: 'count', doc: 'Always 0 in the model: mm/workingset.c is not modelled.' },
    { name: 'workingset_activate_file', unit: 'count', doc: 'Always 0 in the model: mm/workingset.c is not modelled.' },
    { name: 'workingset_restore_anon', unit: 'count', doc: 'Always 0 in the model: mm/workingset.c is not modelled.' },
    { name: 'workingset_restore_file', unit: 'count', doc: 'Always 0 in the model: mm/workingset.c is not modelled.' },
    { name: 'workingset_nodereclaim', unit: 'count', doc: 'Always 0 in the model: mm/workingset.c is not modelled.' },
    { name: 'pgdemote_kswapd', unit: 'pages', doc: 'Always 0 in the model: one memory tier, no demotion.' },
    { name: 'pgdemote_direct', unit: 'pages', doc: 'Always 0 in the model: one memory tier, no demotion.' },
    { name: 'pgdemote_khugepaged', unit: 'pages', doc: 'Always 0 in the model: one memory tier, no demotion.' },
    { name: 'pgdemote_proactive', unit: 'pages', doc: 'Always 0 in the model: one memory tier, no demotion.' },
    { name: 'pgpromote_success', unit: 'pages', doc: 'Always 0 in the model: one memory tier, no promotion.' },
    {
      name: 'pgscan_kswapd',
      unit: 'pages',
      doc: 'Always 0 in the model: there is no kswapd: reclaim runs only on a limit or memory.reclaim.',
    },
    {
      name: 'pgsteal_kswapd',
      unit: 'pages',
      doc: 'Always 0 in the model: there is no kswapd: reclaim runs only on a limit or memory.reclaim.',
    },
    { name: 'pgscan_khugepaged', unit: 'pages', doc: 'Always 0 in the model: there is no khugepaged.' },
    { name: 'pgsteal_khugepaged', unit: 'pages', doc: 'Always 0 in the model: there is no khugepaged.' },
    {
      name: 'pgrefill',
      unit: 'pages',
      doc: 'Always 0 in the model: the active list is not aged by shrink_active_list() (deactivation is counted in pgdeactivate).',
    },
    { name: 'thp_fault_alloc', unit: 'count', doc: 'Always 0 in the model: THP allocation at fault is not counted.' },
    { name: 'thp_collapse_alloc', unit: 'count', doc: 'Always 0 in the model: there is no khugepaged.' },
    { name: 'numa_pages_migrated', unit: 'pages', doc: 'Always 0 in the model: one NUMA node, no NUMA balancing.' },
    { name: 'numa_pte_updates', unit: 'count', doc: 'Always 0 in the model: one NUMA node, no NUMA balancing.' },
    { name: 'numa_hint_faults', unit: 'count', doc: 'Always 0 in the model: one NUMA node, no NUMA balancing.' },
  ],
  'memory.events': [
    { name: 'low', unit: 'count', doc: 'Times the cgroup was reclaimed below memory.low.' },
    { name: 'high', unit: 'count', doc: 'Times usage went over memory.high.' },
    { name: 'max', unit: 'count', doc: 'Times usage was about to go over memory.max.' },
    { name: 'oom', unit: 'count', doc: 'Times the cgroup hit its limit with nothing left to reclaim.' },
    { name: 'oom_kill', unit: 'count', doc: 'Tasks of the cgroup killed by the OOM killer.' },
    { name: 'oom_group_kill', unit: 'count', doc: 'Group OOM kills.' },
  ],
  'cgroup.events': [
    { name: 'populated', unit: 'bool', doc: 'A live task is in the cgroup or one of its descendants.' },
    { name: 'frozen', unit: 'bool', doc: 'The cgroup is frozen (always 0: no freezer in the model).' },
  ],
  'memory.swap.events': [
    { name: 'high', unit: 'count', doc: 'Times swap usage went over memory.swap.high.' },
    { name: 'max', unit: 'count', doc: 'Times a swap charge was refused by this cgroup’s memory.swap.max.' },
    { name: 'fail', unit: 'count', doc: 'Times a swap allocation failed, because of a limit or because swap ran out.' },
  ],
  vmstat: [
    { name: 'nr_free_pages', unit: 'pages', doc: 'Free pages.' },
    { name: 'nr_inactive_anon', unit: 'pages', doc: 'The inactive anon LRU (shmem included).' },
    { name: 'nr_active_anon', unit: 'pages', doc: 'The active anon LRU (shmem included).' },
    { name: 'nr_anon_pages', unit: 'pages', doc: 'Anonymous pages mapped.' },
    { name: 'nr_swapcached', unit: 'pages', doc: 'Pages in the swap cache.' },
    { name: 'nr_inactive_file', unit: 'pages', doc: 'The inactive file LRU.' },
    { name: 'nr_active_file', unit: 'pages', doc: 'The active file LRU.' },
    { name: 'nr_mapped', unit: 'pages', doc: 'Page cache pages mapped by page tables.' },
    { name: 'nr_file_pages', unit: 'pages', doc: 'Page cache, shmem and the swap cache.' },
    { name: 'nr_dirty', unit: 'pages', doc: 'Dirty page cache of files that write back.' },
    {
      name: 'nr_writeback',
      unit: 'pages',
      doc: 'Pages under writeback. Always 0 in the model: a write completes within the step that starts it.',
    },
    { name: 'nr_shmem', unit: 'pages', doc: 'shmem and tmpfs pages in memory.' },
    { name: 'nr_shmem_hugepages', unit: 'count', doc: 'shmem PMD-sized folios.' },
    { name: 'nr_written', unit: 'pages', doc: 'Page cache pages written back.' },
    { name: 'pgpgin', unit: 'count', doc: 'KiB read from block devices for the page cache.' },
    { name: 'pgpgout', unit: 'count', doc: 'KiB written back to block devices from the page cache.' },
    { name: 'pgscan_anon', unit: 'pages', doc: 'Anon (and shmem) pages scanned by reclaim.' },
    { name: 'pgscan_file', unit: 'pages', doc: 'File pages scanned by reclaim.' },
    { name: 'pgsteal_anon', unit: 'pages', doc: 'Anon (and shmem) pages reclaimed.' },
    { name: 'pgsteal_file', unit: 'pages', doc: 'File pages reclaimed.' },
    { name: 'nr_anon_transparent_hugepages', unit: 'count', doc: 'Anonymous PMD-sized THPs.' },
    { name: 'pgfault', unit: 'count', doc: 'Page faults.' },
    { name: 'pgmajfault', unit: 'count', doc: 'Major faults.' },
    { name: 'pswpin', unit: 'pages', doc: 'Pages read from swap devices (not zswap, not zero pages).' },
    { name: 'pswpout', unit: 'pages', doc: 'Pages written to swap devices, zswap writeback included.' },
    { name: 'swap_ra', unit: 'pages', doc: 'Pages read ahead from swap.' },
    { name: 'swap_ra_hit', unit: 'pages', doc: 'Readahead pages that were later used.' },
    { name: 'swpin_zero', unit: 'pages', doc: 'Pages swapped in from the zero flag.' },
    { name: 'swpout_zero', unit: 'pages', doc: 'Zero-filled pages swapped out without I/O.' },
    { name: 'ksm_swpin_copy', unit: 'pages', doc: 'KSM pages copied on swapin.' },
    { name: 'zswpin', unit: 'pages', doc: 'Pages loaded from zswap.' },
    { name: 'zswpout', unit: 'pages', doc: 'Pages stored in zswap.' },
    { name: 'zswpwb', unit: 'pages', doc: 'Pages written back from zswap.' },
    { name: 'thp_swpout', unit: 'count', doc: 'PMD-sized folios swapped out whole.' },
    { name: 'thp_swpout_fallback', unit: 'count', doc: 'PMD-sized folios split before swapout.' },
    { name: 'oom_kill', unit: 'count', doc: 'OOM kills.' },
    { name: 'pgactivate', unit: 'pages', doc: 'Pages moved to the active list.' },
    { name: 'pgdeactivate', unit: 'pages', doc: 'Pages moved to the inactive list (aging, MADV_COLD).' },
    { name: 'pglazyfree', unit: 'pages', doc: 'Pages MADV_FREE made lazy-free.' },
    { name: 'pglazyfreed', unit: 'pages', doc: 'Lazy-free pages reclaim dropped without swapping them.' },
  ],
  mm_stat: [
    { name: 'orig_data_size', unit: 'bytes', doc: 'Uncompressed size of the pages stored.' },
    {
      name: 'compr_data_size',
      unit: 'bytes',
      doc: 'Compressed size of the pages stored (huge pages count a whole page, same-filled pages nothing).',
    },
    { name: 'mem_used_total', unit: 'bytes', doc: 'Memory the device uses for them (zsmalloc pages).' },
    { name: 'mem_limit', unit: 'bytes', doc: 'mem_limit (0: none).' },
    { name: 'mem_used_max', unit: 'bytes', doc: 'Highest mem_used_total since the last reset.' },
    { name: 'same_pages', unit: 'pages', doc: 'Pages stored as one repeated word, with no memory.' },
    { name: 'pages_compacted', unit: 'pages', doc: 'Pages freed by compaction (not modelled: 0).' },
    { name: 'huge_pages', unit: 'pages', doc: 'Incompressible pages stored whole.' },
    { name: 'huge_pages_since', unit: 'pages', doc: 'Incompressible pages written since the device was set up.' },
  ],
  io_stat: [
    { name: 'failed_reads', unit: 'count', doc: 'Reads that failed.' },
    { name: 'failed_writes', unit: 'count', doc: 'Writes that failed (mem_limit reached).' },
    { name: 'invalid_io', unit: 'count', doc: 'No longer counted by the kernel (0).' },
    { name: 'notify_free', unit: 'count', doc: 'Swap slot free notifications (each freed slot).' },
  ],
  bd_stat: [
    { name: 'bd_count', unit: 'pages', doc: 'Pages held on the backing device now (4 KiB units).' },
    { name: 'bd_reads', unit: 'pages', doc: 'Pages read from the backing device.' },
    { name: 'bd_writes', unit: 'pages', doc: 'Pages written to the backing device.' },
  ],
  meminfo: [
    { name: 'MemTotal', unit: 'kB', doc: 'RAM.' },
    { name: 'MemFree', unit: 'kB', doc: 'Free RAM.' },
    {
      name: 'MemAvailable',
      unit: 'kB',
      doc: 'Estimate of memory available without swapping: free pages above the reserve, plus most of the file LRU and of SReclaimable (si_mem_available()).',
    },
    { name: 'Buffers', unit: 'kB', doc: 'Block device buffers (none are modelled: 0).' },
    { name: 'Cached', unit: 'kB', doc: 'Page cache, excluding the swap cache.' },
    {
      name: 'SwapCached',
      unit: 'kB',
      doc: 'Memory that is in the swap cache (cache-only and still-referenced slots).',
    },
    { name: 'Active', unit: 'kB', doc: 'Active LRU, anon and file.' },
    { name: 'Inactive', unit: 'kB', doc: 'Inactive LRU, anon and file.' },
    { name: 'Active(anon)', unit: 'kB', doc: 'Anonymous memory on the active LRU.' },
    { name: 'Inactive(anon)', unit: 'kB', doc: 'Anonymous memory on the inactive LRU.' },
    { name: 'Active(file)', unit: 'kB', doc: 'File pages on the active LRU.' },
    { name: 'Inactive(file)', unit: 'kB', doc: 'File pages on the inactive LRU.' },
    { name: 'AnonPages', unit: 'kB', doc: 'Anonymous memory mapped by page tables.' },
    { name: 'AnonHugePages', unit: 'kB', doc: 'Anonymous memory in PMD-sized THPs.' },
    { name: 'Dirty', unit: 'kB', doc: 'Dirty page cache waiting for writeback.' },
    { name: 'Writeback', unit: 'kB', doc: 'Page cache under writeback (completes at once here: 0).' },
    { name: 'Mapped', unit: 'kB', doc: 'Page cache mapped by page tables.' },
    { name: 'Shmem', unit: 'kB', doc: 'shmem and tmpfs pages in memory (counted in Cached too).' },
    { name: 'ShmemHugePages', unit: 'kB', doc: 'shmem in PMD-sized folios.' },
    {
      name: 'SwapTotal',
      unit: 'kB',
      doc: 'Usable swap space (during swapoff, also the in-use part of the device going away).',
    },
    { name: 'SwapFree', unit: 'kB', doc: 'Free swap space.' },
    { name: 'Zswap', unit: 'kB', doc: 'Size of the compressed pool.' },
    { name: 'Zswapped', unit: 'kB', doc: 'Original size of the pages stored in zswap.' },
    { name: 'KReclaimable', unit: 'kB', doc: 'Kernel memory reclaim can free: SReclaimable here.' },
    {
      name: 'Slab',
      unit: 'kB',
      doc: 'Slab memory: SReclaimable + SUnreclaim (swap metadata objects, zswap entries, XArray nodes).',
    },
    {
      name: 'SReclaimable',
      unit: 'kB',
      doc: 'Reclaimable slab: the radix_tree_node cache (XArray nodes of the legacy swap cache, dynamic clusters, zswap’s tree).',
    },
    {
      name: 'SUnreclaim',
      unit: 'kB',
      doc: 'Unreclaimable slab: kmalloc’d swap metadata (memcg_table, extend_table, small static arrays), swp_desc, zswap_entry.',
    },
    {
      name: 'VmallocUsed',
      unit: 'kB',
      doc: 'vmalloc areas: large static swap arrays (swap_map, swap_cgroup, big zeromap and cluster_info) and zram tables.',
    },
  ],
};

// ─── Other observables ───────────────────────────────────────────────────────

export interface FieldSpec {
  readonly name: string;
  readonly unit: ObservableUnit;
  readonly values?: readonly string[];
  readonly doc: string;
}

/** Where a slot's data is (server/sim/virtual_layer.ts slotBackend()). */
export const SLOT_BACKENDS: readonly string[] = ['free', 'bad', 'rmap', 'zero', 'zswap', 'swapfile', 'folio', 'none'];
/** The virtual_table tag of a ghost or vswap slot (vswap-STE encoding). */
export const VTABLE_TAGS: readonly string[] = ['none', 'zswap', 'swapfile'];
/** The word `expect slot|cluster` uses for the vswap designs' hidden virtual device. */
export const VSWAP_DEVICE_WORD = 'vswap';
export const TASK_STATES: readonly string[] = ['alive', 'exited', 'oom_killed', 'killed'];

export const SLOT_FIELDS: readonly FieldSpec[] = [
  {
    name: 'kind',
    unit: 'enum',
    values: SLOT_KIND_NAMES,
    doc: 'Swap table entry kind: `null` free, `pfn` in the swap cache, `shadow` swapped out, `bad`, or `pointer` (vswap-ste physical slot).',
  },
  {
    name: 'count',
    unit: 'count',
    doc: 'Swap count: page-table (and shmem) references to the slot; the swap cache does not count.',
  },
  { name: 'zero', unit: 'bool', doc: 'Zero flag: the page was all zeroes and has no data anywhere.' },
  { name: 'memcg', unit: 'cgroup', doc: 'Cgroup the slot is charged to (memcg_table in P4, swap_cgroup before).' },
  { name: 'cached', unit: 'bool', doc: 'A folio for the slot is in the swap cache.' },
  { name: 'zswap', unit: 'bool', doc: 'zswap holds a compressed copy of the slot.' },
  {
    name: 'backend',
    unit: 'enum',
    values: SLOT_BACKENDS,
    doc: 'Where the data is: `zero`, `zswap`, `swapfile` (a device slot), `folio` (only the cached folio), `rmap` (a physical slot backing a virtual one), `none` (a virtual slot with no data), `free` or `bad`.',
  },
  {
    name: 'vtable',
    unit: 'enum',
    values: VTABLE_TAGS,
    doc: 'virtual_table tag of a ghost or vswap slot: `none`, `zswap` or `swapfile`; `none` on devices without one.',
  },
];

export const CLUSTER_FIELDS: readonly FieldSpec[] = [
  {
    name: 'list',
    unit: 'enum',
    values: CLUSTER_LIST_NAMES,
    doc: 'Which list the cluster is on (`dead` only for freed ghost clusters).',
  },
  { name: 'order', unit: 'int', doc: 'Folio order the cluster serves, fixed by its first allocation.' },
  { name: 'count', unit: 'count', doc: 'Slots in use or bad.' },
  { name: 'table', unit: 'bool', doc: 'Whether the cluster’s swap table is allocated.' },
];

export const TASK_FIELDS: readonly FieldSpec[] = [
  {
    name: 'state',
    unit: 'enum',
    values: TASK_STATES,
    doc: 'Whether the task runs, has exited, or was killed by the OOM killer.',
  },
  { name: 'rss', unit: 'pages', doc: 'Resident anonymous pages.' },
  { name: 'swapents', unit: 'pages', doc: 'Page-table entries holding a swap entry (MM_SWAPENTS).' },
  { name: 'cgroup', unit: 'cgroup', doc: 'The cgroup the task is in.' },
  {
    name: 'data',
    unit: 'text',
    doc: 'Page data of a region: `task T data REGION [pages=A..B] == VALUE|index` checks every page of the range against what `fill` wrote (a fresh page holds 0).',
  },
  {
    name: 'pagemap',
    unit: 'int',
    doc: '`/proc/PID/pagemap` of one page: `task T pagemap REGION PAGE present|swapped|file|swap_type|swap_offset`.',
  },
  {
    name: 'smaps',
    unit: 'kB',
    doc: '`/proc/PID/smaps` of one mapping: `task T smaps REGION Rss|Anonymous|AnonHugePages|Swap|SwapPss` (kB).',
  },
  {
    name: 'smaps_rollup',
    unit: 'kB',
    doc: '`/proc/PID/smaps_rollup`, every mapping summed: `task T smaps_rollup Rss|Anonymous|AnonHugePages|Swap|SwapPss` (kB).',
  },
  {
    name: 'status',
    unit: 'kB',
    doc: '`/proc/PID/status` memory lines: `task T status VmRSS|RssAnon|RssFile|RssShmem|VmSwap` (kB).',
  },
];

/** The fields of a /proc/PID/pagemap word (Documentation/admin-guide/mm/pagemap.rst). */
export const PAGEMAP_FIELDS: readonly FieldSpec[] = [
  { name: 'present', unit: 'bool', doc: 'Bit 63: a page is mapped here.' },
  { name: 'swapped', unit: 'bool', doc: 'Bit 62: the PTE holds a swap entry.' },
  { name: 'file', unit: 'bool', doc: 'Bit 61: a page cache or shared anonymous (shmem) page is mapped.' },
  {
    name: 'swap_type',
    unit: 'int',
    doc: "Bits 0-4 of a swapped entry: the swap type (the area's index in swap_info[]); 0 when not swapped.",
  },
  { name: 'swap_offset', unit: 'int', doc: 'Bits 5-54 of a swapped entry: the slot offset; 0 when not swapped.' },
];

/** The /proc/PID/smaps and smaps_rollup lines swapsim models (kB). */
export const SMAPS_KEYS: readonly FieldSpec[] = [
  { name: 'Rss', unit: 'kB', doc: 'Resident pages the mapping maps.' },
  { name: 'Anonymous', unit: 'kB', doc: 'Resident anonymous pages (not page cache or shmem).' },
  { name: 'AnonHugePages', unit: 'kB', doc: 'Anonymous PMD-sized THPs mapped whole.' },
  { name: 'Swap', unit: 'kB', doc: "Swap PTEs, plus the swapped pages of a shmem file in the mapping's range." },
  { name: 'SwapPss', unit: 'kB', doc: 'Swap PTEs, each divided by the number of page tables referencing its slot.' },
];

/** The /proc/PID/status memory lines swapsim models (kB). */
export const STATUS_KEYS: readonly FieldSpec[] = [
  { name: 'VmRSS', unit: 'kB', doc: 'Resident pages: RssAnon + RssFile + RssShmem.' },
  { name: 'RssAnon', unit: 'kB', doc: 'Resident anonymous pages (MM_ANONPAGES).' },
  { name: 'RssFile', unit: 'kB', doc: 'Resident page cache pages (MM_FILEPAGES).' },
  { name: 'RssShmem', unit: 'kB', doc: 'Resident shmem pages (MM_SHMEMPAGES).' },
  { name: 'VmSwap', unit: 'kB', doc: 'Swap PTEs (MM_SWAPENTS); shmem pages in swap are not counted.' },
];

export const DEVICE_FIELDS: readonly FieldSpec[] = [
  {
    name: 'discards',
    unit: 'count',
    doc: 'Discard requests issued: one at swapon for `-d`/`--discard=once`, one per cluster discarded after being freed.',
  },
  { name: 'discarded', unit: 'pages', doc: 'Pages those discard requests covered.' },
  { name: 'prio', unit: 'int', doc: 'Priority (si->prio).' },
  { name: 'pages', unit: 'pages', doc: 'Usable slots: size minus the header and bad pages (si->pages).' },
  { name: 'max', unit: 'pages', doc: 'Slots including the header (si->max).' },
  { name: 'inuse', unit: 'pages', doc: 'Slots in use, cache-only ones included (si->inuse_pages).' },
];

export const SWAPS_COLUMNS: readonly FieldSpec[] = [
  {
    name: 'Type',
    unit: 'enum',
    values: ['partition', 'file', 'ghost'],
    doc: '`partition` for a block device, `file` otherwise, `ghost` for a ghost device.',
  },
  { name: 'Size', unit: 'kB', doc: 'Usable size in KiB (header and bad pages excluded).' },
  { name: 'Used', unit: 'kB', doc: 'Used KiB, cache-only slots included.' },
  { name: 'Priority', unit: 'int', doc: 'Priority.' },
];

export const FREE_ROWS: readonly string[] = ['mem', 'swap'];
export const FREE_COLUMNS: readonly FieldSpec[] = [
  { name: 'total', unit: 'kB', doc: 'MemTotal / SwapTotal.' },
  { name: 'used', unit: 'kB', doc: 'MemTotal − MemAvailable (procps-ng 4) / SwapTotal − SwapFree.' },
  { name: 'free', unit: 'kB', doc: 'MemFree / SwapFree.' },
  { name: 'shared', unit: 'kB', doc: 'Shmem (Mem line only).' },
  { name: 'buff/cache', unit: 'kB', doc: 'Buffers + Cached + SReclaimable (Mem line only).' },
  { name: 'available', unit: 'kB', doc: 'MemAvailable (Mem line only).' },
];

export interface ObservableForm {
  readonly keyword: string;
  readonly synopsis: string;
  readonly doc: string;
}

export const OBSERVABLE_FORMS: readonly ObservableForm[] = [
  {
    keyword: 'free',
    synopsis: 'free mem|swap total|used|free|shared|buff/cache|available',
    doc: 'A figure of `free(1)`, in kB (the Swap line has total, used and free).',
  },
  {
    keyword: 'slot',
    synopsis: 'slot DEVICE OFFSET FIELD',
    doc: 'A field of one swap slot (its swap table entry and side tables).',
  },
  { keyword: 'cluster', synopsis: 'cluster DEVICE INDEX FIELD', doc: 'A field of one swap cluster.' },
  {
    keyword: 'task',
    synopsis: 'task NAME FIELD',
    doc: 'A field of a task, or a line of its /proc/PID/pagemap, smaps, smaps_rollup or status.',
  },
  { keyword: 'device', synopsis: 'device PATH FIELD', doc: 'A field of a swap device’s swap_info_struct.' },
  {
    keyword: 'overhead',
    synopsis: 'overhead [DESIGN] STRUCTURE|total|static|dynamic',
    doc: 'Bytes of swap metadata, now, under the configured or a named design.',
  },
  {
    keyword: 'dmesg',
    synopsis: 'dmesg contains TEXT',
    doc: 'The kernel log, one message per line; compare with `contains` / `!contains` (or == for all of it).',
  },
];

// ─── Errno ───────────────────────────────────────────────────────────────────

export interface ErrnoSpec {
  readonly name: string;
  readonly value: number;
  readonly doc: string;
}

export const ERRNOS: readonly ErrnoSpec[] = [
  { name: 'EPERM', value: 1, doc: 'Operation not permitted; swapon past MAX_SWAPFILES.' },
  { name: 'ENOENT', value: 2, doc: 'No such file, cgroup or entry.' },
  { name: 'ESRCH', value: 3, doc: 'No such process (writing an unknown task to cgroup.procs).' },
  { name: 'EINTR', value: 4, doc: 'Interrupted, e.g. swapoff aborted by a signal.' },
  { name: 'EIO', value: 5, doc: 'I/O error, e.g. a ghost read that missed zswap.' },
  { name: 'E2BIG', value: 7, doc: 'Argument too large.' },
  { name: 'EBADF', value: 9, doc: 'Bad file descriptor: a name that `open` did not open, or one already closed.' },
  { name: 'EAGAIN', value: 11, doc: 'Try again: memory.reclaim could not reclaim the full amount.' },
  { name: 'ENOMEM', value: 12, doc: 'Out of memory: swapoff without room to read pages back, failed swap charge.' },
  { name: 'EACCES', value: 13, doc: 'Permission denied.' },
  { name: 'EFAULT', value: 14, doc: 'Bad address: access outside a mapping.' },
  { name: 'EBUSY', value: 16, doc: 'Busy: swapon of an active area, rmdir of a cgroup in use.' },
  { name: 'EEXIST', value: 17, doc: 'Already exists (mkdir of an existing cgroup).' },
  { name: 'ENODEV', value: 19, doc: 'No such device; also an open cgroup file whose cgroup was removed.' },
  { name: 'ENOTDIR', value: 20, doc: 'Not a directory.' },
  {
    name: 'EINVAL',
    value: 22,
    doc: 'Invalid argument: bad value in a file write, swapoff of an inactive area, bad swap header.',
  },
  { name: 'ETXTBSY', value: 26, doc: 'Text file busy: truncating or writing an active swap file.' },
  { name: 'EFBIG', value: 27, doc: 'File too large.' },
  { name: 'ENOSPC', value: 28, doc: 'No space left (no free swap slot).' },
  { name: 'ERANGE', value: 34, doc: 'Result out of range; `cgroup.kill` takes only 1.' },
  { name: 'ENOTEMPTY', value: 39, doc: 'Directory not empty.' },
  { name: 'EOPNOTSUPP', value: 95, doc: 'Operation not supported.' },
];

export function findErrno(name: string): ErrnoSpec | undefined {
  return ERRNOS.find((e) => e.name === name);
}

// ─── Config ──────────────────────────────────────────────────────────────────

export type DesignName = 'legacy' | 'p1' | 'p3' | 'p4' | 'ghost' | 'vswap' | 'vswap-ste';
export const DESIGN_NAMES: readonly DesignName[] = ['legacy', 'p1', 'p3', 'p4', 'ghost', 'vswap', 'vswap-ste'];

export interface ConfigKeySpec {
  readonly key: string;
  readonly syntax: string;
  readonly values?: readonly string[];
  readonly defaultValue: string;
  readonly doc: string;
}

export const CONFIG_KEYS: readonly ConfigKeySpec[] = [
  {
    key: 'design',
    syntax: 'legacy|p1|p3|p4|ghost|vswap|vswap-ste',
    values: DESIGN_NAMES,
    defaultValue: 'the kernel’s own (p4 for 7.2)',
    doc: 'Which swap metadata design to simulate (see the design profiles).',
  },
  {
    key: 'kernel',
    syntax: '6.12|7.2|7.3',
    values: KERNEL_VERSIONS,
    defaultValue: '7.2',
    doc: 'Which mainline release’s behaviour to simulate (allocation policy, defaults, zswap, counters; see docs/kernels.md). Orthogonal to design; without a design the release’s own one is used (6.12: legacy).',
  },
  {
    key: 'device_private',
    syntax: 'on|off',
    values: ['on', 'off'],
    defaultValue: 'the Debian kernel’s (off for 6.12, on for 7.2)',
    doc: 'CONFIG_DEVICE_PRIVATE: device-private entries take swap types, so MAX_SWAPFILES is smaller (27 or 23 for 6.12, 24 for 7.2).',
  },
  {
    key: 'page_size',
    syntax: '4K|16K|64K',
    values: ['4K', '16K', '64K'],
    defaultValue: '4K',
    doc: 'PAGE_SIZE; also the size of one swap slot.',
  },
  {
    key: 'cluster_slots',
    syntax: '256|512|2048|8192',
    values: ['256', '512', '2048', '8192'],
    defaultValue: 'PMD pages (512 for 4K, 2048 for 16K, 8192 for 64K)',
    doc: 'SWAPFILE_CLUSTER: HPAGE_PMD_NR with THP swap, 256 without.',
  },
  {
    key: 'thp_swap',
    syntax: 'on|off',
    values: ['on', 'off'],
    defaultValue: 'on',
    doc: 'CONFIG_THP_SWAP: large folios keep their size in swap; off means 256-slot clusters and order 0 only.',
  },
  { key: 'cpus', syntax: '1..1024', defaultValue: '4', doc: 'Number of CPUs (each has its own swap cluster cache).' },
  {
    key: 'ram',
    syntax: 'SIZE',
    defaultValue: '4G',
    doc: 'RAM size; sets zswap’s pool limit and the ghost device size.',
  },
  {
    key: 'max_swapfiles',
    syntax: '1..32',
    defaultValue: 'from kernel and device_private (24 for 7.2)',
    doc: 'MAX_SWAPFILES: 32 types minus those reserved for special entries (docs/kernel-model.md §1).',
  },
  {
    key: 'seed',
    syntax: 'INTEGER',
    defaultValue: '1',
    doc: 'Seed for every random choice (which pages of a `mix()` hold which content).',
  },
  {
    key: 'stop_on_error',
    syntax: 'yes|no',
    values: ['yes', 'no'],
    defaultValue: 'no',
    doc: 'Stop at the first failed expectation or unexpected errno.',
  },
  {
    key: 'check_invariants',
    syntax: 'yes|no',
    values: ['yes', 'no'],
    defaultValue: 'yes',
    doc: 'Check the simulator’s internal invariants after every step (slower, catches model bugs).',
  },
  {
    key: 'ghost_writeback',
    syntax: 'on|off',
    values: ['on', 'off'],
    defaultValue: 'off',
    doc: 'design=ghost only: model the proposed folio_realloc_swap() and reverse map, so ghost slots can be written to a physical device; off is the RFC as posted (no writeback from a ghost device).',
  },
  {
    key: 'swap_writeback',
    syntax: 'async|sync',
    values: ['async', 'sync'],
    defaultValue: 'async',
    doc: 'When a swap write to a block device or swap file completes. async (as on real hardware): the bio is still in flight when reclaim or MADV_PAGEOUT returns, so shrink_folio_list() keeps the folio in the swap cache, charged, until a later reclaim frees it, a fault maps it back without a read, or its last swap reference goes. sync: the write completes at once and the folio is freed. zram and zswap complete at once either way.',
  },
  {
    key: 'task_memory',
    syntax: 'none|kernel',
    values: ['none', 'kernel'],
    defaultValue: 'none',
    doc: 'What a task charges to its cgroup besides its mappings. none: nothing, and every charge is exact. kernel (what swapsim verify compares with): the process a real task is (stack, .data/.bss, heap, page tables and kernel objects of a small static program, 40 pages on 6.12 and 7.2, of which 6.12 frees 4 at once) is charged when the task starts and uncharged when it ends, and charges go through the per-CPU charge stock: a charge takes MEMCG_CHARGE_BATCH (64) pages from the page counter and keeps the rest for the next charges on that CPU, so memory.current runs up to 63 pages ahead of what is charged (docs/kernels.md).',
  },
  {
    key: 'swap_tiers',
    syntax: 'on|off',
    values: ['on', 'off'],
    defaultValue: 'off',
    doc: 'Model the swap tiers series (Youngjun Park, v9, not merged): /sys/kernel/mm/swap/tiers and memory.swap.tiers.max exist and limit which devices a cgroup swaps to. Off is mainline (no such files).',
  },
];

// ─── Design profiles ─────────────────────────────────────────────────────────

export interface OverheadStructure {
  readonly name: string;
  readonly kind: 'static' | 'dynamic';
  readonly doc: string;
}

export interface DesignProfile {
  readonly name: DesignName;
  readonly title: string;
  readonly status: string;
  readonly doc: string;
  readonly structures: readonly OverheadStructure[];
}

const S = (name: string, doc: string): OverheadStructure => ({ name, kind: 'static', doc });
const D = (name: string, doc: string): OverheadStructure => ({ name, kind: 'dynamic', doc });

// Structure names are those of the simulator's overhead model (server/sim/designs/overhead.ts).
const zswapEntry = D('zswap_entry', 'About 48 bytes per page stored in zswap, plus the compressed data.');
const zswapTree = D('zswap_tree', 'XArray slots indexing zswap entries by swap offset, about 8 bytes per stored page.');
const swapTable = D('swap_table', 'One table (8 bytes per slot) per cluster with at least one used or bad slot.');
const memcgTable = D('memcg_table', '2 bytes per slot, per cluster with a table.');
const extendTable = D('extend_table', '4 bytes per slot, per cluster with a swap count above what the table holds.');
const zeroBitmap = D(
  'zero_bitmap',
  '1 bit per slot, per cluster with a table, only where the table has no spare zero bit.',
);
const dynClusters = D('xarray_nodes', 'XArray nodes indexing dynamically allocated clusters of the virtual device.');

export const DESIGNS: readonly DesignProfile[] = [
  {
    name: 'legacy',
    title: 'Legacy (≤ 6.17)',
    status: 'mainline until 6.17',
    doc: 'swap_map byte per slot, swap_cgroup array, zeromap bitmap, swap cache in XArrays per 64 MiB.',
    structures: [
      S('swap_map', '1 byte per slot: count, cache bit, continuation bit.'),
      S('swap_cgroup', '2 bytes per slot: memcg id of each slot.'),
      S('zeromap', '1 bit per slot: zero-filled pages.'),
      S('cluster_info', 'About 24 bytes per cluster.'),
      D('swapcache_xarray', 'XArray nodes of the swap cache, about 9 bytes per cached or shadowed slot.'),
      D('continuation_pages', 'Count continuation pages for counts above 62.'),
      zswapEntry,
      zswapTree,
    ],
  },
  {
    name: 'p1',
    title: 'Swap table phases I–II (6.18, 7.0)',
    status: 'merged for 6.18 (P1) and 7.0 (P2)',
    doc: 'Per-cluster swap table of folio pointers and shadows replaces the swap cache XArray; swap_map, swap_cgroup and zeromap stay.',
    structures: [
      S('swap_map', '1 byte per slot.'),
      S('swap_cgroup', '2 bytes per slot.'),
      S('zeromap', '1 bit per slot.'),
      S('cluster_info', 'About 32 bytes per cluster.'),
      swapTable,
      D('continuation_pages', 'Count continuation pages for counts above 62.'),
      zswapEntry,
      zswapTree,
    ],
  },
  {
    name: 'p3',
    title: 'Swap table phase III (7.1)',
    status: 'merged for 7.1',
    doc: 'The swap count moves into the table; swap_map and its continuation pages are gone, overflow goes to a per-cluster extend_table.',
    structures: [
      S('swap_cgroup', '2 bytes per slot.'),
      S('zeromap', '1 bit per slot.'),
      S('cluster_info', 'About 40 bytes per cluster.'),
      swapTable,
      extendTable,
      zswapEntry,
      zswapTree,
    ],
  },
  {
    name: 'p4',
    title: 'Swap table phase IV (7.2, default)',
    status: 'in mm-stable for 7.2',
    doc: 'memcg ids in a per-cluster memcg_table and the zero flag in the table: no static per-slot arrays remain.',
    structures: [
      S('cluster_info', '48 bytes per cluster.'),
      swapTable,
      memcgTable,
      extendTable,
      zeroBitmap,
      zswapEntry,
      zswapTree,
    ],
  },
  {
    name: 'ghost',
    title: 'Ghost swapfile RFC (Feb 2026)',
    status: 'RFC, not merged',
    doc: 'P4 RFC plus `/dev/ghostswap`: a virtual device sized 8 × RAM whose clusters are allocated on demand; only zswap can hold its data. The memcg id lives in the table.',
    structures: [
      S('cluster_info', 'Clusters of physical devices, 48 bytes each; ghost clusters are allocated on demand.'),
      dynClusters,
      swapTable,
      extendTable,
      zeroBitmap,
      D('virtual_table', '8 bytes per slot of each ghost cluster with a table (a placeholder in the RFC).'),
      zswapEntry,
      zswapTree,
    ],
  },
  {
    name: 'vswap',
    title: 'Virtual swap space v3 (Feb 2026)',
    status: 'patch series, not merged',
    doc: 'Page tables hold virtual entries; a 24-byte descriptor per entry points to its backend (zero, zswap, disk slot or folio).',
    structures: [
      S('cluster_info', 'Clusters of physical devices.'),
      S('vswap_bitmaps', 'Allocated and bad bitmaps of physical devices, 2 bits per slot.'),
      D('rmap', 'Reverse map from physical slots to virtual entries.'),
      D('swp_desc', '24 bytes per virtual swap entry in use.'),
      zswapEntry,
    ],
  },
  {
    name: 'vswap-ste',
    title: 'Virtual swap, Swap Table Edition (RFC, May–Jun 2026)',
    status: 'RFC, not merged',
    doc: 'One virtual device built on the swap table: table, memcg_table and an 8-byte virtual_table per slot; physical slots hold pointer entries back.',
    structures: [
      S('cluster_info', '48 bytes per physical cluster; virtual clusters are allocated on demand.'),
      dynClusters,
      swapTable,
      memcgTable,
      extendTable,
      zeroBitmap,
      D('virtual_table', '8 bytes per slot, per virtual cluster with a table.'),
      D('rmap', 'Pointer entries in physical tables, 8 bytes per disk-backed slot.'),
      zswapEntry,
      zswapTree,
    ],
  },
];

export function findDesign(name: string): DesignProfile | undefined {
  return DESIGNS.find((d) => d.name === name);
}

/** Overhead words accepted besides structure names. */
export const OVERHEAD_TOTALS: readonly string[] = ['total', 'static', 'dynamic'];

// ─── Content ─────────────────────────────────────────────────────────────────

export const CONTENT_KINDS: readonly { name: string; doc: string }[] = [
  { name: 'zero', doc: 'All-zero pages: swapped out by setting the zero flag, no I/O and no zswap.' },
  { name: 'compressible', doc: 'Pages that compress to RATIO of their size (`compressible:0.3`; default 0.33).' },
  { name: 'incompressible', doc: 'Random-looking pages: zswap stores them raw or rejects them.' },
  {
    name: 'same',
    doc: 'Pages filled with one repeated non-zero word: zram keeps only the word (same_pages), zswap compresses them to a few bytes.',
  },
];

/** Compression ratio of a bare `compressible` (roughly what lzo/zstd get on typical anon memory). */
export const DEFAULT_COMPRESSIBLE_RATIO = 0.33;
