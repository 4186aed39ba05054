/** Configuration of `aggregate_mod`. */
export interface Config {
  /** Columns to group by; leave out for a single row over the whole input */
  group_by?: string[];
  /** Output columns as `name: function(column)`, with count, sum, min, max or avg; `count(*)` counts rows, e.g. { orders: "count(*)", revenue: "sum(amount)" } */
  aggregates: Record<string, string>;
}
