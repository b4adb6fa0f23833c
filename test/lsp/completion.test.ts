// Completion, in process: commands, flags, options, paths, keys,
// names from the document, designs, errnos, units — and its latency on a
// 10,000-line document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-protocol/node';
import { complete } from '../../server/lsp/completion';
import { largeScenario } from '../lang/generate';
import { analyze, expectCompletion } from './features';

const SETUP = [
  'config design=p4 ram=2G',
  'swapon /dev/vda2 size=64M',
  'mkdir app',
  'mkdir -p work/batch',
  'task web cgroup=app',
  'mmap web heap 4M',
  'fork web child',
].join('\n');

test('commands at the start of a line, documented from the catalogue', () => {
  const items = expectCompletion(`${SETUP}\nsw<|>`, {
    includes: ['swapon', 'swapoff', 'mmap', 'expect', 'repeat', 'config'],
  });
  const swapon = items.find((i) => i.label === 'swapon');
  assert.ok(swapon !== undefined);
  assert.match(swapon.detail ?? '', /^swapon PATH/);
  assert.match((swapon.documentation as MarkupContent).value, /sys_swapon\(\)/);
  // The edit replaces the typed prefix.
  assert.deepEqual(swapon.textEdit && 'range' in swapon.textEdit ? swapon.textEdit.range : null, {
    start: { line: 7, character: 0 },
    end: { line: 7, character: 2 },
  });
});

test('flags of the command, without the ones already given', () => {
  expectCompletion('swapon /dev/vda2 -p 5 -<|>', {
    includes: ['-d', '--discard', '-s'],
    excludes: ['-p', '--priority', '-a'],
  });
  expectCompletion('swapoff -<|>', { includes: ['-a', '--all'], excludes: ['-p'] });
});

test('options and bare flags after the positionals', () => {
  expectCompletion(`${SETUP}\nmmap web big 1M <|>`, { includes: ['order=', 'thp=', 'content=', 'populate'] });
  expectCompletion('swapon /dev/vdb size=1G <|>', {
    includes: ['type=', 'bad=', 'rotational', 'ssd'],
    excludes: ['size='],
  });
});

test('option values: cgroups for cgroup=, choices for type=, content kinds', () => {
  expectCompletion(`${SETUP}\ntask db cgroup=<|>`, { includes: ['app', 'work', 'work/batch', '/'] });
  expectCompletion('swapon /dev/vdb type=<|>', { includes: ['partition', 'file', 'zram'] });
  expectCompletion(`${SETUP}\nmmap web r2 1M content=<|>`, { includes: ['zero', 'compressible', 'incompressible'] });
  expectCompletion('swapon /dev/vdb --discard=<|>', { includes: ['once', 'pages'] });
});

test('file paths: cgroup files of existing cgroups, zswap parameters, sysctls, /proc', () => {
  expectCompletion(`${SETUP}\necho 1 > <|>`, {
    includes: [
      '/sys/fs/cgroup/app/memory.max',
      '/sys/fs/cgroup/work/batch/memory.swap.max',
      '/sys/module/zswap/parameters/enabled',
      '/proc/sys/vm/swappiness',
    ],
    // Read-only files cannot be written.
    excludes: ['/sys/fs/cgroup/app/memory.current', '/proc/swaps'],
  });
  expectCompletion(`${SETUP}\ncat /<|>`, {
    includes: ['/proc/swaps', '/proc/meminfo', '/sys/fs/cgroup/app/memory.stat'],
    excludes: ['/sys/fs/cgroup/app/memory.reclaim'],
  });
  // Inside /sys/fs/cgroup: the files of that cgroup and its children as directories.
  expectCompletion(`${SETUP}\necho 1 > /sys/fs/cgroup/work/<|>`, {
    includes: ['/sys/fs/cgroup/work/memory.max', '/sys/fs/cgroup/work/batch/'],
    excludes: ['/sys/fs/cgroup/app/memory.max'],
  });
  expectCompletion(`${SETUP}\necho 1 > app/mem<|>`, { includes: ['app/memory.max', 'app/memory.swap.max'] });
});

test('the mTHP files follow the configured page size', () => {
  expectCompletion('config page_size=16K\ncat /sys/kernel/mm/<|>', {
    includes: [
      '/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled',
      '/sys/kernel/mm/transparent_hugepage/hugepages-32768kB/stats/swpout',
    ],
    excludes: ['/sys/kernel/mm/transparent_hugepage/hugepages-16kB/enabled'],
  });
});

test('expect: forms, keys of keyed files, fields, devices, tasks, operators', () => {
  expectCompletion(`${SETUP}\nexpect <|>`, {
    includes: [
      'ok',
      'error',
      'slot',
      'cluster',
      'task',
      'device',
      'free',
      'overhead',
      '/proc/vmstat',
      '/sys/fs/cgroup/app/memory.swap.current',
    ],
  });
  expectCompletion(`${SETUP}\nexpect /proc/vmstat <|>`, { includes: ['pswpout', 'pswpin', 'zswpout', 'swpout_zero'] });
  expectCompletion(`${SETUP}\nexpect /sys/fs/cgroup/app/memory.swap.events <|>`, { exactly: ['high', 'max', 'fail'] });
  expectCompletion(`${SETUP}\nexpect slot <|>`, { exactly: ['/dev/vda2'] });
  expectCompletion(`${SETUP}\nexpect slot /dev/vda2 1 <|>`, {
    includes: ['kind', 'count', 'zero', 'memcg', 'cached', 'zswap', 'backend', 'vtable'],
  });
  expectCompletion(`config design=vswap-ste\nswapon /dev/vda2 size=64M\nexpect slot <|>`, {
    exactly: ['/dev/vda2', 'vswap'],
  });
  expectCompletion(`${SETUP}\nexpect slot /dev/vda2 1 backend == <|>`, {
    exactly: ['free', 'bad', 'rmap', 'zero', 'zswap', 'swapfile', 'folio', 'none'],
  });
  expectCompletion(`${SETUP}\nexpect task <|>`, { exactly: ['web', 'child'] });
  expectCompletion(`${SETUP}\nexpect /proc/swaps /dev/vda2 <|>`, { exactly: ['Type', 'Size', 'Used', 'Priority'] });
  expectCompletion(`${SETUP}\nexpect /proc/meminfo SwapFree <|>`, { includes: ['==', '<=', '≈'] });
});

test('expect values: enum words of the field, cgroups for memcg, max for limits', () => {
  expectCompletion(`${SETUP}\nexpect slot /dev/vda2 1 kind == <|>`, {
    exactly: ['null', 'pfn', 'shadow', 'bad', 'pointer'],
  });
  expectCompletion(`${SETUP}\nexpect slot /dev/vda2 1 memcg == <|>`, { includes: ['app', 'work/batch'] });
  expectCompletion(`${SETUP}\nexpect /sys/fs/cgroup/app/memory.max == <|>`, { includes: ['max'] });
});

test('errno names after expect error', () => {
  const items = expectCompletion('swapoff /dev/x\nexpect error E<|>', {
    includes: ['EINVAL', 'ENOMEM', 'EBUSY', 'ENOENT'],
  });
  assert.match((items.find((i) => i.label === 'EBUSY')?.documentation as MarkupContent).value, /Busy/);
});

test('design profiles after design=', () => {
  const items = expectCompletion('config design=<|>', {
    exactly: ['legacy', 'p1', 'p3', 'p4', 'ghost', 'vswap', 'vswap-ste'],
  });
  const ghost = items.find((i) => i.label === 'ghost');
  assert.equal(ghost?.textEdit?.newText, 'design=ghost');
  expectCompletion('config <|>', { includes: ['design=', 'page_size=', 'ram=', 'cluster_slots='] });
});

test('existing names: tasks, regions (inherited through fork), devices, cgroups', () => {
  expectCompletion(`${SETUP}\ntouch <|>`, { exactly: ['web', 'child'] });
  expectCompletion(`${SETUP}\ntouch child <|>`, { exactly: ['heap'] });
  expectCompletion(`${SETUP}\ntouch child heap <|>`, {
    includes: ['pages=', 'offset=', 'len=', 'write'],
    excludes: ['heap'],
  });
  expectCompletion(`${SETUP}\nswapoff <|>`, { includes: ['/dev/vda2'] });
  expectCompletion(`${SETUP}\nrmdir <|>`, { includes: ['app', 'work', 'work/batch'], excludes: ['/'] });
  expectCompletion(`${SETUP}\nmove web <|>`, { includes: ['app', '/'] });
});

test('units after a number', () => {
  const items = expectCompletion(`${SETUP}\nmmap web r3 16<|>`, { includes: ['16K', '16M', '16G', '16p'] });
  const m = items.find((i) => i.label === '16M');
  assert.match(m?.detail ?? '', /16,777,216 bytes/);
  const sized = expectCompletion('swapon /dev/vdb size=4<|>', { includes: ['4G', '4M'] });
  assert.equal(sized.find((i) => i.label === '4G')?.textEdit?.newText, 'size=4G');
  expectCompletion(`${SETUP}\nexpect /proc/meminfo SwapTotal == 65532<|>`, { includes: ['65532K'] });
});

test('nothing inside a comment', () => {
  expectCompletion('swapon /dev/vda2 size=1G # sw<|>', { exactly: [] });
});

// The round trip's time is a bench figure (npm run bench -- lsp: lsp.e2e.completion.10k_lines, target ≤ 20 ms).
test('completion deep in a 10,000-line document offers the tasks declared above it', () => {
  const text = largeScenario(10_000);
  const { doc, analysis } = analyze(text, 'large');
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.startsWith('  touch t'));
  const labels = complete(doc, { line, character: 8 }, analysis).items.map((i) => i.label);
  assert.ok(labels.includes('t0'), `labels: ${labels.slice(0, 10).join(', ')}`);
});

test('the /proc/PID observables: file, region, page field, smaps and status lines, values', () => {
  expectCompletion(`${SETUP}\nexpect task web <|>`, {
    includes: ['pagemap', 'smaps', 'smaps_rollup', 'status', 'swapents'],
  });
  expectCompletion(`${SETUP}\nexpect task web pagemap <|>`, { includes: ['heap'] });
  expectCompletion(`${SETUP}\nexpect task web pagemap heap 0 <|>`, {
    includes: ['present', 'swapped', 'file', 'swap_type', 'swap_offset'],
  });
  expectCompletion(`${SETUP}\nexpect task web smaps heap <|>`, {
    includes: ['Swap', 'SwapPss', 'AnonHugePages', 'Rss', 'Anonymous'],
  });
  expectCompletion(`${SETUP}\nexpect task web smaps_rollup <|>`, { includes: ['Swap', 'SwapPss'], excludes: ['heap'] });
  expectCompletion(`${SETUP}\nlet V = task web status <|>`, { includes: ['VmSwap', 'VmRSS', 'RssAnon'] });
  expectCompletion(`${SETUP}\nexpect task web pagemap heap 0 swapped == <|>`, { includes: ['yes', 'no'] });
});
