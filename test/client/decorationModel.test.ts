// What the stepping decorations mark (client/editor/decorationModel.ts), for runs of the real server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DECORATION_STYLES, decorationsFor } from '../../client/editor/decorationModel';
import { TestServer } from './realServer';

let server: TestServer;
before(async () => {
  server = await TestServer.start();
});
after(async () => {
  await server.stop();
});

const TEXT = [
  'swapon /dev/vda2 size=64M',
  'mkdir app',
  'task t cgroup=app',
  'mmap t heap 1M populate',
  'reclaim app 100M',
  'expect /proc/vmstat pswpout == 1M',
  'expect /proc/vmstat pswpout == 2M',
  'rmdir app',
  'expect error EBUSY',
].join('\n');

test('before the first step only the next statement is marked', async () => {
  const uri = await server.open('decorations-start.swapsim', TEXT);
  const drawn = decorationsFor(server.store.get(uri) ?? assert.fail('no state'));
  assert.deepEqual(drawn.last, []);
  assert.deepEqual(
    drawn.next.map((r) => r.start.line),
    [0],
  );
  assert.deepEqual(drawn.failed, []);
});

test('one "where am I" marker: the next line carries the line highlight, the line just run only a subtle gutter mark (issue #22)', () => {
  assert.equal(DECORATION_STYLES.next.lineHighlight, 'step');
  assert.equal(DECORATION_STYLES.last.lineHighlight, null, 'never two line highlights at once');
  assert.notEqual(DECORATION_STYLES.next.gutterIcon, DECORATION_STYLES.last.gutterIcon);
});

test('while a debug session debugs the document, the next line is VS Code’s top frame: ours steps aside', async () => {
  const uri = await server.open('decorations-debugged.swapsim', TEXT);
  await server.step(uri, 'forward', 2);
  const state = server.store.get(uri) ?? assert.fail('no state');
  assert.deepEqual(
    decorationsFor(state).next.map((r) => r.start.line),
    [2],
  );
  assert.deepEqual(decorationsFor(state, true).next, []);
  assert.deepEqual(
    decorationsFor(state, true).last.map((r) => r.start.line),
    [1],
    'the line just run keeps its subtle mark',
  );
});

test('mid-run: the statement just run and the next one', async () => {
  const uri = await server.open('decorations-mid.swapsim', TEXT);
  await server.step(uri, 'forward', 3);
  const drawn = decorationsFor(server.store.get(uri) ?? assert.fail('no state'));
  assert.deepEqual(
    drawn.last.map((r) => r.start.line),
    [2],
  );
  assert.deepEqual(
    drawn.next.map((r) => r.start.line),
    [3],
  );
});

test('at the end: unexpected errors and failed expects are marked, accepted errors are not', async () => {
  const uri = await server.open('decorations-end.swapsim', TEXT);
  await server.run(uri);
  const drawn = decorationsFor(server.store.get(uri) ?? assert.fail('no state'));
  assert.deepEqual(drawn.next, []);
  assert.deepEqual(
    drawn.last.map((r) => r.start.line),
    [8],
  );
  assert.deepEqual(
    drawn.failed.map((f) => f.range.start.line),
    [4, 6],
    'the reclaim that fell short (EAGAIN) and the wrong pswpout; the EBUSY rmdir was expected',
  );
  assert.match(drawn.failed[0].text, /^EAGAIN: /);
  assert.match(drawn.failed[1].text, /^expected == 512 pages, got 256 pages \(step 7\)$/);
  assert.deepEqual(
    drawn.passed.map((r) => r.start.line).sort((a, b) => a - b),
    [5, 8],
  );
});
