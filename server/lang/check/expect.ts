/**
 * `expect OBSERVABLE OP VALUE [±TOL]`: resolve the observable to a typed
 * reference with its unit, convert the value (and tolerance) into that unit,
 * and check that the operator makes sense for it.
 */
import { TIER_NAME_MAX, validTierName } from '../../sim/swap_tier_syntax';
import type { ExpectCompare, Range, Word } from '../syntax/ast';
import {
  CLUSTER_FIELDS,
  DESIGN_NAMES,
  DEVICE_FIELDS,
  FREE_COLUMNS,
  FREE_ROWS,
  KEYS,
  OBSERVABLE_FORMS,
  OVERHEAD_TOTALS,
  PAGEMAP_FIELDS,
  SLOT_FIELDS,
  SMAPS_KEYS,
  STATUS_KEYS,
  SWAPS_COLUMNS,
  TASK_FIELDS,
  VSWAP_DEVICE_WORD,
  findDesign,
  type DesignName,
  type FieldSpec,
  type KeySetName,
  type KeySpec,
  type ObservableUnit,
} from '../catalog';
import type {
  CheckedStatement,
  Comparison,
  ExpectedValue,
  FileRef,
  FreeColumn,
  LetValue,
  Observable,
  PageSpan,
  PagemapField,
  SmapsKey,
  StatusKey,
  Tolerance,
} from './checked';
import { cachedCgroup, withText, type CheckContext, type DeviceInfo } from './context';
import { makeDiagnostic } from '../diagnostics';
import { normalisePath } from './paths';
import { parseBool, parseInteger, parsePercent, parseSize } from '../units';
import { checkChoice, checkInteger, checkPageRange } from './values';
import { PAGE_DATA_MAX } from '../../sim/page_data';

/** The keys of each keyed file by name (vmstat has dozens; expects name them on thousands of lines). */
const KEYS_BY_NAME: ReadonlyMap<KeySetName, ReadonlyMap<string, KeySpec>> = new Map(
  (Object.keys(KEYS) as KeySetName[]).map((set) => [set, new Map(KEYS[set].map((k) => [k.name, k]))]),
);

/** Enum values that exist in one design only: vswap-ste pointer entries, freed ghost clusters. */
const DESIGN_ONLY_VALUES: Readonly<Record<string, DesignName>> = {
  'slot.pointer': 'vswap-ste',
  'cluster.dead': 'ghost',
};

export interface Resolved {
  readonly observable: Observable;
  readonly unit: ObservableUnit;
  /** Allowed words for enum observables, or extra words a numeric one may show (`max`). */
  readonly words: readonly string[];
}

export function checkCompare(ctx: CheckContext, a: ExpectCompare, range: Range): CheckedStatement | null {
  const resolved = resolveObservable(ctx, a.subject);
  if (resolved === null) return null;
  const comparison: Comparison = a.operator.op === '~=' ? '≈' : (a.operator.op as Comparison);
  if (comparison === 'contains' || comparison === '!contains') {
    if (resolved.unit !== 'text') {
      ctx.error(
        'SS313',
        `${a.operator.op} searches text (dmesg, cgroup.procs, cgroup.subtree_control); this observable is ${resolved.unit}`,
        a.operator,
      );
      return null;
    }
    const text = `${a.subject.map((w) => w.text).join(' ')} ${a.operator.op} ${JSON.stringify(a.value.text)}`;
    return {
      op: 'expect',
      range,
      observable: resolved.observable,
      unit: 'text',
      comparison,
      expected: { kind: 'word', value: a.value.text },
      tolerance: null,
      text,
    };
  }
  if (resolved.observable.kind === 'data') {
    if (comparison !== '==' && comparison !== '!=') {
      ctx.error('SS313', 'page data compares with == or != only', a.operator);
      return null;
    }
    if (a.unit !== null || a.tolerance !== null) {
      ctx.error('SS309', 'page data takes no unit or tolerance', a.unit ?? a.tolerance!);
      return null;
    }
    const want = dataExpected(ctx, a);
    if (want === null) return null;
    const text = `${a.subject.map((w) => w.text).join(' ')} ${a.operator.op} ${a.value.text}`;
    return {
      op: 'expect',
      range,
      observable: resolved.observable,
      unit: 'text',
      comparison,
      expected: want,
      tolerance: null,
      text,
    };
  }
  const expected = expectedValue(ctx, resolved, a.value, a.unit);
  if (expected === null) return null;
  const numeric = expected.kind === 'number' && resolved.unit !== 'bool';
  if (!numeric && comparison !== '==' && comparison !== '!=') {
    ctx.error(
      'SS313',
      `only == and != compare ${expected.kind === 'word' ? `'${expected.value}'` : 'a yes/no value'}`,
      a.operator,
    );
    return null;
  }
  let tolerance: Tolerance | null = null;
  if (comparison === '≈') {
    if (a.tolerance === null) {
      const at = a.unit?.range.end ?? a.value.range.end;
      ctx.report(
        makeDiagnostic('SS312', '≈ needs a tolerance, e.g. ±5% or ±4K', a.operator.range, {
          fixes: [
            {
              title: 'Add a ±5% tolerance',
              edits: [{ range: { start: at, end: at }, newText: ' ±5%' }],
              preferred: true,
            },
          ],
        }),
      );
      return null;
    }
    tolerance = toleranceValue(ctx, resolved, a.tolerance.amount);
    if (tolerance === null) return null;
  } else if (a.tolerance !== null) {
    if (comparison !== '==' && comparison !== '!=') {
      ctx.error('SS312', `a tolerance goes with ≈, == or != (found ${a.operator.op})`, a.tolerance);
      return null;
    }
    // `== X ±T` reads as ≈: within T of X (and `!=` outside it)
    if (!numeric) {
      ctx.error('SS312', 'a tolerance needs a number to compare', a.tolerance);
      return null;
    }
    tolerance = toleranceValue(ctx, resolved, a.tolerance.amount);
    if (tolerance === null) return null;
  }
  let text = '';
  for (const w of a.subject) text += `${w.text} `;
  text += `${a.operator.op} ${a.value.text}`;
  if (a.unit !== null) text += ` ${a.unit.text}`;
  if (a.tolerance !== null) text += ` ±${a.tolerance.amount.text}`;
  return {
    op: 'expect',
    range,
    observable: resolved.observable,
    unit: resolved.unit,
    comparison,
    expected,
    tolerance,
    text,
  };
}

/** `let NAME = OBSERVABLE`: the observable, resolved (its words hold no substitutions). */
export function letObservable(ctx: CheckContext, words: readonly Word[]): LetValue | null {
  const r = resolveObservable(ctx, words);
  return r === null ? null : { kind: 'observable', observable: r.observable, unit: r.unit };
}

function tooMany(ctx: CheckContext, words: readonly Word[], from: number, synopsis: string): boolean {
  const extra = words[from];
  if (extra === undefined) return false;
  const last = words[words.length - 1] ?? extra;
  ctx.report(
    makeDiagnostic('SS111', `unexpected '${extra.text}': the form is ${synopsis}`, {
      start: extra.range.start,
      end: last.range.end,
    }),
  );
  return true;
}

function missing(ctx: CheckContext, words: readonly Word[], what: string, synopsis: string): null {
  const last = words[words.length - 1];
  if (last !== undefined)
    ctx.report(
      makeDiagnostic('SS111', `missing ${what}: the form is ${synopsis}`, {
        start: last.range.end,
        end: last.range.end,
      }),
    );
  return null;
}

/** `WORD DEVICE FIELD`: an active swap device (normalised path) and one of `fields`; null after a diagnostic. */
function deviceAndField(
  ctx: CheckContext,
  words: readonly Word[],
  fields: readonly FieldSpec[],
  what: string,
  synopsis: string,
): { device: string; field: FieldSpec } | null {
  const devWord = words[1];
  if (devWord === undefined) return missing(ctx, words, 'the device', synopsis);
  const f = field(ctx, words[2], fields, words, what, synopsis);
  if (f === null || tooMany(ctx, words, 3, synopsis)) return null;
  const device = normalisePath(devWord.text) ?? devWord.text;
  if (ctx.activeDevice(withText(devWord, device)) === null) return null;
  return { device, field: f };
}

function field(
  ctx: CheckContext,
  word: Word | undefined,
  fields: readonly FieldSpec[],
  words: readonly Word[],
  what: string,
  synopsis: string,
): FieldSpec | null {
  if (word === undefined) return missing(ctx, words, what, synopsis);
  const f = fields.find((x) => x.name === word.text);
  if (f === undefined) {
    ctx.unknown(
      'SS221',
      `unknown ${what} '${word.text}' (${fields.map((x) => x.name).join(', ')})`,
      word,
      fields.map((x) => x.name),
    );
    return null;
  }
  return f;
}

/**
 * The observable an `expect`'s words name, with its unit; null after
 * reporting why not to `ctx`. The debugger reads observables with it too.
 */
export function resolveObservable(ctx: CheckContext, words: readonly Word[]): Resolved | null {
  const head = words[0] as Word;
  switch (head.text) {
    case 'free': {
      const syn = 'free mem total|used|free|shared|buff/cache|available, free swap total|used|free';
      const row = words[1];
      if (row === undefined) return missing(ctx, words, 'mem or swap', syn);
      if (checkChoice(row, FREE_ROWS, ctx.report, 'free row') === null) return null;
      // the Swap line has only the first three columns
      const columns = row.text === 'swap' ? FREE_COLUMNS.slice(0, 3) : FREE_COLUMNS;
      const col = field(ctx, words[2], columns, words, 'free column', syn);
      if (col === null || tooMany(ctx, words, 3, syn)) return null;
      return {
        observable: { kind: 'free', row: row.text as 'mem' | 'swap', column: col.name as FreeColumn },
        unit: col.unit,
        words: [],
      };
    }
    case 'slot':
    case 'cluster': {
      const isSlot = head.text === 'slot';
      const syn = isSlot ? 'slot DEVICE OFFSET FIELD' : 'cluster DEVICE INDEX FIELD';
      const devWord = words[1];
      const numWord = words[2];
      if (devWord === undefined) return missing(ctx, words, 'the device', syn);
      if (numWord === undefined) return missing(ctx, words, isSlot ? 'the slot offset' : 'the cluster index', syn);
      const f = field(
        ctx,
        words[3],
        isSlot ? SLOT_FIELDS : CLUSTER_FIELDS,
        words,
        isSlot ? 'slot field' : 'cluster field',
        syn,
      );
      if (f === null || tooMany(ctx, words, 4, syn)) return null;
      const device =
        devWord.text === VSWAP_DEVICE_WORD ? VSWAP_DEVICE_WORD : (normalisePath(devWord.text) ?? devWord.text);
      const dev =
        device === VSWAP_DEVICE_WORD ? virtualDevice(ctx, devWord) : ctx.activeDevice(withText(devWord, device));
      const n = checkInteger(numWord, ctx.report, {
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
        what: isSlot ? 'slot offset' : 'cluster index',
      });
      if (dev === null || n === null) return null;
      if (dev.slots !== null) {
        const limit = isSlot ? dev.slots : Math.ceil(dev.slots / ctx.config.clusterSlots);
        if (n >= limit) {
          ctx.error('SS319', `${device} has ${limit} ${isSlot ? 'slots' : 'clusters'} (0..${limit - 1})`, numWord);
          return null;
        }
      }
      if (isSlot)
        return {
          observable: { kind: 'slot', device, offset: n, field: f.name as 'kind' },
          unit: f.unit,
          words: f.values ?? [],
        };
      return {
        observable: { kind: 'cluster', device, index: n, field: f.name as 'list' },
        unit: f.unit,
        words: f.values ?? [],
      };
    }
    case 'task': {
      if (words[2]?.text === 'data') return resolveData(ctx, words);
      if (words[2] !== undefined && PROC_FILES.has(words[2].text)) return resolveProc(ctx, words);
      const syn = 'task NAME FIELD';
      const nameWord = words[1];
      if (nameWord === undefined) return missing(ctx, words, 'the task name', syn);
      const f = field(ctx, words[2], TASK_FIELDS, words, 'task field', syn);
      if (f === null || tooMany(ctx, words, 3, syn)) return null;
      // Exited tasks still have a state (that is the point of asking).
      if (ctx.task(nameWord, { allowExited: true }) === null) return null;
      return {
        observable: { kind: 'task', task: nameWord.text, field: f.name as 'state' },
        unit: f.unit,
        words: f.values ?? [],
      };
    }
    case 'device': {
      const r = deviceAndField(ctx, words, DEVICE_FIELDS, 'device field', 'device PATH FIELD');
      if (r === null) return null;
      const { device, field: f } = r;
      return { observable: { kind: 'device', device, field: f.name as 'prio' }, unit: f.unit, words: [] };
    }
    case 'overhead':
      return resolveOverhead(ctx, words);
    case 'dmesg':
      if (tooMany(ctx, words, 1, 'dmesg')) return null;
      return { observable: { kind: 'dmesg' }, unit: 'text', words: [] };
    default:
      return resolvePathObservable(ctx, words);
  }
}

/** `task NAME data REGION [pages=A..B]`: the page data of a live task's range. */
function resolveData(ctx: CheckContext, words: readonly Word[]): Resolved | null {
  const syn = 'task NAME data REGION [pages=A..B]';
  const nameWord = words[1]!;
  const regionWord = words[3];
  if (regionWord === undefined) return missing(ctx, words, 'the region', syn);
  if (tooMany(ctx, words, 5, syn)) return null;
  const task = ctx.task(nameWord);
  const region = task === null ? null : ctx.region(task, regionWord);
  if (region === null) return null;
  const rangeWord = words[4];
  let pages: PageSpan = { first: 0, count: region.pages ?? 0, whole: true, startAligned: true };
  if (rangeWord !== undefined) {
    if (!rangeWord.text.startsWith('pages=')) {
      ctx.error('SS111', `unexpected '${rangeWord.text}': the form is ${syn}`, rangeWord);
      return null;
    }
    const r = rangeWord.range;
    const value: Word = {
      text: rangeWord.text.slice('pages='.length),
      quoted: false,
      range: { start: { line: r.start.line, character: r.start.character + 'pages='.length }, end: r.end },
    };
    const span = checkPageRange(value, region.pages, regionWord.text, ctx.report);
    if (span === null) return null;
    pages = span;
  }
  return {
    observable: { kind: 'data', task: nameWord.text, region: regionWord.text, pages },
    unit: 'text',
    words: ['index'],
  };
}

/** The /proc/PID files a `task` observable reads, with their forms. */
const PROC_FILES: ReadonlyMap<string, string> = new Map([
  ['pagemap', 'task NAME pagemap REGION PAGE present|swapped|file|swap_type|swap_offset'],
  ['smaps', 'task NAME smaps REGION Rss|Anonymous|AnonHugePages|Swap|SwapPss'],
  ['smaps_rollup', 'task NAME smaps_rollup Rss|Anonymous|AnonHugePages|Swap|SwapPss'],
  ['status', 'task NAME status VmRSS|RssAnon|RssFile|RssShmem|VmSwap'],
]);

/** `task NAME pagemap|smaps|smaps_rollup|status …`: a live task's /proc/PID file, one field of it. */
function resolveProc(ctx: CheckContext, words: readonly Word[]): Resolved | null {
  const nameWord = words[1]!;
  const file = words[2]!.text;
  const syn = PROC_FILES.get(file)!;
  const task = ctx.task(nameWord);
  if (task === null) return null;
  if (file === 'status' || file === 'smaps_rollup') {
    const f = field(ctx, words[3], file === 'status' ? STATUS_KEYS : SMAPS_KEYS, words, `${file} line`, syn);
    if (f === null || tooMany(ctx, words, 4, syn)) return null;
    const observable: Observable =
      file === 'status'
        ? { kind: 'status', task: nameWord.text, key: f.name as StatusKey }
        : { kind: 'smaps', task: nameWord.text, region: null, key: f.name as SmapsKey };
    return { observable, unit: f.unit, words: [] };
  }
  const regionWord = words[3];
  if (regionWord === undefined) return missing(ctx, words, 'the region', syn);
  const region = ctx.region(task, regionWord);
  if (region === null) return null;
  if (file === 'smaps') {
    const f = field(ctx, words[4], SMAPS_KEYS, words, 'smaps line', syn);
    if (f === null || tooMany(ctx, words, 5, syn)) return null;
    return {
      observable: { kind: 'smaps', task: nameWord.text, region: regionWord.text, key: f.name as SmapsKey },
      unit: f.unit,
      words: [],
    };
  }
  const pageWord = words[4];
  if (pageWord === undefined) return missing(ctx, words, 'the page index', syn);
  const f = field(ctx, words[5], PAGEMAP_FIELDS, words, 'pagemap field', syn);
  const last = region.pages === null ? Number.MAX_SAFE_INTEGER : Math.max(0, region.pages - 1);
  const page = checkInteger(pageWord, ctx.report, { min: 0, max: last, what: `page index of ${regionWord.text}` });
  if (f === null || page === null || tooMany(ctx, words, 6, syn)) return null;
  return {
    observable: { kind: 'pagemap', task: nameWord.text, region: regionWord.text, page, field: f.name as PagemapField },
    unit: f.unit,
    words: [],
  };
}

/** The value a data expect compares with: `index`, or a 32-bit number. */
function dataExpected(ctx: CheckContext, a: ExpectCompare): ExpectedValue | null {
  if (a.value.text === 'index') return { kind: 'word', value: 'index' };
  const n = parseInteger(a.value.text);
  if (!n.ok || n.value < 0 || n.value > PAGE_DATA_MAX) {
    ctx.error('SS307', `page data is \`index\` or a value 0..0xffffffff, not '${a.value.text}'`, a.value);
    return null;
  }
  return { kind: 'number', value: n.value };
}

function resolveOverhead(ctx: CheckContext, words: readonly Word[]): Resolved | null {
  const syn = 'overhead [DESIGN] STRUCTURE|total|static|dynamic';
  let design: DesignName = ctx.config.design;
  let i = 1;
  const maybeDesign = words[1];
  if (maybeDesign !== undefined && (DESIGN_NAMES as readonly string[]).includes(maybeDesign.text)) {
    design = maybeDesign.text as DesignName;
    i = 2;
  }
  const itemWord = words[i];
  if (itemWord === undefined) return missing(ctx, words, 'what to measure', syn);
  if (tooMany(ctx, words, i + 1, syn)) return null;
  const profile = findDesign(design);
  const names = [...OVERHEAD_TOTALS, ...(profile?.structures.map((s) => s.name) ?? [])];
  if (!names.includes(itemWord.text)) {
    const elsewhere = DESIGN_NAMES.filter((d) => findDesign(d)?.structures.some((s) => s.name === itemWord.text));
    if (elsewhere.length > 0) {
      ctx.error('SS406', `design ${design} has no ${itemWord.text} (it exists in ${elsewhere.join(', ')})`, itemWord);
    } else {
      ctx.unknown('SS221', `unknown overhead item '${itemWord.text}' for design ${design}`, itemWord, names);
    }
    return null;
  }
  return { observable: { kind: 'overhead', design, item: itemWord.text }, unit: 'bytes', words: [] };
}

function resolvePathObservable(ctx: CheckContext, words: readonly Word[]): Resolved | null {
  const head = words[0] as Word;
  const looksLikePath =
    head.text.includes('/') ||
    head.text.startsWith('memory.') ||
    head.text.startsWith('cgroup.') ||
    head.text.startsWith('&');
  if (!looksLikePath) {
    ctx.unknown(
      'SS225',
      `'${head.text}' is not an observable: use a file path, &NAME of an open file, or free, slot, cluster, task, device, overhead`,
      head,
      OBSERVABLE_FORMS.map((f) => f.keyword),
    );
    return null;
  }
  const target = ctx.target(head);
  if (target === null) return null;
  const resolved = target.file;
  const fd = target.fd;
  const { ref, spec } = resolved;
  if (spec.access === 'wo') {
    ctx.error('SS216', `${spec.name} is write-only and has nothing to compare`, head);
    return null;
  }
  if (ref.kind === 'cgroup' && fd === null && !ctx.cgroupExists(ref.cgroup, head)) return null;
  if (ref.kind === 'proc' && ref.name === 'swaps') {
    const r = deviceAndField(
      ctx,
      words,
      SWAPS_COLUMNS,
      '/proc/swaps column',
      '/proc/swaps DEVICE Type|Size|Used|Priority',
    );
    if (r === null) return null;
    const { device, field: col } = r;
    return {
      observable: { kind: 'swaps', device, column: col.name as 'Type' },
      unit: col.unit,
      words: col.values ?? [],
    };
  }
  if (spec.tierKeys !== undefined) return tierObservable(ctx, words, ref, spec.tierKeys, fd);
  if (spec.keys !== undefined) {
    const syn = `${head.text} KEY`;
    const keyWord = words[1];
    if (keyWord === undefined) return missing(ctx, words, `a key of ${spec.name}`, syn);
    if (tooMany(ctx, words, 2, syn)) return null;
    const key = KEYS_BY_NAME.get(spec.keys)?.get(keyWord.text);
    if (key === undefined) {
      const keys = KEYS[spec.keys];
      ctx.unknown(
        'SS206',
        `${spec.name} has no key '${keyWord.text}'`,
        keyWord,
        keys.map((k) => k.name),
      );
      return null;
    }
    return { observable: { kind: 'file', file: ref, key: key.name, fd }, unit: key.unit, words: [] };
  }
  if (resolved.unit === null) {
    ctx.error('SS225', `${spec.name} has no single value to compare`, head);
    return null;
  }
  if (tooMany(ctx, words, 1, head.text)) return null;
  return {
    observable: { kind: 'file', file: ref, key: null, fd },
    unit: resolved.unit,
    words: spec.readWords ?? spec.values ?? [],
  };
}

const TIER_COLUMNS: readonly FieldSpec[] = [
  { name: 'Idx', unit: 'int', doc: 'Bit of the tier in device and cgroup masks.' },
  { name: 'PrioStart', unit: 'int', doc: 'Lowest priority of the tier.' },
  { name: 'PrioEnd', unit: 'int', doc: 'Highest priority of the tier.' },
];

/** Swap tiers files, whose rows are tiers named at run time: `FILE NAME [COLUMN]`. */
function tierObservable(
  ctx: CheckContext,
  words: readonly Word[],
  ref: FileRef,
  keys: 'name' | 'name-column',
  fd: string | null,
): Resolved | null {
  const head = words[0] as Word;
  const syn = keys === 'name' ? `${head.text} NAME` : `${head.text} NAME Idx|PrioStart|PrioEnd`;
  const nameWord = words[1];
  if (nameWord === undefined) return missing(ctx, words, 'a tier name', syn);
  if (!validTierName(nameWord.text)) {
    ctx.error(
      'SS218',
      `'${nameWord.text}' is not a tier name (letters, digits and _, at most ${TIER_NAME_MAX})`,
      nameWord,
    );
    return null;
  }
  if (keys === 'name') {
    if (tooMany(ctx, words, 2, syn)) return null;
    return { observable: { kind: 'file', file: ref, key: nameWord.text, fd }, unit: 'int', words: ['max'] };
  }
  const col = field(ctx, words[2], TIER_COLUMNS, words, 'tiers column', syn);
  if (col === null || tooMany(ctx, words, 3, syn)) return null;
  return { observable: { kind: 'file', file: ref, key: `${nameWord.text} ${col.name}`, fd }, unit: 'int', words: [] };
}

/** Convert the typed value into the observable's unit. */
function expectedValue(ctx: CheckContext, r: Resolved, valueWord: Word, unitWord: Word | null): ExpectedValue | null {
  const text = valueWord.text + (unitWord?.text ?? '');
  const whole =
    unitWord === null
      ? valueWord
      : { ...valueWord, text, range: { start: valueWord.range.start, end: unitWord.range.end } };
  switch (r.unit) {
    case 'enum': {
      const v = checkChoice(valueWord, r.words, ctx.report, 'value here');
      if (v === null) return null;
      const only = DESIGN_ONLY_VALUES[`${r.observable.kind}.${v}`];
      if (only !== undefined && only !== ctx.config.design) {
        ctx.error('SS407', `'${v}' only occurs under design=${only} (design is ${ctx.config.design})`, valueWord);
      }
      return { kind: 'word', value: v };
    }
    case 'bool': {
      const b = parseBool(text);
      if (b === null) {
        checkChoice(whole, ['yes', 'no'], ctx.report, 'yes/no value');
        return null;
      }
      return { kind: 'number', value: b ? 1 : 0 };
    }
    case 'text':
      return { kind: 'word', value: valueWord.text };
    case 'cgroup': {
      const c = cachedCgroup(text, true);
      if (!c.ok) {
        ctx.error(c.code, c.message, whole);
        return null;
      }
      return { kind: 'word', value: c.value };
    }
    default:
      if (r.words.includes(text)) return { kind: 'word', value: text };
      return numericValue(ctx, r.unit, whole, 'value');
  }
}

/** A number in `unit` from a plain number or a size. */
function numericValue(ctx: CheckContext, unit: ObservableUnit, word: Word, what: string): ExpectedValue | null {
  const ps = ctx.config.pageSize;
  if (unit === 'count' || unit === 'int') {
    const n = parseInteger(word.text, unit === 'int');
    if (!n.ok) {
      const size = parseSize(word.text);
      if (size.ok)
        ctx.error(
          'SS309',
          `this ${what} is a plain ${unit === 'count' ? 'count' : 'number'}; sizes do not apply`,
          word,
        );
      else ctx.error('SS303', `expected a whole number, found '${word.text}'`, word);
      return null;
    }
    return { kind: 'number', value: n.value };
  }
  const s = parseSize(word.text);
  if (!s.ok) {
    if (s.error === 'unknown-unit')
      ctx.error('SS302', `unknown unit '${s.unit ?? ''}' (use B, K, M, G, T, P, kB or p/pages)`, word);
    else if (s.error === 'inexact')
      ctx.error(
        'SS304',
        `'${word.text}' is not a whole number of ${s.unit === 'p' || s.unit === 'pages' ? 'pages' : 'bytes'}`,
        word,
      );
    else ctx.error('SS303', `expected a number or a size, found '${word.text}'`, word);
    return null;
  }
  if (s.kind === 'bytes' && s.unit === null) return { kind: 'number', value: s.bytes };
  const bytes = s.kind === 'pages' ? s.pages * ps : s.bytes;
  const per = unit === 'bytes' ? 1 : unit === 'kB' ? 1024 : ps;
  if (bytes % per !== 0) {
    ctx.error(
      'SS314',
      `${word.text} is not a whole number of ${unit === 'kB' ? 'kB' : `${ps / 1024}K pages`}, the unit of this observable`,
      word,
    );
    return null;
  }
  return { kind: 'number', value: bytes / per };
}

function toleranceValue(ctx: CheckContext, r: Resolved, word: Word): Tolerance | null {
  if (word.text.endsWith('%')) {
    const p = parsePercent(word.text);
    if (!p.ok || p.value < 0 || p.value > 100) {
      ctx.error('SS312', `tolerance must be a percentage from 0% to 100%, found '${word.text}'`, word);
      return null;
    }
    return { kind: 'relative', fraction: p.value / 100 };
  }
  const v = numericValue(ctx, r.unit, word, 'tolerance');
  if (v === null || v.kind !== 'number') return null;
  return { kind: 'absolute', amount: v.value };
}

/**
 * `vswap` names the hidden virtual device the vswap designs create at boot
 * (8 × RAM, like /dev/ghostswap); it exists under no other design.
 */
function virtualDevice(ctx: CheckContext, word: Word): DeviceInfo | null {
  const design = ctx.config.design;
  if (design !== 'vswap' && design !== 'vswap-ste') {
    ctx.error(
      'SS412',
      `'${VSWAP_DEVICE_WORD}' is the virtual swap device of design=vswap or vswap-ste (design is ${design})`,
      word,
    );
    return null;
  }
  const ramPages = ctx.config.ramBytes / ctx.config.pageSize;
  return {
    active: true,
    slots: Math.ceil(ramPages / ctx.config.clusterSlots) * ctx.config.clusterSlots * 8,
    offAt: null,
  };
}
