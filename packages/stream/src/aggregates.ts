import { DataType, type RecordBatch, type Schema } from 'apache-arrow';
import { aggregateColumnProblem, aggregateResultType, aggregateSignatures, findAggregate, parseAggregates, type AggregateName } from '@pypeline/expr';
import { compareKeys, type KeyValue } from '@pypeline/verbs';
import { plainValue } from './arrow-rows.js';

/**
 * One aggregate computed per key and window. The functions and their rules (argument, result
 * type, nulls) are @pypeline/expr's AGGREGATE_FUNCTIONS, shared with the batch aggregate_mod.
 */
export type Aggregate =
  | { fn: 'count'; column?: string }
  | { fn: StreamAggregateName; column: string };

/** The functions a stream window computes (the table's `stream: true` ones); the rest are batch only. */
export type StreamAggregateName = Extract<AggregateName, 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last'>;

const STREAM_HINT = `write aggregates as { output_name: "fn(column)" }, e.g. { orders: "count(*)", revenue: "sum(amount)" }; a stream window allows: ${aggregateSignatures('stream')}`;

/** Number of events in the window, or of non-null values of `column`. Int64. */
export const count = (column?: string): Aggregate => (column === undefined ? { fn: 'count' } : { fn: 'count', column });
/** Sum of a numeric column (nulls ignored; null when all are null). Float64. */
export const sum = (column: string): Aggregate => ({ fn: 'sum', column });
/** Smallest non-null value (numbers, text, times), in the column's type. */
export const min = (column: string): Aggregate => ({ fn: 'min', column });
/** Largest non-null value, in the column's type. */
export const max = (column: string): Aggregate => ({ fn: 'max', column });
export const avg = (column: string): Aggregate => ({ fn: 'avg', column });
/** The value of the event with the earliest event time (ties: the first to arrive). */
export const first = (column: string): Aggregate => ({ fn: 'first', column });
/** The value of the event with the latest event time (ties: the last to arrive). */
export const last = (column: string): Aggregate => ({ fn: 'last', column });

/**
 * Aggregates given as objects (`count()`) or as the language writes them (`'count(*)'`,
 * `'sum(amount)'`, as in aggregate_mod), as objects; throws naming every bad entry.
 */
export function toAggregates(aggregates: Record<string, Aggregate | string>): Record<string, Aggregate> {
  const texts = Object.fromEntries(Object.entries(aggregates).filter(([, a]) => typeof a === 'string'));
  const { specs, problems } = parseAggregates(texts);
  // Batch-only functions and DISTINCT, in the order written, beside the parse problems.
  for (const s of specs) {
    const why = !findAggregate(s.fn)?.stream ? `${s.fn} is for batch flows (aggregate_mod) only` : s.distinct ? 'DISTINCT is for batch flows (aggregate_mod) only' : undefined;
    if (why) problems.push(`${s.name}: "${String(texts[s.name])}": ${why}`);
  }
  const order = Object.keys(texts);
  problems.sort((a, b) => order.indexOf(a.slice(0, a.indexOf(':'))) - order.indexOf(b.slice(0, b.indexOf(':'))));
  if (problems.length > 0 && Object.keys(texts).length > 0) throw new Error(`aggregate: ${problems.join('; ')} (${STREAM_HINT})`);
  const parsed = new Map(specs.map((s) => [s.name, s]));
  return Object.fromEntries(Object.entries(aggregates).map(([name, a]) => {
    if (typeof a !== 'string') return [name, a];
    const { fn, column } = parsed.get(name)!;
    return [name, column === null ? count() : ({ fn, column } as Aggregate)];
  }));
}

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

function numericColumn(batch: RecordBatch, agg: Aggregate & { column: string }, what: string): (row: number) => number | null {
  const i = columnIndex(batch, agg.column, what);
  const problem = aggregateColumnProblem(agg.fn, batch.schema.fields[i]) ?? (DataType.isDecimal(batch.schema.fields[i].type) ? `${agg.fn}(${agg.column}) over a decimal is for batch flows (aggregate_mod) only; cast it to float64 first` : undefined);
  if (problem) throw new Error(`${what}: ${problem}`);
  const col = batch.getChildAt(i)!;
  if (col.data.length === 1 && col.nullCount === 0) {
    const values = col.data[0].values as ArrayLike<number | bigint>;
    return typeof values[0] === 'bigint' ? (r) => Number(values[r] as bigint) : (r) => values[r] as number;
  }
  return (r) => {
    const v = col.get(r);
    return v === null || v === undefined ? null : Number(v);
  };
}

function anyColumn(batch: RecordBatch, column: string, what: string): (row: number) => unknown {
  const col = batch.getChildAt(columnIndex(batch, column, what))!;
  return (r) => plainValue(col.get(r));
}

function columnIndex(batch: RecordBatch, column: string, what: string): number {
  const i = batch.schema.fields.findIndex((f) => f.name === column);
  if (i < 0) throw new Error(`${what}: column "${column}" is not in the stream (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`);
  return i;
}

/** The output type of `agg` by the shared rule (the column's own type for min, max, first and last). */
function resultType(agg: Aggregate, schema: Schema | undefined): DataType {
  const field = agg.column === undefined ? undefined : schema?.fields.find((f) => f.name === agg.column);
  return aggregateResultType(agg.fn, field ?? null);
}

export function compileAggregate(name: string, agg: Aggregate, schema: Schema | undefined): CompiledAggregate {
  const what = `aggregate "${name}"`;
  if (!findAggregate(agg.fn)?.stream) throw new Error(`${what}: ${agg.fn} is for batch flows (aggregate_mod) only (${STREAM_HINT})`);
  const type = resultType(agg, schema);
  switch (agg.fn) {
    case 'count': {
      const column = agg.column;
      const prepare = column === undefined
        ? () => (acc: Acc) => (acc as number) + 1
        : (batch: RecordBatch) => {
          const col = batch.getChildAt(columnIndex(batch, column, what))!;
          return (acc: Acc, r: number) => (col.isValid(r) ? (acc as number) + 1 : acc);
        };
      return { name, init: () => 0, prepare, merge: (a, b) => (a as number) + (b as number), result: (a) => a, type };
    }
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
        prepare: (batch) => update(numericColumn(batch, agg, what)),
        merge: (a, b) => [(a as number[])[0] + (b as number[])[0], (a as number[])[1] + (b as number[])[1]],
        result: (acc) => {
          const [s, n] = acc as [number, number];
          return n === 0 ? null : agg.fn === 'sum' ? s : s / n;
        },
        type,
      };
    }
    case 'min':
    case 'max': {
      // Any comparable value, ordered as aggregate_mod orders it (text by code point).
      const sign = agg.fn === 'min' ? 1 : -1;
      const better = (a: unknown, b: unknown) => sign * compareKeys(b as NonNullable<KeyValue>, a as NonNullable<KeyValue>) < 0;
      return {
        name,
        init: () => null,
        prepare: (batch) => {
          // Numbers straight from the typed array (the common case); other types through Arrow's getter.
          const { type } = batch.schema.fields[columnIndex(batch, agg.column, what)];
          const numeric = DataType.isInt(type) || DataType.isFloat(type);
          const col = numeric ? numericColumn(batch, agg, what) : anyColumn(batch, agg.column, what);
          return (acc, r) => {
            const v = col(r);
            if (v === null || v === undefined) return acc;
            return acc === null || better(acc, v) ? v : acc;
          };
        },
        merge: (a, b) => (a === null ? b : b === null ? a : better(a, b) ? b : a),
        result: (a) => a,
        type,
      };
    }
    case 'first':
    case 'last': {
      // [time, value] or null
      const wins = agg.fn === 'first' ? (cur: number, t: number) => t < cur : (cur: number, t: number) => t >= cur;
      return {
        name,
        init: () => null,
        prepare: (batch) => {
          const col = anyColumn(batch, agg.column, what);
          return (acc, r, t) => (acc === null || wins((acc as [number, unknown])[0], t) ? [t, col(r)] : acc);
        },
        merge: (a, b) => (a === null ? b : b === null ? a : wins((a as [number])[0], (b as [number])[0]) ? b : a),
        result: (a) => (a === null ? null : (a as [number, unknown])[1]),
        type,
      };
    }
  }
}
