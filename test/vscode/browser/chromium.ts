// Debian's Chromium driven by playwright-core. Never `playwright install`:
// only the npm registry and Debian packages are reachable.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  // CI runs as root, where Chromium's sandbox cannot start.
  '--no-sandbox',
  // Containers often have a tiny /dev/shm; use /tmp instead.
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile under `profilesDir`, and one page. */
export async function launchBrowser(profilesDir: string, label: string): Promise<BrowserSession> {
  const profile = mkdtempSync(path.join(profilesDir, `${label}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    // The workbench follows the OS colour scheme on first start; fix it so screenshots compare.
    colorScheme: 'dark',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
    },
  };
}
