/** Configuration of `aggregate_mod`. */
export interface Config {
  /** Columns to group by; leave out for a single row over the whole input */
  group_by?: string[];
  /** Output columns as `name: function(column)`, with count, sum, avg, min, max, first or last; `count(*)` counts rows, e.g. { orders: "count(*)", revenue: "sum(amount)" } */
  aggregates: Record<string, Aggregate>;
}

/**
 * An aggregate: count(*) counts rows; count(col), sum(col), avg(col), min(col), max(col), first(col) or last(col)
 * @format aggregate
 */
export type Aggregate = string;
