#!/usr/bin/env node
// The whole test suite, what `.ci/run` runs: system packages for the browser
// and real-kernel tests, then the unit, language-server, dashboard, CLI and
// fixture tests (`npm test`), then the packaged extension in a real VS Code
// (`npm run test:vscode`), then two examples on a real Linux 7.2 kernel
// (`npm run test:kernel`: Debian's kernel under qemu, see docs/verify.md).
// The randomised tests run at depth 4 here (test/depth.ts), as deep as every
// `npm test` ran before the depth knob; a plain `npm test` runs depth 1.
import { spawnSync } from 'node:child_process';

const CI_TEST_DEPTH = '4';

const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, ['scripts/system-deps.mjs']);
run('npm', ['test'], { ...process.env, SWAPSIM_TEST_DEPTH: process.env.SWAPSIM_TEST_DEPTH ?? CI_TEST_DEPTH });
run('npm', ['run', 'test:vscode']);
run('npm', ['run', 'test:kernel']);
