import type { MysqlConnection } from '@pypeline/mysql';

/** Configuration of `mysql_sink`. */
export interface Config extends MysqlConnection {
  /** Table to load into, in `database`; input columns go into the table columns of the same names */
  table: string;
  /**
   * Database of the ledger table `pypeline_loads`, where each load records itself in its own transaction so a resumed run (`pype run --resume`) never loads twice; when left out, `database`
   */
  ledger_database?: string;
  /**
   * `append` adds the rows; `replace` empties the table first (DELETE, in the same transaction as the load); `upsert` inserts new rows and updates the rows whose `key` is already in the table (INSERT … ON DUPLICATE KEY UPDATE)
   * @default "append"
   */
  mode?: 'append' | 'replace' | 'upsert';
  /**
   * Key columns: for `upsert`, the columns a row is matched on (the table needs a PRIMARY KEY or UNIQUE index on exactly these); with `create_table`, the primary key of the new table
   * @default []
   */
  key?: string[];
  /**
   * Create the table when it does not exist, with column types taken from the input (before the load's transaction: MySQL commits DDL at once)
   * @default false
   */
  create_table?: boolean;
  /**
   * `insert` sends batched multi-row INSERT statements as prepared statements; `load_data` streams the rows with LOAD DATA LOCAL INFILE (needs local_infile on the server)
   * @default "load_data"
   */
  method?: 'insert' | 'load_data';
  /**
   * Rows per INSERT statement (method insert; capped by MySQL's 65535 parameters per statement)
   * @asType integer
   * @default 1000
   */
  batch_size?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { mode: 'append', key: [] as string[], create_table: false, method: 'load_data', batch_size: 1000 } as const;
