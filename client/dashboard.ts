/**
 * The dashboard webview on the VS Code side: one panel per scenario URI.
 * The page (media/dashboard) talks the messages of shared/protocol.ts; this
 * host relays them through shared/dashboard/relay.ts (one checker for both
 * dashboard hosts), forwards the requests the
 * dashboard may make to the language server, forwards session deltas, saves
 * exported files, and brings panels back after a reload through the panel
 * serializer (state comes from the webview's own getState/setState, so
 * hidden panels are not kept alive).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { dashboardHtml } from '../shared/dashboard/page';
import { relayWebviewMessage, responseError, type DashboardHost } from '../shared/dashboard/relay';
import type { HostToWebview } from '../shared/protocol';
import type { SwapsimRequester } from './protocolClient';
import type { SessionStore, StoreChange } from './session/sessionStore';

export const DASHBOARD_VIEW_TYPE = 'swapsim.dashboard';

/** What the page picked, for the trees to reveal. */
export interface DashboardSelection {
  uri: string;
  deviceType: number;
  cluster: number;
  offset?: number;
}

interface Log {
  warn(message: string): void;
}

export class DashboardPanel {
  private static readonly panels = new Map<string, DashboardPanel>();
  private static lastFocused: DashboardPanel | undefined;
  private static log: Log = { warn: (message) => console.warn(message) };
  private static readonly selectEmitter = new vscode.EventEmitter<DashboardSelection>();
  /** Fires when the user selects a cluster or slot in a dashboard. */
  static readonly onDidSelect: vscode.Event<DashboardSelection> = DashboardPanel.selectEmitter.event;

  private ready = false;
  /** Page and cluster size of the snapshot the page was given: the page lays out its map by them. */
  private geometry: { pageSize: number; clusterSlots: number } | undefined;
  /** The seq of the last state handed to the page (its `init` snapshot or a delta). */
  private sentSeq = -1;
  /** What the page says it shows (its `shown` message): the extension-host tests compare it with the other views. */
  private shownState: { seq: number; step: number } | undefined;
  private initInFlight: Promise<void> | undefined;
  private warnedInvalid = false;
  private readonly host: DashboardHost;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly server: SwapsimRequester,
    readonly uri: string,
  ) {
    this.host = this.asHost();
    panel.webview.options = DashboardPanel.webviewOptions(context);
    panel.webview.html = this.html();
    panel.title = `swapsim: ${path.basename(vscode.Uri.parse(uri).path)}`;
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.active) DashboardPanel.lastFocused = this;
        // A hidden webview is torn down (no retainContextWhenHidden): the page says `ready` again when shown.
        if (!webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    DashboardPanel.panels.set(uri, this);
    DashboardPanel.lastFocused = this;
  }

  /** Where warnings about rejected messages go (the extension's log channel). */
  static setLog(log: Log): void {
    DashboardPanel.log = log;
  }

  /** Open (or reveal) the dashboard of the scenario `uri`. */
  static show(context: vscode.ExtensionContext, server: SwapsimRequester, uri: string): void {
    const existing = DashboardPanel.panels.get(uri);
    if (existing !== undefined) {
      existing.panel.reveal(undefined, false);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      'swapsim dashboard',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      {
        ...DashboardPanel.webviewOptions(context),
        enableFindWidget: false,
        retainContextWhenHidden: false,
      },
    );
    new DashboardPanel(panel, context, server, uri);
  }

  /** Bring dashboards back after a window reload; the page's saved state names its scenario. */
  static registerSerializer(context: vscode.ExtensionContext, server: SwapsimRequester): void {
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          const uri =
            typeof state === 'object' && state !== null && 'uri' in state && typeof state.uri === 'string'
              ? state.uri
              : undefined;
          if (uri === undefined || DashboardPanel.panels.has(uri)) {
            // Nothing to restore it to (or it is already open): close rather than show an empty page.
            panel.dispose();
            return;
          }
          new DashboardPanel(panel, context, server, uri);
        },
      }),
      { dispose: () => DashboardPanel.disposeAll() },
    );
  }

  /**
   * Dashboards follow the session store, like every other view: a delta the
   * store applied goes to the page if it continues what the page has; a
   * snapshot the store took (a Run's answer, a resync), or a delta the page
   * cannot continue from, sends the page a fresh snapshot.
   */
  static follow(store: SessionStore): vscode.Disposable {
    return store.onDidChange((change) => DashboardPanel.panels.get(change.uri)?.onStoreChange(change));
  }

  /** What the dashboard of `uri` says it shows, if it is open and has drawn a state. */
  static shown(uri: string): { seq: number; step: number } | undefined {
    return DashboardPanel.panels.get(uri)?.shownState;
  }

  private onStoreChange(change: StoreChange): void {
    if (!this.ready || this.initInFlight !== undefined) return;
    if (change.kind === 'closed') return;
    if (change.kind === 'snapshot') {
      if (change.state.seq !== this.sentSeq) void this.sendInit();
      return;
    }
    const delta = change.delta;
    if (delta.seq <= this.sentSeq) return;
    const g = this.geometry;
    // A session rebuilt on another page or cluster size (a geometry setting changed): the page starts over from a snapshot.
    const regeometry =
      g !== undefined &&
      ((delta.pageSize !== undefined && delta.pageSize !== g.pageSize) ||
        (delta.clusterSlots !== undefined && delta.clusterSlots !== g.clusterSlots));
    if (regeometry || delta.seq !== this.sentSeq + 1) {
      void this.sendInit();
      return;
    }
    this.sentSeq = delta.seq;
    this.post({ type: 'delta', delta });
  }

  /** Select a cluster or slot in the dashboard last focused (e.g. from a tree). */
  static select(deviceType: number, cluster: number, offset?: number): void {
    const panel = DashboardPanel.lastFocused;
    if (panel === undefined || !panel.ready) return;
    panel.post(
      offset === undefined ? { type: 'select', deviceType, cluster } : { type: 'select', deviceType, cluster, offset },
    );
  }

  private static webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      // The bundle and its stylesheet only: nothing else of the extension, nothing remote.
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'media')],
    };
  }

  private static disposeAll(): void {
    for (const panel of [...DashboardPanel.panels.values()]) panel.panel.dispose();
  }

  private html(): string {
    const webview = this.panel.webview;
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'media');
    return dashboardHtml({
      nonce: randomBytes(18).toString('base64'),
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard.js')).toString(),
      styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(media, 'dashboard.css')).toString()],
      title: 'swapsim dashboard',
    });
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  /** This panel as a dashboard host: shared/dashboard/relay.ts checks each message, these answer them. */
  private asHost(): DashboardHost {
    return {
      uri: this.uri,
      post: (message) => this.post(message),
      ready: () => this.sendInit(),
      request: (method, params) => this.server.request(method, params),
      select: (m) =>
        DashboardPanel.selectEmitter.fire({
          uri: this.uri,
          deviceType: m.deviceType,
          cluster: m.cluster,
          ...(m.offset === undefined ? {} : { offset: m.offset }),
        }),
      shown: (m) => void (this.shownState = { seq: m.seq, step: m.step }),
      saveFile: (m) => this.saveFile(m.name, m.mime, m.dataBase64),
      rejected: (reason) => {
        if (!this.warnedInvalid)
          DashboardPanel.log.warn(
            `swapsim dashboard: refused a message from the webview (${reason}); further ones are refused silently`,
          );
        this.warnedInvalid = true;
      },
    };
  }

  private onMessage(raw: unknown): Promise<void> {
    return relayWebviewMessage(this.host, raw);
  }

  /** Give the page a fresh snapshot; one at a time (changes meanwhile are covered by the snapshot or by deltas after it). */
  private sendInit(): Promise<void> {
    this.initInFlight ??= this.fetchAndInit().finally(() => (this.initInFlight = undefined));
    return this.initInFlight;
  }

  private async fetchAndInit(): Promise<void> {
    try {
      const snapshot = await this.server.request('swapsim/snapshot', { uri: this.uri });
      this.ready = true;
      this.geometry = { pageSize: snapshot.pageSize, clusterSlots: snapshot.clusterSlots };
      this.sentSeq = snapshot.seq;
      this.post({ type: 'init', uri: this.uri, snapshot });
    } catch (err) {
      this.ready = false;
      const { message } = responseError(err);
      this.post({
        type: 'noSession',
        message: `${message} — open ${path.basename(vscode.Uri.parse(this.uri).path)} in an editor to start its simulation.`,
      });
    }
  }

  private async saveFile(name: string, mime: string, dataBase64: string): Promise<void> {
    const scenario = vscode.Uri.parse(this.uri);
    const folder =
      scenario.scheme === 'file' ? vscode.Uri.joinPath(scenario, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const extension = path.extname(name).slice(1);
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder === undefined ? undefined : vscode.Uri.joinPath(folder, name),
      filters: extension.length > 0 ? { [mime]: [extension] } : undefined,
      saveLabel: 'Export',
    });
    if (target === undefined) return;
    try {
      await vscode.workspace.fs.writeFile(target, Buffer.from(dataBase64, 'base64'));
      void vscode.window.showInformationMessage(`swapsim: saved ${vscode.workspace.asRelativePath(target)}`);
    } catch (err) {
      void vscode.window.showErrorMessage(
        `swapsim: could not save ${target.fsPath}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private dispose(): void {
    DashboardPanel.panels.delete(this.uri);
    if (DashboardPanel.lastFocused === this) DashboardPanel.lastFocused = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
