/**
 * Slot inspector: the selected slot's decoded entry, the raw value of each
 * metadata structure of the active design with its bit fields labelled, the
 * memcg it is charged to, its zswap entry and backing, and the events that
 * touched it (each one a way back to its step). With only a cluster
 * selected, the cluster's summary.
 */
import type { ClusterDetail, SlotBacking, SlotEncoding, SlotRecord } from '../../../shared/protocol';
import { describeZramSlot } from '../../../shared/zram_words';
import { h, replaceChildren } from '../dom';
import { formatBytes, formatCount, formatHex } from '../../../shared/format';
import type { Palette } from '../theme';
import { toCss } from '../theme';
import type { MapSelection } from '../map/draw';
import type { Rpc } from '../rpc';

export interface InspectorHost {
  rpc: Rpc;
  gotoStep(step: number): void;
  devicePath(type: number): string;
  /** Is a swap device of this type active at the session's current step? */
  hasDevice(type: number): boolean;
  step(): number;
  /** A cgroup's path by its id (`/app`), as every view names cgroups. */
  memcgPath(id: number): string;
  pageSize(): number;
}

/** Bits hi..lo of a hex value, as binary digits. */
export function fieldBits(rawHex: string, hi: number, lo: number): string {
  const value = BigInt(rawHex);
  const width = hi - lo + 1;
  const bits = (value >> BigInt(lo)) & ((1n << BigInt(width)) - 1n);
  return bits.toString(2).padStart(width, '0');
}

export class SlotInspector {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private selection: MapSelection | null = null;
  private token = 0;
  private palette: Palette;
  private lastRecord: SlotRecord | null = null;
  private lastCluster: ClusterDetail | null = null;

  constructor(
    private readonly host: InspectorHost,
    palette: Palette,
  ) {
    this.palette = palette;
    this.body = h('div', {
      class: 'inspector-body',
      id: 'inspector-body',
      'aria-live': 'polite',
      'aria-busy': 'false',
    });
    this.element = h('div', { class: 'inspector' }, this.body);
    this.renderEmpty();
  }

  show(selection: MapSelection | null): void {
    this.selection = selection;
    void this.load();
  }

  /** The session moved: fetch the selection again. */
  refresh(): void {
    if (this.selection !== null) void this.load();
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    if (this.lastRecord !== null) this.renderSlot(this.lastRecord);
    else if (this.lastCluster !== null) this.renderCluster(this.lastCluster);
  }

  private async load(): Promise<void> {
    const sel = this.selection;
    const token = ++this.token;
    if (sel === null) return this.renderEmpty();
    if (!this.host.hasDevice(sel.type)) {
      // The session went back before the swapon (a reset, F5): not an error. The selection is kept for when the device is back.
      this.lastRecord = null;
      this.lastCluster = null;
      const what = sel.offset === undefined ? `cluster ${formatCount(sel.cluster)}` : `slot ${formatCount(sel.offset)}`;
      replaceChildren(
        this.body,
        h(
          'p',
          { class: 'hint', id: 'inspector-inactive' },
          `No swap device of type ${sel.type} is active at step ${formatCount(this.host.step())}. ${what} shows here again once it is swapped on.`,
        ),
      );
      this.body.setAttribute('aria-busy', 'false');
      return;
    }
    this.body.setAttribute('aria-busy', 'true');
    try {
      if (sel.offset !== undefined) {
        const record = await this.host.rpc.request('swapsim/slot', { type: sel.type, offset: sel.offset });
        if (token === this.token) this.renderSlot(record);
      } else {
        const detail = await this.host.rpc.request('swapsim/cluster', { type: sel.type, cluster: sel.cluster });
        if (token === this.token) this.renderCluster(detail);
      }
    } catch (err) {
      if (token === this.token) {
        this.lastRecord = null;
        this.lastCluster = null;
        replaceChildren(
          this.body,
          h(
            'p',
            { class: 'error', role: 'alert' },
            `Could not load the selection: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      }
    } finally {
      if (token === this.token) this.body.setAttribute('aria-busy', 'false');
    }
  }

  private renderEmpty(): void {
    this.lastRecord = null;
    this.lastCluster = null;
    replaceChildren(
      this.body,
      h(
        'p',
        { class: 'hint' },
        'Click a cluster on the map (or focus the map and use the arrow keys), then a slot, to decode its metadata here.',
      ),
    );
  }

  private swatch(backing: SlotBacking): HTMLElement {
    const chip = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    chip.style.backgroundColor = toCss(this.palette.backing[backing]);
    return chip;
  }

  private renderSlot(r: SlotRecord): void {
    this.lastRecord = r;
    this.lastCluster = null;
    const path = this.host.devicePath(r.type);
    const ps = this.host.pageSize();
    const rows: [string, string, Node | string][] = [
      ['device', 'Device', `${path} (swap type ${r.type})`],
      ['offset', 'Slot', `${formatCount(r.offset)} (${formatHex(r.offset)})`],
      ['cluster', 'Cluster', formatCount(r.cluster)],
      ['kind', 'Entry kind', r.kind],
      ['backing', 'Backing', h('span', {}, this.swatch(r.backing), r.backing)],
      ['count', 'Swap count', String(r.count)],
      ['zero', 'Zero page', r.zero ? 'yes (no I/O on swapin)' : 'no'],
      [
        'memcg',
        'Memory cgroup',
        r.memcg === null ? 'none' : `${r.memcg.path} (id ${r.memcg.id}${r.memcg.online ? '' : ', offline: zombie'})`,
      ],
      ['pfn', 'Swap cache folio', r.pfn === null ? 'none' : `PFN ${formatCount(r.pfn)} (${formatHex(r.pfn)})`],
      [
        'zswap',
        'zswap entry',
        r.zswap === null
          ? 'none'
          : `${formatBytes(r.zswap.length)} compressed (${Math.round((r.zswap.length / ps) * 100)}% of a page)${r.zswap.incompressible ? ', stored incompressible' : ''}${r.zswap.referenced ? ', referenced' : ''}`,
      ],
      ...(r.zram === null ? [] : [['zram', 'zram', describeZramSlot(r.zram, ps)] as [string, string, string]]),
      ...(r.shmem === null
        ? []
        : [['shmem', 'shmem page', `${r.shmem.path} page ${formatCount(r.shmem.index)}`] as [string, string, string]]),
      ['entryRaw', 'swp_entry_t', h('code', {}, r.entryRaw)],
    ];
    const dl = h('dl', { class: 'facts', id: 'inspector-facts' });
    for (const [key, label, value] of rows) {
      dl.append(h('dt', {}, label), h('dd', { 'data-key': key }, value));
    }
    replaceChildren(
      this.body,
      h('h3', { id: 'inspector-title' }, `Slot ${formatCount(r.offset)} of ${path}`),
      dl,
      ...r.encodings.map((e, i) => this.renderEncoding(e, i)),
      this.renderHistory(r),
    );
  }

  private renderEncoding(e: SlotEncoding, index: number): HTMLElement {
    const id = `encoding-${index}`;
    // The diagram: one segment per field, as wide as its bits, most significant first.
    const diagram = h('div', { class: 'bitfield', 'aria-hidden': 'true' });
    for (const f of e.fields) {
      const [hi, lo] = f.bits;
      const seg = h(
        'span',
        {
          class: 'bitfield-seg',
          title: `${f.name}: bits ${hi}..${lo} = ${f.value}${f.meaning ? ` (${f.meaning})` : ''}`,
        },
        h('span', { class: 'bitfield-name' }, f.name),
        h('span', { class: 'bitfield-range' }, hi === lo ? `${hi}` : `${hi}..${lo}`),
      );
      seg.style.flexGrow = String(hi - lo + 1);
      diagram.append(seg);
    }
    const table = h(
      'table',
      { class: 'fields', 'aria-labelledby': `${id}-title` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Bits'),
          h('th', { scope: 'col' }, 'Field'),
          h('th', { scope: 'col' }, 'Binary'),
          h('th', { scope: 'col' }, 'Value'),
          h('th', { scope: 'col' }, 'Meaning'),
        ),
      ),
      h(
        'tbody',
        {},
        ...e.fields.map((f) => {
          const [hi, lo] = f.bits;
          let binary: string;
          try {
            binary = fieldBits(e.raw, hi, lo);
          } catch {
            binary = '?';
          }
          return h(
            'tr',
            { 'data-field': f.name },
            h('td', { class: 'num' }, hi === lo ? `${hi}` : `${hi}..${lo}`),
            h('th', { scope: 'row' }, f.name),
            h(
              'td',
              { class: 'mono binary' },
              binary.length > 24 ? `${binary.slice(0, 10)}…${binary.slice(-10)}` : binary,
            ),
            h('td', { class: 'mono', 'data-value': f.value }, f.value),
            h('td', {}, f.meaning ?? ''),
          );
        }),
      ),
    );
    return h(
      'section',
      { class: 'encoding', id, 'data-structure': e.structure },
      h('h4', { id: `${id}-title` }, e.structure),
      h(
        'p',
        { class: 'raw' },
        h('span', { class: 'label' }, `raw (${e.bits} bits): `),
        h('code', { 'data-raw': e.raw }, e.raw),
      ),
      diagram,
      table,
    );
  }

  private renderHistory(r: SlotRecord): HTMLElement {
    const section = h(
      'section',
      { class: 'history', 'aria-labelledby': 'history-title' },
      h('h4', { id: 'history-title' }, `History (${r.history.length} event${r.history.length === 1 ? '' : 's'})`),
    );
    if (r.history.length === 0) {
      section.append(h('p', { class: 'hint' }, 'No event has touched this slot yet.'));
      return section;
    }
    const list = h('ol', { class: 'events' });
    for (const e of r.history) {
      const button = h(
        'button',
        { class: 'link', type: 'button', 'data-step': e.step, title: `Go to step ${e.step}` },
        `step ${e.step}`,
      );
      button.addEventListener('click', () => this.host.gotoStep(e.step));
      list.append(
        h('li', {}, button, h('span', { class: 'event-kind' }, e.kind), h('span', { class: 'event-text' }, e.text)),
      );
    }
    section.append(list);
    return section;
  }

  private renderCluster(d: ClusterDetail): void {
    this.lastCluster = d;
    this.lastRecord = null;
    const path = this.host.devicePath(d.type);
    const n = d.backing.length;
    const histogram = new Map<SlotBacking, number>();
    for (const b of d.backing) histogram.set(b, (histogram.get(b) ?? 0) + 1);
    const memcgs = new Set(d.memcgIds.filter((id) => id > 0));
    const dl = h('dl', { class: 'facts', id: 'inspector-facts' });
    const rows: [string, string, Node | string][] = [
      ['device', 'Device', path],
      ['cluster', 'Cluster', formatCount(d.cluster)],
      [
        'slots',
        'Slots',
        `${formatCount(d.cluster * n)}–${formatCount((d.cluster + 1) * n - 1)} (${formatHex(d.cluster * n)}–${formatHex((d.cluster + 1) * n - 1)})`,
      ],
      ['list', 'List', d.list],
      ['order', 'Order', String(d.order)],
      ['count', 'Used slots', `${formatCount(d.count)} of ${formatCount(n)}`],
      [
        'table',
        'Swap table',
        d.hasTable ? `allocated${d.hasExtendTable ? ', with extend table' : ''}` : 'not allocated',
      ],
      [
        'memcgs',
        'Memory cgroups',
        memcgs.size === 0 ? 'none' : [...memcgs].map((id) => this.host.memcgPath(id)).join(', '),
      ],
    ];
    for (const [key, label, value] of rows) dl.append(h('dt', {}, label), h('dd', { 'data-key': key }, value));
    const list = h('ul', { class: 'histogram' });
    for (const [backing, count] of [...histogram].sort((a, b) => b[1] - a[1]))
      list.append(h('li', {}, this.swatch(backing), `${backing}: ${formatCount(count)}`));
    replaceChildren(
      this.body,
      h('h3', { id: 'inspector-title' }, `Cluster ${formatCount(d.cluster)} of ${path}`),
      dl,
      h('h4', {}, 'Slots by backing'),
      list,
      h('p', { class: 'hint' }, 'Press Enter on the map (or zoom in and click) to pick a slot of this cluster.'),
    );
  }
}
