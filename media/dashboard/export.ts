/**
 * What the Export buttons produce that the page builds itself: counters
 * over the visited steps as CSV. (The cluster map PNG comes from the canvas,
 * the state JSON from the session's `swapsim/export`.)
 */
import type { CounterSample } from './store';

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per visited step, one column per counter, values carried forward from the step that last changed them. */
export function countersCsv(history: readonly CounterSample[]): string {
  const keys = new Set<string>();
  for (const sample of history) for (const key of sample.changes.keys()) keys.add(key);
  const columns = [...keys].sort();
  const current = new Map<string, number>();
  const rows = [['step', ...columns].map(csvCell).join(',')];
  for (const sample of history) {
    for (const [key, value] of sample.changes) current.set(key, value);
    rows.push([String(sample.step), ...columns.map((key) => String(current.get(key) ?? ''))].join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** The last path segment of a scenario's URI, decoded (`file:///w/my%20test.swapsim` → `my test.swapsim`). */
export function scenarioFile(uri: string): string {
  const last =
    uri
      .split(/[\\/]/)
      .filter((s) => s.length > 0)
      .pop() ?? uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** A file name part from a path or URI: letters, digits, dot, dash and underscore only. */
export function fileStem(text: string): string {
  const last =
    text
      .split(/[\\/]/)
      .filter((s) => s.length > 0)
      .pop() ?? 'swapsim';
  const stem = last
    .replace(/\.swapsim$/, '')
    .replace(/[^\w.-]+/g, '_')
    .replace(/^[._]+/, '');
  return stem.length > 0 ? stem.slice(0, 80) : 'swapsim';
}
