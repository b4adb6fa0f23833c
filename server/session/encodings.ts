/**
 * What one slot's metadata looks like under each design (docs/designs.md):
 * the swap table entry of P1, P3 or P4, the legacy swap_map byte, the
 * swap_cgroup and memcg_table ids, the zeromap bit, the ghost RFC's
 * virtual_table. Values are built with BigInt only here, for display.
 */
import type { DesignName, SlotEncoding } from '../../shared/protocol';
import { describeGhostVirtualTable, describeSwapMapByte, encodeSwapMap } from '../sim/designs';
import type { Kernel } from '../sim/kernel';
import { SlotKind, SWP_TB_COUNT_MAX, hex64, swpTbRaw, tbKind, tbZero, unpackShadow, type TableLayout } from '../sim/swap_table';
import type { SwapInfo } from '../sim/swapfile';

function tableEncoding(layout: TableLayout, meta: number, val: number, count: number): SlotEncoding {
  const raw = swpTbRaw(layout, meta, val, count);
  const kind = tbKind(meta);
  const fields: SlotEncoding['fields'] = [];
  const title = `swap table entry (${layout === 'p1' ? 'P1/P2' : layout.toUpperCase()})`;
  if (kind === SlotKind.NULL) {
    fields.push({ name: 'NULL', bits: [63, 0], value: '0', meaning: 'free slot' });
  } else if (kind === SlotKind.BAD) {
    fields.push({ name: 'BAD', bits: [63, 0], value: hex64(raw), meaning: layout === 'p1' ? 'marked in swap_map, not the table' : 'SWP_TB_BAD (~0UL << 3)' });
  } else if (layout === 'p1') {
    if (kind === SlotKind.PFN) fields.push({ name: 'folio', bits: [63, 0], value: hex64(raw), meaning: `struct folio * (PFN ${val})` });
    else {
      const sh = unpackShadow(val);
      fields.push({ name: 'shadow', bits: [63, 1], value: '0x' + val.toString(16), meaning: `workingset cookie: memcg ${sh.memcgId}, eviction ${sh.eviction}` });
      fields.push({ name: 'xa_value', bits: [0, 0], value: '1' });
    }
  } else {
    const inline = Math.min(count, SWP_TB_COUNT_MAX);
    fields.push({ name: 'COUNT', bits: [63, 60], value: String(inline), meaning: inline === SWP_TB_COUNT_MAX ? `overflow: ${count} in extend_table` : 'references from page tables' });
    if (layout === 'p4') fields.push({ name: 'Z', bits: [59, 59], value: tbZero(meta) ? '1' : '0', meaning: 'SWP_TB_ZERO_FLAG: zero-filled' });
    if (kind === SlotKind.PFN) {
      fields.push({ name: 'PFN', bits: [41, 2], value: String(val), meaning: 'folio in the swap cache' });
      fields.push({ name: 'tag', bits: [1, 0], value: '0b10' });
    } else if (kind === SlotKind.SHADOW) {
      const sh = unpackShadow(val);
      fields.push({ name: 'shadow', bits: [58, 1], value: '0x' + val.toString(16), meaning: `memcg ${sh.memcgId}, eviction ${sh.eviction}` });
      fields.push({ name: 'tag', bits: [0, 0], value: '1' });
    } else if (kind === SlotKind.POINTER) {
      fields.push({ name: 'vswap offset', bits: [62, 3], value: String(val) });
      fields.push({ name: 'tag', bits: [2, 0], value: '0b100' });
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

function zeromapEncoding(zero: boolean): SlotEncoding {
  return { structure: 'zeromap bit', raw: zero ? '0x1' : '0x0', bits: 1, fields: [{ name: 'zero', bits: [0, 0], value: zero ? '1' : '0' }] };
}

function swapMapEncoding(kind: SlotKind, count: number, hasCache: boolean): SlotEncoding[] {
  if (kind === SlotKind.NULL) return [{ structure: 'swap_map byte', raw: '0x00', bits: 8, fields: [{ name: 'count', bits: [5, 0], value: '0', meaning: 'free' }] }];
  const enc = encodeSwapMap(kind === SlotKind.BAD ? { kind: 'bad' } : { kind: 'normal', count, hasCache });
  const view = describeSwapMapByte(enc.map);
  const out: SlotEncoding[] = [{ structure: 'swap_map byte', raw: view.raw, bits: 8, fields: view.fields }];
  enc.continuation.forEach((b, i) => out.push({ structure: `count continuation page, level ${i + 1}`, raw: '0x' + b.toString(16).padStart(2, '0'), bits: 8, fields: [{ name: 'digit', bits: [6, 0], value: String(b & 0x7f) }] }));
  return out;
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
  switch (design) {
    case 'legacy':
      return [...swapMapEncoding(kind, count, cached), u16Encoding('swap_cgroup (2 B, static array)', id, path), zeromapEncoding(tbZero(meta))];
    case 'p1':
      return [tableEncoding('p1', meta, val, count), ...swapMapEncoding(kind, count, false), u16Encoding('swap_cgroup (2 B, static array)', id, path), zeromapEncoding(tbZero(meta))];
    case 'p3':
      return [tableEncoding('p3', meta, val, count), u16Encoding('swap_cgroup (2 B, static array)', id, path), zeromapEncoding(tbZero(meta))];
    case 'ghost': {
      const out = [tableEncoding('p4', meta, val, count), u16Encoding('memcg_table (per cluster)', id, path)];
      if (si.kind === 'ghost') {
        const v = describeGhostVirtualTable(0n);
        out.push({ structure: 'virtual_table (ghost RFC placeholder)', raw: v.raw, bits: 64, fields: v.fields });
      }
      return out;
    }
    default:
      return [tableEncoding('p4', meta, val, count), u16Encoding('memcg_table (per cluster)', id, path)];
  }
}
