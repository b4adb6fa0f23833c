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
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg.length > 0);
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
