import type { PostgresConnection } from '@pypeline/postgres';

/** Configuration of `postgres_source`. */
export interface Config extends PostgresConnection {
  /** The SQL query, e.g. `select * from orders where region = $1`; values go in params as $1, $2, ..., never spliced into the text */
  query: string;
  /** Values for $1, $2, ... in the query, in order; templates such as "{{iter.item.name}}" are safe here */
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
