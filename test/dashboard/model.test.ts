// The dashboard's DOM-free parts: map geometry, the LRU and page cache, the
// session store, kernel-style counter text, exports and persisted state.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterDetail, ClusterMap } from '../../shared/protocol';
import { countersCsv, fileStem } from '../../media/dashboard/export';
import { Lru } from '../../media/dashboard/lru';
import { DeviceMapData, LIST_ORDER, PAGE_CELLS } from '../../media/dashboard/map/data';
import { slotGrid, Viewport, zoomLadder } from '../../media/dashboard/map/layout';
import { kernelFiles } from '../../media/dashboard/panels/kernel-text';
import { parseUiState } from '../../media/dashboard/persist';
import { SessionStore, splitCounterKey } from '../../media/dashboard/store';
import { delta, snapshot } from './samples';

const TIB_CLUSTERS = 524_288;

describe('map geometry', () => {
  test('a 1 TiB device fits whole, binned, in a typical panel', () => {
    const vp = new Viewport(820, 420, TIB_CLUSTERS, 512);
    assert.deepEqual(vp.level, { k: 8, s: 2 });
    assert.equal(vp.cells, 65_536);
    assert.ok(vp.contentHeight <= 420);
    assert.deepEqual(vp.visibleClusters(), [0, TIB_CLUSTERS]);
    assert.equal(vp.minIndex, vp.fitIndex, 'no zooming out past the whole device');
  });

  test('the ladder goes from binned cells down to one cluster as wide as the view', () => {
    const ladder = zoomLadder(820);
    assert.equal(ladder[0]!.k, 2 ** 24);
    assert.ok(
      ladder.every((l, i) => i === 0 || l.k < ladder[i - 1]!.k || l.s > ladder[i - 1]!.s),
      'each level zooms in',
    );
    const last = ladder[ladder.length - 1]!;
    assert.deepEqual(last, { k: 1, s: 768 });
  });

  test('cellAt and cellRect agree, and zooming keeps the pointed cluster at the pointer height', () => {
    const vp = new Viewport(820, 420, TIB_CLUSTERS, 512);
    for (const cell of [0, 1, 409, 410, 65_535]) {
      const r = vp.cellRect(cell);
      assert.equal(vp.cellAt(r.x + r.w / 2, r.y + r.h / 2), cell);
    }
    const x = 300;
    const y = 200;
    for (let i = 0; i < 14; i++) {
      // The anchor is the middle cluster of the cell under the pointer.
      const cluster = vp.cellAt(x, y) * vp.k + vp.k / 2;
      vp.zoomTo(vp.index + 1, x, y);
      // Columns reflow with the zoom (cells are a list of rows), so the guarantee is the row, not the column.
      const r = vp.cellRect(vp.cellOfCluster(cluster));
      assert.ok(r.y <= y && y < r.y + r.h, `the cluster's row stays under y at ${JSON.stringify(vp.level)}`);
    }
  });

  test('slots: a 32 × 16 grid per 512-slot cluster, picked back from their rectangles', () => {
    assert.deepEqual(slotGrid(512), { cols: 32, rows: 16 });
    assert.deepEqual(slotGrid(2048), { cols: 64, rows: 32 });
    assert.deepEqual(slotGrid(256), { cols: 16, rows: 16 });
    const vp = new Viewport(820, 420, 128, 512);
    vp.zoomTo(vp.slotIndex);
    assert.ok(vp.showsSlots && vp.s >= 256);
    vp.reveal(5);
    const cell = vp.cellOfCluster(5);
    for (const slot of [0, 31, 32, 200, 511]) {
      const r = vp.slotRect(cell, slot);
      assert.equal(vp.slotAt(r.x + r.w / 2, r.y + r.h / 2, cell), slot);
    }
  });

  test('resize keeps the level and the first visible cluster', () => {
    const vp = new Viewport(820, 420, TIB_CLUSTERS, 512);
    vp.zoomTo(vp.index + 6);
    vp.scrollBy(5000);
    const top = vp.firstVisibleCluster();
    const level = vp.level;
    vp.resize(1000, 500, TIB_CLUSTERS);
    assert.deepEqual(vp.level, level);
    assert.ok(Math.abs(vp.firstVisibleCluster() - top) < vp.cols * vp.k);
  });
});

describe('caches', () => {
  test('the LRU drops the least recently used entry', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    assert.equal(lru.get('a'), 1);
    lru.set('c', 3);
    assert.deepEqual([...lru.keys()], ['a', 'c']);
    assert.equal(lru.peek('b'), undefined);
    assert.throws(() => new Lru(0), RangeError);
  });

  test('map pages are fetched once per visible page and patched by cluster changes', async () => {
    const asked: { bins: number; from: number; to: number }[] = [];
    const fetcher = {
      clusterMap: async (type: number, bins: number, from: number, to: number) => {
        asked.push({ bins, from, to });
        const result: ClusterMap = {
          type,
          seq: 1,
          from,
          to,
          clustersPerBin: (to - from) / bins,
          list: new Array<number>(bins).fill(0),
          lists: ['free'],
          fill: new Array<number>(bins).fill(0),
          order: new Array<number>(bins).fill(-1),
          shmem: new Array<number>(bins).fill(0),
        };
        return { result, receivedAt: 0 };
      },
      cluster: async (): Promise<ClusterDetail> => {
        throw new Error('not used');
      },
    };
    const data = new DeviceMapData(0, TIB_CLUSTERS, 512, fetcher);
    let updates = 0;
    data.onUpdate = () => updates++;
    data.ensureCells(1, 0, PAGE_CELLS + 10);
    data.ensureCells(1, 0, PAGE_CELLS + 10);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(asked, [
      { bins: PAGE_CELLS, from: 0, to: PAGE_CELLS },
      { bins: PAGE_CELLS, from: PAGE_CELLS, to: 2 * PAGE_CELLS },
    ]);
    assert.equal(updates, 2);
    assert.ok(data.hasCells(1, 0, 2 * PAGE_CELLS));
    data.applyChanges([{ type: 0, cluster: 7, list: 'full', order: 2, count: 512, hasTable: true }], true, false);
    const page = data.page(1, 7)!;
    assert.equal(LIST_ORDER[page.list[7]!], 'full');
    assert.equal(page.fill[7], 1);
    assert.equal(page.order[7], 2);
    // A binned level's pages go stale and are fetched again; one-cluster pages were patched in place.
    data.ensureCells(8, 0, 10);
    await new Promise((r) => setImmediate(r));
    const before = asked.length;
    data.applyChanges([{ type: 0, cluster: 9, list: 'nonfull', order: 0, count: 1, hasTable: true }], true, false);
    data.ensureCells(8, 0, 10);
    data.ensureCells(1, 0, 10);
    assert.deepEqual(asked.slice(before), [{ bins: PAGE_CELLS, from: 0, to: PAGE_CELLS * 8 }]);
  });
});

describe('session store', () => {
  test('a delta updates devices, counters and history; a stale one is ignored', () => {
    const store = new SessionStore(snapshot);
    const effect = store.apply(delta());
    assert.ok(effect !== null);
    assert.equal(store.counters.get('vmstat.pswpout'), 13);
    assert.equal(store.previous.get('vmstat.pswpout'), 10);
    assert.deepEqual([...effect.counters].sort(), ['swaps./dev/vda2.Used', 'vmstat.pswpout']);
    assert.deepEqual(
      effect.clusters.get(0)?.map((c) => c.cluster),
      [1],
    );
    assert.ok(effect.slots.has(0));
    assert.equal(store.snapshot.step.index, 3);
    assert.deepEqual(store.series('vmstat.pswpout'), { steps: [2, 3], values: [10, 13] });
    assert.deepEqual(store.series('meminfo.SwapTotal').values, [65532, 65532], 'unchanged counters carry forward');
    assert.equal(store.apply(delta()), null, 'same seq again');
    assert.equal(store.apply({ ...delta(), seq: 9, uri: 'file:///other' }), null, 'another session');
  });

  test('a delta that skips a number is not applied: the page resyncs from a snapshot (issue #22)', () => {
    const store = new SessionStore(snapshot);
    const skipping = delta({ seq: delta().seq + 1 });
    assert.equal(store.misses(skipping), true);
    assert.equal(store.apply(skipping), null);
    assert.equal(store.snapshot.step.index, snapshot.step.index, 'nothing of it was applied');
    assert.equal(store.misses(delta()), false);
    assert.ok(store.apply(delta()) !== null);
  });

  test('a rewound delta drops the undone future', () => {
    const store = new SessionStore(snapshot);
    store.apply(delta());
    store.apply(
      delta({
        seq: 5,
        step: { ...delta().step, index: 4 },
        counters: { 'vmstat.pswpout': 20 },
        events: [{ id: 41, step: 4, kind: 'swapout', text: 'x' }],
      }),
    );
    assert.equal(store.events.length, 2);
    store.apply(
      delta({
        seq: 6,
        step: { ...delta().step, index: 3 },
        counters: { 'vmstat.pswpout': 13 },
        events: [],
        rewound: true,
      }),
    );
    assert.deepEqual(store.series('vmstat.pswpout'), { steps: [2, 3], values: [10, 13] });
    assert.deepEqual(
      store.events.map((e) => e.id),
      [40],
    );
  });

  test('removing a device removes its /proc/swaps row', () => {
    const store = new SessionStore(snapshot);
    store.apply(delta({ removedDevices: [0], counters: {} }));
    assert.equal(store.counters.has('swaps./dev/vda2.Used'), false);
    assert.equal(store.devices.size, 0);
  });

  test('counter keys split at the last dot for swap file names with dots', () => {
    assert.deepEqual(splitCounterKey('swaps./swap.img.Used'), { group: 'swaps', name: '/swap.img', field: 'Used' });
    assert.deepEqual(splitCounterKey('vmstat.pswpout'), { group: 'vmstat', name: 'pswpout', field: '' });
    assert.deepEqual(splitCounterKey('mthp.hugepages-64kB.swpout'), {
      group: 'mthp',
      name: 'hugepages-64kB',
      field: 'swpout',
    });
  });
});

describe('kernel-style text', () => {
  const text = (id: string): string[] => {
    const store = new SessionStore(snapshot);
    const file = kernelFiles(store.counters, snapshot.devices).find((f) => f.id === id);
    assert.ok(file !== undefined, id);
    return file.lines.map((l) => l.map((s) => s.text).join(''));
  };

  test('/proc/swaps pads the name to 40 columns, then tab-separated fields', () => {
    assert.deepEqual(text('proc-swaps'), [
      'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority',
      `/dev/vda2${' '.repeat(31)}partition\t65532\t\t40\t\t-2`,
    ]);
  });

  test('/proc/meminfo right-aligns values to column 24, then kB', () => {
    assert.deepEqual(text('proc-meminfo'), ['SwapTotal:         65532 kB', 'SwapFree:          65492 kB']);
  });

  test('mTHP sizes whose counters are all zero are left out', () => {
    const store = new SessionStore(snapshot);
    const file = kernelFiles(store.counters, snapshot.devices).find((f) => f.id === 'mthp-stats')!;
    assert.deepEqual(file.lines, []);
    assert.match(file.title, /1 size with all zeros left out/);
  });
});

describe('exports and saved state', () => {
  test('counters CSV: one row per visited step, values carried forward', () => {
    const store = new SessionStore(snapshot);
    store.apply(delta());
    const lines = countersCsv(store.history).trim().split('\n');
    const header = lines[0]!.split(',');
    assert.equal(header[0], 'step');
    const col = header.indexOf('vmstat.pswpout');
    const total = header.indexOf('meminfo.SwapTotal');
    assert.deepEqual(
      lines.slice(1).map((l) => [l.split(',')[0], l.split(',')[col], l.split(',')[total]]),
      [
        ['2', '10', '65532'],
        ['3', '13', '65532'],
      ],
    );
    assert.equal(fileStem('file:///home/u/tests/zswap%20wb.swapsim'), 'zswap_20wb');
    assert.equal(fileStem('/dev/vda2'), 'vda2');
  });

  test('a saved UI state is used only for its own scenario, and only its valid fields', () => {
    const saved = {
      version: 1,
      uri: 'file:///a.swapsim',
      device: 1,
      level: { k: 1, s: 48 },
      top: 64,
      selection: { type: 1, cluster: 3, offset: 1540 },
      open: ['panel-map'],
      charts: ['vmstat.pswpin'],
      compare: ['p3', 'bogus'],
      theme: 'light',
    };
    const state = parseUiState(saved, 'file:///a.swapsim', 'p4');
    assert.deepEqual(state.selection, { type: 1, cluster: 3, offset: 1540 });
    assert.deepEqual(state.compare, ['p3']);
    assert.equal(state.theme, 'light');
    assert.equal(parseUiState(saved, 'file:///b.swapsim', 'p4').selection, null, 'another scenario starts fresh');
    const broken = parseUiState({ ...saved, level: { k: -1 }, top: 'x', open: 'all' }, 'file:///a.swapsim', 'p4');
    assert.equal(broken.level, null);
    assert.equal(broken.top, 0);
    assert.ok(broken.open.includes('panel-map') && broken.open.includes('panel-counters'));
  });
});
