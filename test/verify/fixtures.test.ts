import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checkFixture,
  findFixtures,
  fixturePath,
  readFixture,
  recordFixture,
  type Fixture,
} from '../../server/verify/fixtures';
import { summaryLines } from '../../server/verify/fixture_marks';
import { buildReport } from '../../server/verify/run';
import { translate } from '../../server/verify/translate';
import { parseGuestOutput } from '../../server/verify/kernel_values';
import type { KernelImage } from '../../server/verify/kernels';
import { repoRoot } from '../cli/helpers';

const P72 = { design: 'p4', kernel: '7.2' } as const;

const ROOT = repoRoot();
const FIXTURE_DIRS = [path.join(ROOT, 'examples'), path.join(ROOT, 'test', 'verify', 'scenarios')];
const SCENARIO_DIRS = FIXTURE_DIRS;
/** Kernel series every scenario has a recorded fixture for. */
const RECORDED_SERIES = ['7.2', '6.12'];

test('the simulator lies within the recorded kernel spread of every fixture, or the difference is marked with a reason', () => {
  const files = findFixtures(FIXTURE_DIRS);
  const checks = files.map((f) => checkFixture(f));
  const failures = checks.flatMap((c) => c.failures.map((x) => `${path.relative(ROOT, c.fixture)}: ${x}`));
  for (const line of summaryLines(checks)) console.log(line);
  assert.deepEqual(
    failures,
    [],
    `differences between the simulator and recorded kernels that no fixture marks as known:\n${failures.join('\n')}`,
  );
});

test('every example and suite scenario has a fixture recorded on 7.2 and 6.12', () => {
  const missing: string[] = [];
  for (const dir of SCENARIO_DIRS) {
    for (const file of findScenarios(dir)) {
      for (const series of RECORDED_SERIES)
        if (!findFixtures([path.dirname(file)]).includes(fixturePath(file, series)))
          missing.push(path.relative(ROOT, fixturePath(file, series)));
    }
  }
  assert.deepEqual(missing, []);
});

function findScenarios(dir: string): string[] {
  return readdirSync(dir)
    .filter((n: string) => n.endsWith('.swapsim'))
    .map((n: string) => path.join(dir, n));
}

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

/** A fixture whose kernel values are the simulator's own (two identical runs), for a scenario in a temp folder. */
function syntheticFixture(): { scenario: string; fixture: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'swapsim-fixture-'));
  const scenario = path.join(dir, 'basic.swapsim');
  copyFileSync(path.join(ROOT, 'examples', 'basic.swapsim'), scenario);
  const plan = translate(readFileSync(scenario, 'utf8'), P72, scenario);
  // a guest output that reads back exactly the simulator's values
  const lines = ['@started'];
  for (const o of plan.observables) {
    if (o.read?.kind === 'result') lines.push(`S ${o.step}`, `E ${o.step} ${String(o.simulator)}`);
  }
  lines.push('@done');
  const report = buildReport(
    { file: scenario, text: '' },
    plan,
    { kernel: KERNEL, accel: 'tcg' },
    [parseGuestOutput(lines.join('\n') + '\n')],
    { wallMs: [1], bootMs: [1] },
  );
  const fixture = recordFixture(scenario, report);
  // results only: drop the file observables the synthetic output did not carry
  const f = readFixture(fixture);
  const results = f.observables.filter((o) => o.kind === 'result');
  writeFileSync(
    fixture,
    JSON.stringify({ ...f, observables: results.map((o) => ({ ...o, kernel: [o.kernel[0]!, o.kernel[0]!] })) }),
  );
  return { scenario, fixture };
}

function edit(file: string, change: (f: Fixture) => Fixture): void {
  writeFileSync(file, JSON.stringify(change(readFixture(file))));
}

test('the fixture check fails when a recorded value changes, unless the line is marked as a known difference', () => {
  const { fixture } = syntheticFixture();
  // the file observables are missing from this synthetic fixture: only those complaints
  const base = checkFixture(fixture);
  assert.ok(
    base.failures.every((x) => /not in the fixture/.test(x)),
    base.failures.join('\n'),
  );
  const before = base.failures.length;
  edit(fixture, (f) => ({
    ...f,
    observables: f.observables.map((o) => (o.key === 's1 result' ? { ...o, kernel: ['EBUSY', 'EBUSY'] } : o)),
  }));
  const changed = checkFixture(fixture);
  assert.equal(changed.failures.length, before + 1);
  assert.match(
    changed.failures.find((x) => !/not in the fixture/.test(x)) ?? '',
    /basic\.swapsim:4 \(step 1\) result of swapon \/dev\/vda2 size=64M -p 5: kernel EBUSY, simulator ok/,
  );
  edit(fixture, (f) => ({
    ...f,
    observables: f.observables.map((o) => (o.key === 's1 result' ? { ...o, known: 'test: the kernel refuses' } : o)),
  }));
  const marked = checkFixture(fixture);
  assert.equal(marked.failures.length, before);
  assert.equal(marked.known.length, 1);
  // a mark on a line that agrees is itself a failure: the list of differences stays honest
  edit(fixture, (f) => ({
    ...f,
    observables: f.observables.map((o) => (o.key === 's1 result' ? { ...o, kernel: ['ok', 'ok'] } : o)),
  }));
  assert.ok(
    checkFixture(fixture).failures.some((x) =>
      /marked as a known difference .* but now within the kernel's spread/.test(x),
    ),
  );
});

test('a scenario whose statements changed after recording makes its fixture stale; a comment does not', () => {
  const { scenario, fixture } = syntheticFixture();
  const recorded = readFileSync(scenario, 'utf8');
  writeFileSync(scenario, '# a comment added after recording\n' + recorded);
  assert.doesNotMatch(checkFixture(fixture).failures.join('\n'), /changed since it was recorded/);
  writeFileSync(scenario, recorded + '\nexpect /proc/vmstat pswpin >= 0\n');
  assert.match(checkFixture(fixture).failures.join('\n'), /changed since it was recorded/);
});
