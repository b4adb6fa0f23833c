/**
 * `swapsim compare FILE [--designs a,b,…] [--step N] [--json|--format F]`:
 * the swap metadata each design keeps and how the kernel behaved under it,
 * at the end of the run or at step N (docs/designs.md). The numbers and the
 * layout come from the same code as the Compare Designs view in VS Code
 * (server/session/compare.ts, shared/compare_report.ts).
 * With `--kernels`, the counters that differ between kernel releases
 * (compare_kernels.ts).
 */
import { DESIGN_NAMES, type DesignName } from '../../shared/protocol';
import { compareCsv, compareMarkdown, compareReport, compareText } from '../../shared/compare_report';
import { parseArgs, UsageError, wantsHelp } from './args';
import { compareDesigns } from '../session/compare';
import { Session } from '../session/session';
import { err, guarded, out, readScenario } from './io';
import { diagnosticLine, hasErrorDiagnostics } from './report';
import { parseDesign } from './session_run';
import { compareKernels, kernelComparisonText, parseKernelList } from './compare_kernels';

const DEFAULT_DESIGNS: readonly DesignName[] = DESIGN_NAMES;
const FORMATS = ['text', 'markdown', 'csv', 'json'] as const;

export const COMPARE_HELP = `Usage: swapsim compare FILE [--designs LIST] [--step N] [--format FORMAT]
       swapsim compare FILE --kernels LIST [--designs LIST] [--json]

Run the scenario under each design to the end (or to step N) and print, per
design: the swap metadata it keeps there (one row per structure, static or
dynamic, then the totals), how the kernel behaved (expects passed and
failed, unexpected kernel errors, pswpout, pswpin, zswpout, swap cache
pages, slots used, each cgroup's memory.swap.current), and the first step at
which the designs stop behaving alike. Designs that cannot run the scenario
are listed with their reason. The Compare Designs view in VS Code shows the
same figures for the same step.

With --kernels, run it under each kernel release (each under its own design,
or under each of --designs) and print the counters of the run dump that
differ between them at the end of the run (docs/kernels.md).

Options:
  --designs LIST   comma-separated designs (default ${DEFAULT_DESIGNS.join(',')});
                   known: legacy, p1, p3, p4, ghost, vswap, vswap-ste
  --step N         compare after N steps (default: the end of the run)
  --format FORMAT  text (default), markdown, csv or json
  --kernels LIST   comma-separated kernel releases (6.12, 7.2, 7.3): see above
  --json           the same as --format json
  -h, --help       show this help

Exit status: 0 compared (even if some designs failed), 1 the scenario has
errors, 2 usage error.
`;

function parseDesignList(value: string): DesignName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('swapsim compare: --designs needs at least one design');
  const designs = names.map((n) => parseDesign('compare', n));
  return [...new Set(designs)];
}

function parseStep(value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`swapsim compare: --step needs a number of steps, not '${value}'`);
  return Number(value);
}

function parseFormat(value: string): (typeof FORMATS)[number] {
  const found = FORMATS.find((f) => f === value);
  if (found === undefined)
    throw new UsageError(`swapsim compare: unknown format '${value}' (known: ${FORMATS.join(', ')})`);
  return found;
}

export function compareCommand(args: readonly string[]): number {
  if (wantsHelp(args)) {
    out(COMPARE_HELP);
    return 0;
  }
  return guarded(() => {
    const parsed = parseArgs('compare', args, {
      flags: ['--json'],
      options: ['--designs', '--step', '--format', '--kernels'],
    });
    if (parsed.positionals.length !== 1)
      throw new UsageError(`swapsim compare: expected exactly one FILE\n${COMPARE_HELP}`);
    const file = parsed.positionals[0]!;
    const list = parsed.options.get('--designs');
    const kernelList = parsed.options.get('--kernels');
    const kernels = kernelList === undefined ? null : parseKernelList(kernelList);
    const designs = list === undefined ? [...DEFAULT_DESIGNS] : parseDesignList(list);
    const stepOption = parsed.options.get('--step');
    const formatOption = parsed.options.get('--format');
    if (formatOption !== undefined && parsed.flags.has('--json'))
      throw new UsageError('swapsim compare: give either --json or --format');
    const format = parsed.flags.has('--json')
      ? 'json'
      : formatOption === undefined
        ? 'text'
        : parseFormat(formatOption);
    const session = new Session(file, readScenario(file));
    for (const d of session.diagnostics) err(diagnosticLine(file, d) + '\n');
    if (hasErrorDiagnostics(session.diagnostics)) return 1;
    if (kernels !== null) {
      const r = compareKernels(file, session.text, kernels, list === undefined ? null : designs);
      out(format === 'json' ? JSON.stringify(r, null, 2) + '\n' : kernelComparisonText(r));
      return 0;
    }
    const step = stepOption === undefined ? session.step.total : parseStep(stepOption);
    if (step > session.step.total)
      throw new UsageError(
        `swapsim compare: --step ${step} is past the end of the scenario (${session.step.total} steps)`,
      );
    const result = compareDesigns(session, designs, step);
    const report = compareReport(result);
    switch (format) {
      case 'json':
        out(JSON.stringify(result, null, 2) + '\n');
        break;
      case 'markdown':
        out(compareMarkdown(report, file));
        break;
      case 'csv':
        out(compareCsv(report));
        break;
      case 'text':
        out(compareText(report));
        break;
    }
    return 0;
  });
}
