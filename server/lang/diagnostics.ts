/**
 * Diagnostics of the scenario language, with stable codes.
 *
 * Codes never change meaning once released: SS1xx syntax, SS2xx names and
 * object state, SS3xx values and units, SS4xx legality under the configured
 * design/geometry, SS5xx simulator limits. docs/scenario-language.md has the
 * same table; a test keeps the two in step.
 */
import type { Range } from './syntax/ast';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface QuickFix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  readonly preferred?: boolean;
}

export interface DiagnosticData {
  /**
   * The errno the kernel itself would return for this statement. Such a
   * diagnostic describes a deliberate-looking failure, and is dropped when the
   * next statement is `expect error …`.
   */
  readonly errno?: string;
  /** Replacement candidates for the diagnostic's range, best first. */
  readonly suggestions?: readonly string[];
  /** Ready-made code actions for the language server. */
  readonly fixes?: readonly QuickFix[];
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly range: Range;
  readonly data?: DiagnosticData;
}

interface CodeInfo {
  readonly severity: Severity;
  /** Short title for the docs table and hover. */
  readonly title: string;
}

export const DIAGNOSTIC_CODES = {
  // SS1xx — syntax
  SS101: { severity: 'error', title: 'Unknown command' },
  SS102: { severity: 'error', title: 'Missing argument' },
  SS103: { severity: 'error', title: 'Unexpected extra argument' },
  SS104: { severity: 'error', title: 'Unknown option or flag for this command' },
  SS105: { severity: 'error', title: 'Option given twice' },
  SS106: { severity: 'error', title: 'Option without a value' },
  SS107: { severity: 'error', title: '`}` without an open `repeat` block' },
  SS108: { severity: 'error', title: '`repeat` block never closed' },
  SS109: { severity: 'error', title: 'Malformed `repeat` header or block line' },
  SS110: { severity: 'error', title: 'Unterminated quoted string' },
  SS111: { severity: 'error', title: 'Malformed `expect`' },
  SS112: { severity: 'error', title: 'Malformed `echo` (needs `> PATH`)' },
  SS113: { severity: 'error', title: 'Malformed `config` setting (needs KEY=VALUE)' },
  SS114: { severity: 'error', title: 'Operator where a word was expected' },
  SS115: { severity: 'error', title: 'Malformed `let` (needs NAME = VALUE)' },
  SS116: { severity: 'error', title: 'Malformed `$` substitution or expression' },
  // SS2xx — names and object state
  SS201: { severity: 'error', title: 'Unknown task' },
  SS202: { severity: 'error', title: 'Unknown region' },
  SS203: { severity: 'error', title: 'Cgroup does not exist' },
  SS204: { severity: 'error', title: 'Swap device not active' },
  SS205: { severity: 'error', title: 'Unknown file' },
  SS206: { severity: 'error', title: 'Unknown key in a keyed file' },
  SS207: { severity: 'error', title: 'Task used after exit' },
  SS208: { severity: 'error', title: 'Region used after munmap' },
  SS209: { severity: 'error', title: 'Cgroup used after rmdir' },
  SS210: { severity: 'error', title: 'Swap device used after swapoff' },
  SS211: { severity: 'error', title: 'Name already in use' },
  SS212: { severity: 'error', title: 'Cgroup already exists' },
  SS213: { severity: 'error', title: 'Swap device already active' },
  SS214: { severity: 'error', title: 'Cgroup still has children or tasks' },
  SS215: { severity: 'error', title: 'Write to a read-only file' },
  SS216: { severity: 'error', title: 'Read of a write-only file' },
  SS217: { severity: 'error', title: 'File does not exist in the root cgroup' },
  SS218: { severity: 'error', title: 'Invalid name or path' },
  SS219: { severity: 'error', title: 'Not a cgroup path' },
  SS220: { severity: 'error', title: 'Unknown errno name' },
  SS221: { severity: 'error', title: 'Unknown field' },
  SS222: { severity: 'error', title: 'Unknown config key' },
  SS223: { severity: 'error', title: '`expect ok`/`expect error` not right after a command' },
  SS224: { severity: 'warning', title: 'Expected errno differs from the predicted one' },
  SS225: { severity: 'error', title: 'Unknown observable' },
  SS226: { severity: 'error', title: 'Unknown variable' },
  SS227: { severity: 'error', title: 'Invalid or clashing variable name' },
  SS228: { severity: 'error', title: 'Unknown or closed file name' },
  SS229: { severity: 'error', title: 'Not permitted for the current user' },
  SS230: { severity: 'error', title: 'No such file' },
  // SS3xx — values and units
  SS301: { severity: 'warning', title: 'Size without a unit (bytes assumed)' },
  SS302: { severity: 'error', title: 'Unknown unit' },
  SS303: { severity: 'error', title: 'Not a number' },
  SS304: { severity: 'error', title: 'Size is not a whole number of bytes or pages' },
  SS305: { severity: 'error', title: 'Size or count must not be zero' },
  SS306: { severity: 'error', title: 'Not page-aligned' },
  SS307: { severity: 'error', title: 'Value out of range' },
  SS308: { severity: 'error', title: 'Invalid choice' },
  SS309: { severity: 'error', title: 'Unit not allowed here' },
  SS310: { severity: 'error', title: 'Page range invalid or outside the region' },
  SS311: { severity: 'error', title: 'Invalid content specification' },
  SS312: { severity: 'error', title: 'Tolerance missing, misplaced or invalid' },
  SS313: { severity: 'error', title: 'Operator not allowed for this observable' },
  SS314: { severity: 'error', title: 'Value does not convert exactly to the observable’s unit' },
  SS315: { severity: 'error', title: 'Invalid bad-page list' },
  SS316: { severity: 'error', title: 'Region is not a whole number of folios' },
  SS317: { severity: 'error', title: 'Conflicting options' },
  SS318: { severity: 'error', title: 'Value the kernel rejects for this file' },
  SS319: { severity: 'error', title: 'Slot offset or cluster index outside the device' },
  SS320: { severity: 'error', title: 'A value needed before the run depends on the run' },
  // SS4xx — legality under the configured design and geometry
  SS401: { severity: 'error', title: '`/dev/ghostswap` needs `design=ghost`' },
  SS402: { severity: 'error', title: '`config` after the first statement' },
  SS403: { severity: 'error', title: 'Cluster size incompatible with page size or THP swap' },
  SS404: { severity: 'error', title: 'Folio order invalid for this geometry' },
  SS405: { severity: 'error', title: 'Not an mTHP size for this page size' },
  SS406: { severity: 'error', title: 'Structure does not exist in this design' },
  SS407: { severity: 'warning', title: 'Value can never occur in this design' },
  SS408: { severity: 'warning', title: 'Config key set twice' },
  SS409: { severity: 'error', title: 'CPU number outside the configured CPUs' },
  SS410: { severity: 'error', title: 'More active swap devices than `max_swapfiles`' },
  SS411: { severity: 'warning', title: 'Option has no effect here' },
  SS412: { severity: 'error', title: 'The virtual swap device needs `design=vswap` or `vswap-ste`' },
  SS413: { severity: 'error', title: 'File exists only with `config swap_tiers=on`' },
  // SS5xx — simulator limits
  SS501: { severity: 'error', title: 'Repeat count above the limit' },
  SS502: { severity: 'error', title: 'Too many expanded steps' },
  SS503: { severity: 'error', title: 'Repeat blocks nested too deeply' },
  SS504: { severity: 'error', title: 'Region larger than the limit' },
  SS505: { severity: 'error', title: 'Swap device larger than the limit' },
  SS506: { severity: 'error', title: 'RAM size outside the simulator’s range' },
  SS507: { severity: 'error', title: 'Too many tasks or cgroups' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function makeDiagnostic(code: DiagnosticCode, message: string, range: Range, data?: DiagnosticData): Diagnostic {
  const severity: Severity = DIAGNOSTIC_CODES[code].severity;
  return data === undefined ? { severity, code, message, range } : { severity, code, message, range, data };
}

/** Fixes that replace `range` with each suggestion ("Change to 'foo'"). */
export function replacementFixes(range: Range, suggestions: readonly string[]): QuickFix[] {
  return suggestions.map((text, i) => ({
    title: `Change to '${text}'`,
    edits: [{ range, newText: text }],
    preferred: i === 0,
  }));
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
