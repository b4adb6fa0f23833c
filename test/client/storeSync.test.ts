// The client's session copy stays equal to the server's: a snapshot plus the
// deltas pushed since gives what a fresh snapshot says, forward, back and reset.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionStore, type SessionState } from '../../client/session/sessionStore';
import { TestServer } from './realServer';
import { hangGuard } from '../hang_guard';

let server: TestServer;
before(async () => {
  server = await TestServer.start();
});
after(async () => {
  await server.stop();
});

function comparable(state: SessionState | undefined): unknown {
  assert.ok(state !== undefined);
  const byLine = <T extends { range: { start: { line: number } }; step: number }>(xs: T[]): T[] =>
    [...xs].sort((a, b) => a.step - b.step || a.range.start.line - b.range.start.line);
  return {
    status: state.status,
    design: state.design,
    step: state.step,
    devices: [...state.devices.values()].sort((a, b) => a.type - b.type),
    memcgs: [...state.memcgs.values()].sort((a, b) => a.id - b.id),
    expects: byLine(state.expects),
    errors: byLine(state.errors),
  };
}

async function freshCopy(uri: string): Promise<unknown> {
  const store = new SessionStore();
  store.applySnapshot(await server.requester.request('swapsim/snapshot', { uri }));
  return comparable(store.get(uri));
}

test('snapshot + deltas = a fresh snapshot, after every kind of move', async () => {
  const text = [
    'swapon /dev/vda2 size=64M',
    'swapon /dev/vdb size=32M -p 3',
    'mkdir app',
    'task t cgroup=app',
    'mmap t heap 2M populate',
    'pageout t heap',
    'expect /proc/vmstat pswpout == 2M',
    'touch t heap pages=0..9',
    'fork t child',
    'swapoff /dev/vda2',
    'rmdir app',
    'expect error EBUSY',
    'exit child',
  ].join('\n');
  const uri = await server.open('sync.swapsim', text);
  const moves: [string, () => Promise<void>][] = [
    ['step ×3', () => server.step(uri, 'forward', 3)],
    ['step', () => server.step(uri)],
    ['step ×4', () => server.step(uri, 'forward', 4)],
    ['back ×2', () => server.step(uri, 'back', 2)],
    ['run to line 10', () => server.run(uri, 10)],
    ['run', () => server.run(uri)],
    ['goto step 2', async () => void (await server.requester.request('swapsim/gotoStep', { uri, step: 2 }))],
    ['reset', async () => void (await server.requester.request('swapsim/reset', { uri }))],
    ['step ×6', () => server.step(uri, 'forward', 6)],
  ];
  for (const [name, move] of moves) {
    await move();
    assert.deepEqual(comparable(server.store.get(uri)), await freshCopy(uri), `after ${name}`);
  }
});

test("after an edit, the rebuilt session's rewound delta brings the copy to the new text", async () => {
  const uri = await server.open('edit.swapsim', 'swapon /dev/vda2 size=64M\nmkdir app\ntask t cgroup=app\n');
  await server.run(uri);
  assert.equal(server.store.get(uri)?.memcgs.size, 2);
  const seen = server.deltas.length;
  await server.replaceText(uri, 'swapon /dev/vdb size=32M\nswapon /dev/vdc size=16M\n');
  const deadline = Date.now() + hangGuard(10_000);
  while (!server.deltas.slice(seen).some((d) => d.uri === uri && d.rewound)) {
    assert.ok(Date.now() < deadline, 'no rewound delta after the edit');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const state = server.store.get(uri);
  assert.equal(state?.step.index, 0);
  assert.deepEqual(comparable(state), await freshCopy(uri));
  await server.run(uri);
  assert.deepEqual(
    [...(server.store.get(uri)?.devices.values() ?? [])].map((d) => d.path),
    ['/dev/vdb', '/dev/vdc'],
  );
});
