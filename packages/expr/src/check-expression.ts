import type { Schema } from 'apache-arrow';
import type { Expr, VariableExpr } from './ast.js';
import type { ExprDiagnostic } from './diagnostic.js';
import { describeType, type ExprType } from './expr-type.js';
import { inferTypes, type TypedExpr } from './infer-types.js';
import { columnType } from './batch-columns.js';

/**
 * Checks a filter condition against the columns it will run on: unknown columns (with a "did you
 * mean"), column types expressions cannot read, type mismatches, and a result that is not true/false.
 * `{{variables}}` are accepted as any type here; their values are checked when compiling.
 */
export function checkExpression(expr: Expr, schema: Schema): ExprDiagnostic[] {
  return checkAgainstSchema(expr, schema, () => 'unknown').diagnostics;
}

/** The checker shared by checkExpression and compilePredicate (which knows the variables' types). */
export function checkAgainstSchema(expr: Expr, schema: Schema, variableType: (e: VariableExpr) => ExprType | ExprDiagnostic): TypedExpr {
  const typed = inferTypes(expr, {
    column: (e) => columnType(e, schema),
    variable: variableType,
    columnsAreConstant: false,
  });
  const root = typed.types.get(expr);
  if (root !== undefined && root !== 'boolean' && root !== 'null' && root !== 'unknown') {
    typed.diagnostics.push({
      message: `a filter condition must be true/false, got ${describeType(root)}`,
      start: expr.start,
      end: expr.end,
      hint: 'compare it with something, e.g. `amount > 0`',
    });
  }
  return typed;
}

