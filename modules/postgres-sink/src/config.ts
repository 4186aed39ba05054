import type { PostgresConnection } from '@pypeline/postgres';

/** Configuration of `postgres_sink`. */
export interface Config extends PostgresConnection {
  /** Table to load into; input columns go into the table columns of the same names */
  table: string;
  /** Schema of the table; when left out, the server's search path decides (usually `public`) */
  schema?: string;
  /**
   * Schema of the ledger table `pypeline_loads`, where each load records itself in its own transaction so a resumed run (`pype run --resume`) never loads a file twice; when left out, the table's `schema`
   */
  ledger_schema?: string;
  /**
   * `append` adds the rows; `replace` empties the table first (TRUNCATE), in the same transaction as the load; `upsert` inserts new rows and updates the rows whose `key` is already in the table (INSERT … ON CONFLICT (key) DO UPDATE)
   * @default "append"
   */
  mode?: 'append' | 'replace' | 'upsert';
  /**
   * Key columns: for `upsert`, the columns a row is matched on (the table needs a PRIMARY KEY or UNIQUE index on exactly these); with `create_table`, the primary key of the new table
   * @default []
   */
  key?: string[];
  /**
   * Create the table when it does not exist, with column types taken from the input
   * @default false
   */
  create_table?: boolean;
  /**
   * `copy` streams the rows with COPY FROM STDIN (fast); `insert` sends batched parameterised INSERT statements (for servers without COPY)
   * @default "copy"
   */
  method?: 'copy' | 'insert';
  /**
   * Rows per INSERT statement (method insert)
   * @asType integer
   * @default 1000
   */
  batch_size?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { mode: 'append', key: [] as string[], create_table: false, method: 'copy', batch_size: 1000 } as const;
