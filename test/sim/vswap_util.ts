/**
 * Helpers for the virtual-layer tests (ghost, vswap, vswap-ste): machines
 * with a physical device, where a PTE's entry lives, what backs it, and a
 * fingerprint of the virtual-layer state that server/sim/snapshot.ts does
 * not cover (virtual_table, owner tables, rmap types, the virtual and
 * backing allocators' per-CPU caches). `virtualFingerprint`
 * is exported for the random-operation tests.
 */
import assert from 'node:assert/strict';
import { VtTag } from '../../server/sim/cluster';
import type { ContentSpec } from '../../server/sim/content';
import type { Kernel, KernelConfig } from '../../server/sim/kernel';
import { pteEntry, pteIsSwap } from '../../server/sim/mm';
import { fingerprint } from '../../server/sim/snapshot';
import type { SwapInfo } from '../../server/sim/swapfile';
import { swpOffset, swpType, type SwpEntry } from '../../server/sim/swap_entry';
import { vtTag, vtVal } from '../../server/sim/virtual_layer';
import { MiB, kernel } from './util';

export const ZERO: ContentSpec = [{ content: { kind: 'zero' }, percent: 100 }];
export const INCOMPRESSIBLE: ContentSpec = [{ content: { kind: 'incompressible' }, percent: 100 }];
export const COMPRESSIBLE: ContentSpec = [{ content: { kind: 'compressible', ratio: 0.3 }, percent: 100 }];

/** A machine of `design` with /dev/vdb (16 MiB), cgroup `g` and task `t` in it; zswap on when asked. */
export function machine(cfg: KernelConfig & { zswap?: boolean } = {}): Kernel {
  const k = kernel(cfg);
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 16 * MiB });
  if (cfg.design === 'ghost') k.swaponDevice({ path: '/dev/ghostswap', kind: 'ghost', sizeBytes: 0, prio: 10 });
  k.mkdir('g');
  k.createTask('t', 'g');
  if (cfg.zswap) k.setZswapParam('enabled', true);
  return k;
}

/** The swap entry a PTE holds (it must be a swap PTE). */
export function pteSlot(
  k: Kernel,
  task: string,
  region: string,
  idx: number,
): { si: SwapInfo; offset: number; entry: SwpEntry } {
  const p = k.vma(task, region).pte[idx]!;
  assert.ok(pteIsSwap(p), `${task}:${region}[${idx}] is not a swap PTE`);
  const entry = pteEntry(p);
  return { si: k.swap.swapInfo[swpType(entry)]!, offset: swpOffset(entry), entry };
}

/** Slots in use on devices that hold data (not the ghost or vswap device). */
export function physicalInUse(k: Kernel): number {
  return k.swap.devices.filter((d) => !d.dynamic).reduce((n, d) => n + d.inusePages, 0);
}

/** The backing of a virtual slot as the tests name it. */
export function backing(
  si: SwapInfo,
  offset: number,
): { tag: VtTag; physical: { type: number; offset: number } | null } {
  const tag = vtTag(si, offset);
  const val = vtVal(si, offset);
  return { tag, physical: tag === VtTag.SWAPFILE ? { type: swpType(val), offset: swpOffset(val) } : null };
}

/** fingerprint() plus the virtual-layer state it does not hash. */
export function virtualFingerprint(k: Kernel): string {
  const parts: string[] = [fingerprint(k)];
  for (const pc of [...k.swap.vpercpu, ...k.swap.bpercpu])
    parts.push(pc.si.map((s) => (s ? s.type : -1)).join(',') + '@' + pc.offset.join(','));
  for (const si of k.swap.devices) {
    for (const ci of si.clusters()) {
      const arrays: (ArrayLike<number> | null | undefined)[] = [
        ci.vtable?.tag,
        ci.vtable?.val,
        ci.ownerTable,
        ci.rmapType,
      ];
      parts.push(`${si.type}/${ci.idx}:` + arrays.map((a) => (a ? Array.from(a).join(',') : '-')).join('|'));
    }
  }
  return parts.join('\n');
}
