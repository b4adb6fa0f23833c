/**
 * What one slot's metadata looks like under each design (docs/designs.md):
 * the swap table entry of P1, P3 or P4, the legacy swap_map byte, the
 * swap_cgroup and memcg_table ids, the zeromap bit, the ghost RFC's
 * virtual_table, the vswap-STE vtable and Pointer entries, the vswap v3
 * swp_desc and physical bitmaps. Values are built with BigInt only here, for
 * display; the virtual-layer views are derived from the simulated vtable
 * state (server/sim/virtual_layer.ts).
 */
import type { DesignName, SlotEncoding } from '../../shared/protocol';
import { VtTag } from '../sim/cluster';
import {
  describeGhostVirtualTable,
  describeSwapMapByte,
  describeSwpDesc,
  describeVtable,
  encodeSwapMap,
  encodeSwpDesc,
  encodeVtable,
  folioAddress,
  zswapEntryAddress,
  type SwpDescBackend,
  type SwpDescCache,
  type VtableEntry,
} from '../sim/designs';
import type { Kernel } from '../sim/kernel';
import {
  SlotKind,
  SWP_TB_COUNT_MAX,
  hex64,
  swpTbRaw,
  tbKind,
  tbZero,
  unpackShadow,
  type TableLayout,
} from '../sim/swap_table';
import type { SwapInfo } from '../sim/swapfile';
import { swpEntryRaw, swpOffset, swpType } from '../sim/swap_entry';
import { rmapTarget, vtTag, vtVal } from '../sim/virtual_layer';

function tableEncoding(layout: TableLayout, meta: number, val: number, count: number, pointerNote = ''): SlotEncoding {
  const raw = swpTbRaw(layout, meta, val, count);
  const kind = tbKind(meta);
  const fields: SlotEncoding['fields'] = [];
  const title = `swap table entry (${layout === 'p1' ? 'P1/P2' : layout.toUpperCase()})`;
  if (kind === SlotKind.NULL) {
    fields.push({ name: 'NULL', bits: [63, 0], value: '0', meaning: 'free slot' });
  } else if (kind === SlotKind.BAD) {
    fields.push({
      name: 'BAD',
      bits: [63, 0],
      value: hex64(raw),
      meaning: layout === 'p1' ? 'marked in swap_map, not the table' : 'SWP_TB_BAD (~0UL << 3)',
    });
  } else if (kind === SlotKind.POINTER) {
    // vswap-STE Pointer kind: `C | vswap offset | 100`; here `count` carries C (1 = cache-only)
    fields.push({
      name: 'C',
      bits: [63, 63],
      value: count ? '1' : '0',
      meaning: 'SWP_RMAP_CACHE_ONLY: the virtual count is 0 but a folio is cached',
    });
    fields.push({
      name: 'virtual offset',
      bits: [62, 3],
      value: String(val),
      meaning: pointerNote || 'rmap: the virtual slot this physical slot backs',
    });
    fields.push({ name: 'tag', bits: [2, 0], value: '0b100' });
  } else if (layout === 'p1') {
    if (kind === SlotKind.PFN)
      fields.push({ name: 'folio', bits: [63, 0], value: hex64(raw), meaning: `struct folio * (PFN ${val})` });
    else {
      const sh = unpackShadow(val);
      fields.push({
        name: 'shadow',
        bits: [63, 1],
        value: '0x' + val.toString(16),
        meaning: `workingset cookie: memcg ${sh.memcgId}, eviction ${sh.eviction}`,
      });
      fields.push({ name: 'xa_value', bits: [0, 0], value: '1' });
    }
  } else {
    const inline = Math.min(count, SWP_TB_COUNT_MAX);
    fields.push({
      name: 'COUNT',
      bits: [63, 60],
      value: String(inline),
      meaning: inline === SWP_TB_COUNT_MAX ? `overflow: ${count} in extend_table` : 'references from page tables',
    });
    if (layout === 'p4')
      fields.push({
        name: 'Z',
        bits: [59, 59],
        value: tbZero(meta) ? '1' : '0',
        meaning: 'SWP_TB_ZERO_FLAG: zero-filled',
      });
    if (kind === SlotKind.PFN) {
      fields.push({ name: 'PFN', bits: [41, 2], value: String(val), meaning: 'folio in the swap cache' });
      fields.push({ name: 'tag', bits: [1, 0], value: '0b10' });
    } else if (kind === SlotKind.SHADOW) {
      const sh = unpackShadow(val);
      fields.push({
        name: 'shadow',
        bits: [58, 1],
        value: '0x' + val.toString(16),
        meaning: `memcg ${sh.memcgId}, eviction ${sh.eviction}`,
      });
      fields.push({ name: 'tag', bits: [0, 0], value: '1' });
    }
  }
  return { structure: title, raw: hex64(raw), bits: 64, fields };
}

function u16Encoding(structure: string, id: number, path: string | null): SlotEncoding {
  return {
    structure,
    raw: '0x' + id.toString(16).padStart(4, '0'),
    bits: 16,
    fields: [{ name: 'memcg id', bits: [15, 0], value: String(id), meaning: path ?? (id ? 'unknown id' : 'none') }],
  };
}

function bitEncoding(structure: string, name: string, set: boolean, meaning?: string): SlotEncoding {
  return {
    structure,
    raw: set ? '0x1' : '0x0',
    bits: 1,
    fields: [{ name, bits: [0, 0], value: set ? '1' : '0', ...(meaning ? { meaning } : {}) }],
  };
}

function zeromapEncoding(zero: boolean): SlotEncoding {
  return bitEncoding('zeromap bit', 'zero', zero);
}

function swapMapEncoding(kind: SlotKind, count: number, hasCache: boolean): SlotEncoding[] {
  if (kind === SlotKind.NULL)
    return [
      {
        structure: 'swap_map byte',
        raw: '0x00',
        bits: 8,
        fields: [{ name: 'count', bits: [5, 0], value: '0', meaning: 'free' }],
      },
    ];
  const enc = encodeSwapMap(kind === SlotKind.BAD ? { kind: 'bad' } : { kind: 'normal', count, hasCache });
  const view = describeSwapMapByte(enc.map);
  const out: SlotEncoding[] = [{ structure: 'swap_map byte', raw: view.raw, bits: 8, fields: view.fields }];
  enc.continuation.forEach((b, i) =>
    out.push({
      structure: `count continuation page, level ${i + 1}`,
      raw: '0x' + b.toString(16).padStart(2, '0'),
      bits: 8,
      fields: [{ name: 'digit', bits: [6, 0], value: String(b & 0x7f) }],
    }),
  );
  return out;
}

/** The §8.3 state table: what a virtual slot's tag and table entry say together. */
function virtualState(meta: number, tag: VtTag): string {
  const kind = tbKind(meta);
  if (kind === SlotKind.NULL) return 'free';
  if (tbZero(meta)) return 'zero-backed (Z flag)';
  if (tag === VtTag.ZSWAP) return 'zswap-backed';
  if (tag === VtTag.SWAPFILE) return 'disk-backed';
  return kind === SlotKind.PFN
    ? 'cached with no backing (the folio is the only copy)'
    : 'no data (error or lost state)';
}

/** The vtable word the simulated state stands for (designs/vtable.ts encoding). */
function vtableEntry(si: SwapInfo, offset: number): VtableEntry {
  const tag = vtTag(si, offset);
  const val = vtVal(si, offset);
  if (tag === VtTag.ZSWAP) return { tag: 'zswap', entryAddress: zswapEntryAddress(val) };
  if (tag === VtTag.SWAPFILE) return { tag: 'swapfile', swapType: swpType(val), offset: swpOffset(val) };
  return { tag: 'none' };
}

function vtableEncoding(si: SwapInfo, offset: number, meta: number): SlotEncoding {
  const view = describeVtable(encodeVtable(vtableEntry(si, offset)));
  const state = virtualState(meta, vtTag(si, offset));
  const fields = view.fields.map((f) => (f.name === 'tag' ? { ...f, meaning: state } : f));
  return { structure: 'virtual_table (vswap-STE vtable, 8 B)', raw: view.raw, bits: 64, fields };
}

function ghostVirtualTableEncoding(si: SwapInfo, offset: number, meta: number): SlotEncoding {
  const raw = encodeVtable(vtableEntry(si, offset));
  const view = describeGhostVirtualTable(raw);
  const state = virtualState(meta, vtTag(si, offset));
  const meaning = `${state}; the RFC posted no format, the simulator stores the vswap-STE vtable layout here`;
  return {
    structure: 'virtual_table (ghost RFC placeholder)',
    raw: view.raw,
    bits: 64,
    fields: view.fields.map((f) => ({ ...f, meaning })),
  };
}

/** vswap v3: the 24-byte swp_desc of a virtual entry, from the table entry, vtable and memcg id. */
function swpDescEncoding(
  si: SwapInfo,
  offset: number,
  meta: number,
  val: number,
  count: number,
  memcgId: number,
): SlotEncoding {
  const structure = 'swp_desc (vswap v3, 24 B, layout assumed)';
  const kind = tbKind(meta);
  if (kind === SlotKind.NULL || kind === SlotKind.BAD) {
    const what =
      kind === SlotKind.NULL
        ? 'free virtual entry: no descriptor'
        : 'reserved (the simulator keeps slot 0 of the virtual space as a header)';
    return {
      structure,
      raw: '0x' + '0'.repeat(48),
      bits: 192,
      fields: [{ name: 'none', bits: [191, 0], value: '0', meaning: what }],
    };
  }
  const tag = vtTag(si, offset);
  let backend: SwpDescBackend;
  if (tbZero(meta)) backend = { type: 'zero' };
  else if (tag === VtTag.ZSWAP) backend = { type: 'zswap', entryAddress: zswapEntryAddress(vtVal(si, offset)) };
  else if (tag === VtTag.SWAPFILE)
    backend = { type: 'swapfile', swapType: swpType(vtVal(si, offset)), offset: swpOffset(vtVal(si, offset)) };
  else if (kind === SlotKind.PFN) backend = { type: 'folio' };
  else
    return {
      structure,
      raw: '—',
      bits: 192,
      fields: [{ name: 'type', bits: [178, 177], value: 'none', meaning: virtualState(meta, tag) }],
    };
  const cache: SwpDescCache =
    kind === SlotKind.PFN ? { kind: 'folio', address: folioAddress(val) } : { kind: 'shadow', cookie: val };
  const view = describeSwpDesc(encodeSwpDesc({ backend, cache, swapCount: count, memcgId }));
  const fields = view.fields.map((f) => (f.name === 'type' ? { ...f, meaning: virtualState(meta, tag) } : f));
  return { structure, raw: view.raw, bits: 192, fields };
}

/** vswap v3 physical device: the allocated and bad bitmaps, and the rmap entry of a backing slot. */
function v3PhysicalEncodings(k: Kernel, si: SwapInfo, offset: number, kind: SlotKind): SlotEncoding[] {
  const out = [
    bitEncoding('allocated bitmap bit', 'allocated', kind !== SlotKind.NULL && kind !== SlotKind.BAD),
    bitEncoding('bad bitmap bit', 'bad', kind === SlotKind.BAD),
  ];
  const v = rmapTarget(si, offset);
  if (v !== null) {
    const vsi = k.swap.swapInfo[swpType(v)];
    out.push({
      structure: 'rmap entry (physical → virtual)',
      raw: swpEntryRaw(v),
      bits: 64,
      fields: [
        {
          name: 'virtual entry',
          bits: [63, 0],
          value: `${vsi?.path ?? 'type ' + swpType(v)}:${swpOffset(v)}`,
          meaning: 'the swp_desc whose SWAPFILE backend is this slot',
        },
      ],
    });
  }
  return out;
}

/** C of a Pointer entry: the virtual slot it backs has count 0 and a cached folio. */
function pointerCacheOnly(k: Kernel, si: SwapInfo, offset: number): { cacheOnly: boolean; note: string } {
  const v = rmapTarget(si, offset);
  const vsi = v === null ? undefined : k.swap.swapInfo[swpType(v)];
  if (v === null || !vsi) return { cacheOnly: false, note: '' };
  const voff = swpOffset(v);
  return {
    cacheOnly: vsi.slotCount(voff) === 0 && tbKind(vsi.slotMeta(voff)) === SlotKind.PFN,
    note: `rmap: backs ${vsi.path}:${voff}`,
  };
}

/** The encodings of one slot under `design`, from the simulator's (design-neutral) slot state. */
export function slotEncodings(k: Kernel, si: SwapInfo, offset: number, design: DesignName): SlotEncoding[] {
  const meta = si.slotMeta(offset);
  const val = si.slotVal(offset);
  const count = si.slotCount(offset);
  const kind = tbKind(meta);
  const id = k.swapMemcgId(si, offset);
  const m = id ? k.memcgs.get(id) : undefined;
  const path = m ? (m.isRoot ? '/' : '/' + m.path) + (m.online ? '' : ' (offline)') : null;
  const cached = kind === SlotKind.PFN;
  const table = (): SlotEncoding => {
    if (kind !== SlotKind.POINTER) return tableEncoding('p4', meta, val, count);
    const p = pointerCacheOnly(k, si, offset);
    return tableEncoding('p4', meta, val, p.cacheOnly ? 1 : 0, p.note);
  };
  switch (design) {
    case 'legacy':
      return [
        ...swapMapEncoding(kind, count, cached),
        u16Encoding('swap_cgroup (2 B, static array)', id, path),
        zeromapEncoding(tbZero(meta)),
      ];
    case 'p1':
      return [
        tableEncoding('p1', meta, val, count),
        ...swapMapEncoding(kind, count, false),
        u16Encoding('swap_cgroup (2 B, static array)', id, path),
        zeromapEncoding(tbZero(meta)),
      ];
    case 'p3':
      return [
        tableEncoding('p3', meta, val, count),
        u16Encoding('swap_cgroup (2 B, static array)', id, path),
        zeromapEncoding(tbZero(meta)),
      ];
    case 'ghost': {
      const out = [table(), u16Encoding('memcg_table (per cluster)', id, path)];
      if (si.dynamic) out.push(ghostVirtualTableEncoding(si, offset, meta));
      return out;
    }
    case 'vswap':
      if (si === k.swap.vswap) return [swpDescEncoding(si, offset, meta, val, count, id)];
      return v3PhysicalEncodings(k, si, offset, kind);
    case 'vswap-ste': {
      if (si === k.swap.vswap) {
        return [
          table(),
          u16Encoding('memcg_table (vswap cluster: owner, no swap charge)', id, path),
          vtableEncoding(si, offset, meta),
        ];
      }
      return [table(), u16Encoding('memcg_table (per cluster: the swap charge)', id, path)];
    }
    default:
      return [table(), u16Encoding('memcg_table (per cluster)', id, path)];
  }
}
