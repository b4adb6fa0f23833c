/**
 * The virtual layer the ghost, vswap and vswap-ste profiles share
 * (docs/kernel-model.md §8.1-§8.3). Slots of a dynamic device (the ghost device,
 * the vswap device) are what page tables hold; their count, Z flag, swap
 * cache PFN or shadow and memcg id live in the ordinary cluster tables, and
 * the per-cluster virtual_table says which backend holds the data besides
 * those: nothing, a zswap entry, or a physical slot. A physical slot that
 * backs a virtual one holds a POINTER (rmap) entry back to it.
 *
 * This module owns that state: reading and writing vtable tags, allocating
 * and charging backing slots, and releasing them.
 */
import { VtTag } from './cluster';
import { PG_dirty } from './folio';
import type { Kernel } from './kernel';
import type { Memcg } from './memcontrol';
import { SWP_GHOST, SWP_VSWAP, type SwapInfo } from './swapfile';
import { swpEntry, swpOffset, swpType, type SwpEntry } from './swap_entry';
import { SlotKind, tbKind, tbZero } from './swap_table';
import { folioTierEffectiveMask } from './swap_tier';

/** The virtual_table tag of a slot (NONE when the device has none or the cluster is gone). */
export function vtTag(si: SwapInfo, offset: number): VtTag {
  const vt = si.clusterOf(offset)?.vtable;
  return vt ? (vt.tag[offset & (si.geom.clusterSlots - 1)]! as VtTag) : VtTag.NONE;
}

/** The payload next to the tag: the physical entry (SWAPFILE) or the zswap entry id (ZSWAP). */
export function vtVal(si: SwapInfo, offset: number): number {
  const vt = si.clusterOf(offset)?.vtable;
  return vt ? vt.val[offset & (si.geom.clusterSlots - 1)]! : 0;
}

/** Set one slot's tag and payload (journaled). */
export function setVt(k: Kernel, si: SwapInfo, offset: number, tag: VtTag, val: number): void {
  const vt = si.clusterOf(offset)?.vtable;
  if (!vt) return;
  const i = offset & (k.geom.clusterSlots - 1);
  if (vt.tag[i] !== tag) k.j.a(vt.tag, i, tag);
  if (vt.val[i] !== val) k.j.a(vt.val, i, val);
}

/**
 * Do this device's virtual slots get a physical backing at writeout? The
 * vswap device always; a ghost device only with the proposed
 * folio_realloc_swap()/rmap (Kernel config `ghostWriteback`), since the RFC
 * as posted cannot write a ghost slot anywhere.
 */
export function backsToDisk(k: Kernel, si: SwapInfo): boolean {
  if (si.flags & SWP_VSWAP) return true;
  return (si.flags & SWP_GHOST) !== 0 && k.ghostWriteback;
}

/** The virtual entry a physical POINTER slot backs, or null for any other slot. */
export function rmapTarget(psi: SwapInfo, offset: number): SwpEntry | null {
  if (tbKind(psi.slotMeta(offset)) !== SlotKind.POINTER) return null;
  const ci = psi.clusterOf(offset)!;
  const i = offset & (psi.geom.clusterSlots - 1);
  return swpEntry(ci.rmapType ? ci.rmapType[i]! : 0, ci.table!.val[i]!);
}

/**
 * Record that virtual slots [vEntry, vEntry + nr) are backed by physical
 * slots [phys, phys + nr): vtable tag SWAPFILE with (type, offset).
 */
export function setSwapfileBacking(k: Kernel, vEntry: SwpEntry, phys: SwpEntry, nr: number): void {
  const si = k.swap.swapInfo[swpType(vEntry)]!;
  for (let i = 0; i < nr; i++) setVt(k, si, swpOffset(vEntry) + i, VtTag.SWAPFILE, phys + i);
}

/**
 * Free the physical backing of virtual slots [offset, offset + nr), if
 * any: each SWAPFILE tag goes back to NONE and its physical slot is freed
 * (contiguous runs in one cluster at once), which uncharges it.
 */
export function releaseBacking(k: Kernel, si: SwapInfo, offset: number, nr: number): void {
  let runStart = -1;
  let runLen = 0;
  const flush = (): void => {
    if (runLen) freePhysical(k, runStart, runLen);
    runStart = -1;
    runLen = 0;
  };
  for (let i = 0; i < nr; i++) {
    const off = offset + i;
    if (vtTag(si, off) !== VtTag.SWAPFILE) {
      flush();
      continue;
    }
    const phys = vtVal(si, off);
    setVt(k, si, off, VtTag.NONE, 0);
    const sameCluster =
      runLen > 0 &&
      phys === runStart + runLen &&
      swpOffset(phys) >>> k.geom.clusterShift === swpOffset(runStart) >>> k.geom.clusterShift;
    if (!sameCluster) {
      flush();
      runStart = phys;
    }
    runLen++;
  }
  flush();
}

/** Free physical backing slots (they hold POINTER entries, never a count). */
export function freePhysical(k: Kernel, first: SwpEntry, nr: number): void {
  const psi = k.swap.swapInfo[swpType(first)]!;
  const ci = psi.clusterOf(swpOffset(first))!;
  const base = swpOffset(first) & (k.geom.clusterSlots - 1);
  for (let i = 0; i < nr; i++) if (ci.rmapType) k.j.a(ci.rmapType, base + i, 0);
  k.swap.freeEntriesAt(first, nr);
}

/**
 * swap_range_free() of a dynamic device: freeing a virtual slot frees
 * whatever backend it has (objection 7 in §8.1). zswap entries are
 * invalidated by the caller; here the physical backing goes, and the STE
 * owner ids are cleared.
 */
export function virtualRangeFreed(k: Kernel, si: SwapInfo, offset: number, nr: number): void {
  releaseBacking(k, si, offset, nr);
  for (let n = 0; n < nr; n++) {
    const off = offset + n;
    const owner = si.clusterOf(off)?.ownerTable;
    const i = off & (k.geom.clusterSlots - 1);
    if (owner && owner[i]) k.j.a(owner, i, 0);
  }
}

/**
 * The memcg a backing slot is charged to under vswap-ste (RFC v1: only the
 * physical backing is charged): the slot owner recorded at virtual
 * allocation, or its nearest online ancestor.
 */
export function backingChargeTarget(k: Kernel, vEntry: SwpEntry): Memcg {
  const si = k.swap.swapInfo[swpType(vEntry)]!;
  const owner = k.memcgs.get(k.swapMemcgId(si, swpOffset(vEntry))) ?? k.memcgs.root;
  return k.memcgs.onlineAncestor(owner);
}

/**
 * Physical slots for 2^order virtual slots at `vEntry` (at writeout or at
 * zswap writeback), by device priority, with POINTER entries. Under
 * vswap-ste the new slots are charged to `chargeTo`; a refused charge counts
 * `max` and `fail` and gives the slots back. Null when nothing was allocated.
 */
export function allocBacking(
  k: Kernel,
  vEntry: SwpEntry,
  order: number,
  pfn: number,
  chargeTo: Memcg,
): SwpEntry | null {
  const nr = 1 << order;
  // the virtual device is not tiered, the physical backing is: the owner's tiers apply
  const phys = k.swap.allocBacking(pfn, order, k.cpu, vEntry, folioTierEffectiveMask(k.tiers, chargeTo));
  if (phys === null) {
    if (k.chargeBackingOnly) k.memcgs.swapEvent(chargeTo, 'fail');
    return null;
  }
  if (!k.chargeBackingOnly) return phys;
  const r = k.memcgs.tryCharge(chargeTo, 'swap', nr);
  if (!r.ok) {
    k.memcgs.swapEvent(chargeTo, 'max');
    k.memcgs.swapEvent(chargeTo, 'fail');
    freePhysical(k, phys, nr);
    return null;
  }
  k.j.set(chargeTo, 'swapIdRefs', chargeTo.swapIdRefs + nr);
  const psi = k.swap.swapInfo[swpType(phys)]!;
  const mt = psi.clusterOf(swpOffset(phys))!.memcgTable!;
  const base = swpOffset(phys) & (k.geom.clusterSlots - 1);
  for (let i = 0; i < nr; i++) k.j.a(mt, base + i, chargeTo.id);
  return phys;
}

/** Any device that can hold data (not dynamic)? Without one nothing can back a virtual slot. */
export function hasPhysicalDevice(k: Kernel): boolean {
  return k.swap.devices.some((d) => !d.dynamic);
}

/** Where a slot's data is, as the §8.3 state table names it (and the same words for physical slots). */
export type SlotBackendName = 'free' | 'bad' | 'rmap' | 'zero' | 'zswap' | 'swapfile' | 'folio' | 'none';

/**
 * The backend of any slot: `zero` (Z flag), `zswap`, `swapfile` (a device
 * holds the data: the slot's own device, or a virtual slot's backing),
 * `folio` (only the cached folio holds it), `none` (a virtual slot with a
 * shadow and no backend: lost data), `rmap` for a physical slot that backs a
 * virtual one, `free`, `bad`. For views and scenario expectations.
 */
export function slotBackend(k: Kernel, si: SwapInfo, offset: number): SlotBackendName {
  const meta = si.slotMeta(offset);
  const kind = tbKind(meta);
  if (kind === SlotKind.NULL) return 'free';
  if (kind === SlotKind.BAD) return 'bad';
  if (kind === SlotKind.POINTER) return 'rmap';
  if (tbZero(meta)) return 'zero';
  if (k.zswap.has(swpEntry(si.type, offset))) return 'zswap';
  if (si.dynamic) {
    if (vtTag(si, offset) === VtTag.SWAPFILE) return 'swapfile';
    return kind === SlotKind.PFN ? 'folio' : 'none';
  }
  // a physical slot's device copy is stale while the cached folio is dirty (never written, or loaded from zswap)
  if (kind === SlotKind.PFN && k.folios.test(k.folios.head[si.slotVal(offset)]!, PG_dirty)) return 'folio';
  return 'swapfile';
}
