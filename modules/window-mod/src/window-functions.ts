/** The window functions window_mod computes, declared once: the parser, the type rules, the messages and the docs read this table. */
export type WindowName =
  | 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile'
  | 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value'
  | 'count' | 'sum' | 'avg' | 'min' | 'max';

/**
 * `rank`: a number from the row's place in its partition (no arguments but ntile's n, no frame);
 * `offset`: the value of another row of the partition (lag, lead; no frame); `value`: the value
 * of a row of the frame; `aggregate`: an aggregate of the frame, as @pypeline/expr's table types it.
 */
export type WindowKind = 'rank' | 'offset' | 'value' | 'aggregate';

export interface WindowFunctionSpec {
  name: WindowName;
  kind: WindowKind;
  /** How to write it, for messages and docs. */
  form: string;
  /** Arguments: at least, at most. */
  args: [number, number];
  description: string;
}

const spec = (name: WindowName, kind: WindowKind, form: string, args: [number, number], description: string): WindowFunctionSpec => ({ name, kind, form, args, description });

export const WINDOW_FUNCTIONS: readonly WindowFunctionSpec[] = [
  spec('row_number', 'rank', 'row_number()', [0, 0], 'Int64: the row\'s number in its partition, from 1 (ties numbered in input order)'),
  spec('rank', 'rank', 'rank()', [0, 0], 'Int64: 1 + the rows before the row\'s peers (ties share a rank, then a gap)'),
  spec('dense_rank', 'rank', 'dense_rank()', [0, 0], 'Int64: the number of the row\'s peer group (ties share a rank, no gap)'),
  spec('percent_rank', 'rank', 'percent_rank()', [0, 0], 'Float64: (rank - 1) / (rows in the partition - 1); 0 for a partition of one row'),
  spec('cume_dist', 'rank', 'cume_dist()', [0, 0], 'Float64: (rows up to the last peer of the row) / (rows in the partition)'),
  spec('ntile', 'rank', 'ntile(n)', [1, 1], 'Int64: the bucket, 1 to n, of n buckets as equal as can be (the first ones one row larger)'),
  spec('lag', 'offset', 'lag(expr[, offset[, default]])', [1, 3], 'expr at the row `offset` (default 1) rows before in the partition; `default` (default null) where there is none'),
  spec('lead', 'offset', 'lead(expr[, offset[, default]])', [1, 3], 'expr at the row `offset` (default 1) rows after in the partition; `default` (default null) where there is none'),
  spec('first_value', 'value', 'first_value(expr)', [1, 1], 'expr at the first row of the frame, null included; null for an empty frame'),
  spec('last_value', 'value', 'last_value(expr)', [1, 1], 'expr at the last row of the frame, null included; null for an empty frame'),
  spec('nth_value', 'value', 'nth_value(expr, n)', [2, 2], 'expr at the n-th row of the frame (from 1); null when the frame is shorter'),
  spec('count', 'aggregate', 'count(*), count(expr)', [1, 1], 'Int64: the rows of the frame (count(*)) or its non-null values'),
  spec('sum', 'aggregate', 'sum(expr)', [1, 1], 'the sum of the frame\'s non-null values: Int64 for integers (exact), Decimal(38, s) for decimals, Float64 for floats'),
  spec('avg', 'aggregate', 'avg(expr)', [1, 1], 'Float64: the mean of the frame\'s non-null values'),
  spec('min', 'aggregate', 'min(expr)', [1, 1], 'the smallest non-null value of the frame, in the type of expr'),
  spec('max', 'aggregate', 'max(expr)', [1, 1], 'the largest non-null value of the frame, in the type of expr'),
];

const BY_NAME = new Map(WINDOW_FUNCTIONS.map((f) => [f.name, f]));

export function findWindowFunction(name: string): WindowFunctionSpec | undefined {
  return BY_NAME.get(name.toLowerCase() as WindowName);
}

/** Every form, for messages: `row_number(), rank(), …, max(expr)`. */
export const WINDOW_FORMS = WINDOW_FUNCTIONS.map((f) => f.form).join(', ');

/** The frames the frame functions (value and aggregate kinds) take. */
export const FRAME_FORMS = 'rows between <bound> and <bound> (a bound: unbounded preceding, n preceding, current row, n following, unbounded following), rows <bound> (up to the current row), or range between unbounded preceding|current row and current row|unbounded following';

/** The fix shown with every problem of a window function. */
export const WINDOW_HINT = `write columns as { name: "function(arguments) [frame]" }, e.g. { rn: "row_number()", prev: "lag(price, 1, 0)", running: "sum(amount) rows between unbounded preceding and current row" }; functions: ${WINDOW_FORMS}; frames (first_value … max): ${FRAME_FORMS}`;
