import { Table, type RecordBatch } from 'apache-arrow';

/** `table` in batches of at most `rows` rows (slices, no copy), as a stream delivers it: a small memory budget then spills. */
export function inBatchesOf(table: Table, rows: number): Table {
  const batches = table.batches.flatMap((b) => Array.from({ length: Math.ceil(b.numRows / rows) }, (_, i) => b.slice(i * rows, (i + 1) * rows)));
  return batches.length > 0 ? new Table(batches) : new Table(table.schema);
}

/**
 * `table` with every row filtered out as filter_mod does it: each batch gathered at no index by
 * `take`, the gather kernel (pass `takeRows` from @pypeline/verbs; not imported here, as expr's
 * own tests use this package). Batches of 0 rows whose columns may lack the buffers a fresh
 * empty column has: the input of a module downstream of a filter that matched nothing.
 */
export function filteredToNothing(table: Table, take: (batch: RecordBatch, indices: Uint32Array) => RecordBatch): Table {
  if (table.batches.length === 0) throw new Error('filteredToNothing needs a table with at least one batch to filter');
  return new Table(table.batches.map((b) => take(b, new Uint32Array(0))));
}
