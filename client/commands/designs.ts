// Select Design Profile and Compare Designs. The titles are repeated here
// (not imported from server/lang/catalog.ts) to keep the client bundle small.
import * as vscode from 'vscode';
import { DESIGN_NAMES, type DesignName } from '../../shared/protocol';
import type { CompareView } from '../compareView';
import type { Ctx } from '../context';
import { describeRequestError, isCancellation } from '../protocolClient';
import { withDelayedProgress } from './progress';
import { reportFailure, requireScenario } from './target';

export const DESIGN_TITLES: Record<DesignName, string> = {
  legacy: 'swap_map, swap_cgroup, zeromap (mainline ≤ 6.17)',
  p1: 'swap table phases I–II (6.18, 7.0)',
  p3: 'swap table phase III (7.1)',
  p4: 'swap table phase IV (7.2)',
  ghost: 'ghost swapfile RFC (not merged)',
  vswap: 'virtual swap v3 (not merged)',
  'vswap-ste': 'vswap Swap Table Edition RFC (not merged)',
};

function isDesign(value: unknown): value is DesignName {
  return typeof value === 'string' && (DESIGN_NAMES as readonly string[]).includes(value);
}

/** Switch the session's design; `designArg` (a design name) skips the quick pick. */
export async function selectDesign(ctx: Ctx, arg?: unknown, designArg?: unknown): Promise<void> {
  const uri = requireScenario(ctx, arg);
  if (uri === undefined) return;
  const current = ctx.store.get(uri)?.design;
  const picked = isDesign(designArg)
    ? { design: designArg }
    : await vscode.window.showQuickPick(
        DESIGN_NAMES.map((design) => ({
          label: design,
          description: DESIGN_TITLES[design],
          detail: design === current ? 'current design of this session' : undefined,
          design,
        })),
        {
          title: 'swapsim: design profile for this session',
          placeHolder: current === undefined ? 'Choose a design' : `Now ${current}`,
        },
      );
  if (picked === undefined || picked.design === current) return;
  try {
    // The session is rebuilt at step 0 and replayed to where it was.
    const at = ctx.store.get(uri)?.step.index ?? 0;
    const snapshot = await withDelayedProgress(
      `swapsim: switching to ${picked.design}`,
      () => ctx.server.request('swapsim/setDesign', { uri, design: picked.design }),
      { store: ctx.store, uri, fromStep: 0, toStep: at },
    );
    ctx.store.applySnapshot(snapshot);
  } catch (error) {
    reportFailure(ctx, describeRequestError('swapsim/setDesign', error), isCancellation(error));
  }
}

/** Compare designs in the Compare Designs view; `designsArg` (design names) and `atArg` ('current' or 'end') skip the questions. */
export async function compareDesigns(
  ctx: Ctx,
  view: CompareView,
  arg?: unknown,
  designsArg?: unknown,
  atArg?: unknown,
): Promise<void> {
  const uri = requireScenario(ctx, arg);
  if (uri === undefined) return;
  const given =
    Array.isArray(designsArg) && designsArg.length > 0 && designsArg.every(isDesign)
      ? designsArg.map((design: DesignName) => ({ design }))
      : undefined;
  const picks =
    given ??
    (await vscode.window.showQuickPick(
      DESIGN_NAMES.map((design) => ({ label: design, description: DESIGN_TITLES[design], picked: true, design })),
      { title: 'swapsim: compare which designs?', canPickMany: true },
    ));
  if (picks === undefined || picks.length === 0) return;
  await ctx.sync.refresh(uri);
  const step = ctx.store.get(uri)?.step;
  const at =
    atArg === 'current' || atArg === 'end'
      ? atArg
      : (
          await vscode.window.showQuickPick(
            [
              {
                label: 'At the end of the run',
                description: step === undefined ? '' : `step ${step.total}, as swapsim compare does`,
                at: 'end' as const,
              },
              {
                label: 'At the current step',
                description: step === undefined ? '' : `step ${step.index}`,
                at: 'current' as const,
              },
            ],
            { title: 'swapsim: compare the designs where?' },
          )
        )?.at;
  if (at === undefined) return;
  await view.open(
    uri,
    picks.map((p) => p.design),
    at,
  );
}
