/**
 * The simulated machine: every subsystem's state and the operations a
 * scenario performs on it. Each public operation is a transaction: if it
 * fails, the journal rolls everything it did back (unless the kernel itself
 * keeps partial progress, e.g. an interrupted swapoff).
 */
import { DEFAULT_CONTENT, hash32, type ContentSpec } from './content';
import { ERRNO, KernelError, fail, type ErrnoName } from './errno';
import { EventLog } from './events';
import { FolioTable, PG_mlocked, PG_swapcache } from './folio';
import { makeGeometry, type Geometry, type GeometryConfig } from './geometry';
import { Journal } from './journal';
import { KernelMemory } from './kmem';
import {
  MEMCG_MAX,
  MemcgTree,
  cgroupProcs,
  memoryHighWrite,
  memoryMaxWrite,
  normalizeCgroupPath,
  oomGroupOf,
  peakWrite,
  selectOomVictim,
  userProactiveReclaim,
  type Memcg,
} from './memcontrol';
import { OpenFiles, type OpenFile } from './open_files';
import { migrateVetDst, openFile as openFileAt } from './vfs';
import { ROOT_CRED, requireRootOwner, requireSysAdmin, type Cred } from './cred';
import { FileSystems, type FileFill, type FsType } from './files';
import {
  checkMount,
  checkSwapFlags,
  decodeSwapFlags,
  makeFile,
  mkswap,
  setNocow,
  swaponFile,
  swaponMessage,
  type MkswapOptions,
} from './swapon_file';
import { MemoryOps } from './memory';
import { PAGE_DATA_MAX, fillPresent, type FillValue } from './page_data';
import { PROCESS_ADVICES, madviseCold, madviseFree, mlockVma, mremapVma, munlockVma, type Advice } from './madvise';
import { MmState, PTE_NONE, pteIsSwap, pteEntry, type Task, type Vma } from './mm';
import { PageAllocator } from './page_alloc';
import { SwapIo } from './page_io';
import { cacheAccount, folioFreeSwap, swapCacheDelFolio, swapCacheLookup, tryToReclaimSwap } from './swap_state';
import { swpOffset, swpType, type SwpEntry } from './swap_entry';
import { Swap, VSWAP_PATH, type SwapInfo, type SwaponParams } from './swapfile';
import { VtTag } from './cluster';
import { setVt, virtualRangeFreed } from './virtual_layer';
import { unuseByRmap } from './virtual_swapoff';
import { SWAPPINESS_ANON_ONLY, Vmscan } from './vmscan';
import { Vmstat } from './vmstat';
import { ZSWAP_COMPRESSORS, Zswap, shrinkMemcg, shrinkWorker, zswapWritebackEntry, type ZswapParams } from './zswap';
import { designDescriptor, type DesignProfile } from './designs/profiles';
import {
  DEFAULT_KERNEL_VERSION,
  kernelBehaviour,
  maxSwapfiles,
  type KernelBehaviour,
  type KernelVersion,
  type TaskImage,
} from './kernel_version';
import { SwapTiers, folioTierEffectiveMask, swapTierMaxWrite } from './swap_tier';
import { SwapMetaRam } from './swap_meta_ram';
import { Zram, type ZramDevice } from './zram';
import { PageCache, balanceDirtyPages, dropCaches, fileAt, fsOf, runFlusher, writeback } from './filemap';
import { fileReadPages, fileWritePages, truncateFile } from './file_ops';
import { shmemUnuse, type ShmemHugeMode, type ShmemSizeMode } from './shmem';

export interface KernelConfig extends GeometryConfig {
  /** Design profile: which kernel (or posted series) the metadata follows. */
  design?: DesignProfile;
  /** Mainline release whose behaviour is simulated (kernel_version.ts); default 7.2. */
  kernel?: KernelVersion;
  /** Seed for everything that looks random (content mixes). */
  seed?: number;
  /** Run the invariant checker after every operation. */
  checkInvariants?: boolean;
  /**
   * Ghost profile only: model the proposed folio_realloc_swap() and
   * reverse map (docs/kernel-model.md §8.1 "Later plans"), so a ghost slot can be
   * written to a physical slot. Off by default: the RFC as posted.
   */
  ghostWriteback?: boolean;
  /**
   * Model the swap tiers series (docs/kernel-model.md §8.4, swap_tier.ts):
   * /sys/kernel/mm/swap/tiers and memory.swap.tiers.max exist and restrict
   * allocation. Off by default: mainline has no tiers.
   */
  swapTiers?: boolean;
  /**
   * When a swap write to a block device or swap file completes: `async` (the
   * default, as on real hardware) submits the bio and leaves the folio in the
   * swap cache under writeback when pageout() returns, for a later reclaim,
   * fault or unmap to find; `sync` completes it at once and frees the folio,
   * as if every device were SWP_SYNCHRONOUS_IO for writes.
   */
  swapWriteback?: 'async' | 'sync';
  /**
   * What a task charges besides its mappings: `none` (the default) charges
   * nothing else, page by page exactly; `kernel` charges the task's own
   * process (KernelBehaviour.taskImage) and passes charges through the
   * per-CPU charge stock (memcontrol.ts, consumeStock()).
   */
  taskMemory?: 'none' | 'kernel';
}

/** THP policy words (mm/huge_memory.c enabled_store(), thpsize_enabled_store()). */
export type ThpMode = 'always' | 'madvise' | 'never';
export type ThpSizeMode = ThpMode | 'inherit';

export interface KernelMark {
  journal: number;
  events: number;
}

export interface VmaRaState {
  prevIdx: number;
  win: number;
}

export interface MmapOptions {
  order?: number;
  content?: ContentSpec;
  populate?: boolean;
  mlock?: boolean;
  /** MAP_SHARED (of a file, or anonymous: an unnamed shmem file). */
  shared?: boolean;
  /** Map this file (its page `offsetPages` at the start of the mapping). */
  file?: string;
  offsetPages?: number;
}

/** Who does a file operation: the task whose memcg the page cache is charged to (none: the root cgroup). */
export interface FileOpOptions {
  task?: string;
  /** What the written bytes hold (what `dd if=` reads); default: the file's content so far. */
  content?: ContentSpec;
}

export class Kernel {
  readonly j = new Journal();
  readonly log = new EventLog();
  readonly geom: Geometry;
  readonly design: DesignProfile;
  /** Every version-dependent behaviour, from one table (kernel_version.ts). */
  readonly kv: KernelBehaviour;
  readonly seed: number;
  readonly swap: Swap;
  readonly pages: PageAllocator;
  readonly folios: FolioTable;
  readonly mm: MmState;
  readonly memcgs: MemcgTree;
  readonly zswap: Zswap;
  readonly vmstat: Vmstat;
  readonly io: SwapIo;
  readonly vmscan: Vmscan;
  readonly mem: MemoryOps;
  /** Files the scenario holds open by name (open_files.ts). */
  readonly files: OpenFiles;
  /** Mounted file systems and their regular files (files.ts). */
  readonly fs: FileSystems;
  /** The credentials statements run with (cred.ts): uid and CAP_SYS_ADMIN. */
  readonly cred: Cred = { ...ROOT_CRED };
  /** The kernel log ring buffer, oldest first (printk()). */
  readonly dmesg: string[] = [];
  /** Kernel memory pools (vmalloc, slab, zsmalloc) taken from the page allocator. */
  readonly kmem: KernelMemory;
  /** The design's swap metadata, held in `kmem`. */
  readonly swapMeta: SwapMetaRam;
  /** zram block devices (/sys/block/zram<N>). */
  readonly zram: Zram;
  /** Files and their cached pages (filemap.ts; tmpfs files are shmem, shmem.ts). */
  readonly pagecache: PageCache;
  /** Ghost profile: ghost slots can get a physical backing (KernelConfig.ghostWriteback). */
  readonly ghostWriteback: boolean;
  /** Writes to a device without SWP_SYNCHRONOUS_IO are in flight when pageout() returns (KernelConfig.swapWriteback). */
  readonly asyncSwapWriteback: boolean;
  /** Swap tiers state, or null when the series is not modelled (KernelConfig.swapTiers). */
  readonly tiers: SwapTiers | null;
  /** vswap-ste: swap charges follow the physical backing, not the virtual slot (profile's virtualChargeRule). */
  readonly chargeBackingOnly: boolean;
  /** Page-state counters (NR_SWAPCACHE) and the workingset eviction clock. */
  readonly stat = { nrSwapcache: 0, evictionClock: 0 };
  /** vm.swappiness, vm.page-cluster, vm.overcommit_memory/ratio, vm.dirty_ratio, vm.dirty_background_ratio, /sys/kernel/mm/swap/vma_ra_enabled. */
  readonly sysctl = {
    swappiness: 60,
    page_cluster: 3,
    vma_ra_enabled: true,
    overcommit_memory: 0,
    overcommit_ratio: 50,
    dirty_ratio: 20,
    dirty_background_ratio: 10,
  };
  /** Global readahead state of swapin_nr_pages(). */
  readonly ra = { hits: 0, prevOffset: 0, lastPages: 0 };
  /**
   * /sys/kernel/mm/transparent_hugepage/enabled and hugepages-<N>kB/enabled
   * (index: order). Settings only: a mapping's folio order is its mmap order.
   */
  readonly thp: { enabled: ThpMode; sizes: ThpSizeMode[]; shmemEnabled: ShmemHugeMode; shmemSizes: ShmemSizeMode[] };
  private readonly vmaRaStates = new Map<number, VmaRaState>();
  checkInvariants: boolean;
  /**
   * Take the bulk paths (a run of faults, a run of order-0 swapouts) where
   * they apply. They end in the same state as the page-by-page paths; off,
   * every page takes the page-by-page path (tests compare the two).
   */
  bulk = true;
  /** What a task's own process charges (config task_memory=kernel), or null: tasks charge only their mappings. */
  readonly taskImage: TaskImage | null;
  /** Invariant checker, installed by invariants.ts to keep this module free of it. */
  static invariantChecker: ((k: Kernel) => string[]) | null = null;

  constructor(cfg: KernelConfig = {}) {
    this.kv = kernelBehaviour(cfg.kernel ?? DEFAULT_KERNEL_VERSION);
    this.geom = makeGeometry({
      ...cfg,
      maxSwapfiles: cfg.maxSwapfiles ?? maxSwapfiles(this.kv, this.kv.debian.devicePrivate),
    });
    this.design = cfg.design ?? this.kv.design;
    this.seed = cfg.seed ?? 1;
    this.checkInvariants = cfg.checkInvariants ?? false;
    this.ghostWriteback = this.design === 'ghost' && (cfg.ghostWriteback ?? false);
    this.asyncSwapWriteback = (cfg.swapWriteback ?? 'async') === 'async';
    this.chargeBackingOnly = designDescriptor(this.design).virtualChargeRule === 'physical-backing-only';
    const j = this.j;
    const tiers = cfg.swapTiers ? new SwapTiers(j) : null;
    this.tiers = tiers;
    this.swap = new Swap(this.geom, j, this.log, {
      assignTier: tiers ? (si) => tiers.assignDev(si) : undefined,
      defaultPriority: this.kv.defaultSwapPriority,
      tryToReclaimSwap: (si, off, flags) => tryToReclaimSwap(this, si, off, flags),
      rangeFreed: (si, off, nr) => {
        for (let i = 0; i < nr; i++) this.zswap.invalidate(si.type * 2 ** 32 + off + i);
        if (si.dynamic) virtualRangeFreed(this, si, off, nr);
        // swap_slot_free_notify(): zram drops its copy of each freed slot
        const z = this.zramOf(si);
        if (z) for (let i = 0; i < nr; i++) this.zram.freePage(z, off + i, true);
      },
      unchargeSwap: (id, nr) => this.unchargeSwap(id, nr),
    });
    this.pages = new PageAllocator(j, this.geom.ramPages);
    this.kmem = new KernelMemory(j, this.pages, this.geom.pageSize);
    this.zram = new Zram(j, this.kmem, this.geom.pageSize);
    this.pagecache = new PageCache(j);
    this.folios = new FolioTable(j, this.geom.ramPages);
    this.mm = new MmState(j);
    this.memcgs = new MemcgTree(j, this.log);
    this.taskImage = cfg.taskMemory === 'kernel' ? this.kv.taskImage : null;
    if (this.taskImage) this.memcgs.enableChargeStock(this.geom.cpus);
    this.zswap = new Zswap(j, this.log, this.memcgs, this.geom.pageSize, this.geom.ramPages);
    this.vmstat = new Vmstat(j, this.geom.nrOrders);
    this.io = new SwapIo(this);
    this.vmscan = new Vmscan(this);
    this.mem = new MemoryOps(this);
    this.files = new OpenFiles(j);
    this.fs = new FileSystems(j, this.geom.pageSize);
    this.swapMeta = new SwapMetaRam(this);
    // Kconfig TRANSPARENT_HUGEPAGE_ALWAYS; hugepage_init_sysfs(): only the PMD size inherits
    // shmem_enabled defaults to never (SHMEM_HUGE_NEVER); per size only the PMD size inherits it
    const perSize = <T>(pmd: T, other: T): T[] =>
      Array.from({ length: this.geom.pmdOrder + 1 }, (_, o) => (o === this.geom.pmdOrder ? pmd : other));
    this.thp = {
      enabled: 'always',
      sizes: perSize<ThpSizeMode>('inherit', 'never'),
      shmemEnabled: 'never',
      shmemSizes: perSize<ShmemSizeMode>('inherit', 'never'),
    };
    if (designDescriptor(this.design).capabilities.hasDynamicClusters) {
      // a zswap entry of a virtual slot is its ZSWAP backend (vtable tag, §8.3)
      this.zswap.onChange = (entry, id) => {
        const si = this.swap.swapInfo[swpType(entry)];
        if (si?.dynamic) setVt(this, si, swpOffset(entry), id ? VtTag.ZSWAP : VtTag.NONE, id);
      };
    }
    if (designDescriptor(this.design).capabilities.hasVirtualLayer) {
      // CONFIG_VSWAP: the vswap device exists from boot; nothing before boot can be undone
      this.swap.createVswapDevice(this.chargeBackingOnly);
      this.syncKernelMemory();
      this.j.clear();
    }
  }

  // ------------------------------------------------------------ time travel

  mark(): KernelMark {
    this.log.seal();
    return { journal: this.j.mark(), events: this.log.length };
  }

  rollback(m: KernelMark): void {
    this.j.rollback(m.journal);
    this.log.truncate(m.events);
  }

  /** Run `fn` as one operation: all or nothing, then the deferred work and the invariant check. */
  private tx<T>(fn: () => T): T {
    const m = this.mark();
    const printed = this.dmesg.length;
    // work not done on behalf of a task (memory.reclaim, limit writes) runs on CPU 0;
    // set before each operation so that redo after undo picks the same per-CPU caches
    if (this.depth++ === 0) this.cpu = 0;
    try {
      const r = fn();
      this.runDeferredWork();
      this.verify();
      return r;
    } catch (err) {
      if (err instanceof KernelError && err.keepsState) {
        this.runDeferredWork(false);
        this.verify();
      } else {
        // what the failed operation printed stays in the log, as printk() output does
        const lines = this.dmesg.slice(printed);
        this.rollback(m);
        for (const line of lines) this.printk(line);
      }
      if (err instanceof KernelError) this.log.emit({ kind: 'error', errno: err.errno, message: err.message });
      throw err;
    } finally {
      this.depth--;
    }
  }

  /** Nesting of transactions (an operation may call others, e.g. swapoff -a). */
  private depth = 0;

  /**
   * Work items the kernel runs asynchronously: discard, swap reclaim, the
   * zswap shrink worker. Then the kernel memory the operation changed is
   * brought into RAM (`mayFail`: on an operation that is still all or nothing).
   */
  private runDeferredWork(mayFail = true): void {
    this.swap.runPendingWork();
    runFlusher(this);
    if (this.zswap.shrinkWorkPending) {
      this.j.set(this.zswap, 'shrinkWorkPending', false);
      this.zswapShrinkWorker();
    }
    this.syncKernelMemory();
    this.settleKernelMemory(mayFail);
  }

  /** The pools that follow other state: the design's swap metadata, zswap's compressed pool (zram's pools follow each write). */
  private syncKernelMemory(): void {
    this.swapMeta.flush();
    const zs = this.kmem.pool('zsmalloc: zswap', 'zsmalloc');
    if (zs.bytes !== this.zswap.poolBytes) this.kmem.setBytes(zs, this.zswap.poolBytes);
  }

  /**
   * Kernel allocations that came up short get the pages they are owed,
   * reclaiming for them as a GFP_KERNEL allocation would; what reclaim
   * cannot provide fails the operation (ENOMEM).
   */
  private settleKernelMemory(mayFail: boolean): void {
    for (let tries = 0; !this.kmem.settle() && tries < 4; tries++) {
      const got = this.vmscan.reclaim(this.memcgs.root, Math.max(this.kmem.debt, 32), { memcgTargeted: false });
      // reclaim itself changes kernel memory (zswap stores, swap tables)
      this.syncKernelMemory();
      if (!got) break;
    }
    if (this.kmem.debt > 0 && mayFail) fail('ENOMEM', `kernel memory: ${this.kmem.debt} pages could not be allocated`);
  }

  private verify(): void {
    if (!this.checkInvariants || !Kernel.invariantChecker) return;
    const problems = Kernel.invariantChecker(this);
    for (const p of problems) this.log.emit({ kind: 'invariant', message: p });
    if (problems.length) throw new KernelError('EINVAL', `invariant violated: ${problems[0]}`, true);
  }

  // ------------------------------------------------------- swap plumbing

  /**
   * The memcg id recorded for a slot (P4: ci->memcg_table; earlier designs:
   * the swap_cgroup array; vswap-STE virtual slots: the owner-only table).
   */
  swapMemcgId(si: SwapInfo, offset: number): number {
    const ci = si.clusterOf(offset);
    const mt = ci?.ownerTable ?? ci?.memcgTable;
    return mt ? mt[offset & (this.geom.clusterSlots - 1)]! : 0;
  }

  private recordSwapMemcg(entry: SwpEntry, nr: number, id: number, ownerOnly = false): void {
    const si = this.swap.swapInfo[swpType(entry)]!;
    for (let i = 0; i < nr; i++) {
      const off = swpOffset(entry) + i;
      const ci = si.clusterOf(off)!;
      this.j.a(ownerOnly ? ci.ownerTable! : ci.memcgTable!, off & (this.geom.clusterSlots - 1), id);
    }
  }

  /** Uncharge at slot free (__swap_cluster_free_entries → mem_cgroup_uncharge_swap). */
  private unchargeSwap(id: number, nr: number): void {
    const m = this.memcgs.get(id);
    if (!m) return;
    this.memcgs.uncharge(m, 'swap', nr);
    this.j.set(m, 'swapIdRefs', m.swapIdRefs - nr);
  }

  /**
   * The cgroup a swapped-in folio is charged to (mem_cgroup_swapin_charge_folio):
   * the recorded one while online; otherwise, in 7.2, the faulting task's;
   * under the ghost RFC, the dead cgroup's nearest online ancestor.
   */
  swapinChargeTarget(recordedId: number, faultMemcgId: number): Memcg {
    const rec = this.memcgs.get(recordedId);
    if (rec?.online) return rec;
    if (rec && this.design === 'ghost') return this.memcgs.onlineAncestor(rec);
    return this.memcgs.get(faultMemcgId) ?? this.memcgs.root;
  }

  /** CPU that runs the current reclaim (its per-CPU cluster cache is used). */
  cpu = 0;

  /**
   * folio_alloc_swap() + mem_cgroup_try_charge_swap(): slots for the folio,
   * in the swap cache, charged to its memcg (or its nearest online
   * ancestor). A failed charge counts max/fail events and frees the slots.
   */
  /** Slots for a folio on the devices of `tiers`; vswap profiles take a virtual entry first. */
  private allocSwapEntry(pfn: number, order: number, tiers: number | null): SwpEntry | null {
    if (!this.swap.vswap) return this.swap.allocSlots(pfn, order, this.cpu, tiers);
    // vswap: every swapout takes a virtual entry first; STE falls back to the physical devices directly (§8.3)
    const v = this.swap.allocVirtual(pfn, order, this.cpu);
    if (v === null && this.chargeBackingOnly) return this.swap.allocSlots(pfn, order, this.cpu, tiers);
    return v;
  }

  folioAllocSwap(pfn: number): boolean {
    const f = this.folios;
    const order = f.order[pfn]!;
    const nr = 1 << order;
    const owner = this.memcgs.get(f.memcg[pfn]!) ?? this.memcgs.root;
    const m = this.memcgs.onlineAncestor(owner);
    // only devices of the memcg's tiers may serve it (folio_tier_effective_mask())
    const entry = this.allocSwapEntry(pfn, order, folioTierEffectiveMask(this.tiers, m));
    if (entry !== null && this.swap.vswap && this.chargeBackingOnly && swpType(entry) === this.swap.vswap.type) {
      // vswap-ste: a virtual-only slot is not charged; its owner is recorded for swapin and the later backing charge
      cacheAccount(this, pfn, entry, nr);
      this.recordSwapMemcg(entry, nr, m.id, true);
      return true;
    }
    if (entry === null) {
      // no slots: MEMCG_SWAP_FAIL on folio_memcg(), before the online-ancestor lookup
      this.memcgs.swapEvent(owner, 'fail');
      return false;
    }
    cacheAccount(this, pfn, entry, nr);
    const r = this.memcgs.tryCharge(m, 'swap', nr);
    if (!r.ok) {
      // both events on the charging cgroup (the hierarchical files carry them up to the limiting one)
      this.memcgs.swapEvent(m, 'max');
      this.memcgs.swapEvent(m, 'fail');
      swapCacheDelFolio(this, pfn);
      return false;
    }
    this.j.set(m, 'swapIdRefs', m.swapIdRefs + nr);
    this.recordSwapMemcg(entry, nr, m.id);
    // swap.high events are counted by mem_cgroup_handle_over_high() (memcontrol.ts)
    return true;
  }

  /** VMA-based readahead applies when enabled and no rotational device is active. */
  vmaRaActive(): boolean {
    return this.sysctl.vma_ra_enabled && this.swap.devices.every((d) => d.solidState);
  }

  /** The VMA's readahead state if it has one, without creating it. */
  vmaRaPeek(vmaId: number): VmaRaState | undefined {
    return this.vmaRaStates.get(vmaId);
  }

  vmaRa(vmaId: number): VmaRaState {
    let st = this.vmaRaStates.get(vmaId);
    if (!st) {
      st = { prevIdx: 0, win: 0 };
      this.j.mapSet(this.vmaRaStates, vmaId, st);
    }
    return st;
  }

  // ----------------------------------------------------------------- zswap

  /** zswap_writeback_entry() of one entry (zswap.ts); true if it reached the device. */
  zswapWriteback(entry: SwpEntry): boolean {
    return zswapWritebackEntry(this, entry) === null;
  }

  /** shrink_memcg() (zswap.ts): walk one entry of the cgroup's zswap LRU; true if one was written back. */
  zswapShrinkMemcg(m: Memcg): boolean {
    return shrinkMemcg(this, m) === 0;
  }

  /** shrink_worker() (zswap.ts); with `maxEntries`, stop after that many writebacks. */
  zswapShrinkWorker(maxEntries?: number): number {
    return shrinkWorker(this, maxEntries);
  }

  // ------------------------------------------------------------------- OOM

  /** Pages a task holds in memory and in swap (oom_badness without page tables). */
  taskFootprint(t: Task): { rss: number; swapents: number } {
    let rss = 0;
    let swapents = 0;
    for (const v of t.vmas.values()) {
      for (let i = 0; i < v.nrPages; i++) {
        const p = v.pte[i]!;
        if (p > 0) rss++;
        else if (p < 0) swapents++;
      }
    }
    return { rss, swapents };
  }

  /** out_of_memory(): kill the task with the highest badness in the cgroup (or anywhere). */
  oomKill(scope: Memcg | null): boolean {
    const victim = selectOomVictim(this, scope);
    if (!victim) return false;
    const group = oomGroupOf(this, victim, scope);
    const message = scope ? 'Memory cgroup out of memory' : 'Out of memory';
    this.oomKillTask(victim, message);
    if (group) {
      // oom_kill_process(): every other task of the group goes too (oom_kill_memcg_member())
      this.memcgs.memoryEvent(group, 'oom_group_kill');
      const note = `Tasks in /${group.path} are going to be killed due to memory.oom.group set`;
      this.log.emit({ kind: 'note', message: note });
      this.printk(note);
      for (const m of group.subtree()) for (const t of cgroupProcs(this, m)) this.oomKillTask(t, message);
    }
    return true;
  }

  /**
   * __oom_kill_process(): MEMCG_OOM_KILL on the task's cgroup, OOM_KILL, the
   * "Killed process" line (no page tables or file pages in the model), and
   * the task is gone.
   */
  private oomKillTask(t: Task, message: string): void {
    const fp = this.taskFootprint(t);
    const kib = this.geom.pageSize / 1024;
    let totalVm = 0;
    for (const v of t.vmas.values()) totalVm += v.nrPages;
    this.printk(
      `${message}: Killed process ${t.pid} (${t.name}) total-vm:${totalVm * kib}kB, anon-rss:${fp.rss * kib}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0`,
    );
    const m = this.memcgs.get(t.memcg) ?? this.memcgs.root;
    this.memcgs.memoryEvent(m, 'oom_kill');
    this.vmstat.count('oom_kill');
    this.log.emit({ kind: 'oom-kill', task: t.name, memcg: m.name });
    this.teardownTask(t, 'oom_killed');
  }

  /** cgroup_kill(): SIGKILL to every task of the cgroup and its descendants (cgroup.kill). */
  killCgroup(m: Memcg): void {
    for (const d of m.subtree()) for (const t of cgroupProcs(this, d)) this.teardownTask(t, 'killed');
  }

  private teardownTask(t: Task, state: 'exited' | 'oom_killed' | 'killed'): void {
    for (const v of t.vmaList()) {
      this.mem.zapRange(v, 0, v.nrPages);
      this.removeVma(v);
    }
    // exit_mmap() and the frees after it: the process's own pages leave its first cgroup's counter
    const im = t.imagePages > 0 ? this.memcgs.get(t.imageMemcg) : undefined;
    if (im) {
      this.memcgs.uncharge(im, 'memory', t.imagePages);
      this.j.set(im, 'taskPages', im.taskPages - t.imagePages);
      this.j.set(t, 'imagePages', 0);
    }
    this.j.set(t, 'state', state);
  }

  // ------------------------------------------------------------ overcommit

  /** vm_committed_as: private anonymous mappings of live tasks, in pages. */
  committedPages(): number {
    let n = 0;
    for (const t of this.mm.tasks.values()) for (const v of t.vmas.values()) n += v.nrPages;
    return n;
  }

  /**
   * __vm_enough_memory(): may `pages` more be committed? GUESS (0) only
   * refuses a request larger than RAM + swap; NEVER (2) enforces
   * CommitLimit = RAM × overcommit_ratio% + swap.
   */
  vmEnoughMemory(pages: number): boolean {
    const mode = this.sysctl.overcommit_memory;
    if (mode === 1) return true;
    // the hidden vswap device adds no commit headroom (it holds no data of its own)
    if (mode === 0) return pages <= this.geom.ramPages + this.swap.visibleTotalPages();
    const limit = Math.floor((this.geom.ramPages * this.sysctl.overcommit_ratio) / 100) + this.swap.visibleTotalPages();
    return this.committedPages() + pages <= limit;
  }

  // ---------------------------------------------------------- lookups

  task(name: string): Task {
    const t = this.mm.tasks.get(name);
    // no such process: ESRCH, as kill(2) and pidfd_open(2) give for a pid nothing runs as (a task whose fork failed)
    if (!t) return fail('ESRCH', `no task named ${name}`);
    if (t.state !== 'alive')
      return fail(
        'ESRCH',
        `task ${name} has ${t.state === 'exited' ? 'exited' : t.state === 'killed' ? 'been killed' : 'been OOM-killed'}`,
      );
    return t;
  }

  vma(taskName: string, region: string): Vma {
    const t = this.task(taskName);
    const v = t.vmas.get(region);
    if (!v) return fail('EINVAL', `task ${taskName} has no mapping named ${region}`);
    return v;
  }

  cgroup(path: string): Memcg {
    const m = this.memcgs.lookup(path);
    if (!m) return fail('ENOENT', `cgroup ${normalizeCgroupPath(path) || '/'} does not exist`);
    return m;
  }

  private pageRange(v: Vma, from = 0, to = v.nrPages): [number, number] {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > v.nrPages || from >= to) {
      fail('EINVAL', `page range ${from}..${to} outside ${v.name} (0..${v.nrPages})`);
    }
    return [from, to];
  }

  // ------------------------------------------------------ operations: swap

  /** printk(): a line in the kernel log. */
  printk(line: string): void {
    this.j.push(this.dmesg, line);
  }

  /**
   * swapon(8) of a device whose header `size=` stands for. With `flags`,
   * the raw swap_flags word (checked first, SWAP_FLAGS_VALID) gives the
   * priority and discard policy; then CAP_SYS_ADMIN (EPERM). A zram area
   * is the whole zram device: without a size it takes the device's
   * disksize; on a device not yet initialised, a size stands for
   * `echo SIZE > /sys/block/zramN/disksize` before mkswap.
   */
  swaponDevice(p: SwaponParams, flags?: number): SwapInfo {
    return this.tx(() => {
      if (flags !== undefined) checkSwapFlags(flags);
      requireSysAdmin(this.cred, 'swapon');
      if (p.kind === 'ghost' && this.design !== 'ghost')
        fail('ENOENT', `${p.path}: no such device (the ghost swap device exists only under design=ghost)`);
      if (p.kind === 'vswap' || p.path === VSWAP_PATH) {
        fail(
          'EINVAL',
          `${p.path}: the virtual swap device is created by the kernel at boot (vswap designs only); it cannot be swapped on`,
        );
      }
      const q = flags === undefined ? p : { ...p, ...decodeSwapFlags(flags) };
      let si: SwapInfo;
      if (q.kind !== 'zram') si = this.swap.swapon(q);
      else {
        if (this.swap.byPath(q.path)) fail('EBUSY', `${q.path} is already in use as swap`);
        const z = this.zram.device(q.path);
        if (!z.initialized) {
          if (!(q.sizeBytes > 0))
            fail(
              'EINVAL',
              `${q.path}: the zram device has no disksize (echo SIZE > /sys/block/${q.path.replace(/^\/dev\//, '')}/disksize first)`,
            );
          this.zram.setDisksize(z, q.sizeBytes);
        } else if (q.sizeBytes > z.disksize) {
          fail('EINVAL', `${q.path}: a swap area of ${q.sizeBytes} bytes does not fit the ${z.disksize}-byte device`);
        }
        si = this.swap.swapon({ ...q, sizeBytes: q.sizeBytes > 0 ? q.sizeBytes : z.disksize });
        this.j.set(z, 'claimed', true);
      }
      if (q.kind === 'file') {
        // `size=` on a file stands for dd + mkswap: the file exists, with its header, and is S_SWAPFILE
        const f = makeFile(this, q.path, (si.pages + 1) * this.geom.pageSize, 'written');
        this.j.set(f, 'header', { version: 1, lastPage: si.pages, badPages: [], label: '', uuid: '' });
        this.j.set(f, 'swapActive', true);
      }
      this.printk(swaponMessage(si, this.geom.pageSize));
      return si;
    });
  }

  /** swapon(8) of a regular file with a header from mkswap (swapon_file.ts). */
  swaponFile(path: string, flags = 0, rotational = false): SwapInfo {
    return this.tx(() => {
      const si = swaponFile(this, path, flags, rotational);
      this.printk(swaponMessage(si, this.geom.pageSize));
      return si;
    });
  }

  /** mount -t FS … DIR (a file system of that kind and block size at DIR). */
  mount(dir: string, fs: FsType, blockSize: number, device: string): void {
    this.tx(() => {
      requireSysAdmin(this.cred, 'mount');
      checkMount(fs, blockSize, this.geom.pageSize);
      this.fs.mount({ path: dir, fs, blockSize, device });
    });
  }

  /** dd of=PATH (written), truncate -s (a hole), fallocate -l (unwritten): a file of `bytes`. */
  makeFile(path: string, bytes: number, fill: FileFill): void {
    this.tx(() => void makeFile(this, path, bytes, fill));
  }

  /** chattr +C PATH */
  setNocow(path: string): void {
    this.tx(() => setNocow(this, path));
  }

  /** mkswap(8) on a regular file. */
  mkswap(path: string, o: MkswapOptions = {}): void {
    this.tx(() => mkswap(this, path, o));
  }

  /** rm PATH of a file made for swap (files.ts): unlink(2), EPERM for an active swap file. */
  unlinkSwapFile(path: string): void {
    this.tx(() => this.fs.unlink(path));
  }

  /** truncate -s SIZE PATH on an existing file: ETXTBSY for an active swap file. */
  truncateFile(path: string, bytes: number): void {
    this.tx(() => {
      const f = this.fs.get(path);
      if (this.cred.uid !== 0 && this.cred.uid !== f.uid) fail('EACCES', `${path}: owned by uid ${f.uid}`);
      this.fs.truncate(path, bytes);
    });
  }

  /** `user NAME`: the uid and CAP_SYS_ADMIN later statements run with. */
  setCred(uid: number, capSysAdmin: boolean): void {
    this.tx(() => {
      this.j.set(this.cred, 'uid', uid);
      this.j.set(this.cred, 'capSysAdmin', capSysAdmin);
    });
  }

  /** dmesg -C: empty the kernel log. */
  clearDmesg(): void {
    this.tx(() => this.j.replaceArray(this.dmesg, []));
  }

  /** The zram device under a swap area, or null. */
  zramOf(si: SwapInfo): ZramDevice | null {
    return si.kind === 'zram' ? (this.zram.devices.get(si.path) ?? null) : null;
  }

  /**
   * swapoff(8): refuse without commit headroom (ENOMEM), take the device
   * out of allocation, bring every page back (try_to_unuse), release it.
   * `signalAfterPages` simulates a pending signal: EINTR after that many
   * pages, the device restored at its old priority with the pages brought
   * back so far staying in memory.
   */
  swapoffDevice(path: string, opts: { signalAfterPages?: number } = {}): void {
    this.tx(() => {
      // sys_swapoff(): the capability first, then the path (ENOENT), then a matching area (EINVAL)
      requireSysAdmin(this.cred, 'swapoff');
      const si = this.swap.byPath(path);
      if (!si && !path.startsWith('/dev/') && !this.fs.lookup(path))
        fail('ENOENT', `${path}: No such file or directory`);
      if (!si) fail('EINVAL', `${path} is not an active swap area`);
      if (si === this.swap.vswap) {
        fail(
          'EINVAL',
          `${path} is the kernel's virtual swap device: it is not in /proc/swaps and cannot be swapped off (swap off the physical devices instead)`,
        );
      }
      if (!this.vmEnoughMemory(si.pages))
        fail('ENOMEM', `taking ${si.pages} pages of swap away would exceed the commit limit`);
      this.swap.beginSwapoff(si);
      const progress = { pages: 0 };
      const checkSignal = (): void => {
        if (opts.signalAfterPages !== undefined && progress.pages >= opts.signalAfterPages) {
          throw new KernelError('EINTR', `swapoff ${path} interrupted by a signal after ${progress.pages} pages`, true);
        }
      };
      try {
        // slots backing virtual entries: follow the reverse map, no page-table walk (vswap, STE, ghost rmap)
        unuseByRmap(this, si, progress, checkSignal);
        // try_to_unuse() starts with shmem_unuse(): every shmem file's pages on the device
        shmemUnuse(this, si.type, progress, checkSignal);
        for (const t of this.mm.tasks.values()) {
          if (t.state !== 'alive') continue;
          for (const v of t.vmaList()) {
            for (let i = 0; i < v.nrPages; i++) {
              const p = v.pte[i]!;
              if (!pteIsSwap(p) || swpType(pteEntry(p)) !== si.type) continue;
              checkSignal();
              this.j.set(this, 'cpu', t.cpu);
              this.mem.fault(t, v, i, false);
              progress.pages++;
            }
          }
        }
        // cache-only slots left behind: folio_free_swap() each
        for (const ci of [...si.clusters()]) {
          if (!ci.table) continue;
          for (let off = 0; off < this.geom.clusterSlots; off++) {
            const pfn = swapCacheLookup(this, si.type * 2 ** 32 + si.clusterOffset(ci) + off);
            if (pfn < 0) continue;
            if (folioFreeSwap(this, pfn) && this.folios.mapcount[pfn]! === 0) this.mem.freeFolio(pfn);
          }
        }
        if (si.inusePages !== 0) fail('ENOMEM', `${path}: ${si.inusePages} slots could not be brought back in`);
      } catch (err) {
        if (err instanceof KernelError) {
          this.swap.abortSwapoff(si);
          throw new KernelError(err.errno, err.message.replace(/^[A-Z]+: /, ''), true);
        }
        throw err;
      }
      this.swap.finishSwapoff(si);
      // the file is no longer S_SWAPFILE
      const f = this.fs.lookup(path);
      if (f?.swapActive) this.j.set(f, 'swapActive', false);
      const z = this.zramOf(si);
      if (z) this.j.set(z, 'claimed', false);
    });
  }

  // --------------------------------------------------- operations: cgroups

  /**
   * mkdir in cgroupfs. The simulator gives every cgroup the memory
   * controller, so the parent first gets `+memory` in its
   * cgroup.subtree_control, as a test writes before creating children;
   * that write fails with EBUSY in a non-root cgroup with tasks
   * (cgroup_vet_subtree_control_enable()), and so does this mkdir.
   */
  mkdir(path: string): Memcg {
    return this.tx(() => {
      requireRootOwner(this.cred, `/sys/fs/cgroup/${path}`);
      const p = normalizeCgroupPath(path);
      const parent = this.memcgs.lookup(p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
      if (parent && !parent.subtreeControl && cgroupProcs(this, parent).length > 0) {
        fail(
          'EBUSY',
          `cgroup /${parent.path} has tasks: it cannot give the memory controller to a child (no internal processes)`,
        );
      }
      return this.memcgs.mkdir(path);
    });
  }

  rmdir(path: string): Memcg {
    return this.tx(() => {
      requireRootOwner(this.cred, `/sys/fs/cgroup/${path}`);
      const m = this.memcgs.rmdir(path, (m) =>
        [...this.mm.tasks.values()].some((t) => t.state === 'alive' && t.memcg === m.id),
      );
      // mem_cgroup_css_offline(): drain_all_stock()
      this.memcgs.drainAllStock(m);
      return m;
    });
  }

  /**
   * Limits in pages (MEMCG_MAX for "max"): memory_max_write() reclaims and
   * may OOM, memory_high_write() reclaims, the swap limits only take effect
   * on later charges (memcontrol.ts).
   */
  setLimit(
    path: string,
    file: 'memory.max' | 'memory.high' | 'memory.swap.max' | 'memory.swap.high',
    pages: number,
  ): void {
    this.tx(() => {
      const m = this.cgroup(path);
      if (m.isRoot) fail('ENOENT', `${file} does not exist in the root cgroup`);
      if (!(pages >= 0)) fail('EINVAL', `${file}: ${pages} is not a page count`);
      const p = Number.isFinite(pages) ? Math.floor(pages) : MEMCG_MAX;
      switch (file) {
        case 'memory.max':
          return memoryMaxWrite(this, m, p);
        case 'memory.high':
          return memoryHighWrite(this, m, p);
        case 'memory.swap.max':
          return this.j.set(m.swap, 'max', p);
        case 'memory.swap.high':
          return this.j.set(m.swap, 'high', p);
      }
    });
  }

  /** memory.zswap.max in bytes, rounded down to pages as page_counter_memparse() does. */
  setZswapMax(path: string, bytes: number): void {
    this.tx(() => {
      const m = this.cgroup(path);
      if (m.isRoot) fail('ENOENT', 'memory.zswap.max does not exist in the root cgroup');
      if (!(bytes >= 0)) fail('EINVAL', `memory.zswap.max: ${bytes} is not a byte count`);
      this.j.set(m, 'zswapMax', Number.isFinite(bytes) ? Math.floor(bytes / this.geom.pageSize) : MEMCG_MAX);
    });
  }

  setZswapWriteback(path: string, on: boolean): void {
    this.tx(() => {
      const m = this.cgroup(path);
      if (m.isRoot) fail('ENOENT', 'memory.zswap.writeback does not exist in the root cgroup');
      this.j.set(m, 'zswapWriteback', on);
    });
  }

  /** echo … > /sys/kernel/mm/swap/tiers (tiers_store()); ENOENT without the swap tiers series. */
  writeSwapTiers(text: string): void {
    this.tx(() => {
      if (!this.tiers) fail('ENOENT', '/sys/kernel/mm/swap/tiers exists only with config swap_tiers=on');
      const devices = this.swap.devices.filter((d) => d !== this.swap.vswap);
      this.tiers.store(text, devices, this.memcgs.root);
    });
  }

  /** echo "NAME max|0" > memory.swap.tiers.max (swap_tier_max_write()). */
  setSwapTierMax(path: string, text: string): void {
    this.tx(() => {
      const m = this.cgroup(path);
      if (!this.tiers) fail('ENOENT', 'memory.swap.tiers.max exists only with config swap_tiers=on');
      if (m.isRoot) fail('ENOENT', 'memory.swap.tiers.max does not exist in the root cgroup');
      swapTierMaxWrite(this.j, this.tiers, m, text);
    });
  }

  /** A write to memory.peak / memory.swap.peak (peak_write()): by path (a transient fd) or through an open file. */
  resetPeak(path: string, which: 'memory' | 'swap', fdName?: string): void {
    this.tx(() => {
      const fd = fdName === undefined ? null : this.files.use(fdName);
      const m = fd?.memcg ?? this.cgroup(path);
      if (m.isRoot) fail('ENOENT', `memory.${which === 'swap' ? 'swap.' : ''}peak does not exist in the root cgroup`);
      peakWrite(this, m, which, fd, this.files.watchers(m, which));
    });
  }

  /** open(2) of a file under a name (vfs.ts openFile()); an open name is replaced. */
  openFile(name: string, path: string): OpenFile {
    return this.tx(() => {
      const f = openFileAt(this, name, path);
      this.files.add(f);
      return f;
    });
  }

  /** close(2): peak_release() takes a peak fd off its cgroup's watchers. */
  closeFile(name: string): void {
    this.tx(() => this.files.close(name));
  }

  /** cgroup.kill (cgroup_kill_write() → cgroup_kill()). */
  cgroupKill(path: string): void {
    this.tx(() => {
      const m = this.cgroup(path);
      if (m.isRoot) fail('ENOENT', 'the root cgroup has no cgroup.kill');
      this.killCgroup(m);
    });
  }

  /** memory.oom.group (memory_oom_group_write()). */
  setOomGroup(path: string, on: boolean): void {
    this.tx(() => {
      const m = this.cgroup(path);
      if (m.isRoot) fail('ENOENT', 'the root cgroup has no memory.oom.group');
      this.j.set(m, 'oomGroup', on);
    });
  }

  /**
   * memory.reclaim (user_proactive_reclaim()): EAGAIN, keeping what was
   * reclaimed, once retries without progress run out. `swappiness=0`
   * leaves anon memory alone.
   */
  proactiveReclaim(path: string, pages: number, swappiness?: number): number {
    return this.tx(() => {
      const m = this.cgroup(path);
      // 0..200, or SWAPPINESS_ANON_ONLY for swappiness=max
      if (
        swappiness !== undefined &&
        (!Number.isInteger(swappiness) || swappiness < 0 || swappiness > SWAPPINESS_ANON_ONLY)
      )
        fail('EINVAL', `swappiness=${swappiness} outside 0..200`);
      return userProactiveReclaim(this, m, pages, swappiness);
    });
  }

  /** A zswap module parameter (the percentages are plain uints, as module_param(uint) takes them). */
  setZswapParam<K extends keyof ZswapParams>(name: K, value: ZswapParams[K]): void {
    this.tx(() => {
      if (name === 'max_pool_percent' || name === 'accept_threshold_percent') {
        const v = value as number;
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) fail('EINVAL', `${name}=${v} is not an unsigned int`);
      }
      if (name === 'compressor' && !(ZSWAP_COMPRESSORS as readonly string[]).includes(value as string)) {
        fail('ENOENT', `compressor ${String(value)} not available`);
      }
      this.j.set(this.zswap.params, name, value);
    });
  }

  setSysctl(name: 'swappiness' | 'page_cluster' | 'overcommit_memory' | 'overcommit_ratio', value: number): void;
  setSysctl(name: 'vma_ra_enabled', value: boolean): void;
  setSysctl(name: keyof Kernel['sysctl'], value: number | boolean): void {
    this.tx(() => {
      if (name === 'swappiness' && (typeof value !== 'number' || value < 0 || value > 200))
        fail('EINVAL', `vm.swappiness=${String(value)} outside 0..200`);
      if (name === 'page_cluster' && (typeof value !== 'number' || value < 0 || value > 31))
        fail('EINVAL', `vm.page-cluster=${String(value)} outside 0..31`);
      if (name === 'overcommit_memory' && ![0, 1, 2].includes(value as number))
        fail('EINVAL', `vm.overcommit_memory=${String(value)} is not 0, 1 or 2`);
      if (name === 'overcommit_ratio' && (typeof value !== 'number' || value < 0))
        fail('EINVAL', `vm.overcommit_ratio=${String(value)} is negative`);
      (this.j.set as (o: object, k: string, v: unknown) => void)(this.sysctl, name, value);
    });
  }

  /** Run the zswap shrinker for up to `n` entries; returns how many were written back. */
  zswapShrink(n: number): number {
    return this.tx(() => this.zswapShrinkWorker(n));
  }

  /** Run pending discard work now. */
  runDiscard(): void {
    this.tx(() => {
      for (const si of this.swap.devices) this.swap.doScheduledDiscard(si);
    });
  }

  // --------------------------------------------------- operations: tasks

  createTask(name: string, cgroupPath = '', cpu = 0): Task {
    return this.tx(() => {
      if (this.mm.tasks.get(name)?.state === 'alive') fail('EEXIST', `a task named ${name} exists`);
      if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.geom.cpus)
        fail('EINVAL', `cpu ${cpu} outside 0..${this.geom.cpus - 1}`);
      const m = this.cgroup(cgroupPath);
      migrateVetDst(m);
      const t = this.mm.addTask(name, m.id, cpu);
      if (this.taskImage) this.chargeTaskImage(t, m, this.taskImage);
      return t;
    });
  }

  /**
   * The task's own process, exec'd in its cgroup (KernelBehaviour.taskImage):
   * its pages are charged one fault at a time on its CPU, through the charge
   * stock, and those it frees while starting go straight back to the page
   * counter (uncharge_batch(), not the stock). A limit too small for it
   * stops the charging where it is (the program would die of ENOMEM).
   */
  private chargeTaskImage(t: Task, m: Memcg, image: TaskImage): void {
    this.j.set(this, 'cpu', t.cpu);
    let charged = 0;
    while (charged < image.pages + image.freedAtStart && this.mem.chargeMemory(m, 1, false)) charged++;
    const freed = Math.min(charged, image.freedAtStart);
    if (freed > 0) this.memcgs.uncharge(m, 'memory', freed);
    this.j.set(t, 'imagePages', charged - freed);
    this.j.set(t, 'imageMemcg', m.id);
    this.j.set(m, 'taskPages', m.taskPages + charged - freed);
  }

  /** echo PID > cgroup.procs: the task moves, its charges stay (cgroup v2). */
  moveTask(name: string, cgroupPath: string): void {
    this.tx(() => {
      const t = this.task(name);
      const m = this.cgroup(cgroupPath);
      if (m.id !== t.memcg) migrateVetDst(m);
      this.j.set(t, 'memcg', m.id);
    });
  }

  mmap(taskName: string, region: string, nrPages: number, opts: MmapOptions = {}): Vma {
    return this.tx(() => {
      const t = this.task(taskName);
      if (t.vmas.has(region)) fail('EEXIST', `task ${taskName} already has a mapping named ${region}`);
      if (!Number.isInteger(nrPages) || nrPages <= 0) fail('EINVAL', `mapping size ${nrPages} pages`);
      const order = opts.order ?? 0;
      if (!Number.isInteger(order) || order < 0 || order > this.geom.pmdOrder)
        fail('EINVAL', `order ${order} outside 0..${this.geom.pmdOrder}`);
      if (!this.vmEnoughMemory(nrPages))
        fail(
          'ENOMEM',
          `mapping ${nrPages} pages exceeds the commit limit (vm.overcommit_memory=${this.sysctl.overcommit_memory})`,
        );
      const av = this.mm.newAnonVma();
      const seed = hash32(this.seed, this.mm.nextVmaId);
      const content = opts.content ?? DEFAULT_CONTENT;
      // a file mapping maps an existing file; a shared anonymous one gets an unnamed shmem file (shmem_zero_setup())
      const file =
        opts.file !== undefined
          ? fileAt(this, opts.file)
          : opts.shared
            ? this.pagecache.create(null, 'tmpfs', content, seed)
            : null;
      if (file && opts.file === undefined) this.j.set(file, 'size', nrPages * this.geom.pageSize);
      const v = this.mm.addVma(t, region, nrPages, file ? 0 : order, content, seed, av);
      if (file) {
        this.j.set(v, 'file', file);
        this.j.set(v, 'pgoff', opts.offsetPages ?? 0);
        this.j.set(v, 'shared', opts.shared ?? false);
        this.j.push(file.mappers, v);
      }
      if (opts.mlock) this.j.set(v, 'mlocked', true);
      // MAP_POPULATE faults for write where a write would not dirty a file (private mappings: copy-on-write)
      if (opts.populate) this.faultRange(t, v, 0, nrPages, !(file && v.shared));
      return v;
    });
  }

  /** A mapping goes: it leaves its file's i_mmap, and an unlinked file whose last mapping this was is freed. */
  private removeVma(v: Vma): void {
    this.mm.removeVma(v);
    const file = v.file;
    if (!file) return;
    this.j.replaceArray(
      file.mappers,
      file.mappers.filter((x) => x !== v),
    );
    if (file.nlink === 0 && file.mappers.length === 0) truncateFile(this, file, true);
  }

  // --------------------------------------------------- operations: files

  /** The memcg a file operation charges: the named task's, else the root. */
  private fileMemcg(opts: FileOpOptions): Memcg {
    return opts.task !== undefined
      ? (this.memcgs.get(this.task(opts.task).memcg) ?? this.memcgs.root)
      : this.memcgs.root;
  }

  /**
   * write(2) of `len` bytes at `offset` (creating the file): each page is
   * found or brought into the page cache (tmpfs: shmem), charged to the
   * writer's memcg, given the written content and dirtied; the file grows.
   * Then balance_dirty_pages().
   */
  fileWrite(path: string, offset: number, len: number, opts: FileOpOptions = {}): void {
    this.tx(() => {
      if (!(offset >= 0 && len >= 0 && Number.isInteger(offset) && Number.isInteger(len)))
        fail('EINVAL', `write of ${len} bytes at ${offset}`);
      const m = this.fileMemcg(opts);
      const as =
        this.pagecache.lookup(path) ??
        this.pagecache.create(path, fsOf(path), opts.content ?? DEFAULT_CONTENT, this.seed);
      if (opts.content) this.j.set(as, 'content', opts.content);
      fileWritePages(this, as, offset, len, m);
      balanceDirtyPages(this);
    });
  }

  /** read(2): every page of the range comes into the page cache (tmpfs: swapped in); returns the bytes read. */
  fileRead(path: string, offset: number, len: number, opts: FileOpOptions = {}): number {
    return this.tx(() => fileReadPages(this, fileAt(this, path), offset, len, this.fileMemcg(opts)));
  }

  /** unlink(2): the name goes; the pages (and a tmpfs file's swap slots) go now, or with the last mapping. */
  unlink(path: string): void {
    this.tx(() => {
      const as = fileAt(this, path);
      this.j.mapDelete(this.pagecache.files, path);
      this.j.set(as, 'nlink', 0);
      if (as.mappers.length === 0) truncateFile(this, as, true);
    });
  }

  /** sync(2) (a path: fsync(2)): every dirty page (of the file) is written back. */
  sync(path?: string): number {
    return this.tx(() => writeback(this, 0, path === undefined ? undefined : fileAt(this, path)));
  }

  /** echo N > /proc/sys/vm/drop_caches: 1 drops clean unmapped page cache (2, slab: nothing the model can drop). */
  dropCaches(mode: number): number {
    return this.tx(() => {
      if (![1, 2, 3].includes(mode)) fail('EINVAL', `drop_caches takes 1, 2 or 3, not ${mode}`);
      return mode & 1 ? dropCaches(this) : 0;
    });
  }

  private faultRange(t: Task, v: Vma, from: number, to: number, write: boolean): void {
    this.j.set(this, 'cpu', t.cpu);
    for (let i = from; i < to; i++) {
      if (t.state !== 'alive') return;
      // an unmapped page: nothing to fault (the workload does not touch it)
      if (v.holes[i]) continue;
      if (this.bulk && v.pte[i] === PTE_NONE) {
        // a run of empty PTEs: fault in at once what needs no reclaim
        let e = i + 1;
        while (e < to && v.pte[e] === PTE_NONE && !v.holes[e]) e++;
        const done = this.mem.faultAnonRun(t, v, i, e);
        if (done > 0) {
          i += done - 1;
          continue;
        }
      } else if (this.bulk && pteIsSwap(v.pte[i]!)) {
        // a run of swap PTEs: swap in at once what reads zero-filled slots and needs no reclaim
        let e = i + 1;
        while (e < to && pteIsSwap(v.pte[e]!)) e++;
        const done = this.mem.swapinRun(t, v, i, e, write);
        if (done > 0) {
          i += done - 1;
          continue;
        }
      }
      this.mem.fault(t, v, i, write);
    }
  }

  /** Read or write every page in the range (page faults, swapins, COW). */
  touch(taskName: string, region: string, from?: number, to?: number, write = false): void {
    this.tx(() => {
      const t = this.task(taskName);
      const v = this.vma(taskName, region);
      const [a, b] = this.pageRange(v, from, to);
      this.faultRange(t, v, a, b, write);
    });
  }

  /**
   * Write a value into every page of the range (page_data.ts): a write
   * fault on each page (swapin, COW), then the value in the page.
   */
  fill(taskName: string, region: string, value: FillValue, from?: number, to?: number): void {
    this.tx(() => {
      const t = this.task(taskName);
      const v = this.vma(taskName, region);
      const [a, b] = this.pageRange(v, from, to);
      if (value !== 'index' && (!Number.isInteger(value) || value < 0 || value > PAGE_DATA_MAX))
        fail('EINVAL', `page data ${value} is not a 32-bit value`);
      this.faultRange(t, v, a, b, true);
      if (t.state === 'alive') fillPresent(this, v, a, b, value);
    });
  }

  /**
   * madvise(MADV_PAGEOUT): reclaim the range's folios now, ignoring
   * references; folios shared with another process are skipped, a large
   * folio only partly in the range is split first.
   */
  pageout(taskName: string, region: string, from?: number, to?: number): number {
    return this.tx(() => {
      const t = this.task(taskName);
      const v = this.vma(taskName, region);
      const [a, b] = this.pageRange(v, from, to);
      this.j.set(this, 'cpu', t.cpu);
      let reclaimed = 0;
      for (let i = a; i < b; i++) {
        const p = v.pte[i]!;
        if (p <= 0) continue;
        if (this.bulk) {
          // a run of plain order-0 folios: shrink_folio_list() over all of them at once
          const run = this.vmscan.shrinkOrder0Run(v, i, b);
          if (run.handled > 0) {
            reclaimed += run.reclaimed;
            i += run.handled - 1;
            continue;
          }
        }
        let head = this.folios.head[p - 1]!;
        let nr = this.folios.nr(head);
        let start = this.folios.index[head]!;
        if (this.folios.mapcount[head]! > nr || this.folios.test(head, PG_mlocked)) continue; // folio_maybe_mapped_shared
        if (nr > 1 && (start < a || start + nr > b)) {
          this.mem.splitFolio(head);
          // from here on the page is an order-0 folio of its own
          head = p - 1;
          nr = 1;
          start = i;
        }
        const r = this.vmscan.shrinkFolio(head, true);
        if (r === 'writeback') this.vmscan.rotateReclaimable(head);
        if (r === 'reclaimed') reclaimed += this.folios.head[head]! < 0 ? nr : 0;
        i = Math.max(i, this.folios.index[head]! + this.folios.nr(head) - 1);
        if (this.folios.head[head]! < 0) i = Math.max(i, start + nr - 1);
      }
      this.unmappedPartFails(v, a, b, 'MADV_PAGEOUT');
      return reclaimed;
    });
  }

  /**
   * madvise_walk_vmas() (mm/madvise.c): a range with an unmapped part gets
   * the advice on its mapped parts, then fails with ENOMEM.
   */
  private unmappedPartFails(v: Vma, a: number, b: number, what: string): void {
    if (v.hasHole(a, b))
      throw new KernelError(
        'ENOMEM',
        `${what} on ${v.name} pages ${a}..${b - 1}: part of the range is unmapped (the advice was applied to the rest)`,
        true,
      );
  }

  /**
   * madvise(2) on a range: MADV_PAGEOUT (pageout()), MADV_COLD, MADV_FREE
   * and MADV_DONTNEED (zap_page_range_single(): the pages read as zeroes
   * afterwards, their swap entries are dropped). madvise.ts has the rest.
   */
  madvise(taskName: string, region: string, advice: Advice, from?: number, to?: number): void {
    if (advice === 'pageout') {
      this.pageout(taskName, region, from, to);
      return;
    }
    this.tx(() => {
      const t = this.task(taskName);
      const v = this.vma(taskName, region);
      const [a, b] = this.pageRange(v, from, to);
      this.j.set(this, 'cpu', t.cpu);
      if (advice === 'cold') madviseCold(this, v, a, b);
      else if (advice === 'free') madviseFree(this, v, a, b);
      else this.mem.zapRange(v, a, b);
      this.unmappedPartFails(v, a, b, `MADV_${advice.toUpperCase()}`);
    });
  }

  /**
   * process_madvise(2) from the scenario's credentials on another task's
   * range: only MADV_COLD and MADV_PAGEOUT (EINVAL otherwise), and the
   * caller needs ptrace access, checked first (mm_access() with
   * PTRACE_MODE_READ_FSCREDS: EACCES), then CAP_SYS_NICE (EPERM). A
   * non-root uid has no ptrace access to root's tasks, so it fails with
   * EACCES; root without CAP_SYS_ADMIN keeps CAP_SYS_NICE.
   */
  processMadvise(taskName: string, region: string, advice: Advice, from?: number, to?: number): void {
    this.tx(() => {
      if (!PROCESS_ADVICES.includes(advice))
        fail('EINVAL', `process_madvise() takes MADV_COLD and MADV_PAGEOUT, not MADV_${advice.toUpperCase()}`);
      this.task(taskName);
      if (this.cred.uid !== 0)
        fail(
          'EACCES',
          `process_madvise() on ${taskName}: uid ${this.cred.uid} may not ptrace root's task (mm_access())`,
        );
      this.madvise(taskName, region, advice, from, to);
    });
  }

  /** mlock(2) / munlock(2) of a whole mapping (madvise.ts). */
  mlock(taskName: string, region: string, lock: boolean): void {
    this.tx(() => {
      const t = this.task(taskName);
      const v = this.vma(taskName, region);
      if (lock) mlockVma(this, t, v, (tt, vv, a, b, w) => this.faultRange(tt, vv, a, b, w));
      else munlockVma(this, v);
    });
  }

  /** mremap(2) of a whole mapping to a new size (madvise.ts). */
  mremap(taskName: string, region: string, pages: number): void {
    this.tx(() => {
      const t = this.task(taskName);
      mremapVma(this, t, this.vma(taskName, region), pages);
    });
  }

  munmap(taskName: string, region: string, from?: number, to?: number): void {
    this.tx(() => {
      const v = this.vma(taskName, region);
      const whole = from === undefined && to === undefined;
      const [a, b] = this.pageRange(v, from, to);
      this.mem.zapRange(v, a, b);
      if (whole || (a === 0 && b === v.nrPages)) this.removeVma(v);
      else for (let i = a; i < b; i++) this.j.a(v.holes, i, 1);
    });
  }

  /** fork(): the child shares every page and swap entry of the parent (copy-on-write). */
  fork(parentName: string, childName: string): Task {
    return this.tx(() => {
      const p = this.task(parentName);
      // a name is free again once its task has exited or been killed, as for `task`
      if (this.mm.tasks.get(childName)?.state === 'alive') fail('EEXIST', `a task named ${childName} exists`);
      const c = this.mm.addTask(childName, p.memcg, p.cpu);
      for (const v of p.vmaList()) {
        // a shared file mapping's PTEs are not copied: the child's faults fill them (vma_needs_copy())
        const pte = v.file && v.shared ? new Float64Array(v.nrPages) : v.pte.slice();
        const cv = this.mm.addVma(c, v.name, v.nrPages, v.order, v.content, v.contentSeed, v.anonVma, pte);
        cv.holes.set(v.holes); // a new object: nothing to undo
        if (v.mlocked) this.j.set(cv, 'mlocked', false); // VM_LOCKED is not inherited
        if (v.file) {
          this.j.set(cv, 'file', v.file);
          this.j.set(cv, 'pgoff', v.pgoff);
          this.j.set(cv, 'shared', v.shared);
          this.j.push(v.file.mappers, cv);
        }
        this.mem.copyPtes(cv);
      }
      return c;
    });
  }

  exit(taskName: string): void {
    this.tx(() => this.teardownTask(this.task(taskName), 'exited'));
  }

  /** Run an arbitrary sequence as one all-or-nothing operation (used by tests and the interpreter). */
  atomically<T>(fn: () => T): T {
    return this.tx(fn);
  }

  // ---------------------------------------------------------- reporting

  /** Is this folio in the swap cache? (for views) */
  folioInSwapCache(pfn: number): boolean {
    return this.folios.test(pfn, PG_swapcache);
  }

  static errnoValue(name: ErrnoName): number {
    return ERRNO[name];
  }

  static readonly MAX = MEMCG_MAX;
}
