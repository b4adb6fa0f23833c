// "Verify on Real Kernel": runs the scenario on a real Linux kernel through
// `swapsim verify` (client/verify/cliRunner.ts) with progress and Cancel,
// shows the result in the Testing view (one item per compared observable),
// and puts an Information diagnostic on each line where the kernel and the
// simulator differ. Results are cached per (scenario text hash, kernel).
import { createHash } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import type { VerifyObservable, VerifyScenarioReport } from '../../shared/protocol';
import { runVerifyCli, VerifyCancelled } from './cliRunner';

export type VerifyOutcome = 'passed' | 'failed' | 'skipped' | 'errored';

const CACHE_PREFIX = 'swapsim.verify:';

function formatKernel(values: readonly (number | string)[]): string {
  if (values.length > 0 && values.every((v) => typeof v === 'number')) {
    const nums = values as readonly number[];
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    return min === max ? String(min) : `${min}–${max}`;
  }
  return [...new Set(values.map(String))].join('|');
}

export class KernelVerification implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('swapsim.verify', 'swapsim on a real kernel');
  readonly diagnostics = vscode.languages.createDiagnosticCollection('swapsim-verify');
  /** The last outcome of each test item by id (the extension-host tests read these). */
  readonly outcomes = new Map<string, VerifyOutcome>();
  /** Scenario text hash each document's diagnostics belong to. */
  private readonly shownFor = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [this.controller, this.diagnostics];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.controller.createRunProfile(
      'Verify on a real kernel',
      vscode.TestRunProfileKind.Run,
      async (request, token) => {
        for (const item of request.include ?? []) if (item.uri) await this.verify(item.uri, token);
      },
    );
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        // an edited scenario is another scenario: its old verification no longer applies
        const key = e.document.uri.toString();
        if (this.shownFor.has(key) && this.shownFor.get(key) !== hashText(e.document.getText())) {
          this.diagnostics.delete(e.document.uri);
          this.shownFor.delete(key);
        }
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Verify a scenario (the active editor's without an argument); resolves with the report, or undefined when cancelled or impossible. */
  async verify(arg?: unknown, outerToken?: vscode.CancellationToken): Promise<VerifyScenarioReport | undefined> {
    const uri =
      typeof arg === 'string'
        ? vscode.Uri.parse(arg)
        : arg instanceof vscode.Uri
          ? arg
          : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showErrorMessage('swapsim: open a .swapsim scenario to verify it on a real kernel.');
      return undefined;
    }
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(
        'swapsim: save the scenario to a file first; the real-kernel run reads it from disk.',
      );
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.isDirty) await document.save();
    const config = vscode.workspace.getConfiguration('swapsim.verify', uri);
    const kernel = config.get<string>('kernel', '7.2');
    const runs = Math.max(1, config.get<number>('runs', 3));
    const fromFixture = config.get<boolean>('fromFixture', false);
    const text = document.getText();
    const cacheKey = `${CACHE_PREFIX}${hashText(text)}:${kernel}:${runs}:${fromFixture ? 'fixture' : 'vm'}`;
    let report = this.context.globalState.get<VerifyScenarioReport>(cacheKey);
    if (report) {
      this.log.info(`verify ${uri.fsPath}: cached result for kernel ${kernel}`);
    } else {
      report = await this.runWithProgress(uri, kernel, runs, fromFixture, outerToken);
      if (!report) return undefined;
      if (!report.error) await this.context.globalState.update(cacheKey, report);
    }
    this.show(uri, text, report);
    return report;
  }

  private async runWithProgress(
    uri: vscode.Uri,
    kernel: string,
    runs: number,
    fromFixture: boolean,
    outerToken?: vscode.CancellationToken,
  ): Promise<VerifyScenarioReport | undefined> {
    const title = `swapsim: verifying ${path.basename(uri.fsPath)} on kernel ${kernel}`;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const subs = [
          token.onCancellationRequested(() => abort.abort()),
          outerToken?.onCancellationRequested(() => abort.abort()),
        ];
        try {
          return await runVerifyCli({
            cli: path.join(this.context.extensionPath, 'dist', 'cli.js'),
            node: process.execPath,
            file: uri.fsPath,
            kernel,
            runs,
            fromFixture,
            signal: abort.signal,
            onProgress: (message) => {
              this.log.info(`verify: ${message}`);
              progress.report({ message });
            },
          });
        } catch (error) {
          if (error instanceof VerifyCancelled) {
            this.log.info(`verify ${uri.fsPath}: cancelled`);
            return undefined;
          }
          const message = error instanceof Error ? error.message : String(error);
          this.log.error(`verify ${uri.fsPath}: ${message}`);
          void vscode.window.showErrorMessage(`swapsim verify: ${message}`);
          return undefined;
        } finally {
          for (const s of subs) s?.dispose();
        }
      },
    );
  }

  /** Testing view items and diagnostics for one report. */
  private show(uri: vscode.Uri, text: string, report: VerifyScenarioReport): void {
    const fileId = uri.toString();
    const file =
      this.controller.items.get(fileId) ??
      this.controller.createTestItem(
        fileId,
        `${vscode.workspace.asRelativePath(uri)} on ${report.kernel.release}`,
        uri,
      );
    file.label = `${vscode.workspace.asRelativePath(uri)} on ${report.kernel.release}`;
    this.controller.items.add(file);
    const compared = report.observables.filter((o) => o.verdict !== 'simulator-only');
    const children = compared.map((o) => {
      const id = `${fileId}#${o.key}`;
      const child = file.children.get(id) ?? this.controller.createTestItem(id, `${o.label} (step ${o.step})`, uri);
      child.range = new vscode.Range(o.line, 0, o.line, 0);
      return child;
    });
    file.children.replace(children);
    const run = this.controller.createTestRun(
      new vscode.TestRunRequest([file]),
      `real kernel ${report.kernel.release}`,
      false,
    );
    run.started(file);
    if (report.error) {
      const message = new vscode.TestMessage(report.error);
      message.location = new vscode.Location(uri, new vscode.Position(0, 0));
      run.errored(file, message);
      this.outcomes.set(file.id, 'errored');
    } else {
      let failed = false;
      compared.forEach((o, i) => {
        const item = children[i]!;
        run.started(item);
        if (o.verdict === 'differs') {
          failed = true;
          const message = vscode.TestMessage.diff(
            differenceText(report, o),
            formatKernel(o.kernel),
            String(o.simulator),
          );
          message.location = new vscode.Location(uri, new vscode.Position(o.line, 0));
          run.failed(item, message);
          this.outcomes.set(item.id, 'failed');
        } else {
          run.passed(item);
          this.outcomes.set(item.id, 'passed');
        }
      });
      run.appendOutput(
        `${report.summary.exact} exact, ${report.summary['within-spread']} within spread, ${report.summary.differs} differ, ${report.summary['simulator-only']} simulator-only\r\n`,
      );
      if (failed)
        run.failed(
          file,
          new vscode.TestMessage(
            `${report.summary.differs} observable(s) differ between kernel ${report.kernel.release} and the simulator (${report.design})`,
          ),
        );
      else run.passed(file);
      this.outcomes.set(file.id, failed ? 'failed' : 'passed');
    }
    run.end();
    this.diagnostics.set(uri, diagnosticsFor(report));
    this.shownFor.set(fileId, hashText(text));
  }
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function differenceText(report: VerifyScenarioReport, o: VerifyObservable): string {
  const known = o.known ? ` (known difference: ${o.known})` : '';
  return `${o.label} after step ${o.step}: kernel ${report.kernel.release} ${formatKernel(o.kernel)}, simulator (${report.design}) ${String(o.simulator)}${known}`;
}

/** One Information diagnostic per line where the kernel and the simulator differ, with both values. */
export function diagnosticsFor(report: VerifyScenarioReport): vscode.Diagnostic[] {
  const byLine = new Map<number, string[]>();
  for (const o of report.observables) {
    if (o.verdict !== 'differs') continue;
    const list = byLine.get(o.line) ?? [];
    list.push(differenceText(report, o));
    byLine.set(o.line, list);
  }
  return [...byLine].map(([line, texts]) => {
    const d = new vscode.Diagnostic(
      new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER),
      texts.join('\n'),
      vscode.DiagnosticSeverity.Information,
    );
    d.source = 'swapsim verify';
    return d;
  });
}
