/**
 * Reading scenario files and reporting user errors the way shell tools do
 * (`swapsim: FILE: ENOENT (no such file or directory)`), never with a stack.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './args';

let pipeGuarded = false;

/** A reader that went away (`swapsim test … | head`) ends the run quietly, as with SIGPIPE in C tools. */
function guardPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (e: unknown) => {
    if (errnoCode(e) === 'EPIPE') process.exit(0);
    throw e;
  });
}

export function out(text: string): void {
  guardPipe();
  process.stdout.write(text);
}

export function err(text: string): void {
  process.stderr.write(text);
}

/** The `code` of a Node system error, if it is one. */
export function errnoCode(e: unknown): string | null {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = (e as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EMFILE: 'too many open files',
};

/** `FILE: ENOENT (no such file or directory)` from a failed read. */
export function describeReadError(file: string, e: unknown): string {
  const code = errnoCode(e);
  if (code === null) return `${file}: ${e instanceof Error ? e.message : String(e)}`;
  const text = ERRNO_TEXT[code];
  return text ? `${file}: ${code} (${text})` : `${file}: ${code}`;
}

/** The text of a scenario file; an unreadable file is a usage error (exit 2). */
export function readScenario(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`swapsim: ${describeReadError(file, e)}`);
  }
}

/** Run a subcommand body, turning usage errors into exit code 2. */
export function guarded(body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message.endsWith('\n') ? e.message : e.message + '\n');
      return 2;
    }
    throw e;
  }
}
