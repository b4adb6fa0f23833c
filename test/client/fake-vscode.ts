// The few vscode classes the tree providers construct (client/ui/api.ts),
// faked so the providers run under plain Node against the real server.
import type * as vscode from 'vscode';
import type { UiApi } from '../../client/ui/api';

export class FakeThemeColor implements vscode.ThemeColor {
  constructor(readonly id: string) {}
}

export class FakeThemeIcon implements vscode.ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: vscode.ThemeColor,
  ) {}
}

export class FakeTreeItem implements vscode.TreeItem {
  label?: string | vscode.TreeItemLabel;
  collapsibleState?: vscode.TreeItemCollapsibleState;
  constructor(label: string | vscode.TreeItemLabel, collapsibleState?: vscode.TreeItemCollapsibleState) {
    this.label = label;
    this.collapsibleState = collapsibleState;
  }
}

export class FakeEventEmitter<T> implements vscode.EventEmitter<T> {
  private listeners: ((e: T) => unknown)[] = [];
  /** Everything fired, in order (tests read it). */
  readonly fired: T[] = [];

  readonly event: vscode.Event<T> = (listener) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };

  fire(data: T): void {
    this.fired.push(data);
    for (const listener of [...this.listeners]) listener(data);
  }

  dispose(): void {
    this.listeners = [];
  }
}

export class FakeMarkdownString implements vscode.MarkdownString {
  value: string;
  isTrusted?: boolean;
  supportThemeIcons?: boolean;
  supportHtml?: boolean;
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendText(value: string): vscode.MarkdownString {
    this.value += value.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
  appendMarkdown(value: string): vscode.MarkdownString {
    this.value += value;
    return this;
  }
  appendCodeblock(value: string, language = ''): vscode.MarkdownString {
    this.value += `\n\`\`\`${language}\n${value}\n\`\`\`\n`;
    return this;
  }
}

export const fakeUi: UiApi = {
  TreeItem: FakeTreeItem,
  EventEmitter: FakeEventEmitter,
  ThemeIcon: FakeThemeIcon,
  ThemeColor: FakeThemeColor,
  MarkdownString: FakeMarkdownString,
};

/** A cancellation token that is never cancelled. */
export const NEVER_CANCELLED = {
  isCancellationRequested: false,
  onCancellationRequested: () => ({ dispose: () => undefined }),
};
