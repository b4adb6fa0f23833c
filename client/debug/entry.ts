// dist/client-debug.js: the debug adapter and @vscode/debugadapter, loaded
// by register.ts when the first debug session starts, so activation does not
// compile them.
import { ScenarioDebugSession, type DebugHost } from './scenarioDebugSession';

/** What dist/client-debug.js exports. */
export interface DebugBundle {
  createDebugSession(host: DebugHost): ScenarioDebugSession;
}

export function createDebugSession(host: DebugHost): ScenarioDebugSession {
  return new ScenarioDebugSession(host);
}
