// Compare Designs in the editor and `swapsim compare` on the command line
// give the same figures for the same step (issue #22): at the end, and at
// the session's current step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CompareResult, SessionSnapshot } from '../../shared/protocol';
import { ROOT, swapsim } from '../cli/helpers';
import { LspClient, freshUri } from './client';

let client: LspClient;
before(async () => {
  client = await LspClient.start({ settings: {} });
});
after(async () => {
  await client.shutdown();
});

const EXAMPLE = path.join('examples', 'design-compare.swapsim');
const DESIGNS = ['legacy', 'p4', 'ghost', 'vswap'];

function cli(step?: number): CompareResult {
  const r = swapsim(
    'compare',
    EXAMPLE,
    '--designs',
    DESIGNS.join(','),
    '--format',
    'json',
    ...(step === undefined ? [] : ['--step', String(step)]),
  );
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as CompareResult;
}

test('at the end of the run and at the current step, the editor and the CLI agree', async () => {
  const uri = freshUri('compare');
  await client.open(uri, readFileSync(path.join(ROOT, EXAMPLE), 'utf8'));
  await client.diagnosticsFor(uri);
  const total = (await client.request<SessionSnapshot>('swapsim/snapshot', { uri })).step.total;
  const atEnd = await client.request<CompareResult>('swapsim/compare', { uri, designs: DESIGNS, step: total }, 60_000);
  assert.deepEqual(atEnd, cli());
  assert.ok(atEnd.divergence !== null, 'the virtual designs part from p4');
  await client.request('swapsim/step', { uri, direction: 'forward', count: 8 });
  const atCurrent = await client.request<CompareResult>('swapsim/compare', { uri, designs: DESIGNS }, 60_000);
  assert.equal(atCurrent.step, 8);
  assert.deepEqual(atCurrent, cli(8));
  assert.notDeepEqual(atCurrent.behaviour, atEnd.behaviour);
});
