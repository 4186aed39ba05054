import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import { readParquetFile, writeParquetFile } from '@pypeline/parquet';

/** An in-memory DuckDB in UTC, how tests check PYpeline's output independently of it. */
export interface TestDuckDb {
  run(sql: string): Promise<void>;
  /** Rows as JSON-safe values (BIGINT, DECIMAL and HUGEINT as their exact text). */
  rows(sql: string): Promise<unknown[][]>;
  /** The result of `sql` as an Arrow table, through a Parquet file: how DuckDB's data reaches a flow. */
  table(sql: string): Promise<Table>;
  /** `table` as DuckDB view `name` (through a Parquet file), to compare a module's output in SQL. */
  register(name: string, table: Table): Promise<void>;
  close(): void;
}

/** Opens an in-memory DuckDB with one thread (tests share a small machine) and TimeZone UTC. */
export async function openDuckDb(): Promise<TestDuckDb> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await db.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  let dir: string | undefined;
  let files = 0;
  const file = () => join((dir ??= mkdtempSync(join(tmpdir(), 'pype-duckdb-'))), `t${files++}.parquet`);
  return {
    run: async (sql) => {
      await connection.run(sql);
    },
    rows: async (sql) => (await connection.runAndReadAll(sql)).getRowsJson() as unknown[][],
    table: async (sql) => {
      const path = file();
      await connection.run(`COPY (${sql}) TO '${path}' (FORMAT parquet)`);
      return await readParquetFile(path);
    },
    register: async (name, table) => {
      const path = file();
      await writeParquetFile(path, table);
      await connection.run(`CREATE OR REPLACE VIEW "${name}" AS SELECT * FROM '${path}'`);
    },
    close: () => {
      connection.closeSync();
      db.closeSync();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
