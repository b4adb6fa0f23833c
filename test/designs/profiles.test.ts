import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allDesignDescriptors,
  DESIGN_PROFILES,
  designDescriptor,
  isDesignProfile,
} from '../../server/sim/designs/profiles';

describe('design profiles', () => {
  it('lists the seven profiles in era order', () => {
    assert.deepEqual([...DESIGN_PROFILES], ['legacy', 'p1', 'p3', 'p4', 'ghost', 'vswap', 'vswap-ste']);
    assert.deepEqual(
      allDesignDescriptors().map((d) => d.profile),
      [...DESIGN_PROFILES],
    );
    assert.equal(isDesignProfile('p4'), true);
    assert.equal(isDesignProfile('p2'), false);
  });
  it('marks only the mainline eras as merged', () => {
    const merged = allDesignDescriptors()
      .filter((d) => d.merged)
      .map((d) => d.profile);
    assert.deepEqual(merged, ['legacy', 'p1', 'p3', 'p4']);
    assert.match(designDescriptor('p3').version, /7\.1/);
    assert.match(designDescriptor('p4').version, /7\.2/);
    assert.match(designDescriptor('ghost').status, /not merged/);
  });
  it('cites the lore Message-IDs of the posted series', () => {
    const ids = (p: Parameters<typeof designDescriptor>[0]): string[] =>
      designDescriptor(p).sources.flatMap((s) => (s.messageId ? [s.messageId] : []));
    assert.ok(ids('p3').includes('20260218-swap-table-p3-v3-0-f4e34be021a7@tencent.com'));
    assert.ok(ids('ghost').includes('20260220-swap-table-p4-v1-0-104795d19815@tencent.com'));
    assert.ok(ids('ghost').includes('CAKEwX=OaDKQwanaYm=Mt+mWAKjaqXPdiScF6NB=TZYx1B-Xo8w@mail.gmail.com'));
    assert.ok(ids('vswap').includes('20260208215839.87595-1-nphamcs@gmail.com'));
    assert.ok(ids('vswap-ste').some((id) => id.startsWith('20260612193738.2183968-1-')));
    for (const d of allDesignDescriptors()) assert.ok(d.sources.length > 0, d.profile);
  });
  it('places count, memcg id, zero and cache as docs/kernel-model.md says', () => {
    const where = DESIGN_PROFILES.map((p) => {
      const d = designDescriptor(p);
      return [p, d.countLocation, d.memcgIdLocation, d.zeroLocation, d.swapCacheLocation];
    });
    assert.deepEqual(where, [
      ['legacy', 'swap_map', 'swap_cgroup', 'zeromap', 'xarray_per_64mib'],
      ['p1', 'swap_map', 'swap_cgroup', 'zeromap', 'swap_table'],
      ['p3', 'swap_table', 'swap_cgroup', 'zeromap', 'swap_table'],
      ['p4', 'swap_table', 'memcg_table', 'table_flag', 'swap_table'],
      ['ghost', 'swap_table', 'table_shadow', 'table_flag', 'swap_table'],
      ['vswap', 'swp_desc', 'swp_desc', 'backend', 'swp_desc'],
      ['vswap-ste', 'swap_table', 'memcg_table', 'table_flag', 'swap_table'],
    ]);
  });
  it("reparents on swapin to the dead memcg's parent only in the ghost RFC", () => {
    for (const d of allDesignDescriptors()) {
      assert.equal(d.reparentOnSwapin, d.profile === 'ghost' ? 'dead-memcg-parent' : 'faulting-task-memcg', d.profile);
    }
  });
  it('chooses the backend at writeout only in the vswap designs', () => {
    assert.deepEqual(
      allDesignDescriptors()
        .filter((d) => d.backendChosenAtWriteout)
        .map((d) => d.profile),
      ['vswap', 'vswap-ste'],
    );
    assert.equal(designDescriptor('vswap-ste').virtualChargeRule, 'physical-backing-only');
    assert.equal(designDescriptor('ghost').virtualChargeRule, 'charged-as-device-slot');
  });
  it('uses the §9 cluster_info sizes', () => {
    assert.deepEqual(
      DESIGN_PROFILES.map((p) => designDescriptor(p).clusterInfoBytes),
      [24, 32, 40, 48, 40, 32, 48],
    );
    assert.equal(designDescriptor('ghost').dynClusterInfoBytes, 64);
    assert.equal(designDescriptor('vswap-ste').dynClusterInfoBytes, 72);
    assert.equal(designDescriptor('p4').dynClusterInfoBytes, null);
  });
  it('keeps capability flags consistent with the placements', () => {
    for (const d of allDesignDescriptors()) {
      const c = d.capabilities;
      assert.equal(c.hasSwapMap, d.countLocation === 'swap_map', `${d.profile} swap_map`);
      assert.equal(c.countInTable, d.countLocation === 'swap_table', `${d.profile} count`);
      assert.equal(c.hasSwapCgroupArray, d.memcgIdLocation === 'swap_cgroup', `${d.profile} swap_cgroup`);
      assert.equal(c.hasMemcgTable, d.memcgIdLocation === 'memcg_table', `${d.profile} memcg_table`);
      assert.equal(c.hasZeromap, d.zeroLocation === 'zeromap', `${d.profile} zeromap`);
      assert.equal(c.zeroIsBackend, d.zeroLocation === 'backend', `${d.profile} zero backend`);
      assert.equal(c.hasSwapTable, d.swapCacheLocation === 'swap_table', `${d.profile} table`);
      assert.equal(c.hasExtendTable, c.countInTable, `${d.profile} extend`);
      assert.equal(c.hasContinuationPages, c.hasSwapMap, `${d.profile} continuation`);
      assert.equal(c.hasDynamicClusters, d.dynamicDevices, `${d.profile} dynamic`);
      assert.equal(c.supportsGhostDevice, d.profile === 'ghost', `${d.profile} ghost`);
      assert.equal(c.hasVirtualLayer, d.profile === 'vswap' || d.profile === 'vswap-ste', `${d.profile} virtual`);
    }
    assert.equal(designDescriptor('legacy').capabilities.hasSwapHasCacheBit, true);
    assert.equal(designDescriptor('p1').capabilities.hasSwapHasCacheBit, false);
    assert.equal(designDescriptor('p1').capabilities.swapinMayBypassCache, false);
  });
});
