import { Field, List, Utf8, makeData, makeVector, vectorFromArray, type Data, type RecordBatch } from 'apache-arrow';
import { takeRows } from '@pypeline/expr';
import { bitmapOf } from './build-data.js';
import type { Segments } from './group-segments.js';

/** string_agg: each group's non-null texts in input order, joined by `separator`; null when there are none. */
export function stringAggData(data: Data, segments: Segments, separator: string): Data {
  const vector = makeVector(data);
  const count = segments.start.length - 1;
  const out: (string | null)[] = new Array<string | null>(count).fill(null);
  for (let g = 0; g < count; g++) {
    const parts: string[] = [];
    for (let k = segments.start[g]; k < segments.start[g + 1]; k++) {
      const v = vector.get(segments.order[k]) as string | null;
      if (v !== null) parts.push(v);
    }
    if (parts.length > 0) out[g] = parts.join(separator);
  }
  return vectorFromArray(out, new Utf8()).data[0];
}

/** list: each group's values in input order, nulls included, as one LIST row per group. */
export function listData(batch: RecordBatch, index: number, segments: Segments): Data {
  const field = batch.schema.fields[index];
  const column = batch.selectAt([index]);
  const items = batch.numRows === 0 ? column.data.children[0] : takeRows(column, segments.order).data.children[0];
  const type = new List(new Field('item', field.type, true));
  // A group without rows (only the one row over an empty input) gives null, as in DuckDB.
  const length = segments.start.length - 1;
  const { bitmap, nulls } = bitmapOf(length, (g) => segments.start[g + 1] > segments.start[g]);
  return makeData({ type, length, nullCount: nulls, nullBitmap: bitmap, valueOffsets: Int32Array.from(segments.start), child: items });
}
