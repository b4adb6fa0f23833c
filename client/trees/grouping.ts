// How the Devices tree splits big devices so no level lists more than
// MAX_CHILDREN items: a 1 TiB device has 524,288 clusters of 512 slots, shown
// as 512 ranges of 1,024 clusters. Ranges are aligned to their span, so the
// chain of ranges above any cluster can be computed (for reveal/getParent).

export const MAX_CHILDREN = 1024;
/** Slots per slot range when a cluster has more than MAX_CHILDREN slots (64K pages: 8,192). */
export const SLOT_RANGE = 512;

export interface Span {
  /** First index, inclusive. */
  readonly from: number;
  /** Last index, exclusive. */
  readonly to: number;
}

/** Size of each child range of a range of `size` clusters: 1 means the children are clusters. */
export function childSpan(size: number): number {
  let span = 1;
  while (Math.ceil(size / span) > MAX_CHILDREN) span *= MAX_CHILDREN;
  return span;
}

/** Split [from, to) into consecutive ranges of `span` (the last one may be shorter). */
export function subranges(from: number, to: number, span: number): Span[] {
  const out: Span[] = [];
  for (let start = from; start < to; start += span) out.push({ from: start, to: Math.min(to, start + span) });
  return out;
}

/** The ranges between a device of `clusters` clusters and `cluster`, outermost first (empty when clusters are listed directly). */
export function rangeChain(clusters: number, cluster: number): Span[] {
  const chain: Span[] = [];
  let from = 0;
  let to = clusters;
  while (to - from > MAX_CHILDREN) {
    const span = childSpan(to - from);
    const start = from + Math.floor((cluster - from) / span) * span;
    from = start;
    to = Math.min(to, start + span);
    chain.push({ from, to });
  }
  return chain;
}

/** Slot ranges of one cluster, or none when its slots fit one level. */
export function slotRanges(cluster: number, clusterSlots: number): Span[] {
  if (clusterSlots <= MAX_CHILDREN) return [];
  const first = cluster * clusterSlots;
  return subranges(first, first + clusterSlots, SLOT_RANGE);
}

/** The slot range of `offset` inside its cluster, if the cluster is split. */
export function slotRangeOf(offset: number, clusterSlots: number): Span | undefined {
  if (clusterSlots <= MAX_CHILDREN) return undefined;
  const from = Math.floor(offset / SLOT_RANGE) * SLOT_RANGE;
  return { from, to: from + SLOT_RANGE };
}
