import type { ExprType } from './expr-type.js';

/** Offsets into the source text, `end` exclusive. Every node carries one so diagnostics can point at it. */
export interface Span {
  start: number;
  end: number;
}

/** A number without a point or exponent is an integer (bigint, exact to 64 bits); with one it is a float. */
export interface LiteralExpr extends Span {
  kind: 'literal';
  value: number | bigint | string | boolean | null;
}

/** A column of the batch being filtered; in valve conditions a bare name is a variable instead. */
export interface ColumnExpr extends Span {
  kind: 'column';
  name: string;
  /** True when written as `any name` in backticks. */
  quoted: boolean;
}

/** `{{context.name}}` or `{{module_id__VarName}}`: `name` is the trimmed text between the braces. */
export interface VariableExpr extends Span {
  kind: 'variable';
  name: string;
}

export type UnaryOp = 'not' | 'neg';

export interface UnaryExpr extends Span {
  kind: 'unary';
  op: UnaryOp;
  operand: Expr;
}

export type LogicalOp = 'and' | 'or';
export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '//' | '%';
/** `||` joins strings, as in SQL (it is not `or`). */
export type ConcatOp = '||';
export type BinaryOp = LogicalOp | ComparisonOp | ArithmeticOp | ConcatOp;

/** `=` and `<>` are parsed into `==` and `!=`, `&&` into `and`. */
export interface BinaryExpr extends Span {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** `x is null` or, with `negated`, `x is not null`. */
export interface IsNullExpr extends Span {
  kind: 'isNull';
  negated: boolean;
  operand: Expr;
}

/** `x in (a, b)` or, with `negated`, `x not in (a, b)`. */
export interface InExpr extends Span {
  kind: 'in';
  negated: boolean;
  operand: Expr;
  items: Expr[];
}

export interface CallExpr extends Span {
  kind: 'call';
  /** Lower-cased: function names are case-insensitive like keywords. */
  name: string;
  nameSpan: Span;
  args: Expr[];
}

/**
 * `CASE WHEN c THEN v … [ELSE e] END`. The simple form `CASE x WHEN a THEN …` and `if(c, a, b)`
 * are parsed into this one, with `x == a` as the conditions. `x BETWEEN a AND b` is parsed into
 * `x >= a and x <= b`.
 */
export interface CaseExpr extends Span {
  kind: 'case';
  whens: { when: Expr; then: Expr }[];
  otherwise: Expr | null;
}

/** `s [NOT] LIKE pattern [ESCAPE c]`; ILIKE ignores case. `%` is any text, `_` one character. */
export interface LikeExpr extends Span {
  kind: 'like';
  negated: boolean;
  caseInsensitive: boolean;
  operand: Expr;
  pattern: Expr;
  escape: Expr | null;
}

/** `cast(x AS type)`, `try_cast(x AS type)` (null instead of an error), `x::type`, and typed literals such as `date '2024-01-31'`. */
export interface CastExpr extends Span {
  kind: 'cast';
  operand: Expr;
  to: ExprType;
  /** As written, for messages. */
  typeName: string;
  tryCast: boolean;
}

export type Expr = LiteralExpr | ColumnExpr | VariableExpr | UnaryExpr | BinaryExpr | IsNullExpr | InExpr | CallExpr | CaseExpr | LikeExpr | CastExpr;

export function isComparisonOp(op: BinaryOp): op is ComparisonOp {
  return op === '==' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=';
}

export function isArithmeticOp(op: BinaryOp): op is ArithmeticOp {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '//' || op === '%';
}

/** The direct sub-expressions of a node, in source order. */
export function childrenOf(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'column':
    case 'variable':
      return [];
    case 'unary':
    case 'isNull':
    case 'cast':
      return [expr.operand];
    case 'case':
      return [...expr.whens.flatMap((w) => [w.when, w.then]), ...(expr.otherwise ? [expr.otherwise] : [])];
    case 'like':
      return [expr.operand, expr.pattern, ...(expr.escape ? [expr.escape] : [])];
    case 'binary':
      return [expr.left, expr.right];
    case 'in':
      return [expr.operand, ...expr.items];
    case 'call':
      return expr.args;
  }
}
