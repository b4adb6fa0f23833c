// Turning a finished run's expect results and kernel errors into Testing-view
// outcomes: one per `expect` line (a line inside `repeat` runs many times and
// fails if any run failed), plus scenario-level failures for kernel errors no
// `expect error` accepted.
import type { ExpectResult, Range, SessionStatus, StepError, StepInfo } from '../../shared/protocol';

export interface OutcomeMessage {
  readonly text: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly range: Range;
  readonly step: number;
}

export type LineState = 'passed' | 'failed' | 'skipped';

export interface LineOutcome {
  readonly line: number;
  readonly state: LineState;
  /** How many times the line ran. */
  readonly runs: number;
  readonly messages: OutcomeMessage[];
}

export interface RunOutcome {
  readonly lines: Map<number, LineOutcome>;
  /** Unexpected kernel errors: they fail the scenario as a whole. */
  readonly scenario: OutcomeMessage[];
}

export interface FinishedRun {
  readonly status: SessionStatus;
  readonly step: StepInfo;
  readonly expects: readonly ExpectResult[];
  readonly errors: readonly StepError[];
}

/** At most this many failure messages per line: a repeat of 10,000 failing runs says so once, with a count. */
export const MAX_MESSAGES_PER_LINE = 3;

export function mapRun(expectLines: readonly number[], run: FinishedRun): RunOutcome {
  const byLine = new Map<number, ExpectResult[]>();
  for (const result of run.expects) {
    const list = byLine.get(result.range.start.line) ?? [];
    list.push(result);
    byLine.set(result.range.start.line, list);
  }
  const lines = new Map<number, LineOutcome>();
  for (const line of expectLines) {
    const results = byLine.get(line) ?? [];
    if (results.length === 0) {
      const why =
        run.status === 'stopped'
          ? `not reached: the run stopped at step ${run.step.index} of ${run.step.total}`
          : 'never ran';
      lines.set(line, {
        line,
        state: 'skipped',
        runs: 0,
        messages: [
          { text: why, range: { start: { line, character: 0 }, end: { line, character: 0 } }, step: run.step.index },
        ],
      });
      continue;
    }
    const failures = results.filter((r) => !r.passed);
    const messages: OutcomeMessage[] = failures.slice(0, MAX_MESSAGES_PER_LINE).map((r) => ({
      text: `${r.text}: expected ${r.expected}, actual ${r.actual} (step ${r.step})`,
      expected: r.expected,
      actual: r.actual,
      range: r.range,
      step: r.step,
    }));
    if (failures.length > MAX_MESSAGES_PER_LINE) {
      const last = failures[failures.length - 1];
      messages.push({
        text: `… failed ${failures.length} of ${results.length} times in all`,
        range: last.range,
        step: last.step,
      });
    }
    lines.set(line, { line, state: failures.length > 0 ? 'failed' : 'passed', runs: results.length, messages });
  }
  const scenario = run.errors
    .filter((e) => !e.expected)
    .map((e) => ({ text: `${e.errno}: ${e.message} (step ${e.step})`, range: e.range, step: e.step }));
  return { lines, scenario };
}
