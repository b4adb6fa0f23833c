/**
 * Writing folios out and reading them back (mm/page_io.c, now mm/swap_io.c:
 * swap_writeout(), swap_read_folio(); kernel-swap.md §4.2-§4.3, §5.3, §6).
 * I/O completes at once: the simulator has no timing.
 */
import { decodeContent, type ContentClass } from './content';
import { fail } from './errno';
import { PG_dirty, PG_sim_nobackend } from './folio';
import type { Kernel } from './kernel';
import { objcgMemcg, zswapWritebackEnabled } from './memcontrol';
import { zswapFolioSwapin, zswapLoad, zswapStore } from './zswap';
import { SWP_GHOST } from './swapfile';
import { swpOffset, swpType, type SwpEntry } from './swap_entry';
import { tbZero, withZero } from './swap_table';

export type WriteoutResult = 'freed' | 'zero' | 'zswap' | 'disk' | 'activate';

export class SwapIo {
  constructor(private readonly k: Kernel) {}

  /** The content class of each page of a folio, from its mapping. */
  folioContents(pfn: number): ContentClass[] {
    const f = this.k.folios;
    const out: ContentClass[] = [];
    for (let i = 0; i < f.nr(pfn); i++) out.push(decodeContent(f.content[pfn + i]!));
    return out;
  }

  /** Remember in the slot sidecar what the written pages held. */
  private recordContent(pfn: number, entry: SwpEntry, nr: number): void {
    const k = this.k;
    const si = k.swap.swapInfo[swpType(entry)]!;
    for (let i = 0; i < nr; i++) {
      const off = swpOffset(entry) + i;
      const sc = si.clusterOf(off)!.simContent!;
      k.j.a(sc, off & (k.geom.clusterSlots - 1), k.folios.content[pfn + i]!);
    }
  }

  /** Set or clear the Z flag of each slot (P4: SWP_TB_ZERO_FLAG; older: the zeromap bit). */
  private setZero(entry: SwpEntry, nr: number, zero: boolean): void {
    const k = this.k;
    const si = k.swap.swapInfo[swpType(entry)]!;
    for (let i = 0; i < nr; i++) {
      const off = swpOffset(entry) + i;
      const t = si.clusterOf(off)!.table!;
      const co = off & (k.geom.clusterSlots - 1);
      k.j.a(t.meta, co, withZero(t.meta[co]!, zero));
    }
  }

  /**
   * swap_writeout(): zero-filled folios only set Z; otherwise zswap is tried;
   * a rejected store goes to the device unless memory.zswap.writeback=0 (or
   * the device is a ghost), in which case the folio is activated and stays.
   */
  swapWriteout(pfn: number): WriteoutResult {
    const k = this.k;
    const f = k.folios;
    const entry = f.swap[pfn]!;
    const nr = f.nr(pfn);
    const order = f.order[pfn]!;
    const si = k.swap.swapInfo[swpType(entry)]!;
    const m = k.memcgs.get(f.memcg[pfn]!) ?? k.memcgs.root;
    const contents = this.folioContents(pfn);
    const off = swpOffset(entry);
    this.recordContent(pfn, entry, nr);
    if (contents.every((c) => c.kind === 'zero')) {
      this.setZero(entry, nr, true);
      k.vmstat.count('swpout_zero', nr);
      const objcg = objcgMemcg(k, m.id);
      if (objcg) k.memcgs.statEvent(objcg, 'swpout_zero', nr);
      f.clearFlag(pfn, PG_dirty | PG_sim_nobackend);
      k.log.emit({ kind: 'swapout', type: si.type, offset: off, nr, backend: 'zero' });
      return 'zero';
    }
    this.setZero(entry, nr, false);
    if (zswapStore(k, pfn)) {
      if (order > 0) k.vmstat.mthpCount(order, 'zswpout');
      f.clearFlag(pfn, PG_dirty | PG_sim_nobackend);
      k.log.emit({ kind: 'swapout', type: si.type, offset: off, nr, backend: 'zswap' });
      return 'zswap';
    }
    if (!zswapWritebackEnabled(k, m) || si.flags & SWP_GHOST) {
      // AOP_WRITEPAGE_ACTIVATE: redirty and keep the folio
      f.setFlag(pfn, PG_dirty);
      k.log.emit({ kind: 'swapout', type: si.type, offset: off, nr, backend: si.flags & SWP_GHOST ? 'ghost-activate' : 'none' });
      return 'activate';
    }
    this.deviceWrite(entry, nr, order, m.id);
    f.clearFlag(pfn, PG_dirty | PG_sim_nobackend);
    k.log.emit({ kind: 'swapout', type: si.type, offset: off, nr, backend: 'disk' });
    return 'disk';
  }

  /** __swap_writepage(): count the device write (pswpout, thp_swpout, per-size swpout). */
  deviceWrite(entry: SwpEntry, nr: number, order: number, memcgId: number): void {
    const k = this.k;
    k.vmstat.count('pswpout', nr);
    const m = k.memcgs.get(memcgId);
    if (m) k.memcgs.statEvent(m, 'pswpout', nr);
    if (order === k.geom.pmdOrder && k.geom.thpSwap) {
      k.vmstat.count('thp_swpout');
      if (m) k.memcgs.statEvent(m, 'thp_swpout', 1);
    }
    if (order > 0) k.vmstat.mthpCount(order, 'swpout');
  }

  /**
   * swap_read_folio(): zero-fill when Z is set, else an exclusive zswap load
   * (the folio comes back dirty), else a device read. A ghost device has
   * nothing to read: the kernel reports an I/O error.
   */
  swapReadFolio(pfn: number, entry: SwpEntry, nr: number): void {
    const k = this.k;
    const f = k.folios;
    const si = k.swap.swapInfo[swpType(entry)]!;
    const off = swpOffset(entry);
    const m = k.memcgs.get(f.memcg[pfn]!);
    if (tbZero(si.slotMeta(off))) {
      k.vmstat.count('swpin_zero', nr);
      if (m) k.memcgs.statEvent(m, 'swpin_zero', nr);
      k.log.emit({ kind: 'swapin', type: si.type, offset: off, nr, source: 'zero' });
      return;
    }
    if (k.zswap.anyPresent(entry, nr)) {
      if (nr > 1) fail('EIO', 'zswap cannot load a large folio (the swapin path should have fallen back)');
      zswapLoad(k, entry);
      f.setFlag(pfn, PG_dirty | PG_sim_nobackend);
      k.log.emit({ kind: 'swapin', type: si.type, offset: off, nr, source: 'zswap' });
      return;
    }
    if (si.flags & SWP_GHOST) fail('EIO', `read of ${si.path}:${off} missed zswap: a ghost device holds no data`);
    k.vmstat.count('pswpin', nr);
    if (m) k.memcgs.statEvent(m, 'pswpin', nr);
    zswapFolioSwapin(k, m);
    k.log.emit({ kind: 'swapin', type: si.type, offset: off, nr, source: 'disk' });
  }
}
