// Shared state of the UI suite: one browser page on the workbench, opened on
// first use so any test file can come first.
import { measure } from '../harness';
import type { RunConfig } from '../run-config';
import type { BrowserSession } from '../browser/chromium';
import { Workbench } from '../browser/workbench';

let current: { config: RunConfig; browser: BrowserSession } | undefined;
let opened: Promise<Workbench> | undefined;

export function startSession(config: RunConfig, browser: BrowserSession): void {
  current = { config, browser };
}

export function runConfig(): RunConfig {
  if (!current) throw new Error('the UI session has not been started');
  return current.config;
}

async function openWorkbench(): Promise<Workbench> {
  if (!current) throw new Error('the UI session has not been started');
  const workbench = new Workbench(current.browser.page, current.config.resultsDir);
  const ms = await workbench.open(current.config.baseUrl, current.config.workspace);
  measure('ui.workbench_ready_after_navigation', ms, 'ms');
  return workbench;
}

/** The workbench with the fixture folder open (navigates the first time). */
export function workbench(): Promise<Workbench> {
  opened ??= openWorkbench();
  return opened;
}

/** Make `fileName` the active editor, opening it through quick open if it is not already. */
export async function showScenario(fileName: string, expectedText: string): Promise<Workbench> {
  const wb = await workbench();
  const activeTab = wb.page.locator(`.tabs-container .tab.active[aria-label^="${fileName}"]`);
  if ((await activeTab.count()) === 0) await wb.quickOpen(fileName, expectedText);
  else await wb.waitForEditor(fileName, expectedText);
  return wb;
}
