// The dashboard relay both hosts share (VS Code panel, swapsim serve), driven
// with a recording host: what reaches the host, and what the page gets back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWebviewMessage, type DashboardHost } from '../../shared/dashboard/relay';
import { ErrorCodes, type HostToWebview, type RequestTypes } from '../../shared/protocol';

const URI = 'file:///work/a.swapsim';

function recordingHost(answer: (method: string, params: unknown) => Promise<unknown> = async () => 'ok'): {
  host: DashboardHost;
  posted: HostToWebview[];
  calls: [string, unknown][];
  rejected: string[];
  events: string[];
} {
  const posted: HostToWebview[] = [];
  const calls: [string, unknown][] = [];
  const rejected: string[] = [];
  const events: string[] = [];
  const host: DashboardHost = {
    uri: URI,
    post: (m) => posted.push(m),
    ready: () => void events.push('ready'),
    request: (method, params) => {
      calls.push([method, params]);
      // The relay passes on whatever the host answers; this host's answers are tokens, not real results.
      return answer(method, params) as Promise<RequestTypes[typeof method]['result']>;
    },
    select: (m) => void events.push(`select ${m.deviceType}:${m.cluster}`),
    shown: (m) => void events.push(`shown ${m.seq}/${m.step}`),
    saveFile: (m) => void events.push(`save ${m.name}`),
    rejected: (reason) => void rejected.push(reason),
  };
  return { host, posted, calls, rejected, events };
}

test("a request reaches the host with the host's own URI and its answer goes back under the same id", async () => {
  const r = recordingHost();
  await relayWebviewMessage(r.host, { type: 'request', id: 3, method: 'swapsim/slot', params: { type: 0, offset: 5 } });
  assert.deepEqual(r.calls, [['swapsim/slot', { uri: URI, type: 0, offset: 5 }]]);
  assert.deepEqual(r.posted, [{ type: 'response', id: 3, result: 'ok' }]);
});

test('the page can only ask about its own session', async () => {
  const r = recordingHost();
  await relayWebviewMessage(r.host, {
    type: 'request',
    id: 4,
    method: 'swapsim/step',
    params: { uri: 'file:///etc/passwd', direction: 'forward' },
  });
  assert.deepEqual(r.calls, []);
  assert.equal(r.posted[0]?.type === 'response' ? r.posted[0].error?.code : undefined, ErrorCodes.NoSession);
});

test('refused messages: malformed, a method the dashboard may not call, bad params; each is answered and reported once', async () => {
  const r = recordingHost();
  await relayWebviewMessage(r.host, { type: 'launch-missiles', id: 9 });
  await relayWebviewMessage(r.host, { type: 'request', id: 10, method: 'swapsim/reset', params: {} });
  await relayWebviewMessage(r.host, {
    type: 'request',
    id: 11,
    method: 'swapsim/step',
    params: { direction: 'sideways' },
  });
  await relayWebviewMessage(r.host, 'not an object');
  assert.deepEqual(r.calls, []);
  const codes = r.posted.map((m) => (m.type === 'response' ? [m.id, m.error?.code] : null));
  assert.deepEqual(codes, [
    [9, ErrorCodes.InvalidRequest],
    [10, ErrorCodes.InvalidRequest],
    [11, ErrorCodes.InvalidParams],
    [-1, ErrorCodes.InvalidRequest],
  ]);
  assert.equal(r.rejected.length, 4);
});

test('an error thrown by the host keeps its code; anything without one is an internal error', async () => {
  const coded = recordingHost(() => Promise.reject({ code: ErrorCodes.StaleSequence, message: 'stale' }));
  await relayWebviewMessage(coded.host, { type: 'request', id: 1, method: 'swapsim/snapshot', params: {} });
  assert.deepEqual(coded.posted, [
    { type: 'response', id: 1, error: { code: ErrorCodes.StaleSequence, message: 'stale' } },
  ]);
  const bare = recordingHost(() => Promise.reject(new TypeError('x is undefined')));
  await relayWebviewMessage(bare.host, { type: 'request', id: 2, method: 'swapsim/snapshot', params: {} });
  assert.deepEqual(bare.posted, [
    { type: 'response', id: 2, error: { code: ErrorCodes.InternalError, message: 'x is undefined' } },
  ]);
});

test('ready, select, shown and saveFile go to the host; state stays with the page', async () => {
  const r = recordingHost();
  for (const m of [
    { type: 'ready' },
    { type: 'select', deviceType: 0, cluster: 7 },
    { type: 'shown', seq: 4, step: 2 },
    { type: 'saveFile', name: 'state.json', mime: 'application/json', dataBase64: 'e30=' },
    { type: 'state', state: {} },
  ]) {
    await relayWebviewMessage(r.host, m);
  }
  assert.deepEqual(r.events, ['ready', 'select 0:7', 'shown 4/2', 'save state.json']);
  assert.deepEqual(r.posted, []);
});
