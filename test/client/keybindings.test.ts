// One key, one meaning, in and out of the debugger (issue #22): Step Back is
// Shift+F11 whether a scenario is stepped with the commands or in the
// swapsim debugger (where VS Code binds Shift+F11 to Step Out), and Run to
// Cursor is Ctrl+F10 in both.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../foundation/repo';

interface Keybinding {
  command: string;
  key: string;
  when?: string;
}

const keybindings = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { keybindings: Keybinding[] };
  }
).contributes.keybindings;

function bound(key: string): Keybinding[] {
  return keybindings.filter((k) => k.key === key);
}

test('Shift+F11 steps back outside the debugger and in the swapsim debugger, never Step Out there', () => {
  const shiftF11 = bound('shift+f11');
  const outside = shiftF11.find((k) => k.when?.includes('!inDebugMode'));
  const inside = shiftF11.find((k) => k.when?.includes("debugType == 'swapsim'"));
  assert.equal(outside?.command, 'swapsim.stepBack');
  assert.equal(
    inside?.command,
    'workbench.action.debug.stepBack',
    'an extension keybinding wins over the built-in Step Out while it applies',
  );
  assert.match(inside?.when ?? '', /\binDebugMode\b/);
  assert.deepEqual(shiftF11.map((k) => k.command).sort(), ['swapsim.stepBack', 'workbench.action.debug.stepBack']);
});

test('Ctrl+F10 is Run to Cursor in and out of the swapsim debugger; F10 steps outside it (VS Code’s Step Over is one step inside)', () => {
  const ctrlF10 = bound('ctrl+f10');
  assert.ok(ctrlF10.length === 2 && ctrlF10.every((k) => k.command === 'swapsim.runToCursor'));
  assert.ok(ctrlF10.some((k) => k.when?.includes('!inDebugMode')));
  assert.ok(ctrlF10.some((k) => k.when?.includes("debugType == 'swapsim'")));
  assert.deepEqual(
    bound('f10').map((k) => k.command),
    ['swapsim.step'],
  );
});
