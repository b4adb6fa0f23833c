/**
 * A session's undo history (issue #15): one record per step taken, and the
 * policy that keeps its memory bounded while stepping back stays exact.
 *
 * Every step's writes are in the kernel's journal (server/sim/journal.ts),
 * so stepping back to a recent step is a journal rollback. Older history is
 * kept coarser: every CHECKPOINT_MS of forward work (CPU time) the step boundary
 * becomes a checkpoint, and each interval between checkpoints is compacted
 * into one set of old values (Journal.compactSpans: one old value per
 * element, field or map key) once FINE_INTERVALS newer intervals exist, or
 * earlier when the journal above the newest compacted step outgrows its
 * budget (one huge step). Inside a compacted interval only
 * its checkpoints are marks: stepping back to a step inside it rolls back to
 * the checkpoint below and re-executes forward (the simulator is
 * deterministic), which re-records those steps in full. So:
 *  - memory: the fine part is about one interval (capped by its budget), and each compacted
 *    interval holds at most one old value per location it touched; when
 *    the whole history outgrows the session's budget, the adjacent intervals
 *    with the least forward work are merged;
 *  - time: re-execution covers at most one interval, about CHECKPOINT_MS of
 *    forward work (longer only after merges), so a step back is instant;
 *    stepping back through a whole run re-executes each interval once.
 */
import type { Journal } from '../sim/journal';
import type { KernelMark } from '../sim/kernel';

/** The state before a step: the kernel's mark and how many results existed. */
export interface StepRecord {
  /** `journal` is COARSE inside a compacted interval (not a mark any more). */
  mark: KernelMark;
  expects: number;
  errors: number;
  violations: number;
  /** The sampled full sweep's work count (session.ts sweepDue): a re-execution samples the same steps. */
  sweepWork: number;
}

export const COARSE = -1;

/** Forward work (CPU ms) between checkpoints: the most a step back re-executes (before merges). */
export const CHECKPOINT_MS = 25;

/** Intervals between the newest checkpoints kept in full (every step a journal mark) besides the open one. */
const FINE_INTERVALS = 1;

export interface UndoBudget {
  /** Undo memory of the whole history, in bytes. */
  readonly totalBytes: number;
  /** Forward work between checkpoints, in ms. */
  readonly checkpointMs: number;
}

export interface UndoStats {
  /** Journal memory (bytes) and records. */
  readonly bytes: number;
  readonly records: number;
  readonly checkpoints: number;
  /** Steps inside compacted intervals (reached by re-execution). */
  readonly coarseSteps: number;
}

export const DEFAULT_UNDO_MB = 256;

/** Wall time between two samples of the process's CPU share (ForwardClock). */
const CPU_SAMPLE_MS = 20;
/** A sampling window longer than this held idle time (the editor waiting): it says nothing about the share. */
const CPU_SAMPLE_MAX_MS = 1000;

function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * The CPU time of forward work, which is what re-executing it costs (wall
 * time would put checkpoints closer together on a busy machine). Reading
 * it per step was a tenth of a small step's cost (process.cpuUsage() is a
 * system call, about 7 us here), so a step is timed with performance.now()
 * and scaled by the process's share of CPU, sampled every CPU_SAMPLE_MS of
 * wall time.
 */
export class ForwardClock {
  private share = 1;
  private sampledWall = performance.now();
  private sampledCpu = processCpuMs();

  /** Start timing a step. */
  start(): number {
    return performance.now();
  }

  /** CPU ms (estimated) since `start()` returned `started`. */
  since(started: number): number {
    const now = performance.now();
    const window = now - this.sampledWall;
    if (window >= CPU_SAMPLE_MS) {
      const cpu = processCpuMs();
      if (window <= CPU_SAMPLE_MAX_MS) this.share = (cpu - this.sampledCpu) / window;
      this.sampledWall = now;
      this.sampledCpu = cpu;
    }
    return (now - started) * this.share;
  }
}

export class UndoHistory {
  private records: StepRecord[] = [];
  /** Step indices whose records stay marks when the steps around them are compacted; ascending, starting at 0. */
  private checkpoints: number[] = [0];
  /** Forward milliseconds done before each checkpoint. */
  private checkpointMs: number[] = [0];
  /** Journal bytes below each checkpoint. */
  private checkpointBytes: number[] = [0];
  /** Index (in `checkpoints`) of the checkpoint where the fine part starts: steps from it on are recorded in full. */
  private fineFrom = 0;
  /** Forward milliseconds of every step run so far (re-executions included). */
  private forwardMs = 0;

  constructor(
    private readonly budget: UndoBudget,
    /** Told about each compaction: journal positions at or above `to` moved down by `removed`. */
    private readonly onCompact: (from: number, to: number, removed: number) => void,
  ) {}

  get length(): number {
    return this.records.length;
  }

  at(step: number): StepRecord {
    return this.records[step]!;
  }

  /** The record of the step about to run. */
  push(rec: StepRecord): void {
    this.records.push(rec);
  }

  /** Drop the record of the step about to run (it failed and was rolled back before afterStep()). */
  pop(): void {
    this.records.pop();
  }

  /** Back to `steps` steps done: the records of later steps go. */
  truncate(steps: number): void {
    this.records.length = steps;
    while (this.checkpoints.length > 1 && this.checkpoints[this.checkpoints.length - 1]! > steps) {
      this.checkpoints.pop();
      this.checkpointMs.pop();
      this.checkpointBytes.pop();
    }
    this.fineFrom = Math.min(this.fineFrom, this.checkpoints.length - 1);
    this.forwardMs = this.checkpointMs[this.checkpointMs.length - 1]!;
  }

  /** The step to roll back to on the way to `target`: `target` itself if it is still a mark, else the checkpoint below it. */
  restorePoint(target: number): number {
    if (this.records[target]?.mark.journal !== COARSE) return target;
    let c = 0;
    for (const cp of this.checkpoints) if (cp <= target) c = cp;
    return c;
  }

  stats(j: Journal): UndoStats {
    let coarseSteps = 0;
    for (const r of this.records) if (r.mark.journal === COARSE) coarseSteps++;
    return { bytes: j.bytes, records: j.size, checkpoints: this.checkpoints.length, coarseSteps };
  }

  /** Journal position of the state before step `step` (the current top when no record exists yet). */
  private pos(step: number, j: Journal): number {
    return step < this.records.length ? this.records[step]!.mark.journal : j.size;
  }

  private addCheckpoint(steps: number, j: Journal): void {
    this.checkpoints.push(steps);
    this.checkpointMs.push(this.forwardMs);
    this.checkpointBytes.push(j.bytes);
  }

  /**
   * After a step ran for `ms`: place a checkpoint when due, compact the
   * interval that the new checkpoint leaves FINE_INTERVALS behind, and
   * compact or merge more when over budget.
   */
  afterStep(j: Journal, ms: number): void {
    this.forwardMs += ms;
    const steps = this.records.length;
    const last = this.checkpoints.length - 1;
    if (this.forwardMs - this.checkpointMs[last]! >= this.budget.checkpointMs && this.checkpoints[last]! < steps) {
      this.addCheckpoint(steps, j);
      this.compactAged(j);
    }
    const fineBudget = this.budget.totalBytes / 4;
    if (j.bytes - this.checkpointBytes[this.fineFrom]! > fineBudget) this.compactFine(j, fineBudget);
    if (j.bytes > this.budget.totalBytes) this.mergeCoarse(j);
  }

  /**
   * Compact the fine intervals older than the newest FINE_INTERVALS, each on
   * its own. Done as each interval ages, the work is even over the run (no
   * pause to compact a large fine part at once), the records are compacted
   * while few records lie above them to move down, and the history holds
   * about one old value per location per interval from then on.
   */
  private compactAged(j: Journal): void {
    const k = this.checkpoints.length - 1 - FINE_INTERVALS;
    if (k <= this.fineFrom) return;
    this.compact(j, this.checkpoints.slice(this.fineFrom, k + 1));
    this.fineFrom = k;
  }

  /** Compact the oldest fine intervals, each on its own, until the fine part is at most half its budget. */
  private compactFine(j: Journal, fineBudget: number): void {
    const steps = this.records.length;
    if (this.checkpoints[this.checkpoints.length - 1]! < steps) this.addCheckpoint(steps, j);
    let k = this.fineFrom + 1;
    while (k < this.checkpoints.length - 1 && j.bytes - this.checkpointBytes[k]! > fineBudget / 2) k++;
    this.compact(j, this.checkpoints.slice(this.fineFrom, k + 1));
    this.fineFrom = k;
  }

  /**
   * The history is over its budget: merge the compacted intervals pairwise
   * (every other checkpoint below the fine part goes), in one pass, until it fits.
   */
  private mergeCoarse(j: Journal): void {
    while (j.bytes > this.budget.totalBytes && this.fineFrom >= 2) {
      const kept = this.checkpoints.slice(0, this.fineFrom + 1).filter((_, i) => i % 2 === 0 || i === this.fineFrom);
      this.compact(j, kept);
      const dropped = new Set(this.checkpoints.slice(0, this.fineFrom + 1).filter((cp) => !kept.includes(cp)));
      const keep = this.checkpoints.map((cp) => !dropped.has(cp));
      this.checkpoints = this.checkpoints.filter((_, i) => keep[i]);
      this.checkpointMs = this.checkpointMs.filter((_, i) => keep[i]);
      this.checkpointBytes = this.checkpointBytes.filter((_, i) => keep[i]);
      this.fineFrom = this.checkpoints.indexOf(kept[kept.length - 1]!);
    }
  }

  /**
   * Compact the journal between consecutive checkpoint steps `bounds`: the
   * steps strictly between two of them stop being marks; the marks above
   * the last move down, and the bytes below every checkpoint are measured again.
   */
  private compact(j: Journal, bounds: number[]): void {
    if (bounds.length < 2) return;
    const positions = bounds.map((b) => this.pos(b, j));
    const moved = j.compactSpans(positions);
    const lastBound = bounds[bounds.length - 1]!;
    const removed = positions[positions.length - 1]! - moved[moved.length - 1]!;
    for (let b = 0; b + 1 < bounds.length; b++) {
      for (let s = bounds[b]! + 1; s < bounds[b + 1]! && s < this.records.length; s++)
        this.records[s]!.mark = { journal: COARSE, events: this.records[s]!.mark.events };
      if (bounds[b + 1]! < this.records.length) this.records[bounds[b + 1]!]!.mark.journal = moved[b + 1]!;
    }
    for (let s = lastBound + 1; s < this.records.length; s++) {
      const m = this.records[s]!.mark;
      if (m.journal !== COARSE) m.journal -= removed;
    }
    // below the first bound nothing moved: measure again from there only (not the whole history)
    const firstIdx = Math.max(0, this.checkpoints.indexOf(bounds[0]!));
    const remeasured = j.bytesBelowEach(
      this.checkpoints.slice(firstIdx).map((cp) => this.pos(cp, j)),
      firstIdx > 0 ? positions[0]! : 0,
      firstIdx > 0 ? this.checkpointBytes[firstIdx]! : 0,
    );
    this.checkpointBytes = [...this.checkpointBytes.slice(0, firstIdx), ...remeasured];
    this.onCompact(positions[0]!, positions[positions.length - 1]!, removed);
  }
}
