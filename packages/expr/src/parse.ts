import type { BinaryOp, Expr, Span } from './ast.js';
import { describePosition, type ExprDiagnostic } from './diagnostic.js';
import { describeToken, strayHint } from './describe-token.js';
import { tokenize, type Token } from './tokenize.js';

// Binding powers, low to high. `not` sits between `and` and the comparisons, so
// `not a == b` is `not (a == b)` and `not a and b` is `(not a) and b`.
const BP_OR = 1;
const BP_AND = 2;
const BP_NOT = 3;
const BP_COMPARE = 4;
const BP_ADD = 5;
const BP_MUL = 6;
const BP_NEG = 7;

const INFIX: Record<string, { bp: number; op: BinaryOp }> = {
  or: { bp: BP_OR, op: 'or' },
  '||': { bp: BP_OR, op: 'or' },
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
      if (bp === BP_COMPARE && chainedFrom && left) {
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
    if (value === 'is' || value === 'in') return BP_COMPARE;
    if (value === 'not') return this.isOp('in', this.tokens[this.pos + 1]) ? BP_COMPARE : null;
    return INFIX[value]?.bp ?? null;
  }

  private parseOperator(tok: Token, left: Expr | null, bp: number): Expr | null {
    if (tok.value === 'is') return this.parseIsNull(left);
    if (tok.value === 'in') return this.parseIn(left, false);
    if (tok.value === 'not') {
      this.next(); // `in`
      return this.parseIn(left, true);
    }
    const right = this.parseOperand(bp, tok);
    if (!left || !right) return null;
    return { kind: 'binary', op: INFIX[String(tok.value)].op, left, right, start: left.start, end: right.end };
  }

  /** The right-hand side of an operator; reports a missing value against the operator itself. */
  private parseOperand(bp: number, after: Token): Expr | null {
    const tok = this.peek();
    if (!startsValue(tok)) {
      this.error(`expected a value after ${describeToken(after)}, found ${describeToken(tok)}`, tok.start, Math.max(tok.end, tok.start + 1),
        tok.kind === 'eof' ? 'finish the expression' : undefined);
      return null;
    }
    return this.parseExpr(bp);
  }

  private parseIsNull(left: Expr | null): Expr | null {
    const negated = this.isOp('not');
    if (negated) this.next();
    const tok = this.peek();
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
      case 'ident':
        this.next();
        if (this.isOp('(')) return this.parseCall(tok);
        return { kind: 'column', name: String(tok.value), quoted: false, start: tok.start, end: tok.end };
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
    }
    this.error(`expected a value, found ${describeToken(tok)}`, tok.start, tok.end, tok.value === ')' ? "remove it or add a matching '('" : undefined);
    // Leave operators and ')' in place so the caller can carry on from them.
    if (!isOperatorToken(tok)) this.next();
    return null;
  }

  private unary(op: 'not' | 'neg', tok: Token, operand: Expr | null): Expr | null {
    if (!operand) return null;
    // Fold `-5` into a literal so lists like `in (-1, 2)` stay literal lists.
    if (op === 'neg' && operand.kind === 'literal' && typeof operand.value === 'number') {
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
    return { kind: 'call', name: String(name.value).toLowerCase(), nameSpan, args: list.items, start: name.start, end: list.end };
  }
}

function startsValue(tok: Token): boolean {
  if (tok.kind === 'eof') return false;
  if (tok.kind === 'op') return tok.value === '(' || tok.value === '-' || tok.value === '!';
  if (tok.kind === 'keyword') return ['not', 'null', 'true', 'false'].includes(String(tok.value));
  return true;
}

function isOperatorToken(tok: Token): boolean {
  return (tok.kind === 'op' && tok.value !== '(') || (tok.kind === 'keyword' && ['and', 'or', 'is', 'in'].includes(String(tok.value)));
}
