/**
 * Test runs off the interactive path: a queue in front of one worker thread
 * (dist/test-worker.js). The Testing view's runs wait their turn here, never
 * in a document's session queue, and never touch the session the user is
 * stepping: stepping in any document stays as quick during a long test run
 * as without one. A crashed worker fails its run and is replaced for the
 * next one.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DesignName, TestRunResult } from '../../shared/protocol';
import type { SessionOptions } from '../session/api';
import type { TestJob, WorkerReply } from './messages';

export interface TestRunRequest {
  readonly uri: string;
  readonly text: string;
  readonly options: SessionOptions;
  readonly design?: DesignName;
  /** Steps done and expected, about ten times a second while the run goes on. */
  readonly onProgress?: (done: number, total: number) => void;
}

export type TestRunOutcome =
  | { readonly kind: 'done'; readonly result: TestRunResult }
  /** `result` is null when the run was cancelled before it started. */
  | { readonly kind: 'cancelled'; readonly result: TestRunResult | null }
  | { readonly kind: 'invalid'; readonly message: string };

interface Pending {
  readonly job: TestJob;
  readonly request: TestRunRequest;
  resolve(outcome: TestRunOutcome): void;
  reject(error: Error): void;
}

/** Where the bundled worker lives: next to dist/server.js. */
export function defaultWorkerPath(): string {
  return path.join(__dirname, 'test-worker.js');
}

export class TestRunner {
  private worker: Worker | null = null;
  private readonly queue: Pending[] = [];
  private current: Pending | null = null;
  private nextId = 1;

  constructor(private readonly workerPath: string = defaultWorkerPath()) {}

  /** Runs waiting or running (for status and tests). */
  get pending(): number {
    return this.queue.length + (this.current === null ? 0 : 1);
  }

  /** Queue a run; `cancel` (called at any time) drops it from the queue or stops it where it got to. */
  run(request: TestRunRequest): { outcome: Promise<TestRunOutcome>; cancel(): void } {
    const job: TestJob = {
      id: this.nextId++,
      uri: request.uri,
      text: request.text,
      options: request.options,
      cancel: new SharedArrayBuffer(4),
      ...(request.design === undefined ? {} : { design: request.design }),
    };
    let entry!: Pending;
    const outcome = new Promise<TestRunOutcome>((resolve, reject) => {
      entry = { job, request, resolve, reject };
    });
    this.queue.push(entry);
    this.pump();
    return {
      outcome,
      cancel: () => {
        Atomics.store(new Int32Array(job.cancel), 0, 1);
        const queued = this.queue.indexOf(entry);
        if (queued < 0) return;
        this.queue.splice(queued, 1);
        entry.resolve({ kind: 'cancelled', result: null });
      },
    };
  }

  dispose(): void {
    const worker = this.worker;
    this.worker = null;
    for (const p of this.queue.splice(0)) p.reject(new Error('the test runner was shut down'));
    this.current?.reject(new Error('the test runner was shut down'));
    this.current = null;
    void worker?.terminate();
  }

  private pump(): void {
    if (this.current !== null) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    this.current = next;
    try {
      this.ensureWorker().postMessage(next.job);
    } catch (error) {
      this.finish((p) => p.reject(error instanceof Error ? error : new Error(String(error))));
    }
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(this.workerPath);
    // The server may exit while the worker idles.
    worker.unref();
    worker.on('message', (message: WorkerReply) => this.onReply(message));
    worker.on('error', (error) => this.onCrash(worker, error));
    worker.on('exit', (code) => this.onCrash(worker, new Error(`the test worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private onReply(message: WorkerReply): void {
    const current = this.current;
    if (current === null || message.id !== current.job.id) return;
    switch (message.type) {
      case 'progress':
        current.request.onProgress?.(message.done, message.total);
        return;
      case 'done':
        this.finish((p) =>
          p.resolve(
            message.invalid !== null
              ? { kind: 'invalid', message: message.invalid }
              : { kind: message.cancelled ? 'cancelled' : 'done', result: message.result },
          ),
        );
        return;
      case 'failed':
        this.finish((p) => p.reject(new Error(`the test run failed: ${message.message}`)));
        return;
    }
  }

  private onCrash(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.finish((p) => p.reject(error));
  }

  /** Settle the current run and start the next. */
  private finish(settle: (p: Pending) => void): void {
    const current = this.current;
    this.current = null;
    if (current !== null) settle(current);
    this.pump();
  }
}
