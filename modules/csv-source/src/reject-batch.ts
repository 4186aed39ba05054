import { Field, Int32, Int64, RecordBatch, Schema, Table, Utf8, vectorFromArray } from 'apache-arrow';
import type { Reject } from './read-csv.js';

/** The reject port's columns: Talend's reject flow, one row per bad record. */
export const REJECT_SCHEMA = new Schema([
  new Field('line', new Int64(), false),
  new Field('column', new Utf8(), true),
  new Field('column_index', new Int32(), true),
  new Field('reason', new Utf8(), false),
  new Field('record', new Utf8(), false),
]);

export function rejectBatch(rejects: Reject[], names: string[]): RecordBatch {
  const table = new Table({
    line: vectorFromArray(BigInt64Array.from(rejects, (r) => BigInt(r.line))),
    column: vectorFromArray(rejects.map((r) => (r.column >= 0 ? names[r.column] : null)), new Utf8()),
    column_index: vectorFromArray(rejects.map((r) => (r.column >= 0 ? r.column + 1 : null)), new Int32()),
    reason: vectorFromArray(rejects.map((r) => r.reason), new Utf8()),
    record: vectorFromArray(rejects.map((r) => r.record), new Utf8()),
  });
  return new RecordBatch(REJECT_SCHEMA, table.batches[0].data);
}
