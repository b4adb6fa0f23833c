/**
 * Canvas colours come from the `--vscode-*` CSS variables, like everything
 * else on the page; a canvas cannot use var() itself, so the values are read
 * into numbers here and read again whenever VS Code switches theme (it
 * changes the body's class and the variables on <html>).
 */
import type { ClusterListName, SlotBacking } from '../../shared/protocol';

/** RGBA, 0..255 each. */
export type Rgba = readonly [number, number, number, number];

export interface Palette {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  background: Rgba;
  foreground: Rgba;
  muted: Rgba;
  focus: Rgba;
  /** Outline colour of high-contrast themes (transparent elsewhere). */
  contrastBorder: Rgba;
  list: Record<ClusterListName, Rgba>;
  backing: Record<SlotBacking, Rgba>;
  /** The same colours as CSS strings, for 2D-context strokes and uPlot. */
  css: { background: string; foreground: string; muted: string; focus: string; grid: string; series: string[] };
}

/** Which variable colours what, with a fallback when the variable is missing (older VS Code, plain browser). */
const LIST_VARS: Record<ClusterListName, [string, string]> = {
  free: ['--vscode-editorWidget-background', '#252526'],
  nonfull: ['--vscode-charts-blue', '#3794ff'],
  frag: ['--vscode-charts-orange', '#d18616'],
  full: ['--vscode-charts-red', '#f14c4c'],
  discard: ['--vscode-charts-purple', '#b180d7'],
  none: ['--vscode-charts-yellow', '#cca700'],
  dead: ['--vscode-disabledForeground', '#888888'],
};

const BACKING_VARS: Record<SlotBacking, [string, string]> = {
  free: ['--vscode-editorWidget-background', '#252526'],
  cached: ['--vscode-charts-green', '#89d185'],
  'cached-dirty': ['--vscode-charts-yellow', '#cca700'],
  zero: ['--vscode-descriptionForeground', '#9d9d9d'],
  zswap: ['--vscode-charts-purple', '#b180d7'],
  disk: ['--vscode-charts-blue', '#3794ff'],
  bad: ['--vscode-charts-red', '#f14c4c'],
  pointer: ['--vscode-charts-orange', '#d18616'],
};

const SERIES_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour (hex, rgb(), named) to RGBA numbers, through a 1×1 canvas so every syntax the browser knows works. */
export function parseColor(css: string): Rgba | null {
  if (css.trim() === '') return null;
  if (probe === null) {
    const canvas = document.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    probe = canvas.getContext('2d', { willReadFrequently: true });
    if (probe === null) return null;
  }
  probe.clearRect(0, 0, 1, 1);
  // An invalid colour leaves fillStyle unchanged; a sentinel detects that.
  probe.fillStyle = '#010203';
  probe.fillStyle = css;
  if (probe.fillStyle === '#010203' && css.trim().toLowerCase() !== '#010203') return null;
  probe.fillRect(0, 0, 1, 1);
  const d = probe.getImageData(0, 0, 1, 1).data;
  return [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0, d[3] ?? 0];
}

/** `top` drawn over `bottom` (for colours with alpha, e.g. translucent theme colours). */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3] / 255;
  return [
    Math.round(top[0] * a + bottom[0] * (1 - a)),
    Math.round(top[1] * a + bottom[1] * (1 - a)),
    Math.round(top[2] * a + bottom[2] * (1 - a)),
    255,
  ];
}

/** Linear mix: t = 0 gives `a`, t = 1 gives `b`. */
export function mix(a: Rgba, b: Rgba, t: number): Rgba {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
    255,
  ];
}

export function toCss(c: Rgba): string {
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** Relative luminance (WCAG), to pick readable text over a colour. */
export function luminance(c: Rgba): number {
  const lin = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

function themeKind(): Palette['kind'] {
  const cls = document.body.classList;
  if (cls.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (cls.contains('vscode-high-contrast')) return 'high-contrast';
  if (cls.contains('vscode-light')) return 'light';
  return 'dark';
}

/** Read every colour the canvases need from the current CSS variables. */
export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string): Rgba => parseColor(style.getPropertyValue(name)) ?? parseColor(fallback) ?? [128, 128, 128, 255];
  const background = over(read('--vscode-editor-background', '#1e1e1e'), [0, 0, 0, 255]);
  const solid = (name: string, fallback: string): Rgba => over(read(name, fallback), background);
  const foreground = solid('--vscode-editor-foreground', '#cccccc');
  const kind = themeKind();
  const contrast = read('--vscode-contrastBorder', 'transparent');
  const list = {} as Record<ClusterListName, Rgba>;
  for (const [name, [variable, fallback]] of Object.entries(LIST_VARS) as [ClusterListName, [string, string]][]) list[name] = solid(variable, fallback);
  // A free cluster must stand apart from the background, or the device's extent disappears.
  list.free = mix(background, foreground, kind.startsWith('high-contrast') ? 0.22 : 0.1);
  const backing = {} as Record<SlotBacking, Rgba>;
  for (const [name, [variable, fallback]] of Object.entries(BACKING_VARS) as [SlotBacking, [string, string]][]) backing[name] = solid(variable, fallback);
  backing.free = list.free;
  const muted = solid('--vscode-descriptionForeground', '#9d9d9d');
  const focus = solid('--vscode-focusBorder', '#007fd4');
  return {
    kind,
    background,
    foreground,
    muted,
    focus,
    contrastBorder: contrast,
    list,
    backing,
    css: {
      background: toCss(background),
      foreground: toCss(foreground),
      muted: toCss(muted),
      focus: toCss(focus),
      grid: toCss(mix(background, foreground, 0.15)),
      series: SERIES_VARS.map((v, i) => toCss(solid(v, ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'][i] ?? '#3794ff'))),
    },
  };
}

/**
 * Call `onChange` with a fresh palette whenever the theme changes: VS Code
 * swaps the body class and rewrites the variables in <html>'s style; the
 * browser page changes the body class or body style. Coalesced to one read per frame.
 */
export function watchTheme(onChange: (palette: Palette) => void): () => void {
  let scheduled = false;
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      onChange(readPalette());
    });
  };
  const observer = new MutationObserver(schedule);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });
  return () => observer.disconnect();
}
