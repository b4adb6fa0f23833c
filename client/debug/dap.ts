// The few Debug Adapter Protocol shapes the scenario debugger speaks,
// written out here (no debug-protocol package): see
// https://microsoft.github.io/debug-adapter-protocol/specification.
// VS Code hands an inline adapter opaque messages; `asRequest` checks them.

export interface DapRequest {
  readonly seq: number;
  readonly type: 'request';
  readonly command: string;
  readonly arguments?: Readonly<Record<string, unknown>>;
}

export interface DapResponse {
  seq: number;
  type: 'response';
  request_seq: number;
  command: string;
  success: boolean;
  /** Short machine-readable reason on failure (DAP's `message`: e.g. 'cancelled'), or the error text. */
  message?: string;
  body?: unknown;
}

export interface DapEvent {
  seq: number;
  type: 'event';
  event: string;
  body?: unknown;
}

export type DapMessage = DapResponse | DapEvent;

export interface DapSource {
  name: string;
  path: string;
}

export interface DapStackFrame {
  id: number;
  name: string;
  source: DapSource;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface DapBreakpoint {
  verified: boolean;
  line: number;
  message?: string;
  source?: DapSource;
}

export interface DapVariable {
  name: string;
  value: string;
  /** > 0: the variable has children, fetched with `variables`. */
  variablesReference: number;
}

export interface DapScope {
  name: string;
  variablesReference: number;
  expensive: boolean;
  presentationHint?: 'arguments' | 'locals' | 'registers';
}

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'pause' | 'exception';

export function asRequest(message: unknown): DapRequest | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (m.type !== 'request' || typeof m.command !== 'string' || typeof m.seq !== 'number') return undefined;
  const args = m.arguments;
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) return undefined;
  return { seq: m.seq, type: 'request', command: m.command, arguments: args as Readonly<Record<string, unknown>> | undefined };
}

// Argument readers: the client can send anything, so read fields defensively.

export function stringArg(args: DapRequest['arguments'], key: string): string | undefined {
  const v = args?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function numberArg(args: DapRequest['arguments'], key: string): number | undefined {
  const v = args?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function booleanArg(args: DapRequest['arguments'], key: string): boolean | undefined {
  const v = args?.[key];
  return typeof v === 'boolean' ? v : undefined;
}

export function objectArg(args: DapRequest['arguments'], key: string): Readonly<Record<string, unknown>> | undefined {
  const v = args?.[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** `setBreakpoints`' requested lines (`breakpoints[].line`, or the deprecated `lines`). */
export function requestedLines(args: DapRequest['arguments']): number[] {
  const list = args?.breakpoints;
  if (Array.isArray(list)) {
    return list.flatMap((b: unknown) => {
      const line = typeof b === 'object' && b !== null ? (b as { line?: unknown }).line : undefined;
      return typeof line === 'number' && Number.isInteger(line) ? [line] : [];
    });
  }
  const lines = args?.lines;
  return Array.isArray(lines) ? lines.filter((l): l is number => typeof l === 'number' && Number.isInteger(l)) : [];
}
