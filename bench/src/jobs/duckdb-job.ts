// The DuckDB peer: `node duckdb-job.js <csv> <out.parquet>`, CSV → WHERE age > 18 → Parquet in one COPY.
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, output] = process.argv.slice(2);
if (!csv || !output) throw new Error('usage: duckdb-job.js <csv> <out.parquet>');
const sql = (s: string) => s.replaceAll("'", "''");
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run(`COPY (SELECT * FROM read_csv('${sql(csv)}', header = true) WHERE age > 18) TO '${sql(output)}' (FORMAT parquet)`);
conn.closeSync();
