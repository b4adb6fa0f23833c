/**
 * Random operations with the invariant checker after every one, and random
 * undo/redo checked against state fingerprints (seeded, so failures
 * reproduce: the seed and op index are in the message).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel } from '../../server/sim/kernel';
import { checkInvariants } from '../../server/sim/invariants';
import { KernelError } from '../../server/sim/errno';
import { fingerprint, fingerprintParts } from '../../server/sim/snapshot';
import type { ContentSpec } from '../../server/sim/content';
import type { DesignProfile } from '../../server/sim/designs/profiles';

const MiB = 2 ** 20;

/** mulberry32 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CONTENTS: ContentSpec[] = [
  [{ content: { kind: 'zero' }, percent: 100 }],
  [{ content: { kind: 'incompressible' }, percent: 100 }],
  [{ content: { kind: 'compressible', ratio: 0.3 }, percent: 100 }],
  [
    { content: { kind: 'zero' }, percent: 30 },
    { content: { kind: 'compressible', ratio: 0.5 }, percent: 40 },
    { content: { kind: 'incompressible' }, percent: 30 },
  ],
];

type Op = { name: string; run: (k: Kernel) => void };

function makeOp(r: () => number, k: Kernel, design: DesignProfile): Op {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const tasks = [...k.mm.tasks.values()].filter((t) => t.state === 'alive').map((t) => t.name);
  const cgroups = [...k.memcgs.byPath.keys()];
  const devs = k.swap.devices.map((d) => d.path);
  const anyTask = tasks.length ? pick(tasks) : 'nobody';
  const regions = tasks.length ? [...(k.mm.tasks.get(anyTask)?.vmas.keys() ?? [])] : [];
  const region = regions.length ? pick(regions) : 'r0';
  const vma = k.mm.tasks.get(anyTask)?.vmas.get(region);
  const n = vma?.nrPages ?? 1;
  const from = int(0, Math.max(0, n - 1));
  const to = int(from + 1, n);
  const roll = r();
  if (roll < 0.05) {
    const kind = pick(['partition', 'partition', 'file', 'zram'] as const);
    const ghost = design === 'ghost' && r() < 0.2;
    const path = ghost ? '/dev/ghostswap' : `/dev/sw${int(0, 4)}`;
    const size = int(2, 24) * 128 * 4096;
    const prio = r() < 0.5 ? undefined : int(-1, 3);
    const rotational = r() < 0.3;
    const discard = r() < 0.2 ? pick(['pages', 'once', 'both'] as const) : undefined;
    return { name: `swapon ${path}`, run: (kk) => void kk.swaponDevice({ path, kind: ghost ? 'ghost' : kind, sizeBytes: size, prio, rotational, discard }) };
  }
  if (roll < 0.08 && devs.length) {
    const path = pick(devs);
    const sig = r() < 0.3 ? int(0, 20) : undefined;
    return { name: `swapoff ${path}`, run: (kk) => kk.swapoffDevice(path, { signalAfterPages: sig }) };
  }
  if (roll < 0.11) {
    const parent = pick(cgroups);
    const path = (parent ? parent + '/' : '') + `g${int(0, 3)}`;
    return { name: `mkdir ${path}`, run: (kk) => void kk.mkdir(path) };
  }
  if (roll < 0.13 && cgroups.length > 1) {
    const path = pick(cgroups.filter((c) => c !== ''));
    return { name: `rmdir ${path}`, run: (kk) => void kk.rmdir(path) };
  }
  if (roll < 0.18 || tasks.length === 0) {
    const name = `t${k.mm.tasks.size}`;
    const cg = pick(cgroups);
    const cpu = int(0, 1);
    return { name: `task ${name}`, run: (kk) => void kk.createTask(name, cg, cpu) };
  }
  if (roll < 0.2) {
    const cg = pick(cgroups);
    return { name: `move ${anyTask}`, run: (kk) => kk.moveTask(anyTask, cg) };
  }
  if (roll < 0.3) {
    const name = `r${int(0, 3)}`;
    const pages = int(1, 96);
    const order = pick([0, 0, 0, 2, 4, 9]);
    const content = pick(CONTENTS);
    const populate = r() < 0.8;
    return { name: `mmap ${anyTask} ${name}`, run: (kk) => void kk.mmap(anyTask, name, pages, { order, content, populate }) };
  }
  if (roll < 0.45) {
    const write = r() < 0.4;
    return { name: `touch ${anyTask} ${region} ${from}..${to}`, run: (kk) => kk.touch(anyTask, region, from, to, write) };
  }
  if (roll < 0.62) return { name: `pageout ${anyTask} ${region} ${from}..${to}`, run: (kk) => void kk.pageout(anyTask, region, from, to) };
  if (roll < 0.66) {
    const a = r() < 0.5 ? undefined : from;
    const b = r() < 0.5 ? undefined : to;
    return { name: `munmap ${anyTask} ${region}`, run: (kk) => kk.munmap(anyTask, region, a, b) };
  }
  if (roll < 0.71) {
    const child = `t${k.mm.tasks.size}`;
    return { name: `fork ${anyTask} ${child}`, run: (kk) => void kk.fork(anyTask, child) };
  }
  if (roll < 0.74) return { name: `exit ${anyTask}`, run: (kk) => kk.exit(anyTask) };
  if (roll < 0.8 && cgroups.length > 1) {
    const cg = pick(cgroups.filter((c) => c !== ''));
    const file = pick(['memory.max', 'memory.swap.max', 'memory.high', 'memory.swap.high'] as const);
    const pages = r() < 0.3 ? Kernel.MAX : int(0, 600);
    return { name: `limit ${cg} ${file}=${pages}`, run: (kk) => kk.setLimit(cg, file, pages) };
  }
  if (roll < 0.84) {
    const cg = pick(cgroups);
    const pages = int(1, 200);
    return { name: `reclaim ${cg} ${pages}`, run: (kk) => void kk.proactiveReclaim(cg, pages) };
  }
  if (roll < 0.88) {
    const on = r() < 0.7;
    return { name: `zswap enabled=${on}`, run: (kk) => kk.setZswapParam('enabled', on) };
  }
  if (roll < 0.9) {
    const pct = int(0, 30);
    return { name: `zswap max_pool_percent=${pct}`, run: (kk) => kk.setZswapParam('max_pool_percent', pct) };
  }
  if (roll < 0.93 && cgroups.length > 1) {
    const cg = pick(cgroups.filter((c) => c !== ''));
    const on = r() < 0.5;
    return { name: `zswap.writeback ${cg}=${on}`, run: (kk) => kk.setZswapWriteback(cg, on) };
  }
  if (roll < 0.95) {
    const nr = int(1, 50);
    return { name: `zswap shrink ${nr}`, run: (kk) => void kk.zswapShrink(nr) };
  }
  return { name: 'discard', run: (kk) => kk.runDiscard() };
}

/** Per operation kind: how often it ran and how often the kernel refused it. */
export const opStats = new Map<string, { ok: number; err: number }>();

export function runRandom(seed: number, ops: number, design: DesignProfile): void {
  const r = prng(seed);
  const k = new Kernel({ ramBytes: 8 * MiB, cpus: 2, design, seed });
  k.log.enabled = false;
  let window: { mark: ReturnType<Kernel['mark']>; fp: string; parts: Record<string, string>; opsSince: Op[] }[] = [];
  for (let i = 0; i < ops; i++) {
    if (i % 200 === 0) {
      // forget history so the journal stays small; marks restart
      k.j.clear();
      window = [];
    }
    if (r() < 0.01) window.push({ mark: k.mark(), fp: fingerprint(k), parts: fingerprintParts(k), opsSince: [] });
    const op = makeOp(r, k, design);
    if (process.env.SWAPSIM_TRACE) process.stderr.write(`${seed} ${i} ${op.name}\n`);
    const stat = opStats.get(op.name.split(' ')[0]!) ?? { ok: 0, err: 0 };
    opStats.set(op.name.split(' ')[0]!, stat);
    try {
      op.run(k);
      stat.ok++;
    } catch (e) {
      if (!(e instanceof KernelError)) throw new Error(`seed ${seed} op ${i} (${op.name}): ${String(e)}`, { cause: e });
      stat.err++;
    }
    for (const w of window) w.opsSince.push(op);
    const bad = checkInvariants(k);
    if (bad.length) assert.fail(`seed ${seed} op ${i} (${op.name}): ${bad.slice(0, 3).join('; ')}`);
    if (window.length && r() < 0.02) {
      const w = window[Math.floor(r() * window.length)]!;
      const now = fingerprint(k);
      const nowParts = fingerprintParts(k);
      k.rollback(w.mark);
      if (fingerprint(k) !== w.fp) {
        const p = fingerprintParts(k);
        const diff = Object.keys(p).filter((key) => p[key] !== w.parts[key]);
        assert.fail(`seed ${seed} op ${i}: undo did not restore ${diff.join(', ')} after ${w.opsSince.map((o) => o.name).join('; ')}`);
      }
      for (const redo of w.opsSince) {
        try {
          redo.run(k);
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
        }
      }
      if (fingerprint(k) !== now) {
        const p = fingerprintParts(k);
        const diff = Object.keys(p).filter((key) => p[key] !== nowParts[key]);
        assert.fail(`seed ${seed} op ${i}: redo did not reproduce ${diff.join(', ')} after ${w.opsSince.map((o) => o.name).join('; ')}`);
      }
    }
  }
}

test('100,000 random operations under p4: no invariant violation, undo and redo exact', () => {
  for (let s = 1; s <= 10; s++) runRandom(s, 10_000, 'p4');
});
