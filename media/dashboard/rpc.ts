/**
 * Request/response over the transport, matched by id (the hexeditor way).
 * Results are checked against the protocol before anyone uses them.
 */
import { ErrorCodes, type RequestTypes, type WebviewRequestMethod } from '../../shared/protocol';
import { parseRequestResult } from '../../shared/validate';
import type { Transport } from './transport';

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

interface Pending {
  method: WebviewRequestMethod;
  resolve(value: unknown, receivedAt: number): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Long enough for a whole-run comparison of several designs. */
const TIMEOUT_MS = 120_000;

export type ParamsOf<M extends WebviewRequestMethod> = Omit<RequestTypes[M]['params'], 'uri'>;
export type ResultOf<M extends WebviewRequestMethod> = RequestTypes[M]['result'];

export class Rpc {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  uri = '';

  constructor(private readonly transport: Transport) {}

  request<M extends WebviewRequestMethod>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    return this.timed(method, params).then(({ result }) => result);
  }

  /** A request whose answer also says when its message reached the page (before parsing and checks). */
  timed<M extends WebviewRequestMethod>(
    method: M,
    params: ParamsOf<M>,
  ): Promise<{ result: ResultOf<M>; receivedAt: number }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcError(-32000, `${method} timed out after ${TIMEOUT_MS / 1000} s`));
      }, TIMEOUT_MS);
      this.pending.set(id, {
        method,
        resolve: (value, receivedAt) => resolve({ result: value as ResultOf<M>, receivedAt }),
        reject,
        timer,
      });
      this.transport.send({ type: 'request', id, method, params: { ...params, uri: this.uri } });
    });
  }

  /** Settle the matching request; false if no request has this id. */
  settle(
    id: number,
    result: unknown,
    error: { code: number; message: string } | undefined,
    receivedAt: number = performance.now(),
  ): boolean {
    const entry = this.pending.get(id);
    if (entry === undefined) return false;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (error !== undefined) {
      entry.reject(new RpcError(error.code, error.message));
      return true;
    }
    const parsed = parseRequestResult(entry.method, result);
    if (parsed.ok) entry.resolve(parsed.value, receivedAt);
    else
      entry.reject(
        new RpcError(ErrorCodes.InternalError, `${entry.method} answered with a malformed result: ${parsed.error}`),
      );
    return true;
  }

  /** Fail everything in flight (the link dropped; a reconnect starts over). */
  failAll(reason: string): void {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new RpcError(-32000, reason));
      this.pending.delete(id);
    }
  }

  get inFlight(): number {
    return this.pending.size;
  }
}
