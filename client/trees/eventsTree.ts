// The Events view: the session's event log, newest first. Events about slots
// reveal the slot (Devices view and dashboard) when clicked.
import type * as vscode from 'vscode';
import type { SessionDelta, WireEvent } from '../../shared/protocol';
import { NOT_COLLAPSIBLE } from '../ui/api';
import { PagedListProvider, type PagedListDeps } from './pagedList';

export interface EventNode {
  readonly kind: 'event';
  readonly id: string;
  readonly event: WireEvent;
}

export const EVENTS_PAGE = 200;
/** The most events swapsim/events returns at once. */
export const MAX_EVENTS_PER_REQUEST = 1000;

/** Codicon for an event kind, by the word it starts with. */
function eventIcon(kind: string): string {
  if (/alloc|swapout|pageout|writeback/.test(kind)) return 'arrow-down';
  if (/swapin|fault|read/.test(kind)) return 'arrow-up';
  if (/free|put|unmap|exit/.test(kind)) return 'trash';
  if (/error|fail|oom/.test(kind)) return 'error';
  if (/zswap/.test(kind)) return 'file-zip';
  return 'circle-small';
}

export class EventsTreeProvider extends PagedListProvider<EventNode> {
  protected readonly requestName = 'swapsim/events';
  protected readonly emptyText = 'no events yet: step the scenario';
  private lastTotal = -1;

  constructor(deps: PagedListDeps) {
    super(deps, EVENTS_PAGE, 'swapsim.events.loadMore');
  }

  protected affectedBy(delta: SessionDelta): boolean {
    const changed = delta.rewound || delta.eventsTotal !== this.lastTotal;
    this.lastTotal = delta.eventsTotal;
    return changed;
  }

  protected async fetch(uri: string, limit: number): Promise<{ total: number; items: EventNode[] }> {
    // The server pages at most MAX_EVENTS_PER_REQUEST; with fromEnd, `start` counts back from the newest.
    const events: WireEvent[] = [];
    let total = 0;
    while (events.length < limit) {
      const page = await this.deps.server.request('swapsim/events', {
        uri,
        start: events.length,
        count: Math.min(MAX_EVENTS_PER_REQUEST, limit - events.length),
        fromEnd: true,
      });
      total = page.total;
      events.push(...page.events);
      if (page.events.length === 0 || events.length >= total) break;
    }
    this.lastTotal = total;
    // Newest first, whatever order the pages came in.
    events.sort((a, b) => b.id - a.id);
    return { total, items: events.map((event) => ({ kind: 'event', id: `${uri}|event|${event.id}`, event })) };
  }

  protected item(node: EventNode): vscode.TreeItem {
    const { ui } = this.deps;
    const event = node.event;
    const item = new ui.TreeItem(event.text, NOT_COLLAPSIBLE);
    item.description = `step ${event.step} · ${event.kind}`;
    item.iconPath = new ui.ThemeIcon(eventIcon(event.kind));
    item.id = node.id;
    const where =
      event.type === undefined || event.offset === undefined
        ? ''
        : `\n\nswap type ${event.type}, slots ${event.offset}${event.nr !== undefined && event.nr > 1 ? `–${event.offset + event.nr - 1}` : ''}`;
    item.tooltip = `#${event.id} at step ${event.step} (${event.kind})\n\n${event.text}${where}`;
    if (event.type !== undefined && event.offset !== undefined) {
      item.contextValue = 'swapsim.event.slot';
      item.command = {
        command: 'swapsim.revealSlot',
        title: 'Reveal Slot',
        arguments: [this.uri, event.type, event.offset],
      };
    } else {
      item.contextValue = 'swapsim.event';
    }
    return item;
  }
}
