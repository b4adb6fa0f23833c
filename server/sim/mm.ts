/**
 * Processes and their anonymous mappings: the part of the memory model the
 * swap subsystem acts on (mm/memory.c, mm/rmap.c, kernel/fork.c — reduced
 * to what swap needs). PTEs hold either a present page or a swap entry.
 */
import type { ContentSpec } from './content';
import type { Journal } from './journal';
import { ownedBy } from './owners';
import type { SwpEntry } from './swap_entry';
import type { AddressSpace } from './filemap';

/**
 * PTE encoding in a Float64Array: 0 = pte_none, > 0 = present page with
 * PFN (value - 1), < 0 = swap PTE holding entry (-value - 1).
 */
export const PTE_NONE = 0;
export const ptePresent = (pfn: number): number => pfn + 1;
export const pteSwap = (entry: SwpEntry): number => -entry - 1;
export const pteIsPresent = (v: number): boolean => v > 0;
export const pteIsSwap = (v: number): boolean => v < 0;
export const ptePfn = (v: number): number => v - 1;
export const pteEntry = (v: number): SwpEntry => -v - 1;

/** `killed`: by cgroup.kill (SIGKILL outside the OOM killer). */
export type TaskState = 'alive' | 'exited' | 'oom_killed' | 'killed';

/** An anon_vma: the family of VMAs (parent and forked children) that may map the same folios. */
export class AnonVma {
  readonly vmas: Vma[] = [];
  constructor(readonly id: number) {}
}

/**
 * A mapping (struct vm_area_struct): anonymous private, or of a file
 * (`file` set; `shared` for MAP_SHARED). A shared anonymous mapping maps an
 * unnamed shmem file. Private file mappings keep copy-on-write anon pages
 * (with their anon_vma) beside the file's pages.
 */
export class Vma {
  readonly pte: Float64Array;
  /**
   * 1 for a page a partial munmap took out of the range (the kernel splits
   * the VMA and leaves a hole): faults skip it, and an madvise over it
   * fails with ENOMEM once the mapped parts are done (madvise_walk_vmas()).
   */
  readonly holes: Uint8Array;
  mlocked = false;
  /** The mapped file (vm_file) and the page of it the mapping starts at (vm_pgoff). */
  file: AddressSpace | null = null;
  pgoff = 0;
  /** MAP_SHARED: writes go to the file's pages. */
  shared = false;
  constructor(
    readonly id: number,
    readonly task: Task,
    readonly name: string,
    readonly nrPages: number,
    /** Folio order used when faulting pages in (mTHP size enabled for this mapping). */
    readonly order: number,
    readonly content: ContentSpec,
    readonly contentSeed: number,
    readonly anonVma: AnonVma,
    pte?: Float64Array,
  ) {
    this.pte = ownedBy(pte ?? new Float64Array(nrPages), this);
    this.holes = ownedBy(new Uint8Array(nrPages), this);
  }

  /** Does [from, to) take in a page a partial munmap removed? */
  hasHole(from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (this.holes[i]) return true;
    return false;
  }
}

/** A process (struct task_struct + its mm). */
export class Task {
  state: TaskState = 'alive';
  readonly vmas = new Map<string, Vma>();
  /** Pages its own process charged (config task_memory=kernel), and the memcg they stay charged to when it moves. */
  imagePages = 0;
  imageMemcg = -1;
  constructor(
    readonly pid: number,
    readonly name: string,
    /** memcg id of the cgroup the task is in (tasks move; charges do not). */
    public memcg: number,
    readonly cpu: number,
  ) {}

  /** Mappings in creation order (Map order is not stable under undo). */
  vmaList(): Vma[] {
    return [...this.vmas.values()].sort((a, b) => a.id - b.id);
  }
}

/** Processes and mappings, with journaled creation and removal. */
export class MmState {
  readonly tasks = new Map<string, Task>();
  readonly anonVmas = new Map<number, AnonVma>();
  nextPid = 100;
  nextVmaId = 1;
  nextAnonVmaId = 1;

  constructor(private readonly j: Journal) {}

  addTask(name: string, memcg: number, cpu: number): Task {
    const t = new Task(this.nextPid, name, memcg, cpu);
    this.j.set(this, 'nextPid', this.nextPid + 1);
    this.j.mapSet(this.tasks, name, t);
    return t;
  }

  newAnonVma(): AnonVma {
    const av = new AnonVma(this.nextAnonVmaId);
    this.j.set(this, 'nextAnonVmaId', this.nextAnonVmaId + 1);
    this.j.mapSet(this.anonVmas, av.id, av);
    return av;
  }

  /** Create a VMA in a task; `pte` is given when fork copies the parent's page table. */
  addVma(
    task: Task,
    name: string,
    nrPages: number,
    order: number,
    content: ContentSpec,
    seed: number,
    av: AnonVma,
    pte?: Float64Array,
  ): Vma {
    const vma = new Vma(this.nextVmaId, task, name, nrPages, order, content, seed, av, pte);
    this.j.set(this, 'nextVmaId', this.nextVmaId + 1);
    this.j.mapSet(task.vmas, name, vma);
    this.j.push(av.vmas, vma);
    return vma;
  }

  /** Unlink a VMA from its task and anon_vma (the PTEs must already be zapped). */
  removeVma(vma: Vma): void {
    this.j.mapDelete(vma.task.vmas, vma.name);
    const list = vma.anonVma.vmas;
    this.j.replaceArray(
      list,
      list.filter((v) => v !== vma),
    );
  }
}
