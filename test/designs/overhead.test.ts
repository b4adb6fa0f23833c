import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareOverhead,
  computeOverhead,
  denseXarrayNodes,
  structureBytes,
  type OverheadTable,
  type Structure,
} from '../../server/sim/designs/overhead';
import type { DesignProfile } from '../../server/sim/designs/profiles';
import { coverBasisBytes, physicalScenario, vswapCoverScenario } from '../../server/sim/designs/worked_example';
import { device, fullDevice, GIB32_SLOTS, GiB, input, MiB, TIB_SLOTS } from './fixtures';

const emptyTiB = (profile: DesignProfile): OverheadTable =>
  computeOverhead(input(profile, [device({ maxSlots: TIB_SLOTS })]));
const TIB_CLUSTERS = TIB_SLOTS / 512;

function line(table: OverheadTable, structure: Structure, deviceName?: string | null) {
  const found = table.lines.find(
    (l) => l.structure === structure && (deviceName === undefined || l.device === deviceName),
  );
  assert.ok(found, `no ${structure} line in ${table.profile}`);
  return found;
}

const sum = (t: OverheadTable, ...structures: Structure[]): number =>
  structures.reduce((s, st) => s + structureBytes(t, st), 0);

describe('static arrays at 1 TiB (2^28 slots)', () => {
  for (const profile of ['legacy', 'p1', 'p3'] as const) {
    it(`${profile}: swap_cgroup is 512 MiB and zeromap 32 MiB`, () => {
      const t = emptyTiB(profile);
      assert.equal(structureBytes(t, 'swap_cgroup'), 512 * MiB);
      assert.equal(structureBytes(t, 'zeromap'), 32 * MiB);
      assert.equal(line(t, 'swap_cgroup').kind, 'static');
      assert.match(line(t, 'swap_cgroup').formula, /2 B × 268,435,456 slots/);
      assert.match(line(t, 'zeromap').formula, /268,435,456 slots/);
    });
  }
  for (const profile of ['legacy', 'p1'] as const) {
    it(`${profile}: swap_map is 256 MiB`, () => {
      const t = emptyTiB(profile);
      assert.equal(structureBytes(t, 'swap_map'), 256 * MiB);
      assert.equal(line(t, 'swap_map').formula, '1 B × 268,435,456 slots = 256 MiB');
    });
  }
  it('P3 has no swap_map; P4 has neither swap_cgroup nor zeromap', () => {
    assert.equal(
      emptyTiB('p3').lines.some((l) => l.structure === 'swap_map'),
      false,
    );
    const p4 = emptyTiB('p4');
    for (const gone of ['swap_map', 'swap_cgroup', 'zeromap'] as const)
      assert.equal(
        p4.lines.some((l) => l.structure === gone),
        false,
        gone,
      );
  });
  it('cluster_info grows 24 → 32 → 40 → 48 B per cluster across the eras', () => {
    const expected: [DesignProfile, number][] = [
      ['legacy', 24],
      ['p1', 32],
      ['p3', 40],
      ['p4', 48],
    ];
    for (const [profile, size] of expected) {
      const ci = line(emptyTiB(profile), 'cluster_info');
      assert.equal(ci.bytes, size * TIB_CLUSTERS, profile);
      assert.equal(ci.formula, `${size} B × 524,288 clusters = ${size / 2} MiB`);
    }
    assert.equal(structureBytes(emptyTiB('p4'), 'cluster_info'), 24 * MiB);
  });
  it('reproduces §9 empty-device totals: legacy 812 MiB, P3 ≈ 564 MiB, P4 ≈ 24 MiB', () => {
    assert.equal(emptyTiB('legacy').totals.total, 812 * MiB);
    // P3/P4 pay one header-cluster table on top; §9 rounds it away.
    assert.equal(emptyTiB('p3').totals.static, 564 * MiB);
    assert.equal(emptyTiB('p3').totals.total, 564 * MiB + 4096);
    assert.equal(emptyTiB('p4').totals.static, 24 * MiB);
    assert.equal(emptyTiB('p4').totals.total, 24 * MiB + 5 * 1024);
  });
  it('saving of P4 over P3 at 1 TiB is the swap_cgroup array plus zeromap, minus the bigger cluster_info', () => {
    assert.equal(
      emptyTiB('p3').totals.static - emptyTiB('p4').totals.static,
      512 * MiB + 32 * MiB + 20 * MiB - 24 * MiB,
    );
  });
  it('§9 full 1 TiB: P3 ≈ 2.53 GiB and P4 ≈ 2.52 GiB (within 1%)', () => {
    const full = fullDevice({ maxSlots: TIB_SLOTS });
    const p3 = computeOverhead(input('p3', [full])).totals.total / GiB;
    const p4 = computeOverhead(input('p4', [full])).totals.total / GiB;
    assert.ok(Math.abs(p3 - 2.53) / 2.53 < 0.01, `P3 ${p3}`);
    assert.ok(Math.abs(p4 - 2.52) / 2.52 < 0.01, `P4 ${p4}`);
  });
});

describe('per-cluster dynamic cost', () => {
  it('P4 costs 5 KiB (4096 + 1024) per cluster with a table', () => {
    const t = computeOverhead(input('p4', [device({ maxSlots: GIB32_SLOTS, clustersWithTable: 7, usedSlots: 100 })]));
    assert.equal(structureBytes(t, 'swap_table'), 7 * 4096);
    assert.equal(structureBytes(t, 'memcg_table'), 7 * 1024);
    assert.equal(t.totals.dynamic, 7 * 5120);
    assert.match(line(t, 'swap_table').formula, /4,096 B \(512 × 8 B\) × 7 clusters/);
    assert.match(line(t, 'memcg_table').formula, /1,024 B \(512 × 2 B\) × 7 clusters/);
  });
  it('extend_table adds 2 KiB per cluster with an overflowed count (P3+)', () => {
    for (const profile of ['p3', 'p4'] as const) {
      const t = computeOverhead(
        input(profile, [
          device({
            maxSlots: GIB32_SLOTS,
            clustersWithTable: 3,
            clustersWithExtendTable: 2,
            overflowSlots: 5,
            usedSlots: 20,
          }),
        ]),
      );
      assert.equal(structureBytes(t, 'extend_table'), 2 * 2048);
      assert.match(line(t, 'extend_table').formula, /2,048 B .* × 2 clusters .*5 slots/);
    }
  });
  it('zero_bitmap appears only on arches without a spare table bit, at 64 B per table', () => {
    const dev = device({ maxSlots: GIB32_SLOTS, clustersWithTable: 10, usedSlots: 10 });
    assert.equal(
      computeOverhead(input('p4', [dev])).lines.some((l) => l.structure === 'zero_bitmap'),
      false,
    );
    const t = computeOverhead(input('p4', [dev], { tableHasZeroFlag: false }));
    assert.equal(structureBytes(t, 'zero_bitmap'), 640);
    // P3 still has the global zeromap, so no per-cluster bitmap either way.
    assert.equal(
      computeOverhead(input('p3', [dev], { tableHasZeroFlag: false })).lines.some((l) => l.structure === 'zero_bitmap'),
      false,
    );
  });
  it('fragmentation (§9): 25% of 32 GiB costs 20 MiB packed and 80 MiB spread', () => {
    const packed = computeOverhead(
      input('p4', [device({ maxSlots: GIB32_SLOTS, clustersWithTable: 4096, usedSlots: GIB32_SLOTS / 4 })]),
    );
    const spread = computeOverhead(
      input('p4', [device({ maxSlots: GIB32_SLOTS, clustersWithTable: 16384, usedSlots: GIB32_SLOTS / 4 })]),
    );
    assert.equal(packed.totals.dynamic, 20 * MiB);
    assert.equal(spread.totals.dynamic, 80 * MiB);
  });
  it('fragmentation from the synthetic layouts: packed pays for the header cluster too', () => {
    const packed = computeOverhead(physicalScenario('p4', GIB32_SLOTS, GIB32_SLOTS / 4, 'packed'));
    const spread = computeOverhead(physicalScenario('p4', GIB32_SLOTS, GIB32_SLOTS / 4, 'spread'));
    assert.equal(packed.totals.dynamic, 4097 * 5120);
    assert.equal(spread.totals.dynamic, 80 * MiB);
  });
  it('cluster granularity: one used slot costs a whole table', () => {
    const t = computeOverhead(input('p4', [device({ maxSlots: GIB32_SLOTS, clustersWithTable: 2, usedSlots: 1 })]));
    assert.equal(t.totals.dynamic, 2 * 5120);
    assert.equal(t.totals.perUsedSlot, t.totals.total / 1);
  });
});

describe("the seed's per-slot figures (every slot of every cluster used)", () => {
  const S = GIB32_SLOTS;
  it('plain P4-style swap: 8 B/slot of table, 10 with memcg_table', () => {
    const t = computeOverhead(input('p4', [fullDevice({ maxSlots: S })]));
    assert.equal(structureBytes(t, 'swap_table') / S, 8);
    assert.equal(sum(t, 'swap_table', 'memcg_table') / S, 10);
    assert.equal(t.totals.static / S, 0.09375);
  });
  it('ghost + zswap: 16 B/slot (table + virtual_table), zswap found through virtual_table', () => {
    const t = computeOverhead(
      input('ghost', [fullDevice({ name: '/dev/ghostswap', role: 'ghost', maxSlots: S })], {
        zswap: { entries: S, compressedBytes: 0 },
      }),
    );
    assert.equal(sum(t, 'swap_table', 'virtual_table') / S, 16);
    assert.equal(structureBytes(t, 'zswap_tree'), 0);
    assert.equal(structureBytes(t, 'memcg_table'), 0);
  });
  it('ghost with the physical reverse map: 24 B/slot', () => {
    const t = computeOverhead(
      input('ghost', [
        fullDevice({ name: '/dev/ghostswap', role: 'ghost', maxSlots: S }),
        fullDevice({ name: '/dev/sdb', maxSlots: S, rmapSlots: S }),
      ]),
    );
    assert.equal(sum(t, 'swap_table', 'virtual_table', 'rmap') / S, 24);
    assert.equal(structureBytes(t, 'rmap'), 8 * S);
    assert.match(line(t, 'rmap').formula, /8 B × 8,388,608 POINTER entries/);
    // rmap slots are the lower half of a two-layer entry: counted once at the top.
    assert.equal(t.totals.usedEntries, S);
  });
  it('vswap v3: 24 B per swp_desc', () => {
    const t = computeOverhead(input('vswap', [], { vswapDescriptors: 1000 }));
    assert.equal(structureBytes(t, 'swp_desc'), 24_000);
    assert.equal(line(t, 'swp_desc').formula, '24 B × 1,000 virtual entries = ≈23.44 KiB');
    assert.equal(t.totals.usedEntries, 1000);
  });
  it('vswap-STE: 18 B/slot on the vswap device, +8 B rmap when disk-backed', () => {
    const zswapBacked = computeOverhead(
      input('vswap-ste', [fullDevice({ name: 'vswap', role: 'vswap', maxSlots: S })]),
    );
    assert.equal(sum(zswapBacked, 'swap_table', 'memcg_table', 'virtual_table') / S, 18);
    const diskBacked = computeOverhead(
      input('vswap-ste', [
        fullDevice({ name: 'vswap', role: 'vswap', maxSlots: S }),
        fullDevice({ name: '/dev/sdb', maxSlots: S, rmapSlots: S }),
      ]),
    );
    assert.equal(sum(diskBacked, 'swap_table', 'memcg_table', 'virtual_table', 'rmap') / S, 26);
    // RFC v2 defers memcg_table on physical clusters that only hold rmap entries.
    assert.equal(structureBytes(diskBacked, 'memcg_table', '/dev/sdb'), 0);
    assert.match(line(diskBacked, 'memcg_table', '/dev/sdb').formula, /deferred/);
  });
  it('legacy swap-cache XArray: ≈9 B/slot over a dense shadowed range', () => {
    const t = computeOverhead(
      input('legacy', [device({ maxSlots: S, usedSlots: S - 1, shadowSlots: S - 1, swapCacheGroups64: S / 64 })]),
    );
    assert.equal(structureBytes(t, 'swapcache_xarray') / S, 9);
    assert.match(line(t, 'swapcache_xarray').formula, /576 B × 131,072 leaf xa_nodes/);
  });
});

describe('vswap v3 cover cross-check (32 GB, 8,388,608 slots)', () => {
  it('P1/P2 static is 25 MiB on the cover basis (3.125 B/slot)', () => {
    const t = computeOverhead(input('p1', [device({ maxSlots: GIB32_SLOTS })]));
    assert.equal(t.totals.static - structureBytes(t, 'cluster_info'), 25 * MiB);
  });
  it('P1/P2 disk-backed full: 89 MiB; zswap-backed full: 153 MiB', () => {
    assert.equal(coverBasisBytes(vswapCoverScenario('p1', 'disk')), 89 * MiB);
    assert.equal(coverBasisBytes(vswapCoverScenario('p1', 'zswap')), 153 * MiB);
  });
  it('vswap zswap-backed full: 192 MiB (the cover reports 193)', () => {
    assert.equal(coverBasisBytes(vswapCoverScenario('vswap', 'zswap')), 192 * MiB);
  });
  it('vswap disk-backed full: 258 MiB, within 1% of the reported 259', () => {
    const mib = coverBasisBytes(vswapCoverScenario('vswap', 'disk')) / MiB;
    assert.equal(mib, 258);
    assert.ok(Math.abs(mib - 259) / 259 < 0.01);
  });
  it('vswap 0% disk-backed is the two bitmaps: 2 MiB', () => {
    const t = computeOverhead(input('vswap', [device({ maxSlots: GIB32_SLOTS, clustersWithTable: 0 })]));
    assert.equal(structureBytes(t, 'vswap_bitmaps'), 2 * MiB);
  });
});

describe('zswap lines', () => {
  it('48 B per zswap_entry and 8 B per tree slot in the table designs', () => {
    const t = computeOverhead(
      input('p4', [device({ maxSlots: GIB32_SLOTS, usedSlots: 10 })], {
        zswap: { entries: 10, compressedBytes: 12_345 },
      }),
    );
    assert.equal(structureBytes(t, 'zswap_entry'), 480);
    assert.equal(structureBytes(t, 'zswap_tree'), 80);
    assert.equal(line(t, 'zswap_entry').device, null);
    // compressed payload is data, not metadata
    assert.equal(t.data.zswapCompressedBytes, 12_345);
    assert.equal(
      t.totals.total,
      t.lines.reduce((s, l) => s + l.bytes, 0),
    );
  });
  it('vswap v3 has no zswap tree at all', () => {
    const t = computeOverhead(input('vswap', [], { vswapDescriptors: 5, zswap: { entries: 5, compressedBytes: 0 } }));
    assert.equal(
      t.lines.some((l) => l.structure === 'zswap_tree'),
      false,
    );
  });
  it('ghost: per-device zswapEntries split tree-held from virtual_table-held entries', () => {
    const ghost = device({ name: '/dev/ghostswap', role: 'ghost', maxSlots: 2 ** 24, usedSlots: 6, zswapEntries: 6 });
    const phys = device({ name: '/dev/sdb', maxSlots: GIB32_SLOTS, usedSlots: 4, zswapEntries: 4 });
    const t = computeOverhead(input('ghost', [ghost, phys], { zswap: { entries: 10, compressedBytes: 0 } }));
    assert.equal(structureBytes(t, 'zswap_tree'), 32);
    assert.match(line(t, 'zswap_tree').formula, /8 B × 4 entries.*6 more found through the virtual layer/);
  });
  it('per-device zswapEntries may not exceed the global count', () => {
    const phys = device({ maxSlots: GIB32_SLOTS, usedSlots: 4, zswapEntries: 4 });
    assert.throws(
      () => computeOverhead(input('p4', [phys], { zswap: { entries: 3, compressedBytes: 0 } })),
      RangeError,
    );
  });
});

describe('legacy dynamic structures', () => {
  it('continuation pages cost a page each', () => {
    const t = computeOverhead(
      input('legacy', [device({ maxSlots: GIB32_SLOTS, usedSlots: 3, overflowSlots: 3, continuationPages: 2 })]),
    );
    assert.equal(structureBytes(t, 'continuation_pages'), 8192);
    assert.match(
      line(t, 'continuation_pages').formula,
      /4,096 B × 2 continuation pages \(3 slots above SWAP_MAP_MAX\)/,
    );
  });
  it('P1/P2 keep swap_map continuation pages, P3 replaces them with extend_table', () => {
    assert.ok(emptyTiB('p1').lines.some((l) => l.structure === 'continuation_pages'));
    assert.equal(
      emptyTiB('p3').lines.some((l) => l.structure === 'continuation_pages'),
      false,
    );
    assert.ok(emptyTiB('p3').lines.some((l) => l.structure === 'extend_table'));
  });
});

describe('dynamic clusters (ghost, vswap-STE)', () => {
  it('denseXarrayNodes counts leaves and inner nodes of a dense XArray', () => {
    assert.equal(denseXarrayNodes(0), 0);
    assert.equal(denseXarrayNodes(1), 0);
    assert.equal(denseXarrayNodes(2), 1);
    assert.equal(denseXarrayNodes(64), 1);
    assert.equal(denseXarrayNodes(65), 3);
    assert.equal(denseXarrayNodes(4096), 65);
    assert.equal(denseXarrayNodes(4097), 68);
  });
  it('a ghost device pays ci_dyn and xa_nodes per allocated cluster, nothing static', () => {
    const ghost = device({
      name: '/dev/ghostswap',
      role: 'ghost',
      maxSlots: 2 ** 25,
      clustersAllocated: 100,
      clustersWithTable: 100,
      usedSlots: 50_000,
    });
    const t = computeOverhead(input('ghost', [ghost]));
    assert.equal(t.totals.static, 0);
    assert.equal(line(t, 'cluster_info').kind, 'dynamic');
    assert.equal(structureBytes(t, 'cluster_info'), 100 * 64);
    assert.equal(structureBytes(t, 'xarray_nodes'), 3 * 576);
    assert.equal(structureBytes(t, 'virtual_table'), 100 * 4096);
    assert.match(line(t, 'xarray_nodes').formula, /576 B × 3 xa_nodes for 100 clusters/);
  });
  it('an empty vswap-STE device holds only its pre-allocated cluster 0', () => {
    const t = computeOverhead(input('vswap-ste', [device({ name: 'vswap', role: 'vswap', maxSlots: 2 ** 32 - 1 })]));
    assert.equal(t.totals.static, 0);
    assert.equal(t.totals.dynamic, 72 + 4096 + 1024 + 4096);
  });
});

describe('input validation', () => {
  it('rejects a ghost device outside the ghost profile and a vswap device outside vswap-ste', () => {
    assert.throws(
      () => computeOverhead(input('p4', [device({ role: 'ghost', maxSlots: 1024 })])),
      /only in the ghost profile/,
    );
    assert.throws(
      () => computeOverhead(input('ghost', [device({ role: 'vswap', maxSlots: 1024 })])),
      /only in the vswap-ste profile/,
    );
  });
  it('rejects inconsistent geometry and counts', () => {
    assert.throws(() => computeOverhead(input('p4', [device({ maxSlots: 1024, clusters: 3 })])), /clusters 3/);
    assert.throws(
      () => computeOverhead(input('p4', [device({ maxSlots: 1024, clustersWithTable: 3 })])),
      /clustersWithTable/,
    );
    assert.throws(() => computeOverhead(input('p4', [device({ maxSlots: 1024, usedSlots: -1 })])), /non-negative/);
    assert.throws(
      () => computeOverhead(input('p4', [device({ maxSlots: 1024, usedSlots: 5, rmapSlots: 5 })])),
      /no reverse-map/,
    );
    assert.throws(() => computeOverhead(input('p4', [], { vswapDescriptors: 3 })), /only in the vswap profile/);
    assert.throws(
      () => computeOverhead(input('p4', [device({ maxSlots: 1024 }), device({ maxSlots: 1024 })])),
      /listed twice/,
    );
  });
  it('perUsedSlot is null when nothing is in use', () => {
    assert.equal(emptyTiB('p4').totals.perUsedSlot, null);
  });
  it('every line names its source section and shows the computed size', () => {
    for (const profile of ['legacy', 'p1', 'p3', 'p4', 'ghost', 'vswap', 'vswap-ste'] as const) {
      for (const l of computeOverhead(physicalScenario(profile, GIB32_SLOTS, 1000, 'spread')).lines) {
        assert.match(l.source, /§\d/, `${profile} ${l.structure}`);
        assert.match(l.formula, / = [≈\d]/, `${profile} ${l.structure}`);
      }
    }
  });
});

describe('compareOverhead', () => {
  const rows = compareOverhead(
    (['legacy', 'p3', 'p4'] as const).map((p) => input(p, [device({ maxSlots: TIB_SLOTS })])),
  );
  it('lines the profiles up per structure, null where a design lacks it', () => {
    const swapMap = rows.find((r) => r.key === 'swap_map');
    assert.ok(swapMap);
    assert.deepEqual(
      swapMap.cells.map((c) => [c.profile, c.value]),
      [
        ['legacy', 256 * MiB],
        ['p3', null],
        ['p4', null],
      ],
    );
    const memcg = rows.find((r) => r.key === 'memcg_table');
    assert.deepEqual(
      memcg?.cells.map((c) => c.value),
      [null, null, 1024],
    );
  });
  it('ends with static, dynamic, total and per-entry rows', () => {
    assert.deepEqual(
      rows.slice(-4).map((r) => r.key),
      ['total_static', 'total_dynamic', 'total', 'per_used_slot'],
    );
    assert.deepEqual(
      rows.find((r) => r.key === 'total')?.cells.map((c) => c.value),
      [812 * MiB, 564 * MiB + 4096, 24 * MiB + 5120],
    );
    assert.equal(rows.at(-1)?.unit, 'B/entry');
  });
  it('cell details carry the per-device formulas', () => {
    const cg = rows.find((r) => r.key === 'swap_cgroup');
    assert.match(cg?.cells[0]?.detail ?? '', /^\/dev\/sdb: 2 B × 268,435,456 slots/);
  });
});
