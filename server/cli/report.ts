/**
 * Compiler-style lines for problems in a scenario:
 * `FILE:LINE:COL: error CODE: message`, 1-based like gcc and tsc, so editors
 * and CI annotators can jump to them.
 */
import type { Range } from '../lang/syntax/ast';
import type { Diagnostic } from '../lang/diagnostics';
import type { StepError } from '../../shared/protocol';

export function location(file: string, range: Range): string {
  return `${file}:${range.start.line + 1}:${range.start.character + 1}`;
}

export function diagnosticLine(file: string, d: Diagnostic): string {
  return `${location(file, d.range)}: ${d.severity} ${d.code}: ${d.message}`;
}

/** A kernel errno the scenario ran into; its code is the errno name. */
export function kernelErrorLine(file: string, e: StepError): string {
  return `${location(file, e.range)}: error ${e.errno}: ${e.message}`;
}

export function hasErrorDiagnostics(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
