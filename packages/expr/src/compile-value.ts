import type { RecordBatch, Schema, Vector } from 'apache-arrow';
import type { Expr, VariableExpr } from './ast.js';
import { ExprError, type ExprDiagnostic } from './diagnostic.js';
import { evaluateTyped } from './evaluate-typed.js';
import { typeOfField, type ExprType } from './expr-type.js';
import { inferTypes } from './infer-types.js';
import { checkedColumns, columnType } from './batch-columns.js';
import { columnsOf } from './references.js';
import { resolveVariable, type ResolvedVariable } from './resolve-variable.js';
import { valueToVector } from './value-to-vector.js';
import { batchInput, compileVector } from './vector/compile-vector.js';

/** A compiled value expression: one Arrow vector per batch, plus the expression type it has. */
export interface ValueKernel {
  (batch: RecordBatch): Vector;
  /** `number` results are Float64, `string` Utf8, `boolean` Bool, `temporal` TimestampMillisecond. */
  readonly type: ExprType;
}

/**
 * Compiles an expression that computes a value per row (a derived column) for batches with
 * `schema`. `{{variables}}` are read once, now, as constants. A bare column is passed through
 * unchanged (same Arrow type); anything computed is Float64, Utf8, Bool or TimestampMillisecond
 * (see ValueKernel). Throws ExprError listing every problem found.
 */
export function compileValue(expr: Expr, schema: Schema, vars?: (name: string) => unknown): ValueKernel {
  const resolved = new Map<string, ResolvedVariable | ExprDiagnostic>();
  const resolve = (e: VariableExpr) => {
    if (!resolved.has(e.name)) resolved.set(e.name, resolveVariable(e.name, vars, e, `{{${e.name}}}`));
    return resolved.get(e.name)!;
  };
  const typed = inferTypes(expr, {
    column: (e) => columnType(e, schema),
    variable: (e) => {
      const r = resolve(e);
      return 'type' in r ? r.type : r;
    },
    columnsAreConstant: false,
  });
  if (typed.diagnostics.length > 0) throw new ExprError(typed.diagnostics);
  const type = typed.types.get(expr)!;
  const wanted = new Map(columnsOf(expr).map((name) => [name, typeOfField(schema.fields.find((f) => f.name === name)!)!]));

  if (expr.kind === 'column') {
    const name = expr.name;
    return Object.assign((batch: RecordBatch) => {
      const i = checkedColumns(batch, wanted, 'expression').index.get(name)!;
      return batch.getChildAt(i)!;
    }, { type });
  }
  const kernel = compileVector(expr, typed.types, (e) =>
    evaluateTyped(e, typed.types, (ref) => (ref.kind === 'variable' ? (resolve(ref) as ResolvedVariable).value : null)),
  );
  return Object.assign((batch: RecordBatch) => {
    const n = batch.numRows;
    return valueToVector(kernel(batchInput(checkedColumns(batch, wanted, 'expression').data, n)), type, n);
  }, { type });
}


