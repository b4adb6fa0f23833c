// Entry of the extension-host suite, loaded by VS Code through the
// `extensionTestsPath` payload. run.mjs bundles it together with every
// test/vscode/exthost/*.exthost.ts file (imported before this module runs
// `run`), so a new test file needs no registration.
import { runTests } from '../harness';
import { EXTHOST_LINE_MARKER } from '../run-config';

/** Called by the extension host; rejecting makes the workbench report a non-zero exit code. */
export async function run(): Promise<void> {
  // console.log in the extension host reaches the driver through codeAutomationLog.
  const summary = await runTests({ log: (line) => console.log(`${EXTHOST_LINE_MARKER}${line}`) });
  if (summary.failed > 0) throw new Error(`${summary.failed} extension-host test(s) failed`);
}
