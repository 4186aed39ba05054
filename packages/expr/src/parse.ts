import type { BinaryOp, CaseExpr, Expr, LiteralExpr, Span } from './ast.js';
import type { ExprType } from './expr-type.js';
import { TYPE_NAMES_HINT, typeFromName } from './type-names.js';
import { describePosition, type ExprDiagnostic } from './diagnostic.js';
import { describeToken, strayHint } from './describe-token.js';
import { tokenize, type Token } from './tokenize.js';

// Binding powers, low to high. `not` sits between `and` and the comparisons, so
// `not a == b` is `not (a == b)` and `not a and b` is `(not a) and b`.
const BP_OR = 1;
const BP_AND = 2;
const BP_NOT = 3;
const BP_COMPARE = 4;
const BP_CONCAT = 5;
const BP_ADD = 6;
const BP_MUL = 7;
const BP_NEG = 8;
const BP_CAST = 9;

const INFIX: Record<string, { bp: number; op: BinaryOp }> = {
  or: { bp: BP_OR, op: 'or' },
  '||': { bp: BP_CONCAT, op: '||' },
  and: { bp: BP_AND, op: 'and' },
  '&&': { bp: BP_AND, op: 'and' },
  '==': { bp: BP_COMPARE, op: '==' },
  '=': { bp: BP_COMPARE, op: '==' },
  '!=': { bp: BP_COMPARE, op: '!=' },
  '<>': { bp: BP_COMPARE, op: '!=' },
  '<': { bp: BP_COMPARE, op: '<' },
  '<=': { bp: BP_COMPARE, op: '<=' },
  '>': { bp: BP_COMPARE, op: '>' },
  '>=': { bp: BP_COMPARE, op: '>=' },
  '+': { bp: BP_ADD, op: '+' },
  '-': { bp: BP_ADD, op: '-' },
  '*': { bp: BP_MUL, op: '*' },
  '/': { bp: BP_MUL, op: '/' },
  '//': { bp: BP_MUL, op: '//' },
  '%': { bp: BP_MUL, op: '%' },
};

/**
 * Parses an expression by hand (Pratt parser; no eval of user text). Collects every error it can
 * instead of stopping at the first; `expr` is null whenever there is at least one error.
 */
export function parseExpression(source: string): { expr: Expr | null; errors: ExprDiagnostic[] } {
  const { tokens, errors } = tokenize(source);
  const parser = new Parser(source, tokens, errors);
  if (tokens[0].kind === 'eof') {
    parser.error('empty expression', 0, source.length, "write a condition such as `age > 18 and country == 'NL'`");
    return { expr: null, errors };
  }
  const expr = parser.parseAll();
  return { expr: errors.length === 0 ? expr : null, errors };
}

class Parser {
  private pos = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    readonly errors: ExprDiagnostic[],
  ) {}

  error(message: string, start: number, end: number, hint?: string): void {
    this.errors.push({ message: `${message} at ${describePosition(this.source, start)}`, start, end, ...(hint ? { hint } : {}) });
  }

  parseAll(): Expr | null {
    let expr = this.parseExpr(0);
    while (this.peek().kind !== 'eof') {
      // Skip the stray token and keep going so later mistakes are reported too.
      const tok = this.next();
      this.error(`unexpected ${describeToken(tok)}`, tok.start, tok.end, strayHint(tok));
      expr = this.parseInfix(expr, 0);
    }
    return expr;
  }

  private isWord(word: string, tok = this.peek()): boolean {
    return tok.kind === 'ident' && String(tok.value).toLowerCase() === word;
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const tok = this.tokens[this.pos];
    if (tok.kind !== 'eof') this.pos++;
    return tok;
  }

  private isOp(value: string, tok = this.peek()): boolean {
    return (tok.kind === 'op' || tok.kind === 'keyword') && tok.value === value;
  }

  private parseExpr(minBp: number): Expr | null {
    return this.parseInfix(this.parsePrefix(), minBp);
  }

  private parseInfix(left: Expr | null, minBp: number): Expr | null {
    let chainedFrom: Token | null = null;
    for (;;) {
      const tok = this.peek();
      const bp = this.infixPower(tok);
      if (bp === null || bp <= minBp) return left;
      if (bp === BP_COMPARE && chainedFrom && left && left.kind === 'binary' && left.right.kind === 'binary' && left.right.op === '||') {
        // `a > 1 || b < 0`: written when || meant or; it now binds tighter than comparisons.
        const at = this.source.indexOf('||', left.right.left.end);
        this.error('`||` joins strings; it is no longer `or`', at, at + 2,
          'write `a > 1 or b < 0` (`||` is SQL\'s string concatenation)');
      } else if (bp === BP_COMPARE && chainedFrom && left) {
        this.error(`comparisons cannot be chained: ${describeToken(tok)} follows ${describeToken(chainedFrom)}`, tok.start, tok.end,
          'join them with `and`, e.g. `a < b and b < c`');
      }
      this.next();
      left = this.parseOperator(tok, left, bp);
      chainedFrom = bp === BP_COMPARE ? tok : null;
    }
  }

  private infixPower(tok: Token): number | null {
    if (tok.kind !== 'op' && tok.kind !== 'keyword') return null;
    const value = String(tok.value);
    if (value === 'is' || value === 'in' || value === 'between' || value === 'like' || value === 'ilike') return BP_COMPARE;
    if (value === 'not') return NOT_INFIX.has(String(this.tokens[this.pos + 1].value)) && this.tokens[this.pos + 1].kind === 'keyword' ? BP_COMPARE : null;
    if (value === '::') return BP_CAST;
    return INFIX[value]?.bp ?? null;
  }

  private parseOperator(tok: Token, left: Expr | null, bp: number): Expr | null {
    if (tok.value === 'is') return this.parseIsNull(left);
    if (tok.value === '::') return this.parsePostfixCast(tok, left);
    let word = String(tok.value);
    const negated = word === 'not';
    if (negated) word = String(this.next().value);
    if (word === 'in') return this.parseIn(left, negated);
    if (word === 'between') return this.parseBetween(tok, left, negated);
    if (word === 'like' || word === 'ilike') return this.parseLike(tok, left, negated, word === 'ilike');
    const right = this.parseOperand(bp, tok);
    if (!left || !right) return null;
    return { kind: 'binary', op: INFIX[String(tok.value)].op, left, right, start: left.start, end: right.end };
  }

  /** The right-hand side of an operator; reports a missing value against the operator itself. */
  private parseOperand(bp: number, after: Token): Expr | null {
    const tok = this.peek();
    if (!startsValue(tok)) {
      this.error(`expected a value after ${describeToken(after)}, found ${describeToken(tok)}`, tok.start, Math.max(tok.end, tok.start + 1),
        tok.kind === 'eof' ? 'finish the expression' : `write a value after ${describeToken(after)}, or remove one of the operators`);
      return null;
    }
    return this.parseExpr(bp);
  }

  /** `x [NOT] BETWEEN a AND b`, as `x >= a and x <= b` (or `x < a or x > b`). */
  private parseBetween(tok: Token, left: Expr | null, negated: boolean): Expr | null {
    const low = this.parseOperand(BP_COMPARE, tok);
    if (!this.isOp('and')) {
      const at = this.peek();
      if (low) this.error(`expected 'and' in 'between', found ${describeToken(at)}`, at.start, Math.max(at.end, at.start + 1), 'write `x between 1 and 10`');
      return null;
    }
    const and = this.next();
    const high = this.parseOperand(BP_COMPARE, and);
    if (!left || !low || !high) return null;
    const span = { start: left.start, end: high.end };
    const [lo, hi, join]: [BinaryOp, BinaryOp, BinaryOp] = negated ? ['<', '>', 'or'] : ['>=', '<=', 'and'];
    return {
      kind: 'binary', op: join, ...span,
      left: { kind: 'binary', op: lo, left, right: low, start: left.start, end: low.end },
      right: { kind: 'binary', op: hi, left: { ...left }, right: high, start: left.start, end: high.end },
    };
  }

  private parseLike(tok: Token, left: Expr | null, negated: boolean, caseInsensitive: boolean): Expr | null {
    const pattern = this.parseOperand(BP_CONCAT - 1, tok);
    let escape: Expr | null = null;
    if (this.isOp('escape')) {
      const esc = this.next();
      escape = this.parseOperand(BP_CONCAT - 1, esc);
      if (!escape) return null;
    }
    if (!left || !pattern) return null;
    const end = (escape ?? pattern).end;
    return { kind: 'like', negated, caseInsensitive, operand: left, pattern, escape, start: left.start, end };
  }

  /** `x::type`. */
  private parsePostfixCast(tok: Token, left: Expr | null): Expr | null {
    const type = this.parseTypeName(tok);
    if (!left || !type) return null;
    return { kind: 'cast', operand: left, to: type.to, typeName: type.name, tryCast: false, start: left.start, end: type.end };
  }

  /** A type name such as `bigint`, `double`, `decimal(10, 2)` after `AS` or `::`. */
  private parseTypeName(after: Token): { to: ExprType; name: string; end: number } | null {
    const tok = this.peek();
    if (tok.kind !== 'ident') {
      this.error(`expected a type name after ${describeToken(after)}, found ${describeToken(tok)}`, tok.start, Math.max(tok.end, tok.start + 1), `types: ${TYPE_NAMES_HINT}`);
      return null;
    }
    this.next();
    let end = tok.end;
    const args: number[] = [];
    if (this.isOp('(')) {
      this.next();
      while (this.peek().kind === 'number') {
        args.push(Number(this.next().value));
        if (this.isOp(',')) this.next();
      }
      if (!this.isOp(')')) {
        const at = this.peek();
        this.error(`expected ')' after the type's numbers, found ${describeToken(at)}`, at.start, Math.max(at.end, at.start + 1), 'write e.g. decimal(10, 2)');
        return null;
      }
      end = this.next().end;
    }
    // Two-word names: `double precision`, `timestamp with time zone`.
    const lower = String(tok.value).toLowerCase();
    if (lower === 'double' && this.peek().kind === 'ident' && String(this.peek().value).toLowerCase() === 'precision') end = this.next().end;
    const name = this.source.slice(tok.start, end);
    const to = typeFromName(String(tok.value), args);
    if ('error' in to) {
      this.error(to.error, tok.start, end, `types: ${TYPE_NAMES_HINT}`);
      return null;
    }
    return { to: to.type, name, end };
  }

  private parseIsNull(left: Expr | null): Expr | null {
    const negated = this.isOp('not');
    if (negated) this.next();
    const tok = this.peek();
    if (this.isWord('distinct') && this.isWord('from', this.tokens[this.pos + 1])) {
      this.next();
      const from = this.next();
      const right = this.parseOperand(BP_COMPARE, from);
      if (!left || !right) return null;
      return distinctFrom(left, right, negated);
    }
    if (!this.isOp('null')) {
      this.error(`expected 'null' after 'is${negated ? ' not' : ''}', found ${describeToken(tok)}`, tok.start, Math.max(tok.end, tok.start + 1),
        'write `x is null` or `x is not null`; compare values with ==');
      return null;
    }
    this.next();
    return left && { kind: 'isNull', negated, operand: left, start: left.start, end: tok.end };
  }

  private parseIn(left: Expr | null, negated: boolean): Expr | null {
    const open = this.peek();
    if (!this.isOp('(')) {
      this.error(`expected '(' after 'in', found ${describeToken(open)}`, open.start, Math.max(open.end, open.start + 1),
        "write a list in parentheses, e.g. `country in ('NL', 'BE')`");
      return null;
    }
    this.next();
    const list = this.parseList(open, 'list');
    if (!list) return null;
    if (list.items.length === 0) {
      this.error("empty list after 'in'", open.start, list.end, 'give at least one value, e.g. `x in (1, 2)`');
      return null;
    }
    return left && { kind: 'in', negated, operand: left, items: list.items, start: left.start, end: list.end };
  }

  /** Comma-separated expressions after an already-consumed `(`, up to and including the `)`. */
  private parseList(open: Token, what: string): { items: Expr[]; end: number } | null {
    const items: Expr[] = [];
    let ok = true;
    if (this.isOp(')')) return { items, end: this.next().end };
    for (;;) {
      const item = this.parseExpr(0);
      if (item) items.push(item);
      else ok = false;
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      if (this.isOp(')')) {
        const end = this.next().end;
        return ok ? { items, end } : null;
      }
      const tok = this.peek();
      // After a failed item the real mistake was already reported; don't pile on.
      if (ok) this.error(`expected ',' or ')' in ${what} opened at ${describePosition(this.source, open.start)}, found ${describeToken(tok)}`,
        tok.start, Math.max(tok.end, tok.start + 1), tok.kind === 'eof' ? "add the missing ')'" : 'separate values with commas');
      this.skipPastClose();
      return null;
    }
  }

  private parsePrefix(): Expr | null {
    const tok = this.peek();
    switch (tok.kind) {
      case 'number':
      case 'string':
        this.next();
        return { kind: 'literal', value: tok.value, start: tok.start, end: tok.end };
      case 'quotedIdent':
        this.next();
        return { kind: 'column', name: String(tok.value), quoted: true, start: tok.start, end: tok.end };
      case 'variable':
        this.next();
        return { kind: 'variable', name: String(tok.value), start: tok.start, end: tok.end };
      case 'ident': {
        this.next();
        const word = String(tok.value).toLowerCase();
        if (this.isOp('(')) {
          if (word === 'cast' || word === 'try_cast') return this.parseCast(tok, word === 'try_cast');
          if (word === 'position') {
            const inForm = this.tryParsePositionIn(tok);
            if (inForm !== undefined) return inForm;
          }
          if (word === 'extract' && this.tokens[this.pos + 1].kind === 'ident' && this.isWord('from', this.tokens[this.pos + 2])) return this.parseExtract(tok);
          return this.parseCall(tok);
        }
        // Typed literals: date '2024-01-31', timestamp '…', interval '3 days'.
        const next = this.peek();
        if (next.kind === 'string' && (word === 'date' || word === 'timestamp' || word === 'interval')) {
          this.next();
          const operand: LiteralExpr = { kind: 'literal', value: String(next.value), start: next.start, end: next.end };
          return { kind: 'cast', operand, to: word === 'date' ? 'date' : word === 'timestamp' ? 'timestamp' : 'interval', typeName: word, tryCast: false, start: tok.start, end: next.end };
        }
        if (word === 'current_date' || word === 'current_timestamp') {
          return { kind: 'call', name: word, nameSpan: { start: tok.start, end: tok.end }, args: [], start: tok.start, end: tok.end };
        }
        return { kind: 'column', name: String(tok.value), quoted: false, start: tok.start, end: tok.end };
      }
      case 'keyword':
      case 'op':
        return this.parsePrefixOperator(tok);
      case 'eof':
        this.error('expected a value, found end of expression', tok.start, tok.start, 'finish the expression');
        return null;
    }
  }

  private parsePrefixOperator(tok: Token): Expr | null {
    switch (tok.value) {
      case 'true':
      case 'false':
      case 'null':
        this.next();
        return { kind: 'literal', value: tok.value === 'null' ? null : tok.value === 'true', start: tok.start, end: tok.end };
      case 'not':
      case '!':
        this.next();
        return this.unary('not', tok, this.parseOperand(BP_NOT, tok));
      case '-':
        this.next();
        return this.unary('neg', tok, this.parseOperand(BP_NEG, tok));
      case '(':
        return this.parseGroup(tok);
      case 'case':
        return this.parseCase(tok);
    }
    const hint = tok.value === ')' ? "remove it or add a matching '('"
      : tok.kind === 'keyword' ? `'${tok.value}' is a keyword: write a column of that name in backticks, \`${tok.value}\``
        : `write a value before ${describeToken(tok)}`;
    this.error(`expected a value, found ${describeToken(tok)}`, tok.start, tok.end, hint);
    // Leave operators and ')' in place so the caller can carry on from them.
    if (!isOperatorToken(tok)) this.next();
    return null;
  }

  private unary(op: 'not' | 'neg', tok: Token, operand: Expr | null): Expr | null {
    if (!operand) return null;
    // Fold `-5` into a literal so lists like `in (-1, 2)` stay literal lists.
    if (op === 'neg' && operand.kind === 'literal' && (typeof operand.value === 'number' || typeof operand.value === 'bigint')) {
      return { kind: 'literal', value: -operand.value, start: tok.start, end: operand.end };
    }
    return { kind: 'unary', op, operand, start: tok.start, end: operand.end };
  }

  private parseGroup(open: Token): Expr | null {
    this.next();
    const inner = this.parseExpr(0);
    if (this.isOp(')')) {
      const close = this.next();
      return inner && { ...inner, start: open.start, end: close.end };
    }
    const tok = this.peek();
    if (inner) this.error(`expected ')' to close the '(' at ${describePosition(this.source, open.start)}, found ${describeToken(tok)}`,
      tok.start, Math.max(tok.end, tok.start + 1), tok.kind === 'eof' ? "add ')' at the end" : "add ')' or an operator before it");
    this.skipPastClose();
    return null;
  }

  /** Recovery: drop tokens up to the `)` that closes the current group, so one mistake gives one error. */
  private skipPastClose(): void {
    let depth = 0;
    while (this.peek().kind !== 'eof') {
      const tok = this.next();
      if (this.isOp('(', tok)) depth++;
      else if (this.isOp(')', tok) && depth-- === 0) return;
    }
  }

  private parseCall(name: Token): Expr | null {
    const open = this.next();
    const list = this.parseList(open, `the arguments of ${name.value}()`);
    if (!list) return null;
    const nameSpan: Span = { start: name.start, end: name.end };
    const lower = String(name.value).toLowerCase();
    if (lower === 'if' || lower === 'iif') {
      if (list.items.length !== 3) {
        this.error(`\`if()\` takes 3 arguments, got ${list.items.length}`, name.start, list.end, 'write if(condition, value_when_true, value_when_false)');
        return null;
      }
      const [when, then, otherwise] = list.items;
      return { kind: 'case', whens: [{ when, then }], otherwise, start: name.start, end: list.end };
    }
    return { kind: 'call', name: lower, nameSpan, args: list.items, start: name.start, end: list.end };
  }

  /**
   * `position(sub IN s)`, SQL's spelling of `strpos(s, sub)`. Undefined (and nothing consumed)
   * when the call is the plain `position(s, sub)`.
   */
  private tryParsePositionIn(name: Token): Expr | null | undefined {
    const [pos, errorCount] = [this.pos, this.errors.length];
    this.next(); // (
    const sub = this.parseExpr(BP_COMPARE);
    if (!this.isOp('in')) {
      this.pos = pos;
      this.errors.length = errorCount;
      return undefined;
    }
    const inTok = this.next();
    const s = this.parseOperand(0, inTok);
    const close = this.closeCall('position', s !== null, "write position('b' IN s)");
    if (!close || !sub || !s) return null;
    return { kind: 'call', name: 'strpos', nameSpan: { start: name.start, end: name.end }, args: [s, sub], start: name.start, end: close.end };
  }

  /** The `)` ending a call written with keywords; reports it missing (unless an error came before) and skips on. */
  private closeCall(name: string, ok: boolean, hint: string): Token | null {
    if (this.isOp(')')) return this.next();
    const at = this.peek();
    if (ok) this.error(`expected ')' to close ${name}(, found ${describeToken(at)}`, at.start, Math.max(at.end, at.start + 1), hint);
    this.skipPastClose();
    return null;
  }

  /** `extract(part FROM t)`, SQL's spelling of `date_part('part', t)`. */
  private parseExtract(name: Token): Expr | null {
    this.next(); // (
    const part = this.next();
    const from = this.next();
    const operand = this.parseOperand(0, from);
    const close = this.closeCall('extract', operand !== null, 'write extract(year FROM t)');
    if (!close || !operand) return null;
    const unit: LiteralExpr = { kind: 'literal', value: String(part.value).toLowerCase(), start: part.start, end: part.end };
    return { kind: 'call', name: 'date_part', nameSpan: { start: name.start, end: name.end }, args: [unit, operand], start: name.start, end: close.end };
  }

  /** `cast(x AS type)` / `try_cast(x AS type)`. */
  private parseCast(name: Token, tryCast: boolean): Expr | null {
    const open = this.next();
    const operand = this.parseExpr(0);
    if (!this.isOp('as')) {
      const at = this.peek();
      if (operand) this.error(`expected 'as' in ${name.value}(), found ${describeToken(at)}`, at.start, Math.max(at.end, at.start + 1), `write ${name.value}(x AS bigint)`);
      this.skipPastClose();
      return null;
    }
    const as = this.next();
    const type = this.parseTypeName(as);
    if (!type) {
      this.skipPastClose();
      return null;
    }
    if (!this.isOp(')')) {
      const at = this.peek();
      this.error(`expected ')' to close ${name.value}( at ${describePosition(this.source, open.start)}, found ${describeToken(at)}`, at.start, Math.max(at.end, at.start + 1), "add ')'");
      this.skipPastClose();
      return null;
    }
    const close = this.next();
    return operand && { kind: 'cast', operand, to: type.to, typeName: type.name, tryCast, start: name.start, end: close.end };
  }

  /** `CASE [x] WHEN a THEN b … [ELSE c] END`; the simple form becomes `WHEN x == a`. */
  private parseCase(open: Token): Expr | null {
    this.next();
    let subject: Expr | null = null;
    let ok = true;
    if (!this.isOp('when')) {
      subject = this.parseExpr(0);
      if (!subject) ok = false;
    }
    const whens: CaseExpr['whens'] = [];
    while (this.isOp('when')) {
      const whenTok = this.next();
      const when = this.parseOperand(0, whenTok);
      if (!this.isOp('then')) {
        const at = this.peek();
        if (when) this.error(`expected 'then' after the 'when' condition, found ${describeToken(at)}`, at.start, Math.max(at.end, at.start + 1), 'write CASE WHEN x > 0 THEN \'pos\' ELSE \'neg\' END');
        return this.skipPastEnd();
      }
      const thenTok = this.next();
      const then = this.parseOperand(0, thenTok);
      if (!when || !then) { ok = false; continue; }
      whens.push({ when: subject ? { kind: 'binary', op: '==', left: { ...subject }, right: when, start: when.start, end: when.end } : when, then });
    }
    if (whens.length === 0 && ok) {
      const at = this.peek();
      this.error(`expected 'when' in CASE, found ${describeToken(at)}`, at.start, Math.max(at.end, at.start + 1), "write CASE WHEN x > 0 THEN 'pos' ELSE 'neg' END");
      return this.skipPastEnd();
    }
    let otherwise: Expr | null = null;
    if (this.isOp('else')) {
      const elseTok = this.next();
      otherwise = this.parseOperand(0, elseTok);
      if (!otherwise) ok = false;
    }
    if (!this.isOp('end')) {
      const at = this.peek();
      if (ok) this.error(`expected 'end' to close the CASE at ${describePosition(this.source, open.start)}, found ${describeToken(at)}`, at.start, Math.max(at.end, at.start + 1),
        at.kind === 'eof' ? "add 'end'" : "add 'when', 'else' or 'end'");
      return this.skipPastEnd();
    }
    const end = this.next().end;
    return ok ? { kind: 'case', whens, otherwise, start: open.start, end } : null;
  }

  private skipPastEnd(): null {
    while (this.peek().kind !== 'eof') if (this.isOp('end', this.next())) break;
    return null;
  }
}

const NOT_INFIX = new Set(['in', 'between', 'like', 'ilike']);

/**
 * `a IS [NOT] DISTINCT FROM b`: equality where null equals null and differs from every value,
 * as `coalesce(a != b, (a is null) != (b is null))` (negated for IS NOT DISTINCT FROM).
 */
function distinctFrom(left: Expr, right: Expr, negated: boolean): Expr {
  const span = { start: left.start, end: right.end };
  const differs: Expr = { kind: 'binary', op: '!=', left: { ...left }, right: { ...right }, ...span };
  const nulls: Expr = {
    kind: 'binary', op: '!=', ...span,
    left: { kind: 'isNull', negated: false, operand: { ...left }, start: left.start, end: left.end },
    right: { kind: 'isNull', negated: false, operand: { ...right }, start: right.start, end: right.end },
  };
  const call: Expr = { kind: 'call', name: 'coalesce', nameSpan: span, args: [differs, nulls], ...span };
  return negated ? { kind: 'unary', op: 'not', operand: call, ...span } : call;
}

function startsValue(tok: Token): boolean {
  if (tok.kind === 'eof') return false;
  if (tok.kind === 'op') return tok.value === '(' || tok.value === '-' || tok.value === '!';
  if (tok.kind === 'keyword') return ['not', 'null', 'true', 'false', 'case'].includes(String(tok.value));
  return true;
}

function isOperatorToken(tok: Token): boolean {
  return (tok.kind === 'op' && tok.value !== '(')
    || (tok.kind === 'keyword' && ['and', 'or', 'is', 'in', 'between', 'like', 'ilike', 'when', 'then', 'else', 'end', 'escape', 'as'].includes(String(tok.value)));
}
