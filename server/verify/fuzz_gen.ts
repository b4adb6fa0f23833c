/**
 * Random scenarios for `swapsim verify --fuzz`, built only from constructs
 * that translate to a real kernel: swap devices with priorities, zswap
 * settings, cgroups with limits, a task's mappings with content kinds and
 * folio sizes, pageout, touch, munmap, fork/exit, memory.reclaim, swapoff,
 * and expects that read the observables between steps. Every scenario is
 * checked; a line the checker rejects (an error it can predict, such as a
 * swapoff of an inactive device) is dropped, so what comes out always runs.
 */
import { parseAndCheck } from '../lang';
import { rng } from '../prng';

type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const between = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const chance = (r: Rand, p: number): boolean => r() < p;

const CONTENTS = [
  'compressible',
  'compressible:0.5',
  'compressible:0.2',
  'incompressible',
  'zero',
  'mix(zero=25%, compressible:0.4=50%, incompressible=25%)',
  'mix(zero=50%, incompressible=50%)',
] as const;
const COMPRESSORS = ['lzo', 'lz4', 'zstd'] as const;
/** Observables an expect reads between steps (each `>= 0`: the verdict compares values, not the expect). */
const GLOBAL_OBSERVABLES = [
  '/proc/vmstat pswpout',
  '/proc/vmstat pswpin',
  '/proc/vmstat zswpout',
  '/proc/vmstat zswpwb',
  '/proc/vmstat swpout_zero',
  '/proc/meminfo SwapCached',
  '/proc/meminfo Zswap',
  '/proc/meminfo Zswapped',
  '/sys/kernel/debug/zswap/stored_pages',
  '/sys/kernel/debug/zswap/pool_limit_hit',
  '/sys/kernel/debug/zswap/written_back_pages',
] as const;
const CGROUP_OBSERVABLES = [
  'memory.current',
  'memory.swap.current',
  'memory.zswap.current',
  'memory.events max',
  'memory.events high',
  'memory.events oom_kill',
  'memory.swap.events fail',
  'memory.stat zswpout',
  'memory.stat pgmajfault',
] as const;

interface Device {
  path: string;
  on: boolean;
}

interface Region {
  name: string;
  pages: number;
  order: number;
}

/** A scenario's text from `seed` and its index in the run. */
export function generateScenario(seed: number, index: number): string {
  const r = rng(((seed >>> 0) * 0x9e3779b1 + index * 0x85ebca6b) >>> 0);
  const lines: string[] = [`# swapsim verify --fuzz: seed ${seed}, scenario ${index}`, `config ram=256M cpus=2`];
  const zswap = chance(r, 0.5);
  lines.push(`echo ${zswap ? 'Y' : 'N'} > /sys/module/zswap/parameters/enabled`);
  if (zswap) {
    if (chance(r, 0.4)) lines.push(`echo ${pick(r, COMPRESSORS)} > /sys/module/zswap/parameters/compressor`);
    if (chance(r, 0.3)) lines.push(`echo ${between(r, 1, 10)} > /sys/module/zswap/parameters/max_pool_percent`);
    if (chance(r, 0.3))
      lines.push(`echo ${chance(r, 0.5) ? 'Y' : 'N'} > /sys/module/zswap/parameters/shrinker_enabled`);
  }
  if (chance(r, 0.2)) lines.push(`sysctl vm.swappiness=${pick(r, [0, 10, 100, 200])}`);
  if (chance(r, 0.2)) lines.push(`sysctl vm.page-cluster=${between(r, 0, 4)}`);

  const devices: Device[] = [];
  const nDev = between(r, 1, 3);
  for (let i = 0; i < nDev; i++) {
    const path = `/dev/vd${String.fromCharCode(98 + i)}`;
    devices.push({ path, on: true });
    const prio = chance(r, 0.5) ? ` -p ${pick(r, [0, 1, 5, 10])}` : '';
    lines.push(`swapon ${path} size=${pick(r, [8, 16, 32, 64])}M${chance(r, 0.25) ? ' rotational' : ''}${prio}`);
  }

  const cgroup = chance(r, 0.7) ? 'app' : null;
  if (cgroup) {
    lines.push(`mkdir ${cgroup}`);
    if (chance(r, 0.5)) lines.push(`echo ${pick(r, [2, 4, 8, 16])}M > /sys/fs/cgroup/${cgroup}/memory.max`);
    if (chance(r, 0.2)) lines.push(`echo ${pick(r, [2, 4, 8])}M > /sys/fs/cgroup/${cgroup}/memory.high`);
    if (chance(r, 0.25))
      lines.push(`echo ${pick(r, ['0', '1M', '4M', '16M'])} > /sys/fs/cgroup/${cgroup}/memory.swap.max`);
    if (zswap && chance(r, 0.25))
      lines.push(`echo ${pick(r, ['0', '64K', '1M', '4M'])} > /sys/fs/cgroup/${cgroup}/memory.zswap.max`);
    if (zswap && chance(r, 0.2)) lines.push(`echo 0 > /sys/fs/cgroup/${cgroup}/memory.zswap.writeback`);
  }
  lines.push(`task t${cgroup ? ` cgroup=${cgroup}` : ''}${chance(r, 0.3) ? ' cpu=1' : ''}`);

  const regions: Region[] = [];
  const nRegions = between(r, 1, 3);
  for (let i = 0; i < nRegions; i++) {
    const order = chance(r, 0.25) ? pick(r, [2, 4, 9]) : 0;
    const mib = pick(r, order === 9 ? [2, 4, 8] : [1, 2, 4, 8]);
    const region = { name: `r${i}`, pages: mib * 256, order };
    regions.push(region);
    lines.push(
      `mmap t ${region.name} ${mib}M${order ? ` order=${order}` : ''} content=${pick(r, CONTENTS)}${chance(r, 0.8) ? ' populate' : ''}`,
    );
  }

  const range = (reg: Region): string => {
    if (chance(r, 0.5)) return '';
    const unit = Math.max(16, 1 << reg.order);
    const first = between(r, 0, reg.pages / unit - 1) * unit;
    const last = Math.min(reg.pages - 1, first + between(r, 1, 8) * unit - 1);
    return ` pages=${first}..${last}`;
  };
  let children = 0;
  const nOps = between(r, 3, 9);
  for (let i = 0; i < nOps; i++) {
    const reg = pick(r, regions);
    const what = r();
    if (what < 0.3) lines.push(`pageout t ${reg.name}${range(reg)}`);
    else if (what < 0.5) lines.push(`touch t ${reg.name}${range(reg)}${chance(r, 0.5) ? ' write' : ''}`);
    else if (what < 0.6 && cgroup)
      lines.push(`reclaim ${cgroup} ${pick(r, ['512K', '1M', '4M'])}${chance(r, 0.6) ? ' swappiness=200' : ''}`);
    else if (what < 0.65)
      lines.push(`munmap t ${reg.name}${range(reg) || ` pages=0..${Math.max(16, 1 << reg.order) - 1}`}`);
    else if (what < 0.72) {
      const child = `c${children++}`;
      lines.push(`fork t ${child}`);
      if (chance(r, 0.5)) lines.push(`touch ${child} ${reg.name}${range(reg)} write`);
      lines.push(`exit ${child}`);
    } else if (what < 0.77 && devices.some((d) => d.on)) {
      const d = pick(
        r,
        devices.filter((x) => x.on),
      );
      d.on = false;
      lines.push(`swapoff ${d.path}`);
    } else lines.push(expectLine(r, cgroup, devices));
  }
  lines.push(expectLine(r, cgroup, devices));
  return cleanScenario(lines).join('\n') + '\n';
}

function expectLine(r: Rand, cgroup: string | null, devices: readonly Device[]): string {
  const which = r();
  if (cgroup && which < 0.45) return `expect /sys/fs/cgroup/${cgroup}/${pick(r, CGROUP_OBSERVABLES)} >= 0`;
  if (which < 0.6) return `expect /proc/swaps ${pick(r, devices).path} Used >= 0`;
  if (which < 0.65) return 'expect task t state == alive';
  return `expect ${pick(r, GLOBAL_OBSERVABLES)} >= 0`;
}

/**
 * Drop the lines the checker rejects, one at a time from the first, until
 * the scenario checks; a line whose removal leaves another error behind
 * (a task's later steps after its mapping was refused) goes the same way.
 */
export function cleanScenario(lines: readonly string[]): string[] {
  let out = [...lines];
  for (let guard = 0; guard < lines.length; guard++) {
    const front = parseAndCheck(out.join('\n') + '\n');
    const first = front.diagnostics.find((d) => d.severity === 'error');
    if (!first) return out;
    const line = first.range.start.line;
    if (line < 2) throw new Error(`fuzz scenario header does not check: ${first.message}`);
    out = out.filter((_, i) => i !== line);
  }
  return out;
}
