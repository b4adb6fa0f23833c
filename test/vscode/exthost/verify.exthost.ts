// Verify on Real Kernel in a real VS Code. Booting qemu here would take
// minutes, so the command runs the real `swapsim verify` CLI with
// `swapsim.verify.fromFixture`: the kernel's values come from the fixture
// recorded next to the example (examples/basic.verify.7.2.json, shipped in
// the .vsix). The VM path itself is covered by the node tests (fault cases
// with a stand-in qemu, cancel) and by CI's `swapsim verify` run.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SwapsimApi } from '../../../client/extension';
import { test } from '../harness';
import { activateByOpening, fixtureUri, swapsimExtension } from './scenario';

const TARGET = vscode.ConfigurationTarget.Global;

test('Verify on Real Kernel puts a result in the Testing view and Information diagnostics where kernel and simulator differ', async () => {
  await activateByOpening();
  const extension = swapsimExtension();
  const api = extension.exports as SwapsimApi;
  await api.ready;
  // the example and its recorded fixture, side by side in the workspace
  const source = vscode.Uri.joinPath(extension.extensionUri, 'examples');
  for (const name of ['basic.swapsim', 'basic.verify.7.2.json']) {
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(source, name), fixtureUri(`verify/${name}`), {
      overwrite: true,
    });
  }
  const uri = fixtureUri('verify/basic.swapsim');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const config = vscode.workspace.getConfiguration('swapsim.verify');
  await config.update('fromFixture', true, TARGET);
  await config.update('kernel', '7.2', TARGET);
  try {
    const report = (await vscode.commands.executeCommand('swapsim.verifyOnRealKernel', uri.toString())) as
      { kernel: { release: string }; summary: { differs: number; exact: number } } | undefined;
    assert.ok(report, 'the command returns the report');
    assert.match(report.kernel.release, /^7\.2\./);
    const outcomes = api.verification.outcomes;
    const fileOutcome = outcomes.get(uri.toString());
    assert.ok(fileOutcome === 'passed' || fileOutcome === 'failed', `file outcome ${String(fileOutcome)}`);
    // the swapon line's errno is compared and agrees
    const swapon = [...outcomes].find(([id]) => id === `${uri.toString()}#s1 result`);
    assert.deepEqual(swapon?.[1], 'passed');
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'swapsim verify');
    assert.equal(diagnostics.length > 0, report.summary.differs > 0);
    for (const d of diagnostics) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
      assert.match(d.message, /kernel 7\.2\.\S+ \S+, simulator \(p4\) \S+/);
    }
  } finally {
    await config.update('fromFixture', undefined, TARGET);
    await config.update('kernel', undefined, TARGET);
  }
});
