/**
 * The one way every view names where a session is: `step 4 / 9` means four
 * of nine steps done, the statement of step 5 next. The status bar, the
 * debugger's frame and the dashboard say it the same way (issue #22).
 */
export function stepPosition(step: { readonly index: number; readonly total: number }): string {
  return `step ${step.index} / ${step.total}`;
}
