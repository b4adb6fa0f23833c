// The few vscode classes the tree providers construct, passed in rather than
// imported: the extension hands over the real `vscode` module, unit tests a
// small fake (test/client/fake-vscode.ts), so providers run under plain Node.
import type * as vscode from 'vscode';

export interface UiApi {
  readonly TreeItem: new (
    label: string | vscode.TreeItemLabel,
    collapsibleState?: vscode.TreeItemCollapsibleState,
  ) => vscode.TreeItem;
  readonly EventEmitter: new <T>() => vscode.EventEmitter<T>;
  readonly ThemeIcon: new (id: string, color?: vscode.ThemeColor) => vscode.ThemeIcon;
  readonly ThemeColor: new (id: string) => vscode.ThemeColor;
  readonly MarkdownString: new (value?: string, supportThemeIcons?: boolean) => vscode.MarkdownString;
}

// vscode.TreeItemCollapsibleState's values, usable without the runtime enum.
export const NOT_COLLAPSIBLE = 0 as vscode.TreeItemCollapsibleState;
export const COLLAPSED = 1 as vscode.TreeItemCollapsibleState;
export const EXPANDED = 2 as vscode.TreeItemCollapsibleState;
