/**
 * Completion: commands at the start of a line, flags and options per command,
 * file paths (cgroup files of the scenario's cgroups, zswap parameters,
 * sysctls, /proc), keys of keyed files in `expect`, names the scenario
 * defined (devices, cgroups, tasks, regions), design profiles after
 * `design=`, errno names after `expect error`, units after a number.
 *
 * Only the current line is lexed; names come from the newest analysis. That
 * keeps the cost independent of the document size.
 */
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import * as catalog from '../lang/catalog';
import type { ScenarioConfig } from '../lang/index';
import type { Token } from '../lang/syntax/lexer';
import { resolveFile } from '../lang/check/paths';
import type { Analysis } from './analysis';
import {
  commandMarkdown,
  configKeyMarkdown,
  designMarkdown,
  errnoMarkdown,
  fieldMarkdown,
  fileMarkdown,
  flagMarkdown,
  keyMarkdown,
  optionMarkdown,
} from './docs';
import { cgroupFiles, filterFiles, systemFiles, type FileUse } from './files';
import { lineContext, type LineContext } from './line';
import type { NameIndex } from './names';

const RETRIGGER = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
const COMPARISONS = ['==', '!=', '<', '<=', '>', '>=', '≈'];
const OBSERVABLE_KEYWORDS = new Set(catalog.OBSERVABLE_FORMS.map((f) => f.keyword));
const NUMBER = /^(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?)$/;
const UNIT_SUFFIXES: readonly { unit: string; bytes: number | null; doc: string }[] = [
  { unit: 'K', bytes: 1024, doc: 'KiB (1024 bytes)' },
  { unit: 'M', bytes: 1024 ** 2, doc: 'MiB' },
  { unit: 'G', bytes: 1024 ** 3, doc: 'GiB' },
  { unit: 'T', bytes: 1024 ** 4, doc: 'TiB' },
  { unit: 'p', bytes: null, doc: 'pages of the configured page size' },
  { unit: 'B', bytes: 1, doc: 'bytes' },
  { unit: 'KiB', bytes: 1024, doc: 'KiB' },
  { unit: 'MiB', bytes: 1024 ** 2, doc: 'MiB' },
  { unit: 'GiB', bytes: 1024 ** 3, doc: 'GiB' },
];
/** Above this many cgroups, an empty path lists cgroup directories instead of every file of every cgroup. */
const ALL_CGROUP_FILES_MAX = 16;

/** What one completion request knows. */
class Request {
  readonly items: CompletionItem[] = [];
  readonly partial: string;
  readonly replace: Range;

  constructor(
    readonly ctx: LineContext,
    readonly names: NameIndex,
    readonly config: ScenarioConfig,
    position: Position,
  ) {
    const cur = ctx.current;
    const quoted = cur !== undefined && cur.kind === 'string';
    this.partial = cur === undefined || quoted ? '' : ctx.text.slice(cur.start, position.character);
    const start = cur === undefined || quoted ? position.character : cur.start;
    const end = cur === undefined || quoted ? position.character : cur.end;
    this.replace = { start: { line: ctx.line, character: start }, end: { line: ctx.line, character: end } };
  }

  add(
    label: string,
    kind: CompletionItemKind,
    opts: { detail?: string; doc?: string; insert?: string; retrigger?: boolean; sort?: string } = {},
  ): void {
    const newText = opts.insert ?? label;
    const item: CompletionItem = { label, kind, textEdit: { range: this.replace, newText } };
    if (newText !== label) item.filterText = newText;
    if (opts.detail !== undefined) item.detail = opts.detail;
    if (opts.doc !== undefined) item.documentation = { kind: MarkupKind.Markdown, value: opts.doc };
    if (opts.retrigger === true) item.command = RETRIGGER;
    if (opts.sort !== undefined) item.sortText = opts.sort;
    item.insertTextFormat = InsertTextFormat.PlainText;
    this.items.push(item);
  }

  tokensBefore(): readonly Token[] {
    return this.ctx.tokens.slice(0, this.ctx.currentIndex);
  }
}

// ─── building blocks ─────────────────────────────────────────────────────────

function commands(r: Request): void {
  for (const spec of catalog.COMMANDS)
    r.add(spec.name, CompletionItemKind.Keyword, { detail: spec.synopsis, doc: commandMarkdown(spec) });
}

function units(r: Request, number: string): void {
  UNIT_SUFFIXES.forEach((u, i) => {
    let detail = u.doc;
    const value = Number(number);
    if (u.bytes !== null && Number.isFinite(value)) detail = `${(value * u.bytes).toLocaleString('en-US')} bytes`;
    if (u.bytes === null && Number.isFinite(value))
      detail = `${(value * r.config.pageSize).toLocaleString('en-US')} bytes (${r.config.pageSize / 1024}K pages)`;
    r.add(`${number}${u.unit}`, CompletionItemKind.Unit, { detail, sort: String(i).padStart(2, '0') });
  });
}

function unitsIfNumber(r: Request): boolean {
  if (!NUMBER.test(r.partial)) return false;
  units(r, r.partial);
  return true;
}

function devices(r: Request): void {
  for (const d of r.names.devices) r.add(d, CompletionItemKind.Constant, { detail: 'swap area' });
}

function tasks(r: Request): void {
  for (const t of r.names.tasks) r.add(t, CompletionItemKind.Variable, { detail: 'task' });
}

function regions(r: Request, task: string | undefined): void {
  if (task === undefined) return;
  for (const region of r.names.regionsOf(task))
    r.add(region, CompletionItemKind.Variable, { detail: `region of ${task}` });
}

/** Existing cgroups, relative to /sys/fs/cgroup; the root as `/` where a bare absolute path is allowed. */
function cgroups(r: Request, includeRoot: boolean): void {
  for (const c of r.names.cgroups) {
    if (c === '/') {
      if (includeRoot) r.add('/', CompletionItemKind.Folder, { detail: 'the root cgroup' });
      continue;
    }
    r.add(c.slice(1), CompletionItemKind.Folder, { detail: `/sys/fs/cgroup${c}` });
  }
}

function choices(r: Request, values: readonly string[], detail: string): void {
  for (const v of values) r.add(v, CompletionItemKind.EnumMember, { detail });
}

function fields(r: Request, list: readonly catalog.FieldSpec[], what: string): void {
  for (const f of list) r.add(f.name, CompletionItemKind.Property, { detail: f.unit, doc: fieldMarkdown(what, f) });
}

function operators(r: Request): void {
  for (const op of COMPARISONS) r.add(op, CompletionItemKind.Operator);
}

function errnos(r: Request): void {
  for (const e of catalog.ERRNOS)
    r.add(e.name, CompletionItemKind.EnumMember, { detail: String(e.value), doc: errnoMarkdown(e) });
}

/**
 * File paths: under /sys/fs/cgroup, the files of the cgroup the typed path is
 * in plus its child cgroups as directories; otherwise every system file and
 * the cgroups' files (or only directories when there are many cgroups).
 */
/** `&NAME` of the files the scenario opens. */
function openFiles(r: Request): void {
  for (const f of r.names.fds) r.add(`&${f}`, CompletionItemKind.Variable, { detail: 'open file' });
}

function paths(r: Request, use: FileUse): void {
  const typed = r.partial;
  if (typed === '' || typed.startsWith('&')) openFiles(r);
  if (typed.startsWith('&')) return;
  const cgroupPrefix = '/sys/fs/cgroup';
  const relative = typed !== '' && !typed.startsWith('/');
  if (relative || typed.startsWith(`${cgroupPrefix}/`)) {
    const prefix = relative ? '' : cgroupPrefix;
    const rel = relative ? typed : typed.slice(cgroupPrefix.length + 1);
    const slash = rel.lastIndexOf('/');
    const dir = slash < 0 ? '/' : `/${rel.slice(0, slash)}`;
    cgroupDir(r, dir, prefix, use);
    return;
  }
  for (const f of filterFiles(systemFiles(r.config), use))
    r.add(f.path, CompletionItemKind.File, { detail: fileDetail(f.spec.unit), doc: fileMarkdown(f.spec, f.path) });
  const many = r.names.cgroups.length > ALL_CGROUP_FILES_MAX;
  if (!many) {
    for (const c of r.names.cgroups) cgroupFileItems(r, c, cgroupPrefix, use);
  } else {
    cgroupDir(r, '/', cgroupPrefix, use);
  }
}

function fileDetail(unit: catalog.ObservableUnit | null): string {
  return unit === null ? 'file' : `file (${unit})`;
}

function cgroupFileItems(r: Request, cgroup: string, prefix: string, use: FileUse): void {
  for (const f of cgroupFiles(cgroup, prefix, use, r.config.swapTiers))
    r.add(f.path, CompletionItemKind.File, { detail: fileDetail(f.spec.unit), doc: fileMarkdown(f.spec, f.path) });
}

/** Files of one cgroup and its direct children as directories. */
function cgroupDir(r: Request, dir: string, prefix: string, use: FileUse): void {
  cgroupFileItems(r, dir, prefix, use);
  const childPrefix = dir === '/' ? '/' : `${dir}/`;
  for (const c of r.names.cgroups) {
    if (c === '/' || !c.startsWith(childPrefix) || c.indexOf('/', childPrefix.length) >= 0) continue;
    const shown = prefix === '' ? `${c.slice(1)}/` : `${prefix}${c}/`;
    r.add(shown, CompletionItemKind.Folder, { detail: 'cgroup', retrigger: true });
  }
}

/**
 * `$…` at the end of the word being typed: the variables the scenario sets
 * (and loop variables), inserted into the word as typed so far.
 */
function variablesIfDollar(r: Request): boolean {
  const m = /\$(\{?)([A-Za-z_][A-Za-z0-9_]*)?$/.exec(r.partial);
  if (m === null) return false;
  const head = r.partial.slice(0, m.index);
  const brace = m[1] === '{';
  for (const v of r.names.variables) {
    const def = r.names.definition('variable', v);
    r.add(`$${brace ? '{' : ''}${v}${brace ? '}' : ''}`, CompletionItemKind.Variable, {
      insert: `${head}$${brace ? `{${v}}` : v}`,
      detail: def === undefined ? 'variable' : `variable, set on line ${def.range.start.line + 1}`,
    });
  }
  return true;
}

// ─── per statement kind ──────────────────────────────────────────────────────

function configCompletion(r: Request): void {
  const eq = r.partial.indexOf('=');
  if (eq < 0) {
    for (const k of catalog.CONFIG_KEYS)
      r.add(`${k.key}=`, CompletionItemKind.Property, { detail: k.syntax, doc: configKeyMarkdown(k), retrigger: true });
    return;
  }
  const key = r.partial.slice(0, eq);
  if (key === 'design') {
    for (const d of catalog.DESIGNS)
      r.add(d.name, CompletionItemKind.EnumMember, {
        insert: `design=${d.name}`,
        detail: d.title,
        doc: designMarkdown(d),
      });
    return;
  }
  const spec = catalog.CONFIG_KEYS.find((k) => k.key === key);
  if (spec?.values !== undefined) {
    for (const v of spec.values) r.add(v, CompletionItemKind.EnumMember, { insert: `${key}=${v}`, detail: spec.doc });
  } else if (key === 'ram') {
    const value = r.partial.slice(eq + 1);
    if (NUMBER.test(value))
      for (const u of ['M', 'G']) r.add(`${value}${u}`, CompletionItemKind.Unit, { insert: `ram=${value}${u}` });
  }
}

function echoCompletion(r: Request): void {
  const before = r.tokensBefore();
  if (before.some((t) => t.kind === 'op')) {
    paths(r, 'write');
    return;
  }
  // The value: what the target file accepts, when the target is already written.
  const all = r.ctx.tokens;
  const redirect = all.findIndex((t, i) => i >= r.ctx.currentIndex && t.kind === 'op');
  const target = redirect >= 0 ? all[redirect + 1] : undefined;
  if (target === undefined) {
    if (!unitsIfNumber(r) && r.partial === '') writeExamples(r);
    return;
  }
  const resolved = resolveFile(target.text, r.config.pageSize, r.config.pmdOrder);
  if (!resolved.ok) return;
  const spec = resolved.value.spec;
  switch (spec.write) {
    case 'enum':
      choices(r, spec.values ?? [], spec.name);
      break;
    case 'bool':
      choices(r, ['Y', 'N', '1', '0'], 'boolean');
      break;
    case 'limit':
      if (!unitsIfNumber(r)) r.add('max', CompletionItemKind.EnumMember, { detail: 'no limit' });
      break;
    case 'task':
      tasks(r);
      break;
    case 'reclaim':
      unitsIfNumber(r);
      break;
    default:
      break;
  }
}

function observableValue(r: Request, words: readonly string[]): void {
  const [first, second] = words;
  if (first === undefined) return;
  const field = words[words.length - 1];
  let unit: catalog.ObservableUnit | null = null;
  /** A yes/no file written as an integer (memory.zswap.writeback) reads back 1 or 0, never yes or no. */
  let intBool = false;
  let values: readonly string[] = [];
  let readWords: readonly string[] = [];
  const lookup = (list: readonly catalog.FieldSpec[]): void => {
    const f = list.find((x) => x.name === field);
    if (f !== undefined) {
      unit = f.unit;
      values = f.values ?? [];
    }
  };
  if (first === 'slot') lookup(catalog.SLOT_FIELDS);
  else if (first === 'cluster') lookup(catalog.CLUSTER_FIELDS);
  else if (first === 'task')
    lookup([...catalog.TASK_FIELDS, ...catalog.PAGEMAP_FIELDS, ...catalog.SMAPS_KEYS, ...catalog.STATUS_KEYS]);
  else if (first === 'device') lookup(catalog.DEVICE_FIELDS);
  else if (first === 'free') unit = 'kB';
  else if (first === 'overhead') unit = 'bytes';
  else if (first === '/proc/swaps') lookup(catalog.SWAPS_COLUMNS);
  else {
    const resolved = resolveFile(first, r.config.pageSize, r.config.pmdOrder);
    if (resolved.ok) {
      const spec = resolved.value.spec;
      if (spec.keys !== undefined && second !== undefined) {
        unit = catalog.KEYS[spec.keys].find((k) => k.name === second)?.unit ?? null;
      } else {
        unit = resolved.value.unit;
        intBool = spec.write === 'int';
        values = spec.values ?? [];
        readWords = spec.readWords ?? [];
      }
    }
  }
  if (unit === 'bytes' || unit === 'kB' || unit === 'pages') {
    if (unitsIfNumber(r)) return;
  }
  if (unit === 'bool') choices(r, intBool ? ['1', '0'] : ['yes', 'no'], 'boolean');
  if (unit === 'cgroup') cgroups(r, true);
  choices(r, values, 'value');
  choices(r, readWords, 'value');
}

function expectCompletion(r: Request): void {
  const before = r.tokensBefore().slice(1);
  const opIndex = before.findIndex((t) => t.kind === 'op');
  if (opIndex >= 0) {
    const subject = before.slice(0, opIndex).map((t) => t.text);
    const after = before.slice(opIndex + 1).filter((t) => t.kind !== 'op');
    if (after.length === 0) observableValue(r, subject);
    return;
  }
  observableCompletion(
    r,
    before.map((t) => t.text),
    true,
  );
}

/** After `task NAME FILE`: the region, the page, the line or field of a /proc/PID file (`data` takes a region). */
function taskFileCompletion(r: Request, words: readonly string[]): void {
  const [, task, file] = words;
  const n = words.length;
  const withRegion = file === 'pagemap' || file === 'smaps' || file === 'data';
  if (withRegion && n === 3) return regions(r, task);
  if (file === 'pagemap') {
    if (n === 5) fields(r, catalog.PAGEMAP_FIELDS, 'pagemap');
    else if (n > 5) operators(r);
    return;
  }
  const keys =
    file === 'smaps' || file === 'smaps_rollup' ? catalog.SMAPS_KEYS : file === 'status' ? catalog.STATUS_KEYS : null;
  const keyAt = file === 'smaps' ? 4 : 3;
  if (keys !== null && n === keyAt) fields(r, keys, file ?? 'task');
  else operators(r);
}

/** `let NAME = …`: after the `=`, an observable's words (or a literal, which needs no help). */
function letCompletion(r: Request): void {
  const before = r.tokensBefore();
  const eq = before.findIndex((t, i) => i > 0 && (t.text === '=' || (i === 1 && t.text.endsWith('='))));
  if (eq < 0) return;
  observableCompletion(
    r,
    before.slice(eq + 1).map((t) => t.text),
    false,
  );
}

/** The words of an observable typed so far (an expect's subject, a let's value). */
function observableCompletion(r: Request, words: readonly string[], assertion: boolean): void {
  const [first, second] = words;
  const n = words.length;
  if (first === undefined) {
    if (assertion) {
      r.add('ok', CompletionItemKind.Keyword, { detail: 'the statement before succeeded' });
      r.add('error', CompletionItemKind.Keyword, { detail: 'the statement before failed with ERRNO' });
    }
    for (const f of catalog.OBSERVABLE_FORMS)
      r.add(f.keyword, CompletionItemKind.Keyword, { detail: f.synopsis, doc: f.doc });
    paths(r, 'observe');
    return;
  }
  if (assertion && first === 'ok') return;
  if (assertion && first === 'error') {
    if (n === 1) errnos(r);
    return;
  }
  if (OBSERVABLE_KEYWORDS.has(first)) {
    switch (first) {
      case 'dmesg':
        if (n === 1)
          for (const op of ['contains', '!contains', '=='])
            r.add(op, CompletionItemKind.Operator, { detail: 'searches the kernel log' });
        return;
      case 'slot':
      case 'cluster':
        if (n === 1) {
          devices(r);
          // the vswap designs' hidden virtual device is observable by this word
          if (r.config.design === 'vswap' || r.config.design === 'vswap-ste')
            r.add(catalog.VSWAP_DEVICE_WORD, CompletionItemKind.Constant, {
              detail: 'virtual swap device (8 × RAM, not in /proc/swaps)',
            });
        } else if (n === 3) fields(r, first === 'slot' ? catalog.SLOT_FIELDS : catalog.CLUSTER_FIELDS, first);
        else if (n === 4) operators(r);
        return;
      case 'device':
        if (n === 1) devices(r);
        else if (n === 2) fields(r, catalog.DEVICE_FIELDS, 'device');
        else operators(r);
        return;
      case 'task':
        if (n === 1) tasks(r);
        else if (n === 2) fields(r, catalog.TASK_FIELDS, 'task');
        else taskFileCompletion(r, words);
        return;
      case 'free':
        if (n === 1) choices(r, catalog.FREE_ROWS, 'free(1) row');
        else if (n === 2) fields(r, catalog.FREE_COLUMNS, 'free');
        else operators(r);
        return;
      case 'overhead': {
        const design = n >= 2 ? catalog.findDesign(second ?? '') : undefined;
        if (n === 1) {
          for (const d of catalog.DESIGNS)
            r.add(d.name, CompletionItemKind.EnumMember, { detail: d.title, doc: designMarkdown(d) });
          overheadItems(r, r.config.design);
        } else if (n === 2 && design !== undefined) overheadItems(r, design.name);
        else operators(r);
        return;
      }
    }
  }
  if (first === '/proc/swaps') {
    if (n === 1) devices(r);
    else if (n === 2) fields(r, catalog.SWAPS_COLUMNS, '/proc/swaps');
    else operators(r);
    return;
  }
  const resolved = resolveFile(first, r.config.pageSize, r.config.pmdOrder);
  if (resolved.ok && resolved.value.spec.keys !== undefined && n === 1) {
    for (const k of catalog.KEYS[resolved.value.spec.keys])
      r.add(k.name, CompletionItemKind.Property, { detail: k.unit, doc: keyMarkdown(first, k) });
    return;
  }
  operators(r);
}

function overheadItems(r: Request, designName: string): void {
  const design = catalog.findDesign(designName);
  for (const s of design?.structures ?? [])
    r.add(s.name, CompletionItemKind.Property, { detail: `${s.kind} structure of ${designName}`, doc: s.doc });
  choices(r, catalog.OVERHEAD_TOTALS, 'overhead total');
}

interface ArgState {
  positionals: number;
  used: Set<string>;
  /** A dash flag before the cursor still waits for its value. */
  pendingFlag: catalog.FlagSpec | null;
  words: string[];
}

function argState(spec: catalog.CommandSpec, before: readonly Token[]): ArgState {
  const state: ArgState = { positionals: 0, used: new Set(), pendingFlag: null, words: [] };
  for (let i = 1; i < before.length; i++) {
    const t = before[i] as Token;
    if (t.kind !== 'word' && t.kind !== 'string') continue;
    const text = t.text;
    state.pendingFlag = null;
    if (t.kind === 'word' && text.length > 1 && text.startsWith('-') && !/^-[0-9]/.test(text)) {
      const long = text.startsWith('--');
      const eq = text.indexOf('=');
      const typed = long ? (eq >= 0 ? text.slice(0, eq) : text) : text.slice(0, 2);
      const flag = spec.flags.find((f) => f.names.includes(typed));
      if (flag !== undefined) {
        state.used.add(flag.canonical);
        const attached = long ? eq >= 0 : text.length > 2;
        if (flag.value === 'required' && !attached) state.pendingFlag = flag;
      }
      continue;
    }
    const eq = spec.positionalMayContainEquals === true ? -1 : text.indexOf('=');
    if (t.kind === 'word' && eq > 0) {
      state.used.add(text.slice(0, eq));
      continue;
    }
    const bare = spec.flags.find((f) => f.value === 'none' && f.names.includes(text) && !text.startsWith('-'));
    if (bare !== undefined) {
      state.used.add(bare.canonical);
      continue;
    }
    // A value consumed by the flag before it (`-p 5`).
    const prev = before[i - 1];
    if (prev !== undefined && prev.kind === 'word' && /^-[a-zA-Z]$|^--[a-z-]+$/.test(prev.text)) {
      const f = spec.flags.find((x) => x.names.includes(prev.text));
      if (f !== undefined && f.value === 'required') continue;
    }
    state.positionals++;
    state.words.push(text);
  }
  return state;
}

function optionValue(r: Request, spec: catalog.CommandSpec, option: catalog.OptionSpec, value: string): void {
  const key = option.key;
  const add = (text: string, kind: CompletionItemKind, detail?: string): void =>
    r.add(text, kind, { insert: `${key}=${text}`, ...(detail === undefined ? {} : { detail }) });
  switch (option.kind) {
    case 'cgroup':
      for (const c of r.names.cgroups)
        add(c === '/' ? '/' : c.slice(1), CompletionItemKind.Folder, `/sys/fs/cgroup${c === '/' ? '' : c}`);
      return;
    case 'choice':
      for (const v of option.values ?? []) add(v, CompletionItemKind.EnumMember, option.doc);
      return;
    case 'content':
      for (const c of catalog.CONTENT_KINDS) add(c.name, CompletionItemKind.EnumMember, c.doc);
      add(
        'mix(zero=25%, compressible=50%, incompressible=25%)',
        CompletionItemKind.EnumMember,
        'a mixture; percentages add up to 100',
      );
      return;
    case 'size':
      if (NUMBER.test(value)) for (const u of UNIT_SUFFIXES) add(`${value}${u.unit}`, CompletionItemKind.Unit, u.doc);
      return;
    case 'integer':
      if (spec.name === 'task' && key === 'cpu')
        for (let c = 0; c < Math.min(r.config.cpus, 64); c++) add(String(c), CompletionItemKind.Value, 'CPU');
      if (spec.name === 'mmap' && key === 'order')
        for (const o of [0, ...range(2, r.config.pmdOrder)])
          add(String(o), CompletionItemKind.Value, `${(r.config.pageSize / 1024) * 2 ** o}K folios`);
      return;
    default:
      return;
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

function positionalItems(r: Request, spec: catalog.CommandSpec, state: ArgState): void {
  const p = spec.positionals[state.positionals];
  if (p === undefined) return;
  switch (p.kind) {
    case 'device':
      if (spec.name === 'swapon') {
        const known = new Set(r.names.devices);
        for (const d of ['/dev/vda2', '/dev/vdb', '/dev/zram0', '/dev/nvme0n1p3', '/swapfile'])
          if (!known.has(d)) r.add(d, CompletionItemKind.Constant, { detail: 'new swap area' });
        if (r.config.design === 'ghost')
          r.add('/dev/ghostswap', CompletionItemKind.Constant, { detail: 'ghost swapfile (8 × RAM)' });
      }
      devices(r);
      return;
    case 'file':
      paths(r, 'read');
      return;
    case 'fd':
      for (const f of r.names.fds) r.add(f, CompletionItemKind.Variable, { detail: 'open file' });
      return;
    case 'cgroup':
      cgroups(r, spec.name === 'move' || spec.name === 'reclaim');
      return;
    case 'task':
      tasks(r);
      return;
    case 'region':
      regions(r, state.words[0]);
      return;
    case 'size':
      unitsIfNumber(r);
      return;
    case 'choice':
      choices(r, p.values ?? [], p.doc);
      return;
    case 'sysctl':
      for (const s of ['swappiness', 'page-cluster'])
        r.add(`vm.${s}`, CompletionItemKind.Property, { detail: `/proc/sys/vm/${s}` });
      return;
    default:
      return;
  }
}

/** A value the file takes, to show what a write to it looks like (null: nothing sensible without context). */
function exampleValue(spec: catalog.FileSpec): string | null {
  switch (spec.write) {
    case 'limit':
      return 'max';
    case 'bool':
      return 'Y';
    case 'enum':
      return spec.values?.[0] ?? null;
    case 'reclaim':
      return '1M';
    case 'int':
      return spec.defaultValue ?? '0';
    default:
      return spec.defaultValue ?? null;
  }
}

/** After a bare `echo `: whole writes, `VALUE > FILE`, one per writable file (the value is a placeholder to edit). */
function writeExamples(r: Request): void {
  const files = [...filterFiles(systemFiles(r.config), 'write')];
  if (r.names.cgroups.length <= ALL_CGROUP_FILES_MAX)
    for (const c of r.names.cgroups) files.push(...cgroupFiles(c, '/sys/fs/cgroup', 'write', r.config.swapTiers));
  for (const f of files) {
    const value = exampleValue(f.spec);
    if (value === null) continue;
    r.add(`${value} > ${f.path}`, CompletionItemKind.Snippet, {
      detail: fileDetail(f.spec.unit),
      doc: fileMarkdown(f.spec, f.path),
      sort: f.path,
    });
  }
}

function commandCompletion(r: Request, spec: catalog.CommandSpec): void {
  const state = argState(spec, r.tokensBefore());
  if (state.pendingFlag !== null) {
    choices(r, state.pendingFlag.values ?? [], state.pendingFlag.doc);
    return;
  }
  const partial = r.partial;
  if (partial.startsWith('--') && partial.includes('=')) {
    const name = partial.slice(0, partial.indexOf('='));
    const flag = spec.flags.find((f) => f.names.includes(name));
    for (const v of flag?.values ?? [])
      r.add(v, CompletionItemKind.EnumMember, { insert: `${name}=${v}`, detail: flag?.doc ?? '' });
    return;
  }
  if (partial.startsWith('-') && !/^-[0-9]/.test(partial)) {
    for (const f of spec.flags) {
      if (state.used.has(f.canonical)) continue;
      for (const n of f.names)
        if (n.startsWith('-')) r.add(n, CompletionItemKind.Field, { detail: f.canonical, doc: flagMarkdown(spec, f) });
    }
    return;
  }
  const eq = spec.positionalMayContainEquals === true ? -1 : partial.indexOf('=');
  if (eq > 0) {
    const option = spec.options.find((o) => o.key === partial.slice(0, eq));
    if (option !== undefined) optionValue(r, spec, option, partial.slice(eq + 1));
    return;
  }
  positionalItems(r, spec, state);
  // Options and bare flags once the required positionals are there (they may come in any order, but rarely first).
  const required = spec.positionals.filter((p) => p.optional !== true).length;
  if (state.positionals < required) return;
  for (const o of spec.options) {
    if (!state.used.has(o.key))
      r.add(`${o.key}=`, CompletionItemKind.Field, {
        detail: o.kind,
        doc: optionMarkdown(spec, o),
        retrigger: true,
        sort: `~${o.key}`,
      });
  }
  for (const f of spec.flags) {
    if (state.used.has(f.canonical) || f.value !== 'none') continue;
    for (const n of f.names)
      if (!n.startsWith('-'))
        r.add(n, CompletionItemKind.Field, { detail: 'flag', doc: flagMarkdown(spec, f), sort: `~${n}` });
  }
}

export function complete(doc: TextDocument, position: Position, analysis: Analysis): CompletionList {
  const ctx = lineContext(doc, position);
  const empty: CompletionList = { isIncomplete: false, items: [] };
  if (ctx.commentStart !== null && position.character > ctx.commentStart) return empty;
  if (ctx.current?.kind === 'string') return empty;
  const r = new Request(ctx, analysis.names, analysis.result.checked.config, position);
  if (ctx.currentIndex > 0 && variablesIfDollar(r)) return { isIncomplete: false, items: r.items };
  const first = ctx.tokens[0];
  if (ctx.currentIndex === 0 || first === undefined) {
    commands(r);
    return { isIncomplete: false, items: r.items };
  }
  if (first.kind !== 'word') return empty;
  switch (first.text) {
    case 'config':
      configCompletion(r);
      break;
    case 'repeat':
      break;
    case 'let':
      letCompletion(r);
      break;
    case 'echo':
      echoCompletion(r);
      break;
    case 'expect':
      expectCompletion(r);
      break;
    default: {
      const spec = catalog.findCommand(first.text);
      if (spec !== undefined) commandCompletion(r, spec);
    }
  }
  return { isIncomplete: false, items: r.items };
}
