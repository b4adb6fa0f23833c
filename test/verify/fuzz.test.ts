/**
 * `swapsim verify --fuzz` without a VM (issue #17): the generator writes
 * scenarios that check, the campaign records every kernel result and finds
 * the first divergence, and the shrinker reduces a divergent scenario to the
 * statements that still diverge. The kernel is a stand-in runner that reads
 * back the simulator's own values except where the test makes it disagree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VerifyObservable, VerifyValue } from '../../shared/protocol';
import { parseAndCheck } from '../../server/lang';
import { verdictOf } from '../../server/verify/compare';
import { fixturePath } from '../../server/verify/fixtures';
import { fuzz, signatureOf, statementCount, type KernelRunner } from '../../server/verify/fuzz';
import { generateScenario } from '../../server/verify/fuzz_gen';
import type { KernelImage } from '../../server/verify/kernels';
import { buildReport } from '../../server/verify/run';
import { translate } from '../../server/verify/translate';

const KERNEL: KernelImage = {
  series: '7.2',
  release: '7.2.13+deb14-amd64',
  vmlinuz: '/none',
  modulesRoot: null,
  modulesDir: null,
  config: null,
  configHash: 'test',
  source: 'debian',
};
const P72 = { design: 'p4', kernel: '7.2' } as const;

/** A kernel that agrees with the simulator on everything except the observables `disagree` picks (it answers EIO there). */
function standInKernel(disagree: (o: VerifyObservable) => boolean, boots: { count: number }): KernelRunner {
  return async (inputs, runs) =>
    inputs.map((input) => {
      boots.count += runs;
      const plan = translate(input.text, P72, input.file);
      const base = buildReport(input, plan, { kernel: KERNEL, accel: 'tcg' }, [], { wallMs: [], bootMs: [] });
      const readable = new Set(plan.observables.filter((p) => p.read !== null).map((p) => p.key));
      const observables = base.observables.map((o) => {
        const sim = o.simulator;
        if (!readable.has(o.key) || sim === null) return o;
        const kernel: VerifyValue[] = Array.from({ length: runs }, () => (disagree(o) ? 'EIO' : sim));
        return { ...o, kernel, verdict: verdictOf(o.simulator, kernel) };
      });
      return {
        ...base,
        runs,
        runWallMs: Array<number>(runs).fill(1),
        bootMs: Array<number>(runs).fill(1),
        observables,
      };
    });
}

test('generated scenarios check, differ by index and repeat for the same seed', () => {
  const texts = Array.from({ length: 30 }, (_, i) => generateScenario(7, i));
  for (const t of texts)
    assert.deepEqual(
      parseAndCheck(t).diagnostics.filter((d) => d.severity === 'error'),
      [],
      t,
    );
  assert.equal(new Set(texts).size, texts.length);
  assert.equal(generateScenario(7, 3), texts[3]);
  assert.notEqual(generateScenario(8, 3), texts[3]);
});

test('a campaign records every scenario, finds the divergence and shrinks it to the swapon that diverges', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swapsim-fuzz-'));
  const boots = { count: 0 };
  const runner = standInKernel((o) => signatureOf(o) === 'result of swapon', boots);
  const options = {
    count: 4,
    seed: 11,
    series: '7.2',
    dir,
    jobs: 2,
    batch: 1,
    confirmRuns: 2,
    shrinkBoots: 40,
    saveDir: null,
    progress: (): void => {},
  };
  const r = await fuzz(options, runner);
  assert.equal(r.scenarios, 4);
  assert.equal(r.verified, 4);
  assert.deepEqual(r.failed, []);
  assert.equal(r.divergences.length, 4, 'every scenario swaps on, so every one diverges');
  assert.ok(r.divergences.every((d) => d.signature === 'result of swapon'));
  const shrunk = r.shrunk.get('result of swapon');
  assert.ok(shrunk?.file, JSON.stringify(shrunk));
  const minimal = readFileSync(shrunk.file, 'utf8');
  // the config line and one swapon are all a swapon's result needs
  assert.equal(statementCount(minimal), 2, minimal);
  assert.match(minimal, /^swapon \/dev\/vd[b-d] /m);
  assert.ok(existsSync(fixturePath(shrunk.file, '7.2')), 'the shrunk scenario keeps its fixture');

  // a second campaign with the same seed runs nothing again
  const before = boots.count;
  const again = await fuzz(options, runner);
  assert.equal(boots.count, before);
  assert.equal(again.divergences.length, 4);
  assert.equal(again.shrunk.get('result of swapon')?.note, 'shrunk earlier');
});

test('a kernel that agrees everywhere gives no divergence and boots each scenario once', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swapsim-fuzz-'));
  const boots = { count: 0 };
  const r = await fuzz(
    {
      count: 3,
      seed: 5,
      series: '7.2',
      dir,
      jobs: 1,
      batch: 1,
      confirmRuns: 2,
      shrinkBoots: 10,
      saveDir: null,
      progress: () => {},
    },
    standInKernel(() => false, boots),
  );
  assert.deepEqual([r.verified, r.divergences.length, boots.count], [3, 0, 3]);
});
