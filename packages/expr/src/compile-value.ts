import type { DataType, RecordBatch, Schema, Vector } from 'apache-arrow';
import type { Expr, VariableExpr } from './ast.js';
import { ExprError, type ExprDiagnostic } from './diagnostic.js';
import { evaluateTyped } from './evaluate-typed.js';
import { arrowTypeOf, typeOfField, type ExprType } from './expr-type.js';
import { inferTypes } from './infer-types.js';
import { checkedColumns, columnType } from './batch-columns.js';
import { columnsOf } from './references.js';
import { resolveVariable, type ResolvedVariable } from './resolve-variable.js';
import { valueToVector } from './value-to-vector.js';
import { batchInput, compileVector } from './vector/compile-vector.js';

/** A compiled value expression: one Arrow vector per batch, plus the expression type it has. */
export interface ValueKernel {
  (batch: RecordBatch): Vector;
  /** integer results are Int64, float Float64, decimal(p,s) Decimal128, string Utf8, boolean Bool, date DateDay, timestamp TimestampMicrosecond. */
  readonly type: ExprType;
  /** The Arrow type of every vector the kernel returns. */
  readonly arrowType: DataType;
}

/** What a value expression will produce on batches with `schema`, known without running it. */
export interface ValueCheck {
  /** The Arrow type of the result; null when it depends on `{{variables}}` not known yet, or when there are diagnostics. */
  arrowType: DataType | null;
  diagnostics: ExprDiagnostic[];
}

/**
 * Checks a value expression (a derived column) against a schema without compiling it: the
 * column references, the functions and the types, with `{{variables}}` accepted as any value.
 * Used to validate flows and to compute output schemas before anything runs.
 */
export function checkValue(expr: Expr, schema: Schema): ValueCheck {
  const typed = inferTypes(expr, { column: (e) => columnType(e, schema), variable: () => 'unknown', columnsAreConstant: false });
  if (typed.diagnostics.length > 0) return { arrowType: null, diagnostics: typed.diagnostics };
  const type = typed.types.get(expr)!;
  if (type === 'interval') return { arrowType: null, diagnostics: [intervalColumn(expr)] };
  return { arrowType: type === 'unknown' ? null : resultArrowType(expr, type, schema), diagnostics: [] };
}

function intervalColumn(expr: Expr): ExprDiagnostic {
  return { message: 'an interval cannot be stored in a column', start: expr.start, end: expr.end,
    hint: "add it to a date or timestamp (t + interval '1 day'), or use date_diff('day', a, b) for a number" };
}

/** A bare column keeps its Arrow type; anything computed gets the type its ExprType maps to. */
function resultArrowType(expr: Expr, type: ExprType, schema: Schema): DataType {
  if (expr.kind === 'column') return schema.fields.find((f) => f.name === expr.name)!.type;
  return arrowTypeOf(type);
}

/**
 * Compiles an expression that computes a value per row (a derived column) for batches with
 * `schema`. `{{variables}}` are read once, now, as constants. A bare column is passed through
 * unchanged (same Arrow type); anything computed gets the Arrow type of its expression type
 * (see ValueKernel). Throws ExprError listing every problem found, also when a value fails while
 * running (an integer overflow, a failed cast), pointing at the part that failed.
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
  if (type === 'interval') throw new ExprError([intervalColumn(expr)]);
  const wanted = new Map(columnsOf(expr).map((name) => [name, typeOfField(schema.fields.find((f) => f.name === name)!)!]));

  if (expr.kind === 'column') {
    const name = expr.name;
    return Object.assign((batch: RecordBatch) => {
      const i = checkedColumns(batch, wanted, 'expression').index.get(name)!;
      return batch.getChildAt(i)!;
    }, { type, arrowType: resultArrowType(expr, type, schema) });
  }
  const kernel = compileVector(expr, typed, (e) =>
    evaluateTyped(e, typed, (ref) => (ref.kind === 'variable' ? (resolve(ref) as ResolvedVariable).value : null)),
  );
  return Object.assign((batch: RecordBatch) => {
    const n = batch.numRows;
    return valueToVector(kernel(batchInput(checkedColumns(batch, wanted, 'expression').data, n)), type, n);
  }, { type, arrowType: resultArrowType(expr, type, schema) });
}


