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

/**
 * Cluster lists and slot backings have fixed colours, chosen so that no two
 * states of a kind look alike to people with protanopia, deuteranopia or
 * tritanopia, that no colour stands for a cluster state and a slot state at
 * once, and that each stands out on light and dark backgrounds
 * (test/dashboard/palette.test.ts measures all three). Theme colours
 * (`--vscode-charts-*`) differ between themes and reuse one blue for several
 * things, so they cannot promise that. The free states follow the theme.
 * Sources: Paul Tol's muted scheme (clusters) and Okabe & Ito's (slots).
 */
export const LIST_COLOURS: Record<Exclude<ClusterListName, 'free'>, string> = {
  nonfull: '#88ccee',
  frag: '#ddcc77',
  full: '#cc6677',
  discard: '#aa4499',
  none: '#aaaa00',
  dead: '#555555',
};

export const BACKING_COLOURS: Record<Exclude<SlotBacking, 'free'>, string> = {
  cached: '#009e73',
  'cached-dirty': '#f0e442',
  zero: '#bbbbbb',
  zswap: '#cc79a7',
  disk: '#0072b2',
  bad: '#d55e00',
  pointer: '#e69f00',
  header: '#332288',
};

/** '#rrggbb' to RGBA numbers (no DOM: the palette test runs in Node). */
export function hexColour(hex: string): Rgba {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
}

const SERIES_VARS = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
];

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
  const read = (name: string, fallback: string): Rgba =>
    parseColor(style.getPropertyValue(name)) ?? parseColor(fallback) ?? [128, 128, 128, 255];
  const background = over(read('--vscode-editor-background', '#1e1e1e'), [0, 0, 0, 255]);
  const solid = (name: string, fallback: string): Rgba => over(read(name, fallback), background);
  const foreground = solid('--vscode-editor-foreground', '#cccccc');
  const kind = themeKind();
  const contrast = read('--vscode-contrastBorder', 'transparent');
  // A free cluster must stand apart from the background, or the device's extent disappears.
  const free = mix(background, foreground, kind.startsWith('high-contrast') ? 0.22 : 0.1);
  const list = { free } as Record<ClusterListName, Rgba>;
  for (const [name, hex] of Object.entries(LIST_COLOURS) as [ClusterListName, string][]) list[name] = hexColour(hex);
  const backing = { free } as Record<SlotBacking, Rgba>;
  for (const [name, hex] of Object.entries(BACKING_COLOURS) as [SlotBacking, string][]) backing[name] = hexColour(hex);
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
      series: SERIES_VARS.map((v, i) =>
        toCss(solid(v, ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'][i] ?? '#3794ff')),
      ),
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
