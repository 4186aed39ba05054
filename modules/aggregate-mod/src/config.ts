/** Configuration of `aggregate_mod`. */
export interface Config {
  /** Columns to group by; leave out for a single row over the whole input */
  group_by?: string[];
  /** Output columns as `name: function(column)`, e.g. { orders: "count(*)", revenue: "sum(amount)" }; the functions and their forms are listed in docs/modules.md (aggregate_mod) */
  aggregates: Record<string, Aggregate>;
  /**
   * Keeps only the groups for which this condition over the output columns (group_by columns and aggregate names) is true, like SQL HAVING, e.g. `orders > 10 and revenue >= 1000`
   * @format expression
   */
  having?: string;
}

/**
 * An aggregate: count(*) counts rows; count([distinct] col), count_if(condition), sum, avg, min, max, first, last, stddev, stddev_samp, stddev_pop, variance, var_samp, var_pop, median, mode, bool_and, bool_or, list (col); quantile_cont(col, p), quantile_disc(col, p), string_agg(col, 'sep')
 * @format aggregate
 */
export type Aggregate = string;
