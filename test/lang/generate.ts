// Scenario generators for the tests and benches: large valid scenarios (the
// parse performance test and bench) and mutated ones (the fuzz tests).

/**
 * A scenario of exactly `lines` lines that parses and checks without
 * diagnostics: devices, cgroups, tasks, mappings, accesses, file writes,
 * expects and repeat blocks, in proportions like a long hand-written test.
 */
export function largeScenario(lines: number): string {
  const out: string[] = [
    'config design=p4 page_size=4K ram=8G cpus=8',
    'swapon /dev/vda2 size=4G -p 5',
    'swapon /dev/zram0 size=1G -p 100',
  ];
  let n = 0;
  while (out.length < lines - 12) {
    const cg = `g${n}`;
    const t = `t${n}`;
    out.push(
      `mkdir -p /sys/fs/cgroup/work/${cg}`,
      `echo 256M > /sys/fs/cgroup/work/${cg}/memory.max   # keep it small`,
      `task ${t} cgroup=work/${cg} cpu=${n % 8}`,
      `mmap ${t} heap 4M order=4 content=mix(zero=20%, compressible:0.3=50%, incompressible=30%) populate`,
      `pageout ${t} heap pages=0..511`,
      `expect /sys/fs/cgroup/work/${cg}/memory.swap.current <= 4M`,
      'repeat 4 {',
      `  touch ${t} heap offset=64K len=128K write`,
      `  pageout ${t} heap pages=16..47`,
      '}',
      `expect /proc/vmstat pswpout >= 0`,
      `expect /proc/meminfo SwapFree ≈ 5242876 kB ±5%`,
      `expect slot /dev/vda2 ${1 + (n % 1000)} kind != bad`,
      `sysctl vm.swappiness=${n % 201}`,
    );
    n++;
  }
  while (out.length < lines) out.push('# padding');
  return out.slice(0, lines).join('\n');
}

// ------------------------------------------------------------------ mutation
// One mutator for both fuzz tests (test/lang/fuzz.test.ts: parser and
// checker; test/session/fuzz.test.ts: the whole pipeline to the interpreter).

/** Words that make mutations land on interesting grammar, not only on noise. */
export const DICTIONARY: readonly string[] = [
  'repeat',
  '{',
  '}',
  'expect',
  'error',
  'ok',
  'config',
  'echo',
  '>',
  '>>',
  '==',
  '≈',
  '±',
  '+-',
  '~=',
  '<',
  '!=',
  'swapon',
  'swapoff',
  '-a',
  '-p',
  '--discard=',
  'size=',
  'bad=0,1-',
  'mmap',
  'touch',
  'pageout',
  'munmap',
  'fork',
  'exit',
  'usemem',
  'n=',
  'random',
  'hold',
  'task',
  'move',
  'reclaim',
  'zswap',
  'shrink',
  'mkdir',
  'rmdir',
  'sysctl',
  'cat',
  'free',
  '/sys/fs/cgroup/',
  'memory.max',
  '/proc/swaps',
  '/dev/ghostswap',
  'slot',
  'cluster',
  'overhead',
  'device',
  'pages=',
  '..',
  'offset=',
  'len=',
  'order=',
  'thp=',
  'content=mix(',
  ')',
  'zero=50%',
  ':',
  '%',
  ',',
  '0',
  '-1',
  '1.5',
  '0x',
  '4K',
  '1T',
  '99999999999999999999',
  'p',
  'kB',
  '"',
  "'",
  '#',
  '=',
  '(',
  '\t',
  '\n',
  '',
  'design=p1',
  'design=p3',
  'design=legacy',
  'design=ghost',
  'write',
  'populate',
  'swapoff -a',
  'expect error EINVAL',
  'let',
  'let N = 3',
  ' as i',
  '$i',
  '$N',
  '${N}',
  '$((',
  '))',
  '$((N * 2))',
  '$((i + 1))',
  'random(',
  '$((random(4)))',
  '/',
  '%',
  '$U',
  'open',
  'close',
  '&pk',
  '&',
  'cgroup.kill',
  'cgroup.subtree_control',
  'cgroup.events',
  'populated',
  '+memory',
  '-memory',
  'memory.oom.group',
  '""',
  'mount -t btrfs /dev/vdc /mnt',
  'dd',
  'of=/swapfile',
  'bs=1M',
  'count=4',
  'truncate -s',
  'fallocate -l',
  'chattr +C',
  'mkswap',
  '-f',
  'rm',
  'user nobody',
  'user root',
  'drop=CAP_SYS_ADMIN',
  'dmesg',
  'contains',
  '!contains',
  'flags=0x8000',
  'flags=0x80000',
  '/swapfile',
  'madvise',
  'process_madvise',
  'cold',
  'dontneed',
  'free',
  'pageout',
  'mlock',
  'munlock',
  'mremap',
  'pglazyfree',
  'pglazyfreed',
  'pagemap',
  'present',
  'swapped',
  'swap_type',
  'swap_offset',
  'smaps',
  'smaps_rollup',
  'status',
  'Swap',
  'SwapPss',
  'AnonHugePages',
  'Rss',
  'Anonymous',
  'VmSwap',
  'VmRSS',
  'pgscan_proactive',
  'pgsteal_direct',
  'kernel',
];

/** Whole statements a gentle mutation inserts: valid text that still changes what runs. */
export const STATEMENTS: readonly string[] = [
  'swapoff -a',
  'swapon /dev/zram0 size=1M -p 100',
  'zswap shrink 4',
  'echo N > /sys/module/zswap/parameters/enabled',
  'sysctl vm.swappiness=200',
  'expect error EINVAL',
  'expect ok',
  'expect /proc/vmstat pswpout >= 0',
  'free',
  'cat /proc/swaps',
  'let U = /proc/vmstat pswpout',
  'let N = 2',
  'echo $((2 + 1)) > /proc/sys/vm/page-cluster',
  'dd if=/dev/zero of=/swapfile bs=64K count=4',
  'mkswap /swapfile',
  'swapon /swapfile',
  'user nobody',
  'user root',
  'dmesg',
  'madvise t heap pages=0..7 free',
  'madvise t heap cold',
  'madvise t heap pages=2..3 dontneed',
  'process_madvise t heap pageout',
  'mlock t heap',
  'munlock t heap',
  'mremap t heap 64K',
  'expect task t pagemap heap 0 swapped == yes',
  'expect task t pagemap heap 3 swap_offset >= 0',
  'expect task t smaps heap SwapPss <= 4096',
  'expect task t smaps_rollup Swap >= 0',
  'let W = task t status VmSwap',
  'expect /sys/fs/cgroup/app/memory.stat pgsteal_proactive >= 0',
  'usemem u 64K n=2 repeat=2',
  'usemem r 32K random thp=16K hold',
  'usemem w 16K readonly content=zero cgroup=app',
  'expect task u0 state == exited',
];

/**
 * A mutated copy of `source`, drawing every choice from `next` (a PRNG in
 * [0, 1), so a seed replays the same inputs). Rough: one to four random
 * edits (characters, grammar words, token swaps, duplicated or dropped
 * lines); most such texts fail the checker. Gentle: one whole-line edit,
 * so the program usually stays valid and reaches the interpreter in a
 * changed order.
 */
export function mutate(source: string, next: () => number, gentle = false): string {
  return gentle ? mutateLine(source, next) : mutateRough(source, next);
}

function pick<T>(xs: readonly T[], next: () => number): T {
  return xs[Math.floor(next() * xs.length)] as T;
}

function mutateLine(source: string, next: () => number): string {
  const lines = source.split('\n');
  const i = Math.floor(next() * (lines.length + 1));
  const r = next();
  // a statement goes after the leading config lines (before them it is an error, not a new order)
  if (r < 0.5) lines.splice(Math.max(i, leadingConfigLines(lines)), 0, pick(STATEMENTS, next));
  else if (r < 0.75) lines.splice(i, 0, lines[i] ?? '');
  else lines.splice(i, 1);
  return lines.join('\n');
}

function leadingConfigLines(lines: readonly string[]): number {
  let n = 0;
  while (n < lines.length && /^\s*(config\b|#|$)/.test(lines[n] ?? '')) n++;
  return n;
}

function mutateRough(source: string, next: () => number): string {
  let text = source;
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (text.length + 1));
    switch (Math.floor(next() * 8)) {
      case 0: // delete a character
        text = text.slice(0, at) + text.slice(at + 1);
        break;
      case 1: // insert a random character, sometimes outside ASCII
        text =
          text.slice(0, at) +
          String.fromCharCode(next() < 0.9 ? 32 + Math.floor(next() * 95) : Math.floor(next() * 0x3000)) +
          text.slice(at);
        break;
      case 2: // swap two neighbouring characters
        text = text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2);
        break;
      case 3: // insert a grammar word
        text = `${text.slice(0, at)}${pick(DICTIONARY, next)}${text.slice(at)}`;
        break;
      case 4: // replace a token by a grammar word
      case 5: {
        const tokens = text.split(' ');
        tokens[Math.floor(next() * tokens.length)] = pick(DICTIONARY, next);
        text = tokens.join(' ');
        break;
      }
      case 6: {
        // swap two tokens
        const tokens = text.split(' ');
        const i = Math.floor(next() * tokens.length);
        const j = Math.floor(next() * tokens.length);
        [tokens[i], tokens[j]] = [tokens[j] ?? '', tokens[i] ?? ''];
        text = tokens.join(' ');
        break;
      }
      default: {
        // duplicate or drop a line
        const lines = text.split('\n');
        const i = Math.floor(next() * lines.length);
        if (next() < 0.5) lines.splice(i, 0, lines[i] ?? '');
        else lines.splice(i, 1);
        text = lines.join('\n');
      }
    }
  }
  return text;
}

const UNIT: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** `offset=`/`len=` values above `max` bytes become `max` (written in K). */
function clampBytes(text: string, key: string, maxKiB: number): string {
  return text.replace(new RegExp(`\\b${key}=(\\d+)([KMGT]?)\\b`, 'g'), (whole, n: string, unit: string) =>
    Number(n) * (UNIT[unit] ?? 1) > maxKiB * 1024 ? `${key}=${maxKiB}K` : whole,
  );
}

/**
 * A copy of a scenario with its sizes cut down so that it runs in well under
 * a millisecond and reaches its later statements instead of stopping at a
 * refused swapon: RAM 16M, devices 4M, mappings 128K (32 pages of 4K) with
 * folios of at most order 4, page ranges (up to page 15) and offsets inside
 * them, repeat counts of at most 4, and cgroup limits of 64K so that the
 * mappings still press against them.
 */
export function smallScenario(text: string): string {
  return clampBytes(clampBytes(/\bram=/.test(text) ? text : `config ram=16M\n${text}`, 'offset', 64), 'len', 32)
    .replace(/\bram=\d+[KMGT]?\b/g, 'ram=16M')
    .replace(/\bsize=\d+[KMGT]?\b/g, 'size=4M')
    .replace(/^(mmap\s+\S+\s+\S+\s+)\d+[KMGTp]?\b/gm, (_match, head: string) => `${head}128K`)
    .replace(/\border=(\d+)\b/g, (whole, n: string) => (Number(n) > 4 ? 'order=4' : whole))
    .replace(/\bthp=\d+[KMG]\b/g, 'thp=64K')
    .replace(/\bpages=(\d+)\.\.(\d+)\b/g, (_match, a: string, b: string) => {
      const to = Math.min(Number(b), 15);
      return `pages=${Math.min(Number(a), to)}..${to}`;
    })
    .replace(/^(\s*repeat\s+)(\d+)/gm, (whole, head: string, n: string) => (Number(n) > 4 ? `${head}4` : whole))
    .replace(
      /^(\s*echo\s+)\d+(?:\.\d+)?[KMGT]\b(?=.*memory\.(?:max|high|swap\.max|swap\.high|zswap\.max)\s*$)/gm,
      (_match, head: string) => `${head}64K`,
    );
}
