import type { ConfigDefaults } from '@pypeline/sdk';

/** Configuration of `sqlite_sink`. */
export interface Config {
  /**
   * Path of the SQLite database file; created (with its folder) when missing
   * @format path
   */
  database: string;
  /** Table to load into; input columns go into the table columns of the same names */
  table: string;
  /**
   * `create` makes the table from the input's columns and fails if it exists; `append` adds the rows; `replace` drops the table and makes it again from the input; `upsert` inserts rows and updates the ones whose key is already there. `append` and `upsert` create a missing table. Everything happens in one transaction: a failed run leaves the table as it was
   * @default "append"
   */
  mode?: 'create' | 'append' | 'replace' | 'upsert';
  /**
   * The key columns for `upsert` (the table needs a PRIMARY KEY or UNIQUE index on exactly them; a table this module creates gets a PRIMARY KEY on them)
   * @default []
   */
  key?: string[];
  /**
   * Rows per prepared multi-row INSERT statement
   * @asType integer
   * @default 500
   */
  batch_size?: number;
}

/** The defaults above as values; the conformance test keeps them equal to the manifest's. */
export const DEFAULTS = { mode: 'append', key: [], batch_size: 500 } as const satisfies ConfigDefaults<Config>;

export type ResolvedConfig = Required<Config>;
