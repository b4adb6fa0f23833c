/**
 * `swapsim compare FILE [--designs a,b,…] [--json]`: the swap metadata
 * overhead at the end of the run, one column per design (docs/designs.md).
 */
import { DESIGN_NAMES, type CompareResult, type DesignName, type OverheadTableWire } from '../../shared/protocol';
import { parseArgs, UsageError, wantsHelp } from './args';
import { Session } from '../session/session';
import { err, guarded, out, readScenario } from './io';
import { diagnosticLine, hasErrorDiagnostics } from './report';
import { parseDesign } from './session_run';
import { humanBytes } from './units';

const DEFAULT_DESIGNS: readonly DesignName[] = DESIGN_NAMES;

export const COMPARE_HELP = `Usage: swapsim compare FILE [--designs LIST] [--json]

Run the scenario under each design and print the swap metadata each keeps at
the end of the run: one row per structure (static or dynamic), one column per
design, then the totals. Designs that cannot run the scenario are listed with
their reason.

Options:
  --designs LIST  comma-separated designs (default ${DEFAULT_DESIGNS.join(',')});
                  known: legacy, p1, p3, p4, ghost, vswap, vswap-ste
  --json          print the comparison as JSON
  -h, --help      show this help

Exit status: 0 compared (even if some designs failed), 1 the scenario has
errors, 2 usage error.
`;

function parseDesignList(value: string): DesignName[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('swapsim compare: --designs needs at least one design');
  const designs = names.map((n) => parseDesign('compare', n));
  return [...new Set(designs)];
}

interface Row {
  readonly structure: string;
  readonly kind: string;
  readonly bytes: Map<DesignName, number>;
}

/** One row per (structure, kind), summed over devices. */
function rows(tables: readonly OverheadTableWire[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const t of tables) {
    for (const l of t.lines) {
      const key = `${l.kind}\0${l.structure}`;
      let row = byKey.get(key);
      if (!row) {
        row = { structure: l.structure, kind: l.kind, bytes: new Map() };
        byKey.set(key, row);
      }
      row.bytes.set(t.design, (row.bytes.get(t.design) ?? 0) + l.bytes);
    }
  }
  // Static structures first, as docs/designs.md lists them.
  return [...byKey.values()].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'static' ? -1 : 1));
}

/** A design that ran but whose run hit kernel errors (its figures describe a run that went differently). */
export interface CompareWarning {
  readonly design: DesignName;
  readonly message: string;
}

/**
 * Session.compare() reports only designs that threw; a design under which the
 * scenario hit kernel errors (e.g. /dev/ghostswap outside design=ghost) still
 * gets a table, so rerun each to say so.
 */
function kernelErrorWarnings(file: string, text: string, designs: readonly DesignName[]): CompareWarning[] {
  const warnings: CompareWarning[] = [];
  for (const design of designs) {
    const s = new Session(file, text, { design });
    s.run();
    const unexpected = s.errors.filter((e) => !e.expected);
    const first = unexpected[0];
    if (first) warnings.push({ design, message: `${unexpected.length} unexpected kernel error(s), first at line ${first.range.start.line + 1}: ${first.errno}: ${first.message}` });
  }
  return warnings;
}

export function compareTableText(result: CompareResult, warnings: readonly CompareWarning[] = []): string {
  const designs = result.tables.map((t) => t.design);
  const body: string[][] = [];
  for (const r of rows(result.tables)) body.push([r.structure, r.kind, ...designs.map((d) => (r.bytes.has(d) ? humanBytes(r.bytes.get(d)!) : '-'))]);
  const totals = (label: string, pick: (t: OverheadTableWire) => number): string[] => [label, '', ...result.tables.map((t) => humanBytes(pick(t)))];
  const foot = [totals('static', (t) => t.totals.static), totals('dynamic', (t) => t.totals.dynamic), totals('total', (t) => t.totals.total)];
  const head = ['structure', 'kind', ...designs];
  const all = [head, ...body, ...foot];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const lines = [`# swap metadata overhead at step ${result.step}`];
  if (designs.length > 0) lines.push(fmt(head), rule, ...body.map(fmt), rule, ...foot.map(fmt));
  for (const f of result.failures) {
    // Session messages often start with the design already.
    const message = f.message.startsWith(`${f.design}: `) ? f.message.slice(f.design.length + 2) : f.message;
    lines.push(`failed: ${f.design}: ${message}`);
  }
  for (const w of warnings) lines.push(`warning: ${w.design}: ${w.message}`);
  return lines.join('\n') + '\n';
}

export function compareCommand(args: readonly string[]): number {
  if (wantsHelp(args)) {
    out(COMPARE_HELP);
    return 0;
  }
  return guarded(() => {
    const parsed = parseArgs('compare', args, { flags: ['--json'], options: ['--designs'] });
    if (parsed.positionals.length !== 1) throw new UsageError(`swapsim compare: expected exactly one FILE\n${COMPARE_HELP}`);
    const file = parsed.positionals[0]!;
    const list = parsed.options.get('--designs');
    const designs = list === undefined ? [...DEFAULT_DESIGNS] : parseDesignList(list);
    const session = new Session(file, readScenario(file));
    for (const d of session.diagnostics) err(diagnosticLine(file, d) + '\n');
    if (hasErrorDiagnostics(session.diagnostics)) return 1;
    // Compare at the end of the run: every design replays the whole scenario.
    const result = session.compare(designs, session.step.total);
    const warnings = kernelErrorWarnings(file, session.text, result.tables.map((t) => t.design));
    if (parsed.flags.has('--json')) out(JSON.stringify({ step: result.step, tables: result.tables, failures: result.failures, warnings }, null, 2) + '\n');
    else out(compareTableText(result, warnings));
    return 0;
  });
}
