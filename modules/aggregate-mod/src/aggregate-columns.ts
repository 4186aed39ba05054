import { DataType, Field, Float64, Int64, makeData, type Data, type RecordBatch } from 'apache-arrow';
import { ModuleError } from '@pypeline/sdk';
import { compareKeys, keyColumn, takeOrNull, type Groups, type KeyColumn } from '@pypeline/verbs';
import type { AggregateSpec } from './parse-aggregates.js';

/** One output column: its field and its values, one per group. */
export interface AggregateColumn {
  field: Field;
  data: Data;
}

/**
 * Computes one aggregate per group, SQL style: nulls are skipped; sum, avg, min and max of a
 * group with no non-null value are null; count counts non-null values (count(*) counts rows).
 * min and max keep the column's type (they gather the winning row); sum and avg are Float64.
 */
export function aggregateColumn(batch: RecordBatch, groups: Groups, spec: AggregateSpec): AggregateColumn {
  if (spec.column === null) return countColumn(spec.name, groups, () => true);
  const source = sourceField(batch, spec);
  const reader = keyColumn(batch, spec.column);
  if (spec.fn === 'count') return countColumn(spec.name, groups, (i) => reader.get(i) !== null);
  if (spec.fn === 'min' || spec.fn === 'max') return extremeColumn(batch, groups, spec, reader.get, source);
  if (!DataType.isInt(source.type) && !DataType.isFloat(source.type)) {
    throw new ModuleError(`aggregate_mod: ${spec.name}: ${spec.fn}(${spec.column}) needs a numeric column, but "${spec.column}" is ${source.type}`, {
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
  const column = batch.schema.fields.indexOf(source);
  const taken = takeOrNull(batch.selectAt([column]), best);
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
