// The Devices view: swap devices → cluster ranges → clusters → slots, fed by
// the server on demand. Nodes are interned by id, so the same object stands
// for the same cluster across refreshes (VS Code keeps expansion and
// selection by id, reveal() and onDidChangeTreeData(element) need identity).
// A delta refreshes only the subtrees it touched.
import type * as vscode from 'vscode';
import { describeZramSlot } from '../../shared/zram_words';
import type {
  ClusterDetail,
  ClusterListName,
  ClusterSummary,
  DeviceSummary,
  SessionDelta,
  SlotBacking,
  SlotRecord,
} from '../../shared/protocol';
import { describeRequestError, type CancelToken, type SwapsimRequester } from '../protocolClient';
import type { SessionState, SessionStore } from '../session/sessionStore';
import { COLLAPSED, NOT_COLLAPSIBLE, type UiApi } from '../ui/api';
import { formatCount, formatHex, pagesToKiB } from '../../shared/format';
import { mdEscape } from '../ui/markdown';
import { childSpan, MAX_CHILDREN, rangeChain, slotRangeOf, slotRanges, subranges, type Span } from './grouping';
import { CLUSTER_ICONS, DEVICE_ICONS, SLOT_ICONS, type IconSpec } from './icons';

interface NodeBase {
  readonly id: string;
  readonly parent: DeviceTreeNode | undefined;
  /** Device type (index in swap_info[]). */
  readonly type: number;
}

export interface DeviceNode extends NodeBase {
  readonly kind: 'device';
  summary: DeviceSummary;
}

export interface ClusterRangeNode extends NodeBase, Span {
  readonly kind: 'clusterRange';
}

export interface ClusterNode extends NodeBase {
  readonly kind: 'cluster';
  readonly cluster: number;
  summary: ClusterSummary | undefined;
  /** The last detail fetched for its slots (slot ranges read their slots from it). */
  detail: ClusterDetail | undefined;
}

export interface SlotRangeNode extends NodeBase, Span {
  readonly kind: 'slotRange';
  readonly parent: ClusterNode;
  readonly cluster: number;
}

export interface SlotInfo {
  backing: SlotBacking;
  count: number;
  raw: string | undefined;
  memcgId: number;
}

export interface SlotNode extends NodeBase {
  readonly kind: 'slot';
  readonly cluster: number;
  readonly offset: number;
  info: SlotInfo | undefined;
}

/** A line of text in place of children: an empty device, or why the server could not answer. */
export interface NoticeNode extends NodeBase {
  readonly kind: 'notice';
  readonly text: string;
  readonly severity: 'info' | 'error';
}

export type DeviceTreeNode = DeviceNode | ClusterRangeNode | ClusterNode | SlotRangeNode | SlotNode | NoticeNode;

type Container = DeviceNode | ClusterRangeNode;

export interface DevicesTreeDeps {
  readonly ui: UiApi;
  readonly store: SessionStore;
  readonly server: SwapsimRequester;
  readonly log?: (message: string) => void;
}

type Refresh = DeviceTreeNode | DeviceTreeNode[] | undefined;

function iconOf(ui: UiApi, spec: IconSpec): vscode.ThemeIcon {
  return new ui.ThemeIcon(spec.icon, spec.color === undefined ? undefined : new ui.ThemeColor(spec.color));
}

function isUsed(backing: SlotBacking, count: number): boolean {
  return backing !== 'free' || count > 0;
}

export class DevicesTreeProvider implements vscode.TreeDataProvider<DeviceTreeNode> {
  private readonly emitter: vscode.EventEmitter<Refresh>;
  readonly onDidChangeTreeData: vscode.Event<Refresh>;
  private readonly nodes = new Map<string, DeviceTreeNode>();
  /** Ids of nodes whose children VS Code has asked for (i.e. shown expanded at some point). */
  private readonly materialized = new Set<string>();
  /** Clusters and slots revealed on purpose: listed even when free clusters are hidden. */
  private readonly pinned = new Set<string>();
  private uri: string | undefined;
  private showFree = false;
  private readonly subscriptions: { dispose(): void }[] = [];

  constructor(private readonly deps: DevicesTreeDeps) {
    this.emitter = new deps.ui.EventEmitter<Refresh>();
    this.onDidChangeTreeData = this.emitter.event;
    this.uri = deps.store.focused;
    this.subscriptions.push(
      deps.store.onDidChangeFocus((uri) => this.switchTo(uri)),
      deps.store.onDidChange((change) => {
        if (change.uri !== this.uri) return;
        if (change.kind === 'delta') this.applyDelta(change.delta);
        else this.resetAll();
      }),
    );
  }

  get showingFree(): boolean {
    return this.showFree;
  }

  /** Show or hide free (untouched) clusters and slots. */
  setShowFree(show: boolean): void {
    if (show === this.showFree) return;
    this.showFree = show;
    this.resetAll();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }

  // ------------------------------------------------------------ TreeDataProvider

  getTreeItem(node: DeviceTreeNode): vscode.TreeItem {
    const { ui } = this.deps;
    switch (node.kind) {
      case 'device': {
        const d = node.summary;
        const item = new ui.TreeItem(d.path, d.clusters > 0 ? COLLAPSED : NOT_COLLAPSIBLE);
        const pageSize = this.state()?.pageSize ?? 4096;
        // Used and Size in KiB, as /proc/swaps prints them.
        const tier = d.tier === null ? '' : ` · tier ${d.tier}`;
        item.description = `${d.typeName} · prio ${d.prio}${tier} · ${pagesToKiB(d.inuse, pageSize)} / ${pagesToKiB(d.pages, pageSize)} KiB`;
        item.iconPath = iconOf(
          ui,
          d.swapoffInProgress ? { ...DEVICE_ICONS[d.kind], color: 'list.warningForeground' } : DEVICE_ICONS[d.kind],
        );
        item.tooltip = this.deviceTooltip(d, pageSize);
        return this.finish(item, node, 'swapsim.device');
      }
      case 'clusterRange': {
        const item = new ui.TreeItem(`clusters ${node.from}–${node.to - 1}`, COLLAPSED);
        item.description = `${formatCount(node.to - node.from)} clusters`;
        item.iconPath = new ui.ThemeIcon('list-tree');
        return this.finish(item, node, 'swapsim.clusterRange');
      }
      case 'cluster': {
        const item = new ui.TreeItem(`cluster ${node.cluster}`, COLLAPSED);
        const s = node.summary;
        const slots = this.clusterSlots(node.type);
        if (s !== undefined) {
          item.description = `${s.list} · order ${s.order} · ${s.count}/${slots}${s.hasTable ? '' : ' · no table'}`;
          item.iconPath = iconOf(ui, CLUSTER_ICONS[s.list]);
        } else {
          item.iconPath = new ui.ThemeIcon('circle-large-outline');
        }
        return this.finish(item, node, 'swapsim.cluster');
      }
      case 'slotRange': {
        const item = new ui.TreeItem(`slots ${node.from}–${node.to - 1}`, COLLAPSED);
        item.iconPath = new ui.ThemeIcon('list-flat');
        return this.finish(item, node, 'swapsim.slotRange');
      }
      case 'slot': {
        const item = new ui.TreeItem(`slot ${node.offset}`, NOT_COLLAPSIBLE);
        const info = node.info;
        if (info !== undefined) {
          const parts: string[] = [info.backing];
          if (info.count > 0) parts.push(`count ${info.count}`);
          if (info.backing === 'zero') parts.push('Z');
          const memcg = info.memcgId > 0 ? this.state()?.memcgs.get(info.memcgId)?.path : undefined;
          if (memcg !== undefined) parts.push(memcg);
          item.description = parts.join(' · ');
          item.iconPath = iconOf(ui, SLOT_ICONS[info.backing]);
        }
        // The tooltip needs the slot's full record: resolveTreeItem fetches it on hover.
        return this.finish(item, node, 'swapsim.slot');
      }
      case 'notice': {
        const item = new ui.TreeItem(node.text, NOT_COLLAPSIBLE);
        item.iconPath = new ui.ThemeIcon(
          node.severity === 'error' ? 'error' : 'info',
          node.severity === 'error' ? new ui.ThemeColor('errorForeground') : undefined,
        );
        item.tooltip = node.text;
        return this.finish(item, node, 'swapsim.notice');
      }
    }
  }

  async getChildren(node?: DeviceTreeNode): Promise<DeviceTreeNode[]> {
    const state = this.state();
    if (state === undefined) return [];
    if (node === undefined)
      return [...state.devices.values()].sort((a, b) => a.type - b.type).map((d) => this.deviceNode(d));
    this.materialized.add(node.id);
    try {
      switch (node.kind) {
        case 'device':
          return await this.rangeChildren(node, 0, node.summary.clusters);
        case 'clusterRange':
          return await this.rangeChildren(node, node.from, node.to);
        case 'cluster':
          return await this.clusterChildren(node);
        case 'slotRange':
          return this.slotChildren(node, node.cluster, node.from, node.to);
        default:
          return [];
      }
    } catch (error) {
      const message = describeRequestError('a Devices view request', error);
      this.deps.log?.(`Devices view: ${message}`);
      return [this.notice(node, 'error', message)];
    }
  }

  getParent(node: DeviceTreeNode): DeviceTreeNode | undefined {
    return node.parent;
  }

  async resolveTreeItem(item: vscode.TreeItem, node: DeviceTreeNode, token: CancelToken): Promise<vscode.TreeItem> {
    if (item.tooltip !== undefined || this.uri === undefined) return item;
    try {
      if (node.kind === 'slot') {
        const record = await this.deps.server.request(
          'swapsim/slot',
          { uri: this.uri, type: node.type, offset: node.offset },
          token,
        );
        item.tooltip = this.slotTooltip(record);
      } else if (node.kind === 'cluster') {
        const detail = await this.deps.server.request(
          'swapsim/cluster',
          { uri: this.uri, type: node.type, cluster: node.cluster },
          token,
        );
        item.tooltip = this.clusterTooltip(detail);
      }
    } catch (error) {
      item.tooltip = describeRequestError(node.kind === 'slot' ? 'swapsim/slot' : 'swapsim/cluster', error);
    }
    return item;
  }

  // ------------------------------------------------------------------ reveal

  /** The node of a cluster with every ancestor interned, ready for TreeView.reveal; it stays listed even if free. */
  clusterNodeFor(type: number, cluster: number): ClusterNode | undefined {
    const device = this.state()?.devices.get(type);
    if (device === undefined || cluster < 0 || cluster >= device.clusters) return undefined;
    let parent: Container = this.deviceNode(device);
    for (const span of rangeChain(device.clusters, cluster)) parent = this.rangeNode(parent, span);
    const node = this.clusterNode(parent, cluster, undefined);
    this.pinned.add(node.id);
    return node;
  }

  /** The node of a slot with every ancestor interned; the slot stays listed even if free. */
  slotNode(type: number, offset: number): SlotNode | undefined {
    const device = this.state()?.devices.get(type);
    if (device === undefined || offset < 0 || offset >= device.maxSlots) return undefined;
    const cluster = Math.floor(offset / device.clusterSlots);
    const clusterNode = this.clusterNodeFor(type, cluster);
    if (clusterNode === undefined) return undefined;
    const slotSpan = slotRangeOf(offset, device.clusterSlots);
    const slotParent = slotSpan === undefined ? clusterNode : this.slotRangeNode(clusterNode, slotSpan);
    const node = this.slotNodeIn(slotParent, cluster, offset, undefined);
    this.pinned.add(node.id);
    return node;
  }

  // ----------------------------------------------------------------- refresh

  /** Work out which subtrees a delta touched and refresh just those. */
  applyDelta(delta: SessionDelta): void {
    const refresh = this.refreshSet(delta);
    // The whole tree is asked for again: forget every node, or a device that comes back later
    // would be refreshed as its old, no longer listed node and never appear.
    if (refresh === 'all') this.resetAll();
    else if (refresh.length > 0) this.emitter.fire(refresh);
  }

  /** What applyDelta would refresh: 'all' for the whole tree, else the smallest set of subtrees. */
  refreshSet(delta: SessionDelta): 'all' | DeviceTreeNode[] {
    const targets = new Set<DeviceTreeNode>();
    for (const type of delta.removedDevices) if (this.nodes.has(this.deviceId(type))) return 'all';
    for (const summary of delta.devices) {
      const node = this.nodes.get(this.deviceId(summary.type));
      // A device we never listed: the root's children changed.
      if (node === undefined || node.kind !== 'device') return 'all';
      node.summary = summary;
      targets.add(node);
    }
    for (const type of delta.clustersOverflow) {
      const node = this.nodes.get(this.deviceId(type));
      if (node !== undefined) targets.add(node);
    }
    const touchedClusters = new Set<string>();
    for (const change of delta.clusters) {
      const id = this.clusterId(change.type, change.cluster);
      touchedClusters.add(id);
      const node = this.nodes.get(id);
      const summary: ClusterSummary = {
        cluster: change.cluster,
        list: change.list,
        order: change.order,
        count: change.count,
        hasTable: change.hasTable,
      };
      if (
        node !== undefined &&
        node.kind === 'cluster' &&
        node.parent !== undefined &&
        this.materialized.has(node.parent.id)
      ) {
        const listed = (list: ClusterListName): boolean => this.showFree || list !== 'free' || this.pinned.has(id);
        const wasListed = node.summary !== undefined && listed(node.summary.list);
        const listedNow = listed(change.list);
        node.summary = summary;
        // Joining or leaving the parent's list changes the parent's children.
        targets.add(wasListed === listedNow ? node : node.parent);
      } else {
        const ancestor = this.deepestMaterialized(change.type, change.cluster);
        if (ancestor !== undefined) targets.add(ancestor);
      }
    }
    // Slots can change without their cluster changing (writeback moves data from zswap to disk, counts move).
    for (const [typeText, count] of Object.entries(delta.changedSlots)) {
      if (count <= 0) continue;
      const type = Number(typeText);
      for (const id of this.materialized) {
        const node = this.nodes.get(id);
        if (node !== undefined && node.kind === 'cluster' && node.type === type && !touchedClusters.has(id))
          targets.add(node);
      }
    }
    return this.withoutCovered(targets);
  }

  // ------------------------------------------------------------- internals

  private state(): SessionState | undefined {
    return this.uri === undefined ? undefined : this.deps.store.get(this.uri);
  }

  private switchTo(uri: string | undefined): void {
    if (uri === this.uri) return;
    this.uri = uri;
    this.resetAll();
  }

  private resetAll(): void {
    this.nodes.clear();
    this.materialized.clear();
    this.emitter.fire(undefined);
  }

  private finish(item: vscode.TreeItem, node: DeviceTreeNode, contextValue: string): vscode.TreeItem {
    item.id = node.id;
    item.contextValue = contextValue;
    return item;
  }

  private clusterSlots(type: number): number {
    return this.state()?.devices.get(type)?.clusterSlots ?? this.state()?.clusterSlots ?? 512;
  }

  private deviceId(type: number): string {
    return `${this.uri}|dev|${type}`;
  }

  private clusterId(type: number, cluster: number): string {
    return `${this.uri}|cl|${type}|${cluster}`;
  }

  private intern<T extends DeviceTreeNode>(make: () => T, id: string): T {
    const existing = this.nodes.get(id);
    if (existing !== undefined) return existing as T;
    const node = make();
    this.nodes.set(id, node);
    return node;
  }

  private deviceNode(summary: DeviceSummary): DeviceNode {
    const node = this.intern<DeviceNode>(
      () => ({ kind: 'device', id: this.deviceId(summary.type), parent: undefined, type: summary.type, summary }),
      this.deviceId(summary.type),
    );
    node.summary = summary;
    return node;
  }

  private rangeNode(parent: Container, span: Span): ClusterRangeNode {
    const id = `${this.uri}|range|${parent.type}|${span.from}-${span.to}`;
    return this.intern<ClusterRangeNode>(
      () => ({ kind: 'clusterRange', id, parent, type: parent.type, from: span.from, to: span.to }),
      id,
    );
  }

  private clusterNode(parent: Container, cluster: number, summary: ClusterSummary | undefined): ClusterNode {
    const id = this.clusterId(parent.type, cluster);
    const node = this.intern<ClusterNode>(
      () => ({ kind: 'cluster', id, parent, type: parent.type, cluster, summary, detail: undefined }),
      id,
    );
    if (summary !== undefined) node.summary = summary;
    return node;
  }

  private slotRangeNode(parent: ClusterNode, span: Span): SlotRangeNode {
    const id = `${this.uri}|slots|${parent.type}|${span.from}-${span.to}`;
    return this.intern<SlotRangeNode>(
      () => ({
        kind: 'slotRange',
        id,
        parent,
        type: parent.type,
        cluster: parent.cluster,
        from: span.from,
        to: span.to,
      }),
      id,
    );
  }

  private slotNodeIn(
    parent: ClusterNode | SlotRangeNode,
    cluster: number,
    offset: number,
    info: SlotInfo | undefined,
  ): SlotNode {
    const id = `${this.uri}|slot|${parent.type}|${offset}`;
    const node = this.intern<SlotNode>(
      () => ({ kind: 'slot', id, parent, type: parent.type, cluster, offset, info }),
      id,
    );
    if (info !== undefined) node.info = info;
    return node;
  }

  private notice(parent: DeviceTreeNode, severity: NoticeNode['severity'], text: string): NoticeNode {
    const id = `${parent.id}|notice|${text}`;
    return this.intern<NoticeNode>(() => ({ kind: 'notice', id, parent, type: parent.type, severity, text }), id);
  }

  /** Children of a device or cluster range: clusters when few enough, else sub-ranges with something in them. */
  private async rangeChildren(parent: Container, from: number, to: number): Promise<DeviceTreeNode[]> {
    if (to <= from) return [this.notice(parent, 'info', 'no clusters')];
    if (to - from <= MAX_CHILDREN) {
      const clusters = await this.listClusters(parent.type, from, to);
      if (clusters.length === 0)
        return [this.notice(parent, 'info', this.showFree ? 'no clusters' : 'no cluster in use')];
      return clusters.map((summary) => this.clusterNode(parent, summary.cluster, summary));
    }
    const spans = subranges(from, to, childSpan(to - from));
    const keep = this.showFree ? spans.map(() => true) : await this.rangesInUse(parent.type, spans);
    const pinnedClusters = this.pinnedClusters(parent.type);
    const shown = spans.filter((span, i) => keep[i] || pinnedClusters.some((c) => c >= span.from && c < span.to));
    if (shown.length === 0) return [this.notice(parent, 'info', 'no cluster in use')];
    return shown.map((span) => this.rangeNode(parent, span));
  }

  /** Cluster summaries in [from, to), free ones only when shown (or pinned). */
  private async listClusters(type: number, from: number, to: number): Promise<ClusterSummary[]> {
    const uri = this.requireUri();
    const found: ClusterSummary[] = [];
    let start = from;
    while (start < to) {
      const page = await this.deps.server.request('swapsim/clusters', {
        uri,
        type,
        start,
        limit: to - start,
        includeFree: this.showFree,
      });
      for (const summary of page.clusters) if (summary.cluster >= from && summary.cluster < to) found.push(summary);
      if (page.next === null || page.next >= to || page.next <= start) break;
      start = page.next;
    }
    const listed = new Set(found.map((c) => c.cluster));
    for (const cluster of this.pinnedClusters(type)) {
      if (cluster >= from && cluster < to && !listed.has(cluster)) {
        const detail = await this.deps.server.request('swapsim/cluster', { uri, type, cluster });
        found.push({ cluster, list: detail.list, order: detail.order, count: detail.count, hasTable: detail.hasTable });
      }
    }
    return found.sort((a, b) => a.cluster - b.cluster);
  }

  /**
   * Which spans hold a non-free cluster, from the binned cluster map (a bin's
   * order is -1 exactly when it has none). Whole spans go in one request and
   * a shorter last span in another, so each bin is exactly one span.
   */
  private async rangesInUse(type: number, spans: Span[]): Promise<boolean[]> {
    const uri = this.requireUri();
    const span = spans[0].to - spans[0].from;
    const last = spans[spans.length - 1];
    const fullCount = last.to - last.from === span ? spans.length : spans.length - 1;
    const parts: { from: number; to: number; bins: number }[] = [];
    if (fullCount > 0) parts.push({ from: spans[0].from, to: spans[0].from + fullCount * span, bins: fullCount });
    if (fullCount < spans.length) parts.push({ from: last.from, to: last.to, bins: 1 });
    const used: boolean[] = [];
    for (const part of parts) {
      const map = await this.deps.server.request('swapsim/clusterMap', {
        uri,
        type,
        bins: part.bins,
        from: part.from,
        to: part.to,
      });
      if (map.order.length !== part.bins || map.clustersPerBin * part.bins !== part.to - part.from) {
        // Bins that do not line up with our spans: show every span rather than hide one in use.
        this.deps.log?.(
          `Devices view: swapsim/clusterMap answered ${map.order.length} bins of ${map.clustersPerBin} for ${part.bins} × ${(part.to - part.from) / part.bins}`,
        );
        for (let i = 0; i < part.bins; i++) used.push(true);
        continue;
      }
      for (let i = 0; i < part.bins; i++)
        used.push(map.order[i] >= 0 || (map.fill[i] ?? 0) > 0 || map.lists[map.list[i]] !== 'free');
    }
    return used;
  }

  private async clusterChildren(node: ClusterNode): Promise<DeviceTreeNode[]> {
    const uri = this.requireUri();
    const detail = await this.deps.server.request('swapsim/cluster', { uri, type: node.type, cluster: node.cluster });
    node.detail = detail;
    node.summary = {
      cluster: detail.cluster,
      list: detail.list,
      order: detail.order,
      count: detail.count,
      hasTable: detail.hasTable,
    };
    const slots = detail.backing.length;
    const first = node.cluster * this.clusterSlots(node.type);
    const ranges = slotRanges(node.cluster, slots);
    if (ranges.length === 0) return this.slotChildren(node, node.cluster, first, first + slots);
    const shown = ranges.filter(
      (span) => this.showFree || this.slotsUsedIn(node, span) || this.pinnedSlotIn(node.type, span),
    );
    if (shown.length === 0) return [this.notice(node, 'info', 'no slot in use')];
    return shown.map((span) => this.slotRangeNode(node, span));
  }

  private slotsUsedIn(node: ClusterNode, span: Span): boolean {
    const detail = node.detail;
    if (detail === undefined) return true;
    const first = node.cluster * this.clusterSlots(node.type);
    for (let offset = span.from; offset < span.to; offset++) {
      const i = offset - first;
      if (isUsed(detail.backing[i], detail.counts[i] ?? 0)) return true;
    }
    return false;
  }

  private pinnedSlotIn(type: number, span: Span): boolean {
    for (let offset = span.from; offset < span.to; offset++)
      if (this.pinned.has(`${this.uri}|slot|${type}|${offset}`)) return true;
    return false;
  }

  private slotChildren(
    parent: ClusterNode | SlotRangeNode,
    cluster: number,
    from: number,
    to: number,
  ): DeviceTreeNode[] {
    const clusterNode = parent.kind === 'cluster' ? parent : parent.parent;
    const detail = clusterNode.detail;
    if (detail === undefined) return [this.notice(parent, 'info', 'expand the cluster again to load its slots')];
    const first = cluster * this.clusterSlots(parent.type);
    const out: SlotNode[] = [];
    for (let offset = from; offset < to; offset++) {
      const i = offset - first;
      const backing = detail.backing[i] ?? 'free';
      const count = detail.counts[i] ?? 0;
      const pinned = this.pinned.has(`${this.uri}|slot|${parent.type}|${offset}`);
      if (!this.showFree && !isUsed(backing, count) && !pinned) continue;
      out.push(
        this.slotNodeIn(parent, cluster, offset, {
          backing,
          count,
          raw: detail.raw[i],
          memcgId: detail.memcgIds[i] ?? 0,
        }),
      );
    }
    if (out.length === 0) return [this.notice(parent, 'info', 'no slot in use')];
    return out;
  }

  private pinnedClusters(type: number): number[] {
    const prefix = `${this.uri}|cl|${type}|`;
    const out: number[] = [];
    for (const id of this.pinned) if (id.startsWith(prefix)) out.push(Number(id.slice(prefix.length)));
    return out;
  }

  /** The innermost already-expanded node above where `cluster` would be listed. */
  private deepestMaterialized(type: number, cluster: number): DeviceTreeNode | undefined {
    const device = this.nodes.get(this.deviceId(type));
    if (device === undefined || device.kind !== 'device' || !this.materialized.has(device.id)) return undefined;
    let deepest: DeviceTreeNode = device;
    for (const span of rangeChain(device.summary.clusters, cluster)) {
      const id = `${this.uri}|range|${type}|${span.from}-${span.to}`;
      if (!this.materialized.has(id)) break;
      const node = this.nodes.get(id);
      if (node === undefined) break;
      deepest = node;
    }
    return deepest;
  }

  /** Drop nodes whose ancestor is refreshed anyway (a refresh reloads the whole subtree). */
  private withoutCovered(targets: Set<DeviceTreeNode>): DeviceTreeNode[] {
    const out: DeviceTreeNode[] = [];
    for (const node of targets) {
      let covered = false;
      for (let up = node.parent; up !== undefined; up = up.parent) {
        if (targets.has(up)) {
          covered = true;
          break;
        }
      }
      if (!covered) out.push(node);
    }
    return out;
  }

  private requireUri(): string {
    if (this.uri === undefined) throw new Error('no scenario is focused');
    return this.uri;
  }

  private deviceTooltip(d: DeviceSummary, pageSize: number): vscode.MarkdownString {
    const md = new this.deps.ui.MarkdownString(undefined, true);
    md.appendMarkdown(`**${mdEscape(d.path)}** — swap type ${d.type}\n\n`);
    md.appendMarkdown('| Filename | Type | Size | Used | Priority |\n| --- | --- | ---: | ---: | ---: |\n');
    md.appendMarkdown(
      `| ${mdEscape(d.path)} | ${d.typeName} | ${pagesToKiB(d.pages, pageSize)} | ${pagesToKiB(d.inuse, pageSize)} | ${d.prio} |\n\n`,
    );
    md.appendMarkdown(
      `${formatCount(d.clusters)} clusters of ${d.clusterSlots} slots; si->max ${formatCount(d.maxSlots)}\n\n`,
    );
    if (d.tier !== null) md.appendMarkdown(`swap tier: ${mdEscape(d.tier)} (/sys/kernel/mm/swap/tiers)\n\n`);
    md.appendMarkdown(
      `lists: free ${d.lists.free} · nonfull ${d.lists.nonfull} · frag ${d.lists.frag} · full ${d.lists.full} · discard ${d.lists.discard}\n\n`,
    );
    const flags = [
      d.solidState ? 'SWP_SOLIDSTATE' : 'rotational',
      d.synchronousIo ? 'SWP_SYNCHRONOUS_IO' : '',
      d.onAvailList ? 'on swap_avail_heads' : 'not on swap_avail_heads',
      d.swapoffInProgress ? 'swapoff in progress' : '',
    ];
    md.appendMarkdown(flags.filter((f) => f.length > 0).join(' · '));
    return md;
  }

  private clusterTooltip(detail: ClusterDetail): vscode.MarkdownString {
    const md = new this.deps.ui.MarkdownString();
    md.appendMarkdown(
      `**cluster ${detail.cluster}** — ${detail.list}, order ${detail.order}, ${detail.count} used or bad\n\n`,
    );
    md.appendMarkdown(
      `swap table: ${detail.hasTable ? 'allocated' : 'none'}${detail.hasExtendTable ? ' · extend_table allocated' : ''}\n\n`,
    );
    const tally = new Map<SlotBacking, number>();
    for (const b of detail.backing) tally.set(b, (tally.get(b) ?? 0) + 1);
    md.appendMarkdown([...tally].map(([b, n]) => `${b} ${n}`).join(' · '));
    return md;
  }

  private slotTooltip(r: SlotRecord): vscode.MarkdownString {
    const md = new this.deps.ui.MarkdownString();
    md.appendMarkdown(
      `**slot ${r.offset}** of swap type ${r.type} (cluster ${r.cluster}) — swp_entry_t \`${r.entryRaw}\`\n\n`,
    );
    const facts = [`kind ${r.kind}`, `backing ${r.backing}`, `count ${r.count}`];
    if (r.zero) facts.push('zero (Z)');
    if (r.pfn !== null) facts.push(`PFN ${formatHex(r.pfn)}`);
    if (r.memcg !== null) facts.push(`memcg ${mdEscape(r.memcg.path)}${r.memcg.online ? '' : ' (zombie)'}`);
    if (r.zswap !== null)
      facts.push(
        `zswap ${r.zswap.length} B${r.zswap.incompressible ? ' incompressible' : ''}${r.zswap.referenced ? ' referenced' : ''}`,
      );
    if (r.zram !== null) facts.push(`zram ${describeZramSlot(r.zram, this.state()?.pageSize ?? 4096)}`);
    md.appendMarkdown(`${facts.join(' · ')}\n\n`);
    for (const enc of r.encodings) {
      md.appendMarkdown(`${mdEscape(enc.structure)}: \`${enc.raw}\` (${enc.bits} bits)\n\n`);
      if (enc.fields.length > 0) {
        md.appendMarkdown('| field | bits | value | |\n| --- | --- | --- | --- |\n');
        for (const f of enc.fields)
          md.appendMarkdown(
            `| ${mdEscape(f.name)} | ${f.bits[0]}–${f.bits[1]} | \`${f.value}\` | ${mdEscape(f.meaning ?? '')} |\n`,
          );
        md.appendMarkdown('\n');
      }
    }
    const recent = r.history.slice(-5);
    if (recent.length > 0)
      md.appendMarkdown(`last events:\n\n${recent.map((e) => `- step ${e.step}: ${mdEscape(e.text)}`).join('\n')}`);
    return md;
  }
}
