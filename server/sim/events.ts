/**
 * Typed events every simulator operation emits. Views turn them into
 * deltas and histories; tests read them to check what happened.
 */
import type { ClusterListName } from './cluster';
import type { ErrnoName } from './errno';

export type SimEvent =
  | { kind: 'swapon'; type: number; path: string; pages: number; prio: number }
  | { kind: 'swapoff'; type: number; path: string }
  /** `backs`: the slots are the physical backing (rmap POINTER entries) of that virtual entry. */
  | { kind: 'slot-alloc'; type: number; offset: number; nr: number; pfn: number; cpu: number; backs?: { type: number; offset: number } }
  | { kind: 'slot-free'; type: number; offset: number; nr: number }
  | { kind: 'slot-count'; type: number; offset: number; nr: number; delta: number }
  | { kind: 'cache-add'; type: number; offset: number; nr: number; pfn: number }
  | { kind: 'cache-del'; type: number; offset: number; nr: number; pfn: number }
  /** `physical`: where a virtual entry's data went when the backend is the disk. `reason`: why a folio was kept. */
  | { kind: 'swapout'; type: number; offset: number; nr: number; backend: 'disk' | 'zswap' | 'zero' | 'ghost-activate' | 'none'; physical?: { type: number; offset: number }; reason?: string }
  | { kind: 'swapin'; type: number; offset: number; nr: number; source: 'cache' | 'disk' | 'zswap' | 'zero' }
  | { kind: 'cluster-move'; type: number; cluster: number; from: ClusterListName; to: ClusterListName }
  | { kind: 'table-alloc'; type: number; cluster: number }
  | { kind: 'table-free'; type: number; cluster: number }
  | { kind: 'extend-table'; type: number; cluster: number; allocated: boolean }
  | { kind: 'device-avail'; type: number; onList: boolean }
  | { kind: 'fallback'; what: 'swpout' | 'swpin'; order: number; reason: string }
  | { kind: 'memcg-event'; memcg: string; event: string }
  | { kind: 'oom-kill'; task: string; memcg: string }
  | { kind: 'zswap'; op: 'store' | 'load' | 'invalidate' | 'writeback' | 'reject'; type: number; offset: number; reason?: string }
  | { kind: 'invariant'; message: string; type?: number; offset?: number }
  | { kind: 'error'; errno: ErrnoName; message: string }
  | { kind: 'note'; message: string };

export type SimEventKind = SimEvent['kind'];

/** Event sink with a sequence number per event; rolled back with the journal. */
export class EventLog {
  readonly events: SimEvent[] = [];
  /** When false, events are not kept (benchmarks). */
  enabled = true;

  get length(): number {
    return this.events.length;
  }
  emit(e: SimEvent): void {
    if (this.enabled) this.events.push(e);
  }
  truncate(n: number): void {
    this.events.length = n;
  }
  since(n: number): SimEvent[] {
    return this.events.slice(n);
  }
}
