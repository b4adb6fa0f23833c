// What command handlers share: the server door, the session store, the
// views. Built once in extension.ts.
import type * as vscode from 'vscode';
import type { DebuggedDocuments } from './debug/register';
import type { ServerClient } from './lsp/serverClient';
import type { SwapsimRequester } from './protocolClient';
import type { SessionStore } from './session/sessionStore';
import type { SessionSync } from './session/sessionSync';
import type { DevicesTreeProvider, DeviceTreeNode } from './trees/devices/provider';

export interface Ctx {
  readonly extension: vscode.ExtensionContext;
  readonly client: ServerClient;
  readonly server: SwapsimRequester;
  readonly store: SessionStore;
  readonly sync: SessionSync;
  readonly log: vscode.LogOutputChannel;
  readonly devices: DevicesTreeProvider;
  readonly devicesView: vscode.TreeView<DeviceTreeNode>;
  /** Scenario documents a debug session is debugging. */
  readonly debugged: DebuggedDocuments;
}
