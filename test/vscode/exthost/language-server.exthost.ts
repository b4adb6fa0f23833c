// The extension starts its language server as a Node child process of the
// extension host, connected over IPC, and the server keeps running.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { test, waitFor } from '../harness';
import { childrenOf, isAlive, type ProcessInfo } from './procfs';
import { activateByOpening, FIRST_SCENARIO, fixtureUri, openFixture, swapsimExtension } from './scenario';

function languageServers(): ProcessInfo[] {
  const serverScript = path.join(swapsimExtension().extensionPath, 'dist', 'server.js');
  return childrenOf(process.pid).filter((child) => child.argv.includes(serverScript));
}

test('the language server runs as a child of the extension host over IPC', async () => {
  // Activation awaits the client's start, which includes the initialize handshake.
  await activateByOpening();
  const servers = await waitFor('the language server process', () => {
    const found = languageServers();
    return found.length > 0 ? found : undefined;
  });
  assert.equal(servers.length, 1, `expected one language server, found ${servers.length}`);
  const [server] = servers;
  assert.ok(server.argv.includes('--node-ipc'), `server argv: ${server.argv.join(' ')}`);
  assert.ok(server.argv.includes(`--clientProcessId=${process.pid}`), `server argv: ${server.argv.join(' ')}`);
  // It answers a request after the handshake (a hover on `swapon`), so it did not exit right after it.
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
    'vscode.executeHoverProvider',
    fixtureUri(FIRST_SCENARIO),
    new vscode.Position(1, 2),
  );
  assert.ok(hovers.length > 0, 'the language server answered no hover after the handshake');
  assert.ok(isAlive(server.pid), 'the language server exited after starting');
});

test('the language server stays single while more scenario files open', async () => {
  await openFixture('two-devices.swapsim');
  assert.equal(languageServers().length, 1);
});
