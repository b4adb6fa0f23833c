/**
 * `swapsim run FILE [--design D] [--json]`: run a scenario and print the
 * final state in the kernel's own text formats (or as JSON).
 */
import type { WireOverheadTable } from '../../shared/protocol';
import { memcgSummaries } from '../session/observe';
import type { Session } from '../session/session';
import { meminfo, procSwapsText, freeText } from '../sim/procfs';
import { parseArgs, UsageError, wantsHelp } from './args';
import { err, guarded, out } from './io';
import { diagnosticLine, kernelErrorLine } from './report';
import { parseDesign, runScenarioFile } from './session_run';
import { formatBytes } from '../../shared/format';
import { DUMP_MEMINFO, DUMP_VMSTAT } from '../verify/translate';

export const RUN_HELP = `Usage: swapsim run FILE [--design DESIGN] [--json]

Run a scenario to its end and print the final state: /proc/swaps, free's
Swap line, the swap counters, every online cgroup's charges and the swap
metadata overhead of the design.

Options:
  --design DESIGN  simulate under DESIGN instead of the scenario's config design=
                   (legacy, p1, p3, p4, ghost, vswap, vswap-ste)
  --json           print the session snapshot and overhead as JSON
  -h, --help       show this help

Problems go to stderr as FILE:LINE:COL: error CODE: message.
Exit status: 0 the scenario ran (kernel errors included), 1 it has errors
and did not run, 2 usage error.
`;

export function runCommand(args: readonly string[]): number {
  if (wantsHelp(args)) {
    out(RUN_HELP);
    return 0;
  }
  return guarded(() => {
    const parsed = parseArgs('run', args, { flags: ['--json'], options: ['--design'] });
    if (parsed.positionals.length !== 1) throw new UsageError(`swapsim run: expected exactly one FILE\n${RUN_HELP}`);
    const file = parsed.positionals[0]!;
    const designArg = parsed.options.get('--design');
    const design = designArg === undefined ? undefined : parseDesign('run', designArg);
    const { session, invalid } = runScenarioFile(file, design);
    for (const d of session.diagnostics) err(diagnosticLine(file, d) + '\n');
    if (invalid) return 1;
    for (const e of session.errors) if (!e.expected) err(kernelErrorLine(file, e) + '\n');
    const overhead = overheadOrReason(session);
    if (parsed.flags.has('--json')) {
      const json = {
        ...session.snapshot(),
        overhead: typeof overhead === 'string' ? null : overhead,
        overheadError: typeof overhead === 'string' ? overhead : undefined,
      };
      out(JSON.stringify(json, null, 2) + '\n');
    } else {
      out(finalStateText(session, overhead));
    }
    return 0;
  });
}

/** The design's overhead table, or the overhead model's reason for refusing the usage summary. */
function overheadOrReason(session: Session): WireOverheadTable | string {
  try {
    return session.overhead();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export function finalStateText(session: Session, overhead: WireOverheadTable | string): string {
  const k = session.machine;
  const lines: string[] = [];
  lines.push(`# design ${session.design}, ${session.step.index}/${session.step.total} steps`);
  lines.push('$ cat /proc/swaps');
  lines.push(procSwapsText(k).trimEnd());
  lines.push('', '$ free -k');
  lines.push(freeText(k).trimEnd());
  lines.push('', '# /proc/vmstat (swap events)');
  for (const key of DUMP_VMSTAT) lines.push(`${key} ${k.vmstat.events[key] ?? 0}`);
  lines.push('', '# /proc/meminfo (swap lines)');
  const mi = meminfo(k);
  for (const key of DUMP_MEMINFO) lines.push(`${(key + ':').padEnd(16)}${String(mi[key]).padStart(8)} kB`);
  const cgroups = memcgSummaries(k).filter((m) => m.online && m.path !== '/');
  if (cgroups.length > 0) {
    lines.push('', '# cgroup memory.current memory.swap.current memory.zswap.current (bytes)');
    const width = Math.max(...cgroups.map((m) => m.path.length));
    for (const m of cgroups) lines.push(`${m.path.padEnd(width)}  ${m.current} ${m.swapCurrent} ${m.zswapCurrent}`);
  }
  lines.push('');
  if (typeof overhead === 'string') lines.push(`# overhead: ${overhead}`);
  else
    lines.push(
      `# overhead (${overhead.design}): total ${formatBytes(overhead.totals.total)} (static ${formatBytes(overhead.totals.static)}, dynamic ${formatBytes(overhead.totals.dynamic)})`,
    );
  return lines.join('\n') + '\n';
}
