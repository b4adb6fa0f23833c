// The scenario debugger in the real VS Code: a launch with a breakpoint
// stops there, stackTrace, Step Back and Next go through the debug session,
// and the extension's own session store and step status item move with it
// (the debugger is one more view of the document's session). Then a
// conditional breakpoint (a vscode.SourceBreakpoint with a condition) and a
// data breakpoint (dataBreakpointInfo and setDataBreakpoints through the
// session, as the Variables view's Break on Value Change sends them) stop
// where the server says. The adapter is loaded from dist/client-debug.js.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test, waitFor } from '../harness';
import { writeAndOpenScenario } from './scenario';

const SCENARIO_NAME = 'client-debugger.swapsim';
// 1-based lines on the right, as the debugger reports them.
const SCENARIO = [
  '# Written by debugger.exthost.ts.', // 1
  'config design=p4 page_size=4K ram=1G swap_writeback=sync', // 2: each touch reads its pages back
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

test(
  'the debugger stops on a breakpoint and steps the same session the views show',
  async () => {
    const { api, file, uri } = await writeAndOpenScenario(SCENARIO_NAME, SCENARIO);

    // Every stop the adapter reports, seen from VS Code's side of the protocol.
    const stops: StoppedBody[] = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('swapsim', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (message: { type?: string; event?: string; body?: StoppedBody }) => {
          if (message.type === 'event' && message.event === 'stopped' && message.body !== undefined)
            stops.push(message.body);
        },
      }),
    });
    const breakpoint = new vscode.SourceBreakpoint(
      new vscode.Location(file, new vscode.Position(BREAKPOINT_LINE - 1, 0)),
    );
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
      session = await waitFor(
        'the swapsim debug session',
        () => (vscode.debug.activeDebugSession?.type === 'swapsim' ? vscode.debug.activeDebugSession : undefined),
        30_000,
      );
      const stopNumber = async (n: number): Promise<StoppedBody> => waitFor(`stop #${n}`, () => stops[n - 1], 30_000);
      const topLine = async (): Promise<number> => {
        const trace = (await session!.customRequest('stackTrace', { threadId: 1 })) as StackTraceBody;
        // A remote workbench hands paths back as URIs of the remote; either way, the scenario file.
        assert.ok(
          trace.stackFrames[0]?.source?.path?.endsWith(`/${SCENARIO_NAME}`),
          JSON.stringify(trace.stackFrames[0]?.source),
        );
        return trace.stackFrames[0]!.line;
      };
      const storeAt = (index: number): Promise<true> =>
        waitFor(
          `the session store at step ${index}`,
          () => (api.store.get(uri)?.step.index === index ? true : undefined),
          20_000,
        );

      // Runs to the breakpoint in the repeat body: 5 steps done (the touch of the first pass is next).
      assert.equal((await stopNumber(1)).reason, 'breakpoint');
      assert.equal(await topLine(), BREAKPOINT_LINE);
      await storeAt(5 - 1);
      assert.equal(api.stepStatus.item.text.endsWith(`step 4 / ${TOTAL}`), true, api.stepStatus.item.text);
      // One position in every view (issue #22): the frame says what the status bar says.
      const frameName =
        ((await session.customRequest('stackTrace', { threadId: 1 })) as StackTraceBody).stackFrames[0]?.name ?? '';
      assert.ok(frameName.includes(`step 4 / ${TOTAL}`), frameName);
      // While the debugger is stopped here, VS Code marks the next line; the extension's own next-line highlight steps aside.
      await waitFor(
        'no second line highlight',
        () => (api.decorations.current(uri)?.next.length === 0 ? true : undefined),
        20_000,
      );

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
      const { scopes } = (await session.customRequest('scopes', { frameId: 1 })) as {
        scopes: { name: string; variablesReference: number }[];
      };
      const devicesScope = scopes.find((s) => s.name.startsWith('Swap devices'));
      assert.ok(devicesScope, scopes.map((s) => s.name).join(', '));
      const { variables } = (await session.customRequest('variables', {
        variablesReference: devicesScope.variablesReference,
      })) as { variables: { name: string }[] };
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
  },
  { timeoutMs: 60_000 },
);

/** Starts a swapsim debug session on `file` and collects its stops. */
async function debugScenario(
  file: vscode.Uri,
  stopOnEntry: boolean,
): Promise<{
  session: vscode.DebugSession;
  stops: StoppedBody[];
  stopNumber: (n: number) => Promise<StoppedBody>;
  end: () => Promise<void>;
}> {
  const stops: StoppedBody[] = [];
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('swapsim', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (message: { type?: string; event?: string; body?: StoppedBody }) => {
        if (message.type === 'event' && message.event === 'stopped' && message.body !== undefined)
          stops.push(message.body);
      },
    }),
  });
  const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
    type: 'swapsim',
    name: 'swapsim exthost breakpoints',
    request: 'launch',
    program: file.fsPath,
    stopOnEntry,
  });
  assert.equal(started, true, 'startDebugging');
  const session = await waitFor(
    'the swapsim debug session',
    () => (vscode.debug.activeDebugSession?.type === 'swapsim' ? vscode.debug.activeDebugSession : undefined),
    30_000,
  );
  const end = async (): Promise<void> => {
    tracker.dispose();
    const ended = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.id === session.id) {
          sub.dispose();
          resolve();
        }
      });
    });
    await vscode.debug.stopDebugging(session);
    await ended;
  };
  return { session, stops, stopNumber: (n) => waitFor(`stop #${n}`, () => stops[n - 1], 30_000), end };
}

test(
  'a conditional breakpoint and a data breakpoint stop where the server says',
  async () => {
    const { api, file, uri } = await writeAndOpenScenario('client-debugger-conditions.swapsim', SCENARIO);
    // Line 8 is next at steps 4 and 6; pswpin reaches 8 with the first touch, so only the second time.
    const conditional = new vscode.SourceBreakpoint(
      new vscode.Location(file, new vscode.Position(BREAKPOINT_LINE - 1, 0)),
      true,
      '/proc/vmstat pswpin >= 8',
    );
    vscode.debug.addBreakpoints([conditional]);
    const debug = await debugScenario(file, false);
    try {
      const first = await debug.stopNumber(1);
      assert.equal(first.reason, 'breakpoint');
      await waitFor(
        'the session store at step 6',
        () => (api.store.get(uri)?.step.index === 6 ? true : undefined),
        20_000,
      );
      vscode.debug.removeBreakpoints([conditional]);

      // Break on Value Change, as the Variables view asks for it: on a /proc/vmstat key.
      const info = (await debug.session.customRequest('dataBreakpointInfo', { name: '/proc/vmstat pswpout' })) as {
        dataId: string | null;
      };
      assert.equal(info.dataId, '/proc/vmstat pswpout');
      const set = (await debug.session.customRequest('setDataBreakpoints', {
        breakpoints: [{ dataId: info.dataId, accessType: 'write' }],
      })) as { breakpoints: { verified: boolean }[] };
      assert.equal(set.breakpoints[0]?.verified, true);
      // Back: the stop is right before the last pageout that wrote pages, with that pageout next again.
      await debug.session.customRequest('reverseContinue', { threadId: 1 });
      const second = await debug.stopNumber(2);
      assert.equal(second.reason, 'data breakpoint');
      await waitFor(
        'the session store before the pageout that wrote pswpout',
        () => {
          const state = api.store.get(uri);
          // 0-based line of the pageout (1-based BREAKPOINT_LINE - 1).
          return state !== undefined && state.step.index < 6 && state.step.next?.start.line === BREAKPOINT_LINE - 2
            ? state.step.index
            : undefined;
        },
        20_000,
      );
      await debug.session.customRequest('continue', { threadId: 1 });
      const third = await debug.stopNumber(3);
      assert.equal(third.reason, 'data breakpoint');
      assert.match(third.description ?? '', /\/proc\/vmstat pswpout changed/);
    } finally {
      vscode.debug.removeBreakpoints([conditional]);
      await debug.end();
    }
  },
  { timeoutMs: 60_000 },
);
