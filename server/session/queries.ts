/**
 * The on-demand views of a session's machine: a slot's decoded record, a
 * cluster's 512 entries, the binned cluster map, pages of clusters, swap
 * cache rows and events, and the state export. Each reads the machine as it
 * is and changes nothing; bad coordinates are a `BadRequest`.
 */
import type {
  ClusterDetail,
  ClusterList,
  ClusterMap,
  DesignName,
  EventPage,
  SessionSnapshot,
  SlotRecord,
  SwapCacheEntry,
  WireEvent,
} from '../../shared/protocol';
import { PG_dirty } from '../sim/folio';
import { shmemSlotOwners } from '../sim/shmem';
import type { Kernel } from '../sim/kernel';
import { swpEntryRaw } from '../sim/swap_entry';
import { SLOT_KIND_NAMES, hex64, swpTbRaw, tbKind, tbZero, SlotKind } from '../sim/swap_table';
import type { SwapInfo } from '../sim/swapfile';
import { slotEncodings } from './encodings';
import { BadRequest } from './errors';
import { eventForSlot, eventSlots, wireEvent } from './event_text';
import {
  clusterListName,
  clusterMap,
  clusterSummary,
  flatCounters,
  memcgSummary,
  slotBacking,
  zramSlot,
} from './observe';

/** Events a slot's history shows at most (the newest). */
const MAX_HISTORY = 64;

/** What a query reads besides the machine. */
export interface QueryContext {
  readonly k: Kernel;
  readonly design: DesignName;
  /** The session's delta sequence number (a cluster map says which state it shows). */
  readonly seq: number;
  /** The step (1-based) during which event `i` was emitted. */
  stepOfEvent(i: number): number;
  /** A device's path by type, for event texts. */
  pathOf(type: number): string;
}

/** The active device of swap type `type`, or a BadRequest. */
function swapDevice(k: Kernel, type: number): SwapInfo {
  const si = Number.isInteger(type) ? k.swap.swapInfo[type] : undefined;
  if (!si) throw new BadRequest(`no active swap device of type ${type}`);
  return si;
}

/** Events [from, to) of the log as they travel. */
export function wireEvents(q: QueryContext, from: number, to: number): WireEvent[] {
  const out: WireEvent[] = [];
  const ev = q.k.log.events;
  for (let i = from; i < to; i++) out.push(wireEvent(ev[i]!, i, q.stepOfEvent(i), q.pathOf));
  return out;
}

/** One slot decoded: its table entry under the design's layout, owner, backing and latest events. */
export function slotRecord(q: QueryContext, type: number, offset: number): SlotRecord {
  const k = q.k;
  const si = swapDevice(k, type);
  if (!Number.isInteger(offset) || offset < 0 || offset >= si.max)
    throw new BadRequest(`offset ${offset} outside ${si.path} (0..${si.max - 1})`);
  const meta = si.slotMeta(offset);
  const kind = tbKind(meta);
  const id = k.swapMemcgId(si, offset);
  const m = id ? k.memcgs.get(id) : undefined;
  const entry = si.type * 2 ** 32 + offset;
  const z = k.zswap.entries.get(entry);
  const history: WireEvent[] = [];
  const ev = k.log.events;
  for (let i = ev.length - 1; i >= 0 && history.length < MAX_HISTORY; i--) {
    const s = eventSlots(ev[i]!);
    if (s.type === type && s.offset !== undefined && offset >= s.offset && offset < s.offset + (s.nr ?? 1))
      history.push(wireEvent(eventForSlot(ev[i]!, offset), i, q.stepOfEvent(i), q.pathOf));
  }
  history.reverse();
  return {
    type,
    offset,
    cluster: offset >>> k.geom.clusterShift,
    kind: SLOT_KIND_NAMES[kind],
    backing: slotBacking(k, si, offset),
    count: si.slotCount(offset),
    zero: tbZero(meta),
    memcg: m ? { id: m.id, path: memcgSummary(k, m).path, online: m.online } : null,
    pfn: kind === SlotKind.PFN ? si.slotVal(offset) : null,
    zswap: z ? { length: z.length, incompressible: z.incompressible, referenced: z.referenced } : null,
    zram: zramSlot(k, si, offset),
    shmem: shmemSlotOwners(k, type, offset, offset + 1).get(offset) ?? null,
    entryRaw: swpEntryRaw(entry),
    encodings: slotEncodings(k, si, offset, q.design),
    history,
  };
}

/** Every slot of one cluster: backing, count, owner and the raw table word as the design stores it. */
export function clusterDetail(q: QueryContext, type: number, cluster: number): ClusterDetail {
  const k = q.k;
  const si = swapDevice(k, type);
  if (!Number.isInteger(cluster) || cluster < 0 || cluster >= si.nrClusters)
    throw new BadRequest(`cluster ${cluster} outside ${si.path} (0..${si.nrClusters - 1})`);
  const ci = si.cluster(cluster);
  const n = k.geom.clusterSlots;
  const base = cluster * n;
  const backing: ClusterDetail['backing'] = [];
  const counts: number[] = [];
  const raw: string[] = [];
  const memcgIds: number[] = [];
  const layout = q.design === 'p1' || q.design === 'legacy' ? 'p1' : q.design === 'p3' ? 'p3' : 'p4';
  const zram: ClusterDetail['zram'] = k.zramOf(si) ? { state: [], size: [] } : undefined;
  for (let i = 0; i < n; i++) {
    const off = base + i;
    if (zram) {
      const z = zramSlot(k, si, off)!;
      zram.state.push(z.state);
      zram.size.push(z.size);
    }
    backing.push(off < si.max || ci?.table ? slotBacking(k, si, off) : 'bad');
    counts.push(si.slotCount(off));
    memcgIds.push(k.swapMemcgId(si, off));
    if (ci?.table) raw.push(hex64(swpTbRaw(layout, ci.table.meta[i]!, ci.table.val[i]!, si.slotCount(off))));
  }
  return {
    type,
    cluster,
    list: clusterListName(ci),
    order: ci?.order ?? 0,
    count: ci?.count ?? 0,
    hasTable: !!ci?.table,
    hasExtendTable: !!ci?.extendTable,
    backing,
    counts,
    raw,
    memcgIds,
    ...(zram ? { zram } : {}),
    shmem: [...shmemSlotOwners(k, type, base, base + n).keys()].map((off) => off - base).sort((a, b) => a - b),
  };
}

/** The device's clusters [from, to) in `bins` bins. */
export function clusterMapOf(q: QueryContext, type: number, bins: number, from?: number, to?: number): ClusterMap {
  const si = swapDevice(q.k, type);
  const b = Math.floor(bins);
  if (!(b >= 1 && b <= 65536)) throw new BadRequest(`bins ${bins} outside 1..65536`);
  const f = from ?? 0;
  const t = to ?? si.nrClusters;
  if (!Number.isInteger(f) || !Number.isInteger(t) || f < 0 || t > si.nrClusters || f >= t)
    throw new BadRequest(`cluster range ${f}..${t} outside 0..${si.nrClusters}`);
  return clusterMap(q.k, si, q.seq, b, f, t);
}

/** A page of cluster summaries from `start`: touched clusters only, or every one with `includeFree`. */
export function clusterPage(k: Kernel, type: number, start: number, limit: number, includeFree: boolean): ClusterList {
  const si = swapDevice(k, type);
  const lim = Math.max(1, Math.min(4096, Math.floor(limit)));
  const out: ClusterList['clusters'] = [];
  const touched = si.clusters();
  let next: number | null = null;
  if (includeFree) {
    for (let c = Math.max(0, start); c < si.nrClusters; c++) {
      if (out.length >= lim) {
        next = c;
        break;
      }
      const ci = si.cluster(c);
      out.push(ci ? clusterSummary(ci) : { cluster: c, list: 'free', order: 0, count: 0, hasTable: false });
    }
  } else {
    for (const ci of touched) {
      if (ci.idx < start || (ci.flags === 1 && ci.count === 0 && !ci.table)) continue;
      if (out.length >= lim) {
        next = ci.idx;
        break;
      }
      out.push(clusterSummary(ci));
    }
  }
  return { type, clusters: out, next, touched: touched.filter((c) => c.table).length };
}

/** Folios in the swap cache, one row per folio, from row `start`. */
export function swapCacheRows(k: Kernel, start: number, limit: number): { total: number; entries: SwapCacheEntry[] } {
  const f = k.folios;
  const entries: SwapCacheEntry[] = [];
  let total = 0;
  const lim = Math.max(0, Math.min(10_000, Math.floor(limit)));
  for (const si of k.swap.devices) {
    for (const ci of si.clusters()) {
      if (!ci.table) continue;
      const base = si.clusterOffset(ci);
      for (let i = 0; i < ci.table.meta.length; i++) {
        if (tbKind(ci.table.meta[i]!) !== SlotKind.PFN) continue;
        const pfn = ci.table.val[i]!;
        const head = f.head[pfn]!;
        if (head !== pfn) continue; // one row per folio
        if (total >= start && entries.length < lim) {
          const m = k.memcgs.get(f.memcg[head]!);
          entries.push({
            pfn,
            order: f.order[head]!,
            type: si.type,
            offset: base + i,
            dirty: f.test(head, PG_dirty),
            mapped: f.mapcount[head]!,
            memcg: m ? memcgSummary(k, m).path : '/',
          });
        }
        total++;
      }
    }
  }
  return { total, entries };
}

/** A page of the event log, from the start or counted back from the end. */
export function eventPage(q: QueryContext, start: number, count: number, fromEnd = false): EventPage {
  const total = q.k.log.length;
  const n = Math.max(0, Math.min(1000, Math.floor(count)));
  let a = fromEnd ? total - Math.max(0, Math.floor(start)) - n : Math.max(0, Math.floor(start));
  a = Math.max(0, a);
  const b = Math.min(total, a + n);
  const events = wireEvents(q, a, b);
  return { total, events: fromEnd ? events.reverse() : events };
}

/** The state as a JSON document (snapshot plus each device's touched clusters) or the counters as CSV. */
export function exportState(
  k: Kernel,
  snap: SessionSnapshot,
  format: 'state-json' | 'counters-csv',
): { mime: string; text: string } {
  if (format === 'state-json') {
    const clusters: Record<string, ClusterList['clusters']> = {};
    for (const d of snap.devices) clusters[d.path] = clusterPage(k, d.type, 0, 4096, false).clusters;
    return { mime: 'application/json', text: JSON.stringify({ ...snap, clusters }, null, 2) };
  }
  const flat = flatCounters(snap.counters);
  const rows = Object.entries(flat).map(([key, v]) => `${csvCell(key)},${v}`);
  return { mime: 'text/csv', text: ['counter,value', ...rows].join('\n') + '\n' };
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
