/**
 * Every handler runs inside a guard: whatever it throws becomes a
 * ResponseError for the client and a line in the server log, and the server
 * keeps running. RangeErrors from the simulator mean "bad parameters"
 * (unknown device type, offset past the end) and answer InvalidParams.
 */
import { ErrorCodes as JsonRpcErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { ErrorCodes } from '../../shared/protocol';

export type Log = (message: string) => void;

export function toResponseError(error: unknown, name: string, log: Log): ResponseError<void> {
  if (error instanceof ResponseError) return error as ResponseError<void>;
  if (error instanceof RangeError && !/call stack/i.test(error.message)) return new ResponseError(ErrorCodes.InvalidParams, error.message);
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack !== undefined ? error.stack : message;
  log(`${name} failed: ${stack}`);
  return new ResponseError(JsonRpcErrorCodes.InternalError, `${name} failed: ${message}`);
}

/** Wrap a request handler so it always answers (a result or a ResponseError). */
export function guard<A extends unknown[], R>(log: Log, name: string, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R | ResponseError<void>> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (error) {
      return toResponseError(error, name, log);
    }
  };
}

/** Wrap a notification handler or a timer callback: errors are logged, never thrown. */
export function guardVoid<A extends unknown[]>(log: Log, name: string, fn: (...args: A) => void | Promise<void>): (...args: A) => void {
  return (...args: A) => {
    try {
      const r = fn(...args);
      if (r instanceof Promise) r.catch((error: unknown) => log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
    } catch (error) {
      log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };
}
