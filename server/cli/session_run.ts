/**
 * Builds and runs a Session for a scenario file: the common first half of
 * `run`, `test` and `compare`.
 */
import { DESIGN_NAMES, type DesignName } from '../../shared/protocol';
import { Session } from '../session/session';
import { UsageError } from './args';
import { readScenario } from './io';
import { hasErrorDiagnostics } from './report';

export function parseDesign(command: string, value: string): DesignName {
  const found = DESIGN_NAMES.find((d) => d === value);
  if (found === undefined)
    throw new UsageError(`swapsim ${command}: unknown design '${value}' (known: ${DESIGN_NAMES.join(', ')})`);
  return found;
}

export interface LoadedRun {
  readonly session: Session;
  /** The scenario had error diagnostics, so nothing ran. */
  readonly invalid: boolean;
}

/** Read FILE, check it, and run it to the end unless it has errors. */
export function runScenarioFile(file: string, design?: DesignName): LoadedRun {
  const text = readScenario(file);
  const session = new Session(file, text, design === undefined ? {} : { design });
  const invalid = hasErrorDiagnostics(session.diagnostics);
  if (!invalid) session.run();
  return { session, invalid };
}
