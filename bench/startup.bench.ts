// Start-up cost of what ships (bench/run.mjs builds dist/ as for packaging): bundle sizes, how long the language server
// takes from spawn to its initialize response, how long `swapsim --version`
// takes end to end, and the cost of one incremental edit on a large document
// (the server keeps documents with incremental sync).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  createProtocolConnection,
  ExitNotification,
  InitializeRequest,
  ShutdownRequest,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { medianMs, report, time, heapUsedAfterGc } from './harness';

const ROOT = path.resolve(__dirname, '..', '..');
const dist = (name: string): string => {
  const file = path.join(ROOT, 'dist', name);
  if (!existsSync(file)) throw new Error(`${file} missing: bench/run.mjs builds dist/ first`);
  return file;
};

// client.js is the extension's small loader; client-main.js is what it loads at activation.
for (const bundle of ['client.js', 'client-main.js', 'server.js', 'cli.js']) {
  report(`bundle_size.${bundle}`, statSync(dist(bundle)).size / 1024, 'KiB');
}

/** Spawn the server, time initialize, then shut it down cleanly. */
async function serverColdStart(): Promise<void> {
  const child = spawn(process.execPath, [dist('server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const connection = createProtocolConnection(child.stdout, child.stdin);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
  await connection.sendRequest(ShutdownRequest.type);
  await connection.sendNotification(ExitNotification.type);
  await exited;
  connection.dispose();
}

async function main(): Promise<void> {
  await serverColdStart(); // warm the OS file cache so every sample sees the same disk state
  report('server.spawn_to_shutdown', await medianMs(serverColdStart, 7), 'ms');

  report(
    'cli.version_wall',
    await medianMs(async () => {
      const { status } = spawnSync(process.execPath, [dist('cli.js'), '--version']);
      if (status !== 0) throw new Error(`cli --version exited ${status}`);
    }, 7),
    'ms',
  );

  const text = Array.from({ length: 10_000 }, (_, i) => `swapon dev${i} size=1G  # line ${i}`).join('\n');
  let doc = TextDocument.create('file:///bench.swapsim', 'swapsim', 1, text);
  let version = 1;
  report(
    'textdocument.incremental_edit_10k_lines',
    time(() => {
      const line = (version * 7919) % 10_000;
      doc = TextDocument.update(
        doc,
        [{ range: { start: { line, character: 0 }, end: { line, character: 6 } }, text: 'swapon' }],
        ++version,
      );
      return doc;
    }, 2_000),
    'ns/op',
  );

  report('bench_process.heap_after_gc', heapUsedAfterGc() / 1024, 'KiB');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
