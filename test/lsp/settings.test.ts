// The `swapsim.*` settings reach the sessions of the real server
// (dist/server.js over JSON-RPC): design and geometry fill in what a
// scenario's `config` leaves unset and never override what it says;
// diagnostics are checked against the same machine; changing a setting
// rebuilds the open sessions (a `rewound` delta) under it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import {
  DEFAULT_SETTINGS,
  parseSettings,
  scenarioDefaults,
  scenarioSettingsChanged,
  sessionSettingsChanged,
} from '../../server/lsp/settings';
import type { SessionSnapshot } from '../../shared/protocol';
import { LspClient, freshUri, messageText } from './client';
import { hangGuard } from '../hang_guard';

let client: LspClient;
before(async () => {
  client = await LspClient.start({ settings: {} });
});
after(async () => {
  await client.shutdown();
});

/** 1M paged out to a 64M partition: 256 pages of 4K, 64 of 16K. */
const PAGEOUT_1M = [
  'swapon /dev/vda2 size=64M',
  'task t',
  'mmap t heap 1M populate',
  'pageout t heap',
  'expect /proc/swaps /dev/vda2 Used == 1M',
];

async function open(lines: readonly string[]): Promise<string> {
  const uri = freshUri('settings');
  await client.open(uri, lines.join('\n'));
  await client.diagnosticsFor(uri);
  return uri;
}

function snapshot(uri: string): Promise<SessionSnapshot> {
  return client.request<SessionSnapshot>('swapsim/snapshot', { uri });
}

/** Poll `check` (LspClient.waitFor only looks again when a notification arrives, and a pull is a request). */
async function pollUntil(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + hangGuard(ms);
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Answer the server's next pull with `settings`, tell it they changed, and wait for the pull. */
async function changeSettings(settings: Record<string, unknown>): Promise<void> {
  const pulls = client.configurationRequests.length;
  client.settings = settings;
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await pollUntil('the server to pull the settings', () => client.configurationRequests.length > pulls);
}

/** Change the settings and wait until each of `uris` (all with sessions) has been rebuilt. */
async function changeSettingsAndRebuild(settings: Record<string, unknown>, uris: readonly string[]): Promise<void> {
  const since = client.deltas.length;
  await changeSettings(settings);
  for (const uri of uris)
    await client.waitFor(`a rebuild of ${uri}`, () =>
      client.deltas.slice(since).some((d) => d.uri === uri && d.rewound === true),
    );
}

/** Diagnostics published after `since` publications for `uri` (the document's version does not change with settings). */
async function republished(uri: string, since: number): Promise<Diagnostic[]> {
  await client.waitFor(`diagnostics of ${uri} again`, () => (client.diagnostics.get(uri)?.length ?? 0) > since);
  const list = client.diagnostics.get(uri) ?? [];
  return list[list.length - 1]?.diagnostics ?? [];
}

function publications(uri: string): number {
  return client.diagnostics.get(uri)?.length ?? 0;
}

async function runToEnd(uri: string): Promise<SessionSnapshot> {
  await client.request('swapsim/run', { uri });
  return snapshot(uri);
}

test('geometry settings parse to bytes and slots; anything else is the default machine', () => {
  assert.deepEqual(
    parseSettings({ geometry: { pageSize: '16K', clusterSlots: 2048, cpus: 8, ram: '512M' } }).geometry,
    {
      pageSize: 16384,
      clusterSlots: 2048,
      cpus: 8,
      ramBytes: 512 * 1024 ** 2,
    },
  );
  for (const geometry of [
    { pageSize: '8K', clusterSlots: 1000, cpus: 0, ram: 'lots' },
    { pageSize: 4096, clusterSlots: '512', cpus: 2000, ram: -1 },
    'none',
  ]) {
    assert.deepEqual(parseSettings({ geometry }).geometry, DEFAULT_SETTINGS.geometry, JSON.stringify(geometry));
  }
  assert.deepEqual(scenarioDefaults(DEFAULT_SETTINGS), {
    kernel: '7.2',
    pageSize: 4096,
    cpus: 4,
    ramBytes: 4 * 1024 ** 3,
  });
  const p3 = parseSettings({ design: 'p3', geometry: { clusterSlots: 256 } });
  assert.deepEqual(scenarioDefaults(p3), {
    design: 'p3',
    kernel: '7.2',
    pageSize: 4096,
    clusterSlots: 256,
    cpus: 4,
    ramBytes: 4 * 1024 ** 3,
  });
  assert.equal(scenarioSettingsChanged(DEFAULT_SETTINGS, p3), true);
  assert.equal(
    scenarioSettingsChanged(
      DEFAULT_SETTINGS,
      parseSettings({ inlayHints: { enabled: false }, limits: { maxSteps: 5 } }),
    ),
    false,
  );
  assert.equal(sessionSettingsChanged(DEFAULT_SETTINGS, parseSettings({ limits: { maxSteps: 5 } })), true);
  assert.equal(sessionSettingsChanged(DEFAULT_SETTINGS, parseSettings({ limits: { sessionMemoryMB: 64 } })), false);
});

test('design: scenarios without `config design=` run under the setting; a named design and Select Design Profile win', async () => {
  const plain = await open(PAGEOUT_1M);
  const named = await open(['config design=legacy', ...PAGEOUT_1M]);
  const chosen = await open(PAGEOUT_1M);
  assert.equal((await snapshot(plain)).design, 'p4');
  assert.equal((await snapshot(named)).design, 'legacy');
  await client.request('swapsim/setDesign', { uri: chosen, design: 'ghost' });
  await client.request('swapsim/step', { uri: plain, direction: 'forward', count: 2 });

  await changeSettingsAndRebuild({ design: 'p3' }, [plain, named, chosen]);
  const after = await snapshot(plain);
  assert.equal(after.design, 'p3');
  assert.equal(after.step.index, 0, 'a rebuilt session starts over');
  assert.equal((await snapshot(named)).design, 'legacy');
  assert.equal((await snapshot(chosen)).design, 'ghost');
  // A document opened now gets the setting from its first build.
  assert.equal((await snapshot(await open(PAGEOUT_1M))).design, 'p3');

  await changeSettingsAndRebuild({}, [plain]);
  assert.equal((await snapshot(plain)).design, 'p4');
});

test('kernel: scenarios without `config kernel=` run under the setting, with its design unless one is set', async () => {
  assert.equal(parseSettings({ kernel: '6.12' }).kernel, '6.12');
  assert.equal(parseSettings({ kernel: '5.4' }).kernel, '7.2');
  const plain = await open(PAGEOUT_1M);
  const named = await open(['config kernel=7.2', ...PAGEOUT_1M]);
  assert.deepEqual([(await snapshot(plain)).kernel, (await snapshot(plain)).design], ['7.2', 'p4']);
  await changeSettingsAndRebuild({ kernel: '6.12' }, [plain]);
  const after = await snapshot(plain);
  assert.deepEqual([after.kernel, after.design], ['6.12', 'legacy']);
  assert.equal((await snapshot(named)).kernel, '7.2');
  await changeSettingsAndRebuild({}, [plain]);
  assert.equal((await snapshot(plain)).kernel, '7.2');
});

test('geometry.pageSize: sessions and diagnostics use it where the scenario does not say', async () => {
  const plain = await open(PAGEOUT_1M);
  const named = await open(['config page_size=4K', ...PAGEOUT_1M]);
  // 4100K is 1025 pages of 4K (fine) but not a whole number of 16K pages.
  const odd = await open(['config ram=4100K', ...PAGEOUT_1M]);
  assert.deepEqual(await client.diagnosticsFor(odd), []);
  let snap = await runToEnd(plain);
  assert.deepEqual([snap.pageSize, snap.clusterSlots, snap.devices[0]?.inuse], [4096, 512, 256]);
  assert.equal((await snapshot(named)).pageSize, 4096);

  const seen = publications(odd);
  const since = client.deltas.length;
  await changeSettingsAndRebuild({ geometry: { pageSize: '16K' } }, [plain, named]);
  // The rebuild delta tells views the new geometry.
  const rebuild = client.deltas.slice(since).find((d) => d.uri === plain && d.rewound === true);
  assert.deepEqual([rebuild?.pageSize, rebuild?.clusterSlots], [16384, 2048]);
  snap = await runToEnd(plain);
  // 16K pages: HPAGE_PMD_NR is 2048, and 1M is 64 pages.
  assert.deepEqual([snap.pageSize, snap.clusterSlots, snap.devices[0]?.inuse], [16384, 2048, 64]);
  assert.deepEqual(
    snap.expects.map((e) => e.passed),
    [true],
  );
  snap = await runToEnd(named);
  assert.deepEqual([snap.pageSize, snap.devices[0]?.inuse], [4096, 256]);
  const diagnostics = await republished(odd, seen);
  assert.ok(
    diagnostics.some((d) => d.code === 'SS306' && /16K/.test(messageText(d.message))),
    `ram=4100K is not whole 16K pages: ${JSON.stringify(diagnostics.map((d) => [d.code, messageText(d.message)]))}`,
  );
  assert.equal((await snapshot(odd)).status, 'invalid');

  await changeSettingsAndRebuild({}, [plain]);
  assert.equal((await snapshot(plain)).pageSize, 4096);
  assert.deepEqual(await republished(odd, publications(odd) - 1), []);
});

test('geometry.clusterSlots: 256 gives small clusters; a size that does not fit the scenario is ignored for it', async () => {
  const plain = await open(PAGEOUT_1M);
  const noThp = await open(['config thp_swap=off', ...PAGEOUT_1M]);
  assert.equal((await snapshot(plain)).clusterSlots, 512);
  assert.equal((await snapshot(noThp)).clusterSlots, 256);

  await changeSettingsAndRebuild({ geometry: { clusterSlots: 256 } }, [plain, noThp]);
  const snap = await runToEnd(plain);
  assert.equal(snap.clusterSlots, 256);
  // 64M of 4K pages in 256-slot clusters.
  assert.equal(snap.devices[0]?.clusters, 64);

  // 2048 is HPAGE_PMD_NR of 16K pages, not of 4K: the scenario keeps 512.
  await changeSettingsAndRebuild({ geometry: { clusterSlots: 2048 } }, [plain]);
  assert.equal((await snapshot(plain)).clusterSlots, 512);
  await changeSettingsAndRebuild({ geometry: { pageSize: '16K', clusterSlots: 2048 } }, [plain]);
  assert.equal((await snapshot(plain)).clusterSlots, 2048);
  // thp_swap=off means 256-slot clusters whatever the setting.
  await changeSettingsAndRebuild({ geometry: { clusterSlots: 512 } }, [plain, noThp]);
  assert.equal((await snapshot(noThp)).clusterSlots, 256);
  await changeSettingsAndRebuild({}, [plain]);
});

test('geometry.cpus: `task … cpu=N` is checked against the setting', async () => {
  const uri = await open(['swapon /dev/vda2 size=64M', 'task t cpu=6', 'mmap t heap 1M populate', 'pageout t heap']);
  const before = await client.diagnosticsFor(uri);
  assert.ok(
    before.some((d) => d.code === 'SS409'),
    `cpu=6 needs more than 4 CPUs: ${JSON.stringify(before.map((d) => d.code))}`,
  );
  assert.equal((await snapshot(uri)).status, 'invalid');

  const seen = publications(uri);
  await changeSettingsAndRebuild({ geometry: { cpus: 8 } }, [uri]);
  assert.deepEqual(await republished(uri, seen), []);
  const snap = await runToEnd(uri);
  assert.equal(snap.status, 'finished');
  await changeSettingsAndRebuild({}, [uri]);
});

test('geometry.ram: the machine has that much RAM; a size that is not whole pages falls back to 4G', async () => {
  const uri = await open(['expect /proc/meminfo MemTotal == 1G']);
  const fourG = (await runToEnd(uri)).expects[0];
  assert.equal(fourG?.passed, false);
  await changeSettingsAndRebuild({ geometry: { ram: '1G' } }, [uri]);
  assert.equal((await runToEnd(uri)).expects[0]?.passed, true);
  // 1G + 1K is not a whole number of 4K pages: the scenario gets the usual 4G.
  await changeSettingsAndRebuild({ geometry: { ram: '1048577K' } }, [uri]);
  const snap = await runToEnd(uri);
  assert.deepEqual([snap.expects[0]?.passed, snap.expects[0]?.actual], [false, fourG?.actual]);
  await changeSettingsAndRebuild({}, [uri]);
});

test('checkInvariants, the invariant mode and the step and undo limits rebuild open sessions; inlay hints and memory budget do not', async () => {
  const uri = await open(PAGEOUT_1M);
  await client.request('swapsim/step', { uri, direction: 'forward', count: 3 });
  for (const settings of [
    { checkInvariants: false },
    { checkInvariants: false, limits: { maxSteps: 10 } },
    { checkInvariants: false, limits: { maxSteps: 10, undoMemoryMB: 5 } },
    { checkInvariants: false, invariants: 'full', limits: { maxSteps: 10, undoMemoryMB: 5 } },
  ]) {
    await changeSettingsAndRebuild(settings, [uri]);
    assert.equal((await snapshot(uri)).step.index, 0);
    await client.request('swapsim/step', { uri, direction: 'forward', count: 2 });
  }
  const since = client.deltas.length;
  await changeSettings({
    checkInvariants: false,
    invariants: 'full',
    limits: { maxSteps: 10, undoMemoryMB: 5, sessionMemoryMB: 64 },
    inlayHints: { enabled: false },
  });
  const snap = await snapshot(uri);
  assert.equal(snap.step.index, 2, 'the session kept its step');
  assert.ok(!client.deltas.slice(since).some((d) => d.uri === uri && d.rewound === true), 'no rebuild');
  await changeSettingsAndRebuild({}, [uri]);
});

test('clients without workspace/configuration push the settings with the notification', async () => {
  const pushing = await LspClient.start();
  try {
    const uri = freshUri('settings-push');
    await pushing.open(uri, PAGEOUT_1M.join('\n'));
    await pushing.diagnosticsFor(uri);
    assert.equal((await pushing.request<SessionSnapshot>('swapsim/snapshot', { uri })).pageSize, 4096);
    const since = pushing.deltas.length;
    await pushing.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { swapsim: { design: 'p1', geometry: { pageSize: '64K' } } },
    });
    await pushing.waitFor('a rebuild', () =>
      pushing.deltas.slice(since).some((d) => d.uri === uri && d.rewound === true),
    );
    const snap = await pushing.request<SessionSnapshot>('swapsim/snapshot', { uri });
    assert.deepEqual([snap.design, snap.pageSize, snap.clusterSlots], ['p1', 65536, 8192]);
  } finally {
    await pushing.shutdown();
  }
});
