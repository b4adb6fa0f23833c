// The Memory cgroups, Swap cache and Events views against the real server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { EVENTS_PAGE, EventsTreeProvider } from '../../client/trees/eventsTree';
import { MemcgTreeProvider, type MemcgTreeNode } from '../../client/trees/memcgTree';
import type { MoreNode } from '../../client/trees/pagedList';
import { SwapCacheTreeProvider } from '../../client/trees/swapCacheTree';
import { fakeUi } from './fake-vscode';
import { TestServer } from './realServer';

let server: TestServer;
before(async () => {
  server = await TestServer.start();
});
after(async () => {
  await server.stop();
});

const CGROUPS = [
  'swapon /dev/vda2 size=64M',
  'mkdir app',
  'echo 64M > /sys/fs/cgroup/app/memory.max',
  'echo 2M > /sys/fs/cgroup/app/memory.swap.max',
  'task t cgroup=app',
  'mmap t heap 1M populate',
  'pageout t heap',
  'echo 32M > /sys/fs/cgroup/app/memory.max',
  'mkdir batch',
].join('\n');

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

test('Memory cgroups: the hierarchy with usage against limits', async () => {
  const uri = await server.open('cgroups.swapsim', CGROUPS);
  await server.run(uri, 7); // stop before the second memory.max write
  const tree = new MemcgTreeProvider({ ui: fakeUi, store: server.store });
  const [root] = tree.getChildren();
  assert.ok(root.kind === 'memcg' && root.summary.path === '/');
  const children = tree.getChildren(root);
  const facets = children.filter((c) => c.kind === 'facet').map((c) => (c.kind === 'facet' ? c.facet : ''));
  assert.deepEqual(facets, ['memory', 'swap', 'zswap', 'events']);
  const app = children.find(
    (c): c is Extract<MemcgTreeNode, { kind: 'memcg' }> => c.kind === 'memcg' && c.summary.path === '/app',
  );
  assert.ok(app !== undefined);
  assert.equal(tree.getParent(app), root);
  assert.equal(label(tree.getTreeItem(app)), 'app');
  const appFacets = tree.getChildren(app);
  const swap = appFacets.find((c) => c.kind === 'facet' && c.facet === 'swap');
  const memory = appFacets.find((c) => c.kind === 'facet' && c.facet === 'memory');
  const tasks = appFacets.find((c) => c.kind === 'facet' && c.facet === 'tasks');
  assert.ok(swap && memory && tasks);
  assert.match(String(tree.getTreeItem(swap).description), /^1 MiB \/ 2 MiB · peak 1 MiB$/);
  assert.match(String(tree.getTreeItem(memory).description), /^\S+ \S+ \/ 64 MiB · peak \S+ \S+$/);
  assert.equal(tree.getTreeItem(tasks).description, 't');
  assert.equal(tree.getParent(swap), app);

  const fired: unknown[] = [];
  tree.onDidChangeTreeData((e) => fired.push(e));
  await server.step(uri); // echo 32M > app/memory.max: only /app changed
  assert.equal(fired.length, 1);
  assert.ok(Array.isArray(fired[0]) && fired[0].includes(app), 'the changed cgroup is refreshed');
  assert.ok(!fired[0].includes(root), 'its parent is not');
  assert.match(String(tree.getTreeItem(memory).description), /^\S+ \S+ \/ 32 MiB · peak \S+ \S+$/);

  fired.length = 0;
  await server.step(uri); // mkdir batch: the hierarchy changed
  assert.deepEqual(fired, [undefined]);
  assert.deepEqual(
    tree
      .getChildren(tree.getChildren()[0])
      .filter((c) => c.kind === 'memcg')
      .map((c) => (c.kind === 'memcg' ? c.summary.path : '')),
    ['/app', '/batch'],
  );
  tree.dispose();
});

test('Swap cache: one row per folio, each revealing its slot', async () => {
  const uri = await server.open(
    'cache.swapsim',
    [
      'swapon /dev/vda2 size=64M',
      'task t',
      'mmap t heap 1M populate',
      'pageout t heap',
      'touch t heap pages=0..3',
    ].join('\n'),
  );
  await server.run(uri);
  const tree = new SwapCacheTreeProvider({ ui: fakeUi, store: server.store, server: server.requester });
  const rows = await tree.getChildren();
  const page = await server.requester.request('swapsim/swapCache', { uri, start: 0, limit: 1000 });
  assert.ok(page.total >= 4, 'the four pages faulted back stay in the swap cache');
  assert.equal(rows.length, page.total);
  for (const [i, row] of rows.entries()) {
    assert.ok(row.kind === 'folio');
    const item = tree.getTreeItem(row);
    assert.equal(label(item), `/dev/vda2:${page.entries[i].offset}`);
    assert.match(String(item.description), /^PFN 0x[0-9a-f]+ · order 0/);
    assert.deepEqual(item.command?.arguments, [uri, 0, page.entries[i].offset]);
    assert.equal(item.command?.command, 'swapsim.revealSlot');
  }
  tree.dispose();
});

test('Events: newest first, paged, with slot events revealing their slot', async () => {
  // one page out and back in per step: events of separate operations never merge into runs
  const uri = await server.open(
    'events.swapsim',
    [
      'swapon /dev/vda2 size=64M',
      'task t',
      'mmap t heap 4M populate',
      'repeat 60 {',
      '  pageout t heap pages=0..0',
      '  touch t heap pages=0..0',
      '}',
    ].join('\n'),
  );
  await server.run(uri);
  const tree = new EventsTreeProvider({ ui: fakeUi, store: server.store, server: server.requester });
  const { total } = await server.requester.request('swapsim/events', { uri, start: 0, count: 1 });
  assert.ok(total > EVENTS_PAGE, `${total} events: enough to page`);
  const rows = await tree.getChildren();
  assert.equal(rows.length, EVENTS_PAGE + 1);
  const events = rows.slice(0, EVENTS_PAGE).map((r) => (r.kind === 'event' ? r.event.id : -1));
  assert.deepEqual(
    events,
    events.map((_, i) => total - 1 - i),
    'newest first, none missing',
  );
  const more = rows[EVENTS_PAGE] as MoreNode;
  assert.equal(more.kind, 'more');
  assert.equal(more.remaining, total - EVENTS_PAGE);
  assert.equal(tree.getTreeItem(more).command?.command, 'swapsim.events.loadMore');
  const slotEvent = rows.find((r) => r.kind === 'event' && r.event.type !== undefined && r.event.offset !== undefined);
  assert.ok(slotEvent !== undefined && slotEvent.kind === 'event');
  assert.deepEqual(tree.getTreeItem(slotEvent).command?.arguments, [uri, slotEvent.event.type, slotEvent.event.offset]);

  let refreshed = 0;
  tree.onDidChangeTreeData(() => refreshed++);
  tree.loadMore();
  assert.equal(refreshed, 1);
  const more2 = await tree.getChildren();
  assert.equal(more2.length, Math.min(total, 2 * EVENTS_PAGE) + (total > 2 * EVENTS_PAGE ? 1 : 0));
  tree.dispose();
});

test('during a long run the Events and Swap cache views fill in as it goes, not only at its end (issue #22)', async () => {
  const long = [
    'config check_invariants=no',
    'swapon /dev/vda2 size=64M',
    'task t',
    'mmap t heap 1M populate',
    'repeat 300 {',
    '  repeat 250 {',
    '    pageout t heap pages=0..0',
    '    touch t heap pages=0..0',
    '  }',
    '}',
  ].join('\n');
  const uri = await server.open('long-live.swapsim', long);
  const events = new EventsTreeProvider({ ui: fakeUi, store: server.store, server: server.requester });
  const cache = new SwapCacheTreeProvider({ ui: fakeUi, store: server.store, server: server.requester });
  const changed = (tree: { onDidChangeTreeData: vscode.Event<undefined> }): Promise<void> =>
    new Promise((resolve) => tree.onDidChangeTreeData(() => resolve()));
  const eventsChanged = changed(events);
  const cacheChanged = changed(cache);
  let settled = false;
  const run = server.run(uri).finally(() => (settled = true));
  await Promise.all([eventsChanged, cacheChanged]);
  const [eventRows, cacheRows] = await Promise.all([events.getChildren(), cache.getChildren()]);
  assert.equal(settled, false, 'the views had to wait for the end of the run');
  assert.ok(eventRows.length > 0 && eventRows[0]?.kind === 'event', 'events so far, not "no events yet"');
  assert.ok(cacheRows.length > 0);
  await run;
  events.dispose();
  cache.dispose();
});
