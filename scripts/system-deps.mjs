#!/usr/bin/env node
// Installs the Debian packages the browser, real-VS-Code and real-kernel
// tests need (chromium drives the dashboard and the workbench; libkrb5-dev
// lets code-server's kerberos module build; ripgrep stands in for
// @vscode/ripgrep's download; `swapsim verify` boots kernels with qemu, a
// static busybox, a workload built with gcc -static against libc6-dev, ext4
// disks from e2fsprogs, xfs and btrfs disks for `mount -t` from xfsprogs and
// btrfs-progs, module lists from kmod, and unpacks .ko.xz/.ko.zst).
// Does nothing when they are already there.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const needed = [
  ['chromium', '/usr/bin/chromium'],
  ['libkrb5-dev', '/usr/include/krb5.h'],
  ['ripgrep', '/usr/bin/rg'],
  ['qemu-system-x86', '/usr/bin/qemu-system-x86_64'],
  ['busybox-static', '/bin/busybox'],
  ['gcc', '/usr/bin/gcc'],
  ['libc6-dev', '/usr/lib/x86_64-linux-gnu/libc.a'],
  ['e2fsprogs', '/sbin/mkfs.ext4'],
  ['xfsprogs', '/sbin/mkfs.xfs'],
  ['btrfs-progs', '/sbin/mkfs.btrfs'],
  ['kmod', '/sbin/modprobe'],
  ['xz-utils', '/usr/bin/xz'],
  ['zstd', '/usr/bin/zstd'],
];
const missing = needed.filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const apt = (args) => {
  const cmd = isRoot ? 'apt-get' : 'sudo';
  const argv = isRoot ? args : ['apt-get', ...args];
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    console.error(
      `swapsim: could not install ${missing.join(', ')} (apt-get ${args.join(' ')} failed); install them and rerun`,
    );
    process.exit(1);
  }
};
console.log(`installing Debian packages: ${missing.join(' ')}`);
apt(['update', '-qq']);
apt(['install', '-y', '-qq', ...missing]);
