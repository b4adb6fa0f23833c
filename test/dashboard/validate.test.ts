// shared/validate.ts: what the page and its hosts accept from each other.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WEBVIEW_REQUESTS } from '../../shared/protocol';
import {
  isWebviewRequest,
  parseHostToWebview,
  parseRequestParams,
  parseRequestResult,
  parseWebviewToHost,
} from '../../shared/validate';
import { delta, snapshot } from './samples';

describe('messages from the page', () => {
  test('accepts every well-formed message', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'request', id: 1, method: 'swapsim/slot', params: { uri: 'x', type: 0, offset: 5 } },
      { type: 'select', deviceType: 0, cluster: 3 },
      { type: 'select', deviceType: 0, cluster: 3, offset: 1600 },
      { type: 'state', state: { version: 1, uri: 'x' } },
      { type: 'saveFile', name: 'map.png', mime: 'image/png', dataBase64: 'iVBORw0KGgo=' },
    ]) {
      const parsed = parseWebviewToHost(message);
      assert.ok(parsed.ok, `${JSON.stringify(message)}: ${parsed.ok ? '' : parsed.error}`);
    }
  });

  test('rejects malformed messages, naming what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [null, /^message: expected an object/],
      ['ready', /^message: expected an object/],
      [{ type: 'launch' }, /^message\.type: expected one of ready, request/],
      [{ type: 'request', id: -1, method: 'swapsim/slot', params: {} }, /message\.id: expected a non-negative integer/],
      [{ type: 'request', id: 1.5, method: 'swapsim/slot', params: {} }, /message\.id/],
      [
        { type: 'request', id: 1, method: 'swapsim/reset', params: {} },
        /message\.method: expected one of swapsim\/snapshot/,
      ],
      [
        { type: 'request', id: 1, method: 'swapsim/slot', params: [] },
        /message\.params: expected an object, got an array/,
      ],
      [{ type: 'select', deviceType: 0 }, /message\.cluster: expected a non-negative integer/],
      [
        { type: 'saveFile', name: '../etc/passwd', mime: 'text/plain', dataBase64: '' },
        /message\.name: expected a plain file name/,
      ],
      [{ type: 'saveFile', name: 'a.csv', mime: 'text', dataBase64: '' }, /message\.mime: expected a MIME type/],
      [
        { type: 'saveFile', name: 'a.csv', mime: 'text/csv', dataBase64: 'not base64!' },
        /message\.dataBase64: expected base64/,
      ],
      [{ type: 'state', state: { big: 'x'.repeat(1 << 20) } }, /message\.state/],
    ];
    for (const [message, error] of cases) {
      const parsed = parseWebviewToHost(message);
      assert.equal(parsed.ok, false, JSON.stringify(message)?.slice(0, 80));
      if (!parsed.ok) assert.match(parsed.error, error);
    }
  });

  test('every method the dashboard may call has a parameter check', () => {
    assert.ok(WEBVIEW_REQUESTS.every(isWebviewRequest));
    assert.equal(isWebviewRequest('swapsim/run'), false);
    assert.equal(isWebviewRequest('__proto__'), false);
  });

  test('request parameters are checked per method', () => {
    assert.ok(parseRequestParams('swapsim/clusterMap', { uri: 'x', type: 0, bins: 65536, from: 0, to: 10 }).ok);
    assert.match(
      String((parseRequestParams('swapsim/clusterMap', { uri: 'x', type: 0, bins: 65537 }) as { error: string }).error),
      /params\.bins: expected an integer in 1\.\.65536, got number 65537/,
    );
    assert.match(
      String(
        (parseRequestParams('swapsim/clusterMap', { uri: 'x', type: 0, bins: 8, from: 9, to: 9 }) as { error: string })
          .error,
      ),
      /from must be below to/,
    );
    assert.match(
      String((parseRequestParams('swapsim/step', { uri: 'x', direction: 'up' }) as { error: string }).error),
      /params\.direction/,
    );
    assert.match(
      String((parseRequestParams('swapsim/compare', { uri: 'x', designs: [] }) as { error: string }).error),
      /at least one design/,
    );
    assert.match(
      String((parseRequestParams('swapsim/compare', { uri: 'x', designs: ['p9'] }) as { error: string }).error),
      /params\.designs\[0\]/,
    );
    assert.match(
      String((parseRequestParams('swapsim/slot', { type: 0, offset: 1 }) as { error: string }).error),
      /params\.uri: expected a string/,
    );
    // One bound for both paths: the language server's and docs/language-server.md's 0..1000 events.
    assert.ok(parseRequestParams('swapsim/events', { uri: 'x', start: 0, count: 0 }).ok);
    assert.match(
      String((parseRequestParams('swapsim/events', { uri: 'x', start: 0, count: 5000 }) as { error: string }).error),
      /params\.count: expected an integer in 0\.\.1000/,
    );
  });
});

describe('messages from the host', () => {
  test('accepts init, delta, responses, select and noSession', () => {
    for (const message of [
      { type: 'init', uri: snapshot.uri, snapshot },
      { type: 'delta', delta: delta() },
      { type: 'response', id: 3, result: { anything: true } },
      { type: 'response', id: -1, error: { code: -32600, message: 'bad' } },
      { type: 'select', deviceType: 1, cluster: 2, offset: 1030 },
      { type: 'noSession', message: 'closed' },
    ]) {
      const parsed = parseHostToWebview(message);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    }
  });

  test('rejects a delta or snapshot that does not fit the protocol', () => {
    const bad: [unknown, RegExp][] = [
      [{ type: 'delta', delta: { ...delta(), seq: -1 } }, /message\.delta\.seq/],
      [
        { type: 'delta', delta: { ...delta(), changedSlots: { dev: 1 } } },
        /message\.delta\.changedSlots: unexpected key "dev"/,
      ],
      [
        {
          type: 'delta',
          delta: { ...delta(), clusters: [{ type: 0, cluster: 1, list: 'weird', order: 0, count: 1, hasTable: true }] },
        },
        /message\.delta\.clusters\[0\]\.list/,
      ],
      [{ type: 'init', uri: 'x', snapshot: { ...snapshot, design: 'p9' } }, /message\.snapshot\.design/],
      [
        {
          type: 'init',
          uri: 'x',
          snapshot: { ...snapshot, counters: { ...snapshot.counters, vmstat: { pswpout: 'many' } } },
        },
        /message\.snapshot\.counters\.vmstat\.pswpout: expected a finite number/,
      ],
      [{ type: 'response', id: 1 }, /a response needs a result or an error/],
    ];
    for (const [message, error] of bad) {
      const parsed = parseHostToWebview(message);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.error, error);
    }
  });

  test('results are checked before the page uses them', () => {
    const map = {
      type: 0,
      seq: 1,
      from: 0,
      to: 4,
      clustersPerBin: 2,
      list: [0, 1],
      lists: ['free', 'nonfull'],
      fill: [0, 0.5],
      order: [-1, 0],
      shmem: [0, 0.25],
    };
    assert.ok(parseRequestResult('swapsim/clusterMap', map).ok);
    const skewed = parseRequestResult('swapsim/clusterMap', { ...map, fill: [0] });
    assert.equal(skewed.ok, false);
    assert.equal(parseRequestResult('swapsim/clusterMap', { ...map, shmem: [0] }).ok, false);
    const outOfRange = parseRequestResult('swapsim/clusterMap', { ...map, list: [0, 7] });
    assert.equal(outOfRange.ok, false);
    assert.equal(parseRequestResult('swapsim/slot', { type: 0 }).ok, false);
  });
});
