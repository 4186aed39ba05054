import { Float64, Int64, Type, type DataType, type RecordBatch, type Schema } from 'apache-arrow';
import { plainValue } from './arrow-rows.js';

/** One aggregate computed per key and window. */
export type Aggregate =
  | { fn: 'count' }
  | { fn: 'sum' | 'min' | 'max' | 'avg'; column: string }
  | { fn: 'first' | 'last'; column: string };

/** Number of events in the window. Int64. */
export const count = (): Aggregate => ({ fn: 'count' });
/** Sum of a numeric column (nulls ignored; null when all are null). Float64. */
export const sum = (column: string): Aggregate => ({ fn: 'sum', column });
export const min = (column: string): Aggregate => ({ fn: 'min', column });
export const max = (column: string): Aggregate => ({ fn: 'max', column });
export const avg = (column: string): Aggregate => ({ fn: 'avg', column });
/** The value of the event with the earliest event time (ties: the first to arrive). */
export const first = (column: string): Aggregate => ({ fn: 'first', column });
/** The value of the event with the latest event time (ties: the last to arrive). */
export const last = (column: string): Aggregate => ({ fn: 'last', column });

/** Accumulators are plain data (they are checkpointed): numbers, or small arrays. */
export type Acc = unknown;
type Update = (acc: Acc, row: number, t: number) => Acc;

export interface CompiledAggregate {
  name: string;
  init(): Acc;
  /** Per batch: a function folding row `row` (event time `t`) into an accumulator. */
  prepare(batch: RecordBatch): Update;
  /** Folds two accumulators (session windows merging). */
  merge(a: Acc, b: Acc): Acc;
  result(acc: Acc): unknown;
  type: DataType;
}

function numericColumn(batch: RecordBatch, column: string, what: string): (row: number) => number | null {
  const i = batch.schema.fields.findIndex((f) => f.name === column);
  if (i < 0) throw new Error(`${what}: column "${column}" is not in the stream (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
  const col = batch.getChildAt(i)!;
  const t = col.type.typeId;
  if (t !== Type.Float && t !== Type.Int && t !== Type.Decimal) throw new Error(`${what}: column "${column}" is ${String(col.type)}, not a number`);
  if (col.data.length === 1 && col.nullCount === 0 && t !== Type.Decimal) {
    const values = col.data[0].values as ArrayLike<number | bigint>;
    return typeof values[0] === 'bigint' ? (r) => Number(values[r] as bigint) : (r) => values[r] as number;
  }
  return (r) => {
    const v = col.get(r);
    return v === null || v === undefined ? null : Number(v);
  };
}

function anyColumn(batch: RecordBatch, column: string, what: string): (row: number) => unknown {
  const i = batch.schema.fields.findIndex((f) => f.name === column);
  if (i < 0) throw new Error(`${what}: column "${column}" is not in the stream (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
  const col = batch.getChildAt(i)!;
  return (r) => plainValue(col.get(r));
}

export function compileAggregate(name: string, agg: Aggregate, schema: Schema | undefined): CompiledAggregate {
  const what = `aggregate "${name}"`;
  switch (agg.fn) {
    case 'count':
      return { name, init: () => 0, prepare: () => (acc) => (acc as number) + 1, merge: (a, b) => (a as number) + (b as number), result: (a) => a, type: new Int64() };
    case 'sum':
    case 'avg': {
      // [sum, n]
      const update = (col: (r: number) => number | null): Update => (acc, r) => {
        const v = col(r);
        if (v === null) return acc;
        const a = acc as [number, number];
        a[0] += v;
        a[1] += 1;
        return a;
      };
      return {
        name,
        init: () => [0, 0],
        prepare: (batch) => update(numericColumn(batch, agg.column, what)),
        merge: (a, b) => [(a as number[])[0] + (b as number[])[0], (a as number[])[1] + (b as number[])[1]],
        result: (acc) => {
          const [s, n] = acc as [number, number];
          return n === 0 ? null : agg.fn === 'sum' ? s : s / n;
        },
        type: new Float64(),
      };
    }
    case 'min':
    case 'max': {
      const better = agg.fn === 'min' ? (a: number, b: number) => b < a : (a: number, b: number) => b > a;
      return {
        name,
        init: () => null,
        prepare: (batch) => {
          const col = numericColumn(batch, agg.column, what);
          return (acc, r) => {
            const v = col(r);
            if (v === null) return acc;
            return acc === null || better(acc as number, v) ? v : acc;
          };
        },
        merge: (a, b) => (a === null ? b : b === null ? a : better(a as number, b as number) ? b : a),
        result: (a) => a,
        type: new Float64(),
      };
    }
    case 'first':
    case 'last': {
      // [time, value] or null
      const wins = agg.fn === 'first' ? (cur: number, t: number) => t < cur : (cur: number, t: number) => t >= cur;
      const field = schema?.fields.find((f) => f.name === agg.column);
      return {
        name,
        init: () => null,
        prepare: (batch) => {
          const col = anyColumn(batch, agg.column, what);
          return (acc, r, t) => (acc === null || wins((acc as [number, unknown])[0], t) ? [t, col(r)] : acc);
        },
        merge: (a, b) => (a === null ? b : b === null ? a : wins((a as [number])[0], (b as [number])[0]) ? b : a),
        result: (a) => (a === null ? null : (a as [number, unknown])[1]),
        type: field?.type ?? new Float64(),
      };
    }
  }
}
