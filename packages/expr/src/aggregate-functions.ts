import { DataType, Float64, Int64, type Field } from 'apache-arrow';

export type AggregateName = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last';

/**
 * One aggregate function, declared once: the batch aggregate_mod, the stream windowed
 * aggregate, their config checks and the docs all read this table. Every function runs in both
 * runtimes; SQL null rules: nulls are skipped, and a group with no non-null value gives null
 * (count gives 0).
 */
export interface AggregateFunctionSpec {
  name: AggregateName;
  /** `count(*)` counts rows; no other function takes `*`. */
  star: boolean;
  /** The column it reads: `number` needs an integer or float column, `any` takes any type. */
  column: 'number' | 'any';
  /** The result type: a 64-bit count, a float, or the column's own type. */
  result: 'int64' | 'float64' | 'column';
  description: string;
}

export const AGGREGATE_FUNCTIONS: readonly AggregateFunctionSpec[] = [
  { name: 'count', star: true, column: 'any', result: 'int64', description: 'count(*) counts rows; count(col) counts the non-null values of col' },
  { name: 'sum', star: false, column: 'number', result: 'float64', description: 'the sum of the non-null values' },
  { name: 'avg', star: false, column: 'number', result: 'float64', description: 'the mean of the non-null values' },
  { name: 'min', star: false, column: 'any', result: 'column', description: 'the smallest non-null value (numbers, text, dates and times)' },
  { name: 'max', star: false, column: 'any', result: 'column', description: 'the largest non-null value' },
  { name: 'first', star: false, column: 'any', result: 'column', description: 'the value of the first row (batch: in input order; stream: the earliest event time)' },
  { name: 'last', star: false, column: 'any', result: 'column', description: 'the value of the last row (batch: in input order; stream: the latest event time)' },
];

const BY_NAME = new Map(AGGREGATE_FUNCTIONS.map((f) => [f.name, f]));

export function findAggregate(name: string): AggregateFunctionSpec | undefined {
  return BY_NAME.get(name.toLowerCase() as AggregateName);
}

/** Every accepted form, for messages and docs: `count(*), count(col), sum(col), …`. */
export function aggregateSignatures(): string {
  return AGGREGATE_FUNCTIONS.flatMap((f) => (f.star ? [`${f.name}(*)`, `${f.name}(col)`] : [`${f.name}(col)`])).join(', ');
}

/** The Arrow type of `fn(column)` over a column of `field` (null for `*`). */
export function aggregateResultType(fn: AggregateName, field: Field | null): DataType {
  const spec = BY_NAME.get(fn)!;
  if (spec.result === 'int64') return new Int64();
  if (spec.result === 'float64' || !field) return new Float64();
  return field.type;
}

/** Why `fn` cannot read a column of `field`, or undefined when it can. */
export function aggregateColumnProblem(fn: AggregateName, field: Field): string | undefined {
  if (BY_NAME.get(fn)!.column !== 'number' || DataType.isInt(field.type) || DataType.isFloat(field.type)) return undefined;
  return `${fn}(${field.name}) needs a numeric column, but "${field.name}" is ${String(field.type)}`;
}
