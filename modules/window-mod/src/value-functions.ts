import { DataType, makeBuilder, makeData, makeVector, RecordBatch, Struct, type Data, type Vector } from 'apache-arrow';
import { concatData, takeOrNull } from '@pypeline/verbs';
import type { Layout } from './partition-layout.js';
import type { WindowName } from './window-functions.js';

/**
 * The input row each position reads (-1: none), in input row order: lag/lead by `n` rows inside
 * the partition, first_value/last_value/nth_value inside the frame `lo` … `hi`.
 */
export function sourceRows(fn: WindowName, layout: Layout, n: number, frame?: { lo: Int32Array; hi: Int32Array }): Int32Array {
  const { order, partStart, partEnd } = layout;
  const rows = new Int32Array(order.length).fill(-1);
  for (let k = 0; k < order.length; k++) {
    let at = -1;
    if (fn === 'lag') at = k - n >= partStart[k] ? k - n : -1;
    else if (fn === 'lead') at = k + n < partEnd[k] ? k + n : -1;
    else if (frame && frame.lo[k] <= frame.hi[k]) {
      const { lo, hi } = frame;
      at = fn === 'first_value' ? lo[k] : fn === 'last_value' ? hi[k] : lo[k] + n - 1 <= hi[k] ? lo[k] + n - 1 : -1;
    }
    rows[order[k]] = at === -1 ? -1 : order[at];
  }
  return rows;
}

/**
 * The values of `arg` (one column) at `rows`; where a row is -1 and `fallback` is given (lag and
 * lead's default, already cast to the expression type), the fallback's value of that same row.
 */
export function gatherValues(arg: RecordBatch, rows: Int32Array, fallback?: Vector): Data {
  const taken = takeOrNull(arg, rows).data.children[0];
  if (!fallback || !rows.includes(-1)) return taken;
  const n = rows.length;
  const type = arg.schema.fields[0].type as DataType;
  if (String(fallback.type) === String(type)) {
    // Same type: gather from the column followed by the defaults, keeping the type exact.
    const both = concatData([arg.data.children[0], ...fallback.data]);
    const from = Int32Array.from(rows, (r, i) => (r === -1 ? n + i : r));
    const one = new RecordBatch(arg.schema, makeData({ type: new Struct(arg.schema.fields), length: both.length, nullCount: 0, children: [both] }));
    return takeOrNull(one, from).data.children[0];
  }
  // A narrower Arrow type than the cast's (Int32 against BIGINT, Float32, another timestamp unit): value by value.
  const builder = makeBuilder({ type, nullValues: [null, undefined] });
  const values = makeVector(taken);
  for (let i = 0; i < n; i++) builder.append(rows[i] === -1 ? coerce(type, fallback.get(i)) : values.get(i));
  return builder.finish().flush();
}

function coerce(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (DataType.isInt(type) && type.bitWidth === 64) return typeof value === 'bigint' ? value : BigInt(value as number);
  if (typeof value === 'bigint') return Number(value);
  return value;
}
