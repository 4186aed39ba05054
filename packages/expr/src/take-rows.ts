import { RecordBatch, Struct, makeData, type Data } from 'apache-arrow';
import { takeData } from './take/take-data.js';

/**
 * The rows at `indices` (in that order) as a new batch: a gather kernel per column over Arrow's
 * buffers. Nested and rare types go through Arrow's builders, which is correct but slower.
 */
export function takeRows(batch: RecordBatch, indices: Uint32Array): RecordBatch {
  const children = batch.data.children.map((child: Data) => takeData(child, indices));
  const data = makeData({ type: new Struct(batch.schema.fields), length: indices.length, nullCount: 0, children });
  return new RecordBatch(batch.schema, data);
}
