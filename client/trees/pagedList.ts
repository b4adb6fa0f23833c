// Shared base of the two flat, server-paged views (Swap cache, Events): a
// page of items plus a "load more" row, refreshed whole when a delta says
// its source changed. During a long run a delta comes every slice (~40 ms);
// the list is refetched at most every REFRESH_EVERY_MS then, and once more
// after the last one, so it follows the run without refetching all the time.
import type * as vscode from 'vscode';
import type { SessionDelta } from '../../shared/protocol';
import { describeRequestError, type SwapsimRequester } from '../protocolClient';
import type { SessionStore } from '../session/sessionStore';
import { NOT_COLLAPSIBLE, type UiApi } from '../ui/api';

export interface PagedListDeps {
  readonly ui: UiApi;
  readonly store: SessionStore;
  readonly server: SwapsimRequester;
  readonly log?: (message: string) => void;
}

/** Least time between two delta-driven refetches of a list. */
export const REFRESH_EVERY_MS = 500;

export interface MoreNode {
  readonly kind: 'more';
  readonly id: string;
  readonly remaining: number;
}

export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly text: string;
}

export abstract class PagedListProvider<T extends { readonly id: string }> implements vscode.TreeDataProvider<
  T | MoreNode | MessageNode
> {
  private readonly emitter: vscode.EventEmitter<undefined>;
  readonly onDidChangeTreeData: vscode.Event<undefined>;
  protected uri: string | undefined;
  private limit: number;
  private readonly subscriptions: { dispose(): void }[] = [];
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private pendingRefresh: ReturnType<typeof setTimeout> | undefined;

  constructor(
    protected readonly deps: PagedListDeps,
    private readonly pageSize: number,
    private readonly moreCommand: string,
  ) {
    this.limit = pageSize;
    this.emitter = new deps.ui.EventEmitter<undefined>();
    this.onDidChangeTreeData = this.emitter.event;
    this.uri = deps.store.focused;
    this.subscriptions.push(
      deps.store.onDidChangeFocus((uri) => {
        this.uri = uri;
        this.limit = this.pageSize;
        this.refresh();
      }),
      deps.store.onDidChange((change) => {
        if (change.uri !== this.uri) return;
        if (change.kind !== 'delta') this.refresh();
        else if (this.affectedBy(change.delta)) this.refreshSoon();
      }),
    );
  }

  /** Refresh now, or at the end of the current throttle window if one refresh just happened. */
  private refreshSoon(): void {
    const wait = this.lastRefresh + REFRESH_EVERY_MS - Date.now();
    if (wait <= 0) this.refresh();
    else this.pendingRefresh ??= setTimeout(() => this.refresh(), wait);
  }

  /** Does this delta change what the list shows? */
  protected abstract affectedBy(delta: SessionDelta): boolean;
  /** Fetch the first `limit` items. */
  protected abstract fetch(uri: string, limit: number): Promise<{ total: number; items: T[] }>;
  protected abstract item(node: T): vscode.TreeItem;
  protected abstract readonly requestName: string;
  protected abstract readonly emptyText: string;

  refresh(): void {
    clearTimeout(this.pendingRefresh);
    this.pendingRefresh = undefined;
    this.lastRefresh = Date.now();
    this.emitter.fire(undefined);
  }

  /** The "load more" row was clicked. */
  loadMore(): void {
    this.limit += this.pageSize;
    this.refresh();
  }

  dispose(): void {
    clearTimeout(this.pendingRefresh);
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }

  getTreeItem(node: T | MoreNode | MessageNode): vscode.TreeItem {
    const { ui } = this.deps;
    if (isMore(node)) {
      const item = new ui.TreeItem(`Load ${Math.min(this.pageSize, node.remaining)} more…`, NOT_COLLAPSIBLE);
      item.description = `${node.remaining} not shown`;
      item.id = node.id;
      item.iconPath = new ui.ThemeIcon('ellipsis');
      item.command = { command: this.moreCommand, title: 'Load more' };
      return item;
    }
    if (isMessage(node)) {
      const item = new ui.TreeItem(node.text, NOT_COLLAPSIBLE);
      item.id = node.id;
      item.iconPath = new ui.ThemeIcon('info');
      item.tooltip = node.text;
      return item;
    }
    return this.item(node);
  }

  async getChildren(node?: T | MoreNode | MessageNode): Promise<(T | MoreNode | MessageNode)[]> {
    if (node !== undefined || this.uri === undefined || this.deps.store.get(this.uri) === undefined) return [];
    try {
      const { total, items } = await this.fetch(this.uri, this.limit);
      if (items.length === 0) return [{ kind: 'message', id: `${this.uri}|empty`, text: this.emptyText }];
      const remaining = total - items.length;
      return remaining > 0 ? [...items, { kind: 'more', id: `${this.uri}|more`, remaining }] : items;
    } catch (error) {
      const text = describeRequestError(this.requestName, error);
      this.deps.log?.(text);
      return [{ kind: 'message', id: `${this.uri}|error`, text }];
    }
  }
}

function isMore(node: { readonly id: string }): node is MoreNode {
  return 'kind' in node && node.kind === 'more';
}

function isMessage(node: { readonly id: string }): node is MessageNode {
  return 'kind' in node && node.kind === 'message';
}
