// The Swap cache view: folios in the swap cache (swap_state.c's address
// space per swap type), paged from the server. Clicking one reveals its slot.
import type * as vscode from 'vscode';
import type { SessionDelta, SwapCacheEntry } from '../../shared/protocol';
import { NOT_COLLAPSIBLE } from '../ui/api';
import { formatCount, formatHex } from '../../shared/format';
import { PagedListProvider, type PagedListDeps } from './pagedList';

export interface SwapCacheNode extends SwapCacheEntry {
  readonly kind: 'folio';
  readonly id: string;
}

export const SWAP_CACHE_PAGE = 500;
/** The most entries swapsim/swapCache returns at once. */
export const MAX_FOLIOS_PER_REQUEST = 10_000;

export class SwapCacheTreeProvider extends PagedListProvider<SwapCacheNode> {
  protected readonly requestName = 'swapsim/swapCache';
  protected readonly emptyText = 'the swap cache is empty';

  constructor(deps: PagedListDeps) {
    super(deps, SWAP_CACHE_PAGE, 'swapsim.swapCache.loadMore');
  }

  protected affectedBy(delta: SessionDelta): boolean {
    return delta.rewound || Object.values(delta.changedSlots).some((n) => n > 0) || delta.removedDevices.length > 0;
  }

  protected async fetch(uri: string, limit: number): Promise<{ total: number; items: SwapCacheNode[] }> {
    const entries: SwapCacheEntry[] = [];
    let total = 0;
    while (entries.length < limit) {
      const page = await this.deps.server.request('swapsim/swapCache', {
        uri,
        start: entries.length,
        limit: Math.min(MAX_FOLIOS_PER_REQUEST, limit - entries.length),
      });
      total = page.total;
      entries.push(...page.entries);
      if (page.entries.length === 0 || entries.length >= total) break;
    }
    return { total, items: entries.map((e) => ({ ...e, kind: 'folio', id: `${uri}|folio|${e.type}|${e.offset}` })) };
  }

  protected item(node: SwapCacheNode): vscode.TreeItem {
    const { ui } = this.deps;
    const device = this.uri === undefined ? undefined : this.deps.store.get(this.uri)?.devices.get(node.type)?.path;
    const item = new ui.TreeItem(`${device ?? `type ${node.type}`}:${node.offset}`, NOT_COLLAPSIBLE);
    const parts = [`PFN ${formatHex(node.pfn)}`, `order ${node.order}`];
    if (node.dirty) parts.push('dirty');
    if (node.mapped > 0) parts.push(`mapped ${formatCount(node.mapped)}`);
    if (node.memcg.length > 0) parts.push(node.memcg);
    item.description = parts.join(' · ');
    item.iconPath = new ui.ThemeIcon('file', new ui.ThemeColor(node.dirty ? 'charts.orange' : 'charts.blue'));
    item.tooltip = `folio of ${1 << node.order} page(s) at PFN ${formatHex(node.pfn)}, swap type ${node.type} offset ${node.offset}${node.dirty ? ', dirty (not yet written)' : ''}`;
    item.id = node.id;
    item.contextValue = 'swapsim.folio';
    item.command = {
      command: 'swapsim.revealSlot',
      title: 'Reveal Slot',
      arguments: [this.uri, node.type, node.offset],
    };
    return item;
  }
}
