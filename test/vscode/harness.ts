// A tiny test runner shared by the extension-host suite and the UI suite.
// Test files call `test()` when they are loaded; the suite entry then calls
// `runTests()`. Output goes through a caller-supplied `log` because inside the
// extension host only console output reaches the test driver (through the
// page's codeAutomationLog hook).
//
// Output, one line each:
//   ✔ <name> (<ms> ms)
//   ✖ <name> (<ms> ms)      followed by the indented error
//   [measure] <name> <value> <unit>
//   <N> passed, <N> failed  always the last line

export interface TestOptions {
  /** A test still running after this long fails (the next test still runs). */
  timeoutMs?: number;
}

interface TestCase {
  name: string;
  fn: () => Promise<void> | void;
  timeoutMs: number;
}

export interface RunOptions {
  log: (line: string) => void;
  /** Called after a test fails, before the next test starts (e.g. to take a screenshot). */
  onFailure?: (name: string, error: unknown) => Promise<void> | void;
}

export interface RunSummary {
  passed: number;
  failed: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const registered: TestCase[] = [];
let measureLog: (line: string) => void = (line) => console.log(line);

export function test(name: string, fn: () => Promise<void> | void, options: TestOptions = {}): void {
  if (registered.some((t) => t.name === name)) throw new Error(`duplicate test name: ${name}`);
  registered.push({ name, fn, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
}

/** Report a measurement; test/vscode/run.mjs collects these lines into its summary. */
export function measure(name: string, value: number, unit: string): void {
  measureLog(`[measure] ${name} ${Math.round(value * 10) / 10} ${unit}`);
}

/** Wait until `check` returns a value other than undefined, polling every `intervalMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function withTimeout(run: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test "${name}" timed out after ${ms} ms`)), ms);
  });
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

/** Run every registered test in registration order; never throws. */
export async function runTests({ log, onFailure }: RunOptions): Promise<RunSummary> {
  measureLog = log;
  const summary: RunSummary = { passed: 0, failed: 0 };
  if (registered.length === 0) {
    log('✖ no tests were registered');
    summary.failed = 1;
  }
  for (const t of registered) {
    const started = Date.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeoutMs, t.name);
      summary.passed++;
      log(`✔ ${t.name} (${Date.now() - started} ms)`);
    } catch (error) {
      summary.failed++;
      log(`✖ ${t.name} (${Date.now() - started} ms)`);
      for (const line of describeError(error).split('\n')) log(`    ${line}`);
      try {
        await onFailure?.(t.name, error);
      } catch (hookError) {
        log(`    (after-failure hook failed: ${describeError(hookError).split('\n')[0]})`);
      }
    }
  }
  log(`${summary.passed} passed, ${summary.failed} failed`);
  return summary;
}
