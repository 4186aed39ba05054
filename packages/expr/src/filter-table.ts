import { Table, type RecordBatch } from 'apache-arrow';
import { takeRows } from './take-rows.js';

/**
 * Keeps the rows `predicate` selects, batch by batch. Batches kept whole are reused as they are
 * and batches with no rows left are dropped, so the result may have fewer batches than the input.
 */
export function filterTable(table: Table, predicate: (b: RecordBatch) => Uint32Array): Table {
  const kept: RecordBatch[] = [];
  for (const batch of table.batches) {
    const indices = predicate(batch);
    if (indices.length === batch.numRows && isIdentity(indices)) kept.push(batch);
    else if (indices.length > 0) kept.push(takeRows(batch, indices));
  }
  return new Table(table.schema, kept);
}

function isIdentity(indices: Uint32Array): boolean {
  for (let i = 0; i < indices.length; i++) if (indices[i] !== i) return false;
  return true;
}
