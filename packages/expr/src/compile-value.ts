import type { Data, RecordBatch, Schema, Vector } from 'apache-arrow';
import type { ColumnExpr, Expr, VariableExpr } from './ast.js';
import { ExprError, type ExprDiagnostic } from './diagnostic.js';
import { evaluateTyped } from './evaluate-typed.js';
import { describeType, typeOfField, type ExprType } from './expr-type.js';
import { inferTypes, unknownNameDiagnostic } from './infer-types.js';
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
      const i = checkedColumns(batch, wanted).index.get(name)!;
      return batch.getChildAt(i)!;
    }, { type });
  }
  const kernel = compileVector(expr, typed.types, (e) =>
    evaluateTyped(e, typed.types, (ref) => (ref.kind === 'variable' ? (resolve(ref) as ResolvedVariable).value : null)),
  );
  return Object.assign((batch: RecordBatch) => {
    const n = batch.numRows;
    return valueToVector(kernel(batchInput(checkedColumns(batch, wanted).data, n)), type, n);
  }, { type });
}

// The same column lookup as the filter checker; kept here so check-expression.ts stays as it is.
function columnType(e: ColumnExpr, schema: Schema): ExprType | ExprDiagnostic {
  const field = schema.fields.find((f) => f.name === e.name);
  if (!field) return unknownNameDiagnostic('column', e, schema.fields.map((f) => f.name));
  const type = typeOfField(field);
  if (type) return type;
  return {
    message: `column \`${e.name}\` has type ${String(field.type)}, which expressions cannot read`,
    start: e.start,
    end: e.end,
    hint: 'expressions read numbers, strings, booleans, dates and timestamps; cast the column in the step that produces it',
  };
}

/** The batch's columns the expression reads, refusing a batch whose types differ from the schema compiled for. */
function checkedColumns(batch: RecordBatch, wanted: Map<string, ExprType>): { data: Map<string, Data>; index: Map<string, number> } {
  const data = new Map<string, Data>();
  const index = new Map<string, number>();
  const fields = batch.schema.fields;
  for (const [name, type] of wanted) {
    const i = fields.findIndex((f) => f.name === name);
    const got = i === -1 ? null : typeOfField(fields[i]);
    if (got !== type) {
      const what = i === -1 ? 'is missing from this batch' : `is ${got ? describeType(got) : String(fields[i].type)} in this batch`;
      throw new ExprError([{ message: `column \`${name}\` ${what}, but the expression was compiled for ${describeType(type)}`, start: 0, end: 0,
        hint: 'compile the expression with the schema of the batches it reads' }]);
    }
    data.set(name, batch.data.children[i]);
    index.set(name, i);
  }
  return { data, index };
}
