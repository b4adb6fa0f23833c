// Generates large, valid scenarios for the performance test and the parse bench.

/**
 * A scenario of exactly `lines` lines that parses and checks without
 * diagnostics: devices, cgroups, tasks, mappings, accesses, file writes,
 * expects and repeat blocks, in proportions like a long hand-written test.
 */
export function largeScenario(lines: number): string {
  const out: string[] = ['config design=p4 page_size=4K ram=8G cpus=8', 'swapon /dev/vda2 size=4G -p 5', 'swapon /dev/zram0 size=1G -p 100'];
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
