// Helpers for extension-host tests: find the extension, open fixture files.
//
// Open scenario files only through `openFixture()`: the first call records
// how the extension came to life (activation event and time), which the
// activation tests check whatever order the test files run in.
import * as vscode from 'vscode';
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
