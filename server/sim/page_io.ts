/**
 * Writing folios out and reading them back (mm/page_io.c, now mm/swap_io.c:
 * swap_writeout(), swap_read_folio(); docs/kernel-model.md §4.2-§4.3, §5.3, §6).
 * I/O completes at once: the simulator has no timing.
 */
import { VtTag } from './cluster';
import { decodeContent, type ContentClass } from './content';
import { fail } from './errno';
import { PG_dirty, PG_sim_nobackend } from './folio';
import type { Kernel } from './kernel';
import { objcgMemcg, zswapWritebackEnabled, type Memcg } from './memcontrol';
import { zswapFolioSwapin, zswapLoad, zswapStore } from './zswap';
import { SWP_GHOST, SWP_SYNCHRONOUS_IO, type SwapInfo } from './swapfile';
import { swpOffset, swpType, type SwpEntry } from './swap_entry';
import { tbZero, withZero } from './swap_table';
import { allocBacking, backsToDisk, releaseBacking, setSwapfileBacking, vtTag, vtVal } from './virtual_layer';

/**
 * `disk`: written and done before swap_writeout() returns (a SWP_SYNCHRONOUS_IO
 * device); `writeback`: a bio submitted to a block device or swap file, still
 * in flight when pageout() returns (swap_writepage_bdev_async()); `error`: the
 * device refused the write (a zram past mem_limit); the folio stays dirty in
 * the swap cache.
 */
export type WriteoutResult = 'freed' | 'zero' | 'zswap' | 'disk' | 'writeback' | 'activate' | 'error';

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
      const ci = si.clusterOf(off)!;
      k.j.a(ci.simContent!, off & (k.geom.clusterSlots - 1), k.folios.content[pfn + i]!);
      k.j.a(ci.simData!, off & (k.geom.clusterSlots - 1), k.folios.data[pfn + i]!);
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
   * a rejected store goes to the device unless memory.zswap.writeback=0, in
   * which case the folio is activated and stays. Slots of a virtual layer
   * (ghost, vswap) choose their backend in virtualWriteout().
   */
  swapWriteout(pfn: number): WriteoutResult {
    const k = this.k;
    const f = k.folios;
    const entry = f.swap[pfn]!;
    const nr = f.nr(pfn);
    const order = f.order[pfn]!;
    const si = k.swap.swapInfo[swpType(entry)]!;
    const m = k.memcgs.get(f.memcg[pfn]!) ?? k.memcgs.root;
    if (si.dynamic) return this.virtualWriteout(pfn, entry, si, m);
    const off = swpOffset(entry);
    const early = this.zeroOrZswap(pfn, entry, si, m);
    if (early) return early;
    if (!zswapWritebackEnabled(k, m)) return this.keep(pfn, si, off, 'none', 'memory.zswap.writeback=0');
    if (!this.deviceWrite(entry, nr, order, m.id, (i) => f.content[pfn + i]!)) return this.writeError(pfn, si, off);
    f.clearFlag(pfn, PG_dirty | PG_sim_nobackend);
    k.log.emit({ kind: 'swapout', type: si.type, offset: off, nr, backend: 'disk' });
    return this.writeKind(si);
  }

  /**
   * end_swap_bio_write() with an error: the folio is redirtied and stays in
   * the swap cache (its PTEs hold the swap entry), to be written again by a
   * later reclaim pass.
   */
  private writeError(pfn: number, si: SwapInfo, off: number): WriteoutResult {
    const k = this.k;
    k.folios.setFlag(pfn, PG_dirty);
    k.log.emit({
      kind: 'swapout',
      type: si.type,
      offset: off,
      nr: k.folios.nr(pfn),
      backend: 'none',
      reason: 'write error: the zram device is at mem_limit (ENOMEM)',
    });
    return 'error';
  }

  /**
   * swap_writeout() of a virtual slot (the ghost device, the vswap device):
   * the backend is chosen now, not at allocation (objection 6 in §8.1).
   * Zero pages only set Z (v3: their own VSWAP_ZERO backend); zswap keeps
   * its entry keyed by the virtual slot; a rejected page goes to a new
   * physical slot with an rmap POINTER, if the device backs to disk, the
   * cgroup may write back and a slot (and, under vswap-ste, its charge) can
   * be had; otherwise the folio is activated. A backend left from before (a
   * clean swapin kept the disk copy) is released first.
   */
  private virtualWriteout(pfn: number, entry: SwpEntry, si: SwapInfo, m: Memcg): WriteoutResult {
    const k = this.k;
    const f = k.folios;
    const nr = f.nr(pfn);
    const order = f.order[pfn]!;
    const off = swpOffset(entry);
    releaseBacking(k, si, off, nr);
    const early = this.zeroOrZswap(pfn, entry, si, m);
    if (early) return early;
    if (!backsToDisk(k, si)) return this.keep(pfn, si, off, 'ghost-activate', 'a ghost device takes no writes');
    if (!zswapWritebackEnabled(k, m)) return this.keep(pfn, si, off, 'none', 'memory.zswap.writeback=0');
    const phys = allocBacking(k, entry, order, pfn, k.memcgs.onlineAncestor(m));
    if (phys === null) return this.keep(pfn, si, off, 'none', 'no physical swap slot for the backing');
    setSwapfileBacking(k, entry, phys, nr);
    if (!this.deviceWrite(phys, nr, order, m.id, (i) => f.content[pfn + i]!)) {
      releaseBacking(k, si, off, nr);
      return this.writeError(pfn, si, off);
    }
    f.clearFlag(pfn, PG_dirty | PG_sim_nobackend);
    k.log.emit({
      kind: 'swapout',
      type: si.type,
      offset: off,
      nr,
      backend: 'disk',
      physical: { type: swpType(phys), offset: swpOffset(phys) },
    });
    return this.writeKind(k.swap.swapInfo[swpType(phys)]!);
  }

  /** The start of every swap_writeout(): a zero-filled folio only sets Z; else zswap may take it. Null if neither did. */
  private zeroOrZswap(pfn: number, entry: SwpEntry, si: SwapInfo, m: Memcg): 'zero' | 'zswap' | null {
    const k = this.k;
    const f = k.folios;
    const nr = f.nr(pfn);
    const order = f.order[pfn]!;
    const off = swpOffset(entry);
    const contents = this.folioContents(pfn);
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
    return null;
  }

  /**
   * __swap_writepage(): a SWP_SYNCHRONOUS_IO device (zram) completes the
   * write before it returns (swap_writepage_bdev_sync()); a block device or a
   * swap file gets an asynchronous bio (swap_writepage_bdev_async()) and the
   * folio is still under writeback when pageout() returns, unless the
   * scenario asked for writes that complete at once (swap_writeback=sync).
   */
  private writeKind(si: SwapInfo): 'disk' | 'writeback' {
    return this.writesAsync(si) ? 'writeback' : 'disk';
  }

  /** A device write to `si` leaves the folio under writeback (writeKind()). */
  writesAsync(si: SwapInfo): boolean {
    return (si.flags & SWP_SYNCHRONOUS_IO) === 0 && this.k.asyncSwapWriteback;
  }

  /** AOP_WRITEPAGE_ACTIVATE: redirty and keep the folio. */
  private keep(
    pfn: number,
    si: SwapInfo,
    off: number,
    backend: 'ghost-activate' | 'none',
    reason: string,
  ): WriteoutResult {
    const k = this.k;
    k.folios.setFlag(pfn, PG_dirty);
    k.log.emit({ kind: 'swapout', type: si.type, offset: off, nr: k.folios.nr(pfn), backend, reason });
    return 'activate';
  }

  /**
   * __swap_writepage(): count the device write (pswpout, thp_swpout,
   * per-size swpout; counted at submission, so a failed write counts too)
   * and, on a zram device, store each page by its content code (zram.ts).
   * False when the device refused the write.
   */
  deviceWrite(entry: SwpEntry, nr: number, order: number, memcgId: number, code: (i: number) => number): boolean {
    const k = this.k;
    k.vmstat.count('pswpout', nr);
    const m = k.memcgs.get(memcgId);
    if (m) k.memcgs.statEvent(m, 'pswpout', nr);
    if (order === k.geom.pmdOrder && k.geom.thpSwap) {
      k.vmstat.count('thp_swpout');
      if (m) k.memcgs.statEvent(m, 'thp_swpout', 1);
    }
    if (order > 0) k.vmstat.mthpCount(order, 'swpout');
    const si = k.swap.swapInfo[swpType(entry)]!;
    const z = k.zramOf(si);
    if (!z) return true;
    for (let i = 0; i < nr; i++) {
      if (k.zram.writePage(z, swpOffset(entry) + i, code(i))) continue;
      // the bio fails as a whole: pages of it already stored are dropped again
      for (let b = 0; b < i; b++) k.zram.freePage(z, swpOffset(entry) + b, false);
      return false;
    }
    return true;
  }

  /** The device read of swap_read_folio(): a zram device reads (and un-idles) each page. */
  private deviceRead(entry: SwpEntry, nr: number): void {
    const k = this.k;
    const si = k.swap.swapInfo[swpType(entry)]!;
    const z = k.zramOf(si);
    if (z) for (let i = 0; i < nr; i++) k.zram.readPage(z, swpOffset(entry) + i);
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
    if (si.dynamic) {
      // a virtual slot reads from its physical backing (vtable SWAPFILE); NONE with a shadow means no data
      for (let i = 0; i < nr; i++) {
        if (vtTag(si, off + i) === VtTag.SWAPFILE) {
          this.deviceRead(vtVal(si, off + i), 1);
          continue;
        }
        if (si.flags & SWP_GHOST)
          fail('EIO', `read of ${si.path}:${off + i} missed zswap: a ghost device holds no data`);
        fail('EIO', `read of ${si.path}:${off + i}: the virtual slot has no backend (vtable NONE with a shadow)`);
      }
    } else {
      this.deviceRead(entry, nr);
    }
    k.vmstat.count('pswpin', nr);
    if (m) k.memcgs.statEvent(m, 'pswpin', nr);
    zswapFolioSwapin(k, m);
    k.log.emit({ kind: 'swapin', type: si.type, offset: off, nr, source: 'disk' });
  }
}
