// Diagnostics and the dashboard as a user meets them: a bad line gets a
// squiggle; the code lenses run a scenario and open its dashboard, whose
// cluster map is drawn and whose slot inspector decodes a picked slot.
import assert from 'node:assert/strict';
import type { Frame, Locator } from 'playwright-core';
import { test } from '../harness';
import type { Workbench } from '../browser/workbench';
import { workbench } from './session';

const WAIT_MS = 60_000;
/** Statements of fixtures/workspace/dash.swapsim, the `config` line excluded (the CLI reports "7/7 steps"). */
const DASH_STEPS = 7;
/** 256M of 4K pages in clusters of 512 slots (SWAPFILE_CLUSTER): small cells at first, so a click picks a cluster. */
const DASH_CLUSTERS = 128;
const DASH_CLUSTER_SLOTS = 512;
/** The map only picks slots at least this wide (MIN_SLOT_PICK in media/dashboard/map/layout.ts). */
const MIN_SLOT_PICK_PX = 4;

// TODO(harness): these locators belong in browser/workbench.ts with the others.
function statusItem(wb: Workbench, text: RegExp): Locator {
  return wb.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
}

function activeEditor(wb: Workbench): Locator {
  return wb.page.locator('.editor-group-container.active .monaco-editor').first();
}

/** The frame holding the dashboard page: a webview nests its content in an iframe inside the workbench's own. */
async function dashboardFrame(wb: Workbench): Promise<Frame> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    for (const frame of wb.page.frames()) {
      if (frame === wb.page.mainFrame()) continue;
      if (
        (await frame
          .locator('#cluster-map')
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    if (Date.now() > deadline) throw new Error(`no frame shows the dashboard's cluster map after ${WAIT_MS} ms`);
    await wb.page.waitForTimeout(200);
  }
}

/** The map's geometry, which the view publishes as data attributes on its surface. */
interface MapGeometry {
  k: number;
  s: number;
  x0: number;
  scrollY: number;
  slots: boolean;
}

async function mapGeometry(surface: Locator): Promise<MapGeometry> {
  const ds = await surface.evaluate((el) => ({ ...(el as HTMLElement).dataset }));
  return {
    k: Number(ds.k),
    s: Number(ds.s),
    x0: Number(ds.x0),
    scrollY: Number(ds.scrollY),
    slots: ds.slots === 'true',
  };
}

/** Where slots sit in a cluster's cell: a near-square grid (slotGrid in media/dashboard/map/layout.ts). */
function slotGridCols(clusterSlots: number): number {
  return 2 ** Math.ceil(Math.log2(clusterSlots) / 2);
}

test('a bad size unit in a scenario is underlined as an error', async () => {
  const wb = await workbench();
  await wb.quickOpen('broken.swapsim', 'swapon /dev/vdx size=12Q');
  assert.equal(await wb.waitForLanguageMode('swapsim'), 'swapsim');
  const squiggle = activeEditor(wb).locator('.squiggly-error').first();
  await squiggle.waitFor({ state: 'attached', timeout: WAIT_MS });
  // Only the bad line is wrong: one error squiggle.
  assert.equal(await activeEditor(wb).locator('.squiggly-error').count(), 1);
  await wb.screenshot('diagnostics');
});

test(
  'the Run and Open dashboard lenses run a scenario and show its slots',
  async () => {
    const wb = await workbench();
    await wb.quickOpen('dash.swapsim', 'swapon /dev/vda2 size=256M -p 5');
    assert.equal(await wb.waitForLanguageMode('swapsim'), 'swapsim');

    try {
      // Run: the status bar goes to the last step.
      const runLens = wb.codeLens('Run');
      await runLens.waitFor({ state: 'visible', timeout: WAIT_MS });
      await runLens.click();
      await statusItem(wb, new RegExp(`step ${DASH_STEPS} / ${DASH_STEPS}$`)).waitFor({
        state: 'visible',
        timeout: WAIT_MS,
      });

      // Open dashboard: a webview beside the editor, with the cluster map drawn.
      const dashboardLens = wb.codeLens('Open dashboard');
      await dashboardLens.waitFor({ state: 'visible', timeout: WAIT_MS });
      await dashboardLens.click();
      const frame = await dashboardFrame(wb);
      const surface = frame.locator('#cluster-map');
      await frame.locator('#cluster-map[data-painted]').waitFor({ state: 'attached', timeout: WAIT_MS });
      assert.match(
        (await surface.getAttribute('aria-label')) ?? '',
        new RegExp(`of /dev/vda2: ${DASH_CLUSTERS} clusters of ${DASH_CLUSTER_SLOTS} slots$`),
      );

      const canvas = await surface.evaluate((el) => {
        const map = el.querySelector('canvas');
        if (map === null) return null;
        const ctx = map.getContext('2d');
        if (ctx === null) return null;
        // The background the map paints under its cells: the editor background, resolved by a scratch canvas.
        const scratch = document.createElement('canvas').getContext('2d');
        if (scratch === null) return null;
        scratch.fillStyle = getComputedStyle(el).getPropertyValue('--vscode-editor-background').trim() || '#1e1e1e';
        scratch.fillRect(0, 0, 1, 1);
        const bg = scratch.getImageData(0, 0, 1, 1).data;
        // Cluster 0 holds every page of the fixture; count its pixels that differ from the background.
        const dpr = map.width / Math.max(1, el.clientWidth);
        const s = Number(el.dataset.s);
        const x0 = Number(el.dataset.x0);
        const y0 = -Number(el.dataset.scrollY);
        const w = Math.max(1, Math.floor(s * dpr));
        const pixels = ctx.getImageData(Math.floor(x0 * dpr), Math.max(0, Math.floor(y0 * dpr)), w, w).data;
        let differing = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (
            Math.abs(pixels[i]! - bg[0]!) + Math.abs(pixels[i + 1]! - bg[1]!) + Math.abs(pixels[i + 2]! - bg[2]!) >
            12
          )
            differing++;
        }
        return {
          width: map.width,
          height: map.height,
          cssWidth: el.clientWidth,
          cssHeight: el.clientHeight,
          differing,
          sampled: pixels.length / 4,
        };
      });
      assert.ok(canvas !== null, 'the map canvas has a 2D context');
      assert.ok(
        canvas.width >= 100 && canvas.height >= 100,
        `the canvas is drawn at a usable size (${canvas.width}×${canvas.height})`,
      );
      assert.ok(
        canvas.differing > canvas.sampled / 2,
        `cluster 0 is painted, not background (${canvas.differing} of ${canvas.sampled} pixels differ)`,
      );

      // Click cluster 0: the inspector summarises it.
      let geometry = await mapGeometry(surface);
      const gridCols = slotGridCols(DASH_CLUSTER_SLOTS);
      const gridRows = DASH_CLUSTER_SLOTS / gridCols;
      assert.ok(
        !(geometry.slots && geometry.s / gridCols >= MIN_SLOT_PICK_PX),
        `the whole device fits with cells too small to pick slots (s=${geometry.s})`,
      );
      await surface.click({ position: { x: geometry.x0 + geometry.s / 2, y: geometry.s / 2 - geometry.scrollY } });
      const inspector = frame.locator('#inspector-body');
      await frame
        .locator('#inspector-title', { hasText: 'Cluster 0 of /dev/vda2' })
        .waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.doesNotMatch(await inspector.locator('dd[data-key="count"]').innerText(), /^0 of/);

      // Zoom in (around the selection) until single slots are wide enough to click.
      for (let i = 0; i < 12 && !(geometry.slots && geometry.s / gridCols >= MIN_SLOT_PICK_PX); i++) {
        await frame.locator('#map-zoom-in').click();
        await frame.waitForFunction(
          (before) => document.getElementById('cluster-map')?.dataset.s !== before,
          String(geometry.s),
          { timeout: WAIT_MS },
        );
        geometry = await mapGeometry(surface);
      }
      assert.ok(
        geometry.slots && geometry.k === 1,
        `the map shows slots after zooming in (k=${geometry.k}, s=${geometry.s})`,
      );

      // Click slot 1 of cluster 0 (slot 0 is the swap header): the first page paged out.
      const slot = 1;
      const slotW = geometry.s / gridCols;
      const slotH = geometry.s / gridRows;
      await surface.click({
        position: {
          x: geometry.x0 + ((slot % gridCols) + 0.5) * slotW,
          y: Math.floor(slot / gridCols) * slotH + slotH / 2 - geometry.scrollY,
        },
      });
      await frame
        .locator('#inspector-title', { hasText: `Slot ${slot} of /dev/vda2` })
        .waitFor({ state: 'visible', timeout: WAIT_MS });
      assert.equal((await inspector.locator('dd[data-key="count"]').innerText()).trim(), '1');
      const text = await inspector.innerText();
      assert.match(text, /swap table entry \(P4\)/);
      assert.match(text, /COUNT/);
      assert.equal((await inspector.locator('tr[data-field="COUNT"] td[data-value]').innerText()).trim(), '1');
      await wb.screenshot('dashboard-webview');
    } finally {
      await wb.closeEditors({ explorer: true });
    }
  },
  { timeoutMs: 120_000 },
);
