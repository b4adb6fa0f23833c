/**
 * Design comparison: `swapsim/compare` for the chosen designs at the current
 * step. First how each design behaved (the first divergence and the
 * behaviour table of shared/compare_report.ts, as the Compare Designs view
 * and `swapsim compare --step N` show them), then a table of metadata bytes
 * per structure and device (static vs dynamic), each figure's formula in its
 * tooltip, and the totals over the run in a chart.
 */
import { cliCommand, compareReport } from '../../../shared/compare_report';
import { DESIGN_NAMES, type CompareResult, type DesignName, type WireOverheadLine } from '../../../shared/protocol';
import { divergenceLine, reportTable } from '../../compare/tables';
import { h, replaceChildren } from '../dom';
import { formatBytes, formatCount } from '../../../shared/format';
import type { Rpc } from '../rpc';
import type { Palette } from '../theme';
import { uiButton, uiCheckbox, uiProgress } from '../ui-toolkit';
import { StepChart } from './chart';

export interface CompareHost {
  rpc: Rpc;
  /** The scenario's file name, for the `swapsim compare` line that prints the same figures. */
  scenarioFile(): string;
  onDesignsChange(designs: DesignName[]): void;
}

const DESIGN_TITLES: Record<DesignName, string> = {
  legacy: 'legacy: swap_map, swap_cgroup and zeromap arrays (Linux ≤ 6.17)',
  p1: 'swap table phases I–II: swap cache in a per-cluster table (6.18, 7.0)',
  p3: 'swap table phase III: count in the table entry, swap_map gone (7.1)',
  p4: 'swap table phase IV: per-cluster memcg_table, zero flag in the entry (7.2)',
  ghost: 'ghost swapfile RFC: a virtual device for zswap, clusters on demand (not merged)',
  vswap: 'virtual swap space v3: a 24-byte swp_desc per virtual entry (not merged)',
  'vswap-ste': 'vswap "Swap Table Edition" RFC (not merged)',
};

interface RowKey {
  device: string | null;
  structure: string;
  kind: 'static' | 'dynamic';
}

export class ComparePanel {
  readonly element: HTMLElement;
  private readonly result: HTMLElement;
  private readonly busy: HTMLElement;
  private readonly chart: StepChart;
  private designs: DesignName[];
  private token = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Only compare while the panel is open: a comparison reruns the scenario once per design. */
  active = false;
  private stale = true;

  constructor(
    private readonly host: CompareHost,
    palette: Palette,
    designs: readonly DesignName[],
  ) {
    this.designs = [...designs];
    const boxes = DESIGN_NAMES.map((d) =>
      uiCheckbox({
        label: d,
        title: DESIGN_TITLES[d],
        value: d,
        checked: this.designs.includes(d),
        onChange: (checked) => {
          this.designs = DESIGN_NAMES.filter((n) => (n === d ? checked : this.designs.includes(n)));
          this.host.onDesignsChange([...this.designs]);
          this.invalidate(0);
        },
      }),
    );
    const run = uiButton({ label: 'Compare now', id: 'compare-run', onClick: () => this.invalidate(0) });
    this.busy = h('span', { class: 'busy', hidden: true }, uiProgress('Comparing designs'));
    this.result = h('div', { class: 'compare-result', id: 'compare-result', 'aria-live': 'polite' });
    this.chart = new StepChart(
      {
        title: 'Metadata bytes over the run',
        description: 'total metadata bytes of each design at each step',
        format: formatBytes,
        height: 180,
      },
      palette,
    );
    this.element = h(
      'div',
      { class: 'compare-panel' },
      h(
        'div',
        { class: 'toolbar', role: 'group', 'aria-label': 'Designs to compare' },
        ...boxes.map((b) => b.element),
        run.element,
        this.busy,
      ),
      this.result,
      this.chart.element,
    );
    this.chart.element.hidden = true;
  }

  setPalette(palette: Palette): void {
    this.chart.setPalette(palette);
  }

  /** The session moved: compare again (soon) if the panel is open, else when it opens. */
  invalidate(delayMs = 400): void {
    this.stale = true;
    if (!this.active) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, delayMs);
  }

  setActive(active: boolean): void {
    this.active = active;
    if (active && this.stale) this.invalidate(0);
  }

  private async load(): Promise<void> {
    const token = ++this.token;
    this.stale = false;
    if (this.designs.length === 0) {
      replaceChildren(this.result, h('p', { class: 'hint' }, 'Pick at least one design.'));
      this.chart.element.hidden = true;
      return;
    }
    this.busy.hidden = false;
    try {
      const result = await this.host.rpc.request('swapsim/compare', { designs: this.designs });
      if (token === this.token) this.render(result);
    } catch (err) {
      if (token === this.token)
        replaceChildren(
          this.result,
          h(
            'p',
            { class: 'error', role: 'alert' },
            `Comparison failed: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
    } finally {
      if (token === this.token) this.busy.hidden = true;
    }
  }

  private render(result: CompareResult): void {
    const designs = result.tables.map((t) => t.design);
    const rows = new Map<string, RowKey>();
    const cells = new Map<string, WireOverheadLine>();
    for (const table of result.tables) {
      for (const line of table.lines) {
        const key = `${line.kind}\u0000${line.device ?? ''}\u0000${line.structure}`;
        if (!rows.has(key)) rows.set(key, { device: line.device, structure: line.structure, kind: line.kind });
        cells.set(`${table.design}\u0000${key}`, line);
      }
    }
    const sorted = [...rows.entries()].sort(([, a], [, b]) =>
      a.kind === b.kind
        ? (a.device ?? '').localeCompare(b.device ?? '') || a.structure.localeCompare(b.structure)
        : a.kind === 'static'
          ? -1
          : 1,
    );
    const head = h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'Structure'),
      h('th', { scope: 'col' }, 'Kind'),
      ...designs.map((d) => h('th', { scope: 'col', class: 'num', title: DESIGN_TITLES[d] }, d)),
    );
    const body = sorted.map(([key, row]) =>
      h(
        'tr',
        { 'data-structure': row.structure },
        h('th', { scope: 'row' }, row.device === null ? row.structure : `${row.structure} (${row.device})`),
        h('td', {}, row.kind),
        ...designs.map((d) => {
          const line = cells.get(`${d}\u0000${key}`);
          if (line === undefined) return h('td', { class: 'num absent', title: `${d} has no ${row.structure}` }, '—');
          // The formula is the figure's explanation: in the tooltip and, for screen readers, in the label.
          return h(
            'td',
            {
              class: 'num',
              title: `${line.formula}\n${line.source}`,
              'aria-label': `${formatBytes(line.bytes)}: ${line.formula}`,
              'data-design': d,
              'data-bytes': line.bytes,
            },
            formatBytes(line.bytes),
          );
        }),
      ),
    );
    const totalRow = (
      label: string,
      pick: (t: CompareResult['tables'][number]) => number | null,
      format: (n: number) => string,
    ): HTMLElement =>
      h(
        'tr',
        { class: 'total' },
        h('th', { scope: 'row', colspan: 2 }, label),
        ...result.tables.map((t) => {
          const value = pick(t);
          return h('td', { class: 'num', 'data-design': t.design }, value === null ? '—' : format(value));
        }),
      );
    const table = h(
      'table',
      { class: 'compare', id: 'compare-table', 'aria-label': `Metadata bytes per structure at step ${result.step}` },
      h('caption', {}, `Metadata at step ${formatCount(result.step)} (hover a figure for its formula)`),
      h('thead', {}, head),
      h(
        'tbody',
        {},
        ...body,
        totalRow('static total', (t) => t.totals.static, formatBytes),
        totalRow('dynamic total', (t) => t.totals.dynamic, formatBytes),
        totalRow('total', (t) => t.totals.total, formatBytes),
        totalRow(
          'per used slot',
          (t) => t.totals.perUsedSlot,
          (n) => `${n.toFixed(2)} B`,
        ),
      ),
    );
    const failures = result.failures.map((f) =>
      h('p', { class: 'warning', 'data-design': f.design }, `${f.design}: ${f.message}`),
    );
    const report = compareReport(result);
    const behaviour = reportTable(
      'compare-behaviour',
      `Behaviour at step ${formatCount(result.step)} (rows where the designs differ are marked)`,
      [''],
      report.behaviour,
      designs,
      true,
      false,
    );
    behaviour.classList.add('compare');
    replaceChildren(
      this.result,
      h(
        'p',
        { class: 'hint' },
        'The same figures: ',
        h('code', { id: 'compare-cli' }, cliCommand(this.host.scenarioFile(), designs, 'current', result.step)),
      ),
      designs.length > 0 ? divergenceLine('compare-divergence', report) : null,
      designs.length > 0 ? h('div', { class: 'table-scroll' }, behaviour) : null,
      designs.length > 0 ? h('div', { class: 'table-scroll' }, table) : null,
      ...failures,
    );
    const first = result.series[0];
    if (first === undefined) {
      this.chart.element.hidden = true;
      return;
    }
    this.chart.element.hidden = false;
    this.chart.setData(
      first.steps,
      result.series.map((s) => {
        const byStep = new Map(s.steps.map((step, i) => [step, s.total[i] ?? null]));
        return { label: s.design, values: first.steps.map((step) => byStep.get(step) ?? null) };
      }),
    );
  }
}
