/**
 * Validators for request parameters. Clients (and the dashboard relaying
 * through the extension) can send anything; every custom request checks its
 * params here and answers `InvalidParams` with a precise message instead of
 * failing somewhere deep in the simulator.
 */
import { ResponseError } from 'vscode-languageserver/node';
import { DESIGN_NAMES, ErrorCodes, type DesignName } from '../../shared/protocol';

export type Params = Readonly<Record<string, unknown>>;

export function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

export function object(params: unknown, what = 'params'): Params {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw invalid(`${what} must be an object`);
  return params as Params;
}

export function string(p: Params, key: string): string {
  const v = p[key];
  if (typeof v !== 'string' || v === '') throw invalid(`'${key}' must be a non-empty string`);
  return v;
}

export function integer(p: Params, key: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const v = p[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(`'${key}' must be an integer`);
  if (v < min || v > max) throw invalid(`'${key}' must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function optionalInteger(p: Params, key: string, min?: number, max?: number): number | undefined {
  return p[key] === undefined || p[key] === null ? undefined : integer(p, key, min, max);
}

export function boolean(p: Params, key: string, fallback?: boolean): boolean {
  const v = p[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'boolean') throw invalid(`'${key}' must be true or false`);
  return v;
}

export function oneOf<T extends string>(p: Params, key: string, values: readonly T[]): T {
  const v = p[key];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw invalid(`'${key}' must be one of ${values.join(', ')}`);
  return v as T;
}

export function design(p: Params, key: string): DesignName {
  return oneOf(p, key, DESIGN_NAMES);
}

export function designs(p: Params, key: string): DesignName[] {
  const v = p[key];
  if (!Array.isArray(v) || v.length === 0 || v.length > DESIGN_NAMES.length * 2) throw invalid(`'${key}' must be a non-empty list of design names`);
  const out: DesignName[] = [];
  for (const d of v) {
    if (typeof d !== 'string' || !(DESIGN_NAMES as readonly string[]).includes(d)) throw invalid(`'${String(d)}' is not a design (${DESIGN_NAMES.join(', ')})`);
    if (!out.includes(d as DesignName)) out.push(d as DesignName);
  }
  return out;
}

/** Most breakpoint lines one request may carry (far more than anyone sets by hand). */
export const MAX_LINE_LIST = 10_000;

/** An optional list of 0-based line numbers, as a set (duplicates are harmless). */
export function optionalLines(p: Params, key: string): Set<number> | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.length > MAX_LINE_LIST) throw invalid(`'${key}' must be a list of at most ${MAX_LINE_LIST} line numbers`);
  const out = new Set<number>();
  for (const line of v) {
    if (typeof line !== 'number' || !Number.isInteger(line) || line < 0) throw invalid(`'${key}' must hold non-negative integer lines, got ${JSON.stringify(line)}`);
    out.add(line);
  }
  return out;
}

/** The text document URI of a standard LSP request, or null when malformed. */
export function documentUri(params: unknown): string | null {
  if (typeof params !== 'object' || params === null) return null;
  const td = (params as { textDocument?: unknown }).textDocument;
  if (typeof td !== 'object' || td === null) return null;
  const uri = (td as { uri?: unknown }).uri;
  return typeof uri === 'string' ? uri : null;
}

/** A position field of a standard request, or null when malformed. */
export function positionParam(params: unknown, key = 'position'): { line: number; character: number } | null {
  if (typeof params !== 'object' || params === null) return null;
  const v = (params as Record<string, unknown>)[key];
  if (typeof v !== 'object' || v === null) return null;
  const { line, character } = v as { line?: unknown; character?: unknown };
  if (typeof line !== 'number' || typeof character !== 'number' || !Number.isInteger(line) || !Number.isInteger(character) || line < 0 || character < 0) return null;
  return { line, character };
}

/** A range field of a standard request, or null when malformed. */
export function rangeParam(params: unknown, key = 'range'): { start: { line: number; character: number }; end: { line: number; character: number } } | null {
  if (typeof params !== 'object' || params === null) return null;
  const v = (params as Record<string, unknown>)[key];
  const start = positionParam(v, 'start');
  const end = positionParam(v, 'end');
  return start === null || end === null ? null : { start, end };
}
