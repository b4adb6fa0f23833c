/**
 * What a session sends after each change: the parts of `SessionDelta` that
 * differ from what the views last saw. Devices, memcgs and counters are
 * diffed against the views remembered at the last delta; touched clusters
 * come from the journal records written since then (a rewind, whose records
 * are gone, resends every device's clusters); events, expects and errors are
 * what was added since.
 */
import type {
  ClusterChange,
  CounterSet,
  DeviceSummary,
  ExpectResult,
  MemcgSummary,
  SessionDelta,
  StepError,
  WireEvent,
} from '../../shared/protocol';
import { SwapClusterInfo } from '../sim/cluster';
import type { Kernel, KernelMark } from '../sim/kernel';
import { ownerOf } from '../sim/owners';
import { changedCounters } from './counter_diff';
import { clusterListName, counterSet, deviceSummary, flatCounters, memcgSummaries } from './observe';

/** Clusters a delta lists at most; beyond that the device is marked overflowed (views refetch it). */
const MAX_CLUSTER_CHANGES = 2048;
/** Events a delta carries at most (the newest). */
const MAX_DELTA_EVENTS = 200;

/** The parts of a delta that say what changed (the session adds who it is and where it stands). */
export type DeltaChanges = Pick<
  SessionDelta,
  | 'devices'
  | 'removedDevices'
  | 'clusters'
  | 'clustersOverflow'
  | 'changedSlots'
  | 'memcgs'
  | 'removedMemcgs'
  | 'counters'
  | 'events'
  | 'eventsTotal'
  | 'expects'
  | 'errors'
>;

/** The session's results so far, which a delta sends the new part of. */
export interface ResultLists {
  readonly expects: readonly ExpectResult[];
  readonly errors: readonly StepError[];
}

export class DeltaTracker {
  private lastDevices = new Map<number, string>();
  private lastMemcgs = new Map<number, string>();
  private lastCounters: CounterSet | null = null;
  private sentExpects = 0;
  private sentErrors = 0;
  /** Journal and event-log positions at the last delta; null after a rewind. */
  private mark: KernelMark | null = null;

  /** A machine was booted: its journal starts here. */
  attach(k: Kernel): void {
    this.mark = k.mark();
  }

  /** Remember the views of `k` as they are now: the base the next delta diffs against. */
  remember(k: Kernel): void {
    this.lastDevices = new Map(k.swap.devices.map((d) => [d.type, JSON.stringify(deviceSummary(k, d))]));
    this.lastMemcgs = new Map(memcgSummaries(k).map((m) => [m.id, JSON.stringify(m)]));
    this.lastCounters = counterSet(k);
    this.mark = k.mark();
  }

  /** The journal compacted [from, to) (undo_history.ts): the mark moves with it. */
  journalCompacted(from: number, to: number, removed: number): void {
    const m = this.mark;
    if (!m || m.journal <= from) return;
    this.mark = { journal: m.journal >= to ? m.journal - removed : from, events: m.events };
  }

  /** The session went back: results past the new lengths are gone, and the journal records since the mark too. */
  rewound(results: ResultLists): void {
    this.sentExpects = Math.min(this.sentExpects, results.expects.length);
    this.sentErrors = Math.min(this.sentErrors, results.errors.length);
    this.mark = null;
  }

  /** What changed since the last delta (or, after a rewind, everything the views must reload), within the caps above. */
  changes(
    k: Kernel,
    rewound: boolean,
    results: ResultLists,
    wireEvents: (from: number, to: number) => WireEvent[],
  ): DeltaChanges {
    // each summary is built and serialised once: it is both compared and remembered
    const devices: DeviceSummary[] = [];
    const deviceJson = new Map<number, string>();
    for (const si of k.swap.devices) {
      const s = deviceSummary(k, si);
      const json = JSON.stringify(s);
      deviceJson.set(si.type, json);
      if (this.lastDevices.get(si.type) !== json) devices.push(s);
    }
    const removedDevices = [...this.lastDevices.keys()].filter((t) => !deviceJson.has(t));
    const memcgs: MemcgSummary[] = [];
    const memcgJson = new Map<number, string>();
    for (const m of memcgSummaries(k)) {
      const json = JSON.stringify(m);
      memcgJson.set(m.id, json);
      if (this.lastMemcgs.get(m.id) !== json) memcgs.push(m);
    }
    const removedMemcgs = [...this.lastMemcgs.keys()].filter((id) => !memcgJson.has(id));
    const now = counterSet(k);
    const counters = this.lastCounters ? changedCounters(this.lastCounters, now) : flatCounters(now);

    // clusters touched since the last delta, from the journal
    const clusters: ClusterChange[] = [];
    const overflow = new Set<number>();
    const changedSlots: Record<number, number> = {};
    if (this.mark && !rewound) {
      const seen = new Set<SwapClusterInfo>();
      k.j.forEachTouched(this.mark.journal, (target, records) => {
        const owner = target instanceof SwapClusterInfo ? target : ownerOf(target as object);
        if (!(owner instanceof SwapClusterInfo)) return;
        const ci = owner;
        if (!(target instanceof SwapClusterInfo)) changedSlots[ci.type] = (changedSlots[ci.type] ?? 0) + records;
        if (seen.has(ci)) return;
        seen.add(ci);
        if (clusters.length >= MAX_CLUSTER_CHANGES) {
          overflow.add(ci.type);
          return;
        }
        clusters.push({
          type: ci.type,
          cluster: ci.idx,
          list: clusterListName(ci),
          order: ci.order,
          count: ci.count,
          hasTable: ci.table !== null,
        });
      });
    } else {
      for (const si of k.swap.devices) overflow.add(si.type);
    }
    const eventsTotal = k.log.length;
    const from = Math.max(this.mark && !rewound ? this.mark.events : eventsTotal, eventsTotal - MAX_DELTA_EVENTS);
    const events = wireEvents(from, eventsTotal);
    const expects = rewound ? results.expects.slice() : results.expects.slice(this.sentExpects);
    const errors = rewound ? results.errors.slice() : results.errors.slice(this.sentErrors);
    this.sentExpects = results.expects.length;
    this.sentErrors = results.errors.length;
    this.lastDevices = deviceJson;
    this.lastMemcgs = memcgJson;
    this.lastCounters = now;
    this.mark = k.mark();
    return {
      devices,
      removedDevices,
      clusters,
      clustersOverflow: [...overflow],
      changedSlots,
      memcgs,
      removedMemcgs,
      counters,
      events,
      eventsTotal,
      expects,
      errors,
    };
  }
}
