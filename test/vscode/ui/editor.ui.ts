// Opening scenario files through the UI: the editor shows them and the status
// bar names the swapsim language.
import assert from 'node:assert/strict';
import { test } from '../harness';
import { workbench } from './session';

test('a .swapsim file opened from the explorer is in swapsim mode', async () => {
  const wb = await workbench();
  await wb.openFromExplorer('basic.swapsim', 'swapon /dev/vda2 size=64M');
  assert.equal(await wb.waitForLanguageMode('swapsim'), 'swapsim');
  await wb.screenshot('editor-basic');
});

test('quick open finds a scenario and the language mode follows the editor', async () => {
  const wb = await workbench();
  await wb.quickOpen('two-devices.swapsim', 'swapon /dev/vdb1 size=32M prio=5');
  assert.equal(await wb.waitForLanguageMode('swapsim'), 'swapsim');
  await wb.quickOpen('notes.txt', 'Not a scenario');
  assert.equal(await wb.waitForLanguageMode('Plain Text'), 'Plain Text');
  await wb.quickOpen('two-devices.swapsim', 'prio=10');
  assert.equal(await wb.waitForLanguageMode('swapsim'), 'swapsim');
});
