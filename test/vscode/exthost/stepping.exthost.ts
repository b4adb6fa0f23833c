// The client in the real extension host: commands step the server's session,
// the decorations, status bar and trees follow, reveal finds a slot, the
// Testing controller reports expects, and the manifest's files all shipped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { SwapsimApi } from '../../../client/extension';
import { test, waitFor } from '../harness';
import { childrenOf, killAndReturnBeforeExitIsSeen } from './procfs';
import {
  activateByOpening,
  fixtureUri,
  swapsimExtension,
  writeAndOpenScenario,
  type WrittenScenario,
} from './scenario';

const SCENARIO_NAME = 'client-stepping.swapsim';
const SCENARIO = [
  '# Written by stepping.exthost.ts.',
  'config design=p4 page_size=4K ram=1G',
  'swapon /dev/vda2 size=64M -p 5',
  'mkdir app',
  'task t cgroup=app',
  'mmap t heap 1M populate',
  'pageout t heap',
  'touch t heap pages=0..3',
  'expect /proc/vmstat pswpout == 1M',
  'expect /proc/vmstat pswpout == 2M',
  '',
].join('\n');
const STATEMENTS = 8;

let opened: Promise<WrittenScenario> | undefined;

/** The extension's API and the stepping scenario open in an editor (written into the workspace once). */
function scenario(): Promise<WrittenScenario> {
  opened ??= writeAndOpenScenario(SCENARIO_NAME, SCENARIO);
  return opened;
}

async function stepTo(api: SwapsimApi, uri: string, index: number): Promise<void> {
  await waitFor(`step ${index}`, () => (api.store.get(uri)?.step.index === index ? true : undefined), 20_000);
}

function serverPids(): number[] {
  const script = path.join(swapsimExtension().extensionPath, 'dist', 'server.js');
  return childrenOf(process.pid)
    .filter((p) => p.argv.includes(script))
    .map((p) => p.pid);
}

test('every file the manifest names is in the installed extension', () => {
  const extension = swapsimExtension();
  const pkg = extension.packageJSON as {
    icon: string;
    contributes: {
      languages: { icon: { light: string; dark: string } }[];
      grammars: { path: string }[];
      snippets: { path: string }[];
      viewsContainers: { activitybar: { icon: string }[] };
      walkthroughs: { steps: { media: { markdown?: string; image?: string } }[] }[];
    };
  };
  const c = pkg.contributes;
  const files = [
    pkg.icon,
    ...c.languages.flatMap((l) => [l.icon.light, l.icon.dark]),
    ...c.grammars.map((g) => g.path),
    ...c.snippets.map((s) => s.path),
    ...c.viewsContainers.activitybar.map((a) => a.icon),
    ...c.walkthroughs
      .flatMap((w) => w.steps.flatMap((s) => [s.media.markdown, s.media.image]))
      .filter((f): f is string => f !== undefined),
    'media/icons/step-next.svg',
    'media/icons/step-last.svg',
    'media/icons/line-error.svg',
    'media/icons/expect-passed.svg',
  ];
  const missing = files.filter((f) => !existsSync(path.join(extension.extensionPath, f)));
  assert.deepEqual(missing, [], 'these files are missing from the .vsix (see .vscodeignore)');
});

test('every contributed command is registered', async () => {
  await activateByOpening();
  const contributed = (
    swapsimExtension().packageJSON as { contributes: { commands: { command: string }[] } }
  ).contributes.commands.map((c) => c.command);
  const registered = new Set(await vscode.commands.getCommands(true));
  assert.deepEqual(
    contributed.filter((c) => !registered.has(c)),
    [],
  );
});

test('Step, Step Back, Run to Cursor and Run move the session; decorations and status follow', async () => {
  const { api, editor, uri } = await scenario();
  await vscode.window.showTextDocument(editor.document);
  assert.equal(api.store.get(uri)?.step.total, STATEMENTS);
  for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('swapsim.step');
  await stepTo(api, uri, 3);
  // Third statement: `task t cgroup=app` on line 4; the next one is the mmap on line 5.
  let drawn = await waitFor('decorations', () =>
    api.decorations.current(uri)?.last[0]?.start.line === 4 ? api.decorations.current(uri) : undefined,
  );
  assert.equal(drawn.next[0]?.start.line, 5);
  assert.match(api.stepStatus.item.text, new RegExp(`p4 · step 3 / ${STATEMENTS}$`));

  await vscode.commands.executeCommand('swapsim.stepBack');
  await stepTo(api, uri, 2);
  await waitFor('decorations after step back', () =>
    api.decorations.current(uri)?.last[0]?.start.line === 3 ? true : undefined,
  );

  editor.selection = new vscode.Selection(7, 0, 7, 0);
  await vscode.commands.executeCommand('swapsim.runToCursor');
  await waitFor('run to line 7', () => (api.store.get(uri)?.step.next?.start.line === 7 ? true : undefined));
  assert.equal(api.store.get(uri)?.step.index, 5);

  await vscode.commands.executeCommand('swapsim.run', uri);
  await stepTo(api, uri, STATEMENTS);
  const state = api.store.get(uri);
  assert.equal(state?.status, 'finished');
  drawn = await waitFor('the failed expect decoration', () =>
    api.decorations.current(uri)?.failed.length ? api.decorations.current(uri) : undefined,
  );
  assert.deepEqual(
    drawn.failed.map((f) => f.range.start.line),
    [9],
  );
  assert.match(drawn.failed[0].text, /expected == 512 pages, got 256 pages/);
  assert.ok(drawn.passed.some((r) => r.start.line === 8));
  assert.equal(drawn.next.length, 0, 'nothing left to run');
});

test('the Swap views show the session: device → cluster → slot, cgroups, swap cache, events', async () => {
  const { api, uri } = await scenario();
  await vscode.commands.executeCommand('swapsim.run', uri);
  await stepTo(api, uri, STATEMENTS);
  const { devices, memcgs, swapCache, events } = api.trees;
  const [device] = await devices.getChildren();
  assert.ok(device?.kind === 'device' && device.summary.path === '/dev/vda2');
  const [cluster] = await devices.getChildren(device);
  assert.ok(cluster?.kind === 'cluster');
  const slots = await devices.getChildren(cluster);
  assert.ok(
    slots.filter((s) => s.kind === 'slot' && s.info?.count === 1).length >= 250,
    'the swapped-out pages hold their slots',
  );
  const [root] = memcgs.getChildren();
  assert.ok(root?.kind === 'memcg');
  assert.ok(memcgs.getChildren(root).some((n) => n.kind === 'memcg' && n.summary.path === '/app'));
  const folios = await swapCache.getChildren();
  assert.ok(folios.length >= 4, 'the four pages faulted back are in the swap cache');
  const [newest] = await events.getChildren();
  assert.ok(newest?.kind === 'event');
  assert.equal(newest.event.id, (api.store.get(uri)?.eventsTotal ?? 0) - 1, 'the newest event comes first');
});

test('Reveal Slot selects the slot in the Devices view', async () => {
  const { api, uri } = await scenario();
  await vscode.commands.executeCommand('swapsim.run', uri);
  await stepTo(api, uri, STATEMENTS);
  await vscode.commands.executeCommand('swapsim.revealSlot', uri, 0, 3);
  const selected = await waitFor('the revealed slot to be selected', () => {
    const node = api.devicesView.selection[0];
    return node?.kind === 'slot' && node.offset === 3 ? node : undefined;
  });
  assert.equal(selected.type, 0);
  assert.equal(api.devicesView.visible, true);
});

test('Select Design Profile replays the session under another design; Compare Designs opens a comparison', async () => {
  const { api, uri } = await scenario();
  await vscode.commands.executeCommand('swapsim.run', uri);
  await stepTo(api, uri, STATEMENTS);
  await vscode.commands.executeCommand('swapsim.selectDesign', uri, 'legacy');
  await waitFor('design legacy', () => (api.store.get(uri)?.design === 'legacy' ? true : undefined));
  assert.equal(api.store.get(uri)?.step.index, STATEMENTS, 'the session is back where it was');
  assert.match(api.stepStatus.item.text, /legacy · step/);
  await vscode.commands.executeCommand('swapsim.selectDesign', uri, 'p4');
  await waitFor('design p4', () => (api.store.get(uri)?.design === 'p4' ? true : undefined));

  // Compare Designs is a view of its own (a webview), at the end of the run or at the current step, and agrees with the CLI (issue #22).
  const file = vscode.Uri.parse(uri).fsPath;
  const cli = (...args: string[]): unknown =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          path.join(swapsimExtension().extensionPath, 'dist', 'cli.js'),
          'compare',
          file,
          '--designs',
          'p4,legacy',
          '--format',
          'json',
          ...args,
        ],
        { encoding: 'utf8' },
      ),
    );
  await vscode.commands.executeCommand('swapsim.compareDesigns', uri, ['p4', 'legacy'], 'end');
  const atEnd = await waitFor('the comparison at the end', () =>
    api.comparison()?.at === 'end' ? api.comparison() : undefined,
  );
  const tabs = await waitFor('the Compare Designs tab', () => {
    const all = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    return all.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('swapsim.compare'))
      ? all
      : undefined;
  });
  assert.ok(
    !tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'swapsim-compare'),
    'a webview, not a Markdown source',
  );
  assert.deepEqual(atEnd.result, cli());
  assert.equal(atEnd.command, `swapsim compare ${SCENARIO_NAME} --designs p4,legacy`);
  await vscode.commands.executeCommand('swapsim.reset', uri);
  await vscode.commands.executeCommand('swapsim.step', uri);
  await vscode.commands.executeCommand('swapsim.step', uri);
  await stepTo(api, uri, 2);
  await vscode.commands.executeCommand('swapsim.compareDesigns', uri, ['p4', 'legacy'], 'current');
  const atCurrent = await waitFor('the comparison at step 2', () =>
    api.comparison()?.at === 'current' ? api.comparison() : undefined,
  );
  assert.equal(atCurrent.result.step, 2);
  assert.deepEqual(atCurrent.result, cli('--step', '2'));
  const md = fixtureUri('client-stepping.compare.md');
  const csv = fixtureUri('client-stepping.compare.csv');
  await vscode.commands.executeCommand('swapsim.exportComparison', 'markdown', md);
  await vscode.commands.executeCommand('swapsim.exportComparison', 'csv', csv);
  const read = async (u: vscode.Uri): Promise<string> =>
    new TextDecoder().decode(await vscode.workspace.fs.readFile(u));
  assert.equal(
    await read(md),
    String(
      execFileSync(
        process.execPath,
        [
          path.join(swapsimExtension().extensionPath, 'dist', 'cli.js'),
          'compare',
          file,
          '--designs',
          'p4,legacy',
          '--step',
          '2',
          '--format',
          'markdown',
        ],
        { encoding: 'utf8' },
      ),
    ).replace(file, SCENARIO_NAME),
  );
  assert.match(await read(csv), /^section,figure,kind,unit,p4,legacy\n/);
});

test('Export State and Export Counters write what the server renders', async () => {
  const { api, uri } = await scenario();
  await vscode.commands.executeCommand('swapsim.run', uri);
  await stepTo(api, uri, STATEMENTS);
  const json = fixtureUri('client-stepping.state.json');
  const csv = fixtureUri('client-stepping.counters.csv');
  await vscode.commands.executeCommand('swapsim.exportState', uri, json);
  await vscode.commands.executeCommand('swapsim.exportCounters', uri, csv);
  const state: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(json)));
  assert.equal(typeof state, 'object');
  const counters = new TextDecoder().decode(await vscode.workspace.fs.readFile(csv));
  assert.match(counters, /pswpout/);
});

test('the Testing view runs each expect line of a scenario', async () => {
  const { api, uri } = await scenario();
  await api.tests.discoverWorkspace();
  const file = api.tests.controller.items.get(uri);
  assert.ok(file !== undefined, `${SCENARIO_NAME} is a test item`);
  const ids = [...file.children].map(([id]) => id);
  assert.deepEqual(ids, [`${uri}#L9`, `${uri}#L10`]);
  api.tests.outcomes.clear();
  await vscode.commands.executeCommand('testing.runAll');
  await waitFor('test results', () => (api.tests.outcomes.has(`${uri}#L10`) ? true : undefined), 30_000);
  assert.equal(api.tests.outcomes.get(`${uri}#L9`), 'passed');
  assert.equal(api.tests.outcomes.get(`${uri}#L10`), 'failed');
  assert.equal(api.tests.outcomes.get(uri), 'passed', 'no unexpected kernel error');
});

test('Restart Server starts a new server and the views pick the session up again', async () => {
  const { api, uri } = await scenario();
  const before = serverPids();
  assert.equal(before.length, 1);
  await vscode.commands.executeCommand('swapsim.restartServer');
  const after = await waitFor('a new server process', () => {
    const pids = serverPids();
    return pids.length === 1 && pids[0] !== before[0] ? pids : undefined;
  });
  assert.notEqual(after[0], before[0]);
  // A restarted server has fresh sessions, at step 0.
  await waitFor('the session after restart', () => (api.store.get(uri)?.step.index === 0 ? true : undefined), 30_000);
  await waitFor('the server status item', () => (api.serverStatus.text === '$(server-process)' ? true : undefined));
});

/** Step commands started in this turn of the event loop; their requests are written before the turn ends. */
function stepsNow(uri: string, count: number): Promise<PromiseSettledResult<unknown>[]> {
  return Promise.allSettled(Array.from({ length: count }, () => vscode.commands.executeCommand('swapsim.step', uri)));
}

async function withRestartOnCrash(on: boolean, body: () => Promise<void>): Promise<void> {
  const config = vscode.workspace.getConfiguration('swapsim');
  await config.update('server.restartOnCrash', on, vscode.ConfigurationTarget.Global);
  try {
    await body();
  } finally {
    await config.update('server.restartOnCrash', undefined, vscode.ConfigurationTarget.Global);
  }
}

async function newServerAfter(pid: number | undefined, what: string): Promise<number> {
  const [fresh] = await waitFor(
    what,
    () => {
      const pids = serverPids();
      return pids.length === 1 && pids[0] !== pid ? pids : undefined;
    },
    30_000,
  );
  return fresh!;
}

test('a server killed while requests are on their way to it restarts by itself, and the session comes back', async () => {
  // The write errors (EPIPE) of those requests reach the client before the channel's close; they
  // used to shut the client down, so the close counted as a requested stop and nothing restarted.
  const { api, uri } = await scenario();
  await withRestartOnCrash(true, async () => {
    await vscode.commands.executeCommand('swapsim.reset', uri);
    await vscode.commands.executeCommand('swapsim.step', uri);
    await stepTo(api, uri, 1);
    const [pid] = serverPids();
    assert.ok(pid !== undefined, 'a server runs');
    killAndReturnBeforeExitIsSeen(pid);
    const steps = stepsNow(uri, 3);
    await newServerAfter(pid, 'the server restarted without being asked');
    await steps;
    await waitFor(
      'the session on the restarted server, at step 0',
      () => (api.store.get(uri)?.step.index === 0 ? true : undefined),
      30_000,
    );
    await waitFor('the server status item', () => (api.serverStatus.text === '$(server-process)' ? true : undefined));
    await vscode.commands.executeCommand('swapsim.step', uri);
    await stepTo(api, uri, 1);
  });
});

test('Restart Server works on a server that died with requests on their way to it', async () => {
  const { api, uri } = await scenario();
  await withRestartOnCrash(false, async () => {
    const [pid] = serverPids();
    assert.ok(pid !== undefined, 'a server runs');
    killAndReturnBeforeExitIsSeen(pid);
    // the command comes before the client has seen the exit: stopping the dead server fails, starting a new one must not
    const steps = stepsNow(uri, 2);
    const restarted = vscode.commands.executeCommand('swapsim.restartServer');
    await restarted;
    await newServerAfter(pid, 'a new server process');
    await steps;
    await waitFor(
      'the session on the new server',
      () => (api.store.get(uri)?.step.index === 0 ? true : undefined),
      30_000,
    );
    await waitFor('the server status item', () => (api.serverStatus.text === '$(server-process)' ? true : undefined));
  });
});

/**
 * Run `body` with auto-save off. code-server's web workbench saves an edited file 1 s after the edit by
 * default (the desktop one does not), so an edit would stay unsaved only as long as a loaded machine is
 * quick. `document` is reverted to its file afterwards: left dirty, the next workbench on this workspace
 * (the UI suite) would restore it from the hot-exit backup and ask to save it.
 */
async function withAutoSaveOff(document: vscode.TextDocument, body: () => Promise<void>): Promise<void> {
  const files = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('files', document.uri);
  await files().update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  try {
    // the workbench has the setting before it reaches this extension host
    await waitFor('files.autoSave off', () => (files().get('autoSave') === 'off' ? true : undefined));
    await body();
  } finally {
    if (document.isDirty) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await files().update('autoSave', undefined, vscode.ConfigurationTarget.Global);
  }
}

test('Restart Server recovers a killed server without losing unsaved edits', async () => {
  const { editor } = await scenario();
  const document = editor.document;
  const saves: string[] = [];
  const watchSaves = vscode.workspace.onWillSaveTextDocument((e) => {
    if (e.document === document) saves.push(vscode.TextDocumentSaveReason[e.reason]);
  });
  try {
    // no automatic restart: the command alone has to bring the server back
    await withAutoSaveOff(document, () =>
      withRestartOnCrash(false, async () => {
        const [pid] = await waitFor('one server process', () => {
          const pids = serverPids();
          return pids.length === 1 ? pids : undefined;
        });
        process.kill(pid!, 'SIGKILL');
        await waitFor('the killed server gone', () => (serverPids().length === 0 ? true : undefined));
        // an edit only the editor holds, made while no server runs: a size with a bad unit
        const line = document.lineCount - 1;
        await editor.edit((e) => e.insert(new vscode.Position(line, 0), 'swapon /dev/vdb size=1X\n'));
        assert.ok(document.isDirty);
        await vscode.commands.executeCommand('swapsim.restartServer');
        await newServerAfter(pid, 'a new server process');
        const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);
        await waitFor(
          'the unsaved line diagnosed by the new server',
          () =>
            vscode.languages
              .getDiagnostics(document.uri)
              .find((d) => d.range.start.line === line && codeOf(d).startsWith('SS3')),
          30_000,
        );
        assert.deepEqual(saves, [], 'nothing saved the document (reasons of the saves)');
        assert.ok(document.isDirty, 'the edit is still unsaved');
        assert.match(document.getText(), /size=1X/);
      }),
    );
    assert.equal(document.isDirty, false, 'reverted to the file');
    assert.doesNotMatch(document.getText(), /size=1X/);
  } finally {
    watchSaves.dispose();
  }
});
