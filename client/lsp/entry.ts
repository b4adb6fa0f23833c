// Entry of dist/client-lsp.js: everything that needs vscode-languageclient
// at run time. Loaded after activate() returns (client/lsp/lateClient.ts
// stands in until then), so compiling the library is not part of activation
// (issue #8).
import type * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './startServer';
import type { CancelToken } from '../protocolClient';
import { restartClient } from './crashPolicy';
import type { ClientPhase, LspBundle, ServerClient } from './serverClient';

function phaseOf(state: State): ClientPhase {
  return state === State.Running ? 'running' : state === State.Starting ? 'starting' : 'stopped';
}

/** LanguageClient seen through the ServerClient interface. */
export function asServerClient(client: LanguageClient, log: vscode.LogOutputChannel): ServerClient {
  return {
    sendRequest: <R>(method: string, params: unknown, token?: CancelToken): Promise<R> =>
      // LanguageClient tells a token from params by its shape, so only pass one that exists.
      token === undefined
        ? client.sendRequest<R>(method, params)
        : client.sendRequest<R>(method, params, token as vscode.CancellationToken),
    onNotification: (method, handler) => client.onNotification(method, handler),
    onDidChangePhase: (listener) =>
      client.onDidChangeState(({ oldState, newState }) =>
        listener({ oldPhase: phaseOf(oldState), newPhase: phaseOf(newState) }),
      ),
    start: () => client.start(),
    restart: () => restartClient(client, (message) => log.warn(message)),
    stop: () => client.stop(),
    isRunning: () => client.isRunning(),
  };
}

export const createServerClient: LspBundle['createServerClient'] = (context, log, restartServer) =>
  asServerClient(createLanguageClient(context, log, restartServer), log);
