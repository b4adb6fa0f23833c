/**
 * Public face of the scenario language front end: parse, check, or both.
 * The interpreter, the CLI and the language server import from here.
 */
import { comparePositions, type Program } from './syntax/ast';
import type { CheckedProgram, Limits } from './check/checked';
import { check } from './check/checker';
import type { ConfigDefaults } from './check/config';
import type { Diagnostic } from './diagnostics';
import { parse } from './syntax/parser';

export interface FrontEndResult {
  readonly program: Program;
  readonly checked: CheckedProgram;
  /** Parser and checker diagnostics together, in source order. */
  readonly diagnostics: Diagnostic[];
}

export interface FrontEndOptions {
  /**
   * An earlier result for the same document: the parser keeps its lines
   * that did not change (see parser.ts). The result is the same without it.
   */
  readonly previous?: FrontEndResult;
  /** Values for what the scenario's `config` leaves unset (the editor's swapsim.design and swapsim.geometry.* settings). */
  readonly defaults?: ConfigDefaults;
}

/** Parse and check a `.swapsim` source. Never throws on any input text. */
export function parseAndCheck(
  source: string,
  limits: Partial<Limits> = {},
  options: FrontEndOptions = {},
): FrontEndResult {
  const parsed = parse(source, options.previous?.program);
  const checked = check(parsed.program, limits, options.defaults);
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics].sort((a, b) =>
    comparePositions(a.range.start, b.range.start),
  );
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  return { program: parsed.program, checked: { ...checked.checked, hasErrors }, diagnostics };
}

export { parse, check };
export { reuseStats, type ReuseStats } from './syntax/parser';
export type { ParseResult } from './syntax/parser';
export type { CheckResult } from './check/checker';
export * from './syntax/ast';
export * from './check/checked';
export * from './diagnostics';
export { DEFAULT_CONFIG, type ConfigDefaults } from './check/config';
export * as catalog from './catalog';
