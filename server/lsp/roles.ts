/**
 * What each word of a statement is: a verb, a flag, a file path, a size, a
 * task name, an errno … Semantic tokens colour words by role and hover
 * documents them, so both read the syntax tree through this one walker.
 */
import * as catalog from '../lang/catalog';
import { range, type OperatorToken, type Range, type ScenarioConfig, type Statement, type Word } from '../lang/index';
import { expands, variableSpans } from '../lang/check/substitute';
import { resolveFile } from '../lang/check/paths';
import { isKernelVersion, type KernelVersion } from '../sim/kernel_version';

export type WordRole =
  | { readonly role: 'verb'; readonly command: catalog.CommandSpec }
  /** `ok`, `error`, an observable keyword (`slot`, `free` …), `echo -n`. */
  | { readonly role: 'keyword'; readonly doc: string }
  | { readonly role: 'flag'; readonly command: catalog.CommandSpec; readonly flag: catalog.FlagSpec }
  | { readonly role: 'option'; readonly command: catalog.CommandSpec; readonly option: catalog.OptionSpec }
  | { readonly role: 'config-key'; readonly key: catalog.ConfigKeySpec | undefined }
  /** A path to a file (observable, echo target, cat). */
  | { readonly role: 'file'; readonly path: string }
  | { readonly role: 'device' }
  | { readonly role: 'cgroup' }
  | { readonly role: 'task'; readonly definition: boolean }
  | { readonly role: 'region'; readonly definition: boolean }
  /** A variable: its name in `let NAME` / `repeat … as NAME` (definition), or in `$NAME`, `${NAME}`, `$((…))`. */
  | { readonly role: 'variable'; readonly definition: boolean }
  /** An open file's name: `open NAME` (definition), `close NAME`, `&NAME`. */
  | { readonly role: 'fd'; readonly definition: boolean }
  | { readonly role: 'errno'; readonly errno: catalog.ErrnoSpec | undefined }
  | { readonly role: 'key'; readonly file: string; readonly key: catalog.KeySpec | undefined }
  | { readonly role: 'field'; readonly what: string; readonly field: catalog.FieldSpec | undefined }
  | { readonly role: 'design'; readonly design: catalog.DesignProfile | undefined }
  | { readonly role: 'kernel'; readonly kernel: KernelVersion | undefined }
  | { readonly role: 'structure'; readonly design: string }
  /** A size with or without unit: hover converts it to bytes, pages, slots and clusters. */
  | { readonly role: 'size' }
  | { readonly role: 'number' }
  /** A word from a fixed set (a choice, content, a compared enum value). */
  | { readonly role: 'enum'; readonly doc: string }
  /** Documented argument without a finer role (page ranges, bad lists, sysctl keys). */
  | {
      readonly role: 'argument';
      readonly command: catalog.CommandSpec;
      readonly positional: catalog.PositionalSpec | null;
      readonly option: catalog.OptionSpec | null;
    }
  | { readonly role: 'operator'; readonly op: OperatorToken }
  /** A value whose meaning depends on the target (echo values). */
  | { readonly role: 'value' };

export interface RoledWord {
  readonly range: Range;
  readonly text: string;
  readonly role: WordRole;
}

type Emit = (range: Range, text: string, role: WordRole) => void;

const OBSERVABLE_DOCS = new Map(catalog.OBSERVABLE_FORMS.map((f) => [f.keyword, `\`${f.synopsis}\` — ${f.doc}`]));

function looksNumeric(text: string): boolean {
  const c = text.charCodeAt(0);
  return (c >= 48 && c <= 57) || (c === 45 && text.length > 1) || c === 46;
}

function argRole(
  kind: catalog.ArgKind,
  command: catalog.CommandSpec,
  positional: catalog.PositionalSpec | null,
  option: catalog.OptionSpec | null,
  text: string,
): WordRole {
  switch (kind) {
    case 'device':
      return { role: 'device' };
    case 'file':
      return text.startsWith('&') ? { role: 'fd', definition: false } : { role: 'file', path: text };
    case 'path':
    case 'dir':
      return { role: 'device' };
    case 'fd':
      return { role: 'fd', definition: false };
    case 'new-fd':
      return { role: 'fd', definition: true };
    case 'cgroup':
      return { role: 'cgroup' };
    case 'task':
      return { role: 'task', definition: false };
    case 'new-task':
      return { role: 'task', definition: true };
    case 'region':
      return { role: 'region', definition: false };
    case 'new-region':
      return { role: 'region', definition: true };
    case 'size':
      return { role: 'size' };
    case 'integer':
      return { role: 'number' };
    case 'choice':
    case 'content':
      return { role: 'enum', doc: (option ?? positional)?.doc ?? '' };
    default:
      return { role: 'argument', command, positional, option };
  }
}

/** A word with its role; a word with `$` substitutions shows its variables instead (their spans only). */
function word(emit: Emit, w: Word, role: WordRole): void {
  if (!expands(w)) {
    emit(w.range, w.text, role);
    return;
  }
  const line = w.range.start.line;
  for (const v of variableSpans(w)) emit(range(line, v.start, v.end), v.name, { role: 'variable', definition: false });
}

function commandWords(emit: Emit, stmt: Extract<Statement, { kind: 'command' }>): void {
  const spec = catalog.findCommand(stmt.name.text);
  if (spec === undefined) return;
  word(emit, stmt.name, { role: 'verb', command: spec });
  let index = 0;
  for (const a of stmt.args) {
    if (a.kind === 'positional') {
      const p = spec.positionals[index++] ?? null;
      word(emit, a.word, p === null ? { role: 'value' } : argRole(p.kind, spec, p, null, a.word.text));
    } else if (a.kind === 'option') {
      const o = spec.options.find((x) => x.key === a.key.text);
      if (o === undefined) continue;
      word(emit, a.key, { role: 'option', command: spec, option: o });
      word(emit, a.value, argRole(o.kind, spec, null, o, a.value.text));
    } else {
      const f = spec.flags.find((x) => x.canonical === a.canonical);
      if (f === undefined) continue;
      word(emit, a.name, { role: 'flag', command: spec, flag: f });
      if (a.value !== null)
        word(emit, a.value, looksNumeric(a.value.text) ? { role: 'number' } : { role: 'enum', doc: f.doc });
    }
  }
}

function fieldRole(list: readonly catalog.FieldSpec[], what: string, w: Word): WordRole {
  return { role: 'field', what, field: list.find((f) => f.name === w.text) };
}

/** After `task NAME FILE`: the region, page and line of a /proc/PID file (or a data range). */
function taskFileWords(emit: Emit, file: string | undefined, words: readonly Word[]): void {
  const [a, b, c] = words;
  const region = file === 'pagemap' || file === 'smaps' || file === 'data';
  if (region && a !== undefined) word(emit, a, { role: 'region', definition: false });
  if (file === 'pagemap') {
    if (b !== undefined) word(emit, b, { role: 'number' });
    if (c !== undefined) word(emit, c, fieldRole(catalog.PAGEMAP_FIELDS, 'pagemap', c));
    return;
  }
  const key = file === 'smaps' ? b : file === 'smaps_rollup' || file === 'status' ? a : undefined;
  if (key !== undefined)
    word(emit, key, fieldRole(file === 'status' ? catalog.STATUS_KEYS : catalog.SMAPS_KEYS, file ?? 'task', key));
}

/** The words of an observable (an expect's subject, a `let`'s value); returns the role its compared value has. */
function observableWords(emit: Emit, subject: readonly Word[], config: ScenarioConfig, value: Word | null): WordRole {
  const [first, ...rest] = subject;
  let valueRole: WordRole = value !== null && looksNumeric(value.text) ? { role: 'size' } : { role: 'enum', doc: '' };
  if (first === undefined) return valueRole;
  const kw = OBSERVABLE_DOCS.get(first.text);
  if (kw !== undefined) {
    word(emit, first, { role: 'keyword', doc: kw });
    const last = rest[rest.length - 1];
    switch (first.text) {
      case 'slot':
      case 'cluster': {
        const [dev, n, field] = rest;
        if (dev !== undefined) word(emit, dev, { role: 'device' });
        if (n !== undefined) word(emit, n, { role: 'number' });
        if (field !== undefined)
          word(
            emit,
            field,
            fieldRole(first.text === 'slot' ? catalog.SLOT_FIELDS : catalog.CLUSTER_FIELDS, first.text, field),
          );
        if (first.text === 'slot' && field?.text === 'memcg') valueRole = { role: 'cgroup' };
        break;
      }
      case 'device':
        if (rest[0] !== undefined) word(emit, rest[0], { role: 'device' });
        if (rest[1] !== undefined) word(emit, rest[1], fieldRole(catalog.DEVICE_FIELDS, 'device', rest[1]));
        break;
      case 'task': {
        const [task, file, ...more] = rest;
        if (task !== undefined) word(emit, task, { role: 'task', definition: false });
        if (file !== undefined) word(emit, file, fieldRole(catalog.TASK_FIELDS, 'task', file));
        if (rest.length === 2 && last?.text === 'cgroup') valueRole = { role: 'cgroup' };
        taskFileWords(emit, file?.text, more);
        break;
      }
      case 'free':
        if (rest[0] !== undefined) word(emit, rest[0], { role: 'enum', doc: '`mem` or `swap` line of free(1)' });
        if (rest[1] !== undefined) word(emit, rest[1], fieldRole(catalog.FREE_COLUMNS, 'free', rest[1]));
        break;
      case 'overhead': {
        const design = rest.length === 2 && rest[0] !== undefined ? catalog.findDesign(rest[0].text) : undefined;
        if (design !== undefined && rest[0] !== undefined) word(emit, rest[0], { role: 'design', design });
        if (last !== undefined && rest.length > 0)
          word(emit, last, { role: 'structure', design: design?.name ?? config.design });
        break;
      }
    }
    return valueRole;
  }
  word(
    emit,
    first,
    first.text.startsWith('&') ? { role: 'fd', definition: false } : { role: 'file', path: first.text },
  );
  const second = rest[0];
  if (second !== undefined) {
    if (first.text === '/proc/swaps') {
      word(emit, second, { role: 'device' });
      if (rest[1] !== undefined) word(emit, rest[1], fieldRole(catalog.SWAPS_COLUMNS, '/proc/swaps', rest[1]));
    } else {
      const resolved = resolveFile(first.text, config.pageSize, config.pmdOrder);
      const keys = resolved.ok && resolved.value.spec.keys !== undefined ? catalog.KEYS[resolved.value.spec.keys] : [];
      word(emit, second, { role: 'key', file: first.text, key: keys.find((k) => k.name === second.text) });
    }
  }
  return valueRole;
}

function expectWords(emit: Emit, stmt: Extract<Statement, { kind: 'expect' }>, config: ScenarioConfig): void {
  const verb = catalog.findCommand('expect');
  if (verb !== undefined) word(emit, stmt.keyword, { role: 'verb', command: verb });
  const a = stmt.assertion;
  if (a.form === 'ok') {
    word(emit, a.word, { role: 'keyword', doc: '`expect ok`: the statement just before succeeded.' });
    return;
  }
  if (a.form === 'error') {
    word(emit, a.word, {
      role: 'keyword',
      doc: '`expect error ERRNO`: the statement just before failed with this errno.',
    });
    word(emit, a.errno, { role: 'errno', errno: catalog.findErrno(a.errno.text) });
    return;
  }
  const valueRole = observableWords(emit, a.subject, config, a.value);
  emit(a.operator.range, a.operator.op, { role: 'operator', op: a.operator });
  word(emit, a.value, valueRole);
  if (a.unit !== null) word(emit, a.unit, { role: 'size' });
  if (a.tolerance !== null) {
    emit(a.tolerance.operator.range, a.tolerance.operator.op, { role: 'operator', op: a.tolerance.operator });
    word(emit, a.tolerance.amount, { role: 'size' });
  }
}

/** `let NAME = VALUE…`: a literal or expression, or an observable's words. */
function letWords(emit: Emit, stmt: Extract<Statement, { kind: 'let' }>, config: ScenarioConfig): void {
  const verb = catalog.findCommand('let');
  if (verb !== undefined) word(emit, stmt.keyword, { role: 'verb', command: verb });
  word(emit, stmt.name, { role: 'variable', definition: true });
  const [first] = stmt.value;
  if (first === undefined) return;
  if (stmt.value.length === 1 && (expands(first) || looksNumeric(first.text) || first.quoted))
    word(emit, first, looksNumeric(first.text) ? { role: 'size' } : { role: 'value' });
  else observableWords(emit, stmt.value, config, null);
}

/** Calls `emit` for each word of the statement (not the body of a repeat), left to right. */
export function statementWords(stmt: Statement, config: ScenarioConfig, emit: Emit): void {
  switch (stmt.kind) {
    case 'config': {
      const verb = catalog.findCommand('config');
      if (verb !== undefined) word(emit, stmt.keyword, { role: 'verb', command: verb });
      for (const s of stmt.settings) {
        const key = catalog.CONFIG_KEYS.find((k) => k.key === s.key.text);
        word(emit, s.key, { role: 'config-key', key });
        let role: WordRole;
        if (s.key.text === 'design') role = { role: 'design', design: catalog.findDesign(s.value.text) };
        else if (s.key.text === 'kernel')
          role = { role: 'kernel', kernel: isKernelVersion(s.value.text) ? s.value.text : undefined };
        else if (s.key.text === 'ram' || s.key.text === 'page_size') role = { role: 'size' };
        else role = looksNumeric(s.value.text) ? { role: 'number' } : { role: 'enum', doc: key?.doc ?? '' };
        word(emit, s.value, role);
      }
      return;
    }
    case 'repeat': {
      const verb = catalog.findCommand('repeat');
      if (verb !== undefined) word(emit, stmt.keyword, { role: 'verb', command: verb });
      if (stmt.count !== null) word(emit, stmt.count, { role: 'number' });
      if (stmt.variable !== null) word(emit, stmt.variable, { role: 'variable', definition: true });
      return;
    }
    case 'let':
      letWords(emit, stmt, config);
      return;
    case 'echo': {
      const verb = catalog.findCommand('echo');
      if (verb !== undefined) word(emit, stmt.keyword, { role: 'verb', command: verb });
      const procs = /(^|\/)cgroup\.procs$/.test(stmt.target.text);
      for (const v of stmt.values)
        word(
          emit,
          v,
          procs ? { role: 'task', definition: false } : looksNumeric(v.text) ? { role: 'size' } : { role: 'value' },
        );
      emit(stmt.redirect.range, stmt.redirect.op, { role: 'operator', op: stmt.redirect });
      word(
        emit,
        stmt.target,
        stmt.target.text.startsWith('&') ? { role: 'fd', definition: false } : { role: 'file', path: stmt.target.text },
      );
      return;
    }
    case 'expect':
      expectWords(emit, stmt, config);
      return;
    case 'command':
      commandWords(emit, stmt);
      return;
  }
}

/** The roled word under a position on one statement's line. */
export function wordAt(
  stmt: Statement,
  config: ScenarioConfig,
  line: number,
  character: number,
): RoledWord | undefined {
  let found: RoledWord | undefined;
  statementWords(stmt, config, (range, text, role) => {
    if (found !== undefined || range.start.line !== line) return;
    if (range.start.character <= character && character <= range.end.character) found = { range, text, role };
  });
  return found;
}
