// The stepping status item (issue #22, broken item 4): its icon never says
// "pass" while an expect has failed or a kernel error went unexpected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureCount, stepText } from '../../client/editor/stepText';

test('a finished run with a failed expect shows the failure icon, not the pass icon', () => {
  const state = { expects: [{ passed: true }, { passed: false }], errors: [] };
  const { failed, errors } = failureCount(state);
  assert.deepEqual({ failed, errors }, { failed: 1, errors: 0 });
  const text = stepText('p4', 16, 16, 'finished', failed + errors);
  assert.doesNotMatch(text, /\$\(pass\)/);
  assert.match(text, /^\$\(testing-failed-icon\) p4 · step 16 \/ 16$/);
});

test('pass only when finished with nothing failed; expected kernel errors do not count', () => {
  const clean = failureCount({ expects: [{ passed: true }], errors: [{ expected: true }] });
  assert.equal(clean.failed + clean.errors, 0);
  assert.match(stepText('p4', 3, 3, 'finished', 0), /^\$\(pass\)/);
  assert.match(stepText('p4', 1, 3, 'ready', 0), /^\$\(debug-step-over\)/);
  // A failure part-way through shows before the end too.
  assert.match(
    stepText('p4', 2, 3, 'ready', failureCount({ expects: [], errors: [{ expected: false }] }).errors),
    /^\$\(testing-failed-icon\)/,
  );
  assert.match(stepText('p4', 0, 3, 'invalid', 0), /^\$\(error\)/);
});
