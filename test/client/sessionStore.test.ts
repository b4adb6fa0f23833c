// The client's copy of a session: snapshots, deltas, focus (client/session/sessionStore.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionStore, type StoreChange } from '../../client/session/sessionStore';
import type { DeviceSummary, ExpectResult, SessionDelta, SessionSnapshot } from '../../shared/protocol';

const URI = 'file:///s.swapsim';
const range = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 10 } });

function device(type: number, inuse: number): DeviceSummary {
  return {
    type,
    path: `/dev/vd${type}`,
    typeName: 'partition',
    kind: 'partition',
    prio: -1,
    maxSlots: 16384,
    pages: 16383,
    inuse,
    clusters: 32,
    clusterSlots: 512,
    lists: { free: 31, nonfull: 1, frag: 0, full: 0, discard: 0 },
    solidState: true,
    synchronousIo: false,
    onAvailList: true,
    swapoffInProgress: false,
    tier: null,
  };
}

function snapshot(seq: number, extra: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    uri: URI,
    seq,
    status: 'ready',
    design: 'p4',
    kernel: '7.2',
    pageSize: 4096,
    clusterSlots: 512,
    step: { index: 0, total: 5, range: null, next: range(0) },
    devices: [],
    memcgs: [],
    counters: {
      swaps: [],
      free: { total: 0, used: 0, free: 0 },
      freeMem: { total: 0, used: 0, free: 0, shared: 0, buffCache: 0, available: 0 },
      meminfo: {},
      vmstat: {},
      mthp: {},
      zswap: {},
    },
    expects: [],
    errors: [],
    ...extra,
  };
}

function delta(seq: number, step: number, extra: Partial<SessionDelta> = {}): SessionDelta {
  return {
    uri: URI,
    seq,
    status: 'ready',
    design: 'p4',
    kernel: '7.2',
    step: { index: step, total: 5, range: range(step - 1), next: range(step) },
    devices: [],
    removedDevices: [],
    clusters: [],
    clustersOverflow: [],
    changedSlots: {},
    memcgs: [],
    removedMemcgs: [],
    counters: {},
    events: [],
    eventsTotal: step,
    expects: [],
    errors: [],
    rewound: false,
    ...extra,
  };
}

const expectAt = (line: number, step: number, passed = true): ExpectResult => ({
  range: range(line),
  text: 'expect x == 1',
  passed,
  actual: '1',
  expected: '1',
  step,
});

test('deltas apply on top of a snapshot; older ones are ignored', () => {
  const store = new SessionStore();
  const changes: StoreChange[] = [];
  store.onDidChange((c) => changes.push(c));
  assert.equal(store.applySnapshot(snapshot(3)), true);
  assert.equal(store.applyDelta(delta(4, 1, { devices: [device(0, 1)] })), 'applied');
  assert.equal(store.applyDelta(delta(4, 1)), 'stale');
  assert.equal(store.applyDelta(delta(2, 0)), 'stale');
  const state = store.get(URI);
  assert.equal(state?.seq, 4);
  assert.equal(state?.step.index, 1);
  assert.equal(state?.devices.get(0)?.inuse, 1);
  assert.deepEqual(
    changes.map((c) => c.kind),
    ['snapshot', 'delta'],
  );
  assert.equal(store.applySnapshot(snapshot(3)), false, 'an older snapshot does not roll the state back');
  assert.equal(store.applySnapshot(snapshot(1), true), true, 'unless the server rebuilt the session');
  assert.equal(store.get(URI)?.seq, 1);
});

test('a delta that skips a number is a gap: not applied, so the state never mixes two sessions (issue #22)', () => {
  const store = new SessionStore();
  store.applySnapshot(snapshot(3));
  assert.equal(store.applyDelta(delta(4, 1)), 'applied');
  // The server dropped and rebuilt the session: numbering goes on with a gap.
  assert.equal(store.applyDelta(delta(6, 1, { rewound: true })), 'gap');
  assert.equal(store.get(URI)?.seq, 4);
  assert.equal(store.get(URI)?.step.index, 1);
  // The snapshot the caller fetched then continues the numbering.
  store.applySnapshot(snapshot(6), true);
  assert.equal(store.applyDelta(delta(7, 1)), 'applied');
});

test('deltas that arrive before the first snapshot wait for it', () => {
  const store = new SessionStore();
  assert.equal(store.applyDelta(delta(5, 1, { devices: [device(0, 7)] })), 'pending');
  assert.equal(store.applyDelta(delta(6, 2, { devices: [device(0, 9)] })), 'pending');
  store.applySnapshot(
    snapshot(5, { devices: [device(0, 7)], step: { index: 1, total: 5, range: range(0), next: range(1) } }),
  );
  const state = store.get(URI);
  assert.equal(state?.seq, 6, 'the delta newer than the snapshot was replayed');
  assert.equal(state?.devices.get(0)?.inuse, 9);
});

test('removed devices and memcgs go; expects of undone steps are dropped on rewind', () => {
  const store = new SessionStore();
  store.applySnapshot(snapshot(1, { devices: [device(0, 0), device(1, 0)] }));
  store.applyDelta(delta(2, 1, { expects: [expectAt(3, 1)] }));
  store.applyDelta(
    delta(3, 2, {
      expects: [expectAt(4, 2, false)],
      errors: [{ range: range(5), errno: 'EINVAL', message: 'bad', step: 2, expected: false }],
    }),
  );
  // A repeat runs line 4 again at step 3: a second occurrence, not a duplicate.
  store.applyDelta(delta(4, 3, { expects: [expectAt(4, 3)] }));
  store.applyDelta(delta(5, 3, { expects: [expectAt(4, 3)] }));
  assert.deepEqual(
    store.get(URI)?.expects.map((x) => `${x.range.start.line}@${x.step}`),
    ['3@1', '4@2', '4@3'],
  );
  store.applyDelta(delta(6, 1, { rewound: true, removedDevices: [1] }));
  const state = store.get(URI);
  assert.deepEqual(
    state?.expects.map((x) => `${x.range.start.line}@${x.step}`),
    ['3@1'],
  );
  assert.deepEqual(state?.errors, []);
  assert.deepEqual([...(state?.devices.keys() ?? [])], [0]);
});

test('a rebuild delta brings the new page and cluster size (a geometry setting changed); others keep them', () => {
  const store = new SessionStore();
  store.applySnapshot(snapshot(1));
  store.applyDelta(delta(2, 1));
  assert.deepEqual([store.get(URI)?.pageSize, store.get(URI)?.clusterSlots], [4096, 512]);
  store.applyDelta(delta(3, 0, { rewound: true, design: 'p3', pageSize: 16384, clusterSlots: 2048 }));
  const state = store.get(URI);
  assert.deepEqual([state?.design, state?.pageSize, state?.clusterSlots], ['p3', 16384, 2048]);
  store.applyDelta(delta(4, 1));
  assert.deepEqual([store.get(URI)?.pageSize, store.get(URI)?.clusterSlots], [16384, 2048]);
});

test('focus follows the scenario the user looks at; closing forgets the session', () => {
  const store = new SessionStore();
  const focus: (string | undefined)[] = [];
  store.onDidChangeFocus((uri) => focus.push(uri));
  store.applySnapshot(snapshot(1));
  store.focus(URI);
  store.focus(URI);
  assert.equal(store.focusedState()?.uri, URI);
  store.close(URI);
  assert.equal(store.get(URI), undefined);
  assert.deepEqual(focus, [URI, undefined]);
});
