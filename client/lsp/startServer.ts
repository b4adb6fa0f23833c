// Starting the language server: a Node child process over IPC, settings the
// server reads, and what happens when it crashes (restart from settings, as
// clangd's client does, or tell the user and offer a restart).
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { RestartBudget, shutsDownOnConnectionError } from './crashPolicy';

/**
 * The `swapsim` section as the server reads it (server/lsp/settings.ts), sent
 * as initializationOptions so the first sessions are built under it; later
 * changes arrive as workspace/didChangeConfiguration.
 */
export interface ServerSettings {
  design: string | null;
  kernel: string;
  geometry: { pageSize: string; clusterSlots: number | null; cpus: number; ram: string };
  limits: { maxSteps: number; undoMemoryMB: number; sessionMemoryMB: number };
  inlayHints: { enabled: boolean };
  checkInvariants: boolean;
  invariants: string;
}

export function readServerSettings(): ServerSettings {
  const c = vscode.workspace.getConfiguration('swapsim');
  return {
    design: c.get<string | null>('design', null),
    kernel: c.get<string>('kernel', '7.2'),
    geometry: {
      pageSize: c.get<string>('geometry.pageSize', '4K'),
      clusterSlots: c.get<number | null>('geometry.clusterSlots', null),
      cpus: c.get<number>('geometry.cpus', 4),
      ram: c.get<string>('geometry.ram', '4G'),
    },
    limits: {
      maxSteps: c.get<number>('limits.maxSteps', 1_000_000),
      undoMemoryMB: c.get<number>('limits.undoMemoryMB', 256),
      sessionMemoryMB: c.get<number>('limits.sessionMemoryMB', 512),
    },
    inlayHints: { enabled: c.get<boolean>('inlayHints.enabled', true) },
    checkInvariants: c.get<boolean>('checkInvariants', true),
    invariants: c.get<string>('invariants', 'incremental'),
  };
}

/** Restarts allowed within RESTART_WINDOW_MS before we stop trying (a server crashing at start would loop forever). */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;

function crashHandler(outputChannel: vscode.LogOutputChannel, restartServer: () => void): ErrorHandler {
  const budget = new RestartBudget(MAX_RESTARTS, RESTART_WINDOW_MS);
  return {
    // `handled: true`: the library logs the error to the output channel without a pop-up; a crash is
    // reported once, by closed() (client/lsp/crashPolicy.ts says why write errors wait for it).
    error: (error, _message, count) =>
      shutsDownOnConnectionError(error, count)
        ? { action: ErrorAction.Shutdown }
        : { action: ErrorAction.Continue, handled: true },
    closed: () => {
      const allowed = vscode.workspace.getConfiguration('swapsim').get<boolean>('server.restartOnCrash', true);
      if (allowed && budget.take(Date.now())) {
        outputChannel.warn(`the swapsim server stopped unexpectedly; restarting (${budget.used}/${MAX_RESTARTS})`);
        return { action: CloseAction.Restart, handled: true };
      }
      const why = allowed
        ? `it stopped ${MAX_RESTARTS + 1} times in 3 minutes`
        : 'swapsim.server.restartOnCrash is off';
      outputChannel.error(`the swapsim server stopped and was not restarted: ${why}`);
      void vscode.window
        .showErrorMessage(`The swapsim server stopped (${why}).`, 'Restart Server', 'Show Log')
        .then((choice) => {
          if (choice === 'Restart Server') restartServer();
          else if (choice === 'Show Log') outputChannel.show();
        });
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}

export function createLanguageClient(
  context: vscode.ExtensionContext,
  outputChannel: vscode.LogOutputChannel,
  restartServer: () => void,
): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  // A larger young generation: a 10,000-line parse allocates ~250k short-lived nodes,
  // and 32 MiB semi-spaces cut the scavenges that dominate re-analysis after an edit.
  const heap = ['--max-semi-space-size=32'];
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: heap } },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      // Port 6009 matches the "Attach to Server" launch configuration.
      options: { execArgv: [...heap, '--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'swapsim' },
      { scheme: 'untitled', language: 'swapsim' },
    ],
    outputChannel,
    // A function: a restarted server gets the settings of the moment, not those at activation.
    initializationOptions: () => readServerSettings(),
    // The server can also pull settings with workspace/configuration; this pushes changes.
    synchronize: { configurationSection: 'swapsim' },
    errorHandler: crashHandler(outputChannel, restartServer),
  };
  return new LanguageClient('swapsim', 'swapsim', serverOptions, clientOptions);
}
