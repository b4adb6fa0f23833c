/**
 * The dashboard's UI state (device, zoom, scroll, selection, open panels,
 * charted counters, compared designs, theme in a browser): what survives a
 * reload or a tab switch. VS Code keeps it with the webview (getState /
 * setState, read back by the panel serializer); the browser page keeps it
 * in localStorage. Whatever comes back is checked, never trusted.
 */
import { DESIGN_NAMES, type DesignName } from '../../shared/protocol';
import {
  arrayOf,
  designName,
  intIn,
  literal,
  nat,
  nullable,
  object,
  refine,
  str,
  withDefault,
  type Validator,
} from '../../shared/validate';

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

/** Panel ids, chart keys or design names: a few short strings. */
const shortStrings = (max: number): Validator<string[]> =>
  arrayOf(
    refine(str, (s) => s.length < 400, 'expected fewer than 400 characters'),
    max,
  );
const zoomLevel = object<{ k: number; s: number }>({ k: intIn({ min: 1 }), s: intIn({ min: 1 }) });
const clusterSelection = object<{ type: number; cluster: number }>({ type: nat, cluster: nat });
const theme = literal<StandaloneTheme>('dark', 'light', 'high-contrast');

/** A stored state for `uri`, field by field: anything malformed falls back to the default. */
export function parseUiState(value: unknown, uri: string, design: DesignName): UiState {
  const state = defaultUiState(uri, design);
  if (typeof value !== 'object' || value === null) return state;
  const v = value as Record<string, unknown>;
  if (v.version !== 1 || v.uri !== uri) return state;
  state.device = withDefault(nullable(nat), v.device, state.device);
  const level = withDefault(zoomLevel, v.level, null);
  if (level !== null) state.level = { k: level.k, s: level.s };
  state.top = withDefault(nat, v.top, state.top);
  const sel = withDefault(clusterSelection, v.selection, null);
  if (sel !== null) {
    // a selection keeps its cluster even when its slot did not survive
    const offset = withDefault(nat, (v.selection as { offset?: unknown }).offset, undefined);
    state.selection =
      offset === undefined
        ? { type: sel.type, cluster: sel.cluster }
        : { type: sel.type, cluster: sel.cluster, offset };
  }
  state.open = withDefault(shortStrings(20), v.open, state.open);
  state.charts = withDefault(shortStrings(20), v.charts, state.charts);
  const compare = withDefault(shortStrings(DESIGN_NAMES.length), v.compare, null);
  if (compare !== null) state.compare = compare.filter((d): d is DesignName => designName(d, 'design') === null);
  state.theme = withDefault(theme, v.theme, state.theme);
  return state;
}
