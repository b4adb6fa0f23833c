/**
 * The words of a statement that `$` substitutions may appear in, and a
 * copy of a statement with those words replaced (by constants the checker
 * folded, or by the values a run expands them to). The copy keeps every
 * range of the original, so diagnostics still point at the source.
 */
import type {
  Arg,
  CommandStatement,
  EchoStatement,
  ExpectCompare,
  ExpectStatement,
  LetStatement,
  Word,
} from '../syntax/ast';
import { mayExpand, parseTemplate, variablesOf } from '../syntax/expr';

/** Statements whose words may hold substitutions (config, repeat headers and `expect ok|error` do not). */
export type SubstitutableStatement = CommandStatement | EchoStatement | ExpectStatement | LetStatement;
/** A statement the run may expand and check again (a `let` is run by the interpreter itself). */
export type DynamicStatement = Exclude<SubstitutableStatement, LetStatement>;

/** Whether a word is expanded at all: bare and double-quoted words with a `$NAME`, `${NAME}` or `$((…))`. */
export function expands(w: Word): boolean {
  return w.literal !== true && mayExpand(w.text);
}

/** Every word a substitution may sit in, left to right (option keys and flag names are syntax, not values). */
export function valueWords(stmt: SubstitutableStatement): Word[] {
  switch (stmt.kind) {
    case 'command': {
      const out: Word[] = [];
      for (const a of stmt.args) {
        if (a.kind === 'positional') out.push(a.word);
        else if (a.kind === 'option') out.push(a.value);
        else if (a.value !== null) out.push(a.value);
      }
      return out;
    }
    case 'echo':
      return [...stmt.values, stmt.target];
    case 'expect': {
      const a = stmt.assertion;
      if (a.form !== 'compare') return [];
      const out = [...a.subject, a.value];
      if (a.tolerance !== null) out.push(a.tolerance.amount);
      return out;
    }
    case 'let':
      return [...stmt.value];
  }
}

/** Whether any value word of the statement expands. */
export function hasSubstitutions(stmt: SubstitutableStatement): boolean {
  return valueWords(stmt).some(expands);
}

type MapWord = (w: Word) => Word;

function mapArg(a: Arg, f: MapWord): Arg {
  if (a.kind === 'positional') return { kind: 'positional', word: f(a.word), range: a.range };
  if (a.kind === 'option') return { kind: 'option', key: a.key, value: f(a.value), range: a.range };
  return {
    kind: 'flag',
    name: a.name,
    canonical: a.canonical,
    value: a.value === null ? null : f(a.value),
    range: a.range,
  };
}

/** A copy of the statement with each value word replaced by `f(word)`. */
export function mapValueWords<S extends SubstitutableStatement>(stmt: S, f: MapWord): S;
export function mapValueWords(stmt: SubstitutableStatement, f: MapWord): SubstitutableStatement {
  switch (stmt.kind) {
    case 'command':
      return { kind: 'command', name: stmt.name, args: stmt.args.map((a) => mapArg(a, f)), range: stmt.range };
    case 'echo':
      return {
        kind: 'echo',
        keyword: stmt.keyword,
        values: stmt.values.map(f),
        redirect: stmt.redirect,
        target: f(stmt.target),
        range: stmt.range,
      };
    case 'expect': {
      const a = stmt.assertion;
      if (a.form !== 'compare') return stmt;
      const assertion: ExpectCompare = {
        form: 'compare',
        subject: a.subject.map(f),
        operator: a.operator,
        value: f(a.value),
        unit: a.unit,
        tolerance:
          a.tolerance === null
            ? null
            : { operator: a.tolerance.operator, amount: f(a.tolerance.amount), range: a.tolerance.range },
      };
      return { kind: 'expect', keyword: stmt.keyword, assertion, range: stmt.range };
    }
    case 'let':
      return { kind: 'let', keyword: stmt.keyword, name: stmt.name, value: stmt.value.map(f), range: stmt.range };
  }
}

/** `w` with new text (the range and quoting stay: diagnostics point at what was written). */
export function retext(w: Word, text: string): Word {
  return { text, range: w.range, quoted: w.quoted, expanded: true };
}

/** The variable names a word reads, as columns on its line (the name alone: no `$`, braces or parentheses). */
export function variableSpans(w: Word): { name: string; start: number; end: number }[] {
  if (!expands(w)) return [];
  const parsed = parseTemplate(w.text);
  if (!parsed.ok) return [];
  const base = w.range.start.character + (w.quoted ? 1 : 0);
  return variablesOf(parsed.template).map((v) => {
    const start = base + v.start + Math.max(0, w.text.slice(v.start, v.end).indexOf(v.name));
    return { name: v.name, start, end: start + v.name.length };
  });
}
