/**
 * Kernel values against the simulator's: a verdict per observable, the
 * per-scenario summary, and the side-by-side table the CLI prints.
 */
import type { VerifyObservable, VerifyScenarioReport, VerifyValue, VerifyVerdict } from '../../shared/protocol';

/** exact: every run equals the simulator; within-spread: the simulator lies within the runs' range (numbers) or among their values (words). */
export function verdictOf(simulator: VerifyValue | null, kernel: readonly VerifyValue[]): VerifyVerdict {
  if (simulator === null || kernel.length === 0) return 'simulator-only';
  if (typeof simulator === 'number' && kernel.every((v) => typeof v === 'number')) {
    const nums = kernel as readonly number[];
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    if (min === max && min === simulator) return 'exact';
    return simulator >= min && simulator <= max ? 'within-spread' : 'differs';
  }
  if (kernel.every((v) => v === simulator)) return 'exact';
  return kernel.includes(simulator) ? 'within-spread' : 'differs';
}

export function emptySummary(): Record<VerifyVerdict, number> {
  return { exact: 0, 'within-spread': 0, differs: 0, 'simulator-only': 0 };
}

export function summarize(observables: readonly VerifyObservable[]): Record<VerifyVerdict, number> {
  const s = emptySummary();
  for (const o of observables) s[o.verdict]++;
  return s;
}

/** `4096`, `4090–4102` over runs, or the distinct words. */
export function formatKernel(values: readonly VerifyValue[]): string {
  if (values.length === 0) return '-';
  if (values.every((v) => typeof v === 'number')) {
    const nums = values as readonly number[];
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    return min === max ? String(min) : `${min}–${max}`;
  }
  return [...new Set(values.map(String))].join('|');
}

export const formatValue = (v: VerifyValue | null): string => (v === null ? '-' : String(v));

const VERDICT_TEXT: Readonly<Record<VerifyVerdict, string>> = {
  exact: 'exact',
  'within-spread': 'within spread',
  differs: 'DIFFERS',
  'simulator-only': 'simulator-only',
};

function clip(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}

/** The side-by-side table of one scenario. */
export function formatReport(r: VerifyScenarioReport): string {
  const out: string[] = [];
  const runs = r.runs === 1 ? '1 run' : `${r.runs} runs`;
  out.push(`${r.file} on ${r.kernel.release} (${r.accel}, ${runs}; simulator: ${r.design})`);
  if (r.error) {
    out.push(`  error: ${r.error}`);
    return out.join('\n') + '\n';
  }
  const rows = r.observables.filter((o) => o.verdict !== 'simulator-only' || o.kind !== 'result');
  const labelWidth = Math.min(60, Math.max(10, ...rows.map((o) => o.label.length)));
  const kernelCells = rows.map((o) => formatKernel(o.kernel));
  const kWidth = Math.min(24, Math.max(6, ...kernelCells.map((c) => c.length)));
  const sWidth = Math.min(24, Math.max(9, ...rows.map((o) => formatValue(o.simulator).length)));
  out.push(
    `${'line'.padStart(5)} ${'step'.padStart(5)}  ${'observable'.padEnd(labelWidth)}  ${'kernel'.padEnd(kWidth)}  ${'simulator'.padEnd(sWidth)}  verdict`,
  );
  rows.forEach((o, i) => {
    const verdict =
      o.known && o.verdict === 'differs'
        ? `${VERDICT_TEXT[o.verdict]} (known: ${o.known})`
        : VERDICT_TEXT[o.verdict] + (o.note && o.verdict === 'simulator-only' ? ` (${o.note})` : '');
    out.push(
      `${String(o.line + 1).padStart(5)} ${String(o.step).padStart(5)}  ${clip(o.label, labelWidth).padEnd(labelWidth)}  ${clip(kernelCells[i]!, kWidth).padEnd(kWidth)}  ${clip(formatValue(o.simulator), sWidth).padEnd(sWidth)}  ${verdict}`,
    );
  });
  if (r.simulatorOnly.length > 0) {
    out.push('simulator-only (no real-kernel meaning):');
    for (const s of r.simulatorOnly) out.push(`${String(s.line + 1).padStart(5)}  ${s.text}  — ${s.reason}`);
  }
  const s = r.summary;
  const timing =
    r.runWallMs.length > 0
      ? `; run wall ${(Math.min(...r.runWallMs) / 1000).toFixed(1)}–${(Math.max(...r.runWallMs) / 1000).toFixed(1)} s, boot ${(Math.min(...r.bootMs) / 1000).toFixed(1)} s`
      : '';
  out.push(
    `${s.exact} exact, ${s['within-spread']} within spread, ${s.differs} differ, ${s['simulator-only']} simulator-only${timing}`,
  );
  return out.join('\n') + '\n';
}
