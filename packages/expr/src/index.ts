export type {
  ArithmeticOp,
  BinaryExpr,
  BinaryOp,
  CallExpr,
  CaseExpr,
  CastExpr,
  ColumnExpr,
  ConcatOp,
  ComparisonOp,
  Expr,
  InExpr,
  IsNullExpr,
  LikeExpr,
  LiteralExpr,
  LogicalOp,
  Span,
  UnaryExpr,
  UnaryOp,
  VariableExpr,
} from './ast.js';
export { ExprError, type ExprDiagnostic } from './diagnostic.js';
export { formatDiagnostic } from './format-diagnostic.js';
export { parseExpression } from './parse.js';
export { columnsOf, variablesOf } from './references.js';
export { checkExpression } from './check-expression.js';
export { compilePredicate } from './compile-predicate.js';
export { takeRows } from './take-rows.js';
export { filterTable } from './filter-table.js';
export { evaluateScalar } from './evaluate-scalar.js';
export { compileValue, checkValue, type ValueKernel, type ValueCheck } from './compile-value.js';
export {
  AGGREGATE_FUNCTIONS, findAggregate, aggregateForms, aggregateSignatures, aggregateResultType, aggregateResultNullable,
  aggregateColumnProblem, aggregateColumnFix, type AggregateFunctionSpec, type AggregateName, type AggregateReads, type AggregateResult,
} from './aggregate-functions.js';
export { suggestName } from './suggest-name.js';
export { parseAggregate, parseAggregates, AGGREGATE_HINT, type AggregateCall, type AggregateSpec } from './parse-aggregates.js';
export { arrowTypeOf, describeType, sqlName, typeOfArrowType, typeOfField, type DecimalType, type ExprType } from './expr-type.js';
export { FUNCTIONS, findFunction, type FunctionSpec, type Param } from './functions.js';
export { functionsMarkdown } from './functions-doc.js';
export { formatFloat } from './scalar/cast.js';
