/**
 * Test helpers for the dashboard: a real `swapsim serve` process (dist/cli.js)
 * on a fixture scenario, a WebSocket client speaking the page's protocol to
 * it, and Debian's Chromium driven by playwright-core (never `playwright
 * install`: only the npm registry and Debian packages are reachable).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import WebSocket from 'ws';
import type { HostToWebview, RequestTypes, WebviewRequestMethod, WebviewToHost } from '../../shared/protocol';
import { REPO_ROOT as ROOT } from '../foundation/repo';
import { hangGuard } from '../hang_guard';

export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const FIXTURES = path.join(ROOT, 'test', 'dashboard', 'fixtures');
export const RESULTS = path.join(ROOT, 'test-results', 'dashboard');

export interface ServeProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** SIGINT, then wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start `swapsim serve FILE` and wait for the address it prints. */
export async function startServe(file: string, extraArgs: readonly string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', file, '--port', '0', ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`swapsim serve did not start in ${hangGuard(20_000)} ms:\n${out}`)),
      hangGuard(20_000),
    );
    const check = (): void => {
      const match = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`swapsim serve exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), hangGuard(10_000));
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** A protocol client on the server's WebSocket, as the page would be. */
export class ProtocolClient {
  private readonly received: HostToWebview[] = [];
  private waiters: { test: (m: HostToWebview) => boolean; resolve: (m: HostToWebview) => void }[] = [];
  private nextId = 1_000_000;
  uri = '';

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as HostToWebview;
      this.received.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(message)) return true;
        w.resolve(message);
        return false;
      });
    });
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<ProtocolClient> {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}ws`, { headers });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return new ProtocolClient(socket);
  }

  get messages(): readonly HostToWebview[] {
    return this.received;
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  send(message: WebviewToHost | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first message (already received or coming) that passes `test`. */
  next(test: (m: HostToWebview) => boolean, timeoutMs = 20_000): Promise<HostToWebview> {
    const seen = this.received.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return this.waitNew(test, timeoutMs);
  }

  /** The first message from now on that passes `test`. */
  waitNew(test: (m: HostToWebview) => boolean, timeoutMs = 20_000): Promise<HostToWebview> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), hangGuard(timeoutMs));
      this.waiters.push({
        test,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  async init(): Promise<Extract<HostToWebview, { type: 'init' }>> {
    this.send({ type: 'ready' });
    const init = (await this.next((m) => m.type === 'init')) as Extract<HostToWebview, { type: 'init' }>;
    this.uri = init.uri;
    return init;
  }

  /** A request; resolves with the result, rejects with the error message. */
  async request<M extends WebviewRequestMethod>(
    method: M,
    params: Omit<RequestTypes[M]['params'], 'uri'>,
    timeoutMs = 20_000,
  ): Promise<RequestTypes[M]['result']> {
    const id = this.nextId++;
    const answer = this.waitNew((m) => m.type === 'response' && m.id === id, timeoutMs);
    this.send({ type: 'request', id, method, params: { ...params, uri: this.uri } });
    const response = (await answer) as Extract<HostToWebview, { type: 'response' }>;
    if (response.error !== undefined) throw new Error(`${response.error.code}: ${response.error.message}`);
    return response.result as RequestTypes[M]['result'];
  }

  close(): void {
    this.socket.close();
  }
}

/** The Chromium flags of the project's headless runs. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** CSP violations the page reported (a listener installed before any script runs). */
  violations(): Promise<string[]>;
  consoleErrors: string[];
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile; `colorScheme` fixes the standalone page's initial theme. */
export async function launchChromium(
  options: { width?: number; height?: number; colorScheme?: 'dark' | 'light' } = {},
): Promise<BrowserSession> {
  const profile = mkdtempSync(path.join(tmpdir(), 'swapsim-dashboard-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: options.width ?? 1400, height: options.height ?? 1000 },
    colorScheme: options.colorScheme ?? 'dark',
    acceptDownloads: true,
  });
  await context.addInitScript(() => {
    const w = window as unknown as { __cspViolations?: string[] };
    // The first page of a persistent context can run init scripts twice; listen once.
    if (w.__cspViolations !== undefined) return;
    const list: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = list;
    document.addEventListener('securitypolicyviolation', (e) =>
      list.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Playwright's waits are hang guards too (30 s on a quiet machine by default).
  page.setDefaultTimeout(hangGuard(30_000));
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    consoleErrors,
    violations: () => page.evaluate(() => [...(window as unknown as { __cspViolations: string[] }).__cspViolations]),
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function resultsDir(): string {
  mkdirSync(RESULTS, { recursive: true });
  return RESULTS;
}

/** Geometry the map publishes on its surface element. */
export interface MapGeometry {
  k: number;
  s: number;
  cols: number;
  x0: number;
  scrollY: number;
  slots: boolean;
  left: number;
  top: number;
}

export async function mapGeometry(page: Page): Promise<MapGeometry> {
  return page.$eval('#cluster-map', (el) => {
    const r = el.getBoundingClientRect();
    const d = (el as HTMLElement).dataset;
    return {
      k: Number(d.k),
      s: Number(d.s),
      cols: Number(d.cols),
      x0: Number(d.x0),
      scrollY: Number(d.scrollY),
      slots: d.slots === 'true',
      left: r.left + el.clientLeft,
      top: r.top + el.clientTop,
    };
  });
}

/** Page coordinates of the centre of `cluster`'s cell (or of slot `slot` inside it). */
export function cellCentre(
  g: MapGeometry,
  cluster: number,
  slot?: { index: number; cols: number; rows: number },
): { x: number; y: number } {
  const cell = Math.floor(cluster / g.k);
  const x = g.left + g.x0 + (cell % g.cols) * g.s;
  const y = g.top + Math.floor(cell / g.cols) * g.s - g.scrollY;
  if (slot === undefined) return { x: x + g.s / 2, y: y + g.s / 2 };
  const w = g.s / slot.cols;
  const h = g.s / slot.rows;
  return { x: x + (slot.index % slot.cols) * w + w / 2, y: y + Math.floor(slot.index / slot.cols) * h + h / 2 };
}
