/**
 * `swapsim test FILE… [--tap]`: every `expect` line of every file is a test.
 * A kernel error no `expect error` accepted is a failure too, and a file that
 * does not check (error diagnostics) fails as a whole.
 */
import { parseArgs, UsageError, wantsHelp } from './args';
import { guarded, out, readScenario } from './io';
import { diagnosticLine, location } from './report';
import { runScenarioFile, parseDesign } from './session_run';
import type { DesignName } from '../../shared/protocol';

export const TEST_HELP = `Usage: swapsim test FILE... [--tap] [--design DESIGN]

Run each scenario and check its expect lines. Prints ok / not ok per expect
(with expected and actual values on failure), then "N passed, N failed".
Kernel errors not accepted by an 'expect error' line count as failures.

Options:
  --tap            print TAP version 13
  --design DESIGN  run every file under DESIGN instead of its config design=
  -h, --help       show this help

Exit status: 0 every expect passed and every file ran, 1 otherwise, 2 usage error.
`;

interface TestCase {
  readonly ok: boolean;
  /** One-line title: `FILE:LINE expect …`. */
  readonly title: string;
  /** Extra lines for a failure (expected/actual, message). */
  readonly detail: Readonly<Record<string, string>>;
}

/** Everything one file contributes: its test cases, or one failing case when it cannot run. */
function fileCases(file: string, design: DesignName | undefined): TestCase[] {
  const { session, invalid } = runScenarioFile(file, design);
  if (invalid) {
    // Nothing ran: each error diagnostic is a failure of its own.
    return session.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({ ok: false, title: diagnosticLine(file, d), detail: {} }));
  }
  const cases: { line: number; c: TestCase }[] = [];
  for (const x of session.expects) {
    // `expect error` results carry the keyword already, comparisons do not.
    const title = `${location(file, x.range)} ${x.text.startsWith('expect ') ? x.text : `expect ${x.text}`}`;
    cases.push({
      line: x.range.start.line,
      c: { ok: x.passed, title, detail: x.passed ? {} : { expected: x.expected, actual: x.actual } },
    });
  }
  for (const e of session.errors) {
    if (e.expected) continue;
    cases.push({
      line: e.range.start.line,
      c: {
        ok: false,
        title: `${location(file, e.range)} unexpected kernel error ${e.errno}`,
        detail: { message: e.message },
      },
    });
  }
  if (cases.length === 0 && session.step.index < session.step.total) {
    cases.push({
      line: 0,
      c: { ok: false, title: `${file}: stopped at step ${session.step.index}/${session.step.total}`, detail: {} },
    });
  }
  // Source order keeps the report readable; repeats keep their run order (stable sort).
  return cases.sort((a, b) => a.line - b.line).map((x) => x.c);
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function testCommand(args: readonly string[]): number {
  if (wantsHelp(args)) {
    out(TEST_HELP);
    return 0;
  }
  return guarded(() => {
    const parsed = parseArgs('test', args, { flags: ['--tap'], options: ['--design'] });
    if (parsed.positionals.length === 0) throw new UsageError(`swapsim test: expected at least one FILE\n${TEST_HELP}`);
    const designArg = parsed.options.get('--design');
    const design = designArg === undefined ? undefined : parseDesign('test', designArg);
    // An unreadable file is a usage error (exit 2) before anything runs.
    for (const file of parsed.positionals) readScenario(file);
    const tap = parsed.flags.has('--tap');
    const all: TestCase[] = [];
    if (tap) out('TAP version 13\n');
    for (const file of parsed.positionals) {
      const cases = fileCases(file, design);
      if (!tap && parsed.positionals.length > 1) out(`# ${file}\n`);
      for (const c of cases) {
        all.push(c);
        if (tap) {
          out(`${c.ok ? 'ok' : 'not ok'} ${all.length} - ${c.title}\n`);
          const keys = Object.entries(c.detail);
          if (keys.length > 0)
            out(['  ---', ...keys.map(([k, v]) => `  ${k}: ${yamlString(v)}`), '  ...', ''].join('\n'));
        } else {
          out(`${c.ok ? 'ok' : 'not ok'} ${c.title}\n`);
          for (const [k, v] of Object.entries(c.detail)) out(`    ${k}: ${v}\n`);
        }
      }
    }
    const passed = all.filter((c) => c.ok).length;
    const failed = all.length - passed;
    if (tap) out(`1..${all.length}\n`);
    out(`${tap ? '# ' : ''}${passed} passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
  });
}
