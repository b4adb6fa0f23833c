// The Testing view: every .swapsim file of the workspace is a test, each of
// its `expect` lines a child. Running one runs its scenario to the end in a
// session of its own on the server's test worker (`swapsim/test`), never in
// the session an editor shows, and reports every expect as passed, failed
// (with expected vs actual) or skipped.
import * as vscode from 'vscode';
import { ErrorCodes, type Range } from '../../shared/protocol';
import {
  describeRequestError,
  errorCode,
  errorMessage,
  isCancellation,
  type SwapsimRequester,
} from '../protocolClient';
import { findExpectLines } from './discovery';
import { mapRun, type OutcomeMessage } from './results';

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/out/**,**/dist/**}';

function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function toMessage(uri: vscode.Uri, m: OutcomeMessage): vscode.TestMessage {
  const message =
    m.expected !== undefined && m.actual !== undefined
      ? vscode.TestMessage.diff(m.text, m.expected, m.actual)
      : new vscode.TestMessage(m.text);
  message.location = new vscode.Location(uri, toRange(m.range));
  return message;
}

export type TestOutcome = 'passed' | 'failed' | 'skipped' | 'errored';

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('swapsim', 'swapsim scenarios');
  /** The last outcome of each test item by id (VS Code keeps results to itself; the extension-host tests read these). */
  readonly outcomes = new Map<string, TestOutcome>();
  private readonly disposables: vscode.Disposable[] = [this.controller];

  constructor(private readonly server: SwapsimRequester) {
    this.controller.resolveHandler = async (item) => {
      if (item === undefined) await this.discoverWorkspace();
      else await this.readFile(item);
    };
    this.controller.refreshHandler = async () => this.discoverWorkspace();
    this.controller.createRunProfile(
      'Run scenarios',
      vscode.TestRunProfileKind.Run,
      (request, token) => this.run(request, token),
      true,
    );

    const watcher = vscode.workspace.createFileSystemWatcher('**/*.swapsim');
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => void this.readFile(this.fileItem(uri))),
      watcher.onDidChange((uri) => {
        const item = this.controller.items.get(uri.toString());
        if (item !== undefined) void this.readFile(item);
      }),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
      vscode.workspace.onDidOpenTextDocument((doc) => this.fromDocument(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.fromDocument(e.document)),
    );
    for (const doc of vscode.workspace.textDocuments) this.fromDocument(doc);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Find every scenario file (children are read when the view expands them). */
  async discoverWorkspace(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/*.swapsim', EXCLUDE);
    for (const uri of files) this.fileItem(uri);
  }

  private fileItem(uri: vscode.Uri): vscode.TestItem {
    const id = uri.toString();
    const existing = this.controller.items.get(id);
    if (existing !== undefined) return existing;
    const item = this.controller.createTestItem(id, vscode.workspace.asRelativePath(uri), uri);
    item.canResolveChildren = true;
    this.controller.items.add(item);
    return item;
  }

  private fromDocument(doc: vscode.TextDocument): void {
    if (doc.languageId !== 'swapsim' || doc.uri.scheme !== 'file') return;
    this.setChildren(this.fileItem(doc.uri), doc.getText());
  }

  private async readFile(item: vscode.TestItem): Promise<void> {
    if (item.uri === undefined) return;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === item.uri?.toString());
    try {
      const text = open?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(item.uri));
      this.setChildren(item, text);
    } catch (error) {
      item.error = `cannot read: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private setChildren(file: vscode.TestItem, text: string): void {
    const uri = file.uri;
    if (uri === undefined) return;
    file.error = undefined;
    const children = findExpectLines(text).map((x) => {
      const id = `${uri.toString()}#L${x.line + 1}`;
      const child = file.children.get(id) ?? this.controller.createTestItem(id, x.text, uri);
      child.label = x.text;
      child.range = new vscode.Range(x.line, x.start, x.line, x.end);
      return child;
    });
    file.children.replace(children);
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request);
    const excluded = new Set((request.exclude ?? []).map((t) => t.id));
    // Group what was asked for by file: a file item runs all its expects, an expect item just itself.
    const plan = new Map<vscode.TestItem, vscode.TestItem[] | 'all'>();
    const roots = request.include ?? [...this.iterate(this.controller.items)];
    for (const item of roots) {
      if (excluded.has(item.id)) continue;
      const file = item.parent ?? item;
      if (item.parent === undefined) plan.set(file, 'all');
      else if (plan.get(file) !== 'all')
        plan.set(file, [...((plan.get(file) as vscode.TestItem[] | undefined) ?? []), item]);
    }
    try {
      for (const [file, wanted] of plan) {
        if (token.isCancellationRequested) break;
        await this.runFile(run, file, wanted, excluded, token);
      }
    } finally {
      run.end();
    }
  }

  private *iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
    for (const [, item] of collection) yield item;
  }

  private async runFile(
    run: vscode.TestRun,
    file: vscode.TestItem,
    wanted: vscode.TestItem[] | 'all',
    excluded: Set<string>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const uri = file.uri;
    if (uri === undefined) return;
    // The editor's text when the file is open (unsaved edits included), else the file as saved.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string;
    try {
      text = open?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (error) {
      const message = new vscode.TestMessage(
        `cannot read ${vscode.workspace.asRelativePath(uri)}: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.report(run, file, 'errored', undefined, [message]);
      return;
    }
    this.setChildren(file, text);
    const items = wanted === 'all' ? [...this.iterate(file.children)].filter((c) => !excluded.has(c.id)) : wanted;
    const wholeFile = wanted === 'all';
    if (wholeFile) run.started(file);
    for (const item of items) run.started(item);
    try {
      const result = await this.server.request('swapsim/test', { uri: uri.toString(), text }, token);
      const lineOf = (item: vscode.TestItem): number => item.range?.start.line ?? -1;
      const outcome = mapRun(items.map(lineOf), result);
      const duration = Math.round(result.durationMs);
      for (const item of items) {
        const result = outcome.lines.get(lineOf(item));
        if (result === undefined || result.state === 'skipped') this.report(run, item, 'skipped');
        else if (result.state === 'passed') this.report(run, item, 'passed', duration);
        else
          this.report(
            run,
            item,
            'failed',
            duration,
            result.messages.map((m) => toMessage(uri, m)),
          );
      }
      if (wholeFile) {
        if (outcome.scenario.length > 0)
          this.report(
            run,
            file,
            'failed',
            duration,
            outcome.scenario.map((m) => toMessage(uri, m)),
          );
        else this.report(run, file, 'passed', duration);
      }
      run.appendOutput(
        `${vscode.workspace.asRelativePath(uri)} (design ${result.design}): ${result.status} at step ${result.step.index} / ${result.step.total} in ${duration} ms\r\n`,
      );
    } catch (error) {
      if (isCancellation(error) || token.isCancellationRequested) {
        for (const item of wholeFile ? [file, ...items] : items) this.report(run, item, 'skipped');
        return;
      }
      const why =
        errorCode(error) === ErrorCodes.ScenarioErrors
          ? `the scenario has errors and cannot run: ${errorMessage(error).replace(/^the scenario has errors and cannot run /, '')}`
          : describeRequestError('swapsim/test', error);
      const message = new vscode.TestMessage(why);
      message.location = new vscode.Location(uri, new vscode.Position(0, 0));
      for (const item of wholeFile ? [file, ...items] : items) this.report(run, item, 'errored', undefined, [message]);
    }
  }

  private report(
    run: vscode.TestRun,
    item: vscode.TestItem,
    outcome: TestOutcome,
    duration?: number,
    messages: vscode.TestMessage[] = [],
  ): void {
    this.outcomes.set(item.id, outcome);
    if (outcome === 'passed') run.passed(item, duration);
    else if (outcome === 'skipped') run.skipped(item);
    else if (outcome === 'failed') run.failed(item, messages, duration);
    else run.errored(item, messages, duration);
  }
}
