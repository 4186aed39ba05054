import { DataType, RecordBatch, Struct, makeBuilder, makeData, makeVector, type Data, type Field, type Schema } from 'apache-arrow';
import { takeOrNull, type JoinPairs } from '@pypeline/verbs';
import type { FoldedKey, JoinLayout } from './output-fields.js';

/**
 * The output rows of `pairs` (-1: that side's columns null) as one batch of `schema`: the left
 * columns, then the layout's right ones. Folded keys take the right value where the left row
 * is missing (right and full joins).
 */
export function assemble(layout: JoinLayout, schema: Schema, left: RecordBatch, right: RecordBatch, pairs: JoinPairs): RecordBatch {
  const n = pairs.left.length;
  const leftRows = takeOrNull(left, pairs.left);
  const children: Data[] = [...leftRows.data.children];
  if (!layout.leftOnly) {
    // Only the right columns the output keeps are gathered (not the keys, which the left has).
    const rightRows = takeOrNull(right.selectAt(layout.extra.map((c) => c.index)), pairs.right);
    for (const key of layout.folded) children[key.leftIndex] = coalesceKey(key, left, right, pairs);
    children.push(...rightRows.data.children);
  }
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
}

/** A folded key column: the left value, else the right one, in the key's common type. */
function coalesceKey(key: FoldedKey, left: RecordBatch, right: RecordBatch, pairs: JoinPairs): Data {
  const l = makeVector(left.data.children[key.leftIndex]);
  const r = makeVector(right.data.children[key.rightIndex]);
  const convert = converter(key.field);
  const builder = makeBuilder({ type: key.field.type, nullValues: [null, undefined] });
  for (let k = 0; k < pairs.left.length; k++) {
    const i = pairs.left[k];
    const j = pairs.right[k];
    const v = i >= 0 ? l.get(i) : j >= 0 ? r.get(j) : null;
    builder.append(v === null || v === undefined ? null : convert(v));
  }
  return builder.finish().flush();
}

/** Values of either side in the representation the common type's builder takes. */
function converter(field: Field): (v: unknown) => unknown {
  const type = field.type as DataType;
  if (DataType.isInt(type) && type.bitWidth === 64) return (v) => (typeof v === 'bigint' ? v : BigInt(v as number));
  if (DataType.isInt(type) || DataType.isFloat(type)) return (v) => (typeof v === 'bigint' ? Number(v) : v);
  return (v) => v;
}
