import { Field, makeData, RecordBatch, Schema, Struct, type Data } from 'apache-arrow';
import { compileValue } from '@pypeline/expr';
import { concatBatches, type SortKey } from '@pypeline/verbs';
import { countData, extremeData, sumData } from './frame-aggregates.js';
import type { WindowColumn } from './output-schemas.js';
import { frameBounds, partitionLayout, type Layout } from './partition-layout.js';
import { rankData } from './rank-functions.js';
import { gatherValues, sourceRows } from './value-functions.js';

/** What window_mod computes, checked against the input: the output schema and its columns. */
export interface WindowPlan {
  partitionBy: string[];
  orderBy: SortKey[];
  columns: WindowColumn[];
  /** The input's columns followed by the window columns. */
  output: Schema;
}

/**
 * The window columns over `batches`, which hold every row of each partition they hold: the
 * input's columns followed by the new ones, rows in input order.
 */
export function computeWindows(schema: Schema, batches: readonly RecordBatch[], plan: WindowPlan): RecordBatch {
  const batch = concatBatches(schema, batches);
  const layout = partitionLayout(batch, plan.partitionBy, plan.orderBy);
  const columns = plan.columns.map((column) => windowColumn(batch, layout, column));
  const fields = [...schema.fields, ...plan.output.fields.slice(plan.output.fields.length - plan.columns.length)];
  const out = new Schema(fields, schema.metadata);
  return new RecordBatch(out, makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children: [...batch.data.children, ...columns] }));
}

function windowColumn(batch: RecordBatch, layout: Layout, column: WindowColumn): Data {
  const { call } = column;
  if (call.spec.kind === 'rank') return rankData(call.fn, layout, call.n);
  const arg = call.arg && argument(batch, column);
  if (call.spec.kind === 'offset') {
    const fallback = column.fallback && compileValue(column.fallback, batch.schema)(batch);
    return gatherValues(arg!, sourceRows(call.fn, layout, call.n!), fallback);
  }
  const frames = frameBounds(layout, call.frame);
  switch (call.fn) {
    case 'count': return countData(arg, layout, frames);
    case 'sum': case 'avg': return sumData(arg!, layout, frames, call.fn, `${call.fn}(${call.argText})`);
    case 'min': case 'max': return extremeData(arg!, layout, frames, call.fn);
    default: return gatherValues(arg!, sourceRows(call.fn, layout, call.n ?? 1, frames));
  }
}

/** The function's argument as a one-column batch: a bare column as it is, an expression computed by @pypeline/expr. */
function argument(batch: RecordBatch, column: WindowColumn): RecordBatch {
  const expr = column.call.arg!;
  const data = expr.kind === 'column' ? batch.data.children[batch.schema.names.indexOf(expr.name)] : compileValue(expr, batch.schema)(batch).data[0];
  const fields = [new Field(column.call.argText, data.type, true)];
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children: [data] }));
}
