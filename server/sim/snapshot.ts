/**
 * A deterministic fingerprint of the whole simulated state, for tests that
 * check undo restores exactly what was there and that runs are repeatable.
 * O(state): tests and debugging only.
 */
import type { Kernel } from './kernel';

const FNV_PRIME = 0x01000193;
const scratchF64 = new Float64Array(1);
const scratchWords = new Uint32Array(scratchF64.buffer);

/** FNV-1a over 32-bit words. */
class Hasher {
  h = 0x811c9dc5;
  word(n: number): void {
    this.h = Math.imul(this.h ^ n, FNV_PRIME) >>> 0;
  }
  num(n: number): void {
    if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) {
      // both halves, so that entries above 2^32 (swap entries) count fully
      this.word(n >>> 0);
      this.word(Math.floor(n / 2 ** 32) >>> 0);
    } else {
      // fractions, infinities and NaN by their bits, tagged apart from integers
      scratchF64[0] = n;
      this.word(0x7ff00001);
      this.word(scratchWords[0]!);
      this.word(scratchWords[1]!);
    }
  }
  str(s: string): void {
    let h = this.h;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME) >>> 0;
    this.h = h;
    this.word(0x10000); // terminator: no char code reaches it
  }
  arr(a: ArrayLike<number> | null): void {
    if (!a) return this.word(0xdead);
    this.word(a.length);
    if (ArrayBuffer.isView(a)) {
      // hash the raw bytes, four at a time
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const words = new Int32Array(a.buffer, a.byteOffset, a.byteLength >>> 2);
      let h = this.h;
      for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, FNV_PRIME) >>> 0;
      for (let i = words.length * 4; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME) >>> 0;
      this.h = h;
      return;
    }
    for (let i = 0; i < a.length; i++) this.num(a[i]!);
  }
  bool(b: boolean): void {
    this.word(b ? 1 : 0);
  }
  /**
   * A JSON-like value: counters records, settings, arrays of them. Object
   * keys are not hashed, only their number and the values in key order;
   * that is enough for records whose key set their type fixes, and much
   * cheaper than hashing a JSON text of them (which profiling showed to be
   * most of the cost of a fingerprint).
   */
  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        return this.num(v);
      case 'string':
        return this.str(v);
      case 'boolean':
        return this.word(v ? 0x7e57 : 0x7e56);
      case 'undefined':
        return this.word(0xdeaf);
    }
    if (v === null) return this.word(0xdead);
    if (ArrayBuffer.isView(v)) return this.arr(v as unknown as ArrayLike<number>);
    if (Array.isArray(v)) {
      this.word(v.length);
      for (const x of v) this.value(x);
      return;
    }
    const rec = v as Record<string, unknown>;
    const keys = Object.keys(rec);
    this.word(keys.length);
    for (const key of keys) this.value(rec[key]);
  }
}

/** Cluster fields hashed by name in fingerprintParts, or that link clusters (their lists are hashed instead). */
const CLUSTER_FIELDS_HASHED = new Set([
  'idx',
  'type',
  'count',
  'flags',
  'order',
  'table',
  'memcgTable',
  'extendTable',
  'simContent',
  'simData',
  'prev',
  'next',
  'list',
]);

/**
 * Whatever else a cluster carries (the virtual tables, owner tables and
 * rmap types of the ghost and vswap designs): every typed array, directly
 * or one object down, so a design that adds per-cluster state is covered
 * without this file naming it.
 */
function hashClusterExtras(h: Hasher, ci: object): void {
  for (const [key, v] of Object.entries(ci)) {
    if (CLUSTER_FIELDS_HASHED.has(key)) continue;
    h.str(key);
    if (v === null || v === undefined || typeof v !== 'object') {
      h.value(v);
    } else if (ArrayBuffer.isView(v)) {
      h.arr(v as unknown as ArrayLike<number>);
    } else {
      for (const inner of Object.values(v as Record<string, unknown>)) {
        if (ArrayBuffer.isView(inner)) h.arr(inner as unknown as ArrayLike<number>);
        else if (typeof inner === 'number') h.num(inner);
      }
    }
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
  h.num(sw.leastPriority);
  h.str(sw.avail.map((s) => s.type).join(','));
  // the per-CPU cluster caches of the virtual and backing allocators count as much as the plain one
  for (const pc of [...sw.percpu, ...sw.vpercpu, ...sw.bpercpu]) {
    h.str(pc.si.map((s) => (s ? s.type : -1)).join(','));
    h.arr(pc.offset);
  }
  h.str([...sw.pendingDiscard].join(',') + '/' + [...sw.pendingReclaim].join(','));
  cut('swap');
  for (const si of sw.devices) {
    h.str(si.path);
    for (const n of [
      si.type,
      si.flags,
      si.prio,
      si.pages,
      si.inusePages,
      si.virginCursor,
      si.virginLeft,
      si.tierMask,
      si.discards,
      si.discardedPages,
    ])
      h.num(n);
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
      h.arr(ci.simData);
      hashClusterExtras(h, ci);
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
  h.arr(f.data);
  cut('folios');
  for (const t of k.mm.tasks.values()) {
    h.str(`${t.name}/${t.pid}/${t.state}/${t.memcg}/${t.cpu}/${t.imagePages}/${t.imageMemcg}`);
    for (const v of t.vmaList()) {
      h.str(`${v.name}/${v.id}/${v.anonVma.id}/${v.order}/${v.mlocked}`);
      h.arr(v.pte);
      h.arr(v.holes);
    }
  }
  cut('tasks');
  for (const m of k.memcgs.byId.values()) {
    h.str(`${m.id}/${m.path}/${m.online}`);
    for (const pc of [m.memory, m.swap])
      for (const n of [pc.usage, pc.max, pc.high, pc.watermark, pc.localWatermark]) h.num(n);
    h.bool(m.subtreeControl);
    h.bool(m.oomGroup);
    for (const n of [
      m.zswapMax,
      m.zswapBytes,
      m.zswappedPages,
      m.zswapIncompPages,
      m.swapcachedPages,
      m.swapIdRefs,
      m.zswapDiskSwapins,
      m.stockPages,
      m.taskPages,
    ])
      h.num(n);
    h.bool(m.zswapWriteback);
    h.num(m.tierMask);
    h.num(m.tierEffectiveMask);
    h.value(m.eventsLocal);
    h.value(m.swapEventsLocal);
    h.value(m.statLocal);
    for (const l of [m.inactiveAnon, m.activeAnon]) for (const n of [l.head, l.tail, l.nrPages]) h.num(n);
  }
  for (const s of k.memcgs.stock) h.str(`${s.memcg}/${s.pages}`);
  cut('memcg');
  for (const f of k.files.list()) h.str(`${f.name}:${f.path}:${f.memcg?.id ?? 0}:${f.peak}`);
  cut('files');
  for (const m of [...k.fs.mounts.values()].sort((a, b) => (a.path < b.path ? -1 : 1)))
    h.str(`${m.path}:${m.fs}:${m.blockSize}:${m.device}`);
  for (const f of [...k.fs.files.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    h.str(`${f.path}:${f.size}:${f.fill}:${f.headerWritten}:${f.nocow}:${f.uid}:${f.swapActive}`);
    h.value(f.header);
  }
  h.str(`${k.cred.uid}:${k.cred.capSysAdmin}`);
  for (const line of k.dmesg) h.str(line);
  cut('fs');
  // swap tiers (config swap_tiers=on): the tier list, highest first
  if (k.tiers) h.str(k.tiers.showText());
  cut('tiers');
  h.value(k.zswap.params);
  h.num(k.zswap.poolBytes);
  h.bool(k.zswap.poolReachedFull);
  h.value(k.zswap.stats);
  h.num(k.zswap.nextSeq);
  h.num(k.zswap.nextShrink);
  for (const e of k.zswap.lruOrder()) {
    const z = k.zswap.entries.get(e)!;
    for (const n of [e, z.length, z.memcg, z.seq, z.prev, z.next]) h.num(n);
    h.bool(z.incompressible);
    h.bool(z.referenced);
  }
  for (const [id, l] of [...k.zswap.lrus].sort((a, b) => a[0] - b[0])) h.str(`lru${id}:${l.head}:${l.tail}:${l.nr}`);
  cut('zswap');
  h.value([k.vmstat.events, k.vmstat.mthp, k.stat, k.sysctl, k.ra, k.thp]);
  cut('counters');
  // kernel memory: pools in name order (a Map's order after undo is not its order before)
  for (const p of [...k.kmem.pools.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    h.str(`${p.name}/${p.kind}`);
    for (const n of [p.bytes, p.pages, p.held]) h.num(n);
    h.arr(p.pfns);
    h.arr(p.orders);
  }
  h.num(k.kmem.debt);
  for (const [key, bytes] of [...k.swapMeta.lines].sort((a, b) => (a[0] < b[0] ? -1 : 1))) h.str(`${key}=${bytes}`);
  cut('kmem');
  for (const z of [...k.zram.devices.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    h.str(`${z.path}/${z.compAlgorithm}/${z.backingDev ?? ''}/${z.claimed}`);
    h.num(z.disksize);
    h.num(z.limitPages);
    h.value(z.stats);
    for (const index of z.storedPages()) {
      h.num(index);
      h.num(z.flags(index));
      h.num(z.objectSize(index));
    }
  }
  cut('zram');
  return parts;
}

export function fingerprint(k: Kernel): string {
  return fingerprintOfParts(fingerprintParts(k), k.log.length);
}

/**
 * The fingerprint built from parts already computed (with the event log's
 * length at that moment): callers that keep the parts to name what differs
 * need not hash the whole state twice.
 */
export function fingerprintOfParts(parts: Record<string, string>, logLength: number): string {
  const h = new Hasher();
  for (const v of Object.values(parts)) h.str(v);
  return h.h.toString(16).padStart(8, '0') + ':' + logLength;
}
