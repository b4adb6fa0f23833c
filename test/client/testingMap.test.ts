// The Testing view's mapping of a finished run (client/testing/results.ts),
// with runs made by the real server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { findExpectLines } from '../../client/testing/discovery';
import { MAX_MESSAGES_PER_LINE, mapRun } from '../../client/testing/results';
import { TestServer } from './realServer';

let server: TestServer;
before(async () => {
  server = await TestServer.start();
});
after(async () => {
  await server.stop();
});

async function runAll(name: string, text: string): Promise<ReturnType<typeof mapRun>> {
  const uri = await server.open(name, text);
  const snapshot = await server.requester.request('swapsim/run', { uri });
  return mapRun(
    findExpectLines(text).map((x) => x.line),
    snapshot,
  );
}

test('each expect line passes or fails with expected and actual values', async () => {
  const text = [
    'swapon /dev/vda2 size=64M',
    'expect ok',
    'task t',
    'mmap t heap 1M populate',
    'pageout t heap',
    'expect /proc/vmstat pswpout == 1M',
    'expect /proc/vmstat pswpout == 2M   # wrong on purpose',
  ].join('\n');
  const { lines, scenario } = await runAll('pass-fail.swapsim', text);
  assert.deepEqual(
    [...lines.values()].map((l) => [l.line, l.state, l.runs]),
    [
      [1, 'passed', 1],
      [5, 'passed', 1],
      [6, 'failed', 1],
    ],
  );
  const [message] = lines.get(6)?.messages ?? [];
  assert.equal(message.expected, '== 512 pages');
  assert.equal(message.actual, '256 pages');
  assert.equal(message.range.start.line, 6);
  assert.match(message.text, /pswpout == 2M: expected == 512 pages, actual 256 pages \(step \d+\)/);
  assert.deepEqual(scenario, []);
});

test('a line inside repeat fails if any iteration fails; unexpected kernel errors fail the scenario', async () => {
  const text = [
    'swapon /dev/vda2 size=64M',
    'mkdir app',
    'task t cgroup=app',
    'mmap t heap 1M populate',
    'reclaim app 100M',
    'repeat 5 {',
    '  touch t heap write',
    '  pageout t heap',
    '  expect /proc/vmstat pswpout <= 300',
    '}',
    'rmdir app',
    'expect error EBUSY',
  ].join('\n');
  const { lines, scenario } = await runAll('repeat.swapsim', text);
  const repeated = lines.get(8);
  assert.equal(repeated?.state, 'failed');
  assert.equal(repeated?.runs, 5);
  assert.equal(repeated?.messages.length, MAX_MESSAGES_PER_LINE + 1, 'a few failures, then a count');
  assert.match(repeated?.messages[MAX_MESSAGES_PER_LINE].text ?? '', /failed 5 of 5 times/);
  assert.equal(lines.get(11)?.state, 'passed', 'expect error EBUSY accepted the rmdir error');
  assert.equal(scenario.length, 1, 'the reclaim that fell short is an error nobody expected');
  assert.match(scenario[0].text, /^EAGAIN: /);
  assert.equal(scenario[0].range.start.line, 4);
});

test('with stop_on_error, expects after the first failure are skipped as not reached', async () => {
  const text = [
    'config stop_on_error=yes',
    'swapon /dev/vda2 size=64M',
    'expect /proc/swaps /dev/vda2 Used == 4K',
    'swapon /dev/vdb size=64M',
    'expect /proc/swaps /dev/vdb Used == 0',
  ].join('\n');
  const { lines } = await runAll('stop.swapsim', text);
  assert.equal(lines.get(2)?.state, 'failed');
  assert.equal(
    lines.get(4)?.state,
    'skipped',
    'docs/scenario-language.md: stop_on_error stops at the first failed expectation',
  );
  assert.match(lines.get(4)?.messages[0].text ?? '', /not reached: the run stopped at step 2 of 4/);
});

test('a scenario with errors cannot run: the request fails with ScenarioErrors', async () => {
  const uri = await server.open('invalid.swapsim', 'swapon /dev/vda2 size=64M\nmmap nobody heap 1M\nexpect ok\n');
  await assert.rejects(server.requester.request('swapsim/run', { uri }), (error: unknown) => {
    assert.ok(typeof error === 'object' && error !== null && 'code' in error);
    assert.equal(error.code, -32003);
    return true;
  });
});
