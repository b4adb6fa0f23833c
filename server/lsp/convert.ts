/**
 * Front-end diagnostics → LSP diagnostics. Ranges already follow LSP
 * conventions (zero-based lines, UTF-16 columns); the language's `data`
 * (errno, suggestions, ready-made fixes) rides along so code actions work
 * from the diagnostic the client sends back, even after further edits.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { Diagnostic, Severity } from '../lang/index';
import { MAX_DOCUMENT_BYTES } from './analysis';

export const SOURCE = 'swapsim';

export function toLspSeverity(severity: Severity): DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'info':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
  }
}

export function toLspDiagnostic(d: Diagnostic): LspDiagnostic {
  const out: LspDiagnostic = {
    range: d.range,
    severity: toLspSeverity(d.severity),
    code: d.code,
    source: SOURCE,
    message: d.message,
  };
  if (d.data !== undefined) out.data = d.data;
  return out;
}

export function tooLargeDiagnostic(): LspDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    code: 'too-large',
    source: SOURCE,
    message: `This document is larger than ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MB: swapsim does not check or simulate it.`,
  };
}
