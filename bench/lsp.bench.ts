// Language server latency: diagnostics and completion on a 10,000-line
// scenario (in process, and end to end through dist/server.js over stdio),
// on opening and after a one-line edit (analysed from the previous version),
// other features on the same document, and the session paths views depend
// on: a step and its delta with a million slots in use, and a 1,024-bin
// cluster map of a 1 TiB device.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ClusterMap, SessionSnapshot, StepInfo } from '../shared/protocol';
import { analyse, AnalysisCache } from '../server/lsp/analysis';
import { complete } from '../server/lsp/completion';
import { toLspDiagnostic } from '../server/lsp/convert';
import { DIAGNOSTICS_DELAY_MS } from '../server/lsp/diagnostics';
import { formattingEdits } from '../server/lsp/formatting';
import { hover } from '../server/lsp/hover';
import { documentSymbols, foldingRanges } from '../server/lsp/outline';
import { semanticTokens } from '../server/lsp/semantic_tokens';
import { Session } from '../server/session/session';
import { largeScenario } from '../test/lang/generate';
import { LspClient, freshUri } from '../test/lsp/client';
import { medianMs, report, time } from './harness';

const ms = (ns: number): number => ns / 1e6;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

// ─── front-end features, in process ─────────────────────────────────────────

const text = largeScenario(10_000);
const lines = text.split('\n');
const doc = TextDocument.create('file:///bench.swapsim', 'swapsim', 1, text);
const analysis = analyse(doc.uri, 1, text);
const touchLine = lines.findIndex((l) => l.startsWith('  touch t'));
const echoLine = lines.findIndex((l) => l.startsWith('echo 256M'));
/** A `touch` line in the middle of the file: where the one-line edits go. */
const editLine = lines.findIndex((l, i) => i >= lines.length / 2 && l.startsWith('  touch t'));

/** Type one character at the end of `editLine`, or take it back: every call is a new version one edit away. */
function oneLineEdit(current: TextDocument): TextDocument {
  const end = (lines[editLine] ?? '').length;
  const typed = current.version % 2 === 1;
  const range = typed
    ? { start: { line: editLine, character: end }, end: { line: editLine, character: end } }
    : { start: { line: editLine, character: end }, end: { line: editLine, character: end + 1 } };
  return TextDocument.update(current, [{ range, text: typed ? 'x' : '' }], current.version + 1);
}

function inProcess(): void {
  report(
    'lsp.diagnostics.10k_lines',
    ms(time(() => analyse(doc.uri, 1, text).result.diagnostics.map(toLspDiagnostic), 20)),
    'ms',
  );
  const cache = new AnalysisCache();
  let edited = TextDocument.create('file:///bench-edit.swapsim', 'swapsim', 1, text);
  cache.get(edited);
  report(
    'lsp.diagnostics.10k_lines.one_line_edit',
    ms(
      time(() => {
        edited = oneLineEdit(edited);
        return cache.get(edited).result.diagnostics.map(toLspDiagnostic);
      }, 100),
    ),
    'ms',
  );
  report(
    'lsp.completion.10k_lines.command',
    ms(time(() => complete(doc, { line: touchLine, character: 3 }, analysis), 500)),
    'ms',
  );
  report(
    'lsp.completion.10k_lines.task_name',
    ms(time(() => complete(doc, { line: touchLine, character: 8 }, analysis), 500)),
    'ms',
  );
  report(
    'lsp.completion.10k_lines.cgroup_path',
    ms(time(() => complete(doc, { line: echoLine, character: 20 }, analysis), 200)),
    'ms',
  );
  report(
    'lsp.hover.10k_lines',
    ms(time(() => hover(analysis, { line: touchLine, character: 9 }, undefined), 500)),
    'ms',
  );
  report('lsp.semantic_tokens.10k_lines', ms(time(() => semanticTokens(analysis), 10)), 'ms');
  report('lsp.symbols.10k_lines', ms(time(() => documentSymbols(analysis), 20)), 'ms');
  report('lsp.folding.10k_lines', ms(time(() => foldingRanges(analysis), 20)), 'ms');
  report('lsp.formatting.10k_lines', ms(time(() => formattingEdits(doc), 10)), 'ms');
}

// ─── sessions, in process ────────────────────────────────────────────────────

/** 1,048,576 slots in use (4 GiB of PMD folios paged out to an 8 GiB device), then single-page steps. */
const MILLION_SLOTS = [
  'config ram=8G check_invariants=no',
  'swapon /dev/vda2 size=8G',
  'task t',
  'mmap t heap 4G order=9 populate',
  'pageout t heap',
  'task u',
  'mmap u r 1M populate',
  'repeat 1000 {',
  '  pageout u r pages=0..0',
  '  touch u r pages=0..0',
  '}',
].join('\n');
const SETUP_LINE = 7;

const TERABYTE = [
  'config check_invariants=no',
  'swapon /dev/vdt size=1T',
  'task t',
  'mmap t heap 64M populate',
  'pageout t heap',
].join('\n');

function sessions(): void {
  const big = new Session('file:///million.swapsim', MILLION_SLOTS, {});
  const setupStarted = performance.now();
  big.run(SETUP_LINE);
  report('session.setup.1M_slots', performance.now() - setupStarted, 'ms');
  const inuse = big.device('/dev/vda2')?.inuse ?? 0;
  if (inuse < 1_048_576) throw new Error(`expected a million slots in use, got ${inuse}`);
  const samples: number[] = [];
  for (let i = 0; i < 400; i++) {
    const started = performance.now();
    big.stepForward(1);
    samples.push(performance.now() - started);
  }
  report('session.step_delta.1M_slots.median', percentile(samples, 0.5), 'ms');
  report('session.step_delta.1M_slots.p90', percentile(samples, 0.9), 'ms');

  const tb = new Session('file:///terabyte.swapsim', TERABYTE, {});
  tb.run();
  const clusters = tb.device('/dev/vdt')?.clusters ?? 0;
  if (clusters < 500_000) throw new Error(`expected a 1 TiB device, got ${clusters} clusters`);
  report('session.cluster_map.1TiB.1024_bins', ms(time(() => tb.clusterMap(0, 1024), 50)), 'ms');
}

// ─── end to end through the server ───────────────────────────────────────────

/** Young-generation size suggested for the server process (see diagnosticsLatency's figures with and without it). */
const SERVER_SEMI_SPACE_MB = 32;

/**
 * Diagnostics of the 10k-line document as the client sees them: on opening,
 * and from a one-line change to the new version's diagnostics (the server
 * first waits DIAGNOSTICS_DELAY_MS for more typing, which is part of the
 * figure), without and with a session (rebuilt after every edit, after the
 * diagnostics are out). Returns an open document for the figures after it.
 */
async function diagnosticsLatency(client: LspClient, suffix: string): Promise<string> {
  // Warm the server up first (JIT, catalogue tables), so both servers are measured alike.
  const warmUp = freshUri('warm-up');
  await client.open(warmUp, text);
  await client.diagnosticsFor(warmUp, () => true, 30_000);
  await client.closeDocument(warmUp);
  report(
    `lsp.e2e.diagnostics_on_open.10k_lines${suffix}`,
    await medianMs(async () => {
      const uri = freshUri('bench');
      await client.open(uri, text);
      await client.diagnosticsFor(uri, () => true, 30_000);
      await client.closeDocument(uri);
    }, 7),
    'ms',
  );
  const editToDiagnostics = async (target: string): Promise<void> => {
    const end = (lines[editLine] ?? '').length;
    const typed = client.version(target) % 2 === 1;
    const range = {
      start: { line: editLine, character: end },
      end: { line: editLine, character: typed ? end : end + 1 },
    };
    await client.change(target, [{ range, text: typed ? 'x' : '' }]);
    await client.diagnosticsFor(target, () => true, 30_000);
  };
  const uri = freshUri('bench');
  await client.open(uri, text);
  await client.diagnosticsFor(uri, () => true, 30_000);
  report(`lsp.e2e.diagnostics_after_edit.10k_lines${suffix}`, await medianMs(() => editToDiagnostics(uri), 15), 'ms');
  const withSession = freshUri('bench-session');
  await client.open(withSession, text);
  await client.diagnosticsFor(withSession, () => true, 30_000);
  await client.request('swapsim/snapshot', { uri: withSession }, 120_000);
  report(
    `lsp.e2e.diagnostics_after_edit.with_session.10k_lines${suffix}`,
    await medianMs(() => editToDiagnostics(withSession), 15),
    'ms',
  );
  await client.closeDocument(withSession);
  return uri;
}

async function endToEnd(): Promise<void> {
  report('lsp.e2e.debounce', DIAGNOSTICS_DELAY_MS, 'ms');
  // The same figures from a server started with a larger young generation (LspClient reads the variable at start).
  const previousArgs = process.env.SWAPSIM_LSP_NODE_ARGS;
  process.env.SWAPSIM_LSP_NODE_ARGS = `${previousArgs ?? ''} --max-semi-space-size=${SERVER_SEMI_SPACE_MB}`.trim();
  const tuned = await LspClient.start();
  if (previousArgs === undefined) delete process.env.SWAPSIM_LSP_NODE_ARGS;
  else process.env.SWAPSIM_LSP_NODE_ARGS = previousArgs;
  try {
    await diagnosticsLatency(tuned, `.semi_space_${SERVER_SEMI_SPACE_MB}mb`);
  } finally {
    await tuned.shutdown();
  }

  const client = await LspClient.start();
  try {
    const uri = await diagnosticsLatency(client, '');
    report(
      'lsp.e2e.completion.10k_lines',
      await medianMs(
        () =>
          client.request('textDocument/completion', {
            textDocument: { uri },
            position: { line: touchLine, character: 8 },
          }),
        50,
      ),
      'ms',
    );

    const million = freshUri('million');
    await client.open(million, MILLION_SLOTS);
    await client.diagnosticsFor(million);
    await client.request<SessionSnapshot>('swapsim/run', { uri: million, toLine: SETUP_LINE }, 300_000);
    report(
      'lsp.e2e.step_delta.1M_slots',
      await medianMs(async () => {
        const before = client.deltas.length;
        await client.request<StepInfo>('swapsim/step', { uri: million, direction: 'forward' });
        if (client.deltas.length === before) throw new Error('no delta pushed');
      }, 100),
      'ms',
    );
    await client.closeDocument(million);

    const terabyte = freshUri('terabyte');
    await client.open(terabyte, TERABYTE);
    await client.diagnosticsFor(terabyte);
    await client.request('swapsim/run', { uri: terabyte }, 300_000);
    report(
      'lsp.e2e.cluster_map.1TiB.1024_bins',
      await medianMs(
        () => client.request<ClusterMap>('swapsim/clusterMap', { uri: terabyte, type: 0, bins: 1024 }),
        30,
      ),
      'ms',
    );
  } finally {
    await client.shutdown();
  }
}

async function main(): Promise<void> {
  inProcess();
  sessions();
  await endToEnd();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
