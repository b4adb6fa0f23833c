// Hover: catalogue docs for every kind of word, sizes converted for the
// configured geometry, names with where they are created.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../server/lsp/hover';
import { analyze, expectHover } from './features';

test('a command shows its synopsis, description and the kernel function it models', () => {
  expectHover('swa<|>pon /dev/vda2 size=1G', ['swapon PATH', 'sys_swapon()', 'mm/swapfile.c']);
  expectHover('task t\nmmap t heap 1M populate\npage<|>out t heap', ['MADV_PAGEOUT', 'shrink_folio_list()']);
});

test('flags, options and config keys are documented', () => {
  expectHover('swapon /dev/vda2 size=1G -<|>p 5', ['-p, --priority', 'Priority']);
  expectHover('swapon /dev/vda2 si<|>ze=1G', ['size=', 'mkswap']);
  expectHover('config clu<|>ster_slots=512', ['SWAPFILE_CLUSTER', 'Default']);
  expectHover('config design=gh<|>ost', ['Ghost swapfile', 'RFC']);
  expectHover('config kernel=6.1<|>2', [
    'kernel 6.12',
    '-2, -3',
    'Baoquan He',
    'not stored: the folio goes to the device whole',
  ]);
});

test('a size shows bytes, pages, slots and clusters for the configured geometry', () => {
  expectHover('swapon /dev/vda2 size=1<|>6M', [
    '16,777,216 bytes',
    '16 MiB',
    '4,096 pages = 4,096 slots',
    '8 clusters',
    'page size 4K',
    'cluster 512 slots',
  ]);
  expectHover('config page_size=16K\nswapon /dev/vda2 size=1<|>6M', [
    '1,024 pages',
    '0.5 clusters',
    'cluster 2,048 slots',
  ]);
  expectHover('task t\nmmap t heap 10<|>0p', ['409,600 bytes', '100 pages']);
});

test('files, keys, fields and errnos', () => {
  expectHover('mkdir app\necho 64M > /sys/fs/cgroup/app/memory.m<|>ax', ['memory_max_write()', 'read-write']);
  expectHover('expect /proc/vmstat psw<|>pout == 0', ['pswpout', 'Pages written to swap devices']);
  expectHover('swapon /dev/vda2 size=1M\nexpect slot /dev/vda2 1 ki<|>nd == null', ['kind', 'Swap table entry kind']);
  expectHover('rmdir x\nexpect error ENO<|>ENT', ['ENOENT', '(2)']);
});

test('names show where they are created and how often they occur', () => {
  expectHover('task web\nmmap web heap 1M\ntouch w<|>eb heap', [
    '**web** — task',
    'created on line 1',
    '3 occurrences',
  ]);
  expectHover('mkdir app\ntask t cgroup=a<|>pp', ['/sys/fs/cgroup/app', 'cgroup', 'created on line 1']);
});

test('no hover on blank space or comments', () => {
  assert.equal(
    hover(analyze('swapon /dev/vda2 size=1G   # a comment').analysis, { line: 0, character: 30 }, undefined),
    null,
  );
});
