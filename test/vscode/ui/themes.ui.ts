// A scenario stays readable in light, dark and high-contrast themes: switch
// through the command palette and keep a screenshot of each.
import assert from 'node:assert/strict';
import { test } from '../harness';
import type { ThemeKind } from '../browser/workbench';
import { showScenario } from './session';

const THEMES: ReadonlyArray<{ label: string; kind: ThemeKind; shot: string }> = [
  { label: 'Light Modern', kind: 'vs', shot: 'theme-light' },
  { label: 'Dark High Contrast', kind: 'hc-black', shot: 'theme-high-contrast-dark' },
  { label: 'Light High Contrast', kind: 'hc-light', shot: 'theme-high-contrast-light' },
  // Last, so later tests see the default again.
  { label: 'Dark Modern', kind: 'vs-dark', shot: 'theme-dark' },
];

for (const theme of THEMES) {
  test(`the ${theme.label} theme applies from the command palette`, async () => {
    const wb = await showScenario('basic.swapsim', 'swapon /dev/vda2 size=64M');
    await wb.selectColorTheme(theme.label, theme.kind);
    assert.equal(await wb.themeKind(), theme.kind);
    assert.equal(await wb.waitForLanguageMode('swapsim'), 'swapsim');
    await wb.screenshot(theme.shot);
  });
}
