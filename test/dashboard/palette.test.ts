// The map's colours (issue #22): every cluster state and every slot state
// has its own colour, told apart with normal vision and with each of the
// three dichromacies, and visible on light and dark backgrounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKING_COLOURS, hexColour, LIST_COLOURS } from '../../media/dashboard/theme';
import { difference, deltaE2000, type Vision } from './colour_vision';

const VISIONS: readonly Vision[] = ['normal', 'protanopia', 'deuteranopia', 'tritanopia'];
/** CIEDE2000 of 10 and more reads as "another colour" at a glance, not a shade of the same one. */
const DISTINCT = 10;
/** Light Modern and Dark Modern editor backgrounds. */
const BACKGROUNDS = { light: '#ffffff', dark: '#1f1f1f' };

const rgb = (hex: string): [number, number, number] => {
  const [r, g, b] = hexColour(hex);
  return [r, g, b];
};

function closestPair(colours: Record<string, string>, vision: Vision): { pair: string; distance: number } {
  const names = Object.keys(colours);
  let best = { pair: '', distance: Number.POSITIVE_INFINITY };
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const d = difference(rgb(colours[names[i]!]!), rgb(colours[names[j]!]!), vision);
      if (d < best.distance) best = { pair: `${names[i]}/${names[j]}`, distance: d };
    }
  }
  return best;
}

test('CIEDE2000 matches the published test pairs', () => {
  // Sharma, Wu & Dalal (2005), table 1, pairs 1 and 17.
  assert.equal(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485]).toFixed(4), '2.0425');
  assert.equal(deltaE2000([50, 2.5, 0], [73, 25, -18]).toFixed(4), '27.1492');
});

test('a dichromat sees red and green closer together than a trichromat does; yellow and blue stay apart', () => {
  const red = rgb('#d62728');
  const green = rgb('#2ca02c');
  assert.ok(difference(red, green, 'deuteranopia') < difference(red, green, 'normal') / 2);
  assert.ok(difference(red, green, 'protanopia') < difference(red, green, 'normal') / 2);
  assert.ok(difference(rgb('#ffd700'), rgb('#0000cd'), 'deuteranopia') > 40);
});

for (const vision of VISIONS) {
  test(`cluster states are told apart with ${vision}`, () => {
    const { pair, distance } = closestPair(LIST_COLOURS, vision);
    assert.ok(distance >= DISTINCT, `${pair}: ΔE00 ${distance.toFixed(1)}`);
  });
  test(`slot states are told apart with ${vision}`, () => {
    const { pair, distance } = closestPair(BACKING_COLOURS, vision);
    assert.ok(distance >= DISTINCT, `${pair}: ΔE00 ${distance.toFixed(1)}`);
  });
}

test('no colour means a cluster state and a slot state at once', () => {
  for (const [list, a] of Object.entries(LIST_COLOURS)) {
    for (const [backing, b] of Object.entries(BACKING_COLOURS)) {
      const d = difference(rgb(a), rgb(b), 'normal');
      assert.ok(d >= DISTINCT, `cluster ${list} and slot ${backing}: ΔE00 ${d.toFixed(1)}`);
    }
  }
});

test('every state stands out on light and dark editor backgrounds', () => {
  for (const [theme, background] of Object.entries(BACKGROUNDS)) {
    for (const [name, colour] of Object.entries({ ...LIST_COLOURS, ...BACKING_COLOURS })) {
      const d = difference(rgb(colour), rgb(background), 'normal');
      assert.ok(d >= 15, `${name} on ${theme}: ΔE00 ${d.toFixed(1)}`);
    }
  }
});
