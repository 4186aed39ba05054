// The DuckDB peer of a relational case: `node duckdb-query-job.js <sql>`, one statement (a COPY … TO parquet).
import { DuckDBInstance } from '@duckdb/node-api';

const [sql] = process.argv.slice(2);
if (!sql) throw new Error('usage: duckdb-query-job.js <sql>');
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run(sql);
conn.closeSync();
