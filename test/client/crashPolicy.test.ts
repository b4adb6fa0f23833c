// client/lsp/crashPolicy.ts: a write to a server that has died waits for the
// channel's close instead of shutting the client down (the errors are the
// real ones Node gives for a killed child's IPC channel), other connection
// errors shut it down after a few, crash restarts are budgeted, and Restart
// Server starts a new server even when stopping the dead one fails.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { test } from 'node:test';
import { killAndReturnBeforeExitIsSeen } from '../vscode/exthost/procfs';
import {
  isClosedChannelError,
  restartClient,
  RestartBudget,
  shutsDownOnConnectionError,
  TOLERATED_CONNECTION_ERRORS,
} from '../../client/lsp/crashPolicy';

/** Errors of process.send() to a child over IPC: right after it was killed (before Node saw the exit), and after the channel closed. */
async function writeErrorsOfAKilledChild(): Promise<Error[]> {
  const child = fork('-e', ['process.on("message", () => {}); process.send("ready");'], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const pid = child.pid!;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const errors: Error[] = [];
  child.on('error', (error) => errors.push(error));
  const send = (): Promise<void> =>
    new Promise((resolve) => {
      try {
        child.send({ jsonrpc: '2.0', method: 'x' }, (error) => {
          if (error) errors.push(error);
          resolve();
        });
      } catch (error) {
        errors.push(error as Error);
        resolve();
      }
    });
  killAndReturnBeforeExitIsSeen(pid);
  const early = [send(), send()];
  await Promise.all(early);
  await closed;
  await send();
  return errors;
}

test('writes to a killed server fail with errors that wait for the close, never shut the client down', async () => {
  const errors = await writeErrorsOfAKilledChild();
  assert.ok(errors.length >= 3, `three failed writes give errors (got ${errors.map((e) => e.message).join('; ')})`);
  for (const [i, error] of errors.entries()) {
    assert.ok(
      isClosedChannelError(error),
      `error ${i} (${(error as NodeJS.ErrnoException).code}: ${error.message}) is a closed-channel error`,
    );
    // vscode-jsonrpc's IPC writer counts each failed write twice: the second one is already past the tolerated count
    assert.equal(shutsDownOnConnectionError(error, 2 * (i + 1)), false);
  }
});

test('other connection errors shut the connection down once there were more than the tolerated number', () => {
  const unreadable = new Error('Unexpected token } in JSON at position 12');
  for (let count = 1; count <= TOLERATED_CONNECTION_ERRORS; count++)
    assert.equal(shutsDownOnConnectionError(unreadable, count), false, `error ${count}`);
  assert.equal(shutsDownOnConnectionError(unreadable, TOLERATED_CONNECTION_ERRORS + 1), true);
  assert.equal(shutsDownOnConnectionError(unreadable, undefined), false, 'an error without a count');
  assert.equal(isClosedChannelError({ code: 'ENOENT' }), false);
  assert.equal(isClosedChannelError('EPIPE'), false, 'a string is not an error with a code');
});

test('crash restarts: at most `max` within the window, then again once the oldest left it', () => {
  const budget = new RestartBudget(4, 180_000);
  for (let i = 0; i < 4; i++) assert.equal(budget.take(1_000 + i), true, `restart ${i + 1}`);
  assert.equal(budget.take(2_000), false, 'the fifth within three minutes');
  assert.equal(budget.used, 4);
  assert.equal(budget.take(181_000), true, 'the first one has left the window');
  assert.equal(budget.used, 4);
});

test('Restart Server starts a new server when stopping the old one fails, and reports a failed start', async () => {
  const calls: string[] = [];
  const logged: string[] = [];
  const client = {
    stopFails: true,
    startFails: false,
    stop(): Promise<void> {
      calls.push('stop');
      return this.stopFails ? Promise.reject(new Error('Stopping server failed')) : Promise.resolve();
    },
    start(): Promise<void> {
      calls.push('start');
      return this.startFails ? Promise.reject(new Error('spawn ENOENT')) : Promise.resolve();
    },
  };
  await restartClient(client, (m) => logged.push(m));
  assert.deepEqual(calls, ['stop', 'start']);
  assert.match(logged[0] ?? '', /stopping the old server failed \(Stopping server failed\); starting a new one anyway/);

  client.stopFails = false;
  client.startFails = true;
  await assert.rejects(
    restartClient(client, (m) => logged.push(m)),
    /spawn ENOENT/,
  );
  assert.deepEqual(calls, ['stop', 'start', 'stop', 'start']);
  assert.equal(logged.length, 1, 'a clean stop logs nothing');
});
