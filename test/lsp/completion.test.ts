// Completion on the live server: commands, flags, options, paths, keys,
// names from the document, designs, errnos, units — and its latency on a
// 10,000-line document.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionList, MarkupContent } from 'vscode-languageserver-protocol/node';
import { largeScenario } from '../lang/generate';
import { LspClient, freshUri } from './client';
import { expectCompletion } from './expect';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  await client.shutdown();
});

const SETUP = ['config design=p4 ram=2G', 'swapon /dev/vda2 size=64M', 'mkdir app', 'mkdir -p work/batch', 'task web cgroup=app', 'mmap web heap 4M', 'fork web child'].join('\n');

test('commands at the start of a line, documented from the catalogue', async () => {
  const items = await expectCompletion(client, `${SETUP}\nsw<|>`, { includes: ['swapon', 'swapoff', 'mmap', 'expect', 'repeat', 'config'] });
  const swapon = items.find((i) => i.label === 'swapon');
  assert.ok(swapon !== undefined);
  assert.match(swapon.detail ?? '', /^swapon PATH/);
  assert.match((swapon.documentation as MarkupContent).value, /sys_swapon\(\)/);
  // The edit replaces the typed prefix.
  assert.deepEqual(swapon.textEdit && 'range' in swapon.textEdit ? swapon.textEdit.range : null, { start: { line: 7, character: 0 }, end: { line: 7, character: 2 } });
});

test('flags of the command, without the ones already given', async () => {
  await expectCompletion(client, 'swapon /dev/vda2 -p 5 -<|>', { includes: ['-d', '--discard', '-s'], excludes: ['-p', '--priority', '-a'] });
  await expectCompletion(client, 'swapoff -<|>', { includes: ['-a', '--all'], excludes: ['-p'] });
});

test('options and bare flags after the positionals', async () => {
  await expectCompletion(client, `${SETUP}\nmmap web big 1M <|>`, { includes: ['order=', 'thp=', 'content=', 'populate'] });
  await expectCompletion(client, 'swapon /dev/vdb size=1G <|>', { includes: ['type=', 'bad=', 'rotational', 'ssd'], excludes: ['size='] });
});

test('option values: cgroups for cgroup=, choices for type=, content kinds', async () => {
  await expectCompletion(client, `${SETUP}\ntask db cgroup=<|>`, { includes: ['app', 'work', 'work/batch', '/'] });
  await expectCompletion(client, 'swapon /dev/vdb type=<|>', { includes: ['partition', 'file', 'zram'] });
  await expectCompletion(client, `${SETUP}\nmmap web r2 1M content=<|>`, { includes: ['zero', 'compressible', 'incompressible'] });
  await expectCompletion(client, 'swapon /dev/vdb --discard=<|>', { includes: ['once', 'pages'] });
});

test('file paths: cgroup files of existing cgroups, zswap parameters, sysctls, /proc', async () => {
  await expectCompletion(client, `${SETUP}\necho 1 > <|>`, {
    includes: ['/sys/fs/cgroup/app/memory.max', '/sys/fs/cgroup/work/batch/memory.swap.max', '/sys/module/zswap/parameters/enabled', '/proc/sys/vm/swappiness'],
    // Read-only files cannot be written.
    excludes: ['/sys/fs/cgroup/app/memory.current', '/proc/swaps'],
  });
  await expectCompletion(client, `${SETUP}\ncat /<|>`, { includes: ['/proc/swaps', '/proc/meminfo', '/sys/fs/cgroup/app/memory.stat'], excludes: ['/sys/fs/cgroup/app/memory.reclaim'] });
  // Inside /sys/fs/cgroup: the files of that cgroup and its children as directories.
  await expectCompletion(client, `${SETUP}\necho 1 > /sys/fs/cgroup/work/<|>`, { includes: ['/sys/fs/cgroup/work/memory.max', '/sys/fs/cgroup/work/batch/'], excludes: ['/sys/fs/cgroup/app/memory.max'] });
  await expectCompletion(client, `${SETUP}\necho 1 > app/mem<|>`, { includes: ['app/memory.max', 'app/memory.swap.max'] });
});

test('the mTHP files follow the configured page size', async () => {
  await expectCompletion(client, 'config page_size=16K\ncat /sys/kernel/mm/<|>', {
    includes: ['/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled', '/sys/kernel/mm/transparent_hugepage/hugepages-32768kB/stats/swpout'],
    excludes: ['/sys/kernel/mm/transparent_hugepage/hugepages-16kB/enabled'],
  });
});

test('expect: forms, keys of keyed files, fields, devices, tasks, operators', async () => {
  await expectCompletion(client, `${SETUP}\nexpect <|>`, { includes: ['ok', 'error', 'slot', 'cluster', 'task', 'device', 'free', 'overhead', '/proc/vmstat', '/sys/fs/cgroup/app/memory.swap.current'] });
  await expectCompletion(client, `${SETUP}\nexpect /proc/vmstat <|>`, { includes: ['pswpout', 'pswpin', 'zswpout', 'swpout_zero'] });
  await expectCompletion(client, `${SETUP}\nexpect /sys/fs/cgroup/app/memory.swap.events <|>`, { exactly: ['high', 'max', 'fail'] });
  await expectCompletion(client, `${SETUP}\nexpect slot <|>`, { exactly: ['/dev/vda2'] });
  await expectCompletion(client, `${SETUP}\nexpect slot /dev/vda2 1 <|>`, { includes: ['kind', 'count', 'zero', 'memcg', 'cached', 'zswap', 'backend', 'vtable'] });
  await expectCompletion(client, `config design=vswap-ste\nswapon /dev/vda2 size=64M\nexpect slot <|>`, { exactly: ['/dev/vda2', 'vswap'] });
  await expectCompletion(client, `${SETUP}\nexpect slot /dev/vda2 1 backend == <|>`, { exactly: ['free', 'bad', 'rmap', 'zero', 'zswap', 'swapfile', 'folio', 'none'] });
  await expectCompletion(client, `${SETUP}\nexpect task <|>`, { exactly: ['web', 'child'] });
  await expectCompletion(client, `${SETUP}\nexpect /proc/swaps /dev/vda2 <|>`, { exactly: ['Type', 'Size', 'Used', 'Priority'] });
  await expectCompletion(client, `${SETUP}\nexpect /proc/meminfo SwapFree <|>`, { includes: ['==', '<=', '≈'] });
});

test('expect values: enum words of the field, cgroups for memcg, max for limits', async () => {
  await expectCompletion(client, `${SETUP}\nexpect slot /dev/vda2 1 kind == <|>`, { exactly: ['null', 'pfn', 'shadow', 'bad', 'pointer'] });
  await expectCompletion(client, `${SETUP}\nexpect slot /dev/vda2 1 memcg == <|>`, { includes: ['app', 'work/batch'] });
  await expectCompletion(client, `${SETUP}\nexpect /sys/fs/cgroup/app/memory.max == <|>`, { includes: ['max'] });
});

test('errno names after expect error', async () => {
  const items = await expectCompletion(client, 'swapoff /dev/x\nexpect error E<|>', { includes: ['EINVAL', 'ENOMEM', 'EBUSY', 'ENOENT'] });
  assert.match((items.find((i) => i.label === 'EBUSY')?.documentation as MarkupContent).value, /Busy/);
});

test('design profiles after design=', async () => {
  const items = await expectCompletion(client, 'config design=<|>', { exactly: ['legacy', 'p1', 'p3', 'p4', 'ghost', 'vswap', 'vswap-ste'] });
  const ghost = items.find((i) => i.label === 'ghost');
  assert.equal(ghost?.textEdit?.newText, 'design=ghost');
  await expectCompletion(client, 'config <|>', { includes: ['design=', 'page_size=', 'ram=', 'cluster_slots='] });
});

test('existing names: tasks, regions (inherited through fork), devices, cgroups', async () => {
  await expectCompletion(client, `${SETUP}\ntouch <|>`, { exactly: ['web', 'child'] });
  await expectCompletion(client, `${SETUP}\ntouch child <|>`, { exactly: ['heap'] });
  await expectCompletion(client, `${SETUP}\ntouch child heap <|>`, { includes: ['pages=', 'offset=', 'len=', 'write'], excludes: ['heap'] });
  await expectCompletion(client, `${SETUP}\nswapoff <|>`, { includes: ['/dev/vda2'] });
  await expectCompletion(client, `${SETUP}\nrmdir <|>`, { includes: ['app', 'work', 'work/batch'], excludes: ['/'] });
  await expectCompletion(client, `${SETUP}\nmove web <|>`, { includes: ['app', '/'] });
});

test('units after a number', async () => {
  const items = await expectCompletion(client, `${SETUP}\nmmap web r3 16<|>`, { includes: ['16K', '16M', '16G', '16p'] });
  const m = items.find((i) => i.label === '16M');
  assert.match(m?.detail ?? '', /16,777,216 bytes/);
  const sized = await expectCompletion(client, 'swapon /dev/vdb size=4<|>', { includes: ['4G', '4M'] });
  assert.equal(sized.find((i) => i.label === '4G')?.textEdit?.newText, 'size=4G');
  await expectCompletion(client, `${SETUP}\nexpect /proc/meminfo SwapTotal == 65532<|>`, { includes: ['65532K'] });
});

test('nothing inside a comment', async () => {
  await expectCompletion(client, 'swapon /dev/vda2 size=1G # sw<|>', { exactly: [] });
});

// The round trip's time is a bench figure (npm run bench -- lsp: lsp.e2e.completion.10k_lines, target ≤ 20 ms).
test('completion deep in a 10,000-line document offers the tasks declared above it', async () => {
  const text = largeScenario(10_000);
  const uri = freshUri('large');
  await client.open(uri, text);
  await client.diagnosticsFor(uri, () => true, 20_000);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.startsWith('  touch t'));
  const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line, character: 8 } });
  const labels = list.items.map((i) => i.label);
  assert.ok(labels.includes('t0'), `labels: ${labels.slice(0, 10).join(', ')}`);
});

test('the /proc/PID observables: file, region, page field, smaps and status lines, values', async () => {
  await expectCompletion(client, `${SETUP}\nexpect task web <|>`, { includes: ['pagemap', 'smaps', 'smaps_rollup', 'status', 'swapents'] });
  await expectCompletion(client, `${SETUP}\nexpect task web pagemap <|>`, { includes: ['heap'] });
  await expectCompletion(client, `${SETUP}\nexpect task web pagemap heap 0 <|>`, { includes: ['present', 'swapped', 'file', 'swap_type', 'swap_offset'] });
  await expectCompletion(client, `${SETUP}\nexpect task web smaps heap <|>`, { includes: ['Swap', 'SwapPss', 'AnonHugePages', 'Rss', 'Anonymous'] });
  await expectCompletion(client, `${SETUP}\nexpect task web smaps_rollup <|>`, { includes: ['Swap', 'SwapPss'], excludes: ['heap'] });
  await expectCompletion(client, `${SETUP}\nlet V = task web status <|>`, { includes: ['VmSwap', 'VmRSS', 'RssAnon'] });
  await expectCompletion(client, `${SETUP}\nexpect task web pagemap heap 0 swapped == <|>`, { includes: ['yes', 'no'] });
});
