import { DuckDBInstance } from '@duckdb/node-api';

/** An in-memory DuckDB in UTC, how tests check PYpeline's output independently of it. */
export interface TestDuckDb {
  run(sql: string): Promise<void>;
  /** Rows as JSON-safe values (BIGINT, DECIMAL and HUGEINT as their exact text). */
  rows(sql: string): Promise<unknown[][]>;
  close(): void;
}

/** Opens an in-memory DuckDB with one thread (tests share a small machine) and TimeZone UTC. */
export async function openDuckDb(): Promise<TestDuckDb> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await db.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  return {
    run: async (sql) => {
      await connection.run(sql);
    },
    rows: async (sql) => (await connection.runAndReadAll(sql)).getRowsJson() as unknown[][],
    close: () => {
      connection.closeSync();
      db.closeSync();
    },
  };
}
