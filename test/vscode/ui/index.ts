// Entry of the UI suite (a child process of run.mjs): headless Chromium on the
// real workbench. run.mjs bundles it with every test/vscode/ui/*.ui.ts file,
// imported before `main` runs, so a new test file needs no registration.
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runTests } from '../harness';
import { readRunConfig } from '../run-config';
import { launchBrowser } from '../browser/chromium';
import { startSession } from './session';

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

export async function main(): Promise<number> {
  const config = readRunConfig();
  const browser = await launchBrowser(config.browserProfilesDir, 'ui');
  const logFile = path.join(config.resultsDir, 'ui-workbench.log');
  writeFileSync(logFile, '');
  browser.page.on('console', (message) => appendFileSync(logFile, `[${message.type()}] ${message.text()}\n`));
  browser.page.on('pageerror', (error) => appendFileSync(logFile, `[pageerror] ${error.stack ?? error.message}\n`));
  startSession(config, browser);
  try {
    const summary = await runTests({
      log: (line) => console.log(line),
      onFailure: async (name) => {
        const file = path.join(config.resultsDir, `failure-${slug(name)}.png`);
        await browser.page.screenshot({ path: file });
        console.log(`    screenshot: ${file}`);
      },
    });
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await browser.close();
  }
}
