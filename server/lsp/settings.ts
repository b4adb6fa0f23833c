/**
 * The `swapsim` settings section, read with `workspace/configuration` and
 * re-read on `workspace/didChangeConfiguration`. Anything missing or of the
 * wrong type falls back to its default, so a half-written settings.json never
 * breaks the server.
 */
import { DESIGN_NAMES, type DesignName } from '../../shared/protocol';

export interface Settings {
  /** Design profile overriding every scenario's `config design=`; null keeps the scenario's. */
  readonly design: DesignName | null;
  /** False turns the invariant checker off even where a scenario asks for it. */
  readonly checkInvariants: boolean;
  readonly inlayHints: { readonly enabled: boolean };
  readonly limits: {
    /** Longest single run, in steps. */
    readonly maxSteps: number;
    /** Undo journal entries kept per session. */
    readonly maxUndoEntries: number;
    /** Heap budget per session; past sessions × budget the least recently used sessions are dropped. */
    readonly sessionMemoryMB: number;
  };
}

export const DEFAULT_SETTINGS: Settings = {
  design: null,
  checkInvariants: true,
  inlayHints: { enabled: true },
  limits: { maxSteps: 1_000_000, maxUndoEntries: 100_000, sessionMemoryMB: 512 },
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

export function isDesignName(value: unknown): value is DesignName {
  return typeof value === 'string' && (DESIGN_NAMES as readonly string[]).includes(value);
}

/** Settings from whatever the client sent for the `swapsim` section. */
export function parseSettings(raw: unknown): Settings {
  const s = record(raw);
  const inlay = record(s.inlayHints);
  const limits = record(s.limits);
  const d = DEFAULT_SETTINGS;
  return {
    design: isDesignName(s.design) ? s.design : null,
    checkInvariants: bool(s.checkInvariants, d.checkInvariants),
    inlayHints: { enabled: bool(inlay.enabled, d.inlayHints.enabled) },
    limits: {
      maxSteps: positiveInt(limits.maxSteps, d.limits.maxSteps),
      maxUndoEntries: positiveInt(limits.maxUndoEntries, d.limits.maxUndoEntries),
      sessionMemoryMB: positiveInt(limits.sessionMemoryMB, d.limits.sessionMemoryMB),
    },
  };
}

export function sameSettings(a: Settings, b: Settings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
