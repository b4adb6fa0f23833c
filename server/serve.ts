/**
 * `swapsim serve FILE [--port N]`: the dashboard in a plain browser.
 *
 * An HTTP server on 127.0.0.1 only hands out the same page and bundle the
 * VS Code webview uses, and a WebSocket on /ws carries the same messages the
 * webview exchanges with the extension (shared/protocol.ts), answered by a
 * real Session for FILE. Every inbound message is checked with
 * shared/validate.ts; a bad one gets an error response and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { dashboardCsp, dashboardHtml } from '../shared/dashboard/page';
import { relayWebviewMessage, type DashboardHost } from '../shared/dashboard/relay';
import {
  DESIGN_NAMES,
  ErrorCodes,
  type DesignName,
  type HostToWebview,
  type RequestTypes,
  type SessionDelta,
  type WebviewRequestMethod,
} from '../shared/protocol';
import { compareDesigns } from './session/compare';
import { errorCodeOf } from './session/errors';
import { Session } from './session/session';

/** The only interface the server listens on: a shared run stays on this machine. */
export const LOOPBACK = '127.0.0.1';

/** JSON-RPC codes for messages that never reach the session. */

/** Largest WebSocket message accepted (state and requests are small; the browser page saves files itself). */
const MAX_MESSAGE_BYTES = 2 << 20;

export interface DashboardServerOptions {
  session: Session;
  /** 0 picks a free port. */
  port: number;
  /** Folder with dashboard.js and its stylesheets (dist/media). */
  mediaDir: string;
  title: string;
  /** Where log lines go (stderr by default). */
  log?: (line: string) => void;
}

export interface DashboardServer {
  readonly url: string;
  readonly port: number;
  /** Browsers connected right now. */
  readonly clients: number;
  close(): Promise<void>;
}

interface Answer<M extends WebviewRequestMethod> {
  result: RequestTypes[M]['result'];
  /** The session moved: every connected page gets this delta. */
  delta?: SessionDelta;
}

type Params<M extends WebviewRequestMethod> = RequestTypes[M]['params'];

/** How the session answers each dashboard request (results typed by RequestTypes). Each throws what the session throws. */
const answers: { [M in WebviewRequestMethod]: (session: Session, p: Params<M>) => Answer<M> } = {
  'swapsim/snapshot': (session) => ({ result: session.snapshot() }),
  'swapsim/step': (session, p) => {
    const delta = p.direction === 'forward' ? session.stepForward(p.count ?? 1) : session.stepBack(p.count ?? 1);
    return { result: session.step, delta };
  },
  'swapsim/gotoStep': (session, p) => {
    const delta = session.gotoStep(p.step);
    return { result: session.step, delta };
  },
  'swapsim/compare': (session, p) => ({ result: compareDesigns(session, p.designs, p.step ?? session.step.index) }),
  'swapsim/slot': (session, p) => ({ result: session.slot(p.type, p.offset) }),
  'swapsim/cluster': (session, p) => ({ result: session.cluster(p.type, p.cluster) }),
  'swapsim/clusterMap': (session, p) => ({ result: session.clusterMap(p.type, p.bins, p.from, p.to) }),
  'swapsim/events': (session, p) => ({ result: session.events(p.start, p.count, p.fromEnd) }),
  'swapsim/overhead': (session) => ({ result: session.overhead() }),
  'swapsim/export': (session, p) => ({ result: session.exportState(p.format) }),
};

/** Run one dashboard request against the session. Throws what the session throws. */
function answer<M extends WebviewRequestMethod>(session: Session, method: M, params: Params<M>): Answer<M> {
  return (answers[method] as (session: Session, p: Params<M>) => Answer<M>)(session, params);
}

/** A thrown error as a response error: a BadRequest is the caller's; anything else is ours and goes to stderr with its stack. */
function errorOf(err: unknown): { code: number; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  const code = errorCodeOf(err);
  if (code === ErrorCodes.InternalError)
    console.error(`swapsim serve: ${err instanceof Error && err.stack !== undefined ? err.stack : message}`);
  return { code, message };
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const { session, mediaDir, title } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const sockets = new Set<WebSocket>();
  let port = 0;
  const allowedHosts = (): Set<string> => new Set([`${LOOPBACK}:${port}`, `localhost:${port}`]);
  const allowedOrigins = (): Set<string> => new Set([...allowedHosts()].map((h) => `http://${h}`));

  const send = (socket: WebSocket, message: HostToWebview): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const broadcast = (message: HostToWebview): void => {
    for (const socket of sockets) send(socket, message);
  };

  let rejected = 0;
  /** A frame the relay never sees (not text, not JSON): refused here, with no id to answer. */
  const refuseRaw = (host: DashboardHost, code: number, message: string): void => {
    host.rejected(message);
    host.post({ type: 'response', id: -1, error: { code, message } });
  };

  /** One socket's page as a dashboard host: shared/dashboard/relay.ts checks each message, these answer them. */
  const hostFor = (socket: WebSocket): DashboardHost => ({
    uri: session.uri,
    post: (message) => send(socket, message),
    ready: () => send(socket, { type: 'init', uri: session.uri, snapshot: session.snapshot() }),
    request: async (method, params) => {
      let outcome: Answer<typeof method>;
      try {
        outcome = answer(session, method, params);
      } catch (err) {
        throw errorOf(err);
      }
      // The delta first: when the page's request settles, its state is already current.
      if (outcome.delta !== undefined) broadcast({ type: 'delta', delta: outcome.delta });
      return outcome.result;
    },
    // The browser page keeps its own state (localStorage), has no trees to
    // reveal a selection in, and downloads exported files itself.
    select: () => undefined,
    shown: () => undefined,
    saveFile: () => undefined,
    rejected: (reason) => {
      // Logged, but bounded: a misbehaving client must not flood the terminal.
      if (rejected++ < 20) log(`swapsim serve: rejected a message: ${reason}`);
    },
  });

  const onMessage = (host: DashboardHost, data: RawData, isBinary: boolean): void => {
    if (isBinary) return refuseRaw(host, ErrorCodes.InvalidRequest, 'binary messages are not part of the protocol');
    let value: unknown;
    try {
      value = JSON.parse(data.toString());
    } catch {
      return refuseRaw(host, ErrorCodes.ParseError, 'message is not JSON');
    }
    void relayWebviewMessage(host, value);
  };

  const serveFile = async (res: ServerResponse, name: string): Promise<void> => {
    const ext = path.extname(name);
    const type = CONTENT_TYPES[ext];
    // Only flat file names of known types from the media folder: no traversal, no listing.
    if (type === undefined || !/^[\w.-]+$/.test(name) || name.startsWith('.')) return notFound(res);
    let body: Buffer;
    try {
      body = await readFile(path.join(mediaDir, name));
    } catch {
      return notFound(res);
    }
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
  };

  const notFound = (res: ServerResponse): void => {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  };

  const servePage = (res: ServerResponse): void => {
    const nonce = randomBytes(18).toString('base64');
    const connectSrc = [...allowedHosts()].map((h) => `ws://${h}`).join(' ');
    const page = { nonce, cspSource: "'self'", connectSrc };
    const html = dashboardHtml({
      ...page,
      scriptUri: '/media/dashboard.js',
      styleUris: ['/media/dashboard-standalone.css', '/media/dashboard.css'],
      title,
      bodyClass: 'vscode-dark standalone',
    });
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      // The header repeats the page's policy and adds what only a header can say.
      'Content-Security-Policy': `${dashboardCsp(page)}; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    res.end(html);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    // A page elsewhere could point a DNS name at 127.0.0.1; answer only requests addressed to us.
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('forbidden host\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    if (url.pathname === '/' || url.pathname === '/index.html') return servePage(res);
    if (url.pathname === '/favicon.ico') {
      // No icon; answering keeps the browser console free of a 404.
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname.startsWith('/media/')) {
      void serveFile(res, url.pathname.slice('/media/'.length));
      return;
    }
    notFound(res);
  };

  const http = createServer(onRequest);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  http.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin;
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    // Browsers always send Origin; another site's page must not drive this session.
    const refused =
      url.pathname !== '/ws' ||
      !allowedHosts().has(req.headers.host ?? '') ||
      (origin !== undefined && !allowedOrigins().has(origin));
    if (refused) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const host = hostFor(ws);
      ws.on('message', (data, isBinary) => onMessage(host, data, isBinary));
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, LOOPBACK, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address();
  port = typeof address === 'object' && address !== null ? address.port : options.port;

  return {
    url: `http://${LOOPBACK}:${port}/`,
    port,
    get clients() {
      return sockets.size;
    },
    close: async () => {
      for (const socket of sockets) socket.close(1001, 'server stopping');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      for (const socket of sockets) socket.terminate();
    },
  };
}

// ------------------------------------------------------------------ CLI

const USAGE = `Usage: swapsim serve FILE [--port N] [--design NAME]

Serve the dashboard for the scenario FILE on http://127.0.0.1:N/ (N = 0, the
default, picks a free port). Open the printed address in a browser; stop with
Ctrl+C.

Options:
  --port N        port to listen on (127.0.0.1 only)
  --design NAME   simulate this design instead of the scenario's config (${DESIGN_NAMES.join(', ')})
  -h, --help      show this help
`;

interface ServeArgs {
  file: string;
  port: number;
  design?: DesignName;
}

function parseArgs(args: readonly string[]): ServeArgs | string {
  let file: string | undefined;
  let port = 0;
  let design: DesignName | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === '--port') {
      const text = value();
      const n = Number(text);
      if (text === undefined || !/^\d+$/.test(text) || n > 65535)
        return `--port needs a port number 0..65535, got ${text ?? 'nothing'}`;
      port = n;
    } else if (flag === '--design') {
      const text = value();
      if (!DESIGN_NAMES.includes(text as DesignName))
        return `--design needs one of ${DESIGN_NAMES.join(', ')}, got ${text ?? 'nothing'}`;
      design = text as DesignName;
    } else if (flag.startsWith('-')) {
      return `unknown option ${flag}`;
    } else if (file === undefined) {
      file = arg;
    } else {
      return `unexpected argument ${arg}`;
    }
  }
  if (file === undefined) return 'missing FILE';
  return design === undefined ? { file, port } : { file, port, design };
}

/** `swapsim serve …`: runs until SIGINT or SIGTERM, then stops cleanly with 0. */
export async function serveCommand(args: readonly string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`swapsim serve: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  const file = path.resolve(parsed.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(
      `swapsim serve: cannot read ${parsed.file}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  const session = new Session(
    pathToFileURL(file).href,
    text,
    parsed.design === undefined ? {} : { design: parsed.design },
  );
  const errors = session.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    for (const d of errors)
      process.stderr.write(
        `${parsed.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: error ${d.code}: ${d.message}\n`,
      );
    return 1;
  }
  // The bundle sits next to this script: dist/cli.js and dist/media/.
  const mediaDir = path.join(__dirname, 'media');
  let server: DashboardServer;
  try {
    server = await startDashboardServer({
      session,
      port: parsed.port,
      mediaDir,
      title: `swapsim — ${path.basename(file)}`,
    });
  } catch (err) {
    process.stderr.write(
      `swapsim serve: cannot listen on ${LOOPBACK}:${parsed.port}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  process.stdout.write(`swapsim: serving ${parsed.file} at ${server.url}\nPress Ctrl+C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  process.stdout.write('swapsim: stopped\n');
  return 0;
}
