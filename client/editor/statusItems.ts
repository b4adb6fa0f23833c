// Two status bar items: the stepping position with the kernel and design (click: pick a
// design), and a quiet server-health item (click: the server log) driven by
// the client's state and the server's swapsim/serverStatus notification.
import * as vscode from 'vscode';
import { stepPosition } from '../../shared/position';
import type { ServerStatus } from '../../shared/protocol';
import type { SessionStore } from '../session/sessionStore';
import { failureCount, profileText, stepText } from './stepText';

export class StepStatusItem implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('swapsim.step', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly store: SessionStore) {
    this.item.name = 'swapsim stepping';
    this.item.command = 'swapsim.selectDesign';
    this.disposables.push(
      this.item,
      store.onDidChange((change) => {
        if (change.uri === store.focused) this.update();
      }),
      store.onDidChangeFocus(() => this.update()),
    );
    this.update();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private update(): void {
    const state = this.store.focusedState();
    if (state === undefined) {
      this.item.hide();
      return;
    }
    const { failed, errors } = failureCount(state);
    this.item.text = stepText(profileText(state), state.step.index, state.step.total, state.status, failed + errors);
    this.item.tooltip = new vscode.MarkdownString(
      `**swapsim** — kernel \`${state.kernel}\`, design \`${state.design}\`, ${state.status}\n\n` +
        `${stepPosition(state.step)}: ${state.step.index} of ${state.step.total} steps done${state.step.next === null ? '' : `, line ${state.step.next.start.line + 1} next`} · ${state.expects.length - failed} expect(s) passed, ${failed} failed · ${errors} kernel error(s)\n\n` +
        'Click to choose the design profile.',
    );
    this.item.backgroundColor =
      failed + errors > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}

export class ServerStatusItem implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('swapsim.server', vscode.StatusBarAlignment.Right, 10);
  private status: ServerStatus | undefined;
  private phase: 'starting' | 'running' | 'stopped' = 'starting';
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor() {
    this.item.name = 'swapsim server';
    this.item.command = 'swapsim.showLog';
    this.disposables.push(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this.update();
  }

  setPhase(phase: 'starting' | 'running' | 'stopped'): void {
    this.phase = phase;
    if (phase !== 'running') this.status = undefined;
    this.update();
  }

  setStatus(status: ServerStatus): void {
    this.status = status;
    this.update();
  }

  /** The text shown now (the extension-host tests read this). */
  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private update(): void {
    const health = this.phase === 'stopped' ? 'error' : (this.status?.health ?? 'ok');
    const sessions = this.status?.sessions;
    const detail =
      this.phase === 'starting'
        ? 'starting'
        : this.phase === 'stopped'
          ? 'stopped'
          : (this.status?.message ?? 'running');
    this.item.text =
      this.phase === 'starting'
        ? '$(loading~spin) swapsim'
        : health === 'ok'
          ? '$(server-process)'
          : `$(${health}) swapsim`;
    this.item.tooltip = `swapsim server: ${detail}${sessions === undefined ? '' : ` · ${sessions} session(s)`} — click for the log`;
    this.item.backgroundColor =
      health === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : health === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    // Quiet: only beside scenario editors, unless something is wrong.
    const scenario = vscode.window.activeTextEditor?.document.languageId === 'swapsim';
    if (scenario || health !== 'ok') this.item.show();
    else this.item.hide();
  }
}
