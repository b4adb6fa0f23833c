// The Devices view's provider: which nodes exist (fetched from the server on
// demand, page by page) and which subtrees a delta refreshes. Nodes and their
// identity live in model.ts; how a node looks, in items.ts.
import type * as vscode from 'vscode';
import type { ClusterListName, ClusterSummary, SessionDelta } from '../../../shared/protocol';
import { describeRequestError, type CancelToken, type SwapsimRequester } from '../../protocolClient';
import type { SessionState, SessionStore } from '../../session/sessionStore';
import type { UiApi } from '../../ui/api';
import { childSpan, MAX_CHILDREN, rangeChain, slotRangeOf, slotRanges, subranges, type Span } from '../grouping';
import { clusterTooltip, deviceTreeItem, slotTooltip, type ItemContext } from './items';
import {
  DeviceNodes,
  isUsed,
  withoutCovered,
  type ClusterNode,
  type Container,
  type DeviceTreeNode,
  type SlotNode,
  type SlotRangeNode,
} from './model';

export type { DeviceTreeNode } from './model';

export interface DevicesTreeDeps {
  readonly ui: UiApi;
  readonly store: SessionStore;
  readonly server: SwapsimRequester;
  readonly log?: (message: string) => void;
}

type Refresh = DeviceTreeNode | DeviceTreeNode[] | undefined;

export class DevicesTreeProvider implements vscode.TreeDataProvider<DeviceTreeNode> {
  private readonly emitter: vscode.EventEmitter<Refresh>;
  readonly onDidChangeTreeData: vscode.Event<Refresh>;
  private readonly nodes: DeviceNodes;
  private uri: string | undefined;
  private showFree = false;
  private readonly subscriptions: { dispose(): void }[] = [];

  constructor(private readonly deps: DevicesTreeDeps) {
    this.emitter = new deps.ui.EventEmitter<Refresh>();
    this.onDidChangeTreeData = this.emitter.event;
    this.uri = deps.store.focused;
    this.nodes = new DeviceNodes(this.uri);
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
    return deviceTreeItem(this.deps.ui, node, this.itemContext());
  }

  async getChildren(node?: DeviceTreeNode): Promise<DeviceTreeNode[]> {
    const state = this.state();
    if (state === undefined) return [];
    if (node === undefined)
      return [...state.devices.values()].sort((a, b) => a.type - b.type).map((d) => this.nodes.device(d));
    this.nodes.markMaterialized(node);
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
      return [this.nodes.notice(node, 'error', message)];
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
        item.tooltip = slotTooltip(this.deps.ui, record, this.itemContext().pageSize);
      } else if (node.kind === 'cluster') {
        const detail = await this.deps.server.request(
          'swapsim/cluster',
          { uri: this.uri, type: node.type, cluster: node.cluster },
          token,
        );
        item.tooltip = clusterTooltip(this.deps.ui, detail);
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
    let parent: Container = this.nodes.device(device);
    for (const span of rangeChain(device.clusters, cluster)) parent = this.nodes.range(parent, span);
    const node = this.nodes.cluster(parent, cluster, undefined);
    this.nodes.pin(node);
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
    const slotParent = slotSpan === undefined ? clusterNode : this.nodes.slotRange(clusterNode, slotSpan);
    const node = this.nodes.slot(slotParent, cluster, offset, undefined);
    this.nodes.pin(node);
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
    for (const type of delta.removedDevices) if (this.nodes.get(this.nodes.deviceId(type)) !== undefined) return 'all';
    for (const summary of delta.devices) {
      const node = this.nodes.get(this.nodes.deviceId(summary.type));
      // A device we never listed: the root's children changed.
      if (node === undefined || node.kind !== 'device') return 'all';
      node.summary = summary;
      targets.add(node);
    }
    for (const type of delta.clustersOverflow) {
      const node = this.nodes.get(this.nodes.deviceId(type));
      if (node !== undefined) targets.add(node);
    }
    const touchedClusters = new Set<string>();
    for (const change of delta.clusters) {
      const id = this.nodes.clusterId(change.type, change.cluster);
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
        this.nodes.isMaterialized(node.parent.id)
      ) {
        const listed = (list: ClusterListName): boolean => this.showFree || list !== 'free' || this.nodes.isPinned(id);
        const wasListed = node.summary !== undefined && listed(node.summary.list);
        const listedNow = listed(change.list);
        node.summary = summary;
        // Joining or leaving the parent's list changes the parent's children.
        targets.add(wasListed === listedNow ? node : node.parent);
      } else {
        const ancestor = this.nodes.deepestMaterialized(change.type, change.cluster);
        if (ancestor !== undefined) targets.add(ancestor);
      }
    }
    // Slots can change without their cluster changing (writeback moves data from zswap to disk, counts move).
    for (const [typeText, count] of Object.entries(delta.changedSlots)) {
      if (count <= 0) continue;
      const type = Number(typeText);
      for (const node of this.nodes.materializedClusters(type)) if (!touchedClusters.has(node.id)) targets.add(node);
    }
    return withoutCovered(targets);
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
    this.nodes.reset(this.uri);
    this.emitter.fire(undefined);
  }

  private itemContext(): ItemContext {
    const state = this.state();
    return {
      pageSize: state?.pageSize ?? 4096,
      clusterSlots: (type) => this.clusterSlots(type),
      memcgPath: (id) => state?.memcgs.get(id)?.path,
    };
  }

  private clusterSlots(type: number): number {
    return this.state()?.devices.get(type)?.clusterSlots ?? this.state()?.clusterSlots ?? 512;
  }

  /** Children of a device or cluster range: clusters when few enough, else sub-ranges with something in them. */
  private async rangeChildren(parent: Container, from: number, to: number): Promise<DeviceTreeNode[]> {
    if (to <= from) return [this.nodes.notice(parent, 'info', 'no clusters')];
    if (to - from <= MAX_CHILDREN) {
      const clusters = await this.listClusters(parent.type, from, to);
      if (clusters.length === 0)
        return [this.nodes.notice(parent, 'info', this.showFree ? 'no clusters' : 'no cluster in use')];
      return clusters.map((summary) => this.nodes.cluster(parent, summary.cluster, summary));
    }
    const spans = subranges(from, to, childSpan(to - from));
    const keep = this.showFree ? spans.map(() => true) : await this.rangesInUse(parent.type, spans);
    const pinnedClusters = this.nodes.pinnedClusters(parent.type);
    const shown = spans.filter((span, i) => keep[i] || pinnedClusters.some((c) => c >= span.from && c < span.to));
    if (shown.length === 0) return [this.nodes.notice(parent, 'info', 'no cluster in use')];
    return shown.map((span) => this.nodes.range(parent, span));
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
    for (const cluster of this.nodes.pinnedClusters(type)) {
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
      (span) => this.showFree || this.slotsUsedIn(node, span) || this.nodes.pinnedSlotIn(node.type, span),
    );
    if (shown.length === 0) return [this.nodes.notice(node, 'info', 'no slot in use')];
    return shown.map((span) => this.nodes.slotRange(node, span));
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

  private slotChildren(
    parent: ClusterNode | SlotRangeNode,
    cluster: number,
    from: number,
    to: number,
  ): DeviceTreeNode[] {
    const clusterNode = parent.kind === 'cluster' ? parent : parent.parent;
    const detail = clusterNode.detail;
    if (detail === undefined) return [this.nodes.notice(parent, 'info', 'expand the cluster again to load its slots')];
    const first = cluster * this.clusterSlots(parent.type);
    const out: SlotNode[] = [];
    const shmem = new Set(detail.shmem);
    for (let offset = from; offset < to; offset++) {
      const i = offset - first;
      const backing = detail.backing[i] ?? 'free';
      const count = detail.counts[i] ?? 0;
      const pinned = this.nodes.isSlotPinned(parent.type, offset);
      if (!this.showFree && !isUsed(backing, count) && !pinned) continue;
      out.push(
        this.nodes.slot(parent, cluster, offset, {
          backing,
          count,
          raw: detail.raw[i],
          memcgId: detail.memcgIds[i] ?? 0,
          shmem: shmem.has(i),
        }),
      );
    }
    if (out.length === 0) return [this.nodes.notice(parent, 'info', 'no slot in use')];
    return out;
  }

  private requireUri(): string {
    if (this.uri === undefined) throw new Error('no scenario is focused');
    return this.uri;
  }
}
