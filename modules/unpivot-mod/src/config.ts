/** Configuration of `unpivot_mod`. */
export interface Config {
  /** The columns to turn into rows, in this order (DuckDB `UNPIVOT … ON a, b`); give this or `columns_pattern` */
  columns?: string[];
  /** A regular expression picking the columns to turn into rows, in input order, matched anywhere in the name as DuckDB's `ON COLUMNS('…')`, e.g. `^q[1-4]$`; give this or `columns` */
  columns_pattern?: string;
  /**
   * The output column holding the name of the column a value came from
   * @default "name"
   */
  name_column?: string;
  /**
   * The output column holding the value
   * @default "value"
   */
  value_column?: string;
  /**
   * Keep a row for a null value too (DuckDB `UNPIVOT INCLUDE NULLS`); by default a null value gives no row
   * @default false
   */
  include_nulls?: boolean;
}

/** The defaults above as values; the conformance test keeps them equal to the generated manifest's. */
export const DEFAULTS = {
  name_column: 'name',
  value_column: 'value',
  include_nulls: false,
} as const satisfies Omit<Required<Config>, 'columns' | 'columns_pattern'>;
