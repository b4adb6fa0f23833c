/**
 * Cheap machines (issue #6): booting costs nothing per page of RAM, the
 * per-page state grows with the RAM a scenario uses, and neither the lazy
 * buddy allocator nor the growing folio table changes what the simulator
 * does or what undo restores. Also: the delta's counter diff equals the
 * diff of flattened counters it replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedCounters } from '../../server/session/counter_diff';
import { counterSet, flatCounters } from '../../server/session/observe';
import { Session } from '../../server/session/session';
import { Journal } from '../../server/sim/journal';
import { Kernel } from '../../server/sim/kernel';
import { MAX_PAGE_ORDER, PageAllocator } from '../../server/sim/page_alloc';
import { fingerprintParts } from '../../server/sim/snapshot';
import { rng } from '../lang/helpers';

const GiB = 2 ** 30;

/**
 * Reference buddy allocator, built eagerly the way the simulator's was before
 * it became lazy: every page's state exists from the start; the largest
 * aligned blocks are put on their free lists highest first, so each list
 * hands out its lowest block first.
 */
class EagerBuddy {
  readonly order: Int8Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly heads = new Int32Array(MAX_PAGE_ORDER + 1).fill(-1);
  nrFree = 0;

  constructor(readonly total: number) {
    this.order = new Int8Array(total).fill(-1);
    this.next = new Int32Array(total).fill(-1);
    this.prev = new Int32Array(total).fill(-1);
    const blocks: [number, number][] = [];
    for (let pfn = 0; pfn < total;) {
      let o = MAX_PAGE_ORDER;
      while (o > 0 && (pfn % (1 << o) !== 0 || pfn + (1 << o) > total)) o--;
      blocks.push([pfn, o]);
      pfn += 1 << o;
    }
    for (const [pfn, o] of blocks.reverse()) this.push(pfn, o);
  }

  clone(): EagerBuddy {
    const c = Object.create(EagerBuddy.prototype) as EagerBuddy;
    Object.assign(c, {
      total: this.total,
      order: this.order.slice(),
      next: this.next.slice(),
      prev: this.prev.slice(),
      heads: this.heads.slice(),
      nrFree: this.nrFree,
    });
    return c;
  }

  private push(pfn: number, o: number): void {
    const h = this.heads[o]!;
    this.order[pfn] = o;
    this.prev[pfn] = -1;
    this.next[pfn] = h;
    if (h >= 0) this.prev[h] = pfn;
    this.heads[o] = pfn;
    this.nrFree += 1 << o;
  }

  private remove(pfn: number, o: number): void {
    const p = this.prev[pfn]!;
    const n = this.next[pfn]!;
    if (p >= 0) this.next[p] = n;
    else this.heads[o] = n;
    if (n >= 0) this.prev[n] = p;
    this.order[pfn] = -1;
    this.nrFree -= 1 << o;
  }

  alloc(o: number): number {
    let have = o;
    while (have <= MAX_PAGE_ORDER && this.heads[have]! < 0) have++;
    if (have > MAX_PAGE_ORDER) return -1;
    const pfn = this.heads[have]!;
    this.remove(pfn, have);
    while (have > o) {
      have--;
      this.push(pfn + (1 << have), have);
    }
    return pfn;
  }

  free(pfn: number, o: number): void {
    while (o < MAX_PAGE_ORDER) {
      const buddy = pfn ^ (1 << o);
      if (buddy >= this.total || this.order[buddy] !== o) break;
      this.remove(buddy, o);
      pfn = Math.min(pfn, buddy);
      o++;
    }
    this.push(pfn, o);
  }
}

/**
 * Random allocations and frees (orders 0..MAX_PAGE_ORDER, mostly small),
 * with journal marks and rollbacks, on the lazy allocator and the eager
 * reference side by side: every PFN handed out, every free count and every
 * canAlloc answer must agree.
 */
function compareAllocators(totalPages: number, ops: number, seed: number): { covered: number } {
  const j = new Journal();
  const lazy = new PageAllocator(j, totalPages);
  let eager = new EagerBuddy(totalPages);
  const next = rng(seed);
  let held: [number, number][] = [];
  const marks: { mark: number; eager: EagerBuddy; held: [number, number][] }[] = [];
  for (let i = 0; i < ops; i++) {
    const r = next();
    if (r < 0.01) {
      marks.push({ mark: j.mark(), eager: eager.clone(), held: held.slice() });
    } else if (r < 0.015 && marks.length > 0) {
      const m = marks.pop()!;
      j.rollback(m.mark);
      eager = m.eager;
      held = m.held;
    } else if (r < 0.55 || held.length === 0) {
      const order = next() < 0.8 ? Math.floor(next() * 3) : Math.floor(next() * (MAX_PAGE_ORDER + 1));
      const got = lazy.alloc(order);
      assert.equal(got, eager.alloc(order), `alloc(${order}) at op ${i} of ${totalPages} pages`);
      if (got >= 0) held.push([got, order]);
    } else {
      const k = Math.floor(next() * held.length);
      const [pfn, order] = held[k]!;
      held[k] = held[held.length - 1]!;
      held.pop();
      lazy.free(pfn, order);
      eager.free(pfn, order);
    }
    assert.equal(lazy.nrFree, eager.nrFree, `free pages after op ${i}`);
    const o = i % (MAX_PAGE_ORDER + 1);
    assert.equal(
      lazy.canAlloc(o),
      eager.heads.slice(o).some((h) => h >= 0),
      `canAlloc(${o}) after op ${i}`,
    );
  }
  return { covered: lazy.covered };
}

test('the lazy buddy allocator hands out exactly the PFNs an eagerly built one does, through undo', () => {
  // whole MAX_PAGE_ORDER blocks, an odd tail (4 blocks + 512 + 256 + 128 + 8 pages), and room to run out
  for (const [pages, seed] of [
    [1024, 1],
    [5000, 2],
    [64 * 1024, 3],
  ] as const)
    compareAllocators(pages, 30_000, seed);
});

test('the allocator materialises only the low PFNs it has handed out', () => {
  const j = new Journal();
  const a = new PageAllocator(j, 2 ** 24); // 64 GiB of 4 KiB pages
  assert.equal(a.covered, 0);
  assert.equal(a.nrFree, 2 ** 24);
  for (let i = 0; i < 3000; i++) assert.equal(a.alloc(0), i, 'lowest PFN first');
  assert.equal(a.covered, 4096, 'grown by doubling to cover 3000 pages');
  const m = j.mark();
  // the next whole block; unlinking it touches its successor's links, past the covered range
  assert.equal(a.alloc(MAX_PAGE_ORDER), 3072);
  assert.equal(a.covered, 8192);
  j.rollback(m);
  assert.equal(a.covered, 4096, 'undo gives the smaller arrays back');
  assert.equal(a.alloc(MAX_PAGE_ORDER), 3072, 'and the same block goes out again');
});

test('booting a 64G machine allocates no per-page state; using 4M of it grows the tables to fit', () => {
  const k = new Kernel({ ramBytes: 64 * GiB });
  assert.equal(k.pages.covered, 0);
  assert.equal(k.folios.capacity, 0);
  assert.equal(k.pages.nrFree, 16 * 2 ** 20);
  const before = fingerprintParts(k);
  const m = k.mark();
  k.createTask('t');
  k.mmap('t', 'a', 1024, { populate: true });
  assert.ok(k.folios.capacity >= 1024 && k.folios.capacity <= 2048, `folio table covers ${k.folios.capacity} pages`);
  assert.ok(k.pages.covered >= 1024 && k.pages.covered <= 2048, `allocator covers ${k.pages.covered} pages`);
  assert.equal(k.pages.nrFree, 16 * 2 ** 20 - 1024);
  k.rollback(m);
  assert.equal(k.folios.capacity, 0, 'undo takes the growth back');
  assert.deepEqual(fingerprintParts(k), before);
});

test('stepping back across table growth restores the state a fresh run reaches', () => {
  // each mmap grows the folio table (1024 → 2048 → 4096 → 8192 pages), the pageouts touch every folio
  const text = [
    'config ram=64G',
    'swapon /dev/vda2 size=64M',
    'task t',
    'mmap t a 4M populate',
    'mmap t b 4M populate',
    'pageout t a',
    'mmap t c 16M populate',
    'pageout t c',
    'touch t a write',
    'munmap t b',
    'mmap t d 8M order=4 populate',
  ].join('\n');
  const full = new Session('lazy:a', text);
  full.run();
  assert.equal(full.status, 'finished');
  assert.deepEqual(full.errors, []);
  for (const target of [0, 3, 5, 7, 9]) {
    const s = new Session('lazy:b', text);
    s.run();
    s.gotoStep(target);
    const fresh = new Session('lazy:c', text);
    fresh.gotoStep(target);
    assert.deepEqual(fingerprintParts(s.machine), fingerprintParts(fresh.machine), `back to step ${target}`);
    s.run();
    assert.deepEqual(fingerprintParts(s.machine), fingerprintParts(full.machine), `forward again from step ${target}`);
  }
});

test('the counter diff of a delta equals the diff of the flattened counters', () => {
  const text = [
    'config ram=64M',
    'swapon /dev/vda2 size=16M',
    'swapon /dev/zram0 size=8M -p 100',
    'echo Y > /sys/module/zswap/parameters/enabled',
    'task t',
    'mmap t a 4M thp=64K populate',
    'pageout t a',
    'touch t a pages=0..255',
    'swapoff /dev/zram0',
    'pageout t a',
    'swapoff -a',
    'swapon /dev/vdb size=4M',
  ].join('\n');
  const s = new Session('lazy:d', text);
  assert.notEqual(s.status, 'invalid', JSON.stringify(s.diagnostics));
  let prev = counterSet(s.machine);
  let changes = 0;
  while (s.step.index < s.step.total) {
    s.stepForward(1);
    const now = counterSet(s.machine);
    const flatPrev = flatCounters(prev);
    const flatNow = flatCounters(now);
    const expected: Record<string, number> = {};
    for (const [key, v] of Object.entries(flatNow)) if (flatPrev[key] !== v) expected[key] = v;
    for (const key of Object.keys(flatPrev)) if (!(key in flatNow)) expected[key] = 0;
    assert.deepEqual(changedCounters(prev, now), expected, `step ${s.step.index}`);
    changes += Object.keys(expected).length;
    prev = now;
  }
  assert.ok(changes > 20, `only ${changes} counter changes: the scenario does not exercise the diff`);
});
