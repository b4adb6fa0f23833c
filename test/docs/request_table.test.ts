/**
 * docs/language-server.md's request tables and the code agree: the same
 * methods (the keys of RequestTypes, through the validator table), and the
 * same integer bounds (REQUEST_BOUNDS in shared/validate.ts), written
 * `` `field` (min..max) `` or `` `field?` (≥ min …) `` in the Params column.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REQUEST_BOUNDS, REQUEST_METHODS, type IntBounds } from '../../shared/validate';
import { REPO_ROOT } from '../foundation/repo';

const PAGE = 'docs/language-server.md';

interface Row {
  method: string;
  params: string;
}

/** Rows of the page's tables whose first cell is a request (`swapsim/x`) and which have a Result column. */
function requestRows(text: string): Row[] {
  const rows: Row[] = [];
  let requestTable = false;
  for (const line of text.split('\n')) {
    if (/^\| Method \| Params \| Result \|/.test(line)) requestTable = true;
    else if (!line.startsWith('|')) requestTable = false;
    if (!requestTable) continue;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const method = /^`(swapsim\/\w+)`$/.exec(cells[1] ?? '')?.[1];
    if (method !== undefined) rows.push({ method, params: cells[2] ?? '' });
  }
  return rows;
}

const number = (s: string): number => Number(s.replace(/,/g, ''));

/** The bounds a Params cell states, field by field, as `min..max` (max empty when unbounded). */
function statedBounds(params: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of params.matchAll(/`(\w+)\??(?:: [^`]*)?` \((?:(\d[\d,]*)\.\.(\d[\d,]*)|≥ (\d[\d,]*))/g)) {
    const [, field, min, max, atLeast] = m;
    out.set(
      field as string,
      atLeast !== undefined ? `${number(atLeast)}..` : `${number(min as string)}..${number(max as string)}`,
    );
  }
  return out;
}

function codeBounds(method: string): Map<string, string> {
  const table = (REQUEST_BOUNDS as Record<string, Record<string, IntBounds> | undefined>)[method] ?? {};
  return new Map(Object.entries(table).map(([field, b]) => [field, `${b.min}..${b.max ?? ''}`]));
}

const rows = requestRows(readFileSync(path.join(REPO_ROOT, PAGE), 'utf8'));

test(`${PAGE} lists every request the code has, once, and no other`, () => {
  const documented = rows.map((r) => r.method);
  assert.deepEqual([...documented].sort(), [...new Set(documented)].sort(), 'a request is listed twice');
  assert.deepEqual([...documented].sort(), [...REQUEST_METHODS].sort());
});

test(`${PAGE} states the same integer bounds as REQUEST_BOUNDS`, () => {
  for (const { method, params } of rows) {
    assert.deepEqual(
      Object.fromEntries(statedBounds(params)),
      Object.fromEntries(codeBounds(method)),
      `${method}: bounds in the Params column vs REQUEST_BOUNDS`,
    );
  }
});
