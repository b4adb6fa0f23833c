/**
 * Reading a thrown JSON-RPC error by its shape, on any side: vscode-jsonrpc's
 * ResponseError, the dashboard's RpcError and our own errors all carry a
 * numeric `code` and a `message`, and not every bundle loads the classes.
 */

/** The error's numeric code, if it has one. */
export function errorCode(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number')
    return error.code;
  return undefined;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string')
    return error.message;
  return String(error);
}
