/**
 * What changed between two counter sets, keyed like flatCounters()
 * (`vmstat.pswpout`, `swaps./dev/vda2.Used`), without flattening either
 * side: a delta builds key strings only for the counters that moved, which
 * matters for short runs where building deltas costs more than the steps.
 */
import type { CounterSet } from '../../shared/protocol';

const SWAP_FIELDS = ['Size', 'Used', 'Priority'] as const;

/** Counters whose value differs between `prev` and `next`; a counter gone from `next` reads 0. */
export function changedCounters(prev: CounterSet, next: CounterSet): Record<string, number> {
  const out: Record<string, number> = {};
  const before = new Map(prev.swaps.map((r) => [r.Filename, r]));
  const after = new Set<string>();
  for (const r of next.swaps) {
    after.add(r.Filename);
    const p = before.get(r.Filename);
    for (const f of SWAP_FIELDS) if (p?.[f] !== r[f]) out[`swaps.${r.Filename}.${f}`] = r[f];
  }
  for (const r of prev.swaps)
    if (!after.has(r.Filename)) for (const f of SWAP_FIELDS) out[`swaps.${r.Filename}.${f}`] = 0;
  diffRecord('free.swap.', prev.free, next.free, out);
  diffRecord('free.mem.', prev.freeMem, next.freeMem, out);
  diffRecord('meminfo.', prev.meminfo, next.meminfo, out);
  diffRecord('vmstat.', prev.vmstat, next.vmstat, out);
  for (const size of Object.keys(next.mthp))
    diffRecord(`mthp.${size}.`, prev.mthp[size] ?? {}, next.mthp[size] ?? {}, out);
  for (const size of Object.keys(prev.mthp))
    if (!(size in next.mthp)) diffRecord(`mthp.${size}.`, prev.mthp[size] ?? {}, {}, out);
  diffRecord('zswap.', prev.zswap, next.zswap, out);
  return out;
}

function diffRecord(
  prefix: string,
  prev: Readonly<Record<string, number>>,
  next: Readonly<Record<string, number>>,
  out: Record<string, number>,
): void {
  for (const key of Object.keys(next)) {
    const v = next[key]!;
    if (prev[key] !== v) out[prefix + key] = v;
  }
  for (const key of Object.keys(prev)) if (!(key in next)) out[prefix + key] = 0;
}
