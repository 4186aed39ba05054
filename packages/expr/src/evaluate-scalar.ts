import type { ColumnExpr, Expr, VariableExpr } from './ast.js';
import { ExprError, type ExprDiagnostic } from './diagnostic.js';
import { evaluateTyped } from './evaluate-typed.js';
import { isDecimal, type ExprType } from './expr-type.js';
import { inferTypes } from './infer-types.js';
import { resolveVariable, type ResolvedVariable } from './resolve-variable.js';
import { US_PER_DAY } from './scalar/datetime.js';
import { DecimalValue, type Scalar } from './scalar/values.js';

/**
 * Evaluates a valve condition over scalar variables. Both `{{name}}` and a bare `name` are looked
 * up through `vars`. Returns a boolean, number (a bigint for integers beyond 2^53), string, Date
 * (dates and timestamps) or null; throws ExprError (with every problem found) for unknown
 * variables, unknown functions, type mismatches and values that fail (overflow, bad casts).
 */
export function evaluateScalar(expr: Expr, vars: (name: string) => unknown): unknown {
  const cache = new Map<string, ResolvedVariable | ExprDiagnostic>();
  const resolve = (e: ColumnExpr | VariableExpr) => {
    const shown = e.kind === 'variable' ? `{{${e.name}}}` : `\`${e.name}\``;
    // Keyed by how it was written, so the diagnostic points at the first use.
    const key = `${e.kind}:${e.name}`;
    if (!cache.has(key)) cache.set(key, resolveVariable(e.name, vars, e, shown));
    return cache.get(key)!;
  };
  const typeOf = (e: ColumnExpr | VariableExpr): ExprType | ExprDiagnostic => {
    const r = resolve(e);
    return 'type' in r ? r.type : r;
  };
  const typed = inferTypes(expr, { column: typeOf, variable: typeOf, columnsAreConstant: true });
  if (typed.diagnostics.length > 0) throw new ExprError(typed.diagnostics);
  const result = evaluateTyped(expr, typed, (e) => (resolve(e) as ResolvedVariable).value);
  return toJs(result, typed.types.get(expr)!);
}

/** An evaluator value as plain JavaScript. */
export function toJs(v: Scalar, type: ExprType): unknown {
  if (v === null) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (type === 'date') return new Date((v as number) * (US_PER_DAY / 1000));
  if (type === 'timestamp') return new Date(Math.floor((v as number) / 1000));
  if (v instanceof DecimalValue || isDecimal(type)) return (v as DecimalValue).toNumber();
  if (typeof v === 'object') return String(v);
  return v;
}
