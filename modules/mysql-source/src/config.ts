import type { MysqlConnection } from '@pypeline/mysql';

/** Configuration of `mysql_source`. */
export interface Config extends MysqlConnection {
  /**
   * The SQL query, e.g. `select * from orders where region = ?`. A template in it is bound as a query parameter, never spliced:
   * `region = {{context.region}}` and `region = '{{context.region}}'` both become `region = ?`; inside a backquoted name, `` from `{{context.table}}` ``, the value is quoted as one identifier
   * @format sql-mysql
   */
  query: string;
  /** Values for the `?` placeholders in the query, in order; templates such as "{{iter.item.name}}" are safe here. Templates in query take their place among these */
  params?: (string | number | boolean | null)[];
  /**
   * Rows per Arrow record batch; the client holds at most about this many rows at a time
   * @asType integer
   * @default 10000
   */
  batch_size?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { batch_size: 10_000 } as const;
