import type { ConfigDefaults } from '@pypeline/sdk';

/** A column type `columns` can set, overriding the one the declared type gives. */
export type SqliteColumnType = 'utf8' | 'float64' | 'int64' | 'boolean' | 'date' | 'timestamp' | 'binary';

/** A value bound to a query parameter. */
export type SqliteParam = string | number | boolean | null;

/** Configuration of `sqlite_source`. */
export interface Config {
  /**
   * Path of the SQLite database file; it is opened read-only and must exist
   * @format path
   */
  database: string;
  /**
   * The SQL query, e.g. `select * from orders where region = ?`. Parameters are `?` (taken from params in order) or `$1`, `$2`, ... (by number). A template in it is bound as a parameter, never spliced: `region = {{context.region}}` becomes `region = $n`
   * @format sql
   */
  query: string;
  /**
   * Values for the query's parameters, in order; templates such as "{{context.region}}" are safe here
   * @default []
   */
  params?: SqliteParam[];
  /**
   * Column types that override the ones the declared column types give, by result column name, e.g. { total: float64, created: timestamp }
   * @default {}
   */
  columns?: Record<string, SqliteColumnType>;
  /**
   * Rows per Arrow record batch; rows are read one by one from the cursor, never all at once
   * @asType integer
   * @default 10000
   */
  batch_size?: number;
}

/** The defaults above as values; the conformance test keeps them equal to the manifest's. */
export const DEFAULTS = { params: [], columns: {}, batch_size: 10_000 } as const satisfies ConfigDefaults<Config>;

export type ResolvedConfig = Required<Config>;
