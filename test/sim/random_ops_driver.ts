/**
 * Runs random operations (random_ops_gen.ts) against one Kernel and checks
 * it as it goes:
 *  - after every operation, the cheap structural invariants (cluster lists,
 *    device and global counters) and the incremental check of what the
 *    operation wrote (invariants_local.ts), which must never report a
 *    problem on a state the full check finds sound;
 *  - every `fullCheckEvery` operations, at the end, and around every undo
 *    check, the full invariant checker. When a periodic full check fails,
 *    the seed is replayed with the full check after every operation, so the
 *    message names the first operation that broke the state;
 *  - undo windows: a fingerprint is taken, a few operations later the
 *    journal is rolled back to it (the fingerprint must match) and the same
 *    operations are run again (they must reproduce the later fingerprint).
 * Every failure message starts with `<kernel> <design> seed <s> op <i>`.
 */
import assert from 'node:assert/strict';
import { Kernel, type KernelMark } from '../../server/sim/kernel';
import { checkInvariants, checkSwapStructure } from '../../server/sim/invariants';
import { checkWrittenSince } from '../../server/sim/invariants_local';
import { KernelError } from '../../server/sim/errno';
import { fingerprintOfParts, fingerprintParts } from '../../server/sim/snapshot';
import type { VmstatEvent } from '../../server/sim/vmstat';
import type { DesignProfile } from '../../server/sim/designs/profiles';
import type { KernelVersion } from '../../server/sim/kernel_version';
import { nextOp, type RandomOp } from './random_ops_gen';
import { rng } from '../prng';

const MiB = 2 ** 20;

export interface RandomRunConfig {
  design: DesignProfile;
  /** Kernel release (default 7.2). */
  kernel?: KernelVersion;
  seed: number;
  ops: number;
  /** Run the full invariant check after every this many operations (1: after each). */
  fullCheckEvery: number;
  /** From this op on, run the full check after every operation (used when replaying a failure). */
  everyOpFrom?: number;
}

export interface RandomRunStats {
  /** Per operation kind: how often it ran and how often the kernel refused it. */
  byKind: Map<string, { ok: number; err: number }>;
  /** Undo windows checked (rollback and redo both compared). */
  undoChecks: number;
  fullChecks: number;
  vmstat: Record<VmstatEvent, number>;
  /** zram traffic over the run's devices: pages written, writes refused at mem_limit, pages written back. */
  zram: { writes: number; failedWrites: number; bdWrites: number };
}

/** Open a window with this probability per operation... */
const WINDOW_OPEN_P = 0.015;
/** ...and close it (undo, compare, redo, compare) after 1..this many operations. */
const WINDOW_MAX_OPS = 24;
const WINDOW_MAX_OPEN = 3;

interface UndoWindow {
  mark: KernelMark;
  parts: Record<string, string>;
  fp: string;
  openedAt: number;
  closeAt: number;
  ops: RandomOp[];
}

function snapshot(k: Kernel): { parts: Record<string, string>; fp: string } {
  const parts = fingerprintParts(k);
  return { parts, fp: fingerprintOfParts(parts, k.log.length) };
}

function differingParts(a: Record<string, string>, b: Record<string, string>): string {
  return Object.keys(a)
    .filter((key) => a[key] !== b[key])
    .join(', ');
}

/**
 * The highest zram counts each device showed (a reset or an undo can lower
 * them later): what the run made zram do.
 */
function noteZram(k: Kernel, seen: Map<string, RandomRunStats['zram']>): void {
  for (const z of k.zram.devices.values()) {
    const s = seen.get(z.path) ?? { writes: 0, failedWrites: 0, bdWrites: 0 };
    s.writes = Math.max(s.writes, z.stats.num_writes);
    s.failedWrites = Math.max(s.failedWrites, z.stats.failed_writes);
    s.bdWrites = Math.max(s.bdWrites, z.stats.bd_writes);
    seen.set(z.path, s);
  }
}

export function runRandomOps(cfg: RandomRunConfig): RandomRunStats {
  const { design, seed, ops, fullCheckEvery } = cfg;
  const replaying = cfg.everyOpFrom !== undefined;
  const everyOpFrom = cfg.everyOpFrom ?? Number.POSITIVE_INFINITY;
  const kernel = cfg.kernel ?? '7.2';
  const where = (i: number, op?: RandomOp): string =>
    `${kernel} ${design} seed ${seed} op ${i}${op ? ` (${op.name})` : ''}`;
  const r = rng(seed);
  // swap tiers on: without a tiers write the model is mainline; with one, tiers restrict allocation
  const k = new Kernel({ ramBytes: 8 * MiB, cpus: 2, design, kernel, seed, swapTiers: true });
  k.log.enabled = false;
  const zramSeen = new Map<string, RandomRunStats['zram']>();
  const stats: RandomRunStats = {
    byKind: new Map(),
    undoChecks: 0,
    fullChecks: 0,
    vmstat: k.vmstat.events,
    zram: { writes: 0, failedWrites: 0, bdWrites: 0 },
  };
  let lastCleanFull = -1;

  const fullCheck = (i: number, op: RandomOp | undefined, when: string): void => {
    stats.fullChecks++;
    const bad = checkInvariants(k);
    if (!bad.length) {
      lastCleanFull = i;
      return;
    }
    if (!replaying && fullCheckEvery > 1 && when === '') locateFirstViolation(cfg, lastCleanFull, i);
    assert.fail(`${where(i, op)}${when}: ${bad.slice(0, 3).join('; ')}`);
  };

  const closeWindow = (w: UndoWindow, i: number): void => {
    const after = snapshot(k);
    const opNames = (): string => w.ops.map((o) => o.name).join('; ');
    k.rollback(w.mark);
    const undone = snapshot(k);
    if (undone.fp !== w.fp) {
      assert.fail(
        `${where(i)}: undo to op ${w.openedAt} did not restore ${differingParts(undone.parts, w.parts)} after ${opNames()}`,
      );
    }
    fullCheck(i, undefined, ` (after undo to op ${w.openedAt})`);
    for (const op of w.ops) {
      try {
        op.run(k);
      } catch (e) {
        if (!(e instanceof KernelError)) throw new Error(`${where(i, op)} (redo): ${String(e)}`, { cause: e });
      }
    }
    const redone = snapshot(k);
    if (redone.fp !== after.fp) {
      assert.fail(
        `${where(i)}: redo from op ${w.openedAt} did not reproduce ${differingParts(redone.parts, after.parts)} after ${opNames()}`,
      );
    }
    fullCheck(i, undefined, ` (after redo from op ${w.openedAt})`);
    stats.undoChecks++;
  };

  let windows: UndoWindow[] = [];
  for (let i = 0; i < ops; i++) {
    // with no window open, no one will roll back: forget the history so the journal stays small
    if (windows.length === 0) k.j.clear();
    if (windows.length < WINDOW_MAX_OPEN && r() < WINDOW_OPEN_P) {
      const closeAt = i + Math.floor(r() * WINDOW_MAX_OPS);
      windows.push({ mark: k.mark(), ...snapshot(k), openedAt: i, closeAt, ops: [] });
    }
    const op = nextOp(r, k);
    if (process.env.SWAPSIM_TRACE) process.stderr.write(`${design} ${seed} ${i} ${op.name}\n`);
    const opMark = k.j.mark();
    const kind = op.name.split(' ')[0]!;
    let stat = stats.byKind.get(kind);
    if (!stat) stats.byKind.set(kind, (stat = { ok: 0, err: 0 }));
    try {
      op.run(k);
      stat.ok++;
    } catch (e) {
      if (!(e instanceof KernelError)) throw new Error(`${where(i, op)}: ${String(e)}`, { cause: e });
      stat.err++;
    }
    for (const w of windows) w.ops.push(op);
    noteZram(k, zramSeen);
    const broken = checkSwapStructure(k);
    if (broken.length) assert.fail(`${where(i, op)}: ${broken.slice(0, 3).join('; ')}`);
    // the incremental check of what the operation wrote: never a false alarm (the full check below decides)
    const local = checkWrittenSince(k, opMark);
    if (local.length && !checkInvariants(k).length)
      assert.fail(
        `${where(i, op)}: the incremental check reports ${local.slice(0, 3).join('; ')} on a state the full check finds sound`,
      );
    if ((i + 1) % fullCheckEvery === 0 || i >= everyOpFrom || i === ops - 1) fullCheck(i, op, '');
    // newest first: an older window's rollback passes over the newer marks
    for (let w = windows.length - 1; w >= 0; w--) if (windows[w]!.closeAt <= i) closeWindow(windows[w]!, i);
    windows = windows.filter((w) => w.closeAt > i);
  }
  for (const seen of zramSeen.values()) {
    stats.zram.writes += seen.writes;
    stats.zram.failedWrites += seen.failedWrites;
    stats.zram.bdWrites += seen.bdWrites;
  }
  return stats;
}

/**
 * A periodic full check failed at op `failedAt` after a clean one at
 * `cleanAt`: replay the seed checking after every operation from there,
 * which fails (with the exact op) inside this call. The replay is
 * deterministic, so not failing means the violation depends on the checking
 * cadence, which is a bug in itself.
 */
function locateFirstViolation(cfg: RandomRunConfig, cleanAt: number, failedAt: number): void {
  runRandomOps({ ...cfg, ops: failedAt + 1, everyOpFrom: cleanAt + 1 });
  assert.fail(
    `${cfg.design} seed ${cfg.seed}: full check failed at op ${failedAt} (clean at op ${cleanAt}), but a replay checking every op found nothing`,
  );
}
