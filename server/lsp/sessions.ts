/**
 * Simulation sessions of open documents.
 *
 * A session is created lazily (first custom request) from the document's
 * current text, and disposed when the document closes. When the text changes
 * under a session, the session is rebuilt from the new text at once and a
 * `rewound` delta tells views what the new (reset) state is: every device and
 * memcg of the old session that is gone is listed as removed, the new ones as
 * changed, all counters are sent, and every device's cluster map is marked
 * for refetch, and the page and cluster size are sent (a settings change can
 * alter them). Views can therefore keep listening; a snapshot would also do.
 *
 * Sequence numbers on the wire keep increasing across rebuilds: each entry
 * adds a base to its session's own `seq` (a rebuilt session starts at 0).
 * They keep increasing across an eviction too, with one number skipped, so
 * a view still showing the evicted session sees a gap and resyncs.
 *
 * Work on one session is serialised (a queue per URI), because long runs are
 * cut into slices that yield to the event loop so cancellation and other
 * documents are served in between.
 */
import type { DesignName, SessionDelta, SessionSnapshot } from '../../shared/protocol';
import type { SessionOptions } from '../session/api';
import { flatCounters } from '../session/observe';
import { Session } from '../session/session';
import { StepPlan } from '../session/steps';
import type { FrontEndResult, Range } from '../lang/index';

export interface SessionEntry {
  readonly uri: string;
  readonly session: Session;
  /** Document version the session was built from. */
  readonly version: number;
  /** Wire seq = session.seq + seqBase. */
  readonly seqBase: number;
  /** `swapsim/setDesign` choice, kept across rebuilds until the document closes. */
  readonly designOverride: DesignName | undefined;
  lastUsed: number;
  /** Step index → statement range, for invariant violations (built on first use). */
  plan: StepPlan | null;
}

export function wireSeq(entry: SessionEntry): number {
  return entry.session.seq + entry.seqBase;
}

/** The session's delta with its seq on the wire scale. */
export function wireDelta(entry: SessionEntry, delta: SessionDelta): SessionDelta {
  return { ...delta, seq: delta.seq + entry.seqBase };
}

export function wireSnapshot(entry: SessionEntry): SessionSnapshot {
  const snap = entry.session.snapshot();
  return { ...snap, seq: snap.seq + entry.seqBase };
}

/** Source range of the statement run at a 1-based step. */
export function stepRange(entry: SessionEntry, step: number): Range | null {
  entry.plan ??= new StepPlan(entry.session.frontEnd.checked.statements);
  if (step < 1 || step > entry.plan.total) return null;
  return entry.plan.at(step - 1).stmt.range;
}

/** The delta that takes views from `old` (null: nothing shown yet) to a freshly built session's state. */
export function rebuildDelta(entry: SessionEntry, old: SessionSnapshot | null): SessionDelta {
  const snap = entry.session.snapshot();
  const counters: Record<string, number> = { ...flatCounters(snap.counters) };
  if (old !== null)
    for (const key of Object.keys(flatCounters(old.counters))) if (!(key in counters)) counters[key] = 0;
  const newTypes = new Set(snap.devices.map((d) => d.type));
  const newMemcgs = new Set(snap.memcgs.map((m) => m.id));
  const oldTypes = old?.devices.map((d) => d.type) ?? [];
  return {
    uri: entry.uri,
    seq: snap.seq + entry.seqBase,
    status: snap.status,
    design: snap.design,
    kernel: snap.kernel,
    step: snap.step,
    devices: snap.devices,
    removedDevices: oldTypes.filter((t) => !newTypes.has(t)),
    clusters: [],
    clustersOverflow: [...new Set([...oldTypes, ...newTypes])],
    changedSlots: {},
    memcgs: snap.memcgs,
    removedMemcgs: (old?.memcgs ?? []).map((m) => m.id).filter((id) => !newMemcgs.has(id)),
    counters,
    events: [],
    eventsTotal: 0,
    expects: [],
    errors: [],
    rewound: true,
    pageSize: snap.pageSize,
    clusterSlots: snap.clusterSlots,
  };
}

export class SessionManager {
  private readonly entries = new Map<string, SessionEntry>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Where evicted sessions' wire numbering stopped (and their design override), until the document closes. */
  private readonly evictedAt = new Map<string, { seq: number; designOverride: DesignName | undefined }>();
  private readonly busy = new Map<string, number>();
  private clock = 0;

  constructor(
    /** Options from the current settings (design override, limits, invariants). */
    private readonly options: () => SessionOptions,
    /** Most sessions kept at once; the least recently used go first. */
    readonly maxSessions = 8,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(uri: string): SessionEntry | undefined {
    return this.entries.get(uri);
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Build (or rebuild) the session of `uri` from `text`. Returns the entry,
   * and the delta to push when an older session was replaced.
   */
  build(
    uri: string,
    text: string,
    version: number,
    design?: DesignName,
    frontEnd?: FrontEndResult,
  ): { entry: SessionEntry; delta: SessionDelta | null; evicted: string[] } {
    const old = this.entries.get(uri);
    const evicted = this.evictedAt.get(uri);
    const designOverride = design ?? old?.designOverride ?? evicted?.designOverride;
    const opts: SessionOptions = {
      ...this.options(),
      ...(designOverride === undefined ? {} : { design: designOverride }),
    };
    const session = new Session(uri, text, frontEnd === undefined ? opts : { ...opts, frontEnd });
    // After an eviction, numbering skips one: views still showing the evicted session see a gap and take a snapshot.
    const seqBase =
      old !== undefined ? wireSeq(old) + 1 - session.seq : evicted !== undefined ? evicted.seq + 2 - session.seq : 0;
    const entry: SessionEntry = { uri, session, version, seqBase, designOverride, lastUsed: ++this.clock, plan: null };
    const delta =
      old !== undefined
        ? rebuildDelta(entry, wireSnapshot(old))
        : evicted !== undefined
          ? rebuildDelta(entry, null)
          : null;
    this.evictedAt.delete(uri);
    this.entries.set(uri, entry);
    return { entry, delta, evicted: this.evict(uri) };
  }

  /** The design chosen with `setDesign` for the document, if any (kept across rebuilds and evictions). */
  designOverride(uri: string): DesignName | undefined {
    return this.entries.get(uri)?.designOverride ?? this.evictedAt.get(uri)?.designOverride;
  }

  /** A long write (a run in slices) is under way on `uri`: reads may be served between its slices. */
  isBusy(uri: string): boolean {
    return (this.busy.get(uri) ?? 0) > 0;
  }

  /** Mark `uri` busy while `work` runs. */
  async whileBusy<T>(uri: string, work: () => Promise<T>): Promise<T> {
    this.busy.set(uri, (this.busy.get(uri) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (this.busy.get(uri) ?? 1) - 1;
      if (left > 0) this.busy.set(uri, left);
      else this.busy.delete(uri);
    }
  }

  touch(entry: SessionEntry): void {
    entry.lastUsed = ++this.clock;
  }

  /** The document closed: forget its session and its numbering. */
  dispose(uri: string): boolean {
    this.evictedAt.delete(uri);
    return this.entries.delete(uri);
  }

  /** Drop least recently used sessions (never `keep`) until at most `max` remain. */
  evict(keep: string, max = this.maxSessions): string[] {
    const dropped: string[] = [];
    while (this.entries.size > max) {
      let oldest: SessionEntry | undefined;
      for (const e of this.entries.values())
        if (e.uri !== keep && (oldest === undefined || e.lastUsed < oldest.lastUsed)) oldest = e;
      if (oldest === undefined) break;
      this.entries.delete(oldest.uri);
      this.evictedAt.set(oldest.uri, { seq: wireSeq(oldest), designOverride: oldest.designOverride });
      dropped.push(oldest.uri);
    }
    return dropped;
  }

  /** Run `work` after every earlier job of the same URI. */
  enqueue<T>(uri: string, work: () => Promise<T> | T): Promise<T> {
    const previous = this.queues.get(uri) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(uri, tail);
    void tail.then(() => {
      if (this.queues.get(uri) === tail) this.queues.delete(uri);
    });
    return next;
  }
}
