// Dashboard figures in headless Chromium against a real `swapsim serve`:
//   - first paint of a 1 TiB device (524,288 clusters) after its map data arrived (budget 100 ms),
//   - frames drawn per second while panning and zooming (budget 30 fps),
//   - time to apply one step's delta with 1,048,576 slots in use (budget 16 ms at p95).
// The page records each of these with performance.measure (swapsim:map-first-paint,
// swapsim:map-draw, swapsim:apply-delta); this bench reads them back.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { FIXTURES, launchChromium, ProtocolClient, startServe } from '../test/dashboard/harness';
import { report } from './harness';

const BUDGET = { firstPaintMs: 100, fps: 30, deltaP95Ms: 16 };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function measures(page: Page, name: string): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(
    (n) => performance.getEntriesByName(n, 'measure').map((e) => ({ start: e.startTime, duration: e.duration })),
    name,
  );
}

const missed: string[] = [];
function check(what: string, ok: boolean): void {
  if (!ok) missed.push(what);
}

async function firstPaintAndFrames(): Promise<void> {
  const serve = await startServe(path.join(FIXTURES, 'big.swapsim'));
  const browser = await launchChromium({ width: 1400, height: 1000 });
  const client = await ProtocolClient.connect(serve.url);
  try {
    // Run the scenario to its end first: the device exists and has pages out.
    const init = await client.init();
    await client.request('swapsim/gotoStep', { step: init.snapshot.step.total });
    client.close();
    const page = browser.page;
    const paints: number[] = [];
    let cells = 0;
    for (let run = 0; run < 5; run++) {
      await page.goto(serve.url);
      await page.waitForSelector('#cluster-map[data-painted][aria-busy="false"]', { timeout: 60_000 });
      const [entry] = await page.evaluate(() =>
        performance.getEntriesByName('swapsim:map-first-paint', 'measure').map((e) => ({
          duration: e.duration,
          detail: (e as PerformanceMeasure).detail as { clusters: number; cells: number },
        })),
      );
      if (entry === undefined) throw new Error('no swapsim:map-first-paint measure');
      if (entry.detail.clusters !== 524_288)
        throw new Error(`expected a 524,288-cluster device, got ${entry.detail.clusters}`);
      paints.push(entry.duration);
      cells = entry.detail.cells;
    }
    const status = (await page.textContent('#map-status')) ?? '';
    if (!status.includes('clusters 0–524,287 of 524,288 shown'))
      throw new Error(`the whole device is not on screen: ${status}`);
    const firstPaint = percentile(paints, 50);
    report('dashboard.first_paint_1tib_median', firstPaint, 'ms');
    report('dashboard.first_paint_1tib_max', Math.max(...paints), 'ms');
    report('dashboard.first_paint_cells', cells, 'cells');
    check(`first paint ${firstPaint.toFixed(1)} ms > ${BUDGET.firstPaintMs} ms`, firstPaint <= BUDGET.firstPaintMs);

    // Pan and zoom for three seconds: a wheel event every frame, a zoom step every tenth.
    const seconds = 3;
    const window = await page.evaluate(async (ms) => {
      const surface = document.getElementById('cluster-map')!;
      const rect = surface.getBoundingClientRect();
      const started = performance.now();
      let frame = 0;
      await new Promise<void>((resolve) => {
        const tick = (): void => {
          const now = performance.now();
          if (now - started >= ms) return resolve();
          frame++;
          const zoom = frame % 10 === 0;
          // Zoom in for a while, then back out; pan down and up between.
          const inward = Math.floor(frame / 40) % 2 === 0;
          surface.dispatchEvent(
            new WheelEvent('wheel', {
              bubbles: true,
              cancelable: true,
              clientX: rect.left + rect.width / 2,
              clientY: rect.top + rect.height / 3,
              deltaY: zoom ? (inward ? -60 : 60) : Math.floor(frame / 20) % 2 === 0 ? 90 : -90,
              ctrlKey: zoom,
            }),
          );
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      return { start: started, end: performance.now(), frames: frame };
    }, seconds * 1000);
    const draws = (await measures(page, 'swapsim:map-draw')).filter(
      (m) => m.start >= window.start && m.start <= window.end,
    );
    const fps = draws.length / ((window.end - window.start) / 1000);
    report('dashboard.pan_zoom_fps', fps, 'fps');
    report('dashboard.pan_zoom_input_events', window.frames, 'events');
    report(
      'dashboard.draw_p95',
      percentile(
        draws.map((d) => d.duration),
        95,
      ),
      'ms',
    );
    check(`pan/zoom ${fps.toFixed(1)} fps < ${BUDGET.fps} fps`, fps >= BUDGET.fps);
  } finally {
    await browser.close();
    await serve.stop();
  }
}

async function deltaAtOneMillionSlots(): Promise<void> {
  const serve = await startServe(path.join(FIXTURES, 'million.swapsim'));
  const client = await ProtocolClient.connect(serve.url);
  const browser = await launchChromium({ width: 1400, height: 1000 });
  try {
    await client.init();
    const page = browser.page;
    await page.goto(serve.url);
    await page.waitForSelector('#cluster-map', { timeout: 60_000 });
    // Swap 4 GiB out (the simulator's work, not the page's; it takes a while).
    await client.request('swapsim/gotoStep', { step: 4 }, 180_000);
    await page.waitForFunction(
      () => document.querySelector('#step-text')?.textContent?.startsWith('step 4 /') === true,
      undefined,
      { timeout: 120_000 },
    );
    const snap = await client.request('swapsim/snapshot', {});
    const used = snap.devices[0]?.inuse ?? 0;
    if (used !== 1_048_576) throw new Error(`expected 1,048,576 used slots, got ${used}`);
    report('dashboard.delta_used_slots', used, 'slots');
    const before = (await measures(page, 'swapsim:apply-delta')).length;
    const roundTrips: number[] = [];
    for (let step = 5; step <= 64; step++) {
      const started = process.hrtime.bigint();
      await client.request('swapsim/step', { direction: 'forward', count: 1 });
      await page.waitForFunction(
        (n) => document.querySelector('#step-text')?.textContent?.startsWith(`step ${n} /`) === true,
        step,
        { timeout: 30_000 },
      );
      roundTrips.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const applies = (await measures(page, 'swapsim:apply-delta')).slice(before).map((m) => m.duration);
    if (applies.length < 60) throw new Error(`expected 60 applied deltas, saw ${applies.length}`);
    const p95 = percentile(applies, 95);
    report('dashboard.delta_apply_p95_1m_slots', p95, 'ms');
    report('dashboard.delta_apply_max_1m_slots', Math.max(...applies), 'ms');
    report('dashboard.step_roundtrip_p50_1m_slots', percentile(roundTrips, 50), 'ms');
    check(`delta apply p95 ${p95.toFixed(1)} ms > ${BUDGET.deltaP95Ms} ms`, p95 <= BUDGET.deltaP95Ms);
  } finally {
    client.close();
    await browser.close();
    await serve.stop();
  }
}

async function main(): Promise<void> {
  await firstPaintAndFrames();
  await deltaAtOneMillionSlots();
  if (missed.length > 0) {
    process.stderr.write(`dashboard bench: over budget: ${missed.join('; ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`dashboard bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
