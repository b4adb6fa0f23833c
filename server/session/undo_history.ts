/**
 * A session's undo history (issue #15): one record per step taken, and the
 * policy that keeps its memory bounded while stepping back stays exact.
 *
 * Every step's writes are in the kernel's journal (server/sim/journal.ts),
 * so stepping back to a recent step is a journal rollback. Older history is
 * kept coarser: every CHECKPOINT_MS of forward work the step boundary
 * becomes a checkpoint, and when the journal above the newest compacted
 * step outgrows its budget, the intervals between checkpoints are compacted
 * into one set of old values each (Journal.compact: one old value per
 * element or field, dense runs as copies). Inside a compacted interval only
 * its checkpoints are marks: stepping back to a step inside it rolls back to
 * the checkpoint below and re-executes forward (the simulator is
 * deterministic), which re-records those steps in full. So:
 *  - memory: the fine part is capped by its budget, and each compacted
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
}

export const COARSE = -1;

/** Forward work between checkpoints: the most a step back re-executes (before merges). */
export const CHECKPOINT_MS = 25;

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

export class UndoHistory {
  private records: StepRecord[] = [];
  /** Step indices whose records stay marks when the steps around them are compacted; ascending, starting at 0. */
  private checkpoints: number[] = [0];
  /** Forward milliseconds done before each checkpoint. */
  private checkpointMs: number[] = [0];
  /** Steps from here on are recorded in full; below it only checkpoints are marks. */
  private fineFrom = 0;
  /** Forward milliseconds of every step run so far (re-executions included). */
  private forwardMs = 0;
  /** Journal bytes below the fine part, or NaN when they must be measured again. */
  private coarseBytes = 0;

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

  /** Back to `steps` steps done: the records of later steps go. */
  truncate(steps: number): void {
    this.records.length = steps;
    while (this.checkpoints.length > 1 && this.checkpoints[this.checkpoints.length - 1]! > steps) {
      this.checkpoints.pop();
      this.checkpointMs.pop();
    }
    if (steps < this.fineFrom) {
      this.fineFrom = steps;
      this.coarseBytes = Number.NaN;
    }
    this.forwardMs = this.checkpointMs[this.checkpointMs.length - 1]!;
  }

  /** The step to roll back to on the way to `target`: `target` itself if it is still a mark, else the checkpoint below it. */
  restorePoint(target: number): number {
    if (target >= this.fineFrom || this.records[target]?.mark.journal !== COARSE) return target;
    let c = 0;
    for (const cp of this.checkpoints) if (cp <= target) c = cp;
    return c;
  }

  stats(j: Journal): UndoStats {
    let coarseSteps = 0;
    for (let s = 0; s < this.fineFrom; s++) if (this.records[s]!.mark.journal === COARSE) coarseSteps++;
    return { bytes: j.bytes, records: j.size, checkpoints: this.checkpoints.length, coarseSteps };
  }

  /** Journal position of the state before step `step` (the current top when no record exists yet). */
  private pos(step: number, j: Journal): number {
    return step < this.records.length ? this.records[step]!.mark.journal : j.size;
  }

  /** After a step ran for `ms`: place a checkpoint when due, and compact when over budget. */
  afterStep(j: Journal, ms: number): void {
    this.forwardMs += ms;
    const steps = this.records.length;
    if (this.forwardMs - this.checkpointMs[this.checkpointMs.length - 1]! >= this.budget.checkpointMs && this.checkpoints[this.checkpoints.length - 1]! < steps) {
      this.checkpoints.push(steps);
      this.checkpointMs.push(this.forwardMs);
    }
    const fineBudget = this.budget.totalBytes / 4;
    if (j.bytes - this.coarse(j) > fineBudget) this.compactFine(j, fineBudget);
    if (j.bytes > this.budget.totalBytes) this.mergeCoarse(j);
  }

  /** Journal bytes below the fine part. */
  private coarse(j: Journal): number {
    if (Number.isNaN(this.coarseBytes)) this.coarseBytes = j.bytesBelow(this.pos(this.fineFrom, j));
    return this.coarseBytes;
  }

  /** Compact the oldest fine intervals until the fine part is at most half its budget. */
  private compactFine(j: Journal, fineBudget: number): void {
    const steps = this.records.length;
    for (;;) {
      if (j.bytes - this.coarse(j) <= fineBudget / 2) return;
      const i = this.checkpoints.indexOf(this.fineFrom);
      let next = this.checkpoints[i + 1];
      if (next === undefined) {
        // one long interval since the last checkpoint: close it here
        if (this.fineFrom >= steps) return;
        this.checkpoints.push(steps);
        this.checkpointMs.push(this.forwardMs);
        next = steps;
      }
      this.compactInterval(j, this.fineFrom, next);
      this.fineFrom = next;
      this.coarseBytes = Number.NaN;
      if (next >= steps) return;
    }
  }

  /** Merge adjacent compacted intervals, least forward work first, until the history fits its budget. */
  private mergeCoarse(j: Journal): void {
    while (j.bytes > this.budget.totalBytes) {
      let best = -1;
      let bestMs = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 2 < this.checkpoints.length && this.checkpoints[i + 2]! <= this.fineFrom; i++) {
        const ms = this.checkpointMs[i + 2]! - this.checkpointMs[i]!;
        if (ms < bestMs) {
          bestMs = ms;
          best = i;
        }
      }
      if (best < 0) return;
      this.compactInterval(j, this.checkpoints[best]!, this.checkpoints[best + 2]!);
      this.checkpoints.splice(best + 1, 1);
      this.checkpointMs.splice(best + 1, 1);
      this.coarseBytes = Number.NaN;
    }
  }

  /** Compact the journal between the checkpoints `a` < `b`: the steps strictly between stop being marks. */
  private compactInterval(j: Journal, a: number, b: number): void {
    const from = this.pos(a, j);
    const to = this.pos(b, j);
    const removed = j.compact(from, to);
    for (let s = a + 1; s < b && s < this.records.length; s++) this.records[s]!.mark = { journal: COARSE, events: this.records[s]!.mark.events };
    for (let s = b; s < this.records.length; s++) {
      const m = this.records[s]!.mark;
      if (m.journal !== COARSE) m.journal -= removed;
    }
    this.onCompact(from, to, removed);
  }
}
