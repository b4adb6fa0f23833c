/**
 * Checks of literal values (sizes, integers, choices, page ranges, bad-page
 * lists, content specs). Each returns the normalised value or null after
 * reporting a diagnostic with an exact range (sub-ranges inside a word where
 * that helps, e.g. the bad part of `mix(…)`).
 */
import { range, type Range, type Word } from '../syntax/ast';
import { CONTENT_KINDS, DEFAULT_COMPRESSIBLE_RATIO } from '../catalog';
import type { Content, ContentPart, PageSpan } from './checked';
import { makeDiagnostic, replacementFixes, type Diagnostic, type DiagnosticCode, type QuickFix } from '../diagnostics';
import { Memo } from '../memo';
import { didYouMean, nearest } from '../suggest';
import { parseDecimal, parseInteger, parsePercent, parseSize } from '../units';

export type Report = (d: Diagnostic) => void;

/** Range of `word.text.slice(from, to)` (single-line words). */
export function subRange(word: Word, from: number, to: number): Range {
  const offset = word.quoted ? 1 : 0;
  const line = word.range.start.line;
  const start = word.range.start.character + offset;
  return range(line, start + from, start + to);
}

function errnoData(errno: string | undefined): { errno: string } | undefined {
  return errno === undefined ? undefined : { errno };
}

export interface SizeOptions {
  readonly pageSize: number;
  /** What the size is, for messages ("mapping size"). */
  readonly what: string;
  /** Warn (SS301) when a plain number is given: bytes were probably not meant. */
  readonly warnPlain: boolean;
  readonly allowZero?: boolean;
}

/** A size in our syntax (`4K`, `1.5G`, `100p`) → bytes. */
export function checkSize(word: Word, report: Report, opts: SizeOptions): number | null {
  const r = parseSize(word.text);
  if (!r.ok) {
    switch (r.error) {
      case 'unknown-unit': {
        const suffixes = ['K', 'M', 'G', 'T', 'p'];
        const suggestions = nearest(r.unit ?? '', suffixes, 2);
        const unitStart = word.text.length - (r.unit ?? '').length;
        report(
          makeDiagnostic(
            'SS302',
            `unknown unit '${r.unit ?? ''}' in ${opts.what}: use B, K, M, G, T, P (binary) or p/pages${didYouMean(suggestions)}`,
            subRange(word, unitStart, word.text.length),
            {
              suggestions,
            },
          ),
        );
        return null;
      }
      case 'inexact':
        report(
          makeDiagnostic(
            'SS304',
            `${opts.what} '${word.text}' is not a whole number of ${r.unit === 'p' || r.unit === 'pages' ? 'pages' : 'bytes'}`,
            word.range,
          ),
        );
        return null;
      case 'too-large':
        report(makeDiagnostic('SS307', `${opts.what} '${word.text}' is too large`, word.range));
        return null;
      case 'negative':
        report(makeDiagnostic('SS307', `${opts.what} cannot be negative`, word.range));
        return null;
      default:
        report(
          makeDiagnostic(
            'SS303',
            `expected a size for ${opts.what} (e.g. 4K, 64M, 1.5G, 100p), found '${word.text}'`,
            word.range,
          ),
        );
        return null;
    }
  }
  const bytes = r.kind === 'pages' ? r.pages * opts.pageSize : r.bytes;
  if (bytes === 0 && opts.allowZero !== true) {
    report(makeDiagnostic('SS305', `${opts.what} must not be zero`, word.range));
    return null;
  }
  if (r.kind === 'bytes' && r.unit === null && opts.warnPlain && bytes !== 0 && word.expanded !== true) {
    report(missingUnit(word, opts.what));
  }
  return bytes;
}

/** SS301 with one quick fix per likely unit. */
export function missingUnit(word: Word, what: string): Diagnostic {
  const end = word.range.end;
  const at: Range = { start: end, end };
  const fixes: QuickFix[] = ['K', 'M', 'G', 'p'].map((u, i) => ({
    title: `Add unit '${u}' (${word.text}${u})`,
    edits: [{ range: at, newText: u }],
    preferred: i === 1,
  }));
  return makeDiagnostic(
    'SS301',
    `${what} '${word.text}' has no unit, so it is ${word.text} bytes; add K, M, G or p (pages)`,
    word.range,
    {
      suggestions: ['K', 'M', 'G', 'p'],
      fixes,
    },
  );
}

export interface IntegerOptions {
  readonly min: number;
  readonly max: number;
  readonly what: string;
  /** The kernel would refuse the value with this errno (runtime-class diagnostic). */
  readonly errno?: string;
  readonly code?: DiagnosticCode;
}

export function checkInteger(word: Word, report: Report, opts: IntegerOptions): number | null {
  const r = parseInteger(word.text, opts.min < 0);
  if (!r.ok) {
    const message =
      r.error === 'not-an-integer'
        ? `${opts.what} must be a whole number, found '${word.text}'`
        : r.error === 'too-large'
          ? `${opts.what} '${word.text}' is too large (${opts.min}..${opts.max})`
          : `expected a number for ${opts.what}, found '${word.text}'`;
    report(makeDiagnostic(r.error === 'too-large' ? 'SS307' : 'SS303', message, word.range, errnoData(opts.errno)));
    return null;
  }
  if (r.value < opts.min || r.value > opts.max) {
    report(
      makeDiagnostic(
        opts.code ?? 'SS307',
        `${opts.what} must be within ${opts.min}..${opts.max}, found ${r.value}`,
        word.range,
        errnoData(opts.errno),
      ),
    );
    return null;
  }
  return r.value;
}

/** One of `values`, with a nearest-name suggestion. */
export function checkChoice(
  word: Word,
  values: readonly string[],
  report: Report,
  what: string,
  errno?: string,
): string | null {
  if (values.includes(word.text)) return word.text;
  const suggestions = nearest(word.text, values);
  report(
    makeDiagnostic(
      'SS308',
      `'${word.text}' is not a valid ${what}${didYouMean(suggestions) || ` (one of: ${values.join(', ')})`}`,
      word.range,
      {
        ...(errno === undefined ? {} : { errno }),
        suggestions,
        fixes: replacementFixes(word.range, suggestions),
      },
    ),
  );
  return null;
}

/** `pages=A..B` (inclusive), `pages=A..` (to the end) or `pages=N` within a region of `regionPages` (null: unknown). */
export function checkPageRange(
  word: Word,
  regionPages: number | null,
  region: string,
  report: Report,
): PageSpan | null {
  const text = word.text;
  const dots = text.indexOf('..');
  const firstText = dots >= 0 ? text.slice(0, dots) : text;
  const lastText = dots >= 0 ? text.slice(dots + 2) : text;
  const first = parseInteger(firstText);
  if (!first.ok) {
    report(makeDiagnostic('SS310', `expected pages=A..B (inclusive page numbers), found '${text}'`, word.range));
    return null;
  }
  let last: number;
  if (dots >= 0 && lastText === '') {
    if (regionPages === null) return { first: first.value, count: 1, whole: false, startAligned: true };
    last = regionPages - 1;
  } else {
    const l = parseInteger(lastText);
    if (!l.ok) {
      report(makeDiagnostic('SS310', `expected pages=A..B (inclusive page numbers), found '${text}'`, word.range));
      return null;
    }
    last = l.value;
  }
  if (last < first.value) {
    report(makeDiagnostic('SS310', `page range ${first.value}..${last} is backwards`, word.range));
    return null;
  }
  if (regionPages !== null && last >= regionPages) {
    report(
      makeDiagnostic('SS310', `page ${last} is outside region '${region}' (pages 0..${regionPages - 1})`, word.range),
    );
    return null;
  }
  return { first: first.value, count: last - first.value + 1, whole: false, startAligned: true };
}

/**
 * `bad=5,9-12` → sorted distinct pages. The header rules (page 0 is the
 * header, pages must be ≤ last_page, at most MAX_SWAP_BADPAGES entries) are
 * the checker's, since they depend on the device size.
 */
export function checkPageList(
  word: Word,
  report: Report,
  maxEntries: number,
): { pages: number[]; tooMany: boolean } | null {
  const pages = new Set<number>();
  let offset = 0;
  for (const item of word.text.split(',')) {
    const itemStart = offset;
    offset += item.length + 1;
    const dash = item.indexOf('-');
    const a = parseInteger(dash >= 0 ? item.slice(0, dash) : item);
    const b = dash >= 0 ? parseInteger(item.slice(dash + 1)) : a;
    const r = subRange(word, itemStart, itemStart + item.length);
    if (!a.ok || !b.ok) {
      report(makeDiagnostic('SS315', `expected a page number or range like 9-12, found '${item}'`, r));
      return null;
    }
    if (b.value < a.value) {
      report(makeDiagnostic('SS315', `bad-page range ${item} is backwards`, r));
      return null;
    }
    // Stop before expanding a huge range: the header cannot hold that many anyway.
    if (b.value - a.value + 1 + pages.size > maxEntries) return { pages: [], tooMany: true };
    for (let p = a.value; p <= b.value; p++) pages.add(p);
  }
  return { pages: [...pages].sort((x, y) => x - y), tooMany: false };
}

const contentNames = CONTENT_KINDS.map((k) => k.name);

/** Content specs that checked clean, by spelling: a scenario repeats the same few on every mmap. */
const cleanContents = new Memo<Content | null>();

/** `zero`, `same`, `incompressible`, `compressible[:RATIO]` or `mix(KIND=PCT%,…)`. */
export function checkContent(word: Word, report: Report): Content | null {
  // Only a spec without diagnostics is memoised (null marks "not known clean"); a bad one is re-checked to report at this word.
  const known = cleanContents.get(word.text, (text) =>
    parseContent({ text, range: word.range, quoted: word.quoted }, () => undefined),
  );
  return known ?? parseContent(word, report);
}

function parseContent(word: Word, report: Report): Content | null {
  const text = word.text;
  if (text.startsWith('mix(') || text.startsWith('mix (')) {
    const open = text.indexOf('(');
    if (!text.endsWith(')')) {
      report(makeDiagnostic('SS311', "a mix must end with ')'", word.range));
      return null;
    }
    const parts: ContentPart[] = [];
    let total = 0;
    let offset = open + 1;
    const inner = text.slice(open + 1, -1);
    for (const raw of inner.split(',')) {
      const itemStart = offset + (raw.length - raw.trimStart().length);
      offset += raw.length + 1;
      const item = raw.trim();
      const r = subRange(word, itemStart, itemStart + item.length);
      const eq = item.lastIndexOf('=');
      if (eq < 0) {
        report(makeDiagnostic('SS311', `each part of a mix is KIND=PERCENT%, found '${item}'`, r));
        return null;
      }
      const pct = parsePercent(item.slice(eq + 1).trim());
      if (!pct.ok || pct.value <= 0 || pct.value > 100) {
        report(makeDiagnostic('SS311', `'${item.slice(eq + 1)}' is not a percentage above 0 and at most 100%`, r));
        return null;
      }
      const part = contentPart(item.slice(0, eq).trim(), pct.value, r, report);
      if (part === null) return null;
      parts.push(part);
      total += pct.value;
    }
    if (Math.abs(total - 100) > 1e-9) {
      report(makeDiagnostic('SS311', `mix percentages add up to ${Number(total.toFixed(6))}%, not 100%`, word.range));
      return null;
    }
    return parts;
  }
  const single = contentPart(text, 100, word.range, report);
  return single === null ? null : [single];
}

function contentPart(text: string, percent: number, r: Range, report: Report): ContentPart | null {
  const colon = text.indexOf(':');
  const kind = colon >= 0 ? text.slice(0, colon) : text;
  if (kind === 'compressible') {
    if (colon < 0) return { kind: 'compressible', ratio: DEFAULT_COMPRESSIBLE_RATIO, percent };
    const ratio = parseDecimal(text.slice(colon + 1));
    if (!ratio.ok || ratio.value <= 0 || ratio.value >= 1) {
      report(
        makeDiagnostic(
          'SS311',
          `compression ratio must be between 0 and 1 exclusive (compressed/original), found '${text.slice(colon + 1)}'`,
          r,
        ),
      );
      return null;
    }
    return { kind: 'compressible', ratio: ratio.value, percent };
  }
  if ((kind === 'zero' || kind === 'incompressible' || kind === 'same') && colon < 0) return { kind, percent };
  const suggestions = nearest(kind, contentNames);
  report(
    makeDiagnostic(
      'SS311',
      `unknown content '${text}'${didYouMean(suggestions) || ' (zero, same, compressible[:RATIO], incompressible or mix(…))'}`,
      r,
      {
        suggestions,
      },
    ),
  );
  return null;
}
