/**
 * The dashboard: wires the transport, the session store and the panels.
 * One `init` builds everything; each `delta` is applied to the store once
 * and handed to the panels it concerns.
 */
import type { HostToWebview, SessionDelta, SessionSnapshot } from '../../shared/protocol';
import { byId, h, isTypingTarget, replaceChildren } from './dom';
import { countersCsv, fileStem, scenarioFile } from './export';
import { formatCount } from '../../shared/format';
import type { MapSelection } from './map/draw';
import { ClusterMapView } from './map/view';
import { ComparePanel } from './panels/compare';
import { CountersPanel } from './panels/counters';
import { SlotInspector } from './panels/inspector';
import { MemcgPanel } from './panels/memcg';
import { TimelinePanel } from './panels/timeline';
import { parseUiState, type StandaloneTheme, type UiState } from './persist';
import type { Rpc } from './rpc';
import { SessionStore, type DeltaEffect } from './store';
import { readPalette, watchTheme, type Palette } from './theme';
import type { ConnectionState, Transport } from './transport';
import { uiBadge, uiButton, uiDropdown, type Button } from './ui-toolkit';

const THEME_CLASSES: Record<StandaloneTheme, string> = {
  dark: 'vscode-dark',
  light: 'vscode-light',
  'high-contrast': 'vscode-high-contrast',
};

interface Panels {
  map: ClusterMapView;
  inspector: SlotInspector;
  memcg: MemcgPanel;
  counters: CountersPanel;
  compare: ComparePanel;
  timeline: TimelinePanel;
}

/** Most step presses waiting for the server at once. */
const MAX_QUEUED_STEPS = 16;
export class DashboardApp {
  private store: SessionStore | null = null;
  private panels: Panels | null = null;
  private ui: UiState | null = null;
  private palette: Palette = readPalette();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** Steps asked for and not answered yet: each press is one step, sent in order. */
  private queuedSteps = 0;
  /** Deltas were missed and a fresh `init` was asked for: deltas are ignored until it comes. */
  private resyncing = false;
  private stepChain: Promise<void> = Promise.resolve();
  private readonly header = {
    title: h('h1', { id: 'title' }, 'swapsim'),
    design: h('span', { class: 'badge-slot', id: 'design-badge' }),
    status: h('span', { class: 'badge-slot', id: 'status-badge' }),
    step: h('span', { class: 'step-text', id: 'step-text', 'aria-live': 'polite' }),
    connection: h('span', { class: 'connection', id: 'connection', role: 'status' }),
  };
  private readonly buttons: Record<'reset' | 'back' | 'forward' | 'end', Button>;
  private readonly banner = h('div', { class: 'banner', id: 'banner', role: 'alert', hidden: true });

  constructor(
    private readonly transport: Transport,
    private readonly rpc: Rpc,
  ) {
    this.buttons = {
      reset: uiButton({
        label: 'Reset',
        ariaLabel: 'Reset to step 0',
        title: 'Reset to step 0',
        id: 'step-reset',
        onClick: () => void this.gotoStep(0),
      }),
      back: uiButton({
        label: '◀ Back',
        ariaLabel: 'Step back',
        title: 'Step back ([)',
        id: 'step-back',
        onClick: () => void this.step('back'),
      }),
      forward: uiButton({
        label: 'Step ▶',
        ariaLabel: 'Step forward',
        title: 'Step forward (])',
        id: 'step-forward',
        appearance: 'primary',
        onClick: () => void this.step('forward'),
      }),
      end: uiButton({
        label: 'Run to end',
        ariaLabel: 'Run to the end',
        title: 'Run to the end',
        id: 'step-end',
        onClick: () => void this.gotoStep(this.store?.snapshot.step.total ?? 0),
      }),
    };
    transport.onConnection((state) => this.showConnection(state));
    watchTheme((palette) => this.setPalette(palette));
    document.addEventListener('keydown', (e) => this.onGlobalKey(e));
  }

  /** Entry point for every checked message from the host. */
  handle(message: HostToWebview, receivedAt: number = performance.now()): void {
    switch (message.type) {
      case 'init':
        this.init(message.uri, message.snapshot);
        return;
      case 'response':
        if (!this.rpc.settle(message.id, message.result, message.error, receivedAt) && message.error !== undefined) {
          // An answer to nothing we asked: the host rejected a message of ours.
          console.warn(`swapsim dashboard: host reported: ${message.error.message}`);
        }
        return;
      case 'delta':
        this.applyDelta(message.delta, receivedAt);
        return;
      case 'select':
        this.panels?.map.select(
          {
            type: message.deviceType,
            cluster: message.cluster,
            ...(message.offset === undefined ? {} : { offset: message.offset }),
          },
          true,
        );
        this.onSelect(this.panels?.map.currentSelection ?? null, false);
        return;
      case 'noSession':
        this.showBanner(`No simulation for this scenario: ${message.message}`);
        return;
    }
  }

  // ------------------------------------------------------------ lifecycle

  private init(uri: string, snapshot: SessionSnapshot): void {
    this.rpc.uri = uri;
    this.resyncing = false;
    this.hideBanner();
    if (this.store !== null && this.panels !== null && this.store.snapshot.uri === uri) {
      // Reconnected or re-initialised: same panels, fresh data.
      this.store.reset(snapshot);
      this.refreshAll();
      this.panels.timeline.reset();
      this.acknowledge();
      void this.seedEvents();
      return;
    }
    this.store = new SessionStore(snapshot);
    this.ui = parseUiState(this.transport.loadState(), uri, snapshot.design);
    this.applyStandaloneTheme();
    this.palette = readPalette();
    this.build(snapshot);
    this.refreshAll();
    this.restoreSelection();
    this.saveState();
    this.acknowledge();
    void this.seedEvents();
  }

  /** Tell the host which state the page shows now. */
  private acknowledge(): void {
    const s = this.store?.snapshot;
    if (s !== undefined) this.transport.send({ type: 'shown', seq: s.seq, step: s.step.index });
  }

  /** The newest events so far: the snapshot has none, deltas only bring new ones. */
  private async seedEvents(): Promise<void> {
    const store = this.store;
    if (store === null) return;
    const seq = store.seq;
    try {
      const page = await this.rpc.request('swapsim/events', { start: 0, count: 200, fromEnd: true });
      store.seedEvents(page, seq);
      this.panels?.timeline.update();
    } catch {
      // The timeline simply starts empty; the next step fills it.
    }
  }

  private build(snapshot: SessionSnapshot): void {
    const store = this.store!;
    const ui = this.ui!;
    const rpc = this.rpc;
    const map = new ClusterMapView(
      {
        fetcher: {
          clusterMap: (type, bins, from, to) => rpc.timed('swapsim/clusterMap', { type, bins, from, to }),
          cluster: (type, cluster) => rpc.request('swapsim/cluster', { type, cluster }),
        },
        onSelect: (selection) => this.onSelect(selection, true),
        onViewChange: () => this.saveState(),
      },
      this.palette,
      snapshot.pageSize,
    );
    if (ui.device !== null) map.restore({ device: ui.device, level: ui.level, top: ui.top });
    const inspector = new SlotInspector(
      {
        rpc,
        gotoStep: (step) => void this.gotoStep(step),
        devicePath: (type) => store.device(type)?.path ?? `swap type ${type}`,
        hasDevice: (type) => store.device(type) !== undefined,
        step: () => store.snapshot.step.index,
        memcgPath: (id) => store.memcgs.get(id)?.path ?? `cgroup id ${id} (removed)`,
        pageSize: () => store.snapshot.pageSize,
      },
      this.palette,
    );
    const memcg = new MemcgPanel();
    const counters = new CountersPanel(
      { onChartsChange: (keys) => this.updateUi({ charts: keys }) },
      store,
      this.palette,
    );
    counters.setChartKeys(ui.charts);
    const compare = new ComparePanel(
      {
        rpc,
        scenarioFile: () => scenarioFile(store.snapshot.uri),
        onDesignsChange: (designs) => this.updateUi({ compare: designs }),
      },
      this.palette,
      ui.compare,
    );
    const timeline = new TimelinePanel({ rpc, gotoStep: (step) => this.gotoStep(step) }, store);
    this.panels = { map, inspector, memcg, counters, compare, timeline };

    const panel = (id: string, title: string, content: HTMLElement, extra = ''): HTMLDetailsElement => {
      const details = h(
        'details',
        { class: `panel ${extra}`.trim(), id, open: ui.open.includes(id) },
        h('summary', {}, h('h2', { id: `${id}-title` }, title)),
        h('div', { class: 'panel-body', role: 'region', 'aria-labelledby': `${id}-title` }, content),
      );
      details.addEventListener('toggle', () => {
        if (id === 'panel-compare') compare.setActive(details.open);
        const open = new Set(this.ui?.open ?? []);
        if (details.open) open.add(id);
        else open.delete(id);
        this.updateUi({ open: [...open] });
      });
      return details;
    };

    const exportPng = uiButton({
      label: 'PNG',
      ariaLabel: 'Export the cluster map as PNG',
      title: 'Export the cluster map as PNG',
      id: 'export-png',
      onClick: () => void this.exportPng(),
    });
    const exportCsv = uiButton({
      label: 'CSV',
      ariaLabel: 'Export counters over the steps as CSV',
      title: 'Export counters over the visited steps as CSV',
      id: 'export-csv',
      onClick: () => this.exportCsv(),
    });
    const exportJson = uiButton({
      label: 'JSON',
      ariaLabel: 'Export the session state as JSON',
      title: 'Export the session state as JSON',
      id: 'export-json',
      onClick: () => void this.exportJson(),
    });
    const controls = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Stepping' },
      this.buttons.reset.element,
      this.buttons.back.element,
      this.buttons.forward.element,
      this.buttons.end.element,
      this.header.step,
    );
    const exports = h(
      'div',
      { class: 'toolbar', role: 'group', 'aria-label': 'Export' },
      h('span', { class: 'label' }, 'Export'),
      exportPng.element,
      exportCsv.element,
      exportJson.element,
    );
    const themePicker =
      this.transport.kind === 'browser'
        ? uiDropdown({
            ariaLabel: 'Theme',
            id: 'theme-picker',
            choices: [
              { value: 'dark', label: 'Dark' },
              { value: 'light', label: 'Light' },
              { value: 'high-contrast', label: 'High contrast' },
            ],
            value: this.currentStandaloneTheme(),
            onChange: (value) => {
              this.updateUi({ theme: value as StandaloneTheme });
              this.applyStandaloneTheme();
            },
          }).element
        : null;

    const root = byId('app');
    root.removeAttribute('aria-busy');
    replaceChildren(
      root,
      h(
        'header',
        { class: 'topbar' },
        h(
          'div',
          { class: 'title-row' },
          this.header.title,
          this.header.design,
          this.header.status,
          this.header.connection,
          themePicker,
        ),
        h('div', { class: 'controls-row' }, controls, exports),
      ),
      this.banner,
      h(
        'main',
        { class: 'grid' },
        panel('panel-map', 'Cluster map', map.element, 'span-map'),
        panel('panel-inspector', 'Slot inspector', inspector.element, 'span-inspector'),
        panel('panel-timeline', 'Timeline', timeline.element, 'span-wide'),
        panel('panel-memcg', 'Memory cgroups', memcg.element, 'span-wide'),
        panel('panel-counters', 'Counters', counters.element, 'span-wide'),
        panel('panel-compare', 'Design comparison', compare.element, 'span-wide'),
      ),
    );
    compare.setActive(ui.open.includes('panel-compare'));
  }

  private refreshAll(): void {
    const store = this.store!;
    const p = this.panels!;
    p.map.setDevices([...store.devices.values()]);
    p.memcg.render(store.memcgs.values());
    p.counters.update([...store.devices.values()]);
    p.timeline.update();
    p.inspector.refresh();
    p.compare.invalidate(0);
    this.updateHeader();
  }

  private restoreSelection(): void {
    const sel = this.ui?.selection;
    if (sel === null || sel === undefined || this.panels === null) return;
    this.panels.map.select(sel, false);
    this.panels.inspector.show(this.panels.map.currentSelection);
  }

  // ---------------------------------------------------------------- deltas

  private applyDelta(delta: SessionDelta, receivedAt: number): void {
    const store = this.store;
    const p = this.panels;
    if (store === null || p === null || this.resyncing) return;
    if (store.misses(delta)) {
      // Deltas were lost on the way: the page starts again from a snapshot rather than show a state that never was.
      this.resyncing = true;
      this.transport.send({ type: 'ready' });
      return;
    }
    const effect = store.apply(delta);
    if (effect === null) return;
    this.applyToMap(effect);
    if (effect.memcgs) p.memcg.render(store.memcgs.values());
    if (effect.counters.size > 0 || effect.devices.size > 0) p.counters.update([...store.devices.values()]);
    p.timeline.update();
    p.inspector.refresh();
    p.compare.invalidate();
    this.updateHeader();
    this.acknowledge();
    // Measured from the message's arrival: parsing and checking it are part of applying it.
    performance.measure('swapsim:apply-delta', {
      start: receivedAt,
      end: performance.now(),
      detail: { seq: delta.seq, clusters: delta.clusters.length },
    });
  }

  private applyToMap(effect: DeltaEffect): void {
    const store = this.store!;
    const map = this.panels!.map;
    if (
      effect.removedDevices.length > 0 ||
      [...effect.devices].some((t) => !store.devices.has(t) || map.deviceType === null)
    ) {
      map.setDevices([...store.devices.values()]);
    } else {
      for (const type of effect.devices) {
        const device = store.device(type);
        if (device !== undefined) map.updateDevice(device);
      }
    }
    const types = new Set<number>([...effect.clusters.keys(), ...effect.overflow, ...effect.slots]);
    for (const type of types)
      map.applyClusterChanges(type, effect.clusters.get(type) ?? [], effect.slots.has(type), effect.overflow.has(type));
  }

  private updateHeader(): void {
    const s = this.store!.snapshot;
    this.header.title.textContent = `swapsim — ${decodeURIComponent(fileStem(s.uri))}`;
    replaceChildren(
      this.header.design,
      uiBadge(`kernel ${s.kernel} · design ${s.design}`, 'Kernel release and metadata design being simulated'),
    );
    replaceChildren(this.header.status, uiBadge(s.status, 'Session status'));
    this.header.step.textContent = `step ${formatCount(s.step.index)} / ${formatCount(s.step.total)}`;
    const atStart = s.step.index === 0;
    const atEnd = s.step.index >= s.step.total || s.status === 'invalid';
    this.buttons.reset.setDisabled(atStart);
    this.buttons.back.setDisabled(atStart);
    this.buttons.forward.setDisabled(atEnd);
    this.buttons.end.setDisabled(atEnd);
  }

  // -------------------------------------------------------------- actions

  /**
   * One step per press, in order: a press while an earlier step is still on
   * its way is queued, not dropped (a held key or a fast double press steps
   * twice, as in the editor). The queue is bounded so a stuck server cannot
   * pile up requests.
   */
  private step(direction: 'forward' | 'back'): Promise<void> {
    if (this.store === null || this.queuedSteps >= MAX_QUEUED_STEPS) return this.stepChain;
    this.queuedSteps++;
    this.stepChain = this.stepChain.then(async () => {
      try {
        await this.rpc.request('swapsim/step', { direction, count: 1 });
      } catch (err) {
        this.showBanner(`Step ${direction} failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.queuedSteps--;
      }
    });
    return this.stepChain;
  }

  private async gotoStep(step: number): Promise<void> {
    try {
      await this.rpc.request('swapsim/gotoStep', { step });
    } catch (err) {
      this.showBanner(`Could not go to step ${step}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }

  private onSelect(selection: MapSelection | null, fromUser: boolean): void {
    this.panels?.inspector.show(selection);
    this.updateUi({ selection: selection === null ? null : { ...selection } });
    if (fromUser && selection !== null) {
      this.transport.send({
        type: 'select',
        deviceType: selection.type,
        cluster: selection.cluster,
        ...(selection.offset === undefined ? {} : { offset: selection.offset }),
      });
    }
  }

  private async exportPng(): Promise<void> {
    const map = this.panels?.map;
    const store = this.store;
    if (map === undefined || store === null) return;
    try {
      const png = await map.exportPng();
      this.transport.saveFile(
        `${fileStem(store.snapshot.uri)}-${fileStem(map.devicePath)}-step${store.snapshot.step.index}.png`,
        'image/png',
        png,
      );
    } catch (err) {
      this.showBanner(`PNG export failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private exportCsv(): void {
    const store = this.store;
    if (store === null) return;
    const csv = countersCsv(store.history);
    this.transport.saveFile(`${fileStem(store.snapshot.uri)}-counters.csv`, 'text/csv', new TextEncoder().encode(csv));
  }

  private async exportJson(): Promise<void> {
    const store = this.store;
    if (store === null) return;
    try {
      const out = await this.rpc.request('swapsim/export', { format: 'state-json' });
      this.transport.saveFile(
        `${fileStem(store.snapshot.uri)}-step${store.snapshot.step.index}.json`,
        out.mime,
        new TextEncoder().encode(out.text),
      );
    } catch (err) {
      this.showBanner(`JSON export failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // ----------------------------------------------------------- state, UI

  private updateUi(patch: Partial<UiState>): void {
    if (this.ui === null) return;
    Object.assign(this.ui, patch);
    this.saveState();
  }

  /** Debounced: zoom and scroll change often. */
  private saveState(): void {
    if (this.saveTimer !== null) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      const ui = this.ui;
      const map = this.panels?.map;
      if (ui === null || map === undefined) return;
      const view = map.state;
      ui.device = view.device;
      ui.level = view.level === null ? null : { k: view.level.k, s: view.level.s };
      ui.top = view.top;
      this.transport.saveState({ ...ui });
    }, 250);
  }

  /** The browser page's theme: the user's pick, else the system's light or dark preference. */
  private currentStandaloneTheme(): StandaloneTheme {
    return this.ui?.theme ?? (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');
  }

  private applyStandaloneTheme(): void {
    if (this.transport.kind !== 'browser') return;
    const wanted = this.currentStandaloneTheme();
    const body = document.body;
    for (const cls of Object.values(THEME_CLASSES)) body.classList.toggle(cls, cls === THEME_CLASSES[wanted]);
  }

  private setPalette(palette: Palette): void {
    this.palette = palette;
    const p = this.panels;
    if (p === null) return;
    p.map.setPalette(palette);
    p.inspector.setPalette(palette);
    p.counters.setPalette(palette);
    p.compare.setPalette(palette);
  }

  private showConnection(state: ConnectionState): void {
    if (this.transport.kind !== 'browser') return;
    this.header.connection.textContent =
      state === 'open' ? '' : state === 'connecting' ? 'connecting…' : 'disconnected: retrying';
    this.header.connection.dataset.state = state;
    if (state === 'closed') this.rpc.failAll('the connection to swapsim serve closed');
  }

  private showBanner(text: string): void {
    this.banner.textContent = text;
    this.banner.hidden = false;
  }

  private hideBanner(): void {
    this.banner.hidden = true;
    this.banner.textContent = '';
  }

  /** Shortcuts that work anywhere except in text fields: [ and ] step, m/i/t focus a panel. */
  private onGlobalKey(e: KeyboardEvent): void {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target) || this.store === null)
      return;
    const focus = (id: string): void => {
      const el = document.getElementById(id);
      const details = el?.closest('details');
      if (details !== null && details !== undefined) details.open = true;
      el?.focus();
    };
    switch (e.key) {
      case ']':
        e.preventDefault();
        void this.step('forward');
        return;
      case '[':
        e.preventDefault();
        void this.step('back');
        return;
      case 'm':
        e.preventDefault();
        focus('cluster-map');
        return;
      case 'i':
        e.preventDefault();
        document.getElementById('inspector-body')?.setAttribute('tabindex', '-1');
        focus('inspector-body');
        return;
      case 't':
        e.preventDefault();
        focus('timeline-slider');
        return;
      default:
        return;
    }
  }
}
