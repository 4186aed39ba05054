/** The types select_mod casts to. */
export type CastType = 'string' | 'int32' | 'int64' | 'float64' | 'boolean' | 'date' | 'timestamp';

/** Configuration of `select_mod`. */
export interface Config {
  /** Columns to keep, in this order; left out: every column, in input order */
  columns?: string[];
  /** Columns to leave out (after `columns`) */
  drop?: string[];
  /** New names as { old_name: new_name } */
  rename?: Record<string, string>;
  /** Type changes as { column: type }, with type one of string, int32, int64, float64, boolean, date, timestamp */
  cast?: Record<string, CastType>;
  /**
   * What a value that cannot be cast does: `fail` stops the run naming the row; `null` writes null, counts it in the `cast_errors` global and warns
   * @default "fail"
   */
  on_cast_error?: 'fail' | 'null';
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { on_cast_error: 'fail' } as const;
