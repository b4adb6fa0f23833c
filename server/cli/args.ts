/**
 * A small argument parser shared by the subcommands: positionals, boolean
 * flags and options with a value (`--designs a,b` or `--designs=a,b`).
 * Anything else is a usage error, reported without a stack trace.
 */

/** A mistake in how the command was called: message to stderr, exit 2. */
export class UsageError extends Error {}

export interface ArgSpec {
  /** Boolean flags, with their leading dashes (`--json`). */
  readonly flags?: readonly string[];
  /** Options that take a value (`--design`). */
  readonly options?: readonly string[];
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Set<string>;
  readonly options: Map<string, string>;
}

export function parseArgs(command: string, args: readonly string[], spec: ArgSpec): ParsedArgs {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  const flagNames = new Set(spec.flags ?? []);
  const optionNames = new Set(spec.options ?? []);
  let onlyPositionals = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (optionNames.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === '') throw new UsageError(`swapsim ${command}: option ${name} needs a value`);
      if (options.has(name)) throw new UsageError(`swapsim ${command}: option ${name} given twice`);
      options.set(name, value);
    } else if (flagNames.has(name) && eq < 0) {
      flags.add(name);
    } else {
      throw new UsageError(`swapsim ${command}: unknown option '${arg}'\nRun 'swapsim ${command} --help' for usage.`);
    }
  }
  return { positionals, flags, options };
}

export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const head = end < 0 ? args : args.slice(0, end);
  return head.includes('--help') || head.includes('-h');
}
