/**
 * The comparison's tables and its divergence sentence as DOM, for the
 * Compare Designs view and the dashboard's Design comparison panel: both
 * show the rows of shared/compare_report.ts with the same cells, and mark
 * a behaviour row where the designs disagree.
 */
import { formatCell, type CompareReport, type ReportRow } from '../../shared/compare_report';
import { h } from '../dashboard/dom';

/** A table with one column per design; with `markDifferences`, a row whose designs disagree gets the class `differs`. */
export function reportTable(
  id: string,
  caption: string,
  labels: readonly string[],
  rows: readonly ReportRow[],
  designs: readonly string[],
  markDifferences: boolean,
  withKind: boolean,
): HTMLElement {
  const head = h(
    'tr',
    {},
    ...labels.map((l) => h('th', { scope: 'col' }, l)),
    ...designs.map((d) => h('th', { scope: 'col', class: 'num' }, d)),
  );
  const body = rows.map((r) => {
    const distinct = new Set(r.values.map((v) => (v === null ? 'null' : String(v))));
    const differs = markDifferences && distinct.size > 1;
    return h(
      'tr',
      differs ? { class: 'differs', title: 'the designs differ here' } : {},
      h('th', { scope: 'row' }, r.label),
      withKind ? h('td', {}, r.kind) : null,
      ...r.values.map((v) => h('td', { class: 'num' }, formatCell(r.unit, v))),
    );
  });
  return h('table', { id }, h('caption', {}, caption), h('thead', {}, head), h('tbody', {}, ...body));
}

/** The first divergence as a sentence, or that every design behaved alike. */
export function divergenceLine(id: string, report: CompareReport): HTMLElement {
  const text =
    report.divergence === null
      ? 'Every design behaved alike.'
      : report.divergence.charAt(0).toUpperCase() + report.divergence.slice(1);
  return h('p', { id, class: report.divergence === null ? 'alike' : 'diverges' }, text);
}
