import { Data, RecordBatch, Struct, makeBuilder, makeData } from 'apache-arrow';
import { takeRows } from '@pypeline/expr';
import { concatBatches } from './concat-batches.js';

/**
 * The rows at `indices` as a new batch, where an index of -1 gives a row of nulls (the unmatched
 * side of a left join). Gathering uses @pypeline/expr's takeRows kernels; indices that are
 * every row in order give `batch` itself (its buffers shared, not copied).
 */
export function takeOrNull(batch: RecordBatch, indices: Int32Array): RecordBatch {
  const n = indices.length;
  // An empty batch may have no value buffers at all (vectorFromArray([])), which gathering reads.
  if (n === 0) return concatBatches(batch.schema, []);
  let missing = 0;
  let identity = n === batch.numRows;
  for (let i = 0; i < n; i++) {
    if (indices[i] < 0) missing++;
    else if (indices[i] !== i) identity = false;
  }
  // Every row once, in order (a join whose left rows each match once): the batch as it is.
  if (identity && missing === 0) return batch;
  if (missing === 0) return takeRows(batch, new Uint32Array(indices.buffer, indices.byteOffset, n));
  if (batch.numRows === 0) return nullBatch(batch, n);
  const safe = Uint32Array.from(indices, (i) => (i < 0 ? 0 : i));
  const taken = takeRows(batch, safe);
  const children = taken.data.children.map((child) => withNulls(child, indices));
  return new RecordBatch(batch.schema, makeData({ type: new Struct(batch.schema.fields), length: n, nullCount: 0, children }));
}

/** The same column with the rows whose index is -1 marked null. */
function withNulls(data: Data, indices: Int32Array): Data {
  const n = indices.length;
  const bitmap = new Uint8Array((n + 7) >> 3);
  const old = data.nullCount > 0 ? data.nullBitmap : null;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const p = data.offset + i;
    const valid = indices[i] >= 0 && (!old || ((old[p >> 3] >> (p & 7)) & 1) === 1);
    if (valid) bitmap[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  // takeRows output starts at offset 0, so its value buffers line up with the new bitmap.
  const buffers = { 0: data.valueOffsets, 1: data.values, 2: bitmap, 3: data.typeIds };
  return data.clone(data.type, 0, n, nulls, buffers as Parameters<Data['clone']>[4]);
}

function nullBatch(batch: RecordBatch, n: number): RecordBatch {
  const children = batch.schema.fields.map((f) => {
    const builder = makeBuilder({ type: f.type, nullValues: [null] });
    for (let i = 0; i < n; i++) builder.append(null);
    return builder.finish().flush();
  });
  return new RecordBatch(batch.schema, makeData({ type: new Struct(batch.schema.fields), length: n, nullCount: 0, children }));
}
