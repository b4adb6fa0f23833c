// The scenario debugger in the real VS Code: a launch with a breakpoint
// stops there, stackTrace, Step Back and Next go through the debug session,
// and the extension's own session store and step status item move with it
// (the debugger is one more view of the document's session).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test, waitFor } from '../harness';
import { writeAndOpenScenario } from './scenario';

const SCENARIO_NAME = 'client-debugger.swapsim';
// 1-based lines on the right, as the debugger reports them.
const SCENARIO = [
  '# Written by debugger.exthost.ts.', // 1
  'config design=p4 page_size=4K ram=1G', // 2
  'swapon /dev/vda2 size=64M -p 5', // 3: step 1
  'task t', // 4: step 2
  'mmap t heap 1M populate', // 5: step 3
  'repeat 2 {', // 6
  '  pageout t heap pages=0..7', // 7: steps 4, 6
  '  touch t heap pages=0..7', // 8: steps 5, 7
  '}', // 9
  '',
].join('\n');
const BREAKPOINT_LINE = 8;
const TOTAL = 7;

interface StoppedBody {
  reason: string;
  threadId: number;
  description?: string;
}

interface StackTraceBody {
  stackFrames: { name: string; line: number; source?: { path?: string } }[];
}

test('the debugger stops on a breakpoint and steps the same session the views show', async () => {
  const { api, file, uri } = await writeAndOpenScenario(SCENARIO_NAME, SCENARIO);

  // Every stop the adapter reports, seen from VS Code's side of the protocol.
  const stops: StoppedBody[] = [];
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('swapsim', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (message: { type?: string; event?: string; body?: StoppedBody }) => {
        if (message.type === 'event' && message.event === 'stopped' && message.body !== undefined) stops.push(message.body);
      },
    }),
  });
  const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(BREAKPOINT_LINE - 1, 0)));
  vscode.debug.addBreakpoints([breakpoint]);
  let session: vscode.DebugSession | undefined;
  try {
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      type: 'swapsim',
      name: 'swapsim exthost test',
      request: 'launch',
      program: file.fsPath,
      stopOnEntry: false,
    });
    assert.equal(started, true, 'startDebugging');
    session = await waitFor('the swapsim debug session', () => (vscode.debug.activeDebugSession?.type === 'swapsim' ? vscode.debug.activeDebugSession : undefined), 30_000);
    const stopNumber = async (n: number): Promise<StoppedBody> => waitFor(`stop #${n}`, () => stops[n - 1], 30_000);
    const topLine = async (): Promise<number> => {
      const trace = (await session!.customRequest('stackTrace', { threadId: 1 })) as StackTraceBody;
      // A remote workbench hands paths back as URIs of the remote; either way, the scenario file.
      assert.ok(trace.stackFrames[0]?.source?.path?.endsWith(`/${SCENARIO_NAME}`), JSON.stringify(trace.stackFrames[0]?.source));
      return trace.stackFrames[0]!.line;
    };
    const storeAt = (index: number): Promise<true> => waitFor(`the session store at step ${index}`, () => (api.store.get(uri)?.step.index === index ? true : undefined), 20_000);

    // Runs to the breakpoint in the repeat body: 5 steps done (the touch of the first pass is next).
    assert.equal((await stopNumber(1)).reason, 'breakpoint');
    assert.equal(await topLine(), BREAKPOINT_LINE);
    await storeAt(5 - 1);
    assert.equal(api.stepStatus.item.text.endsWith(`step 4 / ${TOTAL}`), true, api.stepStatus.item.text);

    await session.customRequest('stepBack', { threadId: 1 });
    assert.equal((await stopNumber(2)).reason, 'step');
    assert.equal(await topLine(), BREAKPOINT_LINE - 1);
    await storeAt(3);
    assert.ok(api.stepStatus.item.text.endsWith(`step 3 / ${TOTAL}`), api.stepStatus.item.text);

    await session.customRequest('next', { threadId: 1 });
    assert.equal((await stopNumber(3)).reason, 'step');
    assert.equal(await topLine(), BREAKPOINT_LINE);
    await storeAt(4);

    // The Variables view's data: the device swapped on at step 1.
    const { scopes } = (await session.customRequest('scopes', { frameId: 1 })) as { scopes: { name: string; variablesReference: number }[] };
    const devicesScope = scopes.find((s) => s.name.startsWith('Swap devices'));
    assert.ok(devicesScope, scopes.map((s) => s.name).join(', '));
    const { variables } = (await session.customRequest('variables', { variablesReference: devicesScope.variablesReference })) as { variables: { name: string }[] };
    assert.deepEqual(
      variables.map((v) => v.name),
      ['/dev/vda2'],
    );

    // The extension's Step command moves the same session: the debugger follows with a stop of its own.
    await vscode.commands.executeCommand('swapsim.step');
    const followed = await stopNumber(4);
    assert.equal(followed.description, 'the session moved outside the debugger');
    await storeAt(5);
    assert.equal(await topLine(), BREAKPOINT_LINE - 1);
  } finally {
    tracker.dispose();
    vscode.debug.removeBreakpoints([breakpoint]);
    if (session !== undefined) {
      const ended = new Promise<void>((resolve) => {
        const sub = vscode.debug.onDidTerminateDebugSession((s) => {
          if (s.id === session!.id) {
            sub.dispose();
            resolve();
          }
        });
      });
      await vscode.debug.stopDebugging(session);
      await ended;
    }
  }
}, { timeoutMs: 60_000 });
