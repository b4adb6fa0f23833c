// The Devices view against the real server: grouping, interned ids, filters,
// lazy tooltips, reveal paths and which subtrees a delta refreshes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { DevicesTreeProvider, type DeviceTreeNode } from '../../client/trees/devices/provider';
import { MAX_CHILDREN } from '../../client/trees/grouping';
import { fakeUi, NEVER_CANCELLED } from './fake-vscode';
import { TestServer } from './realServer';

const TWO_DEVICES = [
  'config design=p4 page_size=4K ram=1G',
  'swapon /dev/vda2 size=64M -p 5',
  'swapon /dev/vdb size=32M',
  'mkdir app',
  'task t cgroup=app',
  'mmap t heap 1M populate',
  'pageout t heap',
].join('\n');

const ONE_TIB = [
  'config design=p4 page_size=4K ram=1G',
  'swapon /dev/nvme0n1 size=1T',
  'task t',
  'mmap t heap 4M populate',
  'pageout t heap',
].join('\n');

let server: TestServer;
before(async () => {
  server = await TestServer.start();
});
after(async () => {
  await server.stop();
});

function provider(): DevicesTreeProvider {
  return new DevicesTreeProvider({ ui: fakeUi, store: server.store, server: server.requester });
}

/** Every refresh the provider asks VS Code for, in order. */
function recordRefreshes(tree: DevicesTreeProvider): (DeviceTreeNode | DeviceTreeNode[] | undefined)[] {
  const fired: (DeviceTreeNode | DeviceTreeNode[] | undefined)[] = [];
  tree.onDidChangeTreeData((e) =>
    fired.push(e === null ? undefined : (e as DeviceTreeNode | DeviceTreeNode[] | undefined)),
  );
  return fired;
}

function kindsOf(nodes: DeviceTreeNode[]): string[] {
  return [...new Set(nodes.map((n) => n.kind))];
}

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

test('devices are listed by swap type with their /proc/swaps figures, and the same objects each time', async () => {
  const uri = await server.open('two-devices.swapsim', TWO_DEVICES);
  await server.run(uri);
  const tree = provider();
  const roots = await tree.getChildren();
  assert.deepEqual(
    roots.map((n) => (n.kind === 'device' ? [n.type, n.summary.path] : n.kind)),
    [
      [0, '/dev/vda2'],
      [1, '/dev/vdb'],
    ],
  );
  const vda2 = tree.getTreeItem(roots[0]);
  assert.equal(label(vda2), '/dev/vda2');
  // 64M is 16,384 slots, the header excluded: 65,532 KiB; 1M of pages swapped out: 1,024 KiB used.
  assert.equal(vda2.description, 'partition · prio 5 · 1024 / 65532 KiB');
  assert.equal(vda2.contextValue, 'swapsim.device');
  assert.notEqual(vda2.id, tree.getTreeItem(roots[1]).id);
  const again = await tree.getChildren();
  assert.ok(
    again[0] === roots[0] && again[1] === roots[1],
    'nodes are interned: VS Code and reveal() rely on identity',
  );
  assert.equal(tree.getParent(roots[0]), undefined);
  tree.dispose();
});

test('only clusters in use are listed until free clusters are asked for', async () => {
  const uri = await server.open('two-devices-filter.swapsim', TWO_DEVICES);
  await server.run(uri);
  const tree = provider();
  const [vda2] = await tree.getChildren();
  const clusters = await tree.getChildren(vda2);
  assert.deepEqual(kindsOf(clusters), ['cluster']);
  const inUse = await server.requester.request('swapsim/clusters', {
    uri,
    type: 0,
    start: 0,
    limit: 1024,
    includeFree: false,
  });
  assert.deepEqual(
    clusters.map((c) => (c.kind === 'cluster' ? c.cluster : -1)),
    inUse.clusters.map((c) => c.cluster),
  );
  for (const c of clusters) {
    assert.ok(c.kind === 'cluster' && c.summary !== undefined && c.summary.list !== 'free');
    assert.equal(tree.getParent(c), vda2);
    assert.match(String(tree.getTreeItem(c).description), /^(nonfull|frag|full|discard|none) · order \d+ · \d+\/512/);
  }
  const fired = recordRefreshes(tree);
  tree.setShowFree(true);
  assert.deepEqual(fired, [undefined], 'changing the filter reloads the whole view');
  const [vda2Again] = await tree.getChildren();
  assert.equal((await tree.getChildren(vda2Again)).length, 32, '64M of 4K pages in 512-slot clusters');
  tree.dispose();
});

test('a cluster lists its used slots with backing, count and memcg; a slot tooltip is the full record', async () => {
  const uri = await server.open('two-devices-slots.swapsim', TWO_DEVICES);
  await server.run(uri);
  const tree = provider();
  const [vda2] = await tree.getChildren();
  const [cluster] = await tree.getChildren(vda2);
  assert.ok(cluster.kind === 'cluster');
  const slots = await tree.getChildren(cluster);
  assert.deepEqual(kindsOf(slots), ['slot']);
  const detail = await server.requester.request('swapsim/cluster', { uri, type: 0, cluster: cluster.cluster });
  const used = detail.backing.flatMap((b, i) =>
    b !== 'free' || detail.counts[i] > 0 ? [cluster.cluster * 512 + i] : [],
  );
  assert.deepEqual(
    slots.map((s) => (s.kind === 'slot' ? s.offset : -1)),
    used,
  );
  const swapped = slots.filter((s) => s.kind === 'slot' && s.info?.count === 1);
  assert.equal(swapped.length, 256, 'every page of the 1M region holds one reference to its slot');
  const first = swapped[0];
  assert.ok(first.kind === 'slot');
  assert.equal(tree.getParent(first), cluster);
  const item = tree.getTreeItem(first);
  assert.equal(label(item), `slot ${first.offset}`);
  assert.match(String(item.description), new RegExp(`^${first.info?.backing} · count 1 · /app$`));
  assert.equal(item.tooltip, undefined, 'the tooltip waits for resolveTreeItem');
  const resolved = await tree.resolveTreeItem(item, first, NEVER_CANCELLED);
  const tooltip = resolved.tooltip as vscode.MarkdownString;
  assert.match(tooltip.value, new RegExp(`\\*\\*slot ${first.offset}\\*\\*`));
  assert.match(tooltip.value, /swp_entry_t `0x[0-9a-f]+`/);
  assert.match(tooltip.value, /swap table entry \(P4\)/);
  assert.match(tooltip.value, /memcg \/app/);
  tree.dispose();
});

test('a 1 TiB device is split in ranges of 1,024 clusters, listing only ranges in use', async () => {
  const uri = await server.open('one-tib.swapsim', ONE_TIB);
  await server.run(uri);
  const tree = provider();
  const [device] = await tree.getChildren();
  assert.ok(device.kind === 'device');
  assert.equal(device.summary.clusters, 524_288);
  const ranges = await tree.getChildren(device);
  assert.deepEqual(kindsOf(ranges), ['clusterRange']);
  assert.ok(ranges.length >= 1 && ranges.length < 512, `${ranges.length} ranges in use of 512`);
  const first = ranges[0];
  assert.ok(first.kind === 'clusterRange');
  assert.deepEqual([first.from, first.to], [0, 1024], 'cluster 0 holds the header, so its range is in use');
  assert.equal(tree.getTreeItem(first).label, 'clusters 0–1023');
  const clusters = await tree.getChildren(first);
  assert.ok(clusters.length > 0 && clusters.length <= MAX_CHILDREN);
  for (const c of clusters) {
    assert.ok(c.kind === 'cluster' && c.summary?.list !== 'free');
    assert.equal(tree.getParent(c), first);
  }
  assert.equal(tree.getParent(first), device);
  tree.setShowFree(true);
  const [deviceAgain] = await tree.getChildren();
  assert.equal((await tree.getChildren(deviceAgain)).length, 512, 'all 512 ranges once free clusters are shown');
  tree.dispose();
});

test('slotNode builds the path reveal() walks out of the objects getChildren returns', async () => {
  const uri = await server.open('one-tib-reveal.swapsim', ONE_TIB);
  await server.run(uri);
  const tree = provider();
  // A free slot far into the device: revealing it keeps it (and its cluster and range) listed.
  const offset = 300_000 * 512 + 7;
  const slot = tree.slotNode(0, offset);
  assert.ok(slot !== undefined && slot.kind === 'slot');
  const cluster = tree.getParent(slot);
  const range = cluster && tree.getParent(cluster);
  const device = range && tree.getParent(range);
  assert.ok(cluster?.kind === 'cluster' && cluster.cluster === 300_000);
  assert.ok(range?.kind === 'clusterRange' && range.from === 299_008 && range.to === 300_032);
  assert.ok(device?.kind === 'device' && tree.getParent(device) === undefined);
  assert.ok((await tree.getChildren()).includes(device));
  assert.ok(
    (await tree.getChildren(device)).includes(range),
    'the pinned range is listed though nothing in it is used',
  );
  assert.ok((await tree.getChildren(range)).includes(cluster));
  assert.ok((await tree.getChildren(cluster)).includes(slot));
  assert.equal(tree.slotNode(0, 2 ** 28), undefined, 'past the end of the device');
  tree.dispose();
});

test('a step refreshes the expanded subtrees it touched, not the whole view', async () => {
  const text = [
    'swapon /dev/vda2 size=64M',
    'swapon /dev/vdb size=32M',
    'task t',
    'mmap t heap 1M populate',
    'pageout t heap',
    'touch t heap pages=0..3',
    'mkdir other',
    'swapoff /dev/vdb',
  ].join('\n');
  const uri = await server.open('refresh.swapsim', text);
  await server.run(uri, 5); // stop before the touch
  const tree = provider();
  const [vda2] = await tree.getChildren();
  const [cluster] = await tree.getChildren(vda2);
  await tree.getChildren(cluster);
  const fired = recordRefreshes(tree);

  // Faulting pages back changes slots (swap count, swap cache) on vda2.
  await server.step(uri);
  assert.equal(
    fired.length,
    1,
    `one refresh for one delta: ${JSON.stringify(fired.map((f) => (Array.isArray(f) ? f.map((n) => n.id) : f)))}`,
  );
  const touched = fired[0];
  assert.ok(Array.isArray(touched), 'only subtrees, not the whole tree');
  assert.ok(touched.length > 0);
  for (const node of touched) assert.ok(node === vda2 || node === cluster, `unexpected refresh of ${node.id}`);

  // A cgroup is no business of the Devices view.
  fired.length = 0;
  await server.step(uri);
  assert.deepEqual(fired, []);

  // A device going away changes the list of devices itself.
  fired.length = 0;
  await server.step(uri);
  assert.deepEqual(fired, [undefined]);
  assert.deepEqual(
    (await tree.getChildren()).map((n) => n.kind === 'device' && n.summary.path),
    ['/dev/vda2'],
  );
  tree.dispose();
});

test('a device that goes away and comes back (step back, step forward) is listed again', async () => {
  const uri = await server.open(
    'comes-back.swapsim',
    ['swapon /dev/vda2 size=64M', 'task t', 'mmap t heap 1M populate', 'pageout t heap'].join('\n'),
  );
  await server.step(uri);
  const tree = provider();
  const [device] = await tree.getChildren();
  assert.ok(device?.kind === 'device');
  // Interned with its clusters, as after a reveal.
  await tree.getChildren(device);
  const fired = recordRefreshes(tree);
  await server.step(uri, 'back');
  assert.deepEqual(fired, [undefined]);
  assert.deepEqual(await tree.getChildren(), []);
  // Back at step 1 the device is new to the root again: the whole tree is refreshed, not the old node.
  fired.length = 0;
  await server.step(uri);
  assert.deepEqual(fired, [undefined]);
  const [again] = await tree.getChildren();
  assert.ok(again?.kind === 'device' && again.summary.path === '/dev/vda2');
  tree.dispose();
});

test('requests the server refuses show up as an error row, not an exception', async () => {
  const uri = await server.open('refused.swapsim', TWO_DEVICES);
  await server.run(uri);
  const tree = provider();
  const [vda2] = await tree.getChildren();
  assert.ok(vda2.kind === 'device');
  // Pretend the device is bigger than it is: the server rejects the cluster range.
  vda2.summary = { ...vda2.summary, clusters: 4096 };
  const children = await tree.getChildren(vda2);
  assert.equal(children.length, 1);
  assert.equal(children[0].kind, 'notice');
  assert.ok(children[0].kind === 'notice' && children[0].severity === 'error');
  tree.dispose();
});

test('with swap tiers on, a device shows its tier in its row and tooltip', async () => {
  const text = [
    'config design=p4 swap_tiers=on',
    'swapon /dev/ssd size=16M -p 100',
    'swapon /dev/hdd size=16M -p 50',
    'echo "+SSD:100, +HDD:-1" > /sys/kernel/mm/swap/tiers',
  ].join('\n');
  const uri = await server.open('tiers.swapsim', text);
  await server.run(uri);
  const tree = provider();
  const roots = await tree.getChildren();
  const items = roots.map((n) => tree.getTreeItem(n));
  assert.deepEqual(
    items.map((i) => i.description),
    ['partition · prio 100 · tier SSD · 0 / 16380 KiB', 'partition · prio 50 · tier HDD · 0 / 16380 KiB'],
  );
  const tooltip = items[1]?.tooltip as { value?: string } | undefined;
  assert.match(tooltip?.value ?? '', /swap tier: HDD/);
});

test('slots that belong to shmem are marked in their row, their tooltip and the cluster tooltip', async () => {
  const text = [
    'config design=p4 page_size=4K ram=1G',
    'swapon /dev/vda2 size=64M',
    'mkdir app',
    'task t cgroup=app',
    'file write /dev/shm/buf 64K task=t',
    'mmap t heap 64K populate',
    'reclaim app 128K swappiness=max',
  ].join('\n');
  const uri = await server.open('shmem-slots.swapsim', text);
  await server.run(uri);
  const tree = provider();
  const [vda2] = await tree.getChildren();
  const clusters = await tree.getChildren(vda2);
  const slots: DeviceTreeNode[] = [];
  for (const c of clusters) if (c.kind === 'cluster') slots.push(...(await tree.getChildren(c)));
  const used = slots.filter((s) => s.kind === 'slot' && s.info?.backing === 'disk');
  assert.equal(used.length, 32, '16 tmpfs pages and 16 anonymous pages went to swap');
  const marked = used.filter((s) => s.kind === 'slot' && s.info?.shmem === true);
  assert.equal(marked.length, 16, 'the tmpfs file holds 16 of the entries');
  for (const s of used) {
    assert.ok(s.kind === 'slot');
    const description = String(tree.getTreeItem(s).description);
    assert.equal(/ · shmem( |$)/.test(description), s.info?.shmem === true, description);
  }
  const shmemSlot = marked[0]!;
  const anonSlot = used.find((s) => s.kind === 'slot' && s.info?.shmem === false)!;
  const tooltipOf = async (node: DeviceTreeNode): Promise<string> =>
    ((await tree.resolveTreeItem(tree.getTreeItem(node), node, NEVER_CANCELLED)).tooltip as vscode.MarkdownString)
      .value;
  assert.match(await tooltipOf(shmemSlot), /shmem \/dev\/shm\/buf page \d+/);
  assert.doesNotMatch(await tooltipOf(anonSlot), /shmem/);
  const cluster = tree.getParent(shmemSlot)!;
  assert.match(await tooltipOf(cluster), /shmem 16/);
  tree.dispose();
});
