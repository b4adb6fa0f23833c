/**
 * The test worker (dist/test-worker.js): a worker thread of the language
 * server that runs Testing-view runs, one at a time, each in a session of
 * its own. Running them here keeps a long test file off the thread that
 * answers stepping, hovers and the views of interactive sessions.
 */
import { parentPort } from 'node:worker_threads';
import type { CancelSignal } from '../session/api';
import { Session } from '../session/session';
import type { TestJob, WorkerReply } from './messages';

/** Most progress messages per second: the server only turns them into a percentage. */
const PROGRESS_EVERY_MS = 100;

function reply(message: WorkerReply): void {
  parentPort?.postMessage(message);
}

export function runJob(job: TestJob, send: (message: WorkerReply) => void): void {
  const flag = new Int32Array(job.cancel);
  const cancel: CancelSignal = {
    get isCancellationRequested() {
      return Atomics.load(flag, 0) !== 0;
    },
  };
  const started = performance.now();
  let lastProgress = started;
  try {
    const options = job.design === undefined ? job.options : { ...job.options, design: job.design };
    const session = new Session(job.uri, job.text, options);
    if (session.status !== 'invalid') {
      session.run(undefined, cancel, (done, total) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        send({ type: 'progress', id: job.id, done, total });
      });
    }
    const firstError = session.diagnostics.find((d) => d.severity === 'error');
    send({
      type: 'done',
      id: job.id,
      cancelled: cancel.isCancellationRequested,
      invalid:
        session.status === 'invalid'
          ? `line ${(firstError?.range.start.line ?? 0) + 1}: ${firstError?.message ?? 'the scenario has errors'}`
          : null,
      result: {
        design: session.design,
        status: session.status,
        step: session.step,
        expects: [...session.expects],
        errors: [...session.errors],
        durationMs: performance.now() - started,
      },
    });
  } catch (error) {
    send({
      type: 'failed',
      id: job.id,
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
}

parentPort?.on('message', (job: TestJob) => runJob(job, reply));
