// Check All Invariants: the full sweep of the session's state, on demand.
// The steps run with the incremental check (swapsim.invariants); this one
// looks at everything. Violations also land in the Problems view, on the
// statement of the step the session is at.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { describeRequestError, isCancellation } from '../protocolClient';
import { reportFailure, requireScenario } from './target';

export async function checkAllInvariants(ctx: Ctx, arg?: unknown): Promise<void> {
  const uri = requireScenario(ctx, arg);
  if (uri === undefined) return;
  try {
    const { step, problems } = await ctx.server.request('swapsim/checkInvariants', { uri });
    if (problems.length === 0) {
      void vscode.window.showInformationMessage(`swapsim: every invariant holds at step ${step}.`);
      return;
    }
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    const choice = await vscode.window.showWarningMessage(
      `swapsim: invariant violated at step ${step}: ${first}${more}`,
      'Show Problems',
    );
    if (choice === 'Show Problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
  } catch (error) {
    reportFailure(ctx, describeRequestError('swapsim/checkInvariants', error), isCancellation(error));
  }
}
