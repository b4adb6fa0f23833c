/**
 * The cluster map panel: device picker, zoom controls, the canvas with its
 * tooltip, a legend and a text alternative. Pointer: wheel scrolls,
 * Ctrl/⌘+wheel zooms, drag pans, click selects (a cluster, then a slot once
 * slots show), double-click opens a cluster's slots at a size a click can
 * hit. Keyboard: see docs/dashboard.md.
 */
import { describeZramSlot } from '../../../shared/zram_words';
import type { DeviceSummary, SlotBacking } from '../../../shared/protocol';
import { formatBytes, formatCount, formatHex, formatPercent } from '../../../shared/format';
import { h, replaceChildren } from '../dom';
import type { Palette } from '../theme';
import { toCss } from '../theme';
import { uiButton, uiDropdown, type Button, type Dropdown } from '../ui-toolkit';
import { BACKING_ORDER, DeviceMapData, LIST_ORDER, type MapFetcher } from './data';
import { MapRenderer, type HoverTarget, type MapSelection } from './draw';
import { CLICKABLE_SLOT, MIN_SLOT_PICK, slotGrid, Viewport, type Level } from './layout';

export interface MapViewState {
  device: number | null;
  level: Level | null;
  /** First visible cluster, to restore the scroll position. */
  top: number;
}

export interface MapViewHost {
  fetcher: MapFetcher;
  /** The user picked a cluster or slot (or cleared the pick). */
  onSelect(selection: MapSelection | null): void;
  /** Zoom, scroll or device changed (persist the UI state). */
  onViewChange(): void;
}

const BACKING_LABEL: Record<SlotBacking, string> = {
  free: 'free',
  cached: 'in swap cache',
  'cached-dirty': 'in swap cache, dirty',
  zero: 'zero (no I/O)',
  zswap: 'in zswap',
  disk: 'on disk (shadow)',
  bad: 'bad',
  pointer: 'pointer / rmap',
  header: 'swap header',
};

export class ClusterMapView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly surface: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly status: HTMLElement;
  private readonly live: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly zoomLabel: HTMLElement;
  private readonly deviceDropdown: Dropdown;
  private readonly zoomIn: Button;
  private readonly zoomOut: Button;
  private readonly renderer = new MapRenderer();
  private palette: Palette;
  private devices: DeviceSummary[] = [];
  private device: DeviceSummary | null = null;
  private data: DeviceMapData | null = null;
  private vp: Viewport | null = null;
  private selection: MapSelection | null = null;
  private hover: HoverTarget | null = null;
  private frame = 0;
  private dpr = 1;
  private pendingState: MapViewState | null = null;
  /** When the current device's data started loading, for the first-paint measure. */
  private firstPaintPending = true;
  private drag: { y: number; scroll: number; moved: boolean; id: number } | null = null;
  private wheelZoom = 0;

  constructor(
    private readonly host: MapViewHost,
    palette: Palette,
    /** Bytes per slot (PAGE_SIZE), for device sizes. */
    public pageSize: number,
  ) {
    this.palette = palette;
    this.renderer.setPalette(palette);
    this.deviceDropdown = uiDropdown({
      ariaLabel: 'Swap device',
      id: 'map-device',
      choices: [],
      value: '',
      onChange: (v) => this.showDevice(Number(v)),
    });
    this.zoomOut = uiButton({
      label: '−',
      ariaLabel: 'Zoom out',
      title: 'Zoom out (-)',
      appearance: 'icon',
      id: 'map-zoom-out',
      onClick: () => this.zoomBy(-1),
    });
    this.zoomIn = uiButton({
      label: '+',
      ariaLabel: 'Zoom in',
      title: 'Zoom in (+)',
      appearance: 'icon',
      id: 'map-zoom-in',
      onClick: () => this.zoomBy(1),
    });
    const fit = uiButton({
      label: 'Fit',
      ariaLabel: 'Show the whole device',
      title: 'Whole device (0)',
      id: 'map-fit',
      onClick: () => this.fit(),
    });
    this.zoomLabel = h('span', { class: 'zoom-label', id: 'map-zoom-label', 'aria-live': 'off' });
    this.canvas = h('canvas', { class: 'map-canvas', 'aria-hidden': 'true' });
    this.tooltip = h('div', { class: 'map-tooltip', role: 'tooltip', id: 'map-tooltip', hidden: true });
    this.live = h('p', { class: 'map-live', id: 'map-live', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.surface = h(
      'div',
      {
        class: 'map-surface',
        id: 'cluster-map',
        tabindex: 0,
        role: 'application',
        'aria-roledescription': 'cluster map',
        'aria-label': 'Cluster map',
        'aria-describedby': 'map-live map-keys',
      },
      this.canvas,
      this.tooltip,
    );
    this.status = h('p', { class: 'map-status', id: 'map-status' });
    this.legend = h('div', { class: 'legend', id: 'map-legend', role: 'list', 'aria-label': 'Legend' });
    this.element = h(
      'div',
      { class: 'map-panel' },
      h(
        'div',
        { class: 'toolbar', role: 'toolbar', 'aria-label': 'Cluster map controls' },
        this.deviceDropdown.element,
        this.zoomOut.element,
        this.zoomIn.element,
        fit.element,
        this.zoomLabel,
      ),
      this.surface,
      this.status,
      this.live,
      this.legend,
      h(
        'p',
        { class: 'hint', id: 'map-keys' },
        'Arrows move the selection, + and − zoom, 0 shows the whole device, Enter opens a cluster’s slots, Escape goes back, Page Up/Down scroll.',
      ),
    );
    this.bindInput();
    new ResizeObserver(() => this.resize()).observe(this.surface);
    this.renderLegend();
  }

  // ---------------------------------------------------------------- public

  setDevices(devices: readonly DeviceSummary[]): void {
    this.devices = [...devices].sort((a, b) => a.type - b.type);
    const wanted = this.pendingState?.device ?? this.device?.type ?? this.devices[0]?.type ?? null;
    const current = this.devices.find((d) => d.type === wanted) ?? this.devices[0] ?? null;
    this.deviceDropdown.setChoices(
      this.devices.map((d) => ({
        value: String(d.type),
        label: `${d.path} · ${formatBytes(d.maxSlots * this.pageSize)} · ${formatCount(d.clusters)} clusters`,
      })),
      current === null ? '' : String(current.type),
    );
    if (current === null) {
      this.device = null;
      this.data = null;
      this.vp = null;
      this.schedule();
      return;
    }
    if (this.device === null || this.device.type !== current.type || this.device.clusters !== current.clusters)
      this.showDevice(current.type);
    else {
      this.device = current;
      this.updateStatus();
    }
  }

  /** Summary of a device changed (a delta): refresh labels, reload if its size changed. */
  updateDevice(device: DeviceSummary): void {
    const i = this.devices.findIndex((d) => d.type === device.type);
    if (i >= 0) this.devices[i] = device;
    else this.devices.push(device);
    if (this.device?.type === device.type) {
      const resized = this.device.clusters !== device.clusters;
      this.device = device;
      if (resized) this.showDevice(device.type);
      else this.updateStatus();
    }
  }

  get deviceType(): number | null {
    return this.device?.type ?? null;
  }

  /** Apply a step's cluster changes for one device. O(changes). */
  applyClusterChanges(
    type: number,
    changes: Parameters<DeviceMapData['applyChanges']>[0],
    slotsChanged: boolean,
    overflow: boolean,
  ): void {
    if (this.data === null || this.data.type !== type) return;
    this.data.applyChanges(changes, slotsChanged, overflow);
    this.schedule();
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.renderer.setPalette(palette);
    this.renderLegend();
    this.schedule();
  }

  /** Select (from the inspector, the host or a restored state); reveal it when asked. */
  select(selection: MapSelection | null, reveal: boolean): void {
    if (selection !== null && this.device?.type !== selection.type) {
      if (this.devices.some((d) => d.type === selection.type)) this.showDevice(selection.type);
      else return;
    }
    this.selection = selection;
    if (reveal && selection !== null && this.vp !== null) {
      if (selection.offset !== undefined && !this.vp.showsSlots) this.vp.zoomTo(this.vp.slotIndex);
      this.vp.reveal(selection.cluster);
    }
    this.announce();
    this.schedule();
  }

  get currentSelection(): MapSelection | null {
    return this.selection;
  }

  get state(): MapViewState {
    return {
      device: this.device?.type ?? null,
      level: this.vp?.level ?? null,
      top: this.vp?.firstVisibleCluster() ?? 0,
    };
  }

  restore(state: MapViewState): void {
    this.pendingState = state;
    if (state.device !== null && this.devices.some((d) => d.type === state.device)) this.showDevice(state.device);
  }

  /** The map as PNG bytes (what is on screen, at device resolution). */
  async exportPng(): Promise<Uint8Array> {
    this.drawNow();
    const blob = await new Promise<Blob | null>((resolve) => this.canvas.toBlob(resolve, 'image/png'));
    if (blob === null) throw new Error('the canvas could not be encoded as PNG');
    return new Uint8Array(await blob.arrayBuffer());
  }

  get devicePath(): string {
    return this.device?.path ?? 'device';
  }

  // ------------------------------------------------------------- internals

  private showDevice(type: number): void {
    const device = this.devices.find((d) => d.type === type);
    if (device === undefined) return;
    this.device = device;
    this.deviceDropdown.setValue(String(type));
    const { width, height } = this.innerSize();
    this.data = new DeviceMapData(type, device.clusters, device.clusterSlots, this.host.fetcher);
    this.data.onUpdate = () => {
      this.schedule();
      // The selection was described before its data came in: say it again, now complete.
      if (this.live.textContent?.includes('loading…') === true) this.announce();
    };
    this.vp = new Viewport(width, height, Math.max(1, device.clusters), device.clusterSlots);
    const restore = this.pendingState;
    if (restore !== null && restore.device === type) {
      this.pendingState = null;
      if (restore.level !== null) {
        const index = this.vp.indexOf(restore.level);
        if (index >= 0) this.vp.zoomTo(index);
      }
      this.vp.scrollY = Math.floor(this.vp.cellOfCluster(restore.top) / this.vp.cols) * this.vp.s;
      this.vp.clampScroll();
    }
    this.firstPaintPending = true;
    this.hover = null;
    this.hideTooltip();
    this.surface.setAttribute(
      'aria-label',
      `Cluster map of ${device.path}: ${formatCount(device.clusters)} clusters of ${device.clusterSlots} slots`,
    );
    this.updateStatus();
    this.schedule();
    this.host.onViewChange();
  }

  /** The canvas area: the surface inside its border. */
  private innerSize(): { width: number; height: number } {
    return { width: Math.max(1, this.surface.clientWidth), height: Math.max(1, this.surface.clientHeight) };
  }

  private resize(): void {
    const { width, height } = this.innerSize();
    this.dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(width * this.dpr));
    this.canvas.height = Math.max(1, Math.round(height * this.dpr));
    if (this.vp !== null && this.device !== null) this.vp.resize(width, height, this.device.clusters);
    this.drawNow();
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawNow();
    });
  }

  private drawNow(): void {
    const ctx = this.canvas.getContext('2d', { alpha: false });
    if (ctx === null) return;
    if (this.vp === null || this.data === null) {
      ctx.fillStyle = this.palette.css.background;
      ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
      this.updateStatus();
      return;
    }
    const started = performance.now();
    const [c0, c1] = this.vp.visibleCells();
    this.data.ensureCells(this.vp.k, c0, c1);
    if (this.vp.showsSlots && this.vp.k !== 1) this.data.ensureCells(1, c0, c1);
    const result = this.renderer.draw(ctx, this.vp, this.data, this.dpr, this.selection, this.hover);
    if (result.slotClusters.length > 0) this.data.ensureDetails(result.slotClusters);
    const ended = performance.now();
    performance.measure('swapsim:map-draw', { start: started, end: ended });
    if (result.complete && this.firstPaintPending && this.data.lastArrival > 0) {
      this.firstPaintPending = false;
      // From the last page's arrival to the finished frame: the "first paint after data" figure.
      performance.measure('swapsim:map-first-paint', {
        start: this.data.lastArrival,
        end: ended,
        detail: { clusters: this.vp.clusters, cells: c1 - c0 },
      });
      this.surface.dataset.painted = String(this.data.type);
    }
    this.surface.setAttribute('aria-busy', String(!result.complete));
    // The geometry in plain attributes: lets tests and tools find a cluster's cell without reimplementing the layout.
    const ds = this.surface.dataset;
    ds.k = String(this.vp.k);
    ds.s = String(this.vp.s);
    ds.cols = String(this.vp.cols);
    ds.x0 = String(this.vp.x0);
    ds.scrollY = String(this.vp.scrollY);
    ds.slots = String(this.vp.showsSlots);
    this.updateStatus();
  }

  private updateStatus(): void {
    const vp = this.vp;
    const device = this.device;
    this.zoomIn.setDisabled(vp === null || vp.index >= vp.maxIndex);
    this.zoomOut.setDisabled(vp === null || vp.index <= vp.minIndex);
    if (vp === null || device === null) {
      this.zoomLabel.textContent = '';
      this.status.textContent =
        this.devices.length === 0 ? 'No swap device is active yet: step the scenario past a swapon.' : '';
      return;
    }
    this.zoomLabel.textContent =
      vp.k > 1
        ? `${formatCount(vp.k)} clusters per cell`
        : vp.showsSlots
          ? `slots · ${vp.s}px per cluster`
          : `1 cluster per cell · ${vp.s}px`;
    const [a, b] = vp.visibleClusters();
    const used = formatPercent(device.pages > 0 ? device.inuse / device.pages : 0);
    const error = this.data?.lastError;
    this.status.textContent = `${device.path} · ${device.typeName} · ${formatCount(device.inuse)} of ${formatCount(device.pages)} pages used (${used}) · clusters ${formatCount(a)}–${formatCount(Math.max(a, b - 1))} of ${formatCount(device.clusters)} shown · free ${formatCount(device.lists.free)}, nonfull ${formatCount(device.lists.nonfull)}, frag ${formatCount(device.lists.frag)}, full ${formatCount(device.lists.full)}, discard ${formatCount(device.lists.discard)}${error ? ` · error: ${error}` : ''}`;
  }

  /** Zoom around a point; without one (buttons, keys) around the selection when it is on screen. */
  private zoomBy(steps: number, x?: number, y?: number): void {
    const vp = this.vp;
    if (vp === null) return;
    const sel = this.selection !== null && this.selection.type === this.device?.type ? this.selection : null;
    let ax = x;
    let ay = y;
    if (ax === undefined && sel !== null) {
      const r = vp.cellRect(vp.cellOfCluster(sel.cluster));
      if (r.y + r.h > 0 && r.y < vp.height) {
        ax = r.x + r.w / 2;
        ay = r.y + r.h / 2;
      }
    }
    if (vp.zoomTo(vp.index + steps, ax, ay)) {
      if (x === undefined && sel !== null) vp.reveal(sel.cluster);
      this.afterViewChange();
    }
  }

  private fit(): void {
    if (this.vp === null) return;
    this.vp.zoomTo(this.vp.fitIndex);
    this.vp.scrollY = 0;
    this.afterViewChange();
  }

  private afterViewChange(): void {
    this.hideTooltip();
    this.schedule();
    this.host.onViewChange();
  }

  // ----------------------------------------------------------------- input

  private bindInput(): void {
    const surface = this.surface;
    surface.addEventListener(
      'wheel',
      (e) => {
        if (this.vp === null) return;
        e.preventDefault();
        const { x, y } = this.local(e);
        if (e.ctrlKey || e.metaKey) {
          // Trackpads send many small deltas: zoom one level per 60 units.
          this.wheelZoom += e.deltaY;
          while (Math.abs(this.wheelZoom) >= 60) {
            const dir = this.wheelZoom > 0 ? -1 : 1;
            this.wheelZoom -= -dir * 60;
            this.zoomBy(dir, x, y);
          }
        } else {
          const lines =
            e.deltaMode === WheelEvent.DOM_DELTA_LINE
              ? 16
              : e.deltaMode === WheelEvent.DOM_DELTA_PAGE
                ? this.vp.height
                : 1;
          this.vp.scrollBy(e.deltaY * lines);
          this.afterViewChange();
        }
      },
      { passive: false },
    );
    surface.addEventListener('pointerdown', (e) => {
      if (this.vp === null || e.button !== 0) return;
      this.drag = { y: e.clientY, scroll: this.vp.scrollY, moved: false, id: e.pointerId };
      surface.setPointerCapture(e.pointerId);
    });
    surface.addEventListener('pointermove', (e) => {
      if (this.vp === null) return;
      if (this.drag !== null && this.drag.id === e.pointerId) {
        const dy = e.clientY - this.drag.y;
        if (Math.abs(dy) > 3) this.drag.moved = true;
        if (this.drag.moved) {
          this.vp.scrollY = this.drag.scroll - dy;
          this.vp.clampScroll();
          this.hideTooltip();
          this.schedule();
          return;
        }
      }
      const { x, y } = this.local(e);
      this.updateHover(x, y);
    });
    surface.addEventListener('pointerup', (e) => {
      const drag = this.drag;
      this.drag = null;
      if (surface.hasPointerCapture(e.pointerId)) surface.releasePointerCapture(e.pointerId);
      if (drag === null || this.vp === null) return;
      if (drag.moved) {
        this.host.onViewChange();
        return;
      }
      const { x, y } = this.local(e);
      this.clickAt(x, y);
    });
    surface.addEventListener('pointerleave', () => {
      this.hover = null;
      this.hideTooltip();
      this.schedule();
    });
    // Double-click opens the cluster under the pointer: its slots, large enough to click (issue #22).
    surface.addEventListener('dblclick', (e) => {
      const { x, y } = this.local(e);
      const vp = this.vp;
      const device = this.device;
      if (vp === null || device === null) return;
      const cell = vp.cellAt(x, y);
      if (cell < 0) return;
      this.openCluster(Math.min(device.clusters - 1, cell * vp.k), false);
    });
    surface.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Pointer position in canvas coordinates: inside the surface's border, where the canvas sits. */
  private local(e: MouseEvent): { x: number; y: number } {
    const rect = this.surface.getBoundingClientRect();
    return { x: e.clientX - rect.left - this.surface.clientLeft, y: e.clientY - rect.top - this.surface.clientTop };
  }

  private pickSlots(): boolean {
    return this.vp !== null && this.vp.showsSlots && this.vp.slotWidth >= MIN_SLOT_PICK;
  }

  private clickAt(x: number, y: number): void {
    const vp = this.vp;
    const device = this.device;
    if (vp === null || device === null) return;
    const cell = vp.cellAt(x, y);
    if (cell < 0) return;
    const cluster = Math.min(device.clusters - 1, cell * vp.k);
    const slot = this.pickSlots() ? vp.slotAt(x, y, cell) : -1;
    const selection: MapSelection =
      slot >= 0
        ? { type: device.type, cluster, offset: cluster * device.clusterSlots + slot }
        : { type: device.type, cluster };
    this.commitSelection(selection);
  }

  private commitSelection(selection: MapSelection | null): void {
    this.selection = selection;
    if (selection !== null && this.vp !== null) this.vp.reveal(selection.cluster);
    this.announce();
    this.schedule();
    this.host.onSelect(selection);
  }

  private onKey(e: KeyboardEvent): void {
    const vp = this.vp;
    const device = this.device;
    if (vp === null || device === null) return;
    const sel = this.selection !== null && this.selection.type === device.type ? this.selection : null;
    const handled = (): void => {
      e.preventDefault();
      e.stopPropagation();
    };
    switch (e.key) {
      case '+':
      case '=':
        handled();
        return this.zoomBy(1);
      case '-':
      case '_':
        handled();
        return this.zoomBy(-1);
      case '0':
        handled();
        return this.fit();
      case 'PageDown':
        handled();
        vp.scrollBy(vp.height * 0.9);
        return this.afterViewChange();
      case 'PageUp':
        handled();
        vp.scrollBy(-vp.height * 0.9);
        return this.afterViewChange();
      case 'Home':
        handled();
        return this.commitSelection({ type: device.type, cluster: 0 });
      case 'End':
        handled();
        return this.commitSelection({ type: device.type, cluster: device.clusters - 1 });
      case 'Escape':
        if (sel?.offset !== undefined) {
          handled();
          return this.commitSelection({ type: device.type, cluster: sel.cluster });
        }
        if (vp.showsSlots) {
          handled();
          return this.zoomBy(-(vp.index - vp.indexOf({ k: 1, s: 16 })));
        }
        return;
      case 'Enter':
      case ' ': {
        handled();
        if (sel?.offset !== undefined) return;
        return this.openCluster(sel?.cluster ?? vp.firstVisibleCluster(), true);
      }
      case 'ArrowLeft':
      case 'ArrowRight':
      case 'ArrowUp':
      case 'ArrowDown':
        handled();
        return this.moveSelection(e.key, sel);
      default:
        return;
    }
  }

  /** Zoom to `cluster`'s slots at a size the pointer can hit, centred; select the cluster (or its first slot, from the keyboard). */
  private openCluster(cluster: number, selectFirstSlot: boolean): void {
    const vp = this.vp!;
    const device = this.device!;
    if (!vp.showsSlots || vp.slotWidth < CLICKABLE_SLOT) vp.zoomTo(Math.max(vp.index, vp.clickableSlotIndex));
    vp.center(cluster);
    this.afterViewChange();
    this.commitSelection(
      selectFirstSlot
        ? { type: device.type, cluster, offset: cluster * device.clusterSlots }
        : { type: device.type, cluster },
    );
  }

  private moveSelection(key: string, sel: MapSelection | null): void {
    const vp = this.vp!;
    const device = this.device!;
    const n = device.clusterSlots;
    if (sel === null) return this.commitSelection({ type: device.type, cluster: vp.firstVisibleCluster() });
    if (sel.offset !== undefined && vp.showsSlots) {
      const grid = slotGrid(n);
      const step = key === 'ArrowLeft' ? -1 : key === 'ArrowRight' ? 1 : key === 'ArrowUp' ? -grid.cols : grid.cols;
      const offset = Math.min(device.clusters * n - 1, Math.max(0, sel.offset + step));
      return this.commitSelection({ type: device.type, cluster: Math.floor(offset / n), offset });
    }
    const cell = vp.cellOfCluster(sel.cluster);
    const step = key === 'ArrowLeft' ? -1 : key === 'ArrowRight' ? 1 : key === 'ArrowUp' ? -vp.cols : vp.cols;
    const next = Math.min(vp.cells - 1, Math.max(0, cell + step));
    this.commitSelection({ type: device.type, cluster: Math.min(device.clusters - 1, next * vp.k) });
  }

  private updateHover(x: number, y: number): void {
    const vp = this.vp;
    if (vp === null) return;
    const cell = vp.cellAt(x, y);
    const slot = cell >= 0 && vp.showsSlots ? vp.slotAt(x, y, cell) : -1;
    const next: HoverTarget | null = cell < 0 ? null : { cell, slot };
    if (next?.cell !== this.hover?.cell || next?.slot !== this.hover?.slot) {
      this.hover = next;
      this.schedule();
    }
    if (next === null) return this.hideTooltip();
    this.tooltip.textContent = this.describeCell(next.cell, next.slot);
    this.tooltip.hidden = false;
    const { width, height } = this.innerSize();
    const tw = this.tooltip.offsetWidth;
    const th = this.tooltip.offsetHeight;
    this.tooltip.style.left = `${Math.max(0, Math.min(width - tw - 4, x + 14))}px`;
    this.tooltip.style.top = `${y + 18 + th > height ? Math.max(0, y - th - 8) : y + 18}px`;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
  }

  /** Words for a cell or a slot: the tooltip and the live region say the same. */
  private describeCell(cell: number, slot: number): string {
    const vp = this.vp!;
    const device = this.device!;
    const data = this.data!;
    const n = device.clusterSlots;
    const first = cell * vp.k;
    const last = Math.min(device.clusters, first + vp.k) - 1;
    const page = data.page(vp.k, cell);
    const j = page === undefined ? -1 : cell - page.first;
    if (slot >= 0) {
      const offset = first * n + slot;
      const entry = data.detail(first);
      const backing = entry === undefined ? null : BACKING_ORDER[entry.backing[slot]!];
      const count = entry?.detail.counts[slot];
      const zram = entry?.detail.zram;
      const zramText =
        zram === undefined
          ? ''
          : ` · zram ${describeZramSlot({ state: zram.state[slot]!, size: zram.size[slot]!, idle: false })}`;
      const shmemText = entry?.detail.shmem.includes(slot) === true ? ' · shmem' : '';
      return `slot ${formatCount(offset)} (${formatHex(offset)}) · cluster ${formatCount(first)} · ${backing === null || backing === undefined ? 'loading…' : `${BACKING_LABEL[backing]}${count !== undefined && count > 0 ? ` · count ${count}` : ''}${zramText}${shmemText}`}`;
    }
    const where = vp.k > 1 ? `clusters ${formatCount(first)}–${formatCount(last)}` : `cluster ${formatCount(first)}`;
    if (page === undefined) return `${where} · loading…`;
    const list = LIST_ORDER[page.list[j]!] ?? 'free';
    const fill = page.fill[j]!;
    const order = page.order[j]!;
    const slots = (last - first + 1) * n;
    const used = Math.round(fill * slots);
    const shmem = Math.round(page.shmem[j]! * slots);
    return `${where} · ${vp.k > 1 ? 'mostly ' : ''}${list} · ${formatCount(used)} of ${formatCount(slots)} slots used (${formatPercent(fill)})${shmem > 0 ? `, ${formatCount(shmem)} shmem` : ''}${order > 0 ? ` · order ${order}` : ''} · slots ${formatHex(first * n)}–${formatHex((last + 1) * n - 1)}`;
  }

  private announce(): void {
    const sel = this.selection;
    if (sel === null || this.vp === null || this.device === null || sel.type !== this.device.type) {
      this.live.textContent = sel === null ? 'Nothing selected.' : '';
      return;
    }
    const vp = this.vp;
    const cell = vp.cellOfCluster(sel.cluster);
    const slot = sel.offset !== undefined && vp.showsSlots ? sel.offset - sel.cluster * this.device.clusterSlots : -1;
    if (sel.offset !== undefined && slot < 0) {
      this.live.textContent = `Selected slot ${formatCount(sel.offset)} (${formatHex(sel.offset)}) of ${this.device.path}, in cluster ${formatCount(sel.cluster)}.`;
      return;
    }
    this.live.textContent = `Selected on ${this.device.path}: ${this.describeCell(cell, slot)}.`;
  }

  private renderLegend(): void {
    const swatch = (colour: string, label: string, title: string): HTMLElement => {
      const chip = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      chip.style.backgroundColor = colour;
      return h('span', { class: 'legend-item', role: 'listitem', title }, chip, label);
    };
    const p = this.palette;
    const lists: [string, string, string][] = [
      [toCss(p.list.free), 'free', 'Cluster on the free list: no slot in use'],
      [toCss(p.list.nonfull), 'nonfull', 'Partly used cluster that allocation may continue in (per order)'],
      [toCss(p.list.frag), 'frag', 'Partly used cluster too fragmented for its order'],
      [toCss(p.list.full), 'full', 'Every slot in use'],
      [toCss(p.list.discard), 'discard', 'Freed cluster waiting for discard'],
      [toCss(p.list.none), 'none', 'On no list: a per-CPU (or device-wide) allocation cursor owns it'],
      [toCss(p.list.dead), 'dead', 'Unusable (e.g. only bad slots)'],
    ];
    const backings = BACKING_ORDER.map((b): [string, string, string] => [
      toCss(p.backing[b]),
      BACKING_LABEL[b],
      `Slot: ${BACKING_LABEL[b]}`,
    ]);
    const mark = h(
      'span',
      {
        class: 'legend-item',
        role: 'listitem',
        title: 'Corner mark: the cluster serves a large-folio order (its number once cells are big enough)',
      },
      h('span', { class: 'order-mark', 'aria-hidden': 'true' }),
      'order > 0',
    );
    const shmem = h(
      'span',
      {
        class: 'legend-item',
        role: 'listitem',
        id: 'legend-shmem',
        title: 'Dot: slots that belong to shmem (a tmpfs file or shared anonymous memory holds their entry)',
      },
      h('span', { class: 'shmem-mark', 'aria-hidden': 'true' }),
      'shmem',
    );
    replaceChildren(
      this.legend,
      h('span', { class: 'legend-title' }, 'Clusters (brighter = fuller):'),
      ...lists.map(([c, l, t]) => swatch(c, l, t)),
      mark,
      shmem,
      h('span', { class: 'legend-title' }, 'Slots:'),
      ...backings.map(([c, l, t]) => swatch(c, l, t)),
    );
  }
}
