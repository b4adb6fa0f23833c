/**
 * `swapsim compare FILE --kernels 6.12,7.2 [--designs …]`: what changes
 * between kernel releases for one scenario. Each column is one kernel (under
 * its own design, or under each of `--designs`); each row is a counter of the
 * run dump (/proc/swaps, /proc/vmstat, /proc/meminfo, zswap, mTHP stats) at
 * the end of the run, shown only where the columns differ. docs/kernels.md
 * lists the behaviours behind the differences.
 */
import type { DesignName, KernelVersion } from '../../shared/protocol';
import { KERNEL_VERSIONS, kernelBehaviour } from '../sim/kernel_version';
import { flatCounters } from '../session/observe';
import { Session } from '../session/session';
import { UsageError } from './args';

export interface KernelColumn {
  readonly kernel: KernelVersion;
  readonly design: DesignName;
  /** Counters at the end of the run (dotted keys, as the dashboard has them); null when the run failed. */
  readonly counters: Record<string, number> | null;
  /** Why the run failed, or its first unexpected kernel error. */
  readonly note: string | null;
}

export interface KernelComparison {
  readonly columns: KernelColumn[];
  /** Counters whose value is not the same in every column that ran. */
  readonly differing: { readonly counter: string; readonly values: (number | null)[] }[];
  /** Counters equal in every column. */
  readonly same: number;
}

export function parseKernelList(value: string): KernelVersion[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('swapsim compare: --kernels needs at least one kernel');
  const out: KernelVersion[] = [];
  for (const n of names) {
    const k = KERNEL_VERSIONS.find((v) => v === n);
    if (k === undefined)
      throw new UsageError(`swapsim compare: unknown kernel '${n}' (known: ${KERNEL_VERSIONS.join(', ')})`);
    if (!out.includes(k)) out.push(k);
  }
  return out;
}

function runColumn(file: string, text: string, kernel: KernelVersion, design: DesignName): KernelColumn {
  try {
    const s = new Session(file, text, { kernel, design, checkInvariants: false });
    if (s.status === 'invalid') return { kernel, design, counters: null, note: 'the scenario has errors' };
    s.run();
    const first = s.errors.find((e) => !e.expected);
    const note = first ? `line ${first.range.start.line + 1}: ${first.errno}: ${first.message}` : null;
    return { kernel, design, counters: flatCounters(s.snapshot().counters), note };
  } catch (e) {
    return { kernel, design, counters: null, note: e instanceof Error ? e.message : String(e) };
  }
}

/** Run the scenario under every kernel (× design) and keep the counters that differ. */
export function compareKernels(
  file: string,
  text: string,
  kernels: readonly KernelVersion[],
  designs: readonly DesignName[] | null,
): KernelComparison {
  const columns: KernelColumn[] = [];
  for (const kernel of kernels)
    for (const design of designs ?? [kernelBehaviour(kernel).design])
      columns.push(runColumn(file, text, kernel, design));
  const keys = new Set<string>();
  for (const c of columns) for (const key of Object.keys(c.counters ?? {})) keys.add(key);
  const differing: KernelComparison['differing'] = [];
  let same = 0;
  for (const counter of [...keys].sort()) {
    const values = columns.map((c) => (c.counters === null ? null : (c.counters[counter] ?? null)));
    const ran = values.filter((v, i) => columns[i]!.counters !== null);
    if (ran.every((v) => v === ran[0])) same++;
    else differing.push({ counter, values });
  }
  return { columns, differing, same };
}

export function kernelComparisonText(r: KernelComparison): string {
  const head = ['counter', ...r.columns.map((c) => `${c.kernel} ${c.design}`)];
  const body = r.differing.map((d) => [d.counter, ...d.values.map((v) => (v === null ? '-' : String(v)))]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [
    `# counters at the end of the run that differ between kernels (${r.differing.length} differ, ${r.same} the same)`,
  ];
  if (body.length > 0) lines.push(fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt));
  for (const c of r.columns)
    if (c.note !== null)
      lines.push(`${c.counters === null ? 'failed' : 'warning'}: ${c.kernel} ${c.design}: ${c.note}`);
  return lines.join('\n') + '\n';
}
