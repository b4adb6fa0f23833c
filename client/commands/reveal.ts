// Reveal Slot: select a slot in the Devices view (expanding what leads to it)
// and in the dashboard. Called with (uri, type, offset) from the Events and
// Swap cache views, or with nothing: then an input box asks `device:offset`.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { DashboardPanel } from '../dashboard';
import { scenarioUri } from './target';

/** `/dev/vda2:1234` or `0:1234` → swap type and offset, or an error to show. */
export function parseSlotAddress(text: string, devices: { type: number; path: string; maxSlots: number }[]): { type: number; offset: number } | string {
  const colon = text.trim().lastIndexOf(':');
  if (colon <= 0) return 'write DEVICE:OFFSET, e.g. /dev/vda2:1 or 0:1';
  const deviceText = text.trim().slice(0, colon);
  const offsetText = text.trim().slice(colon + 1);
  const offset = /^0x[0-9a-f]+$/i.test(offsetText) ? Number.parseInt(offsetText, 16) : /^\d+$/.test(offsetText) ? Number(offsetText) : Number.NaN;
  if (!Number.isSafeInteger(offset)) return `not an offset: ${offsetText}`;
  const device = /^\d+$/.test(deviceText) ? devices.find((d) => d.type === Number(deviceText)) : devices.find((d) => d.path === deviceText);
  if (device === undefined) return `no active swap device ${deviceText} (active: ${devices.map((d) => d.path).join(', ') || 'none'})`;
  if (offset >= device.maxSlots) return `${device.path} has slots 0..${device.maxSlots - 1}`;
  return { type: device.type, offset };
}

export async function revealSlot(ctx: Ctx, uriArg?: unknown, typeArg?: unknown, offsetArg?: unknown): Promise<void> {
  const uri = scenarioUri(ctx, uriArg);
  if (uri === undefined) {
    void vscode.window.showInformationMessage('swapsim: open a .swapsim scenario first.');
    return;
  }
  await ctx.sync.refresh(uri);
  const state = ctx.store.get(uri);
  if (state === undefined) {
    void vscode.window.showInformationMessage('swapsim: this scenario has no simulation yet.');
    return;
  }
  let type = typeof typeArg === 'number' ? typeArg : undefined;
  let offset = typeof offsetArg === 'number' ? offsetArg : undefined;
  if (type === undefined || offset === undefined) {
    const devices = [...state.devices.values()];
    const first = devices[0];
    const answer = await vscode.window.showInputBox({
      title: 'swapsim: reveal slot',
      prompt: 'DEVICE:OFFSET — a device path or swap type, then the slot offset',
      placeHolder: first === undefined ? '/dev/vda2:1' : `${first.path}:1`,
      validateInput: (text) => {
        const parsed = parseSlotAddress(text, devices);
        return typeof parsed === 'string' ? parsed : undefined;
      },
    });
    if (answer === undefined) return;
    const parsed = parseSlotAddress(answer, devices);
    if (typeof parsed === 'string') return;
    ({ type, offset } = parsed);
  }
  ctx.store.focus(uri);
  const node = ctx.devices.slotNode(type, offset);
  if (node === undefined) {
    void vscode.window.showInformationMessage(`swapsim: swap type ${type} has no slot ${offset}.`);
    return;
  }
  await ctx.devicesView.reveal(node, { select: true, focus: false, expand: true });
  DashboardPanel.select(type, node.cluster, offset);
}
