/**
 * Typed events every simulator operation emits. Views turn them into
 * deltas and histories; tests read them to check what happened.
 */
import type { ClusterListName } from './cluster';
import type { ErrnoName } from './errno';

/**
 * Events that describe `nr` slots from `offset` carry `unit` once runs of
 * them are merged (EventLog.emit): the number of slots each original event
 * covered (a folio's pages), so views can show a slot's own share of a run.
 */
export type SimEvent =
  | { kind: 'swapon'; type: number; path: string; pages: number; prio: number }
  | { kind: 'swapoff'; type: number; path: string }
  /** `backs`: the slots are the physical backing (rmap POINTER entries) of that virtual entry. */
  | {
      kind: 'slot-alloc';
      type: number;
      offset: number;
      nr: number;
      pfn: number;
      cpu: number;
      backs?: { type: number; offset: number };
      unit?: number;
    }
  | { kind: 'slot-free'; type: number; offset: number; nr: number; unit?: number }
  | { kind: 'slot-count'; type: number; offset: number; nr: number; delta: number; unit?: number }
  | { kind: 'cache-add'; type: number; offset: number; nr: number; pfn: number; unit?: number }
  | { kind: 'cache-del'; type: number; offset: number; nr: number; pfn: number; unit?: number }
  /** `physical`: where a virtual entry's data went when the backend is the disk. `reason`: why a folio was kept. */
  | {
      kind: 'swapout';
      type: number;
      offset: number;
      nr: number;
      backend: 'disk' | 'zswap' | 'zero' | 'ghost-activate' | 'none';
      physical?: { type: number; offset: number };
      reason?: string;
      unit?: number;
    }
  | {
      kind: 'swapin';
      type: number;
      offset: number;
      nr: number;
      source: 'cache' | 'disk' | 'zswap' | 'zero';
      unit?: number;
    }
  | { kind: 'cluster-move'; type: number; cluster: number; from: ClusterListName; to: ClusterListName }
  | { kind: 'table-alloc'; type: number; cluster: number }
  | { kind: 'table-free'; type: number; cluster: number }
  | { kind: 'extend-table'; type: number; cluster: number; allocated: boolean }
  | { kind: 'device-avail'; type: number; onList: boolean }
  | { kind: 'fallback'; what: 'swpout' | 'swpin'; order: number; reason: string }
  | { kind: 'memcg-event'; memcg: string; event: string }
  | { kind: 'oom-kill'; task: string; memcg: string }
  | {
      kind: 'zswap';
      op: 'store' | 'load' | 'invalidate' | 'writeback' | 'reject';
      type: number;
      offset: number;
      reason?: string;
      nr?: number;
      unit?: number;
    }
  | { kind: 'invariant'; message: string; type?: number; offset?: number }
  | { kind: 'error'; errno: ErrnoName; message: string }
  | { kind: 'note'; message: string };

export type SimEventKind = SimEvent['kind'];

/** An event about a run of slots. */
type RunEvent = Extract<SimEvent, { offset: number }> & { nr?: number; unit?: number };

/**
 * The key under which an event may merge with an earlier one of the same
 * operation, or null: events about runs of slots, without the one-off
 * details (a backing, a reason) that make each of them worth its own line.
 */
export function mergeKey(e: SimEvent): string | null {
  switch (e.kind) {
    case 'slot-alloc':
      return e.backs ? null : `a${e.type}/${e.cpu}`;
    case 'slot-free':
      return `f${e.type}`;
    case 'slot-count':
      return `c${e.type}/${e.delta}`;
    case 'cache-add':
    case 'cache-del':
      return `${e.kind}${e.type}`;
    case 'swapout':
      return e.physical || e.reason ? null : `o${e.type}/${e.backend}`;
    case 'swapin':
      return `i${e.type}/${e.source}`;
    case 'zswap':
      return e.reason || e.op === 'reject' ? null : `z${e.type}/${e.op}`;
    default:
      return null;
  }
}

/** Extend `prev` by `e` when `e` continues it slot for slot (and PFN for PFN), in units of the same size. */
function merge(prev: RunEvent, e: RunEvent): boolean {
  return extendRun(prev, e.offset, e.nr ?? 1, 'pfn' in e ? e.pfn : undefined);
}

/** merge() of an event of `nr` slots at `offset` (and `pfn`, for kinds that carry one) into `prev`. */
function extendRun(prev: RunEvent, offset: number, nr: number, pfn: number | undefined): boolean {
  const prevNr = prev.nr ?? 1;
  const unit = prev.unit ?? prevNr;
  if (nr !== unit || offset !== prev.offset + prevNr) return false;
  if (pfn !== undefined && 'pfn' in prev && pfn !== prev.pfn + prevNr) return false;
  prev.unit = unit;
  prev.nr = prevNr + nr;
  return true;
}

/**
 * Event sink with a sequence number per event; rolled back with the journal.
 *
 * Within one operation, an event about slots that continues an earlier event
 * of the same kind is merged into it (a pageout of a million pages is a few
 * events, not millions). Every kernel mark seals the log: merging never
 * reaches an event older than the newest mark, so a rollback, which
 * truncates to a mark, never has to undo a merge.
 */
export class EventLog {
  readonly events: SimEvent[] = [];
  /** When false, events are not kept (benchmarks). */
  enabled = true;
  /** Events from here on belong to the current operation and may still grow. */
  private openFrom = 0;
  /** Newest open event per merge key. */
  private last = new Map<string, number>();

  get length(): number {
    return this.events.length;
  }

  emit(e: SimEvent): void {
    if (!this.enabled) return;
    const key = mergeKey(e);
    if (key !== null) {
      const i = this.last.get(key);
      if (i !== undefined && i >= this.openFrom && merge(this.events[i] as RunEvent, e as RunEvent)) return;
      this.last.set(key, this.events.length);
    }
    this.events.push(e);
  }

  /**
   * What emit() does with a one-slot event whose merge key is `key`, at
   * `offset` (with `pfn` for the kinds that carry one), when it merges into
   * the open event under that key: true when it did (or the log is off), so
   * bulk paths build and emit() the event only when this returns false.
   */
  extendByOne(key: string, offset: number, pfn?: number): boolean {
    if (!this.enabled) return true;
    const i = this.last.get(key);
    return i !== undefined && i >= this.openFrom && extendRun(this.events[i] as RunEvent, offset, 1, pfn);
  }

  /** No later event merges into the events logged so far (Kernel.mark). */
  seal(): void {
    this.openFrom = this.events.length;
    if (this.last.size) this.last.clear();
  }

  truncate(n: number): void {
    this.events.length = n;
    this.seal();
  }

  since(n: number): SimEvent[] {
    return this.events.slice(n);
  }
}
