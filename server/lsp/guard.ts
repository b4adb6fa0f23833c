/**
 * Every handler runs inside a guard: whatever it throws becomes a
 * ResponseError for the client, and the server keeps running. A BadRequest
 * (unknown device type, offset past the end) is the caller's and answers
 * InvalidParams; anything else is a bug of ours: its stack goes to the server
 * log and the client gets InternalError.
 */
import { ResponseError } from 'vscode-languageserver/node';
import { ErrorCodes } from '../../shared/protocol';
import { errorCodeOf } from '../session/errors';

export type Log = (message: string) => void;

export function toResponseError(error: unknown, name: string, log: Log): ResponseError<void> {
  if (error instanceof ResponseError) return error as ResponseError<void>;
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCodeOf(error);
  if (code === ErrorCodes.InvalidParams) return new ResponseError(code, message);
  log(`${name} failed: ${error instanceof Error && error.stack !== undefined ? error.stack : message}`);
  return new ResponseError(code, `${name} failed: ${message}`);
}

/** Wrap a request handler so it always answers (a result or a ResponseError). */
export function guard<A extends unknown[], R>(
  log: Log,
  name: string,
  fn: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<R | ResponseError<void>> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (error) {
      return toResponseError(error, name, log);
    }
  };
}

/** Wrap a notification handler or a timer callback: errors are logged, never thrown. */
export function guardVoid<A extends unknown[]>(
  log: Log,
  name: string,
  fn: (...args: A) => void | Promise<void>,
): (...args: A) => void {
  return (...args: A) => {
    try {
      const r = fn(...args);
      if (r instanceof Promise)
        r.catch((error: unknown) =>
          log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
        );
    } catch (error) {
      log(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };
}
