// Language server entry point. The transport (IPC from the extension,
// `--stdio` for other editors and tests) is picked by vscode-languageserver
// from the command line. Features register themselves on `connection` and
// `documents` here, before `listen()` is called.
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

declare const __SWAPSIM_VERSION__: string;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize((): InitializeResult => ({
  capabilities: {
    textDocumentSync: {
      openClose: true,
      change: TextDocumentSyncKind.Incremental,
    },
  },
  serverInfo: { name: 'swapsim', version: __SWAPSIM_VERSION__ },
}));

documents.listen(connection);
connection.listen();
