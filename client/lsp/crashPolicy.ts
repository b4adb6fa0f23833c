// What the client does when the language server's connection fails: the
// decisions behind client/lsp/startServer.ts's error handler and the Restart Server
// command, kept free of `vscode` and vscode-languageclient so node tests can
// drive them.
//
// A server that dies (a crash, the OOM killer, a kill) while messages are on
// their way to it produces two kinds of events in the extension host: write
// errors (EPIPE: the IPC socket's far end is gone) and, a moment later, the
// channel's close. Which comes first depends on what was in flight. The close
// is the event that knows what to do (restart from settings, or tell the
// user), so write errors of a dead channel must not act on their own: asking
// the client to shut down on them would put it in its Stopping state, and the
// close that follows would then count as a requested stop — no automatic
// restart, no crash message, only "connection to server is erroring" pop-ups.

/** Error codes of a write to a channel whose other end is gone; the channel's close follows. */
const CLOSED_CHANNEL_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ERR_IPC_CHANNEL_CLOSED',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

export function isClosedChannelError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return typeof error.code === 'string' && CLOSED_CHANNEL_CODES.has(error.code);
}

/** Other connection errors (a message the client cannot read or write) tolerated before the client shuts the connection down. */
export const TOLERATED_CONNECTION_ERRORS = 3;

/**
 * Whether one connection error should shut the connection down. `count` is
 * the connection's running error count as vscode-jsonrpc reports it (absent
 * for some errors). A write to a dead channel never does: its close follows.
 */
export function shutsDownOnConnectionError(error: unknown, count: number | undefined): boolean {
  if (isClosedChannelError(error)) return false;
  return (count ?? 0) > TOLERATED_CONNECTION_ERRORS;
}

/** Restarts allowed within `windowMs` before the client stops trying (a server crashing at start would loop forever). */
export class RestartBudget {
  private restarts: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Whether another restart is allowed at `now`; counts it if so. */
  take(now: number): boolean {
    this.restarts = this.restarts.filter((t) => now - t < this.windowMs);
    if (this.restarts.length >= this.max) return false;
    this.restarts.push(now);
    return true;
  }

  /** Restarts counted in the current window. */
  get used(): number {
    return this.restarts.length;
  }
}

export interface StoppableClient {
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Restart Server: stop the client, then start it. Stopping a server that has
 * just died can fail (its shutdown request is never answered, or the
 * connection is disposed under it by the close); that must not keep the new
 * server from starting, which is the point of the command.
 */
export async function restartClient(client: StoppableClient, log: (message: string) => void): Promise<void> {
  try {
    await client.stop();
  } catch (error) {
    log(
      `stopping the old server failed (${error instanceof Error ? error.message : String(error)}); starting a new one anyway`,
    );
  }
  await client.start();
}
