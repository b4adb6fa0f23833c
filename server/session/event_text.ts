/**
 * Simulator events as the views show them: one line of text per event, the
 * slots it concerns, and the wire record (`WireEvent`) the Events view, the
 * dashboard's timeline and a slot's history carry.
 */
import type { WireEvent } from '../../shared/protocol';
import type { SimEvent } from '../sim/events';

/** An event as one line of text, as the Events view and a slot's history show it. */
export function describeEvent(e: SimEvent, path: (type: number) => string): string {
  switch (e.kind) {
    case 'swapon':
      return `swapon ${e.path}: ${e.pages} pages, prio ${e.prio}`;
    case 'swapoff':
      return `swapoff ${e.path}`;
    case 'slot-alloc':
      return `allocated ${e.nr} slot(s) ${path(e.type)}:${e.offset} for PFN ${e.pfn} (cpu ${e.cpu})`;
    case 'slot-free':
      return `freed ${e.nr} slot(s) ${path(e.type)}:${e.offset}`;
    case 'slot-count':
      return `count ${e.delta > 0 ? '+1' : '-1'} on ${e.nr} slot(s) ${path(e.type)}:${e.offset}`;
    case 'cache-add':
      return `swap cache add PFN ${e.pfn} at ${path(e.type)}:${e.offset} (${e.nr})`;
    case 'cache-del':
      return `swap cache delete PFN ${e.pfn} at ${path(e.type)}:${e.offset} (${e.nr})`;
    case 'swapout':
      return `swapout ${e.nr} page(s) at ${path(e.type)}:${e.offset} → ${e.backend}`;
    case 'swapin':
      return `swapin ${e.nr} page(s) at ${path(e.type)}:${e.offset} from ${e.source}`;
    case 'cluster-move':
      return `cluster ${path(e.type)}#${e.cluster}: ${e.from} → ${e.to}`;
    case 'table-alloc':
      return `table allocated for cluster ${path(e.type)}#${e.cluster}`;
    case 'table-free':
      return `table freed for cluster ${path(e.type)}#${e.cluster}`;
    case 'extend-table':
      return `extend_table ${e.allocated ? 'allocated' : 'freed'} for cluster ${path(e.type)}#${e.cluster}`;
    case 'device-avail':
      return `${path(e.type)} ${e.onList ? 'joins' : 'leaves'} the avail list`;
    case 'fallback':
      return `${e.what} fallback from order ${e.order}: ${e.reason}`;
    case 'memcg-event':
      return `memcg ${e.memcg}: ${e.event}`;
    case 'oom-kill':
      return `OOM kill of ${e.task} in ${e.memcg}`;
    case 'zswap':
      return `zswap ${e.op} ${(e.nr ?? 1) > 1 ? `${e.nr} slot(s) ` : ''}${path(e.type)}:${e.offset}${e.reason ? ` (${e.reason})` : ''}`;
    case 'invariant':
      return `invariant violated: ${e.message}`;
    case 'error':
      return `${e.errno}: ${e.message}`;
    case 'note':
      return e.message;
  }
}

export function eventSlots(e: SimEvent): { type?: number; offset?: number; nr?: number } {
  if ('type' in e && 'offset' in e) return { type: e.type, offset: e.offset, nr: ('nr' in e ? e.nr : undefined) ?? 1 };
  if ('type' in e) return { type: e.type };
  return {};
}

/**
 * The part of a merged run event (events.ts) that concerns slot `offset`:
 * the event its folio's pages had before merging, so a slot's history reads
 * as it would without the merge.
 */
export function eventForSlot(e: SimEvent, offset: number): SimEvent {
  if (!('offset' in e) || !('unit' in e) || e.unit === undefined || (e.nr ?? 1) <= e.unit) return e;
  const shift = Math.floor((offset - e.offset) / e.unit) * e.unit;
  const part = { ...e, offset: e.offset + shift, nr: e.unit, unit: undefined };
  if ('pfn' in part) part.pfn += shift;
  return part as SimEvent;
}

/** Event `i` of the log as it travels, emitted during step `step`. */
export function wireEvent(e: SimEvent, id: number, step: number, path: (type: number) => string): WireEvent {
  return { id, step, kind: e.kind, ...eventSlots(e), text: describeEvent(e, path) };
}
