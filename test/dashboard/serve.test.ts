// `swapsim serve`: the HTTP side (page, CSP, loopback-only, host and origin
// checks) and the WebSocket protocol against a real session, including what
// happens to malformed messages (an error response and no effect).
import assert from 'node:assert/strict';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ErrorCodes, type HostToWebview, type SessionDelta } from '../../shared/protocol';
import { FIXTURES, ProtocolClient, startServe, type ServeProcess } from './harness';

const SCENARIO = path.join(FIXTURES, 'dashboard.swapsim');

function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('swapsim serve', () => {
  let serve: ServeProcess;
  let client: ProtocolClient;

  before(async () => {
    serve = await startServe(SCENARIO);
    client = await ProtocolClient.connect(serve.url);
  });

  after(async () => {
    client?.close();
    await serve?.stop();
  });

  test('listens on 127.0.0.1 only and prints the address', () => {
    assert.match(serve.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.ok(serve.port > 0);
  });

  test('serves the page with a strict CSP header matching its meta tag', async () => {
    const res = await get(serve.url);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    const header = String(res.headers['content-security-policy']);
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(res.body)?.[1];
    assert.ok(meta !== undefined, 'the page carries a CSP meta tag');
    const nonce = /script-src 'nonce-([^']+)'/.exec(header)?.[1];
    assert.ok(nonce !== undefined, 'scripts are allowed by nonce only');
    // Meta and header say the same; the header adds what only a header can (frame-ancestors).
    assert.equal(header, `${meta.replace(/&#39;/g, "'")}; frame-ancestors 'none'`);
    for (const directive of [
      "default-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      `connect-src ws://127.0.0.1:${serve.port} ws://localhost:${serve.port}`,
    ]) {
      assert.ok(header.includes(directive), `CSP has ${directive}`);
    }
    assert.doesNotMatch(
      header,
      /unsafe-inline|unsafe-eval|\*|https?:/,
      'no unsafe keywords, wildcards or remote sources',
    );
    // Exactly one script, external, carrying the nonce; no inline script and no inline style.
    const scripts = [...res.body.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(
      scripts[0]![1]!,
      new RegExp(`nonce="${nonce.replace(/[+/]/g, (c) => `\\${c}`)}" src="/media/dashboard.js"`),
    );
    assert.equal(scripts[0]![2]!.trim(), '');
    assert.doesNotMatch(res.body, /\sstyle="|<style/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    // A fresh nonce per load.
    const again = await get(serve.url);
    assert.notEqual(/script-src 'nonce-([^']+)'/.exec(String(again.headers['content-security-policy']))?.[1], nonce);
  });

  test('serves the bundle and stylesheets, and nothing else', async () => {
    for (const file of ['dashboard.js', 'dashboard.css', 'dashboard-standalone.css']) {
      const res = await get(`${serve.url}media/${file}`);
      assert.equal(res.status, 200, file);
      assert.ok(res.body.length > 1000, `${file} has content`);
    }
    for (const bad of [
      'media/../cli.js',
      'media/%2e%2e/cli.js',
      'media/server.js',
      'cli.js',
      'media/.hidden.js',
      'package.json',
    ]) {
      const res = await get(`${serve.url}${bad}`);
      assert.equal(res.status, 404, bad);
    }
    assert.equal((await get(serve.url, {}, 'POST')).status, 405);
  });

  test('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const res = await get(serve.url, { Host: `evil.example:${serve.port}` });
    assert.equal(res.status, 403);
    await assert.rejects(ProtocolClient.connect(serve.url, { Host: `evil.example:${serve.port}` }), /403/);
  });

  test('refuses WebSockets opened by pages of another origin', async () => {
    await assert.rejects(ProtocolClient.connect(serve.url, { Origin: 'http://evil.example' }), /403/);
    const ok = await ProtocolClient.connect(serve.url, { Origin: `http://localhost:${serve.port}` });
    ok.close();
  });

  test('answers ready with init: the session snapshot of the file', async () => {
    const init = await client.init();
    assert.equal(init.uri, `file://${SCENARIO}`);
    assert.equal(init.snapshot.uri, init.uri);
    assert.equal(init.snapshot.design, 'p4');
    assert.equal(init.snapshot.step.index, 0);
    assert.ok(init.snapshot.step.total >= 20);
    assert.deepEqual(init.snapshot.devices, []);
  });

  test('a step sends the delta to every page before the response', async () => {
    const other = await ProtocolClient.connect(serve.url);
    await other.init();
    const before = client.messages.length;
    const info = await client.request('swapsim/step', { direction: 'forward', count: 3 });
    assert.equal(info.index, 3);
    const tail = client.messages.slice(before);
    const deltaAt = tail.findIndex((m) => m.type === 'delta');
    const responseAt = tail.findIndex((m) => m.type === 'response');
    assert.ok(deltaAt >= 0 && deltaAt < responseAt, 'delta first, then the response');
    const delta = (tail[deltaAt] as Extract<HostToWebview, { type: 'delta' }>).delta;
    assert.equal(delta.step.index, 3);
    assert.deepEqual(
      delta.devices.map((d) => d.path),
      ['/dev/vda2', '/dev/vdb1'],
    );
    const seen = (await other.next((m) => m.type === 'delta')) as Extract<HostToWebview, { type: 'delta' }>;
    assert.equal(seen.delta.seq, delta.seq, 'the other page got the same delta');
    other.close();
  });

  test('on-demand requests return real session data', async () => {
    await client.request('swapsim/gotoStep', { step: 12 });
    const snap = await client.request('swapsim/snapshot', {});
    const vda2 = snap.devices.find((d) => d.path === '/dev/vda2');
    assert.ok(vda2 !== undefined && vda2.inuse > 0, 'pages were swapped out by step 12');
    const map = await client.request('swapsim/clusterMap', { type: vda2.type, bins: vda2.clusters });
    assert.equal(map.list.length, vda2.clusters);
    const used = map.fill.findIndex((f) => f > 0);
    assert.ok(used >= 0);
    const detail = await client.request('swapsim/cluster', { type: vda2.type, cluster: used });
    assert.equal(detail.backing.length, vda2.clusterSlots);
    const slot = detail.backing.findIndex((b) => b !== 'free' && b !== 'bad' && b !== 'header');
    const record = await client.request('swapsim/slot', { type: vda2.type, offset: used * vda2.clusterSlots + slot });
    assert.equal(record.cluster, used);
    assert.equal(record.backing, detail.backing[slot]);
    assert.ok(record.encodings.length > 0);
  });

  test('malformed messages get an error response and change nothing', async () => {
    const before = await client.request('swapsim/snapshot', {});
    const deltasBefore = client.messages.filter((m) => m.type === 'delta').length;
    const errors: { send: () => void; id: number; code: number }[] = [
      { send: () => client.sendRaw('{not json'), id: -1, code: -32700 },
      {
        send: () =>
          client.send({
            type: 'request',
            id: 7001,
            method: 'swapsim/step',
            params: { uri: client.uri, direction: 'sideways' },
          }),
        id: 7001,
        code: ErrorCodes.InvalidParams,
      },
      {
        send: () => client.send({ type: 'request', id: 7002, method: 'swapsim/reset', params: { uri: client.uri } }),
        id: 7002,
        code: -32600,
      },
      {
        send: () =>
          client.send({ type: 'request', id: 7003, method: 'swapsim/gotoStep', params: { uri: client.uri, step: -4 } }),
        id: 7003,
        code: ErrorCodes.InvalidParams,
      },
      {
        send: () =>
          client.send({
            type: 'request',
            id: 7004,
            method: 'swapsim/step',
            params: { uri: 'file:///etc/passwd', direction: 'forward' },
          }),
        id: 7004,
        code: ErrorCodes.NoSession,
      },
      { send: () => client.send({ type: 'launch-missiles' }), id: -1, code: -32600 },
      {
        send: () => client.send({ type: 'saveFile', name: '../../x', mime: 'text/plain', dataBase64: 'aGk=' }),
        id: -1,
        code: -32600,
      },
      {
        send: () =>
          client.send({
            type: 'request',
            id: 7005,
            method: 'swapsim/clusterMap',
            params: { uri: client.uri, type: 0, bins: 100000 },
          }),
        id: 7005,
        code: ErrorCodes.InvalidParams,
      },
      {
        send: () =>
          client.send({
            type: 'request',
            id: 7006,
            method: 'swapsim/slot',
            params: { uri: client.uri, type: 0, offset: 1e12 },
          }),
        id: 7006,
        code: ErrorCodes.InvalidParams,
      },
    ];
    for (const { send, id, code } of errors) {
      const answer = client.waitNew((m) => m.type === 'response' && m.id === id && m.error !== undefined);
      send();
      const response = (await answer) as Extract<HostToWebview, { type: 'response' }>;
      assert.equal(response.error?.code, code, `error code for message ${id}: ${response.error?.message}`);
    }
    const afterSnap = await client.request('swapsim/snapshot', {});
    assert.equal(afterSnap.seq, before.seq, 'no state change');
    assert.equal(afterSnap.step.index, before.step.index);
    assert.equal(client.messages.filter((m) => m.type === 'delta').length, deltasBefore, 'no delta was sent');
  });

  test('stepping back sends a rewound delta', async () => {
    const pending = client.waitNew((m) => m.type === 'delta');
    await client.request('swapsim/step', { direction: 'back', count: 2 });
    const delta: SessionDelta = ((await pending) as Extract<HostToWebview, { type: 'delta' }>).delta;
    assert.equal(delta.rewound, true);
    assert.equal(delta.step.index, 10);
  });

  test('stops cleanly on SIGINT', async () => {
    const own = await startServe(SCENARIO);
    const socket = await ProtocolClient.connect(own.url);
    const closed = new Promise<number>((resolve) => socket.socket.once('close', (code) => resolve(code)));
    const result = await own.stop();
    assert.equal(result.code, 0, own.output());
    assert.equal(await closed, 1001, 'open pages are told the server is going away');
    assert.match(own.output(), /swapsim: stopped/);
  });

  test('rejects a scenario with errors, and bad arguments', async () => {
    await assert.rejects(startServe(path.join(FIXTURES, 'missing.swapsim')), /exited with 1[\s\S]*cannot read/);
    await assert.rejects(
      startServe(path.join(FIXTURES, 'invalid.swapsim')),
      /exited with 1[\s\S]*invalid\.swapsim:3:1: error SS101/,
    );
    await assert.rejects(startServe(SCENARIO, ['--port', 'http']), /exited with 2/);
  });
});
