/**
 * Random kernel operations for the invariant test: a seeded generator that
 * picks what a scenario could do next, shaped by the design profile's
 * capabilities (docs/kernel-model.md §8), never by how the simulator implements
 * them: /dev/ghostswap where the design has it (and a refused attempt where
 * it does not), physical devices beside it, zswap with every kind of
 * content, swapoff of physical devices, memory.zswap.writeback toggles,
 * cgroups removed while they own swap.
 *
 * It keeps the machine under pressure without drowning it: past a
 * footprint of one RAM's worth of mapped pages it leans toward exits and
 * unmaps, and memory.high is kept to short episodes near the usage (see
 * `limit`). Unbounded growth and long-lived low memory.high limits made
 * the old generator spend most of its time in a few reclaim storms.
 */
import { Kernel } from '../../server/sim/kernel';
import type { ContentSpec } from '../../server/sim/content';
import { designDescriptor, type DesignCapabilities } from '../../server/sim/designs/profiles';
import { writeFile } from '../../server/sim/vfs';

export interface RandomOp {
  /** `kind args…`; the first word is the operation kind the statistics group by. */
  name: string;
  run: (k: Kernel) => void;
}

const CONTENTS: ContentSpec[] = [
  [{ content: { kind: 'zero' }, percent: 100 }],
  [{ content: { kind: 'incompressible' }, percent: 100 }],
  [{ content: { kind: 'compressible', ratio: 0.3 }, percent: 100 }],
  [
    { content: { kind: 'zero' }, percent: 30 },
    { content: { kind: 'compressible', ratio: 0.5 }, percent: 40 },
    { content: { kind: 'incompressible' }, percent: 30 },
  ],
  // same-filled pages: zram keeps only the word
  [
    { content: { kind: 'same' }, percent: 40 },
    { content: { kind: 'compressible', ratio: 0.9 }, percent: 60 },
  ],
];

/** The ghost RFC's device name (docs/kernel-model.md §8). */
const GHOST_PATH = '/dev/ghostswap';
const PHYSICAL_PATHS = 5;

/** Live tasks beyond which no task is created or forked. */
const MAX_TASKS = 24;

/** Everything a builder needs to pick its arguments. */
interface Ctx {
  r: () => number;
  k: Kernel;
  caps: DesignCapabilities;
  pick: <T>(xs: readonly T[]) => T;
  int: (lo: number, hi: number) => number;
  alive: string[];
  cgroups: string[];
  /** Non-root cgroups. */
  children: string[];
  task: string;
  region: string;
  from: number;
  to: number;
  crowded: boolean;
}

type Builder = (c: Ctx) => RandomOp | null;

const swapon: Builder = (c) => {
  // under the ghost RFC the ghost device is the usual first swap device; physical ones join it.
  // Elsewhere an occasional attempt checks that the kernel refuses it cleanly.
  const ghost = c.r() < (c.caps.supportsGhostDevice ? 0.25 : 0.02);
  const prio = c.r() < 0.5 ? undefined : c.int(-1, 3);
  if (ghost)
    return {
      name: `ghost-swapon ${GHOST_PATH}`,
      run: (k) => void k.swaponDevice({ path: GHOST_PATH, kind: 'ghost', sizeBytes: 0, prio }),
    };
  const kind = c.pick(['partition', 'partition', 'file', 'zram'] as const);
  const path = kind === 'zram' ? `/dev/zram${c.int(0, 1)}` : `/dev/sw${c.int(0, PHYSICAL_PATHS - 1)}`;
  // mostly small (full devices, fragmentation); some with room for PMD-sized THP swapout
  const sizeBytes = (c.r() < 0.15 ? c.int(24, 64) : c.int(2, 24)) * 128 * 4096;
  const rotational = c.r() < 0.3;
  const discard = c.r() < 0.2 ? c.pick(['pages', 'once', 'both'] as const) : undefined;
  return {
    name: `swapon ${path}`,
    run: (k) => void k.swaponDevice({ path, kind, sizeBytes, prio, rotational, discard }),
  };
};

const swapoff: Builder = (c) => {
  // physical devices mostly: under virtual designs that moves every entry they back
  const all = c.k.swap.devices;
  const physical = all.filter((d) => d.kind !== 'ghost' && d.kind !== 'vswap');
  const devs = physical.length && c.r() < 0.85 ? physical : all;
  if (!devs.length) return null;
  const path = c.pick(devs).path;
  const signalAfterPages = c.r() < 0.3 ? c.int(0, 20) : undefined;
  return { name: `swapoff ${path}`, run: (k) => k.swapoffDevice(path, { signalAfterPages }) };
};

const mkdir: Builder = (c) => {
  const parent = c.pick(c.cgroups);
  const path = (parent ? parent + '/' : '') + `g${c.int(0, 3)}`;
  return { name: `mkdir ${path}`, run: (k) => void k.mkdir(path) };
};

const rmdir: Builder = (c) => {
  if (!c.children.length) return null;
  const path = c.pick(c.children);
  return { name: `rmdir ${path}`, run: (k) => void k.rmdir(path) };
};

/**
 * Move every task out of a cgroup, then remove it: the cgroup dies still
 * owning swap slots and zswap entries (docs/kernel-model.md §7.5), the state the
 * reparenting rules of the designs differ on.
 */
const evacuateAndRmdir: Builder = (c) => {
  if (!c.children.length) return null;
  const path = c.pick(c.children);
  return {
    name: `evacuate ${path}`,
    run: (k) => {
      const m = k.cgroup(path);
      // to the root: the parent gives memory to this child, so it takes no task (no internal processes)
      for (const t of k.mm.tasks.values()) if (t.state === 'alive' && t.memcg === m.id) k.moveTask(t.name, '');
      k.rmdir(path);
    },
  };
};

/** Open files of the peak files (fd names p0..p3): the per-fd reset state of peak_write(). */
const openPeak: Builder = (c) => {
  if (!c.children.length) return null;
  const name = `p${c.int(0, 3)}`;
  const path = `${c.pick(c.children)}/${c.pick(['memory.peak', 'memory.swap.peak'])}`;
  return { name: `open ${name} ${path}`, run: (k) => void k.openFile(name, path) };
};

const closeFd: Builder = (c) => {
  const name = `p${c.int(0, 3)}`;
  return { name: `close ${name}`, run: (k) => k.closeFile(name) };
};

/** A peak reset through an open fd, or by path (a transient fd). */
const peakReset: Builder = (c) => {
  const open = [...c.k.files.byName.values()];
  if (open.length && c.r() < 0.7) {
    const f = c.pick(open);
    return { name: `peak-reset &${f.name}`, run: (k) => writeFile(k, f.path, 'reset', k.files.use(f.name)) };
  }
  if (!c.children.length) return null;
  const path = `${c.pick(c.children)}/${c.pick(['memory.peak', 'memory.swap.peak'])}`;
  return { name: `peak-reset ${path}`, run: (k) => writeFile(k, path, 'reset') };
};

/** +memory / -memory on a cgroup's subtree_control (EBUSY with tasks or children). */
const subtreeControl: Builder = (c) => {
  const cg = c.pick(c.cgroups);
  const text = c.r() < 0.5 ? '+memory' : '-memory';
  return {
    name: `subtree_control ${cg} ${text}`,
    run: (k) => writeFile(k, `${cg === '' ? '/sys/fs/cgroup' : cg}/cgroup.subtree_control`, text),
  };
};

const cgroupKill: Builder = (c) => {
  if (!c.children.length) return null;
  const cg = c.pick(c.children);
  return { name: `cgroup.kill ${cg}`, run: (k) => k.cgroupKill(cg) };
};

const oomGroup: Builder = (c) => {
  if (!c.children.length) return null;
  const cg = c.pick(c.children);
  const on = c.r() < 0.5;
  return { name: `oom.group ${cg}=${on}`, run: (k) => k.setOomGroup(cg, on) };
};

const createTask: Builder = (c) => {
  if (c.alive.length >= MAX_TASKS) return null;
  const name = `t${c.k.mm.tasks.size}`;
  const cg = c.pick(c.cgroups);
  const cpu = c.int(0, c.k.geom.cpus - 1);
  return { name: `task ${name}`, run: (k) => void k.createTask(name, cg, cpu) };
};

const moveTask: Builder = (c) => {
  const cg = c.pick(c.cgroups);
  const task = c.task;
  return { name: `move ${task}`, run: (k) => k.moveTask(task, cg) };
};

const mmap: Builder = (c) => {
  const name = `r${c.int(0, 3)}`;
  // now and then a PMD-sized THP mapping (THP swapout, split fallback); mostly small mTHP or base pages
  const pmd = c.r() < 0.04;
  const order = pmd ? c.k.geom.pmdOrder : c.pick([0, 0, 0, 2, 4]);
  const pages = pmd ? 1 << c.k.geom.pmdOrder : c.int(1, 96);
  // virtual designs choose the backend at writeout: feed them every kind of content
  const content = c.pick(CONTENTS);
  const populate = c.r() < 0.8;
  const task = c.task;
  return { name: `mmap ${task} ${name}`, run: (k) => void k.mmap(task, name, pages, { order, content, populate }) };
};

const touch: Builder = (c) => {
  const write = c.r() < 0.4;
  const { task, region, from, to } = c;
  return { name: `touch ${task} ${region} ${from}..${to}`, run: (k) => k.touch(task, region, from, to, write) };
};

const pageout: Builder = (c) => {
  const { task, region, from, to } = c;
  return { name: `pageout ${task} ${region} ${from}..${to}`, run: (k) => void k.pageout(task, region, from, to) };
};

const munmap: Builder = (c) => {
  const a = c.r() < 0.5 ? undefined : c.from;
  const b = c.r() < 0.5 ? undefined : c.to;
  const { task, region } = c;
  return { name: `munmap ${task} ${region}`, run: (k) => k.munmap(task, region, a, b) };
};

/** MADV_COLD, MADV_FREE or MADV_DONTNEED on a sub-range (process_madvise for pageout and cold). */
const madvise: Builder = (c) => {
  const { task, region, from, to } = c;
  const advice = c.pick(['cold', 'free', 'free', 'dontneed', 'pageout'] as const);
  const remote = (advice === 'cold' || advice === 'pageout') && c.r() < 0.3;
  return {
    name: `madvise ${task} ${region} ${from}..${to} ${advice}${remote ? ' (process_madvise)' : ''}`,
    run: (k) => (remote ? k.processMadvise(task, region, advice, from, to) : k.madvise(task, region, advice, from, to)),
  };
};

/** mlock or munlock of a whole region. */
const mlock: Builder = (c) => {
  const { task, region } = c;
  const lock = c.r() < 0.6;
  return { name: `mlock ${task} ${region} ${lock ? 'lock' : 'unlock'}`, run: (k) => k.mlock(task, region, lock) };
};

/** mremap of a whole region to between half and twice its size, in whole folios. */
const mremap: Builder = (c) => {
  const { task, region } = c;
  const v = c.k.mm.tasks.get(task)?.vmas.get(region);
  if (!v) return null;
  const nr = 1 << v.order;
  const folios = Math.max(1, Math.round((v.nrPages / nr) * (0.5 + c.r() * 1.5)));
  return { name: `mremap ${task} ${region} ${folios * nr}`, run: (k) => k.mremap(task, region, folios * nr) };
};

const fork: Builder = (c) => {
  if (c.crowded || c.alive.length >= MAX_TASKS) return null;
  const child = `t${c.k.mm.tasks.size}`;
  const task = c.task;
  return { name: `fork ${task} ${child}`, run: (k) => void k.fork(task, child) };
};

const exit: Builder = (c) => {
  const task = c.task;
  return { name: `exit ${task}`, run: (k) => k.exit(task) };
};

/**
 * Limit writes. memory.high is lifted, or set close to the cgroup's usage:
 * the simulator reclaims a cgroup's whole overage on every charge
 * (memcontrol.ts handleOverHigh, where the kernel batches charges and
 * reclaims on return to user space), so a memory.high far below the usage
 * of memory that cannot be reclaimed turns each page fault into a scan of
 * the cgroup's LRU; a few such cgroups used to cost more than everything
 * else the test does. So a memory.high also gets lifted again soon
 * (`liftHigh`). Tiny memory.max limits stay: they end in OOM kills.
 */
const limit: Builder = (c) => {
  if (!c.children.length) return null;
  const cg = c.pick(c.children);
  const file = c.pick(['memory.max', 'memory.swap.max', 'memory.high', 'memory.swap.high'] as const);
  const roll = c.r();
  let pages: number;
  if (file === 'memory.high') {
    const usage = c.k.memcgs.lookup(cg)?.memory.usage ?? 0;
    pages = roll < 0.6 ? Kernel.MAX : Math.max(0, usage + c.int(-16, 64));
  } else {
    pages = roll < 0.3 ? Kernel.MAX : roll < 0.4 ? c.int(0, 16) : c.int(32, 600);
  }
  return { name: `limit ${cg} ${file}=${pages}`, run: (k) => k.setLimit(cg, file, pages) };
};

/** Lift a finite memory.high again, so that the over-high state stays an episode. */
const liftHigh: Builder = (c) => {
  const capped = c.children.filter((p) => c.k.memcgs.lookup(p)!.memory.high !== Kernel.MAX);
  if (!capped.length) return null;
  const cg = c.pick(capped);
  return { name: `limit ${cg} memory.high=max`, run: (k) => k.setLimit(cg, 'memory.high', Kernel.MAX) };
};

const reclaim: Builder = (c) => {
  const cg = c.pick(c.cgroups);
  const pages = c.int(1, 200);
  return { name: `reclaim ${cg} ${pages}`, run: (k) => void k.proactiveReclaim(cg, pages) };
};

const zswapEnable: Builder = (c) => {
  // virtual designs lean on zswap as a backend: keep it on more often there
  const on = c.r() < (c.caps.zswapHeldByVirtualLayer ? 0.85 : 0.7);
  return { name: `zswap enabled=${on}`, run: (k) => k.setZswapParam('enabled', on) };
};

const zswapPool: Builder = (c) => {
  const pct = c.int(0, 30);
  return { name: `zswap max_pool_percent=${pct}`, run: (k) => k.setZswapParam('max_pool_percent', pct) };
};

const zswapWriteback: Builder = (c) => {
  if (!c.children.length) return null;
  const cg = c.pick(c.children);
  const on = c.r() < 0.5;
  return { name: `zswap.writeback ${cg}=${on}`, run: (k) => k.setZswapWriteback(cg, on) };
};

const zswapShrink: Builder = (c) => {
  const nr = c.int(1, 50);
  return { name: `zswap-shrink ${nr}`, run: (k) => void k.zswapShrink(nr) };
};

const discard: Builder = () => ({ name: 'discard', run: (k) => k.runDiscard() });

/**
 * zram's sysfs files: a small mem_limit (writes fail with ENOMEM and the
 * folio stays in the swap cache), idle marking and writeback of idle or
 * huge pages to a backing device, a backing device or disksize set before
 * swapon, and resets (EBUSY while swapped on).
 */
const zramAttr: Builder = (c) => {
  const dev = `zram${c.int(0, 1)}`;
  // a device not yet set up mostly gets its backing device, so writeback has somewhere to go
  const z = c.k.zram.devices.get(`/dev/${dev}`);
  // a device not yet set up mostly gets its backing device, so writeback has somewhere to go; one with a backing device mostly writes back
  const file =
    !z?.initialized && c.r() < 0.6
      ? 'backing_dev'
      : z?.backingDev && c.r() < 0.5
        ? c.pick(['idle', 'writeback'] as const)
        : c.pick(['mem_limit', 'idle', 'writeback', 'backing_dev', 'disksize', 'reset', 'mem_used_max'] as const);
  const values: Record<typeof file, () => string> = {
    mem_limit: () => (c.r() < 0.5 ? '0' : `${c.int(1, 64) * 4}K`),
    idle: () => 'all',
    writeback: () => c.pick(['idle', 'huge', 'huge_idle']),
    backing_dev: () => '/dev/sdz',
    disksize: () => `${c.int(1, 8)}M`,
    reset: () => '1',
    mem_used_max: () => '0',
  };
  const text = values[file]();
  const path = `/sys/block/${dev}/${file}`;
  return { name: `zram ${dev} ${file}=${text}`, run: (k) => writeFile(k, path, text) };
};

/** Names and start priorities near the devices' (−1..3), so splits meet active devices. */
const TIER_NAMES = ['FAST', 'MID', 'SLOW'] as const;

/**
 * A batch for /sys/kernel/mm/swap/tiers, mostly well formed against the
 * current tiers (new names at free priorities, removals of existing ones),
 * so many writes apply; the rest meet EBUSY (a device in the way), EEXIST
 * or the −1 coverage rule and must roll back whole.
 */
const tiersWrite: Builder = (c) => {
  const live = c.k.tiers?.list.map((t) => t.name) ?? [];
  const ops: string[] = [];
  if (live.length === 0) ops.push('+SLOW:-1');
  for (let i = c.int(0, 2); i > 0; i--) {
    const absent = TIER_NAMES.filter((n) => !live.includes(n));
    if (live.length > 0 && (absent.length === 0 || c.r() < 0.4)) ops.push(`-${c.pick(live)}`);
    else ops.push(`+${c.pick(c.r() < 0.9 && absent.length > 0 ? absent : TIER_NAMES)}:${c.int(-1, 3)}`);
  }
  if (ops.length === 0) ops.push(`-${c.pick(live)}`);
  const text = ops.join(c.r() < 0.5 ? ',' : ' ');
  return { name: `tiers ${text}`, run: (k) => k.writeSwapTiers(text) };
};

const tierMax: Builder = (c) => {
  if (!c.children.length) return null;
  const cg = c.pick(c.children);
  const text = `${c.pick(TIER_NAMES)} ${c.r() < 0.5 ? 'max' : '0'}`;
  return { name: `swap.tiers.max ${cg} ${text}`, run: (k) => k.setSwapTierMax(cg, text) };
};

/** Swap files f0..f3, on / or on a btrfs or minix mount: made one way or another, given a header, swapped on. */
const swapFile: Builder = (c) => {
  const dir = c.pick(['', '/btr', '/mnx']);
  const path = `${dir}/f${c.int(0, 3)}`;
  const fill = c.pick(['written', 'written', 'unwritten', 'hole'] as const);
  const pages = c.int(4, 48) * 16;
  const nocow = c.r() < 0.7;
  const claim = c.r() < 0.1 ? pages + c.int(1, 64) : undefined;
  const flags = c.r() < 0.5 ? 0 : 0x8000 | c.int(0, 3);
  return {
    name: `swapfile ${path}`,
    run: (k) => {
      if (dir !== '' && !k.fs.mounts.has(dir))
        k.mount(dir, dir === '/btr' ? 'btrfs' : 'minix', dir === '/btr' ? k.geom.pageSize : 1024, dir.slice(1));
      if (nocow && dir === '/btr') {
        k.makeFile(path, 0, 'hole');
        k.setNocow(path);
      }
      k.makeFile(path, pages * k.geom.pageSize, fill);
      k.mkswap(path, { pages: claim, force: claim !== undefined });
      k.swaponFile(path, flags);
    },
  };
};

/** rm and truncate of the files: EPERM and ETXTBSY while one is a swap area. */
const fileOp: Builder = (c) => {
  const files = [...c.k.fs.files.keys()];
  if (!files.length) return null;
  const path = c.pick(files);
  if (c.r() < 0.5) return { name: `rm ${path}`, run: (k) => k.unlinkSwapFile(path) };
  const bytes = c.int(0, 64) * c.k.geom.pageSize;
  return { name: `truncate ${path}`, run: (k) => k.truncateFile(path, bytes) };
};

/** A stretch as another user: the privileged operations fail (EPERM, EACCES) and change nothing. */
const asUser: Builder = (c) => {
  const dev = c.k.swap.devices.find((d) => d.kind !== 'vswap');
  const uid = c.pick([65534, 1000, 0]);
  return {
    name: `user ${uid}`,
    run: (k) => {
      k.setCred(uid, false);
      try {
        if (dev) k.swapoffDevice(dev.path);
        else k.mkdir('denied');
      } finally {
        k.setCred(0, true);
      }
    },
  };
};

const dmesgClear: Builder = () => ({ name: 'dmesg -C', run: (k) => k.clearDmesg() });

/** Relative weights (per 1000) of each operation in a calm machine. */
const TABLE: readonly (readonly [number, Builder])[] = [
  [50, swapon],
  [30, swapoff],
  [30, mkdir],
  [12, rmdir],
  [8, evacuateAndRmdir],
  [50, createTask],
  [20, moveTask],
  [100, mmap],
  [150, touch],
  [170, pageout],
  [40, munmap],
  [40, madvise],
  [10, mlock],
  [10, mremap],
  [40, fork],
  [30, exit],
  [60, limit],
  [25, liftHigh],
  [40, reclaim],
  [40, zswapEnable],
  [20, zswapPool],
  [30, zswapWriteback],
  [20, zswapShrink],
  [10, discard],
  [25, zramAttr],
  [12, tiersWrite],
  [12, tierMax],
  [8, openPeak],
  [4, closeFd],
  [12, peakReset],
  [6, subtreeControl],
  [2, cgroupKill],
  [6, oomGroup],
  [14, swapFile],
  [6, fileOp],
  [4, asUser],
  [2, dmesgClear],
];
const TABLE_TOTAL = TABLE.reduce((n, [w]) => n + w, 0);

/** Pages mapped by live tasks (what exits and unmaps would give back). */
function footprint(k: Kernel): number {
  let n = 0;
  for (const t of k.mm.tasks.values()) if (t.state === 'alive') for (const v of t.vmas.values()) n += v.nrPages;
  return n;
}

/** The next operation for `k`, drawn from `r`. Deterministic in (r's state, k's state). */
export function nextOp(r: () => number, k: Kernel): RandomOp {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const alive = [...k.mm.tasks.values()].filter((t) => t.state === 'alive').map((t) => t.name);
  const cgroups = [...k.memcgs.byPath.keys()];
  const task = alive.length ? pick(alive) : 'nobody';
  const regions = [...(k.mm.tasks.get(task)?.vmas.keys() ?? [])];
  const region = regions.length ? pick(regions) : 'r0';
  const n = k.mm.tasks.get(task)?.vmas.get(region)?.nrPages ?? 1;
  const from = int(0, Math.max(0, n - 1));
  const to = int(from + 1, n);
  const crowded = footprint(k) > k.geom.ramPages;
  const c: Ctx = {
    r,
    k,
    caps: designDescriptor(k.design).capabilities,
    pick,
    int,
    alive,
    cgroups,
    children: cgroups.filter((p) => p !== ''),
    task,
    region,
    from,
    to,
    crowded,
  };
  if (alive.length === 0) return createTask(c) ?? discard(c)!;
  // a crowded machine frees memory a third of the time
  if (crowded && r() < 0.35) return (r() < 0.5 ? exit(c) : munmap(c))!;
  let roll = r() * TABLE_TOTAL;
  for (const [w, build] of TABLE) {
    roll -= w;
    if (roll < 0) return build(c) ?? touch(c)!;
  }
  return discard(c)!;
}
