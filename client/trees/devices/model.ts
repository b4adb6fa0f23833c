// The Devices view's nodes: swap devices → cluster ranges → clusters → slot
// ranges → slots. Nodes are interned by id, so the same object stands for the
// same cluster across refreshes (VS Code keeps expansion and selection by id;
// reveal() and onDidChangeTreeData(element) need identity). This module knows
// nothing of VS Code or the server: the provider fills the nodes in.
import type { ClusterDetail, ClusterSummary, DeviceSummary, SlotBacking } from '../../../shared/protocol';
import { rangeChain, type Span } from '../grouping';

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
  /** The slot belongs to shmem (a tmpfs file or shared anonymous memory holds its entry). */
  shmem: boolean;
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

/** A node whose children are clusters or cluster ranges. */
export type Container = DeviceNode | ClusterRangeNode;

/** A slot is shown as used when it has a backing or a swap count. */
export function isUsed(backing: SlotBacking, count: number): boolean {
  return backing !== 'free' || count > 0;
}

/**
 * Every node the view has handed out for one scenario, by id, with which of
 * them VS Code has expanded (`materialized`) and which were revealed on
 * purpose (`pinned`: listed even when free clusters are hidden).
 */
export class DeviceNodes {
  private readonly nodes = new Map<string, DeviceTreeNode>();
  /** Ids of nodes whose children VS Code has asked for (i.e. shown expanded at some point). */
  private readonly materialized = new Set<string>();
  /** Clusters and slots revealed on purpose: listed even when free clusters are hidden. */
  private readonly pinned = new Set<string>();

  constructor(private uri: string | undefined) {}

  /** Forget every node (pinned ids stay: they name their scenario, and survive a refresh). */
  reset(uri: string | undefined): void {
    this.uri = uri;
    this.nodes.clear();
    this.materialized.clear();
  }

  deviceId(type: number): string {
    return `${this.uri}|dev|${type}`;
  }

  clusterId(type: number, cluster: number): string {
    return `${this.uri}|cl|${type}|${cluster}`;
  }

  private rangeId(type: number, span: Span): string {
    return `${this.uri}|range|${type}|${span.from}-${span.to}`;
  }

  private slotId(type: number, offset: number): string {
    return `${this.uri}|slot|${type}|${offset}`;
  }

  get(id: string): DeviceTreeNode | undefined {
    return this.nodes.get(id);
  }

  markMaterialized(node: DeviceTreeNode): void {
    this.materialized.add(node.id);
  }

  isMaterialized(id: string): boolean {
    return this.materialized.has(id);
  }

  /** Expanded cluster nodes of one device. */
  *materializedClusters(type: number): Iterable<ClusterNode> {
    for (const id of this.materialized) {
      const node = this.nodes.get(id);
      if (node !== undefined && node.kind === 'cluster' && node.type === type) yield node;
    }
  }

  pin(node: DeviceTreeNode): void {
    this.pinned.add(node.id);
  }

  isPinned(id: string): boolean {
    return this.pinned.has(id);
  }

  isSlotPinned(type: number, offset: number): boolean {
    return this.pinned.has(this.slotId(type, offset));
  }

  pinnedSlotIn(type: number, span: Span): boolean {
    for (let offset = span.from; offset < span.to; offset++) if (this.isSlotPinned(type, offset)) return true;
    return false;
  }

  pinnedClusters(type: number): number[] {
    const prefix = `${this.uri}|cl|${type}|`;
    const out: number[] = [];
    for (const id of this.pinned) if (id.startsWith(prefix)) out.push(Number(id.slice(prefix.length)));
    return out;
  }

  private intern<T extends DeviceTreeNode>(make: () => T, id: string): T {
    const existing = this.nodes.get(id);
    if (existing !== undefined) return existing as T;
    const node = make();
    this.nodes.set(id, node);
    return node;
  }

  device(summary: DeviceSummary): DeviceNode {
    const id = this.deviceId(summary.type);
    const node = this.intern<DeviceNode>(
      () => ({ kind: 'device', id, parent: undefined, type: summary.type, summary }),
      id,
    );
    node.summary = summary;
    return node;
  }

  range(parent: Container, span: Span): ClusterRangeNode {
    const id = this.rangeId(parent.type, span);
    return this.intern<ClusterRangeNode>(
      () => ({ kind: 'clusterRange', id, parent, type: parent.type, from: span.from, to: span.to }),
      id,
    );
  }

  cluster(parent: Container, cluster: number, summary: ClusterSummary | undefined): ClusterNode {
    const id = this.clusterId(parent.type, cluster);
    const node = this.intern<ClusterNode>(
      () => ({ kind: 'cluster', id, parent, type: parent.type, cluster, summary, detail: undefined }),
      id,
    );
    if (summary !== undefined) node.summary = summary;
    return node;
  }

  slotRange(parent: ClusterNode, span: Span): SlotRangeNode {
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

  slot(parent: ClusterNode | SlotRangeNode, cluster: number, offset: number, info: SlotInfo | undefined): SlotNode {
    const id = this.slotId(parent.type, offset);
    const node = this.intern<SlotNode>(
      () => ({ kind: 'slot', id, parent, type: parent.type, cluster, offset, info }),
      id,
    );
    if (info !== undefined) node.info = info;
    return node;
  }

  notice(parent: DeviceTreeNode, severity: NoticeNode['severity'], text: string): NoticeNode {
    const id = `${parent.id}|notice|${text}`;
    return this.intern<NoticeNode>(() => ({ kind: 'notice', id, parent, type: parent.type, severity, text }), id);
  }

  /** The innermost already-expanded node above where `cluster` would be listed. */
  deepestMaterialized(type: number, cluster: number): DeviceTreeNode | undefined {
    const device = this.nodes.get(this.deviceId(type));
    if (device === undefined || device.kind !== 'device' || !this.materialized.has(device.id)) return undefined;
    let deepest: DeviceTreeNode = device;
    for (const span of rangeChain(device.summary.clusters, cluster)) {
      const id = this.rangeId(type, span);
      if (!this.materialized.has(id)) break;
      const node = this.nodes.get(id);
      if (node === undefined) break;
      deepest = node;
    }
    return deepest;
  }
}

/** Drop nodes whose ancestor is refreshed anyway (a refresh reloads the whole subtree). */
export function withoutCovered(targets: Set<DeviceTreeNode>): DeviceTreeNode[] {
  const out: DeviceTreeNode[] = [];
  for (const node of targets) {
    let covered = false;
    for (let up = node.parent; up !== undefined && !covered; up = up.parent) covered = targets.has(up);
    if (!covered) out.push(node);
  }
  return out;
}
