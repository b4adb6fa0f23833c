/**
 * Checks of the memory actions beyond touch, pageout and munmap: madvise
 * and process_madvise with their advice, mlock/munlock, mremap. The
 * kernel's errnos the checker can tell before the run (advice
 * process_madvise() refuses, a caller without privilege, a size that is
 * not whole folios) are diagnostics carrying them.
 */
import type { CommandStatement } from '../syntax/ast';
import type { CheckedStatement, PageSpan } from './checked';
import { flag, option, positional, type CheckContext, type RegionInfo } from './context';
import { sizeLiteral } from '../units';
import { ADVICES, PROCESS_ADVICES, type Advice } from '../../sim/madvise';
import { checkChoice, checkInteger, checkPageRange, checkSize } from './values';
import { PAGE_DATA_MAX, type FillValue } from '../../sim/page_data';

/** `madvise TASK REGION [RANGE] ADVICE` and `process_madvise TASK REGION [RANGE] ADVICE`. */
export function checkMadvise(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const taskWord = positional(stmt, 0);
  const regionWord = positional(stmt, 1);
  const adviceWord = positional(stmt, 2);
  if (taskWord === undefined || regionWord === undefined || adviceWord === undefined) return null;
  const task = ctx.task(taskWord);
  const region = task === null ? null : ctx.region(task, regionWord);
  const advice = checkChoice(adviceWord, ADVICES, ctx.report, 'madvise advice') as Advice | null;
  if (task === null || region === null || advice === null) return null;
  const pages = pageSpan(ctx, stmt, region, regionWord.text, `MADV_${advice.toUpperCase()}`);
  if (pages === null) return null;
  const process = stmt.name.text === 'process_madvise';
  if (process && !PROCESS_ADVICES.includes(advice)) {
    ctx.error(
      'SS308',
      `process_madvise() takes only ${PROCESS_ADVICES.join(' and ')} (process_madvise_behavior_valid())`,
      adviceWord,
      'EINVAL',
    );
  } else if (process && ctx.state.cred.uid !== 0) {
    ctx.error(
      'SS229',
      `process_madvise() needs ptrace access to the task (mm_access()), which uid ${ctx.state.cred.uid} has not over root's tasks (see \`user\`)`,
      stmt.name,
      'EACCES',
    );
  }
  return { op: 'madvise', range: stmt.range, task: taskWord.text, region: regionWord.text, pages, advice, process };
}

/** `mlock TASK REGION` and `munlock TASK REGION`: the whole mapping. */
export function checkMlock(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const taskWord = positional(stmt, 0);
  const regionWord = positional(stmt, 1);
  if (taskWord === undefined || regionWord === undefined) return null;
  const task = ctx.task(taskWord);
  if (task === null || ctx.region(task, regionWord) === null) return null;
  return {
    op: 'mlock',
    range: stmt.range,
    task: taskWord.text,
    region: regionWord.text,
    lock: stmt.name.text === 'mlock',
  };
}

/** `mremap TASK REGION SIZE`: the mapping's new size, a whole number of its folios. */
export function checkMremap(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const taskWord = positional(stmt, 0);
  const regionWord = positional(stmt, 1);
  const sizeWord = positional(stmt, 2);
  if (taskWord === undefined || regionWord === undefined || sizeWord === undefined) return null;
  const task = ctx.task(taskWord);
  const region = task === null ? null : ctx.region(task, regionWord);
  const bytes = checkSize(sizeWord, ctx.report, {
    pageSize: ctx.config.pageSize,
    what: 'new mapping size',
    warnPlain: true,
  });
  if (region === null || bytes === null) return null;
  const pages = Math.ceil(bytes / ctx.config.pageSize);
  if (pages > ctx.limits.maxRegionPages) {
    ctx.error('SS504', `${pages} pages is more than the ${ctx.limits.maxRegionPages}-page region limit`, sizeWord);
    return null;
  }
  if (pages % 2 ** region.order !== 0) {
    ctx.error(
      'SS316',
      `${pages} pages is not a whole number of order-${region.order} folios (${2 ** region.order} pages each)`,
      sizeWord,
      'EINVAL',
    );
    return null;
  }
  region.pages = pages;
  return { op: 'mremap', range: stmt.range, task: taskWord.text, region: regionWord.text, pages };
}

/** touch, pageout and munmap: a task's region and a page range. */
export function checkRangeVerb(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const taskWord = positional(stmt, 0);
  const regionWord = positional(stmt, 1);
  if (taskWord === undefined || regionWord === undefined) return null;
  const task = ctx.task(taskWord);
  const region = task === null ? null : ctx.region(task, regionWord);
  if (task === null || region === null) return null;
  const verb = stmt.name.text as 'touch' | 'pageout' | 'munmap';
  const pages = pageSpan(ctx, stmt, region, regionWord.text, verb);
  if (pages === null) return null;
  const taskName = taskWord.text;
  const regionName = regionWord.text;
  if (verb === 'touch')
    return {
      op: 'touch',
      range: stmt.range,
      task: taskName,
      region: regionName,
      pages,
      write: flag(stmt, 'write') !== undefined,
    };
  if (verb === 'pageout') return { op: 'pageout', range: stmt.range, task: taskName, region: regionName, pages };
  if (region.pages !== null && pages.first === 0 && pages.count === region.pages) {
    region.mapped = false;
    region.unmappedAt = regionWord.range.start.line;
  }
  return { op: 'munmap', range: stmt.range, task: taskName, region: regionName, pages };
}

/** The pages a range verb acts on; `verb` names the call in the unaligned-start error (`touch` accepts any start). */
export function pageSpan(
  ctx: CheckContext,
  stmt: CommandStatement,
  region: RegionInfo,
  regionName: string,
  verb: string,
): PageSpan | null {
  const ps = ctx.config.pageSize;
  const pagesOpt = option(stmt, 'pages');
  const offsetOpt = option(stmt, 'offset');
  const lenOpt = option(stmt, 'len');
  const total = region.pages;
  if (pagesOpt !== undefined && (offsetOpt !== undefined || lenOpt !== undefined)) {
    ctx.error('SS317', "give either 'pages=' or 'offset='/'len=', not both", pagesOpt);
    return null;
  }
  if (pagesOpt !== undefined) return checkPageRange(pagesOpt.value, total, regionName, ctx.report);
  if (offsetOpt === undefined && lenOpt === undefined)
    return { first: 0, count: total ?? 0, whole: true, startAligned: true };
  const offset =
    offsetOpt === undefined
      ? 0
      : checkSize(offsetOpt.value, ctx.report, { pageSize: ps, what: 'offset', warnPlain: true, allowZero: true });
  if (offset === null) return null;
  const regionBytes = total === null ? null : total * ps;
  if (regionBytes !== null && offset >= regionBytes) {
    ctx.error(
      'SS310',
      `offset ${sizeLiteral(offset)} is past the end of region '${regionName}' (${sizeLiteral(regionBytes)})`,
      offsetOpt?.value ?? stmt,
    );
    return null;
  }
  let len: number;
  if (lenOpt !== undefined) {
    const l = checkSize(lenOpt.value, ctx.report, { pageSize: ps, what: 'length', warnPlain: true });
    if (l === null) return null;
    len = l;
  } else {
    len = regionBytes === null ? ps : regionBytes - offset;
  }
  if (regionBytes !== null && offset + len > regionBytes) {
    ctx.error(
      'SS310',
      `range ends at ${sizeLiteral(offset + len)}, past the end of region '${regionName}' (${sizeLiteral(regionBytes)})`,
      lenOpt?.value ?? offsetOpt?.value ?? stmt,
    );
    return null;
  }
  const first = Math.floor(offset / ps);
  const count = Math.ceil((offset + len) / ps) - first;
  const startAligned = offset % ps === 0;
  if (!startAligned && verb !== 'touch' && offsetOpt !== undefined) {
    // madvise() and munmap() refuse an unaligned start; a plain access does not care.
    ctx.error(
      'SS306',
      `${verb === 'pageout' ? 'MADV_PAGEOUT' : verb} needs a page-aligned start; ${sizeLiteral(offset)} is not a multiple of ${sizeLiteral(ps)}`,
      offsetOpt.value,
      'EINVAL',
    );
  }
  return { first, count, whole: false, startAligned };
}

/** `fill TASK REGION [RANGE] VALUE|index`: page data written into the range. */
export function checkFill(ctx: CheckContext, stmt: CommandStatement): CheckedStatement | null {
  const taskWord = positional(stmt, 0);
  const regionWord = positional(stmt, 1);
  const valueWord = positional(stmt, 2);
  if (taskWord === undefined || regionWord === undefined || valueWord === undefined) return null;
  const task = ctx.task(taskWord);
  const region = task === null ? null : ctx.region(task, regionWord);
  const value: FillValue | null =
    valueWord.text === 'index'
      ? 'index'
      : checkInteger(valueWord, ctx.report, { min: 0, max: PAGE_DATA_MAX, what: 'page data' });
  if (region === null || value === null) return null;
  const pages = pageSpan(ctx, stmt, region, regionWord.text, 'touch');
  if (pages === null) return null;
  return { op: 'fill', range: stmt.range, task: taskWord.text, region: regionWord.text, pages, value };
}
