/** Shared helpers for simulator tests. */
import { EventLog } from '../../server/sim/events';
import { makeGeometry, type GeometryConfig } from '../../server/sim/geometry';
import { Journal } from '../../server/sim/journal';
import { Kernel, type KernelConfig } from '../../server/sim/kernel';
import { checkInvariants } from '../../server/sim/invariants';
import { KernelError, type ErrnoName } from '../../server/sim/errno';
import { Swap, type SwapHooks, type SwapInfo } from '../../server/sim/swapfile';
import { CLUSTER_LIST_NAMES } from '../../server/sim/cluster';
import assert from 'node:assert/strict';

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;

/** A Kernel with the invariant checker on and a small default RAM. */
export function kernel(cfg: KernelConfig = {}): Kernel {
  return new Kernel({ ramBytes: 64 * MiB, checkInvariants: true, ...cfg });
}

export function assertClean(k: Kernel): void {
  assert.deepEqual(checkInvariants(k), []);
}

/** The swap layer on its own, with hooks a test can observe. */
export function swapOnly(cfg: GeometryConfig = {}): {
  sw: Swap;
  reclaimCalls: number[];
  uncharged: [number, number][];
} {
  const reclaimCalls: number[] = [];
  const uncharged: [number, number][] = [];
  const holder: { sw?: Swap } = {};
  const hooks: SwapHooks = {
    tryToReclaimSwap(si, offset) {
      reclaimCalls.push(offset);
      // a cache-only folio of one page: dropping it frees the slot
      holder.sw!.freeEntriesAt(si.type * 2 ** 32 + offset, 1);
      return 1;
    },
    rangeFreed() {},
    unchargeSwap(id, nr) {
      uncharged.push([id, nr]);
    },
  };
  const sw = new Swap(makeGeometry(cfg), new Journal(), new EventLog(), hooks);
  holder.sw = sw;
  return { sw, reclaimCalls, uncharged };
}

export function listOf(si: SwapInfo, cluster: number): string {
  const ci = si.cluster(cluster);
  return ci ? CLUSTER_LIST_NAMES[ci.flags] : 'free';
}

/** Expect a KernelError with this errno. */
export function throwsErrno(fn: () => unknown, errno: ErrnoName): void {
  assert.throws(fn, (e: unknown) => e instanceof KernelError && e.errno === errno, `expected ${errno}`);
}
