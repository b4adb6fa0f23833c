// What each Devices view node looks like: label, description, icon and
// tooltip. Pure functions of the node and what the session knows; the
// provider (provider.ts) decides which nodes exist.
import type * as vscode from 'vscode';
import { describeZramSlot } from '../../../shared/zram_words';
import type { ClusterDetail, DeviceSummary, SlotBacking, SlotRecord } from '../../../shared/protocol';
import { formatCount, formatHex, pagesToKiB } from '../../../shared/format';
import { COLLAPSED, NOT_COLLAPSIBLE, type UiApi } from '../../ui/api';
import { mdEscape } from '../../ui/markdown';
import { CLUSTER_ICONS, DEVICE_ICONS, SLOT_ICONS, type IconSpec } from '../icons';
import type { DeviceTreeNode } from './model';

/** What an item needs to know about the session beyond its node. */
export interface ItemContext {
  readonly pageSize: number;
  /** Slots per cluster of a device. */
  clusterSlots(type: number): number;
  /** A memcg's path by id, when the session knows it. */
  memcgPath(id: number): string | undefined;
}

function iconOf(ui: UiApi, spec: IconSpec): vscode.ThemeIcon {
  return new ui.ThemeIcon(spec.icon, spec.color === undefined ? undefined : new ui.ThemeColor(spec.color));
}

function finish(item: vscode.TreeItem, node: DeviceTreeNode, contextValue: string): vscode.TreeItem {
  item.id = node.id;
  item.contextValue = contextValue;
  return item;
}

export function deviceTreeItem(ui: UiApi, node: DeviceTreeNode, ctx: ItemContext): vscode.TreeItem {
  switch (node.kind) {
    case 'device': {
      const d = node.summary;
      const item = new ui.TreeItem(d.path, d.clusters > 0 ? COLLAPSED : NOT_COLLAPSIBLE);
      // Used and Size in KiB, as /proc/swaps prints them.
      const tier = d.tier === null ? '' : ` · tier ${d.tier}`;
      item.description = `${d.typeName} · prio ${d.prio}${tier} · ${pagesToKiB(d.inuse, ctx.pageSize)} / ${pagesToKiB(d.pages, ctx.pageSize)} KiB`;
      item.iconPath = iconOf(
        ui,
        d.swapoffInProgress ? { ...DEVICE_ICONS[d.kind], color: 'list.warningForeground' } : DEVICE_ICONS[d.kind],
      );
      item.tooltip = deviceTooltip(ui, d, ctx.pageSize);
      return finish(item, node, 'swapsim.device');
    }
    case 'clusterRange': {
      const item = new ui.TreeItem(`clusters ${node.from}–${node.to - 1}`, COLLAPSED);
      item.description = `${formatCount(node.to - node.from)} clusters`;
      item.iconPath = new ui.ThemeIcon('list-tree');
      return finish(item, node, 'swapsim.clusterRange');
    }
    case 'cluster': {
      const item = new ui.TreeItem(`cluster ${node.cluster}`, COLLAPSED);
      const s = node.summary;
      if (s !== undefined) {
        item.description = `${s.list} · order ${s.order} · ${s.count}/${ctx.clusterSlots(node.type)}${s.hasTable ? '' : ' · no table'}`;
        item.iconPath = iconOf(ui, CLUSTER_ICONS[s.list]);
      } else {
        item.iconPath = new ui.ThemeIcon('circle-large-outline');
      }
      return finish(item, node, 'swapsim.cluster');
    }
    case 'slotRange': {
      const item = new ui.TreeItem(`slots ${node.from}–${node.to - 1}`, COLLAPSED);
      item.iconPath = new ui.ThemeIcon('list-flat');
      return finish(item, node, 'swapsim.slotRange');
    }
    case 'slot': {
      const item = new ui.TreeItem(`slot ${node.offset}`, NOT_COLLAPSIBLE);
      const info = node.info;
      if (info !== undefined) {
        const parts: string[] = [info.backing];
        if (info.count > 0) parts.push(`count ${info.count}`);
        if (info.backing === 'zero') parts.push('Z');
        if (info.shmem) parts.push('shmem');
        const memcg = info.memcgId > 0 ? ctx.memcgPath(info.memcgId) : undefined;
        if (memcg !== undefined) parts.push(memcg);
        item.description = parts.join(' · ');
        item.iconPath = iconOf(ui, SLOT_ICONS[info.backing]);
      }
      // The tooltip needs the slot's full record: the provider's resolveTreeItem fetches it on hover.
      return finish(item, node, 'swapsim.slot');
    }
    case 'notice': {
      const item = new ui.TreeItem(node.text, NOT_COLLAPSIBLE);
      item.iconPath = new ui.ThemeIcon(
        node.severity === 'error' ? 'error' : 'info',
        node.severity === 'error' ? new ui.ThemeColor('errorForeground') : undefined,
      );
      item.tooltip = node.text;
      return finish(item, node, 'swapsim.notice');
    }
  }
}

export function deviceTooltip(ui: UiApi, d: DeviceSummary, pageSize: number): vscode.MarkdownString {
  const md = new ui.MarkdownString(undefined, true);
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

export function clusterTooltip(ui: UiApi, detail: ClusterDetail): vscode.MarkdownString {
  const md = new ui.MarkdownString();
  md.appendMarkdown(
    `**cluster ${detail.cluster}** — ${detail.list}, order ${detail.order}, ${detail.count} used or bad\n\n`,
  );
  md.appendMarkdown(
    `swap table: ${detail.hasTable ? 'allocated' : 'none'}${detail.hasExtendTable ? ' · extend_table allocated' : ''}\n\n`,
  );
  const tally = new Map<SlotBacking, number>();
  for (const b of detail.backing) tally.set(b, (tally.get(b) ?? 0) + 1);
  md.appendMarkdown([...tally].map(([b, n]) => `${b} ${n}`).join(' · '));
  if (detail.shmem.length > 0) md.appendMarkdown(`\n\nshmem ${detail.shmem.length}`);
  return md;
}

export function slotTooltip(ui: UiApi, r: SlotRecord, pageSize: number): vscode.MarkdownString {
  const md = new ui.MarkdownString();
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
  if (r.zram !== null) facts.push(`zram ${describeZramSlot(r.zram, pageSize)}`);
  if (r.shmem !== null) facts.push(`shmem ${mdEscape(r.shmem.path)} page ${r.shmem.index}`);
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
