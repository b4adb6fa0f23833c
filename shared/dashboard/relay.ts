/**
 * The host side of the dashboard's message protocol, written once for both
 * hosts: the VS Code panel (client/dashboard.ts, which forwards requests to
 * the language server) and `swapsim serve` (server/serve.ts, which answers
 * from its own session).
 *
 * Every message from the page is untrusted: it is parsed, requests are
 * limited to WEBVIEW_REQUESTS, and a page can only ever ask about the
 * session it shows: a request naming another URI is refused (NoSession), one
 * naming none (a page not yet initialised) gets the host's.
 * Malformed messages get an error response (when they carry a usable id)
 * and one log line per host for the first few.
 */
import {
  ErrorCodes,
  type HostToWebview,
  type RequestTypes,
  type WebviewRequestMethod,
  type WebviewToHost,
} from '../protocol';
import { errorCode, errorMessage } from '../errors';
import { isWebviewRequest, parseRequestParams, parseWebviewToHost } from '../validate';

/** What a host does with each kind of message; the relay does the checking. */
export interface DashboardHost {
  /** The scenario this page shows. */
  readonly uri: string;
  post(message: HostToWebview): void;
  /** The page (re)loaded and wants its first snapshot. */
  ready(): void | Promise<void>;
  /** Answer a checked request; a thrown error with a numeric `code` keeps it. */
  request<M extends WebviewRequestMethod>(
    method: M,
    params: RequestTypes[M]['params'],
  ): Promise<RequestTypes[M]['result']>;
  select(message: Extract<WebviewToHost, { type: 'select' }>): void;
  shown(message: Extract<WebviewToHost, { type: 'shown' }>): void;
  saveFile(message: Extract<WebviewToHost, { type: 'saveFile' }>): void | Promise<void>;
  /** A message was refused (already answered, when it had an id). */
  rejected(reason: string): void;
}

/** Handle one message from the page. Never throws. */
export async function relayWebviewMessage(host: DashboardHost, raw: unknown): Promise<void> {
  const parsed = parseWebviewToHost(raw);
  if (!parsed.ok) return refuse(host, idOf(raw), ErrorCodes.InvalidRequest, parsed.error);
  const message = parsed.value;
  switch (message.type) {
    case 'ready':
      return host.ready();
    case 'request': {
      const method = message.method;
      if (!isWebviewRequest(method))
        return refuse(host, message.id, ErrorCodes.InvalidParams, `method ${method} is not available to the dashboard`);
      const asked = message.params['uri'];
      if (typeof asked === 'string' && asked !== '' && asked !== host.uri)
        return refuse(host, message.id, ErrorCodes.NoSession, `no session for ${asked}`);
      const params = parseRequestParams(method, { ...message.params, uri: host.uri });
      if (!params.ok) return refuse(host, message.id, ErrorCodes.InvalidParams, params.error);
      try {
        host.post({ type: 'response', id: message.id, result: await host.request(method, params.value) });
      } catch (err) {
        host.post({ type: 'response', id: message.id, error: responseError(err) });
      }
      return;
    }
    case 'select':
      return host.select(message);
    case 'shown':
      return host.shown(message);
    case 'saveFile':
      return host.saveFile(message);
    case 'state':
      // The page's own saved state, kept by the webview (VS Code) or the browser.
      return;
  }
}

function refuse(host: DashboardHost, id: number, code: number, message: string): void {
  host.rejected(message);
  host.post({ type: 'response', id, error: { code, message } });
}

/** A thrown error as a JSON-RPC error: its own numeric code (a server's ResponseError, read by shape), else an internal error. */
export function responseError(err: unknown): { code: number; message: string } {
  return { code: errorCode(err) ?? ErrorCodes.InternalError, message: errorMessage(err) };
}

/** The id of a refused message, if it had a usable one, so its sender's request fails instead of timing out. */
function idOf(value: unknown): number {
  if (
    typeof value === 'object' &&
    value !== null &&
    'id' in value &&
    Number.isSafeInteger(value.id) &&
    (value.id as number) >= 0
  )
    return value.id as number;
  return -1;
}
