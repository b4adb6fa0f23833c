// The packaged extension is installed, stays idle until a scenario file is
// opened, and then activates through onLanguage:swapsim.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { SwapsimApi } from '../../../client/extension';
import { measure, test } from '../harness';
import { activateByOpening, FIRST_SCENARIO, openFixture, runConfig, swapsimExtension } from './scenario';

test('the extension under test is the installed .vsix', () => {
  const extension = swapsimExtension();
  const { extensionDir, version } = runConfig();
  assert.equal(extension.packageJSON.version, version);
  assert.equal(path.resolve(extension.extensionPath), path.resolve(extensionDir));
  // The .vsix ships bundles only: no sources and no node_modules next to them.
  for (const bundle of ['dist/client.js', 'dist/client-main.js', 'dist/client-minimatch.js', 'dist/server.js']) {
    assert.ok(
      existsSync(path.join(extension.extensionPath, bundle)),
      `${bundle} is missing from the installed extension`,
    );
  }
  for (const absent of ['client', 'server', 'node_modules']) {
    assert.ok(
      !existsSync(path.join(extension.extensionPath, absent)),
      `the installed extension should not contain ${absent}/`,
    );
  }
});

test('the extension declares the swapsim language', async () => {
  assert.ok((await vscode.languages.getLanguages()).includes('swapsim'));
});

test('opening a .swapsim file activates the extension', async () => {
  const activation = await activateByOpening();
  assert.equal(activation.wasActiveBefore, false, 'the extension was active before any scenario file was opened');
  assert.equal(swapsimExtension().isActive, true);
  measure('exthost.activation', activation.ms, 'ms');
});

test('the loader (dist/client.js) reports its part of activation: loading the bundle and the activate() call', async () => {
  await activateByOpening();
  const timing = (swapsimExtension().exports as SwapsimApi).activation;
  assert.ok(timing !== undefined, 'activate() returns the loader timing');
  // A fresh install: no code cache yet (the UI suite's window, started later, gets one).
  assert.equal(timing.codeCache, 'miss');
  // What VS Code counts as codeLoadingTime + activateCallTime (requiring dist/client.js itself is a 2 KB file).
  measure('exthost.client_load_bundle', timing.loadMs, 'ms');
  measure('exthost.client_compile_bundle', timing.compileMs, 'ms');
  measure('exthost.client_activate_call', timing.activateMs, 'ms');
  measure('exthost.client_load_and_activate', timing.loadMs + timing.activateMs, 'ms');
  measure('exthost.client_load_and_activate_cpu', timing.cpuMs, 'ms');
});

test('scenario files get the swapsim language id, other files do not', async () => {
  for (const name of [FIRST_SCENARIO, 'two-devices.swapsim']) {
    const editor = await openFixture(name);
    assert.equal(editor.document.languageId, 'swapsim', `${name} has language ${editor.document.languageId}`);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editor.document.uri.toString());
  }
  const notes = await openFixture('notes.txt');
  assert.equal(notes.document.languageId, 'plaintext');
});
