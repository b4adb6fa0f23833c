/**
 * Counters laid out the way the kernel (and procps) print them, so the
 * panel reads like a terminal in the test VM. No DOM: a file is a list of
 * lines, a line a list of segments, and segments holding a counter carry
 * its dotted key so the panel can highlight and chart it.
 */
import type { DeviceSummary } from '../../../shared/protocol';
import { splitCounterKey } from '../store';

export interface Segment {
  text: string;
  /** Dotted counter key (`vmstat.pswpout`) when the segment is a value. */
  key?: string;
}

export type Line = Segment[];

export interface KernelFile {
  /** Stable id (for DOM ids and tests). */
  id: string;
  title: string;
  lines: Line[];
}

const v = (counters: ReadonlyMap<string, number>, key: string): Segment => ({
  text: String(counters.get(key) ?? 0),
  key,
});

/** /proc/swaps: the name padded to 40 columns, then tab-separated fields (the layout of the kernel's swap_show). */
function procSwaps(counters: ReadonlyMap<string, number>, devices: readonly DeviceSummary[]): KernelFile {
  const lines: Line[] = [[{ text: 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority' }]];
  const names = new Set<string>();
  for (const key of counters.keys())
    if (key.startsWith('swaps.') && key.endsWith('.Size')) names.add(splitCounterKey(key).name);
  // Rows in swap-type order, as the kernel walks swap_info[].
  const order = new Map(devices.map((d) => [d.path, d.type]));
  for (const name of [...names].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9))) {
    const device = devices.find((d) => d.path === name);
    const type = device?.typeName ?? 'partition';
    const size = counters.get(`swaps.${name}.Size`) ?? 0;
    const used = counters.get(`swaps.${name}.Used`) ?? 0;
    lines.push([
      { text: `${name}${' '.repeat(name.length < 40 ? 40 - name.length : 1)}${type === 'file' ? 'file\t' : type}\t` },
      v(counters, `swaps.${name}.Size`),
      { text: `\t${size < 10_000_000 ? '\t' : ''}` },
      v(counters, `swaps.${name}.Used`),
      { text: `\t${used < 10_000_000 ? '\t' : ''}` },
      v(counters, `swaps.${name}.Priority`),
    ]);
  }
  return { id: 'proc-swaps', title: '/proc/swaps', lines };
}

/** free -k as procps-ng 4 prints it: the label in 9 columns, then each figure right-aligned in 12. */
function free(counters: ReadonlyMap<string, number>): KernelFile {
  const col = (key: string, first = false): Segment[] => {
    const text = String(counters.get(key) ?? 0);
    return [{ text: ' '.repeat(Math.max(first ? 0 : 1, (first ? 11 : 12) - text.length)) }, { text, key }];
  };
  const mem = ['used', 'free', 'shared', 'buffCache', 'available'].flatMap((c) => col(`free.mem.${c}`));
  return {
    id: 'free',
    title: 'free -k',
    lines: [
      [{ text: '               total        used        free      shared  buff/cache   available' }],
      [{ text: 'Mem:'.padEnd(9) }, ...col('free.mem.total', true), ...mem],
      [
        { text: 'Swap:'.padEnd(9) },
        ...col('free.swap.total', true),
        ...col('free.swap.used'),
        ...col('free.swap.free'),
      ],
    ],
  };
}

/** /proc/meminfo: the name and colon in 16 columns, the value right-aligned in 8, then kB. */
function meminfo(counters: ReadonlyMap<string, number>, keys: readonly string[]): KernelFile {
  return {
    id: 'proc-meminfo',
    title: '/proc/meminfo',
    lines: keys.map((key) => {
      const name = key.slice('meminfo.'.length);
      const text = String(counters.get(key) ?? 0);
      return [
        { text: `${name}:`.padEnd(16) + ' '.repeat(Math.max(0, 8 - text.length)) },
        { text, key },
        { text: ' kB' },
      ];
    }),
  };
}

function nameValue(
  id: string,
  title: string,
  prefix: string,
  counters: ReadonlyMap<string, number>,
  keys: readonly string[],
  separator: string,
): KernelFile {
  return {
    id,
    title,
    lines: keys.map((key) => [{ text: `${prefix}${key.slice(key.indexOf('.') + 1)}${separator}` }, v(counters, key)]),
  };
}

/** Every counter file, in the order a kernel developer would look at them. */
export function kernelFiles(counters: ReadonlyMap<string, number>, devices: readonly DeviceSummary[]): KernelFile[] {
  const byGroup = new Map<string, string[]>();
  for (const key of counters.keys()) {
    const { group } = splitCounterKey(key);
    const list = byGroup.get(group) ?? [];
    list.push(key);
    byGroup.set(group, list);
  }
  const keys = (group: string): string[] => byGroup.get(group) ?? [];
  const files = [
    procSwaps(counters, devices),
    free(counters),
    meminfo(counters, keys('meminfo')),
    nameValue('proc-vmstat', '/proc/vmstat', '', counters, keys('vmstat'), ' '),
  ];
  // mTHP stats: sizes with every counter at zero are left out (a dozen sizes × six files is mostly noise).
  const sizesInUse = new Set<string>();
  for (const key of keys('mthp')) if ((counters.get(key) ?? 0) !== 0) sizesInUse.add(splitCounterKey(key).name);
  const mthp = keys('mthp')
    .map((key) => ({ key, ...splitCounterKey(key) }))
    .filter(({ name }) => sizesInUse.has(name));
  const hidden = new Set(keys('mthp').map((key) => splitCounterKey(key).name)).size - sizesInUse.size;
  if (keys('mthp').length > 0) {
    files.push({
      id: 'mthp-stats',
      title: `grep . /sys/kernel/mm/transparent_hugepage/hugepages-*/stats/*${hidden > 0 ? ` (${hidden} size${hidden === 1 ? '' : 's'} with all zeros left out)` : ''}`,
      lines: mthp.map(({ key, name, field }) => [{ text: `${name}/stats/${field}:` }, v(counters, key)]),
    });
  }
  if (keys('zswap').length > 0)
    files.push(nameValue('zswap-debugfs', 'grep . /sys/kernel/debug/zswap/*', '', counters, keys('zswap'), ':'));
  return files;
}

/** Short human name of a counter key, for chart titles. */
export function counterTitle(key: string): string {
  const { group, name, field } = splitCounterKey(key);
  switch (group) {
    case 'swaps':
      return `/proc/swaps ${name} ${field}`;
    case 'free':
      return `free ${name.replace('swap.', 'Swap ').replace('mem.', 'Mem ')}`;
    case 'meminfo':
      return `meminfo ${name} (kB)`;
    case 'mthp':
      return `${name} ${field}`;
    default:
      return `${group} ${name}`;
  }
}
