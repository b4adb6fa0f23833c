// Language server entry point. The transport (IPC from the extension,
// `--stdio` for other editors and tests) is picked by vscode-languageserver
// from the command line. Features live in server/lsp/, one module each; this
// file wires them to the connection and the document store.
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ServerContext } from './lsp/context';
import { registerCustomRequests } from './lsp/custom_requests';
import { registerDebugRequests } from './lsp/debug_requests';
import { DIAGNOSTICS_DELAY_MS, DiagnosticsScheduler } from './lsp/diagnostics';
import { guardVoid } from './lsp/guard';
import { capabilities, registerLanguageFeatures } from './lsp/language_features';
import {
  parseSettings,
  sameSettings,
  scenarioSettingsChanged,
  sessionSettingsChanged,
  type Settings,
} from './lsp/settings';

declare const __SWAPSIM_VERSION__: string;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const ctx = new ServerContext(connection, documents);
const diagnostics = new DiagnosticsScheduler(ctx);
let dynamicConfiguration = false;

// Last line of defence: a bug in a timer or promise must not take the server (and every open session) down.
process.on('uncaughtException', (error) => ctx.log(`uncaught exception: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) =>
  ctx.log(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`),
);

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const caps = params.capabilities;
  ctx.client = {
    configuration: caps.workspace?.configuration === true,
    inlayHintRefresh: caps.workspace?.inlayHint?.refreshSupport === true,
    workDoneProgress: caps.window?.workDoneProgress === true,
  };
  dynamicConfiguration = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
  // The extension sends its settings here too, so sessions built before the first pull already use them.
  if (params.initializationOptions !== undefined && params.initializationOptions !== null)
    ctx.settings = parseSettings(params.initializationOptions);
  return {
    capabilities: capabilities(TextDocumentSyncKind.Incremental),
    serverInfo: { name: 'swapsim', version: __SWAPSIM_VERSION__ },
  };
});

/**
 * Apply new settings. When the scenario defaults (design, geometry) changed,
 * every open document is checked again and its diagnostics republished; when
 * those or another setting sessions run under changed, every session is
 * rebuilt (a `rewound` delta, back at step 0).
 */
function applySettings(next: Settings): void {
  const previous = ctx.settings;
  if (sameSettings(previous, next)) return;
  ctx.settings = next;
  const reanalyse = scenarioSettingsChanged(previous, next);
  if (reanalyse) {
    for (const doc of documents.all()) {
      // The cached analysis was checked with the old defaults.
      ctx.analyses.delete(doc.uri);
      diagnostics.schedule(doc.uri, 0);
    }
  }
  if (reanalyse || sessionSettingsChanged(previous, next)) {
    for (const uri of ctx.sessions.uris()) {
      void ctx.sessions
        .enqueue(uri, () => {
          const doc = documents.get(uri);
          if (doc !== undefined && ctx.sessions.get(uri) !== undefined) ctx.rebuild(doc);
        })
        .catch((error: unknown) => ctx.log(`rebuild after settings change failed: ${String(error)}`));
    }
  }
  ctx.refreshInlayHints();
}

async function pullSettings(): Promise<void> {
  if (!ctx.client.configuration) return;
  const raw: unknown = await connection.workspace.getConfiguration({ section: 'swapsim' });
  applySettings(parseSettings(raw));
}

connection.onInitialized(
  guardVoid(ctx.log, 'initialized', async () => {
    if (dynamicConfiguration)
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'swapsim' });
    ctx.sendStatus();
    await pullSettings();
  }),
);

connection.onDidChangeConfiguration(
  guardVoid(ctx.log, 'didChangeConfiguration', async (params) => {
    if (ctx.client.configuration) {
      await pullSettings();
      return;
    }
    // Clients without workspace/configuration push the settings in the notification.
    const settings: unknown = params.settings;
    const section =
      typeof settings === 'object' && settings !== null ? (settings as { swapsim?: unknown }).swapsim : undefined;
    applySettings(parseSettings(section));
  }),
);

// Fires on open too: a new document is checked at once, edits after a pause.
documents.onDidChangeContent(
  guardVoid(ctx.log, 'didChange', (e) =>
    diagnostics.schedule(e.document.uri, ctx.analyses.peek(e.document.uri) === undefined ? 0 : DIAGNOSTICS_DELAY_MS),
  ),
);
documents.onDidClose(
  guardVoid(ctx.log, 'didClose', (e) => {
    diagnostics.cancel(e.document.uri);
    const uri = e.document.uri;
    void ctx.sessions
      .enqueue(uri, () => ctx.closeDocument(uri))
      .catch((error: unknown) => ctx.log(`close failed: ${String(error)}`));
  }),
);

registerLanguageFeatures(ctx);
registerCustomRequests(ctx);
registerDebugRequests(ctx);

documents.listen(connection);
connection.listen();
