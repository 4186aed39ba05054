/** Configuration of `window_mod`. */
export interface Config {
  /** Columns that split the rows into partitions (SQL PARTITION BY); leave out for one partition over the whole input */
  partition_by?: string[];
  /**
   * The order of the rows inside a partition (SQL ORDER BY of the window): sort keys as in sort_mod, a column optionally followed by `asc` or `desc` and `nulls first` or `nulls last` (nulls last by default, as DuckDB), e.g. ["day", "amount desc nulls first"]; leave out and every row of a partition is a peer of every other
   */
  order_by?: string[];
  /** The output columns as `name: "function(arguments) [frame]"`, e.g. { rn: "row_number()", prev: "lag(price, 1, 0)", running: "sum(amount) rows between unbounded preceding and current row" }; the functions and frames are listed in docs/modules.md (window_mod) */
  columns: Record<string, WindowFunction>;
}

/**
 * A window function: row_number(), rank(), dense_rank(), percent_rank(), cume_dist(), ntile(n), lag(expr[, offset[, default]]), lead(expr[, offset[, default]]), first_value(expr), last_value(expr), nth_value(expr, n), count(*), count(expr), sum(expr), avg(expr), min(expr), max(expr); the last six may end with a frame: rows|range between <bound> and <bound>, where a bound is unbounded preceding, n preceding, current row, n following or unbounded following (range: no n)
 */
export type WindowFunction = string;
