import { DuckDBInstance } from '@duckdb/node-api';

/** Rows of a DuckDB query as JSON objects: how the e2e tests read a run's output independently of PYpeline. */
export async function readWithDuckDb(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
  }
}
