/**
 * The page's copy of the session: the snapshot it got at start, kept current
 * by applying deltas, plus what the views need over time (counter values per
 * visited step, recent events). No DOM here, so it is tested in Node and its
 * per-delta cost is measured by the bench.
 *
 * Applying a delta costs O(size of the delta) plus O(counters) for one
 * history row: never O(device size) or O(used slots).
 */
import type {
  ClusterChange,
  DeviceSummary,
  EventPage,
  MemcgSummary,
  SessionDelta,
  SessionSnapshot,
  WireEvent,
} from '../../shared/protocol';

/** What one applied delta changed, for the views to redraw only that. */
export interface DeltaEffect {
  seq: number;
  rewound: boolean;
  stepChanged: boolean;
  /** Device types whose summary changed, appeared or vanished. */
  devices: Set<number>;
  removedDevices: number[];
  /** Cluster changes per device type. */
  clusters: Map<number, ClusterChange[]>;
  /** Devices whose whole map must be refetched. */
  overflow: Set<number>;
  /** Devices with slot changes (cluster details there may be stale). */
  slots: Set<number>;
  memcgs: boolean;
  /** Counter keys whose value changed. */
  counters: Set<string>;
  events: boolean;
}

/** Counter values that changed at one visited step (the first sample holds them all). */
export interface CounterSample {
  step: number;
  changes: Map<string, number>;
}

const MAX_HISTORY = 4096;
const MAX_EVENTS = 2000;

/** Flatten a snapshot's counters to the dotted keys deltas use (`vmstat.pswpout`, `swaps./dev/vda2.Used`). */
export function flattenCounters(snapshot: SessionSnapshot): Map<string, number> {
  const out = new Map<string, number>();
  const c = snapshot.counters;
  for (const row of c.swaps) {
    out.set(`swaps.${row.Filename}.Size`, row.Size);
    out.set(`swaps.${row.Filename}.Used`, row.Used);
    out.set(`swaps.${row.Filename}.Priority`, row.Priority);
  }
  for (const [key, value] of Object.entries(c.free)) out.set(`free.swap.${key}`, value);
  for (const [key, value] of Object.entries(c.freeMem)) out.set(`free.mem.${key}`, value);
  for (const [key, value] of Object.entries(c.meminfo)) out.set(`meminfo.${key}`, value);
  for (const [key, value] of Object.entries(c.vmstat)) out.set(`vmstat.${key}`, value);
  for (const [size, stats] of Object.entries(c.mthp))
    for (const [key, value] of Object.entries(stats)) out.set(`mthp.${size}.${key}`, value);
  for (const [key, value] of Object.entries(c.zswap)) out.set(`zswap.${key}`, value);
  return out;
}

/** Split a dotted counter key into its group and the rest; swap file names may hold dots, so `swaps.` keys split at the last dot. */
export function splitCounterKey(key: string): { group: string; name: string; field: string } {
  const dot = key.indexOf('.');
  const group = dot < 0 ? key : key.slice(0, dot);
  const rest = dot < 0 ? '' : key.slice(dot + 1);
  if (group === 'swaps' || group === 'mthp') {
    const last = rest.lastIndexOf('.');
    return { group, name: last < 0 ? rest : rest.slice(0, last), field: last < 0 ? '' : rest.slice(last + 1) };
  }
  return { group, name: rest, field: '' };
}

export class SessionStore {
  snapshot: SessionSnapshot;
  readonly devices = new Map<number, DeviceSummary>();
  readonly memcgs = new Map<number, MemcgSummary>();
  readonly counters: Map<string, number>;
  /** Values before the last delta of the counters it changed (for "was" hints). */
  readonly previous = new Map<string, number>();
  /** Keys the last delta changed. */
  lastChanged = new Set<string>();
  readonly history: CounterSample[] = [];
  /** Newest events last, bounded. */
  readonly events: WireEvent[] = [];
  eventsTotal = 0;

  constructor(snapshot: SessionSnapshot) {
    this.snapshot = snapshot;
    for (const d of snapshot.devices) this.devices.set(d.type, d);
    for (const m of snapshot.memcgs) this.memcgs.set(m.id, m);
    this.counters = flattenCounters(snapshot);
    this.record(snapshot.step.index, null);
  }

  get seq(): number {
    return this.snapshot.seq;
  }

  /** Deltas number one above the previous one: a higher number means some were missed, and only a fresh snapshot can continue. */
  misses(delta: SessionDelta): boolean {
    return delta.uri === this.snapshot.uri && delta.seq > this.snapshot.seq + 1;
  }

  /** Apply a delta; returns what changed, or null for a stale, foreign or out-of-order one (see `misses`). */
  apply(delta: SessionDelta): DeltaEffect | null {
    if (delta.uri !== this.snapshot.uri || delta.seq <= this.snapshot.seq || this.misses(delta)) return null;
    const effect: DeltaEffect = {
      seq: delta.seq,
      rewound: delta.rewound,
      stepChanged: delta.step.index !== this.snapshot.step.index || delta.step.total !== this.snapshot.step.total,
      devices: new Set<number>(),
      removedDevices: delta.removedDevices,
      clusters: new Map<number, ClusterChange[]>(),
      overflow: new Set(delta.clustersOverflow),
      slots: new Set<number>(),
      memcgs: delta.memcgs.length > 0 || delta.removedMemcgs.length > 0,
      counters: new Set<string>(),
      events: delta.events.length > 0 || delta.rewound,
    };

    for (const d of delta.devices) {
      this.devices.set(d.type, d);
      effect.devices.add(d.type);
    }
    for (const type of delta.removedDevices) {
      const gone = this.devices.get(type);
      this.devices.delete(type);
      effect.devices.add(type);
      // Its /proc/swaps row goes with it.
      if (gone !== undefined)
        for (const field of ['Size', 'Used', 'Priority']) this.counters.delete(`swaps.${gone.path}.${field}`);
    }
    for (const change of delta.clusters) {
      let list = effect.clusters.get(change.type);
      if (list === undefined) effect.clusters.set(change.type, (list = []));
      list.push(change);
    }
    for (const [type, count] of Object.entries(delta.changedSlots)) if (count > 0) effect.slots.add(Number(type));

    for (const m of delta.memcgs) this.memcgs.set(m.id, m);
    for (const id of delta.removedMemcgs) this.memcgs.delete(id);

    this.previous.clear();
    for (const [key, value] of Object.entries(delta.counters)) {
      const old = this.counters.get(key);
      if (old === value) continue;
      if (old !== undefined) this.previous.set(key, old);
      this.counters.set(key, value);
      effect.counters.add(key);
    }
    this.lastChanged = effect.counters;

    if (delta.rewound) {
      // History past the new step describes a future that no longer exists.
      while (this.history.length > 0 && this.history[this.history.length - 1]!.step >= delta.step.index)
        this.history.pop();
      let keep = this.events.length;
      while (keep > 0 && this.events[keep - 1]!.step > delta.step.index) keep--;
      this.events.length = keep;
    }
    if (delta.events.length > 0) {
      const newest = this.events.length > 0 ? this.events[this.events.length - 1]!.id : -1;
      for (const e of delta.events) if (e.id > newest) this.events.push(e);
      if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    }
    this.eventsTotal = delta.eventsTotal;

    this.snapshot = {
      ...this.snapshot,
      seq: delta.seq,
      status: delta.status,
      design: delta.design,
      kernel: delta.kernel,
      step: delta.step,
      devices: [...this.devices.values()].sort((a, b) => a.type - b.type),
      memcgs: [...this.memcgs.values()].sort((a, b) => a.id - b.id),
      expects: delta.rewound
        ? this.snapshot.expects.filter((e) => e.step <= delta.step.index).concat(delta.expects)
        : this.snapshot.expects.concat(delta.expects),
      errors: delta.rewound
        ? this.snapshot.errors.filter((e) => e.step <= delta.step.index).concat(delta.errors)
        : this.snapshot.errors.concat(delta.errors),
    };
    // After a rewind the kept samples may not lead to the current values: store them all.
    this.record(delta.step.index, delta.rewound ? null : effect.counters);
    return effect;
  }

  /** Replace everything with a fresh snapshot (reconnect, design switch). */
  reset(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    this.devices.clear();
    this.memcgs.clear();
    for (const d of snapshot.devices) this.devices.set(d.type, d);
    for (const m of snapshot.memcgs) this.memcgs.set(m.id, m);
    this.counters.clear();
    for (const [key, value] of flattenCounters(snapshot)) this.counters.set(key, value);
    this.previous.clear();
    this.lastChanged = new Set();
    this.history.length = 0;
    this.events.length = 0;
    this.record(snapshot.step.index, null);
  }

  /**
   * Keep what changed at this step. Samples are sparse (the first one holds
   * every counter) so a long run costs O(changes), not O(steps × counters).
   */
  private record(step: number, changed: Iterable<string> | null): void {
    let last: CounterSample | undefined = this.history[this.history.length - 1];
    if (last !== undefined && last.step > step) {
      // Moved back without a rewound flag (a reset): the series restarts from the full current values.
      this.history.length = 0;
      last = undefined;
      changed = null;
    }
    const changes = new Map<string, number>();
    for (const key of changed ?? this.counters.keys()) {
      const value = this.counters.get(key);
      if (value !== undefined) changes.set(key, value);
    }
    if (last !== undefined && last.step === step) for (const [key, value] of changes) last.changes.set(key, value);
    else this.history.push({ step, changes });
    if (this.history.length > MAX_HISTORY) {
      // Fold the oldest sample into the next so the values carried forward stay right.
      const [first, second] = this.history;
      if (first !== undefined && second !== undefined) {
        for (const [key, value] of first.changes) if (!second.changes.has(key)) second.changes.set(key, value);
        this.history.shift();
      }
    }
  }

  /** Steps and values of one counter across the visited steps, for a chart. */
  series(key: string): { steps: number[]; values: (number | null)[] } {
    const steps: number[] = [];
    const values: (number | null)[] = [];
    let current: number | null = null;
    for (const sample of this.history) {
      current = sample.changes.get(key) ?? current;
      steps.push(sample.step);
      values.push(current);
    }
    return { steps, values };
  }

  /** Fill the event list from a page fetched at start (deltas only carry what happens after). */
  seedEvents(page: EventPage, atSeq: number): void {
    // Deltas that arrived meanwhile already brought newer events; keep those.
    if (atSeq !== this.snapshot.seq && this.events.length > 0) return;
    const newest = this.events.length > 0 ? this.events[0]!.id : Number.POSITIVE_INFINITY;
    const older = page.events.filter((e) => e.id < newest).sort((a, b) => a.id - b.id);
    this.events.unshift(...older);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    this.eventsTotal = Math.max(this.eventsTotal, page.total);
  }

  /** The device's summary by swap type. */
  device(type: number): DeviceSummary | undefined {
    return this.devices.get(type);
  }
}
