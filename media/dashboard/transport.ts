/**
 * How the page talks to its host. The only thing that differs between the
 * dashboard in VS Code (postMessage to the extension) and in a browser
 * (`swapsim serve`, a WebSocket): messages, state and file saving. The rest
 * of the app sees the `Transport` interface only.
 */
import type { WebviewToHost } from '../../shared/protocol';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly kind: 'vscode' | 'browser';
  send(message: WebviewToHost): void;
  /** Every message from the host, unchecked: the caller validates. `receivedAt` is performance.now() on arrival. */
  onMessage(handler: (message: unknown, receivedAt: number) => void): void;
  /** Called when the link (re)opens; the app sends `ready` then. */
  onOpen(handler: () => void): void;
  onConnection(handler: (state: ConnectionState) => void): void;
  loadState(): unknown;
  saveState(state: Record<string, unknown>): void;
  /** Hand a file to the user: a save dialog in VS Code, a download in the browser. */
  saveFile(name: string, mime: string, data: Uint8Array): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

function base64(data: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < data.length; i += chunk) binary += String.fromCharCode(...data.subarray(i, i + chunk));
  return btoa(binary);
}

/** Inside a VS Code webview: postMessage both ways, state through the webview API (the panel serializer reads it). */
class VsCodeTransport implements Transport {
  readonly kind = 'vscode';
  private readonly handlers: ((message: unknown, receivedAt: number) => void)[] = [];

  constructor(private readonly api: VsCodeApi) {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const receivedAt = performance.now();
      for (const handler of this.handlers) handler(event.data, receivedAt);
    });
  }

  send(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  onMessage(handler: (message: unknown, receivedAt: number) => void): void {
    this.handlers.push(handler);
  }

  onOpen(handler: () => void): void {
    // The webview's channel is open from the start.
    queueMicrotask(handler);
  }

  onConnection(handler: (state: ConnectionState) => void): void {
    queueMicrotask(() => handler('open'));
  }

  loadState(): unknown {
    return this.api.getState();
  }

  saveState(state: Record<string, unknown>): void {
    this.api.setState(state);
    this.send({ type: 'state', state });
  }

  saveFile(name: string, mime: string, data: Uint8Array): void {
    this.send({ type: 'saveFile', name, mime, dataBase64: base64(data) });
  }
}

/** In a browser page served by `swapsim serve`: a WebSocket to the same origin, state in localStorage. */
class BrowserTransport implements Transport {
  readonly kind = 'browser';
  private socket: WebSocket | null = null;
  private readonly queue: string[] = [];
  private readonly messageHandlers: ((message: unknown, receivedAt: number) => void)[] = [];
  private readonly openHandlers: (() => void)[] = [];
  private readonly connectionHandlers: ((state: ConnectionState) => void)[] = [];
  private retryMs = 500;
  private readonly storageKey = `swapsim.dashboard:${location.host}${location.pathname}`;

  constructor(private readonly url: string) {
    this.connect();
  }

  private connect(): void {
    this.emitConnection('connecting');
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.retryMs = 500;
      this.emitConnection('open');
      for (const handler of this.openHandlers) handler();
      for (const text of this.queue.splice(0)) socket.send(text);
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      const receivedAt = performance.now();
      if (typeof event.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.data);
      } catch {
        console.warn('swapsim dashboard: ignored a message that is not JSON');
        return;
      }
      for (const handler of this.messageHandlers) handler(parsed, receivedAt);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.emitConnection('closed');
      // The server may be restarting (`swapsim serve` again on the same port): try again, backing off.
      setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    });
  }

  private emitConnection(state: ConnectionState): void {
    for (const handler of this.connectionHandlers) handler(state);
  }

  send(message: WebviewToHost): void {
    const text = JSON.stringify(message);
    if (this.socket !== null && this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
    else if (message.type === 'request') this.queue.push(text);
  }

  onMessage(handler: (message: unknown, receivedAt: number) => void): void {
    this.messageHandlers.push(handler);
  }

  onOpen(handler: () => void): void {
    this.openHandlers.push(handler);
    if (this.socket !== null && this.socket.readyState === WebSocket.OPEN) queueMicrotask(handler);
  }

  onConnection(handler: (state: ConnectionState) => void): void {
    this.connectionHandlers.push(handler);
  }

  loadState(): unknown {
    try {
      const text = localStorage.getItem(this.storageKey);
      return text === null ? undefined : (JSON.parse(text) as unknown);
    } catch {
      return undefined;
    }
  }

  saveState(state: Record<string, unknown>): void {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(state));
    } catch {
      // Storage full or disabled: the state simply does not survive a reload.
    }
  }

  saveFile(name: string, mime: string, data: Uint8Array): void {
    const copy = new Uint8Array(data.byteLength);
    copy.set(data);
    const url = URL.createObjectURL(new Blob([copy.buffer], { type: mime }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

/** The transport for wherever the page runs. */
export function createTransport(): Transport {
  if (typeof acquireVsCodeApi === 'function') return new VsCodeTransport(acquireVsCodeApi());
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new BrowserTransport(`${scheme}//${location.host}/ws`);
}
