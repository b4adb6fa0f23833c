// Drives the bundled language server as an editor would: a child process
// speaking LSP over stdio, through a real JSON-RPC connection.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  TextDocumentSyncKind,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { distFile, packageVersion } from './repo';
import { hangGuard, withTimeout } from '../hang_guard';

interface Session {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: ProtocolConnection;
  readonly exited: Promise<number | null>;
  readonly stderr: () => string;
}

function startServer(): Session {
  const child = spawn(process.execPath, [distFile('server.js'), '--stdio'], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const connection = createProtocolConnection(child.stdout, child.stdin);
  connection.listen();
  return { child, connection, exited, stderr: () => stderr };
}

/** Kills the child if a test failed half-way, so the runner never hangs. */
function cleanup(session: Session): void {
  session.connection.dispose();
  if (session.child.exitCode === null) session.child.kill();
}


const initializeParams = {
  processId: process.pid,
  rootUri: null,
  capabilities: {},
  clientInfo: { name: 'swapsim-foundation-test' },
};

test('initialize → initialized → shutdown → exit ends the server with code 0', { timeout: hangGuard(20_000) }, async () => {
  const session = startServer();
  try {
    const result = await withTimeout(
      session.connection.sendRequest(InitializeRequest.type, initializeParams),
      10_000,
      'initialize',
    );
    assert.deepEqual(result.capabilities.textDocumentSync, {
      openClose: true,
      change: TextDocumentSyncKind.Incremental,
    });
    assert.deepEqual(result.serverInfo, { name: 'swapsim', version: packageVersion() });

    await session.connection.sendNotification(InitializedNotification.type, {});
    const shutdown = await withTimeout(session.connection.sendRequest(ShutdownRequest.type), 10_000, 'shutdown');
    assert.equal(shutdown, null);
    await session.connection.sendNotification(ExitNotification.type);

    const code = await withTimeout(session.exited, 10_000, 'process exit');
    assert.equal(code, 0, `server stderr:\n${session.stderr()}`);
  } finally {
    cleanup(session);
  }
});

test('exit without a prior shutdown ends the server with code 1 (LSP spec)', { timeout: hangGuard(20_000) }, async () => {
  const session = startServer();
  try {
    await withTimeout(session.connection.sendRequest(InitializeRequest.type, initializeParams), 10_000, 'initialize');
    await session.connection.sendNotification(ExitNotification.type);
    const code = await withTimeout(session.exited, 10_000, 'process exit');
    assert.equal(code, 1);
  } finally {
    cleanup(session);
  }
});
