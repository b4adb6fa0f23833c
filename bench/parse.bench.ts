// Scenario language front end: lexing, parsing and checking speed on large
// files, and the cost of a typical small scenario (what the language server
// pays on every keystroke).
import { parse, parseAndCheck } from '../server/lang/index';
import { check } from '../server/lang/checker';
import { largeScenario } from '../test/lang/generate';
import { report, time } from './harness';

const large = largeScenario(10_000);
const largeProgram = parse(large).program;
const small = largeScenario(200);

const parseNs = time(() => parse(large), 20);
const checkNs = time(() => check(largeProgram), 20);
const totalNs = time(() => parseAndCheck(large), 20);
const smallNs = time(() => parseAndCheck(small), 500);

report('lang.parse.10k_lines', parseNs / 1e6, 'ms');
report('lang.check.10k_lines', checkNs / 1e6, 'ms');
report('lang.parse_check.10k_lines', totalNs / 1e6, 'ms');
report('lang.parse_check.per_line', totalNs / 10_000, 'ns');
report('lang.parse_check.200_lines', smallNs / 1e3, 'us');
