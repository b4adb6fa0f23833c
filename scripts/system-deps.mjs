#!/usr/bin/env node
// Installs the Debian packages the browser and real-VS-Code tests need
// (chromium drives the dashboard and the workbench; libkrb5-dev lets
// code-server's kerberos module build; ripgrep stands in for
// @vscode/ripgrep's download). Does nothing when they are already there.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const needed = [
  ['chromium', '/usr/bin/chromium'],
  ['libkrb5-dev', '/usr/include/krb5.h'],
  ['ripgrep', '/usr/bin/rg'],
];
const missing = needed.filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const apt = (args) => {
  const cmd = isRoot ? 'apt-get' : 'sudo';
  const argv = isRoot ? args : ['apt-get', ...args];
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    console.error(`swapsim: could not install ${missing.join(', ')} (apt-get ${args.join(' ')} failed); install them and rerun`);
    process.exit(1);
  }
};
console.log(`installing Debian packages: ${missing.join(' ')}`);
apt(['update', '-qq']);
apt(['install', '-y', '-qq', ...missing]);
