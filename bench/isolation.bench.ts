// Stepping while something long runs elsewhere (issue #22): one document is
// stepped forward and back over the real server while (a) nothing else
// runs, (b) the Testing view runs a long scenario (`swapsim/test`, on the
// server's test worker), (c) another document runs a long scenario
// interactively (`swapsim/run`, in slices on the server's main thread).
// The target is ≤ 50 ms for a step in all three. Also: how long a read of
// the running document (`swapsim/events`) waits during its own run.
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { LspClient, freshUri } from '../test/lsp/client';
import { report } from './harness';

const SAMPLES = 60;

const SHORT = [
  'swapon /dev/vda2 size=64M',
  'task t',
  'mmap t heap 1M populate',
  'pageout t heap',
  'touch t heap pages=0..3',
].join('\n');

/** 4 + 2·1000·450 steps: far longer than the sampling takes; it is cancelled once the samples are in. */
const LONG = [
  'config check_invariants=no',
  'swapon /dev/vda2 size=64M',
  'task t',
  'mmap t heap 1M populate',
  'repeat 1000 {',
  '  repeat 450 {',
  '    pageout t heap pages=0..0',
  '    touch t heap pages=0..0',
  '  }',
  '}',
].join('\n');

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function open(client: LspClient, name: string, text: string): Promise<string> {
  const uri = freshUri(name);
  await client.open(uri, text);
  await client.diagnosticsFor(uri);
  await client.request('swapsim/snapshot', { uri });
  return uri;
}

/** Round trips of single steps on `uri`, forward then back, `SAMPLES` in all; `stillRunning` must hold after each. */
async function stepSamples(client: LspClient, uri: string, stillRunning: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await client.request('swapsim/step', { uri, direction: i % 2 === 0 ? 'forward' : 'back' });
    samples.push(performance.now() - started);
    if (!stillRunning()) throw new Error('the long work ended before the samples were taken: make it longer');
  }
  return samples;
}

function figures(name: string, samples: readonly number[]): void {
  report(`${name}.median`, percentile(samples, 0.5), 'ms');
  report(`${name}.p95`, percentile(samples, 0.95), 'ms');
  report(`${name}.max`, Math.max(...samples), 'ms');
}

async function main(): Promise<void> {
  const client = await LspClient.start({ workDoneProgress: true, settings: {} });
  try {
    const a = await open(client, 'stepped', SHORT);
    // Warm up the paths measured below.
    await stepSamples(client, a, () => true);
    figures('lsp.e2e.step.idle', await stepSamples(client, a, () => true));

    // (b) The Testing view's run of a long file.
    {
      const source = new CancellationTokenSource();
      let settled = false;
      const run = client.connection.sendRequest(
        'swapsim/test',
        { uri: freshUri('long-test'), text: LONG, workDoneToken: 'bench-test' },
        source.token,
      );
      void run.then(
        () => (settled = true),
        () => (settled = true),
      );
      await client.waitFor(
        'the test run under way',
        () => client.progress.some((p) => p.token === 'bench-test' && p.value.kind === 'report'),
        60_000,
      );
      figures('lsp.e2e.step.during_test_run', await stepSamples(client, a, () => !settled));
      source.cancel();
      await run.catch(() => undefined);
    }

    // (c) A long interactive run of another document.
    {
      const b = await open(client, 'long-run', LONG);
      const source = new CancellationTokenSource();
      let settled = false;
      const run = client.connection.sendRequest('swapsim/run', { uri: b }, source.token);
      void run.then(
        () => (settled = true),
        () => (settled = true),
      );
      await client.waitFor(
        'the run under way',
        () => client.deltas.some((d) => d.uri === b && d.step.index > 1000),
        60_000,
      );
      figures('lsp.e2e.step.during_long_run_elsewhere', await stepSamples(client, a, () => !settled));
      // A view of the running document reads between two slices.
      const reads: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        await client.request('swapsim/events', { uri: b, start: 0, count: 200, fromEnd: true });
        reads.push(performance.now() - started);
      }
      if (settled) throw new Error('the run ended before the reads were taken');
      figures('lsp.e2e.events_read.during_own_run', reads);
      source.cancel();
      await run.catch(() => undefined);
    }
  } finally {
    await client.shutdown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
