// Export State (JSON) and Export Counters (CSV): the server renders the
// text; we ask where to save it.
import * as vscode from 'vscode';
import type { Ctx } from '../context';
import { describeRequestError, isCancellation } from '../protocolClient';
import { reportFailure, requireScenario } from './target';

/** Export the session; `targetArg` (a vscode.Uri) skips the save dialog. */
export async function exportSession(
  ctx: Ctx,
  format: 'state-json' | 'counters-csv',
  arg?: unknown,
  targetArg?: unknown,
): Promise<void> {
  const uri = requireScenario(ctx, arg);
  if (uri === undefined) return;
  const scenario = vscode.Uri.parse(uri);
  const base = (scenario.path.split('/').pop() ?? 'scenario').replace(/\.swapsim$/, '');
  const [suffix, filterName, extension] =
    format === 'state-json' ? ['.state.json', 'JSON', 'json'] : ['.counters.csv', 'CSV', 'csv'];
  const folder =
    scenario.scheme === 'file' ? vscode.Uri.joinPath(scenario, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
  try {
    const { text } = await ctx.server.request('swapsim/export', { uri, format });
    const target =
      targetArg instanceof vscode.Uri
        ? targetArg
        : await vscode.window.showSaveDialog({
            defaultUri: folder === undefined ? undefined : vscode.Uri.joinPath(folder, `${base}${suffix}`),
            filters: { [filterName]: [extension] },
            saveLabel: 'Export',
            title: format === 'state-json' ? 'swapsim: export the session state' : 'swapsim: export the counters',
          });
    if (target === undefined) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
    void vscode.window.showInformationMessage(`swapsim: saved ${vscode.workspace.asRelativePath(target)}`);
  } catch (error) {
    reportFailure(ctx, describeRequestError('swapsim/export', error), isCancellation(error));
  }
}
