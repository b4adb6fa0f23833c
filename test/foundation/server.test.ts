// Drives the bundled language server as an editor would: a child process
// speaking LSP over stdio, through a real JSON-RPC connection (the suite's
// one stdio harness, test/lsp/client.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitNotification, ShutdownRequest, TextDocumentSyncKind } from 'vscode-languageserver-protocol/node';
import { LspClient } from '../lsp/client';
import { packageVersion } from './repo';
import { hangGuard, withTimeout } from '../hang_guard';

test(
  'initialize → initialized → shutdown → exit ends the server with code 0',
  { timeout: hangGuard(20_000) },
  async () => {
    const client = LspClient.spawn();
    try {
      const result = await client.initialize();
      assert.deepEqual(result.capabilities.textDocumentSync, {
        openClose: true,
        change: TextDocumentSyncKind.Incremental,
      });
      assert.deepEqual(result.serverInfo, { name: 'swapsim', version: packageVersion() });

      const shutdown = await withTimeout(client.connection.sendRequest(ShutdownRequest.type), 10_000, 'shutdown');
      assert.equal(shutdown, null);
      await client.connection.sendNotification(ExitNotification.type);

      const code = await withTimeout(client.exited, 10_000, 'process exit');
      assert.equal(code, 0, `server stderr:\n${client.stderr}`);
    } finally {
      client.dispose();
    }
  },
);

test(
  'exit without a prior shutdown ends the server with code 1 (LSP spec)',
  { timeout: hangGuard(20_000) },
  async () => {
    const client = LspClient.spawn();
    try {
      await client.initialize();
      await client.connection.sendNotification(ExitNotification.type);
      const code = await withTimeout(client.exited, 10_000, 'process exit');
      assert.equal(code, 1);
    } finally {
      client.dispose();
    }
  },
);
