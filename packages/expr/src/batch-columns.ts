import type { Data, RecordBatch, Schema } from 'apache-arrow';
import type { ColumnExpr } from './ast.js';
import { ExprError, type ExprDiagnostic } from './diagnostic.js';
import { describeType, typeOfField, type ExprType } from './expr-type.js';
import { unknownNameDiagnostic } from './infer-types.js';

/** The expression type of a column reference in a schema, or why it cannot be read. */
export function columnType(e: ColumnExpr, schema: Schema): ExprType | ExprDiagnostic {
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

/**
 * The batch's columns an expression reads, checked against the types it was compiled for:
 * a batch from a different source with a changed column must fail loudly, not misread bytes.
 * `what` names the expression in the message (`condition`, `expression`).
 */
export function checkedColumns(batch: RecordBatch, wanted: Map<string, ExprType>, what: string): { data: Map<string, Data>; index: Map<string, number> } {
  const data = new Map<string, Data>();
  const index = new Map<string, number>();
  const fields = batch.schema.fields;
  for (const [name, type] of wanted) {
    const i = fields.findIndex((f) => f.name === name);
    const got = i === -1 ? null : typeOfField(fields[i]);
    if (got !== type) {
      const state = i === -1 ? 'is missing from this batch' : `is ${got ? describeType(got) : String(fields[i].type)} in this batch`;
      throw new ExprError([{ message: `column \`${name}\` ${state}, but the ${what} was compiled for ${describeType(type)}`, start: 0, end: 0,
        hint: `compile the ${what} with the schema of the batches it reads` }]);
    }
    data.set(name, batch.data.children[i]);
    index.set(name, i);
  }
  return { data, index };
}
