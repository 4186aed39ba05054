/** Configuration of `pivot_mod`. */
export interface Config {
  /** The column whose values become output columns (DuckDB `PIVOT … ON`), named by the value as text (`2024`, `1.5`, `true`, `2024-01-31`); rows where it is null go to no column */
  pivot: string;
  /** The value of each new column per group, as `fn(column)` with aggregate_mod's functions, e.g. `sum(amount)`, `count(*)`, `first(status)` (DuckDB `PIVOT … USING`); a group with no row for a value gets the aggregate of no rows (null, or 0 for count) */
  aggregate: Aggregate;
  /** The columns that identify an output row (DuckDB `GROUP BY`); by default every column but the pivot column and the aggregated one */
  group_by?: string[];
  /** The pivot values to make columns of, in this order, compared with the value as text (DuckDB `ON pivot IN (…)`); a value not in the data gives a column of empty-group values. By default the values are read from the data, sorted as text, at most `max_columns` of them, and the output schema is known only at run time */
  values?: (string | number | boolean)[];
  /**
   * How many distinct values the pivot column may have when `values` is not given; more is an error naming the count
   * @default 1000
   */
  max_columns?: number;
}

/**
 * An aggregate as aggregate_mod takes it: count(*), count([distinct] col), sum, avg, min, max, first, last, … (col)
 * @format aggregate
 */
export type Aggregate = string;

/** The defaults above as values; the conformance test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  max_columns: 1000,
} as const satisfies Pick<Required<Config>, 'max_columns'>;
