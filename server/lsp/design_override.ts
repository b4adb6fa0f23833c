/**
 * A design chosen with Select Design Profile (`swapsim/setDesign`) overrides
 * the scenario's own `config design=` for the document's session. So that
 * the override is never silent, it shows as an Information diagnostic on the
 * `config` line that sets the design (or on the first line when none does).
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { DesignName } from '../../shared/protocol';
import type { FrontEndResult, Range } from '../lang/index';
import { SOURCE } from './convert';

export const DESIGN_OVERRIDE_CODE = 'design-override';

/** The `design=` setting of the scenario's config lines (the last one wins, as in the checker), if any. */
function designSetting(front: FrontEndResult): { value: string; range: Range } | null {
  let found: { value: string; range: Range } | null = null;
  for (const s of front.program.statements) {
    if (s.kind !== 'config') continue;
    for (const setting of s.settings)
      if (setting.key.text === 'design') found = { value: setting.value.text, range: setting.range };
  }
  return found;
}

export function designOverrideDiagnostic(
  front: FrontEndResult,
  override: DesignName | undefined,
): LspDiagnostic | null {
  if (override === undefined) return null;
  const fileDesign = front.checked.config.design;
  if (override === fileDesign) return null;
  const setting = designSetting(front);
  const range = setting?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const what = setting === null ? `the default design ${fileDesign}` : `config design=${setting.value}`;
  return {
    range,
    severity: DiagnosticSeverity.Information,
    code: DESIGN_OVERRIDE_CODE,
    source: SOURCE,
    message: `this session runs under design ${override}, chosen with Select Design Profile: it overrides ${what} until the file is closed`,
  };
}
