/**
 * Consistency checks run after operations (in tests always, at run time on
 * request). Each returns a message naming the device, cluster or slot.
 * O(touched clusters + folios + zswap entries): not for hot paths.
 */
import { CLUSTER_LIST_NAMES, ClusterFlag } from './cluster';
import { PG_swapcache } from './folio';
import { Kernel } from './kernel';
import { memcgInvariants } from './memcontrol';
import { zswapInvariants } from './zswap';
import { ptePfn, pteIsPresent } from './mm';
import { SWP_TB_COUNT_MAX, SlotKind, tbInlineCount, tbKind } from './swap_table';
import { swpOffset, swpType } from './swap_entry';

export function checkInvariants(k: Kernel): string[] {
  const out: string[] = [];
  const slots = k.geom.clusterSlots;
  let totalFree = 0;
  let totalPages = 0;
  let cachedSlots = 0;
  let chargedSlots = 0;
  for (const si of k.swap.devices) {
    let used = 0;
    let listed = si.freeClusters.length + si.fullClusters.length + si.discardClusters.length;
    for (const l of si.nonfullClusters) listed += l.length;
    for (const l of si.fragClusters) listed += l.length;
    let materialised = 0;
    for (const ci of si.clusters()) {
      materialised++;
      const where = `${si.path} cluster ${ci.idx}`;
      if (ci.flags === ClusterFlag.NONE) out.push(`${where} is off every list between operations`);
      const onFree = ci.flags === ClusterFlag.FREE;
      if (onFree !== (ci.table === null)) out.push(`${where}: table ${ci.table ? 'allocated' : 'missing'} while ${CLUSTER_LIST_NAMES[ci.flags]}`);
      if (ci.list && ci.list.flag !== ci.flags) out.push(`${where}: flag ${CLUSTER_LIST_NAMES[ci.flags]} but on the ${CLUSTER_LIST_NAMES[ci.list.flag]} list`);
      if (ci.flags === ClusterFlag.NONFULL || ci.flags === ClusterFlag.FRAG) {
        if (ci.list && ci.list.order !== ci.order) out.push(`${where}: order ${ci.order} on a list of order ${ci.list.order}`);
        if (ci.count === 0 || ci.count === slots) out.push(`${where}: count ${ci.count} on a partial list`);
      }
      if (ci.flags === ClusterFlag.FULL && ci.count !== slots) out.push(`${where}: on full with count ${ci.count}`);
      if ((onFree || ci.flags === ClusterFlag.DISCARD) && ci.count !== 0) out.push(`${where}: free with count ${ci.count}`);
      if (!ci.table) continue;
      let nonNull = 0;
      let needsExtend = false;
      for (let off = 0; off < slots; off++) {
        const m = ci.table.meta[off]!;
        const kind = tbKind(m);
        const offset = ci.idx * slots + off;
        if (kind === SlotKind.NULL) {
          if (ci.memcgTable && ci.memcgTable[off] !== 0) out.push(`${si.path}:${offset} is free but records memcg ${ci.memcgTable[off]}`);
          if (m !== 0) out.push(`${si.path}:${offset} is NULL with flags or count`);
          continue;
        }
        nonNull++;
        if (kind === SlotKind.BAD) continue;
        used++;
        const count = si.slotCount(offset);
        if (tbInlineCount(m) === SWP_TB_COUNT_MAX) needsExtend = true;
        if (kind === SlotKind.SHADOW && count === 0) out.push(`${si.path}:${offset} is a shadow with count 0 (should be free)`);
        if (kind === SlotKind.PFN) {
          cachedSlots++;
          const pfn = ci.table.val[off]!;
          const head = k.folios.head[pfn]!;
          if (head < 0 || !k.folios.test(head, PG_swapcache)) out.push(`${si.path}:${offset} caches PFN ${pfn} that is not a swapcache folio`);
          else if (k.folios.swap[head]! + (pfn - head) !== si.type * 2 ** 32 + offset) out.push(`${si.path}:${offset}: folio ${head} points at another slot`);
        }
        if (ci.memcgTable && ci.memcgTable[off] !== 0) chargedSlots++;
      }
      if (nonNull !== ci.count) out.push(`${si.path} cluster ${ci.idx}: count ${ci.count} but ${nonNull} slots in use or bad`);
      if (ci.extendTable && !needsExtend) out.push(`${si.path} cluster ${ci.idx}: extend_table kept with no overflowed slot`);
      if (!ci.extendTable && needsExtend) out.push(`${si.path} cluster ${ci.idx}: overflowed count without extend_table`);
    }
    if (listed !== materialised) out.push(`${si.path}: ${listed} clusters on lists but ${materialised} materialised`);
    if (materialised + si.virginLeft !== si.nrClusters) {
      out.push(`${si.path}: ${materialised} materialised + ${si.virginLeft} untouched clusters != ${si.nrClusters}`);
    }
    if (used !== si.inusePages) out.push(`${si.path}: ${used} slots in use but inuse_pages is ${si.inusePages}`);
    if (!si.swapoffInProgress) {
      totalFree += si.pages - si.inusePages;
      totalPages += si.pages;
    }
    const shouldBeListed = si.inusePages < si.pages && !si.swapoffInProgress;
    if (shouldBeListed !== k.swap.avail.includes(si)) out.push(`${si.path}: avail list membership ${!shouldBeListed} with ${si.inusePages}/${si.pages} used`);
  }
  if (totalFree !== k.swap.counters.nrSwapPages) out.push(`nr_swap_pages ${k.swap.counters.nrSwapPages} but ${totalFree} free slots`);
  if (totalPages !== k.swap.counters.totalSwapPages) out.push(`total_swap_pages ${k.swap.counters.totalSwapPages} but devices hold ${totalPages}`);
  if (cachedSlots !== k.stat.nrSwapcache) out.push(`NR_SWAPCACHE ${k.stat.nrSwapcache} but ${cachedSlots} slots hold a folio`);

  // memcg: swap charges match the recorded ids; page counters are sums of children
  const swapLocal = new Map<number, number>();
  for (const m of k.memcgs.byId.values()) swapLocal.set(m.id, 0);
  for (const si of k.swap.devices) {
    for (const ci of si.clusters()) {
      const mt = ci.memcgTable;
      if (!mt || !ci.table) continue;
      for (let off = 0; off < slots; off++) if (mt[off]) swapLocal.set(mt[off]!, (swapLocal.get(mt[off]!) ?? 0) + 1);
    }
  }
  let recorded = 0;
  for (const [, n] of swapLocal) recorded += n;
  if (recorded !== chargedSlots) out.push(`memcg ids recorded on ${recorded} slots, ${chargedSlots} in-use slots carry one`);
  // subtree sums in one pass, deepest cgroups first
  const all = [...k.memcgs.byId.values()];
  const depth = (m: { parent: unknown }): number => {
    let d = 0;
    for (let p = (m as { parent: { parent: unknown } | null }).parent; p; p = p.parent as { parent: unknown } | null) d++;
    return d;
  };
  const subtreeSlots = new Map<number, number>();
  for (const m of all.sort((a, b) => depth(b) - depth(a))) {
    const own = (swapLocal.get(m.id) ?? 0) + (subtreeSlots.get(m.id) ?? 0);
    subtreeSlots.set(m.id, own);
    if (m.parent) subtreeSlots.set(m.parent.id, (subtreeSlots.get(m.parent.id) ?? 0) + own);
    if (own !== m.swap.usage) out.push(`memcg ${m.name}: swap.current ${m.swap.usage} pages but ${own} slots charged in its subtree`);
    if (m.swapIdRefs !== (swapLocal.get(m.id) ?? 0)) out.push(`memcg ${m.name}: ${m.swapIdRefs} id references for ${swapLocal.get(m.id) ?? 0} slots`);
  }

  // zswap: pool size is the sum of entries; every entry's slot is in use
  let pool = 0;
  for (const [entry, e] of k.zswap.entries) {
    pool += e.length;
    const si = k.swap.swapInfo[swpType(entry)];
    if (!si || si.slotCount(swpOffset(entry)) === 0 && tbKind(si.slotMeta(swpOffset(entry))) !== SlotKind.PFN) {
      out.push(`zswap entry for ${si?.path ?? 'type ' + swpType(entry)}:${swpOffset(entry)} whose slot is free`);
    }
  }
  if (pool !== k.zswap.poolBytes) out.push(`zswap pool ${k.zswap.poolBytes} B but entries hold ${pool} B`);
  out.push(...zswapInvariants(k));
  // memcg page counters: folios, zswap pages and children add up to memory.current
  out.push(...memcgInvariants(k));

  // folios: mapcounts match the page tables
  const maps = new Map<number, number>();
  for (const t of k.mm.tasks.values()) {
    for (const v of t.vmas.values()) {
      for (let i = 0; i < v.nrPages; i++) {
        const p = v.pte[i]!;
        if (!pteIsPresent(p)) continue;
        const head = k.folios.head[ptePfn(p)]!;
        if (head < 0) {
          out.push(`${t.name}:${v.name}[${i}] maps free page ${ptePfn(p)}`);
          continue;
        }
        maps.set(head, (maps.get(head) ?? 0) + 1);
      }
    }
  }
  for (const [head, n] of maps) {
    if (k.folios.mapcount[head] !== n) out.push(`folio ${head}: mapcount ${k.folios.mapcount[head]} but ${n} PTEs map it`);
  }
  return out;
}

Kernel.invariantChecker = checkInvariants;
