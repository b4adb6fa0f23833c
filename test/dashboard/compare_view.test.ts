// The Compare Designs view (dist/media/compare.js) in headless Chromium,
// fed the comparison `swapsim compare --format json` prints for an example:
// behaviour and the first divergence come before the metadata, every row
// and cell is the shared report's, rows where designs differ are marked,
// and the page's controls post what the extension host acts on (issue #22).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { dashboardHtml } from '../../shared/dashboard/page';
import { compareReport, formatCell } from '../../shared/compare_report';
import type { CompareResult, CompareViewToHost, HostToCompareView } from '../../shared/protocol';
import { REPO_ROOT } from '../foundation/repo';
import { CLI, launchChromium, resultsDir, type BrowserSession } from './harness';

const ORIGIN = 'http://compare.test';
const SCENARIO = path.join(REPO_ROOT, 'examples', 'design-compare.swapsim');
const DESIGNS = 'legacy,p4,vswap';

let browser: BrowserSession;
let page: Page;
let result: CompareResult;

/** What the page posted to the host so far. */
function sent(): Promise<CompareViewToHost[]> {
  return page.evaluate(() => [...(window as unknown as { __sent: CompareViewToHost[] }).__sent]);
}

async function waitSent(what: (m: CompareViewToHost) => boolean): Promise<void> {
  await page.waitForFunction(
    (json) => (window as unknown as { __sent: unknown[] }).__sent.some((m) => JSON.stringify(m) === json),
    JSON.stringify(expectedMessage(what)),
  );
}

/** The one message of `KNOWN` that `what` accepts (so the wait compares exact JSON in the page). */
function expectedMessage(what: (m: CompareViewToHost) => boolean): CompareViewToHost {
  const known: CompareViewToHost[] = [
    { type: 'ready' },
    { type: 'compareAt', at: 'current' },
    { type: 'compareAt', at: 'end' },
    { type: 'export', format: 'markdown' },
    { type: 'export', format: 'csv' },
  ];
  const found = known.filter(what);
  assert.equal(found.length, 1);
  return found[0]!;
}

function post(message: HostToCompareView | Record<string, unknown>): Promise<void> {
  return page.evaluate((m) => window.postMessage(m, '*'), message);
}

before(async () => {
  result = JSON.parse(
    execFileSync(process.execPath, [CLI, 'compare', SCENARIO, '--designs', DESIGNS, '--format', 'json'], {
      encoding: 'utf8',
    }),
  ) as CompareResult;
  browser = await launchChromium({ width: 1000, height: 1200 });
  page = browser.page;
  const media = path.join(REPO_ROOT, 'dist', 'media');
  const html = dashboardHtml({
    nonce: 'dGVzdG5vbmNl',
    cspSource: ORIGIN,
    scriptUri: `${ORIGIN}/compare.js`,
    styleUris: [`${ORIGIN}/compare.css`],
    title: 'swapsim: compare designs',
    loadingText: 'Comparing designs…',
  });
  await page.route(`${ORIGIN}/**`, (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    if (name === '') return route.fulfill({ contentType: 'text/html', body: html });
    const type = name.endsWith('.js') ? 'text/javascript' : 'text/css';
    return route.fulfill({ contentType: type, body: readFileSync(path.join(media, name)) });
  });
  // VS Code's webview API, as the page sees it: every message it posts is kept.
  await page.addInitScript(() => {
    const w = window as unknown as { __sent: unknown[]; acquireVsCodeApi: () => { postMessage(m: unknown): void } };
    w.__sent = [];
    w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => w.__sent.push(m) });
  });
  await page.goto(`${ORIGIN}/`);
  await waitSent((m) => m.type === 'ready');
});

after(async () => {
  await browser.close();
});

test('the report: behaviour and the first divergence first, then the metadata, each cell as the shared report writes it', async () => {
  const report = compareReport(result);
  assert.notEqual(report.divergence, null, 'the example makes the designs diverge');
  await post({
    type: 'report',
    scenario: 'design-compare.swapsim',
    at: 'end',
    result,
    command: `swapsim compare design-compare.swapsim --designs ${DESIGNS}`,
  });
  await page.waitForSelector('#behaviour');
  const order = await page.evaluate(() =>
    [...document.querySelectorAll('#divergence, #behaviour, #metadata')].map((e) => e.id),
  );
  assert.deepEqual(order, ['divergence', 'behaviour', 'metadata']);
  assert.equal(
    await page.textContent('#divergence'),
    report.divergence!.charAt(0).toUpperCase() + report.divergence!.slice(1),
  );
  assert.equal(await page.textContent('#cli-command'), `swapsim compare design-compare.swapsim --designs ${DESIGNS}`);
  assert.match((await page.textContent('.where')) ?? '', new RegExp(`at the end of the run \\(step ${result.step}\\)`));

  const rows = (id: string) =>
    page.$$eval(`#${id} tbody tr`, (trs) =>
      trs.map((tr) => ({
        label: tr.querySelector('th')?.textContent ?? '',
        cells: [...tr.querySelectorAll('td.num')].map((td) => td.textContent ?? ''),
        differs: tr.classList.contains('differs'),
      })),
    );
  const behaviour = await rows('behaviour');
  assert.deepEqual(
    behaviour,
    report.behaviour.map((r) => ({
      label: r.label,
      cells: r.values.map((v) => formatCell(r.unit, v)),
      differs: new Set(r.values.map(String)).size > 1,
    })),
  );
  assert.ok(
    behaviour.some((r) => r.differs),
    'a behaviour row is marked as differing',
  );
  const metadata = await rows('metadata');
  assert.deepEqual(
    metadata.map((r) => [r.label, r.cells, r.differs]),
    [...report.structures, ...report.totals].map((r) => [r.label, r.values.map((v) => formatCell(r.unit, v)), false]),
  );
  await page.screenshot({ path: path.join(resultsDir(), 'compare-view.png'), fullPage: true });
});

test('the controls post what the host acts on: the choice of step and the two exports', async () => {
  await page.click('#at-current');
  await waitSent((m) => m.type === 'compareAt' && m.at === 'current');
  await page.click('#export-markdown');
  await waitSent((m) => m.type === 'export' && m.format === 'markdown');
  await page.click('#export-csv');
  await waitSent((m) => m.type === 'export' && m.format === 'csv');
  await page.click('#at-end');
  await waitSent((m) => m.type === 'compareAt' && m.at === 'end');
});

test('a comparison gone stale offers to compare at the new step; a malformed message is ignored', async () => {
  await post({
    type: 'report',
    scenario: 'design-compare.swapsim',
    at: 'current',
    result,
    command: 'swapsim compare design-compare.swapsim --step 3',
  });
  await page.waitForFunction(
    () => (document.getElementById('at-current') as HTMLInputElement | null)?.checked === true,
  );
  await post({ type: 'stale', step: 5 });
  await page.waitForSelector('#banner:not([hidden]) #banner-action');
  assert.match((await page.textContent('#banner')) ?? '', /^The session moved to step 5/);
  const before = (await sent()).length;
  await page.click('#banner-action');
  await page.waitForFunction((n) => (window as unknown as { __sent: unknown[] }).__sent.length > n, before);
  assert.deepEqual((await sent()).at(-1), { type: 'compareAt', at: 'current' });

  await post({ type: 'report', scenario: 'x', at: 'end', result: { step: 'nine' }, command: 1 });
  await post({ type: 'failed', message: 'swapsim/compare: cancelled' });
  await page.waitForFunction(
    () => document.getElementById('banner')?.textContent === 'Could not compare: swapsim/compare: cancelled',
  );
  assert.equal(await page.locator('#behaviour').count(), 1, 'the malformed report did not replace the shown one');
  assert.deepEqual(await browser.violations(), []);
  assert.deepEqual(browser.consoleErrors, []);
});
