// Extension host entry: starts the swapsim language server and connects a
// language client to it. Everything simulator-related runs in the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  // A log channel: the language client writes its trace and the server's log here.
  const outputChannel = vscode.window.createOutputChannel('swapsim', { log: true });
  context.subscriptions.push(outputChannel);

  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      // Port 6009 matches the "Attach to Server" launch configuration.
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'swapsim' },
      { scheme: 'untitled', language: 'swapsim' },
    ],
    outputChannel,
  };

  client = new LanguageClient('swapsim', 'swapsim', serverOptions, clientOptions);
  await client.start();
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}
