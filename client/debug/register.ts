// VS Code's side of the scenario debugger: the `swapsim` debug type runs
// ScenarioDebugSession inline in the extension host, loaded from
// dist/client-debug.js when the first session starts (activation does not
// compile it), and F5 on a scenario without a launch.json debugs the active
// editor's scenario. It also knows which documents are being debugged, for
// the editor decorations and Run to Cursor.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DebugLogLine, DebugOutput } from '../../shared/protocol';
import { nonEmpty, withDefault } from '../../shared/validate';
import { loadBundle } from '../boot/codeCache';
import type { NotificationSource, SwapsimRequester } from '../protocolClient';
import type { SessionStore } from '../session/sessionStore';
import type { DebugBundle } from './entry';
import type { DebugHost, ScenarioDocument } from './scenarioDebugSession';

export const DEBUG_TYPE = 'swapsim';
const DEBUG_BUNDLE = 'client-debug.js';

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
  const folder = vscode.workspace.workspaceFolders?.find((f) =>
    plain.path.startsWith(`${f.uri.path.replace(/\/$/, '')}/`),
  );
  return folder === undefined ? plain : folder.uri.with({ path: plain.path });
}

async function openScenario(program: string): Promise<ScenarioDocument> {
  const uri = programUri(program);
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch (error) {
    throw new Error(`cannot open ${program}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { uri: document.uri.toString(), text: () => document.getText() };
}

class ScenarioConfigurations implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    const editor = vscode.window.activeTextEditor;
    // Any saved scenario, local or in a remote workspace (programUri maps the path back to its URI); not an untitled one.
    const active =
      editor?.document.languageId === 'swapsim' && editor.document.uri.scheme !== 'untitled'
        ? editor.document.uri.fsPath
        : undefined;
    // No launch.json (F5 with a scenario in front): debug that scenario.
    if (config.type === undefined && config.request === undefined && config.name === undefined) {
      if (active === undefined) {
        void vscode.window.showInformationMessage('swapsim: open a .swapsim scenario to debug it.');
        return undefined;
      }
      return { type: DEBUG_TYPE, name: 'Debug scenario', request: 'launch', program: active, stopOnEntry: true };
    }
    if (withDefault(nonEmpty, config.program, undefined) === undefined) {
      if (active === undefined) {
        void vscode.window.showInformationMessage(
          "swapsim: the launch configuration has no 'program', and no scenario is open.",
        );
        return undefined;
      }
      return { ...config, program: active };
    }
    return config;
  }
}

/** Which scenario documents a debug session is stopped in or running (by URI). */
export class DebuggedDocuments implements vscode.Disposable {
  private readonly sessions = new Map<string, vscode.DebugSession>();
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;

  has(uri: string): boolean {
    return this.sessions.has(uri);
  }

  /** The debug session of a document, for requests of its own (Run to Cursor). */
  session(uri: string): vscode.DebugSession | undefined {
    return this.sessions.get(uri);
  }

  set(uri: string, session: vscode.DebugSession | undefined): void {
    if (session === undefined) this.sessions.delete(uri);
    else this.sessions.set(uri, session);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Fans the server's swapsim/debugOutput out to the sessions of each document (one handler per method on the client). */
class OutputRouter {
  private readonly listeners = new Set<{ uri: string; listener: (lines: DebugLogLine[]) => void }>();

  deliver(output: DebugOutput): void {
    for (const l of this.listeners) if (l.uri === output.uri) l.listener(output.lines);
  }

  subscribe(uri: string, listener: (lines: DebugLogLine[]) => void): vscode.Disposable {
    const entry = { uri, listener };
    this.listeners.add(entry);
    return new vscode.Disposable(() => this.listeners.delete(entry));
  }
}

export interface DebuggerDeps {
  readonly server: SwapsimRequester;
  readonly store: SessionStore;
  readonly notifications: NotificationSource<vscode.Disposable>;
}

export function registerScenarioDebugger(
  context: vscode.ExtensionContext,
  { server, store, notifications }: DebuggerDeps,
): DebuggedDocuments {
  const debugged = new DebuggedDocuments();
  const output = new OutputRouter();
  let bundle: DebugBundle | undefined;
  const hostFor = (session: vscode.DebugSession): DebugHost => ({
    server,
    openScenario,
    // The store sees every delta of every session, the debugger's own included.
    onSessionStep: (uri, listener) =>
      store.onDidChange((change) => {
        if (change.uri === uri && change.kind !== 'closed') listener(change.state.step);
      }),
    onDebugOutput: (uri, listener) => output.subscribe(uri, listener),
    onLifecycle: (uri, running) => debugged.set(uri, running ? session : undefined),
  });
  context.subscriptions.push(
    debugged,
    notifications.onNotification('swapsim/debugOutput', (params) => output.deliver(params)),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ScenarioConfigurations()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: (session) => {
        bundle ??= loadBundle<DebugBundle>(path.join(__dirname, DEBUG_BUNDLE), undefined).exports;
        return new vscode.DebugAdapterInlineImplementation(bundle.createDebugSession(hostFor(session)));
      },
    }),
  );
  return debugged;
}
