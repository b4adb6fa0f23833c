/**
 * A deterministic fingerprint of the whole simulated state, for tests that
 * check undo restores exactly what was there and that runs are repeatable.
 * O(state): tests and debugging only.
 */
import type { Kernel } from './kernel';

/** FNV-1a over 32-bit words. */
class Hasher {
  h = 0x811c9dc5;
  word(n: number): void {
    // mix both halves so doubles above 2^32 (swap entries) count fully
    const lo = n >>> 0;
    const hi = Math.floor(n / 2 ** 32) >>> 0;
    this.h = Math.imul(this.h ^ lo, 0x01000193) >>> 0;
    this.h = Math.imul(this.h ^ hi, 0x01000193) >>> 0;
  }
  num(n: number): void {
    if (Number.isFinite(n)) this.word(n);
    else this.word(n > 0 ? 0x7fffffff : -1);
  }
  str(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    this.word(0xffff);
  }
  arr(a: ArrayLike<number> | null): void {
    if (!a) return this.word(0xdead);
    this.word(a.length);
    if (ArrayBuffer.isView(a)) {
      // hash the raw bytes, four at a time
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const words = new Int32Array(a.buffer, a.byteOffset, a.byteLength >>> 2);
      let h = this.h;
      for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193) >>> 0;
      for (let i = words.length * 4; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
      this.h = h;
      return;
    }
    for (let i = 0; i < a.length; i++) this.num(a[i]!);
  }
  bool(b: boolean): void {
    this.word(b ? 1 : 0);
  }
}

/** Per-subsystem fingerprints: which part of the state differs, when two fingerprints do. */
export function fingerprintParts(k: Kernel): Record<string, string> {
  const parts: Record<string, string> = {};
  let h = new Hasher();
  const cut = (name: string): void => {
    parts[name] = h.h.toString(16);
    h = new Hasher();
  };
  const sw = k.swap;
  h.num(sw.counters.nrSwapPages);
  h.num(sw.counters.totalSwapPages);
  h.str(sw.avail.map((s) => s.type).join(','));
  for (const pc of sw.percpu) {
    h.str(pc.si.map((s) => (s ? s.type : -1)).join(','));
    h.arr(pc.offset);
  }
  h.str([...sw.pendingDiscard].join(',') + '/' + [...sw.pendingReclaim].join(','));
  cut('swap');
  for (const si of sw.devices) {
    h.str(si.path);
    for (const n of [si.type, si.flags, si.prio, si.pages, si.inusePages, si.virginCursor, si.virginLeft]) h.num(n);
    h.bool(si.offList);
    h.bool(si.swapoffInProgress);
    h.arr(si.globalNext);
    const lists = [si.freeClusters, si.fullClusters, si.discardClusters, ...si.nonfullClusters, ...si.fragClusters];
    for (const l of lists) h.str([...l].map((c) => c.idx).join(','));
    for (const ci of si.clusters()) {
      for (const n of [ci.idx, ci.count, ci.flags, ci.order]) h.num(n);
      h.arr(ci.table?.meta ?? null);
      h.arr(ci.table?.val ?? null);
      h.arr(ci.memcgTable);
      h.arr(ci.extendTable);
      h.arr(ci.simContent);
    }
  }
  cut('devices');
  h.num(k.pages.nrFree);
  cut('pages');
  const f = k.folios;
  h.num(f.nrFolios);
  h.arr(f.head);
  h.arr(f.order);
  h.arr(f.flags);
  h.arr(f.memcg);
  h.arr(f.mapcount);
  h.arr(f.swap);
  h.arr(f.anonVma);
  h.arr(f.lruNext);
  h.arr(f.content);
  cut('folios');
  for (const t of k.mm.tasks.values()) {
    h.str(`${t.name}/${t.pid}/${t.state}/${t.memcg}/${t.cpu}`);
    for (const v of t.vmaList()) {
      h.str(`${v.name}/${v.id}/${v.anonVma.id}/${v.order}/${v.mlocked}`);
      h.arr(v.pte);
    }
  }
  cut('tasks');
  for (const m of k.memcgs.byId.values()) {
    h.str(`${m.id}/${m.path}/${m.online}`);
    for (const pc of [m.memory, m.swap]) for (const n of [pc.usage, pc.max, pc.high, pc.watermark, pc.localWatermark, pc.fdPeak]) h.num(n);
    for (const n of [m.zswapMax, m.zswapBytes, m.zswappedPages, m.zswapIncompPages, m.swapcachedPages, m.swapIdRefs, m.zswapDiskSwapins]) h.num(n);
    h.bool(m.zswapWriteback);
    h.str(JSON.stringify([m.eventsLocal, m.swapEventsLocal, m.statLocal]));
    for (const l of [m.inactiveAnon, m.activeAnon]) for (const n of [l.head, l.tail, l.nrPages]) h.num(n);
  }
  cut('memcg');
  h.str(JSON.stringify(k.zswap.params));
  h.num(k.zswap.poolBytes);
  h.bool(k.zswap.poolReachedFull);
  h.str(JSON.stringify(k.zswap.stats));
  h.num(k.zswap.nextSeq);
  h.num(k.zswap.nextShrink);
  for (const e of k.zswap.lruOrder()) {
    const z = k.zswap.entries.get(e)!;
    h.str(`${e}:${z.length}:${z.memcg}:${z.incompressible}:${z.referenced}:${z.seq}:${z.prev}:${z.next}`);
  }
  for (const [id, l] of [...k.zswap.lrus].sort((a, b) => a[0] - b[0])) h.str(`lru${id}:${l.head}:${l.tail}:${l.nr}`);
  cut('zswap');
  h.str(JSON.stringify([k.vmstat.events, k.vmstat.mthp, k.stat, k.sysctl, k.ra, k.thp]));
  cut('counters');
  return parts;
}

export function fingerprint(k: Kernel): string {
  const h = new Hasher();
  for (const v of Object.values(fingerprintParts(k))) h.str(v);
  return h.h.toString(16).padStart(8, '0') + ':' + k.log.length;
}
