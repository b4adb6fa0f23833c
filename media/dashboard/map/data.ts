/**
 * The cluster map's data for one device: fixed-size pages of binned cells
 * (`swapsim/clusterMap`) and whole-cluster details (`swapsim/cluster`),
 * fetched only for what is visible and kept in LRUs (the hexeditor way).
 *
 * Deltas patch one-cluster-per-cell pages in place (a ClusterChange has all
 * a cell shows) and mark binned pages and details stale; stale data stays on
 * screen until its replacement arrives, so stepping never flickers.
 */
import {
  SLOT_BACKINGS,
  type ClusterChange,
  type ClusterDetail,
  type ClusterListName,
  type ClusterMap,
  type SlotBacking,
} from '../../../shared/protocol';
import { Lru } from '../lru';

/** Cells per page: 16,384 bins is a 100-odd KB answer, a few per screen at most. */
export const PAGE_CELLS = 16384;
const PAGE_CACHE = 48;
const DETAIL_CACHE = 384;
const MAX_PAGE_REQUESTS = 4;
const MAX_DETAIL_REQUESTS = 8;

/** Cluster lists in a fixed order, so a cell stores one small index (0, a cell not yet filled in, reads as free). */
export const LIST_ORDER: readonly ClusterListName[] = ['free', 'nonfull', 'frag', 'full', 'discard', 'none', 'dead'];
export const BACKING_ORDER: readonly SlotBacking[] = SLOT_BACKINGS;
const LIST_INDEX = new Map(LIST_ORDER.map((name, i) => [name, i]));
const BACKING_INDEX = new Map(BACKING_ORDER.map((name, i) => [name, i]));

/** One page: cells [first, first + length) at k clusters per cell. */
export interface MapPage {
  k: number;
  first: number;
  /** Index into LIST_ORDER per cell. */
  list: Uint8Array;
  /** Used slots / slots per cell, 0..1 (exact for one-cluster cells: the inspector and tooltip count from it). */
  fill: Float32Array;
  /** Most common order, -1 for none. */
  order: Int8Array;
  /** Slots that belong to shmem / slots per cell, 0..1 (the shmem mark). */
  shmem: Float32Array;
  seq: number;
  /** Generation of the device's map when fetched; older than the device's means stale. */
  gen: number;
}

export interface DetailEntry {
  detail: ClusterDetail;
  /** Index into BACKING_ORDER per slot. */
  backing: Uint8Array;
  gen: number;
}

/** What the map needs from the outside: the two requests. */
export interface MapFetcher {
  /** The binned map, and when its answer reached the page. */
  clusterMap(type: number, bins: number, from: number, to: number): Promise<{ result: ClusterMap; receivedAt: number }>;
  cluster(type: number, cluster: number): Promise<ClusterDetail>;
}

export class DeviceMapData {
  private readonly pages = new Lru<string, MapPage>(PAGE_CACHE);
  private readonly details = new Lru<number, DetailEntry>(DETAIL_CACHE);
  private readonly pagesInFlight = new Set<string>();
  private readonly detailsInFlight = new Set<number>();
  /** Bumped when binned pages may be out of date. */
  private mapGen = 0;
  /** Bumped when slot details may be out of date. */
  private detailGen = 0;
  /** performance.now() when the last page's message reached the page (before parsing), for the first-paint measure. */
  lastArrival = 0;
  /** Called when something new arrived and the map should redraw. */
  onUpdate: () => void = () => undefined;
  /** Failed fetches (shown in the status line). */
  lastError: string | null = null;

  constructor(
    readonly type: number,
    public clusters: number,
    readonly clusterSlots: number,
    private readonly fetcher: MapFetcher,
  ) {}

  private static key(k: number, page: number): string {
    return `${k}:${page}`;
  }

  /** The page holding `cell` at k clusters per cell, if cached (stale or not). */
  page(k: number, cell: number): MapPage | undefined {
    return this.pages.peek(DeviceMapData.key(k, Math.floor(cell / PAGE_CELLS)));
  }

  detail(cluster: number): DetailEntry | undefined {
    return this.details.peek(cluster);
  }

  /** True when every page of cells [c0, c1) at k is cached. */
  hasCells(k: number, c0: number, c1: number): boolean {
    for (let p = Math.floor(c0 / PAGE_CELLS); p * PAGE_CELLS < c1; p++)
      if (!this.pages.has(DeviceMapData.key(k, p))) return false;
    return true;
  }

  /** Fetch missing or stale pages covering cells [c0, c1) at k, nearest the top first. */
  ensureCells(k: number, c0: number, c1: number): void {
    for (let p = Math.floor(c0 / PAGE_CELLS); p * PAGE_CELLS < c1; p++) {
      const key = DeviceMapData.key(k, p);
      const cached = this.pages.get(key);
      if (cached !== undefined && (k === 1 || cached.gen >= this.mapGen)) continue;
      if (this.pagesInFlight.has(key) || this.pagesInFlight.size >= MAX_PAGE_REQUESTS) continue;
      this.fetchPage(k, p, key);
    }
  }

  private fetchPage(k: number, p: number, key: string): void {
    const first = p * PAGE_CELLS;
    const from = first * k;
    const to = Math.min(this.clusters, (first + PAGE_CELLS) * k);
    if (from >= to) return;
    const cells = Math.ceil((to - from) / k);
    const gen = this.mapGen;
    this.pagesInFlight.add(key);
    this.fetcher.clusterMap(this.type, cells, from, to).then(
      ({ result: map, receivedAt }) => {
        this.pagesInFlight.delete(key);
        this.pages.set(key, toPage(map, k, first, cells, gen));
        this.lastArrival = receivedAt;
        this.lastError = null;
        this.onUpdate();
      },
      (err: unknown) => {
        this.pagesInFlight.delete(key);
        this.lastError = err instanceof Error ? err.message : String(err);
        this.onUpdate();
      },
    );
  }

  /** Fetch missing or stale details of these clusters (the ones on screen at slot zoom). */
  ensureDetails(clusters: Iterable<number>): void {
    for (const cluster of clusters) {
      const cached = this.details.get(cluster);
      if (cached !== undefined && cached.gen >= this.detailGen) continue;
      if (this.detailsInFlight.has(cluster) || this.detailsInFlight.size >= MAX_DETAIL_REQUESTS) continue;
      const gen = this.detailGen;
      this.detailsInFlight.add(cluster);
      this.fetcher.cluster(this.type, cluster).then(
        (detail) => {
          this.detailsInFlight.delete(cluster);
          const backing = new Uint8Array(detail.backing.length);
          for (let i = 0; i < detail.backing.length; i++) backing[i] = BACKING_INDEX.get(detail.backing[i]!) ?? 0;
          this.details.set(cluster, { detail, backing, gen });
          this.onUpdate();
        },
        (err: unknown) => {
          this.detailsInFlight.delete(cluster);
          this.lastError = err instanceof Error ? err.message : String(err);
          this.onUpdate();
        },
      );
    }
  }

  /** Requests still out (the map shows a busy state while > 0). */
  get pending(): number {
    return this.pagesInFlight.size + this.detailsInFlight.size;
  }

  /**
   * Apply a step's cluster changes: exact for one-cluster cells, stale marks
   * for binned pages and details. O(changes).
   */
  applyChanges(changes: readonly ClusterChange[], slotsChanged: boolean, overflow: boolean): void {
    if (overflow) {
      this.mapGen++;
      this.detailGen++;
      // One-cluster pages cannot be patched from a truncated list: drop them.
      for (const key of [...this.pages.keys()]) if (key.startsWith('1:')) this.pages.delete(key);
      return;
    }
    if (changes.length > 0) this.mapGen++;
    if (slotsChanged || changes.length > 0) this.detailGen++;
    for (const change of changes) {
      const page = this.pages.peek(DeviceMapData.key(1, Math.floor(change.cluster / PAGE_CELLS)));
      if (page === undefined) continue;
      const i = change.cluster - page.first;
      if (i < 0 || i >= page.list.length) continue;
      page.list[i] = LIST_INDEX.get(change.list) ?? 0;
      page.fill[i] = Math.min(change.count, this.clusterSlots) / this.clusterSlots;
      page.order[i] = change.count > 0 ? change.order : -1;
    }
  }

  /** Forget everything (device resized or replaced). */
  clear(): void {
    this.pages.clear();
    this.details.clear();
    this.mapGen++;
    this.detailGen++;
  }
}

/** Resample a server answer to one entry per cell (the last page of a device may bin unevenly). */
function toPage(map: ClusterMap, k: number, first: number, cells: number, gen: number): MapPage {
  const list = new Uint8Array(cells);
  const fill = new Float32Array(cells);
  const order = new Int8Array(cells);
  const shmem = new Float32Array(cells);
  const remap = map.lists.map((name) => LIST_INDEX.get(name) ?? 0);
  const bins = map.list.length;
  const per = map.clustersPerBin > 0 ? map.clustersPerBin : 1;
  for (let c = 0; c < cells; c++) {
    const b = Math.min(bins - 1, Math.floor((c * k) / per));
    list[c] = remap[map.list[b] ?? 0] ?? 0;
    fill[c] = Math.max(0, Math.min(1, map.fill[b] ?? 0));
    order[c] = Math.max(-1, Math.min(127, map.order[b] ?? -1));
    shmem[c] = Math.max(0, Math.min(1, map.shmem[b] ?? 0));
  }
  return { k, first, list, fill, order, shmem, seq: map.seq, gen };
}
