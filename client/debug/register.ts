// VS Code's side of the scenario debugger: the `swapsim` debug type runs
// ScenarioDebugAdapter inline in the extension host, and F5 on a scenario
// without a launch.json debugs the active editor's scenario.
import * as vscode from 'vscode';
import type { SwapsimRequester } from '../protocolClient';
import type { SessionStore } from '../session/sessionStore';
import { ScenarioDebugAdapter, type DebugHost, type ScenarioDocument } from './scenarioDebugAdapter';

export const DEBUG_TYPE = 'swapsim';

/**
 * The URI of the program path. A path VS Code gave us may belong to a remote
 * workspace (vscode-remote://…): reuse the scheme of an open document or
 * workspace folder holding it, so the debugger drives the same session as
 * the editor, not a second one under a file:// URI.
 */
function programUri(program: string): vscode.Uri {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === program || d.uri.toString() === program);
  if (open !== undefined) return open.uri;
  const plain = vscode.Uri.file(program);
  const folder = vscode.workspace.workspaceFolders?.find((f) => plain.path.startsWith(`${f.uri.path.replace(/\/$/, '')}/`));
  return folder === undefined ? plain : folder.uri.with({ path: plain.path });
}

async function openScenario(program: string): Promise<ScenarioDocument> {
  const uri = programUri(program);
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch (error) {
    throw new Error(`cannot open ${program}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { uri: document.uri.toString(), text: () => document.getText() };
}

class ScenarioConfigurations implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    const editor = vscode.window.activeTextEditor;
    // Any saved scenario, local or in a remote workspace (programUri maps the path back to its URI); not an untitled one.
    const active = editor?.document.languageId === 'swapsim' && editor.document.uri.scheme !== 'untitled' ? editor.document.uri.fsPath : undefined;
    // No launch.json (F5 with a scenario in front): debug that scenario.
    if (config.type === undefined && config.request === undefined && config.name === undefined) {
      if (active === undefined) {
        void vscode.window.showInformationMessage('swapsim: open a .swapsim scenario to debug it.');
        return undefined;
      }
      return { type: DEBUG_TYPE, name: 'Debug scenario', request: 'launch', program: active, stopOnEntry: true };
    }
    if (typeof config.program !== 'string' || config.program === '') {
      if (active === undefined) {
        void vscode.window.showInformationMessage("swapsim: the launch configuration has no 'program', and no scenario is open.");
        return undefined;
      }
      return { ...config, program: active };
    }
    return config;
  }
}

export function registerScenarioDebugger(context: vscode.ExtensionContext, server: SwapsimRequester, store: SessionStore): void {
  const host: DebugHost = {
    server,
    openScenario,
    // The store sees every delta of every session, the debugger's own included.
    onSessionStep: (uri, listener) =>
      store.onDidChange((change) => {
        if (change.uri === uri && change.kind !== 'closed') listener(change.state.step);
      }),
  };
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ScenarioConfigurations()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new ScenarioDebugAdapter(host)),
    }),
  );
}
