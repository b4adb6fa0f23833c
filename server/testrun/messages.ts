/**
 * Messages between the language server and its test worker
 * (server/testrun/worker.ts). Internal to the server: neither the client
 * nor a webview sees them.
 */
import type { DesignName, TestRunResult } from '../../shared/protocol';
import type { SessionOptions } from '../session/api';

/** One test run: build a session from `text` and run it to the end. */
export interface TestJob {
  readonly id: number;
  readonly uri: string;
  readonly text: string;
  readonly options: SessionOptions;
  readonly design?: DesignName;
  /** Int32Array(1) over a SharedArrayBuffer: the server stores 1 to cancel the run. */
  readonly cancel: SharedArrayBuffer;
}

export type WorkerReply =
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number }
  | {
      readonly type: 'done';
      readonly id: number;
      readonly result: TestRunResult;
      readonly cancelled: boolean;
      readonly invalid: string | null;
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
