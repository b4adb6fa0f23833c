// Scale figures (issue #15, "Scale to real workloads"): long runs of small
// steps, big bulk steps, and stepping back through both. Each figure runs in
// a child process of its own (this file again, with the figure's name), so
// that its peak RSS is its own and no figure pays for another's garbage.
import { spawnSync } from 'node:child_process';
import { Session } from '../server/session/session';
import { report } from './harness';

const MiB = 2 ** 20;

/** 65,536 one-page touches of a 64 MiB mapping in a 32 MiB memcg with zswap on (the first scenario). */
function touchLoop(steps: number): string {
  const lines = [
    'config ram=1G',
    'swapon /dev/vda size=256M',
    'echo Y > /sys/module/zswap/parameters/enabled',
    'mkdir app',
    'echo 32M > /sys/fs/cgroup/app/memory.max',
    'task t cgroup=app',
    'mmap t buf 64M',
  ];
  const pages = (64 * MiB) / 4096;
  for (let i = 0; i < steps; i++) lines.push(`touch t buf pages=${i % pages}`);
  return lines.join('\n') + '\n';
}

/** 1 GiB of zero-filled pages populated, paged out and faulted back in. */
const ZERO_1GIB = [
  'config ram=1536M',
  'swapon /dev/vda size=1200M',
  'task t',
  'mmap t z 1G content=zero populate',
  'pageout t z',
  'touch t z',
].join('\n');

/** 16 GiB of compressible pages populated and paged out to a 16 GiB device. */
const PAGEOUT_16GIB = [
  'config ram=64G',
  'swapon /dev/vda size=16G',
  'task t',
  'mmap t a 16G populate',
  'pageout t a',
].join('\n');

const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;
const rssMiB = (): number => process.memoryUsage().rss / MiB;
const now = (): number => performance.now();
/** This process's CPU time in ms (user + system): on a shared machine, wall time includes other processes' turns. */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function mustBeClean(s: Session, what: string): void {
  if (s.status !== 'finished' || s.errors.length > 0 || s.violations.length > 0) {
    throw new Error(
      `${what}: ${s.status}, errors ${JSON.stringify(s.errors.slice(0, 3))}, violations ${JSON.stringify(s.violations.slice(0, 3))}`,
    );
  }
}

/** Run a session to its end in chunks of `chunk` steps; the milliseconds of each chunk. */
function runChunks(s: Session, chunk: number): number[] {
  const times: number[] = [];
  while (s.step.index < s.step.total) {
    const t0 = now();
    s.stepForward(chunk);
    times.push(now() - t0);
  }
  return times;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

const FIGURES: Record<string, () => void> = {
  touch_loop_64k(): void {
    const steps = 65_536;
    const t0 = now();
    const c0 = cpuMs();
    const s = new Session('bench:touch', touchLoop(steps));
    const parse = now() - t0;
    // 1% of the steps per chunk: the first and last ten chunks are the first and last 10%
    const times = runChunks(s, Math.ceil((s.step.total - 7) / 100) || 1);
    mustBeClean(s, 'touch_loop_64k');
    const run = sum(times);
    const cpu = cpuMs() - c0;
    report('scale.touch_loop_64k.parse', parse, 'ms');
    report('scale.touch_loop_64k.run', run / 1000, 's');
    report('scale.touch_loop_64k.total', (parse + run) / 1000, 's');
    report('scale.touch_loop_64k.total_cpu', cpu / 1000, 's');
    report('scale.touch_loop_64k.last10_over_first10', sum(times.slice(-10)) / sum(times.slice(1, 11)), 'ratio');
    // The first 10% are faults on fresh pages (the 32 MiB memcg is not full yet); from the second pass over
    // the 64 MiB mapping (25%) on, every step is a swap-in with reclaim. The last 10% against the steps at
    // 30-40%, the same work earlier in the run, says whether a step's cost grows with the run's length.
    report('scale.touch_loop_64k.last10_over_30to40', sum(times.slice(-10)) / sum(times.slice(31, 41)), 'ratio');
    report('scale.touch_loop_64k.zswpout', s.machine.vmstat.events.zswpout, 'pages');
    report('scale.touch_loop_64k.peak_rss', peakRssMiB(), 'MiB');
  },

  zero_1GiB(): void {
    const s = new Session('bench:zero', ZERO_1GIB);
    const t0 = now();
    const c0 = cpuMs();
    s.run();
    const forward = now() - t0;
    const forwardCpu = cpuMs() - c0;
    mustBeClean(s, 'zero_1GiB');
    if (s.machine.vmstat.events.swpout_zero !== 262_144 || s.machine.vmstat.events.swpin_zero !== 262_144)
      throw new Error('zero_1GiB did not swap every page out and in as zero pages');
    const forwardPeak = peakRssMiB();
    report('scale.zero_1GiB.wall', forward, 'ms');
    report('scale.zero_1GiB.cpu', forwardCpu, 'ms');
    report('scale.zero_1GiB.peak_rss', forwardPeak, 'MiB');
    report('scale.zero_1GiB.undo', s.undoStats().bytes / MiB, 'MiB');
    const b0 = now();
    let backPeak = 0;
    while (s.step.index > 0) {
      s.stepBack(1);
      backPeak = Math.max(backPeak, rssMiB());
    }
    const back = now() - b0;
    report('scale.zero_1GiB.back.wall', back, 'ms');
    report('scale.zero_1GiB.back.over_forward', back / forward, 'ratio');
    report('scale.zero_1GiB.back.peak_rss', backPeak, 'MiB');
    report('scale.zero_1GiB.back.peak_over_forward_peak', peakRssMiB() / forwardPeak, 'ratio');
  },

  pageout_16GiB(): void {
    const s = new Session('bench:16g', PAGEOUT_16GIB);
    const c0 = cpuMs();
    const t0 = now();
    s.stepForward(3);
    const setup = now() - t0;
    const t1 = now();
    s.run();
    const pageout = now() - t1;
    const cpu = cpuMs() - c0;
    mustBeClean(s, 'pageout_16GiB');
    // slot 0 of the 16 GiB device holds the swap header: every page but one goes out
    if (s.machine.vmstat.events.pswpout !== 4 * 2 ** 20 - 1)
      throw new Error(`pageout_16GiB wrote ${s.machine.vmstat.events.pswpout} pages, not 4 Mi - 1`);
    report('scale.pageout_16GiB.populate', setup / 1000, 's');
    report('scale.pageout_16GiB.pageout', pageout / 1000, 's');
    report('scale.pageout_16GiB.wall', (setup + pageout) / 1000, 's');
    report('scale.pageout_16GiB.cpu', cpu / 1000, 's');
    report('scale.pageout_16GiB.peak_rss', peakRssMiB(), 'MiB');
  },

  history_100k(): void {
    const steps = 100_000;
    const s = new Session('bench:history', touchLoop(steps));
    const setup = s.step.total - steps;
    s.stepForward(setup);
    const before = s.undoStats().bytes;
    const t0 = now();
    const c0 = cpuMs();
    for (let i = 0; i < steps; i++) s.stepForward(1);
    const forward = now() - t0;
    const forwardCpu = cpuMs() - c0;
    mustBeClean(s, 'history_100k');
    const stats = s.undoStats();
    const t1 = now();
    const c1 = cpuMs();
    for (let i = 0; i < steps; i++) s.stepBack(1);
    const back = now() - t1;
    const backCpu = cpuMs() - c1;
    if (s.step.index !== setup) throw new Error(`history_100k stepped back to ${s.step.index}, not ${setup}`);
    report('scale.history_100k.forward', forward / 1000, 's');
    report('scale.history_100k.back', back / 1000, 's');
    report('scale.history_100k.back_over_forward', back / forward, 'ratio');
    // on a shared machine wall time includes other processes' turns: CPU time is this process's own
    report('scale.history_100k.forward_cpu', forwardCpu / 1000, 's');
    report('scale.history_100k.back_cpu', backCpu / 1000, 's');
    report('scale.history_100k.back_over_forward_cpu', backCpu / forwardCpu, 'ratio');
    report('scale.history_100k.undo_per_step', (stats.bytes - before) / steps, 'B/step');
    report('scale.history_100k.checkpoints', stats.checkpoints, 'checkpoints');
    report('scale.history_100k.peak_rss', peakRssMiB(), 'MiB');
  },
};

const only = process.argv[2];
if (only !== undefined) {
  const figure = FIGURES[only];
  if (!figure) throw new Error(`no scale figure ${only}`);
  figure();
} else {
  // one child per figure: its own heap and its own peak RSS
  for (const name of Object.keys(FIGURES)) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, name], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (child.status !== 0) throw new Error(`scale figure ${name} failed (${child.status ?? child.signal})`);
  }
}
