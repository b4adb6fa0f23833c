// What test/vscode/run.mjs tells the suites about the running code-server. It
// travels as JSON in one environment variable, which reaches the browser-side
// drivers (child processes of run.mjs) and the extension host (a child of
// code-server, which run.mjs starts with the same variable).

export const RUN_CONFIG_ENV = 'SWAPSIM_VSCODE_RUN';

/** Extension-host output lines that carry test results start with this; the driver strips it. */
export const EXTHOST_LINE_MARKER = '[swapsim-test] ';

export interface RunConfig {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** The workspace folder code-server opens (a fresh copy of test/vscode/fixtures/workspace). */
  workspace: string;
  /** Where the .vsix was unpacked by `code-server --install-extension`. */
  extensionDir: string;
  /** `publisher.name` from package.json. */
  extensionId: string;
  /** package.json version, also the .vsix version. */
  version: string;
  /** Bundled extension-host suite (out/vscode/exthost/index.js). */
  exthostEntry: string;
  /** Screenshots and logs go here (test-results/vscode). */
  resultsDir: string;
  /** Parent folder for fresh Chromium profiles, one per suite. */
  browserProfilesDir: string;
  /** code-server's --user-data-dir: settings, global storage, and each extension host's logs. */
  userDataDir: string;
  /** Date.now() just before code-server was spawned. */
  serverStartedAt: number;
  /** A suite gives up (and fails) after this long. */
  suiteTimeoutMs: number;
}

const STRING_FIELDS = [
  'baseUrl',
  'workspace',
  'extensionDir',
  'extensionId',
  'version',
  'exthostEntry',
  'resultsDir',
  'browserProfilesDir',
  'userDataDir',
] as const;
const NUMBER_FIELDS = ['serverStartedAt', 'suiteTimeoutMs'] as const;

export function readRunConfig(env: NodeJS.ProcessEnv = process.env): RunConfig {
  const raw = env[RUN_CONFIG_ENV];
  if (raw === undefined)
    throw new Error(`${RUN_CONFIG_ENV} is not set: run the suites through \`npm run test:vscode\``);
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${RUN_CONFIG_ENV} is not a JSON object`);
  const record = parsed as Record<string, unknown>;
  for (const key of STRING_FIELDS) {
    if (typeof record[key] !== 'string') throw new Error(`${RUN_CONFIG_ENV}.${key} must be a string`);
  }
  for (const key of NUMBER_FIELDS) {
    if (typeof record[key] !== 'number') throw new Error(`${RUN_CONFIG_ENV}.${key} must be a number`);
  }
  return record as unknown as RunConfig;
}
