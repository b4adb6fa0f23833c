/**
 * Small step-series charts drawn by uPlot (a maintained, dependency-free
 * chart library of ~50 KB minified): axes, ticks, scaling and the hover
 * cursor come from it rather than from hand-drawn code. Colours come from
 * the theme palette; a theme change rebuilds the chart.
 */
import uPlot from 'uplot';
import { formatCount } from '../../../shared/format';
import type { Palette } from '../theme';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

export interface ChartOptions {
  title: string;
  /** Accessible description of what the chart shows. */
  description: string;
  height?: number;
  /** Format of y values (bytes, counts). */
  format?: (value: number) => string;
}

const DEFAULT_HEIGHT = 140;
const STEP_INCRS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000,
];

export class StepChart {
  readonly element: HTMLElement;
  private plot: uPlot | null = null;
  private steps: number[] = [];
  private series: ChartSeries[] = [];
  private width = 300;
  private readonly observer: ResizeObserver;

  constructor(
    private readonly options: ChartOptions,
    private palette: Palette,
  ) {
    this.element = document.createElement('figure');
    this.element.className = 'chart';
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', `${options.title}: ${options.description}`);
    this.observer = new ResizeObserver((entries) => {
      const width = Math.floor(entries[0]?.contentRect.width ?? this.width);
      if (width > 0 && Math.abs(width - this.width) >= 2) {
        this.width = width;
        this.plot?.setSize({ width, height: this.options.height ?? DEFAULT_HEIGHT });
      }
    });
    this.observer.observe(this.element);
  }

  setData(steps: number[], series: ChartSeries[]): void {
    const shapeChanged =
      series.length !== this.series.length || series.some((s, i) => s.label !== this.series[i]?.label);
    this.steps = steps;
    this.series = series;
    const summary = series
      .map((s) => `${s.label} ${s.values.length > 0 ? (s.values[s.values.length - 1] ?? 'n/a') : 'n/a'}`)
      .join(', ');
    this.element.setAttribute('aria-label', `${this.options.title}: ${this.options.description}. Latest: ${summary}.`);
    if (this.plot === null || shapeChanged) this.build();
    else this.plot.setData([steps, ...series.map((s) => s.values)]);
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    if (this.plot !== null) this.build();
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
    this.plot = null;
    this.element.remove();
  }

  private build(): void {
    this.plot?.destroy();
    const p = this.palette.css;
    const format = this.options.format ?? formatCount;
    const axis = (): uPlot.Axis => ({
      stroke: p.muted,
      grid: { stroke: p.grid, width: 1 },
      ticks: { stroke: p.grid, width: 1 },
      font: '11px var(--vscode-font-family, sans-serif)',
    });
    const width = Math.max(120, this.element.clientWidth || this.width);
    this.width = width;
    this.plot = new uPlot(
      {
        title: this.options.title,
        width,
        height: this.options.height ?? DEFAULT_HEIGHT,
        // Steps are not times.
        scales: { x: { time: false } },
        axes: [
          // Steps are whole numbers: only integer tick spacings.
          {
            ...axis(),
            label: 'step',
            labelSize: 16,
            labelFont: '11px var(--vscode-font-family, sans-serif)',
            incrs: STEP_INCRS,
            values: (_u, ticks) => ticks.map((t) => formatCount(t)),
          },
          {
            ...axis(),
            size: 56,
            values: (_u, ticks) => ticks.map((t) => (this.options.format === undefined ? formatCompact(t) : format(t))),
          },
        ],
        series: [
          { label: 'step' },
          ...this.series.map((s, i) => ({
            label: s.label,
            stroke: p.series[i % p.series.length],
            width: 1.5,
            points: { show: this.steps.length < 64 },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
          })),
        ],
        legend: { show: this.series.length > 1, live: true },
        cursor: { drag: { x: false, y: false } },
      },
      [this.steps, ...this.series.map((s) => s.values)],
      this.element,
    );
  }
}

/** Compact axis label: 1073676284 -> "1.07G", 16384 -> "16.4k". */
function formatCompact(n: number): string {
  const abs = Math.abs(n);
  for (const [limit, suffix] of [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (abs >= limit) return `${Number((n / limit).toPrecision(3))}${suffix}`;
  }
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(3)));
}
