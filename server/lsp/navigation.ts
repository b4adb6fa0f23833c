/**
 * Go to definition, find references, document highlights and rename for the
 * names a scenario creates: swap devices, cgroups, tasks, regions and variables. The
 * definition is the first statement that creates the object.
 */
import {
  DocumentHighlightKind,
  ResponseError,
  type DocumentHighlight,
  type Location,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { isIdentifier } from '../lang/check/context';
import { isVariableName } from '../lang/syntax/expr';
import type { Analysis } from './analysis';
import type { NameOccurrence } from './names';
import { ErrorCodes } from '../../shared/protocol';

export function definition(analysis: Analysis, position: Position): Location | null {
  const o = analysis.names.at(position);
  if (o === undefined) return null;
  const def = analysis.names.definition(o.kind, o.key);
  return def === undefined ? null : { uri: analysis.uri, range: def.range };
}

export function references(analysis: Analysis, position: Position, includeDeclaration: boolean): Location[] {
  const o = analysis.names.at(position);
  if (o === undefined) return [];
  return analysis.names
    .all(o.kind, o.key)
    .filter((x) => includeDeclaration || !x.definition)
    .map((x) => ({ uri: analysis.uri, range: x.range }));
}

export function highlights(analysis: Analysis, position: Position): DocumentHighlight[] {
  const o = analysis.names.at(position);
  if (o === undefined) return [];
  return analysis.names
    .all(o.kind, o.key)
    .map((x) => ({ range: x.range, kind: x.definition ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
}

export function prepareRename(analysis: Analysis, position: Position): { range: Range; placeholder: string } | null {
  const o = analysis.names.at(position);
  return o === undefined ? null : { range: o.range, placeholder: o.text };
}

/** Why `name` cannot replace occurrence `o`, or null when it can. */
function invalidName(o: NameOccurrence, name: string): string | null {
  switch (o.kind) {
    case 'task':
    case 'region':
      return isIdentifier(name)
        ? null
        : `'${name}' is not a valid ${o.kind} name (letters, digits, _ - . ; starting with a letter or _)`;
    case 'cgroup':
      return name !== '' && !name.includes('/') && name !== '.' && name !== '..' && !/\s/.test(name)
        ? null
        : `'${name}' is not a valid cgroup directory name`;
    case 'device':
      return name.startsWith('/') && !/\s/.test(name) ? null : `'${name}' is not an absolute device path`;
    case 'variable':
    case 'fd':
      return isVariableName(name)
        ? null
        : `'${name}' is not a valid ${o.kind === 'fd' ? 'file' : 'variable'} name (a letter or _, then letters, digits and _)`;
  }
}

export function rename(analysis: Analysis, position: Position, newName: string): WorkspaceEdit | null {
  const o = analysis.names.at(position);
  if (o === undefined) return null;
  const problem = invalidName(o, newName);
  if (problem !== null) throw new ResponseError(ErrorCodes.InvalidParams, problem);
  const edits: TextEdit[] = analysis.names.all(o.kind, o.key).map((x) => ({ range: x.range, newText: newName }));
  return { changes: { [analysis.uri]: edits } };
}
