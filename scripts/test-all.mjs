#!/usr/bin/env node
// The whole test suite: system packages for the browser tests, then the unit,
// language-server, dashboard and CLI tests (`npm test`), then the packaged
// extension in a real VS Code (`npm run test:vscode`).
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, ['scripts/system-deps.mjs']);
run('npm', ['test']);
run('npm', ['run', 'test:vscode']);
