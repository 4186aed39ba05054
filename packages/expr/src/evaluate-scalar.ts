import type { ColumnExpr, Expr, VariableExpr } from './ast.js';
import { ExprError, type ExprDiagnostic } from './diagnostic.js';
import { evaluateTyped } from './evaluate-typed.js';
import type { ExprType } from './expr-type.js';
import { inferTypes } from './infer-types.js';
import { resolveVariable, type ResolvedVariable } from './resolve-variable.js';

/**
 * Evaluates a valve condition over scalar variables. Both `{{name}}` and a bare `name` are looked
 * up through `vars`. Returns a boolean, number, string, Date or null; throws ExprError (with every
 * problem found) for unknown variables, unknown functions and type mismatches.
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
  const result = evaluateTyped(expr, typed.types, (e) => (resolve(e) as ResolvedVariable).value);
  return typed.types.get(expr) === 'temporal' && typeof result === 'number' ? new Date(result) : result;
}
