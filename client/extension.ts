// Extension host entry: starts the swapsim language server and wires the
// thin client around it — commands, views, decorations, status, the Testing
// view. Everything simulator-related runs in the server; this side only
// asks and draws. Activation does not wait for the server to start.
import * as vscode from 'vscode';
import { compareDesigns, selectDesign } from './commands/designs';
import { CompareView, type ShownComparison } from './compareView';
import { exportSession } from './commands/exports';
import { checkAllInvariants } from './commands/invariants';
import { revealSlot } from './commands/reveal';
import { newScenario, openExample } from './commands/scenarios';
import { reset, run, runToCursor, step } from './commands/stepping';
import { requireScenario } from './commands/target';
import type { CodeCacheState } from './boot/codeCache';
import type { Ctx } from './context';
import { registerScenarioDebugger } from './debug/register';
import { DashboardPanel } from './dashboard';
import { StepDecorations } from './editor/stepDecorations';
import { ServerStatusItem, StepStatusItem } from './editor/statusItems';
import { profileText } from './editor/stepText';
import { LateClient } from './lsp/lateClient';
import { loadLanguageClientLater } from './lsp/loadLater';
import type { ServerClient } from './lsp/serverClient';
import { requesterOver } from './protocolClient';
import { SessionStore } from './session/sessionStore';
import { SessionSync } from './session/sessionSync';
import { ScenarioTests } from './testing/controller';
import { KernelVerification } from './verify/verifyCommand';
import { DevicesTreeProvider, type DeviceTreeNode } from './trees/devices/provider';
import { EventsTreeProvider } from './trees/eventsTree';
import { MemcgTreeProvider } from './trees/memcgTree';
import { SwapCacheTreeProvider } from './trees/swapCacheTree';

/** How activation went, measured by the loader (client/boot/loader.ts). */
export interface ActivationTiming {
  /** Reading, compiling and running dist/client-main.js. */
  readonly loadMs: number;
  /** The reading and compiling part of loadMs. */
  readonly compileMs: number;
  /** The extension's activate() call. */
  readonly activateMs: number;
  /**
   * CPU time of the extension host process over both (all its threads): far
   * below loadMs + activateMs when the machine was busy with other work.
   */
  readonly cpuMs: number;
  readonly codeCache: CodeCacheState;
}

/** What activate() returns: the pieces the extension-host tests (and curious extensions) look at. */
export interface SwapsimApi {
  readonly store: SessionStore;
  readonly trees: {
    readonly devices: DevicesTreeProvider;
    readonly memcgs: MemcgTreeProvider;
    readonly swapCache: SwapCacheTreeProvider;
    readonly events: EventsTreeProvider;
  };
  readonly devicesView: vscode.TreeView<DeviceTreeNode>;
  readonly decorations: StepDecorations;
  readonly stepStatus: StepStatusItem;
  readonly serverStatus: ServerStatusItem;
  readonly tests: ScenarioTests;
  /** What the Compare Designs view shows, if it is open. */
  comparison(): ShownComparison | undefined;
  /** What the dashboard of a scenario says it shows (its last `shown` message), if one is open. */
  dashboardShown(uri: string): { seq: number; step: number } | undefined;
  /** Verify on Real Kernel: its Testing items' outcomes and diagnostics. */
  readonly verification: KernelVerification;
  /** Settles once the language client has started (or failed to). */
  readonly ready: Promise<void>;
  /** The swapsim output channel (Show Server Log). */
  readonly log: vscode.LogOutputChannel;
  /** Set by the loader (dist/client.js); absent when client-main.js is loaded some other way. */
  readonly activation?: ActivationTiming;
}

let client: ServerClient | undefined;

export function activate(context: vscode.ExtensionContext): SwapsimApi {
  const log = vscode.window.createOutputChannel('swapsim', { log: true });
  context.subscriptions.push(log);
  const restartServer = async (): Promise<void> => {
    log.info('restarting the swapsim server');
    await languageClient.restart();
  };
  // Stands in for the language client until dist/client-lsp.js is loaded, just after activation (issue #8).
  const languageClient = new LateClient();
  client = languageClient;
  const server = requesterOver(languageClient);
  const store = new SessionStore();
  const sync = new SessionSync(languageClient, server, store, log);
  context.subscriptions.push({ dispose: () => store.dispose() }, sync);

  // Views.
  const warn = (message: string): void => log.warn(message);
  const devices = new DevicesTreeProvider({ ui: vscode, store, server, log: warn });
  const memcgs = new MemcgTreeProvider({ ui: vscode, store });
  const swapCache = new SwapCacheTreeProvider({ ui: vscode, store, server, log: warn });
  const events = new EventsTreeProvider({ ui: vscode, store, server, log: warn });
  const devicesView = vscode.window.createTreeView<DeviceTreeNode>('swapsim.devices', {
    treeDataProvider: devices,
    showCollapseAll: true,
  });
  context.subscriptions.push(
    devices,
    memcgs,
    swapCache,
    events,
    devicesView,
    vscode.window.createTreeView('swapsim.memcgs', { treeDataProvider: memcgs, showCollapseAll: true }),
    vscode.window.registerTreeDataProvider('swapsim.swapCache', swapCache),
    vscode.window.registerTreeDataProvider('swapsim.events', events),
  );

  // The Devices view's title line names the simulated machine: kernel release and design.
  const describeDevices = (): void => {
    const s = store.focusedState();
    devicesView.description = s === undefined ? undefined : profileText(s);
  };
  context.subscriptions.push(
    store.onDidChange((change) => {
      if (change.uri === store.focused) describeDevices();
    }),
    store.onDidChangeFocus(describeDevices),
  );

  const debugged = registerScenarioDebugger(context, { server, store, notifications: languageClient });
  const ctx: Ctx = {
    extension: context,
    client: languageClient,
    server,
    store,
    sync,
    log,
    devices,
    devicesView,
    debugged,
  };
  linkDashboard(ctx);

  // Editor and status bar.
  const decorations = new StepDecorations(store, context.extensionUri, debugged);
  const stepStatus = new StepStatusItem(store);
  const serverStatus = new ServerStatusItem();
  const tests = new ScenarioTests(server);
  const verification = new KernelVerification(context, log);
  context.subscriptions.push(decorations, stepStatus, serverStatus, tests, verification);
  context.subscriptions.push(
    vscode.commands.registerCommand('swapsim.verifyOnRealKernel', (arg) => verification.verify(arg)),
  );
  context.subscriptions.push(
    languageClient.onNotification('swapsim/serverStatus', (status) => serverStatus.setStatus(status)),
    languageClient.onDidChangePhase(({ oldPhase, newPhase }) => {
      serverStatus.setPhase(newPhase);
      // A restarted server has no sessions: start every open scenario over.
      if (newPhase === 'running' && oldPhase === 'starting' && store.focused !== undefined) void sync.refreshAll();
    }),
  );
  trackContextKeys(store);
  const comparisons = registerCommands(ctx, { swapCache, events });

  const ready = languageClient.start().then(
    () => sync.refreshAll(),
    (error: unknown) => {
      log.error(`the swapsim server did not start: ${error instanceof Error ? error.message : String(error)}`);
      serverStatus.setPhase('stopped');
    },
  );
  context.subscriptions.push(
    loadLanguageClientLater(languageClient, { context, log, restartServer: () => void restartServer(), ready }),
  );
  return {
    store,
    trees: { devices, memcgs, swapCache, events },
    devicesView,
    decorations,
    stepStatus,
    serverStatus,
    tests,
    verification,
    dashboardShown: (uri) => DashboardPanel.shown(uri),
    comparison: () => comparisons.shown,
    ready,
    log,
  };
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running?.isRunning()) await running.stop();
}

function registerCommands(
  ctx: Ctx,
  paged: { swapCache: SwapCacheTreeProvider; events: EventsTreeProvider },
): CompareView {
  const comparisons = new CompareView(ctx);
  ctx.extension.subscriptions.push(comparisons);
  const register = (id: string, handler: (...args: unknown[]) => unknown): void => {
    ctx.extension.subscriptions.push(vscode.commands.registerCommand(id, handler));
  };
  register('swapsim.run', (arg, toLine) => run(ctx, arg, toLine));
  register('swapsim.step', (arg) => step(ctx, 'forward', arg));
  register('swapsim.stepBack', (arg) => step(ctx, 'back', arg));
  register('swapsim.runToCursor', (arg) => runToCursor(ctx, arg));
  register('swapsim.reset', (arg) => reset(ctx, arg));
  register('swapsim.selectDesign', (arg, design) => selectDesign(ctx, arg, design));
  register('swapsim.compareDesigns', (arg, designs, at) => compareDesigns(ctx, comparisons, arg, designs, at));
  register('swapsim.exportComparison', (format, target) =>
    comparisons.export(format === 'csv' ? 'csv' : 'markdown', target instanceof vscode.Uri ? target : undefined),
  );
  register('swapsim.openDashboard', (arg) => {
    const uri = requireScenario(ctx, arg);
    if (uri !== undefined) DashboardPanel.show(ctx.extension, ctx.server, uri);
  });
  register('swapsim.revealSlot', (uri, type, offset) => revealSlot(ctx, uri, type, offset));
  register('swapsim.exportState', (arg, target) => exportSession(ctx, 'state-json', arg, target));
  register('swapsim.exportCounters', (arg, target) => exportSession(ctx, 'counters-csv', arg, target));
  register('swapsim.checkAllInvariants', (arg) => checkAllInvariants(ctx, arg));
  register('swapsim.restartServer', async () => {
    ctx.log.info('restart requested');
    await ctx.client.restart();
  });
  register('swapsim.showLog', () => ctx.log.show());
  const showFree = (show: boolean): void => {
    ctx.devices.setShowFree(show);
    void vscode.commands.executeCommand('setContext', 'swapsim.devices.showingFree', show);
  };
  register('swapsim.devices.showFree', () => showFree(true));
  register('swapsim.devices.hideFree', () => showFree(false));
  register('swapsim.swapCache.loadMore', () => paged.swapCache.loadMore());
  register('swapsim.events.loadMore', () => paged.events.loadMore());
  register('swapsim.newScenario', () => newScenario());
  register('swapsim.openExample', (arg) => openExample(ctx, arg));
  return comparisons;
}

/** Selections flow both ways between the Devices view and the dashboard. */
function linkDashboard(ctx: Ctx): void {
  DashboardPanel.setLog({ warn: (message) => ctx.log.warn(message) });
  DashboardPanel.registerSerializer(ctx.extension, ctx.server);
  ctx.extension.subscriptions.push(DashboardPanel.follow(ctx.store));
  // A selection we made ourselves (revealing what the dashboard picked) is not sent back to it.
  let echo: string | undefined;
  ctx.extension.subscriptions.push(
    ctx.devicesView.onDidChangeSelection(({ selection }) => {
      const node = selection[0];
      if (node === undefined || node.id === echo) return;
      if (node.kind === 'slot') DashboardPanel.select(node.type, node.cluster, node.offset);
      else if (node.kind === 'cluster') DashboardPanel.select(node.type, node.cluster);
    }),
    DashboardPanel.onDidSelect(async (selection) => {
      // Revealing in a closed side bar would open it and squeeze the dashboard: only on request (issue #22).
      const reveal =
        ctx.devicesView.visible ||
        vscode.workspace.getConfiguration('swapsim').get<boolean>('dashboard.revealInSidebar', false);
      if (!reveal) return;
      ctx.store.focus(selection.uri);
      await ctx.sync.refresh(selection.uri);
      const node =
        selection.offset === undefined
          ? ctx.devices.clusterNodeFor(selection.deviceType, selection.cluster)
          : ctx.devices.slotNode(selection.deviceType, selection.offset);
      if (node === undefined) return;
      echo = node.id;
      await ctx.devicesView.reveal(node, { select: true, focus: false, expand: selection.offset !== undefined });
    }),
  );
}

/** Context keys for `when` clauses: menus and keybindings follow the focused session. */
function trackContextKeys(store: SessionStore): void {
  const last = new Map<string, boolean>();
  const set = (key: string, value: boolean): void => {
    if (last.get(key) === value) return;
    last.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  };
  const update = (): void => {
    const state = store.focusedState();
    set('swapsim.hasSession', state !== undefined);
    set('swapsim.canStepBack', state !== undefined && state.step.index > 0);
    set('swapsim.atEnd', state !== undefined && state.step.next === null);
  };
  store.onDidChange(update);
  store.onDidChangeFocus(update);
  update();
}
