// The stepping status item's text, free of the vscode API so Node tests can check it.
import { stepPosition } from '../../shared/position';

/** The simulated machine in a few characters: kernel release and design (`7.2 p4`). */
export function profileText(state: { kernel: string; design: string }): string {
  return `${state.kernel} ${state.design}`;
}

/**
 * The status bar text. The icon says how the run went so far: a failed
 * expect or an unexpected kernel error shows as a failure whatever the
 * status, and the pass icon means finished with nothing failed.
 */
export function stepText(profile: string, index: number, total: number, status: string, failures: number): string {
  const icon =
    status === 'invalid'
      ? '$(error)'
      : status === 'running'
        ? '$(loading~spin)'
        : failures > 0
          ? '$(testing-failed-icon)'
          : status === 'finished'
            ? '$(pass)'
            : '$(debug-step-over)';
  return `${icon} ${profile} · ${stepPosition({ index, total })}`;
}

/** Failed expects and kernel errors no `expect error` accepted. */
export function failureCount(state: {
  expects: readonly { passed: boolean }[];
  errors: readonly { expected: boolean }[];
}): { failed: number; errors: number } {
  return {
    failed: state.expects.filter((x) => !x.passed).length,
    errors: state.errors.filter((e) => !e.expected).length,
  };
}
