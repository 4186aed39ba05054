import type { RecordBatch, Schema } from 'apache-arrow';
import type { Expr, VariableExpr } from './ast.js';
import { checkedColumns } from './batch-columns.js';
import { typeOfField } from './expr-type.js';
import { checkAgainstSchema } from './check-expression.js';
import { ExprError, type ExprDiagnostic } from './diagnostic.js';
import { evaluateTyped } from './evaluate-typed.js';
import { resolveVariable, type ResolvedVariable } from './resolve-variable.js';
import { columnsOf } from './references.js';
import { batchInput, compileVector } from './vector/compile-vector.js';
import { allIndices, maskToIndices } from './vector/masks.js';

/**
 * Compiles a filter condition for batches with `schema`. `{{variables}}` are read once, now, as
 * constants. The returned function gives the indices of the rows where the condition is true
 * (false and null rows are dropped). Throws ExprError listing every problem found.
 */
export function compilePredicate(expr: Expr, schema: Schema, vars?: (name: string) => unknown): (batch: RecordBatch) => Uint32Array {
  const resolved = new Map<string, ResolvedVariable | ExprDiagnostic>();
  const resolve = (e: VariableExpr) => {
    if (!resolved.has(e.name)) resolved.set(e.name, resolveVariable(e.name, vars, e, `{{${e.name}}}`));
    return resolved.get(e.name)!;
  };
  const typed = checkAgainstSchema(expr, schema, (e) => {
    const r = resolve(e);
    return 'type' in r ? r.type : r;
  });
  if (typed.diagnostics.length > 0) throw new ExprError(typed.diagnostics);
  const kernel = compileVector(expr, typed, (e) =>
    evaluateTyped(e, typed, (ref) => (ref.kind === 'variable' ? (resolve(ref) as ResolvedVariable).value : null)),
  );
  const wanted = new Map(columnsOf(expr).map((name) => [name, typeOfField(schema.fields.find((f) => f.name === name)!)!]));

  return (batch) => {
    const n = batch.numRows;
    const result = kernel(batchInput(checkedColumns(batch, wanted, 'condition').data, n));
    if (result.kind === 'const') return result.value === true ? allIndices(n) : new Uint32Array(0);
    if (result.kind !== 'bool') throw new ExprError([{ message: 'a filter condition must be true/false', start: expr.start, end: expr.end }]);
    return maskToIndices(result.values, result.valid, n);
  };
}

