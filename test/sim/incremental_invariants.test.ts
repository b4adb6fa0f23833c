/**
 * The incremental invariant check (server/sim/invariants_local.ts, issue
 * #15) catches each corruption the invariant tests plant behind the
 * simulator's back (test/lsp/runtime_diagnostics.test.ts: a device's
 * inuse_pages; test/sim/swap_tier.test.ts: a device's tier mask and a
 * memcg's effective tier mask), and one of each other family the full
 * check knows: cluster counts, slot memcg ids, folio mapcounts, swap-cache
 * links, memcg counters, zswap entries. Each case runs an
 * ordinary operation after planting the corruption; the check of what that
 * operation wrote must report it. Before the corruption the same check
 * stays silent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContentSpec } from '../../server/sim/content';
import { PG_swapcache } from '../../server/sim/folio';
import { checkInvariants } from '../../server/sim/invariants';
import { checkWrittenSince } from '../../server/sim/invariants_local';
import { Kernel } from '../../server/sim/kernel';
import { ptePfn } from '../../server/sim/mm';
import { TIER_ALL_MASK } from '../../server/sim/swap_tier';
import { swpOffset } from '../../server/sim/swap_entry';
import { writeFile } from '../../server/sim/vfs';
import { MiB } from './util';

const COMPRESSIBLE: ContentSpec = [{ content: { kind: 'compressible', ratio: 0.3 }, percent: 100 }];

/** A machine with two tiered devices, a cgroup a/b with a task that has swapped half its pages out. */
function machine(opts: { zswap?: boolean } = {}): Kernel {
  const k = new Kernel({ ramBytes: 64 * MiB, swapTiers: true, cpus: 1 });
  k.swaponDevice({ path: '/dev/ssd', kind: 'partition', sizeBytes: 16 * MiB, prio: 100 });
  k.swaponDevice({ path: '/dev/hdd', kind: 'partition', sizeBytes: 16 * MiB, prio: 50 });
  writeFile(k, '/sys/kernel/mm/swap/tiers', '+SSD:100, +HDD:-1');
  if (opts.zswap) k.setZswapParam('enabled', true);
  k.mkdir('a');
  k.mkdir('a/b');
  k.createTask('t', 'a/b');
  k.mmap('t', 'r', 256, { populate: true, content: COMPRESSIBLE });
  k.pageout('t', 'r', 0, 128);
  assert.deepEqual(checkInvariants(k), [], 'the machine starts sound');
  return k;
}

/** Run `op` and return what the incremental check of its writes reports. */
function incremental(k: Kernel, op: () => void): string[] {
  const mark = k.j.mark();
  op();
  return checkWrittenSince(k, mark);
}

function catches(k: Kernel, op: () => void, pattern: RegExp): void {
  const found = incremental(k, op);
  assert.ok(
    found.some((m) => pattern.test(m)),
    `expected ${pattern} among:\n${found.join('\n') || '(nothing)'}`,
  );
}

describe('the incremental check is silent on a sound machine', () => {
  it('for every kind of operation the cases below use', () => {
    const k = machine({ zswap: true });
    for (const op of [
      () => k.touch('t', 'r', 0, 4),
      () => k.touch('t', 'r', 200, 210, true),
      () => k.pageout('t', 'r', 128, 160),
      () => k.mmap('t', 's', 64, { populate: true }),
      () => k.setLimit('a', 'memory.max', 100),
      () => k.zswapShrink(8),
      () => k.munmap('t', 's'),
      () => void k.fork('t', 'u'),
      () => k.exit('u'),
    ]) {
      assert.deepEqual(incremental(k, op), []);
    }
    assert.deepEqual(checkInvariants(k), []);
  });
});

describe('the corruptions the invariant tests plant', () => {
  it("a device's inuse_pages raised behind the simulator's back (runtime_diagnostics.test.ts)", () => {
    const k = machine();
    k.swap.byPath('/dev/ssd')!.inusePages += 1;
    // any later step: the device counters are checked against the global ones after every step
    catches(k, () => k.touch('t', 'r', 200, 201), /nr_swap_pages \d+ but \d+ free slots/);
  });

  it("a device's tier mask naming another tier (swap_tier.test.ts)", () => {
    const k = machine();
    const hdd = k.swap.byPath('/dev/hdd')!;
    hdd.tierMask = k.swap.byPath('/dev/ssd')!.tierMask;
    catches(k, () => k.touch('t', 'r', 200, 201), /\/dev\/hdd: priority 50 outside its tier SSD/);
  });

  it("a memcg's effective tier mask out of step with its parent (swap_tier.test.ts)", () => {
    const k = machine();
    writeFile(k, 'a/memory.swap.tiers.max', 'SSD 0');
    k.memcgs.lookup('a/b')!.tierEffectiveMask = TIER_ALL_MASK;
    // a fault in a/b charges it: the memcg is written, so it is checked
    catches(k, () => k.touch('t', 'r', 250, 251), /memcg a\/b: effective tier mask/);
  });
});

describe('one corruption of each other family the full check knows', () => {
  it("a cluster's count", () => {
    const k = machine();
    const ssd = k.swap.byPath('/dev/ssd')!;
    ssd.cluster(0)!.count += 1;
    catches(k, () => k.pageout('t', 'r', 128, 129), /\/dev\/ssd cluster 0: count \d+ but \d+ slots in use or bad/);
  });

  it('a memcg id left on a free slot', () => {
    const k = machine();
    const ci = k.swap.byPath('/dev/ssd')!.cluster(0)!;
    ci.memcgTable![400] = 7;
    catches(k, () => k.pageout('t', 'r', 128, 129), /\/dev\/ssd:400 is free but records memcg 7/);
  });

  it("a folio's mapcount", () => {
    const k = machine();
    const pfn = ptePfn(k.vma('t', 'r').pte[200]!);
    k.folios.mapcount[k.folios.head[pfn]!]! += 1;
    // unmapping the page drops the mapcount to one: the folio is written, still mapped by no PTE
    catches(k, () => k.munmap('t', 'r', 200, 201), /folio \d+: mapcount 1 but 0 PTEs map it/);
  });

  it("a swap-cache slot's link to its folio", () => {
    const k = machine();
    // a read fault on a non-synchronous device leaves the folio in the swap cache
    k.touch('t', 'r', 0, 1);
    const pfn = ptePfn(k.vma('t', 'r').pte[0]!);
    assert.ok(k.folios.test(pfn, PG_swapcache));
    const ssd = k.swap.byPath('/dev/ssd')!;
    const off = swpOffset(k.folios.swap[pfn]!);
    ssd.clusterOf(off)!.table!.val[off & 511] = pfn + 1000;
    // a later swapout allocates in the same cluster: the cluster is written, so each of its slots is checked
    catches(
      k,
      () => k.pageout('t', 'r', 128, 129),
      new RegExp(`/dev/ssd:${off} caches PFN ${pfn + 1000} that is not a swapcache folio`),
    );
  });

  it("a memcg's memory.current", () => {
    const k = machine();
    k.memcgs.lookup('a/b')!.memory.usage += 1;
    catches(k, () => k.touch('t', 'r', 0, 1), /memcg a\/b: memory.current \d+ pages but/);
  });

  it("a memcg's swap id references", () => {
    const k = machine();
    k.memcgs.lookup('a/b')!.swapIdRefs += 1;
    catches(k, () => k.pageout('t', 'r', 128, 129), /memcg a\/b: swap.current \d+ pages but \d+ own slots/);
  });

  it("a zswap entry's length", () => {
    const k = machine({ zswap: true });
    k.pageout('t', 'r', 128, 160);
    // the second oldest: the shrinker rotates it (its referenced bit goes), so it is written and checked;
    // the oldest is written back and gone
    const [key, e] = [...k.zswap.entries][1]!;
    e.length = k.geom.pageSize;
    catches(
      k,
      () => k.zswapShrink(1),
      new RegExp(`zswap entry ${key}: length ${k.geom.pageSize} but incompressible=false`),
    );
    assert.ok(swpOffset(key) > 0);
  });
});

describe('a cluster checked before: the slots written, and its counts from the copy of its slot metadata', () => {
  /** A machine whose /dev/ssd cluster 0 the incremental check has just seen whole (and copied). */
  function checkedOnce(): Kernel {
    const k = machine();
    assert.deepEqual(
      incremental(k, () => k.pageout('t', 'r', 128, 129)),
      [],
    );
    return k;
  }

  it("a cluster's count", () => {
    const k = checkedOnce();
    k.swap.byPath('/dev/ssd')!.cluster(0)!.count += 1;
    catches(k, () => k.pageout('t', 'r', 129, 130), /\/dev\/ssd cluster 0: count \d+ but \d+ slots in use or bad/);
  });

  it("a swap-cache slot's link to its folio, at a slot the step writes", () => {
    const k = checkedOnce();
    // the pages paged out to the disk stay in the swap cache (asynchronous writeback): their slots hold PFNs
    const ssd = k.swap.byPath('/dev/ssd')!;
    const ci = ssd.cluster(0)!;
    const off = [...ci.table!.meta].findIndex((m) => (m & 7) === 1);
    assert.ok(off >= 0, 'a slot of cluster 0 holds a swap-cache folio');
    const pfn = ci.table!.val[off]!;
    ci.table!.val[off] = pfn + 1000;
    // fork duplicates every swap PTE: each of those slots' counts is written, so each is checked
    catches(
      k,
      () => void k.fork('t', 'u'),
      new RegExp(`/dev/ssd:${off} caches PFN ${pfn + 1000} that is not a swapcache folio`),
    );
  });

  it('a corruption at a slot no step writes is left to the full check', () => {
    const k = checkedOnce();
    k.swap.byPath('/dev/ssd')!.cluster(0)!.memcgTable![400] = 7;
    const found = incremental(k, () => k.pageout('t', 'r', 129, 130));
    assert.ok(!found.some((m) => /:400 is free but records memcg 7/.test(m)), found.join('\n'));
    assert.ok(checkInvariants(k).some((m) => /\/dev\/ssd:400 is free but records memcg 7/.test(m)));
  });

  it('after a rollback (a step back) the cluster is checked whole again', () => {
    const k = checkedOnce();
    k.swap.byPath('/dev/ssd')!.cluster(0)!.memcgTable![400] = 7;
    const mark = k.j.mark();
    k.pageout('t', 'r', 129, 130);
    k.j.rollback(mark);
    catches(k, () => k.pageout('t', 'r', 129, 130), /\/dev\/ssd:400 is free but records memcg 7/);
  });
});
