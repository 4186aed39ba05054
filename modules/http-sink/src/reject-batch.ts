import { Field, Int32, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray } from 'apache-arrow';
import { takeRows } from '@pypeline/verbs';

/** One refused row: its index in its batch and why. */
export interface Refusal {
  row: number;
  /** The HTTP status; null when the row was never sent (its URL could not be made). */
  status: number | null;
  message: string;
  body: string;
}

const ERROR_FIELDS = [new Field('error_status', new Int32(), true), new Field('error_message', new Utf8(), true), new Field('error_body', new Utf8(), true)];

/** The reject port's schema: the input's columns, then error_status, error_message and error_body. */
export function rejectSchema(input: Schema): Schema {
  return new Schema([...input.fields, ...ERROR_FIELDS]);
}

/** The refused rows of `batch` with their errors, in row order. */
export function rejectBatch(batch: RecordBatch, refusals: readonly Refusal[]): RecordBatch {
  const sorted = [...refusals].sort((a, b) => a.row - b.row);
  const rows = takeRows(batch, Uint32Array.from(sorted.map((r) => r.row)));
  const errors = [
    vectorFromArray(sorted.map((r) => r.status), new Int32()),
    vectorFromArray(sorted.map((r) => r.message), new Utf8()),
    vectorFromArray(sorted.map((r) => r.body), new Utf8()),
  ].map((v) => v.data[0]);
  const schema = rejectSchema(batch.schema);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: sorted.length, nullCount: 0, children: [...rows.data.children, ...errors] }));
}
