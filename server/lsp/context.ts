/**
 * What every feature of the server shares: the connection, the open
 * documents, their analyses and sessions, the settings, and the few actions
 * that tie them together (publish diagnostics, push a delta, report status).
 */
import { ResponseError, type CancellationToken, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ErrorCodes,
  type NotificationMethod,
  type NotificationTypes,
  type RequestMethod,
  type RequestTypes,
  type ServerStatus,
  type SessionDelta,
} from '../../shared/protocol';
import type { SessionOptions } from '../session/api';
import { AnalysisCache } from './analysis';
import { toLspDiagnostic, tooLargeDiagnostic } from './convert';
import { designOverrideDiagnostic } from './design_override';
import { guard, type Log } from './guard';
import { runtimeDiagnostics } from './runtime_diagnostics';
import { SessionManager, stepRange, wireDelta, type SessionEntry } from './sessions';
import { DEFAULT_SETTINGS, scenarioDefaults, type Settings } from './settings';
import { TestRunner } from '../testrun/runner';
import { parseRequestParams } from '../../shared/validate';

/** A custom request's handler: it gets checked params, and what it answers is checked against the protocol's result type. */
export type RequestHandler<M extends RequestMethod> = (
  params: RequestTypes[M]['params'],
  token: CancellationToken,
) => RequestTypes[M]['result'] | Promise<RequestTypes[M]['result']>;

/** The params of `method`, checked by shared/validate.ts (the checks the dashboard hosts run too); InvalidParams otherwise. */
export function requestParams<M extends RequestMethod>(method: M, raw: unknown): RequestTypes[M]['params'] {
  const parsed = parseRequestParams(method, raw);
  if (!parsed.ok) throw new ResponseError(ErrorCodes.InvalidParams, parsed.error);
  return parsed.value;
}

/** Heap the server needs besides its sessions (bundle, documents, analyses). */
const BASELINE_HEAP_MB = 128;

export interface ClientSupport {
  configuration: boolean;
  inlayHintRefresh: boolean;
  workDoneProgress: boolean;
}

export class ServerContext {
  readonly analyses = new AnalysisCache(() => scenarioDefaults(this.settings));
  readonly sessions: SessionManager;
  /** Testing-view runs: their own sessions, on a worker thread. */
  readonly tests = new TestRunner();
  settings: Settings = DEFAULT_SETTINGS;
  client: ClientSupport = { configuration: false, inlayHintRefresh: false, workDoneProgress: false };
  private statusMessage: string | undefined;
  private statusHealth: ServerStatus['health'] = 'ok';
  readonly log: Log;

  constructor(
    readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
  ) {
    this.log = (message) => connection.console.error(message);
    this.sessions = new SessionManager(() => this.sessionOptions());
  }

  sessionOptions(): SessionOptions {
    const s = this.settings;
    // Design and geometry settings fill in what the scenario's `config` leaves unset; they never override it.
    const opts: SessionOptions = {
      maxSteps: s.limits.maxSteps,
      undoMemoryMB: s.limits.undoMemoryMB,
      invariants: s.invariants,
      configDefaults: scenarioDefaults(s),
    };
    // The setting can only switch the checker off; otherwise the scenario's check_invariants decides.
    if (!s.checkInvariants) opts.checkInvariants = false;
    return opts;
  }

  /** Parser, checker and (for the session's own version) runtime diagnostics of a document. */
  publishDiagnostics(uri: string): void {
    const doc = this.documents.get(uri);
    if (doc === undefined) return;
    const analysis = this.analyses.get(doc);
    const diagnostics = analysis.tooLarge ? [tooLargeDiagnostic()] : analysis.result.diagnostics.map(toLspDiagnostic);
    const entry = this.sessions.get(uri);
    if (entry !== undefined && entry.version === doc.version)
      diagnostics.push(...runtimeDiagnostics(entry.session, (step) => stepRange(entry, step)));
    const override = analysis.tooLarge
      ? null
      : designOverrideDiagnostic(analysis.result, this.sessions.designOverride(uri));
    if (override !== null) diagnostics.push(override);
    void this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
  }

  /** Answer `method` with `handler`, given checked params, inside a guard (guard.ts). */
  onRequest<M extends RequestMethod>(method: M, handler: RequestHandler<M>): void {
    this.connection.onRequest(
      method,
      guard(this.log, method, (raw: unknown, token: CancellationToken) => handler(requestParams(method, raw), token)),
    );
  }

  /** Send a notification of shared/protocol.ts NotificationTypes. */
  notify<M extends NotificationMethod>(method: M, params: NotificationTypes[M]): void {
    void this.connection.sendNotification(method, params);
  }

  sendDelta(entry: SessionEntry, delta: SessionDelta): void {
    this.notify('swapsim/delta', wireDelta(entry, delta));
  }

  sendRawDelta(delta: SessionDelta): void {
    this.notify('swapsim/delta', delta);
  }

  sendStatus(): void {
    const status: ServerStatus = { health: this.statusHealth, sessions: this.sessions.size };
    if (this.statusMessage !== undefined) status.message = this.statusMessage;
    this.notify('swapsim/serverStatus', status);
  }

  setStatus(health: ServerStatus['health'], message?: string): void {
    this.statusHealth = health;
    this.statusMessage = message;
    this.sendStatus();
  }

  refreshInlayHints(): void {
    if (this.client.inlayHintRefresh) void this.connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  /**
   * The session of an open document at its current version: created on first
   * use, rebuilt (with a `rewound` delta) when the text changed since.
   * Must run inside the document's session queue.
   */
  ensureSession(uri: string): SessionEntry {
    const doc = this.documents.get(uri);
    if (doc === undefined) throw new ResponseError(ErrorCodes.NoSession, `no open scenario document ${uri}`);
    const analysis = this.analyses.get(doc);
    if (analysis.tooLarge)
      throw new ResponseError(ErrorCodes.ResourceLimit, 'the document is larger than 5 MB: no session');
    const existing = this.sessions.get(uri);
    if (existing !== undefined && existing.version === doc.version) {
      this.sessions.touch(existing);
      return existing;
    }
    return this.rebuild(doc);
  }

  /** Build the session of `doc` from its current text (pushing the rewound delta when one existed). */
  rebuild(doc: TextDocument, design?: SessionEntry['designOverride']): SessionEntry {
    const before = this.sessions.size;
    // the session starts from the analysis the diagnostics came from: no second parse of the text
    const analysis = this.analyses.get(doc);
    const frontEnd = analysis.tooLarge ? undefined : analysis.result;
    const { entry, delta, evicted } = this.sessions.build(doc.uri, doc.getText(), doc.version, design, frontEnd);
    if (delta !== null) this.sendRawDelta(delta);
    for (const uri of evicted) this.publishDiagnostics(uri);
    this.publishDiagnostics(doc.uri);
    if (this.sessions.size !== before || evicted.length > 0) this.sendStatus();
    return entry;
  }

  /** Close: forget the analysis and the session. */
  closeDocument(uri: string): void {
    // Reopened while the close waited in the session queue: the new document owns the URI now.
    if (this.documents.get(uri) !== undefined) return;
    this.analyses.delete(uri);
    if (this.sessions.dispose(uri)) this.sendStatus();
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /**
   * Keep the heap within sessions × sessionMemoryMB (plus a baseline): drop the
   * least recently used other session when it is over. Heap figures lag
   * garbage collection, so one session goes per call.
   */
  enforceMemory(keep: string): void {
    const heapMB = process.memoryUsage().heapUsed / 2 ** 20;
    const budget = BASELINE_HEAP_MB + this.settings.limits.sessionMemoryMB * Math.max(1, this.sessions.size);
    if (heapMB <= budget) return;
    const dropped = this.sessions.evict(keep, Math.max(1, this.sessions.size - 1));
    if (dropped.length > 0) {
      for (const uri of dropped) this.publishDiagnostics(uri);
      this.setStatus(
        'warning',
        `memory ${Math.round(heapMB)} MB above the budget (${budget} MB): closed the session of ${dropped.join(', ')}`,
      );
    } else {
      this.setStatus(
        'warning',
        `memory ${Math.round(heapMB)} MB above the budget (${budget} MB); raise swapsim.limits.sessionMemoryMB or close documents`,
      );
    }
  }
}
