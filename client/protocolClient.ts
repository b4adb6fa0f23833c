// The one typed door to the server's custom requests. The extension wraps the
// LanguageClient in it; tests wrap a plain JSON-RPC connection, so everything
// above this file runs the same against the real server in both.
import type { NotificationMethod, NotificationTypes, RequestMethod, RequestTypes } from '../shared/protocol';
import { ErrorCodes } from '../shared/protocol';

/** The part of a cancellation token requests need (vscode's and vscode-jsonrpc's both fit). */
export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface SwapsimRequester {
  request<M extends RequestMethod>(
    method: M,
    params: RequestTypes[M]['params'],
    token?: CancelToken,
  ): Promise<RequestTypes[M]['result']>;
}

/** Anything with LanguageClient's / MessageConnection's `sendRequest(method, params, token)`. */
export interface RequestSender {
  sendRequest<R>(method: string, params: unknown, token?: CancelToken): Promise<R>;
}

/** Anything that delivers the server's notifications, typed by shared/protocol.ts NotificationTypes. */
export interface NotificationSource<D = { dispose(): void }> {
  onNotification<M extends NotificationMethod>(method: M, handler: (params: NotificationTypes[M]) => void): D;
}

export function requesterOver(sender: RequestSender): SwapsimRequester {
  return {
    request: <M extends RequestMethod>(method: M, params: RequestTypes[M]['params'], token?: CancelToken) =>
      token === undefined
        ? sender.sendRequest<RequestTypes[M]['result']>(method, params)
        : sender.sendRequest<RequestTypes[M]['result']>(method, params, token),
  };
}

import { errorCode, errorMessage } from '../shared/errors';

export { errorCode, errorMessage };

/** A sentence for the user, naming the request that failed and why. */
export function describeRequestError(method: string, error: unknown): string {
  switch (errorCode(error)) {
    case ErrorCodes.MethodNotFound:
      return `the swapsim server does not implement ${method}`;
    case ErrorCodes.NoSession:
      return 'no simulation for this document: open the scenario in an editor first';
    case ErrorCodes.ScenarioErrors:
      return 'the scenario has errors and cannot run (see the Problems view)';
    case ErrorCodes.ResourceLimit:
      return `the session hit a resource limit: ${errorMessage(error)}`;
    case ErrorCodes.StaleSequence:
      return 'the simulation moved on while this was asked; try again';
    case ErrorCodes.Cancelled:
      return `${method} cancelled by the user`;
    default:
      return `${method} failed: ${errorMessage(error)}`;
  }
}

export function isCancellation(error: unknown): boolean {
  return errorCode(error) === ErrorCodes.Cancelled;
}
