// What the client knows about each scenario's simulation: the last snapshot
// with every delta since applied. Every view reads from here; only the server
// writes (snapshots answer requests, deltas arrive as swapsim/delta).
import type { DeviceSummary, MemcgSummary, SessionDelta, SessionSnapshot } from '../../shared/protocol';
import { Signal } from './signal';

/** The snapshot with its lists keyed for delta patching; counters are not kept (views fetch what they show). */
export interface SessionState extends Omit<SessionSnapshot, 'uri' | 'devices' | 'memcgs' | 'counters'> {
  readonly uri: string;
  devices: Map<number, DeviceSummary>;
  memcgs: Map<number, MemcgSummary>;
  /** Events in the session's log, as far as deltas told; -1 before the first delta. */
  eventsTotal: number;
}

export type StoreChange =
  | { kind: 'snapshot'; uri: string; state: SessionState }
  | { kind: 'delta'; uri: string; state: SessionState; delta: SessionDelta }
  | { kind: 'closed'; uri: string };

/** Identity of one expect or error occurrence: a line inside a repeat runs at many steps. */
function occurrence(item: { range: { start: { line: number } }; step: number }): string {
  return `${item.range.start.line}@${item.step}`;
}

/** Keep `existing` up to `step`, then add `incoming` occurrences not already there. */
function mergeByOccurrence<T extends { range: { start: { line: number } }; step: number }>(
  existing: T[],
  incoming: readonly T[],
  keepUpTo: number | null,
): T[] {
  const kept = keepUpTo === null ? existing : existing.filter((item) => item.step <= keepUpTo);
  const seen = new Set(kept.map(occurrence));
  const merged = [...kept];
  for (const item of incoming) {
    const key = occurrence(item);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(item);
  }
  return merged;
}

export class SessionStore {
  private readonly sessions = new Map<string, SessionState>();
  /** Deltas that arrived before the first snapshot of their session (replayed once it lands). */
  private readonly early = new Map<string, SessionDelta[]>();
  private focusedUri: string | undefined;
  private readonly changed = new Signal<StoreChange>();
  private readonly focusChanged = new Signal<string | undefined>();

  readonly onDidChange = this.changed.event;
  /** The session the views show changed (another scenario editor became active, or none). */
  readonly onDidChangeFocus = this.focusChanged.event;

  get(uri: string): SessionState | undefined {
    return this.sessions.get(uri);
  }

  get focused(): string | undefined {
    return this.focusedUri;
  }

  focusedState(): SessionState | undefined {
    return this.focusedUri === undefined ? undefined : this.sessions.get(this.focusedUri);
  }

  focus(uri: string | undefined): void {
    if (uri === this.focusedUri) return;
    this.focusedUri = uri;
    this.focusChanged.fire(uri);
  }

  /**
   * Take a snapshot unless a newer state is already known (`replace` takes it
   * anyway: the server rebuilt the session and numbers start over). Returns
   * whether it was applied.
   */
  applySnapshot(snapshot: SessionSnapshot, replace = false): boolean {
    const current = this.sessions.get(snapshot.uri);
    if (!replace && current !== undefined && current.seq > snapshot.seq) return false;
    const state: SessionState = {
      uri: snapshot.uri,
      seq: snapshot.seq,
      status: snapshot.status,
      design: snapshot.design,
      kernel: snapshot.kernel,
      pageSize: snapshot.pageSize,
      clusterSlots: snapshot.clusterSlots,
      step: snapshot.step,
      devices: new Map(snapshot.devices.map((d) => [d.type, d])),
      memcgs: new Map(snapshot.memcgs.map((m) => [m.id, m])),
      expects: [...snapshot.expects],
      errors: [...snapshot.errors],
      eventsTotal: current?.eventsTotal ?? -1,
    };
    this.sessions.set(snapshot.uri, state);
    const early = this.early.get(snapshot.uri) ?? [];
    this.early.delete(snapshot.uri);
    this.changed.fire({ kind: 'snapshot', uri: snapshot.uri, state });
    // Deltas that came before the snapshot: those past it continue it (a gap among them is left for the next delta to find).
    for (const delta of early) if (this.applyDelta(delta) === 'gap') break;
    return true;
  }

  /**
   * Apply a delta on top of the known state. Returns 'applied', 'stale' (older
   * than what we have), 'pending' (no snapshot yet: kept until one arrives) or
   * 'gap' (one or more deltas were missed, e.g. the server dropped and rebuilt
   * the session: not applied, the caller takes a fresh snapshot). Every
   * delta of a session numbers one above the previous one.
   */
  applyDelta(delta: SessionDelta): 'applied' | 'stale' | 'pending' | 'gap' {
    const state = this.sessions.get(delta.uri);
    if (state === undefined) {
      const queue = this.early.get(delta.uri) ?? [];
      queue.push(delta);
      this.early.set(delta.uri, queue);
      return 'pending';
    }
    if (delta.seq <= state.seq) return 'stale';
    if (delta.seq > state.seq + 1) return 'gap';
    state.seq = delta.seq;
    state.status = delta.status;
    state.design = delta.design;
    state.kernel = delta.kernel;
    // A rebuilt session (e.g. after a geometry setting changed) may have another page or cluster size.
    if (delta.pageSize !== undefined) state.pageSize = delta.pageSize;
    if (delta.clusterSlots !== undefined) state.clusterSlots = delta.clusterSlots;
    state.step = delta.step;
    for (const device of delta.devices) state.devices.set(device.type, device);
    for (const type of delta.removedDevices) state.devices.delete(type);
    for (const memcg of delta.memcgs) state.memcgs.set(memcg.id, memcg);
    for (const id of delta.removedMemcgs) state.memcgs.delete(id);
    // After a rewind, results from steps past the new position no longer happened.
    const keepUpTo = delta.rewound ? delta.step.index : null;
    state.expects = mergeByOccurrence(state.expects, delta.expects, keepUpTo);
    state.errors = mergeByOccurrence(state.errors, delta.errors, keepUpTo);
    state.eventsTotal = delta.eventsTotal;
    this.changed.fire({ kind: 'delta', uri: delta.uri, state, delta });
    return 'applied';
  }

  /** The document closed: forget its session. */
  close(uri: string): void {
    this.early.delete(uri);
    if (!this.sessions.delete(uri)) return;
    this.changed.fire({ kind: 'closed', uri });
    if (this.focusedUri === uri) this.focus(undefined);
  }

  dispose(): void {
    this.changed.dispose();
    this.focusChanged.dispose();
  }
}
