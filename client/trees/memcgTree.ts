// The Memory cgroups view: the cgroup hierarchy with memory, swap and zswap
// usage against their limits, memory.events / memory.swap.events, and
// online/zombie state (a removed memcg lives on while swap entries charge it,
// docs/kernel-model.md §7.5). Everything comes from the session state; no requests.
import type * as vscode from 'vscode';
import type { MemcgSummary, SessionDelta } from '../../shared/protocol';
import type { SessionState, SessionStore } from '../session/sessionStore';
import { COLLAPSED, EXPANDED, NOT_COLLAPSIBLE, type UiApi } from '../ui/api';
import { formatBytes, formatLimit } from '../../shared/format';
import { mdEscape } from '../ui/markdown';

export interface MemcgNode {
  readonly kind: 'memcg';
  readonly id: string;
  readonly memcgId: number;
  summary: MemcgSummary;
}

export type MemcgFacet = 'memory' | 'swap' | 'zswap' | 'events' | 'tasks';

export interface MemcgFacetNode {
  readonly kind: 'facet';
  readonly id: string;
  readonly facet: MemcgFacet;
  readonly owner: MemcgNode;
}

export type MemcgTreeNode = MemcgNode | MemcgFacetNode;

type Refresh = MemcgTreeNode | MemcgTreeNode[] | undefined;

export interface MemcgTreeDeps {
  readonly ui: UiApi;
  readonly store: SessionStore;
}

/** "12M / 64M" or "12M" when unlimited; with the high limit when one is set. */
function usage(current: number, max: number | null, high: number | null): string {
  const limit = max === null ? '' : ` / ${formatLimit(max)}`;
  const soft = high === null ? '' : ` (high ${formatLimit(high)})`;
  return `${formatBytes(current)}${limit}${soft}`;
}

function nonZero(counts: Record<string, number>): string[] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
}

/** memory.max / swap.max reached, or events that mean limits bit. */
function underPressure(m: MemcgSummary): boolean {
  return (
    (m.max !== null && m.current >= m.max) ||
    (m.swapMax !== null && m.swapCurrent >= m.swapMax) ||
    (m.events['oom'] ?? 0) > 0 ||
    (m.swapEvents['fail'] ?? 0) > 0
  );
}

export class MemcgTreeProvider implements vscode.TreeDataProvider<MemcgTreeNode> {
  private readonly emitter: vscode.EventEmitter<Refresh>;
  readonly onDidChangeTreeData: vscode.Event<Refresh>;
  private readonly nodes = new Map<string, MemcgTreeNode>();
  private uri: string | undefined;
  private readonly subscriptions: { dispose(): void }[] = [];

  constructor(private readonly deps: MemcgTreeDeps) {
    this.emitter = new deps.ui.EventEmitter<Refresh>();
    this.onDidChangeTreeData = this.emitter.event;
    this.uri = deps.store.focused;
    this.subscriptions.push(
      deps.store.onDidChangeFocus((uri) => {
        this.uri = uri;
        this.reset();
      }),
      deps.store.onDidChange((change) => {
        if (change.uri !== this.uri) return;
        if (change.kind === 'delta') this.applyDelta(change.delta);
        else this.reset();
      }),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }

  getTreeItem(node: MemcgTreeNode): vscode.TreeItem {
    const { ui } = this.deps;
    if (node.kind === 'memcg') {
      const m = node.summary;
      const name = m.path === '/' ? '/ (root)' : (m.path.split('/').pop() ?? m.path);
      const item = new ui.TreeItem(name, m.parentId === null ? EXPANDED : COLLAPSED);
      const state = m.online ? '' : 'zombie · ';
      item.description = `${state}mem ${formatBytes(m.current)} · swap ${formatBytes(m.swapCurrent)} · zswap ${formatBytes(m.zswapCurrent)}`;
      const color = !m.online ? 'disabledForeground' : underPressure(m) ? 'list.warningForeground' : undefined;
      item.iconPath = new ui.ThemeIcon(
        m.online ? 'symbol-namespace' : 'debug-disconnect',
        color === undefined ? undefined : new ui.ThemeColor(color),
      );
      item.tooltip = this.tooltip(m);
      item.id = node.id;
      item.contextValue = m.online ? 'swapsim.memcg' : 'swapsim.memcg.zombie';
      return item;
    }
    const m = node.owner.summary;
    const item = new ui.TreeItem(node.facet, NOT_COLLAPSIBLE);
    switch (node.facet) {
      case 'memory':
        item.description = `${usage(m.current, m.max, m.high)} · peak ${formatBytes(m.peak)}`;
        item.iconPath = new ui.ThemeIcon('chip');
        break;
      case 'swap':
        item.description = `${usage(m.swapCurrent, m.swapMax, m.swapHigh)} · peak ${formatBytes(m.swapPeak)}`;
        item.iconPath = new ui.ThemeIcon('database');
        break;
      case 'zswap':
        // As the kernel file reads (and the dashboard, the hover and the debugger show it): 1 or 0.
        item.description = `${usage(m.zswapCurrent, m.zswapMax, null)} · memory.zswap.writeback ${m.zswapWriteback ? 1 : 0}`;
        item.iconPath = new ui.ThemeIcon('file-zip');
        break;
      case 'events': {
        const parts = [...nonZero(m.events), ...nonZero(m.swapEvents).map((e) => `swap.${e}`)];
        item.description = parts.length > 0 ? parts.join(' · ') : 'none';
        item.iconPath = new ui.ThemeIcon(
          'bell',
          parts.length > 0 ? new ui.ThemeColor('list.warningForeground') : undefined,
        );
        break;
      }
      case 'tasks':
        item.description = m.tasks.join(', ');
        item.iconPath = new ui.ThemeIcon('person');
        break;
    }
    item.id = node.id;
    item.contextValue = `swapsim.memcg.${node.facet}`;
    return item;
  }

  getChildren(node?: MemcgTreeNode): MemcgTreeNode[] {
    const state = this.state();
    if (state === undefined) return [];
    if (node === undefined) return this.childrenOf(state, null);
    if (node.kind === 'facet') return [];
    const facets: MemcgFacet[] = ['memory', 'swap', 'zswap', 'events'];
    if (node.summary.tasks.length > 0) facets.push('tasks');
    return [...facets.map((facet) => this.facetNode(node, facet)), ...this.childrenOf(state, node.memcgId)];
  }

  getParent(node: MemcgTreeNode): MemcgTreeNode | undefined {
    if (node.kind === 'facet') return node.owner;
    const parentId = node.summary.parentId;
    if (parentId === null) return undefined;
    const parent = this.state()?.memcgs.get(parentId);
    return parent === undefined ? undefined : this.memcgNode(parent);
  }

  /** What a delta refreshes: 'all' when the hierarchy changed, else the changed cgroups. */
  refreshSet(delta: SessionDelta): 'all' | MemcgTreeNode[] {
    if (delta.removedMemcgs.length > 0) return 'all';
    const changed: MemcgNode[] = [];
    for (const summary of delta.memcgs) {
      const node = this.nodes.get(this.memcgId(summary.id));
      if (node === undefined || node.kind !== 'memcg' || node.summary.parentId !== summary.parentId) return 'all';
      node.summary = summary;
      changed.push(node);
    }
    return changed;
  }

  applyDelta(delta: SessionDelta): void {
    const refresh = this.refreshSet(delta);
    if (refresh === 'all') this.emitter.fire(undefined);
    else if (refresh.length > 0) this.emitter.fire(refresh);
  }

  private reset(): void {
    this.nodes.clear();
    this.emitter.fire(undefined);
  }

  private state(): SessionState | undefined {
    return this.uri === undefined ? undefined : this.deps.store.get(this.uri);
  }

  private memcgId(id: number): string {
    return `${this.uri}|memcg|${id}`;
  }

  private childrenOf(state: SessionState, parentId: number | null): MemcgNode[] {
    return [...state.memcgs.values()]
      .filter((m) => m.parentId === parentId)
      .sort((a, b) => a.path.localeCompare(b.path))
      .map((m) => this.memcgNode(m));
  }

  private memcgNode(summary: MemcgSummary): MemcgNode {
    const id = this.memcgId(summary.id);
    const existing = this.nodes.get(id);
    if (existing !== undefined && existing.kind === 'memcg') {
      existing.summary = summary;
      return existing;
    }
    const node: MemcgNode = { kind: 'memcg', id, memcgId: summary.id, summary };
    this.nodes.set(id, node);
    return node;
  }

  private facetNode(owner: MemcgNode, facet: MemcgFacet): MemcgFacetNode {
    const id = `${owner.id}|${facet}`;
    const existing = this.nodes.get(id);
    if (existing !== undefined && existing.kind === 'facet') return existing;
    const node: MemcgFacetNode = { kind: 'facet', id, facet, owner };
    this.nodes.set(id, node);
    return node;
  }

  private tooltip(m: MemcgSummary): vscode.MarkdownString {
    const md = new this.deps.ui.MarkdownString();
    md.appendMarkdown(
      `**${mdEscape(m.path)}**${m.online ? '' : ' — zombie (removed, still charged by swap entries)'}\n\n`,
    );
    md.appendMarkdown('| file | current | max | high | peak |\n| --- | ---: | ---: | ---: | ---: |\n');
    md.appendMarkdown(
      `| memory | ${formatBytes(m.current)} | ${formatLimit(m.max)} | ${formatLimit(m.high)} | ${formatBytes(m.peak)} |\n`,
    );
    md.appendMarkdown(
      `| memory.swap | ${formatBytes(m.swapCurrent)} | ${formatLimit(m.swapMax)} | ${formatLimit(m.swapHigh)} | ${formatBytes(m.swapPeak)} |\n`,
    );
    md.appendMarkdown(`| memory.zswap | ${formatBytes(m.zswapCurrent)} | ${formatLimit(m.zswapMax)} | | |\n\n`);
    const events = nonZero(m.events);
    const swapEvents = nonZero(m.swapEvents);
    if (events.length > 0) md.appendMarkdown(`memory.events: ${events.join(', ')}\n\n`);
    if (swapEvents.length > 0) md.appendMarkdown(`memory.swap.events: ${swapEvents.join(', ')}\n\n`);
    if (m.tasks.length > 0) md.appendMarkdown(`tasks: ${m.tasks.map(mdEscape).join(', ')}`);
    return md;
  }
}
