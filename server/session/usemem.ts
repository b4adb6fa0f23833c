/**
 * The `usemem` workload (vm-scalability's usemem.c, which the swap-table
 * and vswap series report their figures with): N processes each map SIZE
 * of private anonymous memory and access it page by page, in address
 * order or shuffled (`--random`), `--repeat` times, then exit. The
 * simulator runs nothing concurrently: the processes start together, and
 * each pass runs them in turn, as on one CPU. The verify translation
 * (server/verify/translate.ts) replays the same operations in the same
 * order on a real kernel.
 */
import type { CheckedOp } from '../lang/check/checked';
import { USEMEM_REGION } from '../lang/check/commands';
import { hash32 } from '../sim/content';
import type { ContentSpec } from '../sim/content';
import type { Kernel } from '../sim/kernel';

export type UsememOp = Extract<CheckedOp, { op: 'usemem' }>;

/** One access of the run: pages [from, to) of process `task` (a single page in a shuffled pass). */
export interface UsememAccess {
  readonly task: string;
  readonly from: number;
  readonly to: number;
}

/**
 * The page order of process `index` in pass `pass` under `random`: a
 * Fisher–Yates shuffle seeded by the machine's seed, the process and the
 * pass, so the simulator and the guest touch the same pages in the same
 * order.
 */
export function shuffledPages(seed: number, index: number, pass: number, pages: number): Uint32Array {
  const order = new Uint32Array(pages);
  for (let i = 0; i < pages; i++) order[i] = i;
  let h = hash32(hash32(seed, index + 1), pass + 1);
  for (let i = pages - 1; i > 0; i--) {
    h = hash32(h, i);
    const j = h % (i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/** Every access of the run, pass by pass, process by process. */
export function* usememAccesses(op: UsememOp, seed: number): Generator<UsememAccess> {
  for (let pass = 0; pass < op.passes; pass++) {
    for (let i = 0; i < op.tasks.length; i++) {
      const task = op.tasks[i]!;
      if (!op.random) {
        yield { task, from: 0, to: op.pages };
        continue;
      }
      for (const page of shuffledPages(seed, i, pass, op.pages)) yield { task, from: page, to: page + 1 };
    }
  }
}

/** Seed of process `index`'s content classes: known before the run, so the guest fills the same pages alike. */
export function usememSeed(seed: number, index: number): number {
  return hash32(hash32(seed, 0x75736d65), index);
}

/** The CPU process `index` runs on. */
export function usememCpu(k: Kernel, index: number): number {
  return index % k.geom.cpus;
}

/** Run `op` on the machine: start the processes, run the passes, and (without `hold`) end them. */
export function runUsemem(k: Kernel, op: UsememOp, content: ContentSpec): void {
  op.tasks.forEach((task, i) => {
    // the processes spread over the CPUs, as the scheduler would place N busy tasks
    k.createTask(task, op.cgroup, usememCpu(k, i));
    k.mmap(task, USEMEM_REGION, op.pages, { order: op.order, content, contentSeed: usememSeed(k.seed, i) });
  });
  for (const a of usememAccesses(op, k.seed)) {
    // a process the OOM killer took does not run its remaining passes
    if (k.mm.tasks.get(a.task)?.state !== 'alive') continue;
    k.touch(a.task, USEMEM_REGION, a.from, a.to, op.write);
  }
  if (!op.hold) for (const task of op.tasks) if (k.mm.tasks.get(task)?.state === 'alive') k.exit(task);
}
