/**
 * A stand-in kernel and qemu for the fault tests of `swapsim verify`: a file
 * with a bzImage setup header (and a .config beside it), and a shell script
 * on PATH named qemu-system-x86_64 that plays a guest that panics while
 * booting or hangs after the scenario started. Real boots are covered by the
 * recorded fixtures and by CI's `swapsim verify` run.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ALL_OPTIONS = [
  'CONFIG_SWAP',
  'CONFIG_MEMCG',
  'CONFIG_BLK_DEV_INITRD',
  'CONFIG_DEVTMPFS',
  'CONFIG_SERIAL_8250_CONSOLE',
  'CONFIG_VIRTIO_PCI',
  'CONFIG_VIRTIO_BLK',
];

/** A folder holding `bzImage` (release 6.99.1-test) and a `.config` with `options`. */
export function fakeKernel(options: readonly string[]): { dir: string; bzImage: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'swapsim-fake-kernel-'));
  const buf = Buffer.alloc(0x400);
  buf.write('HdrS', 0x202, 'latin1');
  buf.writeUInt16LE(0x100, 0x20e);
  buf.write('6.99.1-test (test@host) #1 SMP', 0x300, 'latin1');
  const bzImage = path.join(dir, 'bzImage');
  writeFileSync(bzImage, buf);
  writeFileSync(path.join(dir, '.config'), options.join('\n') + '\n');
  return { dir, bzImage };
}

/**
 * A folder with a fake `qemu-system-x86_64`: mode `panic` writes a panic to the
 * console file and exits before the scenario starts; `hang` starts the
 * scenario, then sleeps (its pid goes to `pidFile`). Each start appends a line to `countFile`.
 */
export function fakeQemu(mode: 'panic' | 'hang'): { bin: string; countFile: string; pidFile: string } {
  const bin = mkdtempSync(path.join(tmpdir(), 'swapsim-fake-qemu-'));
  mkdirSync(bin, { recursive: true });
  const countFile = path.join(bin, 'starts');
  const pidFile = path.join(bin, 'pid');
  const script = `#!/bin/bash
echo start >> ${countFile}
console=""
for a in "$@"; do case "$a" in file:*) [ -z "$console" ] && console="\${a#file:}";; esac; done
if [ "${mode}" = panic ]; then
  printf 'Linux version 6.99.1-test\\nKernel panic - not syncing: VFS: Unable to mount root fs\\n' > "$console"
  exit 0
fi
printf 'Linux version 6.99.1-test\\nrunning the scenario\\n' > "$console"
printf '@started\\nS 1\\nE 1 ok\\nS 2\\n'
echo $$ > ${pidFile}
exec sleep 1000
`;
  const file = path.join(bin, 'qemu-system-x86_64');
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return { bin, countFile, pidFile };
}

/** Is the process running? A zombie (killed, not yet reaped by its new parent) is not. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
