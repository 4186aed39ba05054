import type { PostgresConnection } from '@pypeline/postgres';

/** Configuration of `postgres_source`. */
export interface Config extends PostgresConnection {
  /**
   * The SQL query, e.g. `select * from orders where region = $1`. A template in it is bound as a query parameter, never spliced:
   * `region = {{context.region}}` and `region = '{{context.region}}'` both become `region = $n`; inside a quoted name, `from "{{context.table}}"`, the value is quoted as one identifier
   * @format sql
   */
  query: string;
  /** Values for $1, $2, ... in the query, in order; templates such as "{{iter.item.name}}" are safe here. Templates in query are numbered after these */
  params?: (string | number | boolean | null)[];
  /**
   * Rows fetched per round trip, and rows per Arrow record batch
   * @asType integer
   * @default 10000
   */
  batch_size?: number;
}

/** The defaults above as values; a test keeps them equal to the generated manifest's. */
export const DEFAULTS = { batch_size: 10_000 } as const;
