// /proc helpers for the orchestrator: find the processes a run started,
// measure their memory, and end them by process id / group id.
import { readdirSync, readFileSync } from 'node:fs';

/** @typedef {{ pid: number, ppid: number, pgid: number, argv: string[] }} ProcessInfo */

/** @returns {ProcessInfo | undefined} */
function readProcess(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may contain spaces; the fields we want follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), argv };
  } catch {
    return undefined; // gone while we looked
  }
}

/** @returns {ProcessInfo[]} */
export function listProcesses() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info) found.push(info);
  }
  return found;
}

/**
 * Proportional set size in kB (shared pages split between their users), or
 * the resident set size when smaps_rollup cannot be read.
 * @returns {{ kind: 'pss' | 'rss', kb: number } | undefined}
 */
export function memoryOf(pid) {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    if (match) return { kind: 'pss', kb: Number(match[1]) };
  } catch {
    // fall through to RSS
  }
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) return { kind: 'rss', kb: Number(match[1]) };
  } catch {
    // gone
  }
  return undefined;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM a whole process group, then SIGKILL whatever is left after `graceMs`. */
export async function killProcessGroup(pgid, graceMs = 5000) {
  if (!Number.isInteger(pgid) || pgid <= 1) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // ended between the check and the kill
    }
  }
}

/**
 * End leftovers of a run: every process group (other than ours) holding a
 * process whose command line mentions `marker` (the run's own folder, which
 * appears in code-server's and Chromium's arguments). Returns the groups ended.
 */
export async function killGroupsMentioning(marker) {
  const own = readProcess(process.pid)?.pgid;
  const groups = new Set(
    listProcesses()
      .filter((p) => p.pid !== process.pid && p.pgid !== own && p.argv.some((arg) => arg.includes(marker)))
      .map((p) => p.pgid),
  );
  for (const pgid of groups) await killProcessGroup(pgid, 2000);
  return [...groups];
}

/**
 * Samples the memory of the processes `classify` names (e.g. 'exthost') once
 * a second and keeps the peak per name: the extension host and the language
 * server end with the window that started them, so one reading at the end
 * would miss them.
 */
export class MemorySampler {
  /** @param {(p: ProcessInfo, byPid: Map<number, ProcessInfo>) => string | undefined} classify */
  constructor(classify, intervalMs = 1000) {
    this.classify = classify;
    this.intervalMs = intervalMs;
    /** @type {Map<string, { kind: string, kb: number, pids: Set<number> }>} */
    this.peaks = new Map();
    this.timer = undefined;
  }

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  sample() {
    const all = listProcesses();
    const byPid = new Map(all.map((p) => [p.pid, p]));
    for (const proc of all) {
      const name = this.classify(proc, byPid);
      if (!name) continue;
      const memory = memoryOf(proc.pid);
      if (!memory) continue;
      const peak = this.peaks.get(name) ?? { kind: memory.kind, kb: 0, pids: new Set() };
      peak.pids.add(proc.pid);
      if (memory.kb > peak.kb) Object.assign(peak, { kind: memory.kind, kb: memory.kb });
      this.peaks.set(name, peak);
    }
  }

  /** `name value unit` measurements: peak MB per process kind and how many processes were seen. */
  measurements() {
    const lines = [];
    for (const [name, peak] of [...this.peaks.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`memory.${name}.${peak.kind}_peak ${(peak.kb / 1024).toFixed(1)} MB`);
      lines.push(`memory.${name}.processes ${peak.pids.size} count`);
    }
    return lines;
  }
}
