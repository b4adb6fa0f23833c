// Reading /proc from inside the extension host, to see the processes the
// extension starts (the language server is a child of the extension host).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  argv: string[];
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((arg) => arg.length > 0);
    return { pid, ppid: Number(fields[1]), argv };
  } catch {
    return undefined; // the process ended while we looked
  }
}

export function childrenOf(parentPid: number): ProcessInfo[] {
  const children: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info && info.ppid === parentPid) children.push(info);
  }
  return children;
}

export function isAlive(pid: number): boolean {
  return readProcess(pid) !== undefined;
}

/**
 * Whether the kernel has ended `pid`: gone, or a zombie with no thread left
 * running. The thread-group leader of a multi-threaded process (node) is a
 * zombie while its other threads still exit; its files, the IPC socket among
 * them, are closed only when the last thread has.
 */
function hasEnded(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  // fields after the command name: state is the 3rd field of the line, num_threads the 20th
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[0] === 'Z' && fields[17] === '1';
}

/**
 * SIGKILL `pid` and return once the kernel has ended it, without yielding to
 * the event loop: the caller runs on while this process has not yet seen the
 * exit, as when a child dies with messages on their way to it. Throws if it
 * has not ended after `limitMs`.
 */
export function killAndReturnBeforeExitIsSeen(pid: number, limitMs = 10_000): void {
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + limitMs;
  while (!hasEnded(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} has not ended ${limitMs} ms after SIGKILL`);
  }
}
