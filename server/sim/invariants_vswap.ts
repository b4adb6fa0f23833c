/**
 * Consistency of the virtual layer (ghost, vswap, vswap-ste; docs/kernel-model.md
 * §8.1-§8.3), run by invariants.ts after every operation in tests:
 *  - a SWAPFILE tag names a physical POINTER slot whose rmap points back,
 *    and every POINTER slot is named by exactly such a tag;
 *  - a ZSWAP tag exists exactly while zswap holds an entry for the slot;
 *  - a zero-filled (Z) virtual slot has no other backend;
 *  - free virtual slots have no tag, no owner;
 *  - charges: vswap-ste charges only backing slots (virtual slots carry no
 *    charge, every backing slot does); vswap and ghost charge the virtual
 *    slot, never the backing;
 *  - vswap v3: every in-use physical slot backs a virtual entry (STE may
 *    fall back to direct physical slots when the vswap device is full).
 * O(touched clusters); only profiles with a virtual layer pay for it.
 */
import { VtTag, type SwapClusterInfo } from './cluster';
import { designDescriptor } from './designs/profiles';
import type { Kernel } from './kernel';
import { SWP_VSWAP, type SwapInfo } from './swapfile';
import { swpEntry, swpOffset, swpType } from './swap_entry';
import { SlotKind, tbInlineCount, tbKind, tbZero } from './swap_table';
import { backsToDisk, rmapTarget, vtTag, vtVal } from './virtual_layer';

export function vswapInvariants(k: Kernel): string[] {
  if (!designDescriptor(k.design).capabilities.hasDynamicClusters) return [];
  const out: string[] = [];
  let tagged = 0;
  for (const si of k.swap.devices) {
    if (si.dynamic) tagged += checkVirtualDevice(k, si, out);
  }
  let pointers = 0;
  for (const si of k.swap.devices) {
    if (!si.dynamic) pointers += checkPhysicalDevice(k, si, out);
  }
  if (pointers !== tagged) out.push(`${tagged} virtual slots tagged SWAPFILE but ${pointers} physical POINTER slots`);
  const v = k.swap.vswap;
  if (designDescriptor(k.design).capabilities.hasVirtualLayer) {
    if (!v || !(v.flags & SWP_VSWAP) || !v.dynamic || k.swap.swapInfo[v.type] !== v)
      out.push('the vswap device is missing or not a dynamic vswap device');
  } else if (v) {
    out.push(`design ${k.design} has a vswap device`);
  }
  return out;
}

/** One dynamic device; returns how many of its slots are tagged SWAPFILE. */
function checkVirtualDevice(k: Kernel, si: SwapInfo, out: string[]): number {
  let swapfile = 0;
  for (const ci of si.clusters()) swapfile += checkVirtualCluster(k, si, ci, out);
  return swapfile;
}

/** One cluster of a dynamic device; returns how many of its slots are tagged SWAPFILE. */
export function checkVirtualCluster(k: Kernel, si: SwapInfo, ci: SwapClusterInfo, out: string[]): number {
  const slots = k.geom.clusterSlots;
  let swapfile = 0;
  const where = `${si.path} cluster ${ci.idx}`;
  if (!ci.table || !ci.vtable) {
    out.push(`${where}: a live dynamic cluster without its table or virtual_table`);
    return 0;
  }
  if (!!ci.ownerTable !== si.ownerTables) out.push(`${where}: owner table ${ci.ownerTable ? 'present' : 'missing'}`);
  for (let i = 0; i < slots; i++) {
    const offset = ci.idx * slots + i;
    const meta = ci.table.meta[i]!;
    const kind = tbKind(meta);
    const tag = vtTag(si, offset);
    const entry = swpEntry(si.type, offset);
    const inZswap = k.zswap.has(entry);
    const owner = ci.ownerTable ? ci.ownerTable[i]! : 0;
    if (kind === SlotKind.NULL || kind === SlotKind.BAD) {
      if (tag !== VtTag.NONE || vtVal(si, offset) !== 0)
        out.push(`${si.path}:${offset} is ${kind === SlotKind.NULL ? 'free' : 'bad'} but tagged ${tag}`);
      if (owner) out.push(`${si.path}:${offset} is free but names owner memcg ${owner}`);
      continue;
    }
    if (tag > VtTag.SWAPFILE) out.push(`${si.path}:${offset}: reserved vtable tag ${tag}`);
    if ((tag === VtTag.ZSWAP) !== inZswap)
      out.push(`${si.path}:${offset}: tag ${tag} but zswap ${inZswap ? 'holds' : 'lacks'} an entry`);
    if (tbZero(meta) && (tag !== VtTag.NONE || inZswap))
      out.push(`${si.path}:${offset} is zero-filled and also has backend tag ${tag}`);
    if (ci.ownerTable) {
      if (!owner) out.push(`${si.path}:${offset} is in use without an owner memcg`);
      if (ci.memcgTable && ci.memcgTable[i] !== 0)
        out.push(`${si.path}:${offset} carries a swap charge, but vswap-ste charges only the physical backing`);
    }
    if (tag !== VtTag.SWAPFILE) continue;
    swapfile++;
    if (!backsToDisk(k, si)) out.push(`${si.path}:${offset} has a physical backing its device cannot have`);
    const phys = vtVal(si, offset);
    const psi = k.swap.swapInfo[swpType(phys)];
    if (!psi || psi.dynamic) {
      out.push(`${si.path}:${offset}: SWAPFILE backing on ${psi ? psi.path : 'missing type ' + swpType(phys)}`);
      continue;
    }
    if (rmapTarget(psi, swpOffset(phys)) !== entry)
      out.push(`${si.path}:${offset}: backing ${psi.path}:${swpOffset(phys)} does not point back`);
  }
  return swapfile;
}

/** One physical device; returns its number of POINTER slots. */
function checkPhysicalDevice(k: Kernel, si: SwapInfo, out: string[]): number {
  let pointers = 0;
  for (const ci of si.clusters()) pointers += checkPhysicalCluster(k, si, ci, out);
  return pointers;
}

/** One cluster of a physical device under a virtual-layer design; returns its number of POINTER slots. */
export function checkPhysicalCluster(k: Kernel, si: SwapInfo, ci: SwapClusterInfo, out: string[]): number {
  const slots = k.geom.clusterSlots;
  let pointers = 0;
  if (!ci.table) return 0;
  for (let i = 0; i < slots; i++) {
    const offset = ci.idx * slots + i;
    const meta = ci.table.meta[i]!;
    const kind = tbKind(meta);
    if (kind === SlotKind.NULL || kind === SlotKind.BAD) continue;
    const charged = ci.memcgTable ? ci.memcgTable[i]! : 0;
    if (kind !== SlotKind.POINTER) {
      if (k.design === 'vswap')
        out.push(
          `${si.path}:${offset} is in use without backing a virtual entry (vswap v3 has no direct physical slots)`,
        );
      continue;
    }
    pointers++;
    if (tbInlineCount(meta) !== 0 || tbZero(meta))
      out.push(`${si.path}:${offset}: a POINTER entry with a count or Z flag`);
    if (k.zswap.has(swpEntry(si.type, offset)))
      out.push(`${si.path}:${offset}: zswap holds an entry for a POINTER slot`);
    if (k.chargeBackingOnly && !charged)
      out.push(`${si.path}:${offset}: backing slot not charged (vswap-ste charges the backing)`);
    if (!k.chargeBackingOnly && charged)
      out.push(
        `${si.path}:${offset}: backing slot charged to memcg ${charged}, but the virtual slot carries the charge`,
      );
    const v = rmapTarget(si, offset)!;
    const vsi = k.swap.swapInfo[swpType(v)];
    if (!vsi?.dynamic) {
      out.push(`${si.path}:${offset}: rmap to ${vsi ? vsi.path : 'missing type ' + swpType(v)}, not a virtual device`);
      continue;
    }
    if (vtTag(vsi, swpOffset(v)) !== VtTag.SWAPFILE || vtVal(vsi, swpOffset(v)) !== swpEntry(si.type, offset)) {
      out.push(
        `${si.path}:${offset}: rmap to ${vsi.path}:${swpOffset(v)}, whose virtual_table does not name this slot`,
      );
    }
  }
  return pointers;
}
