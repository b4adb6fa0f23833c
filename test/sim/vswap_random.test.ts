/**
 * Random operations aimed at the virtual layers: ghost with the proposed
 * rmap (ghostWriteback, which the shared random test does not configure),
 * vswap and vswap-ste. Zswap on and off, pool limits, writeback toggles,
 * shrinking, swapon/swapoff of physical devices (rmap swapoff), forks,
 * writes and unmaps, with the full invariant check (invariants_vswap.ts
 * included) after every operation and random undo/redo windows compared by
 * a fingerprint that also covers the virtual_tables (vswap_util.ts).
 * Seeded: a failure names the variant, seed and operation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContentSpec } from '../../server/sim/content';
import { KernelError } from '../../server/sim/errno';
import { checkInvariants } from '../../server/sim/invariants';
import { Kernel, type KernelConfig } from '../../server/sim/kernel';
import { COMPRESSIBLE, INCOMPRESSIBLE, ZERO, virtualFingerprint } from './vswap_util';
import { rng } from '../prng';

const MiB = 2 ** 20;
const MIXED: ContentSpec = [
  { content: { kind: 'zero' }, percent: 25 },
  { content: { kind: 'compressible', ratio: 0.4 }, percent: 45 },
  { content: { kind: 'incompressible' }, percent: 30 },
];
const CONTENTS = [ZERO, COMPRESSIBLE, INCOMPRESSIBLE, MIXED];

interface Op {
  name: string;
  run: (k: Kernel) => void;
}

function nextOp(r: () => number, k: Kernel): Op {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const tasks = [...k.mm.tasks.values()].filter((t) => t.state === 'alive').map((t) => t.name);
  const task = tasks.length ? pick(tasks) : 't0';
  const regions = [...(k.mm.tasks.get(task)?.vmas.keys() ?? [])];
  const region = regions.length ? pick(regions) : 'r0';
  const n = k.mm.tasks.get(task)?.vmas.get(region)?.nrPages ?? 1;
  const from = int(0, n - 1);
  const to = int(from + 1, n);
  const roll = r();
  if (roll < 0.04 || tasks.length === 0) {
    const name = `t${k.mm.nextPid}`;
    const cg = r() < 0.7 ? 'g' : '';
    const cpu = int(0, 1);
    return { name: `task ${name}`, run: (kk) => void kk.createTask(name, cg, cpu) };
  }
  if (roll < 0.14) {
    const name = `r${int(0, 3)}`;
    const pages = int(1, 80);
    const order = pick([0, 0, 0, 2, 4]);
    const content = pick(CONTENTS);
    return {
      name: `mmap ${task} ${name} ${pages}`,
      run: (kk) => void kk.mmap(task, name, pages, { order, content, populate: true }),
    };
  }
  if (roll < 0.34)
    return { name: `pageout ${task} ${region} ${from}..${to}`, run: (kk) => void kk.pageout(task, region, from, to) };
  if (roll < 0.48) {
    const write = r() < 0.4;
    return {
      name: `touch ${task} ${region} ${from}..${to}${write ? ' w' : ''}`,
      run: (kk) => kk.touch(task, region, from, to, write),
    };
  }
  if (roll < 0.53) {
    const whole = r() < 0.5;
    return {
      name: `munmap ${task} ${region}${whole ? '' : ` ${from}..${to}`}`,
      run: (kk) => kk.munmap(task, region, whole ? undefined : from, whole ? undefined : to),
    };
  }
  if (roll < 0.57 && tasks.length < 12) {
    const child = `t${k.mm.nextPid}`;
    return { name: `fork ${task} ${child}`, run: (kk) => void kk.fork(task, child) };
  }
  if (roll < 0.6) return { name: `exit ${task}`, run: (kk) => kk.exit(task) };
  if (roll < 0.66) {
    const on = r() < 0.7;
    return { name: `zswap enabled=${on}`, run: (kk) => kk.setZswapParam('enabled', on) };
  }
  if (roll < 0.69) {
    const pct = pick([0, 1, 5, 20]);
    return { name: `zswap max_pool_percent=${pct}`, run: (kk) => kk.setZswapParam('max_pool_percent', pct) };
  }
  if (roll < 0.75) {
    const nr = int(1, 40);
    return { name: `zswap shrink ${nr}`, run: (kk) => void kk.zswapShrink(nr) };
  }
  if (roll < 0.78) {
    const on = r() < 0.6;
    return { name: `zswap.writeback g=${on}`, run: (kk) => kk.setZswapWriteback('g', on) };
  }
  if (roll < 0.81) {
    const pages = r() < 0.4 ? Kernel.MAX : int(0, 400);
    return { name: `swap.max g=${pages}`, run: (kk) => kk.setLimit('g', 'memory.swap.max', pages) };
  }
  if (roll < 0.86) {
    const path = `/dev/vd${int(0, 2)}`;
    const kind = pick(['partition', 'partition', 'file'] as const);
    const size = int(1, 6) * MiB;
    const prio = r() < 0.5 ? undefined : int(0, 5);
    return { name: `swapon ${path}`, run: (kk) => void kk.swaponDevice({ path, kind, sizeBytes: size, prio }) };
  }
  if (roll < 0.91) {
    const devs = k.swap.devices.map((d) => d.path);
    const path = devs.length ? pick(devs) : '/dev/vd0';
    const signalAfterPages = r() < 0.3 ? int(0, 10) : undefined;
    return { name: `swapoff ${path}`, run: (kk) => kk.swapoffDevice(path, { signalAfterPages }) };
  }
  if (roll < 0.95) {
    const pages = int(1, 120);
    return { name: `reclaim g ${pages}`, run: (kk) => void kk.proactiveReclaim('g', pages) };
  }
  return { name: 'discard', run: (kk) => kk.runDiscard() };
}

function run(
  label: string,
  cfg: KernelConfig,
  seed: number,
  ops: number,
): { undo: number; pswpout: number; zswpwb: number; rmapSwapoffs: number } {
  const r = rng(seed);
  const k = new Kernel({ ramBytes: 8 * MiB, cpus: 2, seed, ...cfg });
  k.log.enabled = false;
  k.mkdir('g');
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 8 * MiB });
  if (cfg.design === 'ghost') k.swaponDevice({ path: '/dev/ghostswap', kind: 'ghost', sizeBytes: 0, prio: 10 });
  k.j.clear();
  let undo = 0;
  let rmapSwapoffs = 0;
  let window: { mark: ReturnType<Kernel['mark']>; fp: string; ops: Op[]; closeAt: number } | null = null;
  for (let i = 0; i < ops; i++) {
    const where = `${label} seed ${seed} op ${i}`;
    if (!window) {
      k.j.clear();
      if (r() < 0.03)
        window = { mark: k.mark(), fp: virtualFingerprint(k), ops: [], closeAt: i + 1 + Math.floor(r() * 12) };
    }
    const op = nextOp(r, k);
    // a swapoff of a physical device that backs something goes through the rmap
    const target = op.name.startsWith('swapoff ') ? k.swap.byPath(op.name.split(' ')[1]!) : undefined;
    const backing = target && !target.dynamic ? target.inusePages : 0;
    try {
      op.run(k);
      if (backing > 0) rmapSwapoffs++;
    } catch (e) {
      if (!(e instanceof KernelError)) throw new Error(`${where} (${op.name}): ${String(e)}`, { cause: e });
    }
    const bad = checkInvariants(k);
    if (bad.length) assert.fail(`${where} (${op.name}): ${bad.slice(0, 3).join('; ')}`);
    if (window) {
      window.ops.push(op);
      if (i >= window.closeAt) {
        const after = virtualFingerprint(k);
        k.rollback(window.mark);
        assert.equal(virtualFingerprint(k), window.fp, `${where}: undo of ${window.ops.map((o) => o.name).join('; ')}`);
        for (const o of window.ops) {
          try {
            o.run(k);
          } catch (e) {
            if (!(e instanceof KernelError)) throw e;
          }
        }
        assert.equal(virtualFingerprint(k), after, `${where}: redo of ${window.ops.map((o) => o.name).join('; ')}`);
        undo++;
        window = null;
      }
    }
  }
  return { undo, pswpout: k.vmstat.events.pswpout, zswpwb: k.vmstat.events.zswpwb, rmapSwapoffs };
}

const VARIANTS: { label: string; cfg: KernelConfig }[] = [
  { label: 'ghost+rmap', cfg: { design: 'ghost', ghostWriteback: true } },
  { label: 'vswap', cfg: { design: 'vswap' } },
  { label: 'vswap-ste', cfg: { design: 'vswap-ste' } },
];

for (const { label, cfg } of VARIANTS) {
  test(`${label}: random operations keep the virtual layer consistent; undo and redo are exact`, () => {
    let undo = 0;
    let pswpout = 0;
    let zswpwb = 0;
    let rmapSwapoffs = 0;
    for (const seed of [11, 12, 13]) {
      const s = run(label, cfg, seed, 1200);
      undo += s.undo;
      pswpout += s.pswpout;
      zswpwb += s.zswpwb;
      rmapSwapoffs += s.rmapSwapoffs;
    }
    assert.ok(undo >= 20, `only ${undo} undo windows`);
    assert.ok(pswpout > 0, 'no page reached a physical backing');
    assert.ok(zswpwb > 0, 'zswap never wrote back');
    assert.ok(rmapSwapoffs > 0, 'no swapoff of a device holding backing slots completed');
  });
}
