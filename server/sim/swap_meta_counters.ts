/**
 * Per-device counts that the metadata model (designs/overhead.ts) needs,
 * kept up to date by the swap code as it changes state, so that the
 * metadata a design allocates (swap_meta_ram.ts) follows every operation
 * without a pass over the slots. The kernel has the structures themselves,
 * not counts of them; these are the simulator's bookkeeping.
 *
 * swap_usage.ts builds the same figures by walking the slots;
 * invariants.ts checks the two agree.
 */
import type { Journal } from './journal';
import { SWAP_MAP_MAX } from './designs/legacy_swap_map';

/** Slots per 64-slot XArray leaf node of the legacy swap cache (XA_CHUNK_SIZE). */
export const XA_GROUP_SLOTS = 64;
/** Slots covered by one legacy swap_map page (a continuation page extends one swap_map page). */
export const SLOTS_PER_MAP_PAGE = 4096;

export class SwapMetaCounters {
  /** Clusters whose swap table is allocated. */
  tables = 0;
  /** Cluster objects that exist (ci_dyn of a dynamic device). */
  materialised = 0;
  /** Clusters with an extend_table. */
  extendTables = 0;
  /** Slots holding a POINTER (rmap) entry. */
  pointers = 0;
  /** 64-slot groups holding at least one PFN or shadow entry (legacy XArray leaf nodes). */
  cacheGroups = 0;
  /** Slots whose count is above SWAP_MAP_MAX (legacy continuation digits). */
  overflowSlots = 0;
  /** swap_map pages with at least one such slot: their continuation pages. */
  contPages = 0;
  /** Overflowed slots per swap_map page. */
  readonly overflowPerPage = new Map<number, number>();
  /** Something the model reads changed since the RAM was last brought in line. */
  dirty = true;
}

function bump(
  j: Journal,
  c: SwapMetaCounters,
  key: 'tables' | 'materialised' | 'extendTables' | 'pointers' | 'cacheGroups' | 'overflowSlots' | 'contPages',
  delta: number,
): void {
  j.set(c, key, c[key] + delta);
  if (!c.dirty) j.set(c, 'dirty', true);
}

export function countTable(j: Journal, c: SwapMetaCounters, delta: 1 | -1): void {
  bump(j, c, 'tables', delta);
}

export function countMaterialised(j: Journal, c: SwapMetaCounters, delta: 1 | -1): void {
  bump(j, c, 'materialised', delta);
}

export function countExtendTable(j: Journal, c: SwapMetaCounters, delta: 1 | -1): void {
  bump(j, c, 'extendTables', delta);
}

export function countPointers(j: Journal, c: SwapMetaCounters, delta: number): void {
  if (delta) bump(j, c, 'pointers', delta);
}

/** A slot of a cluster became PFN or shadow from NULL (+1), or NULL from PFN or shadow (-1). */
export function countCachedSlot(
  j: Journal,
  c: SwapMetaCounters,
  groupFill: Uint16Array,
  off: number,
  delta: 1 | -1,
): void {
  const g = Math.floor(off / XA_GROUP_SLOTS);
  const before = groupFill[g]!;
  j.a(groupFill, g, before + delta);
  if (before === 0 && delta > 0) bump(j, c, 'cacheGroups', 1);
  else if (before === 1 && delta < 0) bump(j, c, 'cacheGroups', -1);
}

/** A slot's count crossed SWAP_MAP_MAX upward (+1) or downward (-1). */
export function countOverflow(j: Journal, c: SwapMetaCounters, offset: number, delta: 1 | -1): void {
  const page = Math.floor(offset / SLOTS_PER_MAP_PAGE);
  const before = c.overflowPerPage.get(page) ?? 0;
  const after = before + delta;
  if (after === 0) j.mapDelete(c.overflowPerPage, page);
  else j.mapSet(c.overflowPerPage, page, after);
  bump(j, c, 'overflowSlots', delta);
  if (before === 0) bump(j, c, 'contPages', 1);
  else if (after === 0) bump(j, c, 'contPages', -1);
}

/** Whether a count change from `before` to `after` crosses SWAP_MAP_MAX, and which way. */
export function overflowCrossing(before: number, after: number): 1 | -1 | 0 {
  if (before <= SWAP_MAP_MAX && after > SWAP_MAP_MAX) return 1;
  if (before > SWAP_MAP_MAX && after <= SWAP_MAP_MAX) return -1;
  return 0;
}
