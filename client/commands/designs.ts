// Select Design Profile and Compare Designs. The titles are repeated here
// (not imported from server/lang/catalog.ts) to keep the client bundle small.
import * as vscode from 'vscode';
import { DESIGN_NAMES, type CompareResult, type DesignName } from '../../shared/protocol';
import type { Ctx } from '../context';
import { describeRequestError, isCancellation } from '../protocolClient';
import { formatBytes } from '../ui/format';
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
  const picked = isDesign(designArg) ? { design: designArg } : await vscode.window.showQuickPick(
    DESIGN_NAMES.map((design) => ({ label: design, description: DESIGN_TITLES[design], detail: design === current ? 'current design of this session' : undefined, design })),
    { title: 'swapsim: design profile for this session', placeHolder: current === undefined ? 'Choose a design' : `Now ${current}` },
  );
  if (picked === undefined || picked.design === current) return;
  try {
    // The session is rebuilt at step 0 and replayed to where it was.
    const at = ctx.store.get(uri)?.step.index ?? 0;
    const snapshot = await withDelayedProgress(`swapsim: switching to ${picked.design}`, () => ctx.server.request('swapsim/setDesign', { uri, design: picked.design }), { store: ctx.store, uri, fromStep: 0, toStep: at });
    ctx.store.applySnapshot(snapshot);
  } catch (error) {
    reportFailure(ctx, describeRequestError('swapsim/setDesign', error), isCancellation(error));
  }
}

/** The comparison as markdown: one row per design, structures as columns would be too wide. */
export function comparisonMarkdown(scenario: string, result: CompareResult): string {
  const out: string[] = [`# Swap metadata by design — ${scenario}, step ${result.step}`, ''];
  out.push('| design | static | dynamic | total | per used slot |', '| --- | ---: | ---: | ---: | ---: |');
  const sorted = [...result.tables].sort((a, b) => a.totals.total - b.totals.total);
  for (const t of sorted) {
    const perSlot = t.totals.perUsedSlot === null ? '—' : `${t.totals.perUsedSlot.toFixed(2)} B`;
    out.push(`| ${t.design} | ${formatBytes(t.totals.static)} | ${formatBytes(t.totals.dynamic)} | ${formatBytes(t.totals.total)} | ${perSlot} |`);
  }
  for (const f of result.failures) out.push('', `**${f.design}** could not run this scenario: ${f.message}`);
  for (const t of sorted) {
    out.push('', `## ${t.design} — ${DESIGN_TITLES[t.design]}`, '', '| structure | device | kind | bytes | formula |', '| --- | --- | --- | ---: | --- |');
    for (const line of t.lines) out.push(`| ${line.structure} | ${line.device ?? ''} | ${line.kind} | ${formatBytes(line.bytes)} | \`${line.formula}\` |`);
  }
  out.push('');
  return out.join('\n');
}

/** Read-only documents holding comparisons, by URI. */
export class ComparisonDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'swapsim-compare';
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }
}

/** Compare designs; `designsArg` (an array of design names) skips the quick pick. */
export async function compareDesigns(ctx: Ctx, documents: ComparisonDocuments, arg?: unknown, designsArg?: unknown): Promise<void> {
  const uri = requireScenario(ctx, arg);
  if (uri === undefined) return;
  const given = Array.isArray(designsArg) && designsArg.length > 0 && designsArg.every(isDesign) ? designsArg.map((design: DesignName) => ({ design })) : undefined;
  const picks = given ?? await vscode.window.showQuickPick(
    DESIGN_NAMES.map((design) => ({ label: design, description: DESIGN_TITLES[design], picked: true, design })),
    { title: 'swapsim: compare which designs?', canPickMany: true },
  );
  if (picks === undefined || picks.length === 0) return;
  try {
    const result = await withDelayedProgress('swapsim: comparing designs', (token) => ctx.server.request('swapsim/compare', { uri, designs: picks.map((p) => p.design) }, token));
    const name = vscode.Uri.parse(uri).path.split('/').pop() ?? 'scenario';
    const target = vscode.Uri.from({ scheme: ComparisonDocuments.scheme, path: `/${name}.compare.md`, query: uri });
    documents.set(target, comparisonMarkdown(name, result));
    const document = await vscode.workspace.openTextDocument(target);
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  } catch (error) {
    reportFailure(ctx, describeRequestError('swapsim/compare', error), isCancellation(error));
  }
}
