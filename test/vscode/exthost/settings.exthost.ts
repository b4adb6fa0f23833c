// Settings changed through VS Code's own configuration API reach the
// language server (workspace/didChangeConfiguration, then its
// workspace/configuration pull) and the open sessions follow: a scenario
// without `config design=` / `page_size=` is rebuilt under the new values,
// one that names them keeps them, and the status bar and the Devices view
// show the result.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SwapsimApi } from '../../../client/extension';
import { measure, test, waitFor } from '../harness';
import { activateByOpening, fixtureUri, swapsimExtension } from './scenario';

const BODY = ['swapon /dev/vda2 size=64M -p 5', 'task t', 'mmap t heap 1M populate', 'pageout t heap', ''];
const PLAIN = {
  name: 'settings-plain.swapsim',
  text: ['# Written by settings.exthost.ts: no design or page size of its own.', ...BODY].join('\n'),
};
const NAMED = {
  name: 'settings-named.swapsim',
  text: [
    '# Written by settings.exthost.ts: its own design and page size.',
    'config design=legacy page_size=4K',
    ...BODY,
  ].join('\n'),
};
const STEPS = 4;
const TARGET = vscode.ConfigurationTarget.Global;

async function openScenario(api: SwapsimApi, file: { name: string; text: string }): Promise<string> {
  const uri = fixtureUri(file.name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(file.text));
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const key = editor.document.uri.toString();
  await waitFor(`the first snapshot of ${file.name}`, () => api.store.get(key), 30_000);
  return key;
}

/** Set a `swapsim.*` setting and wait until `done` holds; returns the ms from update() to then. */
async function changeSetting(key: string, value: unknown, what: string, done: () => boolean): Promise<number> {
  const started = performance.now();
  await vscode.workspace.getConfiguration('swapsim').update(key, value, TARGET);
  await waitFor(what, () => (done() ? true : undefined), 30_000);
  return performance.now() - started;
}

test('swapsim.design and swapsim.geometry.pageSize changed through the configuration API rebuild open sessions under them', async () => {
  await activateByOpening();
  const api = swapsimExtension().exports as SwapsimApi;
  await api.ready;
  const named = await openScenario(api, NAMED);
  const plain = await openScenario(api, PLAIN);
  const state = (uri: string) => api.store.get(uri);
  assert.deepEqual([state(plain)?.design, state(plain)?.pageSize], ['p4', 4096]);
  assert.deepEqual([state(named)?.design, state(named)?.pageSize], ['legacy', 4096]);
  try {
    const namedSeq = state(named)?.seq ?? 0;
    const designMs = await changeSetting(
      'design',
      'p3',
      'the plain scenario under p3',
      () => state(plain)?.design === 'p3',
    );
    measure('exthost.setting_change_to_session', designMs, 'ms');
    await waitFor('the status bar to show p3', () =>
      / p3 · step 0 \//.test(api.stepStatus.item.text) ? true : undefined,
    );
    // The named scenario was rebuilt too, and kept its own design.
    await waitFor('the named scenario to be rebuilt', () => ((state(named)?.seq ?? 0) > namedSeq ? true : undefined));
    assert.equal(state(named)?.design, 'legacy');

    await changeSetting(
      'geometry.pageSize',
      '16K',
      'the plain scenario on 16K pages',
      () => state(plain)?.pageSize === 16384,
    );
    assert.equal(state(plain)?.clusterSlots, 2048, 'HPAGE_PMD_NR of 16K pages');
    await vscode.commands.executeCommand('swapsim.run', plain);
    await waitFor(
      'the plain scenario to finish',
      () => (state(plain)?.step.index === STEPS ? true : undefined),
      30_000,
    );
    // 64M of 16K pages: 4095 usable slots (65520 KiB, not 4K pages' 65532); 1M paged out is 64 of them.
    const [device] = await api.trees.devices.getChildren();
    assert.ok(device?.kind === 'device', 'the Devices view lists the device');
    assert.equal(device.summary.inuse, 64);
    assert.match(String(api.trees.devices.getTreeItem(device).description), /· 1024 \/ 65520 KiB$/);
    await waitFor('the named scenario to keep 4K pages', () => (state(named)?.pageSize === 4096 ? true : undefined));
  } finally {
    await vscode.workspace.getConfiguration('swapsim').update('design', undefined, TARGET);
    await vscode.workspace.getConfiguration('swapsim').update('geometry.pageSize', undefined, TARGET);
  }
  await waitFor(
    'the plain scenario back on p4 and 4K pages',
    () => (state(plain)?.design === 'p4' && state(plain)?.pageSize === 4096 ? true : undefined),
    30_000,
  );
});
