import { Field, Float64, Int64, makeData, type Data, type RecordBatch } from 'apache-arrow';
import { aggregateColumnProblem, type AggregateSpec } from '@pypeline/expr';
import { ModuleError } from '@pypeline/sdk';
import { compareKeys, keyColumn, takeOrNull, type Groups, type KeyColumn } from '@pypeline/verbs';

/** One output column: its field and its values, one per group. */
export interface AggregateColumn {
  field: Field;
  data: Data;
}

/**
 * Computes one aggregate per group by the rules of @pypeline/expr's AGGREGATE_FUNCTIONS, SQL
 * style: nulls are skipped; sum, avg, min and max of a group with no non-null value are null;
 * count counts non-null values (count(*) counts rows). min, max, first and last keep the
 * column's type (they gather the chosen row); sum and avg are Float64.
 */
export function aggregateColumn(batch: RecordBatch, groups: Groups, spec: AggregateSpec): AggregateColumn {
  if (spec.column === null) return countColumn(spec.name, groups, () => true);
  const source = sourceField(batch, spec);
  const reader = keyColumn(batch, spec.column);
  if (spec.fn === 'count') return countColumn(spec.name, groups, (i) => reader.get(i) !== null);
  if (spec.fn === 'min' || spec.fn === 'max') return extremeColumn(batch, groups, spec, reader.get, source);
  if (spec.fn === 'first' || spec.fn === 'last') return rowColumn(batch, groups, spec, source);
  const problem = aggregateColumnProblem(spec.fn, source);
  if (problem) {
    throw new ModuleError(`aggregate_mod: ${spec.name}: ${problem}`, {
      retryable: false,
      hint: 'cast the column to a number with select_mod first (cast: { column: float64 })',
    });
  }
  const sums = new Float64Array(groups.count);
  const counts = new Float64Array(groups.count);
  for (let i = 0; i < batch.numRows; i++) {
    const v = reader.get(i);
    if (v === null) continue;
    sums[groups.groupOf[i]] += Number(v);
    counts[groups.groupOf[i]]++;
  }
  const values = spec.fn === 'avg' ? sums.map((s, g) => s / counts[g]) : sums;
  return { field: new Field(spec.name, new Float64(), true), data: withNulls(new Float64(), values, counts) };
}

function sourceField(batch: RecordBatch, spec: AggregateSpec): Field {
  const field = batch.schema.fields.find((f) => f.name === spec.column);
  if (field) return field;
  throw new ModuleError(`aggregate_mod: ${spec.name}: column "${spec.column}" does not exist; the columns are: ${batch.schema.names.join(', ')}`, {
    retryable: false,
    hint: 'fix the column name in aggregates',
  });
}

function countColumn(name: string, groups: Groups, counted: (row: number) => boolean): AggregateColumn {
  const counts = new BigInt64Array(groups.count);
  for (let i = 0; i < groups.groupOf.length; i++) if (counted(i)) counts[groups.groupOf[i]]++;
  return { field: new Field(name, new Int64(), false), data: makeData({ type: new Int64(), length: groups.count, nullCount: 0, data: counts }) };
}

function extremeColumn(batch: RecordBatch, groups: Groups, spec: AggregateSpec, get: KeyColumn['get'], source: Field): AggregateColumn {
  const best = new Int32Array(groups.count).fill(-1);
  const sign = spec.fn === 'min' ? 1 : -1;
  for (let i = 0; i < batch.numRows; i++) {
    const v = get(i);
    if (v === null) continue;
    const g = groups.groupOf[i];
    if (best[g] === -1 || sign * compareKeys(v, get(best[g])!) < 0) best[g] = i;
  }
  return gathered(batch, spec, source, best);
}

/** first/last: the value of each group's first or last row in input order (null values included). */
function rowColumn(batch: RecordBatch, groups: Groups, spec: AggregateSpec, source: Field): AggregateColumn {
  const chosen = new Int32Array(groups.count).fill(-1);
  for (let i = 0; i < batch.numRows; i++) {
    const g = groups.groupOf[i];
    if (spec.fn === 'last' || chosen[g] === -1) chosen[g] = i;
  }
  return gathered(batch, spec, source, chosen);
}

/** The source column's values at one row per group (-1: null), keeping its type. */
function gathered(batch: RecordBatch, spec: AggregateSpec, source: Field, rows: Int32Array): AggregateColumn {
  const column = batch.schema.fields.indexOf(source);
  const taken = takeOrNull(batch.selectAt([column]), rows);
  return { field: new Field(spec.name, source.type, true), data: taken.data.children[0] };
}

function withNulls(type: Float64, values: Float64Array, counts: Float64Array): Data {
  const n = values.length;
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let g = 0; g < n; g++) {
    if (counts[g] > 0) bitmap[g >> 3] |= 1 << (g & 7);
    else nulls++;
  }
  return makeData({ type, length: n, nullCount: nulls, nullBitmap: nulls === 0 ? undefined : bitmap, data: values });
}
