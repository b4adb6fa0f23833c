/**
 * Counters panel: /proc/swaps, free, /proc/meminfo, /proc/vmstat, mTHP and
 * zswap stats as the kernel prints them, with the values the last step
 * changed highlighted (the old value in the tooltip). Enter or a click on a
 * line charts that counter across the visited steps.
 *
 * Lines are updated in place while the set of counters stays the same, so
 * focus and scroll survive stepping.
 */
import type { DeviceSummary } from '../../../shared/protocol';
import { h, replaceChildren } from '../dom';
import type { SessionStore } from '../store';
import type { Palette } from '../theme';
import { StepChart } from './chart';
import { counterTitle, kernelFiles, type KernelFile } from './kernel-text';

export interface CountersHost {
  /** Chart keys changed (persist). */
  onChartsChange(keys: string[]): void;
}

const MAX_CHARTS = 8;

export class CountersPanel {
  readonly element: HTMLElement;
  private readonly filesBox: HTMLElement;
  private readonly chartsBox: HTMLElement;
  private shape = '';
  /** Value spans per counter key. */
  private readonly spans = new Map<string, HTMLElement[]>();
  /** The line element of each counter (one line may hold several counters). */
  private readonly lineOf = new Map<string, HTMLElement>();
  private readonly charts = new Map<string, StepChart>();
  private chartKeys: string[] = [];

  constructor(
    private readonly host: CountersHost,
    private readonly store: SessionStore,
    private palette: Palette,
  ) {
    this.filesBox = h('div', { class: 'kfiles', id: 'counter-files' });
    this.chartsBox = h('div', { class: 'charts', id: 'counter-charts', 'aria-label': 'Counter charts' });
    this.element = h(
      'div',
      { class: 'counters-panel' },
      h(
        'p',
        { class: 'hint' },
        'Values changed by the last step are highlighted. Enter or click on a line charts it over the steps visited.',
      ),
      this.filesBox,
      h('h3', {}, 'Charts'),
      this.chartsBox,
    );
  }

  setChartKeys(keys: readonly string[]): void {
    this.chartKeys = keys.slice(0, MAX_CHARTS);
    this.renderCharts();
    this.markCharted();
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    for (const chart of this.charts.values()) chart.setPalette(palette);
  }

  /** Redraw after a delta (or at start). */
  update(devices: readonly DeviceSummary[]): void {
    const files = kernelFiles(this.store.counters, devices);
    const shape = files
      .map((f) => `${f.id}:${f.lines.map((l) => l.map((s) => s.key ?? '').join(',')).join(';')}`)
      .join('|');
    if (shape !== this.shape) {
      this.shape = shape;
      this.build(files);
    } else {
      // Same counters: update values and the non-value text (padding depends on value widths).
      for (const file of files) {
        for (const line of file.lines) {
          const firstKey = line.find((s) => s.key !== undefined)?.key;
          const el = firstKey === undefined ? undefined : this.lineOf.get(firstKey);
          if (el === undefined) continue;
          const parts = el.querySelectorAll<HTMLElement>('.kline-text > span');
          line.forEach((segment, i) => {
            const span = parts[i];
            if (span !== undefined && span.textContent !== segment.text) span.textContent = segment.text;
          });
        }
      }
    }
    this.highlight();
    this.refreshCharts();
  }

  private build(files: KernelFile[]): void {
    const focusedKey =
      document.activeElement instanceof HTMLElement ? document.activeElement.dataset.counter : undefined;
    this.spans.clear();
    this.lineOf.clear();
    const blocks = files.map((file) => {
      const lines = file.lines.map((line, index) => {
        const keys = line.filter((s) => s.key !== undefined).map((s) => s.key!);
        const text = h('span', { class: 'kline-text' });
        for (const segment of line) {
          const span = h(
            'span',
            segment.key === undefined ? {} : { class: 'kval', 'data-key': segment.key },
            segment.text,
          );
          text.append(span);
          if (segment.key !== undefined) {
            const list = this.spans.get(segment.key) ?? [];
            list.push(span);
            this.spans.set(segment.key, list);
          }
        }
        if (keys.length === 0)
          return h('div', { class: 'kline header', 'aria-hidden': index === 0 ? 'false' : 'true' }, text);
        // One key per line is charted: the last one (Used for /proc/swaps rows, the value elsewhere).
        const chartKey = keys.length > 1 ? (keys.find((k) => k.endsWith('.Used')) ?? keys[keys.length - 1]!) : keys[0]!;
        const el = h(
          'div',
          {
            class: 'kline',
            role: 'button',
            tabindex: -1,
            'aria-pressed': 'false',
            'data-counter': chartKey,
            title: `Chart ${counterTitle(chartKey)}`,
          },
          text,
        );
        for (const key of keys) this.lineOf.set(key, el);
        el.addEventListener('click', () => this.toggleChart(chartKey));
        return el;
      });
      const block = h(
        'div',
        { class: 'kfile', id: `file-${file.id}`, role: 'group', 'aria-label': file.title },
        h('div', { class: 'kfile-name' }, file.title),
        ...lines,
      );
      block.addEventListener('keydown', (e) => this.onKey(e, block));
      // Roving focus: one line per file is in the tab order.
      const first = block.querySelector<HTMLElement>('.kline[data-counter]');
      if (first !== null) first.tabIndex = 0;
      return block;
    });
    replaceChildren(this.filesBox, ...blocks);
    this.markCharted();
    if (focusedKey !== undefined) this.lineOf.get(focusedKey)?.focus();
  }

  private onKey(e: KeyboardEvent, block: HTMLElement): void {
    const lines = [...block.querySelectorAll<HTMLElement>('.kline[data-counter]')];
    const current = lines.findIndex((l) => l === document.activeElement);
    if (current < 0) return;
    let next: number;
    if (e.key === 'ArrowDown') next = Math.min(lines.length - 1, current + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = lines.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const key = lines[current]!.dataset.counter;
      if (key !== undefined) this.toggleChart(key);
      return;
    } else return;
    e.preventDefault();
    lines[current]!.tabIndex = -1;
    lines[next]!.tabIndex = 0;
    lines[next]!.focus();
  }

  private highlight(): void {
    for (const el of this.filesBox.querySelectorAll('.kval.changed')) {
      el.classList.remove('changed');
      el.removeAttribute('title');
    }
    for (const key of this.store.lastChanged) {
      const previous = this.store.previous.get(key);
      for (const span of this.spans.get(key) ?? []) {
        span.classList.add('changed');
        span.title = previous === undefined ? 'new' : `was ${previous}`;
      }
    }
  }

  private toggleChart(key: string): void {
    const i = this.chartKeys.indexOf(key);
    if (i >= 0) this.chartKeys.splice(i, 1);
    else {
      this.chartKeys.push(key);
      if (this.chartKeys.length > MAX_CHARTS) this.chartKeys.shift();
    }
    this.renderCharts();
    this.markCharted();
    this.host.onChartsChange([...this.chartKeys]);
  }

  private markCharted(): void {
    for (const [key, el] of this.lineOf)
      if (el.dataset.counter === key) el.setAttribute('aria-pressed', String(this.chartKeys.includes(key)));
  }

  private renderCharts(): void {
    for (const [key, chart] of this.charts) {
      if (!this.chartKeys.includes(key)) {
        chart.destroy();
        this.charts.delete(key);
      }
    }
    for (const key of this.chartKeys) {
      if (this.charts.has(key)) continue;
      const chart = new StepChart(
        { title: counterTitle(key), description: `${key} at each visited step` },
        this.palette,
      );
      const remove = h(
        'button',
        { class: 'link remove-chart', type: 'button', 'aria-label': `Remove the chart of ${counterTitle(key)}` },
        'remove',
      );
      remove.addEventListener('click', () => this.toggleChart(key));
      chart.element.append(h('figcaption', {}, remove));
      chart.element.dataset.counter = key;
      this.charts.set(key, chart);
    }
    replaceChildren(this.chartsBox, ...this.chartKeys.map((k) => this.charts.get(k)!.element));
    if (this.chartKeys.length === 0)
      this.chartsBox.append(h('p', { class: 'hint' }, 'No chart yet: pick a counter line above.'));
    this.refreshCharts();
  }

  private refreshCharts(): void {
    for (const [key, chart] of this.charts) {
      const { steps, values } = this.store.series(key);
      chart.setData(steps, [{ label: counterTitle(key), values }]);
    }
  }
}
