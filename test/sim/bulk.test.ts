/**
 * The bulk paths (issue #15) end exactly where the page-by-page paths do:
 * two kernels run the same random operations, one with `bulk` on (runs of
 * faults through MemoryOps.faultAnonRun, runs of zero-filled swapins
 * through MemoryOps.swapinRun, runs of order-0 swapouts through
 * Vmscan.shrinkOrder0Run) and one with it off, and after every operation
 * their state fingerprints and their event logs must be equal. The runs
 * must really have taken the bulk paths, and a rollback of an operation
 * that took them must restore the state before it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContentSpec } from '../../server/sim/content';
import { DESIGN_PROFILES } from '../../server/sim/designs/profiles';
import { KernelError } from '../../server/sim/errno';
import { Kernel } from '../../server/sim/kernel';
import { fingerprint } from '../../server/sim/snapshot';
import { writeFile } from '../../server/sim/vfs';
import { rng } from '../prng';
import { nextOp } from './random_ops_gen';
import { MiB } from './util';
import { seedsAtDepth } from '../depth';

interface BulkUse {
  faults: number;
  swapins: number;
  swapouts: number;
}

/** Count the pages the bulk paths took. */
function spy(k: Kernel): BulkUse {
  const use: BulkUse = { faults: 0, swapins: 0, swapouts: 0 };
  const fault = k.mem.faultAnonRun.bind(k.mem);
  k.mem.faultAnonRun = (t, v, from, to) => {
    const n = fault(t, v, from, to);
    use.faults += n;
    return n;
  };
  const swapin = k.mem.swapinRun.bind(k.mem);
  k.mem.swapinRun = (t, v, from, to, write) => {
    const n = swapin(t, v, from, to, write);
    use.swapins += n;
    return n;
  };
  const shrink = k.vmscan.shrinkOrder0Run.bind(k.vmscan);
  k.vmscan.shrinkOrder0Run = (v, from, to) => {
    const r = shrink(v, from, to);
    use.swapouts += r.handled;
    return r;
  };
  return use;
}

function run(op: () => void): string {
  try {
    op();
    return 'ok';
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    return e.errno;
  }
}

/** Seed 13 runs with synchronous device writes, 11 and 12 asynchronous; more (14, 15, …) come with SWAPSIM_TEST_DEPTH (test/depth.ts). */
const BULK_SEEDS = [13, ...seedsAtDepth(11, 2).map((s) => (s >= 13 ? s + 1 : s))];

for (const design of DESIGN_PROFILES) {
  test(`${design}: random operations end in the same state and events with the bulk paths as without`, () => {
    let total: BulkUse = { faults: 0, swapins: 0, swapouts: 0 };
    for (const seed of BULK_SEEDS) {
      // seed 13: device writes complete at once, so the bulk swapout also takes pages it writes to the device
      // (with asynchronous writeback it takes zero-filled pages only, and shrinkFolio() the rest)
      const cfg = {
        ramBytes: 8 * MiB,
        cpus: 2,
        design,
        seed,
        swapTiers: true,
        swapWriteback: seed === 13 ? ('sync' as const) : ('async' as const),
      };
      const bulk = new Kernel(cfg);
      const plain = new Kernel(cfg);
      plain.bulk = false;
      const use = spy(bulk);
      const rb = rng(seed);
      const rp = rng(seed);
      for (let i = 0; i < 1500; i++) {
        const ob = nextOp(rb, bulk);
        const op = nextOp(rp, plain);
        assert.equal(ob.name, op.name, `${design} seed ${seed} op ${i}: the generator saw different machines`);
        const before = fingerprint(bulk);
        const mark = bulk.mark();
        const resB = run(() => ob.run(bulk));
        const resP = run(() => op.run(plain));
        const where = `${design} seed ${seed} op ${i} (${ob.name})`;
        assert.equal(resB, resP, `${where}: outcome`);
        assert.equal(fingerprint(bulk), fingerprint(plain), `${where}: state`);
        assert.deepEqual(bulk.log.since(mark.events), plain.log.since(mark.events), `${where}: events`);
        if (i % 50 === 7) {
          // undo of what may have been a bulk operation, then the same operation again
          const after = fingerprint(bulk);
          bulk.rollback(mark);
          assert.equal(fingerprint(bulk), before, `${where}: rollback`);
          run(() => ob.run(bulk));
          assert.equal(fingerprint(bulk), after, `${where}: redo`);
        }
        bulk.j.clear();
        plain.j.clear();
      }
      total = {
        faults: total.faults + use.faults,
        swapins: total.swapins + use.swapins,
        swapouts: total.swapouts + use.swapouts,
      };
    }
    assert.ok(total.faults > 1000, `${design}: only ${total.faults} pages faulted in by the bulk path`);
    if (design === 'p4')
      assert.ok(total.swapouts > 300, `${design}: only ${total.swapouts} pages swapped out by the bulk path`);
  });
}

test('task_memory=kernel: the bulk fault path charges through the per-CPU stock as the faults one by one do', () => {
  let faults = 0;
  for (const kernel of ['7.2', '6.12'] as const) {
    const cfg = { ramBytes: 8 * MiB, cpus: 2, seed: 21, kernel, taskMemory: 'kernel' as const };
    const bulk = new Kernel(cfg);
    const plain = new Kernel(cfg);
    plain.bulk = false;
    const use = spy(bulk);
    const rb = rng(21);
    const rp = rng(21);
    for (let i = 0; i < 600; i++) {
      const ob = nextOp(rb, bulk);
      const op = nextOp(rp, plain);
      const where = `${kernel} op ${i} (${ob.name})`;
      assert.equal(
        run(() => ob.run(bulk)),
        run(() => op.run(plain)),
        `${where}: outcome`,
      );
      assert.equal(fingerprint(bulk), fingerprint(plain), `${where}: state`);
      bulk.j.clear();
      plain.j.clear();
    }
    faults += use.faults;
  }
  assert.ok(faults > 200, `only ${faults} pages faulted in by the bulk path`);
});

const ZERO: ContentSpec = [{ content: { kind: 'zero' }, percent: 100 }];
const MIX: ContentSpec = [
  { content: { kind: 'zero' }, percent: 40 },
  { content: { kind: 'compressible', ratio: 0.4 }, percent: 60 },
];

test('the bulk paths under limits that cut a run short: memory.max and memory.high, swap.max, a full device, zswap', () => {
  const cases: { name: string; setup: (k: Kernel) => void; ops: (k: Kernel) => void }[] = [
    {
      name: 'memory.max below the mapping: the run stops at the limit, reclaim takes the rest page by page',
      setup: (k) => {
        k.setLimit('g', 'memory.max', 300);
      },
      ops: (k) => {
        k.mmap('t', 'a', 1000, { populate: true, content: MIX });
        k.pageout('t', 'a');
        k.touch('t', 'a', 0, 1000, true);
      },
    },
    {
      name: 'memory.high below the mapping',
      setup: (k) => k.setLimit('g', 'memory.high', 200),
      ops: (k) => k.mmap('t', 'a', 700, { populate: true }),
    },
    {
      name: 'swap.max below the run: swap.max and swap fail events where the charge fails',
      setup: (k) => k.setLimit('g', 'memory.swap.max', 100),
      ops: (k) => {
        k.mmap('t', 'a', 400, { populate: true });
        k.pageout('t', 'a');
      },
    },
    {
      name: 'a device that fills up mid-run, then more than half of swap in use with cached folios around',
      setup: (k) => k.swaponDevice({ path: '/dev/small', kind: 'partition', sizeBytes: 2 * MiB, prio: 10 }),
      ops: (k) => {
        k.mmap('t', 'a', 1500, { populate: true, content: MIX });
        k.pageout('t', 'a', 0, 600);
        k.touch('t', 'a', 0, 100);
        k.pageout('t', 'a');
      },
    },
    {
      name: 'asynchronous writes: written folios stay in the swap cache, rotated to the tail; a second pageout frees them',
      setup: () => undefined,
      ops: (k) => {
        k.mmap('t', 'a', 800, { populate: true, content: MIX });
        k.pageout('t', 'a');
        assert.ok(k.stat.nrSwapcache > 0, 'no folio left under writeback');
        k.touch('t', 'a', 0, 50);
        k.pageout('t', 'a');
      },
    },
    {
      name: 'zswap on: zero pages in bulk, the others page by page',
      setup: (k) => k.setZswapParam('enabled', true),
      ops: (k) => {
        k.mmap('t', 'a', 800, { populate: true, content: MIX });
        k.pageout('t', 'a');
      },
    },
    {
      name: 'fragmented memory and a forked child sharing the pages',
      setup: (k) => {
        k.mmap('t', 'x', 900, { populate: true });
        k.munmap('t', 'x', 100, 400);
      },
      ops: (k) => {
        k.mmap('t', 'a', 600, { populate: true, content: ZERO });
        k.fork('t', 'c');
        k.pageout('t', 'a', 0, 300);
        k.exit('c');
        k.pageout('t', 'a');
      },
    },
    {
      name: 'swap tiers restricting the cgroup to one device',
      setup: (k) => {
        k.swaponDevice({ path: '/dev/fast', kind: 'partition', sizeBytes: 4 * MiB, prio: 100 });
        writeFile(k, '/sys/kernel/mm/swap/tiers', '+FAST:100, +SLOW:-1');
        writeFile(k, 'g/memory.swap.tiers.max', 'FAST 0');
      },
      ops: (k) => {
        k.mmap('t', 'a', 500, { populate: true });
        k.pageout('t', 'a');
      },
    },
  ];
  for (const c of cases) {
    const make = (bulk: boolean): Kernel => {
      const k = new Kernel({ ramBytes: 16 * MiB, cpus: 2, swapTiers: true });
      k.bulk = bulk;
      k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 32 * MiB });
      k.mkdir('g');
      k.createTask('t', 'g');
      c.setup(k);
      return k;
    };
    const a = make(true);
    const b = make(false);
    const use = spy(a);
    const mark = a.mark();
    const before = fingerprint(a);
    assert.equal(
      run(() => c.ops(a)),
      run(() => c.ops(b)),
      `${c.name}: outcome`,
    );
    assert.equal(fingerprint(a), fingerprint(b), `${c.name}: state`);
    assert.deepEqual(a.log.since(mark.events), b.log.since(mark.events), `${c.name}: events`);
    assert.ok(use.faults + use.swapins + use.swapouts > 0, `${c.name}: no bulk path taken`);
    a.rollback(mark);
    assert.equal(fingerprint(a), before, `${c.name}: rollback`);
  }
});

test('zero-filled swapins in bulk: readahead windows, swap no longer full midway, a memcg at half its swap.max, writes, shared and mixed slots', () => {
  const cases: { name: string; swapins: boolean | undefined; setup?: (k: Kernel) => void; ops: (k: Kernel) => void }[] =
    [
      {
        name: 'a whole mapping read back: swap is more than half full at first, no longer so midway',
        swapins: true,
        ops: (k) => {
          k.mmap('t', 'a', 1800, { populate: true, content: ZERO });
          k.pageout('t', 'a');
          assert.ok(k.swap.vmSwapFull(), 'swap is not full after the pageout');
          k.touch('t', 'a');
          assert.ok(!k.swap.vmSwapFull() && k.stat.nrSwapcache > 0, 'the run did not cross the swap-full line');
        },
      },
      {
        name: 'from the middle (the first window reaches below the run), then written from the start, then read again',
        swapins: true,
        ops: (k) => {
          k.mmap('t', 'a', 1500, { populate: true, content: ZERO });
          k.pageout('t', 'a');
          k.touch('t', 'a', 700, 1300);
          k.touch('t', 'a', 0, 700, true);
          k.pageout('t', 'a', 0, 1000);
          k.touch('t', 'a', 0, 1500);
        },
      },
      {
        name: 'a memcg at half its memory.swap.max: mem_cgroup_swap_full() frees the swap cache',
        swapins: true,
        setup: (k) => k.setLimit('g', 'memory.swap.max', 1200),
        ops: (k) => {
          k.mmap('t', 'a', 1000, { populate: true, content: ZERO });
          k.pageout('t', 'a');
          k.touch('t', 'a');
        },
      },
      {
        name: 'memory.max below the mapping: swapins in bulk up to the limit, then with reclaim page by page',
        swapins: true,
        setup: (k) => k.setLimit('g', 'memory.max', 600),
        ops: (k) => {
          k.mmap('t', 'a', 500, { populate: true, content: ZERO });
          k.pageout('t', 'a');
          k.mmap('t', 'b', 300, { populate: true });
          k.touch('t', 'a');
        },
      },
      {
        name: 'mixed contents: runs break at slots that hold data (zero-filled runs are short: the bulk path may not be taken)',
        swapins: undefined,
        ops: (k) => {
          k.mmap('t', 'a', 1200, { populate: true, content: MIX });
          k.pageout('t', 'a');
          k.touch('t', 'a');
        },
      },
      {
        name: 'slots shared with a forked child (count 2) are swapped in page by page',
        swapins: false,
        ops: (k) => {
          k.mmap('t', 'a', 400, { populate: true, content: ZERO });
          k.pageout('t', 'a');
          k.fork('t', 'c');
          k.touch('t', 'a');
          k.touch('c', 'a', 0, 200, true);
        },
      },
      {
        name: 'page-cluster 0: no readahead, every fault a miss',
        swapins: true,
        setup: (k) => k.setSysctl('page_cluster', 0),
        ops: (k) => {
          k.mmap('t', 'a', 600, { populate: true, content: ZERO });
          k.pageout('t', 'a');
          k.touch('t', 'a');
        },
      },
      {
        name: 'a rotational device: cluster readahead, page by page',
        swapins: false,
        setup: (k) => k.swaponDevice({ path: '/dev/sda', kind: 'partition', sizeBytes: 4 * MiB, rotational: true }),
        ops: (k) => {
          k.mmap('t', 'a', 600, { populate: true, content: ZERO });
          k.pageout('t', 'a');
          k.touch('t', 'a');
        },
      },
    ];
  for (const c of cases) {
    const make = (bulk: boolean): Kernel => {
      const k = new Kernel({ ramBytes: 16 * MiB, cpus: 2 });
      k.bulk = bulk;
      k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 12 * MiB });
      k.mkdir('g');
      k.createTask('t', 'g');
      c.setup?.(k);
      return k;
    };
    const a = make(true);
    const b = make(false);
    const use = spy(a);
    const mark = a.mark();
    const before = fingerprint(a);
    assert.equal(
      run(() => c.ops(a)),
      run(() => c.ops(b)),
      `${c.name}: outcome`,
    );
    assert.equal(fingerprint(a), fingerprint(b), `${c.name}: state`);
    assert.deepEqual(a.log.since(mark.events), b.log.since(mark.events), `${c.name}: events`);
    if (c.swapins === true)
      assert.ok(use.swapins > 100, `${c.name}: only ${use.swapins} pages swapped in by the bulk path`);
    else if (c.swapins === false)
      assert.equal(use.swapins, 0, `${c.name}: the bulk swapin took pages it should refuse`);
    a.rollback(mark);
    assert.equal(fingerprint(a), before, `${c.name}: rollback`);
  }
});
