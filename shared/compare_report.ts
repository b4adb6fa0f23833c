/**
 * A design comparison (`CompareResult`) laid out for people: the same rows,
 * in the same order, with the same numbers, for the CLI (`swapsim compare`),
 * the Compare Designs view in VS Code, and both exports (Markdown, CSV).
 * Keeping one layout here is what makes the CLI and the view agree.
 */
import {
  DESIGN_NAMES,
  type CompareAt,
  type CompareResult,
  type DesignBehaviour,
  type DesignName,
  type WireOverheadTable,
} from './protocol';
import { formatBytes, formatCount } from './format';

export type ReportUnit = 'bytes' | 'pages' | 'count' | 'bytes-per-slot';

export interface ReportRow {
  readonly label: string;
  /** `static`/`dynamic` for a metadata structure, '' otherwise. */
  readonly kind: string;
  readonly unit: ReportUnit;
  /** One value per design of the report, null where the design has none. */
  readonly values: readonly (number | null)[];
}

export interface CompareReport {
  readonly step: number;
  readonly designs: readonly DesignName[];
  /** Metadata structures, summed over devices (static ones first). */
  readonly structures: readonly ReportRow[];
  readonly totals: readonly ReportRow[];
  readonly behaviour: readonly ReportRow[];
  /** The first divergence in words, or null when every design behaved alike. */
  readonly divergence: string | null;
  /** Designs that could not run, and designs whose run hit kernel errors. */
  readonly notes: readonly string[];
}

/** Names for the behaviour fields, as the report and the divergence sentence write them. */
export const BEHAVIOUR_LABELS: Record<string, string> = {
  steps: 'steps run',
  expectsPassed: 'expects passed',
  expectsFailed: 'expects failed',
  unexpectedErrors: 'unexpected kernel errors',
  pswpout: 'pswpout',
  pswpin: 'pswpin',
  zswpout: 'zswpout',
  swapCache: 'swap cache pages',
  slotsUsed: 'slots used',
};

function structureRows(tables: readonly WireOverheadTable[]): ReportRow[] {
  const byKey = new Map<string, { label: string; kind: string; bytes: Map<DesignName, number> }>();
  for (const t of tables) {
    for (const l of t.lines) {
      const key = `${l.kind}\0${l.structure}`;
      let row = byKey.get(key);
      if (row === undefined) {
        row = { label: l.structure, kind: l.kind, bytes: new Map() };
        byKey.set(key, row);
      }
      row.bytes.set(t.design, (row.bytes.get(t.design) ?? 0) + l.bytes);
    }
  }
  // Static structures first, as docs/designs.md lists them.
  return [...byKey.values()]
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'static' ? -1 : 1))
    .map((r) => ({
      label: r.label,
      kind: r.kind,
      unit: 'bytes',
      values: tables.map((t) => r.bytes.get(t.design) ?? null),
    }));
}

function behaviourRows(designs: readonly DesignName[], behaviour: readonly DesignBehaviour[]): ReportRow[] {
  const of = (d: DesignName): DesignBehaviour | undefined => behaviour.find((b) => b.design === d);
  const row = (
    key: keyof typeof BEHAVIOUR_LABELS,
    unit: ReportUnit,
    pick: (b: DesignBehaviour) => number,
  ): ReportRow => ({
    label: BEHAVIOUR_LABELS[key]!,
    kind: '',
    unit,
    values: designs.map((d) => {
      const b = of(d);
      return b === undefined ? null : pick(b);
    }),
  });
  const rows = [
    row('steps', 'count', (b) => b.step),
    row('expectsPassed', 'count', (b) => b.expectsPassed),
    row('expectsFailed', 'count', (b) => b.expectsFailed),
    row('unexpectedErrors', 'count', (b) => b.unexpectedErrors),
    row('pswpout', 'pages', (b) => b.pswpout),
    row('pswpin', 'pages', (b) => b.pswpin),
    row('zswpout', 'pages', (b) => b.zswpout),
    row('swapCache', 'pages', (b) => b.swapCache),
    row('slotsUsed', 'pages', (b) => b.slotsUsed),
  ];
  const cgroups = [...new Set(behaviour.flatMap((b) => b.memcgSwap.map((m) => m.path)))].sort();
  for (const path of cgroups) {
    rows.push({
      label: `${path} memory.swap.current`,
      kind: '',
      unit: 'pages',
      values: designs.map((d) => of(d)?.memcgSwap.find((m) => m.path === path)?.pages ?? null),
    });
  }
  // mTHP fallbacks: a row for each size and stat that moved under some design (0 where it did not)
  const fallbacks = new Map<string, { size: string; stat: string }>();
  for (const b of behaviour) for (const f of b.mthpFallbacks) fallbacks.set(`${f.size} ${f.stat}`, f);
  const bySize = (x: { size: string }, y: { size: string }): number => parseInt(x.size) - parseInt(y.size);
  for (const [label, f] of [...fallbacks].sort(([, x], [, y]) => bySize(x, y))) {
    rows.push({
      label: `mTHP ${label}`,
      kind: '',
      unit: 'count',
      values: designs.map((d) => {
        const b = of(d);
        return b === undefined
          ? null
          : (b.mthpFallbacks.find((m) => m.size === f.size && m.stat === f.stat)?.count ?? 0);
      }),
    });
  }
  return rows;
}

function divergenceText(result: CompareResult): string | null {
  const d = result.divergence;
  if (d === null) return null;
  const where = d.line === null ? `step ${d.step}` : `step ${d.step} (line ${d.line + 1})`;
  const what = d.differences
    .map(
      (x) =>
        `${BEHAVIOUR_LABELS[x.what] ?? x.what} ${x.first.toLocaleString('en-US')} vs ${x.second.toLocaleString('en-US')}`,
    )
    .join(', ');
  return `first divergence at ${where}: ${d.first} and ${d.second} differ in ${what === '' ? 'their behaviour' : what}`;
}

export function compareReport(result: CompareResult): CompareReport {
  const designs = result.tables.map((t) => t.design);
  const total = (
    label: string,
    pick: (t: WireOverheadTable) => number | null,
    unit: ReportUnit = 'bytes',
  ): ReportRow => ({ label, kind: '', unit, values: result.tables.map(pick) });
  const notes: string[] = [];
  for (const f of result.failures) {
    // Session messages often start with the design already.
    const message = f.message.startsWith(`${f.design}: `) ? f.message.slice(f.design.length + 2) : f.message;
    notes.push(`failed: ${f.design}: ${message}`);
  }
  for (const b of result.behaviour) {
    const e = b.firstError;
    if (b.unexpectedErrors > 0 && e !== null)
      notes.push(
        `warning: ${b.design}: ${b.unexpectedErrors} unexpected kernel error(s), first at line ${e.line + 1}: ${e.errno}: ${e.message}`,
      );
  }
  return {
    step: result.step,
    designs,
    structures: structureRows(result.tables),
    totals: [
      total('static', (t) => t.totals.static),
      total('dynamic', (t) => t.totals.dynamic),
      total('total', (t) => t.totals.total),
      total('per used slot', (t) => t.totals.perUsedSlot, 'bytes-per-slot'),
    ],
    behaviour: behaviourRows(designs, result.behaviour),
    divergence: divergenceText(result),
    notes,
  };
}

/** A cell as every rendering shows it. */
export function formatCell(unit: ReportUnit, value: number | null): string {
  if (value === null) return '-';
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'bytes-per-slot':
      return `${value.toFixed(2)} B`;
    case 'pages':
    case 'count':
      return formatCount(value);
  }
}

function textTable(head: string[], body: string[][], foot: string[][], labelCols: number): string[] {
  const all = [head, ...body, ...foot];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => (i < labelCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return foot.length > 0
    ? [fmt(head), rule, ...body.map(fmt), rule, ...foot.map(fmt)]
    : [fmt(head), rule, ...body.map(fmt)];
}

const cells = (row: ReportRow): string[] => row.values.map((v) => formatCell(row.unit, v));

/** `swapsim compare`'s text output. */
export function compareText(report: CompareReport): string {
  const lines = [`# swap metadata overhead at step ${report.step}`];
  if (report.designs.length > 0) {
    const head = ['structure', 'kind', ...report.designs];
    lines.push(
      ...textTable(
        head,
        report.structures.map((r) => [r.label, r.kind, ...cells(r)]),
        report.totals.map((r) => [r.label, '', ...cells(r)]),
        2,
      ),
    );
    lines.push('', `# behaviour at step ${report.step}`);
    lines.push(
      ...textTable(
        ['', ...report.designs],
        report.behaviour.map((r) => [r.label, ...cells(r)]),
        [],
        1,
      ),
    );
    lines.push('', report.divergence ?? 'every design behaved alike');
  }
  lines.push(...report.notes);
  return lines.join('\n') + '\n';
}

const mdCell = (text: string): string => text.replace(/\|/g, '\\|');

/** The Markdown export (and a readable summary anywhere Markdown renders). */
export function compareMarkdown(report: CompareReport, scenario: string): string {
  const out = [`# Designs compared: ${mdCell(scenario)}, step ${report.step}`, ''];
  if (report.designs.length > 0) {
    const head = (first: string[]): string[] => [
      `| ${[...first, ...report.designs].join(' | ')} |`,
      `| ${[...first.map(() => '---'), ...report.designs.map(() => '---:')].join(' | ')} |`,
    ];
    out.push('## Swap metadata', '', ...head(['structure', 'kind']));
    for (const r of [...report.structures, ...report.totals])
      out.push(`| ${mdCell(r.label)} | ${r.kind} | ${cells(r).join(' | ')} |`);
    out.push('', '## Behaviour', '', ...head(['']));
    for (const r of report.behaviour) out.push(`| ${mdCell(r.label)} | ${cells(r).join(' | ')} |`);
    out.push('', report.divergence ?? 'Every design behaved alike.');
  }
  if (report.notes.length > 0) out.push('', ...report.notes.map((n) => `- ${mdCell(n)}`));
  out.push('');
  return out.join('\n');
}

const csvCell = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The CSV export: raw numbers (bytes, pages, counts), one row per figure, one column per design. */
export function compareCsv(report: CompareReport): string {
  const rows = [['section', 'figure', 'kind', 'unit', ...report.designs].map(csvCell).join(',')];
  const add = (section: string, r: ReportRow): void => {
    rows.push(
      [section, r.label, r.kind, r.unit, ...r.values.map((v) => (v === null ? '' : String(v)))].map(csvCell).join(','),
    );
  };
  for (const r of report.structures) add('metadata', r);
  for (const r of report.totals) add('metadata total', r);
  for (const r of report.behaviour) add('behaviour', r);
  return rows.join('\n') + '\n';
}

/** The `swapsim compare` command line that prints the same figures (`file` as the user would type it). */
export function cliCommand(file: string, designs: readonly DesignName[], at: CompareAt, step: number): string {
  const quoted = /^[\w./-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
  const all = designs.length === DESIGN_NAMES.length && DESIGN_NAMES.every((d, i) => designs[i] === d);
  return `swapsim compare ${quoted}${all ? '' : ` --designs ${designs.join(',')}`}${at === 'end' ? '' : ` --step ${step}`}`;
}
