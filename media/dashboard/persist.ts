/**
 * The dashboard's UI state (device, zoom, scroll, selection, open panels,
 * charted counters, compared designs, theme in a browser): what survives a
 * reload or a tab switch. VS Code keeps it with the webview (getState /
 * setState, read back by the panel serializer); the browser page keeps it
 * in localStorage. Whatever comes back is checked, never trusted.
 */
import { DESIGN_NAMES, type DesignName } from '../../shared/protocol';

export type StandaloneTheme = 'dark' | 'light' | 'high-contrast';

export interface UiState {
  version: 1;
  /** Scenario URI the state belongs to. */
  uri: string;
  device: number | null;
  level: { k: number; s: number } | null;
  top: number;
  selection: { type: number; cluster: number; offset?: number } | null;
  open: string[];
  charts: string[];
  compare: DesignName[];
  theme: StandaloneTheme | null;
}

export const DEFAULT_OPEN = ['panel-map', 'panel-inspector', 'panel-timeline', 'panel-memcg', 'panel-counters'];
export const DEFAULT_CHARTS = ['meminfo.SwapFree', 'vmstat.pswpout'];

export function defaultUiState(uri: string, design: DesignName): UiState {
  return {
    version: 1,
    uri,
    device: null,
    level: null,
    top: 0,
    selection: null,
    open: [...DEFAULT_OPEN],
    charts: [...DEFAULT_CHARTS],
    compare: design === 'p4' ? ['legacy', 'p3', 'p4'] : [...new Set<DesignName>(['legacy', design, 'p4'])],
    theme: null,
  };
}

const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const strings = (v: unknown, max: number): string[] | null =>
  Array.isArray(v) && v.length <= max && v.every((s) => typeof s === 'string' && s.length < 400)
    ? (v as string[])
    : null;

/** A stored state for `uri`, field by field: anything malformed falls back to the default. */
export function parseUiState(value: unknown, uri: string, design: DesignName): UiState {
  const state = defaultUiState(uri, design);
  if (typeof value !== 'object' || value === null) return state;
  const v = value as Record<string, unknown>;
  if (v.version !== 1 || v.uri !== uri) return state;
  if (v.device === null || isNat(v.device)) state.device = v.device;
  const level = v.level as Record<string, unknown> | null | undefined;
  if (level !== null && typeof level === 'object' && isNat(level.k) && isNat(level.s) && level.k >= 1 && level.s >= 1)
    state.level = { k: level.k, s: level.s };
  if (isNat(v.top)) state.top = v.top;
  const sel = v.selection as Record<string, unknown> | null | undefined;
  if (sel !== null && typeof sel === 'object' && isNat(sel.type) && isNat(sel.cluster)) {
    state.selection = isNat(sel.offset)
      ? { type: sel.type, cluster: sel.cluster, offset: sel.offset }
      : { type: sel.type, cluster: sel.cluster };
  }
  state.open = strings(v.open, 20) ?? state.open;
  state.charts = strings(v.charts, 20) ?? state.charts;
  const compare = strings(v.compare, DESIGN_NAMES.length);
  if (compare !== null)
    state.compare = compare.filter((d): d is DesignName => (DESIGN_NAMES as readonly string[]).includes(d));
  if (v.theme === 'dark' || v.theme === 'light' || v.theme === 'high-contrast') state.theme = v.theme;
  return state;
}
