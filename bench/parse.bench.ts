// Scenario language front end: lexing, parsing and checking speed on large
// files, from scratch and after a one-line edit (the parser then keeps every
// unchanged line of the previous version), the heap the syntax tree of a
// large file keeps, and the cost of a typical small scenario.
import { parse, parseAndCheck, type FrontEndResult, type Program } from '../server/lang/index';
import { check } from '../server/lang/check/checker';
import { largeScenario } from '../test/lang/generate';
import { heapUsedAfterGc, report, time } from './harness';

const LINES = 10_000;
const large = largeScenario(LINES);
const largeProgram = parse(large).program;
const small = largeScenario(200);

/**
 * Two versions of the large file that differ in one line (a word typed on
 * a `touch` line in the middle), so alternating between them is a stream of
 * one-line edits, each analysed from the one before.
 */
function editedPair(): [string, string] {
  const lines = large.split('\n');
  const at = lines.findIndex((l, i) => i >= LINES / 2 && l.startsWith('  touch t'));
  const edited = [...lines];
  edited[at] = `${lines[at] ?? ''} write`;
  return [large, edited.join('\n')];
}
const versions = editedPair();

let previousProgram: Program = parse(versions[1]).program;
let parseEdits = 0;
function parseEdit(): Program {
  previousProgram = parse(versions[parseEdits++ % 2] as string, previousProgram).program;
  return previousProgram;
}

let previousResult: FrontEndResult = parseAndCheck(versions[1]);
let checkEdits = 0;
function parseCheckEdit(): FrontEndResult {
  previousResult = parseAndCheck(versions[checkEdits++ % 2] as string, {}, { previous: previousResult });
  return previousResult;
}

const parseNs = time(() => parse(large), 20);
const parseEditNs = time(parseEdit, 200);
const checkNs = time(() => check(largeProgram), 20);
const totalNs = time(() => parseAndCheck(large), 20);
const totalEditNs = time(parseCheckEdit, 50);
const smallNs = time(() => parseAndCheck(small), 500);

// What one parsed 10k-line document keeps on the heap (the language server holds one per open version).
const before = heapUsedAfterGc();
const kept = parse(large);
const treeBytes = heapUsedAfterGc() - before;
if (kept.program.lineCount !== LINES) throw new Error('lost the tree before measuring it');

report('lang.parse.10k_lines', parseNs / 1e6, 'ms');
report('lang.parse.10k_lines.one_line_edit', parseEditNs / 1e6, 'ms');
report('lang.check.10k_lines', checkNs / 1e6, 'ms');
report('lang.parse_check.10k_lines', totalNs / 1e6, 'ms');
report('lang.parse_check.10k_lines.one_line_edit', totalEditNs / 1e6, 'ms');
report('lang.parse_check.per_line', totalNs / LINES, 'ns');
report('lang.parse_check.200_lines', smallNs / 1e3, 'us');
report('lang.parse.10k_lines.heap', treeBytes / 2 ** 20, 'MiB');
