import { Bool, DataType, Decimal, Field, Float64, Int64, List, Utf8 } from 'apache-arrow';

export type AggregateName =
  | 'count' | 'count_if' | 'sum' | 'avg' | 'min' | 'max' | 'first' | 'last'
  | 'stddev' | 'stddev_samp' | 'stddev_pop' | 'variance' | 'var_samp' | 'var_pop'
  | 'median' | 'quantile_cont' | 'quantile_disc' | 'mode'
  | 'string_agg' | 'list' | 'bool_and' | 'bool_or';

/**
 * What an aggregate reads: `number` an integer, float or decimal column; `ordered` anything
 * with an order (numbers, decimals, text, booleans, dates, times, timestamps); `any` any type;
 * `bool` a boolean column; `text` a text column; `condition` an expression over the row.
 */
export type AggregateReads = 'number' | 'ordered' | 'any' | 'bool' | 'text' | 'condition';

/**
 * The result: `int64` a 64-bit count; `sum` Int64 for integers (an overflow is an error),
 * Float64 for floats, Decimal(38, scale) for decimals; `float64`; `column` the column's own
 * type; `utf8`; `bool`; `list` a LIST of the column's type.
 */
export type AggregateResult = 'int64' | 'sum' | 'float64' | 'column' | 'utf8' | 'bool' | 'list';

/**
 * One aggregate function, declared once: the batch aggregate_mod, the stream windowed
 * aggregate, their config checks and the docs all read this table. SQL (DuckDB) null rules:
 * nulls are skipped, and a group with no non-null value gives null (count gives 0); first,
 * last and list keep nulls. Names and semantics follow DuckDB's.
 */
export interface AggregateFunctionSpec {
  name: AggregateName;
  /** `count(*)` counts rows; no other function takes `*`. */
  star: boolean;
  reads: AggregateReads;
  result: AggregateResult;
  /** `fn(distinct col)`: the function sees each distinct value of its group once. */
  distinct: boolean;
  /** A second argument: `p` a fraction in [0, 1]; `sep` a text literal in single quotes (optional). */
  param?: 'p' | 'sep';
  /** Also usable in stream windows (window_aggregate); the others are batch only. */
  stream: boolean;
  /** Another name for the same function (stddev → stddev_samp). */
  alias?: AggregateName;
  description: string;
}

const fn = (name: AggregateName, reads: AggregateReads, result: AggregateResult, description: string, more: Partial<AggregateFunctionSpec> = {}): AggregateFunctionSpec =>
  ({ name, star: false, reads, result, distinct: true, stream: false, description, ...more });

export const AGGREGATE_FUNCTIONS: readonly AggregateFunctionSpec[] = [
  fn('count', 'any', 'int64', 'count(*) counts rows; count(col) counts the non-null values of col', { star: true, stream: true }),
  fn('count_if', 'condition', 'int64', 'the rows for which a condition (an expression, e.g. amount > 10) is true; null where the condition is null on every row (as DuckDB)', { distinct: false }),
  fn('sum', 'number', 'sum', 'the sum of the non-null values: Int64 for integers (overflow is an error), Float64 for floats, Decimal(38, scale) for decimals', { stream: true }),
  fn('avg', 'number', 'float64', 'the mean of the non-null values', { stream: true }),
  fn('min', 'ordered', 'column', 'the smallest non-null value (numbers, text by code point, booleans, dates and times)', { stream: true }),
  fn('max', 'ordered', 'column', 'the largest non-null value', { stream: true }),
  fn('first', 'any', 'column', 'the value of the first row, null included (batch: in input order; stream: the earliest event time)', { stream: true, distinct: false }),
  fn('last', 'any', 'column', 'the value of the last row, null included (batch: in input order; stream: the latest event time)', { stream: true, distinct: false }),
  fn('stddev', 'number', 'float64', 'the sample standard deviation (as stddev_samp); null for fewer than 2 values', { alias: 'stddev_samp' }),
  fn('stddev_samp', 'number', 'float64', 'the sample standard deviation; null for fewer than 2 values'),
  fn('stddev_pop', 'number', 'float64', 'the population standard deviation'),
  fn('variance', 'number', 'float64', 'the sample variance (as var_samp); null for fewer than 2 values', { alias: 'var_samp' }),
  fn('var_samp', 'number', 'float64', 'the sample variance; null for fewer than 2 values'),
  fn('var_pop', 'number', 'float64', 'the population variance'),
  fn('median', 'number', 'float64', 'the middle value; the mean of the two middle values for an even count (as quantile_cont(col, 0.5))'),
  fn('quantile_cont', 'number', 'float64', 'the p-quantile, interpolated linearly between the two nearest values (p in [0, 1])', { param: 'p' }),
  fn('quantile_disc', 'ordered', 'column', 'the p-quantile as a value of the group: the ceil(n*p)-th smallest (p in [0, 1])', { param: 'p' }),
  fn('mode', 'any', 'column', 'the most frequent non-null value; ties go to the value seen first'),
  fn('string_agg', 'text', 'utf8', 'the non-null values joined in input order with a separator (default \',\')', { param: 'sep' }),
  fn('list', 'any', 'list', 'every value in input order, nulls included, as a LIST'),
  fn('bool_and', 'bool', 'bool', 'true when every non-null value is true'),
  fn('bool_or', 'bool', 'bool', 'true when some non-null value is true'),
];

const BY_NAME = new Map(AGGREGATE_FUNCTIONS.map((f) => [f.name, f]));

export function findAggregate(name: string): AggregateFunctionSpec | undefined {
  return BY_NAME.get(name.toLowerCase() as AggregateName);
}

/** The accepted forms of one function: `sum(col)`, `sum(distinct col)`. */
export function aggregateForms(f: AggregateFunctionSpec): string[] {
  if (f.reads === 'condition') return [`${f.name}(condition)`];
  const param = f.param === 'p' ? ', p' : f.param === 'sep' ? ", 'sep'" : '';
  return [...(f.star ? [`${f.name}(*)`] : []), `${f.name}(col${param})`, ...(f.distinct ? [`${f.name}(distinct col${param})`] : [])];
}

/**
 * Every function with its forms, for messages and docs: `count(*), count([distinct] col),
 * count_if(condition), sum([distinct] col), …`; `stream` keeps the stream's (no DISTINCT).
 */
export function aggregateSignatures(runtime: 'batch' | 'stream' = 'batch'): string {
  return AGGREGATE_FUNCTIONS.filter((f) => runtime === 'batch' || f.stream).flatMap((f) => {
    const forms = aggregateForms(f).filter((s) => !s.includes('distinct'));
    if (!f.distinct || runtime === 'stream') return forms;
    return forms.map((s) => s.replace('(col', '([distinct] col'));
  }).join(', ');
}

/** The Arrow type of `fn(column)` over a column of `field` (null for `*` and conditions). */
export function aggregateResultType(fn: AggregateName, field: Field | null): DataType {
  const spec = BY_NAME.get(fn)!;
  switch (spec.result) {
    case 'int64': return new Int64();
    case 'float64': return new Float64();
    case 'utf8': return new Utf8();
    case 'bool': return new Bool();
    case 'sum':
      if (field && DataType.isInt(field.type)) return new Int64();
      if (field && DataType.isDecimal(field.type)) return new Decimal(field.type.scale, 38, 128);
      return new Float64();
    case 'list': return new List(new Field('item', field?.type ?? new Float64(), true));
    case 'column': return field?.type ?? new Float64();
  }
}

/** Whether the aggregate's result can be null: only count's cannot (count_if is null where its condition always is, as in DuckDB). */
export function aggregateResultNullable(fn: AggregateName): boolean {
  return fn !== 'count';
}

const READS: Record<AggregateReads, { ok: (t: DataType) => boolean; needs: string; fix: string }> = {
  number: { ok: (t) => DataType.isInt(t) || DataType.isFloat(t) || DataType.isDecimal(t), needs: 'a numeric column', fix: 'cast it to a number with select_mod first (cast: { column: float64 })' },
  ordered: {
    ok: (t) => DataType.isInt(t) || DataType.isFloat(t) || DataType.isDecimal(t) || DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isBool(t) || DataType.isDate(t) || DataType.isTimestamp(t) || DataType.isTime(t),
    needs: 'a column with an order (numbers, text, booleans, dates, times, timestamps)',
    fix: 'pick a column of such a type, or cast it with select_mod first',
  },
  any: { ok: () => true, needs: 'a column', fix: '' },
  bool: { ok: (t) => DataType.isBool(t), needs: 'a boolean column', fix: 'write a condition with count_if, or derive a boolean column with derive_mod first' },
  text: { ok: (t) => DataType.isUtf8(t) || DataType.isLargeUtf8(t), needs: 'a text column', fix: 'cast it to text with select_mod first (cast: { column: string })' },
  condition: { ok: () => true, needs: 'a condition', fix: '' },
};

/** Why `fn` cannot read a column of `field`, or undefined when it can. */
export function aggregateColumnProblem(fn: AggregateName, field: Field): string | undefined {
  const reads = READS[BY_NAME.get(fn)!.reads];
  if (reads.ok(field.type)) return undefined;
  return `${fn}(${field.name}) needs ${reads.needs}, but "${field.name}" is ${String(field.type)}`;
}

/** The fix for aggregateColumnProblem's problem. */
export function aggregateColumnFix(fn: AggregateName): string {
  return READS[BY_NAME.get(fn)!.reads].fix;
}
