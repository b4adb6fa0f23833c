// Headless `swapsim` command line: the same simulator as the language server,
// for scripts, CI and people who prefer a terminal.

// Injected by scripts/build.mjs so the bundle never reads package.json at run time.
declare const __SWAPSIM_VERSION__: string;

import { serveCommand } from './serve';
import { captureCommand } from './cli/capture';
import { compareCommand } from './cli/compare';
import { runCommand } from './cli/run';
import { testCommand } from './cli/test_cmd';
import { verifyCommand } from './cli/verify';

interface Subcommand {
  readonly summary: string;
  readonly run: (args: readonly string[]) => number | Promise<number>;
}

const subcommands: ReadonlyMap<string, Subcommand> = new Map<string, Subcommand>([
  ['help', { summary: 'show this help', run: () => printHelp() }],
  ['version', { summary: 'print the swapsim version', run: () => printVersion() }],
  ['run', { summary: 'run a scenario and print the final state (--json for JSON)', run: (args) => runCommand(args) }],
  [
    'test',
    { summary: 'check every expect line of one or more scenarios (--tap for TAP)', run: (args) => testCommand(args) },
  ],
  [
    'compare',
    { summary: 'swap metadata overhead of a scenario under several designs', run: (args) => compareCommand(args) },
  ],
  [
    'capture',
    { summary: "print a scenario header reproducing this machine's swap setup", run: (args) => captureCommand(args) },
  ],
  [
    'verify',
    {
      summary: 'run scenarios on a real Linux kernel (qemu) and compare with the simulator',
      run: (args) => verifyCommand(args),
    },
  ],
  [
    'serve',
    { summary: 'serve the dashboard for a scenario in a browser (127.0.0.1 only)', run: (args) => serveCommand(args) },
  ],
]);

function printVersion(): number {
  process.stdout.write(`swapsim ${__SWAPSIM_VERSION__}\n`);
  return 0;
}

function printHelp(): number {
  const width = Math.max(...[...subcommands.keys()].map((name) => name.length));
  const lines = [
    `swapsim ${__SWAPSIM_VERSION__} — simulator of the Linux kernel swap subsystem`,
    '',
    'Usage: swapsim <command> [arguments]',
    '',
    'Commands:',
    ...[...subcommands].map(([name, cmd]) => `  ${name.padEnd(width)}  ${cmd.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help',
    '  -V, --version  print the swapsim version',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return printHelp();
  if (first === '-V' || first === '--version') return printVersion();
  const command = subcommands.get(first);
  if (command === undefined) {
    process.stderr.write(`swapsim: unknown command '${first}'\nRun 'swapsim --help' for the list of commands.\n`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`swapsim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
