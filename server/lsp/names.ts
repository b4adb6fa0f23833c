/**
 * Every occurrence of a user-chosen name in a scenario: swap devices,
 * cgroups, tasks and regions. Definition, references, rename, completion of
 * existing names and the outline all read this index.
 *
 * Cgroups are indexed per path component, so `/sys/fs/cgroup/work/g0/memory.max`
 * holds a reference to `/work` (the `work` part) and one to `/work/g0` (the
 * `g0` part): renaming `work` then rewrites every path that goes through it.
 * A region belongs to the task that mapped it; a forked child shares its
 * parent's regions (copy_mm() duplicates the VMAs), so `touch child heap`
 * refers to the parent's `mmap … heap`. A variable is defined by `let NAME`
 * and `repeat … as NAME`, and referenced by `$NAME`, `${NAME}` and names
 * inside `$((…))`; a word with a substitution names no other object.
 */
import type { CommandStatement, ExpectCompare, Position, Program, Range, Statement, Word } from '../lang/index';
import { findCommand, type ArgKind } from '../lang/catalog';
import { expands, valueWords, variableSpans } from '../lang/check/substitute';

export type NameKind = 'device' | 'cgroup' | 'task' | 'region' | 'variable' | 'fd';

export interface NameOccurrence {
  readonly kind: NameKind;
  /** Identity: device path, canonical cgroup path (`/a/b`), task name, or `task\u0000region` of the mapping task. */
  readonly key: string;
  /** The text under `range` (a single path component for cgroups). */
  readonly text: string;
  readonly range: Range;
  /** A statement that creates the object (swapon, mkdir, task, fork's child, mmap). */
  readonly definition: boolean;
}

export interface NameIndex {
  readonly occurrences: readonly NameOccurrence[];
  /** The occurrence under a position (end inclusive, so a cursor right after a name finds it). */
  at(position: Position): NameOccurrence | undefined;
  /** Every occurrence of one object, in source order. */
  all(kind: NameKind, key: string): readonly NameOccurrence[];
  /** The first creating occurrence, if the scenario creates the object. */
  definition(kind: NameKind, key: string): NameOccurrence | undefined;
  /** Distinct names in order of first appearance. */
  readonly devices: readonly string[];
  /** Canonical cgroup paths the scenario creates (the root `/` first). */
  readonly cgroups: readonly string[];
  readonly tasks: readonly string[];
  /** Variables the scenario sets (`let`, `repeat … as`), in order of first appearance. */
  readonly variables: readonly string[];
  /** Names of files the scenario opens (`open NAME PATH`). */
  readonly fds: readonly string[];
  /** Region names usable by a task (its own mmaps and those inherited through fork). */
  regionsOf(task: string): readonly string[];
}

const CGROUP_ROOT_PREFIX = '/sys/fs/cgroup/';

export function regionKey(task: string, region: string): string {
  return `${task}\u0000${region}`;
}

/** The region name of a region key. */
export function regionName(key: string): string {
  return key.slice(key.indexOf('\u0000') + 1);
}

interface Component {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** Canonical path up to and including this component. */
  readonly path: string;
}

/**
 * Path components of a cgroup written in `word`, with their columns. `isFile`
 * drops the last component (the file name). Paths with `.`, `..` or empty
 * parts are left out: they are rare and renaming inside them is ambiguous.
 */
export function cgroupComponents(word: Word, allowBareAbsolute: boolean, isFile: boolean): Component[] {
  if (word.quoted) return [];
  const text = word.text;
  let offset: number;
  if (text.startsWith(CGROUP_ROOT_PREFIX)) offset = CGROUP_ROOT_PREFIX.length;
  else if (text === '/sys/fs/cgroup') return [];
  else if (text.startsWith('/')) {
    if (!allowBareAbsolute) return [];
    offset = 1;
  } else offset = 0;
  const rest = text.slice(offset);
  const parts = rest.split('/');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (isFile) parts.pop();
  const out: Component[] = [];
  let col = word.range.start.character + offset;
  let path = '';
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') return [];
    path += `/${part}`;
    out.push({ name: part, start: col, end: col + part.length, path });
    col += part.length + 1;
  }
  return out;
}

const OBSERVABLE_KEYWORDS = new Set(['free', 'slot', 'cluster', 'task', 'device', 'overhead']);

class IndexBuilder {
  readonly occurrences: NameOccurrence[] = [];
  readonly devices: string[] = [];
  readonly cgroups: string[] = ['/'];
  readonly tasks: string[] = [];
  readonly variables: string[] = [];
  readonly fds: string[] = [];
  private readonly seen = new Set<string>();
  /** For each task name, its regions by name → region key (fork copies the map). */
  readonly regions = new Map<string, Map<string, string>>();

  add(kind: NameKind, key: string, text: string, range: Range, definition: boolean): void {
    this.occurrences.push({ kind, key, text, range, definition });
    const id = `${kind}\u0001${key}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    if (kind === 'device') this.devices.push(key);
    else if (kind === 'task') this.tasks.push(key);
    else if (kind === 'variable' && definition) this.variables.push(key);
    else if (kind === 'fd' && definition) this.fds.push(key);
    else if (kind === 'cgroup' && definition) this.cgroups.push(key);
  }

  /** `let NAME` or `repeat … as NAME`. */
  variableDefinition(word: Word): void {
    this.add('variable', word.text, word.text, word.range, true);
  }

  /** Every variable a word reads: the name part of `$NAME`, `${NAME}`, or a name inside `$((…))`. */
  variableUses(word: Word): void {
    const line = word.range.start.line;
    for (const v of variableSpans(word))
      this.add(
        'variable',
        v.name,
        v.name,
        { start: { line, character: v.start }, end: { line, character: v.end } },
        false,
      );
  }

  /** An open file's name: `open NAME`, `close NAME`, or `&NAME` (the name without the `&`). */
  fd(word: Word, definition: boolean): void {
    if (word.quoted || expands(word)) return;
    const amp = word.text.startsWith('&') ? 1 : 0;
    const name = word.text.slice(amp);
    if (name === '') return;
    const line = word.range.start.line;
    const start = word.range.start.character + amp;
    this.add(
      'fd',
      name,
      name,
      { start: { line, character: start }, end: { line, character: start + name.length } },
      definition,
    );
  }

  /** A path word that may be `&NAME` of an open file instead (cat, echo targets, observables). */
  fileOrFd(word: Word, cgroupIsFile: boolean): void {
    if (word.text.startsWith('&')) this.fd(word, false);
    else if (cgroupIsFile) this.cgroup(word, false, true, 'none');
  }

  device(word: Word, definition: boolean): void {
    if (expands(word)) return;
    if (!word.quoted && word.text.startsWith('/')) this.add('device', word.text, word.text, word.range, definition);
  }

  task(word: Word, definition: boolean): void {
    if (word.quoted || expands(word)) return;
    this.add('task', word.text, word.text, word.range, definition);
    if (definition) this.regions.set(word.text, new Map());
  }

  region(taskWord: Word | undefined, word: Word, definition: boolean): void {
    if (word.quoted || taskWord === undefined || expands(word) || expands(taskWord)) return;
    let map = this.regions.get(taskWord.text);
    if (map === undefined) {
      map = new Map();
      this.regions.set(taskWord.text, map);
    }
    let key = map.get(word.text);
    if (key === undefined || definition) {
      // A region mapped again after munmap is the same name: keep the first key.
      key ??= regionKey(taskWord.text, word.text);
      map.set(word.text, key);
    }
    this.add('region', key, word.text, word.range, definition);
  }

  cgroup(word: Word, allowBareAbsolute: boolean, isFile: boolean, definition: 'none' | 'last' | 'all'): void {
    if (expands(word)) return;
    const parts = cgroupComponents(word, allowBareAbsolute, isFile);
    const line = word.range.start.line;
    parts.forEach((p, i) => {
      const isDef = definition === 'all' || (definition === 'last' && i === parts.length - 1);
      this.add(
        'cgroup',
        p.path,
        p.name,
        { start: { line, character: p.start }, end: { line, character: p.end } },
        isDef,
      );
    });
  }

  fork(parent: Word | undefined, child: Word | undefined): void {
    if (parent === undefined || child === undefined) return;
    this.regions.set(child.text, new Map(this.regions.get(parent.text) ?? []));
  }
}

function positionals(stmt: CommandStatement): Word[] {
  const out: Word[] = [];
  for (const a of stmt.args) if (a.kind === 'positional') out.push(a.word);
  return out;
}

function visitCommand(b: IndexBuilder, stmt: CommandStatement): void {
  const spec = findCommand(stmt.name.text);
  if (spec === undefined) return;
  const words = positionals(stmt);
  const name = spec.name;
  const taskWord = words[0];
  const parents = stmt.args.some((a) => a.kind === 'flag' && a.canonical === 'parents');
  const bare = name === 'move' || name === 'reclaim';
  words.forEach((word, i) => {
    const kind: ArgKind | undefined = spec.positionals[i]?.kind;
    switch (kind) {
      case 'device':
        b.device(word, name === 'swapon');
        break;
      case 'cgroup':
        b.cgroup(word, bare, false, name === 'mkdir' ? (parents ? 'all' : 'last') : 'none');
        break;
      case 'file':
        b.fileOrFd(word, true);
        break;
      case 'fd':
        b.fd(word, false);
        break;
      case 'new-fd':
        b.fd(word, true);
        break;
      case 'task':
        b.task(word, false);
        break;
      case 'new-task':
        b.task(word, true);
        break;
      case 'region':
        b.region(taskWord, word, false);
        break;
      case 'new-region':
        b.region(taskWord, word, true);
        break;
      default:
        break;
    }
  });
  for (const a of stmt.args) {
    if (a.kind === 'option' && a.key.text === 'cgroup') b.cgroup(a.value, true, false, 'none');
  }
  if (name === 'fork') b.fork(words[0], words[1]);
}

function visitCompare(b: IndexBuilder, a: ExpectCompare): void {
  const [first, second] = a.subject;
  if (first === undefined) return;
  let cgroupValue = false;
  if (OBSERVABLE_KEYWORDS.has(first.text)) {
    if (second === undefined) return;
    const field = a.subject[a.subject.length - 1]?.text;
    if (first.text === 'slot' || first.text === 'cluster' || first.text === 'device') b.device(second, false);
    if (first.text === 'task') b.task(second, false);
    cgroupValue = (first.text === 'slot' && field === 'memcg') || (first.text === 'task' && field === 'cgroup');
  } else if (first.text === '/proc/swaps') {
    if (second !== undefined) b.device(second, false);
  } else {
    b.fileOrFd(first, true);
  }
  if (cgroupValue) b.cgroup(a.value, true, false, 'none');
}

function visit(b: IndexBuilder, statements: readonly Statement[]): void {
  for (const s of statements) {
    if (s.kind === 'command' || s.kind === 'echo' || s.kind === 'expect' || s.kind === 'let')
      for (const w of valueWords(s)) b.variableUses(w);
    switch (s.kind) {
      case 'repeat':
        if (s.count !== null) b.variableUses(s.count);
        if (s.variable !== null) b.variableDefinition(s.variable);
        visit(b, s.body);
        break;
      case 'let':
        b.variableDefinition(s.name);
        if (s.value[0] !== undefined) b.fileOrFd(s.value[0], false);
        break;
      case 'command':
        visitCommand(b, s);
        break;
      case 'echo':
        if (/(^|\/)cgroup\.procs$/.test(s.target.text)) for (const v of s.values) b.task(v, false);
        b.fileOrFd(s.target, true);
        break;
      case 'expect':
        if (s.assertion.form === 'compare') visitCompare(b, s.assertion);
        break;
      case 'config':
        break;
    }
  }
}

function comparePos(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

export function buildNameIndex(program: Program): NameIndex {
  const b = new IndexBuilder();
  visit(b, program.statements);
  const occurrences = b.occurrences;
  const byLine = new Map<number, NameOccurrence[]>();
  const byKey = new Map<string, NameOccurrence[]>();
  for (const o of occurrences) {
    const line = o.range.start.line;
    const onLine = byLine.get(line);
    if (onLine === undefined) byLine.set(line, [o]);
    else onLine.push(o);
    const id = `${o.kind}\u0001${o.key}`;
    const same = byKey.get(id);
    if (same === undefined) byKey.set(id, [o]);
    else same.push(o);
  }
  for (const list of byKey.values()) list.sort((x, y) => comparePos(x.range.start, y.range.start));
  const regionsByTask = new Map<string, string[]>();
  for (const [task, map] of b.regions) regionsByTask.set(task, [...map.keys()]);
  return {
    occurrences,
    at(position) {
      for (const o of byLine.get(position.line) ?? []) {
        if (o.range.start.character <= position.character && position.character <= o.range.end.character) return o;
      }
      return undefined;
    },
    all: (kind, key) => byKey.get(`${kind}\u0001${key}`) ?? [],
    definition: (kind, key) => (byKey.get(`${kind}\u0001${key}`) ?? []).find((o) => o.definition),
    devices: b.devices,
    cgroups: b.cgroups,
    tasks: b.tasks,
    variables: b.variables,
    fds: b.fds,
    regionsOf: (task) => regionsByTask.get(task) ?? [],
  };
}
