// Stepping with the keyboard and browsing the Swap view, as a user would:
// a new scenario from the command palette, F10 / Shift+F11 / Ctrl+F10, then
// the activity-bar container expanded from a device down to a slot.
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { test } from '../harness';
import type { Workbench } from '../browser/workbench';
import { workbench } from './session';

const WAIT_MS = 60_000;
/** Statements in the New Scenario template (client/commands/scenarios.ts), config excluded. */
const TEMPLATE_STEPS = 8;

// TODO(harness): these two locators belong in browser/workbench.ts with the others.
function statusItem(wb: Workbench, text: RegExp): Locator {
  return wb.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
}

function activeEditor(wb: Workbench): Locator {
  return wb.page.locator('.editor-group-container.active .monaco-editor').first();
}

async function waitForStep(wb: Workbench, index: number): Promise<void> {
  await statusItem(wb, new RegExp(`step ${index} / ${TEMPLATE_STEPS}$`)).waitFor({
    state: 'visible',
    timeout: WAIT_MS,
  });
}

test('F10, Shift+F11 and Ctrl+F10 step a new scenario and the status bar follows', async () => {
  const wb = await workbench();
  await wb.runCommand('swapsim: New Scenario');
  const editor = activeEditor(wb);
  await editor
    .locator('.view-lines', { hasText: 'swapon /dev/vda2 size=256M -p 5' })
    .waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.equal(await wb.waitForLanguageMode('swapsim'), 'swapsim');
  await waitForStep(wb, 0);

  await editor.locator('.view-lines').click();
  for (let i = 0; i < 3; i++) await wb.page.keyboard.press('F10');
  await waitForStep(wb, 3);
  // The statement just run is highlighted in the editor.
  await editor
    .locator('.view-overlays [class*="ced-"], .margin-view-overlays .cgmr, .glyph-margin-widgets .cgmr')
    .first()
    .waitFor({ state: 'attached', timeout: WAIT_MS });
  await wb.screenshot('stepping-editor');

  await wb.page.keyboard.press('Shift+F11');
  await waitForStep(wb, 2);

  await wb.page.keyboard.press('Control+End');
  await wb.page.keyboard.press('Control+F10');
  await waitForStep(wb, TEMPLATE_STEPS);
  await wb.screenshot('stepping-finished');
});

test('the Swap view expands from a device down to a slot', async () => {
  const wb = await workbench();
  await wb.activityBarItem('Swap').click();
  await wb.viewHeader('Devices').waitFor({ state: 'visible', timeout: WAIT_MS });
  const device = wb.sideBarRow('/dev/vda2');
  await device.waitFor({ state: 'visible', timeout: WAIT_MS });
  await device.click();
  // 16M paged out in 4K pages fills clusters 0..8 of the 256M device; cluster 1 starts at slot 512.
  const cluster = wb.sideBarRow('cluster 1');
  await cluster.waitFor({ state: 'visible', timeout: WAIT_MS });
  await cluster.click();
  const slot = wb.sideBarRow('slot 512');
  await slot.waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.match((await slot.getAttribute('aria-label')) ?? '', /slot 512/);
  await slot.click();
  await wb.screenshot('swap-view-slot');
  await wb.viewHeader('Memory cgroups').waitFor({ state: 'visible', timeout: WAIT_MS });
  // Leave the workbench as the next tests expect it: the untitled scenario gone, the Explorer shown.
  await activeEditor(wb).locator('.view-lines').click();
  await wb.runCommand('View: Revert and Close Editor');
  await wb.page.keyboard.press('Control+Shift+E');
  await wb.explorerRow('basic.swapsim').waitFor({ state: 'visible', timeout: WAIT_MS });
});
