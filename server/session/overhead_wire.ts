// The overhead model's table as the protocol carries it (WireOverheadTable).
import type { DesignName, WireOverheadTable } from '../../shared/protocol';
import type { computeOverhead } from '../sim/designs/overhead';

export function overheadToWire(design: DesignName, t: ReturnType<typeof computeOverhead>): WireOverheadTable {
  return {
    design,
    lines: t.lines.map((l) => ({
      device: l.device,
      structure: l.structure,
      kind: l.kind,
      bytes: l.bytes,
      formula: l.formula,
      source: l.source,
    })),
    totals: {
      static: t.totals.static,
      dynamic: t.totals.dynamic,
      total: t.totals.total,
      perUsedSlot: t.totals.perUsedSlot,
    },
  };
}
