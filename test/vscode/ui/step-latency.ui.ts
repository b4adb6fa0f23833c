// How long a user waits after pressing Step: F10 (and Shift+F11 back) in a
// scenario editor, with the Swap view and the scenario's dashboard open,
// until the Devices tree and the dashboard both show the new step. The
// moments are taken inside the page, not by polling from here: a capture
// listener stamps the keydown, and mutation observers stamp the first frame
// in which the tree (main document) and the dashboard (its webview's frame)
// show the new state. All stamps are performance.timeOrigin + now(), one
// clock across the page's frames. Measured and printed, not asserted.
import assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { measure, test } from '../harness';
import type { Workbench } from '../browser/workbench';
import { workbench } from './session';

const WAIT_MS = 60_000;
/** A step shows in well under a second; waiting longer only delays the report of a broken probe. */
const STEP_WAIT_MS = 15_000;
const FILE = 'dash.swapsim';
/** Statements of fixtures/workspace/dash.swapsim, the `config` line excluded; step 1 is its swapon. */
const STEPS = 7;
const DEVICE = '/dev/vda2';
/** Forward and back pairs: each gives two samples. */
const ROUNDS = 5;
/**
 * The extension host debounces a tree provider's onDidChangeTreeData by
 * 200 ms (leading edge: the first change goes at once, a change within the
 * next 200 ms waits for the window to end; code-server 4.100's
 * extensionHostProcess.js, ExtHostTreeView). Steps pressed back to back
 * meet that window; steps after a longer pause do not. Both are measured.
 */
const TREE_DEBOUNCE_MS = 200;

/** The Devices view row of the device: there after step 1 (swapon), gone at step 0. */
const DEVICE_ROW = `.part.sidebar .monaco-list-row[aria-label^="${DEVICE}"]`;

interface Stamps {
  key?: number;
  shown?: number;
}

/** Arm the main document: stamp the next `key` keydown and the first moment the device row is (or is not) there. */
async function armTree(page: Page, key: string, rowPresent: boolean): Promise<void> {
  await page.evaluate(
    ({ key, rowPresent, selector }) => {
      const now = (): number => performance.timeOrigin + performance.now();
      const stamps: { key?: number; shown?: number } = {};
      (window as unknown as { swapsimStepProbe: typeof stamps }).swapsimStepProbe = stamps;
      const onKey = (event: KeyboardEvent): void => {
        if (event.key !== key) return;
        stamps.key = performance.timeOrigin + event.timeStamp;
        window.removeEventListener('keydown', onKey, true);
      };
      window.addEventListener('keydown', onKey, true);
      const observer = new MutationObserver(() => {
        if ((document.querySelector(selector) !== null) !== rowPresent) return;
        stamps.shown = now();
        observer.disconnect();
      });
      observer.observe(document.querySelector('.part.sidebar') ?? document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    },
    { key, rowPresent, selector: DEVICE_ROW },
  );
}

/** Arm the dashboard's frame: stamp the first moment its header reads `text`. */
async function armWebview(frame: Frame, text: string): Promise<void> {
  await frame.evaluate((text) => {
    const stamps: { shown?: number } = {};
    (window as unknown as { swapsimStepProbe: typeof stamps }).swapsimStepProbe = stamps;
    const header = document.getElementById('step-text');
    if (header === null) throw new Error('the dashboard has no #step-text');
    const observer = new MutationObserver(() => {
      if (header.textContent !== text) return;
      stamps.shown = performance.timeOrigin + performance.now();
      observer.disconnect();
    });
    observer.observe(header, { subtree: true, childList: true, characterData: true });
  }, text);
}

async function stampsOf(target: Page | Frame, what: string): Promise<Stamps> {
  await target
    .waitForFunction(
      () => (window as unknown as { swapsimStepProbe?: { shown?: number } }).swapsimStepProbe?.shown !== undefined,
      undefined,
      { timeout: STEP_WAIT_MS },
    )
    .catch(async () => {
      const seen = await target.evaluate(() => ({
        stamps: (window as unknown as { swapsimStepProbe?: unknown }).swapsimStepProbe,
        rows: [...document.querySelectorAll('.part.sidebar .monaco-list-row')].map((row) =>
          row.getAttribute('aria-label'),
        ),
        header: document.getElementById('step-text')?.textContent,
      }));
      throw new Error(`${what} did not show the new step within ${STEP_WAIT_MS} ms: ${JSON.stringify(seen)}`);
    });
  return target.evaluate(() => ({
    ...(window as unknown as { swapsimStepProbe: { key?: number; shown?: number } }).swapsimStepProbe,
  }));
}

/** Press `key` in the editor and return ms from the keydown to the tree, to the dashboard, and to both. */
async function timeStep(
  wb: Workbench,
  frame: Frame,
  key: 'F10' | 'Shift+F11',
  toStep: number,
): Promise<{ tree: number; webview: number; both: number }> {
  await armTree(wb.page, key === 'F10' ? 'F10' : 'F11', toStep > 0);
  await armWebview(frame, `step ${toStep} / ${STEPS}`);
  await wb.page.keyboard.press(key);
  const tree = await stampsOf(wb.page, 'the Devices view');
  const webview = await stampsOf(frame, 'the dashboard');
  if (tree.key === undefined || tree.shown === undefined || webview.shown === undefined)
    throw new Error(`a stamp is missing: ${JSON.stringify({ tree, webview })}`);
  return {
    tree: tree.shown - tree.key,
    webview: webview.shown - tree.key,
    both: Math.max(tree.shown, webview.shown) - tree.key,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

test(
  'Step keypress → the Devices tree and the dashboard show the new step (latency)',
  async () => {
    const wb = await workbench();
    await wb.quickOpen(FILE, 'swapon /dev/vda2 size=256M -p 5');
    assert.equal(await wb.waitForLanguageMode('swapsim'), 'swapsim');
    try {
      // Start from step 0 whatever earlier tests did with this scenario.
      await wb.runCommand('swapsim: Reset');
      await wb.statusBarItem(new RegExp(`step 0 / ${STEPS}$`)).waitFor({ state: 'visible', timeout: WAIT_MS });
      await wb.runCommand('swapsim: Open Dashboard');
      const frame = await wb.webviewFrame('#step-text');
      await frame
        .locator('#step-text', { hasText: `step 0 / ${STEPS}` })
        .waitFor({ state: 'visible', timeout: WAIT_MS });
      await wb.activityBarItem('Swap').click();
      await wb.viewHeader('Devices').waitFor({ state: 'visible', timeout: WAIT_MS });
      // At step 0 no device is active: the Devices view has no row for it.
      await wb.page.locator(DEVICE_ROW).waitFor({ state: 'detached', timeout: WAIT_MS });
      // Keyboard focus in the scenario's editor: F10 is Step there.
      await wb.editorOf(FILE).click();
      await wb.screenshot('step-latency-before');

      for (const pace of ['back_to_back', 'after_pause'] as const) {
        const samples: { tree: number; webview: number; both: number }[] = [];
        const pause = async (): Promise<void> => {
          if (pace === 'after_pause') await wb.page.waitForTimeout(TREE_DEBOUNCE_MS + 100);
        };
        for (let round = 0; round < ROUNDS; round++) {
          await pause();
          samples.push(await timeStep(wb, frame, 'F10', 1));
          await wb.page.locator(DEVICE_ROW).waitFor({ state: 'visible', timeout: WAIT_MS });
          await pause();
          samples.push(await timeStep(wb, frame, 'Shift+F11', 0));
          await wb.page.locator(DEVICE_ROW).waitFor({ state: 'detached', timeout: WAIT_MS });
        }
        for (const part of ['tree', 'webview', 'both'] as const) {
          const values = samples.map((s) => s[part]);
          const suffix = pace === 'back_to_back' ? '' : `_${pace}`;
          measure(`ui.step_keypress_to_${part}${suffix}`, median(values), 'ms');
          measure(`ui.step_keypress_to_${part}${suffix}_max`, Math.max(...values), 'ms');
        }
      }
      await wb.screenshot('step-latency');
    } finally {
      await wb.closeEditors({ explorer: true });
    }
  },
  { timeoutMs: 120_000 },
);
