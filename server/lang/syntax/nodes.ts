/**
 * The parser's implementations of the single-line syntax nodes of ast.ts.
 *
 * A node that lies on one line keeps its range as three numbers (`line`,
 * `startChar`, `endChar`) and builds the `Range` object the first time
 * someone asks for it. Most ranges of a large file are never read (only
 * diagnostics, hovers and semantic tokens look at them), and a range as
 * objects is three allocations: building them eagerly was half of what a
 * fresh parse cost. Each read builds a new Range (callers that keep one,
 * like the checker's output, hold on to it); nothing is cached on the node,
 * so two trees compare equal by their data alone, whichever ranges were read.
 *
 * The fields are `declare`d and assigned in the constructors, not written as
 * class fields or parameter properties: V8 runs class-field initialisers as
 * a separate function that made building a node several times slower.
 *
 * Consumers see the interfaces of ast.ts and never need these classes;
 * only the parser (line_parser.ts) constructs them.
 */
import {
  range,
  type Arg,
  type Comment,
  type CommandStatement,
  type ConfigSetting,
  type ConfigStatement,
  type EchoStatement,
  type ExpectCompare,
  type ExpectError,
  type ExpectOk,
  type ExpectStatement,
  type FlagArg,
  type LetStatement,
  type OperatorText,
  type OperatorToken,
  type OptionArg,
  type PositionalArg,
  type Range,
  type ToleranceSyntax,
  type Word,
} from './ast';

/** Something on one line, from `startChar` to `endChar` (UTF-16, end exclusive). */
abstract class LineNode {
  declare readonly line: number;
  declare readonly startChar: number;
  declare readonly endChar: number;

  constructor(line: number, startChar: number, endChar: number) {
    this.line = line;
    this.startChar = startChar;
    this.endChar = endChar;
  }

  get range(): Range {
    return range(this.line, this.startChar, this.endChar);
  }
}

export class WordNode extends LineNode implements Word {
  declare readonly text: string;
  declare readonly quoted: boolean;

  constructor(text: string, line: number, startChar: number, endChar: number, quoted: boolean) {
    super(line, startChar, endChar);
    this.text = text;
    this.quoted = quoted;
  }
}

/** A single-quoted string with a `$` in it: the `$` stays text (expr.ts). Rare, so the flag lives on a subclass. */
export class LiteralWordNode extends WordNode {
  declare readonly literal: true;

  constructor(text: string, line: number, startChar: number, endChar: number) {
    super(text, line, startChar, endChar, true);
    this.literal = true;
  }
}

export class OperatorNode extends LineNode implements OperatorToken {
  declare readonly op: OperatorText;

  constructor(op: OperatorText, line: number, startChar: number, endChar: number) {
    super(line, startChar, endChar);
    this.op = op;
  }
}

export class CommentNode extends LineNode implements Comment {
  declare readonly text: string;

  constructor(text: string, line: number, startChar: number, endChar: number) {
    super(line, startChar, endChar);
    this.text = text;
  }
}

// ─── arguments ───────────────────────────────────────────────────────────────

/** A plain word argument: the same range as its word. */
export class PositionalNode implements PositionalArg {
  declare readonly kind: 'positional';
  declare readonly word: WordNode;

  constructor(word: WordNode) {
    this.kind = 'positional';
    this.word = word;
  }

  get range(): Range {
    return this.word.range;
  }
}

/** `key=value`: spans from the key's start to the value's end. */
export class OptionNode extends LineNode implements OptionArg {
  declare readonly kind: 'option';
  declare readonly key: WordNode;
  declare readonly value: WordNode;

  constructor(key: WordNode, value: WordNode) {
    super(key.line, key.startChar, value.endChar);
    this.kind = 'option';
    this.key = key;
    this.value = value;
  }
}

/** A flag spans its name and its value, attached or separate. */
export class FlagNode extends LineNode implements FlagArg {
  declare readonly kind: 'flag';
  declare readonly name: WordNode;
  declare readonly canonical: string;
  declare readonly value: WordNode | null;

  constructor(name: WordNode, canonical: string, value: WordNode | null, endChar: number) {
    super(name.line, name.startChar, endChar);
    this.kind = 'flag';
    this.name = name;
    this.canonical = canonical;
    this.value = value;
  }
}

export class ConfigSettingNode extends LineNode implements ConfigSetting {
  declare readonly key: WordNode;
  declare readonly value: WordNode;

  constructor(key: WordNode, value: WordNode) {
    super(key.line, key.startChar, value.endChar);
    this.key = key;
    this.value = value;
  }
}

export class ToleranceNode extends LineNode implements ToleranceSyntax {
  declare readonly operator: OperatorNode;
  declare readonly amount: WordNode;

  constructor(operator: OperatorNode, amount: WordNode) {
    super(operator.line, operator.startChar, amount.endChar);
    this.operator = operator;
    this.amount = amount;
  }
}

// ─── statements ──────────────────────────────────────────────────────────────
// A one-line statement spans from its first word to the end of its last node.
// Unlike its words, a statement builds its range at once: every consumer
// reads it (the checker's output keeps it, the analysis indexes statements
// by line), so building it lazily would only build it later, and more often.

abstract class StatementNode {
  declare readonly range: Range;

  constructor(first: WordNode, endChar: number) {
    this.range = range(first.line, first.startChar, endChar);
  }
}

export class CommandNode extends StatementNode implements CommandStatement {
  declare readonly kind: 'command';
  declare readonly name: WordNode;
  declare readonly args: readonly Arg[];

  constructor(name: WordNode, args: readonly Arg[], endChar: number) {
    super(name, endChar);
    this.kind = 'command';
    this.name = name;
    this.args = args;
  }
}

export class ConfigNode extends StatementNode implements ConfigStatement {
  declare readonly kind: 'config';
  declare readonly keyword: WordNode;
  declare readonly settings: readonly ConfigSettingNode[];

  constructor(keyword: WordNode, settings: readonly ConfigSettingNode[], endChar: number) {
    super(keyword, endChar);
    this.kind = 'config';
    this.keyword = keyword;
    this.settings = settings;
  }
}

export class EchoNode extends StatementNode implements EchoStatement {
  declare readonly kind: 'echo';
  declare readonly keyword: WordNode;
  declare readonly values: readonly WordNode[];
  declare readonly redirect: OperatorNode;
  declare readonly target: WordNode;

  constructor(keyword: WordNode, values: readonly WordNode[], redirect: OperatorNode, target: WordNode) {
    super(keyword, target.endChar);
    this.kind = 'echo';
    this.keyword = keyword;
    this.values = values;
    this.redirect = redirect;
    this.target = target;
  }
}

export class ExpectNode extends StatementNode implements ExpectStatement {
  declare readonly kind: 'expect';
  declare readonly keyword: WordNode;
  declare readonly assertion: ExpectOk | ExpectError | ExpectCompare;

  constructor(keyword: WordNode, assertion: ExpectOk | ExpectError | ExpectCompare, endChar: number) {
    super(keyword, endChar);
    this.kind = 'expect';
    this.keyword = keyword;
    this.assertion = assertion;
  }
}

export class LetNode extends StatementNode implements LetStatement {
  declare readonly kind: 'let';
  declare readonly keyword: WordNode;
  declare readonly name: WordNode;
  declare readonly value: readonly WordNode[];

  constructor(keyword: WordNode, name: WordNode, value: readonly WordNode[], endChar: number) {
    super(keyword, endChar);
    this.kind = 'let';
    this.keyword = keyword;
    this.name = name;
    this.value = value;
  }
}
