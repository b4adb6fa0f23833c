#!/usr/bin/env node
// The whole test suite, what `.ci/run` runs: system packages for the browser
// and real-kernel tests, then the unit, language-server, dashboard, CLI and
// fixture tests (`npm test`), then the packaged extension in a real VS Code
// (`npm run test:vscode`), then two examples on a real Linux 7.2 kernel
// (`npm run test:kernel`: Debian's kernel under qemu, see docs/verify.md).
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, ['scripts/system-deps.mjs']);
run('npm', ['test']);
run('npm', ['run', 'test:vscode']);
run('npm', ['run', 'test:kernel']);
