/**
 * The two ways a session request can fail besides a kernel errno.
 *
 * A BadRequest is the caller's mistake (a device type that is not active, an
 * offset past the end of the device): the LSP and `swapsim serve` answer it
 * with InvalidParams and log nothing. Anything else thrown while serving a
 * request is a bug of ours; a SimulatorBug says which statement was running
 * when an internal check fired, so the log line points at the scenario.
 */
import { errorCode } from '../../shared/errors';
import { ErrorCodes } from '../../shared/protocol';

export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

export class SimulatorBug extends Error {
  override readonly name = 'SimulatorBug';

  constructor(
    /** Zero-based line of the statement that was running. */
    readonly line: number,
    readonly op: string,
    override readonly cause: unknown,
  ) {
    super(
      `internal error while running '${op}' on line ${line + 1}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    if (cause instanceof Error && cause.stack !== undefined)
      this.stack = `${this.name}: ${this.message}\ncaused by ${cause.stack}`;
  }
}

/**
 * The JSON-RPC error code a thrown value answers with: one rule for the LSP
 * and `swapsim serve`. Errors that carry a code of their own keep it.
 */
export function errorCodeOf(error: unknown): number {
  if (error instanceof BadRequest) return ErrorCodes.InvalidParams;
  return errorCode(error) ?? ErrorCodes.InternalError;
}
