// Reveal Slot: select a slot in the Devices view (expanding what leads to it)
// and in the dashboard. Called with (uri, type, offset) from the Events and
// Swap cache views, or with nothing: then an input box asks `DEVICE:OFFSET`
// or `DEVICE OFFSET`.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { DashboardPanel } from '../dashboard';
import { parseSlotAddress } from './slotAddress';
import { scenarioUri } from './target';

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
      prompt: 'DEVICE:OFFSET or DEVICE OFFSET — a device path or swap type, then the slot offset (decimal or 0x hex)',
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
