// Page-object helpers for code-server's web workbench. Selectors checked
// against VS Code 1.100 (code-server 4.100.3); keep them all here so a VS Code
// update means editing one file.
import path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

/** Generous: the first workbench load after a server start takes 8–13 s on 2 cores. */
export const SLOW_MS = 60_000;
const QUICK_INPUT_MS = 5_000;

export type ThemeKind = 'vs' | 'vs-dark' | 'hc-black' | 'hc-light';

/** CSS attribute values are quoted with "; escape what would end the string. */
function cssString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

export function workbenchUrl(
  baseUrl: string,
  folder: string,
  payload?: ReadonlyArray<readonly [string, string]>,
): string {
  const url = new URL(baseUrl);
  url.searchParams.set('folder', folder);
  if (payload) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly resultsDir: string,
  ) {}

  /** Navigate to the workbench for `folder` and wait until it is on screen; returns the ms it took. */
  async open(baseUrl: string, folder: string): Promise<number> {
    const started = Date.now();
    await this.page.goto(workbenchUrl(baseUrl, folder));
    await this.waitUntilReady();
    return Date.now() - started;
  }

  /** The editor area and the status bar are both drawn. */
  async waitUntilReady(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.editor').waitFor({ state: 'visible', timeout: SLOW_MS });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: SLOW_MS });
  }

  explorerRow(fileName: string): Locator {
    return this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${cssString(fileName)}"]`);
  }

  /** Click a file in the explorer (the folder is expanded on open) and wait for its editor. */
  async openFromExplorer(fileName: string, expectedText: string): Promise<Locator> {
    const row = this.explorerRow(fileName);
    await row.waitFor({ state: 'visible', timeout: SLOW_MS });
    await row.click();
    return this.waitForEditor(fileName, expectedText);
  }

  /** Ctrl+P, type the name, pick the file. */
  async quickOpen(fileName: string, expectedText: string): Promise<Locator> {
    const input = await this.openQuickInput('Control+P');
    await input.fill(fileName);
    await this.quickPickRow(fileName, 'prefix').click();
    return this.waitForEditor(fileName, expectedText);
  }

  /** The active editor tab is `fileName` and its text contains `expectedText`. */
  async waitForEditor(fileName: string, expectedText: string): Promise<Locator> {
    await this.page
      .locator(`.tabs-container .tab.active[aria-label^="${cssString(fileName)}"]`)
      .waitFor({ state: 'visible', timeout: SLOW_MS });
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: expectedText }).waitFor({ state: 'visible', timeout: SLOW_MS });
    return editor;
  }

  /** The language-mode entry of the status bar, e.g. "swapsim". */
  async languageMode(): Promise<string> {
    const item = this.page.locator('[id="status.editor.mode"]');
    await item.waitFor({ state: 'visible', timeout: SLOW_MS });
    return (await item.innerText()).trim();
  }

  /**
   * The language mode once it reads `expected`, or whatever it reads after
   * `timeoutMs`. A file can open before the remote extension host has
   * registered the extension's languages, so it shows "Plain Text" at first.
   */
  async waitForLanguageMode(expected: string, timeoutMs = SLOW_MS): Promise<string> {
    await this.page
      .waitForFunction(
        ([id, want]) => document.getElementById(id)?.textContent?.trim() === want,
        ['status.editor.mode', expected] as const,
        { timeout: timeoutMs },
      )
      .catch(() => undefined);
    return this.languageMode();
  }

  /**
   * Open the quick input with `key` (F1 for commands). The first key press can
   * be lost while the workbench is still taking focus, so try a few times.
   */
  async openQuickInput(key: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget input');
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.page.keyboard.press(key);
      try {
        await input.waitFor({ state: 'visible', timeout: QUICK_INPUT_MS });
        return input;
      } catch (error) {
        lastError = error;
        // Give the keyboard focus to the workbench, then try again.
        await this.page.locator('.monaco-workbench .part.statusbar').click({ position: { x: 5, y: 5 } });
      }
    }
    throw new Error(`quick input did not open with ${key}: ${String(lastError)}`);
  }

  /** A row of the open quick pick whose label is `label` (rows may append ", <keybinding>"). */
  quickPickRow(label: string, match: 'exact' | 'prefix' = 'exact'): Locator {
    const rows = '.quick-input-widget .quick-input-list .monaco-list-row';
    const value = cssString(label);
    if (match === 'prefix') return this.page.locator(`${rows}[aria-label^="${value}"]`).first();
    return this.page.locator(`${rows}[aria-label="${value}"], ${rows}[aria-label^="${value}, "]`).first();
  }

  /** Run a command from the palette by its full title, e.g. "Preferences: Color Theme". */
  async runCommand(title: string): Promise<void> {
    const input = await this.openQuickInput('F1');
    await input.fill(`>${title}`);
    // Pressing Enter would run whichever row happens to be first; click the exact one.
    await this.quickPickRow(title).click({ timeout: SLOW_MS });
  }

  /**
   * Put the workbench back as the next test expects it, even after a failure:
   * one editor group with nothing open and, with `explorer`, the Explorer shown
   * (selecting in the dashboard reveals the Swap view instead).
   */
  async closeEditors(options: { explorer?: boolean } = {}): Promise<void> {
    await this.runCommand('View: Close All Editor Groups').catch(() => undefined);
    await this.page
      .locator('.editor-group-container .tab')
      .first()
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
    if (!options.explorer) return;
    await this.page.keyboard.press('Control+Shift+E');
    await this.explorerRow('basic.swapsim')
      .waitFor({ state: 'visible', timeout: 10_000 })
      .catch(() => undefined);
  }

  /** Choose a colour theme through the palette and wait until the workbench wears it. */
  async selectColorTheme(label: string, kind: ThemeKind): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: QUICK_INPUT_MS });
    await input.fill(label);
    await this.quickPickRow(label).click({ timeout: SLOW_MS });
    await this.page.locator(`.monaco-workbench.${kind}`).waitFor({ state: 'attached', timeout: SLOW_MS });
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: SLOW_MS });
  }

  async themeKind(): Promise<ThemeKind | undefined> {
    const classes = ((await this.page.locator('.monaco-workbench').getAttribute('class')) ?? '').split(/\s+/);
    const kinds: ThemeKind[] = ['hc-light', 'hc-black', 'vs-dark', 'vs'];
    return kinds.find((kind) => classes.includes(kind));
  }

  /** An activity-bar entry (a view container) by the start of its title, e.g. "Explorer". */
  activityBarItem(title: string): Locator {
    return this.page.locator(`.part.activitybar .action-item .action-label[aria-label^="${cssString(title)}"]`).first();
  }

  /** The header of a view in the side bar by the start of its title, e.g. "Outline". */
  viewHeader(title: string): Locator {
    return this.page.locator(`.part.sidebar .pane-header[aria-label^="${cssString(title)}"]`).first();
  }

  /** Rows of the tree or list views in the side bar whose label starts with `label`. */
  sideBarRow(label: string): Locator {
    return this.page.locator(`.part.sidebar .monaco-list-row[aria-label^="${cssString(label)}"]`).first();
  }

  /** A code lens link of the active editor, by its text. */
  codeLens(text: string): Locator {
    return this.page
      .locator('.editor-group-container.active .monaco-editor .codelens-decoration a', { hasText: text })
      .first();
  }

  /**
   * An element inside a webview. Webview content lives in iframes nested in
   * the workbench's own iframe, and frames come and go as webviews load, so
   * search all of them until one has a match.
   */
  async inWebview(selector: string, timeoutMs = SLOW_MS): Promise<Locator> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const match = frame.locator(selector).first();
        if ((await match.count().catch(() => 0)) > 0) return match;
      }
      if (Date.now() > deadline) throw new Error(`no webview contains ${selector} after ${timeoutMs} ms`);
      await this.page.waitForTimeout(200);
    }
  }

  /** A status bar entry whose text matches `text`. */
  statusBarItem(text: RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  }

  /** The text area of the editor showing `fileName` (whichever group it is in). */
  editorOf(fileName: string): Locator {
    return this.page
      .locator('.editor-group-container', {
        has: this.page.locator(`.tabs-container .tab.active[aria-label^="${cssString(fileName)}"]`),
      })
      .locator('.monaco-editor .view-lines')
      .first();
  }

  /** The frame of the webview whose document has `selector` (see inWebview). */
  async webviewFrame(selector: string, timeoutMs = SLOW_MS): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        if (
          (await frame
            .locator(selector)
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      if (Date.now() > deadline) throw new Error(`no webview contains ${selector} after ${timeoutMs} ms`);
      await this.page.waitForTimeout(200);
    }
  }

  /** Save a full-page screenshot as <resultsDir>/<name>.png and return its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(this.resultsDir, `${name}.png`);
    // Park the mouse so no hover widget covers the view.
    await this.page.mouse.move(1, 1);
    await this.page.screenshot({ path: file });
    return file;
  }
}
