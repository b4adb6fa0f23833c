// Simulator core figures (issue "Simulator core"): the cost of an idle
// terabyte device, allocation cost independent of device size, order-0
// swapout+free cycles, heap per used slot, and undo against do.
import { EventLog } from '../server/sim/events';
import { makeGeometry } from '../server/sim/geometry';
import { Journal } from '../server/sim/journal';
import { Kernel } from '../server/sim/kernel';
import { Swap, type SwapHooks } from '../server/sim/swapfile';
import { swpOffset } from '../server/sim/swap_entry';
import { SlotKind, withKind } from '../server/sim/swap_table';
import { heapUsedAfterGc, report, time } from './harness';

const GiB = 2 ** 30;

/** JS heap plus ArrayBuffer backing stores (typed arrays live outside the JS heap). */
function memoryInUse(): number {
  heapUsedAfterGc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
const TiB = 2 ** 40;

const noHooks: SwapHooks = { tryToReclaimSwap: () => 0, rangeFreed: () => {}, unchargeSwap: () => {} };

function swapLayer(recording: boolean): Swap {
  const j = new Journal();
  j.recording = recording;
  const log = new EventLog();
  log.enabled = false;
  return new Swap(makeGeometry({}), j, log, noHooks);
}

/**
 * One order-0 swapout and free at the swap layer, as the kernel does them:
 * folio_alloc_swap (PFN entry, count 0), try_to_unmap (count 1), the folio
 * leaves the cache after writeback (PFN -> shadow), then the PTE is zapped
 * (count 0 and an uncached slot: freed).
 */
function cycle(sw: Swap, pfn: number): void {
  const e = sw.allocSlots(pfn, 0, 0)!;
  sw.dupEntries(e, 1);
  shadow(sw, e);
  sw.putEntries(e, 1, false);
}

function shadow(sw: Swap, e: number): void {
  const si = sw.swapInfo[0]!;
  const off = swpOffset(e);
  const t = si.clusterOf(off)!.table!;
  const i = off & 511;
  t.meta[i] = withKind(t.meta[i]!, SlotKind.SHADOW);
}

// --- idle 1 TiB device: heap and swapon time ---------------------------------
{
  const sw = swapLayer(false);
  const before = memoryInUse();
  const start = process.hrtime.bigint();
  const si = sw.swapon({ path: '/dev/tb', kind: 'partition', sizeBytes: TiB });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const heap = memoryInUse() - before;
  report('sim.swapon_1TiB.time', ms, 'ms');
  report('sim.swapon_1TiB.free_clusters', sw.swapInfo[0]!.freeClusterCount, 'clusters'); // keeps `sw` alive
  report('sim.swapon_1TiB.heap', heap / 1024, 'KiB');
  report('sim.swapon_1TiB.slots', si.max, 'slots');
}

// --- per-operation cost independent of device size ----------------------------
{
  const ns = (size: number): number => {
    const sw = swapLayer(false);
    sw.swapon({ path: '/dev/x', kind: 'partition', sizeBytes: size });
    let pfn = 0;
    return time(() => cycle(sw, pfn++ & 0xffff), 2_000_000);
  };
  const small = ns(GiB);
  const big = ns(TiB);
  report('sim.alloc_free.1GiB', small, 'ns/op');
  report('sim.alloc_free.1TiB', big, 'ns/op');
  report('sim.alloc_free.ratio_1TiB_over_1GiB', big / small, 'ratio');
}

// --- 10 million order-0 swapout+free cycles -------------------------------------
{
  const sw = swapLayer(false);
  sw.swapon({ path: '/dev/x', kind: 'partition', sizeBytes: 64 * GiB });
  const n = 10_000_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) cycle(sw, i & 0xffff);
  report('sim.swapout_free_10M.time', Number(process.hrtime.bigint() - start) / 1e9, 's');
}

// --- heap per used slot (1 M swapped-out slots) --------------------------------
{
  const sw = swapLayer(false);
  sw.swapon({ path: '/dev/x', kind: 'partition', sizeBytes: 64 * GiB });
  const before = memoryInUse();
  const n = 1_000_000;
  for (let i = 0; i < n; i++) {
    const e = sw.allocSlots(i, 0, 0)!;
    sw.dupEntries(e, 1);
    shadow(sw, e);
  }
  const heap = memoryInUse() - before;
  report('sim.heap_per_used_slot', heap / n, 'B/slot');
  report('sim.heap_per_used_slot.used', sw.swapInfo[0]!.inusePages, 'slots'); // keeps `sw` alive across the measurement
}

// --- undo against do, through the whole model ----------------------------------
{
  const k = new Kernel({ ramBytes: 2 * GiB });
  k.log.enabled = false;
  k.swaponDevice({ path: '/dev/vdb', kind: 'partition', sizeBytes: 8 * GiB });
  k.createTask('t');
  k.mmap('t', 'a', 65536, { populate: true });
  const doNs: number[] = [];
  const undoNs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const m = k.mark();
    let t0 = process.hrtime.bigint();
    k.pageout('t', 'a');
    doNs.push(Number(process.hrtime.bigint() - t0));
    t0 = process.hrtime.bigint();
    k.rollback(m);
    undoNs.push(Number(process.hrtime.bigint() - t0));
  }
  const med = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  report('sim.pageout_64Ki_pages.do', med(doNs) / 1e6, 'ms');
  report('sim.pageout_64Ki_pages.undo', med(undoNs) / 1e6, 'ms');
  report('sim.undo_over_do', med(undoNs) / med(doNs), 'ratio');
  report('sim.kernel_pageout_per_page', med(doNs) / 65536, 'ns/page');
}
