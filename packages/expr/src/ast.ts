/** Offsets into the source text, `end` exclusive. Every node carries one so diagnostics can point at it. */
export interface Span {
  start: number;
  end: number;
}

export interface LiteralExpr extends Span {
  kind: 'literal';
  value: number | string | boolean | null;
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
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type BinaryOp = LogicalOp | ComparisonOp | ArithmeticOp;

/** `=` and `<>` are parsed into `==` and `!=`, `&&` and `||` into `and` and `or`. */
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

export type Expr = LiteralExpr | ColumnExpr | VariableExpr | UnaryExpr | BinaryExpr | IsNullExpr | InExpr | CallExpr;

export function isComparisonOp(op: BinaryOp): op is ComparisonOp {
  return op === '==' || op === '!=' || op === '<' || op === '<=' || op === '>' || op === '>=';
}

export function isArithmeticOp(op: BinaryOp): op is ArithmeticOp {
  return op === '+' || op === '-' || op === '*' || op === '/' || op === '%';
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
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'in':
      return [expr.operand, ...expr.items];
    case 'call':
      return expr.args;
  }
}
