// Session construction figures (issue #6): what booting a simulated machine
// and building a Session cost at RAM 4G and 64G, in time and in memory, and
// that the memory grows with the RAM a scenario touches, not with the RAM
// it configures.
import { Kernel } from '../server/sim/kernel';
import { Session } from '../server/session/session';
import { heapUsedAfterGc, report } from './harness';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** JS heap plus ArrayBuffer backing stores (typed arrays live outside the JS heap). */
function memoryInUse(): number {
  heapUsedAfterGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Median milliseconds of `runs` calls (after one warm-up call). */
function medianMs(fn: () => unknown, runs: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Bytes held per instance by what `make` returns (mean over `n` kept alive together). */
function retained(make: () => unknown, n: number): number {
  const before = memoryInUse();
  const kept: unknown[] = [];
  for (let i = 0; i < n; i++) kept.push(make());
  const after = memoryInUse();
  (globalThis as { __swapsimBenchSink?: unknown }).__swapsimBenchSink = kept;
  (globalThis as { __swapsimBenchSink?: unknown }).__swapsimBenchSink = undefined;
  return (after - before) / n;
}

/** A small scenario like the ones users write and the fuzz test runs. */
function scenario(ram: string): string {
  return [
    `config ram=${ram}`,
    'swapon /dev/vda2 size=1G -p 5',
    'mkdir -p /sys/fs/cgroup/work',
    'task t cgroup=work',
    'mmap t heap 4M populate',
    'pageout t heap pages=0..511',
    'touch t heap pages=0..255 write',
    'expect /proc/vmstat pswpout >= 512',
  ].join('\n');
}

for (const [label, bytes] of [
  ['4G', 4 * GiB],
  ['64G', 64 * GiB],
] as const) {
  // before the lazy tables a 64G machine took ~0.7 s and ~750 MiB to boot: few instances then
  const runs = 20;
  const kept = 10;
  report(
    `session.kernel_boot.${label}.time`,
    medianMs(() => new Kernel({ ramBytes: bytes }), runs),
    'ms',
  );
  report(`session.kernel_boot.${label}.memory`, retained(() => new Kernel({ ramBytes: bytes }), kept) / 1024, 'KiB');
  const text = scenario(label);
  // the constructor parses and checks; the machine boots on first use (`machine`, a step, a view)
  report(
    `session.new.${label}.time`,
    medianMs(() => new Session('bench:new', text), runs),
    'ms',
  );
  const booted = (): Session => {
    const s = new Session('bench:boot', text);
    if (s.machine.geom.ramPages * s.machine.geom.pageSize !== bytes)
      throw new Error('bench scenario boots the wrong RAM size');
    return s;
  };
  report(`session.new_and_boot.${label}.time`, medianMs(booted, runs), 'ms');
  report(`session.new_and_boot.${label}.memory`, retained(booted, kept) / 1024, 'KiB');
  report(
    `session.new_and_run.${label}.time`,
    medianMs(() => {
      const s = new Session('bench:run', text);
      s.run();
      if (s.status !== 'finished' || s.errors.length > 0)
        throw new Error(`bench scenario did not run cleanly: ${s.status} ${JSON.stringify(s.errors)}`);
    }, runs),
    'ms',
  );
}

// Memory follows the RAM in use: a 64G machine with 256 MiB populated.
{
  const touched = 256 * MiB;
  const memory = retained(() => {
    const k = new Kernel({ ramBytes: 64 * GiB });
    k.log.enabled = false;
    k.j.recording = false; // the undo history of the populate is not machine state
    k.createTask('t');
    k.mmap('t', 'a', touched / 4096, { populate: true });
    return k;
  }, 1);
  report('session.kernel_64G_256MiB_touched.memory', memory / 1024, 'KiB');
  report('session.kernel_64G_256MiB_touched.per_page', memory / (touched / 4096), 'B/page');
}
