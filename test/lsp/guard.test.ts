import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseError } from 'vscode-languageserver/node';
import { ErrorCodes } from '../../shared/protocol';
import { toResponseError } from '../../server/lsp/guard';
import { BadRequest, SimulatorBug } from '../../server/session/errors';

test('a BadRequest answers InvalidParams and is not logged', () => {
  const log: string[] = [];
  const r = toResponseError(new BadRequest('offset 9 outside /dev/vda (0..7)'), 'swapsim/slot', (m) => log.push(m));
  assert.equal(r.code, ErrorCodes.InvalidParams);
  assert.equal(r.message, 'offset 9 outside /dev/vda (0..7)');
  assert.deepEqual(log, []);
});

test('any other throw is a bug of ours: InternalError, with its stack in the log', () => {
  for (const thrown of [
    new RangeError('cluster count underflow'),
    new SimulatorBug(3, 'pageout', new RangeError('cluster count underflow')),
    new TypeError('x is undefined'),
  ]) {
    const log: string[] = [];
    const r = toResponseError(thrown, 'swapsim/step', (m) => log.push(m));
    assert.equal(r.code, ErrorCodes.InternalError);
    assert.match(r.message, /^swapsim\/step failed: /);
    assert.equal(log.length, 1);
    assert.match(log[0]!, /at /, 'the log line carries the stack');
  }
});

test('a ResponseError passes through with its own code', () => {
  const e = new ResponseError(ErrorCodes.StaleSequence, 'stale');
  assert.equal(
    toResponseError(e, 'swapsim/slot', () => assert.fail('not logged')),
    e,
  );
});
