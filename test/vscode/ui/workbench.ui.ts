// The workbench comes up on the fixture folder with the extension installed.
import assert from 'node:assert/strict';
import { test } from '../harness';
import { workbench } from './session';

test('the workbench opens the fixture folder', async () => {
  const wb = await workbench();
  for (const name of ['basic.swapsim', 'two-devices.swapsim', 'notes.txt']) {
    await wb.explorerRow(name).waitFor({ state: 'visible', timeout: 60_000 });
  }
  assert.equal(await wb.page.locator('.monaco-workbench').count(), 1);
});
