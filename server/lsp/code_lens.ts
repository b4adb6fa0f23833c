/**
 * Code lenses: `Run`, `Step`, `Compare designs` and `Open dashboard` on the
 * first line, and `Run to here` on every top-level `repeat`. The commands
 * are registered by the client; their arguments are documented in
 * docs/language-server.md:
 *
 *   swapsim.run(uri: string, toLine?: number)
 *   swapsim.step(uri: string)
 *   swapsim.compareDesigns(uri: string)
 *   swapsim.openDashboard(uri: string)
 *   swapsim.verifyOnRealKernel(uri: string)
 */
import type { CodeLens } from 'vscode-languageserver/node';
import type { Analysis } from './analysis';

export const LENS_COMMANDS = {
  run: 'swapsim.run',
  step: 'swapsim.step',
  compareDesigns: 'swapsim.compareDesigns',
  openDashboard: 'swapsim.openDashboard',
  verifyOnRealKernel: 'swapsim.verifyOnRealKernel',
} as const;

export function codeLenses(analysis: Analysis): CodeLens[] {
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const uri = analysis.uri;
  const lenses: CodeLens[] = [
    { range: top, command: { title: '▶ Run', command: LENS_COMMANDS.run, arguments: [uri] } },
    { range: top, command: { title: 'Step', command: LENS_COMMANDS.step, arguments: [uri] } },
    { range: top, command: { title: 'Compare designs', command: LENS_COMMANDS.compareDesigns, arguments: [uri] } },
    { range: top, command: { title: 'Open dashboard', command: LENS_COMMANDS.openDashboard, arguments: [uri] } },
    {
      range: top,
      command: { title: 'Verify on real kernel', command: LENS_COMMANDS.verifyOnRealKernel, arguments: [uri] },
    },
  ];
  for (const s of analysis.result.program.statements) {
    if (s.kind !== 'repeat') continue;
    const line = s.headerRange.start.line;
    lenses.push({
      range: s.headerRange,
      command: { title: 'Run to here', command: LENS_COMMANDS.run, arguments: [uri, line] },
    });
  }
  return lenses;
}
