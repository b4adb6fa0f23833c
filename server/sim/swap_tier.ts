/**
 * Swap tiers (Youngjun Park's series, v9 2026-06-20, not merged; behind
 * `config swap_tiers=on`). A tier is a named range of swap priorities; a
 * memcg may be limited to some tiers, and its folios then only get slots on
 * devices of those tiers (docs/kernel-model.md §8.4; docs/memcg-zswap.md).
 *
 * State is an immutable list of tiers replaced as a whole through the
 * journal, plus one mask per device (SwapInfo.tierMask) and two per memcg
 * (Memcg.tierMask, Memcg.tierEffectiveMask), all journaled, so a step back
 * restores them.
 */
import { fail } from './errno';
import type { Journal } from './journal';
import type { Memcg } from './memcontrol';
import { parseTierMax, parseTierOps, TIER_PRIO_MAX, TIER_PRIO_MIN, type TierOp } from './swap_tier_syntax';

/** At most 31 tiers: bit 31 of a mask is TIER_DEFAULT_MASK. */
export const MAX_SWAPTIER = 31;
/** The mask of a device no tier covers; every memcg mask includes it. */
export const TIER_DEFAULT_MASK = 0x80000000;
/** A memcg mask with every tier allowed (the value at creation, and the root's). */
export const TIER_ALL_MASK = 0xffffffff;
export interface SwapTier {
  readonly name: string;
  /** Bit of the tier in device and memcg masks. */
  readonly idx: number;
  /** Lowest priority of the tier; it ends one below the next higher tier's start. */
  readonly start: number;
}

/** What the tier code needs of an active swap device. */
export interface TieredDevice {
  readonly path: string;
  readonly prio: number;
  tierMask: number;
}

/** tiers_store() parsing (swap_tier_syntax.ts); a malformed write is EINVAL. */
export function parseTierOpsOrFail(text: string): TierOp[] {
  const parsed = parseTierOps(text);
  if (!parsed.ok) fail('EINVAL', parsed.error);
  return parsed.value;
}

/** The tier whose range holds `prio` in a list sorted by start, highest first. */
function tierHolding(list: readonly SwapTier[], prio: number): SwapTier | undefined {
  return list.find((t) => t.start <= prio);
}

const bit = (idx: number): number => 2 ** idx;

/** swap_tiers_mask_test(): does a device mask meet an allowed mask? */
export function swapTiersMaskTest(deviceMask: number, allowed: number): boolean {
  return (deviceMask & allowed) !== 0;
}

export class SwapTiers {
  /** The tiers by start priority, highest first (the order tiers shows them in). */
  readonly list: SwapTier[] = [];

  constructor(private readonly j: Journal) {}

  byName(name: string): SwapTier | undefined {
    return this.list.find((t) => t.name === name);
  }

  /** The tier a device mask names, or undefined for TIER_DEFAULT_MASK. */
  byMask(mask: number): SwapTier | undefined {
    return this.list.find((t) => bit(t.idx) === mask);
  }

  /** Highest priority of tier `t`: one below the next higher tier's start, or SHRT_MAX. */
  end(t: SwapTier): number {
    const i = this.list.indexOf(t);
    return i <= 0 ? TIER_PRIO_MAX : this.list[i - 1]!.start - 1;
  }

  /** The mask a device of priority `prio` gets now: its tier's bit, or TIER_DEFAULT_MASK. */
  maskForPrio(prio: number): number {
    const t = tierHolding(this.list, prio);
    return t ? bit(t.idx) : TIER_DEFAULT_MASK;
  }

  /** swap_tiers_assign_dev(): from _enable_swap_info(), when a device is swapped on. */
  assignDev(dev: TieredDevice): void {
    this.j.set(dev, 'tierMask', this.maskForPrio(dev.prio));
  }

  /** swap_tiers_sysfs_show(): a header, then one row per tier, highest first. */
  showText(): string {
    const row = (name: string, idx: string, start: string, end: string): string =>
      `${name.padEnd(17)}${idx.padEnd(6)}${start.padEnd(12)}${end}\n`;
    let out = row('Name', 'Idx', 'PrioStart', 'PrioEnd');
    for (const t of this.list) out += row(t.name, String(t.idx), String(t.start), String(this.end(t)));
    return out;
  }

  /**
   * tiers_store(): apply every operation to a copy (swap_tiers_snapshot())
   * and install it only if all succeed and the tiers still cover −1 up, so a
   * failed write changes nothing (swap_tiers_restore()). Then clear removed
   * tiers' bits from no memcg (they are set again) and give devices still at
   * TIER_DEFAULT_MASK their tier (swap_tiers_update()).
   */
  store(text: string, devices: readonly TieredDevice[], root: Memcg): void {
    const ops = parseTierOpsOrFail(text);
    const next = this.list.slice();
    const freed = new Set<number>();
    for (const op of ops) {
      if (op.kind === 'add') this.add(next, op.name, op.prio, devices);
      else freed.add(this.remove(next, op.name, devices));
    }
    if (next.length > 0 && !next.some((t) => t.start === TIER_PRIO_MIN)) {
      fail('EINVAL', `no tier starts at ${TIER_PRIO_MIN}: the tiers must cover ${TIER_PRIO_MIN}..${TIER_PRIO_MAX}`);
    }
    this.j.replaceArray(this.list, next);
    for (const idx of freed) resetMemcgBit(this.j, root, idx);
    this.update(devices);
  }

  /** swap_tiers_add() on the snapshot. */
  private add(list: SwapTier[], name: string, start: number, devices: readonly TieredDevice[]): void {
    if (list.some((t) => t.name === name)) fail('EEXIST', `tier ${name} exists`);
    if (list.length >= MAX_SWAPTIER) fail('ENOSPC', `at most ${MAX_SWAPTIER} tiers`);
    const clash = list.find((t) => t.start === start);
    if (clash) fail('EBUSY', `tier ${clash.name} already starts at priority ${start}`);
    // swap_tier_can_split_range(): the new start must not take a device away from its tier
    const split = tierHolding(list, start);
    if (split) {
      const dev = devices.find((d) => d.tierMask === bit(split.idx) && d.prio >= start);
      if (dev)
        fail(
          'EBUSY',
          `${dev.path} (priority ${dev.prio}) is in tier ${split.name}; a tier starting at ${start} would take it`,
        );
    }
    let idx = 0;
    while (list.some((t) => t.idx === idx)) idx++;
    const at = list.findIndex((t) => t.start < start);
    list.splice(at < 0 ? list.length : at, 0, { name, idx, start });
  }

  /** swap_tiers_remove() on the snapshot: the tier below grows up; the lowest one passes −1 to the tier above. */
  private remove(list: SwapTier[], name: string, devices: readonly TieredDevice[]): number {
    const i = list.findIndex((t) => t.name === name);
    if (i < 0) fail('EINVAL', `no tier ${name}`);
    const t = list[i]!;
    const dev = devices.find((d) => d.tierMask === bit(t.idx));
    if (dev) fail('EBUSY', `tier ${name} holds the active swap device ${dev.path}`);
    list.splice(i, 1);
    if (t.start === TIER_PRIO_MIN && i > 0) list[i - 1] = { ...list[i - 1]!, start: TIER_PRIO_MIN };
    return t.idx;
  }

  /** swap_tiers_update(): devices nobody covered yet join the tier holding their priority. */
  private update(devices: readonly TieredDevice[]): void {
    if (this.list.length === 0) return;
    for (const d of devices) if (d.tierMask === TIER_DEFAULT_MASK) this.assignDev(d);
  }
}

/** On tier removal: its bit is allowed again in every memcg, so a tier that reuses the index starts allowed. */
function resetMemcgBit(j: Journal, root: Memcg, idx: number): void {
  const b = bit(idx);
  for (const m of root.subtree()) {
    j.set(m, 'tierMask', (m.tierMask | b) >>> 0);
    j.set(m, 'tierEffectiveMask', (m.tierEffectiveMask | b) >>> 0);
  }
}

/** swap_tiers_memcg_inherit_mask(): a new memcg allows every tier; its effective mask is its parent's. */
export function swapTiersMemcgInheritMask(m: Memcg): void {
  m.tierMask = TIER_ALL_MASK;
  m.tierEffectiveMask = m.parent ? m.parent.tierEffectiveMask : TIER_ALL_MASK;
}

/** swap_tiers_memcg_sync_mask(): recompute effective masks below `m` (parent's effective AND own). */
export function swapTiersMemcgSyncMask(j: Journal, m: Memcg): void {
  for (const d of m.subtree()) {
    const parent = d.parent ? d.parent.tierEffectiveMask : TIER_ALL_MASK;
    j.set(d, 'tierEffectiveMask', (parent & d.tierMask) >>> 0);
  }
}

/** swap_tier_max_show(): `NAME max` or `NAME 0` per tier, highest first, from the memcg's own mask. */
export function swapTierMaxRows(tiers: SwapTiers, m: Memcg): [string, number | string][] {
  return tiers.list.map((t) => [t.name, swapTiersMaskTest(m.tierMask, bit(t.idx)) ? 'max' : 0]);
}

/** swap_tier_max_write(): exactly one `NAME max` or `NAME 0`; then the subtree's effective masks. */
export function swapTierMaxWrite(j: Journal, tiers: SwapTiers, m: Memcg, text: string): void {
  const parsed = parseTierMax(text);
  if (!parsed.ok) fail('EINVAL', parsed.error);
  const { name, allow } = parsed.value;
  const t = tiers.byName(name);
  if (!t) fail('EINVAL', `no tier ${name}`);
  const b = bit(t.idx);
  j.set(m, 'tierMask', (allow ? m.tierMask | b : m.tierMask & ~b) >>> 0);
  swapTiersMemcgSyncMask(j, m);
}

/** folio_tier_effective_mask(): the tiers a memcg's folios may use, or null when tiers are not configured. */
export function folioTierEffectiveMask(tiers: SwapTiers | null, m: Memcg): number | null {
  return tiers ? m.tierEffectiveMask : null;
}

/**
 * Consistency of the tier state (part of invariants.ts's full check):
 * - the tiers have distinct names and indexes below MAX_SWAPTIER, and when
 *   any exist the lowest starts at −1;
 * - an active device's mask is one bit: TIER_DEFAULT_MASK only while no tier
 *   covers it (no tier or a priority below -1), otherwise the bit of a live tier whose range holds its
 *   priority (a split may never move it: swap_tier_can_split_range());
 * - every memcg's effective mask is its parent's effective mask AND its own
 *   (swap_tiers_memcg_sync_mask()), the root's being all bits.
 */
export function swapTierInvariants(tiers: SwapTiers, devices: readonly TieredDevice[], root: Memcg): string[] {
  const out: string[] = [];
  swapTierListInvariants(tiers, out);
  for (const d of devices) deviceTierInvariant(tiers, d, out);
  for (const m of root.subtree()) memcgTierInvariant(m, out);
  return out;
}

/** The tier list itself: distinct names and indexes, the lowest tier starting at the lowest priority. */
export function swapTierListInvariants(tiers: SwapTiers, out: string[]): void {
  const names = new Set(tiers.list.map((t) => t.name));
  const idxs = new Set(tiers.list.map((t) => t.idx));
  if (names.size !== tiers.list.length || idxs.size !== tiers.list.length)
    out.push('swap tiers: a name or an index is used twice');
  if (tiers.list.some((t) => t.idx < 0 || t.idx >= MAX_SWAPTIER)) out.push('swap tiers: an index outside 0..30');
  const lowest = tiers.list[tiers.list.length - 1];
  if (lowest !== undefined && lowest.start !== TIER_PRIO_MIN)
    out.push(`swap tiers: the lowest tier ${lowest.name} starts at ${lowest.start}, not ${TIER_PRIO_MIN}`);
}

/** A device's tier mask names a live tier that holds its priority. */
export function deviceTierInvariant(tiers: SwapTiers, d: TieredDevice, out: string[]): void {
  if (d.tierMask === TIER_DEFAULT_MASK) {
    // tiers start at -1; only 6.12's descending default priorities (-2, -3, …) fall below every tier
    if (tiers.list.length > 0 && d.prio >= TIER_PRIO_MIN)
      out.push(`${d.path}: no tier although tiers cover priority ${d.prio}`);
    return;
  }
  const t = tiers.list.find((x) => bit(x.idx) === d.tierMask);
  if (t === undefined) out.push(`${d.path}: tier mask ${d.tierMask} names no live tier`);
  else if (d.prio < t.start || d.prio > tiers.end(t))
    out.push(`${d.path}: priority ${d.prio} outside its tier ${t.name} (${t.start}..${tiers.end(t)})`);
}

/** A memcg's effective tier mask is its parent's AND its own (the root's is every tier). */
export function memcgTierInvariant(m: Memcg, out: string[]): void {
  const expected = m.parent === null ? TIER_ALL_MASK : (m.parent.tierEffectiveMask & m.tierMask) >>> 0;
  if (m.tierEffectiveMask >>> 0 !== expected >>> 0)
    out.push(`memcg ${m.path}: effective tier mask ${m.tierEffectiveMask >>> 0} but parent AND own is ${expected}`);
}
