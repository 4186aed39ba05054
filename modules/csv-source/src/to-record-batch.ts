import { Field, RecordBatch, Schema, Struct, makeData, type Data } from 'apache-arrow';
import type { ColumnBuffers } from './column-builder.js';
import { arrowTypeOf, type ColumnKind } from './column-kinds.js';

/** The Arrow schema of a CSV read: every column nullable (an empty field is null). */
export function csvSchema(names: string[], kinds: ColumnKind[]): Schema {
  return new Schema(names.map((name, i) => new Field(name, arrowTypeOf(kinds[i]), true)));
}

/** Wraps a parsed chunk's buffers as a record batch, without copying them. */
export function toRecordBatch(schema: Schema, rows: number, columns: ColumnBuffers[]): RecordBatch {
  const children = columns.map((c, i) => columnData(schema.fields[i], rows, c));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }));
}

function columnData(field: Field, length: number, c: ColumnBuffers): Data {
  const nullBitmap = c.validity ?? undefined;
  const base = { length, nullCount: c.nullCount, nullBitmap };
  const type = field.type;
  switch (c.kind) {
    case 'utf8':
      return makeData({ type, ...base, valueOffsets: c.offsets!, data: c.data! });
    case 'int64':
    case 'timestamp': {
      const v = c.values as Int32Array;
      return makeData({ type, ...base, data: new BigInt64Array(v.buffer, v.byteOffset, length) });
    }
    default:
      return makeData({ type, ...base, data: c.values! });
  }
}

/** A batch with no rows, so a stream with no data still carries its schema. */
export function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => makeData({ type: f.type, length: 0 }));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }));
}
