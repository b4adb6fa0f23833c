/**
 * Readers for the fields of standard LSP requests (textDocument, position,
 * range): null when malformed, so a feature answers "nothing here" instead
 * of failing. swapsim's own requests are checked by shared/validate.ts.
 */

/** The text document URI of a standard LSP request, or null when malformed. */
export function documentUri(params: unknown): string | null {
  if (typeof params !== 'object' || params === null) return null;
  const td = (params as { textDocument?: unknown }).textDocument;
  if (typeof td !== 'object' || td === null) return null;
  const uri = (td as { uri?: unknown }).uri;
  return typeof uri === 'string' ? uri : null;
}

/** A position field of a standard request, or null when malformed. */
export function positionParam(params: unknown, key = 'position'): { line: number; character: number } | null {
  if (typeof params !== 'object' || params === null) return null;
  const v = (params as Record<string, unknown>)[key];
  if (typeof v !== 'object' || v === null) return null;
  const { line, character } = v as { line?: unknown; character?: unknown };
  if (
    typeof line !== 'number' ||
    typeof character !== 'number' ||
    !Number.isInteger(line) ||
    !Number.isInteger(character) ||
    line < 0 ||
    character < 0
  )
    return null;
  return { line, character };
}

/** A range field of a standard request, or null when malformed. */
export function rangeParam(
  params: unknown,
  key = 'range',
): { start: { line: number; character: number }; end: { line: number; character: number } } | null {
  if (typeof params !== 'object' || params === null) return null;
  const v = (params as Record<string, unknown>)[key];
  const start = positionParam(v, 'start');
  const end = positionParam(v, 'end');
  return start === null || end === null ? null : { start, end };
}
