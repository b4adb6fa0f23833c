// The dashboard in headless Chromium against a real `swapsim serve`: step,
// click a cluster and a slot, check the inspector against the session's own
// `swapsim/slot` answer, switch themes, drive it by keyboard only, check the
// CSP, reject a malformed message from the page, export, and reload.
// Screenshots land in test-results/dashboard/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { compareReport, formatCell } from '../../shared/compare_report';
import type { DeviceSummary } from '../../shared/protocol';
import {
  cellCentre,
  FIXTURES,
  launchChromium,
  mapGeometry,
  ProtocolClient,
  resultsDir,
  startServe,
  type BrowserSession,
  type ServeProcess,
} from './harness';
import { hangGuard } from '../hang_guard';

const SCENARIO = path.join(FIXTURES, 'dashboard.swapsim');
/** 512 slots per cluster are drawn 32 wide and 16 high. */
const SLOT_GRID = { cols: 32, rows: 16 };

/** VS Code's own variable names, with values from its default Light, Dark and High Contrast themes. */
const THEMES: Record<'light' | 'dark' | 'high-contrast', { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#000000',
      '--vscode-foreground': '#616161',
      '--vscode-sideBar-background': '#f3f3f3',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-focusBorder': '#0090f1',
      '--vscode-widget-border': '#d4d4d4',
      '--vscode-panel-border': '#80808059',
      '--vscode-contrastBorder': '',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-button-background': '#007acc',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#5f6a79',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-textCodeBlock-background': '#dcdcdc66',
      '--vscode-textLink-foreground': '#006ab1',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-editor-background': '#1e1e1e',
      '--vscode-editor-foreground': '#d4d4d4',
      '--vscode-foreground': '#cccccc',
      '--vscode-sideBar-background': '#252526',
      '--vscode-descriptionForeground': '#ccccccb3',
      '--vscode-focusBorder': '#007fd4',
      '--vscode-widget-border': '#303031',
      '--vscode-panel-border': '#80808059',
      '--vscode-contrastBorder': '',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-button-background': '#0e639c',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#3a3d41',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-textCodeBlock-background': '#0a0a0a66',
      '--vscode-textLink-foreground': '#3794ff',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-editor-background': '#000000',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-foreground': '#ffffff',
      '--vscode-sideBar-background': '#000000',
      '--vscode-descriptionForeground': '#ffffffb3',
      '--vscode-focusBorder': '#f38518',
      '--vscode-widget-border': '#6fc3df',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-orange': '#f38518',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#ffd370',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-textCodeBlock-background': '#000000',
      '--vscode-textLink-foreground': '#21a6ff',
    },
  },
};

async function stepText(page: Page): Promise<number> {
  const text = (await page.textContent('#step-text')) ?? '';
  const match = /step ([\d,]+) \//.exec(text);
  assert.ok(match !== null, `step text: ${text}`);
  return Number(match[1]!.replace(/,/g, ''));
}

async function waitStep(page: Page, step: number): Promise<void> {
  await page.waitForFunction(
    (n) =>
      document.querySelector('#step-text')?.textContent?.startsWith(`step ${n.toLocaleString('en-US')} /`) === true,
    step,
    { timeout: hangGuard(20_000) },
  );
}

/** Wait until the map has drawn a complete frame of its current view. */
async function waitPainted(page: Page): Promise<void> {
  await page.waitForSelector('#cluster-map[data-painted][aria-busy="false"]', { timeout: hangGuard(20_000) });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Apply one of the theme variable sets the way VS Code does: body class plus variables, here on body's style. */
async function applyTheme(page: Page, name: keyof typeof THEMES): Promise<void> {
  const theme = THEMES[name];
  await page.evaluate(({ bodyClass, vars }) => {
    const body = document.body;
    body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light');
    for (const [key, value] of Object.entries(vars)) {
      if (value === '') body.style.removeProperty(key);
      else body.style.setProperty(key, value);
    }
    body.classList.add(bodyClass);
  }, theme);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** RGB of a canvas pixel at page coordinates. */
async function canvasPixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  return page.$eval(
    '#cluster-map canvas',
    (canvas, { x, y }) => {
      const c = canvas as HTMLCanvasElement;
      const r = c.getBoundingClientRect();
      const scale = c.width / r.width;
      const d = c
        .getContext('2d')!
        .getImageData(Math.floor((x - r.left) * scale), Math.floor((y - r.top) * scale), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!] as [number, number, number];
    },
    { x, y },
  );
}

const hexRgb = (hex: string): [number, number, number] => [
  parseInt(hex.slice(1, 3), 16),
  parseInt(hex.slice(3, 5), 16),
  parseInt(hex.slice(5, 7), 16),
];

describe('dashboard in a browser', () => {
  let serve: ServeProcess;
  let client: ProtocolClient;
  let browser: BrowserSession;
  let page: Page;
  let vda2: DeviceSummary;
  const shots = resultsDir();

  before(async () => {
    serve = await startServe(SCENARIO);
    client = await ProtocolClient.connect(serve.url);
    await client.init();
    browser = await launchChromium({ colorScheme: 'dark' });
    page = browser.page;
    await page.goto(serve.url);
    await page.waitForSelector('#cluster-map', { timeout: hangGuard(20_000) });
  });

  after(async () => {
    await browser?.close();
    client?.close();
    await serve?.stop();
  });

  test('loads under its CSP with no violation and no console error', async () => {
    const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.ok(meta !== null);
    assert.match(meta, /^default-src 'none'; script-src 'nonce-[^']+'; style-src 'self' 'nonce-[^']+';/);
    assert.doesNotMatch(meta, /unsafe-inline|unsafe-eval/);
    // A script without the nonce and an inline style attribute are both blocked.
    // (eval cannot be probed from here: DevTools evaluation is exempt from the page's CSP; the policy has no 'unsafe-eval'.)
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.head.appendChild(s);
      const p = document.createElement('p');
      p.id = 'styled-probe';
      p.setAttribute('style', 'color: rgb(255, 0, 0)');
      document.body.appendChild(p);
    });
    assert.equal(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected === true), false);
    assert.notEqual(await page.$eval('#styled-probe', (el) => getComputedStyle(el).color), 'rgb(255, 0, 0)');
    await page.$eval('#styled-probe', (el) => el.remove());
    const violations = await browser.violations();
    // Exactly the two probes above were blocked, each by both policies (header and meta); the dashboard itself caused none.
    assert.deepEqual(
      violations.map((v) => v.split(' ')[0]),
      ['script-src-elem', 'script-src-elem', 'style-src-attr', 'style-src-attr'],
      violations.join('\n'),
    );
    assert.deepEqual(
      browser.consoleErrors.filter((e) => !/Content Security Policy|Refused to/.test(e)),
      [],
    );
  });

  test('steps with the toolbar; panels follow the deltas', async () => {
    assert.equal(await stepText(page), 0);
    for (let i = 1; i <= 12; i++) {
      await page.click('#step-forward');
      await waitStep(page, i);
    }
    const snap = await client.request('swapsim/snapshot', {});
    assert.equal(snap.step.index, 12);
    vda2 = snap.devices.find((d) => d.path === '/dev/vda2')!;
    assert.ok(vda2.inuse > 0);
    // /proc/swaps shows the session's Used value; the last step's changes are highlighted.
    const used = await page.textContent(`#file-proc-swaps [data-key="swaps./dev/vda2.Used"]`);
    assert.equal(Number(used), snap.counters.swaps.find((r) => r.Filename === '/dev/vda2')!.Used);
    assert.ok((await page.locator('#counter-files .kval.changed').count()) > 0, 'changed values are highlighted');
    // The memcg tree has the cgroup with its limits.
    const app = page.locator('[data-memcg="/app"]');
    await app.waitFor();
    assert.match(
      (await app.locator('[data-bar="memory"] [role="meter"]').getAttribute('aria-valuetext')) ?? '',
      /of 96 MiB, high 64 MiB/,
    );
    // The timeline shows the current step's events.
    await page.waitForSelector('#timeline-events .step-group.current');
    await waitPainted(page);
    await page.screenshot({ path: path.join(shots, 'overview-dark.png'), fullPage: true });
  });

  test('click a cluster, then a slot: the inspector shows what swapsim/slot answers', async () => {
    const map = await client.request('swapsim/clusterMap', { type: vda2.type, bins: vda2.clusters });
    // A partly used cluster, so the slot we pick has neighbours of another kind.
    const cluster = map.fill.findIndex((f, i) => f > 0 && f < 1 && map.lists[map.list[i]!] !== 'free');
    assert.ok(cluster >= 0, 'some cluster is partly used');
    const detail = await client.request('swapsim/cluster', { type: vda2.type, cluster });

    await page.click('#map-fit');
    await waitPainted(page);
    let g = await mapGeometry(page);
    assert.equal(g.k, 1, 'a 128-cluster device fits with one cluster per cell');
    const centre = cellCentre(g, cluster);
    await page.mouse.move(centre.x, centre.y);
    assert.match(
      (await page.textContent('#map-tooltip')) ?? '',
      new RegExp(`^cluster ${cluster} · ${detail.list} · ${detail.count} of 512 slots used`),
    );
    await page.mouse.click(centre.x, centre.y);
    await page.waitForFunction(
      (c) => document.querySelector('#inspector-title')?.textContent === `Cluster ${c} of /dev/vda2`,
      cluster,
    );
    assert.equal(await page.textContent('#inspector-facts [data-key="list"]'), detail.list);
    assert.equal(await page.textContent('#inspector-facts [data-key="count"]'), `${detail.count} of 512`);
    assert.match(
      (await page.textContent('#map-live')) ?? '',
      new RegExp(`Selected on /dev/vda2: cluster ${cluster} ·`),
    );

    // Zoom in (around the selection) until slots can be picked.
    for (let i = 0; i < 12 && !((await mapGeometry(page)).slots && (await mapGeometry(page)).s >= 192); i++) {
      await page.click('#map-zoom-in');
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    }
    await waitPainted(page);
    g = await mapGeometry(page);
    assert.ok(g.slots && g.s >= 192, `slot zoom reached (s=${g.s})`);
    const slot = detail.backing.findIndex(
      (b, i) => b !== 'free' && b !== 'bad' && b !== 'header' && detail.counts[i]! > 0,
    );
    assert.ok(slot >= 0);
    const offset = cluster * 512 + slot;
    const expected = await client.request('swapsim/slot', { type: vda2.type, offset });
    const at = cellCentre(g, cluster, { index: slot, ...SLOT_GRID });
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(
      (o) =>
        document.querySelector('#inspector-title')?.textContent === `Slot ${o.toLocaleString('en-US')} of /dev/vda2`,
      offset,
    );

    const fact = async (key: string): Promise<string> =>
      (await page.textContent(`#inspector-facts [data-key="${key}"]`)) ?? '';
    assert.equal(await fact('kind'), expected.kind);
    assert.equal(await fact('backing'), expected.backing);
    assert.equal(await fact('count'), String(expected.count));
    assert.equal(await fact('cluster'), String(expected.cluster));
    assert.equal(await fact('entryRaw'), expected.entryRaw);
    assert.equal(
      await fact('memcg'),
      expected.memcg === null
        ? 'none'
        : `${expected.memcg.path} (id ${expected.memcg.id}${expected.memcg.online ? '' : ', offline: zombie'})`,
    );
    // Every encoding of the active design, every labelled bit field.
    const sections = page.locator('section.encoding');
    assert.equal(await sections.count(), expected.encodings.length);
    for (let i = 0; i < expected.encodings.length; i++) {
      const e = expected.encodings[i]!;
      const section = sections.nth(i);
      assert.equal(await section.getAttribute('data-structure'), e.structure);
      assert.equal(await section.locator('code[data-raw]').textContent(), e.raw);
      assert.equal(await section.locator('tbody tr').count(), e.fields.length);
      for (const f of e.fields) {
        const row = section.locator(`tr[data-field="${f.name}"]`);
        assert.equal(await row.locator('td[data-value]').textContent(), f.value, `${e.structure}.${f.name}`);
        assert.equal(
          await row.locator('td.num').textContent(),
          f.bits[0] === f.bits[1] ? `${f.bits[0]}` : `${f.bits[0]}..${f.bits[1]}`,
        );
      }
    }
    // History: one button per event, labelled with its step.
    const history = page.locator('section.history button[data-step]');
    assert.equal(await history.count(), expected.history.length);
    assert.match((await page.textContent('#map-live')) ?? '', new RegExp(`slot ${offset.toLocaleString('en-US')}`));
    await page.screenshot({ path: path.join(shots, 'slot-inspector.png'), fullPage: false });
  });

  test('back before the swapon (a reset, as F5 does): the selection waits without an error, and comes back (issue #22)', async () => {
    const title = (await page.textContent('#inspector-title')) ?? '';
    assert.match(title, /^Slot /);
    await client.request('swapsim/gotoStep', { step: 0 });
    await waitStep(page, 0);
    await page.waitForSelector('#inspector-inactive');
    assert.match(
      (await page.textContent('#inspector-inactive')) ?? '',
      /^No swap device of type 0 is active at step 0\./,
    );
    assert.equal(
      await page.locator('#inspector-body .error, #inspector-body [role="alert"]').count(),
      0,
      'no error for a device that is simply not there yet',
    );
    await client.request('swapsim/gotoStep', { step: 12 });
    await waitStep(page, 12);
    await page.waitForFunction((t) => document.querySelector('#inspector-title')?.textContent === t, title);
    assert.equal(await page.locator('#inspector-inactive').count(), 0);
  });

  test('a history event moves the session to its step', async () => {
    const button = page.locator('section.history button[data-step]').first();
    const step = Number(await button.getAttribute('data-step'));
    assert.ok(step > 0 && step <= 12);
    await button.click();
    await waitStep(page, step);
    assert.equal((await client.request('swapsim/snapshot', {})).step.index, step);
    // Back to where we were, with the timeline's scrubber (keyboard: End moves it to the last step).
    await page.focus('#timeline-slider');
    await page.keyboard.press('End');
    const total = (await client.request('swapsim/snapshot', {})).step.total;
    await waitStep(page, total);
    // The scrubber's own gotoStep must be done before another client moves the session.
    await page.waitForSelector('#timeline-slider[aria-busy="false"]');
    await client.request('swapsim/gotoStep', { step: 12 });
    await waitStep(page, 12);
  });

  test('double-click opens a cluster with slots large enough to click; one click then decodes a slot (issue #22)', async () => {
    const map = await client.request('swapsim/clusterMap', { type: vda2.type, bins: vda2.clusters });
    const cluster = map.fill.findIndex((f, i) => f > 0 && map.lists[map.list[i]!] !== 'free');
    assert.ok(cluster >= 0);
    const detail = await client.request('swapsim/cluster', { type: vda2.type, cluster });
    await page.click('#map-fit');
    await waitPainted(page);
    const whole = await mapGeometry(page);
    const centre = cellCentre(whole, cluster);
    await page.mouse.dblclick(centre.x, centre.y);
    await page.waitForFunction(
      () => (document.querySelector('#cluster-map') as HTMLElement | null)?.dataset.slots === 'true',
    );
    await waitPainted(page);
    const g = await mapGeometry(page);
    assert.ok(g.s / SLOT_GRID.cols >= 12, `slots are ${g.s / SLOT_GRID.cols} px wide`);
    const slot = detail.backing.findIndex((b, i) => b !== 'free' && b !== 'header' && detail.counts[i]! > 0);
    const offset = cluster * 512 + slot;
    const at = cellCentre(g, cluster, { index: slot, ...SLOT_GRID });
    await page.mouse.click(at.x, at.y);
    await page.waitForFunction(
      (o) =>
        document.querySelector('#inspector-title')?.textContent === `Slot ${o.toLocaleString('en-US')} of /dev/vda2`,
      offset,
    );
  });

  test('themes: light, dark and high contrast repaint from the CSS variables', async () => {
    await page.click('#map-fit');
    await waitPainted(page);
    const g = await mapGeometry(page);
    const box = (await page.locator('#cluster-map').boundingBox())!;
    // The strip under the last row of cells is bare background; the last cluster is free.
    const bare = { x: box.x + 20, y: box.y + box.height - 6 };
    const free = cellCentre(g, vda2.clusters - 1);
    const seen = new Map<string, [number, number, number]>();
    for (const name of ['light', 'dark', 'high-contrast'] as const) {
      await applyTheme(page, name);
      await waitPainted(page);
      const bg = THEMES[name].vars['--vscode-editor-background']!;
      assert.deepEqual(
        await canvasPixel(page, bare.x, bare.y),
        hexRgb(bg),
        `${name}: canvas background follows --vscode-editor-background`,
      );
      const freePixel = await canvasPixel(page, free.x, free.y);
      assert.notDeepEqual(freePixel, hexRgb(bg), `${name}: free clusters stand out from the background`);
      seen.set(name, freePixel);
      assert.equal(
        await page.evaluate(() => getComputedStyle(document.body).backgroundColor),
        `rgb(${hexRgb(bg).join(', ')})`,
      );
      await page.screenshot({ path: path.join(shots, `theme-${name}.png`), fullPage: false });
    }
    assert.equal(
      new Set([...seen.values()].map((p) => p.join())).size,
      3,
      'each theme paints free clusters its own colour',
    );
    await page.evaluate(() => document.body.removeAttribute('style'));
  });

  test('a malformed message from the page is rejected and has no effect', async () => {
    const before = await client.request('swapsim/snapshot', {});
    const replies = await page.evaluate(
      (uri) =>
        new Promise<string[]>((resolve) => {
          const socket = new WebSocket(`ws://${location.host}/ws`);
          const got: string[] = [];
          socket.onmessage = (e) => {
            got.push(String(e.data));
            if (got.length === 4) resolve(got);
          };
          socket.onopen = () => {
            socket.send('][');
            socket.send(
              JSON.stringify({
                type: 'request',
                id: 9001,
                method: 'swapsim/step',
                params: { uri, direction: 'forward', count: -5 },
              }),
            );
            socket.send(JSON.stringify({ type: 'request', id: 9002, method: 'swapsim/run', params: { uri } }));
            socket.send(
              JSON.stringify({ type: 'request', id: '9003', method: 'swapsim/gotoStep', params: { uri, step: 0 } }),
            );
          };
          setTimeout(() => resolve(got), 5000);
        }),
      before.uri,
    );
    assert.equal(replies.length, 4);
    for (const text of replies) {
      const reply = JSON.parse(text) as { type: string; error?: { code: number } };
      assert.equal(reply.type, 'response');
      assert.ok(reply.error !== undefined && reply.error.code < 0, text);
    }
    const afterSnap = await client.request('swapsim/snapshot', {});
    assert.equal(afterSnap.seq, before.seq);
    assert.equal(await stepText(page), before.step.index, 'the dashboard did not move');
  });

  test('exports: PNG of the map, CSV of counters over steps, JSON of the state', async () => {
    const download = async (id: string): Promise<{ name: string; data: Buffer }> => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
      const where = await file.path();
      return { name: file.suggestedFilename(), data: readFileSync(where) };
    };
    const png = await download('#export-png');
    assert.match(png.name, /^dashboard-dev_vda2-step12\.png$|^dashboard-vda2-step12\.png$/);
    assert.deepEqual([...png.data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const csv = await download('#export-csv');
    const lines = csv.data.toString('utf8').trim().split('\n');
    assert.match(lines[0]!, /^step,.*vmstat\.pswpout/);
    const stepsInCsv = lines.slice(1).map((l) => Number(l.split(',')[0]));
    assert.ok(stepsInCsv.includes(0) && stepsInCsv.includes(12), `visited steps: ${stepsInCsv.join(' ')}`);
    const json = await download('#export-json');
    const state = JSON.parse(json.data.toString('utf8')) as { uri: string; step: { index: number } };
    assert.equal(state.uri, client.uri);
    assert.equal(state.step.index, 12);
  });

  test('design comparison: behaviour and the first divergence, then bytes per structure with their formulas, as swapsim/compare says', async () => {
    await page.click('#panel-compare > summary');
    await page.waitForSelector('#compare-table', { timeout: hangGuard(60_000) });
    const designs = await page.$$eval('#compare-table thead th', (ths) =>
      ths.slice(2).map((th) => th.textContent ?? ''),
    );
    assert.deepEqual(designs, ['legacy', 'p3', 'p4'], 'the default pick for a p4 scenario');
    const truth = await client.request('swapsim/compare', { designs: ['legacy', 'p3', 'p4'] }, 60_000);
    assert.equal(truth.step, 12);
    for (const table of truth.tables) {
      for (const line of table.lines) {
        const row = line.device === null ? line.structure : `${line.structure} (${line.device})`;
        const cell = page
          .locator(`#compare-table tbody tr[data-structure="${line.structure}"]`)
          .filter({ has: page.locator(`th:text-is("${row}")`) })
          .locator(`td[data-design="${table.design}"]`);
        const rowKinds = await page
          .locator(`#compare-table tbody tr[data-structure="${line.structure}"]`)
          .filter({ has: page.locator(`th:text-is("${row}")`) })
          .locator('td:nth-child(2)')
          .allTextContents();
        const index = rowKinds.indexOf(line.kind);
        assert.ok(index >= 0, `${table.design}: a ${line.kind} row for ${row}`);
        assert.equal(Number(await cell.nth(index).getAttribute('data-bytes')), line.bytes, `${table.design} ${row}`);
        assert.equal(await cell.nth(index).getAttribute('title'), `${line.formula}\n${line.source}`);
      }
    }
    // Behaviour first, as the Compare Designs view and `swapsim compare --step 12` show it (issue #22).
    const report = compareReport(truth);
    assert.equal(
      await page.textContent('#compare-cli'),
      'swapsim compare dashboard.swapsim --designs legacy,p3,p4 --step 12',
    );
    const divergence =
      report.divergence === null
        ? 'Every design behaved alike.'
        : report.divergence.charAt(0).toUpperCase() + report.divergence.slice(1);
    assert.equal(await page.textContent('#compare-divergence'), divergence);
    const behaviour = await page.$$eval('#compare-behaviour tbody tr', (trs) =>
      trs.map((tr) => [
        tr.querySelector('th')?.textContent ?? '',
        ...[...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
        tr.classList.contains('differs'),
      ]),
    );
    assert.deepEqual(
      behaviour,
      report.behaviour.map((r) => [
        r.label,
        ...r.values.map((v) => formatCell(r.unit, v)),
        new Set(r.values.map(String)).size > 1,
      ]),
    );
    const order = await page.evaluate(() =>
      [...document.querySelectorAll('#compare-divergence, #compare-behaviour, #compare-table')].map((e) => e.id),
    );
    assert.deepEqual(order, ['compare-divergence', 'compare-behaviour', 'compare-table']);
    await page.locator('#panel-compare').screenshot({ path: path.join(shots, 'compare-dark.png') });
    await page.click('#panel-compare > summary');
  });

  test('zoom, selection and open panels survive a reload', async () => {
    await page.click('#panel-memcg > summary');
    const selected = (await page.textContent('#inspector-title')) ?? '';
    // The zoom level of the saved UI state (persist.ts UiState: the entry with an `open` list).
    const savedLevel = (): string => {
      const states = Object.values({ ...localStorage }).map(
        (text) => JSON.parse(text) as { level?: unknown; open?: unknown },
      );
      return JSON.stringify(states.find((s) => Array.isArray(s.open))?.level);
    };
    const levelBefore = await page.evaluate(savedLevel);
    const zoomBefore = await page.textContent('#map-zoom-label');
    await page.click('#map-zoom-in');
    // The zoom is saved with the rest of the UI state: wait for the write that holds the new level
    // (an earlier write, of the closed panel alone, may be the first change seen).
    await page.waitForFunction((before) => {
      const states = Object.values({ ...localStorage }).map(
        (text) => JSON.parse(text) as { level?: unknown; open?: unknown },
      );
      return JSON.stringify(states.find((s) => Array.isArray(s.open))?.level) !== before;
    }, levelBefore);
    const zoom = await page.textContent('#map-zoom-label');
    assert.notEqual(zoom, zoomBefore, 'the zoom button zooms');
    await page.reload();
    await page.waitForSelector('#inspector-title');
    await page.waitForFunction((t) => document.querySelector('#inspector-title')?.textContent === t, selected);
    assert.equal(await page.textContent('#map-zoom-label'), zoom);
    assert.equal(await page.locator('#panel-memcg').getAttribute('open'), null, 'the closed panel stays closed');
    assert.notEqual(await page.locator('#panel-counters').getAttribute('open'), null);
    await page.click('#panel-memcg > summary');
  });
});

describe('dashboard by keyboard only', () => {
  let serve: ServeProcess;
  let browser: BrowserSession;

  before(async () => {
    serve = await startServe(SCENARIO);
    browser = await launchChromium({ colorScheme: 'light' });
    await browser.page.goto(serve.url);
    await browser.page.waitForSelector('#cluster-map');
  });

  after(async () => {
    await browser?.close();
    await serve?.stop();
  });

  test('tab to the controls, step, select a cluster and a slot, scrub the timeline', async () => {
    const page = browser.page;
    const focused = (): Promise<string> => page.evaluate(() => document.activeElement?.id ?? '');
    const tabTo = async (id: string): Promise<void> => {
      for (let i = 0; i < 40 && (await focused()) !== id; i++) await page.keyboard.press('Tab');
      assert.equal(await focused(), id, `Tab reaches #${id}`);
    };
    // the first snapshot must have arrived: until then the buttons have no session to step
    await waitStep(page, 0);
    await tabTo('step-forward');
    for (let i = 1; i <= 4; i++) {
      await page.keyboard.press('Enter');
      await waitStep(page, i);
    }
    await tabTo('cluster-map');
    // Focus is visible on the map.
    assert.notEqual(await page.$eval('#cluster-map', (el) => getComputedStyle(el).outlineStyle), 'none');
    await page.keyboard.press('Home');
    await page.waitForFunction(
      () => document.querySelector('#inspector-title')?.textContent === 'Cluster 0 of /dev/vda2',
    );
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#inspector-title')?.textContent === 'Slot 0 of /dev/vda2');
    assert.equal(
      await page.textContent('#inspector-facts [data-key="backing"]'),
      'header',
      'slot 0 holds the swap header',
    );
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(
      () => document.querySelector('#inspector-title')?.textContent === 'Slot 35 of /dev/vda2',
    );
    assert.match((await page.textContent('#map-live')) ?? '', /slot 35 \(0x23\)/);
    // ] steps from anywhere outside text fields; t jumps to the timeline.
    await page.keyboard.press(']');
    await waitStep(page, 5);
    await page.keyboard.press('t');
    assert.equal(await focused(), 'timeline-slider');
    await page.keyboard.press('ArrowLeft');
    await waitStep(page, 4);
    await page.keyboard.press('m');
    assert.equal(await focused(), 'cluster-map');
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      () => document.querySelector('#inspector-title')?.textContent === 'Cluster 0 of /dev/vda2',
    );
    await waitPainted(page);
    await page.screenshot({ path: path.join(resultsDir(), 'keyboard-light.png'), fullPage: false });
    assert.deepEqual(await browser.violations(), []);
  });
});

describe('dashboard on a 1 TiB device', () => {
  let serve: ServeProcess;
  let browser: BrowserSession;
  let client: ProtocolClient;

  before(async () => {
    serve = await startServe(path.join(FIXTURES, 'big.swapsim'));
    client = await ProtocolClient.connect(serve.url);
    const init = await client.init();
    await client.request('swapsim/gotoStep', { step: init.snapshot.step.total }, 60_000);
    browser = await launchChromium({ colorScheme: 'dark' });
    await browser.page.goto(serve.url);
  });

  after(async () => {
    client?.close();
    await browser?.close();
    await serve?.stop();
  });

  test('shows all 524,288 clusters at once, then zooms down to one slot', async () => {
    const page = browser.page;
    await waitPainted(page);
    const g = await mapGeometry(page);
    assert.ok(g.k > 1 && g.s === 2, `binned cells at the whole-device view (k=${g.k}, s=${g.s})`);
    assert.match((await page.textContent('#map-status')) ?? '', /clusters 0–524,287 of 524,288 shown/);
    await page.screenshot({ path: path.join(resultsDir(), 'tib-device-whole.png') });
    // Cluster 0 holds the header and the first pages swapped out: full.
    const origin = cellCentre(g, 0);
    await page.mouse.move(origin.x, origin.y);
    assert.match((await page.textContent('#map-tooltip')) ?? '', new RegExp(`^clusters 0–${g.k - 1} · mostly full`));
    await page.keyboard.press('m');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#inspector-title')?.textContent === 'Slot 0 of /dev/vda2');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('#inspector-title')?.textContent === 'Slot 1 of /dev/vda2');
    await waitPainted(page);
    const zoomed = await mapGeometry(page);
    assert.ok(zoomed.slots && zoomed.k === 1, 'slots are drawn at this zoom');
    const truth = await client.request('swapsim/slot', { type: 0, offset: 1 });
    assert.equal(await page.textContent('#inspector-facts [data-key="backing"]'), truth.backing);
    assert.equal(await page.textContent('#inspector-facts [data-key="kind"]'), truth.kind);
    await page.screenshot({ path: path.join(resultsDir(), 'tib-device-slots.png') });
    assert.deepEqual(await browser.violations(), []);
  });
});

describe('dashboard marks the slots that belong to shmem', () => {
  let serve: ServeProcess;
  let browser: BrowserSession;
  let client: ProtocolClient;

  before(async () => {
    serve = await startServe(path.join(FIXTURES, 'shmem.swapsim'));
    client = await ProtocolClient.connect(serve.url);
    const init = await client.init();
    await client.request('swapsim/gotoStep', { step: init.snapshot.step.total });
    browser = await launchChromium({ colorScheme: 'light' });
    await browser.page.goto(serve.url);
  });

  after(async () => {
    client?.close();
    await browser?.close();
    await serve?.stop();
  });

  test('the legend names the shmem mark; a shmem slot says so in the tooltip, and which file page holds it in the inspector', async () => {
    const page = browser.page;
    await waitPainted(page);
    assert.equal((await page.textContent('#legend-shmem'))?.trim(), 'shmem');
    const detail = await client.request('swapsim/cluster', { type: 0, cluster: 0 });
    assert.equal(detail.shmem.length, 16, 'the 16 pages of the tmpfs file are in cluster 0');
    // the binned map carries each bin's shmem share (the dot); at this zoom the map draws slots
    const map = await client.request('swapsim/clusterMap', { type: 0, bins: 1 });
    assert.equal(map.shmem[0], 16 / (map.to * 512));
    const g = await mapGeometry(page);
    assert.ok(g.slots, 'a 64 MiB device is drawn slot by slot');
    const at = cellCentre(g, 0, { index: detail.shmem[0]!, ...SLOT_GRID });
    await page.mouse.move(at.x, at.y);
    assert.match((await page.textContent('#map-tooltip')) ?? '', / · shmem$/);
    await page.mouse.move(0, 0);
    // select cluster 0, then slot 0, then walk to the first shmem slot
    await page.keyboard.press('m');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#inspector-title')?.textContent === 'Slot 0 of /dev/vda2');
    const target = detail.shmem[0]!;
    for (let i = 0; i < Math.floor(target / SLOT_GRID.cols); i++) await page.keyboard.press('ArrowDown');
    for (let i = 0; i < target % SLOT_GRID.cols; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (t) => document.querySelector('#inspector-title')?.textContent === `Slot ${t} of /dev/vda2`,
      target,
    );
    const truth = await client.request('swapsim/slot', { type: 0, offset: target });
    assert.ok(truth.shmem !== null);
    assert.equal(
      await page.textContent('#inspector-facts [data-key="shmem"]'),
      `/dev/shm/buf page ${truth.shmem.index}`,
    );
    assert.match((await page.textContent('#map-live')) ?? '', / · shmem\.$/);
    await waitPainted(page);
    await page.screenshot({ path: path.join(resultsDir(), 'shmem-slots.png') });
    assert.deepEqual(await browser.violations(), []);
  });
});
