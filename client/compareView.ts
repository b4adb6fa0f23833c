/**
 * The Compare Designs view on the VS Code side: one webview panel
 * (media/compare) showing the comparison of one scenario. The user picks the
 * step (the end of the run, as `swapsim compare` does, or the session's
 * current step); the host asks the server (`swapsim/compare`, cancellable,
 * with progress), hands the page the result, and writes the Markdown and CSV
 * exports, rendered by the same code as the CLI's (shared/compare_report.ts).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { dashboardHtml } from '../shared/dashboard/page';
import { cliCommand, compareCsv, compareMarkdown, compareReport } from '../shared/compare_report';
import type { CompareAt, CompareResult, DesignName, HostToCompareView } from '../shared/protocol';
import { parseCompareViewToHost } from '../shared/validate';
import { withDelayedProgress } from './commands/progress';
import type { Ctx } from './context';
import { describeRequestError, isCancellation } from './protocolClient';

export const COMPARE_VIEW_TYPE = 'swapsim.compare';

/** The comparison the view shows (the extension-host tests read it). */
export interface ShownComparison {
  readonly uri: string;
  readonly at: CompareAt;
  readonly designs: readonly DesignName[];
  readonly result: CompareResult;
  readonly command: string;
}

export class CompareView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private uri = '';
  private designs: readonly DesignName[] = [];
  private at: CompareAt = 'end';
  private shownValue: ShownComparison | undefined;
  private pageReady = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    // A comparison at the current step goes stale when the session moves: the page offers to compare again.
    this.disposables.push(
      ctx.store.onDidChange((change) => {
        const shown = this.shownValue;
        if (shown === undefined || change.uri !== shown.uri || shown.at !== 'current' || change.kind === 'closed')
          return;
        if (change.state.step.index !== shown.result.step) this.post({ type: 'stale', step: change.state.step.index });
      }),
    );
  }

  get shown(): ShownComparison | undefined {
    return this.shownValue;
  }

  /** Show the view for `uri` and compare `designs` at `at`. */
  async open(uri: string, designs: readonly DesignName[], at: CompareAt): Promise<void> {
    this.uri = uri;
    this.designs = designs;
    this.at = at;
    this.ensurePanel();
    await this.compare();
  }

  /** Write the shown comparison as Markdown or CSV; asks where unless `target` is given. */
  async export(format: 'markdown' | 'csv', target?: vscode.Uri): Promise<void> {
    const shown = this.shownValue;
    if (shown === undefined) {
      void vscode.window.showInformationMessage('swapsim: compare designs first.');
      return;
    }
    const name = path.basename(vscode.Uri.parse(shown.uri).path);
    const report = compareReport(shown.result);
    const text = format === 'markdown' ? compareMarkdown(report, name) : compareCsv(report);
    const extension = format === 'markdown' ? 'md' : 'csv';
    const scenario = vscode.Uri.parse(shown.uri);
    const folder =
      scenario.scheme === 'file' ? vscode.Uri.joinPath(scenario, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const where =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri:
          folder === undefined
            ? undefined
            : vscode.Uri.joinPath(folder, `${name.replace(/\.swapsim$/, '')}-compare-step${report.step}.${extension}`),
        filters: { [format === 'markdown' ? 'Markdown' : 'CSV']: [extension] },
        saveLabel: 'Export',
      }));
    if (where === undefined) return;
    try {
      await vscode.workspace.fs.writeFile(where, new TextEncoder().encode(text));
      if (target === undefined)
        void vscode.window.showInformationMessage(`swapsim: saved ${vscode.workspace.asRelativePath(where)}`);
    } catch (err) {
      void vscode.window.showErrorMessage(
        `swapsim: could not save ${where.fsPath}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private ensurePanel(): void {
    if (this.panel !== undefined) {
      this.panel.reveal(undefined, true);
      return;
    }
    const media = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'media');
    const panel = vscode.window.createWebviewPanel(
      COMPARE_VIEW_TYPE,
      'swapsim: compare designs',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        enableCommandUris: false,
        enableForms: false,
        localResourceRoots: [media],
        retainContextWhenHidden: false,
      },
    );
    const webview = panel.webview;
    webview.html = dashboardHtml({
      nonce: randomBytes(18).toString('base64'),
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'compare.js')).toString(),
      styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(media, 'compare.css')).toString()],
      title: 'swapsim: compare designs',
      loadingText: 'Comparing designs…',
    });
    this.pageReady = false;
    panel.onDidDispose(
      () => {
        this.panel = undefined;
        this.shownValue = undefined;
      },
      null,
      this.disposables,
    );
    // A hidden webview is torn down: the page says `ready` again when shown, and gets the last report.
    panel.onDidChangeViewState(
      ({ webviewPanel }) => {
        if (!webviewPanel.visible) this.pageReady = false;
      },
      null,
      this.disposables,
    );
    webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw), null, this.disposables);
    this.panel = panel;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = parseCompareViewToHost(raw);
    if (!parsed.ok) {
      this.ctx.log.warn(`swapsim compare view: dropped a malformed message (${parsed.error})`);
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        if (this.shownValue !== undefined) this.postReport(this.shownValue);
        return;
      case 'compareAt':
        this.at = message.at;
        await this.compare();
        return;
      case 'export':
        await this.export(message.format);
        return;
    }
  }

  private async compare(): Promise<void> {
    const { uri, designs, at } = this;
    await this.ctx.sync.refresh(uri);
    const state = this.ctx.store.get(uri);
    if (state === undefined) {
      this.post({ type: 'failed', message: 'this scenario has no simulation: open it in an editor first' });
      return;
    }
    const step = at === 'end' ? state.step.total : state.step.index;
    const scenario = path.basename(vscode.Uri.parse(uri).path);
    this.post({ type: 'busy', scenario, at, step });
    try {
      const result = await withDelayedProgress('swapsim: comparing designs', (token) =>
        this.ctx.server.request('swapsim/compare', { uri, designs: [...designs], step }, token),
      );
      const file =
        vscode.Uri.parse(uri).scheme === 'file' ? vscode.workspace.asRelativePath(vscode.Uri.parse(uri)) : scenario;
      this.shownValue = { uri, at, designs, result, command: cliCommand(file, designs, at, result.step) };
      this.postReport(this.shownValue);
    } catch (error) {
      const text = describeRequestError('swapsim/compare', error);
      if (isCancellation(error)) this.ctx.log.info(text);
      else this.ctx.log.warn(text);
      this.post({ type: 'failed', message: text });
    }
  }

  private postReport(shown: ShownComparison): void {
    this.post({
      type: 'report',
      scenario: path.basename(vscode.Uri.parse(shown.uri).path),
      at: shown.at,
      result: shown.result,
      command: shown.command,
    });
  }

  private post(message: HostToCompareView): void {
    if (this.panel === undefined || !this.pageReady) return;
    void this.panel.webview.postMessage(message);
  }
}
