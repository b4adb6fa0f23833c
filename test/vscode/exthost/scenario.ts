// Helpers for extension-host tests: find the extension, open fixture files.
//
// Open scenario files only through `openFixture()`: the first call records
// how the extension came to life (activation event and time), which the
// activation tests check whatever order the test files run in.
import * as vscode from 'vscode';
import type { SwapsimApi } from '../../../client/extension';
import { waitFor } from '../harness';
import { readRunConfig, type RunConfig } from '../run-config';

let config: RunConfig | undefined;
/** The run's configuration; code-server passes its environment on to the extension host. */
export function runConfig(): RunConfig {
  config ??= readRunConfig();
  return config;
}

export function swapsimExtension(): vscode.Extension<unknown> {
  const id = runConfig().extensionId;
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`extension ${id} is not installed in this extension host`);
  return extension;
}

/** A file of the fixture workspace (test/vscode/fixtures/workspace). */
export function fixtureUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the workbench has no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, name);
}

export interface Activation {
  /** Whether the extension was already active before any scenario file was opened. */
  wasActiveBefore: boolean;
  /** From opening the first scenario file to `isActive` (includes the language server handshake). */
  ms: number;
}

export const FIRST_SCENARIO = 'basic.swapsim';
let firstActivation: Promise<Activation> | undefined;

async function openFirstScenario(): Promise<Activation> {
  const extension = swapsimExtension();
  const wasActiveBefore = extension.isActive;
  const started = performance.now();
  // Opening the document fires onLanguage:swapsim; nothing here calls activate().
  const document = await vscode.workspace.openTextDocument(fixtureUri(FIRST_SCENARIO));
  await vscode.window.showTextDocument(document);
  await waitFor('the swapsim extension to become active', () => (extension.isActive ? true : undefined), 30_000, 5);
  return { wasActiveBefore, ms: performance.now() - started };
}

export function activateByOpening(): Promise<Activation> {
  firstActivation ??= openFirstScenario();
  return firstActivation;
}

/** Open a fixture file in an editor, activating the extension first if needed. */
export async function openFixture(name: string): Promise<vscode.TextEditor> {
  await activateByOpening();
  const document = await vscode.workspace.openTextDocument(fixtureUri(name));
  return vscode.window.showTextDocument(document);
}

export interface WrittenScenario {
  readonly api: SwapsimApi;
  readonly editor: vscode.TextEditor;
  readonly file: vscode.Uri;
  /** The document's URI as the session store keys it. */
  readonly uri: string;
}

/**
 * Write `text` as `name` into the workspace, open it in an editor and wait
 * for its first session snapshot; returns the extension's API with it.
 */
export async function writeAndOpenScenario(name: string, text: string): Promise<WrittenScenario> {
  await activateByOpening();
  const api = swapsimExtension().exports as SwapsimApi | undefined;
  if (api === undefined || typeof api.store?.get !== 'function')
    throw new Error('activate() did not return the swapsim API');
  await api.ready;
  const file = fixtureUri(name);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
  const uri = editor.document.uri.toString();
  await waitFor('the first snapshot of the scenario', () => api.store.get(uri), 30_000);
  return { api, editor, file, uri };
}
